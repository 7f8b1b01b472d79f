//! Reporting rounds in storage, on both databases: assignments from the plan, the workflow with
//! its history, conflicts, submission links.

use crate::helpers::{TestApp, open_sample_round, sample_plan};
use planmon::monitoring::input::parse_update;
use planmon::monitoring::store::{self, MonitoringError};
use planmon::monitoring::{Action, State, UpdateInput, WorkflowError, links};
use planmon::snapshot::{ReportedStatus, ReviewState};

fn completed() -> UpdateInput {
    UpdateInput {
        status: Some(ReportedStatus::Completed),
        narrative: "Дейността е изпълнена.".into(),
        ..UpdateInput::default()
    }
}

#[tokio::test]
async fn a_round_assigns_each_measure_running_that_year_to_its_registry_institutions() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_sample_round(&app).await;
    let updates = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let mut pairs: Vec<(String, String)> = updates
        .iter()
        .map(|u| (u.measure_key.clone(), u.institution.clone()))
        .collect();
    pairs.sort();
    // m2 runs only in 2025; "Здравни Медиатори" and "Здравните медиатори" are one institution.
    assert!(pairs.iter().all(|(m, _)| m != "m2"), "{pairs:?}");
    assert_eq!(
        pairs.iter().filter(|(m, _)| m == "m1").count(),
        3,
        "{pairs:?}"
    );
    assert_eq!(
        pairs.iter().filter(|(m, _)| m == "m3").count(),
        2,
        "{pairs:?}"
    );
    assert!(updates.iter().all(|u| u.state == State::NotReceived));
}

#[tokio::test]
async fn a_second_round_for_the_same_year_or_a_year_outside_the_plan_is_refused() {
    let app = TestApp::spawn().await;
    let (plan_id, _) = open_sample_round(&app).await;
    let again = store::open_round(&app.db, plan_id, 2024, None, store::unaudited).await;
    assert!(matches!(again, Err(MonitoringError::Refused(_))));
    let outside = store::open_round(&app.db, plan_id, 2030, None, store::unaudited).await;
    assert!(matches!(outside, Err(MonitoringError::Refused(m)) if m.contains("2030")));
}

#[tokio::test]
async fn every_step_of_the_workflow_is_kept_in_the_history_with_who_and_why() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_sample_round(&app).await;
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let db = &app.db;
    store::save_update(
        db,
        round_id,
        u.id,
        &completed(),
        false,
        "link:1",
        store::unaudited,
    )
    .await
    .expect("draft");
    store::save_update(
        db,
        round_id,
        u.id,
        &completed(),
        true,
        "link:1",
        store::unaudited,
    )
    .await
    .expect("submit");
    let back = Action::Return {
        reason: "Липсва брой деца.".into(),
    };
    store::review(db, round_id, u.id, &back, "user:9", store::unaudited)
        .await
        .expect("return");
    let state = store::save_update(
        db,
        round_id,
        u.id,
        &completed(),
        true,
        "link:1",
        store::unaudited,
    )
    .await
    .expect("resubmit");
    assert_eq!(state, State::Resubmitted);
    store::review(
        db,
        round_id,
        u.id,
        &Action::Approve,
        "user:9",
        store::unaudited,
    )
    .await
    .expect("approve");

    let steps = store::history(db, u.id).await.expect("history");
    let names: Vec<&str> = steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(names, ["save", "submit", "return", "resubmit", "approve"]);
    assert_eq!(steps[2].reason.as_deref(), Some("Липсва брой деца."));
    assert_eq!(steps[2].actor, "user:9");
    let after = store::get_update(db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.state, State::Approved);
    assert!(after.submitted_at.is_some() && after.approved_at.is_some());
    assert_eq!(after.return_reason.as_deref(), Some("Липсва брой деца."));
}

#[tokio::test]
async fn an_approved_report_cannot_be_changed_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_sample_round(&app).await;
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    store::save_update(
        &app.db,
        round_id,
        u.id,
        &completed(),
        true,
        "a",
        store::unaudited,
    )
    .await
    .expect("submit");
    store::review(
        &app.db,
        round_id,
        u.id,
        &Action::Approve,
        "b",
        store::unaudited,
    )
    .await
    .expect("approve");
    let mut changed = completed();
    changed.narrative = "друго".into();
    let r = store::save_update(
        &app.db,
        round_id,
        u.id,
        &changed,
        false,
        "a",
        store::unaudited,
    )
    .await;
    assert!(matches!(
        r,
        Err(MonitoringError::Workflow(WorkflowError::Locked(_)))
    ));
    let after = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.narrative, "Дейността е изпълнена.");
    assert_eq!(
        store::history(&app.db, u.id).await.expect("history").len(),
        2
    );
}

#[tokio::test]
async fn an_update_id_of_another_round_is_not_found() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_sample_round(&app).await;
    let other = store::open_round(&app.db, plan_id, 2025, None, store::unaudited)
        .await
        .expect("2025");
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    assert!(
        store::get_update(&app.db, other, u.id)
            .await
            .expect("get")
            .is_none()
    );
    let r = store::save_update(
        &app.db,
        other,
        u.id,
        &completed(),
        false,
        "x",
        store::unaudited,
    )
    .await;
    assert!(matches!(r, Err(MonitoringError::NotFound(_))));
}

#[tokio::test]
async fn bulk_approval_approves_only_submitted_reports() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_sample_round(&app).await;
    let all = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    store::save_update(
        &app.db,
        round_id,
        all[0].id,
        &completed(),
        true,
        "a",
        store::unaudited,
    )
    .await
    .expect("submit");
    store::save_update(
        &app.db,
        round_id,
        all[1].id,
        &completed(),
        false,
        "a",
        store::unaudited,
    )
    .await
    .expect("draft");
    let ids: Vec<i64> = all.iter().map(|u| u.id).collect();
    let n = store::bulk_approve(&app.db, round_id, &ids, "b", store::unaudited)
        .await
        .expect("bulk");
    assert_eq!(n, 1);
    let after = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let state_of = |id| after.iter().find(|u| u.id == id).map(|u| u.state);
    assert_eq!(state_of(all[0].id), Some(State::Approved));
    assert_eq!(state_of(all[1].id), Some(State::Draft));
}

#[tokio::test]
async fn spent_money_sources_are_stored_under_their_registry_names() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_sample_round(&app).await;
    let plan = sample_plan();
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let measure = plan
        .measures()
        .find(|m| m.key == u.measure_key)
        .expect("measure");
    let fields = vec![
        ("spent.0.source".to_string(), "ДБ".to_string()),
        ("spent.0.amount".to_string(), "1500".to_string()),
    ];
    let input = parse_update(measure, 2024, &fields, planmon::i18n::Tr::default()).expect("valid");
    store::save_update(
        &app.db,
        round_id,
        u.id,
        &input,
        false,
        "a",
        store::unaudited,
    )
    .await
    .expect("save");
    let after = store::get_update(&app.db, round_id, u.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.spent[0].minor, 150_000);
    assert_ne!(
        after.spent[0].source.as_deref(),
        Some("ДБ"),
        "canonical name, not the abbreviation"
    );
}

#[tokio::test]
async fn a_link_opens_only_its_round_and_institution_until_revoked() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_sample_round(&app).await;
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    let u = store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let (link_id, token) = links::create(&app.db, &round, u.institution_id, store::unaudited)
        .await
        .expect("link");
    let stored: String =
        sqlx::query_scalar("SELECT token_hash FROM submission_links WHERE id = $1")
            .bind(link_id)
            .fetch_one(&app.db.pool)
            .await
            .expect("hash");
    assert_ne!(stored, token, "only the hash is stored");
    assert_eq!(
        links::resolve(&app.db, &token).await.expect("resolve"),
        Some((link_id, round_id, u.institution_id))
    );
    links::revoke(&app.db, round_id, link_id, store::unaudited)
        .await
        .expect("revoke");
    assert_eq!(
        links::resolve(&app.db, &token).await.expect("resolve"),
        None
    );
    assert!(
        links::resolve(&app.db, "not-a-token")
            .await
            .expect("resolve")
            .is_none()
    );
}

#[tokio::test]
async fn a_closed_round_is_a_snapshot_that_later_edits_cannot_change() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_sample_round(&app).await;
    let all = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let db = &app.db;
    store::save_update(
        db,
        round_id,
        all[0].id,
        &completed(),
        true,
        "a",
        store::unaudited,
    )
    .await
    .expect("submit");
    store::review(
        db,
        round_id,
        all[0].id,
        &Action::Approve,
        "b",
        store::unaudited,
    )
    .await
    .expect("approve");
    store::save_update(
        db,
        round_id,
        all[1].id,
        &completed(),
        false,
        "a",
        store::unaudited,
    )
    .await
    .expect("draft");
    let round = store::get_round(db, round_id)
        .await
        .expect("round")
        .expect("exists");
    let closed = planmon::monitoring::freeze::close(db, &round, store::unaudited)
        .await
        .expect("close");

    assert_eq!(closed.year, 2024);
    assert_eq!(closed.assignments.len(), all.len());
    assert_eq!(
        closed.updates.len(),
        2,
        "reports never started are not in the updates"
    );
    assert_eq!(
        closed
            .updates
            .iter()
            .filter(|u| u.state == ReviewState::Approved)
            .count(),
        1
    );
    assert_eq!(closed.plan, sample_plan());

    // Later: the plan is amended and someone tries to change a report.
    let mut amended = sample_plan();
    amended.title = "Изменен план".into();
    planmon::plan::store::save_version(db, plan_id, &amended, Some("изменение"))
        .await
        .expect("amend");
    let r = store::save_update(
        db,
        round_id,
        all[1].id,
        &completed(),
        true,
        "a",
        store::unaudited,
    )
    .await;
    assert!(matches!(
        r,
        Err(MonitoringError::Workflow(WorkflowError::RoundClosed))
    ));
    let again = planmon::monitoring::freeze::close(db, &round, store::unaudited).await;
    assert!(again.is_err(), "a round closes once");

    let stored = planmon::snapshot::store::load_snapshot(db, plan_id, 2024)
        .await
        .expect("load")
        .expect("stored");
    assert_eq!(stored.snapshot, closed);
    assert_eq!(stored.snapshot.plan.title, sample_plan().title);
}

#[tokio::test]
async fn the_demo_closes_the_first_year_of_each_seed_plan_and_leaves_the_second_open() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    let n = planmon::monitoring::demo::load(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("demo rounds");
    assert_eq!(n, 4);
    for plan_id in [plovdiv, kazanlak] {
        let rounds = store::rounds_of_plan(&app.db, plan_id)
            .await
            .expect("rounds");
        assert_eq!(rounds.len(), 2);
        let (second, first) = (&rounds[0], &rounds[1]);
        assert!(!first.is_open() && second.is_open());
        let snap = planmon::snapshot::store::load_snapshot(&app.db, plan_id, first.year as i32)
            .await
            .expect("load")
            .expect("the closed round's snapshot");
        assert_eq!(snap.origin, planmon::snapshot::store::Origin::Round);
        let states: Vec<ReviewState> = snap.snapshot.updates.iter().map(|u| u.state).collect();
        assert!(states.contains(&ReviewState::Approved), "{states:?}");
        assert!(
            snap.snapshot.assignments.len() > snap.snapshot.updates.len(),
            "some institutions did not report"
        );
        let open = store::updates(&app.db, second.id, None)
            .await
            .expect("updates");
        assert!(open.iter().any(|u| u.state.is_received()));
    }
    let again = planmon::monitoring::demo::load(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("idempotent");
    assert_eq!(again, 0);
}
