//! The country above the municipality through the pages (issue 13): the national overview on
//! the home page with its tile map and data tables, the links up from a plan's pages.

use crate::helpers::TestApp;
use crate::monitoring_web::redact;
use axum::http::StatusCode;
use planmon::generate::{Spec, municipal_plan};
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::save_sample_snapshot;
use planmon::territory::tree;

/// Stores the generated plan of the municipality `code`, with its closed round of `year` when
/// given; returns the plan's id.
async fn plan_of(app: &TestApp, code: &str, closed: Option<i32>) -> i64 {
    let t = tree();
    let m = t.municipality(code).expect("municipality");
    let district = t.district(&m.district).expect("district");
    let plan = municipal_plan(&Spec::default(), m, &district.name);
    let id = app.create_plan(&plan).await;
    if let Some(year) = closed {
        save_sample_snapshot(&app.db, &sample_round(id, 1, &plan, year))
            .await
            .expect("round");
    }
    id
}

#[tokio::test]
async fn the_home_page_shows_the_districts_as_a_tile_map_with_its_data_table_and_the_areas() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert_eq!(home.body.matches("class=\"tile tile-").count(), 28);
    assert!(
        home.body.contains("tile tile-SML band-1"),
        "1 of 10 reporting"
    );
    assert!(home.body.contains("/districts/SML?year=2024"));
    assert!(
        home.body.contains("id=\"districts-cap\""),
        "the map's data table"
    );
    assert!(
        home.body
            .contains("По приоритетни области на националната стратегия")
    );
    assert!(home.body.contains("демонстрационни данни"));
    insta::assert_snapshot!("home_national", redact(&home.body));
    let national = app.get("/districts?year=2024").await;
    assert_eq!(national.status, StatusCode::OK);
    assert_eq!(national.body.matches("class=\"tile tile-").count(), 28);
}

#[tokio::test]
async fn a_plans_pages_link_up_to_its_district_and_the_nation() {
    let app = TestApp::spawn().await;
    let id = plan_of(&app, "SML09", Some(2024)).await;
    for path in [format!("/plans/{id}"), format!("/plans/{id}/progress")] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(page.body.contains("href=\"/districts\""), "{path}");
        assert!(page.body.contains("href=\"/districts/SML\""), "{path}");
    }
    let plan = app.get(&format!("/plans/{id}")).await;
    assert!(plan.body.contains("href=\"/municipalities/SML09\""));
}
