//! Reading a year's roll-up: the tree in force that year, the frozen rounds of that year with
//! their municipality's official code, and the totals of each round. Kept in memory per year
//! ([`RollupCache`]) and recomputed when the year's rounds (a round closed or reopened, a
//! snapshot replaced), the memberships or the links of municipalities to codes change: one
//! cheap query reads that fingerprint, so several servers on one database never serve a stale
//! roll-up. Each round is added from its digest (`round_digests`, see [`super::digest`]), made
//! from its snapshot once, so a new closing reads one snapshot.

use super::digest::{Approved, DIGEST_FORMAT, RoundDigest, carry};
use super::mapped::{Mapping, national_ref};
use super::{Carried, DistrictRollup, Member, PlacedRound, Rollup, YearTree, roll_up};
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
    mappings: i64,
    last_mapping: Option<String>,
}

/// Rounds of earlier years count too: their cumulative values are carried forward.
const FINGERPRINT: &str = "SELECT \
    (SELECT COUNT(*) FROM round_snapshots WHERE year <= $1) AS rounds, \
    (SELECT MAX(created_at) FROM round_snapshots WHERE year <= $1) AS last_round, \
    (SELECT MAX(id) FROM round_snapshots WHERE year <= $1) AS top_round, \
    (SELECT COUNT(*) FROM municipality_districts) AS memberships, \
    (SELECT MAX(id) FROM municipality_districts) AS top_membership, \
    (SELECT COUNT(code) FROM municipalities) AS linked, \
    (SELECT COUNT(*) FROM funding_source_aliases) AS sources, \
    (SELECT COUNT(*) FROM indicator_mappings) AS mappings, \
    (SELECT MAX(mapped_at) FROM indicator_mappings) AS last_mapping";

/// Roll-ups by year, as last computed.
#[derive(Default)]
pub struct RollupCache {
    years: Mutex<HashMap<i32, (Fingerprint, Arc<Rollup>)>>,
}

impl RollupCache {
    /// Forgets everything (benchmarks of a cold start).
    pub fn clear(&self) {
        if let Ok(mut y) = self.years.lock() {
            y.clear();
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
    let rounds = placed_rounds(db, year, None).await?;
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
    let rounds = placed_rounds(db, year, Some(&members)).await?;
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

/// Which part of a round's digest to read.
#[derive(Clone, Copy)]
enum Part {
    /// The [`RoundDigest`] (this year's totals).
    Digest,
    /// The cumulative values the round approved (carried into later years).
    Approved,
}

/// The stored digests (the JSON of `part`) of the snapshots `rounds` (id, `created_at`). A
/// digest missing, of an older format or of a replaced snapshot is made from the snapshot and
/// stored, so each closing is read once.
async fn digests(
    db: &Db,
    rounds: &[(i64, String)],
    part: Part,
) -> Result<HashMap<i64, String>, StoreError> {
    let column = match part {
        Part::Digest => "digest",
        Part::Approved => "approved",
    };
    let mut out = HashMap::with_capacity(rounds.len());
    for chunk in rounds.chunks(500) {
        let list: Vec<String> = chunk.iter().map(|(id, _)| id.to_string()).collect();
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT snapshot_id, created_at, format, {column} FROM round_digests \
             WHERE snapshot_id IN ({})",
            list.join(", ")
        )))
        .fetch_all(&db.pool)
        .await?;
        let kept: HashMap<i64, (String, i64, String)> = rows
            .into_iter()
            .map(|(id, at, format, json)| (id, (at, format, json)))
            .collect();
        for (id, at) in chunk {
            if let Some((_, _, json)) = kept
                .get(id)
                .filter(|(k, format, _)| k == at && *format == DIGEST_FORMAT)
            {
                out.insert(*id, json.clone());
            }
        }
    }
    let missing: Vec<i64> = rounds
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !out.contains_key(id))
        .collect();
    // Snapshots are read 64 at a time (their bodies are large); the digests of each chunk are
    // written in one transaction.
    for chunk in missing.chunks(64) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let bodies: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, created_at, body FROM round_snapshots WHERE id IN ({})",
            list.join(", ")
        )))
        .fetch_all(&db.pool)
        .await?;
        let mut tx = db.pool.begin().await?;
        for (id, at, body) in bodies {
            let snap: RoundSnapshot = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("снимка на отчетен период {id}: {e}")))?;
            let (digest, approved) = RoundDigest::of(&snap);
            let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
            let digest = serde_json::to_string(&digest).map_err(corrupt)?;
            let approved = serde_json::to_string(&approved).map_err(corrupt)?;
            sqlx::query(
                "INSERT INTO round_digests (snapshot_id, created_at, format, digest, approved) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (snapshot_id) DO UPDATE SET \
                 created_at = excluded.created_at, format = excluded.format, \
                 digest = excluded.digest, approved = excluded.approved",
            )
            .bind(id)
            .bind(&at)
            .bind(DIGEST_FORMAT)
            .bind(&digest)
            .bind(&approved)
            .execute(&mut *tx)
            .await?;
            out.insert(
                id,
                match part {
                    Part::Digest => digest,
                    Part::Approved => approved,
                },
            );
        }
        tx.commit().await?;
    }
    Ok(out)
}

fn parse<T: serde::de::DeserializeOwned>(id: i64, json: &str) -> Result<T, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("обобщение на отчетен период {id}: {e}")))
}

/// The cumulative values each plan of `plans` approved in rounds before `year`, the later
/// overriding the earlier.
async fn carried_before(
    db: &Db,
    year: i32,
    plans: &HashSet<i64>,
) -> Result<HashMap<i64, Carried>, StoreError> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, plan_id, created_at FROM round_snapshots WHERE year < $1 ORDER BY year, id",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    let rows: Vec<_> = rows.into_iter().filter(|r| plans.contains(&r.1)).collect();
    let wanted: Vec<(i64, String)> = rows.iter().map(|(id, _, at)| (*id, at.clone())).collect();
    let approved = digests(db, &wanted, Part::Approved).await?;
    let mut out: HashMap<i64, Carried> = HashMap::new();
    for (id, plan, _) in &rows {
        if let Some(json) = approved.get(id) {
            carry(
                out.entry(*plan).or_default(),
                &parse::<Approved>(*id, json)?,
            );
        }
    }
    Ok(out)
}

/// The totals of every frozen round of `year` with the official code of its municipality.
/// Only municipal plans roll up here: a district's or the nation's own plan is its level's.
/// A cumulative indicator without a value in the year carries its last earlier value.
async fn placed_rounds(
    db: &Db,
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
    let before = carried_before(db, year, &plans).await?;
    let wanted: Vec<(i64, String)> = rows.iter().map(|r| (r.id, r.created_at.clone())).collect();
    let stored = digests(db, &wanted, Part::Digest).await?;
    let canon = source_names(db).await?;
    let canon = |s: &str| {
        canon
            .get(&name_key(s))
            .cloned()
            .unwrap_or_else(|| s.trim().to_string())
    };
    let mapped = mappings(db).await?;
    let empty = Carried::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(json) = stored.get(&r.id) else {
            continue;
        };
        let digest: RoundDigest = parse(r.id, json)?;
        let carried = before.get(&r.plan_id).unwrap_or(&empty);
        let mut totals = digest.totals(carried, &canon);
        if let Some(m) = mapped.get(&r.plan_id) {
            totals.national = digest.mapped(carried, m);
        }
        totals.demo_rounds = u64::from(r.origin == Origin::Sample.code());
        out.push(PlacedRound {
            municipality: r.code.unwrap_or_default(),
            plan_id: r.plan_id,
            totals,
        });
    }
    Ok(out)
}

/// Every plan's indicators mapped to the national plan's (`indicator_mappings`, chosen on
/// `/plans/{id}/indicators`): plan id → its [`Mapping`].
pub async fn mappings(db: &Db) -> Result<HashMap<i64, Mapping>, StoreError> {
    let rows: Vec<(i64, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT plan_id, measure_key, indicator_key, national_plan_id, national_measure_key, \
         national_indicator_key FROM indicator_mappings",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: HashMap<i64, Mapping> = HashMap::new();
    for (plan, mk, ik, np, nmk, nik) in rows {
        out.entry(plan)
            .or_default()
            .insert((mk, ik), national_ref(np, &nmk, &nik));
    }
    Ok(out)
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
