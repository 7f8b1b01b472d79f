//! The names of a plan's parts in its text: priority and objective headings, numbered titles,
//! and the key that tells repeated page furniture.

use super::split;

/// Lowercase letters only: page headers repeat with different spacing and digits.
pub(super) fn furniture_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Cyrillic capitals, the usual case, without the Unicode tables.
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'а'..='я' | 'a'..='z' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() => {}
            c if c.is_alphabetic() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// "Приоритет №1 Образование", "1. ПРИОРИТЕТ „ОБРАЗОВАНИЕ“" → (number, title).
pub(crate) fn priority_heading(text: &str) -> Option<(Option<u32>, String)> {
    if text.chars().count() > 200 {
        return None;
    }
    let lead: String = text.chars().take_while(char::is_ascii_digit).collect();
    let rest = text[lead.len()..].trim_start_matches(['.', ')', ' ']);
    let lower = rest.to_lowercase();
    let after = lower.strip_prefix("приоритет")?;
    if after.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let tail = &rest[rest.len() - after.len()..];
    let tail = tail.trim_start_matches([' ', '№', ':', '-', '–']);
    let num: String = tail.chars().take_while(char::is_ascii_digit).collect();
    let title = tail[num.len()..]
        .trim_start_matches(['.', ':', ' ', '-', '–', ')'])
        .trim()
        .trim_matches(['„', '“', '”', '"', '«', '»'])
        .trim()
        .to_string();
    if title.is_empty() {
        return None;
    }
    let number = lead.parse().ok().or_else(|| num.parse().ok());
    Some((number, title))
}

/// "Цел 1. …", "Цел 6: : …", "Цел: …" → (code, title).
pub(crate) fn objective_heading(text: &str) -> Option<(Option<String>, String)> {
    let rest = text
        .strip_prefix("Цел")
        .or_else(|| text.strip_prefix("ЦЕЛ"))?;
    let next = rest.chars().next()?;
    if next.is_alphabetic() {
        return None;
    }
    let rest = rest.trim_start();
    let code: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let title = rest[code.len()..]
        .trim_start_matches(['.', ':', ' ', '-', '–'])
        .trim()
        .to_string();
    if code.is_empty() && !next.eq(&':') && !rest.starts_with(':') {
        return None;
    }
    Some(((!code.is_empty()).then_some(code), title))
}

/// "1. Подобряване …" in an objectives column → (code "1", title).
pub(super) fn numbered_title(text: &str) -> (Option<String>, String) {
    if let Some(h) = objective_heading(text) {
        return h;
    }
    let word = text.split_whitespace().next().unwrap_or("");
    if let Some((n, rest)) = split::word_marker(word, true) {
        let after = text[word.len()..].trim();
        let title = if rest.is_empty() {
            after.to_string()
        } else {
            format!("{rest} {after}").trim().to_string()
        };
        return (Some(n.to_string()), title);
    }
    (None, text.trim().to_string())
}
