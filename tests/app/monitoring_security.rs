//! The reporting part of the security matrix: what a submission link, an anonymous visitor and
//! bad input can and cannot do. Nothing refused is ever stored.

use crate::helpers::{
    TestApp, get, issue_link, open_round_by_form, post, post_multipart, sample_plan,
};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::files::accept::MAX_EVIDENCE_BYTES;
use planmon::monitoring::State;
use planmon::monitoring::store;

async fn history_len(app: &TestApp, update_id: i64) -> usize {
    store::history(&app.db, update_id)
        .await
        .expect("history")
        .len()
}

#[tokio::test]
async fn without_an_account_or_link_no_round_page_opens() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    for path in [
        format!("/rounds/{round_id}"),
        format!("/plans/{plan_id}/rounds"),
    ] {
        let r = get(&app, &path, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.location().starts_with("/login?next="),
            "{path}: to the login page"
        );
    }
    let r = post(&app, &format!("/rounds/{round_id}/close"), None, &[]).await;
    assert!(
        r.status.is_client_error() || r.location().starts_with("/login"),
        "{}",
        r.status
    );
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    assert!(round.is_open());
}

#[tokio::test]
async fn a_link_cannot_open_or_change_another_institutions_report() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, mine) = issue_link(&app, round_id).await;
    let all = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let other = all
        .iter()
        .find(|u| u.institution_id != mine.institution_id)
        .expect("another institution");
    let path = format!("{link}/updates/{}", other.id);
    assert_eq!(get(&app, &path, None).await.status, StatusCode::NOT_FOUND);
    let r = post(
        &app,
        &path,
        None,
        &[("status", "completed"), ("action", "submit")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let home = get(&app, &link, None).await;
    assert!(!home.body.contains(&format!("/updates/{}\"", other.id)));
    let after = store::get_update(&app.db, round_id, other.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::NotReceived);
    assert_eq!(history_len(&app, other.id).await, 0);
}

#[tokio::test]
async fn a_link_cannot_reach_an_update_of_another_round_by_its_id() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let other_round = store::open_round(&app.db, plan_id, 2025, None, store::unaudited)
        .await
        .expect("2025");
    let (link, mine) = issue_link(&app, round_id).await;
    let theirs = store::updates(&app.db, other_round, Some(mine.institution_id))
        .await
        .expect("updates");
    let same_institution_other_round = theirs.first().expect("assigned in 2025 too");
    let path = format!("{link}/updates/{}", same_institution_other_round.id);
    assert_eq!(get(&app, &path, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_link_stops_working_when_revoked_or_when_the_round_closes() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let (revoked, u) = issue_link(&app, round_id).await;
    let (kept, _) = issue_link(&app, round_id).await;
    let link_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM submission_links")
        .fetch_one(&app.db.pool)
        .await
        .expect("link id");
    let r = post(
        &app,
        &format!("/rounds/{round_id}/links/{link_id}/revoke"),
        &coordinator,
        &[("confirm", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = get(&app, &revoked, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("отменена е или отчетният кръг е приключил"));
    assert_eq!(get(&app, &kept, None).await.status, StatusCode::OK);

    let r = post(
        &app,
        &format!("/rounds/{round_id}/close"),
        &coordinator,
        &[("confirm", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(get(&app, &kept, None).await.status, StatusCode::NOT_FOUND);
    let r = post(
        &app,
        &format!("{kept}/updates/{}", u.id),
        None,
        &[("status", "completed"), ("action", "submit")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(history_len(&app, u.id).await, 0);
}

#[tokio::test]
async fn bad_values_come_back_next_to_their_fields_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let path = format!("{link}/updates/{}", u.id);
    let r = post(
        &app,
        &path,
        None,
        &[
            ("status", "completed"),
            ("value.i1", "сто"),
            ("value.i7", "5"),
            ("spent.0.source", "Общински бюджет"),
            ("spent.0.amount", "-200"),
            ("people_reached", "1,5"),
            ("narrative", "текст"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "„сто“ не е число.",
        "Изразходваната сума не може да е отрицателна.",
        "не е цяло неотрицателно число",
    ] {
        assert!(r.body.contains(message), "{message}");
    }
    assert!(
        r.body.contains("id=\"err-i1\""),
        "the error sits next to its field"
    );
    assert!(
        r.body.contains("value=\"сто\""),
        "what was typed is kept in the form"
    );
    let r = post(&app, &path, None, &[("value.i7", "5")]).await;
    assert!(r.body.contains("Индикатор „i7“ не е от тази мярка."));
    let after = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::NotReceived);
    assert!(after.values.is_empty() && after.spent.is_empty() && after.narrative.is_empty());
    assert_eq!(history_len(&app, u.id).await, 0);
}

#[tokio::test]
async fn an_oversized_or_disguised_file_is_refused_next_to_the_field() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let path = format!("{link}/updates/{}/evidence", u.id);
    let big = vec![b'a'; MAX_EVIDENCE_BYTES + 1];
    let r = post_multipart(&app, &path, None, &[], Some(("отчет.txt", &big))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("най-много се приемат 10 MB"),
        "{}",
        r.status
    );
    assert!(r.body.contains("id=\"file-error\""));
    let r = post_multipart(&app, &path, None, &[], Some(("снимка.pdf", b"MZ\x90\x00"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("не е на файл от вида „pdf“"));
    let r = post_multipart(&app, &path, None, &[("url", "javascript:alert(1)")], None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        store::evidence(&app.db, round_id, None)
            .await
            .expect("evidence")
            .is_empty()
    );
    let files = std::fs::read_dir(app.state.config.data_dir.join("evidence")).map(|d| d.count());
    assert!(
        files.is_err() || files.is_ok_and(|n| n == 0),
        "no file written"
    );
}

#[tokio::test]
async fn an_upload_past_its_forms_limit_is_refused_with_413_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let huge = vec![b'a'; MAX_EVIDENCE_BYTES + 2 * 1024 * 1024];
    let before = history_len(&app, u.id).await;
    for path in [
        format!("{link}/updates/{}/evidence", u.id),
        format!("{link}/upload"),
    ] {
        let r = post_multipart(&app, &path, None, &[], Some(("отчет.xlsx", &huge))).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    assert!(
        store::evidence(&app.db, round_id, None)
            .await
            .expect("evidence")
            .is_empty()
    );
    assert_eq!(history_len(&app, u.id).await, before);
}

/// A round of the sample plan and the municipality it belongs to.
async fn round_with_municipality(app: &TestApp) -> (i64, i64) {
    let (_, round_id) = open_round_by_form(app).await;
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    (round_id, round.municipality_id)
}

#[tokio::test]
async fn a_reviewer_approves_and_returns_but_cannot_change_values() {
    let app = TestApp::spawn().await;
    let (round_id, municipality) = round_with_municipality(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    post(
        &app,
        &format!("{link}/updates/{}", u.id),
        None,
        &[("status", "completed"), ("action", "submit")],
    )
    .await;
    let reviewer = app
        .user_session(
            "reviewer@test.example",
            &[(Role::Reviewer, Scope::Municipality(municipality))],
        )
        .await;
    let page = app
        .get_as(&format!("/rounds/{round_id}/updates/{}", u.id), &reviewer)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("name=\"status\""),
        "no value form for a reviewer"
    );
    let edit = app
        .post_form(
            &format!("/rounds/{round_id}/updates/{}", u.id),
            &reviewer,
            &[("status", "not_done"), ("action", "save")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    let approve = app
        .post_form(
            &format!("/rounds/{round_id}/updates/{}/review", u.id),
            &reviewer,
            &[("action", "approve")],
        )
        .await;
    assert_eq!(approve.status, StatusCode::SEE_OTHER);
    let after = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::Approved);
    assert_eq!(
        after.status,
        Some(planmon::snapshot::ReportedStatus::Completed)
    );
    let steps = store::history(&app.db, u.id).await.expect("history");
    assert_eq!(
        steps.last().map(|s| s.actor.as_str()),
        Some("reviewer@test.example")
    );
    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor_label FROM audit_events WHERE entity_type = 'update' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    assert!(
        events.iter().any(|(a, _)| a == "update.submit"),
        "{events:?}"
    );
    assert!(
        events.contains(&(
            "update.approve".to_string(),
            "reviewer@test.example".to_string()
        )),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_coordinator_of_another_municipality_cannot_reach_the_round_by_its_id() {
    let app = TestApp::spawn().await;
    let (round_id, _) = round_with_municipality(&app).await;
    let mut other = sample_plan();
    other.municipality = "Другоселище".into();
    app.create_plan(&other).await;
    let elsewhere = app.municipality_id("Другоселище").await;
    let coordinator = app
        .user_session(
            "coord@test.example",
            &[(Role::Coordinator, Scope::Municipality(elsewhere))],
        )
        .await;
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    for path in [
        format!("/rounds/{round_id}"),
        format!("/rounds/{round_id}/updates/{}", u.id),
        format!("/rounds/{round_id}/institutions/{}", u.institution_id),
    ] {
        assert_eq!(
            app.get_as(&path, &coordinator).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let close = app
        .post_form(&format!("/rounds/{round_id}/close"), &coordinator, &[])
        .await;
    assert_eq!(close.status, StatusCode::NOT_FOUND);
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    assert!(round.is_open());
}

#[tokio::test]
async fn a_reporter_sees_only_its_institution_and_forms_need_their_token() {
    let app = TestApp::spawn().await;
    let (round_id, municipality) = round_with_municipality(&app).await;
    let all = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let mine = all[0].clone();
    let theirs = all
        .iter()
        .find(|u| u.institution_id != mine.institution_id)
        .expect("another institution")
        .clone();
    let reporter = app
        .user_session(
            "school@test.example",
            &[(
                Role::Reporter,
                Scope::Institution {
                    municipality,
                    institution: mine.institution_id,
                },
            )],
        )
        .await;
    let own = app
        .get_as(
            &format!("/rounds/{round_id}/updates/{}", mine.id),
            &reporter,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let other = app
        .get_as(
            &format!("/rounds/{round_id}/updates/{}", theirs.id),
            &reporter,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let dashboard = app.get_as(&format!("/rounds/{round_id}"), &reporter).await;
    assert!(
        dashboard.status.is_redirection(),
        "a reporter goes to its institution"
    );
    let no_token = app
        .post_raw(
            &format!("/rounds/{round_id}/updates/{}", mine.id),
            &reporter,
            &[("status", "completed"), ("action", "save")],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let saved = app
        .post_form(
            &format!("/rounds/{round_id}/updates/{}", mine.id),
            &reporter,
            &[("status", "completed"), ("action", "save")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = store::get_update(&app.db, round_id, mine.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::Draft);
    assert_eq!(
        store::history(&app.db, mine.id)
            .await
            .expect("history")
            .len(),
        1
    );
}
