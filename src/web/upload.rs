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

/// Reads a multipart form, refusing it (413) as soon as it passes `max` bytes of its fields'
/// contents, or the route's body limit (`DefaultBodyLimit`) if that is smaller.
pub async fn read(mut form: Multipart, max: usize) -> Result<Sent, Refused> {
    let broken = |e: axum::extract::multipart::MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(None, max),
        _ => Refused(
            StatusCode::BAD_REQUEST,
            format!("Формулярът не пристигна цял; опитайте отново ({e})."),
        ),
    };
    let mut sent = Sent::default();
    let mut total = 0usize;
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            total += chunk.len();
            if total > max {
                return Err(too_large(file_name, max));
            }
            data.extend_from_slice(&chunk);
        }
        match file_name {
            Some(f) if !f.trim().is_empty() || !data.is_empty() => sent.file = Some((f, data)),
            Some(_) => {}
            None => sent
                .fields
                .push((name, String::from_utf8_lossy(&data).into_owned())),
        }
    }
    Ok(sent)
}
