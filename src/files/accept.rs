//! Which uploaded documents are accepted (evidence of an update, the evidence of a report's
//! adoption): files of a few document and image types, size-limited and checked by content,
//! then stored by their SHA-256 (`crate::files`); or links to web addresses.

use crate::i18n::Msg;
use std::path::Path;

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// (extension, media type, how the content must start; empty = text).
const TYPES: [(&str, &str, &[u8]); 9] = [
    ("pdf", "application/pdf", b"%PDF"),
    ("png", "image/png", b"\x89PNG"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        b"PK\x03\x04",
    ),
    ("txt", "text/plain; charset=utf-8", b""),
    ("csv", "text/csv; charset=utf-8", b""),
];

/// The media type of an acceptable file, or what is wrong with it (said in the reader's
/// language by `Tr::say`).
pub fn check_file(file_name: &str, bytes: &[u8]) -> Result<&'static str, Msg> {
    if bytes.is_empty() {
        return Err(Msg::new("files.empty"));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(Msg::new("files.too_large")
            .with("size", bytes.len().div_ceil(1024 * 1024).to_string())
            .with("max", (MAX_EVIDENCE_BYTES / (1024 * 1024)).to_string()));
    }
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let Some((_, media, magic)) = TYPES.iter().find(|(e, _, _)| *e == ext) else {
        return Err(Msg::new("files.kind").with("ext", ext));
    };
    let content_ok = if magic.is_empty() {
        std::str::from_utf8(bytes).is_ok()
    } else {
        bytes.starts_with(magic)
    };
    if !content_ok {
        return Err(Msg::new("files.content")
            .with("name", file_name)
            .with("ext", ext));
    }
    Ok(media)
}

/// A link must be an http(s) address.
pub fn check_link(url: &str) -> Result<String, Msg> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !url.chars().any(char::is_whitespace) && url.len() <= 2000 => {
            Ok(url.to_string())
        }
        _ => Err(Msg::new("files.link").with("url", url)),
    }
}

/// Keeps only the file's own name, without folders, for display and downloads.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_accepted_by_extension_and_content() {
        assert_eq!(
            check_file("отчет.pdf", b"%PDF-1.7 ..."),
            Ok("application/pdf")
        );
        assert!(
            check_file("отчет.pdf", b"MZ\x90\x00").is_err(),
            "an exe named .pdf"
        );
        assert!(check_file("script.exe", b"MZ").is_err());
        assert!(check_file("празен.txt", b"").is_err());
        let big = vec![b'a'; MAX_EVIDENCE_BYTES + 1];
        let err = check_file("big.txt", &big)
            .expect_err("too large")
            .to_string();
        assert!(err.contains("най-много се приемат 10 MB"), "{err}");
        let en = crate::i18n::Tr::new(crate::i18n::Lang::En);
        let said = en.say(&check_file("a.exe", b"MZ").expect_err("not accepted"));
        assert!(said.contains("“exe” files are not accepted"), "{said}");
    }

    #[test]
    fn links_must_be_web_addresses() {
        assert!(check_link("https://plovdiv.bg/doc.pdf").is_ok());
        assert!(check_link("javascript:alert(1)").is_err());
        assert!(check_link("http://").is_err());
    }

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(clean_file_name("C:\\x\\..\\отчет.pdf"), "отчет.pdf");
    }
}
