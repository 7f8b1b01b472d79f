//! Reading indicator values as plans write them: numbers inside text ("2 000", "80%", "0,5"),
//! and the kind of an indicator when the plan does not declare it.

use crate::plan::{Indicator, IndicatorKind};

/// The first number in `text`: spaces between digit groups are thousands separators, a comma
/// or a point is the decimal mark. `None` when the text holds no number.
pub fn parse_number(text: &str) -> Option<f64> {
    let chars: Vec<char> = text.chars().collect();
    let start = chars.iter().position(|c| c.is_ascii_digit())?;
    let negative = start > 0 && chars[start - 1] == '-';
    let mut digits = String::new();
    let mut seen_mark = false;
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        let next_is_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() {
            digits.push(c);
        } else if (c == ',' || c == '.') && !seen_mark && next_is_digit {
            seen_mark = true;
            digits.push('.');
        } else if matches!(c, ' ' | '\u{a0}' | '\u{202f}') && !seen_mark && next_is_digit {
            // "2 000": a group separator only when exactly three digits follow.
            let group = chars[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if group != 3 {
                break;
            }
        } else {
            break;
        }
        i += 1;
    }
    let value: f64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Whether text reads as yes or no ("да", "не", "yes", "no").
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().trim_end_matches('.').to_lowercase().as_str() {
        "да" | "yes" | "има" | "изпълнено" => Some(true),
        "не" | "no" | "няма" => Some(false),
        _ => None,
    }
}

/// The kind of an indicator: as declared, else read from its name, unit, baseline and target.
pub fn effective_kind(ind: &Indicator) -> IndicatorKind {
    if let Some(kind) = ind.kind {
        return kind;
    }
    let texts = [
        Some(ind.name.as_str()),
        ind.unit.as_deref(),
        ind.baseline.as_deref(),
        ind.target.as_deref(),
    ];
    let any = |f: &dyn Fn(&str) -> bool| texts.iter().flatten().any(|t| f(t));
    let name = ind.name.to_lowercase();
    if any(&|t| t.contains('%'))
        || name.starts_with("процент")
        || name.starts_with("дял")
        || name.contains("относителен дял")
    {
        IndicatorKind::Percent
    } else if ind.target.as_deref().and_then(parse_yes_no).is_some() {
        IndicatorKind::YesNo
    } else if ind
        .target
        .as_deref()
        .is_some_and(|t| parse_number(t).is_none())
        && ind
            .baseline
            .as_deref()
            .is_none_or(|b| parse_number(b).is_none())
        && !name.starts_with("брой")
    {
        IndicatorKind::Text
    } else {
        IndicatorKind::Number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(name: &str, baseline: Option<&str>, target: Option<&str>) -> Indicator {
        Indicator {
            key: "i1".into(),
            name: name.into(),
            kind: None,
            unit: None,
            cumulative: false,
            baseline: baseline.map(Into::into),
            baseline_year: None,
            target: target.map(Into::into),
            target_year: None,
        }
    }

    #[test]
    fn numbers_are_read_with_bulgarian_separators() {
        assert_eq!(parse_number("2 000"), Some(2000.0));
        assert_eq!(parse_number("над 1\u{a0}500 лица"), Some(1500.0));
        assert_eq!(parse_number("80%"), Some(80.0));
        assert_eq!(parse_number("0,5"), Some(0.5));
        assert_eq!(parse_number("3 училища"), Some(3.0));
        assert_eq!(parse_number("-2"), Some(-2.0));
        assert_eq!(parse_number("назначени медиатори"), None);
    }

    #[test]
    fn an_undeclared_kind_is_read_from_the_indicator_text() {
        let pct = indicator("Дял на записаните деца", Some("60%"), Some("80%"));
        assert_eq!(effective_kind(&pct), IndicatorKind::Percent);
        let yn = indicator("Изготвен анализ", None, Some("да"));
        assert_eq!(effective_kind(&yn), IndicatorKind::YesNo);
        let text = indicator("Подобрена среда", Some("ниско ниво"), Some("добро ниво"));
        assert_eq!(effective_kind(&text), IndicatorKind::Text);
        let count = indicator("Брой обхванати лица", None, None);
        assert_eq!(effective_kind(&count), IndicatorKind::Number);
        let mut declared = indicator("Брой", None, None);
        declared.kind = Some(IndicatorKind::YesNo);
        assert_eq!(effective_kind(&declared), IndicatorKind::YesNo);
    }
}
