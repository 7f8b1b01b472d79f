//! Money amounts as plans write them: "15 000 лв.", "2 мил. лв.", "1,5 мил. лв.",
//! "100 000 лв. на училище" (a per-unit amount), "€ 20 000", and a bare "200 000" (taken as BGN,
//! flagged as unit missing).

use crate::money::Currency;
use crate::plan::Amount;
use regex::Regex;
use std::sync::LazyLock;

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<eurpre>€\s*)?
        (?P<int>[0-9]{1,3}(?:[\u{20}\u{a0}\u{202f}.][0-9]{3})+|[0-9]+)
        (?:,(?P<frac>[0-9]{1,2}))?
        \s*(?P<mult>милиона|милион|мил\.?|млн\.?|хиляди|хил\.?)?
        \s*(?P<unit>лв\.?|лева|bgn|€|евро|eur)?",
    )
    .unwrap_or_else(|e| panic!("amount pattern: {e}"))
});

/// One amount found in a text, with the byte range it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub amount: Amount,
    pub start: usize,
    pub end: usize,
}

/// Whether the text has a digit at all: every amount does, and most cells have none, so the
/// pattern need not run on them. (Amounts are written in ASCII digits.)
fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// Amounts with a currency unit, anywhere in the text.
pub fn amounts_with_unit(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    if !has_digit(text) {
        return out;
    }
    for c in AMOUNT.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let euro_prefix = c.name("eurpre").is_some();
        let unit = c.name("unit").map(|m| m.as_str().to_lowercase());
        if unit.is_none() && !euro_prefix {
            continue;
        }
        let currency = match unit.as_deref() {
            Some("€" | "евро" | "eur") => Currency::Eur,
            None if euro_prefix => Currency::Eur,
            _ => Currency::Bgn,
        };
        let Some(minor) = minor_units(&c) else {
            continue;
        };
        let end = whole.end();
        let qualifier = qualifier_after(&text[end..]);
        out.push(Found {
            amount: Amount {
                minor,
                currency,
                qualifier,
                unit_missing: false,
                text: None,
            },
            start: whole.start(),
            end,
        });
    }
    out
}

/// A bare number with nothing else in the text ("200 000", "3000"): BGN, unit missing.
pub fn bare_amount(text: &str) -> Option<Amount> {
    let t = text.trim().trim_end_matches(['.', ';', ',']).trim();
    if !has_digit(t) {
        return None;
    }
    let c = AMOUNT.captures(t)?;
    let whole = c.get(0)?;
    if whole.start() != 0 || whole.end() != t.len() || c.name("mult").is_some() {
        return None;
    }
    let minor = minor_units(&c)?;
    Some(Amount {
        minor,
        currency: Currency::Bgn,
        qualifier: None,
        unit_missing: true,
        text: None,
    })
}

fn minor_units(c: &regex::Captures<'_>) -> Option<i64> {
    let digits: String = c
        .name("int")?
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let int: i64 = digits.parse().ok()?;
    let frac = c.name("frac").map_or("", |m| m.as_str());
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        let f: i64 = frac.parse().ok()?;
        if frac.len() == 1 { f * 10 } else { f }
    };
    let mult: i64 = match c.name("mult").map(|m| m.as_str().to_lowercase()) {
        Some(m) if m.starts_with("мил") || m.starts_with("млн") => 1_000_000,
        Some(m) if m.starts_with("хил") => 1_000,
        _ => 1,
    };
    // value = (int + frac/100) * mult, in minor units (×100).
    int.checked_mul(100)?
        .checked_add(frac_value)?
        .checked_mul(mult)
}

/// "на училище." after an amount: a per-unit qualifier (trailing punctuation dropped).
fn qualifier_after(rest: &str) -> Option<String> {
    let t = rest.trim_start_matches(['.', ' ']).trim();
    let first = t.split_whitespace().next()?;
    if !matches!(first, "на" | "за" | "per" | "/") {
        return None;
    }
    let end = t.find([';', ',', '\n']).unwrap_or(t.len());
    let q = t[..end].trim().trim_end_matches(['.', ';', ',']).trim();
    (!q.is_empty() && q.chars().count() <= 40).then(|| q.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Amount {
        let f = amounts_with_unit(text);
        assert_eq!(f.len(), 1, "{text}");
        f[0].amount.clone()
    }

    #[test]
    fn amounts_in_leva_with_thousands_and_millions_are_read_exactly() {
        assert_eq!(one("15 000 лв.").minor, 1_500_000);
        assert_eq!(one("2 мил. лв.").minor, 200_000_000);
        assert_eq!(one("1,5 мил. лв.").minor, 150_000_000);
        assert_eq!(one("на стойност 7 165 650 лв.").minor, 716_565_000);
        assert_eq!(one("10 000 лв;").minor, 1_000_000);
        assert_eq!(one("5000 лв").minor, 500_000);
    }

    #[test]
    fn a_per_unit_amount_keeps_its_qualifier() {
        let a = one("100 000 лв. на училище.");
        assert_eq!(a.minor, 10_000_000);
        assert_eq!(a.qualifier.as_deref(), Some("на училище"));
    }

    #[test]
    fn euro_amounts_are_euro() {
        assert_eq!(one("€ 20 000").currency, Currency::Eur);
        assert_eq!(one("3 000 евро").currency, Currency::Eur);
    }

    #[test]
    fn a_bare_number_is_bgn_with_unit_missing_and_years_are_not_amounts() {
        let a = bare_amount("200 000").expect("bare");
        assert!(a.unit_missing);
        assert_eq!(a.minor, 20_000_000);
        assert!(amounts_with_unit("ПРЧР 2021-2027 г.").is_empty());
        assert!(bare_amount("По проекти").is_none());
    }
}
