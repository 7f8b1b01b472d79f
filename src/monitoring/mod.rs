//! Yearly reporting: rounds over a plan and a year, one update per (measure, institution), the
//! review workflow, who may do what, conflicts between co-responsible institutions, and the
//! frozen snapshot a closed round leaves for the annual report.
//!
//! Pure rules live here and in `input.rs` (reading an update from a form or a spreadsheet row);
//! SQL in `store/`; who is asking about which round in `visit.rs`; what pages show in `views.rs`,
//! `update_view.rs` and `institution_view.rs`; pages in `pages.rs`,
//! `update_pages.rs`, `xlsx_pages.rs` and `index.rs`; the XLSX template in `xlsx.rs`.

pub mod confirm_pages;
pub mod demo;
pub mod evidence_input;
pub mod freeze;
pub mod index;
pub mod input;
pub mod institution_view;
pub mod links;
pub mod pages;
pub mod store;
pub mod update_pages;
pub mod update_view;
pub mod views;
pub mod visit;
pub mod xlsx;
pub mod xlsx_pages;

use crate::snapshot::{IndicatorValue, ReportedStatus, ReviewState, Value};
use std::collections::BTreeMap;

/// Whether a round still takes reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundState {
    Open,
    Closed,
}

impl RoundState {
    pub fn code(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<RoundState> {
        match code {
            "open" => Some(RoundState::Open),
            "closed" => Some(RoundState::Closed),
            _ => None,
        }
    }
}

/// Where an update is in the workflow. "No report received" is a state of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    NotReceived,
    Draft,
    Submitted,
    Returned,
    Resubmitted,
    Approved,
}

impl State {
    pub const ALL: [State; 6] = [
        State::NotReceived,
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Resubmitted,
        State::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::NotReceived => "not_received",
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Resubmitted => "resubmitted",
            State::Approved => "approved",
        }
    }

    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The message key of the state's name.
    pub fn label_key(self) -> &'static str {
        match self {
            State::NotReceived => "state.not_received",
            State::Draft => "state.draft",
            State::Submitted => "state.submitted",
            State::Returned => "state.returned",
            State::Resubmitted => "state.resubmitted",
            State::Approved => "state.approved",
        }
    }

    /// The state in the frozen-round contract (a resubmission is a submission there).
    pub fn review_state(self) -> ReviewState {
        match self {
            State::NotReceived => ReviewState::NotReceived,
            State::Draft => ReviewState::Draft,
            State::Submitted | State::Resubmitted => ReviewState::Submitted,
            State::Returned => ReviewState::Returned,
            State::Approved => ReviewState::Approved,
        }
    }

    /// Whether the institution may still change its values.
    pub fn is_editable(self) -> bool {
        matches!(self, State::NotReceived | State::Draft | State::Returned)
    }

    /// Whether the update waits for the reviewer.
    pub fn awaits_review(self) -> bool {
        matches!(self, State::Submitted | State::Resubmitted)
    }

    /// Whether the institution has handed the update in.
    pub fn is_received(self) -> bool {
        self.review_state().is_received()
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Save values without handing them in.
    Save,
    Submit,
    Return {
        reason: String,
    },
    Approve,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("Отчетът е {0} и не може да се променя.")]
    Locked(&'static str),
    #[error("Само подаден отчет може да бъде одобрен или върнат.")]
    NotSubmitted,
    #[error("Посочете причина за връщането.")]
    ReasonMissing,
    #[error("Изберете състояние на изпълнение на мярката преди подаване.")]
    StatusMissing,
    #[error("Кръгът е приключен: отчетите не могат да се променят.")]
    RoundClosed,
}

impl WorkflowError {
    /// Whether the record's state refuses the step (409), rather than a missing field (422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            WorkflowError::Locked(_) | WorkflowError::NotSubmitted | WorkflowError::RoundClosed
        )
    }

    /// The status code of a page that shows this refusal.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.is_conflict() {
            axum::http::StatusCode::CONFLICT
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// The state an update moves to, and the name of the step in the history
/// ("resubmit" for a submission after a return).
pub fn transition(
    from: State,
    action: &Action,
    has_status: bool,
) -> Result<(State, &'static str), WorkflowError> {
    let locked = || {
        WorkflowError::Locked(match from {
            State::Approved => "одобрен",
            _ => "подаден и чака преглед",
        })
    };
    match action {
        Action::Save => match from {
            State::NotReceived | State::Draft => Ok((State::Draft, "save")),
            State::Returned => Ok((State::Returned, "save")),
            _ => Err(locked()),
        },
        Action::Submit => {
            if !has_status {
                return Err(WorkflowError::StatusMissing);
            }
            match from {
                State::NotReceived | State::Draft => Ok((State::Submitted, "submit")),
                State::Returned => Ok((State::Resubmitted, "resubmit")),
                _ => Err(locked()),
            }
        }
        Action::Return { reason } => {
            if reason.trim().is_empty() {
                return Err(WorkflowError::ReasonMissing);
            }
            if from.awaits_review() {
                Ok((State::Returned, "return"))
            } else {
                Err(WorkflowError::NotSubmitted)
            }
        }
        Action::Approve => {
            if from.awaits_review() {
                Ok((State::Approved, "approve"))
            } else {
                Err(WorkflowError::NotSubmitted)
            }
        }
    }
}

/// What an institution reports on a measure (the editable part of an update).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateInput {
    pub status: Option<ReportedStatus>,
    pub values: Vec<IndicatorValue>,
    pub spent: Vec<crate::snapshot::Spent>,
    pub people_reached: Option<u64>,
    pub narrative: String,
}

/// A report as the conflict check sees it.
#[derive(Debug, Clone)]
pub struct Reported<'a> {
    pub measure_key: &'a str,
    pub institution: &'a str,
    pub state: State,
    pub status: Option<ReportedStatus>,
    pub values: &'a [IndicatorValue],
}

/// Co-responsible institutions that disagree on one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub measure_key: String,
    /// "status" or the key of the indicator they disagree on.
    pub about: String,
    /// (institution, what it reported), in the order given.
    pub reports: Vec<(String, String)>,
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Number { value } => format_number(*value),
        Value::Ratio {
            numerator,
            denominator,
        } => format!(
            "{} / {}",
            format_number(*numerator),
            format_number(*denominator)
        ),
        Value::YesNo { value } => if *value { "да" } else { "не" }.into(),
        Value::Text { value } => value.clone(),
    }
}

/// A number as Bulgarians write it: decimal comma, no trailing zeros.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}").replace('.', ",")
    }
}

pub fn display_value(v: &Value) -> String {
    value_text(v)
}

/// Finds measures where the institutions that handed in a report (drafts and missing reports
/// do not count) declare different statuses or different values for one indicator.
pub fn conflicts(reports: &[Reported<'_>]) -> Vec<Conflict> {
    let mut by_measure: BTreeMap<&str, Vec<&Reported<'_>>> = BTreeMap::new();
    for r in reports.iter().filter(|r| r.state.is_received()) {
        by_measure.entry(r.measure_key).or_default().push(r);
    }
    let mut out = Vec::new();
    for (measure_key, rs) in by_measure {
        if rs.len() < 2 {
            continue;
        }
        let statuses: Vec<(String, String)> = rs
            .iter()
            .filter_map(|r| Some((r.institution.to_string(), r.status?.label_bg().to_string())))
            .collect();
        if statuses.iter().any(|(_, s)| *s != statuses[0].1) {
            out.push(Conflict {
                measure_key: measure_key.to_string(),
                about: "status".into(),
                reports: statuses,
            });
        }
        let mut by_indicator: BTreeMap<&str, Vec<(String, &Value)>> = BTreeMap::new();
        for r in &rs {
            for v in r.values {
                by_indicator
                    .entry(v.indicator_key.as_str())
                    .or_default()
                    .push((r.institution.to_string(), &v.value));
            }
        }
        for (key, vs) in by_indicator {
            if vs.len() > 1 && vs.iter().any(|(_, v)| *v != vs[0].1) {
                out.push(Conflict {
                    measure_key: measure_key.to_string(),
                    about: key.to_string(),
                    reports: vs.into_iter().map(|(i, v)| (i, value_text(v))).collect(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_runs_from_draft_through_return_and_resubmission_to_approval() {
        let (s, _) = transition(State::NotReceived, &Action::Save, false).unwrap();
        assert_eq!(s, State::Draft);
        let (s, step) = transition(s, &Action::Submit, true).unwrap();
        assert_eq!((s, step), (State::Submitted, "submit"));
        let back = Action::Return {
            reason: "липсват стойности".into(),
        };
        let (s, _) = transition(s, &back, true).unwrap();
        assert_eq!(s, State::Returned);
        let (s, _) = transition(s, &Action::Save, true).unwrap();
        assert_eq!(
            s,
            State::Returned,
            "editing a returned report keeps it returned"
        );
        let (s, step) = transition(s, &Action::Submit, true).unwrap();
        assert_eq!((s, step), (State::Resubmitted, "resubmit"));
        let (s, _) = transition(s, &Action::Approve, true).unwrap();
        assert_eq!(s, State::Approved);
        assert_eq!(s.review_state(), ReviewState::Approved);
    }

    #[test]
    fn submitted_and_approved_reports_cannot_be_edited_or_resubmitted() {
        for from in [State::Submitted, State::Resubmitted, State::Approved] {
            assert!(matches!(
                transition(from, &Action::Save, true),
                Err(WorkflowError::Locked(_))
            ));
            assert!(transition(from, &Action::Submit, true).is_err());
        }
    }

    #[test]
    fn only_submitted_reports_are_reviewed_and_a_return_needs_a_reason() {
        for from in [
            State::NotReceived,
            State::Draft,
            State::Returned,
            State::Approved,
        ] {
            assert_eq!(
                transition(from, &Action::Approve, true),
                Err(WorkflowError::NotSubmitted)
            );
        }
        let blank = Action::Return {
            reason: "  ".into(),
        };
        assert_eq!(
            transition(State::Submitted, &blank, true),
            Err(WorkflowError::ReasonMissing)
        );
    }

    #[test]
    fn a_report_without_a_status_cannot_be_submitted() {
        assert_eq!(
            transition(State::Draft, &Action::Submit, false),
            Err(WorkflowError::StatusMissing)
        );
    }

    #[test]
    fn a_resubmission_is_a_submission_in_the_frozen_round() {
        assert_eq!(State::Resubmitted.review_state(), ReviewState::Submitted);
        assert!(!State::Draft.is_received());
        assert!(State::Resubmitted.is_received());
    }

    fn num(key: &str, v: f64) -> IndicatorValue {
        IndicatorValue {
            indicator_key: key.into(),
            value: Value::Number { value: v },
        }
    }

    #[test]
    fn co_responsible_institutions_with_different_statuses_or_values_are_flagged() {
        let a = [num("i1", 10.0)];
        let b = [num("i1", 12.0)];
        let reports = [
            Reported {
                measure_key: "m1",
                institution: "РУО",
                state: State::Submitted,
                status: Some(ReportedStatus::Completed),
                values: &a,
            },
            Reported {
                measure_key: "m1",
                institution: "Община",
                state: State::Approved,
                status: Some(ReportedStatus::InProgress),
                values: &b,
            },
        ];
        let found = conflicts(&reports);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].about, "status");
        assert_eq!(found[1].about, "i1");
        assert_eq!(
            found[1].reports,
            vec![("РУО".into(), "10".into()), ("Община".into(), "12".into())]
        );
    }

    #[test]
    fn agreeing_reports_and_drafts_are_not_flagged() {
        let a = [num("i1", 10.0)];
        let b = [num("i1", 99.0)];
        let reports = [
            Reported {
                measure_key: "m1",
                institution: "РУО",
                state: State::Submitted,
                status: Some(ReportedStatus::Completed),
                values: &a,
            },
            Reported {
                measure_key: "m1",
                institution: "Община",
                state: State::Submitted,
                status: Some(ReportedStatus::Completed),
                values: &a,
            },
            Reported {
                measure_key: "m1",
                institution: "НПО",
                state: State::Draft,
                status: Some(ReportedStatus::NotDone),
                values: &b,
            },
        ];
        assert!(conflicts(&reports).is_empty());
    }

    #[test]
    fn numbers_are_written_with_a_decimal_comma() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(12.5), "12,5");
    }
}
