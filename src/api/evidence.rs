//! Evidence sent by machines: a file as the request body, or a link, added to an institution's
//! update the way the update form adds it (`monitoring::evidence_input`: the same checks of the
//! file's content, the same row and audit event in one transaction, the file kept only after
//! the commit), within the same policy as writing the update.

use super::rounds::{Caller, ID, INSTITUTION, MEASURE, UpdateAt, editable, refused};
use crate::audit::Event;
use crate::files::accept::MAX_EVIDENCE_BYTES;
use crate::monitoring::evidence_input::{EvidenceInput, read_evidence, store_evidence};
use crate::monitoring::store::{self, MonitoringError};
use crate::web::error::ApiQuery;
use crate::web::error::ErrorBody;
use crate::web::{ApiError, AppError, AppState};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/rounds/{id}/updates/{measure}/{institution}/evidence",
        // The body is read against the evidence size limit in the handler.
        post(add).layer(DefaultBodyLimit::disable()),
    )
}

/// The evidence endpoint in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(add), components(schemas(EvidenceJson)))]
pub struct EvidenceApi;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// The title shown with the evidence (default: the file's name or the address).
    title: Option<String>,
    /// The file's name, when the body is a file.
    file_name: Option<String>,
    /// A public address instead of a file (the body is then empty).
    url: Option<String>,
}

/// Evidence as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceJson {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    /// The type found in the file's content.
    pub media_type: Option<String>,
    pub size: Option<u64>,
    pub sha256: Option<String>,
}

/// Adds evidence to an institution's update.
#[utoipa::path(
    post,
    path = "/api/v1/rounds/{id}/updates/{measure}/{institution}/evidence",
    tag = "rounds",
    summary = "Доказателство към отчет / Evidence for an update",
    description = "Тялото е файлът (PDF, PNG, JPEG, DOCX, XLSX, ODT, TXT, CSV; до 10 MB; видът се \
                   проверява по съдържанието) с `file_name`, или празно с `url`. Отчетът трябва \
                   да е в чернова или върнат.\n\nThe body is the file (PDF, PNG, JPEG, DOCX, XLSX, ODT, TXT, \
                   CSV; up to 10 MB; its type is checked by its content) with `file_name`, \
                   or empty with `url`. The update must be a draft or returned.",
    params(
        ("id" = i64, Path, description = ID, minimum = 1),
        ("measure" = String, Path, description = MEASURE),
        ("institution" = i64, Path, description = INSTITUTION, minimum = 1),
        EvidenceQuery,
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("token" = [])),
    responses(
        (status = 201, description = "Добавеното доказателство / The evidence added", body = EvidenceJson),
        (status = 400, description = "Неразбираеми параметри / Unreadable parameters", body = ErrorBody),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Ключът не е за тази институция / The token is not for this institution", body = ErrorBody),
        (status = 404, description = "Няма такъв отчет за вас / No such update for you", body = ErrorBody),
        (status = 409, description = "Отчетът или кръгът не позволява промяна / The update or round allows no change", body = ErrorBody),
        (status = 413, description = "Файлът е по-голям от разрешеното / The file is over the size limit", body = ErrorBody),
        (status = 422, description = "Грешки по полета / Field errors", body = ErrorBody),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    c: Caller,
    Path(at): Path<UpdateAt>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    let (round, u) = editable(&state, &c, &at).await?;
    let bytes = axum::body::to_bytes(body, MAX_EVIDENCE_BYTES)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let file = (!bytes.is_empty()).then(|| (q.file_name.clone().unwrap_or_default(), bytes));
    let input = EvidenceInput {
        title: q.title.unwrap_or_default(),
        url: q.url.unwrap_or_default(),
        file,
    };
    let new =
        read_evidence(&input, crate::i18n::Tr::default()).map_err(|errors| AppError::Invalid {
            message: errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            fields: errors.0.into_iter().map(|e| (e.field, e.message)).collect(),
        })?;
    let event = |eid: i64, after| {
        Event::new(c.actor.clone(), "evidence.add", "evidence", eid)
            .municipality(round.municipality_id)
            .after(&after)
    };
    match store_evidence(&state, round.id, u.id, new, event).await? {
        Ok(eid) => {
            let e = store::evidence(&state.db, round.id, Some(u.id))
                .await?
                .into_iter()
                .find(|e| e.id == eid)
                .ok_or_else(|| AppError::Internal(format!("evidence {eid} not stored")))?;
            let json = EvidenceJson {
                id: e.id,
                title: e.title,
                url: e.url,
                file_name: e.file_name,
                media_type: e.media_type,
                size: e.size.and_then(|s| u64::try_from(s).ok()),
                sha256: e.sha256,
            };
            Ok((StatusCode::CREATED, Json(json)).into_response())
        }
        Err(w) => Err(refused(MonitoringError::Workflow(w)).into()),
    }
}
