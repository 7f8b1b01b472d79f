//! Storage of frozen rounds: one `RoundSnapshot` JSON document per plan and year in
//! `round_snapshots`. Reporting writes it when a round closes; analytics and the annual report
//! read it back.

use super::{RoundSnapshot, SNAPSHOT_FORMAT_V1};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::plan::store::StoreError;
use sqlx::{Any, Executor};

/// Where a stored snapshot came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A reporting round that was closed.
    Round,
    /// The generated demo round (`snapshot::sample`); a closed round replaces it.
    Sample,
}

impl Origin {
    pub fn code(self) -> &'static str {
        match self {
            Origin::Round => "round",
            Origin::Sample => "sample",
        }
    }

    fn from_code(code: &str) -> Origin {
        match code {
            "sample" => Origin::Sample,
            _ => Origin::Round,
        }
    }
}

/// A snapshot as stored.
#[derive(Debug, Clone)]
pub struct StoredSnapshot {
    pub id: i64,
    pub origin: Origin,
    /// When it was written (RFC 3339).
    pub created_at: String,
    pub snapshot: RoundSnapshot,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    origin: String,
    created_at: String,
    body: String,
}

impl Row {
    fn into_stored(self) -> Result<StoredSnapshot, StoreError> {
        let snapshot: RoundSnapshot = serde_json::from_str(&self.body).map_err(|e| {
            StoreError::Corrupt(format!("снимка на отчетен период {}: {e}", self.id))
        })?;
        Ok(StoredSnapshot {
            id: self.id,
            origin: Origin::from_code(&self.origin),
            created_at: self.created_at,
            snapshot,
        })
    }
}

fn body_of(snap: &RoundSnapshot) -> Result<String, StoreError> {
    if snap.format != SNAPSHOT_FORMAT_V1 {
        return Err(StoreError::Corrupt(format!(
            "снимката на отчетния период е във формат „{}“, очаква се „{SNAPSHOT_FORMAT_V1}“",
            snap.format
        )));
    }
    serde_json::to_string(snap).map_err(|e| StoreError::Corrupt(e.to_string()))
}

macro_rules! insert_sql {
    ($on_conflict:literal) => {
        concat!(
            "INSERT INTO round_snapshots \
             (plan_id, year, plan_version, closed_at, origin, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (plan_id, year) ",
            $on_conflict
        )
    };
}

/// Saves the snapshot of a closed round and returns its id. A snapshot already stored for the
/// same plan and year (a sample, or an earlier closing of a reopened round) is replaced and
/// keeps its id. Pass `&db.pool`, or `&mut *tx` to save inside the transaction that closes the
/// round.
pub async fn save_snapshot<'c, E>(conn: E, snap: &RoundSnapshot) -> Result<i64, StoreError>
where
    E: Executor<'c, Database = Any>,
{
    let body = body_of(snap)?;
    let sql = insert_sql!(
        "DO UPDATE SET plan_version = excluded.plan_version, \
         closed_at = excluded.closed_at, origin = excluded.origin, body = excluded.body, \
         created_at = excluded.created_at RETURNING id"
    );
    let id = sqlx::query_scalar(sql)
        .bind(snap.plan_id)
        .bind(i64::from(snap.year))
        .bind(snap.plan_version)
        .bind(snap.closed_at.as_deref())
        .bind(Origin::Round.code())
        .bind(body)
        .bind(now_rfc3339())
        .fetch_one(conn)
        .await?;
    Ok(id)
}

/// Saves a generated sample round unless a snapshot for the plan and year exists already.
/// Returns the new id, or `None` when something was there.
pub async fn save_sample_snapshot(
    db: &Db,
    snap: &RoundSnapshot,
) -> Result<Option<i64>, StoreError> {
    save_sample_snapshot_in(&db.pool, snap).await
}

/// [`save_sample_snapshot`] on the caller's connection or transaction (generated data).
pub async fn save_sample_snapshot_in<'c, E>(
    conn: E,
    snap: &RoundSnapshot,
) -> Result<Option<i64>, StoreError>
where
    E: Executor<'c, Database = Any>,
{
    let body = body_of(snap)?;
    let sql = insert_sql!("DO NOTHING RETURNING id");
    let id = sqlx::query_scalar(sql)
        .bind(snap.plan_id)
        .bind(i64::from(snap.year))
        .bind(snap.plan_version)
        .bind(snap.closed_at.as_deref())
        .bind(Origin::Sample.code())
        .bind(body)
        .bind(now_rfc3339())
        .fetch_optional(conn)
        .await?;
    Ok(id)
}

/// The snapshot of a plan's round for a year, if that round was closed.
pub async fn load_snapshot(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Option<StoredSnapshot>, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, origin, created_at, body FROM round_snapshots WHERE plan_id = $1 AND year = $2",
    )
    .bind(plan_id)
    .bind(i64::from(year))
    .fetch_optional(&db.pool)
    .await?;
    row.map(Row::into_stored).transpose()
}

/// Every closed round of a plan, oldest year first (for year-on-year comparison).
pub async fn list_snapshots(db: &Db, plan_id: i64) -> Result<Vec<StoredSnapshot>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, origin, created_at, body FROM round_snapshots WHERE plan_id = $1 ORDER BY year",
    )
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(Row::into_stored).collect()
}

/// The years with a closed round, per plan, for every plan (for lists and links).
pub async fn snapshot_years(db: &Db) -> Result<Vec<(i64, i32)>, StoreError> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT plan_id, year FROM round_snapshots ORDER BY plan_id, year")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(p, y)| (p, i32::try_from(y).unwrap_or_default()))
        .collect())
}
