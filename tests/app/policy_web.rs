//! The rule book through the pages: district and national roles read the rounds and
//! unpublished reports of the municipalities below them and change nothing; workflow conflicts
//! answer 409.

use crate::helpers::{TestApp, open_round_by_form, post};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::monitoring::store;

/// The round of 2024 of a municipality of district Пловдив (`PDV`, as ЕКАТТЕ `PDV01`);
/// (plan id, round id).
async fn round_in_a_district(app: &TestApp) -> (i64, i64) {
    let (plan_id, round_id) = open_round_by_form(app).await;
    sqlx::query("UPDATE municipalities SET code = 'PDV01' WHERE code IS NULL")
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
            Scope::District("PDV".into()),
        ),
        (
            "distc@x.bg",
            Role::DistrictCoordinator,
            Scope::District("PDV".into()),
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
            &[(Role::DistrictReviewer, Scope::District("VAR".into()))],
        )
        .await;
    let page = app.get_as(&format!("/rounds/{round_id}"), &s).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_district_role_sees_a_round_under_the_tree_in_force_in_its_year() {
    let app = TestApp::spawn().await;
    let (_, round_id) = round_in_a_district(&app).await;
    let mut tx = app.db.pool.begin().await.expect("tx");
    planmon::territory::store::move_municipality(&mut tx, "PDV01", "VAR", 2025)
        .await
        .expect("move");
    tx.commit().await.expect("commit");
    let path = format!("/rounds/{round_id}");
    let pdv = app
        .user_session(
            "p@x.bg",
            &[(Role::DistrictReviewer, Scope::District("PDV".into()))],
        )
        .await;
    let var = app
        .user_session(
            "v@x.bg",
            &[(Role::DistrictReviewer, Scope::District("VAR".into()))],
        )
        .await;
    assert_eq!(
        app.get_as(&path, &pdv).await.status,
        StatusCode::OK,
        "2024 was Пловдив's"
    );
    assert_eq!(app.get_as(&path, &var).await.status, StatusCode::NOT_FOUND);
    // Moved from 2024 on: the round of 2024 now belongs to Варна's district.
    sqlx::query("DELETE FROM municipality_districts WHERE municipality_code = 'PDV01'")
        .execute(&app.db.pool)
        .await
        .expect("forget");
    let mut tx = app.db.pool.begin().await.expect("tx");
    sqlx::query(
        "INSERT INTO municipality_districts (municipality_code, district_code) VALUES ('PDV01', 'PDV')",
    )
    .execute(&mut *tx)
    .await
    .expect("back");
    planmon::territory::store::move_municipality(&mut tx, "PDV01", "VAR", 2024)
        .await
        .expect("move");
    tx.commit().await.expect("commit");
    assert_eq!(app.get_as(&path, &pdv).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_as(&path, &var).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_user_form_grants_district_and_national_roles() {
    let app = TestApp::spawn().await;
    let admin = app.admin_session().await;
    let r = app
        .post_form(
            "/admin/users",
            &admin,
            &[
                ("email", "oblast@x.bg"),
                ("role", "district_reviewer"),
                ("district", "PDV"),
            ],
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    let key: Option<String> = sqlx::query_scalar(
        "SELECT g.district FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.email = $1",
    )
    .bind("oblast@x.bg")
    .fetch_optional(&app.db.pool)
    .await
    .expect("grant");
    assert_eq!(key.as_deref(), Some("PDV"));
    let refused = app
        .post_form(
            "/admin/users",
            &admin,
            &[
                ("email", "x@x.bg"),
                ("role", "district_reviewer"),
                ("district", "XXX"),
            ],
        )
        .await;
    assert!(refused.body.contains("област"), "{}", refused.body);
}

#[tokio::test]
async fn closing_a_closed_round_is_a_conflict() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let path = format!("/rounds/{round_id}/close");
    let r = post(&app, &path, &coordinator, &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = post(&app, &path, &coordinator, &[("confirm", "yes")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
}
