//! Reading an upload form (multipart): its text fields and its one file, refused as soon as it
//! passes the size allowed, so every page that takes a file reads it the same way.

use super::AppError;
use axum::extract::Multipart;
use axum::http::StatusCode;

/// What a multipart form sent: its text fields and its file, if one was chosen.
#[derive(Debug, Default)]
pub struct Sent {
    pub fields: Vec<(String, String)>,
    /// (file name as sent, its bytes)
    pub file: Option<(String, Vec<u8>)>,
}

impl Sent {
    /// The text of field `name`, trimmed ("" when not sent).
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or_default()
    }
}

/// Why a form could not be read, with the status to answer with (400, 413).
#[derive(Debug)]
pub struct Refused(pub StatusCode, pub String);

/// For forms that answer a refused upload with the error page rather than the form again.
impl From<Refused> for AppError {
    fn from(Refused(status, message): Refused) -> AppError {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
            _ => AppError::BadRequest(message),
        }
    }
}

fn too_large(file: Option<String>, max: usize) -> Refused {
    let file = file.unwrap_or_else(|| "файлът".into());
    Refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("{file}: файлът е твърде голям (най-много {max} байта)"),
    )
}

/// What a part of a form costs of its limit beside its names and contents.
const PART_COST: usize = 64;

/// Room for a form's own bytes (part headers, boundaries, the text fields) beside its file.
pub const FORM_OVERHEAD: usize = 1024 * 1024;

/// The multipart form of `request`, its body held to `max` bytes of file and
/// [`FORM_OVERHEAD`]: for a route without axum's body limit (`DefaultBodyLimit::disable()`),
/// whose limit is the configured upload size. Past it reading the form fails (413).
pub async fn limited_form<S: Send + Sync>(
    request: axum::extract::Request,
    state: &S,
    max: usize,
) -> Result<Multipart, axum::extract::multipart::MultipartRejection> {
    use axum::extract::FromRequest;
    let limit = max.saturating_add(FORM_OVERHEAD);
    let request =
        request.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    Multipart::from_request(request, state).await
}

/// The multipart form of a route that takes a file, held to the configured upload size
/// ([`limited_form`]): the extractor of every such form route, whose route turns axum's own
/// body limit off (`DefaultBodyLimit::disable()`), so that a form whose part never ends (its
/// headers, or text before its first part, which the multipart reader holds whole) cannot grow
/// without end.
pub struct UploadForm(pub Multipart);

impl axum::extract::FromRequest<super::AppState> for UploadForm {
    type Rejection = axum::extract::multipart::MultipartRejection;

    async fn from_request(
        request: axum::extract::Request,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        limited_form(request, state, state.config.max_upload_bytes)
            .await
            .map(UploadForm)
    }
}

/// Reads a multipart form, refusing it (413) as soon as it passes `max` bytes of its fields'
/// contents, or the route's body limit (`DefaultBodyLimit`) if that is smaller.
pub async fn read(form: Multipart, max: usize) -> Result<Sent, Refused> {
    let (sent, refused) = read_fields(form, max, false).await;
    match refused {
        Some(r) => Err(r),
        None => Ok(sent),
    }
}

/// [`read`] for a form that is shown again when refused: past `max` bytes the rest of the form
/// is read and dropped (up to the route's body limit) rather than refused at once, so the text
/// fields in front of the file are kept and the page can show them with everything typed.
pub async fn read_keeping(form: Multipart, max: usize) -> (Sent, Option<Refused>) {
    read_fields(form, max, true).await
}

async fn read_fields(mut form: Multipart, max: usize, drain: bool) -> (Sent, Option<Refused>) {
    let broken = |e: axum::extract::multipart::MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(None, max),
        _ => Refused(
            StatusCode::BAD_REQUEST,
            format!("Формулярът не пристигна цял; опитайте отново ({e})."),
        ),
    };
    let mut sent = Sent::default();
    let mut refused: Option<Refused> = None;
    let mut total = 0usize;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (sent, refused),
            Err(e) => return (sent, refused.or_else(|| Some(broken(e)))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        // A part's names count with its contents (a form of a million empty parts, or of one
        // part named with megabytes, is as large as a file).
        total = total
            .saturating_add(name.len() + file_name.as_ref().map_or(0, String::len))
            .saturating_add(PART_COST);
        if total > max && refused.is_none() {
            refused = Some(too_large(file_name.clone(), max));
            if !drain {
                return (sent, refused);
            }
        }
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > max {
                        if refused.is_none() {
                            refused = Some(too_large(file_name.clone(), max));
                        }
                        if !drain {
                            return (sent, refused);
                        }
                        data.clear();
                    } else {
                        data.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(e) => return (sent, refused.or_else(|| Some(broken(e)))),
            }
        }
        if refused.is_some() {
            // Past the limit: read to the end, keep nothing more.
            continue;
        }
        match file_name {
            Some(f) if !f.trim().is_empty() || !data.is_empty() => sent.file = Some((f, data)),
            Some(_) => {}
            None => sent
                .fields
                .push((name, String::from_utf8_lossy(&data).into_owned())),
        }
    }
}
