//! Reading what a report is built from: the round's snapshot, the plan's other rounds, the
//! registry names of funding sources, and the report's narrative and state.

use super::{Narrative, Report, build};
use crate::db::Db;
use crate::plan::store::{self as plans, StoreError};
use crate::snapshot::store::{self as snapshots, Origin};

/// Builds the report of a plan's round for `year` with the given narrative and state line;
/// `None` when the plan has no closed round for that year.
pub async fn assemble(
    db: &Db,
    plan_id: i64,
    year: i32,
    narrative: &Narrative,
    state_line: String,
) -> Result<Option<Report>, StoreError> {
    let all = snapshots::list_snapshots(db, plan_id).await?;
    let Some(stored) = all.iter().find(|s| s.snapshot.year == year) else {
        return Ok(None);
    };
    let sp = plans::load_plan(db, plan_id).await?;
    let canon = |s: &str| {
        sp.as_ref()
            .and_then(|sp| sp.sources.get(s))
            .map_or_else(|| s.trim().to_string(), |e| e.name.clone())
    };
    let history: Vec<_> = all.iter().map(|s| s.snapshot.clone()).collect();
    Ok(Some(build(
        &stored.snapshot,
        &history,
        narrative,
        state_line,
        stored.origin == Origin::Sample,
        &canon,
    )))
}
