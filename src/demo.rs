//! Demo data: the two seed plans (official public documents) imported from their text on
//! `serve --demo`, through the same importer a coordinator uses.

use crate::db::Db;
use crate::import::{ImportOptions, load};
use crate::plan::{Plan, store};

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
