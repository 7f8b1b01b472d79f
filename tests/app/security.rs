//! Findings of the security review (issue 18): redirects stay on this site, login throttling
//! holds under parallel guesses, the administration token is throttled, private answers are
//! never cached, client addresses behind trusted proxies, small bodies for anonymous forms,
//! slow clients cut off. On both databases.

use crate::helpers::{ADMIN_TOKEN, TEST_PASSWORD, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use planmon::account::{MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn the_language_switch_never_leaves_the_site() {
    let app = TestApp::spawn().await;
    for (back, expected) in [
        ("/plans/1", "/plans/1"),
        ("/%5Cevil.example", "/"),
        ("/%09/evil.example", "/"),
        ("/%5C/evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        (
            "/%0D%0ALocation:%20https://evil.example/",
            "/Location:%20https://evil.example/",
        ),
    ] {
        let r = app.get(&format!("/lang/en?back={back}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{back}: {}", r.body);
        assert_eq!(r.location(), expected, "{back}");
    }
}

#[tokio::test]
async fn a_login_page_opened_with_a_foreign_next_returns_home() {
    let app = TestApp::spawn().await;
    let s = app.user_session("ana@test.example", &[]).await;
    for next in [
        "/%5Cevil.example",
        "/%09/evil.example",
        "/x%0D%0AX-Evil:%201",
    ] {
        let r = app.get_as(&format!("/login?next={next}"), &s).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.body);
        assert!(
            r.location().starts_with('/') && !r.location().contains("evil"),
            "{next} -> {}",
            r.location()
        );
        assert!(r.headers.get("x-evil").is_none());
    }
}

/// 60 wrong passwords for one account sent at once: the count is taken in the database before
/// each check, so at most the limit of them reach the password check.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_get_at_most_the_limit_checked() {
    let app = Arc::new(TestApp::spawn().await);
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..60 {
        let (app, anon) = (app.clone(), anon.clone());
        tasks.spawn(async move {
            let password = format!("guess {n}");
            app.post_form(
                "/login",
                &anon,
                &[("email", "ana@test.example"), ("password", &password)],
            )
            .await
            .status
        });
    }
    let mut checked = 0;
    let mut throttled = 0;
    while let Some(status) = tasks.join_next().await {
        match status.expect("task") {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked, MAX_FAILURES_PER_ACCOUNT, "checked {checked}");
    assert_eq!(throttled, 60 - MAX_FAILURES_PER_ACCOUNT);
    let failed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'user.login_failed'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
    assert_eq!(failed, MAX_FAILURES_PER_ACCOUNT);
}

#[tokio::test]
async fn a_right_password_starts_the_account_over() {
    let app = TestApp::spawn().await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    let anon = app.anonymous().await;
    for round in 0..3 {
        for _ in 0..MAX_FAILURES_PER_ACCOUNT - 1 {
            let r = app
                .post_form(
                    "/login",
                    &anon,
                    &[("email", "ana@test.example"), ("password", "wrong")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "round {round}");
        }
        let r = app
            .post_form(
                "/login",
                &anon,
                &[("email", "ana@test.example"), ("password", TEST_PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "round {round}");
    }
}

fn from(mut req: Request<Body>, peer: &str) -> Request<Body> {
    let addr: std::net::SocketAddr = format!("{peer}:40000").parse().expect("addr");
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

/// A failed login (each for another unknown account); the address its audit event names.
async fn failed_login_ip(app: &TestApp, peer: &str, forwarded: &str) -> Option<String> {
    let anon = app.anonymous().await;
    let email = format!("nobody-{}@test.example", anon.csrf);
    let body = serde_urlencoded::to_string([
        ("csrf_token", anon.csrf.as_str()),
        ("email", email.as_str()),
        ("password", "x"),
    ])
    .expect("form");
    let req = Request::post("/login")
        .header(header::COOKIE, &anon.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", forwarded)
        .body(Body::from(body))
        .expect("request");
    let r = app.request(from(req, peer)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    sqlx::query_scalar(
        "SELECT ip FROM audit_events WHERE action = 'user.login_failed' \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("event")
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["10.0.0.0/8".into()]).await;
    // Behind the proxy: the address the proxy saw, not what the client wrote before it.
    assert_eq!(
        failed_login_ip(&app, "10.0.0.2", "6.6.6.6, 203.0.113.9").await,
        Some("203.0.113.9".into())
    );
    // Through two trusted proxies.
    assert_eq!(
        failed_login_ip(&app, "10.0.0.2", "203.0.113.9, 10.0.0.3").await,
        Some("203.0.113.9".into())
    );
    // A client talking directly cannot choose its address.
    assert_eq!(
        failed_login_ip(&app, "198.51.100.4", "203.0.113.9").await,
        Some("198.51.100.4".into())
    );
}

#[tokio::test]
async fn people_behind_one_trusted_proxy_are_throttled_one_by_one() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["10.0.0.1".into()]).await;
    app.create_user("ana@test.example", TEST_PASSWORD, &[])
        .await;
    for n in 0..MAX_FAILURES_PER_IP {
        failed_login_ip(&app, "10.0.0.1", &format!("203.0.113.{n}")).await;
    }
    let anon = app.anonymous().await;
    let body = serde_urlencoded::to_string([
        ("csrf_token", anon.csrf.as_str()),
        ("email", "ana@test.example"),
        ("password", TEST_PASSWORD),
    ])
    .expect("form");
    let req = Request::post("/login")
        .header(header::COOKIE, &anon.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "198.51.100.200")
        .body(Body::from(body))
        .expect("request");
    assert_eq!(
        app.request(from(req, "10.0.0.1")).await.status,
        StatusCode::SEE_OTHER
    );
}

fn bearer(token: &str, peer: &str) -> Request<Body> {
    from(
        Request::get("/admin/import")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
        peer,
    )
}

#[tokio::test]
async fn wrong_administration_tokens_are_throttled_per_address() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.request(bearer(ADMIN_TOKEN, "203.0.113.5")).await.status,
        StatusCode::OK
    );
    for _ in 0..MAX_FAILURES_PER_IP {
        assert_eq!(
            app.request(bearer("guessed", "203.0.113.5")).await.status,
            StatusCode::FORBIDDEN
        );
    }
    // Past the limit even the right token is not compared from that address.
    let r = app.request(bearer(ADMIN_TOKEN, "203.0.113.5")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("Твърде много неуспешни опити"),
        "{}",
        r.body
    );
    assert_eq!(
        app.request(bearer(ADMIN_TOKEN, "198.51.100.1"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn staff_pages_are_never_cached_and_public_ones_may_be() {
    let app = TestApp::spawn().await;
    let s = app.admin_session().await;
    for path in ["/account", "/admin/users", "/"] {
        let r = app.get_as(path, &s).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            r.headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
            Some(&b"no-store"[..]),
            "{path}"
        );
    }
    let r = app.request(bearer(ADMIN_TOKEN, "203.0.113.5")).await;
    assert_eq!(
        r.headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let r = app.get("/").await;
    assert_ne!(
        r.headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
}

#[tokio::test]
async fn https_sites_send_hsts() {
    let app =
        TestApp::spawn_with(|c| c.public_url = Some("https://planmon.example.bg".into())).await;
    let r = app.get("/").await;
    assert_eq!(
        r.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .map(|v| v.as_bytes()),
        Some(&b"max-age=31536000"[..])
    );
}

#[tokio::test]
async fn anonymous_forms_take_only_small_bodies() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous().await;
    let padding = "x".repeat(200 * 1024);
    let r = app
        .post_form(
            "/login",
            &anon,
            &[
                ("email", "a@test.example"),
                ("password", "x"),
                ("pad", &padding),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
}

/// The real listener on a loopback port with short limits.
async fn listen(limits: planmon::web::listen::Limits) -> (std::net::SocketAddr, TestApp) {
    let app = TestApp::spawn().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = planmon::server::router(app.state.clone());
    tokio::spawn(planmon::web::listen::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    (addr, app)
}

/// Reads until the server closes the connection (or `within` passes): what it said.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<String> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&all).into_owned()),
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_do_not_hold_the_last_connection() {
    let limits = planmon::web::listen::Limits {
        max_connections: 1,
        header_timeout: Duration::from_millis(300),
        body_idle_timeout: Duration::from_millis(300),
    };
    let (addr, _app) = listen(limits).await;
    // Half-sent headers: closed after the header deadline.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    // Meanwhile a second client waits for the only slot, then is served.
    let started = Instant::now();
    let waiting = tokio::spawn(async move {
        let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        read_until_closed(&mut s, Duration::from_secs(10)).await
    });
    assert!(
        read_until_closed(&mut slow, Duration::from_secs(5))
            .await
            .is_some(),
        "the half-sent request was not closed"
    );
    let answer = waiting.await.expect("task").expect("answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(250));

    // A body that stops coming: answered and closed after the body deadline, not held open.
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 1000\r\n\r\nemail=a",
    )
    .await
    .expect("write");
    let answer = read_until_closed(&mut s, Duration::from_secs(5))
        .await
        .expect("the stalled body was not cut off");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
}

#[tokio::test]
async fn submission_links_need_the_configured_public_address() {
    let app = TestApp::spawn_with(|c| c.public_url = None).await;
    let (_, round_id) = crate::helpers::open_round_by_form(&app).await;
    let u = planmon::monitoring::store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let r = crate::helpers::post(
        &app,
        &format!("/rounds/{round_id}/links"),
        Some(crate::helpers::ADMIN_TOKEN),
        &[("institution_id", &u.institution_id.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("PLANMON_PUBLIC_URL"), "{}", r.body);
    assert!(!r.body.contains("/s/"), "{}", r.body);
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submission_links")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(links, 0, "no link was issued");
    let r = crate::helpers::post(
        &app,
        &format!("/rounds/{round_id}/reminders"),
        Some(crate::helpers::ADMIN_TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn issued_links_use_the_public_address_not_the_host_header() {
    let app = TestApp::spawn().await;
    let (_, round_id) = crate::helpers::open_round_by_form(&app).await;
    let u = planmon::monitoring::store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let r = crate::helpers::post(
        &app,
        &format!("/rounds/{round_id}/links"),
        Some(crate::helpers::ADMIN_TOKEN),
        &[("institution_id", &u.institution_id.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("http://planmon.test/s/"), "{}", r.body);
}

#[tokio::test]
async fn an_evidence_file_refused_after_upload_leaves_nothing_on_disk_and_check_finds_strays() {
    use crate::helpers::post_multipart;
    let app = TestApp::spawn().await;
    let data_dir = app.state.config.data_dir.clone();
    let (_, round_id) = crate::helpers::open_round_by_form(&app).await;
    let (link, u) = crate::helpers::issue_link(&app, round_id).await;
    let path = format!("{link}/updates/{}/evidence", u.id);
    let kept = b"%PDF-1.4 the protocol";
    let r = post_multipart(
        &app,
        &path,
        None,
        &[("title", "Протокол")],
        Some(("p.pdf", kept)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let report = planmon::files::check(&app.db, &data_dir)
        .await
        .expect("check");
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.ok, 1);

    // The update is submitted meanwhile: the file is written, then the transaction refuses it
    // (a workflow conflict: 409).
    sqlx::query("UPDATE round_updates SET state = 'submitted' WHERE id = $1")
        .bind(u.id)
        .execute(&app.db.pool)
        .await
        .expect("submit");
    let refused = b"%PDF-1.4 a second file";
    let r = post_multipart(
        &app,
        &path,
        None,
        &[("title", "Още")],
        Some(("q.pdf", refused)),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let on_disk = planmon::files::on_disk(&data_dir).expect("disk");
    assert_eq!(on_disk.len(), 1, "only the kept file: {on_disk:?}");
    assert!(
        planmon::files::check(&app.db, &data_dir)
            .await
            .expect("check")
            .is_clean()
    );

    // `planmon check` reports a stray file, a missing one and a damaged one, and fails.
    let kept_path = on_disk.iter().next().expect("kept").clone();
    std::fs::write(data_dir.join("evidence").join("stray.part"), b"x").expect("stray");
    std::fs::write(data_dir.join(&kept_path), b"changed").expect("damage");
    let report = planmon::files::check(&app.db, &data_dir)
        .await
        .expect("check");
    assert_eq!(report.damaged, vec![kept_path.clone()]);
    assert_eq!(report.orphans, vec!["evidence/stray.part".to_string()]);
    let err = crate::helpers::planmon(&app, &["check"])
        .await
        .expect_err("not clean");
    assert!(err.to_string().contains("не съответстват"), "{err}");
    std::fs::remove_file(data_dir.join(&kept_path)).expect("remove");
    let report = planmon::files::check(&app.db, &data_dir)
        .await
        .expect("check");
    assert_eq!(report.missing, vec![kept_path]);
    let text = planmon::cli::check_text(&report);
    assert!(
        text.contains("Липсващи файлове (има запис, няма файл): 1"),
        "{text}"
    );
    assert!(
        text.contains("Файлове без запис в базата данни: 1\n  evidence/stray.part"),
        "{text}"
    );
}
