//! An indicator's baseline and target written on its own line, where the table has no column
//! for them: "Брой деца (базова 10, целева 20)", "Брой деца – базова стойност 10, целева
//! стойност 20", "Дял (базова стойност: 4%; целева стойност: 2%)", "Брой клубове: от 2 на 5",
//! "Брой участници – от 30 до 80", "Брой кампании: 1 → 4".

/// The words that label a baseline, then those that label a target (lowercase; a longer
/// label before the shorter one it starts with).
const BASELINE: [&str; 8] = [
    "базова стойност",
    "базова",
    "изходна стойност",
    "изходна",
    "текуща стойност",
    "текуща",
    "начална стойност",
    "начална",
];
const TARGET: [&str; 4] = ["целева стойност", "целева", "очаквана стойност", "цел"];

/// A value as plans write one: a number, at most a percent sign or a short unit word after.
fn value(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_start_matches([':', '-', '–', '—', ' '])
        .trim_end_matches(['.', ' ']);
    let mut words = t.split_whitespace();
    let number = words.next()?;
    let digits = number.trim_end_matches('%');
    if digits.is_empty()
        || !digits.starts_with(|c: char| c.is_ascii_digit())
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    let unit = words.next();
    if words.next().is_some()
        || unit.is_some_and(|u| u.chars().count() > 8 || u.chars().any(|c| c.is_ascii_digit()))
    {
        return None;
    }
    Some(t.to_string())
}

/// Where a label starts in the lowercased text, as a word of its own: (byte start, byte end,
/// is a target).
fn labels(lower: &str) -> Vec<(usize, usize, bool)> {
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    for (words, target) in [(&BASELINE[..], false), (&TARGET[..], true)] {
        for w in words {
            for (at, _) in lower.match_indices(w) {
                let end = at + w.len();
                let before_ok = lower[..at]
                    .chars()
                    .last()
                    .is_none_or(|c| !c.is_alphabetic());
                let after_ok = lower[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphabetic());
                let inside = out.iter().any(|(s, e, _)| at >= *s && at < *e);
                if before_ok && after_ok && !inside {
                    out.push((at, end, target));
                }
            }
        }
    }
    out.sort_by_key(|l| l.0);
    out
}

/// The indicator's name, baseline and target, when its line states the values.
pub fn stated_values(text: &str) -> Option<(String, Option<String>, Option<String>)> {
    let t = text.trim().trim_end_matches(['.', ';']);
    labelled(t).or_else(|| ranged(t))
}

/// "Брой деца (базова 10, целева 20)", "Брой деца – базова стойност 10, целева стойност 20".
fn labelled(t: &str) -> Option<(String, Option<String>, Option<String>)> {
    let lower = t.to_lowercase();
    let found = labels(&lower);
    let first = found.first()?;
    let name = t[..first.0].trim_end_matches([' ', '(', '–', '-', '—', ':', ',', ';']);
    if name.chars().count() < 3 || !name.ends_with(|c: char| c.is_alphanumeric() || c == ')') {
        return None;
    }
    let (mut baseline, mut target) = (None, None);
    for (k, (_, end, is_target)) in found.iter().enumerate() {
        let stop = found.get(k + 1).map_or(t.len(), |next| next.0);
        let piece = t[*end..stop].trim_end_matches([' ', ')', ',', ';']);
        let v = value(piece)?;
        let slot = if *is_target {
            &mut target
        } else {
            &mut baseline
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(v);
    }
    Some((name.to_string(), baseline, target))
}

/// "Брой клубове: от 2 на 5", "Брой участници – от 30 до 80", "Брой кампании: 1 → 4": a
/// range after a colon, a dash or a bracket ends the line ("Брой деца на възраст от 3 до 6
/// години" states no values).
fn ranged(t: &str) -> Option<(String, Option<String>, Option<String>)> {
    let (name, rest) = if let Some(cut) = t.rfind(['(', ':', '–', '—']) {
        (&t[..cut], &t[cut..])
    } else {
        let cut = t.rfind(" - ")?;
        (&t[..cut], &t[cut..])
    };
    let rest = rest
        .trim_start_matches(['(', ':', '–', '—', '-', ' '])
        .trim_end_matches([')', ' ']);
    let name = name.trim_end();
    if name.chars().count() < 3 || !name.ends_with(|c: char| c.is_alphabetic() || c == ')') {
        return None;
    }
    let (from, to) = if let Some(after) = rest.strip_prefix("от ") {
        after
            .split_once(" на ")
            .or_else(|| after.split_once(" до "))?
    } else {
        rest.split_once('→').or_else(|| rest.split_once("->"))?
    };
    let (from, to) = (value(from)?, value(to)?);
    Some((name.to_string(), Some(from), Some(to)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str) -> Option<(String, Option<String>, Option<String>)> {
        stated_values(t)
    }

    fn both(name: &str, b: &str, t: &str) -> Option<(String, Option<String>, Option<String>)> {
        Some((name.into(), Some(b.into()), Some(t.into())))
    }

    #[test]
    fn values_labelled_on_the_indicators_line_are_its_baseline_and_target() {
        assert_eq!(
            read("Брой деца (базова 10, целева 20)"),
            both("Брой деца", "10", "20")
        );
        assert_eq!(
            read("Брой наставници – базова стойност 3, целева стойност 12"),
            both("Брой наставници", "3", "12")
        );
        assert_eq!(
            read("Дял на отпадналите (базова стойност: 4%; целева стойност: 2%)"),
            both("Дял на отпадналите", "4%", "2%")
        );
        assert_eq!(
            read("Брой кампании (целева стойност 4)"),
            Some(("Брой кампании".into(), None, Some("4".into())))
        );
    }

    #[test]
    fn a_range_ending_the_indicators_line_is_from_baseline_to_target() {
        assert_eq!(
            read("Брой клубове: от 2 на 5"),
            both("Брой клубове", "2", "5")
        );
        assert_eq!(
            read("Брой участници – от 30 до 80"),
            both("Брой участници", "30", "80")
        );
        assert_eq!(
            read("Брой кампании: 1 → 4"),
            both("Брой кампании", "1", "4")
        );
    }

    #[test]
    fn words_that_only_look_like_values_state_none() {
        assert_eq!(read("Брой деца на възраст от 3 до 6 години"), None);
        assert_eq!(read("Брой деца от 3 до 6"), None);
        assert_eq!(read("Постигната целева група"), None);
        assert_eq!(read("Брой участници (целева група: младежи)"), None);
        assert_eq!(read("Брой деца – 150"), None);
    }
}
