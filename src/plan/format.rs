//! Reading and checking planmon plan JSON: errors name the line, column and field.

use super::{FORMAT_V1, Plan};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFormatError {
    #[error("ред {line}, колона {column}, поле „{field}“: {message}")]
    Syntax {
        line: usize,
        column: usize,
        field: String,
        message: String,
    },
    #[error("поле „{field}“: {message}")]
    Invalid { field: String, message: String },
}

impl PlanFormatError {
    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        PlanFormatError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Parses plan JSON and checks it; keys missing in the input are assigned.
pub fn parse_plan_json(text: &str) -> Result<Plan, PlanFormatError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut plan: Plan = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = match e.path().to_string() {
            p if p == "." => "(корен)".to_string(),
            p => p,
        };
        let inner = e.inner();
        PlanFormatError::Syntax {
            line: inner.line(),
            column: inner.column(),
            field,
            message: inner.to_string(),
        }
    })?;
    de.end().map_err(|e| PlanFormatError::Syntax {
        line: e.line(),
        column: e.column(),
        field: "(след края)".into(),
        message: "излишен текст след края на JSON".into(),
    })?;
    plan.assign_keys();
    validate(&plan)?;
    Ok(plan)
}

/// Rules the JSON grammar cannot express.
pub fn validate(plan: &Plan) -> Result<(), PlanFormatError> {
    if plan.format != FORMAT_V1 {
        return Err(PlanFormatError::invalid(
            "format",
            format!("непознат формат „{}“, очаква се „{FORMAT_V1}“", plan.format),
        ));
    }
    if plan.municipality.trim().is_empty() {
        return Err(PlanFormatError::invalid("municipality", "липсва община"));
    }
    if plan.title.trim().is_empty() {
        return Err(PlanFormatError::invalid("title", "липсва заглавие"));
    }
    check_years("period", plan.period.from, plan.period.to)?;
    if let Some(date) = plan.adoption.as_ref().and_then(|a| a.date.as_deref()) {
        crate::dates::parse_iso_date(date).map_err(|_| {
            PlanFormatError::invalid(
                "adoption.date",
                format!("„{date}“ не е дата във вида ГГГГ-ММ-ДД"),
            )
        })?;
    }
    let mut keys = HashSet::new();
    for (pi, p) in plan.priorities.iter().enumerate() {
        if p.title.trim().is_empty() {
            return Err(PlanFormatError::invalid(
                format!("priorities[{pi}].title"),
                "липсва заглавие на приоритета",
            ));
        }
        for (oi, o) in p.objectives.iter().enumerate() {
            for (mi, m) in o.measures.iter().enumerate() {
                let at = format!("priorities[{pi}].objectives[{oi}].measures[{mi}]");
                if !keys.insert(m.key.as_str()) {
                    return Err(PlanFormatError::invalid(
                        format!("{at}.key"),
                        format!("ключът „{}“ се повтаря в плана", m.key),
                    ));
                }
                if let Some(period) = &m.period
                    && let (Some(from), Some(to)) = (period.from, period.to)
                {
                    check_years(&format!("{at}.period"), from, to)?;
                }
                for (ai, a) in m.amounts.iter().enumerate() {
                    if a.minor < 0 {
                        return Err(PlanFormatError::invalid(
                            format!("{at}.amounts[{ai}].value"),
                            "сумата не може да е отрицателна",
                        ));
                    }
                }
                let mut ind_keys = HashSet::new();
                for (ii, ind) in m.indicators.iter().enumerate() {
                    if !ind_keys.insert(ind.key.as_str()) {
                        return Err(PlanFormatError::invalid(
                            format!("{at}.indicators[{ii}].key"),
                            format!("ключът „{}“ се повтаря в мярката", ind.key),
                        ));
                    }
                    if ind.name.trim().is_empty() {
                        return Err(PlanFormatError::invalid(
                            format!("{at}.indicators[{ii}].name"),
                            "липсва име на индикатора",
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn check_years(field: &str, from: i32, to: i32) -> Result<(), PlanFormatError> {
    if !(1990..=2100).contains(&from) || !(1990..=2100).contains(&to) {
        return Err(PlanFormatError::invalid(
            field,
            format!("годините {from}-{to} са извън 1990-2100"),
        ));
    }
    if from > to {
        return Err(PlanFormatError::invalid(
            field,
            format!("началната година {from} е след крайната {to}"),
        ));
    }
    Ok(())
}

/// Plan JSON as planmon writes it: pretty, stable field order, trailing newline.
pub fn to_plan_json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "format": "planmon-plan/1",
  "municipality": "Тестово",
  "title": "План",
  "period": {"from": 2022, "to": 2024},
  "adoption": null,
  "priorities": [{"number": 1, "title": "Образование", "national_area": "education",
    "objectives": [{"code": "1", "title": "Цел",
      "measures": [{"code": null, "period": null, "status": null,
        "amounts": [{"value": "15000.00", "currency": "BGN"}],
        "indicators": [{"name": "Брой", "baseline": null, "target": "10"}]}]}]}]
}"#;

    #[test]
    fn a_minimal_plan_parses_and_gets_keys() {
        let plan = parse_plan_json(MINIMAL).expect("valid plan");
        let m = plan.measures().next().expect("one measure");
        assert_eq!(m.key, "m1");
        assert_eq!(m.indicators[0].key, "i1");
        assert_eq!(m.amounts[0].minor, 1_500_000);
    }

    #[test]
    fn a_type_error_names_line_and_field() {
        let bad = MINIMAL.replace(r#""value": "15000.00""#, r#""value": "петнайсет""#);
        let err = parse_plan_json(&bad).expect_err("bad amount");
        match err {
            PlanFormatError::Syntax { line, field, .. } => {
                assert_eq!(line, 10);
                assert_eq!(
                    field,
                    "priorities[0].objectives[0].measures[0].amounts[0].value"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unknown_field_is_an_error_not_silently_dropped() {
        let bad = MINIMAL.replace(r#""title": "План","#, r#""title": "План", "titel": "x","#);
        let err = parse_plan_json(&bad).expect_err("unknown field");
        assert!(err.to_string().contains("titel"), "{err}");
    }

    #[test]
    fn reversed_period_is_rejected() {
        let bad = MINIMAL.replace(r#""from": 2022, "to": 2024"#, r#""from": 2024, "to": 2022"#);
        let err = parse_plan_json(&bad).expect_err("reversed");
        assert!(matches!(err, PlanFormatError::Invalid { ref field, .. } if field == "period"));
    }

    #[test]
    fn duplicate_measure_keys_are_rejected() {
        let mut plan = parse_plan_json(MINIMAL).expect("valid");
        let copy = plan.priorities[0].objectives[0].measures[0].clone();
        plan.priorities[0].objectives[0].measures.push(copy);
        assert!(validate(&plan).is_err());
    }

    #[test]
    fn written_json_reads_back_identical() {
        let plan = parse_plan_json(MINIMAL).expect("valid");
        let text = to_plan_json(&plan);
        assert_eq!(parse_plan_json(&text).expect("re-read"), plan);
        assert_eq!(
            to_plan_json(&parse_plan_json(&text).expect("re-read")),
            text
        );
    }
}
