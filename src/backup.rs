//! `planmon backup FILE` and `planmon restore FILE`: the whole system in one archive, and back,
//! into an empty database of either backend (SQLite ↔ PostgreSQL).
//!
//! The archive is a ZIP file:
//! - `manifest.json`: format, when, from which backend, the schema version (the last migration),
//!   every table with its columns and row count, every stored file with its SHA-256;
//! - `tables/NAME.jsonl`: one JSON array per row, values in the manifest's column order
//!   (integers, reals, text, null: the schema uses nothing else on either backend);
//! - `files/PATH`: every file the database refers to (`crate::files::referenced`).
//!
//! The backup reads every table in one read-only transaction (PostgreSQL `REPEATABLE READ`, a
//! SQLite read transaction on the WAL), so it is consistent while the server runs; stored files
//! never change once kept (they are named by their checksum), and each is checked against the
//! checksum its row holds. Derived tables (SQLite's full-text index, filled by triggers) are
//! not copied: the restore rebuilds them by inserting the rows.
//!
//! The restore migrates the target, refuses one whose tables hold any row or whose schema version
//! differs, inserts every table in the target's creation order (parents before children) in one
//! transaction, moves PostgreSQL's identity sequences past the restored ids, and writes the
//! files after checking their checksums.

use crate::db::{Backend, Db};
use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::Path;

const FORMAT: &str = "planmon-backup-1";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub backend: String,
    pub schema_version: i64,
    pub tables: Vec<TableInfo>,
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
}

/// How a column's values are read and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
}

fn kind_of(declared: &str) -> Kind {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        Kind::Int
    } else if t.contains("REAL") || t.contains("DOUBLE") || t.contains("FLOAT") {
        Kind::Real
    } else {
        Kind::Text
    }
}

/// The data tables in creation order (parents before children), without derived ones.
async fn tables(conn: &mut sqlx::AnyConnection, backend: Backend) -> sqlx::Result<Vec<String>> {
    match backend {
        Backend::Sqlite => {
            let all: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' \
                 ORDER BY rowid",
            )
            .fetch_all(&mut *conn)
            .await?;
            let virtual_tables: Vec<String> = all
                .iter()
                .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL"))
                .map(|(n, _)| n.clone())
                .collect();
            Ok(all
                .into_iter()
                .map(|(n, _)| n)
                .filter(|n| !n.starts_with("sqlite_") && !n.starts_with("_sqlx"))
                .filter(|n| {
                    !virtual_tables
                        .iter()
                        .any(|v| n == v || n.starts_with(&format!("{v}_")))
                })
                .collect())
        }
        Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT c.relname::TEXT FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind = 'r' \
                 AND c.relname NOT LIKE '\\_sqlx%' ORDER BY c.oid",
            )
            .fetch_all(&mut *conn)
            .await
        }
    }
}

/// A table's columns in order, with their kinds.
async fn columns(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    table: &str,
) -> sqlx::Result<Vec<(String, Kind)>> {
    let rows: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, type FROM pragma_table_info('{}') ORDER BY cid",
                table.replace('\'', "''")
            )))
            .fetch_all(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT column_name::TEXT, data_type::TEXT FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    Ok(rows.into_iter().map(|(n, t)| (n, kind_of(&t))).collect())
}

/// Tables the migrations themselves fill (reference data): present in a new database.
fn seeded_by_migrations(backend: Backend) -> std::collections::BTreeSet<String> {
    let migrator = match backend {
        Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("migrations/postgres"),
    };
    let insert = regex::Regex::new(r#"(?i)INSERT\s+INTO\s+"?(\w+)"?"#).ok();
    migrator
        .iter()
        .flat_map(|m| {
            insert
                .iter()
                .flat_map(|re| re.captures_iter(m.sql.as_str()))
                .filter_map(|c| c.get(1).map(|t| t.as_str().to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn schema_version(conn: &mut sqlx::AnyConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// What a backup or restore did.
#[derive(Debug, Default)]
pub struct Summary {
    pub tables: usize,
    pub rows: u64,
    pub files: usize,
    pub bytes: u64,
}

/// Writes the archive of `db` and the files under `data_dir` to `out`.
pub async fn backup(db: &Db, data_dir: &Path, out: &Path) -> anyhow::Result<Summary> {
    let part = out.with_extension("part");
    let file = std::fs::File::create(&part)
        .with_context(|| format!("не мога да създам {}", part.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut tx = db.pool.begin().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let version = schema_version(&mut tx).await?;
    let mut infos = Vec::new();
    let mut summary = Summary::default();
    for table in tables(&mut tx, db.backend).await? {
        let cols = columns(&mut tx, db.backend, &table).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM {}",
            quoted(&table)
        )))
        .fetch_all(&mut *tx)
        .await
        .with_context(|| format!("таблица {table}"))?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(cols.len());
            for (i, (name, kind)) in cols.iter().enumerate() {
                let v = match kind {
                    Kind::Int => row
                        .try_get::<Option<i64>, _>(i)
                        .map(|v| v.map(serde_json::Value::from)),
                    Kind::Real => row
                        .try_get::<Option<f64>, _>(i)
                        .map(|v| v.map(serde_json::Value::from)),
                    Kind::Text => row
                        .try_get::<Option<String>, _>(i)
                        .map(|v| v.map(serde_json::Value::from)),
                }
                .with_context(|| format!("таблица {table}, колона {name}"))?;
                values.push(v.unwrap_or(serde_json::Value::Null));
            }
            lines.push(values);
        }
        // The same order from either backend (text collations differ): by value, numbers as
        // numbers, so ids ascend and parents come before their children.
        lines.sort_by(|a, b| compare_rows(a, b));
        zip.start_file(format!("tables/{table}.jsonl"), options)?;
        for values in &lines {
            serde_json::to_writer(&mut zip, values)?;
            zip.write_all(b"\n")?;
        }
        summary.tables += 1;
        summary.rows += rows.len() as u64;
        infos.push(TableInfo {
            name: table,
            columns: cols.into_iter().map(|(n, _)| n).collect(),
            rows: rows.len() as u64,
        });
    }
    let referenced = crate::files::referenced_in(&mut tx).await?;
    tx.commit().await?;
    for (path, sha) in &referenced {
        let bytes = read_kept(&data_dir.join(path))
            .with_context(|| format!("съхраненият файл {path} липсва"))?;
        ensure!(
            sha.is_empty() || crate::files::sha256_hex(&bytes) == *sha,
            "съхраненият файл {path} е повреден (контролната сума не съвпада); вижте planmon check"
        );
        zip.start_file(format!("files/{path}"), options)?;
        zip.write_all(&bytes)?;
        summary.files += 1;
        summary.bytes += bytes.len() as u64;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: crate::dates::now_rfc3339(),
        backend: backend_name(db.backend).into(),
        schema_version: version,
        tables: infos,
        files: referenced,
    };
    zip.start_file("manifest.json", options)?;
    serde_json::to_writer_pretty(&mut zip, &manifest)?;
    zip.finish()?.flush()?;
    std::fs::rename(&part, out).with_context(|| format!("не мога да запиша {}", out.display()))?;
    Ok(summary)
}

fn compare_rows(a: &[serde_json::Value], b: &[serde_json::Value]) -> std::cmp::Ordering {
    use serde_json::Value;
    use std::cmp::Ordering;
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => x
                    .as_f64()
                    .unwrap_or(0.0)
                    .total_cmp(&y.as_f64().unwrap_or(0.0)),
            },
            (Value::String(x), Value::String(y)) => x.cmp(y),
            (x, y) => x.to_string().cmp(&y.to_string()),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// A kept file; a row committed a moment ago may have its file made permanent just after.
fn read_kept(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::thread::sleep(std::time::Duration::from_millis(200));
            std::fs::read(path)
        }
        other => other,
    }
}

/// Restores the archive `input` into `db` (migrated here, must be empty) and `data_dir`.
pub async fn restore(db: &Db, data_dir: &Path, input: &Path) -> anyhow::Result<Summary> {
    let file = std::fs::File::open(input)
        .with_context(|| format!("не мога да отворя {}", input.display()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{} не е архив на planmon", input.display()))?;
    let manifest: Manifest = {
        let entry = zip
            .by_name("manifest.json")
            .with_context(|| format!("{}: липсва manifest.json", input.display()))?;
        serde_json::from_reader(entry.take(16 * 1024 * 1024))
            .with_context(|| format!("{}: manifest.json", input.display()))?
    };
    ensure!(
        manifest.format == FORMAT,
        "{}: непознат формат „{}“ (очаква се {FORMAT})",
        input.display(),
        manifest.format
    );
    db.migrate().await?;
    let mut tx = db.pool.begin().await?;
    let version = schema_version(&mut tx).await?;
    ensure!(
        version == manifest.schema_version,
        "архивът е от схема {} , а тази версия на planmon е на схема {version}: \
         възстановете с версията, която е направила архива",
        manifest.schema_version
    );
    let target_tables = tables(&mut tx, db.backend).await?;
    let seeded = seeded_by_migrations(db.backend);
    for table in &target_tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}",
            quoted(table)
        )))
        .fetch_one(&mut *tx)
        .await?;
        if n > 0 && !seeded.contains(table) {
            bail!(
                "базата данни не е празна (таблица {table}: {n} реда); възстановяването \
                 е само в празна база данни"
            );
        }
    }
    // Rows the migrations wrote come back from the archive with the rest.
    for table in target_tables.iter().rev().filter(|t| seeded.contains(*t)) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {}",
            quoted(table)
        )))
        .execute(&mut *tx)
        .await?;
    }
    let by_name: BTreeMap<&str, &TableInfo> = manifest
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect();
    if let Some(extra) = manifest
        .tables
        .iter()
        .find(|t| !target_tables.contains(&t.name))
    {
        bail!(
            "архивът съдържа таблица {}, която тази база няма",
            extra.name
        );
    }
    let mut summary = Summary::default();
    for table in &target_tables {
        let Some(info) = by_name.get(table.as_str()) else {
            continue;
        };
        let target_cols: BTreeMap<String, Kind> = columns(&mut tx, db.backend, table)
            .await?
            .into_iter()
            .collect();
        let kinds = info
            .columns
            .iter()
            .map(|c| {
                target_cols
                    .get(c)
                    .copied()
                    .with_context(|| format!("таблица {table} няма колона {c}"))
            })
            .collect::<anyhow::Result<Vec<Kind>>>()?;
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quoted(table),
            info.columns
                .iter()
                .map(|c| quoted(c))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=info.columns.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let entry = zip
            .by_name(&format!("tables/{table}.jsonl"))
            .with_context(|| format!("архивът няма данните на таблица {table}"))?;
        let mut rows = 0u64;
        for (n, line) in std::io::BufReader::new(entry).lines().enumerate() {
            let line = line?;
            let values: Vec<serde_json::Value> = serde_json::from_str(&line)
                .with_context(|| format!("tables/{table}.jsonl, ред {}", n + 1))?;
            ensure!(
                values.len() == kinds.len(),
                "tables/{table}.jsonl, ред {}: {} стойности вместо {}",
                n + 1,
                values.len(),
                kinds.len()
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (v, kind) in values.iter().zip(&kinds) {
                q = match (kind, v) {
                    (Kind::Int, serde_json::Value::Null) => q.bind(None::<i64>),
                    (Kind::Real, serde_json::Value::Null) => q.bind(None::<f64>),
                    (Kind::Text, serde_json::Value::Null) => q.bind(None::<String>),
                    (Kind::Int, v) => q.bind(v.as_i64().with_context(|| {
                        format!("tables/{table}.jsonl, ред {}: не е цяло число: {v}", n + 1)
                    })?),
                    (Kind::Real, v) => q.bind(v.as_f64().with_context(|| {
                        format!("tables/{table}.jsonl, ред {}: не е число: {v}", n + 1)
                    })?),
                    (Kind::Text, serde_json::Value::String(s)) => q.bind(s.clone()),
                    (Kind::Text, v) => q.bind(v.to_string()),
                };
            }
            q.execute(&mut *tx)
                .await
                .with_context(|| format!("tables/{table}.jsonl, ред {}", n + 1))?;
            rows += 1;
        }
        ensure!(
            rows == info.rows,
            "таблица {table}: {rows} реда вместо {}",
            info.rows
        );
        if db.backend == Backend::Postgres && target_cols.contains_key("id") {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {q}), 0) + 1, false) \
                 WHERE pg_get_serial_sequence('{t}', 'id') IS NOT NULL",
                t = table.replace('\'', "''"),
                q = quoted(table)
            )))
            .execute(&mut *tx)
            .await?;
        }
        summary.tables += 1;
        summary.rows += rows;
    }
    // Files first checked, then written, then the rows committed: a failure leaves the database
    // empty as it was.
    for (path, sha) in &manifest.files {
        ensure!(
            !path.contains("..") && crate::files::FOLDERS.iter().any(|f| path.starts_with(f)),
            "архивът съдържа неочакван път на файл „{path}“"
        );
        let mut entry = zip
            .by_name(&format!("files/{path}"))
            .with_context(|| format!("архивът няма файла {path}"))?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        ensure!(
            sha.is_empty() || crate::files::sha256_hex(&bytes) == *sha,
            "файлът {path} в архива е повреден (контролната сума не съвпада)"
        );
        let folder = path.split('/').next().unwrap_or("evidence");
        let staged = crate::files::stage(data_dir, folder, &bytes)?;
        ensure!(
            staged.path == *path,
            "файлът {path} в архива не е под името на контролната си сума"
        );
        staged.keep()?;
        summary.files += 1;
        summary.bytes += bytes.len() as u64;
    }
    tx.commit().await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_kinds_are_read_the_same_on_both_backends() {
        for (declared, kind) in [
            ("INTEGER", Kind::Int),
            ("bigint", Kind::Int),
            ("BIGINT", Kind::Int),
            ("REAL", Kind::Real),
            ("double precision", Kind::Real),
            ("TEXT", Kind::Text),
            ("text", Kind::Text),
            ("", Kind::Text),
        ] {
            assert_eq!(kind_of(declared), kind, "{declared}");
        }
    }
}
