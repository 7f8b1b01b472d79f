//! The last steps of a district's or the nation's report, as the municipal report's:
//!
//! - `POST /area-reports/{id}/adopt`: the council's decision (numbers, date, the decision as a
//!   file through `web::upload::read` or a link) with the confirmation that the version and
//!   its documents will not change; refused fields come back on the report's page (422);
//! - `/area-reports/{id}/publish`: asked first on the confirmation page (`web::confirm`);
//! - `POST /area-reports/{id}/districts/{code}/exempt` and `…/lift`: the national coordinator
//!   marks a district as not reporting for the year with a reason, or lifts the mark (the
//!   national report waits for every district with municipal plans in force).
//!
//! `Action::ManageAreaReports` of the district or the nation allows each.

use super::store::{self, AreaRow};
use super::views::{AdoptionForm, acted, area_page};
use crate::dates::{display_bg, parse_iso_date};
use crate::files::accept;
use crate::forms::{Feedback, FieldErrors};
use crate::i18n::Tr;
use crate::policy::Action;
use crate::report::store::{CouncilAdoption, ReportState};
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::confirm::{Confirm, Fact, confirmed};
use crate::web::{AppError, AppState, render, upload};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

/// The largest adoption form: the decision file and the fields.
const ADOPTION_UPLOAD_LIMIT: usize = accept::MAX_EVIDENCE_BYTES + 64 * 1024;

/// The longest reason for marking a district as not reporting (characters).
const MAX_REASON: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/area-reports/{id}/adopt",
            post(adopt).layer(DefaultBodyLimit::max(ADOPTION_UPLOAD_LIMIT)),
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

/// The adoption as typed, the decision file, and the fields in error. The decision is a file
/// or a link; its date falls after the report's year and not in the future; the confirmation
/// that the version will not change is ticked.
fn adoption_from(
    sent: upload::Sent,
    year: i32,
    today: time::Date,
) -> (AdoptionForm, Option<(String, Vec<u8>)>, FieldErrors) {
    let form = AdoptionForm {
        decision_number: sent.field("decision_number").to_string(),
        protocol_number: sent.field("protocol_number").to_string(),
        date: sent.field("date").to_string(),
        url: sent.field("url").to_string(),
        confirm: sent.field("confirm") == "yes",
    };
    let file = sent.file;
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
        Ok(d) if d > today => errors.add(
            "date",
            format!(
                "Датата на решението ({}) е в бъдещето.",
                display_bg(&form.date)
            ),
        ),
        Ok(d) if d.year() <= year => errors.add(
            "date",
            format!("Докладът за {year} г. се приема след края на годината."),
        ),
        Ok(_) => {}
    }
    if let Some((name, bytes)) = &file
        && let Err(m) = accept::check_file(name, bytes)
    {
        errors.add("file", m);
    }
    if !form.url.is_empty()
        && let Err(m) = accept::check_link(&form.url)
    {
        errors.add("url", m);
    }
    if file.is_none() && form.url.is_empty() {
        errors.add(
            "file",
            "Приложете решението на съвета като файл или посочете адреса, на който е публикувано.",
        );
    }
    if !form.confirm {
        errors.add(
            "confirm",
            "Потвърдете, че вписаната версия и файловете ѝ не могат да се променят.",
        );
    }
    (form, file, errors)
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
    let sent = upload::read(multipart, ADOPTION_UPLOAD_LIMIT).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let (form, file, errors) = adoption_from(sent, r.year(), today);
    if !errors.is_empty() {
        return refused(&state, tr, csrf, &user, r, errors, form).await;
    }
    let adoption = CouncilAdoption {
        decision_number: form.decision_number,
        protocol_number: form.protocol_number,
        date: form.date,
        file,
        url: Some(form.url).filter(|u| !u.is_empty()),
    };
    super::adoption::adopt(
        &state.db,
        &state.rollups,
        &state.config.data_dir,
        &r,
        &adoption,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(date: &str, file: bool, confirm: bool) -> upload::Sent {
        let mut fields = vec![
            ("decision_number".to_string(), "12".to_string()),
            ("protocol_number".to_string(), "3".to_string()),
            ("date".to_string(), date.to_string()),
        ];
        if confirm {
            fields.push(("confirm".into(), "yes".into()));
        }
        upload::Sent {
            fields,
            file: file.then(|| ("решение.pdf".to_string(), b"%PDF-1.4\n%%EOF\n".to_vec())),
        }
    }

    fn today() -> time::Date {
        time::macros::date!(2026 - 06 - 01)
    }

    #[test]
    fn an_adoption_needs_its_numbers_a_date_after_the_year_the_decision_and_the_confirmation() {
        let (_, file, e) = adoption_from(sent("2025-03-01", true, true), 2024, today());
        assert!(e.is_empty(), "{e:?}");
        assert!(file.is_some());
        let (_, _, e) = adoption_from(sent("2024-06-01", true, true), 2024, today());
        assert!(e.get("date").is_some(), "during the year");
        let (_, _, e) = adoption_from(sent("2027-01-01", true, true), 2024, today());
        assert!(e.get("date").is_some(), "in the future");
        let (_, _, e) = adoption_from(sent("2025-03-01", false, false), 2024, today());
        assert!(e.get("file").is_some() && e.get("confirm").is_some());
        let (form, _, e) = adoption_from(
            upload::Sent {
                fields: vec![("date".into(), "не е дата".into())],
                file: None,
            },
            2024,
            today(),
        );
        assert!(e.get("decision_number").is_some() && e.get("date").is_some());
        assert_eq!(form.date, "не е дата", "kept to be shown again");
    }
}
