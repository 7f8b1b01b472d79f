//! The columns of a measure table without a header row, from what its cells hold: codes,
//! periods, statuses, money, indicators ("Брой …"), the registry's funding sources and
//! institutions, and the activity as the column of the longest text. Only a table whose
//! cells show an activity beside two other kinds of a measure's data is read as measures; a
//! table of figures (an analysis) is not.

use super::amount;
use super::columns::{self, Col};
use super::split;
use crate::registry::{AliasIndex, RegistryKind, builtin_index};

/// What most of a column's cells are. Whole numbers are codes only in the first column
/// ("1", "2"); elsewhere they are money or values.
fn kind_of(cells: &[&str], first: bool) -> Option<Col> {
    let n = cells.len();
    let most = |f: &dyn Fn(&str) -> bool| cells.iter().filter(|t| f(t)).count() * 2 > n;
    let institutions = builtin_index(RegistryKind::Institution);
    let sources = builtin_index(RegistryKind::FundingSource);
    let code = |t: &&&str| columns::is_code(t) && (first || t.contains('.'));
    if cells.iter().filter(code).count() * 4 >= n * 3 {
        return Some(Col::Code);
    }
    if most(&periodish) {
        return Some(Col::Period);
    }
    if most(&columns::is_status) {
        return Some(Col::Status);
    }
    // Dashes stand for "no money" in a money column, and for nothing in any other.
    let worded: Vec<&str> = cells.iter().copied().filter(|t| !is_dash(t)).collect();
    if worded.is_empty() {
        return None;
    }
    let m = worded.len();
    let most_worded = |f: &dyn Fn(&str) -> bool| worded.iter().filter(|t| f(t)).count() * 2 > m;
    if most_worded(&|t| amount::bare_amount(t).is_some()) {
        return Some(Col::Amount);
    }
    if most_worded(&|t| !amount::amounts_with_unit(t).is_empty()) {
        let with_source = |t: &str| {
            names(t, sources)
                .iter()
                .any(|n| sources.lookup(n).is_some())
        };
        return Some(if most_worded(&with_source) {
            Col::Financing
        } else {
            Col::Amount
        });
    }
    if most(&columns::is_indicator_like) {
        return Some(Col::Indicator);
    }
    let all_known = |t: &str, index: &AliasIndex| {
        let items = names(t, index);
        !items.is_empty() && items.iter().all(|n| index.lookup(n).is_some())
    };
    if most_worded(&|t| all_known(t, sources)) {
        return Some(Col::Source);
    }
    let some_known = |t: &str| {
        names(t, institutions)
            .iter()
            .any(|n| institutions.lookup(n).is_some())
    };
    if most_worded(&some_known) {
        return Some(Col::Institution);
    }
    None
}

fn names(text: &str, index: &AliasIndex) -> Vec<String> {
    split::name_items(&[text.to_string()], index)
}

fn is_dash(text: &str) -> bool {
    text.chars().all(|c| matches!(c, '-' | '–' | '—' | ' '))
}

/// A period in a period column: years alone ("2024 – 2026 г."), the periods without years
/// plans write, or a short text with a year and no money ("до 31.12.2025 г.").
fn periodish(text: &str) -> bool {
    if columns::is_period(text) {
        return true;
    }
    let t = text.trim();
    let year = t
        .split(|c: char| !c.is_ascii_digit())
        .any(|s| s.len() == 4 && s.parse::<i32>().is_ok_and(|y| (1990..=2100).contains(&y)));
    year && t.chars().count() <= 40
        && amount::amounts_with_unit(t).is_empty()
        && amount::bare_amount(t).is_none()
}

/// The columns of a table without a header row, when its cells show a measure table: an
/// activity (the column of the longest text) beside two other kinds of a measure's data.
/// Bare numbers right of the indicators are their values (one column: targets; two:
/// baselines and targets).
pub(super) fn columns(rows: &[&Vec<String>], width: usize) -> Option<Vec<Col>> {
    if !(3..=16).contains(&width) {
        return None;
    }
    let mut kinds = vec![Col::Other; width];
    let mut text_lengths: Vec<(usize, usize)> = Vec::new();
    for (c, kind) in kinds.iter_mut().enumerate() {
        let cells: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if cells.is_empty() {
            continue;
        }
        match kind_of(&cells, c == 0) {
            Some(k) => *kind = k,
            None => {
                let mean = cells.iter().map(|t| t.chars().count()).sum::<usize>() / cells.len();
                text_lengths.push((c, mean));
            }
        }
    }
    // Values of the indicators: bare numbers right after the indicator column.
    if let Some(i) = kinds.iter().position(|k| *k == Col::Indicator) {
        let numbers = kinds[i + 1..]
            .iter()
            .take_while(|k| **k == Col::Amount)
            .count()
            .min(2);
        let all_bare = |c: usize| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .filter(|t| !t.trim().is_empty() && !is_dash(t))
                .all(|t| amount::amounts_with_unit(t).is_empty())
        };
        if numbers > 0 && (i + 1..=i + numbers).all(all_bare) {
            if numbers == 2 {
                kinds[i + 1] = Col::Current;
            }
            kinds[i + numbers] = Col::Target;
        }
    }
    let (activity, _) = text_lengths.iter().max_by_key(|(_, len)| *len)?;
    kinds[*activity] = Col::Activity;
    let mut data: Vec<Col> = kinds
        .iter()
        .copied()
        .filter(|k| {
            matches!(
                k,
                Col::Period
                    | Col::Institution
                    | Col::Amount
                    | Col::Source
                    | Col::Financing
                    | Col::Indicator
            )
        })
        .collect();
    data.sort_by_key(|k| *k as u8);
    data.dedup();
    (data.len() >= 2).then_some(kinds)
}

/// Whether the rows of a table without a header fit the columns of the table before it.
pub(super) fn fits(kinds: &[Col], rows: &[&Vec<String>]) -> bool {
    let score: i32 = rows
        .iter()
        .map(|r| {
            let n = r.len().min(kinds.len());
            columns::score_identity(&kinds[..n], &r[..n])
        })
        .sum();
    score > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_measure_tables_columns_are_told_by_its_cells() {
        let table = rows(&[
            &[
                "1.1.",
                "Допълнителни занимания за ученици в риск",
                "Училищата, РУО",
                "2024 – 2026 г.",
                "15 000 лв.",
                "НП",
                "Брой ученици",
                "120",
            ],
            &[
                "1.2.",
                "Образователни медиатори",
                "Община Котел",
                "ежегодно",
                "-",
                "Общински бюджет",
                "Брой медиатори",
                "3",
            ],
        ]);
        let refs: Vec<&Vec<String>> = table.iter().collect();
        assert_eq!(
            columns(&refs, 8),
            Some(vec![
                Col::Code,
                Col::Activity,
                Col::Institution,
                Col::Period,
                Col::Amount,
                Col::Source,
                Col::Indicator,
                Col::Target,
            ])
        );
    }

    #[test]
    fn a_table_of_figures_is_no_measure_table() {
        let table = rows(&[
            &["Население", "12 000", "11 800", "11 500"],
            &["Роми", "2 100", "2 150", "2 200"],
            &["Ученици", "1 300", "1 250", "1 200"],
        ]);
        let refs: Vec<&Vec<String>> = table.iter().collect();
        assert_eq!(columns(&refs, 4), None);
    }
}
