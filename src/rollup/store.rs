//! Reading a year's roll-up: the tree in force that year, the frozen rounds of that year with
//! their municipality's official code, and the totals of each round. Kept in memory per year
//! ([`RollupCache`]) and recomputed when the year's rounds (a round closed or reopened, a
//! snapshot replaced), the memberships or the links of municipalities to codes change: one
//! cheap query reads that fingerprint, so several servers on one database never serve a stale
//! roll-up. A round's totals are kept by snapshot too, so a new closing reads one snapshot.

use super::{
    Carried, DistrictRollup, Member, PlacedRound, Rollup, Totals, YearTree, cumulative_values,
    roll_up, round_totals_carrying,
};
use crate::db::Db;
use crate::plan::store::StoreError;
use crate::registry::name_key;
use crate::snapshot::RoundSnapshot;
use crate::snapshot::store::Origin;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// What must not have changed for a kept roll-up to be reused.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Fingerprint {
    rounds: i64,
    last_round: Option<String>,
    top_round: Option<i64>,
    memberships: i64,
    top_membership: Option<i64>,
    linked: i64,
    sources: i64,
}

/// Rounds of earlier years count too: their cumulative values are carried forward.
const FINGERPRINT: &str = "SELECT \
    (SELECT COUNT(*) FROM round_snapshots WHERE year <= $1) AS rounds, \
    (SELECT MAX(created_at) FROM round_snapshots WHERE year <= $1) AS last_round, \
    (SELECT MAX(id) FROM round_snapshots WHERE year <= $1) AS top_round, \
    (SELECT COUNT(*) FROM municipality_districts) AS memberships, \
    (SELECT MAX(id) FROM municipality_districts) AS top_membership, \
    (SELECT COUNT(code) FROM municipalities) AS linked, \
    (SELECT COUNT(*) FROM funding_source_aliases) AS sources";

/// Roll-ups by year and round totals by snapshot, as last computed.
#[derive(Default)]
pub struct RollupCache {
    years: Mutex<HashMap<i32, (Fingerprint, Arc<Rollup>)>>,
    /// Snapshot id → (its `created_at` and those of the plan's earlier rounds, the round's
    /// totals).
    rounds: Mutex<HashMap<i64, (String, Arc<Totals>)>>,
    /// Snapshot id → (its `created_at`, the cumulative values it approved).
    carried: Mutex<HashMap<i64, (String, Arc<Carried>)>>,
}

impl RollupCache {
    /// Forgets everything (benchmarks of a cold start).
    pub fn clear(&self) {
        if let Ok(mut y) = self.years.lock() {
            y.clear();
        }
        if let Ok(mut r) = self.rounds.lock() {
            r.clear();
        }
        if let Ok(mut c) = self.carried.lock() {
            c.clear();
        }
    }
}

/// The year's roll-up, from the cache when nothing it depends on changed.
pub async fn rollup(db: &Db, cache: &RollupCache, year: i32) -> Result<Arc<Rollup>, StoreError> {
    let fp: Fingerprint = sqlx::query_as(FINGERPRINT)
        .bind(i64::from(year))
        .fetch_one(&db.pool)
        .await?;
    if let Ok(years) = cache.years.lock()
        && let Some((kept, r)) = years.get(&year)
        && *kept == fp
    {
        return Ok(r.clone());
    }
    let tree = year_tree(db, year).await?;
    let rounds = placed_rounds(db, cache, year, None).await?;
    let r = Arc::new(roll_up(year, &tree, &rounds));
    if let Ok(mut years) = cache.years.lock() {
        years.insert(year, (fp, r.clone()));
    }
    Ok(r)
}

/// One district's roll-up for the year: taken from the kept national one when that is still
/// valid, else computed from the rounds of the district's municipalities alone. `None` when
/// there is no such district.
pub async fn district_rollup(
    db: &Db,
    cache: &RollupCache,
    year: i32,
    code: &str,
) -> Result<Option<DistrictRollup>, StoreError> {
    let fp: Fingerprint = sqlx::query_as(FINGERPRINT)
        .bind(i64::from(year))
        .fetch_one(&db.pool)
        .await?;
    if let Ok(years) = cache.years.lock()
        && let Some((kept, r)) = years.get(&year)
        && *kept == fp
    {
        return Ok(r.district(code).cloned());
    }
    let mut tree = year_tree(db, year).await?;
    tree.districts.retain(|(c, _)| c == code);
    tree.municipalities.retain(|m| m.district == code);
    let members: HashSet<&str> = tree
        .municipalities
        .iter()
        .map(|m| m.code.as_str())
        .collect();
    let rounds = placed_rounds(db, cache, year, Some(&members)).await?;
    Ok(roll_up(year, &tree, &rounds).districts.into_iter().next())
}

/// The districts and the municipalities that belonged to each in `year`.
pub async fn year_tree(db: &Db, year: i32) -> Result<YearTree, StoreError> {
    let districts: Vec<(String, String)> =
        sqlx::query_as("SELECT code, name FROM districts ORDER BY code")
            .fetch_all(&db.pool)
            .await?;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT md.municipality_code, om.name, md.district_code FROM municipality_districts md \
         JOIN official_municipalities om ON om.code = md.municipality_code \
         WHERE (md.valid_from IS NULL OR md.valid_from <= $1) \
         AND (md.valid_to IS NULL OR md.valid_to >= $1) ORDER BY md.municipality_code",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    Ok(YearTree {
        districts,
        municipalities: rows
            .into_iter()
            .map(|(code, name, district)| Member {
                code,
                name,
                district,
            })
            .collect(),
    })
}

#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    plan_id: i64,
    created_at: String,
    origin: String,
    code: Option<String>,
}

/// Reads the snapshots `ids` and hands each to `each`.
async fn with_bodies(
    db: &Db,
    ids: &[i64],
    mut each: impl FnMut(i64, RoundSnapshot),
) -> Result<(), StoreError> {
    for chunk in ids.chunks(64) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let bodies: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, body FROM round_snapshots WHERE id IN ({})",
            list.join(", ")
        )))
        .fetch_all(&db.pool)
        .await?;
        for (id, body) in bodies {
            let snap: RoundSnapshot = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("снимка на отчетен период {id}: {e}")))?;
            each(id, snap);
        }
    }
    Ok(())
}

/// The cumulative values each plan of `plans` approved in rounds before `year`, the later
/// overriding the earlier, with a key naming those rounds (their ids and `created_at`).
async fn carried_before(
    db: &Db,
    cache: &RollupCache,
    year: i32,
    plans: &HashSet<i64>,
) -> Result<HashMap<i64, (String, Carried)>, StoreError> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, plan_id, created_at FROM round_snapshots WHERE year < $1 ORDER BY year, id",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    let rows: Vec<_> = rows.into_iter().filter(|r| plans.contains(&r.1)).collect();
    let mut known: HashMap<i64, Arc<Carried>> = match cache.carried.lock() {
        Ok(kept) => rows
            .iter()
            .filter_map(|(id, _, at)| {
                kept.get(id)
                    .filter(|(k, _)| k == at)
                    .map(|(_, c)| (*id, c.clone()))
            })
            .collect(),
        Err(_) => HashMap::new(),
    };
    let missing: Vec<i64> = rows
        .iter()
        .map(|r| r.0)
        .filter(|id| !known.contains_key(id))
        .collect();
    let mut fresh = Vec::new();
    with_bodies(db, &missing, |id, snap| {
        fresh.push((id, Arc::new(cumulative_values(&snap))));
    })
    .await?;
    if let Ok(mut kept) = cache.carried.lock() {
        for (id, c) in &fresh {
            if let Some((_, _, at)) = rows.iter().find(|r| r.0 == *id) {
                kept.insert(*id, (at.clone(), c.clone()));
            }
        }
    }
    known.extend(fresh);
    let mut out: HashMap<i64, (String, Carried)> = HashMap::new();
    for (id, plan, at) in &rows {
        let entry = out.entry(*plan).or_default();
        entry.0.push_str(&format!("|{id}@{at}"));
        if let Some(c) = known.get(id) {
            entry.1.extend(c.iter().map(|(k, v)| (k.clone(), *v)));
        }
    }
    Ok(out)
}

/// The totals of every frozen round of `year` with the official code of its municipality.
/// Only municipal plans roll up here: a district's or the nation's own plan is its level's.
/// A cumulative indicator without a value in the year carries its last earlier value.
async fn placed_rounds(
    db: &Db,
    cache: &RollupCache,
    year: i32,
    only: Option<&HashSet<&str>>,
) -> Result<Vec<PlacedRound>, StoreError> {
    let mut rows: Vec<RoundRow> = sqlx::query_as(
        "SELECT rs.id, rs.plan_id, rs.created_at, rs.origin, mu.code FROM round_snapshots rs \
         JOIN plans p ON p.id = rs.plan_id JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE rs.year = $1 AND p.level = 'municipal' ORDER BY rs.plan_id",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    if let Some(only) = only {
        rows.retain(|r| r.code.as_deref().is_some_and(|c| only.contains(c)));
    }
    let plans: HashSet<i64> = rows.iter().map(|r| r.plan_id).collect();
    let before = carried_before(db, cache, year, &plans).await?;
    // A round's totals are valid while it and the plan's earlier rounds are unchanged.
    let key = |r: &RoundRow| match before.get(&r.plan_id) {
        Some((k, _)) => format!("{}{k}", r.created_at),
        None => r.created_at.clone(),
    };
    let known: HashMap<i64, Arc<Totals>> = match cache.rounds.lock() {
        Ok(kept) => rows
            .iter()
            .filter_map(|r| {
                kept.get(&r.id)
                    .filter(|(at, _)| *at == key(r))
                    .map(|(_, t)| (r.id, t.clone()))
            })
            .collect(),
        Err(_) => HashMap::new(),
    };
    let missing: Vec<i64> = rows
        .iter()
        .filter(|r| !known.contains_key(&r.id))
        .map(|r| r.id)
        .collect();
    let mut computed: HashMap<i64, Arc<Totals>> = HashMap::new();
    if !missing.is_empty() {
        let canon = source_names(db).await?;
        let canon = |s: &str| {
            canon
                .get(&name_key(s))
                .cloned()
                .unwrap_or_else(|| s.trim().to_string())
        };
        let empty = Carried::new();
        let plan_of: HashMap<i64, i64> = rows.iter().map(|r| (r.id, r.plan_id)).collect();
        with_bodies(db, &missing, |id, snap| {
            let carried = plan_of
                .get(&id)
                .and_then(|p| before.get(p))
                .map_or(&empty, |(_, c)| c);
            computed.insert(id, Arc::new(round_totals_carrying(&snap, carried, &canon)));
        })
        .await?;
        if let Ok(mut kept) = cache.rounds.lock() {
            for r in &rows {
                if let Some(t) = computed.get(&r.id) {
                    kept.insert(r.id, (key(r), t.clone()));
                }
            }
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let totals = known.get(&r.id).or_else(|| computed.get(&r.id))?;
            let mut totals = Totals::clone(totals);
            totals.demo_rounds = u64::from(r.origin == Origin::Sample.code());
            Some(PlacedRound {
                municipality: r.code.unwrap_or_default(),
                plan_id: r.plan_id,
                totals,
            })
        })
        .collect())
}

/// Funding sources by the key of each of their aliases → their registry name.
pub async fn source_names(db: &Db) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.key, s.name FROM funding_source_aliases a \
         JOIN funding_sources s ON s.id = a.source_id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().collect())
}
