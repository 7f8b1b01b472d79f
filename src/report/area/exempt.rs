//! Districts marked as not reporting for a year, with a reason (table `district_exemptions`,
//! migration 0017): the national report is approved once every district with municipal plans
//! in force has an adopted report or such a mark, as a district's waits for its
//! municipalities (`overview::store::exempt`). Each change records its audit event naming the
//! district's row, in its transaction.

use super::store::owner_row;
use crate::audit::{Actor, Event};
use crate::db::Db;
use crate::plan::store::StoreError;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// The districts marked as not reporting in `year`: district code → reason.
pub async fn exemptions(db: &Db, year: i32) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT district_code, reason FROM district_exemptions WHERE year = $1")
            .bind(i64::from(year))
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().collect())
}

async fn reason_of(
    conn: &mut AnyConnection,
    code: &str,
    year: i32,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT reason FROM district_exemptions WHERE district_code = $1 AND year = $2",
    )
    .bind(code)
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?)
}

/// Marks the district `code` as not reporting in `year` for `reason` (replacing an earlier
/// reason).
pub async fn exempt(
    conn: &mut AnyConnection,
    code: &str,
    year: i32,
    reason: &str,
    user_id: i64,
    actor: &Actor,
) -> Result<(), StoreError> {
    let before = reason_of(conn, code, year).await?;
    sqlx::query(
        "INSERT INTO district_exemptions (district_code, year, reason, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (district_code, year) \
         DO UPDATE SET reason = excluded.reason, recorded_by = excluded.recorded_by, \
         recorded_at = excluded.recorded_at",
    )
    .bind(code)
    .bind(i64::from(year))
    .bind(reason)
    .bind(user_id)
    .bind(crate::dates::now_rfc3339())
    .execute(&mut *conn)
    .await?;
    let owner = owner_row(conn, code).await?;
    Event::new(actor.clone(), "reporting.exempt_district", "district", code)
        .municipality(owner)
        .before(&before.map(|r| serde_json::json!({ "district": code, "year": year, "reason": r })))
        .after(&serde_json::json!({ "district": code, "year": year, "reason": reason }))
        .record(&mut *conn)
        .await?;
    Ok(())
}

/// Lifts the mark of district `code` for `year`; `false` when there was none.
pub async fn lift(
    conn: &mut AnyConnection,
    code: &str,
    year: i32,
    actor: &Actor,
) -> Result<bool, StoreError> {
    let Some(reason) = reason_of(conn, code, year).await? else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM district_exemptions WHERE district_code = $1 AND year = $2")
        .bind(code)
        .bind(i64::from(year))
        .execute(&mut *conn)
        .await?;
    let owner = owner_row(conn, code).await?;
    Event::new(actor.clone(), "reporting.lift_district", "district", code)
        .municipality(owner)
        .before(&serde_json::json!({ "district": code, "year": year, "reason": reason }))
        .record(&mut *conn)
        .await?;
    Ok(true)
}
