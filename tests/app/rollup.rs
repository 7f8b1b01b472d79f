//! Roll-ups up the administrative tree through `/api/v1/rollup`: approved data of closed rounds
//! by municipality, district and nation, under the tree in force in the year, kept per year and
//! recomputed when rounds or memberships change.

use crate::helpers::TestApp;
use axum::http::StatusCode;
use planmon::generate::{Spec, municipal_plan};
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::{save_sample_snapshot, save_snapshot};
use planmon::territory::tree;
use serde_json::Value;

/// Stores the generated plan of the municipality `code` and its closed round of `year`.
async fn plan_with_round(app: &TestApp, code: &str, year: i32) -> i64 {
    let t = tree();
    let m = t.municipality(code).expect("municipality");
    let district = t.district(&m.district).expect("district");
    let plan = municipal_plan(&Spec::default(), m, &district.name);
    let id = app.create_plan(&plan).await;
    save_sample_snapshot(&app.db, &sample_round(id, 1, &plan, year))
        .await
        .expect("round");
    id
}

fn only_reporting(mut v: Value, list: &str) -> Value {
    if let Some(items) = v[list].as_array_mut() {
        items.retain(|m| m["rounds"].as_u64().unwrap_or(0) > 0);
    }
    v
}

#[tokio::test]
async fn a_district_roll_up_lists_every_municipality_and_adds_up_those_reporting() {
    let app = TestApp::spawn().await;
    plan_with_round(&app, "SML09", 2024).await;
    plan_with_round(&app, "SML16", 2024).await;
    let (status, d) = app.get_json("/api/v1/rollup/2024/districts/SML").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["level"], "district");
    assert_eq!(d["municipalities_total"], 10);
    assert_eq!(d["municipalities_reporting"], 2);
    assert_eq!(d["municipalities"].as_array().map(Vec::len), Some(10));
    let sum = |field: &str| -> u64 {
        d["municipalities"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| m[field].as_u64().unwrap_or(0))
            .sum()
    };
    assert_eq!(d["totals"]["measures"].as_u64(), Some(sum("measures")));
    assert_eq!(
        d["totals"]["people_reached"].as_u64(),
        Some(sum("people_reached"))
    );
    insta::assert_json_snapshot!("rollup_district", only_reporting(d, "municipalities"));
}

#[tokio::test]
async fn the_national_roll_up_is_the_sum_of_its_districts() {
    let app = TestApp::spawn().await;
    plan_with_round(&app, "SML09", 2024).await;
    plan_with_round(&app, "SZR12", 2024).await;
    plan_with_round(&app, "SZR12", 2023).await;
    let (status, n) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(n["level"], "national");
    assert_eq!(n["districts"].as_array().map(Vec::len), Some(28));
    assert_eq!(n["municipalities_total"], 265);
    assert_eq!(n["municipalities_reporting"], 2);
    for field in ["measures", "rounds", "people_reached"] {
        let sum: u64 = n["districts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| d[field].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(n["totals"][field].as_u64(), Some(sum), "{field}");
    }
    let statuses = &n["totals"]["measures_by_status"];
    let by_status: u64 = statuses
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, v)| v.as_u64().unwrap_or(0))
        .sum();
    assert_eq!(n["totals"]["measures"].as_u64(), Some(by_status));
    insta::assert_json_snapshot!("rollup_national", only_reporting(n, "districts"));
}

#[tokio::test]
async fn a_moved_municipality_counts_under_each_district_in_its_own_years() {
    let app = TestApp::spawn().await;
    plan_with_round(&app, "SZR12", 2023).await;
    plan_with_round(&app, "SZR12", 2024).await;
    // Read once so the roll-ups are kept, then move: the kept ones must not be served.
    let (_, before) = app.get_json("/api/v1/rollup/2024/districts/SZR").await;
    assert_eq!(before["municipalities_reporting"], 1);
    let mut tx = app.db.pool.begin().await.expect("tx");
    planmon::territory::store::move_municipality(&mut tx, "SZR12", "PDV", 2024)
        .await
        .expect("move");
    tx.commit().await.expect("commit");
    let (_, szr_2023) = app.get_json("/api/v1/rollup/2023/districts/SZR").await;
    let (_, szr_2024) = app.get_json("/api/v1/rollup/2024/districts/SZR").await;
    let (_, pdv_2024) = app.get_json("/api/v1/rollup/2024/districts/PDV").await;
    assert_eq!(szr_2023["municipalities_reporting"], 1);
    assert_eq!(szr_2024["municipalities_reporting"], 0);
    assert_eq!(pdv_2024["municipalities_reporting"], 1);
    assert_eq!(
        pdv_2024["totals"]["measures"], before["totals"]["measures"],
        "the same round, now under Пловдив"
    );
}

#[tokio::test]
async fn the_digest_of_every_round_is_stored_at_the_first_read() {
    let app = TestApp::spawn().await;
    for code in ["SML09", "SML16", "SZR12"] {
        plan_with_round(&app, code, 2024).await;
    }
    let (_, n) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(n["totals"]["rounds"], 3);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM round_digests")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(stored, 3, "one digest per closed round");
}

#[tokio::test]
async fn a_round_closed_after_a_roll_up_was_read_is_counted_at_once() {
    let app = TestApp::spawn().await;
    plan_with_round(&app, "SML09", 2024).await;
    let (_, first) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(first["totals"]["rounds"], 1);
    plan_with_round(&app, "SML16", 2024).await;
    let (_, second) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(second["totals"]["rounds"], 2);
}

#[tokio::test]
async fn an_unknown_district_or_a_year_that_is_not_one_is_not_found() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/rollup/2024/districts/XXX",
        "/api/v1/rollup/двайсет",
        "/api/v1/rollup/99999",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
}

#[tokio::test]
async fn the_district_page_lists_late_municipalities_first_and_links_down_and_up() {
    let app = TestApp::spawn().await;
    plan_with_round(&app, "SML09", 2024).await;
    let page = app.get("/districts/SML?year=2024").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let no_plan = page
        .body
        .find("Няма действащ план")
        .expect("a municipality without a plan");
    let closed = page
        .body
        .find("Отчетният период е приключил")
        .expect("Девин's closed round");
    assert!(no_plan < closed, "the late ones come first");
    assert!(page.body.contains("/municipalities/SML09?year=2024"));
    assert!(
        page.body.contains("демонстрационни данни"),
        "sample rounds are demo data"
    );
    let m = app.get("/municipalities/SML09?year=2024").await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.body);
    assert!(m.body.contains("/districts/SML?year=2024"), "links up");
    let national = app.get("/districts?year=2024").await;
    assert_eq!(national.status, StatusCode::OK);
    assert!(national.body.contains("/districts/SML?year=2024"));
    assert_eq!(
        app.get("/districts/XXX").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/municipalities/XXX01").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_round_closed_again_with_other_data_replaces_what_it_adds_to_the_roll_up() {
    let app = TestApp::spawn().await;
    let t = tree();
    let m = t.municipality("SML09").expect("municipality");
    let district = t.district(&m.district).expect("district");
    let plan = municipal_plan(&Spec::default(), m, &district.name);
    let id = app.create_plan(&plan).await;
    let mut round = sample_round(id, 1, &plan, 2024);
    save_snapshot(&app.db.pool, &round).await.expect("round");
    let (_, first) = app.get_json("/api/v1/rollup/2024").await;
    let approved = first["totals"]["reporting"]["approved"]
        .as_u64()
        .expect("approved");
    assert!(approved > 0, "the sample round approves reports: {first}");
    // Reopened and closed again with every report withdrawn: the same snapshot row, new data.
    round.updates.clear();
    save_snapshot(&app.db.pool, &round)
        .await
        .expect("round again");
    let (_, second) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(second["totals"]["rounds"], 1);
    assert_eq!(second["totals"]["reporting"]["approved"], 0, "{second}");
    assert_eq!(
        second["totals"]["measures_by_status"]["not_reported"],
        plan.measures().count(),
        "{second}"
    );
}
