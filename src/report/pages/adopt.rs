//! The council's adoption of an approved version: the multipart form (decision numbers, date,
//! the decision as a file or a link), checked field by field.

use super::workspace::{AdoptionForm, Retry, Visit, refused, step};
use crate::dates::{display_bg, parse_iso_date};
use crate::files::accept;
use crate::forms::FieldErrors;
use crate::policy::Action;
use crate::report::store::{self, CouncilAdoption, ReportRow};
use crate::web::{AppError, upload};
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;

/// Reads and checks the adoption form (multipart: the decision file is optional when a link
/// to the decision is given).
async fn adoption_from(
    r: &ReportRow,
    multipart: Multipart,
) -> Result<(AdoptionForm, Option<(String, Vec<u8>)>, FieldErrors), AppError> {
    let sent = upload::read(multipart, super::ADOPTION_UPLOAD_LIMIT).await?;
    let mut form = AdoptionForm {
        decision_number: sent.field("decision_number").to_string(),
        protocol_number: sent.field("protocol_number").to_string(),
        date: sent.field("date").to_string(),
        url: sent.field("url").to_string(),
        date_confirmed: sent.field("date_confirmed") == "yes",
        date_questioned: false,
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
        Ok(d) => {
            let today = time::OffsetDateTime::now_utc().date();
            let approved = r
                .approved_at
                .as_deref()
                .and_then(|a| parse_iso_date(a.get(..10).unwrap_or_default()).ok());
            let question = if d > today {
                Some("Датата на решението е в бъдещето.".to_string())
            } else {
                approved.filter(|a| d < *a).map(|a| {
                    format!(
                        "Датата на решението ({}) е преди одобрението на доклада от наблюдателния орган ({}).",
                        display_bg(&form.date),
                        display_bg(&a.to_string())
                    )
                })
            };
            if let Some(q) = question {
                form.date_questioned = true;
                if !form.date_confirmed {
                    errors.add(
                        "date",
                        format!(
                            "{q} Проверете я; ако е вярна, потвърдете я с отметката под полето."
                        ),
                    );
                }
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
        && let Err(m) = accept::check_file(name, bytes)
    {
        errors.add("file", m);
    }
    if !form.url.is_empty()
        && let Err(m) = accept::check_link(&form.url)
    {
        errors.add("url", m);
    }
    if !form.confirm {
        errors.add(
            "confirm",
            "Потвърдете, че вписаната версия и файловете ѝ не могат да се променят.",
        );
    }
    if file.is_none() && form.url.is_empty() {
        errors.add(
            "file",
            "Приложете решението на Общинския съвет като файл или посочете адреса, на който е публикувано.",
        );
    }
    Ok((form, file, errors))
}

pub(super) async fn adopt(
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
