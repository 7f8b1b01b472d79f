//! The one place that wires every module's pages and JSON routes into the application, with
//! the middleware around them. Nothing else imports a `pages` module: page modules stand on
//! `crate::web` and the domain below it, and the router stands on them.

use crate::web::{self, AppError, AppState};
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::plan::pages::routes())
        .merge(crate::plan::api::routes())
        .merge(crate::amend::pages::routes())
        .merge(crate::amend::work_pages::routes())
        .merge(crate::amend::edit_pages::routes())
        .merge(crate::amend::part_pages::routes())
        .merge(crate::amend::api::routes())
        .merge(crate::analytics::pages::routes())
        .merge(crate::registry::pages::routes())
        .merge(crate::search::pages::routes())
        .merge(crate::import::pages::routes())
        .merge(crate::import::review_pages::routes())
        .merge(crate::monitoring::pages::routes())
        .merge(crate::monitoring::confirm_pages::routes())
        .merge(crate::monitoring::update_pages::routes())
        .merge(crate::monitoring::xlsx_pages::routes())
        .merge(crate::report::pages::routes())
        .merge(crate::report::area::pages::routes())
        .merge(crate::report::area::adopt_pages::routes())
        .merge(crate::account::pages::routes())
        .merge(crate::work::pages::routes())
        .merge(crate::account::admin::routes())
        .merge(crate::audit::pages::routes())
        .merge(crate::mail::pages::routes())
        .merge(crate::opendata::pages::routes())
        .merge(crate::rollup::api::routes())
        .merge(crate::overview::pages::routes())
        .merge(crate::overview::staff::routes())
        .merge(crate::levels::pages::routes())
        .merge(crate::levels::parent_pages::routes())
        .merge(crate::levels::mapping_pages::routes())
        .merge(crate::api::docs::routes())
        .merge(crate::api::rounds::routes())
        .merge(crate::api::imports::routes())
        .merge(crate::api::evidence::routes())
        .merge(crate::api::token_pages::routes())
        .merge(crate::api::personal_pages::routes())
        .route("/healthz", get(web::healthz))
        .route("/accessibility", get(web::accessibility))
        .route("/lang/{code}", get(web::switch_language))
        .route("/static/{*file}", get(web::assets::serve))
        .fallback(web::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::auth::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::cache::layer,
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
        .layer(catch_panic())
        .layer(axum::middleware::from_fn(web::refusal::layer))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A panic in any handler becomes the 500 page and an error in the log, never a dropped
/// connection (what the handler had open, such as a transaction, is dropped and rolls back).
pub fn catch_panic() -> CatchPanicLayer<fn(Box<dyn std::any::Any + Send>) -> Response> {
    CatchPanicLayer::custom(|payload: Box<dyn std::any::Any + Send>| {
        let detail = crate::heavy::panic_message(payload.as_ref());
        AppError::Internal(format!("panic: {detail}")).into_response()
    })
}
