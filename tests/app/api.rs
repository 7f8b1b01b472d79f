//! The machine interface (issue 14): the OpenAPI document against the router, API tokens
//! issued on the staff page and refused outside their scope, and the write API going through
//! the same workflow and audit log as the forms.

use crate::helpers::{TestApp, open_api_round, redact_json, sample_plan, update_path};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use planmon::account::{Role, Scope};
use planmon::monitoring::store;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_pinned() {
    let app = TestApp::spawn().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(app.get_json("/api/openapi.json").await.1, doc);
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn every_api_route_of_the_code_is_in_the_document_and_answers() {
    let app = TestApp::spawn().await;
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    // Every `.route("/api/v1/…")` written in the code is documented …
    let re = regex::Regex::new(r#"\.route\(\s*"(/api/v1/[^"]*)""#).expect("regex");
    let mut found = 0;
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                for c in re.captures_iter(&text) {
                    let route = &c[1];
                    if route == "/api/v1/openapi.json" {
                        continue;
                    }
                    assert!(
                        paths.contains_key(route),
                        "{route} ({}) is not in the OpenAPI document",
                        path.display()
                    );
                    found += 1;
                }
            }
        }
    }
    assert!(found >= 7, "only {found} routes found");
    // … and every documented operation is routed (never the fallback page or 405).
    for (path, item) in paths {
        for method in ["get", "put", "post"] {
            if item.get(method).is_none() {
                continue;
            }
            let uri = path
                .replace("{id}", "1")
                .replace("{measure}", "m1")
                .replace("{key}", "m1")
                .replace("{n}", "1")
                .replace("{institution}", "1")
                .replace("{year}", "2024")
                .replace("{code}", "PDV");
            let r = app
                .request(
                    Request::builder()
                        .method(method.to_uppercase().as_str())
                        .uri(&uri)
                        .header(header::AUTHORIZATION, "Bearer test-admin-token")
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
            assert!(
                r.content_type.starts_with("application/json"),
                "{method} {uri}: {} {}",
                r.status,
                r.content_type
            );
        }
    }
}

#[tokio::test]
async fn the_reference_page_lists_every_operation_in_both_languages() {
    let app = TestApp::spawn().await;
    let page = app.get("/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"bg\""));
    assert!(
        page.body
            .contains("PUT /api/v1/rounds/{id}/updates/{measure}/{institution}")
    );
    assert!(page.body.contains("Запис на отчет"));
    assert!(
        !page.body.contains("<script"),
        "no script, no outside resources"
    );
    let en = app
        .request(
            Request::get("/api/docs")
                .header(header::COOKIE, "lang=en")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(en.body.contains("Save an update"));
    crate::helpers::assert_accessible_basics(&page.body);
}

#[tokio::test]
async fn an_institutions_token_writes_its_own_update_and_nothing_else() {
    let app = TestApp::spawn().await;
    let (round, m, updates) = open_api_round(&app).await;
    let own = updates[0].clone();
    let other = updates
        .iter()
        .find(|u| u.institution_id != own.institution_id)
        .expect("a second institution")
        .clone();
    let coordinator = app
        .user_session(
            "koord@test.example",
            &[(Role::Coordinator, Scope::Municipality(m))],
        )
        .await;
    let (m_text, i_text) = (m.to_string(), own.institution_id.to_string());
    let token = app
        .issue_token(
            &coordinator,
            &[
                ("name", "Система на институцията"),
                ("role", "reporter"),
                ("municipality", &m_text),
                ("institution", &i_text),
            ],
        )
        .await;
    let t = Some(token.as_str());

    let (status, r) = app
        .call(Method::GET, &format!("/api/v1/rounds/{round}"), t, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let listed = r["updates"].as_array().expect("updates");
    assert!(
        listed
            .iter()
            .all(|u| u["institution_id"] == own.institution_id)
    );

    let body = serde_json::json!({
        "status": "in_progress",
        "narrative": "Проведени са 4 срещи.",
        "people_reached": 40,
    });
    let (status, saved) = app
        .call(
            Method::PUT,
            &update_path(round, &own),
            t,
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["state"], "draft");
    assert_eq!(saved["status"], "in_progress");

    // Outside its scope: another institution's update, a review, another municipality.
    let (status, _) = app
        .call(
            Method::PUT,
            &update_path(round, &other),
            t,
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let review = format!("{}/review", update_path(round, &own));
    let (status, _) = app
        .call(
            Method::POST,
            &review,
            t,
            Some(serde_json::json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut elsewhere = sample_plan();
    elsewhere.municipality = "Друга община".into();
    let other_plan = app.create_plan(&elsewhere).await;
    let other_round = store::open_round(&app.db, other_plan, 2024, None, store::unaudited)
        .await
        .expect("other round");
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/rounds/{other_round}"),
            t,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A coordinator of another municipality may not issue tokens here.
    let other_m = store::get_round(&app.db, other_round)
        .await
        .expect("round")
        .expect("the other round")
        .municipality_id;
    let outsider = app
        .user_session(
            "drug@test.example",
            &[(Role::Coordinator, Scope::Municipality(other_m))],
        )
        .await;
    let r = app
        .post_form(
            "/api/tokens",
            &outsider,
            &[
                ("name", "x"),
                ("role", "coordinator"),
                ("municipality", &m_text),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Submitted, it is locked (409); revoked, the token opens nothing.
    let submit = format!("{}/submit", update_path(round, &own));
    let (status, s) = app.call(Method::POST, &submit, t, None).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["state"], "submitted");
    let (status, e) = app
        .call(Method::PUT, &update_path(round, &own), t, Some(body))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"]["status"], 409);
    let id: i64 = app.last_token_id().await;
    let r = app
        .post_form(&format!("/api/tokens/{id}/revoke"), &coordinator, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (status, _) = app
        .call(Method::GET, &format!("/api/v1/rounds/{round}"), t, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(Method::GET, &format!("/api/v1/rounds/{round}"), None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_write_through_the_api_is_in_the_audit_log_with_its_token() {
    let app = TestApp::spawn().await;
    let (round, m, updates) = open_api_round(&app).await;
    let (_, token) = app
        .coordinator_token("koord@test.example", m, "Общинска система")
        .await;
    let u = &updates[0];
    let (status, _) = app.complete_update(&update_path(round, u), &token).await;
    assert_eq!(status, StatusCode::OK);
    let events: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT action, actor_label, municipality_id FROM audit_events ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .expect("events");
    let id: i64 = app.last_token_id().await;
    assert!(events.contains(&(
        "api_token.create".into(),
        "koord@test.example".into(),
        Some(m)
    )));
    assert!(
        events.contains(&("update.save".into(), format!("API ключ {id}"), Some(m))),
        "{events:?}"
    );
    let history: String = sqlx::query_scalar(
        "SELECT actor FROM update_history WHERE update_id = $1 ORDER BY id DESC",
    )
    .bind(u.id)
    .fetch_one(&app.db.pool)
    .await
    .expect("history");
    assert_eq!(history, format!("API ключ {id}"));
    let last_used: Option<String> = sqlx::query_scalar("SELECT last_used_at FROM api_tokens")
        .fetch_one(&app.db.pool)
        .await
        .expect("last use");
    assert!(last_used.is_some());
}

#[tokio::test]
async fn bad_values_are_422_with_each_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (round, _, updates) = open_api_round(&app).await;
    let u = &updates[0];
    let (status, e) = app
        .call(
            Method::PUT,
            &update_path(round, u),
            Some("test-admin-token"),
            Some(serde_json::json!({
                "values": {"no-such-indicator": 5},
                "spent": [{"amount": "-12", "currency": "BGN"}, {"amount": "1", "currency": "USD"}],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!("api_field_errors", e);
    let (status, e) = app
        .call(
            Method::PUT,
            &update_path(round, u),
            Some("test-admin-token"),
            Some(serde_json::json!({"status": "maybe"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "status");
    let (_, now) = app
        .call(
            Method::GET,
            &update_path(round, u),
            Some("test-admin-token"),
            None,
        )
        .await;
    assert_eq!(now["state"], "not_received");
    let mut now = redact_json(now);
    now["round_id"] = "[id]".into();
    now["institution_id"] = "[id]".into();
    insta::assert_json_snapshot!("api_update", now);
}

#[tokio::test]
async fn api_reads_with_a_token_answer_304_to_their_etag() {
    let app = TestApp::spawn().await;
    let (round, _, _) = open_api_round(&app).await;
    let path = format!("/api/v1/rounds/{round}");
    let first = app
        .request(
            Request::get(&path)
                .header(header::AUTHORIZATION, "Bearer test-admin-token")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.headers.get(header::ETAG).expect("ETag").clone();
    let again = app
        .request(
            Request::get(&path)
                .header(header::AUTHORIZATION, "Bearer test-admin-token")
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}
