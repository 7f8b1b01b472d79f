//! Small builders for the analytics unit tests: a plan of bare measures and a round over it.

use crate::money::Currency;
use crate::plan::{Indicator, IndicatorKind, Measure, Objective, Plan, Priority, YearRange};
use crate::snapshot::{
    Assignment, IndicatorValue, MeasureUpdate, ReportedStatus, ReviewState, RoundSnapshot,
    SNAPSHOT_FORMAT_V1, Spent, Value,
};

pub fn measure(key: &str) -> Measure {
    Measure {
        key: key.into(),
        code: None,
        tasks: vec![],
        activities: vec![format!("Дейност {key}")],
        institutions: vec!["A".into()],
        period: None,
        status: None,
        amounts: vec![],
        funding_sources: vec![],
        indicators: vec![],
    }
}

pub fn indicator(key: &str, kind: IndicatorKind, baseline: &str, target: &str) -> Indicator {
    Indicator {
        key: key.into(),
        name: format!("Индикатор {key}"),
        kind: Some(kind),
        unit: None,
        cumulative: false,
        baseline: (!baseline.is_empty()).then(|| baseline.into()),
        baseline_year: None,
        target: (!target.is_empty()).then(|| target.into()),
        target_year: None,
    }
}

/// A 2024-2026 plan with one priority and one objective holding `measures`.
pub fn plan_of(measures: Vec<Measure>) -> Plan {
    let mut plan = Plan::new(
        "Тест",
        "План",
        YearRange {
            from: 2024,
            to: 2026,
        },
    );
    plan.priorities.push(Priority {
        number: Some(1),
        title: "Образование".into(),
        national_area: None,
        operational_objective: None,
        objectives: vec![Objective {
            code: Some("1".into()),
            title: "Цел".into(),
            measures,
        }],
    });
    plan
}

/// The round of 2024 over `plan`: every measure assigned to its institutions and to whoever
/// sent an update.
pub fn round_of(plan: Plan, updates: Vec<MeasureUpdate>) -> RoundSnapshot {
    let mut assignments: Vec<Assignment> = Vec::new();
    let mut add = |m: &str, i: &str| {
        if !assignments
            .iter()
            .any(|a| a.measure_key == m && a.institution == i)
        {
            assignments.push(Assignment {
                measure_key: m.into(),
                institution: i.into(),
            });
        }
    };
    for m in plan.measures() {
        for i in &m.institutions {
            add(&m.key, i);
        }
    }
    for u in &updates {
        add(&u.measure_key, &u.institution);
    }
    RoundSnapshot {
        format: SNAPSHOT_FORMAT_V1.into(),
        plan_id: 1,
        plan_version: 1,
        plan,
        year: 2024,
        deadline: Some("2025-01-31".into()),
        opened_at: None,
        closed_at: Some("2025-03-15T12:00:00Z".into()),
        assignments,
        updates,
    }
}

pub fn round(keys: &[&str], updates: Vec<MeasureUpdate>) -> RoundSnapshot {
    round_of(plan_of(keys.iter().map(|k| measure(k)).collect()), updates)
}

/// An approved update sent on time.
pub fn update(measure: &str, institution: &str, status: Option<ReportedStatus>) -> MeasureUpdate {
    MeasureUpdate {
        measure_key: measure.into(),
        institution: institution.into(),
        state: ReviewState::Approved,
        status,
        values: vec![],
        spent: vec![],
        people_reached: None,
        narrative: String::new(),
        evidence: vec![],
        submitted_at: Some("2025-01-20T10:00:00Z".into()),
        approved_at: Some("2025-02-01T10:00:00Z".into()),
    }
}

pub trait UpdateExt {
    fn draft(self) -> Self;
    fn late(self) -> Self;
    fn value(self, indicator: &str, value: Value) -> Self;
    fn spent(self, source: &str, leva: i64) -> Self;
}

impl UpdateExt for MeasureUpdate {
    fn draft(mut self) -> Self {
        self.state = ReviewState::Draft;
        self.submitted_at = None;
        self.approved_at = None;
        self
    }

    fn late(mut self) -> Self {
        self.submitted_at = Some("2025-02-10T10:00:00Z".into());
        self
    }

    fn value(mut self, indicator: &str, value: Value) -> Self {
        self.values.push(IndicatorValue {
            indicator_key: indicator.into(),
            value,
        });
        self
    }

    fn spent(mut self, source: &str, leva: i64) -> Self {
        self.spent.push(Spent {
            source: (!source.is_empty()).then(|| source.into()),
            minor: leva * 100,
            currency: Currency::Bgn,
        });
        self
    }
}
