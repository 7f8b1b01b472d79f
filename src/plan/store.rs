//! Plan storage: a plan's tree in normalised tables (the source of truth for pages, search
//! and reporting) and every saved version as an immutable JSON document.

use super::rules::{self, Counts};
use super::{
    Adoption, Amount, FORMAT_V1, Indicator, IndicatorKind, Measure, MeasurePeriod, NationalArea,
    Objective, Plan, Priority, SourceDocument, Unplaced, YearRange,
};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::money::Currency;
use crate::registry::{RegistryKind, slugify, store as registry};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
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

/// Renderings of one stored plan revision, by key (e.g. "page:bg", "json"). A new revision is a
/// new `StoredPlan` with an empty memo, so nothing stale is ever served.
#[derive(Debug, Default)]
pub struct Memo(std::sync::Mutex<HashMap<String, axum::body::Bytes>>);

impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl Memo {
    /// The rendering stored under `key`, made by `make` the first time.
    pub fn get_or_try<E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<String, E>,
    ) -> Result<axum::body::Bytes, E> {
        if let Ok(map) = self.0.lock()
            && let Some(hit) = map.get(key)
        {
            return Ok(hit.clone());
        }
        let made = axum::body::Bytes::from(make()?);
        if let Ok(mut map) = self.0.lock() {
            map.insert(key.to_string(), made.clone());
        }
        Ok(made)
    }
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
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("повредени данни в базата: {0}")]
    Corrupt(String),
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

/// Stores a new plan (version 1) and returns its id. All or nothing.
pub async fn create_plan(db: &Db, plan: &Plan, note: Option<&str>) -> Result<i64, StoreError> {
    let mut tx = db.pool.begin().await?;
    let id = create_plan_in(&mut tx, plan, note).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create_plan`] inside the caller's transaction, for saves that change more than the plan.
pub async fn create_plan_in(
    conn: &mut AnyConnection,
    plan: &Plan,
    note: Option<&str>,
) -> Result<i64, StoreError> {
    let municipality_id =
        upsert_municipality(conn, &plan.municipality, plan.district.as_deref()).await?;
    let now = now_rfc3339();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plans (municipality_id, title, period_from, period_to, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(municipality_id)
    .bind(&plan.title)
    .bind(i64::from(plan.period.from))
    .bind(i64::from(plan.period.to))
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    write_plan(conn, id, municipality_id, plan, 1, note, &now).await?;
    Ok(id)
}

/// Replaces a plan's content with a new version (an amendment or a corrected import); earlier
/// versions stay readable. Returns the new version number.
pub async fn save_version(
    db: &Db,
    id: i64,
    plan: &Plan,
    note: Option<&str>,
) -> Result<Option<i64>, StoreError> {
    let mut tx = db.pool.begin().await?;
    let version = save_version_in(&mut tx, id, plan, note).await?;
    tx.commit().await?;
    Ok(version)
}

/// [`save_version`] inside the caller's transaction; None when there is no plan `id`.
pub async fn save_version_in(
    conn: &mut AnyConnection,
    id: i64,
    plan: &Plan,
    note: Option<&str>,
) -> Result<Option<i64>, StoreError> {
    let Some(version): Option<i64> = sqlx::query_scalar("SELECT version FROM plans WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let municipality_id =
        upsert_municipality(conn, &plan.municipality, plan.district.as_deref()).await?;
    sqlx::query("DELETE FROM priorities WHERE plan_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let now = now_rfc3339();
    write_plan(conn, id, municipality_id, plan, version + 1, note, &now).await?;
    Ok(Some(version + 1))
}

/// The municipality a plan names: the stored one of that name or of the same official
/// municipality ("Община град Добрич" is Добрич), else a new one linked to its official code
/// (territory) when the name means exactly one.
async fn upsert_municipality(
    conn: &mut AnyConnection,
    name: &str,
    district: Option<&str>,
) -> sqlx::Result<i64> {
    let name = name.trim();
    let code = crate::territory::tree()
        .match_municipality(name, district)
        .one()
        .map(|m| m.code.clone());
    if let Some((id, current, stored_code)) =
        sqlx::query_as::<_, (i64, Option<String>, Option<String>)>(
            "SELECT id, district, code FROM municipalities WHERE name = $1 OR code = $2 \
             ORDER BY CASE WHEN name = $1 THEN 0 ELSE 1 END LIMIT 1",
        )
        .bind(name)
        .bind(&code)
        .fetch_optional(&mut *conn)
        .await?
    {
        if current.is_none() && district.is_some() {
            sqlx::query("UPDATE municipalities SET district = $1 WHERE id = $2")
                .bind(district)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        if stored_code.is_none() && code.is_some() {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM municipalities WHERE code = $1")
                    .bind(&code)
                    .fetch_optional(&mut *conn)
                    .await?;
            if taken.is_none() {
                sqlx::query("UPDATE municipalities SET code = $1 WHERE id = $2")
                    .bind(&code)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        return Ok(id);
    }
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 1;
    while sqlx::query_scalar::<_, i64>("SELECT id FROM municipalities WHERE slug = $1")
        .bind(&slug)
        .fetch_optional(&mut *conn)
        .await?
        .is_some()
    {
        n += 1;
        slug = format!("{base}-{n}");
    }
    sqlx::query_scalar(
        "INSERT INTO municipalities (name, slug, district, created_at, code) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(slug)
    .bind(district)
    .bind(now_rfc3339())
    .bind(code)
    .fetch_one(conn)
    .await
}

/// Writes the header, the tree and the version document of `plan` under plan `id`.
async fn write_plan(
    conn: &mut AnyConnection,
    id: i64,
    municipality_id: i64,
    plan: &Plan,
    version: i64,
    note: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    let adoption = plan.adoption.clone().unwrap_or_default();
    let source = plan.source.clone().unwrap_or_default();
    sqlx::query(
        "UPDATE plans SET municipality_id = $1, title = $2, period_from = $3, period_to = $4, \
         adoption_decision = $5, adoption_protocol = $6, adoption_date = $7, adoption_body = $8, \
         source_file = $9, source_format = $10, source_sha256 = $11, notes = $12, unplaced = $13, \
         summary = $14, version = $15, revision = revision + 1, updated_at = $16 WHERE id = $17",
    )
    .bind(municipality_id)
    .bind(&plan.title)
    .bind(i64::from(plan.period.from))
    .bind(i64::from(plan.period.to))
    .bind(adoption.decision_number)
    .bind(adoption.protocol_number)
    .bind(adoption.date)
    .bind(adoption.body)
    .bind(source.file_name)
    .bind(source.format)
    .bind(source.sha256)
    .bind(json_text(&plan.notes))
    .bind(json_text(&plan.unplaced))
    .bind(json_text(&Summary::of(plan)))
    .bind(version)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    // Adoption "present but empty" and "absent" must stay apart for a lossless round trip.
    if plan.adoption.is_none() {
        sqlx::query("UPDATE plans SET adoption_decision = NULL, adoption_protocol = NULL, adoption_date = NULL, adoption_body = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let mut positions = (0i64, 0i64, 0i64);
    for p in &plan.priorities {
        let priority_id: i64 = sqlx::query_scalar(
            "INSERT INTO priorities (plan_id, position, number, title, national_area, operational_objective) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(positions.0)
        .bind(p.number.map(i64::from))
        .bind(&p.title)
        .bind(p.national_area.map(NationalArea::code))
        .bind(&p.operational_objective)
        .fetch_one(&mut *conn)
        .await?;
        positions.0 += 1;
        for o in &p.objectives {
            let objective_id: i64 = sqlx::query_scalar(
                "INSERT INTO objectives (plan_id, priority_id, position, code, title) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(id)
            .bind(priority_id)
            .bind(positions.1)
            .bind(&o.code)
            .bind(&o.title)
            .fetch_one(&mut *conn)
            .await?;
            positions.1 += 1;
            for m in &o.measures {
                insert_measure(&mut *conn, id, objective_id, positions.2, m).await?;
                positions.2 += 1;
            }
        }
    }
    sqlx::query("INSERT INTO plan_versions (plan_id, version, created_at, note, document) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(version)
        .bind(now)
        .bind(note)
        .bind(super::format::to_plan_json(plan))
        .execute(conn)
        .await?;
    Ok(())
}

/// The text full-text search indexes for a measure.
fn search_text(m: &Measure) -> String {
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(m.code.as_deref());
    parts.extend(m.activities.iter().map(String::as_str));
    parts.extend(m.tasks.iter().map(String::as_str));
    parts.extend(m.indicators.iter().map(|i| i.name.as_str()));
    parts.extend(m.institutions.iter().map(String::as_str));
    parts.extend(m.funding_sources.iter().map(String::as_str));
    parts.join("\n")
}

async fn insert_measure(
    conn: &mut AnyConnection,
    plan_id: i64,
    objective_id: i64,
    position: i64,
    m: &Measure,
) -> Result<(), StoreError> {
    let period = m.period.clone();
    let measure_id: i64 = sqlx::query_scalar(
        "INSERT INTO measures (plan_id, objective_id, position, key, code, tasks, activities, \
         period_text, period_from, period_to, status, search_text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(plan_id)
    .bind(objective_id)
    .bind(position)
    .bind(&m.key)
    .bind(&m.code)
    .bind(json_text(&m.tasks))
    .bind(json_text(&m.activities))
    .bind(period.as_ref().map(|p| p.text.clone()))
    .bind(period.as_ref().and_then(|p| p.from).map(i64::from))
    .bind(period.as_ref().and_then(|p| p.to).map(i64::from))
    .bind(&m.status)
    .bind(search_text(m))
    .fetch_one(&mut *conn)
    .await?;
    for (i, name) in m.institutions.iter().enumerate() {
        let entry = registry::resolve(&mut *conn, RegistryKind::Institution, name).await?;
        sqlx::query("INSERT INTO measure_institutions (measure_id, position, name, institution_id) VALUES ($1, $2, $3, $4)")
            .bind(measure_id)
            .bind(i as i64)
            .bind(name)
            .bind(entry)
            .execute(&mut *conn)
            .await?;
    }
    for (i, name) in m.funding_sources.iter().enumerate() {
        let entry = registry::resolve(&mut *conn, RegistryKind::FundingSource, name).await?;
        sqlx::query("INSERT INTO measure_sources (measure_id, position, name, source_id) VALUES ($1, $2, $3, $4)")
            .bind(measure_id)
            .bind(i as i64)
            .bind(name)
            .bind(entry)
            .execute(&mut *conn)
            .await?;
    }
    for (i, a) in m.amounts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO measure_amounts (measure_id, position, minor, currency, qualifier, unit_missing, text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(measure_id)
        .bind(i as i64)
        .bind(a.minor)
        .bind(a.currency.code())
        .bind(&a.qualifier)
        .bind(i64::from(a.unit_missing))
        .bind(&a.text)
        .execute(&mut *conn)
        .await?;
    }
    for (i, ind) in m.indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicators (plan_id, measure_id, position, key, name, kind, unit, cumulative, \
             baseline, baseline_year, target, target_year) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(plan_id)
        .bind(measure_id)
        .bind(i as i64)
        .bind(&ind.key)
        .bind(&ind.name)
        .bind(ind.kind.map(kind_code))
        .bind(&ind.unit)
        .bind(i64::from(ind.cumulative))
        .bind(&ind.baseline)
        .bind(ind.baseline_year.map(i64::from))
        .bind(&ind.target)
        .bind(ind.target_year.map(i64::from))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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

#[derive(sqlx::FromRow)]
struct HeaderRow {
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
    source_file: Option<String>,
    source_format: Option<String>,
    source_sha256: Option<String>,
    notes: String,
    unplaced: String,
    version: i64,
    revision: i64,
    created_at: String,
    updated_at: String,
}

#[derive(sqlx::FromRow)]
struct PriorityRow {
    id: i64,
    number: Option<i64>,
    title: String,
    national_area: Option<String>,
    operational_objective: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AmountRow {
    measure_id: i64,
    minor: i64,
    currency: String,
    qualifier: Option<String>,
    unit_missing: i64,
    text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    id: i64,
    objective_id: i64,
    key: String,
    code: Option<String>,
    tasks: String,
    activities: String,
    period_text: Option<String>,
    period_from: Option<i64>,
    period_to: Option<i64>,
    status: Option<String>,
}

#[derive(sqlx::FromRow)]
struct IndicatorRow {
    measure_id: i64,
    key: String,
    name: String,
    kind: Option<String>,
    unit: Option<String>,
    cumulative: i64,
    baseline: Option<String>,
    baseline_year: Option<i64>,
    target: Option<String>,
    target_year: Option<i64>,
}

/// Where a plan belongs (its municipality and district), as the policy needs it; `None` when
/// there is no plan with this id.
pub async fn place(db: &Db, plan_id: i64) -> Result<Option<crate::policy::Place>, StoreError> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT p.municipality_id, mu.district FROM plans p \
         JOIN municipalities mu ON mu.id = p.municipality_id WHERE p.id = $1",
    )
    .bind(plan_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(m, d)| crate::policy::Place::new(m, d)))
}

/// Loads a whole plan; `None` when there is no plan with this id.
pub async fn load_plan(db: &Db, id: i64) -> Result<Option<StoredPlan>, StoreError> {
    let mut conn = db.pool.acquire().await?;
    let Some(h): Option<HeaderRow> = sqlx::query_as(
        "SELECT mu.name AS municipality, mu.slug AS municipality_slug, mu.district, p.title, \
                p.period_from, p.period_to, p.adoption_decision, p.adoption_protocol, p.adoption_date, \
                p.adoption_body, p.source_file, p.source_format, p.source_sha256, p.notes, p.unplaced, \
                p.version, p.revision, p.created_at, p.updated_at \
         FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let priorities: Vec<PriorityRow> = sqlx::query_as(
        "SELECT id, number, title, national_area, operational_objective FROM priorities \
         WHERE plan_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let objectives: Vec<(i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT id, priority_id, code, title FROM objectives WHERE plan_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let measures: Vec<MeasureRow> = sqlx::query_as(
        "SELECT id, objective_id, key, code, tasks, activities, period_text, period_from, period_to, status \
         FROM measures WHERE plan_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let institutions: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT mi.measure_id, mi.name, i.name, i.slug FROM measure_institutions mi \
         JOIN measures m ON m.id = mi.measure_id JOIN institutions i ON i.id = mi.institution_id \
         WHERE m.plan_id = $1 ORDER BY mi.measure_id, mi.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let sources: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT ms.measure_id, ms.name, s.name, s.slug FROM measure_sources ms \
         JOIN measures m ON m.id = ms.measure_id JOIN funding_sources s ON s.id = ms.source_id \
         WHERE m.plan_id = $1 ORDER BY ms.measure_id, ms.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let amounts: Vec<AmountRow> = sqlx::query_as(
        "SELECT a.measure_id, a.minor, a.currency, a.qualifier, a.unit_missing, a.text FROM measure_amounts a \
         JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = $1 ORDER BY a.measure_id, a.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let indicators: Vec<IndicatorRow> = sqlx::query_as(
        "SELECT measure_id, key, name, kind, unit, cumulative, baseline, baseline_year, target, target_year \
         FROM indicators WHERE plan_id = $1 ORDER BY measure_id, position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;

    let mut by_measure: HashMap<i64, Measure> = HashMap::with_capacity(measures.len());
    let mut measure_order: Vec<(i64, i64)> = Vec::with_capacity(measures.len());
    for r in measures {
        measure_order.push((r.objective_id, r.id));
        by_measure.insert(
            r.id,
            Measure {
                key: r.key,
                code: r.code,
                tasks: from_json(&r.tasks, "tasks")?,
                activities: from_json(&r.activities, "activities")?,
                institutions: Vec::new(),
                period: r.period_text.map(|text| MeasurePeriod {
                    text,
                    from: r.period_from.map(|y| y as i32),
                    to: r.period_to.map(|y| y as i32),
                }),
                status: r.status,
                amounts: Vec::new(),
                funding_sources: Vec::new(),
                indicators: Vec::new(),
            },
        );
    }
    let mut institution_refs = HashMap::new();
    for (mid, written, name, slug) in institutions {
        if let Some(m) = by_measure.get_mut(&mid) {
            m.institutions.push(written.clone());
        }
        institution_refs.insert(written, EntryRef { name, slug });
    }
    let mut source_refs = HashMap::new();
    for (mid, written, name, slug) in sources {
        if let Some(m) = by_measure.get_mut(&mid) {
            m.funding_sources.push(written.clone());
        }
        source_refs.insert(written, EntryRef { name, slug });
    }
    for a in amounts {
        let currency = Currency::parse(&a.currency)
            .ok_or_else(|| StoreError::Corrupt(format!("непозната валута {}", a.currency)))?;
        if let Some(m) = by_measure.get_mut(&a.measure_id) {
            m.amounts.push(Amount {
                minor: a.minor,
                currency,
                qualifier: a.qualifier,
                unit_missing: a.unit_missing != 0,
                text: a.text,
            });
        }
    }
    for r in indicators {
        if let Some(m) = by_measure.get_mut(&r.measure_id) {
            m.indicators.push(Indicator {
                key: r.key,
                name: r.name,
                kind: r.kind.as_deref().and_then(kind_from_code),
                unit: r.unit,
                cumulative: r.cumulative != 0,
                baseline: r.baseline,
                baseline_year: r.baseline_year.map(|y| y as i32),
                target: r.target,
                target_year: r.target_year.map(|y| y as i32),
            });
        }
    }
    let mut objectives_by_priority: HashMap<i64, Vec<Objective>> = HashMap::new();
    let mut measures_by_objective: HashMap<i64, Vec<Measure>> = HashMap::new();
    for (oid, mid) in measure_order {
        if let Some(m) = by_measure.remove(&mid) {
            measures_by_objective.entry(oid).or_default().push(m);
        }
    }
    for (oid, pid, code, title) in objectives {
        let measures = measures_by_objective.remove(&oid).unwrap_or_default();
        objectives_by_priority
            .entry(pid)
            .or_default()
            .push(Objective {
                code,
                title,
                measures,
            });
    }
    let priorities = priorities
        .into_iter()
        .map(|r| Priority {
            number: r.number.map(|n| n as u32),
            title: r.title,
            national_area: r.national_area.as_deref().and_then(NationalArea::from_code),
            operational_objective: r.operational_objective,
            objectives: objectives_by_priority.remove(&r.id).unwrap_or_default(),
        })
        .collect();
    let adoption = adoption_from(
        h.adoption_decision,
        h.adoption_protocol,
        h.adoption_date,
        h.adoption_body,
    );
    let source_doc = SourceDocument {
        file_name: h.source_file,
        format: h.source_format,
        sha256: h.source_sha256,
    };
    let source = (source_doc != SourceDocument::default()).then_some(source_doc);
    let unplaced: Vec<Unplaced> = from_json(&h.unplaced, "unplaced")?;
    let plan = Plan {
        format: FORMAT_V1.to_string(),
        municipality: h.municipality,
        district: h.district,
        title: h.title,
        period: YearRange {
            from: h.period_from as i32,
            to: h.period_to as i32,
        },
        adoption,
        source,
        priorities,
        unplaced,
        notes: from_json(&h.notes, "notes")?,
    };
    Ok(Some(StoredPlan {
        id,
        municipality_slug: h.municipality_slug,
        version: h.version,
        revision: h.revision,
        created_at: h.created_at,
        updated_at: h.updated_at,
        plan,
        institutions: institution_refs,
        sources: source_refs,
        memo: Memo::default(),
    }))
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
}

/// All plans, by municipality and newest period first.
pub async fn list_plans(db: &Db) -> Result<Vec<PlanListItem>, StoreError> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT p.id, mu.name AS municipality, mu.slug AS municipality_slug, mu.district, p.title, \
                p.period_from, p.period_to, p.adoption_decision, p.adoption_protocol, p.adoption_date, \
                p.adoption_body, p.version, p.updated_at, p.summary \
         FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         ORDER BY mu.name, p.period_from DESC, p.id",
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

/// The versions of a plan: number, date and note, newest first.
pub async fn versions(db: &Db, id: i64) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as("SELECT version, created_at, note FROM plan_versions WHERE plan_id = $1 ORDER BY version DESC")
        .bind(id)
        .fetch_all(&db.pool)
        .await
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

/// Whole plans kept in memory between requests; an entry is used only while its revision is
/// still the one in the database, so a save on any server is seen at once.
#[derive(Default)]
pub struct PlanCache {
    map: std::sync::Mutex<HashMap<i64, std::sync::Arc<StoredPlan>>>,
}

impl PlanCache {
    pub async fn get(
        &self,
        db: &Db,
        id: i64,
    ) -> Result<Option<std::sync::Arc<StoredPlan>>, StoreError> {
        let Some(current) = revision(db, id).await? else {
            return Ok(None);
        };
        if let Ok(map) = self.map.lock()
            && let Some(hit) = map.get(&id)
            && hit.revision == current
        {
            return Ok(Some(hit.clone()));
        }
        let Some(loaded) = load_plan(db, id).await? else {
            return Ok(None);
        };
        let loaded = std::sync::Arc::new(loaded);
        if let Ok(mut map) = self.map.lock() {
            map.insert(id, loaded.clone());
        }
        Ok(Some(loaded))
    }
}
