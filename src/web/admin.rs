//! The administration token for scripts: `Authorization: Bearer TOKEN` with the configured
//! `admin_token`. People log in with an account (an administrator needs no token); the token's
//! browser login page is gone. The token is checked once, in the auth layer
//! ([`super::auth::layer`]), where wrong tokens are throttled per address like passwords; the
//! [`Admin`] extractor only reads the outcome.

use super::auth::CurrentUser;
use super::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

/// Proof that the request may use the administration pages.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

/// Put into the request by the auth layer when it carried the right administration token.
#[derive(Debug, Clone, Copy)]
pub struct AdminToken;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = parts.extensions.get::<CurrentUser>();
        if user.is_some_and(CurrentUser::is_admin) || parts.extensions.get::<AdminToken>().is_some()
        {
            return Ok(Admin);
        }
        match user {
            Some(_) => Err(AppError::Forbidden.into_response()),
            // A browser without an account is sent to the login page, and back afterwards.
            None if parts.method == axum::http::Method::GET => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Err(Redirect::to(&format!("/login?{query}")).into_response())
            }
            None => Err(AppError::Unauthorized.into_response()),
        }
    }
}
