//! Importing plans through the API (issue 14): a document sent as the body becomes a draft the
//! way the upload page makes one, and a machine saves it as a plan or a new version, with the
//! page's refusals answered as JSON.

use crate::helpers::{ADMIN_TOKEN, TestApp, sample_plan};
use axum::http::{Method, StatusCode};

/// A small plan of the municipality `name`, as the text of a converted document.
fn plan_text(name: &str, measure: &str) -> Vec<u8> {
    format!(
        "ПЛАН ЗА ДЕЙСТВИЕ\nна Община {name} за интегриране на ромите 2024-2026 г.\n\n\
         Дейности\tОтговорна институция\tСрок\tФинансиране\n\
         1. {measure}\tОбщина {name}\t2024 г.\t1000 лв.\n\
         2. Здравна медиация\tОбщина {name}\t2025 г.\t2000 лв.\n"
    )
    .into_bytes()
}

/// Sends `bytes` to `/api/v1/imports` with `query`; (status, JSON answer).
async fn send(
    app: &TestApp,
    query: &str,
    token: Option<&str>,
    bytes: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    app.post_bytes(&format!("/api/v1/imports?{query}"), token, bytes)
        .await
}

/// The id of municipality `name`, made known by storing a plan of it.
async fn municipality(app: &TestApp, name: &str) -> i64 {
    let mut plan = sample_plan();
    plan.municipality = name.into();
    app.create_plan(&plan).await;
    app.municipality_id(name).await
}

async fn drafts(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM import_drafts")
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_machine_imports_a_document_as_a_draft_and_saves_it_as_a_plan_then_a_version() {
    let app = TestApp::spawn().await;
    let m = municipality(&app, "Габрово").await;
    let (_, token) = app
        .coordinator_token("koord@test.example", m, "Общинска система")
        .await;
    let (status, d) = send(
        &app,
        "file_name=plan.txt",
        Some(&token),
        plan_text("Габрово", "Ремонт на училище"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["municipality"], "Габрово");
    assert_eq!(d["format"], "text");
    assert_eq!(d["measures"], 2, "{d}");
    let id = d["id"].as_i64().expect("draft id");
    assert_eq!(d["review"], format!("/admin/import/{id}"));

    let (status, again) = app
        .call(
            Method::GET,
            &format!("/api/v1/imports/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, d);

    let (status, saved) = app
        .call(
            Method::POST,
            &format!("/api/v1/imports/{id}/save"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["version"], 1);
    let plan = saved["plan"].as_i64().expect("plan id");
    let (status, p) = app.get_json(&format!("/api/v1/plans/{plan}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["municipality"], "Габрово", "{p}");
    assert_eq!(drafts(&app).await, 0, "the draft became the plan");

    let query = format!("file_name=plan-2.txt&plan={plan}");
    let (status, d2) = send(
        &app,
        &query,
        Some(&token),
        plan_text("Габрово", "Ремонт на детска градина"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d2}");
    assert_eq!(d2["target"], plan);
    let id2 = d2["id"].as_i64().expect("draft id");
    let (status, saved) = app
        .call(
            Method::POST,
            &format!("/api/v1/imports/{id2}/save"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved, serde_json::json!({"plan": plan, "version": 2}));

    let token_id: i64 = app.last_token_id().await;
    let events: Vec<(String, String)> = app.audit_of("plan").await;
    let by = format!("API ключ {token_id}");
    assert_eq!(
        events,
        vec![
            ("plan.create".to_string(), by.clone()),
            ("plan.new_version".to_string(), by)
        ]
    );
}

#[tokio::test]
async fn an_import_the_page_would_refuse_is_refused_as_json_and_stores_nothing() {
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 4096).await;
    let (status, e) = send(
        &app,
        "file_name=plan.txt",
        None,
        plan_text("Габрово", "Ремонт"),
    )
    .await;
    // Without a token a POST is a form without its CSRF token.
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");

    let (status, e) = send(&app, "", Some(ADMIN_TOKEN), plan_text("Габрово", "Ремонт")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "file_name", "{e}");

    let (status, e) = send(
        &app,
        "file_name=x.docx",
        Some(ADMIN_TOKEN),
        b"PK\x03\x04broken".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "file", "{e}");

    let (status, _) = send(
        &app,
        "file_name=big.txt",
        Some(ADMIN_TOKEN),
        vec![b'a'; 5000],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // A coordinator of another municipality: the plan is not theirs to import.
    let ruse = municipality(&app, "Русе").await;
    let (_, token) = app
        .coordinator_token("ruse@test.example", ruse, "Русе")
        .await;
    let (status, e) = send(
        &app,
        "file_name=plan.txt",
        Some(&token),
        plan_text("Габрово", "Ремонт"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "municipality", "{e}");
    assert_eq!(drafts(&app).await, 0);

    // A draft of Габрово, made by an administrator, is not there for Русе's coordinator.
    let (status, d) = send(
        &app,
        "file_name=plan.txt",
        Some(ADMIN_TOKEN),
        plan_text("Габрово", "Ремонт"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().expect("id");
    for (method, path) in [
        (Method::GET, format!("/api/v1/imports/{id}")),
        (Method::POST, format!("/api/v1/imports/{id}/save")),
    ] {
        let (status, _) = app.call(method, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(drafts(&app).await, 1);
}
