//! The PostgreSQL databases of the tests: each test gets a new database, copied from a template
//! that is migrated and seeded once per build of the tests (its name carries the test binary's
//! size and time), so a test does not run every migration and seed again; a database restored
//! from an archive starts empty. Dropped when the test's app is.

use planmon::config::Config;
use planmon::db::Db;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::OnceCell;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A lock key of the tests' own, held while one process makes the template.
const TEMPLATE_LOCK: i64 = 0x0070_6c61_6e6d_6f6e;

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "planmon_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

/// `postgres://u@h:5432/test` -> `postgres://u@h:5432/NAME`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// The template's name for this build of the tests: a new build (new migrations, new seed
/// data) makes a new template.
fn template_name() -> String {
    let exe = std::env::current_exe().expect("the test binary");
    let meta = std::fs::metadata(&exe).expect("the test binary's size and time");
    let mut hash = Sha256::new();
    hash.update(meta.len().to_le_bytes());
    if let Ok(Ok(t)) = meta
        .modified()
        .map(|t| t.duration_since(std::time::UNIX_EPOCH))
    {
        hash.update(t.as_nanos().to_le_bytes());
    }
    let digest = hash.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("planmon_template_{hex}")
}

async fn execute(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The template, made when missing: migrated and seeded as `open_database` leaves a new
/// database, under a lock so that test processes running side by side make it once; older
/// builds' templates are dropped.
async fn template(admin: &str) -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let db = Db::connect(admin).await.expect("connect TEST_DATABASE_URL");
            let mut conn = db.pool.acquire().await.expect("a connection");
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(TEMPLATE_LOCK)
                .execute(&mut *conn)
                .await
                .expect("the template's lock");
            let have: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'planmon_template_%'",
            )
            .fetch_all(&mut *conn)
            .await
            .expect("the templates");
            if !have.contains(&name) {
                let making = format!("{name}_making");
                execute(&db, format!("DROP DATABASE IF EXISTS {making}")).await;
                execute(&db, format!("CREATE DATABASE {making}")).await;
                let config = Config {
                    database_url: Some(with_database(admin, &making)),
                    ..Config::default()
                };
                let made = planmon::server::open_database(&config)
                    .await
                    .expect("migrate and seed the template");
                made.close().await;
                execute(&db, format!("ALTER DATABASE {making} RENAME TO {name}")).await;
            }
            for old in have.iter().filter(|h| **h != name) {
                let sql = format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)");
                // Another process of an older build may be copying it: it stays for later.
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&db.pool)
                    .await;
            }
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(TEMPLATE_LOCK)
                .execute(&mut *conn)
                .await
                .expect("the template's lock");
            drop(conn);
            db.close().await;
            name
        })
        .await
}

/// A new database on the server of `admin`: a copy of the template, or empty for a restore.
/// Returns its URL and name.
pub async fn create(admin: &str, empty: bool) -> (String, String) {
    let name = unique_name();
    let sql = if empty {
        format!("CREATE DATABASE {name}")
    } else {
        format!("CREATE DATABASE {name} TEMPLATE {}", template(admin).await)
    };
    let db = Db::connect(admin).await.expect("connect TEST_DATABASE_URL");
    execute(&db, sql).await;
    db.close().await;
    (with_database(admin, &name), name)
}

/// Drops the database `name`, ending the test's own connections. Drop runs inside the test's
/// runtime, which this thread blocks: from a thread with its own runtime.
pub fn drop_database(admin: String, name: String) {
    let _ = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            if let Ok(db) = Db::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&db.pool)
                .await;
                db.close().await;
            }
        });
    })
    .join();
}
