//! The public progress dashboards: per plan and per municipality.

use crate::helpers::assert_accessible_basics;
use crate::helpers::{TestApp, sample_plan};
use axum::http::StatusCode;
use planmon::analytics::analyse;
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::{save_sample_snapshot, save_snapshot};

#[tokio::test]
async fn a_plan_without_a_closed_round_says_so() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let r = app.get(&format!("/plans/{id}/progress")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("още няма приключил отчетен период"));
    assert_accessible_basics(&r.body);
}

#[tokio::test]
async fn the_dashboard_shows_the_round_with_charts_and_their_data_tables() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    let snap = sample_round(id, 1, &plan, 2024);
    save_sample_snapshot(&app.db, &snap).await.expect("save");
    let r = app.get(&format!("/plans/{id}/progress")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    // Each drawn twice: as laid out and for a phone's width (the stylesheet shows one).
    assert_eq!(r.body.matches("<svg").count(), 6, "three charts");
    assert_eq!(r.body.matches("role=\"img\"").count(), 6);
    assert_eq!(r.body.matches("<div class=\"chart-narrow\">").count(), 3);
    assert_eq!(
        r.body.matches("class=\"chart-data stack\"").count(),
        3,
        "each chart has its data table"
    );
    assert!(!r.body.contains("<script"), "no JavaScript needed");
    assert!(r.body.contains("примерни (демонстрационни) данни"));

    let a = analyse(&snap, &[], &|s| s.trim().to_string());
    let reported = format!(
        "<strong>{} / {}</strong>",
        a.reporting.measures_reported, a.reporting.measures
    );
    assert!(r.body.contains(&reported), "{reported}");
    insta::assert_snapshot!("sample_plan_progress", r.body);
}

#[tokio::test]
async fn a_closed_round_replaces_the_sample_and_other_years_are_linked() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    save_sample_snapshot(&app.db, &sample_round(id, 1, &plan, 2024))
        .await
        .expect("sample");
    save_snapshot(&app.db.pool, &sample_round(id, 1, &plan, 2024))
        .await
        .expect("round");
    save_snapshot(&app.db.pool, &sample_round(id, 1, &plan, 2025))
        .await
        .expect("round");
    let r = app.get(&format!("/plans/{id}/progress")).await;
    assert!(r.body.contains("Отчетен период 2025"));
    assert!(!r.body.contains("примерни (демонстрационни) данни"));
    assert!(r.body.contains(&format!("/plans/{id}/progress?year=2024")));
    assert!(r.body.contains("По години"), "year-on-year table");
    let earlier = app.get(&format!("/plans/{id}/progress?year=2024")).await;
    assert!(earlier.body.contains("Отчетен период 2024"));
}

#[tokio::test]
async fn a_bad_or_missing_year_is_a_clear_error() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let r = app.get(&format!("/plans/{id}/progress?year=2030")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("За 2030 г. няма приключил отчетен период"));
    let r = app.get(&format!("/plans/{id}/progress?year=abc")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.get("/plans/999/progress").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_municipality_dashboard_shows_each_plan_with_its_latest_round() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    planmon::demo::load_sample_rounds(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("rounds");
    let items = planmon::plan::store::list_plans(&app.db)
        .await
        .expect("list");
    let item = items.iter().find(|p| p.id == kazanlak).expect("plan");
    let r = app
        .get(&format!(
            "/municipalities/{}/progress",
            item.municipality_slug
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    assert!(
        r.body
            .contains(&format!("/plans/{kazanlak}/progress?year=2021"))
    );
    assert!(!r.body.contains(&format!("/plans/{plovdiv}\"")));
    let plovdiv_page = app.get(&format!("/plans/{plovdiv}/progress")).await;
    assert_eq!(plovdiv_page.status, StatusCode::OK);
    assert_accessible_basics(&plovdiv_page.body);
    let missing = app.get("/municipalities/nowhere/progress").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
