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

/// "Приоритет №1 Образование", "1. ПРИОРИТЕТ „ОБРАЗОВАНИЕ“", "Приоритетна област 2:
/// Здравеопазване", "ІІ. ЖИЛИЩНИ УСЛОВИЯ", "3. Заетост" → (number, title). A heading that is
/// only one of the national areas' names counts when it is numbered, written in capitals or
/// is the name itself: a numbered line of a list is not read as a priority for a word of it.
pub(crate) fn priority_heading(text: &str) -> Option<(Option<u32>, String)> {
    if text.chars().count() > 200 {
        return None;
    }
    let (lead, rest) = leading_number(text.trim());
    let lower = rest.to_lowercase();
    let Some(after) = after_priority_word(&lower) else {
        let title = rest.trim_matches(QUOTES_AND_STOPS).trim();
        return is_area_name(title, lead.is_some()).then(|| (lead, title.to_string()));
    };
    let tail = &rest[rest.len() - after.len()..];
    let tail = tail.trim_start_matches([' ', '№', ':', '-', '–']);
    let num: String = tail.chars().take_while(char::is_ascii_digit).collect();
    // "Приоритет ІІ: …", "Приоритетна област IV – …": the number in Roman numerals.
    let (number, after_number) = match roman_prefix(tail) {
        Some((n, len)) if num.is_empty() => (Some(n), &tail[len..]),
        _ => (num.parse().ok(), &tail[num.len()..]),
    };
    let title = after_number
        .trim_start_matches(['.', ':', ' ', '-', '–', ')'])
        .trim()
        .trim_matches(QUOTES_AND_STOPS)
        .trim()
        .to_string();
    if title.is_empty() {
        return None;
    }
    Some((lead.or(number), title))
}

/// Roman numerals opening a text and standing apart from the word after them ("ІV: …",
/// not "Хасково"): their value and length in bytes.
fn roman_prefix(text: &str) -> Option<(u32, usize)> {
    let roman: String = text.chars().take_while(|c| is_roman(*c)).collect();
    let rest = &text[roman.len()..];
    if roman.is_empty() || rest.starts_with(char::is_alphanumeric) {
        return None;
    }
    Some((roman_value(&roman)?, roman.len()))
}

/// The letters Roman numerals are written with up to 20, Latin or the Cyrillic that look the
/// same (І, Х, and Ѵ for V).
fn is_roman(c: char) -> bool {
    matches!(c, 'I' | 'V' | 'X' | 'І' | 'Х' | 'Ѵ')
}

/// Whether a priority heading says it is one ("Приоритет 2", "Приоритетна област"), not
/// only a national area's name.
pub(crate) fn names_a_priority(text: &str) -> bool {
    let (_, rest) = leading_number(text.trim());
    after_priority_word(&rest.to_lowercase()).is_some()
}

/// The lowercased text after the word that opens a priority's heading.
fn after_priority_word(lower: &str) -> Option<&str> {
    PRIORITY_WORDS.iter().find_map(|w| {
        let after = lower.strip_prefix(w)?;
        (!after.chars().next().is_some_and(char::is_alphabetic)).then_some(after)
    })
}

/// The words that open a priority's heading, longest first.
const PRIORITY_WORDS: [&str; 5] = [
    "приоритетна област",
    "приоритетно направление",
    "приоритетна ос",
    "област на въздействие",
    "приоритет",
];

const QUOTES_AND_STOPS: [char; 8] = ['„', '“', '”', '"', '«', '»', ':', ' '];

/// The first words of the national areas' names as plans write them ("Образование",
/// "Здравеопазване", "Жилищни условия", "Върховенство на закона и недискриминация").
const AREA_WORDS: [&str; 11] = [
    "образование",
    "здравеопазване",
    "здраве",
    "заетост",
    "жилищни",
    "жилищна",
    "жилищно",
    "върховенство",
    "недискриминация",
    "култура",
    "ромска",
];

/// Whether `title` is a national area's name: opened by one of [`AREA_WORDS`], a few words,
/// no sentence; a lone area word counts unnumbered, longer names when numbered or in capitals.
fn is_area_name(title: &str, numbered: bool) -> bool {
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.is_empty() || words.len() > 7 || title.contains(['.', ';', '!', '?']) {
        return false;
    }
    let first = words[0].trim_matches(QUOTES_AND_STOPS).to_lowercase();
    let first = first.trim_end_matches(',');
    if !AREA_WORDS.contains(&first) {
        return false;
    }
    if first == "ромска" && !title.to_lowercase().contains("култур") {
        return false;
    }
    let capitals = title.chars().any(char::is_alphabetic) && !title.chars().any(char::is_lowercase);
    numbered
        || capitals
        || words.len() <= 3 && crate::plan::NationalArea::from_title(title).is_some()
}

/// A number opening a heading, Arabic or Roman ("2.", "3)", "ІІ.", "IV "), and the rest.
fn leading_number(text: &str) -> (Option<u32>, &str) {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && digits.len() <= 2 {
        let rest = &text[digits.len()..];
        if rest.starts_with(['.', ')', ' ']) {
            return (
                digits.parse().ok(),
                rest.trim_start_matches(['.', ')', ' ']),
            );
        }
    }
    let roman: String = text.chars().take_while(|c| is_roman(*c)).collect();
    let rest = &text[roman.len()..];
    if !roman.is_empty()
        && rest.starts_with(['.', ')'])
        && let Some(n) = roman_value(&roman)
    {
        return (Some(n), rest.trim_start_matches(['.', ')', ' ']));
    }
    (None, text)
}

/// "ІІІ" → 3, "IV" → 4, up to 20; Cyrillic І and Х as their Latin look-alikes.
fn roman_value(roman: &str) -> Option<u32> {
    let value = |c: char| match c {
        'I' | 'І' => 1,
        'V' | 'Ѵ' => 5,
        _ => 10,
    };
    let vals: Vec<i32> = roman.chars().map(value).collect();
    let mut total = 0i32;
    for (i, v) in vals.iter().enumerate() {
        if vals.get(i + 1).is_some_and(|next| next > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    let total = u32::try_from(total).ok()?;
    (1..=20).contains(&total).then_some(total)
}

/// The words that qualify an objective in a heading ("Специфична цел 1.1: …").
const OBJECTIVE_KINDS: [&str; 6] = [
    "стратегическа",
    "специфична",
    "оперативна",
    "главна",
    "обща",
    "конкретна",
];

/// "Оперативна цел: …", the priority's operational objective, in any case.
pub(super) fn is_operational_objective(text: &str) -> bool {
    text.trim_start()
        .to_lowercase()
        .strip_prefix("оперативна цел")
        .is_some_and(|rest| !rest.starts_with(char::is_alphabetic))
}

/// "Цел 1. …", "Цел 6: : …", "Цел: …", "Специфична цел 1.1: …" → (code, title).
pub(crate) fn objective_heading(text: &str) -> Option<(Option<String>, String)> {
    let text = text.trim_start();
    let lower = text.to_lowercase();
    let text = match OBJECTIVE_KINDS.iter().find(|k| {
        lower
            .strip_prefix(*k)
            .is_some_and(|rest| rest.trim_start().starts_with("цел"))
    }) {
        Some(k) => text
            .char_indices()
            .nth(k.chars().count())
            .map_or("", |(i, _)| &text[i..])
            .trim_start(),
        None => text,
    };
    let rest = text
        .strip_prefix("Цел")
        .or_else(|| text.strip_prefix("ЦЕЛ"))
        .or_else(|| text.strip_prefix("цел"))?;
    let next = rest.chars().next()?;
    if next.is_alphabetic() {
        return None;
    }
    let rest = rest.trim_start();
    // "1", or "1.2" when the dot joins two numbers.
    let chars: Vec<char> = rest.chars().collect();
    let mut code = String::new();
    for (i, c) in chars.iter().enumerate() {
        let joins =
            *c == '.' && !code.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() || joins {
            code.push(*c);
        } else {
            break;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_headings_are_read_in_the_forms_plans_write_them() {
        let read = priority_heading;
        assert_eq!(
            read("Приоритетна област 2: Здравеопазване"),
            Some((Some(2), "Здравеопазване".into()))
        );
        assert_eq!(
            read("ПРИОРИТЕТНА ОБЛАСТ 3: ЗАЕТОСТ"),
            Some((Some(3), "ЗАЕТОСТ".into()))
        );
        assert_eq!(
            read("ІІІ. ЖИЛИЩНИ УСЛОВИЯ"),
            Some((Some(3), "ЖИЛИЩНИ УСЛОВИЯ".into()))
        );
        assert_eq!(read("IV. Култура"), Some((Some(4), "Култура".into())));
        assert_eq!(
            read("2. Здравеопазване"),
            Some((Some(2), "Здравеопазване".into()))
        );
        assert_eq!(read("Образование"), Some((None, "Образование".into())));
        assert_eq!(
            read("Приоритет №1 Образование"),
            Some((Some(1), "Образование".into()))
        );
    }

    #[test]
    fn a_priority_may_be_numbered_in_roman_numerals_after_its_word() {
        let read = priority_heading;
        assert_eq!(
            read("ПРИОРИТЕТ ІІ: ЗДРАВЕОПАЗВАНЕ"),
            Some((Some(2), "ЗДРАВЕОПАЗВАНЕ".into()))
        );
        assert_eq!(
            read("Приоритетна област ІѴ – Жилищни условия"),
            Some((Some(4), "Жилищни условия".into()))
        );
        assert_eq!(read("ѴІ. Култура"), Some((Some(6), "Култура".into())));
        assert_eq!(
            read("Приоритет Хасково: Образование"),
            Some((None, "Хасково: Образование".into()))
        );
    }

    #[test]
    fn a_line_with_an_areas_word_that_is_no_areas_name_is_no_priority() {
        assert_eq!(priority_heading("1. Ремонт на училища"), None);
        assert_eq!(priority_heading("Приоритетна област"), None);
        assert_eq!(priority_heading("Приоритети"), None);
        assert_eq!(
            priority_heading("Образованието е основен приоритет. Обхватът е 82 на сто."),
            None
        );
        assert_eq!(priority_heading("Здравни медиатори в общината"), None);
        assert!(!names_a_priority("2. Здравеопазване"));
        assert!(names_a_priority("Приоритетна област 2: Здравеопазване"));
    }

    #[test]
    fn an_objective_may_be_qualified_as_specific_or_strategic() {
        assert_eq!(
            objective_heading("Специфична цел 1.2: Намаляване на отпадането"),
            Some((Some("1.2".into()), "Намаляване на отпадането".into()))
        );
        assert_eq!(
            objective_heading("СТРАТЕГИЧЕСКА ЦЕЛ 2. Заетост"),
            Some((Some("2".into()), "Заетост".into()))
        );
        assert_eq!(objective_heading("Специфична целева група"), None);
        assert!(is_operational_objective("Оперативна цел 1: Достъп"));
        assert!(!is_operational_objective("Оперативната целесъобразност"));
    }

    #[test]
    fn an_objectives_code_may_have_two_levels() {
        assert_eq!(
            objective_heading("Цел 1.1. Повишаване на обхвата"),
            Some((Some("1.1".into()), "Повишаване на обхвата".into()))
        );
        assert_eq!(
            objective_heading("Цел 1. Подобряване"),
            Some((Some("1".into()), "Подобряване".into()))
        );
    }
}
