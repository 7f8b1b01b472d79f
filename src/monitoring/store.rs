//! Storage of rounds, updates (one per assigned measure and institution), their history and
//! evidence. Every change of an update happens in one transaction with its history row.

use super::{Action, RoundState, State, UpdateInput, WorkflowError, transition};
use crate::audit::Event;
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::policy;
use crate::registry::{RegistryKind, name_key, store as registry};
use crate::snapshot::{Evidence, IndicatorValue, ReportedStatus, Spent};
use sqlx::AnyConnection;

/// What the audit log says about a change, given its outcome; `None` for changes nobody made
/// (the demo data). The store records it inside the change's transaction, so the change and its
/// event are kept together or not at all.
pub trait Audit<T>: FnOnce(&T) -> Option<Event> + Send {}
impl<T, F: FnOnce(&T) -> Option<Event> + Send> Audit<T> for F {}

/// No audit event (demo data, store tests).
pub fn unaudited<T>(_: &T) -> Option<Event> {
    None
}

/// Records the event `audit` makes of `outcome` on the change's transaction.
pub async fn record<T>(
    conn: &mut AnyConnection,
    outcome: &T,
    audit: impl Audit<T>,
) -> sqlx::Result<()> {
    if let Some(event) = audit(outcome) {
        event.record(conn).await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum MonitoringError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Plan(#[from] crate::plan::store::StoreError),
    #[error("повредени данни в базата: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
}

type Result<T> = std::result::Result<T, MonitoringError>;

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn parse_json<T: for<'de> serde::Deserialize<'de>>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| MonitoringError::Corrupt(format!("{what}: {e}")))
}

/// A round with what pages need about its plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub district: Option<String>,
    pub year: i64,
    pub plan_version: i64,
    pub deadline: Option<String>,
    pub state: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

impl RoundRow {
    /// The round as the policy sees it.
    pub fn record(&self) -> policy::Round {
        policy::Round {
            id: self.id,
            place: policy::Place::new(self.municipality_id, self.district.clone()),
        }
    }

    pub fn is_open(&self) -> bool {
        RoundState::from_code(&self.state) == Some(RoundState::Open)
    }
}

const ROUND_SELECT: &str = "SELECT r.id, r.plan_id, p.title AS plan_title, p.municipality_id, \
     mu.name AS municipality, mu.district, r.year, r.plan_version, r.deadline, r.state, r.opened_at, r.closed_at \
     FROM rounds r JOIN plans p ON p.id = r.plan_id JOIN municipalities mu ON mu.id = p.municipality_id";

pub async fn get_round(db: &Db, id: i64) -> Result<Option<RoundRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROUND_SELECT} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn rounds_of_plan(db: &Db, plan_id: i64) -> Result<Vec<RoundRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROUND_SELECT} WHERE r.plan_id = $1 ORDER BY r.year DESC"
    )))
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Opens a round for `year` over the plan as it is now, assigning every measure that runs in
/// that year (or gives no period) to each of its responsible institutions.
pub async fn open_round(
    db: &Db,
    plan_id: i64,
    year: i32,
    deadline: Option<&str>,
    audit: impl Audit<i64>,
) -> Result<i64> {
    let sp = crate::plan::store::load_plan(db, plan_id)
        .await?
        .ok_or_else(|| MonitoringError::NotFound(format!("Няма план с номер {plan_id}.")))?;
    if !sp.plan.period.contains(year) {
        return Err(MonitoringError::Refused(format!(
            "Планът обхваща {}–{} г.; за {year} г. не може да се отвори отчетен кръг.",
            sp.plan.period.from, sp.plan.period.to
        )));
    }
    let mut tx = db.pool.begin().await?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM rounds WHERE plan_id = $1 AND year = $2")
            .bind(plan_id)
            .bind(i64::from(year))
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_some() {
        return Err(MonitoringError::Refused(format!(
            "За {year} г. вече има отчетен кръг по този план."
        )));
    }
    let now = now_rfc3339();
    let round_id: i64 = sqlx::query_scalar(
        "INSERT INTO rounds (plan_id, year, plan_version, deadline, state, opened_at) \
         VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
    )
    .bind(plan_id)
    .bind(i64::from(year))
    .bind(sp.version)
    .bind(deadline)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let pairs: Vec<(String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT DISTINCT m.key, mi.institution_id, m.period_from, m.period_to, m.position \
         FROM measures m JOIN measure_institutions mi ON mi.measure_id = m.id \
         WHERE m.plan_id = $1 ORDER BY m.position, mi.institution_id",
    )
    .bind(plan_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(k, i, f, t, _p): (String, i64, Option<i64>, Option<i64>, i64)| (k, i, f, t))
    .collect();
    let y = i64::from(year);
    for (key, institution_id, from, to) in pairs {
        if from.is_some_and(|f| f > y) || to.is_some_and(|t| t < y) {
            continue;
        }
        insert_assignment(&mut tx, round_id, &key, institution_id, &now).await?;
    }
    record(&mut tx, &round_id, audit).await?;
    tx.commit().await?;
    Ok(round_id)
}

async fn insert_assignment(
    conn: &mut AnyConnection,
    round_id: i64,
    measure_key: &str,
    institution_id: i64,
    now: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO round_updates (round_id, measure_key, institution_id, state, updated_at) \
         VALUES ($1, $2, $3, 'not_received', $4) \
         ON CONFLICT (round_id, measure_key, institution_id) DO NOTHING",
    )
    .bind(round_id)
    .bind(measure_key)
    .bind(institution_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Assigns a measure of the round's plan to an institution named as written (looked up in the
/// registry, added when new).
pub async fn add_assignment(
    db: &Db,
    round: &RoundRow,
    measure_key: &str,
    institution: &str,
    audit: impl Audit<i64>,
) -> Result<()> {
    if !round.is_open() {
        return Err(WorkflowError::RoundClosed.into());
    }
    if institution.trim().is_empty() {
        return Err(MonitoringError::Refused("Посочете институцията.".into()));
    }
    let mut tx = db.pool.begin().await?;
    let known: Option<i64> =
        sqlx::query_scalar("SELECT id FROM measures WHERE plan_id = $1 AND key = $2")
            .bind(round.plan_id)
            .bind(measure_key)
            .fetch_optional(&mut *tx)
            .await?;
    if known.is_none() {
        return Err(MonitoringError::Refused(format!(
            "В плана няма мярка „{measure_key}“."
        )));
    }
    let institution_id = registry::resolve(&mut tx, RegistryKind::Institution, institution).await?;
    if !insert_assignment(
        &mut tx,
        round.id,
        measure_key,
        institution_id,
        &now_rfc3339(),
    )
    .await?
    {
        return Err(MonitoringError::Refused(
            "Тази институция вече отчита тази мярка.".into(),
        ));
    }
    record(&mut tx, &institution_id, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes an assignment; only while nothing has been reported on it.
pub async fn remove_assignment(
    db: &Db,
    round: &RoundRow,
    update_id: i64,
    audit: impl Audit<i64>,
) -> Result<()> {
    if !round.is_open() {
        return Err(WorkflowError::RoundClosed.into());
    }
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "DELETE FROM round_updates WHERE id = $1 AND round_id = $2 AND state = 'not_received'",
    )
    .bind(update_id)
    .bind(round.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(MonitoringError::Refused(
            "Може да се премахне само задача, по която още няма отчет.".into(),
        ));
    }
    record(&mut tx, &update_id, audit).await?;
    tx.commit().await?;
    Ok(())
}

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
async fn current(conn: &mut AnyConnection, round_id: i64, id: i64) -> Result<State> {
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
    record(&mut tx, &items.len(), audit).await?;
    tx.commit().await?;
    Ok(items.len())
}

async fn save_in(
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

/// A piece of evidence as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: i64,
    pub update_id: i64,
    pub title: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    pub stored_path: Option<String>,
}

impl EvidenceRow {
    pub fn to_snapshot(&self) -> Evidence {
        Evidence {
            title: self.title.clone(),
            url: self.url.clone(),
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size: self.size.and_then(|s| u64::try_from(s).ok()),
            sha256: self.sha256.clone(),
        }
    }
}

/// Adds evidence to an update that can still be edited.
pub async fn add_evidence(
    db: &Db,
    round_id: i64,
    update_id: i64,
    e: &Evidence,
    stored_path: Option<&str>,
    audit: impl Audit<i64>,
) -> Result<i64> {
    let mut tx = db.pool.begin().await?;
    let state = current(&mut tx, round_id, update_id).await?;
    if !state.is_editable() {
        return Err(WorkflowError::Locked("подаден или одобрен").into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO update_evidence (update_id, title, url, file_name, media_type, size, sha256, \
         stored_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(update_id)
    .bind(&e.title)
    .bind(&e.url)
    .bind(&e.file_name)
    .bind(&e.media_type)
    .bind(e.size.and_then(|s| i64::try_from(s).ok()))
    .bind(&e.sha256)
    .bind(stored_path)
    .bind(now_rfc3339())
    .fetch_one(&mut *tx)
    .await?;
    record(&mut tx, &id, audit).await?;
    tx.commit().await?;
    Ok(id)
}

/// Evidence of the round's updates (of one update when given).
pub async fn evidence(db: &Db, round_id: i64, update_id: Option<i64>) -> Result<Vec<EvidenceRow>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.update_id, e.title, e.url, e.file_name, e.media_type, e.size, e.sha256, \
         e.stored_path FROM update_evidence e JOIN round_updates u ON u.id = e.update_id \
         WHERE u.round_id = $1 AND ($2 = 0 OR e.update_id = $2) ORDER BY e.id",
    )
    .bind(round_id)
    .bind(update_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?)
}
