//! Access to the administration pages until accounts exist: the configured `admin_token`, given
//! as `Authorization: Bearer TOKEN` or by the login form, which keeps it in an HttpOnly,
//! SameSite=Strict cookie limited to `/admin`. The check lives in one extractor, [`Admin`], so
//! the accounts work can replace it by the coordinator role in one place.

use super::{AppError, AppState, render};
use crate::i18n::Tr;
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

/// The cookie that holds the token after the login form.
pub const ADMIN_COOKIE: &str = "planmon_admin";

/// Proof that the request may use the administration pages.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

/// Compares without stopping at the first different byte, so the time taken does not tell how
/// much of a guessed token is right.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i).copied().unwrap_or(0));
    }
    diff == 0
}

fn given_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    bearer.or_else(|| {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == ADMIN_COOKIE)
            .map(|(_, v)| v.to_string())
    })
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // A logged-in administrator (accounts) needs no token.
        if parts
            .extensions
            .get::<super::auth::CurrentUser>()
            .is_some_and(super::auth::CurrentUser::is_admin)
        {
            return Ok(Admin);
        }
        let Some(expected) = state.config.admin_token.as_deref() else {
            return Err(AppError::Forbidden.into_response());
        };
        match given_token(parts) {
            Some(t) if same_secret(&t, expected) => Ok(Admin),
            Some(_) => Err(AppError::Forbidden.into_response()),
            // A browser without the cookie is sent to the login form, and back afterwards.
            None if parts.method == axum::http::Method::GET => {
                let back = parts.uri.path();
                Err(Redirect::to(&format!("/admin/login?back={back}")).into_response())
            }
            None => Err(AppError::Unauthorized.into_response()),
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(login_form).post(login))
        .route("/admin/logout", post(logout))
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    tr: Tr,
    csrf: super::auth::CsrfToken,
    back: String,
    error: Option<&'static str>,
    closed: bool,
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

/// Only paths of the administration, so the form cannot be used to send people elsewhere.
fn safe_back(back: Option<String>) -> String {
    back.filter(|b| b.starts_with("/admin/") && !b.contains("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/admin/import".into())
}

async fn login_form(
    tr: Tr,
    csrf: super::auth::CsrfToken,
    State(state): State<AppState>,
    Query(q): Query<Back>,
) -> Result<Response, AppError> {
    let page = LoginPage {
        tr,
        csrf,
        back: safe_back(q.back),
        error: None,
        closed: state.config.admin_token.is_none(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
    back: Option<String>,
}

async fn login(
    tr: Tr,
    csrf: super::auth::CsrfToken,
    State(state): State<AppState>,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let back = safe_back(form.back);
    let Some(expected) = state.config.admin_token.as_deref() else {
        return Err(AppError::Forbidden);
    };
    if !same_secret(form.token.trim(), expected) {
        let page = LoginPage {
            tr,
            csrf,
            back,
            error: Some("admin.wrong_token"),
            closed: false,
        };
        return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
    }
    let secure = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let cookie = format!(
        "{ADMIN_COOKIE}={}; Path=/admin; HttpOnly; SameSite=Strict{}",
        form.token.trim(),
        if secure { "; Secure" } else { "" }
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}

async fn logout() -> Response {
    let cookie = format!("{ADMIN_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn the_login_form_only_returns_to_administration_pages() {
        assert_eq!(safe_back(Some("/admin/import/3".into())), "/admin/import/3");
        assert_eq!(
            safe_back(Some("https://evil.example/".into())),
            "/admin/import"
        );
        assert_eq!(safe_back(Some("/admin//evil".into())), "/admin/import");
        assert_eq!(safe_back(None), "/admin/import");
    }
}
