//! The rule book through the pages: district and national roles read the rounds and
//! unpublished reports of the municipalities below them and change nothing; workflow conflicts
//! answer 409.

use crate::helpers::TestApp;
use crate::monitoring_pages::open_round_by_form;
use crate::monitoring_web::{ADMIN, post};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::monitoring::store;

/// The round of a municipality in district "Пловдив"; (plan id, round id).
async fn round_in_a_district(app: &TestApp) -> (i64, i64) {
    let (plan_id, round_id) = open_round_by_form(app).await;
    sqlx::query("UPDATE municipalities SET district = 'Пловдив'")
        .execute(&app.db.pool)
        .await
        .expect("district");
    (plan_id, round_id)
}

#[tokio::test]
async fn district_and_national_roles_see_rounds_below_them_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = round_in_a_district(&app).await;
    let round = format!("/rounds/{round_id}");
    for (email, role, scope) in [
        ("nat@x.bg", Role::NationalViewer, Scope::National),
        ("natc@x.bg", Role::NationalCoordinator, Scope::National),
        (
            "dist@x.bg",
            Role::DistrictReviewer,
            Scope::District("Пловдив".into()),
        ),
        (
            "distc@x.bg",
            Role::DistrictCoordinator,
            Scope::District("Пловдив".into()),
        ),
    ] {
        let s = app.user_session(email, &[(role, scope)]).await;
        let page = app.get_as(&round, &s).await;
        assert_eq!(page.status, StatusCode::OK, "{role:?}: {}", page.body);
        let reports = app.get_as(&format!("/plans/{plan_id}/reports"), &s).await;
        assert_eq!(reports.status, StatusCode::OK, "{role:?}");
        for action in ["close", "reminders"] {
            let r = app.post_form(&format!("{round}/{action}"), &s, &[]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?} {action}");
        }
        let r = app
            .post_form(
                &format!("/plans/{plan_id}/reports"),
                &s,
                &[("year", "2024")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?} creates a report");
        let r = app
            .post_form(&format!("/plans/{plan_id}/rounds"), &s, &[("year", "2025")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?} opens a round");
    }
    let round_row = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    assert!(round_row.is_open(), "nobody closed it");
}

#[tokio::test]
async fn a_district_role_of_another_district_sees_nothing() {
    let app = TestApp::spawn().await;
    let (_, round_id) = round_in_a_district(&app).await;
    let s = app
        .user_session(
            "varna@x.bg",
            &[(Role::DistrictReviewer, Scope::District("Варна".into()))],
        )
        .await;
    let page = app.get_as(&format!("/rounds/{round_id}"), &s).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn closing_a_closed_round_is_a_conflict() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let path = format!("/rounds/{round_id}/close");
    let r = post(&app, &path, Some(ADMIN), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = post(&app, &path, Some(ADMIN), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
}
