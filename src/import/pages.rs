//! Import pages: the spreadsheet template download.

use crate::web::{AppError, AppState};
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/import/template.xlsx", get(template))
}

async fn template() -> Result<Response, AppError> {
    let bytes = super::template::template_xlsx()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"planmon-template.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
