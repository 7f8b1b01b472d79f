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
    let closed_link = get(&app, &link, None).await;
    assert_eq!(closed_link.status, StatusCode::NOT_FOUND);
    assert!(
        closed_link
            .body
            .contains("Отчетният кръг за 2024 г. е приключен"),
        "{}",
        closed_link.body
    );
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

#[tokio::test]
async fn adopting_asks_to_confirm_and_questions_a_decision_dated_before_the_approval() {
    use planmon::account::Scope;
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let closed = app
        .post_form(
            &format!("/rounds/{round_id}/close"),
            &coordinator,
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let started = app
        .post_form(
            &format!("/plans/{plan_id}/reports"),
            &coordinator,
            &[("year", "2024")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let report = started.location().to_string();
    let submitted = app
        .post_form(&format!("{report}/submit"), &coordinator, &[])
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    let m = app.municipality_id("Примерна").await;
    let reviewer = app
        .user_session(
            "approver@test.example",
            &[(Role::Reviewer, Scope::Municipality(m))],
        )
        .await;
    let approved = app
        .post_form(&format!("{report}/approve"), &reviewer, &[("note", "")])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    // A decision dated before today's approval is questioned, and nothing is kept unconfirmed.
    let fields = [
        ("decision_number", "12"),
        ("protocol_number", "3"),
        ("date", "2025-03-27"),
        ("url", "https://example.org/decision-12"),
    ];
    let questioned = post_multipart(
        &app,
        &format!("{report}/adopt"),
        &coordinator,
        &fields,
        None,
    )
    .await;
    assert_eq!(questioned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        questioned.body.contains("е преди одобрението на доклада"),
        "{}",
        questioned.body
    );
    assert!(questioned.body.contains("id=\"date_confirmed\""));
    assert!(questioned.body.contains("id=\"confirm-error\""));
    let mut confirmed_date = fields.to_vec();
    confirmed_date.push(("date_confirmed", "yes"));
    let unconfirmed = post_multipart(
        &app,
        &format!("{report}/adopt"),
        &coordinator,
        &confirmed_date,
        None,
    )
    .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!unconfirmed.body.contains("е преди одобрението на доклада"));
    let mut all = confirmed_date.clone();
    all.push(("confirm", "yes"));
    let adopted = post_multipart(&app, &format!("{report}/adopt"), &coordinator, &all, None).await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);

    // Publishing: a confirmation page first, nothing done without it.
    let publish = format!("{report}/publish");
    let page = app.get_as(&publish, &coordinator).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_accessible_basics(&page.body);
    assert!(
        page.body
            .contains(&format!("/plans/{plan_id}/reports/2024"))
    );
    let refused = app.post_form(&publish, &coordinator, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(&format!("/plans/{plan_id}/reports/2024"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not published"
    );
    let done = app
        .post_form(&publish, &coordinator, &[("confirm", "yes")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        app.get(&format!("/plans/{plan_id}/reports/2024"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_round_is_opened_with_a_deadline_or_explicitly_without_one() {
    let app = TestApp::spawn().await;
    let plan_id = app.create_plan(&sample_plan()).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let path = format!("/plans/{plan_id}/rounds");
    let form = app.get_as(&path, &coordinator).await;
    assert_accessible_basics(&form.body);
    assert!(form.body.contains("id=\"no_deadline\""));

    let r = app
        .post_form(&path, &coordinator, &[("year", "2024")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"deadline-error\""), "{}", r.body);
    assert!(
        r.body
            .contains("aria-invalid=\"true\" aria-describedby=\"deadline-error\"")
    );
    let both = app
        .post_form(
            &path,
            &coordinator,
            &[
                ("year", "2024"),
                ("deadline", "2025-03-31"),
                ("no_deadline", "yes"),
            ],
        )
        .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        both.body.contains("value=\"2025-03-31\""),
        "what was typed is kept"
    );

    let none = app
        .post_form(
            &path,
            &coordinator,
            &[("year", "2024"), ("no_deadline", "yes")],
        )
        .await;
    assert_eq!(none.status, StatusCode::SEE_OTHER, "{}", none.body);
    let work = app.get_as("/work", &coordinator).await;
    assert!(work.body.contains("без срок"), "{}", work.body);
}
