//! The district and national reports on the web:
//!
//! - `POST /dashboard/districts/{code}/report`, `POST /dashboard/nation/report`: start the
//!   year's report (from the dashboards);
//! - `/area-reports/{id}`: one version: its state, documents, text and workflow steps for
//!   staff of the district or the nation; a published version for everyone;
//! - `/area-reports/{id}/download/{html|docx|pdf}`: the documents, printed from the shared
//!   blocks;
//! - `/districts/{code}/reports`, `/reports/nation`: the published reports of an area.
//!
//! Adoption, publication and marking districts as not reporting are in `adopt_pages.rs`.
//!
//! Who may do what is `Action::ManageAreaReports` and `Action::ApproveAreaReports` of the
//! district or the nation; unpublished versions are seen by whoever sees its dashboard.

use super::NATION;
use super::store::{self, AreaRow};
use super::views::{acted, area_page, load, visible};
use crate::forms::{Feedback, FieldErrors};
use crate::i18n::Tr;
use crate::policy::{Action, Area};
use crate::report::Narrative;
use crate::report::adoption::{self, AdoptionForm, Table};
use crate::report::render::Format;
use crate::rollup::AREA_SLOTS;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/districts/{code}/report", post(create_district))
        .route("/dashboard/nation/report", post(create_nation))
        .route("/area-reports/{id}", get(show))
        .route("/area-reports/{id}/narrative", post(narrative))
        .route("/area-reports/{id}/approve", post(approve))
        .route("/area-reports/{id}/return", post(send_back))
        .route("/area-reports/{id}/correct", post(correct))
        .route("/area-reports/{id}/download/{format}", get(download))
        .route("/districts/{code}/reports", get(district_reports))
        .route("/reports/nation", get(nation_reports))
}

/// The longest narrative part kept (characters).
const MAX_NARRATIVE: usize = crate::report::store::MAX_NARRATIVE_CHARS;

#[derive(Deserialize)]
struct YearForm {
    year: String,
}

async fn start(
    state: &AppState,
    user: &CurrentUser,
    area: &str,
    year: &str,
) -> Result<Redirect, AppError> {
    let policy_area = if area == NATION {
        Area::Nation
    } else {
        Area::District(area.to_string())
    };
    user.require(&Action::ManageAreaReports(policy_area))?;
    let year = crate::rollup::api::parse_year(year)?;
    if area != NATION
        && crate::rollup::store::district_rollup(&state.db, &state.rollups, year, area)
            .await?
            .is_none()
    {
        return Err(AppError::not_found(format!("Няма област с код „{area}“.")));
    }
    let id = store::create(&state.db, area, year, &user.actor()).await?;
    Ok(Redirect::to(&format!("/area-reports/{id}")))
}

async fn create_district(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<YearForm>,
) -> Result<Redirect, AppError> {
    start(&state, &user, &code, &form.year).await
}

async fn create_nation(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<YearForm>,
) -> Result<Redirect, AppError> {
    start(&state, &user, NATION, &form.year).await
}

async fn show(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let r = visible(&state, user.as_ref(), &id).await?;
    let page = area_page(
        &state,
        tr,
        csrf,
        user.as_ref(),
        r,
        Feedback::default(),
        AdoptionForm::default(),
    )
    .await?;
    render(&page)
}

fn back(id: i64) -> Redirect {
    Redirect::to(&format!("/area-reports/{id}"))
}

async fn narrative(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let r = acted(&state, &user, &id, Action::ManageAreaReports).await?;
    let mut errors = FieldErrors::default();
    let mut n = Narrative::default();
    let mut take = |name: &str| -> String {
        let v = form
            .get(name)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if v.chars().count() > MAX_NARRATIVE {
            errors.add(
                name,
                format!("Текстът е по-дълъг от {MAX_NARRATIVE} знака."),
            );
        }
        v
    };
    n.introduction = take("introduction");
    n.conclusions = take("conclusions");
    n.recommendations = take("recommendations");
    for i in 0..AREA_SLOTS {
        let v = take(&format!("area_{i}"));
        if !v.is_empty() {
            n.priorities.insert(i, v);
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    store::save_narrative(&state.db, &r, &n, &user.actor()).await?;
    // A draft's text: no public page shows it until the report is approved.
    Ok(crate::web::cache::unpublished(back(r.id).into_response()))
}

fn invalid(errors: FieldErrors) -> AppError {
    AppError::Invalid {
        message: "Формулярът има грешки.".into(),
        fields: errors.0.into_iter().map(|e| (e.field, e.message)).collect(),
    }
}

async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    let r = acted(&state, &user, &id, Action::ApproveAreaReports).await?;
    store::approve(&state.db, &state.rollups, &r, &user.actor()).await?;
    Ok(back(r.id))
}

async fn send_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    let r = load(&state, &id).await?;
    let area = r.policy_area();
    if !user.may(&Action::ApproveAreaReports(area.clone())) {
        user.require(&Action::ManageAreaReports(area))?;
    }
    store::send_back(&state.db, &r, &user.actor()).await?;
    Ok(back(r.id))
}

#[derive(Deserialize)]
struct CorrectForm {
    #[serde(default)]
    reason: String,
}

async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CorrectForm>,
) -> Result<Redirect, AppError> {
    let r = acted(&state, &user, &id, Action::ManageAreaReports).await?;
    let new = store::correct(&state.db, &r, &form.reason, &user.actor()).await?;
    Ok(back(new))
}

async fn download(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let r = visible(&state, user.as_ref(), &id).await?;
    if format == "decision" {
        let kept =
            adoption::decision_file(&state.db, &state.config.data_dir, Table::Area, r.id).await?;
        let Some((media, name, bytes)) = kept else {
            return Err(AppError::not_found(
                "Към доклада няма приложен файл на решение.",
            ));
        };
        return Ok(crate::web::download::file(
            &media,
            &name,
            crate::web::download::Disposition::Attachment,
            bytes,
        ));
    }
    let format = Format::parse(&format)
        .ok_or_else(|| AppError::not_found(format!("Няма формат „{format}“.")))?;
    let bytes = super::adoption::document_bytes(
        &state.db,
        &state.rollups,
        &state.config.data_dir,
        &r,
        format,
    )
    .await?;
    let stem = format!(
        "annual-report-{}-{}-v{}",
        r.area.to_lowercase(),
        r.year,
        r.version
    );
    Ok(format.download(&stem, bytes))
}

#[derive(Template)]
#[template(path = "report/area_list.html")]
struct ListPage {
    tr: Tr,
    heading: String,
    back: String,
    reports: Vec<(i64, i64, i64, String)>,
}

fn list(tr: Tr, heading: String, back: String, rows: Vec<AreaRow>) -> ListPage {
    ListPage {
        tr,
        heading,
        back,
        reports: rows
            .into_iter()
            .map(|r| (r.id, r.year, r.version, r.state_line()))
            .collect(),
    }
}

async fn district_reports(
    State(state): State<AppState>,
    tr: Tr,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM districts WHERE code = $1")
        .bind(&code)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(crate::plan::store::StoreError::from)?;
    let name = name.ok_or_else(|| AppError::not_found(format!("Няма област с код „{code}“.")))?;
    let rows = store::published(&state.db, &code).await?;
    render(&list(
        tr,
        format!("{} {}", tr.t("area.reports_of"), tr.place(&name)),
        format!("/districts/{code}"),
        rows,
    ))
}

async fn nation_reports(State(state): State<AppState>, tr: Tr) -> Result<Html<String>, AppError> {
    let rows = store::published(&state.db, NATION).await?;
    render(&list(
        tr,
        tr.t("area.national_reports").to_string(),
        "/".into(),
        rows,
    ))
}
