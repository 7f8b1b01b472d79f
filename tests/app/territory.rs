//! The administrative tree in the database: seeded from ЕКАТТЕ, municipalities linked by name,
//! membership of a district counted under the tree in force in each year.

use crate::helpers::{TestApp, sample_plan};
use planmon::territory::store::{self, TerritoryError};

#[tokio::test]
async fn the_official_tree_is_seeded_once_whatever_the_number_of_starts() {
    let app = TestApp::spawn().await;
    store::seed(&app.db).await.expect("second seed");
    let districts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM districts")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    let municipalities: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM official_municipalities")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    let memberships: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM municipality_districts")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!((districts, municipalities, memberships), (28, 265, 265));
    assert_eq!(
        store::municipalities_in(&app.db, "SZR", 2024)
            .await
            .expect("in")
            .len(),
        planmon::territory::tree().municipalities_of("SZR").count()
    );
}

#[tokio::test]
async fn stored_municipalities_are_linked_to_their_official_codes_by_name() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let mut plan = sample_plan();
    plan.municipality = "Община град Добрич".into();
    app.create_plan(&plan).await;
    store::seed(&app.db).await.expect("seed links");
    let mut linked: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT name, code FROM municipalities ORDER BY name")
            .fetch_all(&app.db.pool)
            .await
            .expect("municipalities");
    linked.sort();
    let codes: Vec<Option<String>> = linked.into_iter().map(|(_, c)| c).collect();
    assert!(codes.contains(&Some("PDV22".into())), "{codes:?}");
    assert!(codes.contains(&Some("SZR12".into())), "{codes:?}");
    assert!(codes.contains(&Some("DOB28".into())), "{codes:?}");
}

#[tokio::test]
async fn a_municipality_moved_to_another_district_counts_under_each_in_its_own_years() {
    let app = TestApp::spawn().await;
    let mut tx = app.db.pool.begin().await.expect("tx");
    store::move_municipality(&mut tx, "SZR12", "PDV", 2023)
        .await
        .expect("move");
    tx.commit().await.expect("commit");
    assert_eq!(
        store::district_in(&app.db, "SZR12", 2022)
            .await
            .expect("2022"),
        Some("SZR".into())
    );
    assert_eq!(
        store::district_in(&app.db, "SZR12", 2023)
            .await
            .expect("2023"),
        Some("PDV".into())
    );
    assert!(
        store::municipalities_in(&app.db, "SZR", 2022)
            .await
            .expect("SZR 2022")
            .contains(&"SZR12".to_string())
    );
    assert!(
        !store::municipalities_in(&app.db, "SZR", 2023)
            .await
            .expect("SZR 2023")
            .contains(&"SZR12".to_string())
    );
    assert!(
        store::municipalities_in(&app.db, "PDV", 2023)
            .await
            .expect("PDV 2023")
            .contains(&"SZR12".to_string())
    );
    let history = store::memberships(&app.db, "SZR12").await.expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].valid_to, Some(2022));
    assert_eq!(history[1].valid_from, Some(2023));
}

#[tokio::test]
async fn moving_to_an_unknown_district_or_where_it_already_is_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let mut tx = app.db.pool.begin().await.expect("tx");
    let unknown = store::move_municipality(&mut tx, "SZR12", "XXX", 2023).await;
    assert!(matches!(unknown, Err(TerritoryError::UnknownDistrict(_))));
    let same = store::move_municipality(&mut tx, "SZR12", "SZR", 2023).await;
    assert!(matches!(same, Err(TerritoryError::AlreadyThere { .. })));
    let nobody = store::move_municipality(&mut tx, "ZZZ99", "PDV", 2023).await;
    assert!(matches!(
        nobody,
        Err(TerritoryError::UnknownMunicipality(_))
    ));
    drop(tx);
    assert_eq!(
        store::memberships(&app.db, "SZR12").await.expect("m").len(),
        1
    );
}

#[tokio::test]
async fn a_plan_naming_a_stored_municipality_in_a_longer_form_joins_it() {
    let app = TestApp::spawn().await;
    let mut first = sample_plan();
    first.municipality = "Добрич".into();
    let a = app.create_plan(&first).await;
    let mut second = sample_plan();
    second.municipality = "Община град Добрич".into();
    let b = app.create_plan(&second).await;
    let ids: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT municipality_id, m.code FROM plans p JOIN municipalities m ON m.id = p.municipality_id WHERE p.id IN ($1, $2)")
            .bind(a)
            .bind(b)
            .fetch_all(&app.db.pool)
            .await
            .expect("plans");
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[0].1.as_deref(), Some("DOB28"));
    let mut rural = sample_plan();
    rural.municipality = "Община Добричка".into();
    let c = app.create_plan(&rural).await;
    let code: Option<String> = sqlx::query_scalar(
        "SELECT m.code FROM plans p JOIN municipalities m ON m.id = p.municipality_id WHERE p.id = $1",
    )
    .bind(c)
    .fetch_one(&app.db.pool)
    .await
    .expect("rural");
    assert_eq!(code.as_deref(), Some("DOB15"));
}
