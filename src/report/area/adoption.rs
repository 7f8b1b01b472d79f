//! The adoption of a district's or the nation's report, as the municipal report's
//! (`report::store::adoption`): the district or national council's decision with its numbers
//! and date, the decision as a file or a link; the three documents rendered once and kept
//! under `data_dir/reports` by SHA-256 (table `area_report_files`, migration 0017), the
//! decision under `data_dir/decisions`; the version fixed for good. The audit event names the
//! district's (or the nation's) row.

use super::store::{AreaRow, document_of, owner_row};
use crate::audit::{Actor, Event};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::files::{self, accept};
use crate::report::render::{Format, render_document_off_thread};
use crate::report::store::{CouncilAdoption, ReportError, ReportFile, ReportState};
use crate::rollup::store::RollupCache;
use std::collections::BTreeMap;
use std::path::Path;

fn workflow(text: impl Into<String>) -> ReportError {
    ReportError::Workflow(text.into())
}

/// The documents kept for an adopted version.
pub async fn files(db: &Db, report_id: i64) -> Result<Vec<ReportFile>, ReportError> {
    Ok(sqlx::query_as(
        "SELECT format, media_type, size, sha256, path FROM area_report_files \
         WHERE report_id = $1 ORDER BY format",
    )
    .bind(report_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The bytes of a version in `format`: the document kept at adoption, else rendered now.
pub async fn document_bytes(
    db: &Db,
    cache: &RollupCache,
    data_dir: &Path,
    row: &AreaRow,
    format: Format,
) -> Result<Vec<u8>, ReportError> {
    if row.state().is_adopted()
        && let Some(f) = files(db, row.id)
            .await?
            .into_iter()
            .find(|f| f.format == format.extension())
    {
        return Ok(std::fs::read(data_dir.join(&f.path))?);
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
        return Err(workflow(
            "Приема се само одобрен доклад, който още не е приет.",
        ));
    }
    let mut adopted = row.clone();
    adopted.state = ReportState::Adopted.code().into();
    adopted.decision_number = Some(adoption.decision_number.clone());
    adopted.protocol_number = Some(adoption.protocol_number.clone());
    adopted.decision_date = Some(adoption.date.clone());
    let doc = document_of(db, cache, &adopted).await?;
    let mut rendered = Vec::new();
    // Written under temporary names, made permanent once the adoption has committed.
    let mut staged = Vec::new();
    for format in [Format::Html, Format::Docx, Format::Pdf] {
        let bytes = render_document_off_thread(doc.clone(), format).await?;
        let file = files::stage(data_dir, "reports", &bytes)?;
        rendered.push((format, bytes.len(), file.sha256.clone(), file.path.clone()));
        staged.push(file);
    }
    let decision = match &adoption.file {
        Some((name, bytes)) => {
            let media = accept::check_file(name, bytes).map_err(workflow)?;
            let file = files::stage(data_dir, "decisions", bytes)?;
            let d = (
                accept::clean_file_name(name),
                media,
                bytes.len(),
                file.sha256.clone(),
                file.path.clone(),
            );
            staged.push(file);
            Some(d)
        }
        None => None,
    };
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE area_reports SET state = 'adopted', decision_number = $1, \
         protocol_number = $2, decision_date = $3, decision_url = $4, decision_file_name = $5, \
         decision_media_type = $6, decision_size = $7, decision_sha256 = $8, \
         decision_path = $9, adopted_at = $10, adopted_by = $11, updated_at = $10 \
         WHERE id = $12 AND state = 'approved'",
    )
    .bind(&adoption.decision_number)
    .bind(&adoption.protocol_number)
    .bind(&adoption.date)
    .bind(adoption.url.as_deref())
    .bind(decision.as_ref().map(|d| d.0.clone()))
    .bind(decision.as_ref().map(|d| d.1))
    .bind(decision.as_ref().map(|d| d.2 as i64))
    .bind(decision.as_ref().map(|d| d.3.clone()))
    .bind(decision.as_ref().map(|d| d.4.clone()))
    .bind(&now)
    .bind(&actor.label)
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(workflow(
            "Докладът току-що е променен от друг потребител. Презаредете страницата.",
        ));
    }
    for (format, size, sha, path) in &rendered {
        sqlx::query(
            "INSERT INTO area_report_files (report_id, format, media_type, size, sha256, path) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(row.id)
        .bind(format.extension())
        .bind(format.media_type())
        .bind(*size as i64)
        .bind(sha)
        .bind(path)
        .execute(&mut *tx)
        .await?;
    }
    let owner = owner_row(&mut tx, &row.area).await?;
    Event::new(actor.clone(), "area_report.adopt", "area_report", row.id)
        .municipality(owner)
        .before(&serde_json::json!({"state": row.state}))
        .after(&serde_json::json!({
            "state": "adopted",
            "area": row.area,
            "adoption": adoption,
            "decision_sha256": decision.as_ref().map(|d| d.3.clone()),
            "files": rendered.iter().map(|(f, _, sha, _)| (f.extension(), sha.clone())).collect::<BTreeMap<_, _>>(),
        }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    for file in staged {
        file.keep()?;
    }
    Ok(())
}
