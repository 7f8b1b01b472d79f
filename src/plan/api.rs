//! The JSON API for plans under `/api/v1`.

use super::store::{self, PlanListItem};
use super::{Adoption, Measure};
use crate::money::{Currency, Money};
use crate::web::{ApiError, AppError, AppState};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans", get(list))
        .route("/api/v1/plans/{id}", get(one))
        .route("/api/v1/plans/{id}/measures/{key}", get(measure))
}

#[derive(Debug, Serialize)]
pub struct PeriodJson {
    pub from: i32,
    pub to: i32,
}

#[derive(Debug, Serialize)]
pub struct CountsJson {
    pub priorities: usize,
    pub objectives: usize,
    pub measures: usize,
    pub indicators: usize,
}

#[derive(Debug, Serialize)]
pub struct FinancingJson {
    /// Planned amounts summed in BGN (per-unit amounts excluded), exact decimal text.
    pub total_bgn: String,
    /// The same total in EUR at the fixed rate 1.95583.
    pub total_eur: String,
    /// How many amounts were summed.
    pub amounts: usize,
}

#[derive(Debug, Serialize)]
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

async fn list(State(state): State<AppState>) -> Result<Json<Vec<PlanSummaryJson>>, ApiError> {
    let items = store::list_plans(&state.db).await?;
    Ok(Json(items.iter().map(PlanSummaryJson::from).collect()))
}

/// `?in_force=YYYY-MM-DD`: the version of the plan in force on that day.
#[derive(Debug, Deserialize)]
pub struct InForceQuery {
    pub in_force: Option<String>,
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<InForceQuery>,
) -> Result<Response, ApiError> {
    if let Some(date) = q.in_force.as_deref() {
        let id = crate::web::parse_id(&id, "план")?;
        let (_, plan) = crate::amend::versions::plan_in_force(&state, id, date).await?;
        let body = serde_json::to_string(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    let sp = state.plan_at(&id).await?;
    let body = sp.memo.get_or_try("api-json", || {
        serde_json::to_string(&sp.plan).map_err(|e| ApiError(AppError::Internal(e.to_string())))
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn measure(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
) -> Result<Json<Measure>, ApiError> {
    let sp = state.plan_at(&id).await?;
    sp.plan
        .measures()
        .find(|m| m.key == key)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError(AppError::not_found(format!("В плана няма мярка „{key}“."))))
}
