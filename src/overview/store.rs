//! The facts behind the standings of a year: municipal plans in force by official code, their
//! rounds (open with reports received / expected, or closed), their annual reports.

use super::{PlanFacts, UpLinks};
use crate::db::Db;
use crate::plan::store::StoreError;
use std::collections::HashMap;

/// Municipality code → (plan id, title) of each municipal plan in force in `year`.
pub async fn plans_in_force(
    db: &Db,
    year: i32,
) -> Result<HashMap<String, Vec<(i64, String)>>, StoreError> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT mu.code, p.id, p.title FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE p.level = 'municipal' AND mu.code IS NOT NULL AND p.period_from <= $1 AND p.period_to >= $1 \
         ORDER BY p.id",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    let mut out: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for (code, id, title) in rows {
        out.entry(code).or_default().push((id, title));
    }
    Ok(out)
}

/// Plan id → what is known about its round and report of `year`.
pub async fn plan_facts(db: &Db, year: i32) -> Result<HashMap<i64, PlanFacts>, StoreError> {
    let y = i64::from(year);
    let mut out: HashMap<i64, PlanFacts> = HashMap::new();
    let open: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT r.plan_id, \
         (SELECT COUNT(*) FROM round_updates u WHERE u.round_id = r.id \
          AND u.state IN ('submitted', 'returned', 'resubmitted', 'approved')), \
         (SELECT COUNT(*) FROM round_updates u WHERE u.round_id = r.id) \
         FROM rounds r WHERE r.year = $1 AND r.state = 'open'",
    )
    .bind(y)
    .fetch_all(&db.pool)
    .await?;
    for (plan, received, expected) in open {
        out.entry(plan).or_default().open_round = Some((received, expected));
    }
    let closed: Vec<i64> =
        sqlx::query_scalar("SELECT plan_id FROM round_snapshots WHERE year = $1")
            .bind(y)
            .fetch_all(&db.pool)
            .await?;
    for plan in closed {
        out.entry(plan).or_default().closed = true;
    }
    let reports: Vec<(i64, String)> = sqlx::query_as(
        "SELECT plan_id, state FROM annual_reports WHERE year = $1 AND state IN ('adopted', 'published')",
    )
    .bind(y)
    .fetch_all(&db.pool)
    .await?;
    for (plan, state) in reports {
        let f = out.entry(plan).or_default();
        if f.report.as_deref() != Some("published") {
            f.report = Some(state);
        }
    }
    Ok(out)
}

/// The latest year with a closed round, if any.
pub async fn latest_year(db: &Db) -> Result<Option<i32>, StoreError> {
    let y: Option<i64> = sqlx::query_scalar("SELECT MAX(year) FROM round_snapshots")
        .fetch_one(&db.pool)
        .await?;
    Ok(y.and_then(|y| i32::try_from(y).ok()))
}

/// The district (in force today) and the official code of the owner of plan `plan_id`; `None`
/// for the nation's plan or an owner outside the administrative tree.
pub async fn up_links(db: &Db, plan_id: i64) -> Result<Option<UpLinks>, StoreError> {
    let row: Option<(Option<String>, String, Option<String>)> = sqlx::query_as(concat!(
        "SELECT mu.code, mu.level, ",
        crate::district_code_sql!(now),
        " FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id WHERE p.id = $1"
    ))
    .bind(plan_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((code, level, Some(district))) = row else {
        return Ok(None);
    };
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM districts WHERE code = $1")
        .bind(&district)
        .fetch_optional(&db.pool)
        .await?;
    Ok(name.map(|district_name| UpLinks {
        municipality_code: code.filter(|_| level == "municipal"),
        district_code: district,
        district_name,
    }))
}

/// The municipalities marked as not reporting in `year`: official code → reason.
pub async fn exemptions(db: &Db, year: i32) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT municipality_code, reason FROM reporting_exemptions WHERE year = $1",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Marks the municipality `code` as not reporting in `year` for `reason` (replacing an
/// earlier reason), with its audit event; `municipality` is its row, when it has one.
pub async fn exempt(
    conn: &mut sqlx::AnyConnection,
    code: &str,
    municipality: Option<i64>,
    year: i32,
    reason: &str,
    user_id: i64,
    actor: &crate::audit::Actor,
) -> Result<(), StoreError> {
    let before: Option<String> = sqlx::query_scalar(
        "SELECT reason FROM reporting_exemptions WHERE municipality_code = $1 AND year = $2",
    )
    .bind(code)
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO reporting_exemptions (municipality_code, year, reason, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (municipality_code, year) \
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
    crate::audit::Event::new(
        actor.clone(),
        "reporting.exempt",
        "municipality",
        municipality.unwrap_or(0),
    )
    .municipality(municipality)
    .before(&before.map(|r| serde_json::json!({ "code": code, "year": year, "reason": r })))
    .after(&serde_json::json!({ "code": code, "year": year, "reason": reason }))
    .record(&mut *conn)
    .await?;
    Ok(())
}

/// Lifts the mark of `code` for `year`; `false` when there was none.
pub async fn lift_exemption(
    conn: &mut sqlx::AnyConnection,
    code: &str,
    municipality: Option<i64>,
    year: i32,
    actor: &crate::audit::Actor,
) -> Result<bool, StoreError> {
    let before: Option<String> = sqlx::query_scalar(
        "SELECT reason FROM reporting_exemptions WHERE municipality_code = $1 AND year = $2",
    )
    .bind(code)
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(reason) = before else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM reporting_exemptions WHERE municipality_code = $1 AND year = $2")
        .bind(code)
        .bind(i64::from(year))
        .execute(&mut *conn)
        .await?;
    crate::audit::Event::new(
        actor.clone(),
        "reporting.lift",
        "municipality",
        municipality.unwrap_or(0),
    )
    .municipality(municipality)
    .before(&serde_json::json!({ "code": code, "year": year, "reason": reason }))
    .record(&mut *conn)
    .await?;
    Ok(true)
}

/// The row of the municipality with the official code `code`, if it has one.
pub async fn municipality_row(db: &Db, code: &str) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM municipalities WHERE code = $1 AND level = 'municipal'")
            .bind(code)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// What staff see of a plan in the year beyond the public standing: its round of the year and
/// the state of the latest version of its annual report, whatever the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffFacts {
    pub round: Option<i64>,
    pub report: Option<(i64, String)>,
}

/// Plan id → its round and latest report of `year`.
pub async fn staff_facts(db: &Db, year: i32) -> Result<HashMap<i64, StaffFacts>, StoreError> {
    let y = i64::from(year);
    let mut out: HashMap<i64, StaffFacts> = HashMap::new();
    let rounds: Vec<(i64, i64)> =
        sqlx::query_as("SELECT plan_id, id FROM rounds WHERE year = $1 ORDER BY id")
            .bind(y)
            .fetch_all(&db.pool)
            .await?;
    for (plan, id) in rounds {
        out.entry(plan).or_default().round = Some(id);
    }
    let reports: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT plan_id, id, state FROM annual_reports WHERE year = $1 ORDER BY version",
    )
    .bind(y)
    .fetch_all(&db.pool)
    .await?;
    for (plan, id, state) in reports {
        out.entry(plan).or_default().report = Some((id, state));
    }
    Ok(out)
}
