//! What a district's or the nation's report is compiled from, put together purely from the
//! year's roll-up, where each municipality stands, who was marked as not reporting and (for the
//! nation) the state of each district's report.

use super::{AreaInputs, Level, NATION, OwnPlan, Unit};
use crate::i18n::Tr;
use crate::overview::{Standing, late};
use crate::rollup::{DistrictRollup, Rollup, Totals};
use std::collections::HashMap;

/// The facts about the municipalities below a level in the year.
pub struct Facts<'a> {
    /// A municipality's standing by its official code.
    pub standing: &'a (dyn Fn(&str) -> Standing + Sync),
    /// Municipality code → why it was marked as not reporting.
    pub exempt: &'a HashMap<String, String>,
}

fn municipality_unit(code: &str, name: &str, totals: &Totals, facts: &Facts<'_>, tr: Tr) -> Unit {
    let s = (facts.standing)(code);
    let reason = facts.exempt.get(code).cloned();
    Unit {
        code: code.to_string(),
        name: name.to_string(),
        members: 1,
        with_plan: usize::from(s > Standing::NoPlan),
        reporting: usize::from(s >= Standing::RoundClosed),
        exempt: usize::from(reason.is_some()),
        missing: usize::from(late(s, reason.is_some())),
        state: tr.t(s.label_key()).to_string(),
        reason,
        report_adopted: false,
        totals: totals.clone(),
    }
}

/// A district's report inputs: its municipalities of the year.
pub fn district(d: &DistrictRollup, year: i32, facts: &Facts<'_>, own: Vec<OwnPlan>) -> AreaInputs {
    let tr = Tr::default();
    AreaInputs {
        level: Level::District,
        code: d.code.clone(),
        name: d.name.clone(),
        year,
        units: d
            .municipalities
            .iter()
            .map(|m| municipality_unit(&m.code, &m.name, &m.totals, facts, tr))
            .collect(),
        totals: d.totals.clone(),
        own_plans: own,
        national_names: Default::default(),
    }
}

/// The state of a district's report of the year: a Bulgarian label and whether a version of
/// it is adopted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistrictReport {
    pub label: String,
    pub adopted: bool,
}

/// The nation's report inputs: its districts of the year, each with the state of its own
/// report (`reports`: district code → its state) and the reason it was marked as not
/// reporting (`district_exempt`).
pub fn nation(
    r: &Rollup,
    facts: &Facts<'_>,
    reports: &HashMap<String, DistrictReport>,
    district_exempt: &HashMap<String, String>,
    own: Vec<OwnPlan>,
) -> AreaInputs {
    let tr = Tr::default();
    let units = r
        .districts
        .iter()
        .map(|d| {
            let ms: Vec<Unit> = d
                .municipalities
                .iter()
                .map(|m| municipality_unit(&m.code, &m.name, &m.totals, facts, tr))
                .collect();
            Unit {
                code: d.code.clone(),
                name: d.name.clone(),
                members: ms.len(),
                with_plan: ms.iter().map(|u| u.with_plan).sum(),
                reporting: ms.iter().map(|u| u.reporting).sum(),
                exempt: ms.iter().map(|u| u.exempt).sum(),
                missing: ms.iter().map(|u| u.missing).sum(),
                state: reports
                    .get(&d.code)
                    .map(|r| r.label.clone())
                    .unwrap_or_else(|| "няма доклад".to_string()),
                reason: district_exempt.get(&d.code).cloned(),
                report_adopted: reports.get(&d.code).is_some_and(|r| r.adopted),
                totals: d.totals.clone(),
            }
        })
        .collect();
    AreaInputs {
        level: Level::Nation,
        code: NATION.to_string(),
        name: "Република България".to_string(),
        year: r.year,
        units,
        totals: r.totals.clone(),
        own_plans: own,
        national_names: Default::default(),
    }
}
