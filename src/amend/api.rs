//! The versions API: `/api/v1/plans/{id}/versions`, `/versions/{n}`, `/diff?from=N&to=M`.

use super::versions::{DiffQuery, VersionLoad, diff_of, load_versions, plan_version};
use crate::plan::act::Act;
use crate::plan::diff::{ChangeCounts, PlanDiff};
use crate::web::error::ApiQuery;
use crate::web::{ApiError, AppError, AppState, parse_id};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::OpenApi;

/// The versions endpoints in the OpenAPI document (`api::openapi`).
#[derive(OpenApi)]
#[openapi(
    paths(versions, version, diff),
    components(schemas(
        VersionJson,
        DiffJson,
        Act,
        crate::plan::act::ActKind,
        crate::plan::act::ActFile,
        ChangeCounts,
        PlanDiff,
        crate::plan::diff::MeasureChange,
        crate::plan::diff::FieldChange,
        crate::plan::diff::ChangeKind,
        crate::plan::diff::Words,
        crate::plan::diff::MoneyTotals
    ))
)]
pub struct AmendApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans/{id}/versions", get(versions))
        .route("/api/v1/plans/{id}/versions/{n}", get(version))
        .route("/api/v1/plans/{id}/diff", get(diff))
        .route_layer(axum::middleware::from_fn(crate::web::cache::conditional))
}

/// A version of a plan with the council act that made it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
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

/// Every version of the plan with its act, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/versions",
    tag = "plans",
    summary = "Версиите на плана / The plan's versions",
    params(("id" = i64, Path, description = "Номерът на плана / The plan's id", minimum = 1)),
    responses(
        (status = 200, description = "Версиите с актовете им, от най-новата / The versions with their acts, newest first", body = Vec<VersionJson>),
        (status = 304, description = "Непроменени / Not modified"),
        (status = 404, description = "Няма такъв план / No such plan", body = crate::web::error::ErrorBody),
    )
)]
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

/// The plan as it was saved in version `n` (planmon plan JSON).
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/versions/{n}",
    tag = "plans",
    summary = "Една версия на плана / One version of the plan",
    params(
        ("id" = i64, Path, description = "Номерът на плана / The plan's id", minimum = 1),
        ("n" = i64, Path, description = "Номерът на версията / The version's number", minimum = 1),
    ),
    responses(
        (status = 200, description = "Планът в тази версия / The plan in this version", body = crate::plan::Plan),
        (status = 304, description = "Непроменен / Not modified"),
        (status = 404, description = "Няма такъв план или версия / No such plan or version", body = crate::web::error::ErrorBody),
    )
)]
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

/// The changes between two versions of a plan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DiffJson {
    pub plan: i64,
    pub from: i64,
    pub to: i64,
    #[serde(flatten)]
    pub diff: PlanDiff,
}

/// The changes from version `from` (the one before `to` when left out) to version `to` (the
/// latest when left out), measure by measure.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/diff",
    tag = "plans",
    summary = "Промените между две версии / The changes between two versions",
    params(
        ("id" = i64, Path, description = "Номерът на плана / The plan's id", minimum = 1),
        ("from" = Option<i64>, Query, description = "По-ранната версия (по подразбиране предходната на to) / The earlier version (default: the one before to)", minimum = 1),
        ("to" = Option<i64>, Query, description = "По-късната версия (по подразбиране последната) / The later version (default: the latest)", minimum = 1),
    ),
    responses(
        (status = 200, description = "Промените / The changes", body = DiffJson),
        (status = 304, description = "Непроменени / Not modified"),
        (status = 400, description = "Невалиден номер на версия / Not a version number", body = crate::web::error::ErrorBody),
        (status = 404, description = "Няма такъв план или версия / No such plan or version", body = crate::web::error::ErrorBody),
    )
)]
async fn diff(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DiffQuery>,
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
