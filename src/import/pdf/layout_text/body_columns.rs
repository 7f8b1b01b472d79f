//! Columns a coded table's header does not show but its body does: codes written at the left
//! of the first column with the column's text after them ("1.2. Осигуряване …", the header's
//! first name over both) are a column of their own; header names poppler packed one space
//! apart are cut where the body's text opens a column under the second name.

use super::coded::{GridCell, is_code};
use super::{GridLine, GridWord};

/// Where the text after the codes starts, when the codes stand at the left of the first
/// column with its text after them: the column most code lines give their second word, left
/// of the next header cell (`next`), on two lines at least.
pub(super) fn after_codes(lines: &[GridLine], body: &[usize], next: usize) -> Option<usize> {
    let mut at: Vec<usize> = body
        .iter()
        .map(|k| &lines[*k].words)
        .filter(|w| w.first().is_some_and(|c| is_code(&c.text)))
        .filter_map(|w| w.get(1).filter(|x| x.start + 2 < next).map(|x| x.start))
        .collect();
    let n = at.len();
    at.sort_unstable();
    let (x, count) = at
        .chunk_by(|a, b| a == b)
        .map(|c| (c[0], c.len()))
        .max_by_key(|(x, c)| (*c, std::cmp::Reverse(*x)))?;
    (count >= 2 && count * 2 > n).then_some(x)
}

/// How many of the body's lines are looked at for a column's evidence: enough for a table's
/// first rows, and a bound on the work for each header.
const EVIDENCE_LINES: usize = 200;
/// A body line with more words than this is no table's line and gives no evidence.
const MAX_LINE_WORDS: usize = 512;
/// How many places between packed header names are weighed, a bound on hostile headers.
const MAX_CANDIDATES: usize = 64;

/// How far right of a packed header name the body's text of its column may start, in
/// characters (poppler moves words right, never left).
const PACKED_DRIFT: usize = 6;

/// Header names poppler packed one space apart ("Статус Срок") as the columns they are: a
/// header cell is cut at a space between two of its words (`a` ending one space before `b`)
/// when no header word runs across that space, the body's text opens (after two spaces or
/// more, or at a line's start) at `b` or a few characters right of it on two lines at least,
/// and more body lines open there than have a word running across the place.
pub(super) fn packed_names(
    lines: &[GridLine],
    header: &[usize],
    body: &[usize],
    cells: &mut Vec<(usize, usize)>,
) {
    let head: Vec<&GridWord> = header.iter().flat_map(|k| &lines[*k].words).collect();
    let candidates: Vec<(usize, usize)> = header
        .iter()
        .flat_map(|k| lines[*k].words.windows(2))
        .filter(|p| {
            let (a, b) = (&p[0], &p[1]);
            // The cell holding both (the cells are sorted and apart).
            let i = cells.partition_point(|c| c.0 <= a.start);
            a.end + 1 == b.start && i > 0 && b.end <= cells[i - 1].1
        })
        .map(|p| (p[0].end, p[1].start))
        .take(MAX_CANDIDATES)
        .filter(|(end, start)| !head.iter().any(|w| w.start <= *end && w.end > *start))
        .collect();
    if candidates.is_empty() {
        return;
    }
    // Each evidence line: where its text opens after a gap, and its words (left to right).
    let body: Vec<(Vec<usize>, &[GridWord])> = body
        .iter()
        .map(|k| lines[*k].words.as_slice())
        .filter(|w| !w.is_empty() && w.len() <= MAX_LINE_WORDS)
        .take(EVIDENCE_LINES)
        .map(|l| {
            let opens = (0..l.len())
                .filter(|j| *j == 0 || l[j - 1].end + 2 <= l[*j].start)
                .map(|j| l[j].start)
                .collect();
            (opens, l)
        })
        .collect();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (end, start) in candidates {
        let window = start..=start + PACKED_DRIFT;
        let opened = body
            .iter()
            .filter(|(opens, _)| {
                let i = opens.partition_point(|x| *x < start);
                opens.get(i).is_some_and(|x| window.contains(x))
            })
            .count();
        // The word starting last before `start` is the only one that can run across it.
        let across = body
            .iter()
            .filter(|(_, l)| {
                let i = l.partition_point(|w| w.start < start);
                i > 0 && l[i - 1].end > start
            })
            .count();
        if opened >= 2 && opened > across {
            cuts.push((end, start));
        }
    }
    for (end, start) in cuts {
        if let Some(i) = cells.iter().position(|c| c.0 < start && end < c.1) {
            let c = cells[i];
            cells[i] = (c.0, end);
            cells.insert(i + 1, (start, c.1));
        }
    }
}

/// Line `k`'s text in the code column of a row whose code stands there, when it is no code
/// and stands right of the column's left edge (`left`), goes on with the text after the code:
/// a row cut by a page break stands a few characters left on the next page.
pub(super) fn uncoded_text_on(row: &mut [GridCell], k: usize, left: usize) {
    if let [code, text, ..] = row
        && code.lines.len() > 1
        && code.lines[0].1.first().is_some_and(|w| is_code(&w.text))
        && let Some((j, words)) = code.lines.last()
        && *j == k
        && words
            .first()
            .is_some_and(|w| !is_code(&w.text) && w.start > left)
        && let Some((_, mut moved)) = code.lines.pop()
    {
        match text.lines.iter_mut().find(|(j, _)| *j == k) {
            Some((_, words)) => {
                moved.append(words);
                *words = moved;
            }
            None => {
                let at = text.lines.partition_point(|(j, _)| *j < k);
                text.lines.insert(at, (k, moved));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::grid_lines;
    use super::*;
    use crate::import::budget::{ReadBudget, ReadLimits};

    fn cells_of(text: &str, header: usize) -> Vec<(usize, usize)> {
        let lines =
            grid_lines(text, &mut ReadBudget::new("текст", ReadLimits::DEFAULT)).expect("reads");
        let mut cells: Vec<(usize, usize)> = lines[header]
            .pieces()
            .iter()
            .map(|p| (p.start, p.end))
            .collect();
        let body: Vec<usize> = (header + 1..lines.len()).collect();
        packed_names(&lines, &[header], &body, &mut cells);
        cells
    }

    #[test]
    fn header_names_packed_one_space_apart_are_cut_where_the_body_shows_their_columns() {
        let text = "\
Мерки          Статус Срок     Отговорни
1.1. Обхват      Текущ   2021 -   Община
     на деца             2023 г.  Казанлък
";
        assert_eq!(
            cells_of(text, 0),
            vec![(0, 5), (15, 21), (22, 26), (31, 40)]
        );
    }

    #[test]
    fn text_in_the_code_column_of_a_coded_row_goes_on_with_the_text_after_the_code() {
        let text = "\
1.3. Осигуряване на
     обучение
   по езика.
   2.
";
        let lines =
            grid_lines(text, &mut ReadBudget::new("текст", ReadLimits::DEFAULT)).expect("reads");
        let cell = |left, right| GridCell {
            left,
            right,
            lines: Vec::new(),
        };
        let mut row = vec![cell(0, 5), cell(5, 30)];
        for (k, l) in lines.iter().enumerate() {
            let (code, text): (Vec<GridWord>, Vec<GridWord>) =
                l.words.iter().cloned().partition(|w| w.start < 5);
            for (c, words) in [(0, code), (1, text)] {
                if !words.is_empty() {
                    row[c].lines.push((k, words));
                }
            }
            uncoded_text_on(&mut row, k, 0);
        }
        let texts = |c: &GridCell| -> Vec<String> {
            c.lines
                .iter()
                .map(|(_, w)| {
                    w.iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        };
        assert_eq!(texts(&row[0]), vec!["1.3.", "2."]);
        assert_eq!(
            texts(&row[1]),
            vec!["Осигуряване на", "обучение", "по езика."]
        );
    }

    #[test]
    fn words_of_one_name_stay_one_column_when_the_body_runs_across_them() {
        let text = "\
Мерки          Отговорна институция
1.1. Обхват    Община Казанлък и РУО
     на деца   Регионално управление
";
        assert_eq!(cells_of(text, 0), vec![(0, 5), (15, 35)]);
    }

    #[test]
    fn a_long_header_of_packed_words_over_long_lines_is_weighed_within_bounds() {
        let header = vec!["дума"; 50_000].join(" ");
        let line = vec!["ред"; 400].join("  ");
        let text = format!("{header}\n{}", vec![line.as_str(); 1_000].join("\n"));
        let cells = cells_of(&text, 0);
        assert!(cells.len() <= 1 + MAX_CANDIDATES);
    }
}
