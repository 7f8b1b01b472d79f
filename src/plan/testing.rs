//! Plans made by unit tests, in one shape, so that each test writes only what it is about.

use super::{Measure, Objective, Plan, Priority, YearRange};

/// A measure with only a key, a code and one activity.
pub(crate) fn measure(key: &str, code: Option<&str>, activity: &str) -> Measure {
    Measure {
        key: key.into(),
        code: code.map(Into::into),
        tasks: vec![],
        activities: vec![activity.into()],
        institutions: vec![],
        period: None,
        status: None,
        amounts: vec![],
        funding_sources: vec![],
        indicators: vec![],
    }
}

/// Objective `code` ("Цел {code}") holding `measures`.
pub(crate) fn objective(code: &str, measures: Vec<Measure>) -> Objective {
    Objective {
        code: Some(code.into()),
        title: format!("Цел {code}"),
        measures,
    }
}

/// A municipality's plan for 2022-2024 whose one priority (education) holds `objectives`.
pub(crate) fn plan(objectives: Vec<Objective>) -> Plan {
    let mut p = Plan::new(
        "Община",
        "План",
        YearRange {
            from: 2022,
            to: 2024,
        },
    );
    p.priorities.push(Priority {
        number: Some(1),
        title: "Образование".into(),
        national_area: None,
        operational_objective: None,
        objectives,
    });
    p
}
