//! The adoption of a district's or the nation's report by its council, kept as every report's
//! (`report::adoption`, table `area_report_files`, migration 0017): the document built with the
//! decision in its state line; the audit event names the district's (or the nation's) row.

use super::store::{AreaRow, document_of};
use crate::audit::Actor;
use crate::db::Db;
use crate::report::adoption::{self, CouncilAdoption, Of, Table};
use crate::report::render::{Format, render_document_off_thread};
use crate::report::store::{ReportError, ReportState};
use crate::rollup::store::RollupCache;
use std::path::Path;

/// The bytes of a version in `format`: the document kept at adoption, else rendered now.
pub async fn document_bytes(
    db: &Db,
    cache: &RollupCache,
    data_dir: &Path,
    row: &AreaRow,
    format: Format,
) -> Result<Vec<u8>, ReportError> {
    if row.state().is_adopted()
        && let Some(bytes) =
            adoption::kept_document(db, data_dir, Table::Area, row.id, format).await?
    {
        return Ok(bytes);
    }
    let doc = document_of(db, cache, row).await?;
    Ok(render_document_off_thread(doc, format).await?)
}

/// Records the council's adoption of an approved version: renders the three documents once,
/// keeps them and the decision file, and fixes the version for good.
pub async fn adopt(
    db: &Db,
    cache: &RollupCache,
    data_dir: &Path,
    row: &AreaRow,
    adoption: &CouncilAdoption,
    actor: &Actor,
) -> Result<(), ReportError> {
    if row.state() != ReportState::Approved {
        return Err(ReportError::Workflow(
            "Приема се само одобрен доклад, който още не е приет.".into(),
        ));
    }
    let mut adopted = row.clone();
    adopted.state = ReportState::Adopted.code().into();
    adopted.decision_number = Some(adoption.decision_number.clone());
    adopted.protocol_number = Some(adoption.protocol_number.clone());
    adopted.decision_date = Some(adoption.date.clone());
    let doc = document_of(db, cache, &adopted).await?;
    let of = Of::Area {
        id: row.id,
        area: &row.area,
    };
    adoption::adopt(db, data_dir, of, &row.state, adoption, actor, |format| {
        render_document_off_thread(doc.clone(), format)
    })
    .await
}
