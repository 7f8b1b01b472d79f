//! The annual report on the portal and in the coordinator's workspace, and from the command
//! line.
//!
//! - `/plans/{id}/reports`: the plan's reports (the public sees the published ones; the
//!   coordinator and the monitoring body see every version and can start a report for a year
//!   with a closed round);
//! - `/plans/{id}/reports/{year}`: the published report of a year with its adoption;
//! - `/reports/{rid}`: the workspace of one version: narrative, workflow, history;
//! - `/reports/{rid}/download/{html|docx|pdf|decision}`: the documents.

use super::Narrative;
use super::render::{Format, render};
use super::store::{
    self, CouncilAdoption, MAX_NARRATIVE_CHARS, ReportError, ReportRow, ReportState,
};
use crate::dates::{display_bg, display_day, parse_iso_date};
use crate::db::Db;
use crate::i18n::Tr;
use crate::monitoring::evidence;
use crate::monitoring::input::FieldErrors;
use crate::monitoring::views::place_of;
use crate::policy::Action;
use crate::snapshot::store as snapshots;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::download::{self, Disposition};
use crate::web::{AppError, AppState, parse_id, render as render_page};
use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;

/// Largest upload of the adoption form (the council decision file and the other fields).
const ADOPTION_UPLOAD_LIMIT: usize = evidence::MAX_EVIDENCE_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/reports", get(plan_reports).post(create))
        .route("/plans/{id}/reports/{year}", get(public_report))
        .route("/reports/{rid}", get(workspace))
        .route("/reports/{rid}/narrative", post(save_narrative))
        .route("/reports/{rid}/submit", post(submit))
        .route("/reports/{rid}/withdraw", post(withdraw))
        .route("/reports/{rid}/approve", post(approve))
        .route("/reports/{rid}/return", post(send_back))
        .route(
            "/reports/{rid}/adopt",
            post(adopt).layer(DefaultBodyLimit::max(ADOPTION_UPLOAD_LIMIT)),
        )
        .route("/reports/{rid}/publish", post(publish))
        .route("/reports/{rid}/correct", post(correct))
        .route("/reports/{rid}/download/{what}", get(download))
}

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> AppError {
        match e {
            ReportError::Workflow(m) => AppError::Conflict(m),
            ReportError::Store(s) => s.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}

async fn load(db: &Db, rid: &str) -> Result<ReportRow, AppError> {
    let id = parse_id(rid, "доклад")?;
    store::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма доклад с номер „{id}“.")))
}

// ---------------------------------------------------------------------------------------------
// The plan's reports

/// One version in a list.
struct VersionView {
    id: i64,
    year: i64,
    version: i64,
    state: ReportState,
    state_line: String,
    public: bool,
}

impl VersionView {
    fn new(r: &ReportRow) -> VersionView {
        VersionView {
            id: r.id,
            year: r.year,
            version: r.version,
            state: r.state(),
            state_line: r.state_line(),
            public: r.state() == ReportState::Published,
        }
    }
}

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
    error: Option<String>,
}

async fn reports_page(
    state: &AppState,
    tr: Tr,
    csrf: &CsrfToken,
    user: Option<&CurrentUser>,
    plan_id: &str,
    error: Option<String>,
) -> Result<ReportsPage, AppError> {
    let plan_id = parse_id(plan_id, "план")?;
    let sp = state
        .plan(plan_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма план с номер „{plan_id}“.")))?;
    let place = place_of(state, plan_id).await?;
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
        error,
    })
}

async fn plan_reports(
    tr: Tr,
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render_page(&reports_page(&state, tr, &csrf, user.as_ref(), &id, None).await?)
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    year: String,
}

async fn create(
    tr: Tr,
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let plan_id = parse_id(&id, "план")?;
    user.require(&Action::ManageReports(place_of(&state, plan_id).await?))?;
    let result = match form.year.trim().parse::<i32>() {
        Ok(year) => store::create(&state.db, plan_id, year, &user.actor()).await,
        Err(_) => Err(ReportError::Workflow(format!(
            "Година: „{}“ не е година.",
            form.year.trim()
        ))),
    };
    match result {
        Ok(rid) => Ok(Redirect::to(&format!("/reports/{rid}")).into_response()),
        Err(ReportError::Workflow(m)) => {
            let page = reports_page(&state, tr, &csrf, Some(&user), &id, Some(m)).await?;
            Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The public page of a year's report

struct FileView {
    label: &'static str,
    href: String,
    size: String,
    sha256: String,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The adoption of a version, as shown.
struct AdoptionView {
    decision: String,
    decision_file: Option<FileView>,
    decision_url: Option<String>,
    published: String,
}

impl AdoptionView {
    fn new(r: &ReportRow) -> Option<AdoptionView> {
        if !r.state().is_adopted() {
            return None;
        }
        Some(AdoptionView {
            decision: format!(
                "Решение № {} по Протокол № {} от {} на Общински съвет – {}",
                r.decision_number.as_deref().unwrap_or(""),
                r.protocol_number.as_deref().unwrap_or(""),
                display_bg(r.decision_date.as_deref().unwrap_or("")),
                r.municipality
            ),
            decision_file: r.decision_sha256.as_ref().map(|sha| FileView {
                label: "decision",
                href: format!("/reports/{}/download/decision", r.id),
                size: size_text(r.decision_size.unwrap_or_default()),
                sha256: sha.clone(),
            }),
            decision_url: r.decision_url.clone(),
            published: r
                .published_at
                .as_deref()
                .map(display_day)
                .unwrap_or_default(),
        })
    }
}

async fn file_views(state: &AppState, r: &ReportRow) -> Result<Vec<FileView>, AppError> {
    let mut files = store::files(&state.db, r.id).await?;
    // The PDF first: it is what councils and readers usually open.
    files.sort_by_key(|f| ["pdf", "docx", "html"].iter().position(|x| *x == f.format));
    Ok(files
        .into_iter()
        .map(|f| FileView {
            label: match f.format.as_str() {
                "html" => "HTML",
                "docx" => "DOCX (Word)",
                _ => "PDF",
            },
            href: format!("/reports/{}/download/{}", r.id, f.format),
            size: size_text(f.size),
            sha256: f.sha256,
        })
        .collect())
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
    files: Vec<FileView>,
    /// Earlier published versions (superseded).
    earlier: Vec<VersionView>,
}

async fn public_report(
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
    render_page(&PublicPage {
        tr,
        plan_id,
        plan_title: current.plan_title.clone(),
        municipality: current.municipality.clone(),
        year: current.year,
        version: current.version,
        correction_reason: current.correction_reason.clone(),
        adoption,
        files: file_views(&state, current).await?,
        earlier: published.map(VersionView::new).collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// The workspace of one version

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
        super::paragraphs(&self.value)
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
    errors: FieldErrors,
    /// What the last action did ("saved", "submitted", ...), from `?done=`.
    done: Option<String>,
    /// Values typed into the adoption form, kept when it is refused.
    adoption_form: AdoptionForm,
}

impl WorkspacePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

#[derive(Debug, Clone, Default)]
struct AdoptionForm {
    decision_number: String,
    protocol_number: String,
    date: String,
    url: String,
}

/// A logged-in visitor of the workspace: the state, their language, form token and account.
struct Visit {
    state: AppState,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
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
    async fn report(&self, rid: &str) -> Result<ReportRow, AppError> {
        load(&self.state.db, rid).await
    }

    /// 403 unless the policy allows `action`.
    fn require(&self, action: &Action) -> Result<(), AppError> {
        self.user.require(action)
    }

    fn actor(&self) -> crate::audit::Actor {
        self.user.actor()
    }
}

/// What a refused form brings back to the page.
#[derive(Default)]
struct Retry {
    narrative: Option<Narrative>,
    errors: FieldErrors,
    adoption_form: AdoptionForm,
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
        errors,
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
struct DoneQuery {
    done: Option<String>,
}

async fn workspace(
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
async fn refused(
    v: &Visit,
    r: ReportRow,
    retry: Retry,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = workspace_page(v, r, retry).await?;
    Ok((status, Html(page.render()?)).into_response())
}

/// Runs a workflow step; a step that does not fit the state re-shows the page with why.
async fn step(
    v: &Visit,
    r: ReportRow,
    done: &str,
    result: Result<(), ReportError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{}?done={done}", r.id)).into_response()),
        Err(ReportError::Workflow(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("workflow", m);
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
                            "workflow",
                            format!("Полето „{other}“ не е приоритетна област на този план."),
                        ),
                    }
                }
            }
        }
    }
    (n, errors)
}

async fn save_narrative(
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
    step(&v, r, "saved", result).await
}

async fn submit(v: Visit, Path(rid): Path<String>) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let result = store::submit(&v.state.db, &r, &v.actor()).await;
    step(&v, r, "submitted", result).await
}

async fn withdraw(v: Visit, Path(rid): Path<String>) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let result = store::withdraw(&v.state.db, &r, &v.actor()).await;
    step(&v, r, "withdrawn", result).await
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn approve(
    v: Visit,
    Path(rid): Path<String>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ApproveReports(r.place()))?;
    let result = store::approve(&v.state.db, &r, &form.note, &v.actor()).await;
    step(&v, r, "approved", result).await
}

async fn send_back(
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

async fn publish(v: Visit, Path(rid): Path<String>) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let result = store::publish(&v.state.db, &r, &v.actor()).await;
    step(&v, r, "published", result).await
}

#[derive(Deserialize)]
struct CorrectForm {
    #[serde(default)]
    reason: String,
}

async fn correct(
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

/// Reads and checks the adoption form (multipart: the decision file is optional when a link
/// to the decision is given).
async fn adoption_from(
    r: &ReportRow,
    mut multipart: Multipart,
) -> Result<(AdoptionForm, Option<(String, Vec<u8>)>, FieldErrors), AppError> {
    let mut form = AdoptionForm::default();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::TooLarge)?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?;
            if !file_name.is_empty() || !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(|_| AppError::TooLarge)?;
        let text = text.trim().to_string();
        match name.as_str() {
            "decision_number" => form.decision_number = text,
            "protocol_number" => form.protocol_number = text,
            "date" => form.date = text,
            "url" => form.url = text,
            _ => {}
        }
    }
    let mut errors = FieldErrors::default();
    for (field, value, what) in [
        (
            "decision_number",
            &form.decision_number,
            "номера на решението",
        ),
        (
            "protocol_number",
            &form.protocol_number,
            "номера на протокола",
        ),
    ] {
        if value.is_empty() {
            errors.add(field, format!("Въведете {what}."));
        } else if value.chars().count() > 50 {
            errors.add(field, "Номерът е по-дълъг от 50 знака.");
        }
    }
    match parse_iso_date(&form.date) {
        Err(_) if form.date.is_empty() => errors.add("date", "Въведете датата на решението."),
        Err(_) => errors.add("date", format!("„{}“ не е дата (ГГГГ-ММ-ДД).", form.date)),
        Ok(d) => {
            let today = time::OffsetDateTime::now_utc().date();
            if d > today {
                errors.add("date", "Датата на решението е в бъдещето.");
            } else if d.year() < r.year() {
                errors.add(
                    "date",
                    format!(
                        "Докладът за {} г. не може да е приет преди края на годината, за която е.",
                        r.year
                    ),
                );
            }
        }
    }
    if let Some((name, bytes)) = &file
        && let Err(m) = evidence::check_file(name, bytes)
    {
        errors.add("file", m);
    }
    if !form.url.is_empty()
        && let Err(m) = evidence::check_link(&form.url)
    {
        errors.add("url", m);
    }
    if file.is_none() && form.url.is_empty() {
        errors.add(
            "file",
            "Приложете решението на Общинския съвет като файл или посочете адреса, на който е публикувано.",
        );
    }
    Ok((form, file, errors))
}

async fn adopt(
    v: Visit,
    Path(rid): Path<String>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let (form, file, errors) = adoption_from(&r, multipart).await?;
    if !errors.is_empty() {
        let retry = Retry {
            errors,
            adoption_form: form,
            ..Retry::default()
        };
        return refused(&v, r, retry, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let adoption = CouncilAdoption {
        decision_number: form.decision_number.clone(),
        protocol_number: form.protocol_number.clone(),
        date: form.date.clone(),
        file,
        url: Some(form.url.clone()).filter(|u| !u.is_empty()),
    };
    let result = store::adopt(
        &v.state.db,
        &v.state.config.data_dir,
        &r,
        &adoption,
        &v.actor(),
    )
    .await;
    step(&v, r, "adopted", result).await
}

// ---------------------------------------------------------------------------------------------
// Documents

async fn download(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path((rid, what)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let r = load(&state.db, &rid).await?;
    let public = r.state() == ReportState::Published;
    let who = user
        .as_ref()
        .map(CurrentUser::principal)
        .unwrap_or_default();
    if !public && !who.may(&Action::ViewReports(r.place())) {
        return Err(match user {
            Some(_) => AppError::Forbidden,
            None => AppError::not_found("Докладът още не е публикуван."),
        });
    }
    if what == "decision" {
        let (Some(path), Some(name)) = (&r.decision_path, &r.decision_file_name) else {
            return Err(AppError::not_found(
                "Към доклада няма приложен файл на решение.",
            ));
        };
        let bytes = std::fs::read(state.config.data_dir.join(path))
            .map_err(|e| AppError::Internal(format!("decision file: {e}")))?;
        return Ok(download::file(
            r.decision_media_type
                .as_deref()
                .unwrap_or("application/octet-stream"),
            name,
            Disposition::Attachment,
            bytes,
        ));
    }
    let format = Format::parse(&what)
        .ok_or_else(|| AppError::not_found(format!("Няма формат „{what}“.")))?;
    let bytes = store::document_bytes(&state.db, &state.config.data_dir, &r, format).await?;
    let name = format!(
        "annual-report-{}-{}-v{}.{}",
        r.plan_id,
        r.year,
        r.version,
        format.extension()
    );
    if format == Format::Html {
        return Ok(download::html_document(&name, bytes));
    }
    Ok(download::file(
        format.media_type(),
        &name,
        Disposition::Attachment,
        bytes,
    ))
}

// ---------------------------------------------------------------------------------------------
// Command line

/// The report of a plan for `year` in `format` for `planmon report`: the given version, else
/// the newest; the adopted document as kept; without any version, the generated text as a
/// draft. `None` without a closed round.
pub async fn report_bytes(
    db: &Db,
    data_dir: &std::path::Path,
    plan_id: i64,
    year: i32,
    version: Option<i64>,
    format: Format,
) -> anyhow::Result<Option<Vec<u8>>> {
    let all = store::versions(db, plan_id, year).await?;
    let chosen = match version {
        Some(v) => Some(
            all.into_iter()
                .find(|r| r.version == v)
                .ok_or_else(|| anyhow::anyhow!("докладът за {year} г. няма версия {v}"))?,
        ),
        None => all.into_iter().next(),
    };
    match chosen {
        Some(r) => Ok(Some(store::document_bytes(db, data_dir, &r, format).await?)),
        None => match store::unsaved_document(db, plan_id, year).await? {
            Some(report) => Ok(Some(render(&report, format)?)),
            None => Ok(None),
        },
    }
}
