//! Registry storage: institutions and funding sources, their aliases, and the lookups that
//! turn a name as written in a plan into a registry entry.

use super::{NAME_KEY_VERSION, RegistryKind, builtin, builtin_index, name_key, slugify};
use crate::dates::now_rfc3339;
use crate::db::Db;
use sqlx::{AnyConnection, AssertSqlSafe};

// Every dynamic SQL string below only splices in table and column names from `tables()`.

/// Table and column names of one registry list.
struct Tables {
    entries: &'static str,
    aliases: &'static str,
    fk: &'static str,
}

fn tables(kind: RegistryKind) -> Tables {
    match kind {
        RegistryKind::Institution => Tables {
            entries: "institutions",
            aliases: "institution_aliases",
            fk: "institution_id",
        },
        RegistryKind::FundingSource => Tables {
            entries: "funding_sources",
            aliases: "funding_source_aliases",
            fk: "source_id",
        },
    }
}

/// The entry a name as written belongs to, if any alias matches.
pub async fn find(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    name: &str,
) -> sqlx::Result<Option<i64>> {
    let t = tables(kind);
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT {} FROM {} WHERE key = $1",
        t.fk, t.aliases
    )))
    .bind(name_key(name))
    .fetch_optional(conn)
    .await
}

/// The entry for a name as written, created (with the name as its canonical form) when new.
pub async fn resolve(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    name: &str,
) -> sqlx::Result<i64> {
    if let Some(id) = find(&mut *conn, kind, name).await? {
        return Ok(id);
    }
    // A spelling of a built-in body's structure in a place ("РУ-Казанлък") is stored under the
    // structure's name, so its other spellings find it.
    let canonical = builtin_index(kind)
        .lookup(name)
        .map(std::borrow::Cow::into_owned);
    if let Some(c) = &canonical
        && let Some(id) = find(&mut *conn, kind, c).await?
    {
        add_alias(conn, kind, id, name).await?;
        return Ok(id);
    }
    let id = create(
        &mut *conn,
        kind,
        canonical.as_deref().unwrap_or(name.trim()),
        None,
        false,
    )
    .await?;
    if let Some(c) = &canonical {
        add_alias(&mut *conn, kind, id, c).await?;
    }
    add_alias(conn, kind, id, name).await?;
    Ok(id)
}

async fn create(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    name: &str,
    entry_kind: Option<&str>,
    builtin: bool,
) -> sqlx::Result<i64> {
    let t = tables(kind);
    let existing: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT id FROM {} WHERE name = $1",
        t.entries
    )))
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 1;
    while sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!(
        "SELECT id FROM {} WHERE slug = $1",
        t.entries
    )))
    .bind(&slug)
    .fetch_optional(&mut *conn)
    .await?
    .is_some()
    {
        n += 1;
        slug = format!("{base}-{n}");
    }
    sqlx::query_scalar(AssertSqlSafe(format!(
        "INSERT INTO {} (name, slug, kind, builtin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        t.entries
    )))
    .bind(name)
    .bind(slug)
    .bind(entry_kind)
    .bind(i64::from(builtin))
    .bind(now_rfc3339())
    .fetch_one(conn)
    .await
}

/// Records `alias` as a spelling of entry `id`; an alias already taken is left as it is.
pub async fn add_alias(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    id: i64,
    alias: &str,
) -> sqlx::Result<bool> {
    let t = tables(kind);
    let key = name_key(alias);
    if key.is_empty() {
        return Ok(false);
    }
    let done = sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {} (key, alias, {}) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
        t.aliases, t.fk
    )))
    .bind(key)
    .bind(alias.trim())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Loads the built-in registry, adding entries and aliases that are missing, after re-keying
/// stored aliases if the name normalisation changed since they were written. Idempotent.
pub async fn seed_builtin(db: &Db) -> anyhow::Result<()> {
    let registry = builtin()?;
    let mut tx = db.pool.begin().await?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'name_key_version'")
            .fetch_optional(&mut *tx)
            .await?;
    if stored.as_deref() != Some(NAME_KEY_VERSION) {
        for kind in [RegistryKind::Institution, RegistryKind::FundingSource] {
            rekey_aliases(&mut tx, kind).await?;
        }
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('name_key_version', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(NAME_KEY_VERSION)
        .execute(&mut *tx)
        .await?;
    }
    for (kind, entries) in [
        (RegistryKind::Institution, &registry.institutions),
        (RegistryKind::FundingSource, &registry.sources),
    ] {
        for e in entries.iter().filter(|e| !e.is_place_form()) {
            let id = match find(&mut tx, kind, &e.name).await? {
                Some(id) => id,
                None => {
                    let id = create(&mut tx, kind, &e.name, e.kind.as_deref(), true).await?;
                    add_alias(&mut tx, kind, id, &e.name).await?;
                    id
                }
            };
            for a in &e.aliases {
                add_alias(&mut tx, kind, id, a).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Recomputes every alias key with the current `name_key`. When two spellings now share a key,
/// the alias of the older entry wins and the other is dropped (its entry keeps its measures).
async fn rekey_aliases(conn: &mut AnyConnection, kind: RegistryKind) -> sqlx::Result<()> {
    let t = tables(kind);
    let rows: Vec<(String, String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT key, alias, {fk} FROM {} ORDER BY {fk}, alias",
        t.aliases,
        fk = t.fk
    )))
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(AssertSqlSafe(format!("DELETE FROM {}", t.aliases)))
        .execute(&mut *conn)
        .await?;
    for (_, alias, id) in rows {
        add_alias(&mut *conn, kind, id, &alias).await?;
    }
    Ok(())
}

/// A registry entry with how much of the plans refers to it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntrySummary {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub kind: Option<String>,
    pub measures: i64,
    pub plans: i64,
}

/// Institutions that are responsible for at least one measure, most measures first.
pub async fn institutions_in_use(db: &Db) -> sqlx::Result<Vec<EntrySummary>> {
    sqlx::query_as(
        "SELECT i.id, i.name, i.slug, i.kind, COUNT(DISTINCT mi.measure_id) AS measures, \
                COUNT(DISTINCT m.plan_id) AS plans \
         FROM institutions i \
         JOIN measure_institutions mi ON mi.institution_id = i.id \
         JOIN measures m ON m.id = mi.measure_id \
         GROUP BY i.id, i.name, i.slug, i.kind \
         ORDER BY COUNT(DISTINCT mi.measure_id) DESC, i.name",
    )
    .fetch_all(&db.pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub kind: Option<String>,
}

pub async fn institution_by_slug(db: &Db, slug: &str) -> sqlx::Result<Option<Entry>> {
    sqlx::query_as("SELECT id, name, slug, kind FROM institutions WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&db.pool)
        .await
}

/// The spellings plans use for an entry.
pub async fn aliases(db: &Db, kind: RegistryKind, id: i64) -> sqlx::Result<Vec<String>> {
    let t = tables(kind);
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT alias FROM {} WHERE {} = $1 ORDER BY alias",
        t.aliases, t.fk
    )))
    .bind(id)
    .fetch_all(&db.pool)
    .await
}

/// A measure an institution is responsible for, with its plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstitutionMeasure {
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality: String,
    pub period_from: i64,
    pub period_to: i64,
    pub measure_key: String,
    pub measure_code: Option<String>,
    pub activities: String,
    pub tasks: String,
    pub period_text: Option<String>,
    pub status: Option<String>,
    pub name_as_written: String,
}

pub async fn institution_measures(
    db: &Db,
    institution_id: i64,
) -> sqlx::Result<Vec<InstitutionMeasure>> {
    sqlx::query_as(
        "SELECT p.id AS plan_id, p.title AS plan_title, mu.name AS municipality, \
                p.period_from, p.period_to, m.key AS measure_key, m.code AS measure_code, \
                m.activities, m.tasks, m.period_text, m.status, mi.name AS name_as_written \
         FROM measure_institutions mi \
         JOIN measures m ON m.id = mi.measure_id \
         JOIN plans p ON p.id = m.plan_id \
         JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE mi.institution_id = $1 \
         ORDER BY mu.name, p.period_from DESC, p.id, m.position",
    )
    .bind(institution_id)
    .fetch_all(&db.pool)
    .await
}
