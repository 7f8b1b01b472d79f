//! `/plans/{id}/links`: the suggested links of a plan's measures to its parent plan (a
//! municipal plan's district plan, a district plan's national plan), each beside the texts it
//! joins, for the coordinator to confirm or reject; and asking for suggestions again. Allowed
//! by [`Action::DecideLinks`] on the plan's place.

use super::store::{self, LinkRow};
use crate::audit::Actor;
use crate::i18n::Tr;
use crate::plan::Plan;
use crate::policy::Action;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/links", get(page))
        .route("/plans/{id}/links/suggest", post(suggest))
        .route("/plans/{id}/links/{link}", post(decide))
}

pub struct LinkView {
    pub id: i64,
    pub measure: String,
    pub parent: String,
    pub parent_plan: i64,
    pub score: String,
    /// Label key of its state.
    pub state_key: &'static str,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "levels/links.html")]
struct LinksPage {
    tr: Tr,
    csrf: CsrfToken,
    plan_id: i64,
    title: String,
    parent: Option<(i64, String)>,
    links: Vec<LinkView>,
    may_parents: bool,
}

/// A measure's words as the page shows them: its code and first activity.
fn measure_text(plan: &Plan, key: &str) -> String {
    plan.measures()
        .find(|m| m.key == key)
        .map(|m| {
            let what = m
                .activities
                .first()
                .or_else(|| m.tasks.first())
                .cloned()
                .unwrap_or_default();
            match &m.code {
                Some(c) => format!("{c} {what}"),
                None => what,
            }
        })
        .unwrap_or_else(|| key.to_string())
}

fn target_text(parent: Option<&Plan>, l: &LinkRow) -> String {
    let Some(p) = parent else {
        return l.parent_ref.clone();
    };
    if l.parent_kind == "objective" {
        let i: usize = l.parent_ref.parse().unwrap_or(usize::MAX);
        p.priorities
            .iter()
            .flat_map(|pr| &pr.objectives)
            .nth(i)
            .map(|o| o.title.clone())
            .unwrap_or_else(|| l.parent_ref.clone())
    } else {
        measure_text(p, &l.parent_ref)
    }
}

/// The plan (checked to exist), after the policy allowed deciding its links.
async fn allowed(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<std::sync::Arc<crate::plan::store::StoredPlan>, AppError> {
    let sp = state.plan_at(id).await?;
    user.require(&Action::DecideLinks(state.place_of(sp.id).await?))?;
    Ok(sp)
}

/// The plan the plan implements: its district plan, else the national one.
async fn parent_of(state: &AppState, plan_id: i64) -> Result<Option<i64>, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(store::plan_level(&mut conn, plan_id)
        .await?
        .and_then(|l| l.district_plan_id.or(l.national_plan_id)))
}

async fn page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let sp = allowed(&state, &user, &id).await?;
    let rows = store::links(&state.db, sp.id).await?;
    let parent_id = parent_of(&state, sp.id).await?;
    let mut parents: std::collections::HashMap<i64, std::sync::Arc<_>> =
        std::collections::HashMap::new();
    for pid in rows.iter().map(|l| l.parent_plan_id).chain(parent_id) {
        if !parents.contains_key(&pid)
            && let Some(p) = state.plan(pid).await?
        {
            parents.insert(pid, p);
        }
    }
    let links = rows
        .iter()
        .map(|l| {
            let parent = parents.get(&l.parent_plan_id).map(|p| &p.plan);
            LinkView {
                id: l.id,
                measure: measure_text(&sp.plan, &l.measure_key),
                parent: target_text(parent, l),
                parent_plan: l.parent_plan_id,
                score: l
                    .score
                    .map(|s| format!("{:.0} %", s * 100.0))
                    .unwrap_or_default(),
                state_key: match l.state.as_str() {
                    "confirmed" => "links.confirmed",
                    "rejected" => "links.rejected",
                    _ => "links.suggested",
                },
                open: l.state == "suggested",
            }
        })
        .collect();
    render(&LinksPage {
        tr,
        csrf,
        plan_id: sp.id,
        title: sp.plan.title.clone(),
        parent: parent_id.and_then(|pid| parents.get(&pid).map(|p| (pid, p.plan.title.clone()))),
        links,
        may_parents: user.may(&Action::SetParents(state.place_of(sp.id).await?)),
    })
}

#[derive(Deserialize)]
struct Decision {
    decision: String,
}

async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, link)): Path<(String, String)>,
    Form(form): Form<Decision>,
) -> Result<Redirect, AppError> {
    let sp = allowed(&state, &user, &id).await?;
    let link = parse_id(&link, "връзка")?;
    let confirm = match form.decision.as_str() {
        "confirm" => true,
        "reject" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "Непознато решение „{other}“."
            )));
        }
    };
    let mut tx = state.db.pool.begin().await?;
    let done = store::decide(&mut tx, sp.id, link, confirm, Some(user.id), &user.actor()).await?;
    tx.commit().await?;
    if !done {
        return Err(AppError::not_found(format!(
            "Планът няма предложена връзка с номер {link}."
        )));
    }
    Ok(Redirect::to(&format!("/plans/{}/links", sp.id)))
}

async fn suggest(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    let sp = allowed(&state, &user, &id).await?;
    let parent_id = parent_of(&state, sp.id)
        .await?
        .ok_or_else(|| AppError::Conflict("Планът не е свързан с план на по-горно ниво.".into()))?;
    let parent = state
        .plan(parent_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма план с номер {parent_id}.")))?;
    let suggestions = super::suggest(&sp.plan, &parent.plan);
    let actor: Actor = user.actor();
    let mut tx = state.db.pool.begin().await?;
    store::save_suggestions(&mut tx, sp.id, parent_id, &suggestions, &actor).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/plans/{}/links", sp.id)))
}
