//! Measure statuses for a round: what the responsible institutions reported, resolved to one
//! status per measure ("no report" when nobody reported), and counts per plan, priority area
//! and objective.

use crate::plan::{Measure, Plan};
use crate::snapshot::{ReportedStatus, RoundSnapshot};
use std::collections::HashMap;

/// One measure's status in the round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureStatus {
    /// `None`: no report received from any responsible institution.
    pub status: Option<ReportedStatus>,
    /// Institutions reported different statuses; the least advanced one is kept.
    pub conflict: bool,
    /// Reports received, and reports expected (assignments).
    pub received: usize,
    pub expected: usize,
}

/// How far along a status is, to pick the least advanced of conflicting reports.
fn rank(s: ReportedStatus) -> u8 {
    match s {
        ReportedStatus::Upcoming => 0,
        ReportedStatus::NotDone => 1,
        ReportedStatus::Partial => 2,
        ReportedStatus::InProgress => 3,
        ReportedStatus::Completed => 4,
        ReportedStatus::Dropped => 5,
    }
}

/// Resolves the statuses institutions reported for one measure. A measure is dropped only when
/// every report says so; otherwise the least advanced status stands, so a measure is never
/// shown as done while one of its institutions says it is not.
pub fn resolve(reported: &[ReportedStatus]) -> (Option<ReportedStatus>, bool) {
    let mut distinct: Vec<ReportedStatus> = reported.to_vec();
    distinct.sort_by_key(|s| rank(*s));
    distinct.dedup();
    let conflict = distinct.len() > 1;
    let status = if distinct.iter().all(|s| *s == ReportedStatus::Dropped) {
        distinct.first().copied()
    } else {
        distinct
            .iter()
            .copied()
            .find(|s| *s != ReportedStatus::Dropped)
    };
    (status, conflict)
}

/// The status of every measure of the round, by measure key.
pub fn measure_statuses(snap: &RoundSnapshot) -> HashMap<String, MeasureStatus> {
    let mut out: HashMap<String, MeasureStatus> = HashMap::new();
    for m in snap.plan.measures() {
        let expected = snap
            .assignments
            .iter()
            .filter(|a| a.measure_key == m.key)
            .count();
        let received: Vec<ReportedStatus> = snap
            .updates
            .iter()
            .filter(|u| u.measure_key == m.key && u.state.is_received())
            .filter_map(|u| u.status)
            .collect();
        let (status, conflict) = resolve(&received);
        out.insert(
            m.key.clone(),
            MeasureStatus {
                status,
                conflict,
                received: received.len(),
                expected,
            },
        );
    }
    out
}

/// Measures by status, with "no report" as a status of its own (never counted as 0 %).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// In the order of `ReportedStatus::ALL`.
    pub by_status: [usize; 6],
    pub no_report: usize,
    pub total: usize,
}

impl StatusCounts {
    pub fn of<'a>(
        measures: impl IntoIterator<Item = &'a Measure>,
        statuses: &HashMap<String, MeasureStatus>,
    ) -> StatusCounts {
        let mut c = StatusCounts::default();
        for m in measures {
            c.total += 1;
            match statuses.get(&m.key).and_then(|s| s.status) {
                Some(s) => c.by_status[status_index(s)] += 1,
                None => c.no_report += 1,
            }
        }
        c
    }

    pub fn get(&self, s: ReportedStatus) -> usize {
        self.by_status[status_index(s)]
    }

    /// Completed measures out of all measures (those without a report included); `None` for
    /// an empty group.
    pub fn completed_share(&self) -> Option<f64> {
        (self.total > 0).then(|| self.get(ReportedStatus::Completed) as f64 / self.total as f64)
    }

    pub fn reported(&self) -> usize {
        self.total - self.no_report
    }

    pub fn add(&mut self, other: &StatusCounts) {
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
        self.no_report += other.no_report;
        self.total += other.total;
    }
}

pub fn status_index(s: ReportedStatus) -> usize {
    ReportedStatus::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or_default()
}

/// Counts for the plan, each priority area and each objective (in plan order).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBreakdown {
    pub plan: StatusCounts,
    pub priorities: Vec<StatusCounts>,
    /// Per priority, per objective.
    pub objectives: Vec<Vec<StatusCounts>>,
}

pub fn breakdown(plan: &Plan, statuses: &HashMap<String, MeasureStatus>) -> StatusBreakdown {
    let objectives: Vec<Vec<StatusCounts>> = plan
        .priorities
        .iter()
        .map(|p| {
            p.objectives
                .iter()
                .map(|o| StatusCounts::of(&o.measures, statuses))
                .collect()
        })
        .collect();
    let priorities: Vec<StatusCounts> = objectives
        .iter()
        .map(|os| {
            let mut c = StatusCounts::default();
            os.iter().for_each(|o| c.add(o));
            c
        })
        .collect();
    let mut total = StatusCounts::default();
    priorities.iter().for_each(|p| total.add(p));
    StatusBreakdown {
        plan: total,
        priorities,
        objectives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, round, update};
    use ReportedStatus::*;

    #[test]
    fn conflicting_reports_keep_the_least_advanced_status_and_are_flagged() {
        assert_eq!(resolve(&[Completed, Partial]), (Some(Partial), true));
        assert_eq!(resolve(&[Completed, Completed]), (Some(Completed), false));
        assert_eq!(resolve(&[]), (None, false));
    }

    #[test]
    fn a_measure_is_dropped_only_when_every_report_drops_it() {
        assert_eq!(resolve(&[Dropped, Dropped]), (Some(Dropped), false));
        assert_eq!(resolve(&[Dropped, InProgress]), (Some(InProgress), true));
    }

    #[test]
    fn measures_without_a_received_report_count_as_no_report_not_as_zero() {
        // m1 completed, m2 only a draft, m3 nothing at all, m4 in progress.
        let snap = round(
            &["m1", "m2", "m3", "m4"],
            vec![
                update("m1", "A", Some(Completed)),
                update("m2", "A", Some(Completed)).draft(),
                update("m4", "A", Some(InProgress)),
            ],
        );
        let statuses = measure_statuses(&snap);
        let b = breakdown(&snap.plan, &statuses);
        assert_eq!(b.plan.total, 4);
        assert_eq!(b.plan.no_report, 2);
        assert_eq!(b.plan.get(Completed), 1);
        assert_eq!(b.plan.get(InProgress), 1);
        assert_eq!(b.plan.completed_share(), Some(0.25));
        assert_eq!(b.priorities.len(), 1);
        assert_eq!(b.objectives[0][0], b.plan);
    }

    #[test]
    fn an_empty_group_has_no_completed_share() {
        assert_eq!(StatusCounts::default().completed_share(), None);
    }
}
