//! The workspace of one version (`/reports/{rid}`): the narrative, the workflow steps and the
//! history; every step re-shows the page with why when it is refused (409 for the workflow,
//! 422 for fields).

use super::{AdoptionView, FileView, VersionView, file_views, load};
use crate::dates::display_day;
use crate::forms::{Feedback, FieldErrors};
use crate::i18n::Tr;
use crate::policy::Action;
use crate::report::Narrative;
use crate::report::adoption::AdoptionForm;
use crate::report::store::{self, MAX_NARRATIVE_CHARS, ReportError, ReportRow, ReportState};
use crate::snapshot::store as snapshots;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::confirm::{Confirm, Fact, confirmed};
use crate::web::{AppError, AppState, render as render_page};
use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;

/// One narrative field of the form, with the generated text it replaces when left empty.
struct NarrativeField {
    name: String,
    label: String,
    value: String,
    generated: Vec<String>,
}

impl NarrativeField {
    /// The written text as the report will have it, paragraph by paragraph.
    fn paragraphs(&self) -> Vec<String> {
        crate::report::paragraphs(&self.value)
    }
}

struct Step {
    label_key: &'static str,
    at: String,
    by: String,
}

#[derive(Template)]
#[template(path = "report/workspace.html")]
struct WorkspacePage {
    tr: Tr,
    csrf: String,
    r: ReportRow,
    state: ReportState,
    state_line: String,
    rights_manage: bool,
    rights_approve: bool,
    newest: bool,
    fields: Vec<NarrativeField>,
    steps: Vec<Step>,
    adoption: Option<AdoptionView>,
    files: Vec<FileView>,
    versions: Vec<VersionView>,
    feedback: Feedback,
    /// What the last action did ("saved", "submitted", ...), from `?done=`.
    done: Option<String>,
    /// Values typed into the adoption form, kept when it is refused.
    adoption_form: AdoptionForm,
}

impl WorkspacePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.feedback.error(field)
    }
}

/// A logged-in visitor of the workspace: the state, their language, form token and account.
pub(super) struct Visit {
    pub(super) state: AppState,
    pub(super) tr: Tr,
    pub(super) csrf: CsrfToken,
    pub(super) user: CurrentUser,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = CurrentUser::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let csrf = CsrfToken::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Ok(tr) = Tr::from_request_parts(parts, state).await;
        Ok(Visit {
            state: state.clone(),
            tr,
            csrf,
            user,
        })
    }
}

impl Visit {
    /// The report `rid` names.
    pub(super) async fn report(&self, rid: &str) -> Result<ReportRow, AppError> {
        load(&self.state.db, rid).await
    }

    /// 403 unless the policy allows `action`.
    pub(super) fn require(&self, action: &Action) -> Result<(), AppError> {
        self.user.require(action)
    }

    pub(super) fn actor(&self) -> crate::audit::Actor {
        self.user.actor()
    }
}

/// What a refused form brings back to the page.
#[derive(Default)]
pub(super) struct Retry {
    pub(super) narrative: Option<Narrative>,
    pub(super) errors: FieldErrors,
    pub(super) adoption_form: AdoptionForm,
}

async fn workspace_page(v: &Visit, r: ReportRow, retry: Retry) -> Result<WorkspacePage, AppError> {
    let (state, tr, csrf, user) = (&v.state, v.tr, &v.csrf, &v.user);
    let Retry {
        narrative,
        errors,
        adoption_form,
    } = retry;
    let place = r.place();
    user.require(&Action::ViewReports(place.clone()))?;
    let generated = store::unsaved_document(&state.db, r.plan_id, r.year()).await?;
    let narrative = narrative.unwrap_or_else(|| r.narrative());
    let mut fields = vec![NarrativeField {
        name: "introduction".into(),
        label: tr.t("report.introduction").into(),
        value: narrative.introduction.clone(),
        generated: generated
            .as_ref()
            .map(|g| g.introduction.clone())
            .unwrap_or_default(),
    }];
    if let Some(g) = &generated {
        for (i, c) in g.chapters.iter().enumerate() {
            fields.push(NarrativeField {
                name: format!("priority_{i}"),
                label: format!(
                    "{} {}. {}",
                    tr.t("report.priority_summary"),
                    c.number,
                    c.title
                ),
                value: narrative.priorities.get(&i).cloned().unwrap_or_default(),
                generated: c.summary.clone(),
            });
        }
    }
    fields.push(NarrativeField {
        name: "conclusions".into(),
        label: tr.t("report.conclusions").into(),
        value: narrative.conclusions.clone(),
        generated: generated
            .as_ref()
            .map(|g| g.conclusions.clone())
            .unwrap_or_default(),
    });
    fields.push(NarrativeField {
        name: "recommendations".into(),
        label: tr.t("report.recommendations").into(),
        value: narrative.recommendations.clone(),
        generated: generated
            .as_ref()
            .map(|g| g.recommendations.clone())
            .unwrap_or_default(),
    });
    let stamp = |at: &Option<String>| at.as_deref().map(display_day).unwrap_or_default();
    let mut steps = vec![Step {
        label_key: "report.step.created",
        at: stamp(&Some(r.created_at.clone())),
        by: r.created_by.clone(),
    }];
    for (key, at, by) in [
        ("report.step.submitted", &r.submitted_at, &r.submitted_by),
        ("report.step.approved", &r.approved_at, &r.approved_by),
        ("report.step.adopted", &r.adopted_at, &r.adopted_by),
        ("report.step.published", &r.published_at, &r.published_by),
    ] {
        if at.is_some() {
            steps.push(Step {
                label_key: key,
                at: stamp(at),
                by: by.clone().unwrap_or_default(),
            });
        }
    }
    let all = store::versions(&state.db, r.plan_id, r.year()).await?;
    let newest = all.first().is_some_and(|n| n.id == r.id);
    Ok(WorkspacePage {
        tr,
        csrf: csrf.value().to_string(),
        state: r.state(),
        state_line: r.state_line(),
        rights_manage: user.may(&Action::ManageReports(place.clone())),
        rights_approve: user.may(&Action::ApproveReports(place)),
        newest,
        fields,
        steps,
        adoption: AdoptionView::new(&r),
        files: file_views(state, &r).await?,
        versions: all.iter().map(VersionView::new).collect(),
        feedback: Feedback::fields(errors).titled("report.refused"),
        done: None,
        adoption_form,
        r,
    })
}

/// What `?done=` may say after an action.
const DONE: [&str; 8] = [
    "saved",
    "submitted",
    "withdrawn",
    "approved",
    "returned",
    "adopted",
    "published",
    "corrected",
];

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn workspace(
    v: Visit,
    Path(rid): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    let r = v.report(&rid).await?;
    let mut page = workspace_page(&v, r, Retry::default()).await?;
    page.done = q
        .done
        .as_deref()
        .and_then(|d| DONE.contains(&d).then(|| format!("report.done.{d}")));
    render_page(&page)
}

/// Shows the workspace again with what went wrong (409 for the workflow, 422 for fields).
pub(super) async fn refused(
    v: &Visit,
    r: ReportRow,
    retry: Retry,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = workspace_page(v, r, retry).await?;
    Ok((status, Html(page.render()?)).into_response())
}

/// Runs a workflow step; a step that does not fit the state re-shows the page with why.
pub(super) async fn step(
    v: &Visit,
    r: ReportRow,
    done: &str,
    result: Result<(), ReportError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{}?done={done}", r.id)).into_response()),
        Err(ReportError::Workflow(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("", m);
            let retry = Retry {
                errors,
                ..Retry::default()
            };
            refused(v, r, retry, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads the narrative form: `introduction`, `conclusions`, `recommendations`, `priority_N`.
fn narrative_from(form: &HashMap<String, String>, priorities: usize) -> (Narrative, FieldErrors) {
    let mut n = Narrative::default();
    let mut errors = FieldErrors::default();
    for (name, value) in form {
        if value.chars().count() > MAX_NARRATIVE_CHARS {
            errors.add(
                name.clone(),
                format!("Текстът е по-дълъг от {MAX_NARRATIVE_CHARS} знака."),
            );
        }
        let value = value.trim().replace("\r\n", "\n");
        match name.as_str() {
            "introduction" => n.introduction = value,
            "conclusions" => n.conclusions = value,
            "recommendations" => n.recommendations = value,
            other => {
                if let Some(i) = other.strip_prefix("priority_") {
                    match i.parse::<usize>() {
                        Ok(i) if i < priorities => {
                            if !value.is_empty() {
                                n.priorities.insert(i, value);
                            }
                        }
                        _ => errors.add(
                            "",
                            format!("Полето „{other}“ не е приоритетна област на този план."),
                        ),
                    }
                }
            }
        }
    }
    (n, errors)
}

pub(super) async fn save_narrative(
    v: Visit,
    Path(rid): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    // A draft is built from the round as it is now: its plan says which priorities exist.
    let priorities = snapshots::load_snapshot(&v.state.db, r.plan_id, r.year())
        .await?
        .map_or(0, |s| s.snapshot.plan.priorities.len());
    let (narrative, errors) = narrative_from(&form, priorities);
    if !errors.is_empty() {
        let retry = Retry {
            narrative: Some(narrative),
            errors,
            ..Retry::default()
        };
        return refused(&v, r, retry, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = store::save_narrative(&v.state.db, &r, &narrative, &v.actor()).await;
    // A draft's text: no public page shows it until the report is published.
    step(&v, r, "saved", result)
        .await
        .map(crate::web::cache::unpublished)
}

pub(super) async fn submit(v: Visit, Path(rid): Path<String>) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let result = store::submit(&v.state.db, &r, &v.actor()).await;
    step(&v, r, "submitted", result).await
}

pub(super) async fn withdraw(v: Visit, Path(rid): Path<String>) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let result = store::withdraw(&v.state.db, &r, &v.actor()).await;
    step(&v, r, "withdrawn", result).await
}

#[derive(Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

pub(super) async fn approve(
    v: Visit,
    Path(rid): Path<String>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ApproveReports(r.place()))?;
    let result = store::approve(&v.state.db, &r, &form.note, &v.actor()).await;
    step(&v, r, "approved", result).await
}

pub(super) async fn send_back(
    v: Visit,
    Path(rid): Path<String>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ReturnReport {
        place: r.place(),
        approved: r.state() == ReportState::Approved,
    })?;
    let result = store::send_back(&v.state.db, &r, &form.note, &v.actor()).await;
    step(&v, r, "returned", result).await
}

/// The confirmation of publishing: what becomes public, and where.
fn publish_confirm(v: &Visit, r: &ReportRow, unconfirmed: bool) -> Result<Confirm, AppError> {
    let tr = v.tr;
    if r.state() != ReportState::Adopted {
        return Err(AppError::Conflict(
            "Публикува се само приета от общинския съвет версия.".into(),
        ));
    }
    Ok(Confirm {
        tr,
        csrf: v.csrf.value().to_string(),
        title: format!("{} {}", tr.t("report.publish"), r.year),
        name: Some(r.plan_title.clone()),
        effects: vec![
            tr.t("report.publish_hint").to_string(),
            format!(
                "{} /plans/{}/reports/{}",
                tr.t("confirm.publish_where"),
                r.plan_id,
                r.year
            ),
            tr.t("confirm.publish_mail").to_string(),
        ],
        facts: vec![Fact::about(r.state_line(), "")],
        action: format!("/reports/{}/publish", r.id),
        button: tr.t("report.publish").to_string(),
        back: format!("/reports/{}", r.id),
        unconfirmed,
    })
}

pub(super) async fn publish_page(v: Visit, Path(rid): Path<String>) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    publish_confirm(&v, &r, false)?.answer()
}

pub(super) async fn publish(
    v: Visit,
    Path(rid): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    if !confirmed(&f) {
        return publish_confirm(&v, &r, true)?.answer();
    }
    let result = store::publish(&v.state.db, &r, &v.actor()).await;
    step(&v, r, "published", result).await
}

#[derive(Deserialize)]
pub(super) struct CorrectForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn correct(
    v: Visit,
    Path(rid): Path<String>,
    Form(form): Form<CorrectForm>,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    match store::correct(&v.state.db, &r, &form.reason, &v.actor()).await {
        Ok(id) => Ok(Redirect::to(&format!("/reports/{id}?done=corrected")).into_response()),
        Err(e) => step(&v, r, "", Err(e)).await,
    }
}
