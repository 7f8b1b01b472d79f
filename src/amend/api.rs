//! The versions API: `/api/v1/plans/{id}/versions`, `/versions/{n}`, `/diff?from=N&to=M`.

use super::versions::{DiffQuery, VersionLoad, diff_of, load_versions, plan_version};
use crate::plan::act::Act;
use crate::plan::diff::{ChangeCounts, PlanDiff};
use crate::web::{ApiError, AppError, AppState, parse_id};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans/{id}/versions", get(versions))
        .route("/api/v1/plans/{id}/versions/{n}", get(version))
        .route("/api/v1/plans/{id}/diff", get(diff))
}

#[derive(Debug, Serialize)]
pub struct VersionJson {
    pub version: i64,
    pub saved_at: String,
    /// ISO date from which this version is in force.
    pub effective_from: String,
    pub note: Option<String>,
    /// The council act that made the version: the adoption for version 1, an amendment later;
    /// null for a correction (and for version 1 when the plan does not state its adoption).
    pub act: Option<Act>,
    /// Where the act's decision file can be downloaded, when it was uploaded.
    pub decision_file: Option<String>,
    /// Changes from the version before (none for version 1).
    pub changes: Option<ChangeCounts>,
    pub url: String,
}

async fn versions(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionJson>>, ApiError> {
    let id = parse_id(&id, "план")?;
    let all = load_versions(&state, id).await?;
    Ok(Json(all.iter().map(|v| version_json(id, v)).collect()))
}

fn version_json(id: i64, v: &VersionLoad) -> VersionJson {
    VersionJson {
        version: v.info.version,
        saved_at: v.info.created_at.clone(),
        effective_from: v.info.effective_from.clone(),
        note: v.info.note.clone(),
        decision_file: v
            .info
            .act
            .as_ref()
            .and_then(|a| a.file.as_ref())
            .map(|_| format!("/plans/{id}/versions/{}/decision", v.info.version)),
        act: v.info.act.clone(),
        changes: v.changes,
        url: format!("/api/v1/plans/{id}/versions/{}", v.info.version),
    }
}

async fn version(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "план")?;
    let n = parse_id(&n, "версия")?;
    let plan = plan_version(&state, id, n).await?;
    let body = serde_json::to_string(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Debug, Serialize)]
pub struct DiffJson {
    pub plan: i64,
    pub from: i64,
    pub to: i64,
    #[serde(flatten)]
    pub diff: PlanDiff,
}

async fn diff(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Json<DiffJson>, ApiError> {
    let id = parse_id(&id, "план")?;
    let (from, to, diff) = diff_of(&state, id, &q).await?;
    Ok(Json(DiffJson {
        plan: id,
        from,
        to,
        diff,
    }))
}
