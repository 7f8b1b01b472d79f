//! A status computed from indicator values and elapsed time, set next to the status the
//! institutions declared; where the two disagree the report and the dashboard say so.

use super::indicators::IndicatorProgress;
use crate::plan::{Measure, Plan};
use crate::snapshot::ReportedStatus;

/// What the values say about a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Computed {
    /// Its targets are reached.
    Achieved,
    /// Progress keeps pace with the time that has passed.
    OnTrack,
    /// Progress lags behind the time that has passed.
    Behind,
    /// Its period has not begun.
    NotYetDue,
    /// No indicator of the measure has a value and a target to compare.
    Unknown,
}

impl Computed {
    /// How pages and reports name it: the Bulgarian label, or the code in English.
    pub fn label(self, tr: crate::i18n::Tr) -> String {
        match tr.lang {
            crate::i18n::Lang::Bg => self.label_bg().to_string(),
            crate::i18n::Lang::En => self.code().replace('_', " "),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Computed::Achieved => "achieved",
            Computed::OnTrack => "on_track",
            Computed::Behind => "behind",
            Computed::NotYetDue => "not_yet_due",
            Computed::Unknown => "unknown",
        }
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            Computed::Achieved => "целите са постигнати",
            Computed::OnTrack => "в срок",
            Computed::Behind => "изостава",
            Computed::NotYetDue => "срокът не е започнал",
            Computed::Unknown => "няма данни за изчисляване",
        }
    }
}

/// Progress counts as keeping pace when it reaches this share of the elapsed time.
const PACE: f64 = 0.8;

/// The share of the measure's period (else the plan's) that has passed by the end of `year`.
pub fn elapsed_share(plan: &Plan, m: &Measure, year: i32) -> f64 {
    let from = m
        .period
        .as_ref()
        .and_then(|p| p.from)
        .unwrap_or(plan.period.from);
    let to = m
        .period
        .as_ref()
        .and_then(|p| p.to)
        .unwrap_or(plan.period.to)
        .max(from);
    let span = f64::from(to - from + 1);
    (f64::from(year - from + 1) / span).clamp(0.0, 1.0)
}

/// The measure's progress: the mean of its indicators' progress, each capped at 1 so one
/// overshooting indicator cannot hide another that lags.
pub fn measure_progress<'a>(
    indicators: impl IntoIterator<Item = &'a IndicatorProgress>,
) -> Option<f64> {
    let ps: Vec<f64> = indicators
        .into_iter()
        .filter_map(|i| i.progress)
        .map(|p| p.clamp(0.0, 1.0))
        .collect();
    (!ps.is_empty()).then(|| ps.iter().sum::<f64>() / ps.len() as f64)
}

pub fn computed_status(progress: Option<f64>, elapsed: f64) -> Computed {
    if elapsed <= 0.0 {
        return Computed::NotYetDue;
    }
    match progress {
        None => Computed::Unknown,
        Some(p) if p >= 1.0 - 1e-9 => Computed::Achieved,
        Some(p) if p >= elapsed * PACE => Computed::OnTrack,
        Some(_) => Computed::Behind,
    }
}

/// Whether the declared status contradicts the computed one. Unknown values contradict
/// nothing; a dropped measure is not judged by its values.
pub fn disagrees(declared: ReportedStatus, computed: Computed) -> bool {
    use Computed::*;
    use ReportedStatus as R;
    match (declared, computed) {
        (_, Unknown) | (R::Dropped, _) => false,
        (R::Completed, Behind | OnTrack | NotYetDue) => true,
        (R::NotDone, Achieved | OnTrack) => true,
        (R::Upcoming, Achieved) => true,
        (R::InProgress, Behind) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{measure, plan_of};
    use crate::plan::MeasurePeriod;

    #[test]
    fn elapsed_time_follows_the_measure_period_else_the_plan() {
        let mut m = measure("m1");
        let plan = plan_of(vec![m.clone()]);
        // The plan runs 2024-2026: after 2024 one third has passed.
        assert!((elapsed_share(&plan, &m, 2024) - 1.0 / 3.0).abs() < 1e-9);
        m.period = Some(MeasurePeriod::parse("2025"));
        assert_eq!(elapsed_share(&plan, &m, 2024), 0.0);
        assert_eq!(elapsed_share(&plan, &m, 2025), 1.0);
    }

    #[test]
    fn values_and_time_give_the_computed_status() {
        assert_eq!(computed_status(Some(1.2), 0.5), Computed::Achieved);
        assert_eq!(computed_status(Some(0.45), 0.5), Computed::OnTrack);
        assert_eq!(computed_status(Some(0.1), 0.5), Computed::Behind);
        assert_eq!(computed_status(None, 0.5), Computed::Unknown);
        assert_eq!(computed_status(Some(0.0), 0.0), Computed::NotYetDue);
    }

    #[test]
    fn a_measure_declared_completed_that_lags_is_a_disagreement() {
        assert!(disagrees(ReportedStatus::Completed, Computed::Behind));
        assert!(disagrees(ReportedStatus::NotDone, Computed::Achieved));
        assert!(!disagrees(ReportedStatus::Completed, Computed::Achieved));
        assert!(!disagrees(ReportedStatus::InProgress, Computed::OnTrack));
        assert!(!disagrees(ReportedStatus::Dropped, Computed::Behind));
        assert!(!disagrees(ReportedStatus::Completed, Computed::Unknown));
    }
}
