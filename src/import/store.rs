//! Import drafts (table `import_drafts`): a file read and recognised, kept until the review saves
//! it as a plan, which deletes the draft in the same transaction, or discards it.

use super::review::{Draft, Target};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::plan::store::{self as plans, StoreError};

pub async fn insert_draft(db: &Db, draft: &Draft) -> Result<i64, StoreError> {
    let body = serde_json::to_string(draft)
        .map_err(|e| StoreError::Corrupt(format!("import_drafts.body: {e}")))?;
    let id = sqlx::query_scalar(
        "INSERT INTO import_drafts (file_name, format, body, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&draft.file_name)
    .bind(draft.format.code())
    .bind(body)
    .bind(now_rfc3339())
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

pub async fn load_draft(db: &Db, id: i64) -> Result<Option<Draft>, StoreError> {
    let body: Option<String> = sqlx::query_scalar("SELECT body FROM import_drafts WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    body.map(|b| {
        serde_json::from_str(&b)
            .map_err(|e| StoreError::Corrupt(format!("import_drafts.body: {e}")))
    })
    .transpose()
}

/// A draft waiting for review, for the list on the upload page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftItem {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    pub created_at: String,
}

pub async fn list_drafts(db: &Db) -> sqlx::Result<Vec<DraftItem>> {
    sqlx::query_as(
        "SELECT id, file_name, format, created_at FROM import_drafts ORDER BY id DESC LIMIT 50",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn delete_draft(db: &Db, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM import_drafts WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// What saving a reviewed draft did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new plan with this id.
    Plan(i64),
    /// Plan `id` has a new version `version`.
    Version { id: i64, version: i64 },
    /// The plan to add a version to does not exist; nothing was stored.
    NoSuchPlan(i64),
    /// The draft is gone (saved or discarded meanwhile); nothing was stored.
    NoSuchDraft,
}

/// Saves the draft's (reviewed) plan as a new plan or a new version and deletes the draft, in
/// one transaction: either all of it is stored or none.
pub async fn save_draft(
    db: &Db,
    id: i64,
    draft: &Draft,
    target: Target,
    actor: crate::audit::Actor,
) -> Result<Saved, StoreError> {
    let mut tx = db.pool.begin().await?;
    let removed = sqlx::query("DELETE FROM import_drafts WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Ok(Saved::NoSuchDraft);
    }
    let note = format!("внесен от файл {} след преглед", draft.file_name);
    let (saved, plan, action) = match target {
        Target::NewPlan => {
            let plan = plans::create_plan_in(&mut tx, &draft.plan, Some(&note)).await?;
            (Saved::Plan(plan), plan, "plan.create")
        }
        Target::NewVersionOf(plan) => {
            match plans::save_version_in(&mut tx, plan, &draft.plan, Some(&note)).await? {
                Some(version) => (
                    Saved::Version { id: plan, version },
                    plan,
                    "plan.new_version",
                ),
                None => return Ok(Saved::NoSuchPlan(plan)),
            }
        }
    };
    let municipality: Option<i64> =
        sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
            .bind(plan)
            .fetch_optional(&mut *tx)
            .await?;
    crate::audit::Event::new(actor, action, "plan", plan)
        .municipality(municipality)
        .after(&serde_json::json!({ "note": note, "title": draft.plan.title }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(saved)
}
