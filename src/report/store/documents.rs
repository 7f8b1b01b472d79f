//! The document of a version: built from its frozen inputs once approved, else from the round
//! as it is now; its bytes in a format (the adopted file as kept, else rendered now).

use super::{Frozen, ReportError, ReportRow, versions, workflow};
use crate::db::Db;
use crate::plan::act::ActKind;
use crate::plan::store::{self as plans, StoreError};
use crate::report::adoption::{Table, kept_document};
use crate::report::amendments::PlanAmendment;
use crate::report::render::{Format, render, render_off_thread};
use crate::report::{Narrative, Report};
use crate::snapshot::store::{self as snapshots, Origin};
use std::collections::BTreeMap;
use std::path::Path;

/// The funding-source names of a plan as the registry knows them.
async fn source_names(db: &Db, plan_id: i64) -> Result<BTreeMap<String, String>, ReportError> {
    let sp = plans::load_plan(db, plan_id).await?;
    Ok(sp
        .map(|sp| {
            sp.sources
                .iter()
                .map(|(written, e)| (written.clone(), e.name.clone()))
                .collect()
        })
        .unwrap_or_default())
}

/// The inputs of a plan's report for `year` as they are now; `None` without a closed round.
pub async fn current_inputs(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Option<Frozen>, ReportError> {
    let all = snapshots::list_snapshots(db, plan_id).await?;
    let Some(stored) = all.iter().find(|s| s.snapshot.year == year) else {
        return Ok(None);
    };
    Ok(Some(Frozen {
        snapshot: stored.snapshot.clone(),
        history: all.iter().map(|s| s.snapshot.clone()).collect(),
        sources: source_names(db, plan_id).await?,
        sample: stored.origin == Origin::Sample,
        amendments: amendments_of(db, plan_id, year).await?,
    }))
}

/// The plan's amendments in force from a day of `year`, oldest first, with their changes.
async fn amendments_of(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Vec<PlanAmendment>, ReportError> {
    let mut out = Vec::new();
    for v in plans::versions(db, plan_id).await?.into_iter().rev() {
        let Some(act) = v.act.as_ref().filter(|a| a.kind == ActKind::Amendment) else {
            continue;
        };
        if !v.effective_from.starts_with(&format!("{year}-")) {
            continue;
        }
        let before = plans::load_version(db, plan_id, v.version - 1).await?;
        let after = plans::load_version(db, plan_id, v.version).await?;
        let changes = match (before, after) {
            (Some(b), Some(a)) => {
                let c = crate::plan::diff::diff(&b, &a).counts;
                format!(
                    "{} нови, {} отпаднали, {} преместени, {} изменени мерки",
                    c.added, c.dropped, c.moved, c.changed
                )
            }
            _ => String::new(),
        };
        out.push(PlanAmendment {
            version: v.version,
            act: act.title_bg(),
            effective_from: v.effective_from.clone(),
            reason: act.reason.clone(),
            changes,
        });
    }
    Ok(out)
}

/// Builds the report of one version: from its frozen inputs once approved, else from the
/// round as it is now.
pub async fn document(db: &Db, row: &ReportRow) -> Result<Report, ReportError> {
    // Read only here: the frozen inputs are large and lists of versions do not need them.
    let frozen: Option<String> =
        sqlx::query_scalar("SELECT frozen FROM annual_reports WHERE id = $1")
            .bind(row.id)
            .fetch_one(&db.pool)
            .await?;
    let inputs = match frozen {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("замразени данни на доклад {}: {e}", row.id))
        })?,
        None => current_inputs(db, row.plan_id, row.year())
            .await?
            .ok_or_else(|| workflow(format!("За {} г. няма приключен отчетен кръг.", row.year)))?,
    };
    Ok(inputs.build(&row.narrative(), row.state_line()))
}

/// The report of a plan for `year` with no stored version: the generated text only.
pub async fn unsaved_document(
    db: &Db,
    plan_id: i64,
    year: i32,
) -> Result<Option<Report>, ReportError> {
    Ok(current_inputs(db, plan_id, year)
        .await?
        .map(|f| f.build(&Narrative::default(), "Проект".into())))
}

/// The bytes of a version in `format`: the adopted file as kept, else rendered now.
pub async fn document_bytes(
    db: &Db,
    data_dir: &Path,
    row: &ReportRow,
    format: Format,
) -> Result<Vec<u8>, ReportError> {
    if row.state().is_adopted()
        && let Some(bytes) = kept_document(db, data_dir, Table::Annual, row.id, format).await?
    {
        return Ok(bytes);
    }
    Ok(render_off_thread(document(db, row).await?, format).await?)
}

/// The report of a plan for `year` in `format` for `planmon report`: the given version, else
/// the newest; the adopted document as kept; without any version, the generated text as a
/// draft. `None` without a closed round.
pub async fn report_bytes(
    db: &Db,
    data_dir: &Path,
    plan_id: i64,
    year: i32,
    version: Option<i64>,
    format: Format,
) -> anyhow::Result<Option<Vec<u8>>> {
    let all = versions(db, plan_id, year).await?;
    let chosen = match version {
        Some(v) => Some(
            all.into_iter()
                .find(|r| r.version == v)
                .ok_or_else(|| anyhow::anyhow!("докладът за {year} г. няма версия {v}"))?,
        ),
        None => all.into_iter().next(),
    };
    match chosen {
        Some(r) => Ok(Some(document_bytes(db, data_dir, &r, format).await?)),
        None => match unsaved_document(db, plan_id, year).await? {
            Some(report) => Ok(Some(render(&report, format)?)),
            None => Ok(None),
        },
    }
}
