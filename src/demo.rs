//! Demo data: the two seed plans (official public documents) imported from their text on
//! `serve --demo`, through the same importer a coordinator uses.

use crate::db::Db;
use crate::import::{ImportOptions, load};
use crate::plan::{Plan, store};
use crate::snapshot::{sample, store as snapshots};

/// The seed documents shipped with planmon, as (file name, contents).
pub const SEED_DOCUMENTS: [(&str, &[u8]); 2] = [
    (
        "plovdiv-2022-2024.txt",
        include_bytes!("../demo/plovdiv-2022-2024.txt"),
    ),
    (
        "kazanlak-2021-2023.txt",
        include_bytes!("../demo/kazanlak-2021-2023.txt"),
    ),
];

/// The seed plans, imported from their documents.
pub fn seed_plans() -> anyhow::Result<Vec<Plan>> {
    SEED_DOCUMENTS
        .iter()
        .map(|(name, bytes)| {
            load::import_bytes(name, bytes, &ImportOptions::default())?
                .plan
                .ok_or_else(|| anyhow::anyhow!("{name}: {}", load::NO_TABLE))
        })
        .collect()
}

/// Loads the seed plans that are not stored yet; returns the ids of all of them.
pub async fn load(db: &Db) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for plan in seed_plans()? {
        let id = match store::find_plan(db, &plan.municipality, &plan.title, plan.period).await? {
            Some(id) => id,
            None => store::create_plan(db, &plan, Some("демонстрационни данни")).await?,
        };
        ids.push(id);
    }
    Ok(ids)
}

/// Stores a generated sample round for the first year of each plan, unless a round for that
/// year is stored already (a real closed round always wins). Returns how many were stored.
pub async fn load_sample_rounds(db: &Db, plan_ids: &[i64]) -> anyhow::Result<usize> {
    let mut stored = 0;
    for &id in plan_ids {
        let Some(sp) = store::load_plan(db, id).await? else {
            continue;
        };
        let year = sp.plan.period.from;
        // The version in force in that year (a later amendment does not change it).
        let (version, plan) = store::plan_for_year(db, id, year)
            .await?
            .unwrap_or((sp.version, sp.plan.clone()));
        let canonical = |name: &str| {
            sp.institutions
                .get(name)
                .map_or_else(|| name.trim().to_string(), |e| e.name.clone())
        };
        let round = sample::sample_round_with(id, version, &plan, year, &canonical);
        if snapshots::save_sample_snapshot(db, &round).await?.is_some() {
            stored += 1;
        }
    }
    Ok(stored)
}

/// Starts a draft annual report for every closed round of the demo plans that has none, so the
/// report's workflow can be tried at once. Returns how many were started.
pub async fn load_report_drafts(db: &Db, plan_ids: &[i64]) -> anyhow::Result<usize> {
    let mut started = 0;
    for &id in plan_ids {
        for s in snapshots::list_snapshots(db, id).await? {
            let year = s.snapshot.year;
            if crate::report::store::versions(db, id, year)
                .await?
                .is_empty()
            {
                crate::report::store::create(db, id, year, &crate::audit::Actor::system()).await?;
                started += 1;
            }
        }
    }
    Ok(started)
}

/// Takes the first demo plan's report of its earliest closed round (the draft
/// [`load_report_drafts`] started) through approval, adoption and publication, so the portal
/// shows a published report at once. The council decision is a placeholder. Nothing is done when the plan has a published report already.
/// Returns whether one was published.
pub async fn publish_sample_report(
    db: &Db,
    data_dir: &std::path::Path,
    plan_ids: &[i64],
) -> anyhow::Result<bool> {
    use crate::report::adoption::CouncilAdoption;
    use crate::report::store::{self as reports, ReportState};
    let Some(&id) = plan_ids.first() else {
        return Ok(false);
    };
    // The earliest closed round's report (the sample round's, unless a demo round of that
    // year replaced it).
    let Some(s) = snapshots::list_snapshots(db, id).await?.into_iter().next() else {
        return Ok(false);
    };
    let year = s.snapshot.year;
    let actor = crate::audit::Actor::system();
    let versions = reports::versions(db, id, year).await?;
    if versions.iter().any(|r| r.state() == ReportState::Published) {
        return Ok(false);
    }
    let Some(mut row) = versions.into_iter().next() else {
        return Ok(false);
    };
    let reload = |rid: i64| async move {
        reports::get(db, rid)
            .await?
            .ok_or_else(|| anyhow::anyhow!("годишен доклад {rid} липсва"))
    };
    if row.state() == ReportState::Draft {
        reports::submit(db, &row, &actor).await?;
        row = reload(row.id).await?;
    }
    if row.state() == ReportState::Submitted {
        reports::approve(db, &row, "Демонстрационно одобрение.", &actor).await?;
        row = reload(row.id).await?;
    }
    if row.state() == ReportState::Approved {
        let adoption = CouncilAdoption {
            decision_number: "1".into(),
            protocol_number: "1".into(),
            date: format!("{}-03-31", year + 1),
            file: None,
            url: None,
        };
        reports::adopt(db, data_dir, &row, &adoption, &actor).await?;
        row = reload(row.id).await?;
    }
    if row.state() == ReportState::Adopted {
        reports::publish(db, &row, &actor).await?;
        return Ok(true);
    }
    Ok(false)
}
