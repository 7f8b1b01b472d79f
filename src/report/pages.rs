//! The annual report on the portal and from the command line.

use super::Narrative;
use super::render::{Format, render};
use super::store::assemble;
use crate::db::Db;

/// The report of a plan's round for `year` in `format`; `None` without such a round.
pub async fn report_bytes(
    db: &Db,
    plan_id: i64,
    year: i32,
    format: Format,
) -> anyhow::Result<Option<Vec<u8>>> {
    let Some(report) = assemble(db, plan_id, year, &Narrative::default(), "Проект".into()).await?
    else {
        return Ok(None);
    };
    Ok(Some(render(&report, format)?))
}
