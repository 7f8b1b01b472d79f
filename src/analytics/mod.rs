//! Progress analytics over frozen rounds: pure functions from a `RoundSnapshot` (and earlier
//! ones) to status counts, indicator progress, computed statuses, money and reporting rates.
//! No database here; pages and the annual report call `analyse` and format the result.

pub mod charts;
pub mod computed;
pub mod format;
pub mod indicators;
pub mod money;
pub mod narrow;
pub mod pages;
pub mod reporting;
pub mod status;
pub mod trend;
pub mod values;

#[cfg(test)]
pub(crate) mod testing;

use crate::snapshot::{ReportedStatus, RoundSnapshot};
use computed::Computed;
use indicators::IndicatorProgress;
use money::MoneyAnalysis;
use reporting::ReportingRate;
use status::{MeasureStatus, StatusBreakdown};
use std::collections::HashMap;
use trend::YearPoint;

/// One measure's row: declared status next to the computed one.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureAnalysis {
    pub key: String,
    pub status: MeasureStatus,
    pub progress: Option<f64>,
    pub elapsed: f64,
    pub computed: Computed,
    /// The declared status contradicts the values.
    pub disagreement: bool,
}

/// Everything the dashboard and the annual report show about one round.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub year: i32,
    pub statuses: StatusBreakdown,
    /// In plan order.
    pub measures: Vec<MeasureAnalysis>,
    pub indicators: Vec<IndicatorProgress>,
    pub money: MoneyAnalysis,
    pub reporting: ReportingRate,
    /// Every round of the plan up to this one.
    pub years: Vec<YearPoint>,
}

impl Analysis {
    pub fn measure(&self, key: &str) -> Option<&MeasureAnalysis> {
        self.measures.iter().find(|m| m.key == key)
    }

    pub fn indicators_of<'a>(
        &'a self,
        key: &'a str,
    ) -> impl Iterator<Item = &'a IndicatorProgress> {
        self.indicators.iter().filter(move |i| i.measure_key == key)
    }

    pub fn disagreements(&self) -> usize {
        self.measures.iter().filter(|m| m.disagreement).count()
    }
}

/// Analyses `snap`. `history` holds the plan's other rounds (later ones are ignored); `canon`
/// maps a funding source as written to its registry name.
pub fn analyse(
    snap: &RoundSnapshot,
    history: &[RoundSnapshot],
    canon: &dyn Fn(&str) -> String,
) -> Analysis {
    let statuses: HashMap<String, MeasureStatus> = status::measure_statuses(snap);
    let indicators = indicators::indicator_progress(snap, history);
    let measures = snap
        .plan
        .measures()
        .map(|m| {
            let status = statuses.get(&m.key).cloned().unwrap_or(MeasureStatus {
                status: None,
                conflict: false,
                received: 0,
                expected: 0,
            });
            let progress =
                computed::measure_progress(indicators.iter().filter(|i| i.measure_key == m.key));
            let elapsed = computed::elapsed_share(&snap.plan, m, snap.year);
            let computed = computed::computed_status(progress, elapsed);
            let disagreement = status
                .status
                .is_some_and(|s: ReportedStatus| computed::disagrees(s, computed));
            MeasureAnalysis {
                key: m.key.clone(),
                status,
                progress,
                elapsed,
                computed,
                disagreement,
            }
        })
        .collect();
    let mut rounds: Vec<RoundSnapshot> = history
        .iter()
        .filter(|h| h.year < snap.year)
        .cloned()
        .collect();
    rounds.push(snap.clone());
    Analysis {
        year: snap.year,
        statuses: status::breakdown(&snap.plan, &statuses),
        measures,
        indicators,
        money: money::money(snap, canon),
        reporting: reporting::reporting_rate(snap),
        years: trend::year_on_year(&rounds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, indicator, measure, plan_of, round_of, update};
    use crate::plan::IndicatorKind;
    use crate::snapshot::Value;

    #[test]
    fn a_measure_declared_completed_with_lagging_values_is_flagged() {
        let mut m = measure("m1");
        m.indicators
            .push(indicator("i1", IndicatorKind::Number, "", "100"));
        let snap = round_of(
            plan_of(vec![m]),
            vec![
                update("m1", "A", Some(ReportedStatus::Completed))
                    .value("i1", Value::Number { value: 10.0 }),
            ],
        );
        let a = analyse(&snap, &[], &|s| s.to_string());
        let m1 = a.measure("m1").expect("m1");
        assert_eq!(m1.progress, Some(0.1));
        assert_eq!(m1.computed, Computed::Behind);
        assert!(m1.disagreement);
        assert_eq!(a.disagreements(), 1);
        assert_eq!(a.years.len(), 1);
    }

    #[test]
    fn the_seed_sample_rounds_analyse_consistently() {
        for plan in crate::demo::seed_plans().expect("seeds") {
            let snap = crate::snapshot::sample::sample_round(1, 1, &plan, plan.period.from);
            let a = analyse(&snap, &[], &|s| s.trim().to_string());
            assert_eq!(a.statuses.plan.total, plan.measures().count());
            assert_eq!(
                a.statuses.plan.reported(),
                a.reporting.measures_reported,
                "a measure is reported exactly when some report was received"
            );
            assert!(a.money.total.spent.minor <= a.money.total.planned.minor);
        }
    }
}
