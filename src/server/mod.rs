//! Starting the server: database, migrations, registry, optional demo data, listening; the
//! router that wires every module's routes is in `router.rs`.

pub mod router;

use crate::config::Config;
use crate::db::Db;
use crate::web::AppState;
use crate::web::listen::Limits;
use anyhow::Context;
pub use router::{catch_panic, router};
use std::time::Instant;

/// Connects, migrates and seeds the registry: what every command that uses the database needs.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url()).await?;
    db.migrate().await?;
    crate::registry::store::seed_builtin(&db)
        .await
        .context("не мога да заредя регистъра на институциите")?;
    crate::territory::store::seed(&db)
        .await
        .context("не мога да заредя областите и общините (ЕКАТТЕ)")?;
    Ok(db)
}

pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = open_database(&config).await?;
    if demo {
        let ids = crate::demo::load(&db).await?;
        println!("Демонстрационни данни: планове {ids:?}");
        crate::amend::demo::load(&db, &config.data_dir, &ids).await?;
        let rounds = crate::demo::load_sample_rounds(&db, &ids).await?;
        if rounds > 0 {
            println!("Примерни отчетни периоди: {rounds}");
        }
        // The accounts first, so the demo rounds' e-mail reaches them (in the outbox).
        let logins = crate::account::demo::accounts(&db).await?;
        let opened = crate::monitoring::demo::load(&db, &ids).await?;
        if opened > 0 {
            println!("Демонстрационни отчетни кръгове: {opened}");
        }
        let drafts = crate::demo::load_report_drafts(&db, &ids).await?;
        if drafts > 0 {
            println!("Проекти на годишни доклади: {drafts}");
        }
        if crate::demo::publish_sample_report(&db, &config.data_dir, &ids).await? {
            println!("Публикуван примерен годишен доклад");
        }
        println!(
            "Демонстрационни профили (паролите се показват само сега и се сменят при всяко стартиране с --demo):"
        );
        for l in logins {
            println!("  {:<48} {:<24} {}", l.email, l.password, l.role);
        }
        if let Some((token, municipality)) = crate::api::tokens::demo(&db).await? {
            println!("API ключ (демо, координатор, Община {municipality}): {token}");
        }
    }
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("не мога да слушам на адрес {}", config.addr))?;
    let addr = listener.local_addr()?;
    crate::account::store::purge_expired(&db)
        .await
        .context("не мога да изчистя изтеклите сесии")?;
    match crate::mail::send::spawn(db.clone(), &config) {
        Ok(said) => println!("{said}"),
        Err(e) => anyhow::bail!("електронна поща: {e}"),
    }
    let max_connections = config.max_connections;
    let url = config.database_url();
    let backend = db.backend;
    let mut state = AppState::new(db, config);
    state.pages = std::sync::Arc::new(crate::web::cache::ResponseCache::enabled());
    crate::web::cache::watch(state.pages.clone(), url, backend);
    let app = router(state);
    println!(
        "planmon е готов на http://{addr} (за {} ms)",
        started.elapsed().as_millis()
    );
    crate::web::listen::serve(listener, app, Limits::new(max_connections), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
