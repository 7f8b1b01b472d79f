//! Writing a plan: a new plan, a new version replacing the tree, the municipality it names.

use super::{StoreError, Summary, json_text, kind_code};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::plan::act::{Act, ActKind};
use crate::plan::keys::{KeySource, carry_keys};
use crate::plan::{Measure, NationalArea, Plan};
use crate::registry::{RegistryKind, slugify, store as registry};
use sqlx::AnyConnection;
use std::collections::BTreeSet;

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
    let effective = period_start(plan);
    let meta = VersionMeta {
        number: 1,
        note,
        effective_from: &effective,
    };
    write_plan(conn, id, municipality_id, plan, meta, &now).await?;
    if let Some(a) = &plan.adoption {
        let act = Act {
            kind: ActKind::Adoption,
            decision_number: a.decision_number.clone(),
            protocol_number: a.protocol_number.clone(),
            body: a.body.clone(),
            decision_date: a.date.clone(),
            effective_date: Some(effective),
            reason: String::new(),
            file: None,
            url: None,
        };
        insert_act(conn, id, 1, &act, &now).await?;
    }
    Ok(id)
}

/// The first day of the plan's period: when version 1 is in force (adoption can be late).
fn period_start(plan: &Plan) -> String {
    format!("{:04}-01-01", plan.period.from)
}

async fn insert_act(
    conn: &mut AnyConnection,
    plan_id: i64,
    version: i64,
    act: &Act,
    now: &str,
) -> Result<i64, StoreError> {
    let file = act.file.clone();
    Ok(sqlx::query_scalar(
        "INSERT INTO council_acts (plan_id, version, kind, decision_number, protocol_number, body, \
         decision_date, effective_date, reason, file_name, file_media_type, file_path, file_sha256, \
         url, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         RETURNING id",
    )
    .bind(plan_id)
    .bind(version)
    .bind(act.kind.code())
    .bind(&act.decision_number)
    .bind(&act.protocol_number)
    .bind(&act.body)
    .bind(&act.decision_date)
    .bind(&act.effective_date)
    .bind(&act.reason)
    .bind(file.as_ref().map(|f| f.name.clone()))
    .bind(file.as_ref().map(|f| f.media_type.clone()))
    .bind(file.as_ref().map(|f| f.path.clone()))
    .bind(file.as_ref().map(|f| f.sha256.clone()))
    .bind(&act.url)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Replaces a plan's content with a corrected version (a re-import without a council act): it
/// takes over the date of effect of the version it corrects; earlier versions stay readable.
/// Measures keep their keys (matched by content unless the file is planmon plan JSON).
/// Returns the new version number.
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
    let keys = match plan.source.as_ref().and_then(|s| s.format.as_deref()) {
        Some("json") => KeySource::Kept,
        _ => KeySource::Matched,
    };
    Ok(new_version(conn, id, plan, note, None, keys)
        .await?
        .map(|(v, _)| v))
}

/// Saves `plan` as the version made by the council's amending `act`, in force from the act's
/// effective date, inside the caller's transaction (where its audit event goes too). The
/// plan keeps its adoption. Returns the new version and the plan as saved (with its keys);
/// None when there is no plan `id`.
pub async fn save_amendment_in(
    conn: &mut AnyConnection,
    id: i64,
    plan: &Plan,
    act: &Act,
    note: Option<&str>,
    keys: KeySource,
) -> Result<Option<(i64, Plan)>, StoreError> {
    let Some(effective) = act.effective_date.clone().or(act.decision_date.clone()) else {
        return Err(StoreError::Refused(
            "Изменението няма дата, от която влиза в сила.".into(),
        ));
    };
    let Some((version, saved)) = new_version(conn, id, plan, note, Some(effective), keys).await?
    else {
        return Ok(None);
    };
    insert_act(conn, id, version, act, &now_rfc3339()).await?;
    Ok(Some((version, saved)))
}

/// The latest version's number, document and date of effect.
async fn latest(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(i64, Plan, String)>, StoreError> {
    let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT v.version, v.document, v.effective_from FROM plan_versions v \
         JOIN plans p ON p.id = v.plan_id AND p.version = v.version WHERE v.plan_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((version, doc, effective)) = row else {
        return Ok(None);
    };
    let plan: Plan = super::from_json(&doc, "plan_versions.document")?;
    let effective = effective.unwrap_or_else(|| period_start(&plan));
    Ok(Some((version, plan, effective)))
}

/// Writes the next version of plan `id`: keys carried from the latest version, in force from
/// `effective` (an amendment) or from when the latest was (a correction).
async fn new_version(
    conn: &mut AnyConnection,
    id: i64,
    plan: &Plan,
    note: Option<&str>,
    effective: Option<String>,
    keys: KeySource,
) -> Result<Option<(i64, Plan)>, StoreError> {
    let Some((version, previous, previous_effective)) = latest(conn, id).await? else {
        return Ok(None);
    };
    let mut plan = plan.clone();
    let effective = match effective {
        None => previous_effective,
        Some(e) => {
            if let Some(m) =
                crate::plan::act::timing(&e, version, &previous_effective, plan.period.to)
            {
                return Err(StoreError::Refused(m.to_string()));
            }
            // The plan stays the one the council adopted; the act records the amendment.
            plan.adoption = previous.adoption.clone();
            e
        }
    };
    let used: BTreeSet<String> =
        sqlx::query_scalar::<_, String>("SELECT key FROM plan_measure_keys WHERE plan_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    carry_keys(&previous, &mut plan, &used, keys);
    let municipality_id =
        upsert_municipality(conn, &plan.municipality, plan.district.as_deref()).await?;
    sqlx::query("DELETE FROM priorities WHERE plan_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let now = now_rfc3339();
    let meta = VersionMeta {
        number: version + 1,
        note,
        effective_from: &effective,
    };
    write_plan(conn, id, municipality_id, &plan, meta, &now).await?;
    Ok(Some((version + 1, plan)))
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

/// What a saved version is besides its document.
struct VersionMeta<'a> {
    number: i64,
    note: Option<&'a str>,
    effective_from: &'a str,
}

/// Writes the header, the tree and the version document of `plan` under plan `id`.
async fn write_plan(
    conn: &mut AnyConnection,
    id: i64,
    municipality_id: i64,
    plan: &Plan,
    meta: VersionMeta<'_>,
    now: &str,
) -> Result<(), StoreError> {
    let VersionMeta {
        number: version,
        note,
        effective_from,
    } = meta;
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
    sqlx::query(
        "INSERT INTO plan_versions (plan_id, version, created_at, note, document, effective_from) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(now)
    .bind(note)
    .bind(crate::plan::format::to_plan_json(plan))
    .bind(effective_from)
    .execute(&mut *conn)
    .await?;
    for m in plan.measures() {
        sqlx::query(
            "INSERT INTO plan_measure_keys (plan_id, key, first_version, last_version) \
             VALUES ($1, $2, $3, $3) \
             ON CONFLICT (plan_id, key) DO UPDATE SET last_version = $3",
        )
        .bind(id)
        .bind(&m.key)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    }
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
