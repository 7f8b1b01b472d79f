//! The staff home, "my work" (`/work`, issue 17): where each person lands after login. It
//! gathers what waits for them, every row asked of the policy with the record's own place:
//! open rounds with their reporting rates and deadlines (whoever may oversee them), updates
//! waiting for review (reviewers), an institution's measures still missing (its reporters),
//! annual reports at a step that is theirs, import and amendment drafts, the plans they may act
//! on (open a round, start a report, amend, import), the dashboards of districts and the nation,
//! and for administrators users, outbox, audit and tokens.
//!
//! Here the pure counting (`tally`) and the report steps; `store.rs` reads the rows;
//! `pages.rs` asks the policy and renders.

pub mod pages;
pub mod store;

use crate::monitoring::State;
use std::collections::BTreeMap;
use store::StateCount;

/// How far the updates of a round (or of one institution in it) have come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub assigned: usize,
    pub received: usize,
    pub awaiting: usize,
    pub returned: usize,
}

impl Tally {
    fn add(&mut self, state: State, n: usize) {
        self.assigned += n;
        if state.is_received() {
            self.received += n;
        }
        if state.awaits_review() {
            self.awaiting += n;
        }
        if state == State::Returned {
            self.returned += n;
        }
    }

    /// Not handed in yet.
    pub fn missing(&self) -> usize {
        self.assigned - self.received
    }

    /// The share received, in whole percent (0 for nothing assigned).
    pub fn rate(&self) -> usize {
        (self.received * 100)
            .checked_div(self.assigned)
            .unwrap_or(0)
    }
}

/// The tally of each (round, institution), with the institution's name.
pub type InstitutionTallies = BTreeMap<(i64, i64), (String, Tally)>;

/// The tallies of each round, and of each (round, institution) with the institution's name.
pub fn tally(counts: &[StateCount]) -> (BTreeMap<i64, Tally>, InstitutionTallies) {
    let mut rounds: BTreeMap<i64, Tally> = BTreeMap::new();
    let mut institutions = InstitutionTallies::new();
    for c in counts {
        let Some(state) = State::from_code(&c.state) else {
            continue;
        };
        let n = usize::try_from(c.n).unwrap_or_default();
        rounds.entry(c.round_id).or_default().add(state, n);
        institutions
            .entry((c.round_id, c.institution_id))
            .or_insert_with(|| (c.institution.clone(), Tally::default()))
            .1
            .add(state, n);
    }
    (rounds, institutions)
}

/// Who acts next on an annual report in a state: the coordinator (`true`) or the reviewer
/// (`false`), and the message key of the step; `None` for a published report.
pub fn report_step(state: crate::report::store::ReportState) -> Option<(bool, &'static str)> {
    use crate::report::store::ReportState as S;
    match state {
        S::Draft => Some((true, "work.report_draft")),
        S::Submitted => Some((false, "work.report_submitted")),
        S::Approved => Some((true, "work.report_approved")),
        S::Adopted => Some((true, "work.report_adopted")),
        S::Published => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(round_id: i64, institution_id: i64, state: &str, n: i64) -> StateCount {
        StateCount {
            round_id,
            institution_id,
            institution: format!("институция {institution_id}"),
            state: state.into(),
            n,
        }
    }

    #[test]
    fn rounds_and_institutions_add_up_their_states() {
        let (rounds, institutions) = tally(&[
            count(1, 7, "not_received", 3),
            count(1, 7, "submitted", 1),
            count(1, 8, "approved", 2),
            count(1, 8, "returned", 1),
            count(2, 7, "draft", 4),
        ]);
        let one = rounds[&1];
        assert_eq!((one.assigned, one.received, one.awaiting), (7, 4, 1));
        assert_eq!(one.missing(), 3);
        assert_eq!(one.rate(), 57);
        assert_eq!(rounds[&2].received, 0);
        let (name, seven) = &institutions[&(1, 7)];
        assert_eq!(name, "институция 7");
        assert_eq!((seven.assigned, seven.missing()), (4, 3));
        assert_eq!(institutions[&(1, 8)].1.returned, 1);
    }

    #[test]
    fn a_round_with_nothing_assigned_has_a_rate_of_zero() {
        assert_eq!(Tally::default().rate(), 0);
    }

    #[test]
    fn the_coordinator_acts_on_drafts_and_adopted_reports_the_reviewer_on_submitted_ones() {
        use crate::report::store::ReportState as S;
        assert_eq!(report_step(S::Draft).map(|s| s.0), Some(true));
        assert_eq!(report_step(S::Submitted).map(|s| s.0), Some(false));
        assert_eq!(report_step(S::Adopted).map(|s| s.0), Some(true));
        assert_eq!(report_step(S::Published), None);
    }
}
