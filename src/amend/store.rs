//! Saving an amendment: the proposed plan as the next version with its council act and its
//! audit event, in one transaction; the decision file is kept only after it commits. Drafts
//! of amendments being prepared on the web (table `amendment_drafts`).

use super::draft::AmendDraft;
use crate::audit::{Actor, Event};
use crate::db::Db;
use crate::i18n::Msg;
use crate::plan::act::Act;
use crate::plan::diff::{self, PlanDiff};
use crate::plan::keys::{KeySource, carry_keys};
use crate::plan::store::{self as plans, StoreError};
use crate::plan::{Plan, format::parse_plan_json};
use serde_json::json;
use std::collections::BTreeSet;

/// The latest version of a plan and the amended plan with its measure keys settled, ready to
/// be compared and saved.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub plan_id: i64,
    pub base_version: i64,
    pub base: Plan,
    pub proposed: Plan,
}

impl Prepared {
    pub fn diff(&self) -> PlanDiff {
        diff::diff(&self.base, &self.proposed)
    }
}

/// Settles the keys of `proposed` against the plan's latest version; `None` without plan `id`.
pub async fn prepare(
    db: &Db,
    id: i64,
    proposed: &Plan,
    keys: KeySource,
) -> Result<Option<Prepared>, StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT v.version, v.document FROM plan_versions v \
         JOIN plans p ON p.id = v.plan_id AND p.version = v.version WHERE v.plan_id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((base_version, doc)) = row else {
        return Ok(None);
    };
    let base =
        parse_plan_json(&doc).map_err(|e| StoreError::Corrupt(format!("plan_versions: {e}")))?;
    let used: BTreeSet<String> =
        sqlx::query_scalar::<_, String>("SELECT key FROM plan_measure_keys WHERE plan_id = $1")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let mut proposed = proposed.clone();
    carry_keys(&base, &mut proposed, &used, keys);
    Ok(Some(Prepared {
        plan_id: id,
        base_version,
        base,
        proposed,
    }))
}

/// Saves a prepared amendment as the next version made by `act`, with its audit event, in one
/// transaction. Refused (nothing saved) when the plan moved on since it was prepared. The
/// decision file, when there is one, is kept after the commit. Returns the new version.
pub async fn save(
    db: &Db,
    prepared: &Prepared,
    act: &Act,
    actor: Actor,
    note: &str,
    file: Option<crate::files::Staged>,
    draft: Option<i64>,
) -> Result<i64, StoreError> {
    let id = prepared.plan_id;
    let place = plans::place(db, id)
        .await?
        .ok_or_else(|| StoreError::Refused(format!("Няма план с номер {id}.")))?;
    let mut tx = db.pool.begin().await?;
    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM plans WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if current != Some(prepared.base_version) {
        return Err(StoreError::Refused(format!(
            "Планът е променен междувременно (вече е версия {}); подгответе изменението отново.",
            current.unwrap_or_default()
        )));
    }
    let Some((version, _)) = plans::save_amendment_in(
        &mut tx,
        id,
        &prepared.proposed,
        act,
        Some(note),
        KeySource::Kept,
    )
    .await?
    else {
        return Err(StoreError::Refused(format!("Няма план с номер {id}.")));
    };
    let d = prepared.diff();
    Event::new(actor, "plan.amend", "plan", id)
        .municipality(place.municipality)
        .before(&json!({ "version": prepared.base_version, "planned_bgn": d.money_before.bgn }))
        .after(&json!({
            "version": version,
            "act": act,
            "changes": d.counts,
            "planned_bgn": d.money_after.bgn,
        }))
        .record(&mut *tx)
        .await?;
    if let Some(d) = draft {
        sqlx::query("DELETE FROM amendment_drafts WHERE id = $1 AND plan_id = $2")
            .bind(d)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if let Some(f) = file {
        f.keep()
            .map_err(|e| StoreError::Corrupt(format!("решението не е запазено: {e}")))?;
    }
    Ok(version)
}

/// Why `act` cannot make the next version of `plan` (stored as plan `id`): its date of effect
/// before the version in force or after the plan's end (`plan::act::timing`). Asked before
/// saving so the reader sees it in their language; the save checks it again.
pub async fn timing(db: &Db, id: i64, plan: &Plan, act: &Act) -> Result<Option<Msg>, StoreError> {
    let Some(effective) = act
        .effective_date
        .as_deref()
        .or(act.decision_date.as_deref())
    else {
        return Ok(None);
    };
    let Some(latest) = plans::versions(db, id).await?.into_iter().next() else {
        return Ok(None);
    };
    let previous = Some(latest.effective_from)
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| format!("{:04}-01-01", plan.period.from));
    Ok(crate::plan::act::timing(
        effective,
        latest.version,
        &previous,
        plan.period.to,
    ))
}

/// A stored draft: its plan, the version it was made against and its body.
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub id: i64,
    pub plan_id: i64,
    pub base_version: i64,
    pub updated_at: String,
    pub draft: AmendDraft,
}

fn body_of(draft: &AmendDraft) -> Result<String, StoreError> {
    serde_json::to_string(draft)
        .map_err(|e| StoreError::Corrupt(format!("amendment_drafts.body: {e}")))
}

/// Keeps a new draft against version `base_version` of plan `plan_id`; its id.
pub async fn insert_draft(
    db: &Db,
    plan_id: i64,
    base_version: i64,
    user: Option<i64>,
    draft: &AmendDraft,
) -> Result<i64, StoreError> {
    let now = crate::dates::now_rfc3339();
    Ok(sqlx::query_scalar(
        "INSERT INTO amendment_drafts (plan_id, base_version, created_by, created_at, updated_at, body) \
         VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
    )
    .bind(plan_id)
    .bind(base_version)
    .bind(user)
    .bind(now)
    .bind(body_of(draft)?)
    .fetch_one(&db.pool)
    .await?)
}

/// Draft `id` of plan `plan_id`, if it is there.
pub async fn load_draft(db: &Db, plan_id: i64, id: i64) -> Result<Option<DraftRow>, StoreError> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT base_version, updated_at, body FROM amendment_drafts WHERE id = $1 AND plan_id = $2",
    )
    .bind(id)
    .bind(plan_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(base_version, updated_at, body)| {
        let draft = serde_json::from_str(&body)
            .map_err(|e| StoreError::Corrupt(format!("amendment_drafts.body: {e}")))?;
        Ok(DraftRow {
            id,
            plan_id,
            base_version,
            updated_at,
            draft,
        })
    })
    .transpose()
}

pub async fn update_draft(db: &Db, row: &DraftRow) -> Result<(), StoreError> {
    sqlx::query("UPDATE amendment_drafts SET body = $1, updated_at = $2 WHERE id = $3")
        .bind(body_of(&row.draft)?)
        .bind(crate::dates::now_rfc3339())
        .bind(row.id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// An amendment in preparation as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    pub id: i64,
    pub updated_at: String,
    /// Edited in the browser (its way in is the editor), else read from a file (the review).
    pub edit: bool,
    pub file_name: Option<String>,
}

impl DraftSummary {
    /// Where the work on it goes on: the editor for an edit, the review for a file.
    pub fn href(&self, plan_id: i64) -> String {
        if self.edit {
            format!("/plans/{plan_id}/amend/{}/edit", self.id)
        } else {
            format!("/plans/{plan_id}/amend/{}", self.id)
        }
    }
}

/// What a list needs of a draft's body (the rest is skipped).
#[derive(serde::Deserialize)]
struct BodyHead {
    origin: OriginHead,
    #[serde(default)]
    file_name: Option<String>,
}

#[derive(serde::Deserialize)]
struct OriginHead {
    kind: String,
}

/// The drafts of plan `plan_id`, newest first.
pub async fn list_drafts(db: &Db, plan_id: i64) -> Result<Vec<DraftSummary>, StoreError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, updated_at, body FROM amendment_drafts WHERE plan_id = $1 ORDER BY id DESC",
    )
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, updated_at, body)| {
            let head: BodyHead = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("amendment_drafts.body: {e}")))?;
            Ok(DraftSummary {
                id,
                updated_at,
                edit: head.origin.kind == "edit",
                file_name: head.file_name,
            })
        })
        .collect()
}

pub async fn delete_draft(db: &Db, plan_id: i64, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM amendment_drafts WHERE id = $1 AND plan_id = $2")
        .bind(id)
        .bind(plan_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
