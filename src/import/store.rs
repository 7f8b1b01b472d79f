//! Import drafts (table `import_drafts`): a file read and recognised, kept until the review saves
//! it as a plan, which deletes the draft in the same transaction, or discards it.

use super::names::NameChoice;
use super::review::{Draft, Target};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::plan::store::{self as plans, StoreError};
use crate::registry::{self, RegistryKind};
use sqlx::AnyConnection;

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
#[derive(Debug, Clone)]
pub struct DraftItem {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    pub created_at: String,
    /// The municipality of the draft's plan.
    pub municipality: String,
}

/// Only the part of a stored draft the list needs.
#[derive(serde::Deserialize)]
struct DraftHead {
    plan: PlanHead,
}

#[derive(serde::Deserialize)]
struct PlanHead {
    municipality: String,
}

/// The latest 50 drafts.
pub async fn list_drafts(db: &Db) -> sqlx::Result<Vec<DraftItem>> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, file_name, format, created_at, body FROM import_drafts ORDER BY id DESC LIMIT 50",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, file_name, format, created_at, body)| DraftItem {
            id,
            file_name,
            format,
            created_at,
            municipality: serde_json::from_str::<DraftHead>(&body)
                .map(|d| d.plan.municipality)
                .unwrap_or_default(),
        })
        .collect())
}

pub async fn delete_draft(db: &Db, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM import_drafts WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// What saving a reviewed draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new plan with this id.
    Plan(i64),
    /// Plan `id` has a new version `version`.
    Version { id: i64, version: i64 },
    /// The plan to add a version to does not exist; nothing was stored.
    NoSuchPlan(i64),
    /// The draft is gone (saved or discarded meanwhile); nothing was stored.
    NoSuchDraft,
    /// A new name was mapped to a registry entry that does not exist (any more); nothing was
    /// stored.
    NoSuchEntry(String),
}

/// A registry entry a new name can be recorded as a spelling of.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistryEntry {
    pub id: i64,
    pub name: String,
}

/// Every entry of one registry list, by name.
pub async fn registry_entries(db: &Db, kind: RegistryKind) -> sqlx::Result<Vec<RegistryEntry>> {
    let sql = match kind {
        RegistryKind::Institution => "SELECT id, name FROM institutions ORDER BY name",
        RegistryKind::FundingSource => "SELECT id, name FROM funding_sources ORDER BY name",
    };
    sqlx::query_as(sql).fetch_all(&db.pool).await
}

/// Records `name` as a spelling of entry `id` (moving the spelling if it named another entry);
/// false when there is no such entry.
async fn map_name(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    id: i64,
    name: &str,
) -> sqlx::Result<bool> {
    let (exists, update) = match kind {
        RegistryKind::Institution => (
            "SELECT id FROM institutions WHERE id = $1",
            "UPDATE institution_aliases SET institution_id = $1 WHERE key = $2",
        ),
        RegistryKind::FundingSource => (
            "SELECT id FROM funding_sources WHERE id = $1",
            "UPDATE funding_source_aliases SET source_id = $1 WHERE key = $2",
        ),
    };
    let found: Option<i64> = sqlx::query_scalar(exists)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    if found.is_none() {
        return Ok(false);
    }
    match registry::store::find(&mut *conn, kind, name).await? {
        Some(current) if current == id => {}
        Some(_) => {
            sqlx::query(update)
                .bind(id)
                .bind(registry::name_key(name))
                .execute(&mut *conn)
                .await?;
        }
        None => {
            registry::store::add_alias(&mut *conn, kind, id, name).await?;
        }
    }
    Ok(true)
}

/// Saves the draft's (reviewed) plan as a new plan or a new version and deletes the draft, in
/// one transaction: either all of it is stored or none.
///
/// The coordinator's choices for the new names are applied first, in the same transaction: a
/// name mapped to a registry entry becomes a spelling of it (so the plan's measures link to
/// that entry, the name as written kept), a name to add becomes a registry entry of its own.
pub async fn save_draft(
    db: &Db,
    id: i64,
    draft: &Draft,
    (target, act): (Target, Option<&crate::plan::act::Act>),
    names: &[NameChoice],
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
    let mut mapped = Vec::new();
    for choice in names {
        match choice.to {
            None => {
                registry::store::resolve(&mut tx, choice.kind, &choice.name).await?;
            }
            Some(entry) => {
                if !map_name(&mut tx, choice.kind, entry, &choice.name).await? {
                    return Ok(Saved::NoSuchEntry(choice.name.clone()));
                }
                mapped.push((choice, entry));
            }
        }
    }
    let note = format!("внесен от файл {} след преглед", draft.file_name);
    let (saved, plan, action) = match (target, act) {
        (Target::NewPlan, _) => {
            let plan = plans::create_plan_in(&mut tx, &draft.plan, Some(&note)).await?;
            (Saved::Plan(plan), plan, "plan.create")
        }
        (Target::NewVersionOf(plan), Some(act)) => {
            let keys = match draft.plan.source.as_ref().and_then(|s| s.format.as_deref()) {
                Some("json") => crate::plan::keys::KeySource::Kept,
                _ => crate::plan::keys::KeySource::Matched,
            };
            match plans::save_amendment_in(&mut tx, plan, &draft.plan, act, Some(&note), keys)
                .await?
            {
                Some((version, _)) => (Saved::Version { id: plan, version }, plan, "plan.amend"),
                None => return Ok(Saved::NoSuchPlan(plan)),
            }
        }
        (Target::NewVersionOf(plan), None) => {
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
    crate::audit::Event::new(actor.clone(), action, "plan", plan)
        .municipality(municipality)
        .after(&serde_json::json!({ "note": note, "title": draft.plan.title, "act": act }))
        .record(&mut *tx)
        .await?;
    for (choice, entry) in mapped {
        let entity = match choice.kind {
            RegistryKind::Institution => "institution",
            RegistryKind::FundingSource => "funding_source",
        };
        crate::audit::Event::new(actor.clone(), "registry.alias", entity, entry)
            .municipality(municipality)
            .after(&serde_json::json!({ "alias": choice.name, "plan": plan }))
            .record(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(saved)
}
