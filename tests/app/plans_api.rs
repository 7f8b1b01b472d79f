//! The JSON API under /api/v1.

use crate::helpers::{TestApp, redact_json, sample_plan};
use axum::http::StatusCode;
use planmon::plan::format::parse_plan_json;

#[tokio::test]
async fn plan_list_gives_counts_and_planned_money_of_the_seed_plans() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    let (status, list) = app.get_json("/api/v1/plans").await;
    assert_eq!(status, StatusCode::OK);
    let find = |id: i64| {
        list.as_array()
            .and_then(|a| a.iter().find(|p| p["id"] == id))
            .cloned()
            .expect("plan listed")
    };
    let p = find(plovdiv);
    assert_eq!(p["municipality"], "Пловдив");
    assert_eq!(p["period"], serde_json::json!({"from": 2022, "to": 2024}));
    assert_eq!(
        p["counts"],
        serde_json::json!({"priorities": 6, "objectives": 17, "measures": 52, "indicators": 60})
    );
    assert_eq!(p["financing"]["total_bgn"], "13216650.00");
    assert_eq!(p["financing"]["amounts"], 27);
    let k = find(kazanlak);
    assert_eq!(
        k["counts"],
        serde_json::json!({"priorities": 6, "objectives": 31, "measures": 90, "indicators": 117})
    );
    assert_eq!(k["financing"]["total_bgn"], "0.00");
}

#[tokio::test]
async fn plan_list_json_is_stable() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let (_, list) = app.get_json("/api/v1/plans").await;
    insta::assert_json_snapshot!("plan_list", redact_json(list));
}

#[tokio::test]
async fn a_plan_comes_back_as_the_plan_json_it_was_stored_from() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    let r = app.get(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/json"));
    let back = parse_plan_json(&r.body).expect("API output is valid plan JSON");
    assert_eq!(back, plan);
}

#[tokio::test]
async fn a_measure_has_its_own_json_by_key() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let (status, m) = app
        .get_json(&format!("/api/v1/plans/{id}/measures/m3"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(m["indicators"][1]["kind"], "yes_no");
    let (status, err) = app
        .get_json(&format!("/api/v1/plans/{id}/measures/m99"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|s| s.contains("m99"))
    );
}

#[tokio::test]
async fn unknown_or_malformed_plan_ids_are_json_404s() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/plans/999", "/api/v1/plans/abc", "/api/v1/plans/-1"] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["status"], 404);
    }
}

#[tokio::test]
async fn health_check_reports_the_database() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}
