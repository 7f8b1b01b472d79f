//! The last steps of a district's or the nation's report, as the municipal report's:
//!
//! - `POST /area-reports/{id}/adopt`: the council's decision (numbers, date, the decision as a
//!   file through `web::upload::read` or a link) with the confirmation that the version and
//!   its documents will not change, checked and kept by `report::adoption`; refused fields come
//!   back on the report's page (422);
//! - `/area-reports/{id}/publish`: asked first on the confirmation page (`web::confirm`);
//! - `POST /area-reports/{id}/districts/{code}/exempt` and `…/lift`: the national coordinator
//!   marks a district as not reporting for the year with a reason, or lifts the mark (the
//!   national report waits for every district with municipal plans in force).
//!
//! `Action::ManageAreaReports` of the district or the nation allows each.

use super::store::{self, AreaRow};
use super::views::{acted, area_page};
use crate::forms::{Feedback, FieldErrors};
use crate::i18n::Tr;
use crate::policy::Action;
use crate::report::adoption::{self, AdoptionForm, Expect};
use crate::report::store::ReportState;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::confirm::{Confirm, Fact, confirmed};
use crate::web::{AppError, AppState, render, upload};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

/// The longest reason for marking a district as not reporting (characters).
const MAX_REASON: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/area-reports/{id}/adopt",
            post(adopt).layer(DefaultBodyLimit::max(adoption::UPLOAD_LIMIT)),
        )
        .route(
            "/area-reports/{id}/publish",
            get(publish_page).post(publish),
        )
        .route(
            "/area-reports/{id}/districts/{code}/exempt",
            post(exempt_district),
        )
        .route(
            "/area-reports/{id}/districts/{code}/lift",
            post(lift_district),
        )
}

fn back(id: i64) -> Redirect {
    Redirect::to(&format!("/area-reports/{id}"))
}

/// The report's page again with the refused step's errors (422).
async fn refused(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    user: &CurrentUser,
    r: AreaRow,
    errors: FieldErrors,
    form: AdoptionForm,
) -> Result<Response, AppError> {
    let feedback = Feedback::fields(errors).titled("report.refused");
    let page = area_page(state, tr, csrf, Some(user), r, feedback, form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn adopt(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let r = acted(&state, &user, &id, Action::ManageAreaReports).await?;
    if r.state() != ReportState::Approved {
        return Err(AppError::Conflict(
            "Приема се само одобрен доклад, който още не е приет.".into(),
        ));
    }
    let sent = upload::read(multipart, adoption::UPLOAD_LIMIT).await?;
    let mut form = AdoptionForm::read(|name| sent.field(name));
    let expect = Expect {
        year: r.year(),
        // Approved by the district's or the nation's own coordinators, not a body the council
        // follows.
        monitoring_body_approved: None,
        today: time::OffsetDateTime::now_utc().date(),
        council: "съвета",
        tr,
    };
    let errors = form.check(sent.file.as_ref(), &expect);
    if !errors.is_empty() {
        return refused(&state, tr, csrf, &user, r, errors, form).await;
    }
    super::adoption::adopt(
        &state.db,
        &state.rollups,
        &state.config.data_dir,
        &r,
        &form.adoption(sent.file),
        &user.actor(),
    )
    .await?;
    Ok(back(r.id).into_response())
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
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// The national report's draft and the district `code` of its year, after checking that
/// `user` manages the national report.
async fn national_draft(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    code: &str,
) -> Result<AreaRow, AppError> {
    let r = acted(state, user, id, Action::ManageAreaReports).await?;
    if r.level() != super::Level::Nation {
        return Err(AppError::not_found(
            "Областите се отбелязват в националния доклад.",
        ));
    }
    if r.state() != ReportState::Draft {
        return Err(AppError::Conflict(
            "Докладът вече е одобрен: отбелязванията за годината не се променят.".into(),
        ));
    }
    let known: Option<String> = sqlx::query_scalar("SELECT name FROM districts WHERE code = $1")
        .bind(code)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(crate::plan::store::StoreError::from)?;
    if known.is_none() {
        return Err(AppError::not_found(format!("Няма област с код „{code}“.")));
    }
    Ok(r)
}

async fn exempt_district(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, code)): Path<(String, String)>,
    Form(form): Form<ReasonForm>,
) -> Result<Redirect, AppError> {
    let r = national_draft(&state, &user, &id, &code).await?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(AppError::Invalid {
            message: format!("Посочете причина (до {MAX_REASON} знака)."),
            fields: vec![("reason".into(), "Посочете причина.".into())],
        });
    }
    let mut tx = state.db.pool.begin().await?;
    super::exempt::exempt(&mut tx, &code, r.year(), reason, user.id, &user.actor()).await?;
    tx.commit().await?;
    Ok(back(r.id))
}

async fn lift_district(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, code)): Path<(String, String)>,
) -> Result<Redirect, AppError> {
    let r = national_draft(&state, &user, &id, &code).await?;
    let mut tx = state.db.pool.begin().await?;
    let lifted = super::exempt::lift(&mut tx, &code, r.year(), &user.actor()).await?;
    tx.commit().await?;
    if !lifted {
        return Err(AppError::Conflict(
            "Областта не е отбелязана като неотчитаща се за годината.".into(),
        ));
    }
    Ok(back(r.id))
}
