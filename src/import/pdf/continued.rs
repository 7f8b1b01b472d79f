//! Rows of a table that only go on from the row above, drawn as rows of their own where two
//! tables follow each other with nothing between (a document split at the page breaks of
//! another and printed again): joined to the row above, as a row continued over a page break.

use super::function_words;
use crate::import::document::Row;

/// Rows that only go on from the row above: the first column empty, the row's text going on in
/// the middle of a sentence (in lower case) and every other filled cell going on from a filled
/// cell above (see [`goes_on`]). Tables that
/// follow each other with nothing between are drawn as one (a document split at the page
/// breaks of another and printed again), and the row continued across such a break is then a
/// row of its own: its text is joined to the row above, as a row continued over a page break.
pub(super) fn join_continued_rows(rows: &mut Vec<Row>) {
    // One pass into a new list (removing rows in place would be quadratic in a long table).
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for b in rows.drain(..) {
        match out.last_mut() {
            Some(a) if goes_on(a, &b) => {
                for (x, y) in a.cells.iter_mut().zip(b.cells) {
                    let mut more = y.lines.into_iter();
                    if let (Some(last), Some(first)) = (x.lines.last_mut(), more.next()) {
                        last.push(' ');
                        last.push_str(&first);
                    }
                    x.lines.extend(more);
                }
            }
            _ => out.push(b),
        }
    }
    *rows = out;
}

/// Whether `b` only goes on from `a` (see [`join_continued_rows`]): its first column is empty,
/// its first filled cell (the row's text) goes on in the middle of a sentence, in lower case,
/// from a filled cell above, and every other filled cell goes on from a filled cell above:
/// in lower case; or after a cell that stops unfinished (with a dash, a comma, a preposition
/// or a conjunction: "2021 -" + "2023", "в услугите към" + "НКБТХ"); or as a new sentence
/// after one that ended its sentence (a cell's list of indicators going on). A row of its own
/// that only lacks a code starts its text with a capital.
fn goes_on(a: &Row, b: &Row) -> bool {
    let first_empty = b
        .cells
        .first()
        .is_some_and(|c| c.is_empty() && !c.merged_from_above);
    let filled: Vec<usize> = (0..b.cells.len())
        .filter(|i| !b.cells[*i].is_empty())
        .collect();
    let starts = |i: usize| {
        b.cells[i]
            .lines
            .iter()
            .find_map(|l| l.trim().chars().next())
    };
    let above = |i: usize| {
        a.cells[i]
            .lines
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
    };
    let cell_goes_on = |i: usize| {
        let (Some(first), Some(above)) = (starts(i), above(i)) else {
            return false;
        };
        first.is_lowercase()
            || above.ends_with([',', '-', '–'])
            || function_words::ends_unfinished(above)
            || (first.is_uppercase() && above.ends_with(['.', ';', '!', '?']))
    };
    first_empty
        && a.cells.len() == b.cells.len()
        && filled
            .first()
            .is_some_and(|i| starts(*i).is_some_and(char::is_lowercase) && above(*i).is_some())
        && filled.iter().all(|i| cell_goes_on(*i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::{Cell, Location};

    fn row(cells: &[&[&str]]) -> Row {
        Row {
            cells: cells
                .iter()
                .map(|lines| Cell {
                    lines: lines.iter().map(|l| (*l).to_string()).collect(),
                    col_span: 1,
                    merged_from_above: false,
                })
                .collect(),
            at: Location::default(),
        }
    }

    #[test]
    fn a_row_without_a_code_going_on_in_lower_case_is_joined_to_the_row_above() {
        let mut rows = vec![
            row(&[&["3.1."], &["Вътрешен ремонт"], &["Общински бюджет,"]]),
            row(&[&[], &[], &["средства от ЕС"]]),
            row(&[&["3.2."], &["Ремонт на площадки"], &["Общински бюджет"]]),
        ];
        join_continued_rows(&mut rows);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells[2].lines, ["Общински бюджет, средства от ЕС"]);
    }

    #[test]
    fn a_row_of_its_own_starting_with_a_capital_or_a_code_stays() {
        let mut rows = vec![
            row(&[&["1."], &["Подкрепа на проекти"], &["Община"]]),
            row(&[&[], &["и на програми за хигиена"], &["Община"]]),
            row(&[&["2."], &["занимания"], &["читалища"]]),
        ];
        join_continued_rows(&mut rows);
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn a_row_going_on_mid_sentence_joins_with_cells_after_a_dash_a_preposition_or_a_full_stop() {
        let mut rows = vec![
            row(&[
                &["8.2"],
                &["Прилагане на механизъм за"],
                &["2021 -"],
                &["Брой жертви в услугите към"],
                &["Брой проекти."],
            ]),
            row(&[
                &[],
                &["насочване на жертви."],
                &["2023"],
                &["НКБТХ; брой сигнали."],
                &["Брой деца."],
            ]),
        ];
        join_continued_rows(&mut rows);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].cells[2].lines, ["2021 - 2023"]);
        assert_eq!(
            rows[0].cells[3].lines,
            ["Брой жертви в услугите към НКБТХ; брой сигнали."]
        );
    }

    #[test]
    fn a_row_whose_other_cells_start_anew_after_an_unfinished_cell_stays() {
        // "Община" above neither stops unfinished nor ends a sentence.
        let mut rows = vec![
            row(&[&["1."], &["Подкрепа на проекти за"], &["Община"]]),
            row(&[&[], &["деца"], &["Читалища"]]),
        ];
        join_continued_rows(&mut rows);
        assert_eq!(rows.len(), 2);
    }
}
