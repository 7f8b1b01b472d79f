//! Header rows: the row that names a measure table's columns, the second row of a two-row
//! header (a group's names, years under a money header), years standing as the names of money
//! columns, and a table that has no header row: it goes on with the columns of the table
//! before it, or takes the columns its cells show (see [`super::guess`]).

use super::headings::objective_heading;
use super::{Builder, TableCtx, columns, grid_row, guess};
use crate::import::document::Table;
use columns::Col;

/// How many rows of a table without a header are looked at to tell its columns.
const ROWS_LOOKED_AT: usize = 40;

impl Builder {
    /// Reads the row as a header row when it is one; whether it was.
    pub(super) fn header_row(&mut self, texts: &[String], filled: &[usize]) -> bool {
        // The columns' numbers under the header ("1 | 2 | 3 | …"), as official tables number
        // them, are no measure.
        if column_numbers(texts, filled) {
            return true;
        }
        // Years standing beside column names ("Мярка | Отговорник | 2024 | 2025 |
        // Индикатор") name money columns, one a year.
        let years = header_years(texts, filled);
        let is_year = |i: &usize| years.iter().any(|(y, _)| y == i);
        // A header row, or the second row of a two-row header ("Средства | Източник").
        let data_like = filled
            .iter()
            .filter(|i| !is_year(i))
            .any(|i| columns::is_code(&texts[*i]) || columns::is_period(&texts[*i]));
        // Only a row right after a header row, or one that is not data, can name columns.
        let may_name = !data_like || self.ctx.as_ref().is_some_and(|c| c.rows_since_header == 0);
        let classified: Vec<Option<Col>> = if may_name {
            (0..texts.len())
                .map(|i| {
                    if is_year(&i) {
                        Some(Col::Amount)
                    } else {
                        columns::classify(&texts[i])
                    }
                })
                .collect()
        } else {
            vec![None; texts.len()]
        };
        // A name going on in the second header row ("Индикато" over "ри": a cell merged down
        // over both rows that a page break cut inside its word): the two read as one word.
        let mut classified = classified;
        if let Some(ctx) = self.ctx.as_ref().filter(|c| c.rows_since_header == 0) {
            for i in filled {
                let above = ctx.names.get(*i).map_or("", String::as_str);
                let lower = texts[*i].trim();
                // Only under a name that named no column, with one word in lower case.
                let piece = !lower.contains(char::is_whitespace)
                    && lower.chars().next().is_some_and(char::is_lowercase);
                if classified[*i].is_some()
                    || above.is_empty()
                    || !piece
                    || ctx.kinds.get(*i) != Some(&Col::Other)
                {
                    continue;
                }
                classified[*i] = columns::classify(&format!("{}{lower}", above.trim_end()));
            }
        }
        let named = classified.iter().filter(|c| c.is_some()).count();
        // A row of one cell naming an objective ("Цел 1.1. …") under the header is no name.
        let heading = filled.len() == 1 && objective_heading(&texts[filled[0]]).is_some();
        // (An operational objective's row was read as text above.)
        // Years under a money header ("Средства по години" over "2025 | 2026"): a money
        // column a year.
        if let Some(ctx) = &mut self.ctx
            && ctx.rows_since_header == 0
            && let Some(years) = money_years(&ctx.kinds, texts, filled)
        {
            for (i, year) in years {
                ctx.kinds[i] = Col::Amount;
                ctx.years.push((i, year));
            }
            return true;
        }
        // Under a group's name ("Индикатори" over "Наименование | Базова | Целева") a cell may
        // name no column: it keeps the group's, when most of the row's short cells are names.
        let short_names = filled
            .iter()
            .filter(|i| classified[**i].is_some() && texts[**i].split_whitespace().count() <= 5)
            .count();
        let names_under_groups = !data_like && short_names >= 2 && short_names * 2 >= filled.len();
        if years.is_empty()
            && let Some(ctx) = &mut self.ctx
            && ctx.rows_since_header == 0
            && !heading
            && (filled.iter().all(|i| classified[*i].is_some()) || names_under_groups)
        {
            for i in filled {
                if let Some(c) = classified[*i]
                    && *i < ctx.kinds.len()
                {
                    ctx.kinds[*i] = c;
                }
            }
            columns::settle(&mut ctx.kinds);
            ctx.currency = ctx
                .currency
                .or_else(|| columns::currency_named(&kinds_texts(&classified, texts)));
            if let Some(t) = &mut self.trace {
                t.header_row(false);
            }
            return true;
        }
        if named >= 3 && named * 2 >= filled.len() && !data_like {
            let mut kinds: Vec<Col> = classified.iter().map(|c| c.unwrap_or(Col::Other)).collect();
            columns::settle(&mut kinds);
            if texts[0].is_empty() {
                kinds[0] = Col::Code;
            }
            let maybe_shifted = kinds[0] != Col::Code && texts.last().is_some_and(String::is_empty);
            self.ctx = Some(TableCtx {
                currency: columns::currency_named(&kinds_texts(&classified, texts)),
                years,
                names: texts.to_vec(),
                kinds,
                rows_since_header: 0,
                maybe_shifted,
            });
            if let Some(t) = &mut self.trace {
                t.header_row(true);
            }
            self.table_opened();
            return true;
        }
        false
    }

    /// A measure table begins: the area its sheet is named after, and the area and
    /// objectives named before it, are its own.
    fn table_opened(&mut self) {
        if let Some((number, title)) = self.sheet_priority.take() {
            self.open_priority(number, title, true);
        }
        if let Some((number, title)) = self.pending_priority.take() {
            let objectives = std::mem::take(&mut self.pending_objectives);
            self.open_priority(number, title, true);
            for (code, title) in objectives {
                self.open_objective(code, title);
            }
        }
        self.started = true;
        self.tables_found = true;
        self.objective_open = false;
        self.prev_numbers.clear();
    }

    /// A table begins. One without a header row, read where no table's columns go on
    /// (after a heading), takes the columns of the measure table before it when it has as
    /// many and its cells fit them (Word splits a long table into tables, and only the first
    /// has the header), else the columns its cells show, when they show a measure table.
    pub(super) fn table_start(&mut self, table: &Table) {
        if self.ctx.is_some() {
            return;
        }
        // A table with a header row anywhere (a sheet's header under the plan's title) reads
        // its columns there.
        let texts = |r| -> Vec<String> { grid_row(r).cells.iter().map(|c| c.joined()).collect() };
        if table.rows.iter().any(|r| names_columns(&texts(r))) {
            return;
        }
        let rows: Vec<Vec<String>> = table.rows.iter().take(ROWS_LOOKED_AT).map(texts).collect();
        // Rows of one or two cells are headings, notes or parts of a row.
        let data: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| {
                let filled: Vec<usize> = (0..r.len()).filter(|i| !r[*i].is_empty()).collect();
                filled.len() >= 3 && !column_numbers(r, &filled)
            })
            .collect();
        let width = data.iter().map(|r| r.len()).max().unwrap_or(0);
        if data.is_empty() {
            return;
        }
        let carried = self
            .last_table
            .as_ref()
            .filter(|c| c.kinds.len() == width && guess::fits(&c.kinds, &data))
            .map(|c| TableCtx {
                rows_since_header: 1,
                maybe_shifted: false,
                ..c.clone()
            });
        let ctx = match carried {
            Some(ctx) => ctx,
            None => {
                let Some(kinds) = guess::columns(&data, width) else {
                    return;
                };
                TableCtx {
                    kinds,
                    rows_since_header: 1,
                    maybe_shifted: false,
                    currency: None,
                    years: Vec::new(),
                    names: Vec::new(),
                }
            }
        };
        self.ctx = Some(ctx);
        self.table_opened();
    }
}

/// Whether a row names the columns of a measure table (as [`Builder::header_row`] opens one).
fn names_columns(texts: &[String]) -> bool {
    let filled: Vec<usize> = (0..texts.len()).filter(|i| !texts[*i].is_empty()).collect();
    let years = header_years(texts, &filled);
    let is_year = |i: &usize| years.iter().any(|(y, _)| y == i);
    if filled
        .iter()
        .filter(|i| !is_year(i))
        .any(|i| columns::is_code(&texts[*i]) || columns::is_period(&texts[*i]))
    {
        return false;
    }
    let named = filled
        .iter()
        .filter(|i| is_year(i) || columns::classify(&texts[**i]).is_some())
        .count();
    named >= 3 && named * 2 >= filled.len()
}

/// A row numbering the columns, "1 | 2 | 3 | 4" (or "1. | 2. | …"), each filled cell the
/// next number from 1, three or more.
fn column_numbers(texts: &[String], filled: &[usize]) -> bool {
    filled.len() >= 3
        && filled
            .iter()
            .enumerate()
            .all(|(k, i)| texts[*i].trim().trim_end_matches('.').parse::<usize>() == Ok(k + 1))
}

/// A year standing alone as a column's name: "2025", "2025 г.", "2025 година".
fn year_name(text: &str) -> Option<i32> {
    let t = text.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t[digits.len()..].trim().trim_end_matches('.');
    if digits.len() != 4 || !matches!(rest, "" | "г" | "год" | "година") {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    (1990..=2100).contains(&year).then_some(year)
}

/// The years of a row where two or more years stand beside two or more column names, the
/// years one after the other ("Мярка | Отговорник | 2024 | 2025 | 2026 | Индикатор"): the
/// names of money columns, one a year. (column, year).
fn header_years(texts: &[String], filled: &[usize]) -> Vec<(usize, i32)> {
    let years: Vec<(usize, i32)> = filled
        .iter()
        .filter_map(|i| year_name(&texts[*i]).map(|y| (*i, y)))
        .collect();
    let rising = years.windows(2).all(|w| w[1].1 > w[0].1);
    let names = filled
        .iter()
        .filter(|i| !years.iter().any(|(y, _)| y == *i))
        .filter(|i| columns::classify(&texts[**i]).is_some())
        .count();
    if years.len() >= 2 && rising && names >= 2 {
        years
    } else {
        Vec::new()
    }
}

/// The years a row under the header names, when each stands over a money column or the
/// empty columns a money header spans: (column, year).
fn money_years(kinds: &[Col], texts: &[String], filled: &[usize]) -> Option<Vec<(usize, i32)>> {
    let mut out = Vec::new();
    let mut money = false;
    for i in filled {
        let year: i32 = texts[*i]
            .trim()
            .trim_end_matches(['г', '.', ' '])
            .parse()
            .ok()?;
        if !(1990..=2100).contains(&year) {
            return None;
        }
        match kinds.get(*i)? {
            Col::Amount | Col::Financing => money = true,
            Col::Other => {}
            _ => return None,
        }
        out.push((*i, year));
    }
    (money && out.len() >= 2).then_some(out)
}

/// The header names of the money columns (amounts or financing).
fn kinds_texts<'a>(classified: &[Option<Col>], texts: &'a [String]) -> Vec<&'a str> {
    classified
        .iter()
        .zip(texts)
        .filter(|(c, _)| matches!(c, Some(Col::Amount | Col::Financing)))
        .map(|(_, t)| t.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn years_beside_column_names_name_money_columns() {
        let r = row(&[
            "Мярка",
            "Отговорник",
            "2024",
            "2025 г.",
            "2026",
            "Индикатор",
        ]);
        let filled: Vec<usize> = (0..r.len()).collect();
        assert_eq!(header_years(&r, &filled), [(2, 2024), (3, 2025), (4, 2026)]);
        assert!(names_columns(&r));
    }

    #[test]
    fn a_row_numbering_the_columns_is_told_from_a_measure() {
        let r = row(&["1", "2", "3", "4.", "5"]);
        assert!(column_numbers(&r, &[0, 1, 2, 3, 4]));
        let r = row(&["1", "Летни училища", "3", "2024", "5"]);
        assert!(!column_numbers(&r, &[0, 1, 2, 3, 4]));
    }

    #[test]
    fn a_data_row_with_years_names_no_columns() {
        let r = row(&[
            "1.1.",
            "Летни училища",
            "Училищата",
            "2024",
            "2025",
            "Брой деца",
        ]);
        let filled: Vec<usize> = (0..r.len()).collect();
        assert!(header_years(&r, &filled).is_empty());
        assert!(!names_columns(&r));
        let r = row(&["Брой ученици", "2019", "2020", "2021"]);
        assert!(header_years(&r, &[0, 1, 2, 3]).is_empty());
    }
}
