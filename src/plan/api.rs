//! The JSON API for plans under `/api/v1`, and its part of the OpenAPI document ([`PlanApi`]).

use super::store::{self, PlanListItem};
use super::{Adoption, Measure};
use crate::money::{Currency, Money};
use crate::web::error::ApiQuery;
use crate::web::{ApiError, AppError, AppState, cache};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

/// The plan endpoints in the OpenAPI document (`crate::api::openapi` merges it).
#[derive(OpenApi)]
#[openapi(
    paths(list, one, measure),
    components(schemas(
        PlanSummaryJson,
        PeriodJson,
        CountsJson,
        FinancingJson,
        super::Plan,
        super::Measure
    ))
)]
pub struct PlanApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans", get(list))
        .route("/api/v1/plans/{id}", get(one))
        .route("/api/v1/plans/{id}/measures/{key}", get(measure))
        .route_layer(axum::middleware::from_fn(cache::conditional))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodJson {
    pub from: i32,
    pub to: i32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CountsJson {
    pub priorities: usize,
    pub objectives: usize,
    pub measures: usize,
    pub indicators: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FinancingJson {
    /// Planned amounts summed in BGN (per-unit amounts excluded), exact decimal text.
    pub total_bgn: String,
    /// The same total in EUR at the fixed rate 1.95583.
    pub total_eur: String,
    /// How many amounts were summed.
    pub amounts: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanSummaryJson {
    pub id: i64,
    pub municipality: String,
    pub district: Option<String>,
    pub title: String,
    pub period: PeriodJson,
    pub adoption: Option<Adoption>,
    pub version: i64,
    pub updated_at: String,
    pub counts: CountsJson,
    pub financing: FinancingJson,
    /// The plan's page.
    #[schema(example = "/plans/1")]
    pub url: String,
}

impl From<&PlanListItem> for PlanSummaryJson {
    fn from(p: &PlanListItem) -> Self {
        let s = &p.summary;
        PlanSummaryJson {
            id: p.id,
            municipality: p.municipality.clone(),
            district: p.district.clone(),
            title: p.title.clone(),
            period: PeriodJson {
                from: p.period.from,
                to: p.period.to,
            },
            adoption: p.adoption.clone(),
            version: p.version,
            updated_at: p.updated_at.clone(),
            counts: CountsJson {
                priorities: s.priorities,
                objectives: s.objectives,
                measures: s.measures,
                indicators: s.indicators,
            },
            financing: FinancingJson {
                total_bgn: Money::new(s.planned_bgn_minor, Currency::Bgn).to_decimal_string(),
                total_eur: Money::new(s.planned_eur_minor, Currency::Eur).to_decimal_string(),
                amounts: s.amounts,
            },
            url: format!("/plans/{}", p.id),
        }
    }
}

/// Every plan, with counts and planned money.
#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    summary = "Всички планове / All plans",
    responses(
        (status = 200, description = "Плановете / The plans", body = Vec<PlanSummaryJson>),
        (status = 304, description = "Непроменени / Not modified"),
    )
)]
pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let items = store::list_plans(&state.db).await?;
    let changed = items.iter().map(|p| p.updated_at.as_str()).max();
    let body = Json(items.iter().map(PlanSummaryJson::from).collect::<Vec<_>>());
    Ok(cache::last_modified(body.into_response(), changed))
}

/// `?in_force=YYYY-MM-DD`: the version of the plan in force on that day.
#[derive(Debug, Deserialize)]
pub struct InForceQuery {
    pub in_force: Option<String>,
}

/// The whole plan as planmon plan JSON (the current version).
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    summary = "Един план / One plan",
    params(
        ("id" = i64, Path, description = "Номерът на плана / The plan's id", minimum = 1),
        ("in_force" = Option<String>, Query, description = "Версията в сила на тази дата (ГГГГ-ММ-ДД) / The version in force on this day (YYYY-MM-DD)"),
    ),
    responses(
        (status = 200, description = "Планът / The plan", body = super::Plan),
        (status = 304, description = "Непроменен / Not modified"),
        (status = 400, description = "Невалидна дата / Not a date", body = crate::web::error::ErrorBody),
        (status = 404, description = "Няма такъв план / No such plan", body = crate::web::error::ErrorBody),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<InForceQuery>,
) -> Result<Response, ApiError> {
    if let Some(date) = q.in_force.as_deref().filter(|d| !d.trim().is_empty()) {
        let id = crate::web::parse_id(&id, "план")?;
        let (_, plan) = crate::amend::versions::plan_in_force(&state, id, date).await?;
        let body = serde_json::to_string(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    let sp = state.plan_at(&id).await?;
    let body = sp.memo.get_or_try("api-json", || {
        serde_json::to_string(&sp.plan).map_err(|e| ApiError(AppError::Internal(e.to_string())))
    })?;
    let response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    Ok(cache::last_modified(response, Some(&sp.updated_at)))
}

/// One measure of a plan, by its stable key.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/measures/{key}",
    tag = "plans",
    summary = "Една мярка / One measure",
    params(
        ("id" = i64, Path, description = "Номерът на плана / The plan's id", minimum = 1),
        ("key" = String, Path, description = "Ключът на мярката / The measure's key", example = "m1"),
    ),
    responses(
        (status = 200, description = "Мярката / The measure", body = super::Measure),
        (status = 304, description = "Непроменена / Not modified"),
        (status = 404, description = "Няма такъв план или мярка / No such plan or measure", body = crate::web::error::ErrorBody),
    )
)]
pub async fn measure(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let sp = state.plan_at(&id).await?;
    let m = sp
        .plan
        .measures()
        .find(|m| m.key == key)
        .cloned()
        .ok_or_else(|| ApiError(AppError::not_found(format!("В плана няма мярка „{key}“."))))?;
    Ok(cache::last_modified(
        Json::<Measure>(m).into_response(),
        Some(&sp.updated_at),
    ))
}
