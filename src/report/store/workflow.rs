//! The workflow of a version: started, narrative saved, submitted, withdrawn, approved (inputs
//! frozen), sent back, published, corrected by a new version; each step checked in SQL against
//! a concurrent move and recorded in the audit log in its transaction.

use super::{ReportError, ReportRow, ReportState, current_inputs, versions, workflow};
use crate::audit::{Actor, Event};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::mail::Notice;
use crate::plan::store::{self as plans, StoreError};
use crate::report::Narrative;
use crate::snapshot::store as snapshots;

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

/// A version of a report as the one workflow moves it: a municipal report's ([`ReportRow`]) or
/// a district's or the nation's ([`crate::report::area::store::AreaRow`]).
pub trait Version: Sync {
    /// The table of its versions.
    const TABLE: &'static str;
    /// What its audit events name it.
    const ENTITY: &'static str;
    /// What its audit events' actions start with ("report.submit").
    const ACTIONS: &'static str;
    fn id(&self) -> i64;
    /// Its state as stored.
    fn stored_state(&self) -> &str;
    fn state(&self) -> ReportState {
        ReportState::parse(self.stored_state()).unwrap_or(ReportState::Draft)
    }
    /// Why a step its state does not allow is refused.
    fn wrong_state(&self) -> ReportError;
    /// The row of `municipalities` whose staff may read its audit events (the municipality,
    /// the district, the nation).
    fn owner(&self, db: &Db) -> impl Future<Output = Result<Option<i64>, ReportError>> + Send;
    /// The e-mail its publication causes.
    fn published_notice(&self) -> Option<Notice> {
        None
    }
    /// The newest version of its report for its year.
    fn newest(&self, db: &Db) -> impl Future<Output = Result<Option<i64>, ReportError>> + Send;
}

impl Version for ReportRow {
    const TABLE: &'static str = "annual_reports";
    const ENTITY: &'static str = "annual_report";
    const ACTIONS: &'static str = "report";

    fn id(&self) -> i64 {
        self.id
    }

    fn stored_state(&self) -> &str {
        &self.state
    }

    fn wrong_state(&self) -> ReportError {
        workflow(match self.state() {
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

    async fn owner(&self, _db: &Db) -> Result<Option<i64>, ReportError> {
        Ok(Some(self.municipality_id))
    }

    fn published_notice(&self) -> Option<Notice> {
        Some(Notice::ReportPublished { report: self.id })
    }

    async fn newest(&self, db: &Db) -> Result<Option<i64>, ReportError> {
        Ok(versions(db, self.plan_id, self.year())
            .await?
            .first()
            .map(|r| r.id))
    }
}

/// A step of a version's workflow: from one of `from` by the SQL assignments `set` (an
/// assignment list starting with the state; `$1`… bound to `binds`), recorded in the audit log
/// as the action `step` (after the version's [`Version::ACTIONS`]) with `after`, causing the
/// e-mail `notice` if any.
#[derive(Default)]
pub(in crate::report) struct Change<'a> {
    pub from: &'a [ReportState],
    pub set: &'a str,
    pub binds: Vec<Option<String>>,
    pub step: &'a str,
    pub after: serde_json::Value,
    /// The e-mail the step causes, queued in its transaction.
    pub notice: Option<Notice>,
}

/// Moves `row` by `c` when its state is one of `c.from`, checking in SQL that nobody moved it
/// meanwhile; the audit event and the e-mail in the same transaction.
pub(in crate::report) async fn transition<V: Version>(
    db: &Db,
    row: &V,
    actor: &Actor,
    c: Change<'_>,
) -> Result<(), ReportError> {
    if !c.from.contains(&row.state()) {
        return Err(row.wrong_state());
    }
    let owner = row.owner(db).await?;
    let Change {
        from,
        set,
        binds,
        step,
        after,
        notice,
    } = c;
    let states = from
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let n = binds.len();
    let sql = format!(
        "UPDATE {} SET {set}, updated_at = ${} WHERE id = ${} AND state IN ({states})",
        V::TABLE,
        n + 1,
        n + 2
    );
    let mut tx = db.pool.begin().await?;
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    let done = q
        .bind(now_rfc3339())
        .bind(row.id())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(workflow(
            "Докладът току-що е променен от друг потребител. Презаредете страницата.",
        ));
    }
    let action = format!("{}.{step}", V::ACTIONS);
    Event::new(actor.clone(), &action, V::ENTITY, row.id())
        .municipality(owner)
        .before(&serde_json::json!({"state": row.stored_state()}))
        .after(&after)
        .record(&mut *tx)
        .await?;
    if let Some(notice) = &notice {
        crate::mail::queue(&mut tx, notice).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Longest narrative part accepted (characters).
pub const MAX_NARRATIVE_CHARS: usize = 50_000;

/// Saves the narrative of a draft.
pub async fn save_narrative<V: Version>(
    db: &Db,
    row: &V,
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
            step: "narrative",
            after: serde_json::to_value(narrative).unwrap_or_default(),
            notice: None,
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
            step: "submit",
            after: serde_json::json!({"state": "submitted"}),
            notice: Some(Notice::ReportWaiting { report: row.id }),
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
            step: "withdraw",
            after: serde_json::json!({"state": "draft"}),
            notice: None,
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
        return Err(row.wrong_state());
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
            step: "approve",
            after: serde_json::json!({"state": "approved", "note": note.trim()}),
            notice: None,
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
            step: "return",
            after: serde_json::json!({"state": "draft", "note": note.trim()}),
            notice: None,
        },
    )
    .await
}

/// Puts an adopted version on the public portal.
pub async fn publish<V: Version>(db: &Db, row: &V, actor: &Actor) -> Result<(), ReportError> {
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Adopted],
            set: "state = 'published', published_at = $1, published_by = $2",
            binds: vec![Some(now_rfc3339()), Some(actor.label.clone())],
            step: "publish",
            after: serde_json::json!({"state": "published"}),
            notice: row.published_notice(),
        },
    )
    .await
}

/// Refuses a correction of `row` for `reason` unless it is the newest version of its report
/// and adopted, and the reason is given.
pub(in crate::report) async fn may_correct<V: Version>(
    db: &Db,
    row: &V,
    reason: &str,
) -> Result<(), ReportError> {
    if !row.state().is_adopted() {
        return Err(workflow(
            "Поправка се прави само на приет доклад; проектът се редактира направо.",
        ));
    }
    if reason.trim().is_empty() {
        return Err(workflow("Напишете какво се поправя."));
    }
    if row
        .newest(db)
        .await?
        .is_some_and(|newest| newest != row.id())
    {
        return Err(workflow(
            "Вече има по-нова версия на доклада: поправката се прави на нея.",
        ));
    }
    Ok(())
}

/// Starts a correction of an adopted version: a new draft version with the same narrative that
/// will supersede it once adopted and published. Returns the new version's id.
pub async fn correct(
    db: &Db,
    row: &ReportRow,
    reason: &str,
    actor: &Actor,
) -> Result<i64, ReportError> {
    may_correct(db, row, reason).await?;
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
