//! The yearly cycle through the pages: open a round, issue a link, report through it with
//! evidence, review, close; what each page shows, with snapshots.

use crate::helpers::assert_accessible_basics;
use crate::helpers::{
    TestApp, get, issue_link, open_round_by_form, post, post_multipart, redact, sample_plan,
};
use axum::http::StatusCode;
use planmon::account::Role;
use planmon::monitoring::State;
use planmon::monitoring::store;

#[tokio::test]
async fn a_coordinator_opens_a_round_and_sees_who_has_not_reported() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let r = get(&app, &format!("/rounds/{round_id}"), &coordinator).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    assert!(
        r.body.contains("Здравни медиатори"),
        "institutions listed: {}",
        r.body
    );
    assert!(r.body.contains("31.03.2025 г."), "deadline shown");
    insta::assert_snapshot!("round_dashboard", redact(&r.body));

    let list = get(&app, &format!("/plans/{plan_id}/rounds"), &coordinator).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("/rounds/{round_id}")));
    assert!(
        !list.body.contains("<option value=\"2024\">"),
        "2024 is taken"
    );
    assert_accessible_basics(&list.body);
}

#[tokio::test]
async fn a_wrong_year_or_deadline_is_an_error_next_to_the_form() {
    let app = TestApp::spawn().await;
    let plan_id = app.create_plan(&sample_plan()).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    for (year, deadline, expect) in [
        ("две хиляди", "", "не е година"),
        ("2024", "31.03.2025", "не е дата"),
        (
            "2024",
            "",
            "посочете срока за отчитане или отметнете „Без срок“",
        ),
        ("2031", "2032-03-31", "2031"),
    ] {
        let r = post(
            &app,
            &format!("/plans/{plan_id}/rounds"),
            &coordinator,
            &[("year", year), ("deadline", deadline)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(expect), "{expect}: {}", r.body);
    }
    let rounds: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rounds")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(rounds, 0);
}

#[tokio::test]
async fn an_institution_reports_through_its_link_and_the_reviewer_approves() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let reviewer = app.staff_of_plan(plan_id, Role::Reviewer).await;
    let (link, u) = issue_link(&app, round_id).await;

    let home = get(&app, &link, None).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert_accessible_basics(&home.body);
    assert!(home.body.contains(&u.institution));
    insta::assert_snapshot!("institution_page_by_link", redact(&home.body));

    let form = get(&app, &format!("{link}/updates/{}", u.id), None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_accessible_basics(&form.body);
    insta::assert_snapshot!("update_form_by_link", redact(&form.body));

    let saved = post(
        &app,
        &format!("{link}/updates/{}", u.id),
        None,
        &[
            ("status", "completed"),
            ("value.i1", "120"),
            ("people_reached", "120"),
            ("narrative", "Обхванати са 120 деца."),
            ("spent.0.source", "Общински бюджет"),
            ("spent.0.amount", "4 500,00"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::Submitted);
    assert_eq!(after.spent[0].minor, 450_000);

    let page = get(
        &app,
        &format!("/rounds/{round_id}/updates/{}", u.id),
        &reviewer,
    )
    .await;
    assert!(
        page.body.contains("Одобряване"),
        "the review form is offered"
    );
    assert!(
        !page.body.contains("name=\"value.i1\""),
        "a submitted report is not editable"
    );
    let bulk = post(
        &app,
        &format!("/rounds/{round_id}/approve"),
        &reviewer,
        &[("update", &u.id.to_string())],
    )
    .await;
    assert_eq!(bulk.status, StatusCode::SEE_OTHER);
    let after = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::Approved);
    let page = get(
        &app,
        &format!("/rounds/{round_id}/updates/{}", u.id),
        &reviewer,
    )
    .await;
    assert_accessible_basics(&page.body);
    insta::assert_snapshot!("approved_update_page", redact(&page.body));
}

#[tokio::test]
async fn a_return_needs_a_reason_and_the_reason_reaches_the_institution() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let reviewer = app.staff_of_plan(plan_id, Role::Reviewer).await;
    let (link, u) = issue_link(&app, round_id).await;
    let path = format!("{link}/updates/{}", u.id);
    post(
        &app,
        &path,
        None,
        &[("status", "partial"), ("action", "submit")],
    )
    .await;
    let review = format!("/rounds/{round_id}/updates/{}/review", u.id);
    let blank = post(
        &app,
        &review,
        &reviewer,
        &[("action", "return"), ("reason", " ")],
    )
    .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Посочете причина за връщането."));
    let back = post(
        &app,
        &review,
        &reviewer,
        &[("action", "return"), ("reason", "Липсва броят на децата.")],
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let page = get(&app, &path, None).await;
    assert!(page.body.contains("Липсва броят на децата."));
    assert!(
        page.body.contains("name=\"value.i1\""),
        "editable again after a return"
    );
}

#[tokio::test]
async fn evidence_files_are_stored_with_their_checksum_and_links_are_kept() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let path = format!("{link}/updates/{}/evidence", u.id);
    let pdf = b"%PDF-1.4 protocol of the meeting";
    let r = post_multipart(
        &app,
        &path,
        None,
        &[("title", "Протокол")],
        Some(("протокол.pdf", pdf)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post_multipart(
        &app,
        &path,
        None,
        &[("url", "https://example.org/snimki")],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let items = store::evidence(&app.db, round_id, Some(u.id))
        .await
        .expect("evidence");
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].sha256.as_deref(),
        Some(planmon::files::sha256_hex(pdf).as_str())
    );
    assert_eq!(items[1].url.as_deref(), Some("https://example.org/snimki"));
    let download = get(&app, &format!("{link}/evidence/{}", items[0].id), None).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, pdf);
    assert_eq!(download.content_type, "application/pdf");
}

#[tokio::test]
async fn the_rounds_index_lists_each_plan_with_its_rounds() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let r = get(&app, "/rounds", &coordinator).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    assert!(r.body.contains(&format!("href=\"/rounds/{round_id}\"")));
    assert!(
        r.body
            .contains(&format!("href=\"/plans/{plan_id}/rounds\""))
    );
    let anonymous = get(&app, "/rounds", None).await;
    assert!(
        anonymous.location().starts_with("/login"),
        "to the login page"
    );
}
