//! Accounts: login, logout, throttling, sessions, CSRF on every account form, the roles matrix
//! of the account pages, password hashing.

use crate::helpers::{Session, TEST_PASSWORD, TestApp, sample_plan};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use planmon::account::{MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, Role, Scope};
use planmon::web::AppState;

async fn user_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

/// A login POST from a given client address.
async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> StatusCode {
    let anon = app.anonymous().await;
    let body = serde_urlencoded::to_string([
        ("csrf_token", anon.csrf.as_str()),
        ("email", email),
        ("password", password),
    ])
    .expect("form");
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("addr");
    let mut req = Request::post("/login")
        .header(header::COOKIE, &anon.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    req.extensions_mut().insert(ConnectInfo(addr));
    app.request(req).await.status
}

#[tokio::test]
async fn login_opens_a_session_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    let page = app.get_as("/account", &s).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ana@test.example"));

    let out = app.post_form("/logout", &s, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.set_cookie("pm_session").as_deref(), Some(""));
    let after = app.get_as("/account", &s).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
    assert_eq!(after.location(), "/login?next=%2Faccount");
}

#[tokio::test]
async fn session_cookie_is_http_only_and_lax_and_secure_behind_https() {
    let mut app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    let fields = [("email", "ana@test.example"), ("password", TEST_PASSWORD)];
    let r = app.post_form("/login", &anon, &fields).await;
    let cookie = r.headers.get(header::SET_COOKIE).expect("cookie");
    let cookie = cookie.to_str().expect("text");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http keeps cookies usable: {cookie}"
    );

    let mut config = (*app.state.config).clone();
    config.public_url = Some("https://planmon.example.bg".into());
    app.state = AppState::new(app.db.clone(), config);
    let anon = app.anonymous().await;
    let r = app.post_form("/login", &anon, &fields).await;
    let cookie = r.headers.get(header::SET_COOKIE).expect("cookie");
    assert!(cookie.to_str().expect("text").contains("; Secure"));
}

#[tokio::test]
async fn wrong_password_is_refused_in_bulgarian_without_a_session() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    for (email, password) in [
        ("ana@test.example", "грешна парола"),
        ("nobody@test.example", TEST_PASSWORD),
    ] {
        let r = app
            .post_form("/login", &anon, &[("email", email), ("password", password)])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.body
                .contains("Грешен адрес на електронна поща или парола.")
        );
        assert_eq!(r.set_cookie("pm_session"), None);
    }
}

#[tokio::test]
async fn login_is_throttled_per_account_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        let r = app
            .post_form(
                "/login",
                &anon,
                &[("email", "ana@test.example"), ("password", "грешна парола")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post_form(
            "/login",
            &anon,
            &[("email", "ANA@test.example"), ("password", TEST_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Твърде много неуспешни опити"));
    assert_eq!(r.set_cookie("pm_session"), None);
}

#[tokio::test]
async fn login_is_throttled_per_address_across_accounts() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    for n in 0..MAX_FAILURES_PER_IP {
        let email = format!("guess{n}@test.example");
        assert_eq!(
            login_from(&app, "203.0.113.7", &email, "x").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&app, "203.0.113.7", "ana@test.example", TEST_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, "198.51.100.1", "ana@test.example", TEST_PASSWORD).await,
        StatusCode::SEE_OTHER,
        "another address is not blocked"
    );
}

#[tokio::test]
async fn expired_sessions_are_anonymous() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(&app.db.pool)
        .await
        .expect("expire");
    let r = app.get_as("/account", &s).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn password_hashes_are_argon2id_and_tokens_are_not_stored() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.db.pool)
        .await
        .expect("hash");
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!hash.contains(TEST_PASSWORD));
    let token = s.cookie.trim_start_matches("pm_session=").to_string();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.db.pool)
        .await
        .expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token, "only the digest of the cookie is stored");
}

#[tokio::test]
async fn password_change_needs_the_current_password_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    let other = app.login("ana@test.example", TEST_PASSWORD).await;
    let new = "нова дълга парола";
    let wrong = app
        .post_form(
            "/account/password",
            &s,
            &[("current", "не е тя"), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Сегашната парола е грешна."));
    let short = app
        .post_form(
            "/account/password",
            &s,
            &[
                ("current", TEST_PASSWORD),
                ("new", "къса"),
                ("confirm", "къса"),
            ],
        )
        .await;
    assert!(short.body.contains("поне 10 знака"), "{}", short.body);

    let ok = app
        .post_form(
            "/account/password",
            &s,
            &[("current", TEST_PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_as("/account", &s).await.status, StatusCode::OK);
    assert_eq!(
        app.get_as("/account", &other).await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    app.login("ana@test.example", new).await;
}

#[tokio::test]
async fn login_returns_only_to_pages_on_this_site() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    for (next, expected) in [
        ("/audit", "/audit"),
        ("//evil.example/x", "/work"),
        ("https://evil.example/", "/work"),
        ("/\\evil.example", "/work"),
        ("/\t/evil.example", "/work"),
        ("/\\/evil.example", "/work"),
        // A header cannot be split: the line break is dropped, the path stays on this site.
        ("/audit\r\nSet-Cookie: x=y", "/auditSet-Cookie:%20x=y"),
    ] {
        let r = app
            .post_form(
                "/login",
                &anon,
                &[
                    ("email", "ana@test.example"),
                    ("password", TEST_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.location(), expected, "{next}");
    }
}

#[tokio::test]
async fn administrator_creates_a_coordinator_whose_generated_password_works() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let m = app.municipality_id("Примерна").await;
    let admin = app.admin_session().await;
    let r = app
        .post_form(
            "/admin/users",
            &admin,
            &[
                ("email", "Koordinator@Test.Example"),
                ("name", "Мария Петрова"),
                ("password", ""),
                ("role", "coordinator"),
                ("municipality", &m.to_string()),
                ("institution", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let password = r
        .body
        .split("<code>")
        .nth(1)
        .and_then(|p| p.split("</code>").next())
        .expect("generated password shown once")
        .to_string();
    let s = app.login("koordinator@test.example", &password).await;
    let page = app.get_as("/account", &s).await;
    assert!(
        page.body
            .contains("Общински координатор — <span>Община Примерна</span>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn bad_user_forms_are_refused_next_to_the_form_and_store_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_session().await;
    let before = user_count(&app).await;
    for (fields, message) in [
        (
            vec![("email", "не-е-адрес"), ("role", "")],
            "не е валиден адрес на електронна поща",
        ),
        (
            vec![("email", "a@test.example"), ("role", "coordinator")],
            "изисква община",
        ),
        (
            vec![("email", "admin@test.example"), ("role", "")],
            "вече има потребител",
        ),
        (
            vec![
                ("email", "b@test.example"),
                ("password", "къса"),
                ("role", ""),
            ],
            "поне 10 знака",
        ),
    ] {
        let r = app.post_form("/admin/users", &admin, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.body.contains(message), "{message}: {}", r.body);
    }
    assert_eq!(user_count(&app).await, before);
}

#[tokio::test]
async fn account_administration_is_refused_to_everyone_but_administrators() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let m = app.municipality_id("Примерна").await;
    let target = app.create_user("x@test.example", TEST_PASSWORD, &[]).await;
    let coordinator = app
        .user_session(
            "k@test.example",
            &[(Role::Coordinator, Scope::Municipality(m))],
        )
        .await;
    let before = user_count(&app).await;
    let get_paths = ["/admin/users".to_string(), format!("/admin/users/{target}")];
    for p in &get_paths {
        assert_eq!(
            app.get_as(p, &coordinator).await.status,
            StatusCode::FORBIDDEN,
            "{p}"
        );
        let anon = app.get(p).await;
        assert_eq!(anon.status, StatusCode::SEE_OTHER, "{p}");
        assert!(anon.location().starts_with("/login?next="));
    }
    for p in [
        "/admin/users".to_string(),
        format!("/admin/users/{target}/grants"),
        format!("/admin/users/{target}/active"),
        format!("/admin/users/{target}/password"),
    ] {
        let r = app
            .post_form(
                &p,
                &coordinator,
                &[
                    ("email", "y@test.example"),
                    ("role", "administrator"),
                    ("active", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
    }
    assert_eq!(user_count(&app).await, before);
    let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_grants WHERE user_id = $1")
        .bind(target)
        .fetch_one(&app.db.pool)
        .await
        .expect("grants");
    assert_eq!(grants, 0);
}

#[tokio::test]
async fn every_account_form_refuses_a_missing_or_foreign_csrf_token() {
    let app = TestApp::spawn().await;
    let admin = app.admin_session().await;
    let target = app.create_user("x@test.example", TEST_PASSWORD, &[]).await;
    let grant: i64 = {
        let mut tx = app.db.pool.begin().await.expect("tx");
        let id = planmon::account::store::add_grant(
            &mut tx,
            target,
            Role::Administrator,
            &Scope::Global,
        )
        .await
        .expect("grant")
        .expect("new");
        tx.commit().await.expect("commit");
        id
    };
    let other = app.login("x@test.example", TEST_PASSWORD).await;
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/login".into(),
            vec![("email", "x@test.example"), ("password", TEST_PASSWORD)],
        ),
        ("/logout".into(), vec![]),
        (
            "/account/password".into(),
            vec![
                ("current", TEST_PASSWORD),
                ("new", "нова дълга парола"),
                ("confirm", "нова дълга парола"),
            ],
        ),
        (
            "/admin/users".into(),
            vec![("email", "new@test.example"), ("role", "")],
        ),
        (
            format!("/admin/users/{target}/grants"),
            vec![("role", "administrator")],
        ),
        (
            format!("/admin/users/{target}/grants/{grant}/delete"),
            vec![],
        ),
        (
            format!("/admin/users/{target}/active"),
            vec![("active", "0")],
        ),
        (format!("/admin/users/{target}/password"), vec![]),
    ];
    let foreign = Session {
        cookie: admin.cookie.clone(),
        csrf: other.csrf.clone(),
    };
    let events_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    for (path, fields) in &forms {
        let missing = app.post_raw(path, &admin, fields).await;
        assert_eq!(
            missing.status,
            StatusCode::FORBIDDEN,
            "{path} without a token"
        );
        assert!(missing.body.contains("кодът му за защита (CSRF)"), "{path}");
        let wrong = app.post_form(path, &foreign, fields).await;
        assert_eq!(
            wrong.status,
            StatusCode::FORBIDDEN,
            "{path} with another session's token"
        );
    }
    let events_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(events_before, events_after, "nothing happened");
    assert_eq!(app.get_as("/account", &admin).await.status, StatusCode::OK);
    assert_eq!(user_count(&app).await, 2);
}

#[tokio::test]
async fn anonymous_forms_need_the_token_of_their_own_cookie() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let a = app.anonymous().await;
    let b = app.anonymous().await;
    let mixed = Session {
        cookie: a.cookie.clone(),
        csrf: b.csrf.clone(),
    };
    let fields = [("email", "ana@test.example"), ("password", TEST_PASSWORD)];
    assert_eq!(
        app.post_form("/login", &mixed, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    let no_cookie = Session {
        cookie: String::new(),
        csrf: a.csrf.clone(),
    };
    assert_eq!(
        app.post_form("/login", &no_cookie, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form("/login", &a, &fields).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn public_pages_set_no_cookie() {
    let app = TestApp::spawn().await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn deactivated_accounts_lose_their_sessions_and_cannot_log_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin_session().await;
    let id = app
        .create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let s = app.login("ana@test.example", TEST_PASSWORD).await;
    let r = app
        .post_form(
            &format!("/admin/users/{id}/active"),
            &admin,
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as("/account", &s).await.status,
        StatusCode::SEE_OTHER
    );
    let anon = app.anonymous().await;
    let r = app
        .post_form(
            "/login",
            &anon,
            &[("email", "ana@test.example"), ("password", TEST_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_page_as_people_see_it() {
    let app = TestApp::spawn().await;
    let r = app.get("/login?next=/audit").await;
    assert_eq!(r.status, StatusCode::OK);
    let csrf = r.csrf_field().expect("csrf");
    insta::assert_snapshot!(r.body.replace(&csrf, "[csrf]"));
}

#[tokio::test]
async fn submission_link_forms_need_the_token_of_their_link() {
    use crate::helpers::{issue_link, open_round_by_form};
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let token = link.trim_start_matches("/s/");
    let page = app.get(&format!("{link}/updates/{}", u.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.csrf_field(),
        Some(planmon::web::auth::link_csrf(token)),
        "the page carries its link's token"
    );
    let path = format!("{link}/updates/{}", u.id);
    let fields = [("status", "изпълнена"), ("narrative", "Проведени 4 срещи.")];
    let none = app.post_raw(&path, &Session::default(), &fields).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    let other_link = Session {
        cookie: String::new(),
        csrf: planmon::web::auth::link_csrf(&"0".repeat(64)),
    };
    let wrong = app.post_form(&path, &other_link, &fields).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let history: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM update_history")
        .fetch_one(&app.db.pool)
        .await
        .expect("history");
    assert_eq!(history, 0, "nothing was saved");
}

#[tokio::test]
async fn only_the_configured_administration_token_skips_the_form_token() {
    let app = TestApp::spawn().await;
    let plan = app.create_plan(&sample_plan()).await;
    let path = format!("/plans/{plan}/rounds");
    for (bearer, expected) in [
        ("Bearer wrong-token", StatusCode::FORBIDDEN),
        ("Bearer test-admin-token", StatusCode::SEE_OTHER),
    ] {
        let req = Request::post(path.as_str())
            .header(header::AUTHORIZATION, bearer)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("year=2024&deadline=2025-03-31"))
            .expect("request");
        assert_eq!(app.request(req).await.status, expected, "{bearer}");
    }
}

#[tokio::test]
async fn a_logged_in_administrator_or_coordinator_opens_the_import_pages_without_the_token() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let m = app.municipality_id("Примерна").await;
    // A reviewer may not import; a coordinator may, for their municipality (import_access.rs).
    let reviewer = app
        .user_session(
            "r@test.example",
            &[(Role::Reviewer, Scope::Municipality(m))],
        )
        .await;
    assert_ne!(
        app.get_as("/admin/import", &reviewer).await.status,
        StatusCode::OK
    );
    let coordinator = app
        .user_session(
            "k@test.example",
            &[(Role::Coordinator, Scope::Municipality(m))],
        )
        .await;
    assert_eq!(
        app.get_as("/admin/import", &coordinator).await.status,
        StatusCode::OK
    );
    let admin = app.admin_session().await;
    assert_eq!(
        app.get_as("/admin/import", &admin).await.status,
        StatusCode::OK
    );
}
