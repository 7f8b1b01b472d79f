//! The council's adoption of an approved version: the multipart form (decision numbers, date,
//! the decision as a file or a link), checked field by field by `report::adoption`.

use super::workspace::{Retry, Visit, refused, step};
use crate::dates::parse_iso_date;
use crate::policy::Action;
use crate::report::adoption::{self, AdoptionForm, Expect};
use crate::report::store;
use crate::web::{AppError, upload};
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;

pub(super) async fn adopt(
    v: Visit,
    Path(rid): Path<String>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let r = v.report(&rid).await?;
    v.require(&Action::ManageReports(r.place()))?;
    let sent = upload::read(multipart, adoption::UPLOAD_LIMIT).await?;
    let mut form = AdoptionForm::read(|name| sent.field(name));
    let expect = Expect {
        year: r.year(),
        monitoring_body_approved: r
            .approved_at
            .as_deref()
            .and_then(|a| parse_iso_date(a.get(..10).unwrap_or_default()).ok()),
        today: time::OffsetDateTime::now_utc().date(),
        council: "Общинския съвет",
        tr: v.tr,
    };
    let errors = form.check(sent.file.as_ref(), &expect);
    if !errors.is_empty() {
        let retry = Retry {
            errors,
            adoption_form: form,
            ..Retry::default()
        };
        return refused(&v, r, retry, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = store::adopt(
        &v.state.db,
        &v.state.config.data_dir,
        &r,
        &form.adoption(sent.file),
        &v.actor(),
    )
    .await;
    step(&v, r, "adopted", result).await
}
