//! Exact money: integer minor units (stotinki / euro cents) with their currency,
//! and the fixed BGN/EUR conversion used for totals.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The fixed conversion rate set when Bulgaria joined the euro: 1 EUR = 1.95583 BGN.
/// Kept as a ratio of integers so conversions never touch floats.
const BGN_PER_EUR_NUM: i128 = 195_583;
const BGN_PER_EUR_DEN: i128 = 100_000;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Currency {
    #[serde(rename = "BGN")]
    Bgn,
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Bgn => "BGN",
            Currency::Eur => "EUR",
        }
    }

    /// The short sign used in Bulgarian text.
    pub fn sign_bg(self) -> &'static str {
        match self {
            Currency::Bgn => "лв.",
            Currency::Eur => "€",
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        match code.trim().to_uppercase().as_str() {
            "BGN" | "ЛВ" | "ЛВ." | "ЛЕВА" => Some(Currency::Bgn),
            "EUR" | "€" | "ЕВРО" => Some(Currency::Eur),
            _ => None,
        }
    }
}

/// An amount of money in integer minor units of its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("„{0}“ не е сума (очаква се число с до два знака след десетичния знак)")]
    NotAnAmount(String),
    #[error("сумата „{0}“ е твърде голяма")]
    TooLarge(String),
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// Whole units, e.g. `Money::whole(15_000, Bgn)` is 15 000.00 лв.
    pub fn whole(units: i64, currency: Currency) -> Self {
        Money {
            minor: units.saturating_mul(100),
            currency,
        }
    }

    /// This amount in `target`, converted at the fixed rate and rounded half away from zero.
    pub fn convert(self, target: Currency) -> Money {
        let minor = match (self.currency, target) {
            (a, b) if a == b => self.minor,
            (Currency::Eur, Currency::Bgn) => {
                div_round(self.minor as i128 * BGN_PER_EUR_NUM, BGN_PER_EUR_DEN)
            }
            (Currency::Bgn, Currency::Eur) => {
                div_round(self.minor as i128 * BGN_PER_EUR_DEN, BGN_PER_EUR_NUM)
            }
            _ => self.minor,
        };
        Money {
            minor,
            currency: target,
        }
    }

    /// Decimal text with two places and no grouping: "15000.00".
    pub fn to_decimal_string(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Parses plain decimal text ("15000", "15000.5", "-3.25"); the currency is given separately.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let t = text.trim();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int_part, frac_part) = match digits.split_once(['.', ',']) {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if int_part.is_empty()
            || !all_digits(int_part)
            || !all_digits(frac_part)
            || frac_part.len() > 2
        {
            return Err(MoneyError::NotAnAmount(text.to_string()));
        }
        let units: i64 = int_part
            .parse()
            .map_err(|_| MoneyError::TooLarge(text.to_string()))?;
        let cents: i64 = match frac_part.len() {
            0 => 0,
            1 => frac_part.parse::<i64>().unwrap_or(0) * 10,
            _ => frac_part.parse::<i64>().unwrap_or(0),
        };
        let minor = units
            .checked_mul(100)
            .and_then(|m| m.checked_add(cents))
            .ok_or_else(|| MoneyError::TooLarge(text.to_string()))?;
        Ok(Money {
            minor: if neg { -minor } else { minor },
            currency,
        })
    }

    /// The amount as a page in `lang` writes it: Bulgarian "15 000 лв.", "1 234,50 €"; English
    /// "BGN 15,000", "EUR 1,234.50" (the code first, as the EU style guide writes amounts).
    pub fn display(self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Bg => self.display_bg(),
            crate::i18n::Lang::En => {
                let abs = self.minor.unsigned_abs();
                let units = group_thousands(abs / 100).replace('\u{a0}', ",");
                let cents = abs % 100;
                let sign = if self.minor < 0 { "-" } else { "" };
                let number = if cents == 0 {
                    units
                } else {
                    format!("{units}.{cents:02}")
                };
                format!("{sign}{}\u{a0}{number}", self.currency.code())
            }
        }
    }

    /// Bulgarian display: "15 000 лв." or "1 234,50 €" (cents only when present).
    pub fn display_bg(self) -> String {
        let abs = self.minor.unsigned_abs();
        let units = group_thousands(abs / 100);
        let cents = abs % 100;
        let sign = if self.minor < 0 { "-" } else { "" };
        let number = if cents == 0 {
            units
        } else {
            format!("{units},{cents:02}")
        };
        match self.currency {
            Currency::Bgn => format!("{sign}{number} лв."),
            Currency::Eur => format!("{sign}{number} €"),
        }
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money {
            minor: self.minor.checked_add(other.minor)?,
            currency: self.currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_bg())
    }
}

/// A running total kept in one currency; amounts in the other are converted on the way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub minor: i128,
    pub currency: Currency,
}

impl Total {
    pub fn new(currency: Currency) -> Self {
        Total { minor: 0, currency }
    }

    pub fn add(&mut self, m: Money) {
        self.minor += m.convert(self.currency).minor as i128;
    }

    pub fn money(self) -> Money {
        Money {
            minor: self.minor.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
            currency: self.currency,
        }
    }
}

fn div_round(num: i128, den: i128) -> i64 {
    let q = num / den;
    let r = num % den;
    let adj = if 2 * r.abs() >= den { num.signum() } else { 0 };
    (q + adj).clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// "13216650" -> "13 216 650" (a no-break space between groups, as Bulgarian typesetting does).
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(ch);
    }
    out
}

/// Serde for an `i64` of minor units written as decimal text ("15000.00"), so plan JSON
/// stays exact and readable. Whole JSON numbers are accepted on input as whole units.
pub mod decimal_minor {
    use super::{Currency, Money};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(minor: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Money::new(*minor, Currency::Bgn).to_decimal_string())
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Whole(i64),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        match Raw::deserialize(d)? {
            Raw::Text(t) => Money::parse_decimal(&t, Currency::Bgn)
                .map(|m| m.minor)
                .map_err(serde::de::Error::custom),
            Raw::Whole(units) => units
                .checked_mul(100)
                .ok_or_else(|| serde::de::Error::custom("сумата е твърде голяма")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_converts_to_leva_at_the_fixed_rate() {
        let one_euro = Money::new(100, Currency::Eur);
        assert_eq!(
            one_euro.convert(Currency::Bgn),
            Money::new(196, Currency::Bgn)
        );
        let thousand = Money::whole(1000, Currency::Eur);
        assert_eq!(thousand.convert(Currency::Bgn).minor, 195_583);
    }

    #[test]
    fn leva_convert_to_euro_rounding_half_away_from_zero() {
        let amount = Money::whole(195_583, Currency::Bgn);
        assert_eq!(
            amount.convert(Currency::Eur),
            Money::whole(100_000, Currency::Eur)
        );
        assert_eq!(Money::new(1, Currency::Bgn).convert(Currency::Eur).minor, 1);
        assert_eq!(
            Money::new(-3, Currency::Bgn).convert(Currency::Eur).minor,
            -2
        );
    }

    #[test]
    fn decimal_text_round_trips() {
        for text in ["0.00", "15000.00", "1.05", "-3.25", "7165650.00"] {
            let m = Money::parse_decimal(text, Currency::Bgn).expect("valid");
            assert_eq!(m.to_decimal_string(), text);
        }
        assert_eq!(
            Money::parse_decimal("12.5", Currency::Eur).map(|m| m.minor),
            Ok(1250)
        );
    }

    #[test]
    fn non_amounts_are_rejected_with_the_text() {
        for bad in ["", "abc", "1.234", "1e5", "--1", "99999999999999999999"] {
            assert!(Money::parse_decimal(bad, Currency::Bgn).is_err(), "{bad}");
        }
    }

    #[test]
    fn bulgarian_display_groups_thousands() {
        assert_eq!(
            Money::whole(13_216_650, Currency::Bgn).display_bg(),
            "13\u{a0}216\u{a0}650 лв."
        );
        assert_eq!(
            Money::new(123_450, Currency::Eur).display_bg(),
            "1\u{a0}234,50 €"
        );
    }

    #[test]
    fn totals_mix_currencies_through_conversion() {
        let mut t = Total::new(Currency::Bgn);
        t.add(Money::whole(100, Currency::Bgn));
        t.add(Money::whole(100, Currency::Eur));
        assert_eq!(t.money(), Money::new(10_000 + 19_558, Currency::Bgn));
    }
}
