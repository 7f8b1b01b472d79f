//! The names the records of some events are known by, read for the events one page of the log
//! shows (a few queries for the whole page, never one per event): the actor's display name, an
//! update's institution, measure and year (also through its evidence), the institution of a
//! submission link, the year of a round or report, a plan's title, a user's name. Measure keys
//! become the plan's own numbers where the plans are at hand (`Names::numbers`, filled by the
//! page from the plan cache).

use super::store::StoredEvent;
use crate::db::Db;
use std::collections::{BTreeSet, HashMap};

/// An update as the log names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateName {
    pub institution: String,
    pub plan_id: i64,
    pub measure_key: String,
    pub year: i64,
}

/// What the events' ids resolve to; an id missing here is said without its name.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// A user's name, else their e-mail.
    pub users: HashMap<i64, String>,
    pub updates: HashMap<i64, UpdateName>,
    /// Evidence → its update.
    pub evidence: HashMap<i64, i64>,
    /// A submission link → its institution.
    pub links: HashMap<i64, String>,
    /// A round's, an annual report's, a district's or the nation's report's year.
    pub round_years: HashMap<i64, i64>,
    pub report_years: HashMap<i64, i64>,
    pub area_report_years: HashMap<i64, i64>,
    pub plans: HashMap<i64, String>,
    /// The plan's own number of a measure, by (plan, measure key).
    pub numbers: HashMap<(i64, String), String>,
}

impl Names {
    /// The update an event is about: its own, or the one its evidence belongs to.
    pub fn update_of(&self, e: &StoredEvent) -> Option<&UpdateName> {
        let id = entity_number(e)?;
        let uid = match e.entity_type.as_str() {
            "update" => id,
            "evidence" => *self.evidence.get(&id)?,
            _ => return None,
        };
        self.updates.get(&uid)
    }
}

/// The event's record id as a number, when it is one.
pub fn entity_number(e: &StoredEvent) -> Option<i64> {
    e.entity_id.as_deref()?.trim().parse().ok()
}

fn ids_of<'a>(events: &'a [StoredEvent], kind: &'a str) -> impl Iterator<Item = i64> + 'a {
    events
        .iter()
        .filter(move |e| e.entity_type == kind)
        .filter_map(entity_number)
}

/// Rows of `select … WHERE <column> IN (ids)`, the ids bound; nothing for no ids.
async fn rows<T>(db: &Db, select: &str, ids: &BTreeSet<i64>) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let places: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!("{select} IN ({})", places.join(", "));
    let mut q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(&db.pool).await
}

/// Reads the names of `events`' actors and records.
pub async fn read(db: &Db, events: &[StoredEvent]) -> sqlx::Result<Names> {
    let mut names = Names::default();
    let users: BTreeSet<i64> = events
        .iter()
        .filter_map(|e| e.actor_user_id)
        .chain(ids_of(events, "user"))
        .collect();
    for (id, name, email) in
        rows::<(i64, String, String)>(db, "SELECT id, name, email FROM users WHERE id", &users)
            .await?
    {
        let shown = if name.trim().is_empty() { email } else { name };
        names.users.insert(id, shown);
    }
    let evidence: BTreeSet<i64> = ids_of(events, "evidence").collect();
    for (id, update) in rows::<(i64, i64)>(
        db,
        "SELECT id, update_id FROM update_evidence WHERE id",
        &evidence,
    )
    .await?
    {
        names.evidence.insert(id, update);
    }
    let updates: BTreeSet<i64> = ids_of(events, "update")
        .chain(names.evidence.values().copied())
        .collect();
    for (id, institution, plan_id, measure_key, year) in rows::<(i64, String, i64, String, i64)>(
        db,
        "SELECT u.id, i.name, r.plan_id, u.measure_key, r.year FROM round_updates u \
         JOIN institutions i ON i.id = u.institution_id JOIN rounds r ON r.id = u.round_id \
         WHERE u.id",
        &updates,
    )
    .await?
    {
        let name = UpdateName {
            institution,
            plan_id,
            measure_key,
            year,
        };
        names.updates.insert(id, name);
    }
    let links: BTreeSet<i64> = ids_of(events, "submission_link")
        .chain(
            events
                .iter()
                .filter_map(|e| super::Actor::link_id(&e.actor_label)),
        )
        .collect();
    for (id, institution) in rows::<(i64, String)>(
        db,
        "SELECT l.id, i.name FROM submission_links l \
         JOIN institutions i ON i.id = l.institution_id WHERE l.id",
        &links,
    )
    .await?
    {
        names.links.insert(id, institution);
    }
    let years = [
        ("round", "SELECT id, year FROM rounds WHERE id"),
        (
            "annual_report",
            "SELECT id, year FROM annual_reports WHERE id",
        ),
        ("area_report", "SELECT id, year FROM area_reports WHERE id"),
    ];
    for (kind, select) in years {
        let ids: BTreeSet<i64> = ids_of(events, kind).collect();
        let found: HashMap<i64, i64> = rows::<(i64, i64)>(db, select, &ids)
            .await?
            .into_iter()
            .collect();
        match kind {
            "round" => names.round_years = found,
            "annual_report" => names.report_years = found,
            _ => names.area_report_years = found,
        }
    }
    let plans: BTreeSet<i64> = ids_of(events, "plan").collect();
    names.plans = rows::<(i64, String)>(db, "SELECT id, title FROM plans WHERE id", &plans)
        .await?
        .into_iter()
        .collect();
    Ok(names)
}
