//! Import pages: the public spreadsheet template, and for those who may import (see
//! [`super::access`]) the upload form that reads a file into a draft. The draft's review, save
//! and discard are in `review_pages.rs`.

use super::access::Importer;
use super::store::{self, DraftItem};
use super::upload::Refusal;
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::web::auth::CsrfToken;
use crate::web::upload::{Refused, UploadForm};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import/template.xlsx", get(template))
        .route(
            "/admin/import",
            // The upload's size is checked against `max_upload_bytes` while it is read.
            get(upload_form)
                .post(upload)
                .layer(DefaultBodyLimit::disable()),
        )
}

async fn template() -> Result<Response, AppError> {
    let bytes = super::template::template_xlsx()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"planmon-template.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "import/upload.html")]
struct UploadPage {
    tr: Tr,
    csrf: CsrfToken,
    feedback: Feedback,
    municipality: String,
    drafts: Vec<DraftItem>,
    max_mb: usize,
}

/// The upload form, with the drafts of the importer's municipalities.
async fn upload_page(
    (importer, tr, csrf): (&Importer, Tr, CsrfToken),
    state: &AppState,
    status: StatusCode,
    feedback: Feedback,
    municipality: String,
) -> Result<Response, AppError> {
    let mut drafts = store::list_drafts(&state.db).await?;
    drafts.retain(|d| importer.may_import_for(&d.municipality));
    let page = UploadPage {
        tr,
        csrf,
        feedback: feedback
            .titled("import.refused")
            .noted("import.nothing_stored"),
        municipality,
        drafts,
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
    };
    Ok((status, render(&page)?).into_response())
}

async fn upload_form(
    importer: Importer,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    upload_page(
        (&importer, tr, csrf),
        &state,
        StatusCode::OK,
        Feedback::default(),
        String::new(),
    )
    .await
}

/// What the upload form sent: the file (named "файл" when sent without a name) and the
/// municipality chosen.
struct Upload {
    file_name: String,
    bytes: Vec<u8>,
    municipality: String,
}

async fn read_upload(form: Multipart, max: usize) -> Result<Upload, Refused> {
    let sent = crate::web::upload::read(form, max).await?;
    let municipality = sent.field("municipality").to_string();
    let Some((file_name, bytes)) = sent.file else {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "Изберете файл с плана.".into(),
        ));
    };
    let file_name = match file_name.trim() {
        "" => "файл".to_string(),
        _ => file_name,
    };
    Ok(Upload {
        file_name,
        bytes,
        municipality,
    })
}

/// Reads and recognises the upload, keeps it as a draft and opens its review. A file that cannot
/// be imported stores nothing and comes back to the form with the reason.
async fn upload(
    importer: Importer,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    form: Result<UploadForm, MultipartRejection>,
) -> Result<Response, AppError> {
    let Ok(UploadForm(form)) = form else {
        let msg = "Изпратете файла чрез формата за качване.".to_string();
        return upload_page(
            (&importer, tr, csrf),
            &state,
            StatusCode::BAD_REQUEST,
            Feedback::message(msg),
            String::new(),
        )
        .await;
    };
    let up = match read_upload(form, state.config.max_upload_bytes).await {
        Ok(up) => up,
        Err(Refused(status, msg)) => {
            return upload_page(
                (&importer, tr, csrf),
                &state,
                status,
                Feedback::message(msg),
                String::new(),
            )
            .await;
        }
    };
    let municipality = (!up.municipality.is_empty()).then(|| up.municipality.clone());
    let stored = super::upload::store_upload(
        &state,
        &importer,
        &up.file_name,
        up.bytes,
        municipality,
        None,
    )
    .await?;
    let refusal = match stored {
        Ok((id, _)) => return Ok(Redirect::to(&format!("/admin/import/{id}")).into_response()),
        Err(refusal) => refusal,
    };
    let status = match &refusal {
        Refusal::Unreadable(_) if refusal.is_over_budget() => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::Elsewhere(_) => StatusCode::FORBIDDEN,
        Refusal::Unreadable(_) | Refusal::NoTable(_) => StatusCode::BAD_REQUEST,
    };
    upload_page(
        (&importer, tr, csrf),
        &state,
        status,
        Feedback::message(refusal.message()),
        up.municipality,
    )
    .await
}
