//! Storage of frozen rounds: save, load, list, replace a sample by a closed round.

use crate::helpers::{TestApp, sample_plan};
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::{
    Origin, list_snapshots, load_snapshot, save_sample_snapshot, save_snapshot,
};

#[tokio::test]
async fn a_saved_snapshot_loads_back_unchanged() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    let snap = sample_round(id, 1, &plan, 2024);
    let sid = save_snapshot(&app.db.pool, &snap).await.expect("save");
    let loaded = load_snapshot(&app.db, id, 2024)
        .await
        .expect("load")
        .expect("stored");
    assert_eq!(loaded.id, sid);
    assert_eq!(loaded.origin, Origin::Round);
    assert_eq!(loaded.snapshot, snap);
    assert!(
        load_snapshot(&app.db, id, 2025)
            .await
            .expect("load")
            .is_none()
    );
}

#[tokio::test]
async fn a_snapshot_can_be_saved_inside_a_transaction() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    let mut tx = app.db.pool.begin().await.expect("begin");
    save_snapshot(&mut *tx, &sample_round(id, 1, &plan, 2024))
        .await
        .expect("save");
    tx.rollback().await.expect("rollback");
    assert!(
        load_snapshot(&app.db, id, 2024)
            .await
            .expect("load")
            .is_none()
    );
}

#[tokio::test]
async fn a_closed_round_replaces_the_sample_but_a_sample_never_replaces_a_round() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    let sample = sample_round(id, 1, &plan, 2024);
    let first = save_sample_snapshot(&app.db, &sample)
        .await
        .expect("sample");
    assert!(first.is_some());

    let mut closed = sample.clone();
    closed.updates.truncate(1);
    save_snapshot(&app.db.pool, &closed).await.expect("round");
    let again = save_sample_snapshot(&app.db, &sample)
        .await
        .expect("sample");
    assert_eq!(again, None);

    let stored = load_snapshot(&app.db, id, 2024)
        .await
        .expect("load")
        .expect("stored");
    assert_eq!(stored.origin, Origin::Round);
    assert_eq!(stored.snapshot.updates.len(), 1);
}

#[tokio::test]
async fn snapshots_list_by_year() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    for year in [2026, 2024, 2025] {
        save_snapshot(&app.db.pool, &sample_round(id, 1, &plan, year))
            .await
            .expect("save");
    }
    let years: Vec<i32> = list_snapshots(&app.db, id)
        .await
        .expect("list")
        .iter()
        .map(|s| s.snapshot.year)
        .collect();
    assert_eq!(years, [2024, 2025, 2026]);
}

#[tokio::test]
async fn demo_data_holds_a_sample_round_for_the_first_year_of_each_plan() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    let stored = planmon::demo::load_sample_rounds(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("rounds");
    assert_eq!(stored, 2);
    for id in [plovdiv, kazanlak] {
        let all = list_snapshots(&app.db, id).await.expect("list");
        assert_eq!(all.len(), 1);
        let snap = &all[0].snapshot;
        assert_eq!(snap.year, snap.plan.period.from);
        assert_eq!(all[0].origin, Origin::Sample);
    }
    let again = planmon::demo::load_sample_rounds(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("rounds");
    assert_eq!(again, 0);
}
