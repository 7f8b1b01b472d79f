//! One error type at the web edge, mapped once to a status code and a Bulgarian message:
//! an HTML page for pages, JSON for `/api`. The page is rendered in Bulgarian here and keeps
//! what it said ([`Shown`]) on the response, so `web::refusal` renders it again in the
//! visitor's language with their header (English: the generic sentence, and the Bulgarian
//! detail marked `lang="bg"`).

use crate::i18n::Tr;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("необходим е вход")]
    Unauthorized,
    #[error("нямате право на това действие")]
    Forbidden,
    #[error(
        "Формулярът не е приет: липсва или е невалиден кодът му за защита (CSRF). \
         Презаредете страницата и изпратете формуляра отново."
    )]
    Csrf,
    /// The action does not fit the state of what it acts on (409).
    #[error("{0}")]
    Conflict(String),
    /// Input with errors in named fields (422): (field, message) pairs.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<(String, String)>,
    },
    #[error("файлът е твърде голям")]
    TooLarge,
    #[error("Твърде много неуспешни опити. Опитайте отново след 15 минути.")]
    Throttled,
    #[error("вътрешна грешка: {0}")]
    Internal(String),
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::NotFound(what.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to people: internal details stay in the log.
    fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => "Възникна вътрешна грешка. Опитайте отново по-късно.".into(),
            AppError::Invalid { message, fields } => {
                let details: Vec<String> =
                    fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
                format!("{message} {}", details.join("; "))
            }
            other => other.to_string(),
        }
    }

    /// The key of the sentence English pages say instead of the Bulgarian message, and
    /// whether the Bulgarian message carries details worth keeping beside it.
    fn generic(&self) -> (&'static str, bool) {
        match self {
            AppError::NotFound(_) => ("error.says.not_found", true),
            AppError::BadRequest(_) => ("error.says.bad_request", true),
            AppError::Unauthorized => ("error.says.unauthorized", false),
            AppError::Forbidden => ("error.says.forbidden", false),
            AppError::Csrf => ("error.says.csrf", false),
            AppError::Conflict(_) => ("error.says.conflict", true),
            AppError::Invalid { .. } => ("error.says.invalid", true),
            AppError::TooLarge => ("error.says.too_large", false),
            AppError::Throttled => ("error.says.throttled", false),
            AppError::Internal(_) => ("error.says.internal", false),
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

impl From<crate::policy::Refused> for AppError {
    fn from(_: crate::policy::Refused) -> Self {
        AppError::Forbidden
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<crate::plan::store::StoreError> for AppError {
    fn from(e: crate::plan::store::StoreError) -> Self {
        match e {
            crate::plan::store::StoreError::Refused(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::account::AccountError> for AppError {
    fn from(e: crate::account::AccountError) -> Self {
        use crate::account::AccountError as E;
        match e {
            E::Sql(e) => AppError::Internal(e.to_string()),
            E::Hash(e) => AppError::Internal(e),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    status: u16,
    title: &'static str,
    message: String,
    /// The Bulgarian message beside an English page's sentence.
    detail: Option<String>,
}

/// What an error page said, kept on its response to render it again in the visitor's
/// language ([`Shown::page`]).
#[derive(Debug, Clone)]
pub struct Shown {
    status: StatusCode,
    /// The Bulgarian message.
    message: String,
    /// The key of the sentence in other languages, and whether the message adds details.
    generic: &'static str,
    specific: bool,
}

impl Shown {
    /// The page in `tr`'s language, with its header.
    pub fn page(&self, tr: Tr) -> Result<String, askama::Error> {
        let status = self.status;
        let title = match status {
            StatusCode::NOT_FOUND => tr.t("error.not_found"),
            StatusCode::BAD_REQUEST => tr.t("error.bad_request"),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS => {
                tr.t("error.forbidden")
            }
            StatusCode::CONFLICT => tr.t("error.conflict"),
            StatusCode::UNPROCESSABLE_ENTITY => tr.t("error.invalid"),
            StatusCode::PAYLOAD_TOO_LARGE => tr.t("error.too_large"),
            _ => tr.t("error.internal"),
        };
        let (message, detail) = match tr.lang {
            crate::i18n::Lang::Bg => (self.message.clone(), None),
            crate::i18n::Lang::En => (
                tr.t(self.generic).to_string(),
                self.specific.then(|| self.message.clone()),
            ),
        };
        ErrorPage {
            tr,
            status: status.as_u16(),
            title,
            message,
            detail,
        }
        .render()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let (generic, specific) = self.generic();
        let shown = Shown {
            status: self.status(),
            message: self.public_message(),
            generic,
            specific,
        };
        let mut response = match shown.page(Tr::default()) {
            Ok(html) => (shown.status, Html(html)).into_response(),
            Err(_) => (shown.status, shown.message.clone()).into_response(),
        };
        response.extensions_mut().insert(shown);
        response
    }
}

/// The same errors for `/api`: `{"error": {"status": 404, "message": "…"}}`, and for 422 the
/// fields with their messages (`"fields": [{"field": "values.i1", "message": "…"}]`).
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// The body of every error answer of the API (the OpenAPI document's `Error`).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status code again.
    #[schema(example = 404)]
    pub status: u16,
    /// What went wrong, in Bulgarian.
    pub message: String,
    /// Per-field errors of a 422 answer, in the order found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(default)]
    pub fields: Vec<FieldErrorJson>,
}

/// One field's error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorJson {
    /// The field: `status`, `values.i1`, `values.i2.numerator`, `spent.0.amount` …
    pub field: String,
    pub message: String,
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The query string of an API request read into `T`: the last value of a repeated key
/// counts, and a query that is not `T` is a 400 answered as the API's JSON `Error` (axum's own
/// `Query` answers plain text).
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            pairs.retain(|(key, _)| key.as_str() != k);
            pairs.push((k.into_owned(), v.into_owned()));
        }
        let text = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        serde_urlencoded::from_str(&text)
            .map(ApiQuery)
            .map_err(|e| ApiError(AppError::BadRequest(format!("Неразбираеми параметри: {e}"))))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let (message, fields) = match self.0 {
            AppError::Invalid { message, fields } => (
                message,
                fields
                    .into_iter()
                    .map(|(field, message)| FieldErrorJson { field, message })
                    .collect(),
            ),
            other => (other.public_message(), Vec::new()),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                message,
                fields,
            },
        };
        (status, Json(body)).into_response()
    }
}

/// Renders a template into a page.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    Ok(Html(t.render()?))
}

/// Parses an id from a URL; anything else is "not found", never a 500 or a panic.
pub fn parse_id(text: &str, what: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::not_found(format!("Няма {what} с номер „{text}“.")))
}
