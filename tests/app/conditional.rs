//! Conditional requests (issue 14): every export and API read carries an ETag and, where the
//! data says when it changed, a Last-Modified; a client whose copy is current gets 304.

use crate::helpers::{TestApp, sample_plan};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

fn get_with(path: &str, name: header::HeaderName, value: &str) -> Request<Body> {
    Request::get(path)
        .header(name, value)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn exports_and_api_reads_answer_304_to_their_own_etag() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let paths = [
        "/api/v1/plans".to_string(),
        format!("/api/v1/plans/{id}"),
        "/data/measures.csv".to_string(),
        format!("/data/plans/{id}/indicators.json"),
        format!("/data/plans/{id}/plan.xlsx"),
        "/data/catalog.jsonld".to_string(),
        "/data/iati/activities.xml".to_string(),
    ];
    for path in &paths {
        let first = app.get(path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let etag = first
            .headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path} has no ETag"))
            .to_string();
        assert!(
            first.headers.contains_key(header::LAST_MODIFIED),
            "{path} has no Last-Modified"
        );
        let again = app
            .request(get_with(path, header::IF_NONE_MATCH, &etag))
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes.is_empty(), "{path}: a 304 has no body");
        assert_eq!(
            again
                .headers
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok()),
            Some(etag.as_str())
        );
        let other = app
            .request(get_with(path, header::IF_NONE_MATCH, "\"something-else\""))
            .await;
        assert_eq!(other.status, StatusCode::OK, "{path}");
        assert_eq!(
            other.bytes, first.bytes,
            "{path}: the same data, the same bytes"
        );
    }
}

#[tokio::test]
async fn if_modified_since_the_last_change_is_304_and_before_it_200() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let path = format!("/api/v1/plans/{id}");
    let first = app.get(&path).await;
    let modified = first
        .headers
        .get(header::LAST_MODIFIED)
        .and_then(|v| v.to_str().ok())
        .expect("Last-Modified")
        .to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let same = app
        .request(get_with(&path, header::IF_MODIFIED_SINCE, &modified))
        .await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    let long_ago = app
        .request(get_with(
            &path,
            header::IF_MODIFIED_SINCE,
            "Mon, 01 Jan 2001 00:00:00 GMT",
        ))
        .await;
    assert_eq!(long_ago.status, StatusCode::OK);
    assert_eq!(long_ago.bytes, first.bytes);
}

#[tokio::test]
async fn a_changed_plan_has_a_new_etag() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let path = format!("/data/plans/{id}/plans.csv");
    let before = app.get(&path).await;
    let mut plan = sample_plan();
    plan.title = format!("{} (изменен)", plan.title);
    planmon::plan::store::save_version(&app.db, id, &plan, None)
        .await
        .expect("new version");
    let after = app
        .request(get_with(
            &path,
            header::IF_NONE_MATCH,
            before
                .headers
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .expect("ETag"),
        ))
        .await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(
        after.headers.get(header::ETAG),
        before.headers.get(header::ETAG)
    );
}
