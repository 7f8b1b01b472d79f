//! The plan's reports (`/plans/{id}/reports`: the published ones for the public, every version
//! and the start of a new one for staff) and the published report of a year.

use super::{AdoptionView, FileView, VersionView, file_views};
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::policy::Action;
use crate::report::store::{self, ReportError, ReportState};
use crate::snapshot::store as snapshots;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id, render as render_page};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "report/reports.html")]
struct ReportsPage {
    tr: Tr,
    csrf: String,
    plan_id: i64,
    plan_title: String,
    municipality: String,
    staff: bool,
    can_create: bool,
    versions: Vec<VersionView>,
    /// Years with a closed round and no report yet.
    open_years: Vec<i32>,
    feedback: Feedback,
}

async fn reports_page(
    state: &AppState,
    tr: Tr,
    csrf: &CsrfToken,
    user: Option<&CurrentUser>,
    plan_id: &str,
    feedback: Feedback,
) -> Result<ReportsPage, AppError> {
    let plan_id = parse_id(plan_id, "план")?;
    let sp = state
        .plan(plan_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма план с номер „{plan_id}“.")))?;
    let place = state.place_of(plan_id).await?;
    let who = user.map(CurrentUser::principal).unwrap_or_default();
    let staff = who.may(&Action::ViewReports(place.clone()));
    let manage = who.may(&Action::ManageReports(place));
    let all = store::list_for_plan(&state.db, plan_id).await?;
    let open_years = if manage {
        snapshots::snapshot_years(&state.db)
            .await?
            .into_iter()
            .filter(|(p, y)| *p == plan_id && !all.iter().any(|r| r.year == i64::from(*y)))
            .map(|(_, y)| y)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReportsPage {
        tr,
        csrf: csrf.value().to_string(),
        plan_id,
        plan_title: sp.plan.title.clone(),
        municipality: sp.plan.municipality.clone(),
        staff,
        can_create: manage,
        versions: all
            .iter()
            .filter(|r| staff || r.state() == ReportState::Published)
            .map(VersionView::new)
            .collect(),
        open_years,
        feedback,
    })
}

pub(super) async fn plan_reports(
    tr: Tr,
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render_page(&reports_page(&state, tr, &csrf, user.as_ref(), &id, Feedback::default()).await?)
}

#[derive(Deserialize)]
pub(super) struct CreateForm {
    #[serde(default)]
    year: String,
}

pub(super) async fn create(
    tr: Tr,
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let plan_id = parse_id(&id, "план")?;
    user.require(&Action::ManageReports(state.place_of(plan_id).await?))?;
    // A year that is no year is the form's error (422); a year taken or not closed, the state's.
    let (status, result) = match form.year.trim().parse::<i32>() {
        Ok(year) => (
            StatusCode::CONFLICT,
            store::create(&state.db, plan_id, year, &user.actor()).await,
        ),
        Err(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Err(ReportError::Workflow(format!(
                "Година: „{}“ не е година.",
                form.year.trim()
            ))),
        ),
    };
    match result {
        Ok(rid) => Ok(Redirect::to(&format!("/reports/{rid}")).into_response()),
        Err(ReportError::Workflow(m)) => {
            let page =
                reports_page(&state, tr, &csrf, Some(&user), &id, Feedback::message(m)).await?;
            Ok((status, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "report/public.html")]
struct PublicPage {
    tr: Tr,
    plan_id: i64,
    plan_title: String,
    municipality: String,
    year: i64,
    version: i64,
    correction_reason: String,
    adoption: AdoptionView,
    /// The day it was published, in the page's language.
    published: String,
    files: Vec<FileView>,
    /// Earlier published versions (superseded).
    earlier: Vec<VersionView>,
    /// The report itself as a publication (`report::publication`), from the inputs frozen at
    /// approval: the same blocks as its documents.
    publication: String,
}

pub(super) async fn public_report(
    tr: Tr,
    State(state): State<AppState>,
    Path((id, year)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let plan_id = parse_id(&id, "план")?;
    let year: i32 = year
        .parse()
        .map_err(|_| AppError::BadRequest(format!("„{year}“ не е година.")))?;
    let all = store::versions(&state.db, plan_id, year).await?;
    let mut published = all.iter().filter(|r| r.state() == ReportState::Published);
    let Some(current) = published.next() else {
        return Err(AppError::not_found(format!(
            "Годишният доклад за {year} г. още не е публикуван."
        )));
    };
    let adoption = AdoptionView::new(current)
        .ok_or_else(|| AppError::Internal("published report without adoption".into()))?;
    let document = store::document(&state.db, current).await?.document();
    let publication = crate::report::publication::render(&document)?;
    render_page(&PublicPage {
        tr,
        plan_id,
        plan_title: current.plan_title.clone(),
        municipality: current.municipality.clone(),
        year: current.year,
        version: current.version,
        correction_reason: current.correction_reason.clone(),
        adoption,
        published: current
            .published_at
            .as_deref()
            .map(|at| tr.date(at.get(..10).unwrap_or(at)))
            .unwrap_or_default(),
        files: file_views(&state, current).await?,
        earlier: published.map(VersionView::new).collect(),
        publication,
    })
}
