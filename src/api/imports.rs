//! Plans imported by machines: a document or plan JSON sent as the request body becomes a
//! draft (read, recognised and checked exactly as on the upload page, `import::upload`), which
//! a person reviews on the web or the machine saves as a new plan or a new version. The same
//! policy (`Action::ImportPlan` through `import::access::Importer`) and the same store and
//! audit event as the review page's save.

use super::rounds::Caller;
use crate::import::access::{Importer, plan_municipality};
use crate::import::review::{self, Draft, MetaForm, Target};
use crate::import::store::{self, Saved};
use crate::import::upload::{Refusal, store_upload};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiQuery;
use crate::web::error::ErrorBody;
use crate::web::{ApiError, AppError, AppState, parse_id};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/imports",
            // The body is read against `max_upload_bytes` in the handler.
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/imports/{id}", get(draft))
        .route("/api/v1/imports/{id}/save", post(save))
}

/// The import endpoints in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(upload, draft, save),
    components(schemas(
        DraftJson,
        WarningJson,
        SaveJson,
        SavedJson,
        crate::amend::draft::ActForm
    ))
)]
pub struct ImportsApi;

/// A draft of an import, waiting for review or save.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftJson {
    pub id: i64,
    pub file_name: String,
    /// The format read: text, docx, html, xlsx, ods, csv, json, pdf.
    pub format: String,
    /// The municipality recognised (or given).
    pub municipality: String,
    pub title: String,
    /// Measures recognised.
    pub measures: usize,
    /// The plan it becomes a new version of, when chosen.
    pub target: Option<i64>,
    /// What the importer could not place or was unsure of, with where.
    pub warnings: Vec<WarningJson>,
    /// The draft's review page for a person.
    pub review: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WarningJson {
    /// Where in the document, in Bulgarian ("таблица 2, ред 14").
    pub at: String,
    pub message: String,
}

impl DraftJson {
    fn of(id: i64, d: &Draft) -> DraftJson {
        DraftJson {
            id,
            file_name: d.file_name.clone(),
            format: d.format.code().to_string(),
            municipality: d.plan.municipality.clone(),
            title: d.plan.title.clone(),
            measures: d.plan.measures().count(),
            target: d.target,
            warnings: d
                .warnings
                .iter()
                .map(|w| WarningJson {
                    at: w.at.clone(),
                    message: w.message.clone(),
                })
                .collect(),
            review: format!("/admin/import/{id}"),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (its extension is a hint; the content decides the format).
    file_name: Option<String>,
    /// The municipality, instead of the one recognised.
    municipality: Option<String>,
    /// A plan this import becomes a new version of.
    plan: Option<String>,
}

/// The importer of an API call, answering as the API does.
async fn importer(state: &AppState, c: &Caller, ext: &Extensions) -> Result<Importer, AppError> {
    Importer::of(state, c.who.clone(), ext.get::<CurrentUser>().cloned()).await
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid {
        fields: vec![(field.into(), message.clone())],
        message,
    }
}

/// Reads a document into a draft.
#[utoipa::path(
    post,
    path = "/api/v1/imports",
    tag = "imports",
    summary = "Внасяне на план като чернова / Import a plan as a draft",
    description = "Тялото е самият файл (DOCX, ODT, HTML, XLSX, ODS, CSV, PDF, текст или план \
                   JSON). Прочита се и се разпознава като от страницата за внасяне; черновата \
                   се преглежда на уеб страницата ѝ или се записва с `/save`.\n\nThe body is the \
                   file itself (DOCX, ODT, HTML, XLSX, ODS, CSV, PDF, text or plan JSON). It is \
                   read and recognised as on the upload page; the draft is reviewed on its web \
                   page or saved with `/save`.",
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("token" = [])),
    responses(
        (status = 201, description = "Черновата / The draft", body = DraftJson),
        (status = 400, description = "Неразбираеми параметри / Unreadable parameters", body = ErrorBody),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Без право да внася планове / May not import plans", body = ErrorBody),
        (status = 404, description = "Няма такъв план / No such plan", body = ErrorBody),
        (status = 413, description = "Файлът е по-голям от разрешеното / The file is over the size limit", body = ErrorBody),
        (status = 422, description = "Файлът не може да бъде внесен или е на друга община / The file cannot be imported or is of another municipality", body = ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    c: Caller,
    ext: Extensions,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    let importer = importer(&state, &c, &ext).await?;
    let file_name = q
        .file_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid("file_name", "Посочете името на файла (file_name).".into()))?
        .to_string();
    let target = match q.plan.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(parse_id(p, "план").map_err(|e| invalid("plan", e.to_string()))?),
        None => None,
    };
    let bytes: Bytes = axum::body::to_bytes(body, state.config.max_upload_bytes)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let municipality = q.municipality.filter(|m| !m.trim().is_empty());
    let stored = store_upload(
        &state,
        &importer,
        &file_name,
        bytes.to_vec(),
        municipality,
        target,
    )
    .await?;
    match stored {
        Ok((id, draft)) => {
            Ok((StatusCode::CREATED, Json(DraftJson::of(id, &draft))).into_response())
        }
        Err(r @ Refusal::Elsewhere(_)) => Err(invalid("municipality", r.message()).into()),
        Err(r) => Err(invalid("file", r.message()).into()),
    }
}

/// The draft, when the caller may import its plan; otherwise "not found".
async fn visible_draft(
    state: &AppState,
    importer: &Importer,
    id: &str,
) -> Result<(i64, Draft), AppError> {
    let id = parse_id(id, "чернова")?;
    let hidden = || AppError::not_found(format!("Няма чернова с номер {id}."));
    let draft = store::load_draft(&state.db, id).await?.ok_or_else(hidden)?;
    if importer.may_import_for(&draft.plan.municipality) {
        Ok((id, draft))
    } else {
        Err(hidden())
    }
}

/// A draft of an import.
#[utoipa::path(
    get,
    path = "/api/v1/imports/{id}",
    tag = "imports",
    summary = "Чернова на внасяне / An import draft",
    params(("id" = i64, Path, description = "Номерът на черновата / The draft's id", minimum = 1)),
    security(("token" = [])),
    responses(
        (status = 200, description = "Черновата / The draft", body = DraftJson),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Без право да внася планове / May not import plans", body = ErrorBody),
        (status = 404, description = "Няма такава чернова за вас / No such draft for you", body = ErrorBody),
    )
)]
pub async fn draft(
    State(state): State<AppState>,
    c: Caller,
    ext: Extensions,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let importer = importer(&state, &c, &ext).await?;
    let (id, draft) = visible_draft(&state, &importer, &id).await?;
    Ok(Json(DraftJson::of(id, &draft)).into_response())
}

/// What to save a draft as.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveJson {
    /// Save as a new version of this plan (default: the plan chosen at upload, else a new plan).
    #[serde(default)]
    pub plan: Option<i64>,
    /// For a new version: the council act amending the plan (decision number and date
    /// required). Without it the new version is a correction of the import, in force as the
    /// version it corrects.
    #[serde(default)]
    pub act: Option<crate::amend::draft::ActForm>,
}

/// A saved draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedJson {
    pub plan: i64,
    /// The plan's version the draft became (1 for a new plan).
    pub version: i64,
}

/// Saves a draft as a new plan or a new version of a plan.
#[utoipa::path(
    post,
    path = "/api/v1/imports/{id}/save",
    tag = "imports",
    summary = "Запис на чернова / Save a draft",
    description = "Записва плана както е разпознат, с проверките на страницата за преглед; \
                   новите имена на институции и източници се добавят в регистъра.\n\nSaves the \
                   plan as recognised, with the review page's checks; new names of institutions \
                   and sources are added to the registry.",
    params(("id" = i64, Path, description = "Номерът на черновата / The draft's id", minimum = 1)),
    request_body(content = SaveJson, description = "Незадължително / Optional"),
    security(("token" = [])),
    responses(
        (status = 201, description = "Записаният план / The saved plan", body = SavedJson),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Без право да внася планове / May not import plans", body = ErrorBody),
        (status = 404, description = "Няма такава чернова или план за вас / No such draft or plan for you", body = ErrorBody),
        (status = 422, description = "Грешки по полета / Field errors", body = ErrorBody),
    )
)]
pub async fn save(
    State(state): State<AppState>,
    c: Caller,
    ext: Extensions,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let importer = importer(&state, &c, &ext).await?;
    let (id, mut draft) = visible_draft(&state, &importer, &id).await?;
    let wanted: SaveJson = if body.iter().all(u8::is_ascii_whitespace) {
        SaveJson::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            invalid(
                "body",
                format!("Съдържанието не е {{\"plan\": номер}} във вид JSON: {e}"),
            )
        })?
    };
    let target = wanted.plan.or(draft.target);
    let meta = MetaForm::of(&draft.plan, target);
    let target = review::apply_meta(&mut draft.plan, &meta).map_err(|errors| {
        let message = errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" ");
        AppError::Invalid {
            message,
            fields: errors.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    })?;
    if let Target::NewVersionOf(plan) = target {
        let m = plan_municipality(&state, plan)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма план с номер {plan}.")))?;
        if !importer.may_import_for(&m) {
            return Err(invalid("plan", importer.refusal(&m)).into());
        }
    }
    let act = match (&target, &wanted.act) {
        (Target::NewVersionOf(_), Some(form)) => Some(form.act().map_err(|errors| {
            AppError::Invalid {
                message: "Актът на изменението има грешки.".into(),
                fields: errors
                    .into_iter()
                    .map(|(f, m)| (format!("act.{f}"), m.to_string()))
                    .collect(),
            }
        })?),
        _ => None,
    };
    let saved = store::save_draft(
        &state.db,
        id,
        &draft,
        (target, act.as_ref()),
        &[],
        c.actor.clone(),
    );
    match saved.await? {
        Saved::Plan(plan) => {
            Ok((StatusCode::CREATED, Json(SavedJson { plan, version: 1 })).into_response())
        }
        Saved::Version { id: plan, version } => {
            Ok((StatusCode::CREATED, Json(SavedJson { plan, version })).into_response())
        }
        Saved::NoSuchPlan(plan) => {
            Err(AppError::not_found(format!("Няма план с номер {plan}.")).into())
        }
        Saved::NoSuchDraft => {
            Err(AppError::not_found(format!("Няма чернова с номер {id}.")).into())
        }
        Saved::NoSuchEntry(name) => {
            Err(invalid("names", format!("Няма запис в регистъра за „{name}“.")).into())
        }
    }
}
