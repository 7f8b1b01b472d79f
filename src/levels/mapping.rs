//! Indicators of a plan mapped to indicators of the national plan it implements (issue 13,
//! table `indicator_mappings`, migration 0017): which national indicators a plan's indicator
//! may be mapped to (the same national priority area, a kind that adds up with it), the one
//! suggested by the words of their names, and storing the coordinator's choice with its audit
//! event. The roll-up adds mapped values up by the national indicator (`rollup::mapped`).

use super::words_overlap;
use crate::audit::{Actor, Event};
use crate::db::Db;
use crate::plan::store::StoreError;
use crate::plan::{Indicator, IndicatorKind, NationalArea, Plan};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// An indicator of the national plan a plan's indicator may be mapped to.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub measure_key: String,
    pub indicator_key: String,
    /// "2.3. Name of the indicator".
    pub label: String,
}

fn area_of(p: &crate::plan::Priority) -> Option<NationalArea> {
    p.national_area
        .or_else(|| NationalArea::from_title(&p.title))
}

/// Whether values of `a` and `b` add up under one national indicator (a percentage with a
/// percentage, a number with a number, yes/no with yes/no; an indicator of no stated kind with
/// anything but text).
pub fn kinds_match(a: &Indicator, b: &Indicator) -> bool {
    match (a.kind, b.kind) {
        (Some(IndicatorKind::Text), _) | (_, Some(IndicatorKind::Text)) => false,
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The national indicators each indicator of `plan` may be mapped to, by (measure key,
/// indicator key): those of the national plan's measures in the same national priority area
/// whose kind adds up with it.
pub fn offers(plan: &Plan, national: &Plan) -> HashMap<(String, String), Vec<Offer>> {
    let mut theirs: Vec<(NationalArea, &crate::plan::Measure, &Indicator)> = Vec::new();
    for p in &national.priorities {
        let Some(area) = area_of(p) else { continue };
        for m in p.objectives.iter().flat_map(|o| &o.measures) {
            theirs.extend(m.indicators.iter().map(|i| (area, m, i)));
        }
    }
    let mut out = HashMap::new();
    for p in &plan.priorities {
        let area = area_of(p);
        for m in p.objectives.iter().flat_map(|o| &o.measures) {
            for ind in &m.indicators {
                let list = theirs
                    .iter()
                    .filter(|(a, _, i)| Some(*a) == area && kinds_match(ind, i))
                    .map(|(_, nm, ni)| Offer {
                        measure_key: nm.key.clone(),
                        indicator_key: ni.key.clone(),
                        label: format!(
                            "{} {}",
                            national.measure_number(&nm.key).unwrap_or_default(),
                            ni.name
                        ),
                    })
                    .collect();
                out.insert((m.key.clone(), ind.key.clone()), list);
            }
        }
    }
    out
}

/// Below this share of shared words no national indicator is suggested.
const SUGGEST: f64 = 0.3;

/// The offered national indicator whose name shares most words with `ind`'s, if enough.
pub fn suggest<'a>(ind: &Indicator, offers: &'a [Offer], national: &Plan) -> Option<&'a Offer> {
    let name_of = |o: &Offer| {
        national
            .measures()
            .find(|m| m.key == o.measure_key)
            .and_then(|m| m.indicators.iter().find(|i| i.key == o.indicator_key))
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };
    offers
        .iter()
        .map(|o| (o, words_overlap(&ind.name, &name_of(o))))
        .filter(|(_, s)| *s >= SUGGEST)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(o, _)| o)
}

/// An indicator of the plan (measure key, indicator key) and the national indicator chosen
/// for it (national measure key, national indicator key).
pub type Chosen = ((String, String), (String, String));

/// One stored mapping.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MappingRow {
    pub measure_key: String,
    pub indicator_key: String,
    pub national_plan_id: i64,
    pub national_measure_key: String,
    pub national_indicator_key: String,
}

/// The mappings of a plan's indicators.
pub async fn mappings(db: &Db, plan_id: i64) -> Result<Vec<MappingRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT measure_key, indicator_key, national_plan_id, national_measure_key, \
         national_indicator_key FROM indicator_mappings WHERE plan_id = $1 \
         ORDER BY measure_key, indicator_key",
    )
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Replaces the mappings of a plan's indicators to the national plan `national_plan_id` by
/// `chosen` ((measure key, indicator key) → (national measure key, national indicator key)),
/// with its audit event naming the plan's owner.
pub async fn save(
    conn: &mut AnyConnection,
    plan_id: i64,
    national_plan_id: i64,
    chosen: &[Chosen],
    user_id: Option<i64>,
    actor: &Actor,
) -> Result<(), StoreError> {
    let before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM indicator_mappings WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("DELETE FROM indicator_mappings WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut *conn)
        .await?;
    let now = crate::dates::now_rfc3339();
    for ((mk, ik), (nmk, nik)) in chosen {
        sqlx::query(
            "INSERT INTO indicator_mappings (plan_id, measure_key, indicator_key, \
             national_plan_id, national_measure_key, national_indicator_key, mapped_by, \
             mapped_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(plan_id)
        .bind(mk)
        .bind(ik)
        .bind(national_plan_id)
        .bind(nmk)
        .bind(nik)
        .bind(user_id)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    let owner: Option<i64> = sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?;
    let after: Vec<String> = chosen
        .iter()
        .map(|((mk, ik), (nmk, nik))| format!("{mk}/{ik} → {nmk}/{nik}"))
        .collect();
    Event::new(actor.clone(), "indicator_mapping.save", "plan", plan_id)
        .municipality(owner)
        .before(&serde_json::json!({ "mapped": before }))
        .after(&serde_json::json!({
            "national_plan_id": national_plan_id,
            "mapped": after,
        }))
        .record(&mut *conn)
        .await?;
    Ok(())
}
