//! Columns of an aligned table on the character grid that its header shows and its body hides:
//! poppler packs a column's text one space after the column before on many lines, so the
//! alignment of the body finds no column there, while the header's names stand far apart in
//! one cell ("Задачи        Дейности"). Such a cell is cut where its later name's column opens.

use super::CHAR;
use crate::import::pdf::grid::{PageCell, PageTable};
use crate::import::pdf::lines::{TextLine, Word};

/// A gap this wide between two header words (in characters) parts two names.
const APART: f64 = 3.0;
/// How far left of its name a column's text may start, in characters.
const DRIFT: f64 = 8.0;
/// At most this many columns are added to one table, a bound on the work.
const MAX_ADDED: usize = 8;
/// How many of a column's body lines, and of their openings, are weighed for a cut.
const EVIDENCE_LINES: usize = 200;
const MAX_OPENINGS: usize = 64;
/// A line with more words than this is no table's line and gives no evidence.
const MAX_LINE_WORDS: usize = 512;

/// Cuts each header cell whose names stand far apart on one line into the columns they name,
/// after moving each header word into the column it overlaps most.
pub(in crate::import::pdf) fn split_by_header(t: &mut PageTable) {
    header_words_by_overlap(t);
    for _ in 0..MAX_ADDED {
        let Some((c, x)) = next_cut(t) else {
            return;
        };
        cut(t, c, x);
    }
}

/// Header names poppler packed one space apart ("№ Дейности") stand across a column's start
/// the body shows: the words at the end of a header cell's line that lie more in the next
/// column than in their own go to the next column.
fn header_words_by_overlap(t: &mut PageTable) {
    let xs = t.xs.clone();
    let Some(header) = t.rows.first_mut() else {
        return;
    };
    if header.cells.iter().any(|c| c.span != 1) || header.cells.len() + 1 != xs.len() {
        return;
    }
    for c in 0..header.cells.len().saturating_sub(1) {
        let (edge, end) = (xs[c + 1], xs[c + 2]);
        let overlap = |w: &Word, a: f64, b: f64| (w.x1.min(b) - w.x0.max(a)).max(0.0);
        let mut moved: Vec<TextLine> = Vec::new();
        for line in &mut header.cells[c].lines {
            let keep = line
                .words
                .iter()
                .position(|w| overlap(w, edge, end) > overlap(w, xs[c], edge))
                .unwrap_or(line.words.len());
            if keep == 0 || keep == line.words.len() {
                continue;
            }
            let words = line.words.split_off(keep);
            line.x1 = line.words.last().map_or(line.x0, |w| w.x1);
            moved.push(TextLine {
                x0: words.first().map_or(edge, |w| w.x0),
                x1: words.last().map_or(edge, |w| w.x1),
                words,
                ..line.clone()
            });
        }
        let next = &mut header.cells[c + 1];
        for m in moved {
            match next.lines.iter_mut().find(|l| (l.y - m.y).abs() < 0.5) {
                Some(l) => {
                    let mut words = m.words;
                    words.append(&mut l.words);
                    l.x0 = words.first().map_or(l.x0, |w| w.x0);
                    l.words = words;
                }
                None => {
                    let at = next.lines.partition_point(|l| l.y > m.y);
                    next.lines.insert(at, m);
                }
            }
        }
    }
}

/// The first header cell with names far apart, and where its later name's column starts.
fn next_cut(t: &PageTable) -> Option<(usize, f64)> {
    let header = t.rows.first()?;
    if header.cells.iter().any(|c| c.span != 1) || header.cells.len() + 1 != t.xs.len() {
        return None;
    }
    for (c, cell) in header.cells.iter().enumerate() {
        let Some(name) = cell
            .lines
            .iter()
            .flat_map(|l| {
                l.words
                    .windows(2)
                    .filter(|w| w[1].x0 - w[0].x1 >= APART * CHAR)
                    .map(|w| w[1].x0)
            })
            .next()
        else {
            continue;
        };
        let body = t.rows.iter().skip(1).flat_map(|r| r.cells.get(c));
        let lines: Vec<&TextLine> = body
            .flat_map(|cell| &cell.lines)
            .filter(|l| l.words.len() <= MAX_LINE_WORDS)
            .take(EVIDENCE_LINES)
            .collect();
        let lo = (name - DRIFT * CHAR).max(cell.left + CHAR);
        let across = |p: f64| {
            lines
                .iter()
                .flat_map(|l| &l.words)
                .filter(|w| w.x0 < p && w.x1 > p)
                .count()
        };
        // Where the body's text opens (at a cell line's start or after two spaces or more)
        // between `lo` and the name, with the fewest words across; the leftmost of equals.
        let mut opens: Vec<f64> = lines
            .iter()
            .flat_map(|l| {
                l.words
                    .iter()
                    .enumerate()
                    .filter(|(j, w)| *j == 0 || w.x0 - l.words[j - 1].x1 >= 2.0 * CHAR)
                    .map(|(_, w)| w.x0)
            })
            .filter(|p| *p >= lo && *p <= name)
            .collect();
        opens.sort_by(f64::total_cmp);
        opens.dedup();
        let best = opens
            .into_iter()
            .take(MAX_OPENINGS)
            .min_by(|a, b| across(*a).cmp(&across(*b)).then(a.total_cmp(b)));
        if let Some(best) = best {
            return Some((c, best));
        }
    }
    None
}

/// Column `c` cut at `x`: each row's cell into the words starting left of `x` and the rest.
fn cut(t: &mut PageTable, c: usize, x: f64) {
    t.xs.insert(c + 1, x);
    for row in &mut t.rows {
        let Some(cell) = row.cells.get_mut(c) else {
            continue;
        };
        let mut right = PageCell {
            lines: Vec::new(),
            left: x,
            right: cell.right,
            span: 1,
            merged_from_above: false,
        };
        cell.right = x - 0.5 * CHAR;
        let mut kept = Vec::new();
        for line in std::mem::take(&mut cell.lines) {
            let (l, r): (Vec<Word>, Vec<Word>) =
                line.words.iter().cloned().partition(|w| w.x0 < x - 0.5);
            for (words, to) in [(l, &mut kept), (r, &mut right.lines)] {
                if let (Some(first), Some(last)) = (words.first(), words.last()) {
                    to.push(TextLine {
                        x0: first.x0,
                        x1: last.x1,
                        words: words.clone(),
                        ..line.clone()
                    });
                }
            }
        }
        cell.lines = kept;
        row.cells.insert(c + 1, right);
    }
}

#[cfg(test)]
mod tests {
    use crate::import::pdf::layout_text::tests::{read, tables};

    fn first_table(text: &str) -> Vec<Vec<String>> {
        tables(&read(text)).into_iter().next().unwrap_or_default()
    }

    #[test]
    fn a_long_table_under_a_header_of_names_far_apart_is_read_within_bounds() {
        let mut text = String::from("Цели           Задачи           Дейности\n\n");
        for n in 0..3_000 {
            text.push_str(&format!("Цел {n:<10} Задача {n:<9} Дейност {n}\n"));
        }
        let t = first_table(&text);
        assert_eq!(t[0], vec!["Цели", "Задачи", "Дейности"]);
    }

    #[test]
    fn header_names_packed_one_space_apart_go_to_the_columns_their_body_shows() {
        let text = "\
№ Дейности                  Срок       Институции

    Кампания за записване
1                           2024 г.    Община
    в детска градина

2   Ремонт на ДГ „Зора“     2025 г.    Община
";
        assert_eq!(
            first_table(text),
            vec![
                vec!["№", "Дейности", "Срок", "Институции"],
                vec![
                    "1",
                    "Кампания за записване в детска градина",
                    "2024 г.",
                    "Община"
                ],
                vec!["2", "Ремонт на ДГ „Зора“", "2025 г.", "Община"],
            ]
        );
    }

    #[test]
    fn header_names_far_apart_in_one_column_are_cut_where_the_later_ones_text_opens() {
        let text = "\
Цели           Задачи           Дейности                    Срок

Образование    Подобряване достъпа Обучение на деца         2024 г.
               до училищата.  за обучение от
                              разстояние.

Здраве         Ваксиниране хората Кампании за               2025 г.
               в кварталите.  ваксиниране.
";
        let t = first_table(text);
        assert_eq!(t[0], vec!["Цели", "Задачи", "Дейности", "Срок"], "{t:?}");
        assert_eq!(
            t[1],
            vec![
                "Образование",
                "Подобряване достъпа до училищата.",
                "Обучение на деца за обучение от разстояние.",
                "2024 г."
            ]
        );
    }
}
