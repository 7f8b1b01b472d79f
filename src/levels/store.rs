//! Plan levels in the database (migration 0010): owner rows for districts and the nation in
//! `municipalities` (level, code = district code or `BG`), a plan's level, parents and demo
//! flag, and the links of measures to their parent plan. Every change records its audit event
//! in its transaction.

use super::{Level, NATION_CODE, Suggestion};
use crate::audit::{Actor, Event};
use crate::plan::Plan;
use crate::plan::store::StoreError;
use crate::territory::District;
use sqlx::AnyConnection;

/// The owner row of a district's or the nation's plans, made when missing; returns its name
/// (plans name their owner by it, as municipal plans name their municipality).
pub async fn ensure_owner(
    conn: &mut AnyConnection,
    district: Option<&District>,
) -> Result<String, StoreError> {
    let (level, code, name, slug) = match district {
        Some(d) => (
            Level::District,
            d.code.clone(),
            format!("Област {}", d.name),
            format!("oblast-{}", d.code.to_lowercase()),
        ),
        None => (
            Level::National,
            NATION_CODE.to_string(),
            "Република България".to_string(),
            "balgaria".to_string(),
        ),
    };
    let known: Option<String> =
        sqlx::query_scalar("SELECT name FROM municipalities WHERE code = $1")
            .bind(&code)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(name) = known {
        return Ok(name);
    }
    sqlx::query(
        "INSERT INTO municipalities (name, slug, district, created_at, code, level) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&name)
    .bind(slug)
    .bind(district.map(|d| d.name.clone()))
    .bind(crate::dates::now_rfc3339())
    .bind(&code)
    .bind(level.code())
    .execute(&mut *conn)
    .await?;
    Ok(name)
}

/// Stores a district's (`Some`) or the nation's (`None`) plan under its owner; returns its id.
pub async fn create_level_plan(
    conn: &mut AnyConnection,
    district: Option<&District>,
    plan: &Plan,
    note: Option<&str>,
    actor: &Actor,
) -> Result<i64, StoreError> {
    let owner = ensure_owner(conn, district).await?;
    let mut plan = plan.clone();
    plan.municipality = owner;
    let id = crate::plan::store::create_plan_in(conn, &plan, note).await?;
    let level = if district.is_some() {
        Level::District
    } else {
        Level::National
    };
    sqlx::query("UPDATE plans SET level = $1 WHERE id = $2")
        .bind(level.code())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let owner = owner_of(conn, id).await?;
    Event::new(actor.clone(), "plan.level", "plan", id)
        .municipality(owner)
        .after(&serde_json::json!({ "level": level.code() }))
        .record(&mut *conn)
        .await?;
    Ok(id)
}

/// A plan's level, its parents and whether it is demo data.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanLevel {
    pub level: String,
    pub district_plan_id: Option<i64>,
    pub national_plan_id: Option<i64>,
    pub demo: i64,
}

pub async fn plan_level(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<Option<PlanLevel>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT level, district_plan_id, national_plan_id, demo FROM plans WHERE id = $1",
    )
    .bind(plan_id)
    .fetch_optional(conn)
    .await?)
}

/// The owner row (municipality, district or nation) of a plan: what its audit events name.
async fn owner_of(conn: &mut AnyConnection, plan_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Names the plans a plan implements, and marks generated plans as demo data.
pub async fn set_parents(
    conn: &mut AnyConnection,
    plan_id: i64,
    district_plan: Option<i64>,
    national_plan: Option<i64>,
    demo: bool,
    actor: &Actor,
) -> Result<(), StoreError> {
    let before = plan_level(conn, plan_id).await?;
    sqlx::query(
        "UPDATE plans SET district_plan_id = $1, national_plan_id = $2, demo = $3 WHERE id = $4",
    )
    .bind(district_plan)
    .bind(national_plan)
    .bind(i64::from(demo))
    .bind(plan_id)
    .execute(&mut *conn)
    .await?;
    let owner = owner_of(conn, plan_id).await?;
    Event::new(actor.clone(), "plan.parents", "plan", plan_id)
        .municipality(owner)
        .before(&before.map(|b| (b.district_plan_id, b.national_plan_id, b.demo)))
        .after(&(district_plan, national_plan, demo))
        .record(&mut *conn)
        .await?;
    Ok(())
}

/// Stores suggested links of a plan's measures to its parent plan (ones decided before stay).
pub async fn save_suggestions(
    conn: &mut AnyConnection,
    plan_id: i64,
    parent_plan_id: i64,
    suggestions: &[Suggestion],
    actor: &Actor,
) -> Result<usize, StoreError> {
    let mut added = 0;
    for s in suggestions {
        let done = sqlx::query(
            "INSERT INTO measure_links (plan_id, measure_key, parent_plan_id, parent_kind, \
             parent_ref, state, score) VALUES ($1, $2, $3, $4, $5, 'suggested', $6) \
             ON CONFLICT (plan_id, measure_key, parent_plan_id, parent_kind, parent_ref) DO NOTHING",
        )
        .bind(plan_id)
        .bind(&s.measure_key)
        .bind(parent_plan_id)
        .bind(s.target.kind())
        .bind(s.target.reference())
        .bind(s.score)
        .execute(&mut *conn)
        .await?;
        added += done.rows_affected() as usize;
    }
    let owner = owner_of(conn, plan_id).await?;
    Event::new(actor.clone(), "measure_link.suggest", "plan", plan_id)
        .municipality(owner)
        .after(&serde_json::json!({ "parent_plan_id": parent_plan_id, "added": added }))
        .record(&mut *conn)
        .await?;
    Ok(added)
}

/// A coordinator's decision on a suggested link: confirmed or rejected. `false` when there is
/// no such link of that plan.
pub async fn decide(
    conn: &mut AnyConnection,
    plan_id: i64,
    link_id: i64,
    confirm: bool,
    user_id: Option<i64>,
    actor: &Actor,
) -> Result<bool, StoreError> {
    let state = if confirm { "confirmed" } else { "rejected" };
    let done = sqlx::query(
        "UPDATE measure_links SET state = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND plan_id = $5",
    )
    .bind(state)
    .bind(user_id)
    .bind(crate::dates::now_rfc3339())
    .bind(link_id)
    .bind(plan_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let owner = owner_of(conn, plan_id).await?;
    Event::new(
        actor.clone(),
        &format!(
            "measure_link.{}",
            if confirm { "confirm" } else { "reject" }
        ),
        "measure_link",
        link_id,
    )
    .municipality(owner)
    .after(&serde_json::json!({ "plan_id": plan_id, "state": state }))
    .record(&mut *conn)
    .await?;
    Ok(true)
}

/// A stored link of a plan's measure to its parent plan.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub measure_key: String,
    pub parent_plan_id: i64,
    pub parent_kind: String,
    pub parent_ref: String,
    pub state: String,
    pub score: Option<f64>,
}

/// The links of a plan's measures, undecided ones first, then in measure order of storage.
pub async fn links(db: &crate::db::Db, plan_id: i64) -> Result<Vec<LinkRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, measure_key, parent_plan_id, parent_kind, parent_ref, state, score \
         FROM measure_links WHERE plan_id = $1 \
         ORDER BY CASE WHEN state = 'suggested' THEN 0 ELSE 1 END, id",
    )
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A plan that may be named as a parent: its id, title and period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub title: String,
    pub period_from: i64,
    pub period_to: i64,
}

/// The plans of `level` a plan may implement: the national plans, or the plans of the district
/// `district` (its ЕКАТТЕ code). Newest period first.
pub async fn candidates(
    db: &crate::db::Db,
    level: Level,
    district: Option<&str>,
) -> Result<Vec<Candidate>, StoreError> {
    let code = match (level, district) {
        (Level::National, _) => NATION_CODE,
        (Level::District, Some(d)) => d,
        _ => return Ok(Vec::new()),
    };
    Ok(sqlx::query_as(
        "SELECT p.id, p.title, p.period_from, p.period_to FROM plans p \
         JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE p.level = $1 AND mu.code = $2 ORDER BY p.period_to DESC, p.id DESC",
    )
    .bind(level.code())
    .bind(code)
    .fetch_all(&db.pool)
    .await?)
}
