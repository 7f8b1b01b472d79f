//! Irreversible steps ask first (issue 17): a confirmation page says what will happen and what
//! is still missing; a POST without the confirmation changes nothing.

use crate::helpers::*;
use axum::http::StatusCode;
use planmon::account::Role;
use planmon::monitoring::store;

#[tokio::test]
async fn closing_a_round_says_what_is_missing_and_waits_for_the_confirmation() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let (link, _) = issue_link(&app, round_id).await;
    let updates = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let path = format!("/rounds/{round_id}/close");

    let dashboard = app
        .get_as(&format!("/rounds/{round_id}"), &coordinator)
        .await;
    assert!(dashboard.body.contains(&format!("href=\"{path}\"")));
    let page = app.get_as(&path, &coordinator).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_accessible_basics(&page.body);
    assert!(
        page.body.contains(&format!(
            "{n} от {n} отчета не са постъпили",
            n = updates.len()
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("name=\"confirm\" value=\"yes\""));
    insta::assert_snapshot!("confirm_close_round", redact(&page.body));

    // Without the confirmation: the page again, the round still open.
    let refused = app.post_form(&path, &coordinator, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(refused.body.contains("не са постъпили"));
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    assert!(round.is_open());

    // Confirmed: closed, and its links show as closed.
    let done = app
        .post_form(&path, &coordinator, &[("confirm", "yes")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = app
        .get_as(&format!("/rounds/{round_id}"), &coordinator)
        .await;
    assert!(
        after.body.contains("неактивна (кръгът е приключен)"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("/revoke"));
    assert_eq!(get(&app, &link, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_as(&path, &coordinator).await.status,
        StatusCode::CONFLICT
    );

    // In English too.
    let en = app
        .request(
            axum::http::Request::get(format!("/plans/{plan_id}/rounds"))
                .header("cookie", format!("{}; lang=en", coordinator.cookie))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(en.status, StatusCode::OK);
}

#[tokio::test]
async fn revoking_a_link_is_confirmed_first() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let (link, u) = issue_link(&app, round_id).await;
    let link_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM submission_links")
        .fetch_one(&app.db.pool)
        .await
        .expect("link id");
    let path = format!("/rounds/{round_id}/links/{link_id}/revoke");
    let dashboard = app
        .get_as(&format!("/rounds/{round_id}"), &coordinator)
        .await;
    assert!(dashboard.body.contains(&format!("href=\"{path}\"")));
    let en = app
        .request(
            axum::http::Request::get(&path)
                .header("cookie", format!("{}; lang=en", coordinator.cookie))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(
        en.body
            .contains(&format!("Revoking a submission link: {}", u.institution))
    );
    assert!(en.body.contains("I understand that this cannot be undone"));

    let refused = app.post_form(&path, &coordinator, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        get(&app, &link, None).await.status,
        StatusCode::OK,
        "still works"
    );
    let done = app
        .post_form(&path, &coordinator, &[("confirm", "yes")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(get(&app, &link, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_as(&path, &coordinator).await.status,
        StatusCode::NOT_FOUND,
        "a revoked link is not revoked twice"
    );
}
