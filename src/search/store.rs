//! Search queries on both backends.

use super::{SearchQuery, fts5_query, tsquery};
use crate::db::{Backend, Db};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Hit {
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality: String,
    pub key: String,
    pub code: Option<String>,
    pub activities: String,
    pub tasks: String,
    pub status: Option<String>,
    pub priority_title: String,
    pub national_area: Option<String>,
    pub objective_title: String,
}

pub const LIMIT: i64 = 200;

/// SQL with `$N` placeholders numbered as text is pushed, and the text values to bind
/// (sqlx's `QueryBuilder` writes `?` for the Any driver, which PostgreSQL does not accept).
#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<String>,
}

impl Sql {
    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, value: &str) -> &mut Self {
        self.binds.push(value.to_string());
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }
}

/// Matching measures, best first (by text rank, then by plan order).
pub async fn search(db: &Db, q: &SearchQuery) -> sqlx::Result<Vec<Hit>> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT m.plan_id, p.title AS plan_title, mu.name AS municipality, m.key, m.code, \
                m.activities, m.tasks, m.status, pr.title AS priority_title, pr.national_area, \
                o.title AS objective_title \
         FROM measures m \
         JOIN objectives o ON o.id = m.objective_id \
         JOIN priorities pr ON pr.id = o.priority_id \
         JOIN plans p ON p.id = m.plan_id \
         JOIN municipalities mu ON mu.id = p.municipality_id ",
    );
    let text = match db.backend {
        Backend::Sqlite => fts5_query(&q.text),
        Backend::Postgres => tsquery(&q.text),
    };
    match (&text, db.backend) {
        (Some(t), Backend::Sqlite) => {
            sql.push("JOIN measure_search s ON s.rowid = m.id WHERE measure_search MATCH ")
                .bind(t);
        }
        (Some(t), Backend::Postgres) => {
            sql.push("WHERE to_tsvector('simple', m.search_text) @@ to_tsquery('simple', ")
                .bind(t)
                .push(")");
        }
        (None, _) => {
            sql.push("WHERE 1 = 1");
        }
    }
    if let Some(area) = q.area {
        sql.push(" AND pr.national_area = ").bind(area.code());
    }
    if let Some(slug) = &q.institution {
        sql.push(
            " AND EXISTS (SELECT 1 FROM measure_institutions mi JOIN institutions i ON i.id = mi.institution_id \
             WHERE mi.measure_id = m.id AND i.slug = ",
        )
        .bind(slug)
        .push(")");
    }
    if let Some(status) = &q.status {
        sql.push(" AND m.status = ").bind(status);
    }
    sql.push(" ORDER BY ");
    match (&text, db.backend) {
        (Some(_), Backend::Sqlite) => {
            sql.push("s.rank, ");
        }
        (Some(t), Backend::Postgres) => {
            sql.push("ts_rank(to_tsvector('simple', m.search_text), to_tsquery('simple', ")
                .bind(t)
                .push(")) DESC, ");
        }
        (None, _) => {}
    }
    sql.push(&format!("mu.name, m.plan_id, m.position LIMIT {LIMIT}"));
    let mut query = sqlx::query_as::<_, Hit>(AssertSqlSafe(sql.text));
    for value in sql.binds {
        query = query.bind(value);
    }
    query.fetch_all(&db.pool).await
}

/// The statuses plans declare, for the status filter.
pub async fn statuses(db: &Db) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT status FROM measures WHERE status IS NOT NULL ORDER BY status",
    )
    .fetch_all(&db.pool)
    .await
}
