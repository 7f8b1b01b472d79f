//! Measure-table columns: recognising a header row by column names, and putting the cells of a
//! row that lost cells (merged cells, extraction shifts) back into their columns.

use super::amount;
use super::split;

/// What a column of a measure table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Code,
    Objective,
    Task,
    Activity,
    Status,
    Period,
    Institution,
    /// Money ("Средства").
    Amount,
    /// Funding sources ("Източник").
    Source,
    /// A financing column not split into money and source: both are read from it.
    Financing,
    Indicator,
    Current,
    Target,
    /// The priority area, in a sheet with one row per measure (planmon's template).
    Priority,
    /// The currency of the amounts beside it ("BGN", "EUR"; planmon's template).
    Currency,
    /// The unit of the indicators beside it ("Мерна единица": брой, %, км).
    Unit,
    /// The measure ("Мярка", "Мерки"): its activities, or its tasks beside a column of
    /// activities (see [`settle`]).
    Measure,
    /// The expected result ("Очакван резултат"): the indicators' target beside an indicator
    /// column, the indicators themselves without one (see [`settle`]).
    Result,
    /// A column planmon does not know; its text goes to the unplaced list.
    Other,
}

/// The column a header cell names, by the usual words and their variants; also when its
/// Cyrillic letters were written (or recognised from a scan, OCR) as the Latin letters that
/// look the same ("Cpok" for "Срок").
pub fn classify(header: &str) -> Option<Col> {
    classify_as_written(header).or_else(|| {
        // Every cell is asked: only a short one with Latin letters is written again.
        let t = header.trim();
        if t.len() > 4 * 120 || !t.chars().any(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let cyrillic = latin_look_alikes_as_cyrillic(header);
        (cyrillic != header)
            .then(|| classify_as_written(&cyrillic))
            .flatten()
    })
}

/// Latin letters that look like Cyrillic ones, as the Cyrillic ones.
fn latin_look_alikes_as_cyrillic(text: &str) -> String {
    const LATIN: &str = "ABCEHKMOPTXYacekmnopruxy";
    const CYRILLIC: &str = "АВСЕНКМОРТХУасекмпоргиху";
    text.chars()
        .map(|c| match LATIN.chars().position(|l| l == c) {
            Some(i) => CYRILLIC.chars().nth(i).unwrap_or(c),
            None => c,
        })
        .collect()
}

fn classify_as_written(header: &str) -> Option<Col> {
    // Long text is no column name: tell it before lowercasing it (every cell is asked).
    let t = header.trim();
    if t.is_empty() || t.len() > 4 * 120 || t.chars().count() > 120 {
        return None;
    }
    let t = t.to_lowercase();
    let has = |w: &str| t.contains(w);
    let starts = |w: &str| t.starts_with(w);
    Some(
        if t == "№"
            || starts("№ ")
            || matches!(t.as_str(), "no" | "no." | "#" | "код")
            || starts("номер")
        {
            Col::Code
        } else if matches!(
            t.as_str(),
            "приоритет" | "приоритети" | "приоритетна област" | "приоритетно направление"
        ) {
            Col::Priority
        } else if t == "валута" {
            Col::Currency
        } else if has("груп") && (has("целев") || has("целеви")) {
            // The target group ("Целева група") is whom the measure reaches, not a target
            // value; the plan has no place for it.
            return None;
        } else if has("целева")
            || has("целеви стойност")
            || has("цел за 20")
            || has("очаквана стойност")
        {
            Col::Target
        } else if has("текуща") || has("базова") || has("изходна") || has("начална стойност")
        {
            Col::Current
        } else if has("индикатор") || has("показател") {
            Col::Indicator
        } else if has("очакван") || starts("резултат") {
            Col::Result
        } else if starts("мерна единица") || starts("единица") || t == "м. ед." || t == "м.ед."
        {
            Col::Unit
        } else if starts("цел")
            || (has("цел")
                && [
                    "оперативн",
                    "стратегическ",
                    "специфичн",
                    "главн",
                    "обща",
                    "общи",
                ]
                .iter()
                .any(|w| starts(w)))
        {
            Col::Objective
        } else if starts("задач") {
            Col::Task
        } else if starts("мерк") || starts("мярк") {
            Col::Measure
        } else if starts("дейност")
            || starts("описание")
            || (starts("наименование") && (has("мярк") || has("дейност")))
        {
            Col::Activity
        } else if starts("статус") || starts("състояние") {
            Col::Status
        } else if starts("срок")
            || has("период")
            || starts("времев")
            || starts("година")
            || starts("продължителност")
        {
            Col::Period
        } else if has("отговор")
            || has("институц")
            || has("изпълнител")
            || starts("партньор")
            || starts("водещ")
        {
            Col::Institution
        } else if has("източник") {
            Col::Source
        } else if starts("средства")
            || starts("сума")
            || starts("стойност")
            || starts("бюджет")
            || starts("размер")
            || starts("прогнозн")
            || starts("разходи")
            || (starts("необходим") && (has("средства") || has("финанс")))
        {
            Col::Amount
        } else if starts("финансиране") || starts("финансов") {
            Col::Financing
        } else {
            return None;
        },
    )
}

/// The currency money columns' header names give their numbers ("Бюджет (лв.)", "Сума в
/// евро"); none when it also names a multiple ("хил. лв."), which bare numbers then lack.
pub fn currency_named(headers: &[&str]) -> Option<crate::money::Currency> {
    use crate::money::Currency;
    let mut found = None;
    for h in headers {
        let t = h.to_lowercase();
        if ["хил", "млн", "мил"].iter().any(|w| t.contains(w)) {
            return None;
        }
        let here = if t.contains("лв") || t.contains("лева") || t.contains("bgn") {
            Some(Currency::Bgn)
        } else if t.contains("евро") || t.contains("eur") || t.contains('€') {
            Some(Currency::Eur)
        } else {
            None
        };
        match (found, here) {
            (Some(a), Some(b)) if a != b => return None,
            (None, Some(b)) => found = Some(b),
            _ => {}
        }
    }
    found
}

/// The columns named by what they are beside the others: the expected result is the target
/// of the indicators beside an indicator column without targets, the indicators without an
/// indicator column, and otherwise a column planmon does not know; the measure is its tasks
/// beside a column of activities, else its activities.
pub fn settle(kinds: &mut [Col]) {
    let has = |c: Col| kinds.contains(&c);
    let result = match (has(Col::Indicator), has(Col::Target)) {
        (true, false) => Col::Target,
        (false, _) => Col::Indicator,
        (true, true) => Col::Other,
    };
    let measure = if has(Col::Activity) {
        Col::Task
    } else {
        Col::Activity
    };
    for k in kinds.iter_mut() {
        match k {
            Col::Result => *k = result,
            Col::Measure => *k = measure,
            _ => {}
        }
    }
}

/// Status words plans use in a status column.
pub fn is_status(text: &str) -> bool {
    let t = text.trim();
    if t.len() > 4 * 40 || t.chars().count() > 40 {
        return false;
    }
    let t = t.to_lowercase();
    [
        "текущ",
        "предстои",
        "изпълн",
        "частично",
        "в процес",
        "неизпълн",
        "отпад",
        "постоянен",
        "завърш",
        "не е започнал",
    ]
    .iter()
    .any(|s| t.starts_with(s))
}

/// "2022-2024 г.", "2023", "2021 –": short text that is only years; or a period without
/// years that plans write in their period column ("ежегодно", "всяка учебна година").
pub fn is_period(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.len() > 4 * 40 || t.chars().count() > 40 {
        return false;
    }
    let lower = t.to_lowercase();
    let lower = lower.trim_end_matches(['.', ',', ';']);
    if matches!(
        lower,
        "ежегодно" | "целогодишно" | "периодично" | "постоянно" | "всяка година"
    ) || lower.starts_with("всяка учебна година")
        || lower.starts_with("през цялата година")
    {
        return true;
    }
    let has_year = t
        .split(|c: char| !c.is_ascii_digit())
        .any(|s| s.len() == 4 && s.parse::<i32>().is_ok_and(|y| (1990..=2100).contains(&y)));
    if !has_year {
        return false;
    }
    let rest: String = t
        .to_lowercase()
        .replace("год", "")
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    has_year && rest.chars().all(|c| c == 'г' || c == 'д' || c == 'о') && rest.len() <= 8
}

/// "1.2.", "3", "1.1.1".
pub fn is_code(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.len() <= 12
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !t.contains("..")
}

fn is_money(text: &str) -> bool {
    let t = text.trim();
    t == "-" || !amount::amounts_with_unit(t).is_empty() || amount::bare_amount(t).is_some()
}

pub(super) fn is_indicator_like(text: &str) -> bool {
    let w = text.split_whitespace().next().unwrap_or("");
    let w = split::word_marker(w, true).map_or(w, |(_, rest)| rest);
    let w = if w.is_empty() {
        text.split_whitespace().nth(1).unwrap_or("")
    } else {
        w
    };
    matches!(w, "Брой" | "Бр." | "Броя" | "Броят")
}

/// What a cell's text looks like: worked out once per cell, then used for every alignment
/// tried (there can be hundreds per row).
#[derive(Debug, Clone, Copy, Default)]
struct Looks {
    empty: bool,
    period: bool,
    code: bool,
    status: bool,
    money: bool,
    indicator: bool,
}

impl Looks {
    fn of(text: &str) -> Looks {
        if text.is_empty() {
            return Looks {
                empty: true,
                ..Looks::default()
            };
        }
        Looks {
            empty: false,
            period: is_period(text),
            code: is_code(text),
            status: is_status(text),
            money: is_money(text),
            indicator: is_indicator_like(text),
        }
    }
}

/// How well a cell's text fits a column: positive fits, negative does not.
fn fit(col: Col, text: &Looks, prev_numbers: Option<&[u32]>, numbers: &[u32]) -> i32 {
    if text.empty {
        return 0;
    }
    let period = text.period;
    let mut s = match col {
        Col::Period => {
            if period {
                3
            } else {
                -3
            }
        }
        Col::Code => {
            if text.code {
                2
            } else {
                -3
            }
        }
        Col::Status => {
            if text.status {
                2
            } else {
                -2
            }
        }
        Col::Amount => {
            if text.money {
                2
            } else {
                -1
            }
        }
        Col::Indicator => i32::from(text.indicator),
        _ => 0,
    };
    if col != Col::Period && period && !matches!(col, Col::Current | Col::Target) {
        s -= 3;
    }
    if text.status && col != Col::Status {
        s -= 1;
    }
    if text.code && !matches!(col, Col::Code | Col::Current | Col::Target | Col::Amount) {
        s -= 1;
    }
    if text.indicator && !matches!(col, Col::Indicator | Col::Current | Col::Target) {
        s -= 1;
    }
    if let (Some(prev), Some(first)) = (prev_numbers, numbers.first())
        && prev.last().is_some_and(|l| *first == l + 1)
    {
        s += 2;
    }
    s
}

/// The cells of a row that has fewer cells than the header, put back into their columns.
/// Returns, for each column, the index of the cell it gets (None for a missing cell), and the
/// score. `prev` gives the list numbers of the previous row by column, for numbering continuity.
pub fn align(
    kinds: &[Col],
    texts: &[String],
    numbers: &[Vec<u32>],
    prev: &[Vec<u32>],
) -> Vec<(Vec<Option<usize>>, i32)> {
    let n = texts.len();
    let m = kinds.len();
    if n >= m || m - n > 3 || m > 16 {
        return Vec::new();
    }
    let looks: Vec<Looks> = texts.iter().map(|t| Looks::of(t)).collect();
    let mut out = Vec::new();
    let missing = m - n;
    let mut combo: Vec<usize> = (0..missing).collect();
    loop {
        let mut map = Vec::with_capacity(m);
        let mut next = 0;
        for c in 0..m {
            if combo.contains(&c) {
                map.push(None);
            } else {
                map.push(Some(next));
                next += 1;
            }
        }
        let score: i32 = map
            .iter()
            .enumerate()
            .filter_map(|(c, cell)| cell.map(|i| (c, i)))
            .map(|(c, i)| {
                let p = prev.get(c).map(Vec::as_slice).filter(|p| !p.is_empty());
                fit(kinds[c], &looks[i], p, &numbers[i])
            })
            .sum();
        out.push((map, score));
        // Next combination in lexicographic order.
        let mut i = missing;
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            if combo[i] < m - missing + i {
                combo[i] += 1;
                for j in i + 1..missing {
                    combo[j] = combo[j - 1] + 1;
                }
                break;
            }
        }
    }
}

/// The score of a full row in its own columns, to tell a shifted row from a sound one.
pub fn score_identity(kinds: &[Col], texts: &[String]) -> i32 {
    kinds
        .iter()
        .zip(texts)
        .map(|(k, t)| fit(*k, &Looks::of(t), None, &[]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_and_their_variants_are_recognised() {
        assert_eq!(classify("Времени период"), Some(Col::Period));
        assert_eq!(classify("Cpok"), Some(Col::Period));
        assert_eq!(classify("Cpeдcтвa"), Some(Col::Amount));
        assert_eq!(classify("no"), Some(Col::Code));
        assert_eq!(classify("Period"), None);
        assert_eq!(classify("Отговор на институция"), Some(Col::Institution));
        assert_eq!(
            classify("Източник на финансиране (преки бюджетни разходи, друго – млн. евро)"),
            Some(Col::Source)
        );
        assert_eq!(
            classify("Целева стойност с натрупване 2021-2023 г."),
            Some(Col::Target)
        );
        assert_eq!(classify("Текуща стойност За 2019 г."), Some(Col::Current));
        assert_eq!(classify("Цели"), Some(Col::Objective));
        assert_eq!(classify("Мерки"), Some(Col::Measure));
        assert_eq!(classify("Статус на мярката"), Some(Col::Status));
        assert_eq!(classify("Финансиране"), Some(Col::Financing));
        assert_eq!(classify("Средства"), Some(Col::Amount));
        assert_eq!(classify("Повишаване на обхвата"), None);
        assert_eq!(classify("Целева група"), None);
        assert_eq!(classify("Целеви групи"), None);
    }

    #[test]
    fn periods_and_codes_are_told_from_text() {
        assert!(is_period("2022-2024 г."));
        assert!(is_period("2021 - 2023 г.."));
        assert!(is_period("2021 -"));
        assert!(!is_period("Община Пловдив 2022"));
        assert!(is_code("1.1.1"));
        assert!(!is_code("1. Подобряване"));
    }

    #[test]
    fn a_row_missing_its_money_cell_is_realigned_by_content() {
        let kinds = [
            Col::Objective,
            Col::Task,
            Col::Activity,
            Col::Institution,
            Col::Period,
            Col::Amount,
            Col::Source,
            Col::Indicator,
        ];
        let texts: Vec<String> = [
            "Цел",
            "Задача",
            "Дейност",
            "Община",
            "2022-2024 г.",
            "Проекти",
            "Брой лица",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let nums = vec![Vec::new(); 7];
        let best = align(&kinds, &texts, &nums, &[])
            .into_iter()
            .max_by_key(|(_, s)| *s)
            .expect("options");
        assert_eq!(best.0[5], None);
        assert_eq!(best.0[6], Some(5));
    }
}
