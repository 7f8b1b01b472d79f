//! The JSON of rounds and updates, and an update's JSON body read into the named fields the
//! update form sends, so `monitoring::input::parse_update` checks both the same way.

use crate::monitoring::input::MAX_SPENT_LINES;
use crate::monitoring::store::{RoundRow, UpdateRow};
use crate::snapshot::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A reporting round with the updates the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundJson {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality: String,
    pub district: Option<String>,
    /// The year reported on.
    pub year: i64,
    /// The plan's version the round was opened on.
    pub plan_version: i64,
    #[schema(example = "open")]
    pub state: RoundStateJson,
    pub deadline: Option<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub updates: Vec<UpdateSummaryJson>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundStateJson {
    Open,
    Closed,
}

/// Where an update is in the review workflow.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpdateStateJson {
    NotReceived,
    Draft,
    Submitted,
    Returned,
    Resubmitted,
    Approved,
}

impl From<crate::monitoring::State> for UpdateStateJson {
    fn from(s: crate::monitoring::State) -> Self {
        use crate::monitoring::State as S;
        match s {
            S::NotReceived => UpdateStateJson::NotReceived,
            S::Draft => UpdateStateJson::Draft,
            S::Submitted => UpdateStateJson::Submitted,
            S::Returned => UpdateStateJson::Returned,
            S::Resubmitted => UpdateStateJson::Resubmitted,
            S::Approved => UpdateStateJson::Approved,
        }
    }
}

/// The status of the measure an institution declares.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusJson {
    Completed,
    InProgress,
    Partial,
    NotDone,
    Dropped,
    Upcoming,
}

impl StatusJson {
    fn of(s: crate::snapshot::ReportedStatus) -> Option<StatusJson> {
        serde_json::from_value(serde_json::Value::String(s.code().into())).ok()
    }

    fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One update in a round's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateSummaryJson {
    /// The measure's key in the plan.
    pub measure: String,
    pub institution_id: i64,
    pub institution: String,
    pub state: UpdateStateJson,
    /// This update's address in the API.
    #[schema(example = "/api/v1/rounds/1/updates/m1/3")]
    pub url: String,
}

/// An indicator's value: a number, a percentage as its two parts, yes/no, or text.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ValueJson {
    Number(f64),
    Ratio(RatioJson),
    YesNo(bool),
    Text(String),
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatioJson {
    pub numerator: f64,
    pub denominator: f64,
}

/// Money spent in the year from one source.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpentJson {
    #[serde(default)]
    pub source: Option<String>,
    /// Exact decimal text, e.g. "1250.50".
    #[schema(example = "1250.50")]
    pub amount: String,
    /// BGN or EUR; when left out, the currency of the year (EUR from 2026).
    #[serde(default)]
    #[schema(example = "EUR")]
    pub currency: Option<String>,
}

/// An institution's update on one measure.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateJson {
    pub round_id: i64,
    pub measure: String,
    pub institution_id: i64,
    pub institution: String,
    pub state: UpdateStateJson,
    pub status: Option<StatusJson>,
    /// By indicator key.
    pub values: BTreeMap<String, ValueJson>,
    pub spent: Vec<SpentJson>,
    pub people_reached: Option<u64>,
    pub narrative: String,
    /// Why the reviewer returned it, while returned.
    pub return_reason: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_at: Option<String>,
    pub updated_at: String,
}

/// What an institution reports: everything it sends replaces what was saved.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInputJson {
    #[serde(default)]
    pub status: Option<StatusJson>,
    /// By indicator key of the measure.
    #[serde(default)]
    pub values: BTreeMap<String, ValueJson>,
    #[serde(default)]
    #[schema(max_items = 12)]
    pub spent: Vec<SpentJson>,
    #[serde(default)]
    pub people_reached: Option<u64>,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub narrative: Option<String>,
}

/// A reviewer's decision on a submitted update.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewJson {
    pub decision: DecisionJson,
    /// Required when returning.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionJson {
    Approve,
    Return,
}

fn number(v: f64) -> String {
    // Rust prints f64 without exponent in `{}` for the magnitudes people report.
    format!("{v}")
}

impl UpdateInputJson {
    /// The fields of the update form (`monitoring::input`), with the JSON name of each.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if let Some(s) = self.status {
            out.push(("status".into(), s.code()));
        }
        if let Some(n) = self.people_reached {
            out.push(("people_reached".into(), n.to_string()));
        }
        if let Some(n) = &self.narrative {
            out.push(("narrative".into(), n.clone()));
        }
        for (key, v) in &self.values {
            match v {
                ValueJson::Number(n) => out.push((format!("value.{key}"), number(*n))),
                ValueJson::Ratio(r) => {
                    out.push((format!("num.{key}"), number(r.numerator)));
                    out.push((format!("den.{key}"), number(r.denominator)));
                }
                ValueJson::YesNo(b) => {
                    out.push((format!("value.{key}"), if *b { "да" } else { "не" }.into()))
                }
                ValueJson::Text(t) => out.push((format!("value.{key}"), t.clone())),
            }
        }
        for (n, s) in self.spent.iter().enumerate() {
            out.push((
                format!("spent.{n}.source"),
                s.source.clone().unwrap_or_default(),
            ));
            out.push((format!("spent.{n}.amount"), s.amount.clone()));
            out.push((
                format!("spent.{n}.currency"),
                s.currency.clone().unwrap_or_default(),
            ));
        }
        out
    }

    /// Errors the form cannot have: more lines of money than it reads.
    pub fn shape_errors(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.spent.len() > MAX_SPENT_LINES {
            out.push((
                "spent".into(),
                format!("Най-много {MAX_SPENT_LINES} реда изразходвани средства."),
            ));
        }
        out
    }
}

/// A form field's name as the JSON names it: `value.i1` → `values.i1`, `num.i2` →
/// `values.i2.numerator`, `den.i2` → `values.i2.denominator`; the rest as it is.
pub fn json_field(form: &str) -> String {
    match form.split_once('.') {
        Some(("value", key)) => format!("values.{key}"),
        Some(("num", key)) => format!("values.{key}.numerator"),
        Some(("den", key)) => format!("values.{key}.denominator"),
        _ => form.to_string(),
    }
}

fn value_json(v: &Value) -> ValueJson {
    match v {
        Value::Number { value } => ValueJson::Number(*value),
        Value::Ratio {
            numerator,
            denominator,
        } => ValueJson::Ratio(RatioJson {
            numerator: *numerator,
            denominator: *denominator,
        }),
        Value::YesNo { value } => ValueJson::YesNo(*value),
        Value::Text { value } => ValueJson::Text(value.clone()),
    }
}

impl From<&UpdateRow> for UpdateJson {
    fn from(u: &UpdateRow) -> Self {
        UpdateJson {
            round_id: u.round_id,
            measure: u.measure_key.clone(),
            institution_id: u.institution_id,
            institution: u.institution.clone(),
            state: u.state.into(),
            status: u.status.and_then(StatusJson::of),
            values: u
                .values
                .iter()
                .map(|v| (v.indicator_key.clone(), value_json(&v.value)))
                .collect(),
            spent: u
                .spent
                .iter()
                .map(|s| SpentJson {
                    source: s.source.clone(),
                    amount: s.money().to_decimal_string(),
                    currency: Some(s.currency.code().to_string()),
                })
                .collect(),
            people_reached: u.people_reached,
            narrative: u.narrative.clone(),
            return_reason: u.return_reason.clone(),
            submitted_at: u.submitted_at.clone(),
            approved_at: u.approved_at.clone(),
            updated_at: u.updated_at.clone(),
        }
    }
}

impl UpdateSummaryJson {
    pub fn of(u: &UpdateRow) -> UpdateSummaryJson {
        UpdateSummaryJson {
            measure: u.measure_key.clone(),
            institution_id: u.institution_id,
            institution: u.institution.clone(),
            state: u.state.into(),
            url: format!(
                "/api/v1/rounds/{}/updates/{}/{}",
                u.round_id, u.measure_key, u.institution_id
            ),
        }
    }
}

impl RoundJson {
    pub fn of(r: &RoundRow, updates: Vec<UpdateSummaryJson>) -> RoundJson {
        RoundJson {
            id: r.id,
            plan_id: r.plan_id,
            plan_title: r.plan_title.clone(),
            municipality: r.municipality.clone(),
            district: r.district.clone(),
            year: r.year,
            plan_version: r.plan_version,
            state: if r.is_open() {
                RoundStateJson::Open
            } else {
                RoundStateJson::Closed
            },
            deadline: r.deadline.clone(),
            opened_at: r.opened_at.clone(),
            closed_at: r.closed_at.clone(),
            updates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_update_becomes_the_forms_fields() {
        let input: UpdateInputJson = serde_json::from_str(
            r#"{"status": "in_progress", "people_reached": 40, "narrative": "Срещи.",
                "values": {"i1": 12.5, "i2": {"numerator": 3, "denominator": 4}, "i3": true,
                           "i4": "всички училища"},
                "spent": [{"source": "Общински бюджет", "amount": "1250.50", "currency": "EUR"}]}"#,
        )
        .expect("json");
        let fields = input.fields();
        let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        assert_eq!(get("status"), Some("in_progress"));
        assert_eq!(get("value.i1"), Some("12.5"));
        assert_eq!(get("num.i2"), Some("3"));
        assert_eq!(get("den.i2"), Some("4"));
        assert_eq!(get("value.i3"), Some("да"));
        assert_eq!(get("spent.0.amount"), Some("1250.50"));
        assert_eq!(json_field("num.i2"), "values.i2.numerator");
        assert_eq!(json_field("spent.0.amount"), "spent.0.amount");
    }
}
