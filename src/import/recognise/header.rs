//! The plan's header: municipality, title, period and the adopting council decision, read from
//! the text before the measure tables. Nothing is invented: a decision of the Council of
//! Ministers, a mayor's order, a draft decision or the national strategy's period are not the
//! plan's.

use crate::plan::{Adoption, YearRange};
use crate::territory::NameMatch;
use regex::Regex;
use std::sync::LazyLock;

/// "2022-2024", "2022 г. – 2024 г.", "2022/2023" (a slash as in a school year), and "2022 – 23
/// г." (the second year's century left out; only before "г."/"год."/"година" or a bracket or the
/// end, so that "2022 - 23 мерки" is no period).
static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"((?:19|20)\d\d)\s*(?:г\.?)?\s*[-–—/]\s*((?:19|20)\d\d|\d\d(?:\s*(?:г\.|год\.?|година|\))|\s*$))",
    )
    .unwrap_or_else(|e| panic!("years pattern: {e}"))
});
/// "за 2023 г.", "за 2023 година": a plan of one year, read only from its title.
static ONE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bза\s+((?:19|20)\d\d)\s*(?:г\.|год\.?|година)(?:[^\d]*)$")
        .unwrap_or_else(|e| panic!("one year pattern: {e}"))
});
/// "Община Тестово", "ОБЩИНА ТЕСТОВО": a capitalised name after the word.
static AS_WRITTEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:Община|ОБЩИНА|община)\s+([А-Я][А-Яа-я-]+)")
        .unwrap_or_else(|e| panic!("municipality pattern: {e}"))
});
/// "Решение № 123", "РЕШЕНИЕ №123", "решение No 45-7", "Решение № 45/28.04.2022" (the number
/// ends at the slash), "решение на ОбС-Свиленград № 456" (the body named before the number).
static DECISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)решение(?:\s+на\s+[^№\d\n;]{1,60}?)?\s*(?:№|no\.?|n\.)\s*([\p{L}\d-]+)")
        .unwrap_or_else(|e| panic!("decision pattern: {e}"))
});
static PROTOCOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)протокол\s*(?:№|no\.?|n\.)?\s*(\d[\p{L}\d-]*)")
        .unwrap_or_else(|e| panic!("protocol pattern: {e}"))
});
/// "№ 512" opening a line of its own: the number under a decision page's heading "РЕШЕНИЕ".
static NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:№|no\.?)\s*([\p{L}\d-]*\d[\p{L}\d-]*)")
        .unwrap_or_else(|e| panic!("number line pattern: {e}"))
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*((?:19|20)\d\d)")
        .unwrap_or_else(|e| panic!("date: {e}"))
});
/// "28.IV.2022" (the month in Roman numerals, Cyrillic І and Х read as I and X).
static ROMAN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\s*\.\s*([IVXІХ]{1,4})\s*\.\s*((?:19|20)\d\d)")
        .unwrap_or_else(|e| panic!("roman date: {e}"))
});
static NAMED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})\s+(януари|февруари|март|април|май|юни|юли|август|септември|октомври|ноември|декември)\s+((?:19|20)\d\d)")
        .unwrap_or_else(|e| panic!("named date: {e}"))
});
static SPACED_DECISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)р\s+е\s+ш\s+е\s+н\s+и\s+е").unwrap_or_else(|e| panic!("spaced: {e}"))
});
/// "от 2022 до 2024 г."
static FROM_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bот\s+((?:19|20)\d\d)\s*(?:г\.?|година)?\s+до\s+((?:19|20)\d\d)")
        .unwrap_or_else(|e| panic!("from-to pattern: {e}"))
});
/// Where a municipality's name follows: "Община", "общината", "Общински съвет –", "ОбС", with
/// "град"/"гр." after them.
static COUNCIL_OR_MUNICIPALITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bобщина(?:та)?|\bобщински(?:ят|я)?\s+съвет|\bобс)\b\s*(?:[-–—:,]\s*)?(?:(?:град|гр\.)\s*)?")
        .unwrap_or_else(|e| panic!("municipality pattern: {e}"))
});
static GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ОБЩИНА([А-Я][А-Я-]{2,})").unwrap_or_else(|e| panic!("glued pattern: {e}"))
});
static COUNCIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"общинск(?:и|ия|ият)\s+съвет|общ\.\s*съвет|\bобс\b")
        .unwrap_or_else(|e| panic!("council pattern: {e}"))
});
static OTHER_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"министерски|министерския|министър|\bмс\b|\bрмс\b|заповед|областн(?:ия|ият)\s+управител|кмет(?:а|ът)\b")
        .unwrap_or_else(|e| panic!("body pattern: {e}"))
});

/// The plan's period from a text such as a title: "… в периода 2022- 2024г.".
pub fn period_in(text: &str) -> Option<YearRange> {
    let c = YEARS.captures(text)?;
    years(c.get(1)?.as_str(), c.get(2)?.as_str())
}

/// A range of years from its two years as written ("2022", "23" → 2022-2023); none when the
/// second is before the first or the range is longer than a plan's.
fn years(first: &str, second: &str) -> Option<YearRange> {
    let from: i32 = first.parse().ok()?;
    let digits: String = second.chars().take_while(char::is_ascii_digit).collect();
    let to: i32 = match digits.len() {
        2 => from - from % 100 + digits.parse::<i32>().ok()?,
        _ => digits.parse().ok()?,
    };
    (from <= to && to - from <= 15).then_some(YearRange { from, to })
}

/// A plan of one year named in its title: "План за действие на Община X за 2023 г.".
pub fn one_year_in_title(title: &str) -> Option<YearRange> {
    let c = ONE_YEAR.captures(title)?;
    let year: i32 = c.get(1)?.as_str().parse().ok()?;
    Some(YearRange {
        from: year,
        to: year,
    })
}

/// The number of a decision on a line of its own ("№ 512") under the heading "РЕШЕНИЕ".
pub fn number_line(text: &str) -> Option<String> {
    NUMBER_LINE
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim_end_matches('-').to_string())
}

/// Whether a text is the heading "РЕШЕНИЕ" alone (letter-spaced or not).
pub fn is_decision_heading(text: &str) -> bool {
    let letters: String = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.to_lowercase() == "решение"
}

/// Whether a text speaks of a national or district strategy rather than of the plan itself.
pub fn about_strategy(text: &str) -> bool {
    let t = text.to_lowercase();
    (t.contains("стратеги") || t.contains("национал") || t.contains("министерски"))
        && !t.starts_with("план")
}

/// The name after "Община" as written, title-cased, whether or not it is a municipality's
/// ("Община Пловдив" → "Пловдив"; "О Б Щ И Н А К А З А Н Л Ъ К" → "Казанлък"): for a value a
/// person typed under the label "Община".
pub fn municipality_as_written(text: &str) -> Option<String> {
    let compact = despace_letters(text);
    let c = AS_WRITTEN.captures(&compact)?;
    let name = c.get(1)?.as_str().trim();
    if name.chars().count() < 3 {
        return None;
    }
    Some(title_case(name))
}

/// "О Б Щ И Н А К А З А Н Л Ъ К" (letter-spaced headings) → "ОБЩИНА КАЗАНЛЪК".
fn despace_letters(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() >= 6 && words.iter().all(|w| w.chars().count() == 1) {
        let joined: String = words.concat();
        if let Some(rest) = joined.strip_prefix("ОБЩИНА") {
            return format!("ОБЩИНА {rest}");
        }
        return joined;
    }
    text.to_string()
}

fn title_case(word: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in word.chars() {
        if upper_next {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper_next = c == '-';
    }
    out
}

/// A title in capitals, in sentence case, keeping "Община X" capitalised.
pub fn sentence_case(text: &str) -> String {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.is_empty() || upper * 10 < letters.len() * 7 {
        return text.to_string();
    }
    let mut out = String::new();
    let mut first = true;
    let mut capital_next = false;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        if first || capital_next || matches!(lower.as_str(), "община" | "република")
        {
            out.push_str(&title_case(&lower));
        } else {
            out.push_str(&lower);
        }
        capital_next = matches!(lower.as_str(), "община" | "република" | "област");
        first = false;
    }
    out
}

/// The municipality a text names, by its official name in the administrative tree ("Община
/// град Добрич" → "Добрич", "Столична община" → "Столична", "Общински съвет – Казанлък" →
/// "Казанлък", "ОБЩИНАКАЗАНЛЪК" → "Казанлък"); `district`, a district code, tells apart
/// municipalities of the same name. A name that is no municipality's is not taken.
pub fn municipality_in(text: &str, district: Option<&str>) -> Option<String> {
    let tree = crate::territory::tree();
    let text = despace_letters(text);
    if text.to_lowercase().contains("столична община") {
        return tree
            .match_municipality("Столична", None)
            .one()
            .map(|m| m.name.clone());
    }
    let lookup = |name: &str| match tree.match_municipality(name, district) {
        NameMatch::One(m) => Some(m.name.clone()),
        NameMatch::Several(list) => list.first().map(|m| m.name.clone()),
        NameMatch::None => None,
    };
    for c in COUNCIL_OR_MUNICIPALITY.captures_iter(&text) {
        // "Община „Марица“", 'Общински съвет "Родопи"': the name in quotation marks.
        let Some(after) = c
            .get(0)
            .map(|m| text[m.end()..].trim_start_matches(['„', '"', '“', '«', '\'']))
        else {
            continue;
        };
        let words: Vec<&str> = after
            .split(|ch: char| !(ch.is_alphabetic() || ch == '-'))
            .take_while(|w| !w.is_empty())
            .take(3)
            .collect();
        // "Община Горна Оряховица" before "Община Горна".
        for n in (1..=words.len()).rev() {
            if let Some(name) = lookup(&words[..n].join(" ")) {
                return Some(name);
            }
        }
    }
    // "ОБЩИНАКАЗАНЛЪК": a heading whose spaces were lost.
    for c in GLUED.captures_iter(&text) {
        if let Some(name) = c.get(1).and_then(|m| lookup(m.as_str())) {
            return Some(name);
        }
    }
    None
}

/// The district a text names ("област Стара Загора", "Областна администрация – Сливен"), as
/// its code.
pub fn district_in(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let tree = crate::territory::tree();
    for (i, _) in lower.match_indices("област") {
        let after = &lower[i + "област".len()..];
        let after = after
            .trim_start_matches(|c: char| c.is_alphabetic())
            .trim_start_matches([' ', '-', '–', ':', ','])
            .trim_start();
        let words: Vec<&str> = after
            .split(|c: char| !(c.is_alphabetic() || c == '-'))
            .take_while(|w| !w.is_empty())
            .take(2)
            .collect();
        for n in (1..=words.len()).rev() {
            let name = words[..n].join(" ");
            if let Some(d) = tree
                .districts
                .iter()
                .find(|d| d.name.to_lowercase() == name)
            {
                return Some(d.code.clone());
            }
        }
    }
    None
}

/// A plan's title: "План за действие …" as a text of its own.
pub fn is_title(text: &str) -> bool {
    let t = text.trim_start_matches(['*', '#', ' ']).to_lowercase();
    [
        "план за действие",
        "общински план за действие",
        "актуализиран план за действие",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// The plan's period in a text that may also cite a strategy's: a range of years that follows
/// a mention of a strategy (with no mention of the plan between) is the strategy's.
pub fn plan_period_in(text: &str) -> Option<YearRange> {
    let lower = text.to_lowercase();
    for c in YEARS.captures_iter(text).chain(FROM_TO.captures_iter(text)) {
        let (Some(all), Some(a), Some(b)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let before = lower.get(..all.start()).unwrap_or("");
        let strategy = before.rfind("стратеги");
        let plan = before.rfind("план").max(before.rfind("период"));
        if strategy.is_some() && strategy > plan {
            continue;
        }
        if let Some(range) = years(a.as_str(), b.as_str()) {
            return Some(range);
        }
    }
    None
}

/// Whether a text may state the plan's period: it speaks of the plan or a period, or holds
/// nothing but the years ("2022 – 2024 г.").
pub fn names_plan_period(text: &str) -> bool {
    let t = text.to_lowercase();
    if [
        "план",
        "период",
        "срок на действие",
        "срок на изпълнение",
        "обхват",
    ]
    .iter()
    .any(|w| t.contains(w))
    {
        return true;
    }
    let words: String = t.chars().filter(|c| c.is_alphabetic()).collect::<String>();
    if matches!(words.as_str(), "" | "г" | "гг" | "година" | "години") {
        return true;
    }
    // "Община Самоков, 2022-2024": the municipality and the years under a title.
    t.starts_with("община ")
        && t.split_whitespace().count() <= 6
        && municipality_in(text, None).is_some()
}

/// A body a text names around a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// The municipal council (общински съвет, ОбС).
    Council,
    /// The Council of Ministers, a minister, a mayor's order, a district governor.
    Other,
}

/// The bodies a text names, with their positions.
fn bodies(lower: &str) -> Vec<(usize, Body)> {
    let mut out = Vec::new();
    for m in COUNCIL.find_iter(lower) {
        out.push((m.start(), Body::Council));
    }
    for m in OTHER_BODY.find_iter(lower) {
        out.push((m.start(), Body::Other));
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// The last body a text names.
pub fn last_body(text: &str) -> Option<Body> {
    bodies(&text.to_lowercase()).last().map(|(_, b)| *b)
}

/// A decision a text mentions: from "решение" to the next decision mentioned.
#[derive(Debug, Clone, Default)]
pub struct Clause {
    pub number: Option<String>,
    pub protocol: Option<String>,
    pub date: Option<String>,
    /// The first body the clause names after the word "решение".
    pub body: Option<Body>,
    /// The last body the text names before the clause.
    pub body_before: Option<Body>,
    /// A draft, an amendment or the adoption of a report, not the plan's adoption.
    pub not_adoption: bool,
}

/// The decisions a text mentions.
pub fn decision_clauses(text: &str) -> Vec<Clause> {
    let text = &*SPACED_DECISION.replace_all(text, "РЕШЕНИЕ");
    let lower = text.to_lowercase();
    let starts: Vec<usize> = lower.match_indices("решение").map(|(i, _)| i).collect();
    let all_bodies = bodies(&lower);
    let mut out = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lower.len());
        let (Some(clause), Some(lower_clause)) = (text.get(start..end), lower.get(start..end))
        else {
            continue;
        };
        let before = lower.get(..start).unwrap_or("");
        let near: String = before
            .chars()
            .rev()
            .take(24)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let facts = clause_facts(clause);
        // "проведено на 24.02.2022 г., с Решение № 98": the session's date before the number.
        let since = if k == 0 { 0 } else { starts[k - 1] };
        let date = facts
            .date
            .or_else(|| text.get(since..start).and_then(date_in).filter(|_| k == 0));
        // "Протокол № 5 от заседание …, Решение № 88": the protocol before the number.
        let protocol = facts.protocol.or_else(|| {
            text.get(since..start)
                .and_then(|t| clause_facts(t).protocol)
                .filter(|_| k == 0)
        });
        out.push(Clause {
            number: DECISION
                .captures(clause)
                .filter(|c| c.get(0).is_some_and(|m| m.start() == 0))
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().trim_end_matches('-').to_string())
                .filter(|n| n.chars().any(|c| c.is_ascii_digit())),
            protocol,
            date,
            body: all_bodies
                .iter()
                .find(|(at, _)| *at >= start && *at < end)
                .map(|(_, b)| *b),
            body_before: all_bodies
                .iter()
                .rev()
                .find(|(at, _)| *at < start)
                .map(|(_, b)| *b),
            not_adoption: ["проект", "изменен", "допълн", "отмен"]
                .iter()
                .any(|w| near.contains(w))
                || lower_clause.contains("отчет"),
        });
    }
    out
}

/// The protocol number and the first date a text states.
pub fn clause_facts(text: &str) -> Clause {
    Clause {
        protocol: PROTOCOL
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().trim_end_matches('-').to_string()),
        date: date_in(text),
        ..Clause::default()
    }
}

/// The first date a text states, as ISO: "30.09.2021", "30.9.2021г.", "30/09/2021", "30 септември
/// 2021 г.".
pub fn date_in(text: &str) -> Option<String> {
    let numeric = DATE.captures(text).and_then(|c| {
        let at = c.get(0)?.start();
        let d: u32 = c.get(1)?.as_str().parse().ok()?;
        let m: u32 = c.get(2)?.as_str().parse().ok()?;
        let y: i32 = c.get(3)?.as_str().parse().ok()?;
        Some((at, d, m, y))
    });
    let named = NAMED_DATE.captures(text).and_then(|c| {
        let at = c.get(0)?.start();
        let d: u32 = c.get(1)?.as_str().parse().ok()?;
        let month = c.get(2)?.as_str().to_lowercase();
        let m = MONTHS.iter().position(|n| month.starts_with(n))? as u32 + 1;
        let y: i32 = c.get(3)?.as_str().parse().ok()?;
        Some((at, d, m, y))
    });
    let roman = ROMAN_DATE.captures(text).and_then(|c| {
        let at = c.get(0)?.start();
        let d: u32 = c.get(1)?.as_str().parse().ok()?;
        let m = roman_month(c.get(2)?.as_str())?;
        let y: i32 = c.get(3)?.as_str().parse().ok()?;
        Some((at, d, m, y))
    });
    let (_, d, m, y) = [numeric, named, roman]
        .into_iter()
        .flatten()
        .min_by_key(|(at, ..)| *at)?;
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A month in Roman numerals ("IV" → 4).
fn roman_month(numeral: &str) -> Option<u32> {
    let latin: String = numeral
        .chars()
        .map(|c| match c {
            'І' => 'I',
            'Х' => 'X',
            other => other,
        })
        .collect();
    const ROMAN: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    ROMAN.iter().position(|r| *r == latin).map(|i| i as u32 + 1)
}

const MONTHS: [&str; 12] = [
    "януари",
    "февруари",
    "март",
    "април",
    "май",
    "юни",
    "юли",
    "август",
    "септември",
    "октомври",
    "ноември",
    "декември",
];

/// The municipal council's adopting decision, when a text states one. A Council of Ministers
/// decision, a mayor's order or a draft ("проект за решение") is not it.
pub fn adoption_in(text: &str) -> Option<Adoption> {
    let t = text.to_lowercase();
    let council =
        t.contains("общински съвет") || t.contains("общинския съвет") || t.contains("обс");
    if !council
        || t.contains("министерски съвет")
        || t.contains("проект за решение")
        || t.contains("заповед")
    {
        return None;
    }
    let decision = DECISION.captures(text)?.get(1)?.as_str().to_string();
    let protocol = PROTOCOL
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string());
    let date = DATE.captures(text).and_then(|c| {
        let d: u32 = c.get(1)?.as_str().parse().ok()?;
        let m: u32 = c.get(2)?.as_str().parse().ok()?;
        let y: i32 = c.get(3)?.as_str().parse().ok()?;
        ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}-{d:02}"))
    });
    Some(Adoption {
        decision_number: Some(decision),
        protocol_number: protocol,
        date,
        body: None,
    })
}

#[cfg(test)]
#[path = "header_tests.rs"]
mod tests;
