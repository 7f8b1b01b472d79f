//! Public pages of responsible institutions: the list, and one institution's measures across
//! all plans.

use super::RegistryKind;
use super::store::{self, EntrySummary};
use crate::i18n::Tr;
use crate::plan::views::{DASH, measure_href, shorten};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/institutions", get(list))
        .route("/institutions/{slug}", get(one))
}

#[derive(Template)]
#[template(path = "registry/institutions.html")]
struct ListPage {
    tr: Tr,
    institutions: Vec<EntrySummary>,
}

async fn list(tr: Tr, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let institutions = store::institutions_in_use(&state.db).await?;
    render(&ListPage { tr, institutions })
}

pub struct MeasureLine {
    pub href: String,
    pub label: String,
    pub headline: String,
    pub period: String,
    pub status: Option<String>,
    pub written_as: String,
}

pub struct PlanGroup {
    pub plan_id: i64,
    pub title: String,
    pub municipality: String,
    pub period: String,
    pub measures: Vec<MeasureLine>,
}

#[derive(Template)]
#[template(path = "registry/institution.html")]
struct InstitutionPage {
    tr: Tr,
    name: String,
    aliases: Vec<String>,
    groups: Vec<PlanGroup>,
    measure_count: usize,
}

async fn one(
    tr: Tr,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let entry = store::institution_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("Няма такава институция."))?;
    let aliases = store::aliases(&state.db, RegistryKind::Institution, entry.id)
        .await?
        .into_iter()
        .filter(|a| *a != entry.name)
        .collect();
    let rows = store::institution_measures(&state.db, entry.id).await?;
    let mut groups: Vec<PlanGroup> = Vec::new();
    let mut measure_count = 0;
    for r in rows {
        if groups.last().is_none_or(|g| g.plan_id != r.plan_id) {
            groups.push(PlanGroup {
                plan_id: r.plan_id,
                title: r.plan_title.clone(),
                municipality: r.municipality.clone(),
                period: tr.period(r.period_from as i32, r.period_to as i32),
                measures: Vec::new(),
            });
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        let href = measure_href(r.plan_id, &r.measure_key);
        if group.measures.iter().any(|m| m.href == href) {
            continue;
        }
        let activities: Vec<String> = serde_json::from_str(&r.activities).unwrap_or_default();
        let tasks: Vec<String> = serde_json::from_str(&r.tasks).unwrap_or_default();
        let headline = activities
            .first()
            .or(tasks.first())
            .cloned()
            .unwrap_or_else(|| r.measure_key.clone());
        measure_count += 1;
        group.measures.push(MeasureLine {
            href,
            label: r.measure_code.clone().unwrap_or_default(),
            headline: shorten(&headline, 160),
            period: r.period_text.clone().unwrap_or_else(|| DASH.into()),
            status: r.status.clone(),
            written_as: r.name_as_written.clone(),
        });
    }
    render(&InstitutionPage {
        tr,
        name: entry.name,
        aliases,
        groups,
        measure_count,
    })
}
