//! The council's adoption of an approved version of a municipality's report: its document
//! built with the decision in its state line and kept by `report::adoption`.

use super::workflow::Version;
use super::{ReportError, ReportRow, ReportState, document};
use crate::audit::Actor;
use crate::db::Db;
use crate::report::adoption::{self, CouncilAdoption, Of};
use crate::report::render::render_off_thread;
use std::path::Path;

/// Records the council's adoption of an approved version: renders the three documents once,
/// keeps them and the decision file under `data_dir`, and fixes the version for good.
pub async fn adopt(
    db: &Db,
    data_dir: &Path,
    row: &ReportRow,
    adoption: &CouncilAdoption,
    actor: &Actor,
) -> Result<(), ReportError> {
    if row.state() != ReportState::Approved {
        return Err(row.wrong_state());
    }
    let mut adopted = row.clone();
    adopted.state = ReportState::Adopted.code().into();
    adopted.decision_number = Some(adoption.decision_number.clone());
    adopted.protocol_number = Some(adoption.protocol_number.clone());
    adopted.decision_date = Some(adoption.date.clone());
    let report = document(db, &adopted).await?;
    let of = Of::Annual {
        id: row.id,
        municipality: row.municipality_id,
    };
    adoption::adopt(db, data_dir, of, &row.state, adoption, actor, |format| {
        render_off_thread(report.clone(), format)
    })
    .await
}
