//! Plan storage: a plan's tree in normalised tables (the source of truth for pages, search
//! and reporting) and every saved version as an immutable JSON document. Writing a plan is in
//! `write.rs`, reading the tree back in `load.rs`, the in-memory plan cache in `cache.rs`.

mod cache;
mod load;
mod versions;
mod write;

pub use cache::{Memo, PlanCache};
pub use load::load_plan;
pub use versions::{
    VersionInfo, act_file, in_force, in_force_in_year, load_in_force, plan_for_year, version_info,
    versions,
};
pub use write::{create_plan, create_plan_in, save_amendment_in, save_version, save_version_in};

use super::rules::{self, Counts};
use super::{Adoption, IndicatorKind, Plan, YearRange};
use crate::db::Db;
use crate::money::Currency;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the plan lists show without loading the tree; computed when a plan is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub priorities: usize,
    pub objectives: usize,
    pub measures: usize,
    pub indicators: usize,
    /// Planned money, qualified (per-unit) amounts excluded, in BGN minor units.
    pub planned_bgn_minor: i64,
    pub planned_eur_minor: i64,
    pub amounts: usize,
}

impl Summary {
    pub fn of(plan: &Plan) -> Summary {
        let Counts {
            priorities,
            objectives,
            measures,
            indicators,
        } = rules::counts(plan);
        let bgn = rules::plan_financing(plan, Currency::Bgn);
        let eur = rules::plan_financing(plan, Currency::Eur);
        Summary {
            priorities,
            objectives,
            measures,
            indicators,
            planned_bgn_minor: bgn.total.minor,
            planned_eur_minor: eur.total.minor,
            amounts: bgn.amounts,
        }
    }
}

/// A registry entry as linked from a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    pub name: String,
    pub slug: String,
}

/// A plan as stored, with what pages need to link it up.
#[derive(Debug, Clone)]
pub struct StoredPlan {
    pub id: i64,
    pub municipality_slug: String,
    pub version: i64,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
    pub plan: Plan,
    /// Registry entry of each institution name as written.
    pub institutions: HashMap<String, EntryRef>,
    /// Registry entry of each funding source as written.
    pub sources: HashMap<String, EntryRef>,
    /// Renderings of this revision (pages, JSON), built once and reused.
    pub memo: Memo,
}

/// One line of the plan lists (home page, API).
#[derive(Debug, Clone)]
pub struct PlanListItem {
    pub id: i64,
    pub municipality: String,
    pub municipality_slug: String,
    pub district: Option<String>,
    pub title: String,
    pub period: YearRange,
    pub adoption: Option<Adoption>,
    pub version: i64,
    pub updated_at: String,
    pub summary: Summary,
    /// "national", "district" or "municipal": the level of the plan's owner.
    pub level: String,
    /// Generated demo data (`planmon generate country`).
    pub demo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("повредени данни в базата: {0}")]
    Corrupt(String),
    /// The change does not fit the plan's state (e.g. an amendment dated before the last one).
    #[error("{0}")]
    Refused(String),
}

/// The adoption columns as a value: `None` when all are empty (the plan does not state it).
fn adoption_from(
    decision_number: Option<String>,
    protocol_number: Option<String>,
    date: Option<String>,
    body: Option<String>,
) -> Option<Adoption> {
    let a = Adoption {
        decision_number,
        protocol_number,
        date,
        body,
    };
    (a != Adoption::default()).then_some(a)
}

fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn from_json<T: for<'de> Deserialize<'de>>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn kind_code(k: IndicatorKind) -> &'static str {
    match k {
        IndicatorKind::Number => "number",
        IndicatorKind::Percent => "percent",
        IndicatorKind::YesNo => "yes_no",
        IndicatorKind::Text => "text",
    }
}

fn kind_from_code(code: &str) -> Option<IndicatorKind> {
    [
        IndicatorKind::Number,
        IndicatorKind::Percent,
        IndicatorKind::YesNo,
        IndicatorKind::Text,
    ]
    .into_iter()
    .find(|k| kind_code(*k) == code)
}

/// The plan's revision, which changes on every save; `None` when there is no such plan.
pub async fn revision(db: &Db, id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT revision FROM plans WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Where a plan belongs (its municipality and district), as the policy needs it; `None` when
/// there is no plan with this id.
pub async fn place(db: &Db, plan_id: i64) -> Result<Option<crate::policy::Place>, StoreError> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(concat!(
        "SELECT p.municipality_id, ",
        crate::district_code_sql!(now),
        " FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id WHERE p.id = $1"
    ))
    .bind(plan_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(m, d)| crate::policy::Place::new(m, d)))
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    municipality: String,
    municipality_slug: String,
    district: Option<String>,
    title: String,
    period_from: i64,
    period_to: i64,
    adoption_decision: Option<String>,
    adoption_protocol: Option<String>,
    adoption_date: Option<String>,
    adoption_body: Option<String>,
    version: i64,
    updated_at: String,
    summary: String,
    level: String,
    demo: i64,
}

/// All plans: the nation's, then the districts', then the municipalities', each by owner and
/// newest period first.
pub async fn list_plans(db: &Db) -> Result<Vec<PlanListItem>, StoreError> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT p.id, mu.name AS municipality, mu.slug AS municipality_slug, mu.district, p.title, \
                p.period_from, p.period_to, p.adoption_decision, p.adoption_protocol, p.adoption_date, \
                p.adoption_body, p.version, p.updated_at, p.summary, mu.level, p.demo \
         FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         ORDER BY CASE mu.level WHEN 'national' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, \
                  mu.name, p.period_from DESC, p.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let adoption = adoption_from(
                r.adoption_decision,
                r.adoption_protocol,
                r.adoption_date,
                r.adoption_body,
            );
            Ok(PlanListItem {
                id: r.id,
                municipality: r.municipality,
                municipality_slug: r.municipality_slug,
                district: r.district,
                title: r.title,
                period: YearRange {
                    from: r.period_from as i32,
                    to: r.period_to as i32,
                },
                adoption,
                version: r.version,
                updated_at: r.updated_at,
                summary: from_json(&r.summary, "summary")?,
                level: r.level,
                demo: r.demo != 0,
            })
        })
        .collect()
}

/// A saved version of a plan, as it was.
pub async fn load_version(db: &Db, id: i64, version: i64) -> Result<Option<Plan>, StoreError> {
    let doc: Option<String> = sqlx::query_scalar(
        "SELECT document FROM plan_versions WHERE plan_id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(&db.pool)
    .await?;
    doc.map(|d| from_json(&d, "plan_versions.document"))
        .transpose()
}

/// The plan of `municipality` with exactly this title and period, if stored (demo loading and
/// re-imports use it to avoid duplicates).
pub async fn find_plan(
    db: &Db,
    municipality: &str,
    title: &str,
    period: YearRange,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT p.id FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE mu.name = $1 AND p.title = $2 AND p.period_from = $3 AND p.period_to = $4",
    )
    .bind(municipality.trim())
    .bind(title)
    .bind(i64::from(period.from))
    .bind(i64::from(period.to))
    .fetch_optional(&db.pool)
    .await
}
