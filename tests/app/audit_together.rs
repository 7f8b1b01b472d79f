//! Every change is audited inside its own transaction: the change and its audit event are kept
//! together, or neither is.

use crate::helpers::{
    TestApp, issue_link, open_round_by_form, planmon, post_multipart, sample_plan,
};
use axum::http::StatusCode;
use planmon::audit::{Actor, Event};
use planmon::monitoring::store;

async fn events(app: &TestApp, action: &str) -> Vec<(Option<String>, Option<String>)> {
    sqlx::query_as("SELECT entity_id, after_json FROM audit_events WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&app.db.pool)
        .await
        .expect("events")
}

#[tokio::test]
async fn an_evidence_upload_is_audited_with_the_evidence_it_added() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let pdf = b"%PDF-1.4 minutes";
    let r = post_multipart(
        &app,
        &format!("{link}/updates/{}/evidence", u.id),
        None,
        &[("title", "Протокол")],
        Some(("протокол.pdf", pdf)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let items = store::evidence(&app.db, round_id, Some(u.id))
        .await
        .expect("evidence");
    let audited = events(&app, "evidence.add").await;
    assert_eq!(items.len(), 1);
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].0, Some(items[0].id.to_string()));
    let after = audited[0].1.clone().unwrap_or_default();
    assert!(after.contains(&planmon::files::sha256_hex(pdf)), "{after}");
}

#[tokio::test]
async fn a_refused_change_writes_no_audit_event() {
    let app = TestApp::spawn().await;
    let (plan_id, _) = open_round_by_form(&app).await;
    let before = events(&app, "round.open").await.len();
    // The same year again is refused: nothing is stored, and nothing is audited.
    let audit = |id: &i64| Some(Event::new(Actor::system(), "round.open", "round", *id));
    let again = store::open_round(&app.db, plan_id, 2024, None, audit).await;
    assert!(again.is_err());
    assert_eq!(events(&app, "round.open").await.len(), before);
}

#[tokio::test]
async fn a_change_whose_audit_event_cannot_be_written_is_not_kept() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    // Without the audit table every event fails; the changes must roll back with it.
    sqlx::query("ALTER TABLE audit_events RENAME TO audit_events_gone")
        .execute(&app.db.pool)
        .await
        .expect("rename");
    let audit = |id: &i64| Some(Event::new(Actor::system(), "round.open", "round", *id));
    assert!(
        store::open_round(&app.db, plan_id, 2025, None, audit)
            .await
            .is_err()
    );
    let evidence = planmon::snapshot::Evidence {
        title: "Снимки".into(),
        url: Some("https://example.org/snimki".into()),
        file_name: None,
        media_type: None,
        size: None,
        sha256: None,
    };
    let audit = |id: &i64| Some(Event::new(Actor::system(), "evidence.add", "evidence", *id));
    let added = store::add_evidence(&app.db, round_id, u.id, &evidence, None, audit).await;
    assert!(added.is_err());
    let rounds: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rounds WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(rounds, 1, "the 2025 round was rolled back");
    assert!(
        store::evidence(&app.db, round_id, Some(u.id))
            .await
            .expect("evidence")
            .is_empty(),
        "the evidence was rolled back"
    );
}

#[tokio::test]
async fn a_plan_imported_on_the_command_line_is_kept_only_with_its_audit_event() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("plan.json");
    let json = planmon::plan::format::to_plan_json(&sample_plan());
    std::fs::write(&input, json).expect("write");
    let path = input.to_str().expect("path");
    planmon(&app, &["import", path]).await.expect("import");
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM plans")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    let created = events(&app, "plan.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0.as_deref(), Some(id.to_string().as_str()));
    sqlx::query("ALTER TABLE audit_events RENAME TO audit_events_gone")
        .execute(&app.db.pool)
        .await
        .expect("rename");
    assert!(planmon(&app, &["import", path]).await.is_err());
    let version = ["import", path, "--new-version-of", &id.to_string()];
    assert!(planmon(&app, &version).await.is_err());
    assert_eq!(app.plan_count().await, 1, "the second plan was rolled back");
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plan_versions WHERE plan_id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("versions");
    assert_eq!(versions, 1, "the new version was rolled back");
}
