//! Annual reports as stored: one row per version of a plan's report for a year, moving through
//! draft → submitted → approved (monitoring body) → adopted (municipal council) → published.
//!
//! - A draft is built live from the round's snapshot, so generated parts follow the snapshot
//!   while the narrative the coordinator wrote is kept.
//! - Approval freezes the inputs ([`Frozen`]: the snapshot, the plan's other rounds, the
//!   funding-source names), so what the monitoring body approved is what the council gets even
//!   if the round is reopened.
//! - Adoption renders the three documents once and keeps them as files; an adopted version is
//!   served byte for byte and never changes (the database refuses it too, migration 0006). A
//!   correction is a new version that supersedes it.
//!
//! Every change goes with its audit event in one transaction.

//!
//! Here the types and the reads; `documents.rs` builds and renders a version's document,
//! `workflow.rs` moves versions through their states, `adoption.rs` records the council's
//! decision and keeps the documents.

mod adoption;
mod documents;
mod workflow;

pub use adoption::adopt;
pub use documents::{current_inputs, document, document_bytes, report_bytes, unsaved_document};
pub use workflow::Version;
pub(in crate::report) use workflow::{Change, may_correct, transition};
pub use workflow::{
    MAX_NARRATIVE_CHARS, approve, correct, create, publish, save_narrative, send_back, submit,
    withdraw,
};

use super::render::RenderError;
use super::{Narrative, Report, build};
use crate::dates::{display_bg, display_day};
use crate::db::Db;
use crate::plan::store::StoreError;
use crate::snapshot::RoundSnapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Submitted,
    Approved,
    Adopted,
    Published,
}

impl ReportState {
    pub fn code(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Approved => "approved",
            ReportState::Adopted => "adopted",
            ReportState::Published => "published",
        }
    }

    pub fn parse(code: &str) -> Option<ReportState> {
        [
            ReportState::Draft,
            ReportState::Submitted,
            ReportState::Approved,
            ReportState::Adopted,
            ReportState::Published,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ReportState::Draft => "report.state.draft",
            ReportState::Submitted => "report.state.submitted",
            ReportState::Approved => "report.state.approved",
            ReportState::Adopted => "report.state.adopted",
            ReportState::Published => "report.state.published",
        }
    }

    /// Adopted by the council: the version is final.
    pub fn is_adopted(self) -> bool {
        matches!(self, ReportState::Adopted | ReportState::Published)
    }
}

/// What a report is built from, kept as it was when the monitoring body approved it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frozen {
    pub snapshot: RoundSnapshot,
    pub history: Vec<RoundSnapshot>,
    /// Funding sources as written → registry name.
    pub sources: BTreeMap<String, String>,
    pub sample: bool,
    /// The plan's amendments in force from a day of the year (none in inputs frozen before
    /// amendments were recorded).
    #[serde(default)]
    pub amendments: Vec<super::amendments::PlanAmendment>,
}

impl Frozen {
    fn build(&self, narrative: &Narrative, state_line: String) -> Report {
        let canon = |s: &str| {
            self.sources
                .get(s)
                .cloned()
                .unwrap_or_else(|| s.trim().to_string())
        };
        let mut report = build(
            &self.snapshot,
            &self.history,
            narrative,
            state_line,
            self.sample,
            &canon,
        );
        super::amendments::add_to(&mut report, self.snapshot.plan_version, &self.amendments);
        report
    }
}

/// A stored document of an adopted version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportFile {
    pub format: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub path: String,
}

/// One version of a report, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub plan_id: i64,
    pub municipality_id: i64,
    pub municipality: String,
    pub district: Option<String>,
    pub plan_title: String,
    pub year: i64,
    pub version: i64,
    pub state: String,
    pub narrative: String,
    pub supersedes: Option<i64>,
    pub correction_reason: String,
    pub review_note: String,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub submitted_by: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub decision_number: Option<String>,
    pub protocol_number: Option<String>,
    pub decision_date: Option<String>,
    pub decision_url: Option<String>,
    pub decision_file_name: Option<String>,
    pub decision_media_type: Option<String>,
    pub decision_size: Option<i64>,
    pub decision_sha256: Option<String>,
    pub decision_path: Option<String>,
    pub adopted_at: Option<String>,
    pub adopted_by: Option<String>,
    pub published_at: Option<String>,
    pub published_by: Option<String>,
}

impl ReportRow {
    pub fn state(&self) -> ReportState {
        ReportState::parse(&self.state).unwrap_or(ReportState::Draft)
    }

    pub fn year(&self) -> i32 {
        i32::try_from(self.year).unwrap_or_default()
    }

    /// Where the report belongs, for the policy.
    pub fn place(&self) -> crate::policy::Place {
        crate::policy::Place::new(self.municipality_id, self.district.clone())
    }

    pub fn narrative(&self) -> Narrative {
        serde_json::from_str(&self.narrative).unwrap_or_default()
    }

    /// The line under the title that says where the report stands.
    pub fn state_line(&self) -> String {
        let date = |d: &Option<String>| display_day(d.as_deref().unwrap_or(""));
        let mut line = match self.state() {
            ReportState::Draft => "Проект".to_string(),
            ReportState::Submitted => format!(
                "Проект, внесен за одобрение от наблюдателния орган на {}",
                date(&self.submitted_at)
            ),
            ReportState::Approved => format!(
                "Одобрен от наблюдателния орган на {}; предстои приемане от Общинския съвет",
                date(&self.approved_at)
            ),
            ReportState::Adopted | ReportState::Published => format!(
                "Приет с Решение № {} по Протокол № {} от {} на Общински съвет – {}",
                self.decision_number.as_deref().unwrap_or(""),
                self.protocol_number.as_deref().unwrap_or(""),
                display_bg(self.decision_date.as_deref().unwrap_or("")),
                self.municipality
            ),
        };
        if self.version > 1 {
            line.push_str(&format!(
                ". Версия {}, поправка на версия {}",
                self.version,
                self.version - 1
            ));
            if !self.correction_reason.trim().is_empty() {
                line.push_str(&format!(": {}", self.correction_reason.trim()));
            }
        }
        line
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The action does not fit the state of the report (shown to the user as is).
    #[error("{0}")]
    Workflow(String),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("не мога да запиша файла на доклада: {0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for ReportError {
    fn from(e: sqlx::Error) -> ReportError {
        ReportError::Store(StoreError::Sql(e))
    }
}

fn workflow(text: impl Into<String>) -> ReportError {
    ReportError::Workflow(text.into())
}

const SELECT: &str = concat!(
    "SELECT r.id, r.plan_id, p.municipality_id, mu.name AS municipality, ",
    crate::district_code_sql!("r.year"),
    " AS district, \
     p.title AS plan_title, r.year, r.version, r.state, r.narrative, r.supersedes, \
     r.correction_reason, r.review_note, r.created_at, r.created_by, r.updated_at, \
     r.submitted_at, r.submitted_by, r.approved_at, r.approved_by, r.decision_number, \
     r.protocol_number, r.decision_date, r.decision_url, r.decision_file_name, \
     r.decision_media_type, r.decision_size, r.decision_sha256, r.decision_path, r.adopted_at, \
     r.adopted_by, r.published_at, r.published_by \
     FROM annual_reports r JOIN plans p ON p.id = r.plan_id \
     JOIN municipalities mu ON mu.id = p.municipality_id"
);

pub async fn get(db: &Db, id: i64) -> Result<Option<ReportRow>, ReportError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Every version of every year of a plan's reports, newest year and version first.
pub async fn list_for_plan(db: &Db, plan_id: i64) -> Result<Vec<ReportRow>, ReportError> {
    let sql = format!("{SELECT} WHERE r.plan_id = $1 ORDER BY r.year DESC, r.version DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(plan_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The versions of a plan's report for a year, newest first.
pub async fn versions(db: &Db, plan_id: i64, year: i32) -> Result<Vec<ReportRow>, ReportError> {
    let sql = format!("{SELECT} WHERE r.plan_id = $1 AND r.year = $2 ORDER BY r.version DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(plan_id)
        .bind(i64::from(year))
        .fetch_all(&db.pool)
        .await?)
}

/// The published version of a plan's report for a year that the public sees: the newest
/// published one.
pub async fn public_version(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Option<ReportRow>, ReportError> {
    Ok(versions(db, plan_id, year)
        .await?
        .into_iter()
        .find(|r| r.state() == ReportState::Published))
}
