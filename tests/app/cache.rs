//! Public answers from memory (issue 18, load): kept per revision with gzip and brotli, ETag and
//! 304, served without the database, forgotten after any write — here, or by another instance
//! on the same database (PostgreSQL LISTEN/NOTIFY, SQLite's data version).

use crate::helpers::{TestApp, sample_plan};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use planmon::web::cache::{ResponseCache, watch};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn cached_app() -> TestApp {
    let mut app = TestApp::spawn().await;
    app.state.pages = Arc::new(ResponseCache::enabled());
    app
}

fn get_with(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut r = Request::get(path);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(Body::empty()).expect("request")
}

#[tokio::test]
async fn an_unchanged_plan_page_is_answered_from_memory_without_the_database() {
    let app = cached_app().await;
    let id = app.create_plan(&sample_plan()).await;
    let path = format!("/plans/{id}");
    let first = app.get(&path).await;
    assert_eq!(first.status, StatusCode::OK);
    let api = app.get(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(api.status, StatusCode::OK);
    // The database is gone: kept answers still come, byte for byte.
    app.db.pool.close().await;
    let again = app.get(&path).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, first.body);
    assert_eq!(app.get(&format!("/api/v1/plans/{id}")).await.body, api.body);
    assert_eq!(
        again
            .headers
            .get(header::CACHE_CONTROL)
            .map(|v| v.as_bytes()),
        Some(&b"no-cache"[..])
    );
}

#[tokio::test]
async fn kept_pages_come_as_brotli_or_gzip_as_asked_and_revalidate_with_304() {
    let app = cached_app().await;
    let id = app.create_plan(&sample_plan()).await;
    let path = format!("/plans/{id}");
    let plain = app.get(&path).await;
    let br = app
        .request(get_with(&path, &[("accept-encoding", "gzip, deflate, br")]))
        .await;
    assert_eq!(
        br.headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"br"[..])
    );
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &br.bytes[..], &mut out).expect("brotli");
    assert_eq!(out, plain.bytes);
    let gz = app
        .request(get_with(&path, &[("accept-encoding", "gzip")]))
        .await;
    assert_eq!(
        gz.headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz.bytes[..])
        .read_to_end(&mut out)
        .expect("gzip");
    assert_eq!(out, plain.bytes);
    assert!(br.bytes.len() < gz.bytes.len() && gz.bytes.len() < plain.bytes.len() / 3);
    for r in [&plain, &br, &gz] {
        let etag = r
            .headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .expect("etag");
        let encoding = r
            .headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok());
        let accept = match encoding {
            Some("br") => "br",
            Some(_) => "gzip",
            None => "identity",
        };
        let revalidated = app
            .request(get_with(
                &path,
                &[("if-none-match", etag), ("accept-encoding", accept)],
            ))
            .await;
        assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED, "{etag}");
        assert!(revalidated.bytes.is_empty());
    }
    let etags: std::collections::BTreeSet<_> = [&plain, &br, &gz]
        .iter()
        .map(|r| r.headers[header::ETAG].clone())
        .collect();
    assert_eq!(etags.len(), 3, "one tag per representation");
}

#[tokio::test]
async fn a_write_through_the_server_is_seen_at_once() {
    let app = cached_app().await;
    let admin = app.admin_session().await;
    let before = app.get("/").await;
    // A plan stored behind the server's back is not seen while nothing was written through it…
    let mut plan = sample_plan();
    plan.municipality = "Тестово".into();
    app.create_plan(&plan).await;
    assert_eq!(app.get("/").await.body, before.body);
    // …and is after any write through the server.
    let r = app
        .post_form(
            "/admin/users",
            &admin,
            &[
                ("email", "new@test.example"),
                ("name", "Нов"),
                ("role", "administrator"),
            ],
        )
        .await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.status
    );
    assert_ne!(app.get("/").await.body, before.body);
}

#[tokio::test]
async fn a_saved_draft_or_a_refused_form_keeps_the_public_answers() {
    let app = cached_app().await;
    let admin = app.admin_session().await;
    let plan = sample_plan();
    let plan_id = app.create_plan(&plan).await;
    planmon::snapshot::store::save_snapshot(
        &app.db.pool,
        &planmon::snapshot::sample::sample_round(plan_id, 1, &plan, 2024),
    )
    .await
    .expect("closed round");
    let started = app
        .post_form(
            &format!("/plans/{plan_id}/reports"),
            &admin,
            &[("year", "2024")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let report = started.location();
    let before = app.get("/").await;
    // Changed behind the server's back: seen only once a public write is made through it.
    let mut other = sample_plan();
    other.municipality = "Тестово".into();
    app.create_plan(&other).await;
    let saved = app
        .post_form(
            &format!("{report}/narrative"),
            &admin,
            &[("introduction", "Чернова на въведението.")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let refused = app
        .post_form(
            &format!("/plans/{plan_id}/reports"),
            &admin,
            &[("year", "две хиляди")],
        )
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert_eq!(
        app.get("/").await.body,
        before.body,
        "nothing public changed"
    );
    let approved = app
        .post_form(&format!("{report}/submit"), &admin, &[])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert_ne!(
        app.get("/").await.body,
        before.body,
        "a workflow step counts"
    );
}

#[tokio::test]
async fn personal_and_private_answers_are_never_shared() {
    let app = cached_app().await;
    let a = app.anonymous().await;
    let b = app.anonymous().await;
    assert_ne!(a.csrf, b.csrf);
    for s in [&a, &b, &a] {
        assert_eq!(
            app.get_as("/login", s).await.csrf_field(),
            Some(s.csrf.clone())
        );
    }
    let admin = app.admin_session().await;
    let r = app.get_as("/", &admin).await;
    assert!(
        r.headers.get(header::ETAG).is_none(),
        "a logged-in page is not kept"
    );
}

/// A second instance on the same database writes; the first forgets what it kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instance_writing_to_the_database_is_noticed() {
    let app = cached_app().await;
    watch(
        app.state.pages.clone(),
        app.database_url.clone(),
        app.db.backend,
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = app.get("/").await;
    let other = planmon::db::Db::connect(&app.database_url)
        .await
        .expect("connect");
    let mut plan = sample_plan();
    plan.municipality = "Другаде".into();
    planmon::plan::store::create_plan(&other, &plan, None)
        .await
        .expect("create");
    // What the other instance's server does after a write.
    planmon::web::cache::announce(&other).await;
    let started = Instant::now();
    loop {
        if app.get("/").await.body != before.body {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the write of another instance was not noticed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
