//! Files sent to the browser: the media type, the name it is saved under (with a plain ASCII
//! fallback and the real, possibly Cyrillic, name per RFC 6266/5987) and no content sniffing.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// How a file is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown in the browser (HTML reports).
    Inline,
    /// Saved as a file.
    Attachment,
}

/// The `Content-Disposition` value for `file_name`.
pub fn content_disposition(disposition: Disposition, file_name: &str) -> String {
    let kind = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == file_name {
        return format!("{kind}; filename=\"{ascii}\"");
    }
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file response.
pub fn file(
    media_type: &str,
    file_name: &str,
    disposition: Disposition,
    bytes: Vec<u8>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(disposition, file_name),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyrillic_name_gets_an_ascii_fallback_and_its_encoded_self() {
        assert_eq!(
            content_disposition(Disposition::Attachment, "решение 12.pdf"),
            "attachment; filename=\"________12.pdf\"; \
             filename*=UTF-8''%D1%80%D0%B5%D1%88%D0%B5%D0%BD%D0%B8%D0%B5%2012.pdf"
        );
        assert_eq!(
            content_disposition(Disposition::Inline, "report-1.html"),
            "inline; filename=\"report-1.html\""
        );
        assert_eq!(
            content_disposition(Disposition::Attachment, "a\"b\r\n.pdf"),
            "attachment; filename=\"a_b__.pdf\"; filename*=UTF-8''a%22b%0D%0A.pdf"
        );
    }
}
