//! Storing plans: versions, round trips, the alias registry, bad input.

use crate::helpers::{TestApp, sample_plan};
use planmon::plan::format::{parse_plan_json, to_plan_json};
use planmon::plan::store;

#[tokio::test]
async fn seed_plans_survive_a_store_and_load_unchanged() {
    let app = TestApp::spawn().await;
    for plan in planmon::demo::seed_plans().expect("seed plans import") {
        let id = app.create_plan(&plan).await;
        let loaded = store::load_plan(&app.db, id)
            .await
            .expect("load")
            .expect("exists");
        assert_eq!(loaded.plan, plan, "{}", plan.municipality);
    }
}

#[tokio::test]
async fn a_new_version_replaces_the_plan_and_keeps_the_old_one_readable() {
    let app = TestApp::spawn().await;
    let v1 = sample_plan();
    let id = app.create_plan(&v1).await;
    let mut v2 = v1.clone();
    v2.priorities[0].objectives[0].measures.remove(1);
    v2.title = "План (изменен с Решение № 500)".into();
    let version = store::save_version(&app.db, id, &v2, Some("изменение"))
        .await
        .expect("save")
        .expect("plan exists");
    assert_eq!(version, 2);
    let current = store::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(current.plan, v2);
    assert_eq!(current.version, 2);
    assert_eq!(
        store::load_version(&app.db, id, 1).await.expect("v1"),
        Some(v1)
    );
    let versions = store::versions(&app.db, id).await.expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
}

#[tokio::test]
async fn saving_a_version_of_a_missing_plan_stores_nothing() {
    let app = TestApp::spawn().await;
    assert_eq!(
        store::save_version(&app.db, 42, &sample_plan(), None)
            .await
            .expect("query"),
        None
    );
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn spellings_of_one_institution_resolve_to_one_entry() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let sp = store::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("exists");
    let a = &sp.institutions["Здравните медиатори"];
    let b = &sp.institutions["Здравни Медиатори"];
    assert_eq!(a, b);
    assert_eq!(a.name, "Здравни медиатори");
    assert_eq!(sp.sources["ДБ"], sp.sources["държавен бюджет"]);
}

#[tokio::test]
async fn the_plan_cache_sees_a_new_version_at_once() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let first = app.state.plan(id).await.expect("load").expect("exists");
    let again = app.state.plan(id).await.expect("load").expect("exists");
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "second read is served from the cache"
    );
    let mut changed = sample_plan();
    changed.title = "Нов текст".into();
    store::save_version(&app.db, id, &changed, None)
        .await
        .expect("save");
    let fresh = app.state.plan(id).await.expect("load").expect("exists");
    assert_eq!(fresh.plan.title, "Нов текст");
}

#[tokio::test]
async fn export_then_import_then_export_is_identical_for_the_seed_plans() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    for id in [plovdiv, kazanlak] {
        let first = to_plan_json(
            &store::load_plan(&app.db, id)
                .await
                .expect("load")
                .expect("exists")
                .plan,
        );
        let reimported = parse_plan_json(&first).expect("exported JSON parses");
        let id2 = store::create_plan(&app.db, &reimported, None)
            .await
            .expect("import");
        let second = to_plan_json(
            &store::load_plan(&app.db, id2)
                .await
                .expect("load")
                .expect("exists")
                .plan,
        );
        assert_eq!(first, second);
    }
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error_not_a_panic() {
    let err = planmon::db::Db::connect("postgres://postgres@127.0.0.1:1/none")
        .await
        .expect_err("no server on port 1");
    let text = err.to_string();
    assert!(text.contains("не мога да се свържа"), "{text}");
    let err = planmon::db::Db::connect("mysql://x")
        .await
        .expect_err("unsupported");
    assert!(err.to_string().contains("неподдържан"), "{err}");
}

#[tokio::test]
async fn registry_seeding_is_idempotent_and_rekeys_after_a_normalisation_change() {
    let app = TestApp::spawn().await;
    let count = |sql: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };
    let entries = count("SELECT COUNT(*) FROM institutions").await;
    let aliases = count("SELECT COUNT(*) FROM institution_aliases").await;
    // Pretend the keys were written by an older normalisation.
    sqlx::query("UPDATE institution_aliases SET key = 'old:' || key")
        .execute(&app.db.pool)
        .await
        .expect("update");
    sqlx::query("DELETE FROM settings")
        .execute(&app.db.pool)
        .await
        .expect("reset");
    planmon::registry::store::seed_builtin(&app.db)
        .await
        .expect("seed again");
    assert_eq!(count("SELECT COUNT(*) FROM institutions").await, entries);
    assert_eq!(
        count("SELECT COUNT(*) FROM institution_aliases").await,
        aliases
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM institution_aliases WHERE key LIKE 'old:%'").await,
        0
    );
    // An entry whose alias went missing is found by its name, not created twice.
    sqlx::query("DELETE FROM institution_aliases WHERE alias = 'Училища'")
        .execute(&app.db.pool)
        .await
        .expect("delete");
    let id = app.create_plan(&sample_plan()).await;
    let sp = store::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(sp.institutions["Училища"].slug, "uchilishta");
    assert_eq!(
        count("SELECT COUNT(*) FROM institutions WHERE name = 'Училища'").await,
        1
    );
}
