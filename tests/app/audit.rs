//! The audit log: what is recorded, who may read it, and that nobody can change it.

use crate::helpers::{TEST_PASSWORD, TestApp, sample_plan};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::audit::{Actor, Event};

/// Two municipalities with a plan each; returns their ids (Примерна, Другаде).
async fn two_municipalities(app: &TestApp) -> (i64, i64) {
    app.create_plan(&sample_plan()).await;
    let mut other = sample_plan();
    other.municipality = "Другаде".into();
    app.create_plan(&other).await;
    (
        app.municipality_id("Примерна").await,
        app.municipality_id("Другаде").await,
    )
}

async fn actions(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT action, actor_label FROM audit_events ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .expect("events")
}

#[tokio::test]
async fn logins_failures_logouts_and_password_changes_are_recorded() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    app.post_form(
        "/login",
        &anon,
        &[("email", "ana@test.example"), ("password", "грешна")],
    )
    .await;
    let s = app.login("ana@test.example", TEST_PASSWORD).await;
    let new = "нова дълга парола";
    app.post_form(
        "/account/password",
        &s,
        &[("current", TEST_PASSWORD), ("new", new), ("confirm", new)],
    )
    .await;
    app.post_form("/logout", &s, &[]).await;
    let got = actions(&app).await;
    let expected: Vec<(String, String)> = [
        "user.login_failed",
        "user.login",
        "user.password_change",
        "user.logout",
    ]
    .iter()
    .map(|a| (a.to_string(), "ana@test.example".to_string()))
    .collect();
    assert_eq!(got, expected);
    let values: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT before_json, after_json FROM audit_events")
            .fetch_all(&app.db.pool)
            .await
            .expect("values");
    for (b, a) in values {
        let text = format!("{b:?}{a:?}");
        assert!(!text.contains(TEST_PASSWORD) && !text.contains(new) && !text.contains("грешна"));
    }
}

#[tokio::test]
async fn role_changes_are_recorded_with_their_municipality_before_and_after() {
    let app = TestApp::spawn().await;
    let (m, _) = two_municipalities(&app).await;
    let admin = app.admin_session().await;
    let id = app.create_user("k@test.example", TEST_PASSWORD, &[]).await;
    let path = format!("/admin/users/{id}/grants");
    let m_text = m.to_string();
    let r = app
        .post_form(
            &path,
            &admin,
            &[("role", "reviewer"), ("municipality", &m_text)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let grant: i64 = sqlx::query_scalar("SELECT id FROM role_grants WHERE user_id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("grant");
    app.post_form(
        &format!("/admin/users/{id}/grants/{grant}/delete"),
        &admin,
        &[],
    )
    .await;
    type Row = (String, Option<i64>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT action, municipality_id, before_json, after_json FROM audit_events \
         WHERE action IN ('user.grant', 'user.revoke') ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("events");
    let scope = format!("\"scope\":\"m:{m}\"");
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("user.grant", Some(m)));
    assert!(rows[0].2.is_none() && rows[0].3.as_deref().is_some_and(|a| a.contains(&scope)));
    assert_eq!((rows[1].0.as_str(), rows[1].1), ("user.revoke", Some(m)));
    assert!(
        rows[1]
            .2
            .as_deref()
            .is_some_and(|b| b.contains("\"role\":\"reviewer\""))
    );
}

#[tokio::test]
async fn coordinators_read_only_their_own_municipality_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let (mine, theirs) = two_municipalities(&app).await;
    for (m, label) in [(mine, "промяна-тук"), (theirs, "промяна-там")] {
        Event::new(Actor::system(), "plan.edit", "plan", 1)
            .municipality(m)
            .after(&serde_json::json!({ "title": label }))
            .record(&app.db.pool)
            .await
            .expect("record");
    }
    let coordinator = app
        .user_session(
            "k@test.example",
            &[(Role::Coordinator, Scope::Municipality(mine))],
        )
        .await;
    let page = app.get_as("/audit", &coordinator).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("промяна-тук"));
    assert!(
        !page.body.contains("промяна-там"),
        "another municipality's event"
    );
    assert!(
        !page.body.contains("user.login"),
        "logins have no municipality"
    );

    let admin = app.admin_session().await;
    let all = app.get_as("/audit", &admin).await;
    assert!(all.body.contains("промяна-тук") && all.body.contains("промяна-там"));

    let reviewer = app
        .user_session(
            "r@test.example",
            &[(Role::Reviewer, Scope::Municipality(mine))],
        )
        .await;
    let reporter = app
        .user_session(
            "i@test.example",
            &[(
                Role::Reporter,
                Scope::Institution {
                    municipality: mine,
                    institution: 1,
                },
            )],
        )
        .await;
    assert_eq!(
        app.get_as("/audit", &reviewer).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_as("/audit", &reporter).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/audit").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn audit_log_filters_by_action_user_and_date() {
    let app = TestApp::spawn().await;
    let admin = app.admin_session().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    app.login("ana@test.example", TEST_PASSWORD).await;
    let by_user = app.get_as("/audit?actor=ANA@", &admin).await;
    assert!(
        by_user.body.contains("Намерени събития: 1"),
        "{}",
        by_user.body
    );
    let by_action = app.get_as("/audit?action=user.login", &admin).await;
    assert!(by_action.body.contains("Намерени събития: 2"));
    let old = app.get_as("/audit?to=2000-01-01", &admin).await;
    assert!(old.body.contains("Намерени събития: 0"));
    let bad = app.get_as("/audit?from=вчера", &admin).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("„вчера“ не е дата във вида ГГГГ-ММ-ДД."));
}

#[tokio::test]
async fn audit_log_cannot_be_changed_through_the_application_or_the_database() {
    let app = TestApp::spawn().await;
    let admin = app.admin_session().await;
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let req = axum::http::Request::builder()
            .method(method)
            .uri("/audit")
            .header(axum::http::header::COOKIE, &admin.cookie)
            .header("x-csrf-token", &admin.csrf)
            .body(axum::body::Body::empty())
            .expect("request");
        let r = app.request(req).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} /audit");
    }
    let before = actions(&app).await;
    assert!(!before.is_empty());
    let update = sqlx::query("UPDATE audit_events SET action = 'forged'")
        .execute(&app.db.pool)
        .await;
    assert!(update.is_err(), "the database refuses edits");
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(&app.db.pool)
        .await;
    assert!(delete.is_err(), "the database refuses deletions");
    assert_eq!(actions(&app).await, before);
}

#[tokio::test]
async fn command_line_accounts_and_imports_are_recorded_as_the_command_line() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let request = planmon::account::cli::RoleRequest {
        role: Some("coordinator".into()),
        municipality: Some("Примерна".into()),
        ..Default::default()
    };
    let password = planmon::account::cli::add(&app.db, "k@test.example", "", None, &request)
        .await
        .expect("add")
        .expect("generated password");
    app.login("k@test.example", &password).await;
    let got = actions(&app).await;
    assert_eq!(
        got[0],
        ("user.create".to_string(), "команден ред".to_string())
    );
    assert_eq!(
        got[1],
        ("user.grant".to_string(), "команден ред".to_string())
    );
    let listed = planmon::account::cli::list(&app.db).await.expect("list");
    assert_eq!(listed, "k@test.example\tcoordinator (Примерна)\n");
    let again = planmon::account::cli::add(&app.db, "K@test.example", "", None, &request).await;
    assert!(again.is_err_and(|e| e.to_string().contains("вече има потребител")));
}

#[tokio::test]
async fn the_log_reads_as_words_with_labelled_values_local_time_and_the_raw_record_behind_a_toggle()
{
    let app = TestApp::spawn().await;
    let (mine, _) = two_municipalities(&app).await;
    Event::new(Actor::system(), "report.approve", "annual_report", 7)
        .municipality(mine)
        .before(&serde_json::json!({ "state": "submitted" }))
        .after(&serde_json::json!({ "state": "approved", "reminder": true }))
        .record(&app.db.pool)
        .await
        .expect("record");
    let admin = app.admin_session().await;
    let page = app.get_as("/audit?action=report.approve", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("годишен доклад одобрен от наблюдателния орган — <a href=\"/reports/7\">годишен доклад 7</a>"),
        "the action and the record in words, linked: {body}"
    );
    assert!(
        body.contains("<dt>Етап</dt><dd>submitted</dd>"),
        "before, labelled"
    );
    assert!(
        body.contains("<dt>Напомняне</dt><dd>да</dd>"),
        "yes in words"
    );
    assert!(body.contains("<details><summary>Данни на записа (JSON)</summary>"));
    // The time is shown in Bulgarian time ("03.12.2026 23:15"), the ISO stamp stays machine-readable.
    let shown = body
        .split("<time datetime=\"")
        .nth(1)
        .and_then(|t| t.split("</time>").next())
        .expect("a time");
    let (iso, local) = shown.split_once("\">").expect("datetime and text");
    assert!(iso.ends_with('Z'), "{iso}");
    assert_eq!(local, planmon::dates::display_local(iso));
    assert!(!local.contains('T'), "{local}");
}
