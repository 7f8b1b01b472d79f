//! Evidence of updates as stored: a title with a link or a file kept by checksum.

use super::updates::{current, save_in};
use super::{Audit, Result, record};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::monitoring::{State, UpdateInput, WorkflowError};
use crate::snapshot::Evidence;
use sqlx::AnyConnection;

/// A piece of evidence as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: i64,
    pub update_id: i64,
    pub title: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    pub stored_path: Option<String>,
}

impl EvidenceRow {
    pub fn to_snapshot(&self) -> Evidence {
        Evidence {
            title: self.title.clone(),
            url: self.url.clone(),
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size: self.size.and_then(|s| u64::try_from(s).ok()),
            sha256: self.sha256.clone(),
        }
    }
}

/// Adds evidence to an update that can still be edited.
pub async fn add_evidence(
    db: &Db,
    round_id: i64,
    update_id: i64,
    e: &Evidence,
    stored_path: Option<&str>,
    audit: impl Audit<i64>,
) -> Result<i64> {
    let mut tx = db.pool.begin().await?;
    let state = current(&mut tx, round_id, update_id).await?;
    if !state.is_editable() {
        return Err(WorkflowError::Locked("подаден или одобрен").into());
    }
    let id = insert(&mut tx, update_id, e, stored_path).await?;
    record(&mut tx, &id, audit).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves the draft `input` of an update and adds evidence to it, in one transaction with both
/// audit events: the update form's "attach" keeps everything typed beside the file.
#[allow(clippy::too_many_arguments)]
pub async fn save_with_evidence(
    db: &Db,
    round_id: i64,
    update_id: i64,
    input: &UpdateInput,
    actor: &str,
    saved: impl Audit<State>,
    (e, stored_path): (&Evidence, Option<&str>),
    added: impl Audit<i64>,
) -> Result<i64> {
    let mut tx = db.pool.begin().await?;
    let state = save_in(&mut tx, round_id, update_id, input, false, actor).await?;
    record(&mut tx, &state, saved).await?;
    let id = insert(&mut tx, update_id, e, stored_path).await?;
    record(&mut tx, &id, added).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(
    conn: &mut AnyConnection,
    update_id: i64,
    e: &Evidence,
    stored_path: Option<&str>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO update_evidence (update_id, title, url, file_name, media_type, size, sha256, \
         stored_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(update_id)
    .bind(&e.title)
    .bind(&e.url)
    .bind(&e.file_name)
    .bind(&e.media_type)
    .bind(e.size.and_then(|s| i64::try_from(s).ok()))
    .bind(&e.sha256)
    .bind(stored_path)
    .bind(now_rfc3339())
    .fetch_one(&mut *conn)
    .await?)
}

/// Evidence of the round's updates (of one update when given).
pub async fn evidence(db: &Db, round_id: i64, update_id: Option<i64>) -> Result<Vec<EvidenceRow>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.update_id, e.title, e.url, e.file_name, e.media_type, e.size, e.sha256, \
         e.stored_path FROM update_evidence e JOIN round_updates u ON u.id = e.update_id \
         WHERE u.round_id = $1 AND ($2 = 0 OR e.update_id = $2) ORDER BY e.id",
    )
    .bind(round_id)
    .bind(update_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?)
}
