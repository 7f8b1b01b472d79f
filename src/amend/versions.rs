//! Versions as pages and the API read them: every version with its counts of changes, one
//! version, the plan in force on a date, the differences between two versions.

use crate::plan::Plan;
use crate::plan::diff::{ChangeCounts, PlanDiff, diff};
use crate::plan::store::{self as plans, VersionInfo};
use crate::web::{AppError, AppState};
use serde::Deserialize;

/// `?from=N&to=M`: the versions to compare.
#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A version with its changes from the one before.
pub struct VersionLoad {
    pub info: VersionInfo,
    pub changes: Option<ChangeCounts>,
}

/// Every version of plan `id`, newest first, each with its counts of changes; 404 without it.
pub async fn load_versions(state: &AppState, id: i64) -> Result<Vec<VersionLoad>, AppError> {
    let infos = plans::versions(&state.db, id).await?;
    if infos.is_empty() {
        return Err(AppError::not_found(format!("Няма план с номер {id}.")));
    }
    let mut docs: Vec<Option<Plan>> = Vec::with_capacity(infos.len());
    for v in &infos {
        docs.push(plans::load_version(&state.db, id, v.version).await?);
    }
    let mut out = Vec::with_capacity(infos.len());
    for (i, info) in infos.into_iter().enumerate() {
        // Newest first: the version before is the next one in the list.
        let changes = match (docs.get(i + 1).and_then(Option::as_ref), &docs[i]) {
            (Some(before), Some(after)) => Some(diff(before, after).counts),
            _ => None,
        };
        out.push(VersionLoad { info, changes });
    }
    Ok(out)
}

/// Version `n` of plan `id` as saved; 404 when there is none.
pub async fn plan_version(state: &AppState, id: i64, n: i64) -> Result<Plan, AppError> {
    plans::load_version(&state.db, id, n)
        .await?
        .ok_or_else(|| AppError::not_found(format!("План {id} няма версия {n}.")))
}

/// The version of plan `id` in force on `date` (YYYY-MM-DD): 400 for a bad date, 404 when the
/// plan was not in force yet.
pub async fn plan_in_force(state: &AppState, id: i64, date: &str) -> Result<(i64, Plan), AppError> {
    let date = date.trim();
    if crate::dates::parse_iso_date(date).is_err() {
        return Err(AppError::BadRequest(format!(
            "„{date}“ не е дата във вида ГГГГ-ММ-ДД (например 2023-06-30)."
        )));
    }
    plans::load_in_force(&state.db, id, date)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!(
                "На {} план {id} още не е в сила.",
                crate::dates::display_bg(date)
            ))
        })
}

fn version_number(text: &Option<String>, what: &str) -> Result<Option<i64>, AppError> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("„{t}“ не е номер на версия ({what})."))),
    }
}

/// The differences between versions `from` (the one before `to` when left out) and `to` (the
/// latest when left out).
pub async fn diff_of(
    state: &AppState,
    id: i64,
    q: &DiffQuery,
) -> Result<(i64, i64, PlanDiff), AppError> {
    let infos = plans::versions(&state.db, id).await?;
    let Some(latest) = infos.first().map(|v| v.version) else {
        return Err(AppError::not_found(format!("Няма план с номер {id}.")));
    };
    let to = version_number(&q.to, "to")?.unwrap_or(latest);
    let from = version_number(&q.from, "from")?.unwrap_or((to - 1).max(1));
    let before = plan_version(state, id, from).await?;
    let after = plan_version(state, id, to).await?;
    Ok((from, to, diff(&before, &after)))
}
