//! Plans of the country, reporting rounds and submission links.

use super::*;

/// Stores the generated plan of the municipality `code`, with its closed round of `year` when
/// given; returns the plan's id.
pub async fn plan_of(app: &TestApp, code: &str, closed: Option<i32>) -> i64 {
    let t = planmon::territory::tree();
    let m = t.municipality(code).expect("municipality");
    let district = t.district(&m.district).expect("district");
    let plan =
        planmon::generate::municipal_plan(&planmon::generate::Spec::default(), m, &district.name);
    let id = app.create_plan(&plan).await;
    if let Some(year) = closed {
        planmon::snapshot::store::save_sample_snapshot(
            &app.db,
            &planmon::snapshot::sample::sample_round(id, 1, &plan, year),
        )
        .await
        .expect("round");
    }
    id
}

// Reporting rounds and submission links.

/// Opens the 2024 round of the sample plan through the form, as the plan's coordinator;
/// returns (plan id, round id).
pub async fn open_round_by_form(app: &TestApp) -> (i64, i64) {
    let plan_id = app.create_plan(&sample_plan()).await;
    let coordinator = app
        .staff_of_plan(plan_id, planmon::account::Role::Coordinator)
        .await;
    let r = post(
        app,
        &format!("/plans/{plan_id}/rounds"),
        &coordinator,
        &[("year", "2024"), ("deadline", "2025-03-31")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round_id = r
        .location()
        .strip_prefix("/rounds/")
        .and_then(|s| s.parse().ok())
        .expect("redirect to the round");
    (plan_id, round_id)
}

/// Issues a link for the institution of the round's first update, as the plan's coordinator;
/// returns (its path, update).
pub async fn issue_link(app: &TestApp, round_id: i64) -> (String, UpdateRow) {
    let u = planmon::monitoring::store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let plan_id = planmon::monitoring::store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("the round exists")
        .plan_id;
    let coordinator = app
        .staff_of_plan(plan_id, planmon::account::Role::Coordinator)
        .await;
    let r = post(
        app,
        &format!("/rounds/{round_id}/links"),
        &coordinator,
        &[("institution_id", &u.institution_id.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (link_path(&r.body), u)
}

/// Opens the 2024 round of the sample plan in the store, without the pages; returns (plan id,
/// round id).
pub async fn open_sample_round(app: &TestApp) -> (i64, i64) {
    let plan_id = app.create_plan(&sample_plan()).await;
    let round_id = planmon::monitoring::store::open_round(
        &app.db,
        plan_id,
        2024,
        Some("2025-03-31"),
        planmon::monitoring::store::unaudited,
    )
    .await
    .expect("open round");
    (plan_id, round_id)
}
