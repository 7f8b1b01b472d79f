//! The search page: full text with filters by priority area, institution and status.

use super::SearchQuery;
use super::store::{self, Hit, LIMIT};
use crate::i18n::Tr;
use crate::plan::NationalArea;
use crate::plan::views::{measure_href, shorten};
use crate::registry::store::institutions_in_use;
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub status: String,
}

impl SearchParams {
    pub fn query(&self) -> SearchQuery {
        let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        SearchQuery {
            text: self.q.chars().take(200).collect(),
            area: NationalArea::from_code(&self.area),
            institution: non_empty(&self.institution),
            status: non_empty(&self.status),
        }
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct ResultLine {
    pub href: String,
    pub label: String,
    pub headline: String,
    pub municipality: String,
    pub plan_title: String,
    pub plan_href: String,
    pub context: String,
    pub status: Option<String>,
}

#[derive(Template)]
#[template(path = "search/search.html")]
struct SearchPage {
    tr: Tr,
    q: String,
    areas: Vec<Choice>,
    institutions: Vec<Choice>,
    statuses: Vec<Choice>,
    searched: bool,
    results: Vec<ResultLine>,
    truncated: bool,
}

fn line(h: Hit) -> ResultLine {
    let activities: Vec<String> = serde_json::from_str(&h.activities).unwrap_or_default();
    let tasks: Vec<String> = serde_json::from_str(&h.tasks).unwrap_or_default();
    let headline = activities
        .first()
        .or(tasks.first())
        .cloned()
        .unwrap_or_else(|| h.key.clone());
    ResultLine {
        href: measure_href(h.plan_id, &h.key),
        label: h.code.unwrap_or_default(),
        headline: shorten(&headline, 180),
        municipality: h.municipality,
        plan_title: h.plan_title,
        plan_href: format!("/plans/{}", h.plan_id),
        context: format!(
            "{} › {}",
            h.priority_title,
            shorten(&h.objective_title, 100)
        ),
        status: h.status,
    }
}

async fn search(
    tr: Tr,
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Html<String>, AppError> {
    let query = params.query();
    let searched = !query.is_empty();
    let hits = if searched {
        store::search(&state.db, &query).await?
    } else {
        Vec::new()
    };
    let truncated = hits.len() as i64 >= LIMIT;
    let areas = NationalArea::ALL
        .iter()
        .map(|a| Choice {
            value: a.code().into(),
            label: a.title(tr.lang).into(),
            selected: query.area == Some(*a),
        })
        .collect();
    let institutions = institutions_in_use(&state.db)
        .await?
        .into_iter()
        .map(|i| Choice {
            selected: query.institution.as_deref() == Some(i.slug.as_str()),
            value: i.slug,
            label: i.name,
        })
        .collect();
    let statuses = store::statuses(&state.db)
        .await?
        .into_iter()
        .map(|s| Choice {
            selected: query.status.as_deref() == Some(s.as_str()),
            value: s.clone(),
            label: s,
        })
        .collect();
    render(&SearchPage {
        tr,
        q: params.q.clone(),
        areas,
        institutions,
        statuses,
        searched,
        results: hits.into_iter().map(line).collect(),
        truncated,
    })
}
