//! Lines of text on a PDF page: glyphs grouped into words and lines, and the lines of a cell
//! or a column of text joined back into the paragraphs they were wrapped from (words broken in
//! narrow cells joined where the document's own text shows it).

use super::Glyph;
pub(crate) use super::vocabulary::Vocabulary;

/// A line of text as laid out: its words with their extents.
#[derive(Debug, Clone)]
pub(crate) struct TextLine {
    pub x0: f64,
    pub x1: f64,
    /// Baseline.
    pub y: f64,
    pub size: f64,
    pub words: Vec<Word>,
    /// A space is written after the last word (some writers keep the space a line was
    /// wrapped at; a line broken inside a word or after a hyphen has none).
    pub trailing_space: bool,
    /// The first line of a cell's part on the page after a page break cut the cell: whether
    /// the line before it was wrapped or ended its paragraph cannot be told from its end.
    pub after_break: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub x0: f64,
    pub x1: f64,
    /// The width of its first glyph.
    pub first: f64,
    pub text: String,
}

impl TextLine {
    pub(super) fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Groups glyphs into lines (by baseline) and words (by gaps and spaces).
pub(crate) fn text_lines(glyphs: &[&Glyph]) -> Vec<TextLine> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() <= 0.35 * row[0].size.max(g.size).max(1.0) => {
                row.push(g)
            }
            _ => rows.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut row in rows {
        let y = row[0].y;
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let size = row.iter().map(|g| g.size).fold(0.0, f64::max).max(1.0);
        let mut words: Vec<Word> = Vec::new();
        let mut open = false;
        let mut last_x1 = f64::NEG_INFINITY;
        let mut trailing_space = false;
        for g in row {
            if g.text.trim().is_empty() {
                open = false;
                last_x1 = last_x1.max(g.x1);
                trailing_space = !words.is_empty();
                continue;
            }
            trailing_space = false;
            let gap = g.x0 - last_x1;
            if open && gap < 0.18 * size {
                if let Some(w) = words.last_mut() {
                    w.text.push_str(&g.text);
                    w.x1 = w.x1.max(g.x1);
                }
            } else {
                words.push(Word {
                    x0: g.x0,
                    x1: g.x1,
                    first: g.x1 - g.x0,
                    text: g.text.clone(),
                });
            }
            open = true;
            last_x1 = g.x1;
        }
        if words.is_empty() {
            continue;
        }
        out.push(TextLine {
            x0: words[0].x0,
            x1: words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max),
            y,
            size,
            words,
            trailing_space,
            after_break: false,
        });
    }
    out
}

/// Lines of text set between the lines of the text beside them, closer than a line's height
/// and not overlapping them, put on the baseline of the line above: the cells of a table drawn
/// without rulings are often centred vertically (or aligned to their bottom), so a short cell's
/// lines stand half a line off those of the long cell beside it. On the long cell's baselines,
/// the table's lines are one line's distance apart within a row and further apart between
/// rows, as when its cells are aligned to their top. Lines stay apart and in order, top to
/// bottom (each keeps what ends it).
pub(crate) fn onto_line_grid(mut lines: Vec<TextLine>) -> Vec<TextLine> {
    // The first line on the baseline being filled.
    let mut grid = 0usize;
    for i in 1..lines.len() {
        let (on, line) = lines.split_at_mut(i);
        let line = &mut line[0];
        let Some(base) = on.get(grid) else {
            continue;
        };
        let size = base.size.min(line.size);
        let overlaps = on[grid..].iter().take(64).any(|above| {
            line.words.iter().any(|w| {
                above
                    .words
                    .iter()
                    .any(|a| w.x0 < a.x1 + 0.1 * size && a.x0 < w.x1 + 0.1 * size)
            })
        });
        // A baseline holds the lines of a table's columns: a few dozen at most (bounded, so
        // a page of scattered glyphs costs no more than its lines).
        if base.y > line.y && base.y - line.y < 0.8 * size && !overlaps && i - grid < 64 {
            line.y = base.y;
        } else {
            grid = i;
        }
    }
    lines
}

/// What no line may start with, even after a space (Unicode line breaking, LB13: closing
/// punctuation, exclamation and infix separators; LB22: an ellipsis).
const NEVER_OPENS_A_LINE: [char; 11] = ['.', ',', ';', ':', '!', '?', ')', ']', '}', '/', '…'];

/// Whether a line opens a new item: "1.", "1)", "а)", "-", "•", "–".
fn starts_item(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "-" | "–" | "—" | "•" | "\u{f0b7}" | "*" | "o" | "▪" | "·"
    ) {
        return true;
    }
    if first.starts_with(['•', '\u{f0b7}', '▪', '·']) {
        return true;
    }
    let digits = first.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let rest = &first[digits..];
        return rest.starts_with('.') || rest.starts_with(')');
    }
    let mut chars = first.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some(')'), None) if c.is_alphabetic())
}

/// The lines of a cell or a column of text joined back into the lines they were wrapped from.
/// A line continues the one before when the first word of it would not have fitted at the end
/// of that one (the writer wrapped it), it does not open a list item, and no paragraph gap is
/// between them. A word broken without a hyphen at the edge of a narrow cell is joined back.
///
/// `cell`: the lines are a table cell's (on a character grid its lines join whatever their
/// distance: the rows were told apart already, and a cell's lines stand apart where the
/// cells beside it have more lines).
pub(crate) fn reflow(
    lines: &[TextLine],
    (left, right): (f64, f64),
    cell: bool,
    words: &Vocabulary,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let gaps: Vec<f64> = lines.windows(2).map(|w| w[0].y - w[1].y).collect();
    let median_gap = median(&gaps).unwrap_or(0.0);
    // The text of a cell stands inside its padding: the right edge lines are filled up to is as
    // far from the cell's right as its text is from its left.
    let padding = lines
        .iter()
        .map(|l| l.x0 - left)
        .fold(f64::INFINITY, f64::min)
        .clamp(0.0, 8.0);
    let filled_to = right - padding;
    // Where a line could end: centred lines are measured by their width, others by their end.
    let end = |l: &TextLine| {
        let centred = l.x0 - left > 3.0 && ((l.x0 + l.x1) / 2.0 - (left + right) / 2.0).abs() < 4.0;
        if centred { left + (l.x1 - l.x0) } else { l.x1 }
    };
    // Lines further apart than the usual distance of lines in a paragraph (at most that of
    // the smaller font) are in two paragraphs.
    let paragraph_gap = |p: &TextLine, line: &TextLine| {
        let usual = median_gap.min(p.size.min(line.size) * 1.3);
        !(cell && words.char_grid) && usual > 0.0 && p.y - line.y > usual * 1.35 + 0.5
    };
    let mut prev: Option<&TextLine> = None;
    for (i, line) in lines.iter().enumerate() {
        let text = line.text();
        // A word broken at the edge of the line continues on this one, whatever it starts
        // with ("1." + "1." is a code, not a list).
        let broken = match (prev, out.last()) {
            (Some(p), Some(before)) => {
                p.y - line.y > 0.0
                    && !paragraph_gap(p, line)
                    && words.broken(
                        p,
                        line,
                        lines.get(i + 1..).unwrap_or(&[]),
                        before,
                        (left, filled_to),
                        end(p),
                    )
            }
            _ => false,
        };
        let joined = broken
            || prev.is_some_and(|p| {
                let Some(first) = line.words.first() else {
                    return false;
                };
                let space = words.space_width(p.size);
                // On a character grid (`pdftotext -layout` text) widths are only approximate:
                // whether a word would have fitted cannot be told, so lines join unless
                // something else shows a new paragraph.
                // No line starts with closing punctuation or a separator, even after a space
                // (Unicode line breaking, LB13): "бизнес ." moves to the next line whole.
                let unbreakable = line
                    .words
                    .iter()
                    .skip(1)
                    .take_while(|w| w.text.starts_with(NEVER_OPENS_A_LINE))
                    .last()
                    .map_or(first.x1, |w| w.x1);
                let would_fit =
                    !words.char_grid && end(p) + space + (unbreakable - first.x0) <= right - 1.0;
                let gap = p.y - line.y;
                let paragraph_gap = paragraph_gap(p, line);
                // A line in a clearly larger or smaller font (a heading, the title) is a
                // paragraph of its own.
                let other_font = (p.size - line.size).abs() > 0.2 * p.size.max(line.size);
                // Outside tables, a line in capitals (a title) and one that is not are two
                // paragraphs.
                let caps = |l: &TextLine| {
                    let mut letters = l
                        .words
                        .iter()
                        .flat_map(|w| w.text.chars())
                        .filter(|c| c.is_alphabetic());
                    let first = letters.next();
                    first.is_some_and(char::is_uppercase) && letters.all(char::is_uppercase)
                };
                let title_ends = !cell && caps(p) != caps(line);
                // A dash at the start of a line that the one before had no room for is a dash
                // in the sentence, not a list item (followed by lower case or a number, or
                // alone on its line in a narrow cell).
                // After a line ending with a colon or a semicolon ("… модули:"), a line opened
                // by a dash is the list's next item whatever follows it.
                let opens_list = p.words.last().is_some_and(|w| w.text.ends_with([':', ';']));
                let sentence_dash = matches!(first.text.as_str(), "-" | "–" | "—")
                    && !opens_list
                    && end(p) + space + first.first > right - 1.0
                    && line.words.get(1).is_none_or(|w| {
                        w.text
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
                    });
                let item = starts_item(&text) && !sentence_dash;
                !would_fit && !paragraph_gap && !other_font && !title_ends && !item && gap > 0.0
            });
        match (joined, out.last_mut(), prev) {
            (true, Some(last), Some(p)) => {
                // A space written after the line says it was wrapped at a space; a line
                // ending in a hyphen glued to a word without one was broken after the hyphen;
                // a dash standing alone was followed by a space, unless the line had room for
                // that space and the writer keeps such spaces.
                let dash_alone = last
                    .strip_suffix('-')
                    .is_some_and(|s| s.is_empty() || s.ends_with(' '));
                let hyphenated = last.ends_with('-')
                    && text.chars().next().is_some_and(char::is_alphanumeric)
                    && if dash_alone {
                        words.spaces_kept && words.space_fits(end(p), p.size, filled_to)
                    } else {
                        words.spaces_kept
                            || last.chars().rev().nth(1).is_some_and(char::is_alphanumeric)
                    };
                let no_space = !p.trailing_space && (broken || hyphenated);
                if !no_space {
                    last.push(' ');
                }
                last.push_str(&text);
            }
            _ => out.push(text),
        }
        prev = Some(line);
    }
    out
}

pub(super) fn median(v: &[f64]) -> Option<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| *x > 0.0).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    Some(s[s.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of one word per `(x, text)`, 6 units a letter.
    fn line(y: f64, words: &[(f64, &str)]) -> TextLine {
        let words: Vec<Word> = words
            .iter()
            .map(|(x, t)| Word {
                x0: *x,
                x1: x + 6.0 * t.chars().count() as f64,
                first: 6.0,
                text: (*t).to_string(),
            })
            .collect();
        TextLine {
            x0: words[0].x0,
            x1: words.iter().map(|w| w.x1).fold(0.0, f64::max),
            y,
            size: 10.0,
            words,
            trailing_space: false,
            after_break: false,
        }
    }

    #[test]
    fn a_centred_cells_line_half_a_line_off_its_neighbours_is_put_on_their_baseline() {
        // A two-line cell beside a one-line cell centred on it, then the next row.
        let lines = vec![
            line(500.0, &[(100.0, "Записване")]),
            line(494.0, &[(0.0, "1.1."), (300.0, "Община")]),
            line(488.0, &[(100.0, "задържане")]),
            line(460.0, &[(0.0, "1.2."), (100.0, "Занимания")]),
        ];
        let ys: Vec<f64> = onto_line_grid(lines).iter().map(|l| l.y).collect();
        assert_eq!(ys, vec![500.0, 500.0, 488.0, 460.0]);
    }

    #[test]
    fn a_line_close_under_text_it_overlaps_keeps_its_place() {
        let lines = vec![
            line(500.0, &[(0.0, "Заглавие")]),
            line(494.0, &[(10.0, "индекс")]),
        ];
        let ys: Vec<f64> = onto_line_grid(lines).iter().map(|l| l.y).collect();
        assert_eq!(ys, vec![500.0, 494.0]);
    }
}
