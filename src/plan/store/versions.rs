//! A plan's versions with the council acts that made them, and the version in force on a date
//! or in a year: the one function reporting rounds, pages and the API ask.

use super::StoreError;
use crate::db::Db;
use crate::plan::Plan;
use crate::plan::act::{Act, ActFile, ActKind};

/// One saved version: when it was saved, from when it is in force, the act that made it (none
/// for a correction, or for version 1 when the plan does not state its adoption).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: i64,
    pub created_at: String,
    pub note: Option<String>,
    pub effective_from: String,
    pub act: Option<Act>,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    created_at: String,
    note: Option<String>,
    effective_from: Option<String>,
    kind: Option<String>,
    decision_number: Option<String>,
    protocol_number: Option<String>,
    body: Option<String>,
    decision_date: Option<String>,
    effective_date: Option<String>,
    reason: Option<String>,
    file_name: Option<String>,
    file_media_type: Option<String>,
    file_path: Option<String>,
    file_sha256: Option<String>,
    url: Option<String>,
}

const VERSION_SELECT: &str = "SELECT v.version, v.created_at, v.note, v.effective_from, a.kind, \
    a.decision_number, a.protocol_number, a.body, a.decision_date, a.effective_date, a.reason, \
    a.file_name, a.file_media_type, a.file_path, a.file_sha256, a.url \
    FROM plan_versions v LEFT JOIN council_acts a ON a.plan_id = v.plan_id AND a.version = v.version \
    WHERE v.plan_id = $1";

impl VersionRow {
    fn into_info(self) -> VersionInfo {
        let file = match (self.file_name, self.file_path, self.file_sha256) {
            (Some(name), Some(path), Some(sha256)) => Some(ActFile {
                name,
                media_type: self
                    .file_media_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
                path,
                sha256,
            }),
            _ => None,
        };
        let act = self
            .kind
            .as_deref()
            .and_then(ActKind::from_code)
            .map(|kind| Act {
                kind,
                decision_number: self.decision_number,
                protocol_number: self.protocol_number,
                body: self.body,
                decision_date: self.decision_date,
                effective_date: self.effective_date,
                reason: self.reason.unwrap_or_default(),
                file,
                url: self.url,
            });
        VersionInfo {
            version: self.version,
            created_at: self.created_at,
            note: self.note,
            effective_from: self.effective_from.unwrap_or_default(),
            act,
        }
    }
}

/// Every version of a plan with its act, newest first.
pub async fn versions(db: &Db, id: i64) -> Result<Vec<VersionInfo>, StoreError> {
    let rows: Vec<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VERSION_SELECT} ORDER BY v.version DESC"
    )))
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(VersionRow::into_info).collect())
}

/// One version with its act.
pub async fn version_info(
    db: &Db,
    id: i64,
    version: i64,
) -> Result<Option<VersionInfo>, StoreError> {
    let row: Option<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VERSION_SELECT} AND v.version = $2"
    )))
    .bind(id)
    .bind(version)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(VersionRow::into_info))
}

/// The version of plan `id` in force on `date` (ISO): the one with the latest date of effect
/// on or before it (a correction, saved later with the same date, wins); `None` before the
/// plan's first version takes effect or when there is no such plan.
pub async fn in_force(db: &Db, id: i64, date: &str) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT version FROM plan_versions WHERE plan_id = $1 AND effective_from <= $2 \
         ORDER BY effective_from DESC, version DESC LIMIT 1",
    )
    .bind(id)
    .bind(date)
    .fetch_optional(&db.pool)
    .await?)
}

/// The version a reporting round for `year` works on: the one in force at the end of the
/// year, so a measure added during the year is reported that year and a dropped one is no
/// longer asked for.
pub async fn in_force_in_year(db: &Db, id: i64, year: i32) -> Result<Option<i64>, StoreError> {
    in_force(db, id, &format!("{year:04}-12-31")).await
}

/// The plan as in force on `date`, with its version number.
pub async fn load_in_force(
    db: &Db,
    id: i64,
    date: &str,
) -> Result<Option<(i64, Plan)>, StoreError> {
    let Some(v) = in_force(db, id, date).await? else {
        return Ok(None);
    };
    Ok(super::load_version(db, id, v).await?.map(|p| (v, p)))
}

/// The plan a reporting round for `year` works on and its version: the one in force in the
/// year ([`in_force_in_year`]), or the current one for a year before the plan.
pub async fn plan_for_year(db: &Db, id: i64, year: i32) -> Result<Option<(i64, Plan)>, StoreError> {
    if let Some(v) = in_force_in_year(db, id, year).await?
        && let Some(p) = super::load_version(db, id, v).await?
    {
        return Ok(Some((v, p)));
    }
    Ok(super::load_plan(db, id)
        .await?
        .map(|sp| (sp.version, sp.plan)))
}

/// The stored decision file of a version's act, if it has one.
pub async fn act_file(db: &Db, id: i64, version: i64) -> Result<Option<ActFile>, StoreError> {
    Ok(version_info(db, id, version)
        .await?
        .and_then(|v| v.act)
        .and_then(|a| a.file))
}
