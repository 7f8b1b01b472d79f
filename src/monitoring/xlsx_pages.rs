//! Spreadsheet template download and upload pages.

use crate::web::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
