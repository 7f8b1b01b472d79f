//! Storage of rounds and their assignments (here), updates (one per assigned measure and
//! institution) with their history and review (`updates.rs`), and evidence (`evidence.rs`).
//! Every change happens in one transaction with its history row and its audit event.

mod evidence;
mod updates;

pub use evidence::{EvidenceRow, add_evidence, evidence, save_with_evidence};
pub use updates::{
    Step, UpdateRow, bulk_approve, get_update, history, review, save_many, save_update, updates,
};

use super::{RoundState, WorkflowError};
use crate::audit::Event;
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::policy;
use crate::registry::{RegistryKind, store as registry};
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

/// `district` is the code of the district the municipality belonged to in the round's year.
const ROUND_SELECT: &str = concat!(
    "SELECT r.id, r.plan_id, p.title AS plan_title, p.municipality_id, mu.name AS municipality, ",
    crate::district_code_sql!("r.year"),
    " AS district, r.year, r.plan_version, r.deadline, r.state, r.opened_at, r.closed_at \
     FROM rounds r JOIN plans p ON p.id = r.plan_id JOIN municipalities mu ON mu.id = p.municipality_id"
);

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

/// Opens a round for `year` over the plan version in force in that year, assigning every
/// measure that runs in that year (or gives no period) to each of its responsible institutions.
pub async fn open_round(
    db: &Db,
    plan_id: i64,
    year: i32,
    deadline: Option<&str>,
    audit: impl Audit<i64>,
) -> Result<i64> {
    // The version in force in the year (issue 15): measures added during it are asked for,
    // dropped ones are not.
    let (version, plan) = crate::plan::store::plan_for_year(db, plan_id, year)
        .await?
        .ok_or_else(|| MonitoringError::NotFound(format!("Няма план с номер {plan_id}.")))?;
    if !plan.period.contains(year) {
        return Err(MonitoringError::Refused(format!(
            "Планът обхваща {}–{} г.; за {year} г. не може да се отвори отчетен кръг.",
            plan.period.from, plan.period.to
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
    .bind(version)
    .bind(deadline)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let mut pairs = Vec::new();
    for (position, m) in plan.measures().enumerate() {
        let p = m.period.as_ref();
        if p.and_then(|p| p.from).is_some_and(|f| f > year)
            || p.and_then(|p| p.to).is_some_and(|t| t < year)
        {
            continue;
        }
        for name in &m.institutions {
            let institution_id =
                registry::resolve(&mut tx, RegistryKind::Institution, name).await?;
            pairs.push((position, institution_id, m.key.as_str()));
        }
    }
    pairs.sort();
    pairs.dedup();
    for (_, institution_id, key) in pairs {
        insert_assignment(&mut tx, round_id, key, institution_id, &now).await?;
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
