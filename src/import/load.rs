//! One file → an import outcome: size check, reading by format, recognising, and a summary of
//! what was recognised (for `planmon inspect` and the review page).

use super::document::Document;
use super::{ImportError, ImportOptions, ImportOutcome, MAX_FILE_BYTES, SourceFormat, recognise};
use crate::plan::SourceDocument;
use serde::Serialize;

/// Reads a document of any supported format (planmon plan JSON is handled by the caller).
pub fn read_any(file_name: &str, bytes: &[u8]) -> Result<(SourceFormat, Document), ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            file: file_name.to_string(),
        });
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file: file_name.to_string(),
            size: bytes.len(),
            max: MAX_FILE_BYTES,
        });
    }
    let lower = file_name.to_lowercase();
    let binary = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"%PDF")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0")
        || bytes.iter().take(4096).any(|b| *b == 0);
    if binary
        || [".docx", ".xlsx", ".ods", ".pdf", ".doc", ".xls"]
            .iter()
            .any(|e| lower.ends_with(e))
    {
        return Err(ImportError::UnknownFormat {
            file: file_name.to_string(),
            detail: "засега се четат текст (.txt, .md) и planmon plan JSON".to_string(),
        });
    }
    Ok((SourceFormat::Text, super::text::read_text(bytes)?))
}

/// Reads and recognises one file.
pub fn import_bytes(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportOutcome, ImportError> {
    let (format, doc) = read_any(file_name, bytes)?;
    let mut out = recognise(&doc, format, options);
    if let Some(plan) = &mut out.plan {
        plan.source = Some(SourceDocument {
            file_name: Some(file_name.to_string()),
            format: Some(format.code().to_string()),
            sha256: None,
        });
    }
    Ok(out)
}

/// What `planmon inspect --json` prints.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub file: &'a str,
    pub format: SourceFormat,
    #[serde(flatten)]
    pub recognised: &'a super::Recognised,
    pub measure_table_found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<crate::plan::rules::Counts>,
    pub unplaced: usize,
    pub warnings: &'a [super::ImportWarning],
}

/// Said when a document has no measure table.
pub const NO_TABLE: &str = "не е намерена таблица с мерки";

pub fn summary<'a>(file: &'a str, out: &'a ImportOutcome) -> Summary<'a> {
    Summary {
        file,
        format: out.format,
        recognised: &out.recognised,
        measure_table_found: out.plan.is_some(),
        message: out.plan.is_none().then_some(NO_TABLE),
        counts: out.plan.as_ref().map(crate::plan::rules::counts),
        unplaced: out.plan.as_ref().map_or(0, |p| p.unplaced.len()),
        warnings: &out.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_binary_and_oversized_files_are_refused_with_their_name() {
        let e = read_any("a.txt", b"").expect_err("empty");
        assert!(e.to_string().contains("a.txt"));
        let e = read_any("plan.docx", b"PK\x03\x04rest").expect_err("zip");
        assert!(matches!(e, ImportError::UnknownFormat { .. }));
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(matches!(
            read_any("big.txt", &big),
            Err(ImportError::TooLarge { .. })
        ));
    }
}
