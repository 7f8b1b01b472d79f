//! Evidence through the API (issue 14): a file as the body or a link, added to an update as the
//! form adds it (checked by content, stored with its audit event), refused as the form refuses.

use crate::helpers::{TestApp, open_api_round, update_path};
use axum::http::{Method, StatusCode};

/// Posts `bytes` as evidence of the update at `path` with `query`; (status, JSON answer).
async fn send(
    app: &TestApp,
    path: &str,
    query: &str,
    token: &str,
    bytes: &[u8],
) -> (StatusCode, serde_json::Value) {
    app.post_bytes(
        &format!("{path}/evidence?{query}"),
        Some(token),
        bytes.to_vec(),
    )
    .await
}

#[tokio::test]
async fn a_machine_adds_a_file_and_a_link_to_an_update_as_the_form_does() {
    let app = TestApp::spawn().await;
    let (round, m, updates) = open_api_round(&app).await;
    let (_, token) = app
        .coordinator_token("koord@test.example", m, "Общинска система")
        .await;
    let path = update_path(round, &updates[0]);
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n";
    let (status, e) = send(
        &app,
        &path,
        "file_name=%D0%BE%D1%82%D1%87%D0%B5%D1%82.pdf&title=Протокол",
        &token,
        pdf,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    assert_eq!(e["title"], "Протокол");
    assert_eq!(e["file_name"], "отчет.pdf");
    assert_eq!(e["media_type"], "application/pdf");
    assert_eq!(e["size"], pdf.len());
    assert_eq!(e["sha256"].as_str().map(str::len), Some(64), "{e}");
    let stored: String =
        sqlx::query_scalar("SELECT stored_path FROM update_evidence WHERE id = $1")
            .bind(e["id"].as_i64().expect("id"))
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    let on_disk = std::fs::read(app.state.config.data_dir.join(stored)).expect("the file is kept");
    assert_eq!(on_disk, pdf);

    let (status, l) = send(
        &app,
        &path,
        "url=https%3A%2F%2Fexample.org%2Fdoklad",
        &token,
        b"",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{l}");
    assert_eq!(l["url"], "https://example.org/doklad");
    assert_eq!(l["title"], "https://example.org/doklad");

    let token_id: i64 = app.last_token_id().await;
    let events: Vec<(String, String)> = app.audit_of("evidence").await;
    let by = format!("API ключ {token_id}");
    assert_eq!(
        events,
        vec![
            ("evidence.add".to_string(), by.clone()),
            ("evidence.add".to_string(), by)
        ]
    );
}

#[tokio::test]
async fn evidence_the_form_would_refuse_is_refused_by_field_and_a_submitted_update_takes_none() {
    let app = TestApp::spawn().await;
    let (round, m, updates) = open_api_round(&app).await;
    let (_, token) = app
        .coordinator_token("koord@test.example", m, "Система")
        .await;
    let path = update_path(round, &updates[0]);
    let (status, e) = send(&app, &path, "file_name=virus.exe", &token, b"MZ\x90\x00").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "evidence_file", "{e}");
    let (status, e) = send(&app, &path, "file_name=fake.pdf", &token, b"not a pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "evidence_file", "{e}");
    let (status, e) = send(&app, &path, "", &token, b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = send(&app, &path, "url=javascript%3Aalert(1)", &token, b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "evidence_url", "{e}");

    let (status, body) = app.complete_update(&path, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .call(Method::POST, &format!("{path}/submit"), Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, e) = send(
        &app,
        &path,
        "url=https%3A%2F%2Fexample.org%2Fx",
        &token,
        b"",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM update_evidence")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(n, 0, "nothing stored");
}
