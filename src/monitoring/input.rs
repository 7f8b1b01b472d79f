//! Reading an update from named fields (a web form, or a spreadsheet row mapped to the same
//! names): every problem is reported against its field, in the reader's language
//! (`i18n::Msg` said by `Tr::say`), and nothing is kept from input that has an error.
//!
//! Field names: `status`, `people_reached`, `narrative`; per indicator `value.KEY`, or
//! `num.KEY` and `den.KEY` for a percentage; per line of money spent `spent.N.source`,
//! `spent.N.amount`, `spent.N.currency`.

use super::UpdateInput;
use crate::forms::FieldErrors;
use crate::i18n::{Msg, Tr};
use crate::money::{Currency, Money};
use crate::plan::{IndicatorKind, Measure};
use crate::snapshot::{IndicatorValue, ReportedStatus, Spent, Value};
use std::collections::BTreeMap;

/// Longest narrative accepted, in characters.
pub const MAX_NARRATIVE: usize = 20_000;
/// Lines of money spent a form offers and accepts.
pub const MAX_SPENT_LINES: usize = 12;

/// Reads a number as people type it: "1 234,5", "1234.5", "12".
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
    {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "да" | "yes" | "true" | "1" | "д" => Some(true),
        "не" | "no" | "false" | "0" | "н" => Some(false),
        _ => None,
    }
}

/// The currency of money spent in `year` when none is given: the euro from 2026.
pub fn default_currency(year: i32) -> Currency {
    if year >= 2026 {
        Currency::Eur
    } else {
        Currency::Bgn
    }
}

fn parse_money(text: &str, currency: Currency) -> Result<Money, String> {
    let cleaned: String = text
        .trim()
        .trim_end_matches("лв.")
        .trim_end_matches("лв")
        .trim_end_matches('€')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if cleaned.starts_with('-') {
        return Err("Изразходваната сума не може да е отрицателна.".into());
    }
    Money::parse_decimal(&cleaned, currency).map_err(|e| {
        let e = e.to_string();
        let mut c = e.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str() + ".")
            .unwrap_or(e)
    })
}

fn indicator_value(
    kind: Option<IndicatorKind>,
    key: &str,
    fields: &BTreeMap<&str, &str>,
    errors: &mut FieldErrors,
    tr: Tr,
) -> Option<Value> {
    let mut add = |field: String, m: Msg| errors.add(field, tr.say(&m));
    let plain = fields
        .get(format!("value.{key}").as_str())
        .map(|s| s.trim());
    let num = fields.get(format!("num.{key}").as_str()).map(|s| s.trim());
    let den = fields.get(format!("den.{key}").as_str()).map(|s| s.trim());
    let plain = plain.filter(|s| !s.is_empty());
    let (num, den) = (num.filter(|s| !s.is_empty()), den.filter(|s| !s.is_empty()));
    let as_ratio = kind == Some(IndicatorKind::Percent) || num.is_some() || den.is_some();
    if as_ratio {
        if plain.is_some() && kind == Some(IndicatorKind::Percent) {
            add(format!("num.{key}"), Msg::new("mon.input.ratio"));
            return None;
        }
        let (num_text, den_text) = match (num, den) {
            (None, None) => return None,
            (Some(n), Some(d)) => (n, d),
            (None, Some(_)) => {
                add(format!("num.{key}"), Msg::new("mon.input.numerator"));
                return None;
            }
            (Some(_), None) => {
                add(format!("den.{key}"), Msg::new("mon.input.denominator"));
                return None;
            }
        };
        let Some(n) = parse_number(num_text).filter(|n| *n >= 0.0) else {
            add(
                format!("num.{key}"),
                Msg::new("mon.input.not_non_negative").with("text", num_text),
            );
            return None;
        };
        let Some(d) = parse_number(den_text).filter(|d| *d > 0.0) else {
            add(
                format!("den.{key}"),
                Msg::new("mon.input.not_positive").with("text", den_text),
            );
            return None;
        };
        if n > d {
            add(format!("num.{key}"), Msg::new("mon.input.ratio_over"));
            return None;
        }
        return Some(Value::Ratio {
            numerator: n,
            denominator: d,
        });
    }
    let text = plain?;
    let field = format!("value.{key}");
    match kind {
        Some(IndicatorKind::Number) => match parse_number(text) {
            Some(v) => Some(Value::Number { value: v }),
            None => {
                add(field, Msg::new("mon.input.not_number").with("text", text));
                None
            }
        },
        Some(IndicatorKind::YesNo) => match parse_yes_no(text) {
            Some(v) => Some(Value::YesNo { value: v }),
            None => {
                add(field, Msg::new("mon.input.not_yes_no").with("text", text));
                None
            }
        },
        Some(IndicatorKind::Text) => Some(Value::Text {
            value: text.to_string(),
        }),
        // Kind not stated in the plan: a number when it reads as one, else text.
        Some(IndicatorKind::Percent) | None => Some(match parse_number(text) {
            Some(v) => Value::Number { value: v },
            None => Value::Text {
                value: text.to_string(),
            },
        }),
    }
}

/// Reads an update for `measure` (reported for `year`) from named fields.
pub fn parse_update(
    measure: &Measure,
    year: i32,
    fields: &[(String, String)],
    tr: Tr,
) -> Result<UpdateInput, FieldErrors> {
    let map: BTreeMap<&str, &str> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut errors = FieldErrors::default();
    let mut input = UpdateInput::default();

    if let Some(text) = map
        .get("status")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        match ReportedStatus::parse_label(text) {
            Some(s) => input.status = Some(s),
            None => errors.add(
                "status",
                tr.say(&Msg::new("mon.input.status").with("text", text)),
            ),
        }
    }
    if let Some(text) = map
        .get("people_reached")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match digits.parse::<u64>() {
            Ok(n) => input.people_reached = Some(n),
            Err(_) => errors.add(
                "people_reached",
                tr.say(&Msg::new("mon.input.people").with("text", text)),
            ),
        }
    }
    let narrative = map.get("narrative").map(|s| s.trim()).unwrap_or_default();
    if narrative.chars().count() > MAX_NARRATIVE {
        errors.add(
            "narrative",
            tr.say(&Msg::new("mon.input.narrative").with("max", MAX_NARRATIVE.to_string())),
        );
    } else {
        input.narrative = narrative.replace("\r\n", "\n");
    }

    // A value for an indicator that is not on the measure is refused, never dropped silently.
    for name in map.keys() {
        let Some((prefix, key)) = name.split_once('.') else {
            continue;
        };
        if matches!(prefix, "value" | "num" | "den")
            && !measure.indicators.iter().any(|i| i.key == key)
            && map.get(name).is_some_and(|v| !v.trim().is_empty())
        {
            errors.add(
                *name,
                tr.say(&Msg::new("mon.input.foreign_indicator").with("key", key)),
            );
        }
    }
    for ind in &measure.indicators {
        if let Some(value) = indicator_value(ind.kind, &ind.key, &map, &mut errors, tr) {
            input.values.push(IndicatorValue {
                indicator_key: ind.key.clone(),
                value,
            });
        }
    }

    for n in 0..MAX_SPENT_LINES {
        let get = |part: &str| {
            map.get(format!("spent.{n}.{part}").as_str())
                .map(|s| s.trim())
                .unwrap_or_default()
        };
        let (source, amount, currency) = (get("source"), get("amount"), get("currency"));
        if amount.is_empty() {
            if !source.is_empty() {
                errors.add(
                    format!("spent.{n}.amount"),
                    tr.say(&Msg::new("mon.input.amount")),
                );
            }
            continue;
        }
        let currency = if currency.is_empty() {
            default_currency(year)
        } else if let Some(c) = Currency::parse(currency) {
            c
        } else {
            errors.add(
                format!("spent.{n}.currency"),
                tr.say(&Msg::new("mon.input.currency").with("currency", currency)),
            );
            continue;
        };
        match parse_money(amount, currency) {
            Ok(m) => input.spent.push(Spent {
                source: (!source.is_empty()).then(|| source.to_string()),
                minor: m.minor,
                currency: m.currency,
            }),
            Err(message) => errors.add(format!("spent.{n}.amount"), message),
        }
    }

    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Indicator;

    fn measure() -> Measure {
        let ind = |key: &str, kind| Indicator {
            key: key.into(),
            name: format!("индикатор {key}"),
            kind,
            unit: None,
            cumulative: false,
            baseline: None,
            baseline_year: None,
            target: None,
            target_year: None,
        };
        Measure {
            key: "m1".into(),
            code: None,
            tasks: vec![],
            activities: vec!["Дейност".into()],
            institutions: vec![],
            period: None,
            status: None,
            amounts: vec![],
            funding_sources: vec![],
            indicators: vec![
                ind("i1", Some(IndicatorKind::Number)),
                ind("i2", Some(IndicatorKind::Percent)),
                ind("i3", Some(IndicatorKind::YesNo)),
                ind("i4", None),
            ],
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_complete_form_reads_into_typed_values() {
        let input = parse_update(
            &measure(),
            2023,
            &fields(&[
                ("status", "в процес на изпълнение"),
                ("value.i1", "1 234,5"),
                ("num.i2", "45"),
                ("den.i2", "60"),
                ("value.i3", "да"),
                ("value.i4", "обхванати са всички училища"),
                ("people_reached", "320"),
                ("narrative", "Проведени са срещи."),
                ("spent.0.source", "Общински бюджет"),
                ("spent.0.amount", "12 500,50"),
                ("csrf", "ignored"),
            ]),
            Tr::default(),
        )
        .expect("a valid update parses");
        assert_eq!(input.status, Some(ReportedStatus::InProgress));
        assert_eq!(input.values.len(), 4);
        assert_eq!(input.values[0].value, Value::Number { value: 1234.5 });
        assert_eq!(
            input.values[1].value,
            Value::Ratio {
                numerator: 45.0,
                denominator: 60.0
            }
        );
        assert_eq!(input.values[2].value, Value::YesNo { value: true });
        assert!(matches!(input.values[3].value, Value::Text { .. }));
        assert_eq!(input.people_reached, Some(320));
        assert_eq!(input.spent[0].minor, 1_250_050);
        assert_eq!(input.spent[0].currency, Currency::Bgn);
    }

    #[test]
    fn money_spent_from_2026_defaults_to_euro() {
        let input = parse_update(
            &measure(),
            2026,
            &fields(&[("spent.0.amount", "10")]),
            Tr::default(),
        )
        .unwrap();
        assert_eq!(input.spent[0].currency, Currency::Eur);
    }

    #[test]
    fn every_bad_field_gets_its_own_message_and_nothing_is_returned() {
        let errors = parse_update(
            &measure(),
            2023,
            &fields(&[
                ("status", "горе-долу"),
                ("value.i1", "много"),
                ("num.i2", "70"),
                ("den.i2", "60"),
                ("value.i3", "може би"),
                ("value.i9", "5"),
                ("people_reached", "-3"),
                ("spent.0.amount", "-100"),
                ("spent.1.amount", "12,345"),
            ]),
            Tr::default(),
        )
        .unwrap_err();
        for field in [
            "status",
            "value.i1",
            "num.i2",
            "value.i3",
            "value.i9",
            "people_reached",
            "spent.0.amount",
            "spent.1.amount",
        ] {
            assert!(
                errors.get(field).is_some(),
                "no error for {field}: {errors:?}"
            );
        }
        assert_eq!(
            errors.get("spent.0.amount"),
            Some("Изразходваната сума не може да е отрицателна.")
        );
        assert_eq!(
            errors.get("value.i9"),
            Some("Индикатор „i9“ не е от тази мярка.")
        );
    }

    #[test]
    fn half_a_percentage_is_an_error_on_the_missing_part() {
        let errors =
            parse_update(&measure(), 2023, &fields(&[("num.i2", "5")]), Tr::default()).unwrap_err();
        assert_eq!(errors.get("den.i2"), Some("Въведете и знаменателя."));
    }

    #[test]
    fn empty_fields_are_no_value_not_zero() {
        let input = parse_update(
            &measure(),
            2023,
            &fields(&[("value.i1", " "), ("num.i2", ""), ("den.i2", "")]),
            Tr::default(),
        )
        .unwrap();
        assert!(input.values.is_empty());
        assert_eq!(input.status, None);
    }
}
