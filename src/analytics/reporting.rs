//! The reporting rate of a round: which institutions and measures reported, on time or late.

use crate::snapshot::RoundSnapshot;

/// One institution's reporting in the round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionReporting {
    pub name: String,
    /// Measures assigned to it, reports received, and of those, late ones.
    pub assigned: usize,
    pub received: usize,
    pub late: usize,
}

impl InstitutionReporting {
    pub fn silent(&self) -> bool {
        self.received == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportingRate {
    /// (measure, institution) pairs that had to report.
    pub assignments: usize,
    pub received: usize,
    pub on_time: usize,
    pub late: usize,
    pub measures: usize,
    /// Measures with at least one received report.
    pub measures_reported: usize,
    /// Every assigned institution, in order of first assignment.
    pub institutions: Vec<InstitutionReporting>,
}

impl ReportingRate {
    /// Institutions that sent at least one report.
    pub fn institutions_reported(&self) -> usize {
        self.institutions.iter().filter(|i| !i.silent()).count()
    }

    /// Institutions that sent nothing at all.
    pub fn silent(&self) -> impl Iterator<Item = &InstitutionReporting> {
        self.institutions.iter().filter(|i| i.silent())
    }

    pub fn received_share(&self) -> Option<f64> {
        (self.assignments > 0).then(|| self.received as f64 / self.assignments as f64)
    }
}

pub fn reporting_rate(snap: &RoundSnapshot) -> ReportingRate {
    let deadline = snap.deadline.as_deref();
    let mut r = ReportingRate {
        measures: snap.plan.measures().count(),
        ..ReportingRate::default()
    };
    for a in &snap.assignments {
        r.assignments += 1;
        let update = snap.updates.iter().find(|u| {
            u.measure_key == a.measure_key
                && u.institution == a.institution
                && u.state.is_received()
        });
        let late = update.is_some_and(|u| u.on_time(deadline) == Some(false));
        if update.is_some() {
            r.received += 1;
            if late {
                r.late += 1;
            } else {
                r.on_time += 1;
            }
        }
        let idx = match r.institutions.iter().position(|i| i.name == a.institution) {
            Some(i) => i,
            None => {
                r.institutions.push(InstitutionReporting {
                    name: a.institution.clone(),
                    assigned: 0,
                    received: 0,
                    late: 0,
                });
                r.institutions.len() - 1
            }
        };
        let inst = &mut r.institutions[idx];
        inst.assigned += 1;
        inst.received += usize::from(update.is_some());
        inst.late += usize::from(late);
    }
    r.measures_reported = snap
        .plan
        .measures()
        .filter(|m| {
            snap.updates
                .iter()
                .any(|u| u.measure_key == m.key && u.state.is_received())
        })
        .count();
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, round, update};
    use crate::snapshot::ReportedStatus::InProgress;

    #[test]
    fn the_rate_counts_institutions_and_measures_on_time_and_late() {
        let s = Some(InProgress);
        let snap = round(
            &["m1", "m2", "m3"],
            vec![
                update("m1", "A", s),
                update("m1", "B", s).late(),
                update("m2", "A", s),
                update("m2", "C", s).draft(),
            ],
        );
        let r = reporting_rate(&snap);
        // Assignments: m1/A, m2/A, m3/A, m1/B, m2/C.
        assert_eq!(r.assignments, 5);
        assert_eq!((r.received, r.on_time, r.late), (3, 2, 1));
        assert_eq!((r.measures, r.measures_reported), (3, 2));
        assert_eq!(r.institutions_reported(), 2);
        let silent: Vec<&str> = r.silent().map(|i| i.name.as_str()).collect();
        assert_eq!(silent, ["C"]);
        assert_eq!(r.received_share(), Some(0.6));
        let a = &r.institutions[0];
        assert_eq!((a.name.as_str(), a.assigned, a.received), ("A", 3, 2));
    }
}
