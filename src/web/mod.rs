//! The web server: shared state, the router, middleware, static files and small pages.

pub mod admin;
pub mod assets;
pub mod auth;
pub mod download;
pub mod error;

use crate::config::Config;
use crate::db::Db;
use crate::i18n::{Lang, Tr};
use crate::plan::store::{PlanCache, StoreError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
pub use error::{ApiError, AppError, parse_id, render};
use serde::Deserialize;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub plans: Arc<PlanCache>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            plans: Arc::new(PlanCache::default()),
        }
    }

    pub async fn plan(
        &self,
        id: i64,
    ) -> Result<Option<Arc<crate::plan::store::StoredPlan>>, StoreError> {
        self.plans.get(&self.db, id).await
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::plan::pages::routes())
        .merge(crate::plan::api::routes())
        .merge(crate::analytics::pages::routes())
        .merge(crate::registry::pages::routes())
        .merge(crate::search::pages::routes())
        .merge(crate::import::pages::routes())
        .merge(crate::monitoring::pages::routes())
        .merge(crate::report::pages::routes())
        .merge(admin::routes())
        .merge(crate::account::pages::routes())
        .merge(crate::audit::pages::routes())
        .route("/healthz", get(healthz))
        .route("/accessibility", get(accessibility))
        .route("/lang/{code}", get(switch_language))
        .route("/static/{*file}", get(assets::serve))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::layer,
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.db.pool)
        .await
    {
        Ok(_) => Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "error", "database": e.to_string()})),
        )
            .into_response(),
    }
}

async fn not_found() -> AppError {
    AppError::not_found("Страницата не съществува.")
}

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
struct AccessibilityPage {
    tr: Tr,
}

async fn accessibility(tr: Tr) -> Result<Html<String>, AppError> {
    render(&AccessibilityPage { tr })
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

/// Sets the interface language and returns to the page the switch was clicked on: the `back`
/// query parameter, else the referring page when it is on this site, else the home page.
async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Back>,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = q
        .back
        .or_else(|| referring_path(&headers))
        // Only local paths, so the switch cannot be used to redirect elsewhere.
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.starts_with("/lang/"))
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

/// The path of the Referer when it points at this host.
fn referring_path(headers: &axum::http::HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path_at = rest.find('/').unwrap_or(rest.len());
    (&rest[..path_at] == host)
        .then(|| rest[path_at..].to_string())
        .filter(|p| !p.is_empty())
}
