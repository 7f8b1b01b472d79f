//! Evidence attached from the update form keeps everything typed (issue 17): the form's
//! "attach" button sends the whole form (multipart) to the evidence address, which saves the
//! draft and the evidence in one transaction; a refused file brings the form back with every
//! value typed and says why, with nothing stored.

use crate::helpers::{
    TestApp, TestResponse, csrf_for, get, issue_link, multipart, open_round_by_form, post,
    post_multipart,
};
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use hyper::body::Frame;
use planmon::monitoring::State;
use planmon::monitoring::store;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

const NARRATIVE: &str = "Четири срещи с родители; включиха се 42 семейства.";

/// What a reporter has typed into the update form before attaching evidence.
fn typed() -> Vec<(&'static str, &'static str)> {
    vec![
        ("status", "in_progress"),
        ("people_reached", "42"),
        ("spent.0.source", "Общински бюджет"),
        ("spent.0.amount", "1500,50"),
        ("spent.0.currency", "BGN"),
        ("narrative", NARRATIVE),
        ("title", "Протокол от срещите"),
    ]
}

/// A request body arriving in pieces, as a browser's upload does (not one frame).
struct Pieces(VecDeque<Bytes>);

impl hyper::body::Body for Pieces {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }
}

/// A multipart form posted through a submission link, its body sent in 64 KiB pieces.
async fn post_streamed(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> TestResponse {
    let (content_type, body) = multipart(fields, Some(file));
    let pieces = body.chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
    let req = Request::post(path)
        .header("x-csrf-token", csrf_for(path))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::new(Pieces(pieces)))
        .expect("request");
    app.request(req).await
}

async fn evidence_count(app: &TestApp, update_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM update_evidence WHERE update_id = $1")
        .bind(update_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn typed_values_survive_attaching_evidence_and_are_saved_as_the_draft() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let form = get(&app, &format!("{link}/updates/{}", u.id), None).await;
    assert!(
        form.body.contains(&format!(
            "formaction=\"{link}/updates/{}/evidence?csrf_token=",
            u.id
        )) && form.body.contains("formenctype=\"multipart/form-data\""),
        "the attach button sends the update form itself: {}",
        form.body
    );
    let pdf = b"%PDF-1.4 protocol of the meetings";
    let r = post_multipart(
        &app,
        &format!("{link}/updates/{}/evidence", u.id),
        None,
        &typed(),
        Some(("protokol.pdf", pdf)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("{link}/updates/{}?done=evidence#evidence", u.id)
    );
    let saved = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("update")
        .expect("exists");
    assert_eq!(saved.state, State::Draft);
    assert_eq!(saved.narrative, NARRATIVE);
    assert_eq!(saved.people_reached, Some(42));
    assert_eq!(saved.spent.len(), 1);
    assert_eq!(evidence_count(&app, u.id).await, 1);
    let back = get(&app, &r.location().replace("#evidence", ""), None).await;
    assert!(back.body.contains(NARRATIVE), "{}", back.body);
    assert!(back.body.contains("value=\"42\""), "{}", back.body);
    assert!(back.body.contains("value=\"1500,50\""), "{}", back.body);
    assert!(back.body.contains("Протокол от срещите"), "{}", back.body);
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action IN ('update.save', 'evidence.add') \
         ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("events");
    assert_eq!(events, ["update.save", "evidence.add"]);
}

#[tokio::test]
async fn a_refused_file_keeps_what_was_typed_says_why_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let path = format!("{link}/updates/{}/evidence", u.id);
    let r = post_multipart(
        &app,
        &path,
        None,
        &typed(),
        Some(("programa.exe", b"MZ\x90\x00 not evidence")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(NARRATIVE), "the narrative is kept");
    assert!(r.body.contains("value=\"42\""), "people reached are kept");
    assert!(r.body.contains("value=\"1500,50\""), "the amount is kept");
    assert!(
        r.body.contains("value=\"Протокол от срещите\""),
        "the evidence title is kept"
    );
    assert!(
        r.body.contains("<option value=\"in_progress\" selected>"),
        "the status is kept"
    );
    assert!(r.body.contains("id=\"file-error\""), "{}", r.body);

    // Too large for the form: refused while arriving, the values in front of it still kept.
    let big = vec![b'%'; planmon::files::accept::MAX_EVIDENCE_BYTES + 2 * 1024 * 1024];
    let r = post_streamed(&app, &path, &typed(), ("golyam.pdf", &big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body.contains(NARRATIVE),
        "the narrative is kept: {}",
        r.body
    );
    assert!(r.body.contains("MB"), "the limit is said: {}", r.body);

    // A value with an error: the file is not attached either, and the form says so.
    let mut wrong = typed();
    wrong[1] = ("people_reached", "много");
    let r = post_multipart(&app, &path, None, &wrong, Some(("p.pdf", b"%PDF-1.4 x"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"много\""), "{}", r.body);
    assert!(r.body.contains("id=\"file-error\""), "{}", r.body);

    let stored = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("update")
        .expect("exists");
    assert_eq!(stored.state, State::NotReceived, "no draft saved");
    assert_eq!(evidence_count(&app, u.id).await, 0);
}

#[tokio::test]
async fn saving_with_evidence_chosen_but_not_attached_keeps_everything_and_says_so() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    // "Save" sends the form url-encoded: a chosen file arrives as its name only.
    let mut fields = typed();
    fields.push(("file", "protokol.pdf"));
    fields.push(("action", "save"));
    let r = post(&app, &format!("{link}/updates/{}", u.id), None, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(NARRATIVE));
    assert!(r.body.contains("id=\"file-error\""), "{}", r.body);
    let stored = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("update")
        .expect("exists");
    assert_eq!(stored.state, State::NotReceived);
}
