//! Personal submission links: a random token per institution and round, stored only as its
//! hash, valid while the round is open and until revoked.

use super::store::{Audit, MonitoringError, RoundRow, record};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::mail::Notice;

/// A link as the coordinator sees it (never with its token).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub round_id: i64,
    pub institution_id: i64,
    pub institution: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Issues a new link for an institution assigned in the round; returns (id, token). The token
/// is shown once and cannot be recovered.
pub async fn create(
    db: &Db,
    round: &RoundRow,
    institution_id: i64,
    audit: impl Audit<i64>,
) -> Result<(i64, String), MonitoringError> {
    issue(db, round, institution_id, None, audit).await
}

/// The reminder to an institution that still owes `missing` reports: a fresh link (returned as
/// [`create`] does) and, in the same transaction, an e-mail to the institution's reporters.
pub async fn remind(
    db: &Db,
    round: &RoundRow,
    institution_id: i64,
    missing: usize,
    audit: impl Audit<i64>,
) -> Result<(i64, String), MonitoringError> {
    let notice = Notice::Reminder {
        round: round.id,
        institution: institution_id,
        missing,
    };
    issue(db, round, institution_id, Some(notice), audit).await
}

async fn issue(
    db: &Db,
    round: &RoundRow,
    institution_id: i64,
    notice: Option<Notice>,
    audit: impl Audit<i64>,
) -> Result<(i64, String), MonitoringError> {
    if !round.is_open() {
        return Err(MonitoringError::Refused(
            "Кръгът е приключен: не се издават нови връзки.".into(),
        ));
    }
    let assigned: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM round_updates WHERE round_id = $1 AND institution_id = $2 LIMIT 1",
    )
    .bind(round.id)
    .bind(institution_id)
    .fetch_optional(&db.pool)
    .await?;
    if assigned.is_none() {
        return Err(MonitoringError::Refused(
            "Тази институция няма мерки за отчитане в кръга.".into(),
        ));
    }
    let token = crate::token::random_token()
        .map_err(|e| MonitoringError::Corrupt(format!("генератор на случайни числа: {e}")))?;
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO submission_links (round_id, institution_id, token_hash, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(round.id)
    .bind(institution_id)
    .bind(crate::token::token_hash(&token))
    .bind(now_rfc3339())
    .fetch_one(&mut *tx)
    .await?;
    if let Some(notice) = &notice {
        crate::mail::queue(&mut tx, notice).await?;
    }
    record(&mut tx, &id, audit).await?;
    tx.commit().await?;
    Ok((id, token))
}

/// Revokes a link of this round; a link of another round is not found.
pub async fn revoke(
    db: &Db,
    round_id: i64,
    link_id: i64,
    audit: impl Audit<i64>,
) -> Result<(), MonitoringError> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE submission_links SET revoked_at = $1 \
         WHERE id = $2 AND round_id = $3 AND revoked_at IS NULL",
    )
    .bind(now_rfc3339())
    .bind(link_id)
    .bind(round_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(MonitoringError::NotFound(
            "Няма такава действаща връзка в този кръг.".into(),
        ));
    }
    record(&mut tx, &link_id, audit).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn of_round(db: &Db, round_id: i64) -> Result<Vec<LinkRow>, MonitoringError> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.round_id, l.institution_id, i.name AS institution, l.created_at, \
         l.revoked_at FROM submission_links l JOIN institutions i ON i.id = l.institution_id \
         WHERE l.round_id = $1 ORDER BY i.name, l.id",
    )
    .bind(round_id)
    .fetch_all(&db.pool)
    .await?)
}

/// What a token opens: (link id, round id, institution id), when the link exists, is not
/// revoked and its round is still open.
pub async fn resolve(db: &Db, token: &str) -> Result<Option<(i64, i64, i64)>, MonitoringError> {
    if !crate::token::looks_valid(token) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT l.id, l.round_id, l.institution_id FROM submission_links l \
         JOIN rounds r ON r.id = l.round_id \
         WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND r.state = 'open'",
    )
    .bind(crate::token::token_hash(token))
    .fetch_optional(&db.pool)
    .await?)
}

/// Why a link that does not resolve stopped working: `Some(year)` of its round when the round
/// is closed, `None` when it was revoked or was never issued.
pub async fn closed_round_of(db: &Db, token: &str) -> Result<Option<i64>, MonitoringError> {
    if !crate::token::looks_valid(token) {
        return Ok(None);
    }
    Ok(sqlx::query_scalar(
        "SELECT r.year FROM submission_links l JOIN rounds r ON r.id = l.round_id \
         WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND r.state <> 'open'",
    )
    .bind(crate::token::token_hash(token))
    .fetch_optional(&db.pool)
    .await?)
}
