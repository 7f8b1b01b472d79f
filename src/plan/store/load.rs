//! Reading a stored plan's tree back, one query per table.

use super::{EntryRef, Memo, StoreError, StoredPlan, adoption_from, from_json, kind_from_code};
use crate::db::Db;
use crate::money::Currency;
use crate::plan::{
    Amount, FORMAT_V1, Indicator, Measure, MeasurePeriod, NationalArea, Objective, Plan, Priority,
    SourceDocument, Unplaced, YearRange,
};
use std::collections::HashMap;

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
