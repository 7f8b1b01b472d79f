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

use super::render::{Format, RenderError, render_off_thread};
use super::{Narrative, Report, build};
use crate::audit::{Actor, Event};
use crate::dates::{display_bg, display_day, now_rfc3339};
use crate::db::Db;
use crate::files;
use crate::monitoring::evidence;
use crate::plan::store::{self as plans, StoreError};
use crate::snapshot::RoundSnapshot;
use crate::snapshot::store::{self as snapshots, Origin};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

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
}

impl Frozen {
    fn build(&self, narrative: &Narrative, state_line: String) -> Report {
        let canon = |s: &str| {
            self.sources
                .get(s)
                .cloned()
                .unwrap_or_else(|| s.trim().to_string())
        };
        build(
            &self.snapshot,
            &self.history,
            narrative,
            state_line,
            self.sample,
            &canon,
        )
    }
}

/// How the council adopted a version (validated by the page or the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CouncilAdoption {
    pub decision_number: String,
    pub protocol_number: String,
    /// ISO date.
    pub date: String,
    /// The decision as a file (name, bytes) ...
    #[serde(skip)]
    pub file: Option<(String, Vec<u8>)>,
    /// ... or where the council published it.
    pub url: Option<String>,
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

const SELECT: &str = "SELECT r.id, r.plan_id, p.municipality_id, mu.name AS municipality, mu.district, \
     p.title AS plan_title, r.year, r.version, r.state, r.narrative, r.supersedes, \
     r.correction_reason, r.review_note, r.created_at, r.created_by, r.updated_at, \
     r.submitted_at, r.submitted_by, r.approved_at, r.approved_by, r.decision_number, \
     r.protocol_number, r.decision_date, r.decision_url, r.decision_file_name, \
     r.decision_media_type, r.decision_size, r.decision_sha256, r.decision_path, r.adopted_at, \
     r.adopted_by, r.published_at, r.published_by \
     FROM annual_reports r JOIN plans p ON p.id = r.plan_id \
     JOIN municipalities mu ON mu.id = p.municipality_id";

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

pub async fn files(db: &Db, report_id: i64) -> Result<Vec<ReportFile>, ReportError> {
    Ok(sqlx::query_as(
        "SELECT format, media_type, size, sha256, path FROM annual_report_files \
         WHERE report_id = $1 ORDER BY format",
    )
    .bind(report_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The funding-source names of a plan as the registry knows them.
async fn source_names(db: &Db, plan_id: i64) -> Result<BTreeMap<String, String>, ReportError> {
    let sp = plans::load_plan(db, plan_id).await?;
    Ok(sp
        .map(|sp| {
            sp.sources
                .iter()
                .map(|(written, e)| (written.clone(), e.name.clone()))
                .collect()
        })
        .unwrap_or_default())
}

/// The inputs of a plan's report for `year` as they are now; `None` without a closed round.
pub async fn current_inputs(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Option<Frozen>, ReportError> {
    let all = snapshots::list_snapshots(db, plan_id).await?;
    let Some(stored) = all.iter().find(|s| s.snapshot.year == year) else {
        return Ok(None);
    };
    Ok(Some(Frozen {
        snapshot: stored.snapshot.clone(),
        history: all.iter().map(|s| s.snapshot.clone()).collect(),
        sources: source_names(db, plan_id).await?,
        sample: stored.origin == Origin::Sample,
    }))
}

/// Builds the report of one version: from its frozen inputs once approved, else from the
/// round as it is now.
pub async fn document(db: &Db, row: &ReportRow) -> Result<Report, ReportError> {
    // Read only here: the frozen inputs are large and lists of versions do not need them.
    let frozen: Option<String> =
        sqlx::query_scalar("SELECT frozen FROM annual_reports WHERE id = $1")
            .bind(row.id)
            .fetch_one(&db.pool)
            .await?;
    let inputs = match frozen {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("замразени данни на доклад {}: {e}", row.id))
        })?,
        None => current_inputs(db, row.plan_id, row.year())
            .await?
            .ok_or_else(|| workflow(format!("За {} г. няма приключен отчетен кръг.", row.year)))?,
    };
    Ok(inputs.build(&row.narrative(), row.state_line()))
}

/// The report of a plan for `year` with no stored version: the generated text only.
pub async fn unsaved_document(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Option<Report>, ReportError> {
    Ok(current_inputs(db, plan_id, year)
        .await?
        .map(|f| f.build(&Narrative::default(), "Проект".into())))
}

/// The bytes of a version in `format`: the adopted file as kept, else rendered now.
pub async fn document_bytes(
    db: &Db,
    data_dir: &Path,
    row: &ReportRow,
    format: Format,
) -> Result<Vec<u8>, ReportError> {
    if row.state().is_adopted()
        && let Some(f) = files(db, row.id)
            .await?
            .into_iter()
            .find(|f| f.format == format.extension())
    {
        return Ok(std::fs::read(data_dir.join(&f.path))?);
    }
    Ok(render_off_thread(document(db, row).await?, format).await?)
}

/// Starts the report of a plan for a year (version 1). Refused without a closed round or when
/// the year has a report already (a correction of an adopted one is [`correct`]).
pub async fn create(db: &Db, plan_id: i64, year: i32, actor: &Actor) -> Result<i64, ReportError> {
    let Some(municipality) = plans::place(db, plan_id).await?.map(|p| p.municipality) else {
        return Err(workflow(format!("Няма план с номер {plan_id}.")));
    };
    if snapshots::load_snapshot(db, plan_id, year).await?.is_none() {
        return Err(workflow(format!(
            "За {year} г. няма приключен отчетен кръг: докладът се изготвя от приключен кръг."
        )));
    }
    if !versions(db, plan_id, year).await?.is_empty() {
        return Err(workflow(format!("Докладът за {year} г. вече е започнат.")));
    }
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO annual_reports (plan_id, year, version, state, narrative, created_at, \
         created_by, updated_at) VALUES ($1, $2, 1, 'draft', '{}', $3, $4, $3) RETURNING id",
    )
    .bind(plan_id)
    .bind(i64::from(year))
    .bind(&now)
    .bind(&actor.label)
    .fetch_one(&mut *tx)
    .await?;
    Event::new(actor.clone(), "report.create", "annual_report", id)
        .municipality(municipality)
        .after(&serde_json::json!({"plan_id": plan_id, "year": year, "version": 1}))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves `row` from `from` to the state of `set` (an SQL assignment list starting with the
/// state), checking in SQL that nobody moved it meanwhile; records `action` in the audit log.
struct Change<'a> {
    from: &'a [ReportState],
    set: &'a str,
    binds: Vec<Option<String>>,
    action: &'a str,
    after: serde_json::Value,
}

async fn transition(
    db: &Db,
    row: &ReportRow,
    actor: &Actor,
    c: Change<'_>,
) -> Result<(), ReportError> {
    let Change {
        from,
        set,
        binds,
        action,
        after,
    } = c;
    if !from.contains(&row.state()) {
        return Err(wrong_state(row));
    }
    let states = from
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let n = binds.len();
    let sql = format!(
        "UPDATE annual_reports SET {set}, updated_at = ${} WHERE id = ${} AND state IN ({states})",
        n + 1,
        n + 2
    );
    let mut tx = db.pool.begin().await?;
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    let done = q.bind(now_rfc3339()).bind(row.id).execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Err(workflow(
            "Докладът току-що е променен от друг потребител. Презаредете страницата.",
        ));
    }
    Event::new(actor.clone(), action, "annual_report", row.id)
        .municipality(row.municipality_id)
        .before(&serde_json::json!({"state": row.state}))
        .after(&after)
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

fn wrong_state(row: &ReportRow) -> ReportError {
    workflow(match row.state() {
        ReportState::Draft => "Докладът е проект: това действие още не е възможно.",
        ReportState::Submitted => {
            "Докладът е внесен за одобрение: за промени първо го върнете за редакция."
        }
        ReportState::Approved => {
            "Докладът е одобрен: текстът му не се променя; предстои приемането му от Общинския съвет."
        }
        ReportState::Adopted | ReportState::Published => {
            "Докладът е приет от Общинския съвет и не се променя. За поправка създайте нова версия."
        }
    })
}

/// Longest narrative part accepted (characters).
pub const MAX_NARRATIVE_CHARS: usize = 50_000;

/// Saves the narrative of a draft.
pub async fn save_narrative(
    db: &Db,
    row: &ReportRow,
    narrative: &Narrative,
    actor: &Actor,
) -> Result<(), ReportError> {
    let text = serde_json::to_string(narrative)
        .map_err(|e| StoreError::Corrupt(format!("разказ на доклада: {e}")))?;
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Draft],
            set: "state = 'draft', narrative = $1",
            binds: vec![Some(text)],
            action: "report.narrative",
            after: serde_json::to_value(narrative).unwrap_or_default(),
        },
    )
    .await
}

/// The coordinator hands the draft to the monitoring body.
pub async fn submit(db: &Db, row: &ReportRow, actor: &Actor) -> Result<(), ReportError> {
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Draft],
            set: "state = 'submitted', submitted_at = $1, submitted_by = $2, \
                  review_note = ''",
            binds: vec![Some(now_rfc3339()), Some(actor.label.clone())],
            action: "report.submit",
            after: serde_json::json!({"state": "submitted"}),
        },
    )
    .await
}

/// The coordinator takes a submitted report back to edit it.
pub async fn withdraw(db: &Db, row: &ReportRow, actor: &Actor) -> Result<(), ReportError> {
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Submitted],
            set: "state = 'draft', submitted_at = NULL, submitted_by = NULL",
            binds: vec![],
            action: "report.withdraw",
            after: serde_json::json!({"state": "draft"}),
        },
    )
    .await
}

/// The monitoring body approves the submitted text; the inputs are frozen from now on.
pub async fn approve(
    db: &Db,
    row: &ReportRow,
    note: &str,
    actor: &Actor,
) -> Result<(), ReportError> {
    if row.state() != ReportState::Submitted {
        return Err(wrong_state(row));
    }
    let inputs = current_inputs(db, row.plan_id, row.year())
        .await?
        .ok_or_else(|| workflow(format!("За {} г. няма приключен отчетен кръг.", row.year)))?;
    let frozen = serde_json::to_string(&inputs)
        .map_err(|e| StoreError::Corrupt(format!("замразяване на доклада: {e}")))?;
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Submitted],
            set: "state = 'approved', frozen = $1, approved_at = $2, approved_by = $3, \
                  review_note = $4",
            binds: vec![
                Some(frozen),
                Some(now_rfc3339()),
                Some(actor.label.clone()),
                Some(note.trim().to_string()),
            ],
            action: "report.approve",
            after: serde_json::json!({"state": "approved", "note": note.trim()}),
        },
    )
    .await
}

/// The monitoring body (or the coordinator, for an approved text) sends the report back to
/// draft with a note saying why; the frozen inputs are dropped.
pub async fn send_back(
    db: &Db,
    row: &ReportRow,
    note: &str,
    actor: &Actor,
) -> Result<(), ReportError> {
    if note.trim().is_empty() {
        return Err(workflow("Напишете защо докладът се връща за редакция."));
    }
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Submitted, ReportState::Approved],
            set: "state = 'draft', frozen = NULL, approved_at = NULL, approved_by = NULL, \
                  submitted_at = NULL, submitted_by = NULL, review_note = $1",
            binds: vec![Some(note.trim().to_string())],
            action: "report.return",
            after: serde_json::json!({"state": "draft", "note": note.trim()}),
        },
    )
    .await
}

/// Records the council's adoption of an approved version: renders the three documents once,
/// keeps them and the decision file under `data_dir`, and fixes the version for good.
pub async fn adopt(
    db: &Db,
    data_dir: &Path,
    row: &ReportRow,
    adoption: &CouncilAdoption,
    actor: &Actor,
) -> Result<(), ReportError> {
    if row.state() != ReportState::Approved {
        return Err(wrong_state(row));
    }
    let mut adopted = row.clone();
    adopted.state = ReportState::Adopted.code().into();
    adopted.decision_number = Some(adoption.decision_number.clone());
    adopted.protocol_number = Some(adoption.protocol_number.clone());
    adopted.decision_date = Some(adoption.date.clone());
    let report = document(db, &adopted).await?;
    let mut rendered = Vec::new();
    // Written under temporary names, made permanent once the adoption has committed.
    let mut staged = Vec::new();
    for format in [Format::Html, Format::Docx, Format::Pdf] {
        let bytes = render_off_thread(report.clone(), format).await?;
        let file = files::stage(data_dir, "reports", &bytes)?;
        rendered.push((format, bytes.len(), file.sha256.clone(), file.path.clone()));
        staged.push(file);
    }
    let decision = match &adoption.file {
        Some((name, bytes)) => {
            let media = evidence::check_file(name, bytes).map_err(workflow)?;
            let file = files::stage(data_dir, "decisions", bytes)?;
            let d = (
                evidence::clean_file_name(name),
                media,
                bytes.len(),
                file.sha256.clone(),
                file.path.clone(),
            );
            staged.push(file);
            Some(d)
        }
        None => None,
    };
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE annual_reports SET state = 'adopted', decision_number = $1, \
         protocol_number = $2, decision_date = $3, decision_url = $4, decision_file_name = $5, \
         decision_media_type = $6, decision_size = $7, decision_sha256 = $8, \
         decision_path = $9, adopted_at = $10, adopted_by = $11, updated_at = $10 \
         WHERE id = $12 AND state = 'approved'",
    )
    .bind(&adoption.decision_number)
    .bind(&adoption.protocol_number)
    .bind(&adoption.date)
    .bind(adoption.url.as_deref())
    .bind(decision.as_ref().map(|d| d.0.clone()))
    .bind(decision.as_ref().map(|d| d.1))
    .bind(decision.as_ref().map(|d| d.2 as i64))
    .bind(decision.as_ref().map(|d| d.3.clone()))
    .bind(decision.as_ref().map(|d| d.4.clone()))
    .bind(&now)
    .bind(&actor.label)
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(workflow(
            "Докладът току-що е променен от друг потребител. Презаредете страницата.",
        ));
    }
    for (format, size, sha, path) in &rendered {
        sqlx::query(
            "INSERT INTO annual_report_files (report_id, format, media_type, size, sha256, path) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(row.id)
        .bind(format.extension())
        .bind(format.media_type())
        .bind(*size as i64)
        .bind(sha)
        .bind(path)
        .execute(&mut *tx)
        .await?;
    }
    Event::new(actor.clone(), "report.adopt", "annual_report", row.id)
        .municipality(row.municipality_id)
        .before(&serde_json::json!({"state": row.state}))
        .after(&serde_json::json!({
            "state": "adopted",
            "adoption": adoption,
            "decision_sha256": decision.as_ref().map(|d| d.3.clone()),
            "files": rendered.iter().map(|(f, _, sha, _)| (f.extension(), sha.clone())).collect::<BTreeMap<_, _>>(),
        }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    for file in staged {
        file.keep()?;
    }
    Ok(())
}

/// Puts an adopted version on the public portal.
pub async fn publish(db: &Db, row: &ReportRow, actor: &Actor) -> Result<(), ReportError> {
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Adopted],
            set: "state = 'published', published_at = $1, published_by = $2",
            binds: vec![Some(now_rfc3339()), Some(actor.label.clone())],
            action: "report.publish",
            after: serde_json::json!({"state": "published"}),
        },
    )
    .await
}

/// Starts a correction of an adopted version: a new draft version with the same narrative that
/// will supersede it once adopted and published. Returns the new version's id.
pub async fn correct(
    db: &Db,
    row: &ReportRow,
    reason: &str,
    actor: &Actor,
) -> Result<i64, ReportError> {
    if !row.state().is_adopted() {
        return Err(workflow(
            "Поправка се прави само на приет доклад; проектът се редактира направо.",
        ));
    }
    if reason.trim().is_empty() {
        return Err(workflow("Напишете какво се поправя."));
    }
    let all = versions(db, row.plan_id, row.year()).await?;
    if all.first().is_some_and(|newest| newest.id != row.id) {
        return Err(workflow(
            "Вече има по-нова версия на доклада: поправката се прави на нея.",
        ));
    }
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO annual_reports (plan_id, year, version, state, narrative, supersedes, \
         correction_reason, created_at, created_by, updated_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $7) RETURNING id",
    )
    .bind(row.plan_id)
    .bind(row.year)
    .bind(row.version + 1)
    .bind(&row.narrative)
    .bind(row.id)
    .bind(reason.trim())
    .bind(&now)
    .bind(&actor.label)
    .fetch_one(&mut *tx)
    .await?;
    Event::new(actor.clone(), "report.correct", "annual_report", id)
        .municipality(row.municipality_id)
        .after(&serde_json::json!({
            "supersedes": row.id,
            "version": row.version + 1,
            "reason": reason.trim(),
        }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
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
