//! The plan's header: municipality, title, period and the adopting council decision, read from
//! the text before the measure tables. Nothing is invented: a decision of the Council of
//! Ministers, a mayor's order, a draft decision or the national strategy's period are not the
//! plan's.

use crate::plan::{Adoption, YearRange};
use regex::Regex;
use std::sync::LazyLock;

static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d)\s*(?:г\.?)?\s*[-–—]\s*((?:19|20)\d\d)")
        .unwrap_or_else(|e| panic!("years pattern: {e}"))
});
static MUNICIPALITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bобщина\s+([А-ЯЁЪ][А-Яа-яЁёЪъ-]+(?:\s+[А-Я][а-я]+)?)")
        .unwrap_or_else(|e| panic!("municipality pattern: {e}"))
});
static DECISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)решение\s*№\s*([\w/-]+)").unwrap_or_else(|e| panic!("decision pattern: {e}"))
});
static PROTOCOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)протокол\s*№\s*([\w/-]+)").unwrap_or_else(|e| panic!("protocol pattern: {e}"))
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)").unwrap_or_else(|e| panic!("date: {e}"))
});

/// The plan's period from a text such as a title: "… в периода 2022- 2024г.".
pub fn period_in(text: &str) -> Option<YearRange> {
    let c = YEARS.captures(text)?;
    let from: i32 = c.get(1)?.as_str().parse().ok()?;
    let to: i32 = c.get(2)?.as_str().parse().ok()?;
    (from <= to && to - from <= 15).then_some(YearRange { from, to })
}

/// Whether a text speaks of a national or district strategy rather than of the plan itself.
pub fn about_strategy(text: &str) -> bool {
    let t = text.to_lowercase();
    (t.contains("стратеги") || t.contains("национал") || t.contains("министерски"))
        && !t.starts_with("план")
}

/// "Община Пловдив" → "Пловдив"; "ОБЩИНА КАЗАНЛЪК" → "Казанлък"; "О Б Щ И Н А К А З А Н Л Ъ К"
/// → "Казанлък".
pub fn municipality_in(text: &str) -> Option<String> {
    let compact = despace_letters(text);
    let c = MUNICIPALITY.captures(&compact)?;
    let name = c.get(1)?.as_str().trim();
    let name = name.split_whitespace().next().unwrap_or(name);
    if name.chars().count() < 3 {
        return None;
    }
    let lower = ["на", "за", "в", "и"];
    if lower.contains(&name.to_lowercase().as_str()) {
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
mod tests {
    use super::*;

    #[test]
    fn the_plan_period_is_read_from_its_title() {
        assert_eq!(
            period_in("на Община Пловдив … в периода 2022- 2024г."),
            Some(YearRange {
                from: 2022,
                to: 2024
            })
        );
        assert_eq!(
            period_in("2021 г. – 2023 г."),
            Some(YearRange {
                from: 2021,
                to: 2023
            })
        );
    }

    #[test]
    fn the_municipality_is_read_even_from_letter_spaced_capitals() {
        assert_eq!(
            municipality_in("О Б Щ И Н А К А З А Н Л Ъ К").as_deref(),
            Some("Казанлък")
        );
        assert_eq!(
            municipality_in("на Община Пловдив за").as_deref(),
            Some("Пловдив")
        );
    }

    #[test]
    fn only_a_municipal_council_decision_is_an_adoption() {
        let a = adoption_in("Приет с Решение № 123, взето с Протокол № 7 от 30.09.2021 г. на Общински съвет - Казанлък")
            .expect("adoption");
        assert_eq!(a.decision_number.as_deref(), Some("123"));
        assert_eq!(a.protocol_number.as_deref(), Some("7"));
        assert_eq!(a.date.as_deref(), Some("2021-09-30"));
        assert!(adoption_in("Решение № 278 на Министерски съвет от 05.05.2022 г.").is_none());
        assert!(adoption_in("Заповед № 5 на кмета на Община X").is_none());
        assert!(adoption_in("ПРОЕКТ ЗА РЕШЕНИЕ: Общински съвет приема").is_none());
    }

    #[test]
    fn a_title_in_capitals_is_put_in_sentence_case() {
        assert_eq!(
            sentence_case("ПЛАН ЗА ДЕЙСТВИЕ НА ОБЩИНА КАЗАНЛЪК"),
            "План за действие на Община Казанлък"
        );
    }
}
