//! What the roll-up datasets read besides the plans and their rounds: the official code of each
//! municipal plan's municipality and the administrative tree in force in each year.

use super::PlanSource;
use super::rollups::{year_rollup, years};
use crate::db::Db;
use crate::plan::store::StoreError;
use crate::rollup::Rollup;
use crate::rollup::store::year_tree;
use std::collections::HashMap;

/// Plan id → the official code of its municipality, for the plans of municipalities (a
/// district's or the nation's own plan is its level's, not added up).
async fn municipal_codes(db: &Db) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.id, mu.code FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE p.level = 'municipal' AND mu.code IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The roll-up of each year in which the plans have a closed round, oldest first.
pub async fn rollups(db: &Db, plans: &[PlanSource<'_>]) -> Result<Vec<Rollup>, StoreError> {
    let years = years(plans);
    if years.is_empty() {
        return Ok(Vec::new());
    }
    let codes = municipal_codes(db).await?;
    let mut out = Vec::with_capacity(years.len());
    for year in years {
        let tree = year_tree(db, year).await?;
        out.push(year_rollup(year, &tree, plans, &codes));
    }
    Ok(out)
}
