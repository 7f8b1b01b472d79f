//! Personal API tokens (issue 14): a person issues them on the account, they act on the API
//! with the person's rights as they are at each request, open no page, and only their owner
//! revokes them.

use crate::helpers::{Session, TestApp, open_api_round, token_on_page, update_path};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use planmon::account::{Role, Scope};

/// Issues a personal token on `/account/tokens` as `s`; (its id, the token shown once).
async fn issue_personal(app: &TestApp, s: &Session, name: &str) -> (i64, String) {
    let r = app
        .post_form("/account/tokens", s, &[("name", name), ("expires", "")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("href=\"/account/tokens\""),
        "back to the list"
    );
    let token = token_on_page(&r.body);
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM api_tokens")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    (id, token)
}

#[tokio::test]
async fn a_personal_token_acts_with_its_owner_s_rights_as_they_are_now() {
    let app = TestApp::spawn().await;
    let (round, m, updates) = open_api_round(&app).await;
    let coordinator = app
        .user_session(
            "koord@test.example",
            &[(Role::Coordinator, Scope::Municipality(m))],
        )
        .await;
    let (id, token) = issue_personal(&app, &coordinator, "Моят скрипт").await;
    let list = app.get_as("/account/tokens", &coordinator).await;
    assert!(list.body.contains("Моят скрипт"), "{}", list.body);
    assert!(!list.body.contains(&token), "the token is shown once only");

    let round_path = format!("/api/v1/rounds/{round}");
    let (status, body) = app.call(Method::GET, &round_path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let u = &updates[0];
    let (status, body) = app.complete_update(&update_path(round, u), &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let labels: Vec<String> =
        sqlx::query_scalar("SELECT actor_label FROM audit_events WHERE action = 'update.save'")
            .fetch_all(&app.db.pool)
            .await
            .expect("events");
    assert_eq!(labels, vec![format!("koord@test.example (API ключ {id})")]);

    // The rights are the user's at each request: without the role, the round is not there.
    sqlx::query("DELETE FROM role_grants")
        .execute(&app.db.pool)
        .await
        .expect("take the role away");
    let (status, _) = app.call(Method::GET, &round_path, Some(&token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_personal_token_opens_no_page_outside_the_api() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    let (_, token) = issue_personal(&app, &s, "скрипт").await;
    for path in ["/account", "/account/tokens", "/audit"] {
        let r = app
            .request(
                Request::builder()
                    .uri(path)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = app
        .request(
            Request::builder()
                .method(Method::POST)
                .uri("/account/tokens")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("name=more"))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a token mints no tokens");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(n, 1);
}

#[tokio::test]
async fn only_its_owner_revokes_a_personal_token_and_then_it_opens_nothing() {
    let app = TestApp::spawn().await;
    let (round, m, _) = open_api_round(&app).await;
    let grant = [(Role::Reviewer, Scope::Municipality(m))];
    let owner = app.user_session("owner@test.example", &grant).await;
    let other = app.user_session("other@test.example", &grant).await;
    let (id, token) = issue_personal(&app, &owner, "скрипт").await;
    let path = format!("/account/tokens/{id}/revoke");
    let r = app.post_form(&path, &other, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let round_path = format!("/api/v1/rounds/{round}");
    let (status, _) = app.call(Method::GET, &round_path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "still works");
    let r = app.post_form(&path, &owner, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (status, _) = app.call(Method::GET, &round_path, Some(&token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE entity_type = 'api_token' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("events");
    assert_eq!(events, vec!["api_token.create", "api_token.revoke"]);
}

#[tokio::test]
async fn a_personal_token_needs_a_name_and_a_future_end() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    let r = app
        .post_form("/account/tokens", &s, &[("name", " "), ("expires", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Дайте име на ключа"), "{}", r.body);
    let r = app
        .post_form(
            "/account/tokens",
            &s,
            &[("name", "x"), ("expires", "2001-01-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Крайната дата е минала."), "{}", r.body);
}
