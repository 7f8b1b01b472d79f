//! The adoption recorded, for every report: the three documents rendered once and kept under
//! `data_dir/reports` by SHA-256 (tables `annual_report_files`, `area_report_files`), the
//! decision file under `data_dir/decisions`, the version's row fixed for good and the audit
//! event in one transaction; files are staged first and kept only after the commit.

use super::CouncilAdoption;
use crate::audit::{Actor, Event};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::files::{self, accept};
use crate::report::render::{Format, RenderError};
use crate::report::store::{ReportError, ReportFile};
use std::collections::BTreeMap;
use std::path::Path;

/// Where a kind of report keeps its versions and their adopted documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// A municipality's annual report.
    Annual,
    /// A district's or the nation's report.
    Area,
}

impl Table {
    fn reports(self) -> &'static str {
        match self {
            Table::Annual => "annual_reports",
            Table::Area => "area_reports",
        }
    }

    fn files(self) -> &'static str {
        match self {
            Table::Annual => "annual_report_files",
            Table::Area => "area_report_files",
        }
    }
}

/// The version being adopted, with what its audit event names.
pub enum Of<'a> {
    /// A municipality's annual report: `report.adopt`, shown to the municipality.
    Annual { id: i64, municipality: i64 },
    /// A district's or the nation's report: `area_report.adopt`, naming the area's owner row
    /// (`report::area::store::owner_row`).
    Area { id: i64, area: &'a str },
}

impl Of<'_> {
    fn id(&self) -> i64 {
        match self {
            Of::Annual { id, .. } | Of::Area { id, .. } => *id,
        }
    }

    fn table(&self) -> Table {
        match self {
            Of::Annual { .. } => Table::Annual,
            Of::Area { .. } => Table::Area,
        }
    }

    /// The audit event of the adoption, recorded on `conn`'s transaction.
    async fn event(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        mut after: serde_json::Value,
    ) -> Result<Event, ReportError> {
        Ok(match self {
            Of::Annual { id, municipality } => {
                Event::new(actor.clone(), "report.adopt", "annual_report", *id)
                    .municipality(*municipality)
                    .after(&after)
            }
            Of::Area { id, area } => {
                let owner = crate::report::area::store::owner_row(conn, area).await?;
                after["area"] = serde_json::json!(area);
                Event::new(actor.clone(), "area_report.adopt", "area_report", *id)
                    .municipality(owner)
                    .after(&after)
            }
        })
    }
}

/// A document rendered at adoption: (format, size, SHA-256, path under `data_dir`).
type Rendered = (Format, usize, String, String);

/// The decision file as kept: (name, media type, size, SHA-256, path under `data_dir`).
type Decision = (String, &'static str, usize, String, String);

/// Records the council's adoption of the approved version `of` (its state `before`): renders
/// the three documents once with `render`, keeps them and the decision file under `data_dir`,
/// and fixes the version for good. The caller checks the version is approved; a version moved
/// meanwhile is refused.
pub async fn adopt<R, F>(
    db: &Db,
    data_dir: &Path,
    of: Of<'_>,
    before: &str,
    adoption: &CouncilAdoption,
    actor: &Actor,
    render: R,
) -> Result<(), ReportError>
where
    R: Fn(Format) -> F,
    F: Future<Output = Result<Vec<u8>, RenderError>>,
{
    let mut rendered: Vec<Rendered> = Vec::new();
    // Written under temporary names, made permanent once the adoption has committed.
    let mut staged = Vec::new();
    for format in [Format::Html, Format::Docx, Format::Pdf] {
        let bytes = render(format).await?;
        let file = files::stage(data_dir, "reports", &bytes)?;
        rendered.push((format, bytes.len(), file.sha256.clone(), file.path.clone()));
        staged.push(file);
    }
    let decision: Option<Decision> = match &adoption.file {
        Some((name, bytes)) => {
            let media = accept::check_file(name, bytes)
                .map_err(|m| ReportError::Workflow(m.to_string()))?;
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
    let table = of.table();
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET state = 'adopted', decision_number = $1, \
         protocol_number = $2, decision_date = $3, decision_url = $4, decision_file_name = $5, \
         decision_media_type = $6, decision_size = $7, decision_sha256 = $8, \
         decision_path = $9, adopted_at = $10, adopted_by = $11, updated_at = $10 \
         WHERE id = $12 AND state = 'approved'",
        table.reports()
    )))
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
    .bind(of.id())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ReportError::Workflow(
            "Докладът току-що е променен от друг потребител. Презаредете страницата.".into(),
        ));
    }
    for (format, size, sha, path) in &rendered {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {} (report_id, format, media_type, size, sha256, path) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            table.files()
        )))
        .bind(of.id())
        .bind(format.extension())
        .bind(format.media_type())
        .bind(*size as i64)
        .bind(sha)
        .bind(path)
        .execute(&mut *tx)
        .await?;
    }
    let after = serde_json::json!({
        "state": "adopted",
        "adoption": adoption,
        "decision_sha256": decision.as_ref().map(|d| d.3.clone()),
        "files": rendered.iter().map(|(f, _, sha, _)| (f.extension(), sha.clone())).collect::<BTreeMap<_, _>>(),
    });
    of.event(&mut tx, actor, after)
        .await?
        .before(&serde_json::json!({ "state": before }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    for file in staged {
        file.keep()?;
    }
    Ok(())
}

/// The documents kept for an adopted version.
pub async fn files(db: &Db, table: Table, report_id: i64) -> Result<Vec<ReportFile>, ReportError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT format, media_type, size, sha256, path FROM {} \
         WHERE report_id = $1 ORDER BY format",
        table.files()
    )))
    .bind(report_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The document in `format` kept when the version was adopted; `None` if none was kept.
pub async fn kept_document(
    db: &Db,
    data_dir: &Path,
    table: Table,
    report_id: i64,
    format: Format,
) -> Result<Option<Vec<u8>>, ReportError> {
    match files(db, table, report_id)
        .await?
        .into_iter()
        .find(|f| f.format == format.extension())
    {
        Some(f) => Ok(Some(std::fs::read(data_dir.join(&f.path))?)),
        None => Ok(None),
    }
}

/// The decision file of a version as kept: (media type, name as sent, bytes); `None` when the
/// decision was given as a link.
pub async fn decision_file(
    db: &Db,
    data_dir: &Path,
    table: Table,
    report_id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, ReportError> {
    let kept: Option<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT decision_path, decision_file_name, decision_media_type FROM {} \
             WHERE id = $1",
            table.reports()
        )))
        .bind(report_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some((Some(path), Some(name), media)) = kept else {
        return Ok(None);
    };
    let bytes = std::fs::read(data_dir.join(path))?;
    Ok(Some((
        media.unwrap_or_else(|| "application/octet-stream".into()),
        name,
        bytes,
    )))
}
