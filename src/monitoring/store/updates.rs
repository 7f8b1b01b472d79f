//! Updates as stored: reading them, saving an institution's values (one or many), the review
//! steps with their history rows, bulk approval, and the history of one update.

use super::{Audit, MonitoringError, Result, json, parse_json, record};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::mail::{self, Notice};
use crate::monitoring::{Action, State, UpdateInput, WorkflowError, transition};
use crate::registry::name_key;
use crate::snapshot::{IndicatorValue, ReportedStatus, Spent};
use sqlx::AnyConnection;

/// An update as stored, with its institution's canonical name.
#[derive(Debug, Clone)]
pub struct UpdateRow {
    pub id: i64,
    pub round_id: i64,
    pub measure_key: String,
    pub institution_id: i64,
    pub institution: String,
    pub institution_slug: String,
    pub state: State,
    pub status: Option<ReportedStatus>,
    pub values: Vec<IndicatorValue>,
    pub spent: Vec<Spent>,
    pub people_reached: Option<u64>,
    pub narrative: String,
    pub return_reason: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_at: Option<String>,
    pub updated_at: String,
}

#[derive(sqlx::FromRow)]
struct UpdateDbRow {
    id: i64,
    round_id: i64,
    measure_key: String,
    institution_id: i64,
    institution: String,
    institution_slug: String,
    state: String,
    status: Option<String>,
    indicator_values: String,
    spent: String,
    people_reached: Option<i64>,
    narrative: String,
    return_reason: Option<String>,
    submitted_at: Option<String>,
    approved_at: Option<String>,
    updated_at: String,
}

impl TryFrom<UpdateDbRow> for UpdateRow {
    type Error = MonitoringError;
    fn try_from(r: UpdateDbRow) -> Result<UpdateRow> {
        Ok(UpdateRow {
            state: State::from_code(&r.state)
                .ok_or_else(|| MonitoringError::Corrupt(format!("state {}", r.state)))?,
            status: r.status.as_deref().and_then(ReportedStatus::from_code),
            values: parse_json(&r.indicator_values, "indicator_values")?,
            spent: parse_json(&r.spent, "spent")?,
            people_reached: r.people_reached.and_then(|n| u64::try_from(n).ok()),
            id: r.id,
            round_id: r.round_id,
            measure_key: r.measure_key,
            institution_id: r.institution_id,
            institution: r.institution,
            institution_slug: r.institution_slug,
            narrative: r.narrative,
            return_reason: r.return_reason,
            submitted_at: r.submitted_at,
            approved_at: r.approved_at,
            updated_at: r.updated_at,
        })
    }
}

const UPDATE_SELECT: &str = "SELECT u.id, u.round_id, u.measure_key, u.institution_id, \
     i.name AS institution, i.slug AS institution_slug, u.state, u.status, u.indicator_values, \
     u.spent, u.people_reached, u.narrative, u.return_reason, u.submitted_at, u.approved_at, \
     u.updated_at FROM round_updates u JOIN institutions i ON i.id = u.institution_id";

/// The updates of a round, by institution name then measure; of one institution when given.
pub async fn updates(
    db: &Db,
    round_id: i64,
    institution_id: Option<i64>,
) -> Result<Vec<UpdateRow>> {
    let rows: Vec<UpdateDbRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{UPDATE_SELECT} WHERE u.round_id = $1 AND ($2 = 0 OR u.institution_id = $2) \
         ORDER BY i.name, u.id"
    )))
    .bind(round_id)
    .bind(institution_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(UpdateRow::try_from).collect()
}

/// One update of one round (an id from another round is not found).
pub async fn get_update(db: &Db, round_id: i64, id: i64) -> Result<Option<UpdateRow>> {
    let row: Option<UpdateDbRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{UPDATE_SELECT} WHERE u.id = $1 AND u.round_id = $2"
    )))
    .bind(id)
    .bind(round_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(UpdateRow::try_from).transpose()
}

/// The canonical name of a funding source as written, when the registry knows it.
async fn canonical_source(conn: &mut AnyConnection, name: &str) -> sqlx::Result<String> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT s.name FROM funding_source_aliases a JOIN funding_sources s ON s.id = a.source_id \
         WHERE a.key = $1",
    )
    .bind(name_key(name))
    .fetch_optional(conn)
    .await?;
    Ok(found.unwrap_or_else(|| name.trim().to_string()))
}

/// A history row about to be written.
struct NewStep<'a> {
    step: &'a str,
    from: State,
    to: State,
    actor: &'a str,
    reason: Option<&'a str>,
    at: &'a str,
}

async fn record_step(conn: &mut AnyConnection, update_id: i64, s: NewStep<'_>) -> sqlx::Result<()> {
    let NewStep {
        step,
        from,
        to,
        actor,
        reason,
        at: now,
    } = s;
    sqlx::query(
        "INSERT INTO update_history (update_id, action, from_state, to_state, actor, reason, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(update_id)
    .bind(step)
    .bind(from.code())
    .bind(to.code())
    .bind(actor)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The update's state, read inside a transaction after taking the round's row lock (a no-op
/// write), so a round being closed and a report being saved never interleave.
pub(super) async fn current(conn: &mut AnyConnection, round_id: i64, id: i64) -> Result<State> {
    let open = sqlx::query("UPDATE rounds SET state = 'open' WHERE id = $1 AND state = 'open'")
        .bind(round_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM round_updates WHERE id = $1 AND round_id = $2")
            .bind(id)
            .bind(round_id)
            .fetch_optional(conn)
            .await?;
    let state =
        state.ok_or_else(|| MonitoringError::NotFound("Няма такъв отчет в този кръг.".into()))?;
    if !open {
        return Err(WorkflowError::RoundClosed.into());
    }
    State::from_code(&state).ok_or_else(|| MonitoringError::Corrupt(format!("state {state}")))
}

/// Saves an institution's values (and submits them when `submit`); returns the new state.
pub async fn save_update(
    db: &Db,
    round_id: i64,
    id: i64,
    input: &UpdateInput,
    submit: bool,
    actor: &str,
    audit: impl Audit<State>,
) -> Result<State> {
    let mut tx = db.pool.begin().await?;
    let state = save_in(&mut tx, round_id, id, input, submit, actor).await?;
    if submit {
        mail::queue(&mut tx, &Notice::UpdatesWaiting { round: round_id }).await?;
    }
    record(&mut tx, &state, audit).await?;
    tx.commit().await?;
    Ok(state)
}

/// Saves several updates of one round at once (a spreadsheet upload): all or none.
pub async fn save_many(
    db: &Db,
    round_id: i64,
    items: &[(i64, UpdateInput)],
    submit: bool,
    actor: &str,
    audit: impl Audit<usize>,
) -> Result<usize> {
    let mut tx = db.pool.begin().await?;
    for (id, input) in items {
        save_in(&mut tx, round_id, *id, input, submit, actor).await?;
    }
    if submit && !items.is_empty() {
        mail::queue(&mut tx, &Notice::UpdatesWaiting { round: round_id }).await?;
    }
    record(&mut tx, &items.len(), audit).await?;
    tx.commit().await?;
    Ok(items.len())
}

pub(super) async fn save_in(
    conn: &mut AnyConnection,
    round_id: i64,
    id: i64,
    input: &UpdateInput,
    submit: bool,
    actor: &str,
) -> Result<State> {
    let from = current(&mut *conn, round_id, id).await?;
    let action = if submit { Action::Submit } else { Action::Save };
    let (to, step) = transition(from, &action, input.status.is_some())?;
    let mut spent = input.spent.clone();
    for s in &mut spent {
        if let Some(name) = &s.source {
            s.source = Some(canonical_source(&mut *conn, name).await?);
        }
    }
    let now = now_rfc3339();
    let done = sqlx::query(
        "UPDATE round_updates SET state = $1, status = $2, indicator_values = $3, spent = $4, \
         people_reached = $5, narrative = $6, updated_at = $7, \
         submitted_at = CASE WHEN $8 = 1 THEN $7 ELSE submitted_at END \
         WHERE id = $9 AND state = $10",
    )
    .bind(to.code())
    .bind(input.status.map(ReportedStatus::code))
    .bind(json(&input.values))
    .bind(json(&spent))
    .bind(input.people_reached.and_then(|n| i64::try_from(n).ok()))
    .bind(&input.narrative)
    .bind(&now)
    .bind(i64::from(submit))
    .bind(id)
    .bind(from.code())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(MonitoringError::Refused(
            "Отчетът беше променен междувременно; отворете го отново.".into(),
        ));
    }
    let s = NewStep {
        step,
        from,
        to,
        actor,
        reason: None,
        at: &now,
    };
    record_step(conn, id, s).await?;
    Ok(to)
}

/// Approves or returns (with a reason) a submitted update; values are never touched.
pub async fn review(
    db: &Db,
    round_id: i64,
    id: i64,
    action: &Action,
    actor: &str,
    audit: impl Audit<State>,
) -> Result<State> {
    let mut tx = db.pool.begin().await?;
    let state = review_in(&mut tx, round_id, id, action, actor).await?;
    if let Action::Return { reason } = action {
        let returned = Notice::UpdateReturned {
            round: round_id,
            update: id,
            reason: reason.clone(),
        };
        mail::queue(&mut tx, &returned).await?;
    }
    record(&mut tx, &state, audit).await?;
    tx.commit().await?;
    Ok(state)
}

async fn review_in(
    conn: &mut AnyConnection,
    round_id: i64,
    id: i64,
    action: &Action,
    actor: &str,
) -> Result<State> {
    if matches!(action, Action::Save | Action::Submit) {
        return Err(MonitoringError::Refused(
            "Това не е действие на преглед.".into(),
        ));
    }
    let from = current(&mut *conn, round_id, id).await?;
    let (to, step) = transition(from, action, true)?;
    let now = now_rfc3339();
    let reason = match action {
        Action::Return { reason } => Some(reason.trim().to_string()),
        _ => None,
    };
    let done = sqlx::query(
        "UPDATE round_updates SET state = $1, updated_at = $2, \
         return_reason = CASE WHEN $3 = 1 THEN $4 ELSE return_reason END, \
         approved_at = CASE WHEN $5 = 1 THEN $2 ELSE approved_at END \
         WHERE id = $6 AND state = $7",
    )
    .bind(to.code())
    .bind(&now)
    .bind(i64::from(reason.is_some()))
    .bind(reason.as_deref())
    .bind(i64::from(to == State::Approved))
    .bind(id)
    .bind(from.code())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(MonitoringError::Refused(
            "Отчетът беше променен междувременно; отворете го отново.".into(),
        ));
    }
    let s = NewStep {
        step,
        from,
        to,
        actor,
        reason: reason.as_deref(),
        at: &now,
    };
    record_step(conn, id, s).await?;
    Ok(to)
}

/// Approves every listed update of the round that awaits review; returns how many.
pub async fn bulk_approve(
    db: &Db,
    round_id: i64,
    ids: &[i64],
    actor: &str,
    audit: impl Audit<usize>,
) -> Result<usize> {
    let mut tx = db.pool.begin().await?;
    let mut n = 0;
    for id in ids {
        match review_in(&mut tx, round_id, *id, &Action::Approve, actor).await {
            Ok(_) => n += 1,
            Err(MonitoringError::Workflow(WorkflowError::NotSubmitted)) => {}
            Err(e) => return Err(e),
        }
    }
    record(&mut tx, &n, audit).await?;
    tx.commit().await?;
    Ok(n)
}

/// One step in an update's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Step {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    pub reason: Option<String>,
    pub at: String,
}

pub async fn history(db: &Db, update_id: i64) -> Result<Vec<Step>> {
    Ok(sqlx::query_as(
        "SELECT action, from_state, to_state, actor, reason, at FROM update_history \
         WHERE update_id = $1 ORDER BY id",
    )
    .bind(update_id)
    .fetch_all(&db.pool)
    .await?)
}
