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
//! Who may do what is `Action::ManageAreaReports` and `Action::ApproveAreaReports` of the
//! district or the nation; unpublished versions are seen by whoever sees its dashboard.

use super::store::{self, AreaRow};
use super::{AreaInputs, Level, NATION, adopting_body, slot_title_in};
use crate::dates::{display_day, parse_iso_date};
use crate::forms::FieldErrors;
use crate::i18n::Tr;
use crate::policy::{Action, Area};
use crate::report::render::{Format, render_document_off_thread};
use crate::report::store::ReportState;
use crate::report::{Adoption, Narrative};
use crate::rollup::AREA_SLOTS;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::confirm::{Confirm, Fact, confirmed};
use crate::web::{AppError, AppState, parse_id, render};
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
        .route("/area-reports/{id}/adopt", post(adopt))
        .route(
            "/area-reports/{id}/publish",
            get(publish_page).post(publish),
        )
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

async fn load(state: &AppState, id: &str) -> Result<AreaRow, AppError> {
    let id = parse_id(id, "доклад")?;
    store::get(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма доклад с номер „{id}“.")))
}

/// The version `id` if `user` may see it: a published one for everyone, the others for whoever
/// sees the area's dashboard (404 for the anonymous, 403 for the rest).
async fn visible(
    state: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<AreaRow, AppError> {
    let r = load(state, id).await?;
    if r.state() == ReportState::Published {
        return Ok(r);
    }
    match user {
        Some(u) => {
            u.require(&Action::ViewDashboard(r.policy_area()))?;
            Ok(r)
        }
        None => Err(AppError::not_found("Докладът още не е публикуван.")),
    }
}

struct Field {
    name: String,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "report/area.html")]
struct AreaPage {
    tr: Tr,
    csrf: CsrfToken,
    r: AreaRow,
    state: ReportState,
    state_line: String,
    title: String,
    body: &'static str,
    dashboard: String,
    may_manage: bool,
    may_approve: bool,
    newest: bool,
    /// Municipalities with a plan in force that have not reported (a district's approval
    /// waits for them).
    missing: Vec<String>,
    fields: Vec<Field>,
    versions: Vec<(i64, i64, &'static str)>,
    approved_on: Option<String>,
    /// A published version's text as a publication (`report::publication`).
    publication: Option<String>,
}

fn fields(n: &Narrative, tr: Tr) -> Vec<Field> {
    let mut out = vec![Field {
        name: "introduction".into(),
        label: tr.t("report.introduction").into(),
        value: n.introduction.clone(),
    }];
    for i in 0..AREA_SLOTS {
        out.push(Field {
            name: format!("area_{i}"),
            label: format!(
                "{}: {}",
                tr.t("report.priority_summary"),
                slot_title_in(tr, i)
            ),
            value: n.priorities.get(&i).cloned().unwrap_or_default(),
        });
    }
    out.push(Field {
        name: "conclusions".into(),
        label: tr.t("report.conclusions").into(),
        value: n.conclusions.clone(),
    });
    out.push(Field {
        name: "recommendations".into(),
        label: tr.t("report.recommendations").into(),
        value: n.recommendations.clone(),
    });
    out
}

fn dashboard(r: &AreaRow) -> String {
    match r.level() {
        Level::Nation => format!("/dashboard/nation?year={}", r.year),
        Level::District => format!("/dashboard/districts/{}?year={}", r.area, r.year),
    }
}

async fn show(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let r = visible(&state, user.as_ref(), &id).await?;
    let who = user
        .as_ref()
        .map(CurrentUser::principal)
        .unwrap_or_default();
    let may_manage = who.may(&Action::ManageAreaReports(r.policy_area()));
    let may_approve = who.may(&Action::ApproveAreaReports(r.policy_area()));
    let staff = who.may(&Action::ViewDashboard(r.policy_area()));
    let all = store::versions(&state.db, &r.area, r.year()).await?;
    let missing = if r.state() == ReportState::Draft && staff {
        let inputs: AreaInputs = store::inputs_of(&state.db, &state.rollups, &r).await?;
        inputs
            .units
            .iter()
            .filter(|u| u.missing > 0)
            .map(|u| u.name.clone())
            .collect()
    } else {
        Vec::new()
    };
    let publication = if r.state() == ReportState::Published {
        let doc = store::document_of(&state.db, &state.rollups, &r).await?;
        Some(crate::report::publication::render(&doc)?)
    } else {
        None
    };
    render(&AreaPage {
        tr,
        csrf,
        publication,
        state: r.state(),
        state_line: r.state_line(),
        title: super::title(r.level(), &r.name, r.year()),
        body: adopting_body(r.level()),
        dashboard: dashboard(&r),
        may_manage,
        may_approve,
        newest: all.first().is_some_and(|n| n.id == r.id),
        missing,
        fields: fields(&r.narrative(), tr),
        versions: all
            .iter()
            .filter(|v| staff || v.state() == ReportState::Published)
            .map(|v| (v.id, v.version, v.state().label_key()))
            .collect(),
        approved_on: r.approved_at.as_deref().map(display_day),
        r,
    })
}

/// The version `id` after checking that `user` may do `action` to it.
async fn acted(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: fn(Area) -> Action,
) -> Result<AreaRow, AppError> {
    let r = load(state, id).await?;
    user.require(&Action::ViewDashboard(r.policy_area()))?;
    user.require(&action(r.policy_area()))?;
    Ok(r)
}

fn back(id: i64) -> Redirect {
    Redirect::to(&format!("/area-reports/{id}"))
}

async fn narrative(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Redirect, AppError> {
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
    Ok(back(r.id))
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
struct AdoptForm {
    #[serde(default)]
    decision_number: String,
    #[serde(default)]
    protocol_number: String,
    #[serde(default)]
    date: String,
}

/// The adoption as typed, or the fields in error.
fn adoption(form: &AdoptForm, year: i32) -> Result<Adoption, FieldErrors> {
    let mut errors = FieldErrors::default();
    let a = Adoption {
        decision_number: form.decision_number.trim().to_string(),
        protocol_number: form.protocol_number.trim().to_string(),
        date: form.date.trim().to_string(),
    };
    for (field, value, what) in [
        ("decision_number", &a.decision_number, "номера на решението"),
        ("protocol_number", &a.protocol_number, "номера на протокола"),
    ] {
        if value.is_empty() {
            errors.add(field, format!("Въведете {what}."));
        } else if value.chars().count() > 50 {
            errors.add(field, "Номерът е по-дълъг от 50 знака.");
        }
    }
    match parse_iso_date(&a.date) {
        Err(_) if a.date.is_empty() => errors.add("date", "Въведете датата на решението."),
        Err(_) => errors.add("date", format!("„{}“ не е дата (ГГГГ-ММ-ДД).", a.date)),
        Ok(d) if d > time::OffsetDateTime::now_utc().date() => {
            errors.add("date", "Датата на решението е в бъдещето.")
        }
        Ok(d) if d.year() <= year => errors.add(
            "date",
            format!("Докладът за {year} г. се приема след края на годината."),
        ),
        Ok(_) => {}
    }
    if errors.is_empty() {
        Ok(a)
    } else {
        Err(errors)
    }
}

async fn adopt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<AdoptForm>,
) -> Result<Redirect, AppError> {
    let r = acted(&state, &user, &id, Action::ManageAreaReports).await?;
    let a = adoption(&form, r.year()).map_err(invalid)?;
    store::adopt(&state.db, &r, &a, &user.actor()).await?;
    Ok(back(r.id))
}

/// The confirmation of publishing (issue 17): what becomes public.
fn publish_confirm(tr: Tr, csrf: &CsrfToken, r: &AreaRow, unconfirmed: bool) -> Confirm {
    Confirm {
        tr,
        csrf: csrf.value().to_string(),
        title: format!("{} {}", tr.t("report.publish"), r.year),
        name: Some(r.name.clone()),
        effects: vec![tr.t("report.publish_hint").to_string()],
        facts: vec![Fact::about(r.state_line(), "")],
        action: format!("/area-reports/{}/publish", r.id),
        button: tr.t("report.publish").to_string(),
        back: format!("/area-reports/{}", r.id),
        unconfirmed,
    }
}

async fn publish_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = acted(&state, &user, &id, Action::ManageAreaReports).await?;
    if r.state() != ReportState::Adopted {
        return Err(AppError::Conflict(
            "Публикува се само приета версия.".into(),
        ));
    }
    publish_confirm(tr, &csrf, &r, false).answer()
}

async fn publish(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let r = acted(&state, &user, &id, Action::ManageAreaReports).await?;
    if !confirmed(&f) {
        return publish_confirm(tr, &csrf, &r, true).answer();
    }
    store::publish(&state.db, &r, &user.actor()).await?;
    Ok(back(r.id).into_response())
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
    let format = Format::parse(&format)
        .ok_or_else(|| AppError::not_found(format!("Няма формат „{format}“.")))?;
    let doc = store::document_of(&state.db, &state.rollups, &r).await?;
    let bytes = render_document_off_thread(doc, format)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form(d: &str) -> AdoptForm {
        AdoptForm {
            decision_number: "12".into(),
            protocol_number: "3".into(),
            date: d.into(),
        }
    }

    #[test]
    fn an_adoption_needs_its_numbers_and_a_date_after_the_year() {
        assert!(adoption(&form("2025-03-01"), 2024).is_ok());
        let e = adoption(&form("2024-06-01"), 2024).expect_err("during the year");
        assert!(e.get("date").is_some());
        let e = adoption(
            &AdoptForm {
                decision_number: String::new(),
                protocol_number: "3".into(),
                date: "не е дата".into(),
            },
            2024,
        )
        .expect_err("empty number");
        assert!(e.get("decision_number").is_some() && e.get("date").is_some());
    }
}
