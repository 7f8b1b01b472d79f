//! Reading the audit log: newest first, filtered, limited to the municipalities a reader may see.
//! There is no update or delete here, by design.

use crate::db::Db;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    pub id: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub municipality_id: Option<i64>,
    pub municipality: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

type Row = (
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// What to show. `municipalities: None` is everything (administrators); `Some(ids)` only the
/// events of those municipalities (coordinators), never the events without one.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub municipalities: Option<Vec<i64>>,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Part of the actor's label (e-mail), case-insensitive for Latin letters.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

enum Bind {
    Int(i64),
    Text(String),
}

fn where_clause(f: &Filter) -> (String, Vec<Bind>) {
    let mut conds = Vec::new();
    let mut binds = Vec::new();
    let next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    if let Some(ms) = &f.municipalities {
        if ms.is_empty() {
            conds.push("1 = 0".to_string());
        } else {
            let ps: Vec<String> = ms.iter().map(|m| next(Bind::Int(*m), &mut binds)).collect();
            conds.push(format!("e.municipality_id IN ({})", ps.join(", ")));
        }
    }
    if let Some(d) = &f.from {
        let p = next(Bind::Text(format!("{d}T00:00:00Z")), &mut binds);
        conds.push(format!("e.at >= {p}"));
    }
    if let Some(d) = &f.to {
        let p = next(Bind::Text(format!("{d}T23:59:59Z")), &mut binds);
        conds.push(format!("e.at <= {p}"));
    }
    if let Some(a) = &f.actor {
        let p = next(Bind::Text(format!("%{}%", a.to_lowercase())), &mut binds);
        conds.push(format!("LOWER(e.actor_label) LIKE {p}"));
    }
    if let Some(a) = &f.action {
        let p = next(Bind::Text(a.clone()), &mut binds);
        conds.push(format!("e.action = {p}"));
    }
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    (clause, binds)
}

/// The events matching `f`, newest first, and how many match in all.
pub async fn list(db: &Db, f: &Filter) -> sqlx::Result<(Vec<StoredEvent>, i64)> {
    let (clause, binds) = where_clause(f);
    let count_sql = format!("SELECT COUNT(*) FROM audit_events e {clause}");
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
    for b in &binds {
        count = match b {
            Bind::Int(i) => count.bind(*i),
            Bind::Text(t) => count.bind(t.clone()),
        };
    }
    let total = count.fetch_one(&db.pool).await?;
    let sql = format!(
        "SELECT e.id, e.at, e.actor_kind, e.actor_user_id, e.actor_label, e.action, \
         e.entity_type, e.entity_id, e.municipality_id, m.name, e.before_json, e.after_json, e.ip \
         FROM audit_events e LEFT JOIN municipalities m ON m.id = e.municipality_id \
         {clause} ORDER BY e.at DESC, e.id DESC LIMIT {} OFFSET {}",
        f.limit.clamp(1, 1000),
        f.offset.max(0)
    );
    let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = match b {
            Bind::Int(i) => q.bind(i),
            Bind::Text(t) => q.bind(t),
        };
    }
    let rows = q.fetch_all(&db.pool).await?;
    Ok((
        rows.into_iter()
            .map(|r| StoredEvent {
                id: r.0,
                at: r.1,
                actor_kind: r.2,
                actor_user_id: r.3,
                actor_label: r.4,
                action: r.5,
                entity_type: r.6,
                entity_id: r.7,
                municipality_id: r.8,
                municipality: r.9,
                before: r.10,
                after: r.11,
                ip: r.12,
            })
            .collect(),
        total,
    ))
}

/// The distinct actions among the events `municipalities` allows, for the filter's choices.
pub async fn actions(db: &Db, municipalities: Option<Vec<i64>>) -> sqlx::Result<Vec<String>> {
    let (clause, binds) = where_clause(&Filter {
        municipalities,
        ..Filter::default()
    });
    let sql = format!("SELECT DISTINCT e.action FROM audit_events e {clause} ORDER BY e.action");
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = match b {
            Bind::Int(i) => q.bind(i),
            Bind::Text(t) => q.bind(t),
        };
    }
    q.fetch_all(&db.pool).await
}
