//! Demo data: the two seed plans (official public documents) loaded on `serve --demo`.

use crate::db::Db;
use crate::plan::format::parse_plan_json;
use crate::plan::store;

/// The seed plans shipped with planmon, as (file name, contents).
pub const SEED_PLANS: [(&str, &str); 2] = [
    (
        "plovdiv-2022-2024.plan.json",
        include_str!("../demo/plovdiv-2022-2024.plan.json"),
    ),
    (
        "kazanlak-2021-2023.plan.json",
        include_str!("../demo/kazanlak-2021-2023.plan.json"),
    ),
];

/// Loads the seed plans that are not stored yet; returns the ids of all of them.
pub async fn load(db: &Db) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for (name, text) in SEED_PLANS {
        let plan = parse_plan_json(text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let id = match store::find_plan(db, &plan.municipality, &plan.title, plan.period).await? {
            Some(id) => id,
            None => store::create_plan(db, &plan, Some("демонстрационни данни")).await?,
        };
        ids.push(id);
    }
    Ok(ids)
}
