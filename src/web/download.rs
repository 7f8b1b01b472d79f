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

/// An HTML document shown inline (the annual report) with a Content-Security-Policy that
/// lets exactly its own `<style>` elements apply (by their SHA-256) and nothing else run.
pub fn html_document(file_name: &str, bytes: Vec<u8>) -> Response {
    let csp = document_csp(&String::from_utf8_lossy(&bytes));
    let mut response = file(
        "text/html; charset=utf-8",
        file_name,
        Disposition::Inline,
        bytes,
    );
    if let Ok(v) = header::HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// `default-src 'none'` plus a `style-src` hash for every `<style>` element of `html`.
pub fn document_csp(html: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<style") {
        let after = &rest[open..];
        let (Some(start), Some(end)) = (after.find('>'), after.find("</style>")) else {
            break;
        };
        if start < end {
            let digest = Sha256::digest(&after.as_bytes()[start + 1..end]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[end + "</style>".len()..];
    }
    let styles = if hashes.is_empty() {
        "'none'".to_string()
    } else {
        hashes.join(" ")
    };
    format!(
        "default-src 'none'; img-src 'self' data:; style-src {styles}; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_may_apply_exactly_its_own_styles() {
        let csp =
            document_csp("<html><style>p{color:red}</style><p>x</p><style media=print>b{}</style>");
        // echo -n 'p{color:red}' | openssl dgst -sha256 -binary | base64
        assert!(
            csp.contains(
                "style-src 'sha256-p0bF+un5yUb9MBO6xRb8kPHlY2BdpHVtLiFkDrZPF64=' 'sha256-"
            ),
            "{csp}"
        );
        assert_eq!(csp.matches("'sha256-").count(), 2, "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.starts_with("default-src 'none'"));
        assert!(document_csp("<p>").contains("style-src 'none'"));
    }

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
