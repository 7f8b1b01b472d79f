//! The annual report on the portal and in the coordinator's workspace, and from the command
//! line.
//!
//! - `/plans/{id}/reports`: the plan's reports (the public sees the published ones; the
//!   coordinator and the monitoring body see every version and can start a report for a year
//!   with a closed round);
//! - `/plans/{id}/reports/{year}`: the published report of a year with its adoption;
//! - `/reports/{rid}`: the workspace of one version: narrative, workflow, history;
//! - `/reports/{rid}/download/{html|docx|pdf|decision}`: the documents.

//!
//! `public.rs` the plan's reports and the published report, `workspace.rs` the workspace and
//! its workflow steps, `adopt.rs` the council's adoption, `downloads.rs` the documents.

mod adopt;
mod downloads;
mod public;
mod workspace;

use super::adoption::{self, Table};
use super::store::{self, ReportError, ReportRow, ReportState};
use crate::dates::display_bg;
use crate::db::Db;
use crate::web::{AppError, AppState, parse_id};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use public::{create, plan_reports, public_report};
use workspace::{
    approve, correct, publish, publish_page, save_narrative, send_back, submit, withdraw, workspace,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/reports", get(plan_reports).post(create))
        .route("/plans/{id}/reports/{year}", get(public_report))
        .route("/reports/{rid}", get(workspace))
        .route("/reports/{rid}/narrative", post(save_narrative))
        .route("/reports/{rid}/submit", post(submit))
        .route("/reports/{rid}/withdraw", post(withdraw))
        .route("/reports/{rid}/approve", post(approve))
        .route("/reports/{rid}/return", post(send_back))
        .route(
            "/reports/{rid}/adopt",
            post(adopt::adopt).layer(DefaultBodyLimit::max(adoption::UPLOAD_LIMIT)),
        )
        .route("/reports/{rid}/publish", get(publish_page).post(publish))
        .route("/reports/{rid}/correct", post(correct))
        .route("/reports/{rid}/download/{what}", get(downloads::download))
}

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> AppError {
        match e {
            ReportError::Workflow(m) => AppError::Conflict(m),
            ReportError::Store(s) => s.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}

pub(super) async fn load(db: &Db, rid: &str) -> Result<ReportRow, AppError> {
    let id = parse_id(rid, "доклад")?;
    store::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма доклад с номер „{id}“.")))
}

/// One version in a list.
pub(super) struct VersionView {
    id: i64,
    year: i64,
    version: i64,
    state: ReportState,
    state_line: String,
    public: bool,
}

impl VersionView {
    pub(super) fn new(r: &ReportRow) -> VersionView {
        VersionView {
            id: r.id,
            year: r.year,
            version: r.version,
            state: r.state(),
            state_line: r.state_line(),
            public: r.state() == ReportState::Published,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Views shared by the public pages and the workspace

pub(super) struct FileView {
    label: &'static str,
    href: String,
    size: String,
    sha256: String,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The adoption of a version, as shown.
pub(super) struct AdoptionView {
    decision: String,
    decision_file: Option<FileView>,
    decision_url: Option<String>,
}

impl AdoptionView {
    pub(super) fn new(r: &ReportRow) -> Option<AdoptionView> {
        if !r.state().is_adopted() {
            return None;
        }
        Some(AdoptionView {
            decision: format!(
                "Решение № {} по Протокол № {} от {} на Общински съвет – {}",
                r.decision_number.as_deref().unwrap_or(""),
                r.protocol_number.as_deref().unwrap_or(""),
                display_bg(r.decision_date.as_deref().unwrap_or("")),
                r.municipality
            ),
            decision_file: r.decision_sha256.as_ref().map(|sha| FileView {
                label: "decision",
                href: format!("/reports/{}/download/decision", r.id),
                size: size_text(r.decision_size.unwrap_or_default()),
                sha256: sha.clone(),
            }),
            decision_url: r.decision_url.clone(),
        })
    }
}

pub(super) async fn file_views(state: &AppState, r: &ReportRow) -> Result<Vec<FileView>, AppError> {
    let mut files = adoption::files(&state.db, Table::Annual, r.id).await?;
    // The PDF first: it is what councils and readers usually open.
    files.sort_by_key(|f| ["pdf", "docx", "html"].iter().position(|x| *x == f.format));
    Ok(files
        .into_iter()
        .map(|f| FileView {
            label: match f.format.as_str() {
                "html" => "HTML",
                "docx" => "DOCX (Word)",
                _ => "PDF",
            },
            href: format!("/reports/{}/download/{}", r.id, f.format),
            size: size_text(f.size),
            sha256: f.sha256,
        })
        .collect())
}
