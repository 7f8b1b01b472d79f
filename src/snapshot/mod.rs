//! The frozen reporting round: the contract between yearly reporting (which writes it when a
//! round is closed) and analytics and the annual monitoring report (which read it).
//!
//! A snapshot holds the plan exactly as it was when the round closed, so later amendments of
//! the plan or edits of updates cannot change a report built from it. Measures and indicators
//! are referred to by their keys ("m12", "i2"), which are stable across plan versions.
//! `store` keeps snapshots in `round_snapshots`; `sample` generates a realistic demo round.

pub mod sample;
pub mod store;

use crate::money::{Currency, Money, decimal_minor};
use crate::plan::Plan;
use serde::{Deserialize, Serialize};

/// The value of the `format` field of a snapshot.
pub const SNAPSHOT_FORMAT_V1: &str = "planmon-round/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundSnapshot {
    pub format: String,
    pub plan_id: i64,
    /// The plan version the round was opened on.
    pub plan_version: i64,
    /// The plan as it was when the round closed.
    pub plan: Plan,
    /// The reporting year.
    pub year: i32,
    /// ISO date (YYYY-MM-DD) reports were due.
    pub deadline: Option<String>,
    /// RFC 3339 timestamps.
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    /// Who must report on which measure: one row per (measure, institution).
    pub assignments: Vec<Assignment>,
    /// The updates as they stood when the round closed. An assignment without an update, or
    /// with an update in state `not_received`, is "no report received".
    pub updates: Vec<MeasureUpdate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub measure_key: String,
    /// The institution's canonical name (from the registry).
    pub institution: String,
}

/// The implementation status an institution reports for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportedStatus {
    /// изпълнена
    Completed,
    /// в процес на изпълнение
    InProgress,
    /// частично изпълнена
    Partial,
    /// неизпълнена
    NotDone,
    /// отпаднала
    Dropped,
    /// предстои
    Upcoming,
}

impl ReportedStatus {
    pub const ALL: [ReportedStatus; 6] = [
        ReportedStatus::Completed,
        ReportedStatus::InProgress,
        ReportedStatus::Partial,
        ReportedStatus::NotDone,
        ReportedStatus::Dropped,
        ReportedStatus::Upcoming,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportedStatus::Completed => "completed",
            ReportedStatus::InProgress => "in_progress",
            ReportedStatus::Partial => "partial",
            ReportedStatus::NotDone => "not_done",
            ReportedStatus::Dropped => "dropped",
            ReportedStatus::Upcoming => "upcoming",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportedStatus> {
        ReportedStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            ReportedStatus::Completed => "изпълнена",
            ReportedStatus::InProgress => "в процес на изпълнение",
            ReportedStatus::Partial => "частично изпълнена",
            ReportedStatus::NotDone => "неизпълнена",
            ReportedStatus::Dropped => "отпаднала",
            ReportedStatus::Upcoming => "предстои",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportedStatus::Completed => "completed",
            ReportedStatus::InProgress => "in progress",
            ReportedStatus::Partial => "partly completed",
            ReportedStatus::NotDone => "not done",
            ReportedStatus::Dropped => "dropped",
            ReportedStatus::Upcoming => "upcoming",
        }
    }

    /// Reads a status as people write it in Bulgarian or English, ignoring case.
    pub fn parse_label(text: &str) -> Option<ReportedStatus> {
        let t = text.trim().to_lowercase();
        ReportedStatus::ALL.into_iter().find(|s| {
            t == s.code()
                || t == s.label_bg()
                || t == s.label_en()
                || t == s.code().replace('_', " ")
        })
    }
}

/// Where an update is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    NotReceived,
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl ReviewState {
    pub fn code(self) -> &'static str {
        match self {
            ReviewState::NotReceived => "not_received",
            ReviewState::Draft => "draft",
            ReviewState::Submitted => "submitted",
            ReviewState::Returned => "returned",
            ReviewState::Approved => "approved",
        }
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            ReviewState::NotReceived => "няма получен отчет",
            ReviewState::Draft => "чернова",
            ReviewState::Submitted => "подаден",
            ReviewState::Returned => "върнат за корекция",
            ReviewState::Approved => "одобрен",
        }
    }

    /// Whether the institution has handed the update in (a draft or a missing one has not).
    pub fn is_received(self) -> bool {
        matches!(
            self,
            ReviewState::Submitted | ReviewState::Returned | ReviewState::Approved
        )
    }
}

/// One institution's report on one measure for the round's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureUpdate {
    pub measure_key: String,
    pub institution: String,
    pub state: ReviewState,
    pub status: Option<ReportedStatus>,
    #[serde(default)]
    pub values: Vec<IndicatorValue>,
    #[serde(default)]
    pub spent: Vec<Spent>,
    /// People reached, as an aggregate count only (never person-level data).
    #[serde(default)]
    pub people_reached: Option<u64>,
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// RFC 3339 time of the (last) submission, if submitted.
    #[serde(default)]
    pub submitted_at: Option<String>,
    /// RFC 3339 time of approval, if approved.
    #[serde(default)]
    pub approved_at: Option<String>,
}

impl MeasureUpdate {
    /// Whether the update was submitted by the round's deadline (ISO date, inclusive).
    pub fn on_time(&self, deadline: Option<&str>) -> Option<bool> {
        let submitted = self.submitted_at.as_deref()?;
        let deadline = deadline?;
        // RFC 3339 and ISO dates compare correctly as text on their date part.
        Some(submitted.get(..10).unwrap_or(submitted) <= deadline)
    }
}

/// The value an institution reports for one indicator of the measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    pub indicator_key: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Value {
    Number {
        value: f64,
    },
    /// A percentage as numerator and denominator, so roll-ups sum the parts.
    Ratio {
        numerator: f64,
        denominator: f64,
    },
    YesNo {
        value: bool,
    },
    Text {
        value: String,
    },
}

/// Money spent on the measure in the year, by funding source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spent {
    pub source: Option<String>,
    #[serde(with = "decimal_minor", rename = "value")]
    pub minor: i64,
    pub currency: Currency,
}

impl Spent {
    pub fn money(&self) -> Money {
        Money::new(self.minor, self.currency)
    }
}

/// A piece of evidence: an uploaded file (with checksum) or a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub sha256: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reported_status_is_read_from_its_bulgarian_label_in_any_case() {
        assert_eq!(
            ReportedStatus::parse_label("В процес на изпълнение"),
            Some(ReportedStatus::InProgress)
        );
        assert_eq!(
            ReportedStatus::parse_label("completed"),
            Some(ReportedStatus::Completed)
        );
        assert_eq!(ReportedStatus::parse_label("няма такъв"), None);
    }

    #[test]
    fn an_update_is_on_time_when_submitted_on_or_before_the_deadline_day() {
        let mut u = MeasureUpdate {
            measure_key: "m1".into(),
            institution: "Община".into(),
            state: ReviewState::Submitted,
            status: None,
            values: vec![],
            spent: vec![],
            people_reached: None,
            narrative: String::new(),
            evidence: vec![],
            submitted_at: Some("2023-03-31T23:00:00Z".into()),
            approved_at: None,
        };
        assert_eq!(u.on_time(Some("2023-03-31")), Some(true));
        u.submitted_at = Some("2023-04-01T08:00:00Z".into());
        assert_eq!(u.on_time(Some("2023-03-31")), Some(false));
        u.submitted_at = None;
        assert_eq!(u.on_time(Some("2023-03-31")), None);
    }

    #[test]
    fn values_serialise_with_a_type_tag() {
        let v = Value::Ratio {
            numerator: 3.0,
            denominator: 4.0,
        };
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(
            json,
            r#"{"type":"ratio","numerator":3.0,"denominator":4.0}"#
        );
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
    }
}
