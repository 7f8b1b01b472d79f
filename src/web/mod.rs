//! The web edge every page module stands on: the shared state, sign-in and sessions, errors,
//! middleware, static files and a few small pages. The router that wires them all is
//! `crate::server::router`.

pub mod assets;
pub mod auth;
mod bearer;
pub mod cache;
pub mod confirm;
pub mod download;
pub mod error;
pub mod listen;
pub mod refusal;
pub mod upload;

use crate::config::Config;
use crate::db::Db;
use crate::i18n::{Lang, Tr};
use crate::plan::store::{PlanCache, StoreError};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
pub use error::{ApiError, AppError, parse_id, render};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub plans: Arc<PlanCache>,
    /// Public answers kept in memory (off unless the server turns it on).
    pub pages: Arc<cache::ResponseCache>,
    /// Roll-ups up the administrative tree by year.
    pub rollups: Arc<crate::rollup::store::RollupCache>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            plans: Arc::new(PlanCache::default()),
            pages: Arc::new(cache::ResponseCache::default()),
            rollups: Arc::default(),
        }
    }

    pub async fn plan(
        &self,
        id: i64,
    ) -> Result<Option<Arc<crate::plan::store::StoredPlan>>, StoreError> {
        self.plans.get(&self.db, id).await
    }

    /// The plan a path names (`/plans/{id}/…`): 404 for an id that is not a number or names
    /// no plan.
    pub async fn plan_at(&self, id: &str) -> Result<Arc<crate::plan::store::StoredPlan>, AppError> {
        let id = parse_id(id, "план")?;
        self.plan(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма план с номер {id}.")))
    }

    /// Where a plan belongs (its municipality and district), which the policy asks about: 404
    /// for a plan that does not exist.
    pub async fn place_of(&self, plan_id: i64) -> Result<crate::policy::Place, AppError> {
        let place = crate::plan::store::place(&self.db, plan_id).await?;
        place.ok_or_else(|| AppError::not_found(format!("Няма план с номер {plan_id}.")))
    }
}

pub async fn healthz(State(state): State<AppState>) -> Response {
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

pub async fn not_found() -> AppError {
    AppError::not_found("Страницата не съществува.")
}

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
struct AccessibilityPage {
    tr: Tr,
}

pub async fn accessibility(tr: Tr) -> Result<Html<String>, AppError> {
    render(&AccessibilityPage { tr })
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Sets the interface language and returns to the page the switch was clicked on: the `back`
/// query parameter, else the referring page when it is on this site, else the home page.
pub async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Back>,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = q
        .back
        .or_else(|| referring_path(&headers))
        .and_then(|b| local_path(&b))
        .filter(|b| !b.starts_with("/lang/"))
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

/// `candidate` as a path on this site (path and query, re-encoded so it is a valid header
/// value), or `None` when a browser would leave the site following it. The candidate is parsed
/// the way a browser resolves a link (tabs and newlines dropped, a backslash read as `/`), not
/// prefix-checked: `/%5Cevil.example` and `/%09/evil.example`, once decoded, are other sites.
pub fn local_path(candidate: &str) -> Option<String> {
    if !candidate.starts_with('/') {
        return None;
    }
    let base = url::Url::parse("http://planmon.invalid/").ok()?;
    let joined = base.join(candidate).ok()?;
    if joined.origin() != base.origin() || joined.username() != "" || joined.password().is_some() {
        return None;
    }
    Some(match joined.query() {
        Some(q) => format!("{}?{q}", joined.path()),
        None => joined.path().to_string(),
    })
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

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_local() {
        for (given, expected) in [
            ("/plans/1?tab=2", Some("/plans/1?tab=2")),
            ("/", Some("/")),
            ("/a/../b", Some("/b")),
            (
                "/search?q=\u{0440}\u{043e}\u{043c}\u{0438}",
                Some("/search?q=%D1%80%D0%BE%D0%BC%D0%B8"),
            ),
            ("/x\r\nSet-Cookie: a=b", Some("/xSet-Cookie:%20a=b")),
            ("//evil.example/", None),
            ("/\\evil.example", None),
            ("/\t/evil.example", None),
            ("/\n/evil.example", None),
            ("\\/evil.example", None),
            ("https://evil.example/", None),
            ("http://planmon.invalid/x", None),
            ("evil.example", None),
            ("", None),
        ] {
            assert_eq!(local_path(given).as_deref(), expected, "{given:?}");
        }
    }
}
