//! A chart laid out again for a phone's width: the same bars, shorter, drawn at half the
//! width so that its 12 px labels stay 12 px on a 390 px screen; long labels wrap onto lines
//! above their bars and the legend onto more rows, so no text is cut or overlaps.

use super::charts::{BAR_MAX, CHAR, Chart, WIDTH, legend_in, r1};

/// The width a narrow chart is drawn in: about a phone's content width, so it is shown at
/// about its own size.
pub const NARROW_WIDTH: f64 = 360.0;
/// The distance between the baselines of a wrapped label's lines.
const LINE: f64 = 15.0;
/// The room between a bar's end and its value.
const GAP: f64 = 8.0;

/// `text` in lines of at most `max` characters, broken between words (a word longer than a
/// line is broken inside).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 { max } else { max - used.min(max) };
            if used > 0 && word.len() < room {
                line.push(' ');
                line.extend(word.iter());
                break;
            }
            if used == 0 && word.len() <= max {
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a whole line.
            let rest = word.split_off(max);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

impl Chart {
    /// The chart for a phone's width ([`NARROW_WIDTH`]): bars scaled so that the longest
    /// value still fits after the longest bar, each label wrapped to the width, everything
    /// below moved down by the lines added. Its id is the wide chart's with `-n`.
    pub fn narrow(&self) -> Chart {
        let longest_value = self
            .rows
            .iter()
            .flat_map(|r| &r.bars)
            .map(|b| b.value.chars().count())
            .max()
            .unwrap_or(0) as f64
            * CHAR;
        let k = ((NARROW_WIDTH - GAP - longest_value) / BAR_MAX).clamp(0.25, NARROW_WIDTH / WIDTH);
        let x = |v: f64| r1(v * k);
        let old_top = self.legend.last().map_or(0.0, |l| l.y + 12.0);
        let (legend, top) = legend_in(
            self.legend
                .iter()
                .map(|l| (l.color, l.label.clone()))
                .collect(),
            NARROW_WIDTH,
        );
        let per_line = ((NARROW_WIDTH - GAP) / CHAR).floor() as usize;
        let mut shift = if self.legend.is_empty() {
            0.0
        } else {
            top - old_top
        };
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut lines = wrap(&r.label, per_line);
                let label = lines.pop().unwrap_or_default();
                let first = r.label_y + shift;
                shift += lines.len() as f64 * LINE;
                let wrapped = lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, l)| (r1(first + i as f64 * LINE), l))
                    .collect();
                let mut row = r.clone();
                row.label = label;
                row.label_y = r1(r.label_y + shift);
                row.wrapped = wrapped;
                row.marker_x = r.marker_x.map(x);
                for b in &mut row.bars {
                    b.y = r1(b.y + shift);
                    b.value_x = r1((b.value_x - GAP).max(0.0) * k + GAP);
                    for s in &mut b.segments {
                        s.x = x(s.x);
                        s.width = x(s.width);
                    }
                }
                row
            })
            .collect();
        Chart {
            id: format!("{}-n", self.id),
            width: NARROW_WIDTH,
            track: x(self.track),
            height: r1(self.height + shift),
            legend,
            rows,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::analyse;
    use crate::analytics::charts::{money_chart, status_chart};
    use crate::analytics::testing::{round, update};
    use crate::i18n::Tr;
    use crate::snapshot::ReportedStatus;

    #[test]
    fn a_label_wraps_between_words_and_a_word_longer_than_a_line_breaks_inside() {
        assert_eq!(wrap("едно две три", 7), ["едно", "две три"]);
        assert_eq!(wrap("абвгдежзий к", 5), ["абвгд", "ежзий", "к"]);
        assert_eq!(wrap("", 5), [""]);
        assert!(
            wrap(&"дума ".repeat(40), 48)
                .iter()
                .all(|l| l.chars().count() <= 48)
        );
    }

    /// Where each piece of text of a chart ends, in its units, by the average advance.
    fn text_ends(c: &Chart) -> Vec<f64> {
        let len = |t: &str| t.chars().count() as f64 * CHAR;
        let mut out: Vec<f64> = c
            .legend
            .iter()
            .map(|l| l.x + 20.0 + len(&l.label))
            .collect();
        for r in &c.rows {
            out.push(len(&r.label));
            out.extend(r.wrapped.iter().map(|(_, l)| len(l)));
            out.extend(r.bars.iter().map(|b| b.value_x + len(&b.value)));
        }
        out
    }

    #[test]
    fn a_narrow_chart_keeps_every_text_inside_its_width_and_below_the_one_before() {
        let long = "Осигуряване на достъп до качествено образование и подкрепа за децата и \
                    учениците от уязвими групи в общината";
        let mut snap = round(
            &["m1", "m2"],
            vec![
                update("m1", "A", Some(ReportedStatus::Completed)),
                update("m2", "A", Some(ReportedStatus::InProgress)),
            ],
        );
        snap.plan.priorities[0].title = long.to_string();
        let a = analyse(&snap, &[], &|s| s.to_string());
        for chart in [
            status_chart(Tr::default(), "s", &snap.plan, &a),
            money_chart(Tr::default(), "m", &a),
        ] {
            let n = chart.narrow();
            assert_eq!(n.id, format!("{}-n", chart.id));
            assert_eq!(n.rows.len(), chart.rows.len());
            for end in text_ends(&n) {
                assert!(end <= NARROW_WIDTH, "{end} in {}", chart.id);
            }
            // Lines of a label, then its bars, then the next label, top to bottom.
            let mut y = n.legend.last().map_or(0.0, |l| l.y);
            for r in &n.rows {
                for (line_y, _) in &r.wrapped {
                    assert!(*line_y >= y + 12.0, "{line_y} after {y}");
                    y = *line_y;
                }
                assert!(r.label_y >= y + 12.0);
                y = r.label_y;
                for b in &r.bars {
                    assert!(b.y > y && b.y + b.height <= n.height);
                    y = b.y + b.height;
                }
            }
            if chart.id == "s" {
                assert!(!n.rows[0].wrapped.is_empty(), "the long title wraps");
            }
        }
    }
}
