//! The database connection: SQLite (embedded default) or PostgreSQL, chosen by URL at runtime,
//! with the schema migrations for each embedded in the binary.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool on one of the two backends. SQL is written once with `$1` placeholders; where the
/// dialects differ, store code branches on `backend`.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("неподдържан адрес на база данни „{0}“: очаква се sqlite://… или postgres://…")]
    UnsupportedUrl(String),
    #[error("не мога да се свържа с базата данни {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("не мога да създам папката {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("грешка при обновяване на схемата на базата данни: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("грешка в базата данни: {0}")]
    Sql(#[from] sqlx::Error),
}

pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

impl Db {
    /// Connects (creating the SQLite file and its folder when needed). Fails fast with a clear
    /// message when the server is unreachable.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        install_default_drivers();
        let backend = backend_of(url).ok_or_else(|| DbError::UnsupportedUrl(url.to_string()))?;
        // A SQLite file named without a mode is made when missing, as the default one is
        // (`sqlite://data/planmon.db` on a new machine).
        let url = match backend {
            Backend::Sqlite => {
                ensure_sqlite_dir(url)?;
                sqlite_created_when_missing(url)
            }
            Backend::Postgres => url.to_string(),
        };
        let url = url.as_str();
        let shown = crate::config::redact_url(url);
        let options = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(5))
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options
            .connect(url)
            .await
            .map_err(|source| DbError::Connect { url: shown, source })?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        Ok(Db { pool, backend })
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The SQLite URL with `mode=rwc` (read, write, create) when it names no mode of its own.
fn sqlite_created_when_missing(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let memory = path.ends_with(":memory:");
    if memory || query.split('&').any(|p| p.starts_with("mode=")) {
        return url.to_string();
    }
    match query {
        "" => format!("{path}?mode=rwc"),
        q => format!("{path}?{q}&mode=rwc"),
    }
}

fn ensure_sqlite_dir(url: &str) -> Result<(), DbError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| DbError::DataDir {
            path: parent.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sqlite_created_when_missing;

    #[test]
    fn a_sqlite_file_named_without_a_mode_is_made_when_missing() {
        assert_eq!(
            sqlite_created_when_missing("sqlite://data/planmon.db"),
            "sqlite://data/planmon.db?mode=rwc"
        );
        assert_eq!(
            sqlite_created_when_missing("sqlite:///srv/pm.db?cache=shared"),
            "sqlite:///srv/pm.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_created_when_missing("sqlite://pm.db?mode=ro"),
            "sqlite://pm.db?mode=ro"
        );
        assert_eq!(
            sqlite_created_when_missing("sqlite::memory:"),
            "sqlite::memory:"
        );
    }
}
