//! The editor's forms of a plan's parts above the measures (see [`super::edit_pages`]): a
//! priority's number and title (`/plans/{id}/amend/{draft}/priorities/{p}`) and an objective's
//! number and title (`…/objectives/{p}.{o}`), with errors by field. Nothing is saved as a
//! version here; every change stays in the draft until the review saves it.

use super::draft::objective_at;
use super::edit;
use super::store;
use super::views::{edit_draft, messages};
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/plans/{id}/amend/{draft}/objectives/{at}",
            get(objective_form).post(objective_save),
        )
        .route(
            "/plans/{id}/amend/{draft}/priorities/{p}",
            get(priority_form).post(priority_save),
        )
}

/// A part's form: which part (`kind`: "objective" or "priority", `at` its address), its number
/// and title as shown or typed, and the errors by field.
#[derive(Template)]
#[template(path = "amend/part.html")]
struct PartPage {
    tr: Tr,
    csrf: CsrfToken,
    id: i64,
    title: String,
    draft: i64,
    kind: &'static str,
    at: String,
    number: String,
    name: String,
    feedback: Feedback,
}

impl PartPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.feedback.error(field)
    }

    fn heading(&self) -> &str {
        self.tr.t(if self.kind == "priority" {
            "amend.priority_title"
        } else {
            "amend.objective_title"
        })
    }
}

async fn objective_form(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d, at)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (id, title, row) = edit_draft(&state, &user, &id, &d).await?;
    let (pi, oi) = objective_at(&row.draft.plan, &at)
        .ok_or_else(|| AppError::not_found("Няма такава цел."))?;
    let o = &row.draft.plan.priorities[pi].objectives[oi];
    let page = PartPage {
        number: o.code.clone().unwrap_or_default(),
        name: o.title.clone(),
        kind: "objective",
        tr,
        csrf,
        id,
        title,
        draft: row.id,
        at,
        feedback: Feedback::default(),
    };
    Ok(render(&page)?.into_response())
}

async fn objective_save(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d, at)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (id, title, mut row) = edit_draft(&state, &user, &id, &d).await?;
    let (pi, oi) = objective_at(&row.draft.plan, &at)
        .ok_or_else(|| AppError::not_found("Няма такава цел."))?;
    match edit::read_objective(&fields) {
        Ok((code, name)) => {
            let o = &mut row.draft.plan.priorities[pi].objectives[oi];
            o.code = code;
            o.title = name;
            store::update_draft(&state.db, &row).await?;
            Ok(Redirect::to(&format!("/plans/{id}/amend/{}/edit#o-{at}", row.id)).into_response())
        }
        Err(errors) => {
            let f = edit::Fields(&fields);
            let page = PartPage {
                number: f.get("number").to_string(),
                name: f.get("title").to_string(),
                kind: "objective",
                feedback: messages(&tr, errors),
                tr,
                csrf,
                id,
                title,
                draft: row.id,
                at,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

/// The index a path names, when the draft's plan has that priority.
fn priority_at(plan: &crate::plan::Plan, at: &str) -> Result<usize, AppError> {
    at.parse::<usize>()
        .ok()
        .filter(|p| *p < plan.priorities.len())
        .ok_or_else(|| AppError::not_found("Няма такъв приоритет."))
}

async fn priority_form(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d, at)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (id, title, row) = edit_draft(&state, &user, &id, &d).await?;
    let p = &row.draft.plan.priorities[priority_at(&row.draft.plan, &at)?];
    let page = PartPage {
        number: p.number.map(|n| n.to_string()).unwrap_or_default(),
        name: p.title.clone(),
        kind: "priority",
        tr,
        csrf,
        id,
        title,
        draft: row.id,
        at,
        feedback: Feedback::default(),
    };
    Ok(render(&page)?.into_response())
}

async fn priority_save(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d, at)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (id, title, mut row) = edit_draft(&state, &user, &id, &d).await?;
    let pi = priority_at(&row.draft.plan, &at)?;
    match edit::read_priority(&fields, &row.draft.plan, pi) {
        Ok((number, name)) => {
            let p = &mut row.draft.plan.priorities[pi];
            p.number = number;
            p.title = name;
            store::update_draft(&state.db, &row).await?;
            Ok(Redirect::to(&format!("/plans/{id}/amend/{}/edit#p-{pi}", row.id)).into_response())
        }
        Err(errors) => {
            let f = edit::Fields(&fields);
            let page = PartPage {
                number: f.get("number").to_string(),
                name: f.get("title").to_string(),
                kind: "priority",
                feedback: messages(&tr, errors),
                tr,
                csrf,
                id,
                title,
                draft: row.id,
                at,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}
