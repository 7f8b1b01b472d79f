//! Values as Bulgarian text: "1 250", "12,5", "45 % (9 от 20)", "да".

use crate::money::group_thousands;
use crate::snapshot::Value;

/// A number with grouped thousands and a decimal comma, at most one decimal place.
pub fn number(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    let sign = if rounded < 0.0 { "-" } else { "" };
    let abs = rounded.abs();
    let whole = group_thousands(abs.trunc() as u64);
    let tenth = ((abs - abs.trunc()) * 10.0).round() as u64;
    if tenth == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{tenth}")
    }
}

pub fn value(v: &Value) -> String {
    match v {
        Value::Number { value } => number(*value),
        Value::Ratio {
            numerator,
            denominator,
        } if *denominator > 0.0 => format!(
            "{}\u{a0}% ({} от {})",
            number(numerator / denominator * 100.0),
            number(*numerator),
            number(*denominator)
        ),
        Value::Ratio { .. } => "—".into(),
        Value::YesNo { value: true } => "да".into(),
        Value::YesNo { value: false } => "не".into(),
        Value::Text { value } => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_the_bulgarian_way() {
        assert_eq!(number(1250.0), "1\u{a0}250");
        assert_eq!(number(12.46), "12,5");
        let r = Value::Ratio {
            numerator: 9.0,
            denominator: 20.0,
        };
        assert_eq!(value(&r), "45\u{a0}% (9 от 20)");
        assert_eq!(value(&Value::YesNo { value: false }), "не");
    }
}
