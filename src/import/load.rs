//! One file → an import outcome: size check, reading by format, recognising, and a summary of
//! what was recognised (for `planmon inspect` and the review page).

use super::budget::{Limit, ReadBudget, ReadLimits};
use super::document::Document;
use super::review::Draft;
use super::{ImportError, ImportOptions, ImportOutcome, SourceFormat};
use crate::plan::SourceDocument;
use serde::Serialize;

/// Reads a document of any supported format: the content decides (see [`super::read`]).
pub fn read_any(file_name: &str, bytes: &[u8]) -> Result<(SourceFormat, Document), ImportError> {
    super::read::read_document(file_name, bytes)
}

/// Reads and recognises one file.
pub fn import_bytes(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportOutcome, ImportError> {
    import_bytes_with_progress(file_name, bytes, options, &mut |_, _, _| {})
}

/// What an import is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The bytes are read into a document: (0, size) when it starts, (size, size) when done.
    Parsing,
    /// The recogniser goes through the document: (blocks and rows done, in all).
    Recognising,
}

/// [`import_bytes`], telling `progress` (stage, done, total) as it goes.
pub fn import_bytes_with_progress(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let size = bytes.len() as u64;
    progress(Stage::Parsing, 0, size);
    let (format, mut doc) = super::read::read_document_within(file_name, bytes, &options.limits)?;
    progress(Stage::Parsing, size, size);
    let notes = std::mem::take(&mut doc.notes);
    let mut out = match format {
        SourceFormat::Json => plan_json_outcome(file_name, bytes, doc, options)?,
        // planmon's own plan workbook (`opendata::plan_xlsx`) is read exactly, not recognised.
        SourceFormat::Xlsx if crate::opendata::plan_xlsx::is_export(&doc) => {
            plan_xlsx_outcome(file_name, doc, options)?
        }
        _ => super::recognise::recognise_document(doc, format, options, &mut |done, all| {
            progress(Stage::Recognising, done, all)
        }),
    };
    out.warnings.splice(0..0, notes);
    if let Some(plan) = &out.plan {
        ReadBudget::new(file_name, options.limits).check_measures(plan.measures().count())?;
    }
    if let Some(plan) = &mut out.plan {
        plan.source = Some(SourceDocument {
            file_name: Some(file_name.to_string()),
            format: Some(format.code().to_string()),
            sha256: Some(sha256_hex(bytes)),
        });
    }
    Ok(out)
}

/// Refuses a draft that would be stored larger than [`ReadLimits::draft_bytes`], measured
/// while it is written out, without holding the text.
pub fn check_draft(file_name: &str, draft: &Draft, limits: ReadLimits) -> Result<(), ImportError> {
    let budget = ReadBudget::new(file_name, limits);
    let mut sink = LimitedSink {
        written: 0,
        max: budget.limits().draft_bytes,
    };
    match serde_json::to_writer(&mut sink, draft) {
        Err(_) if sink.written > sink.max => Err(budget.over(Limit::DraftBytes)),
        _ => Ok(()),
    }
}

/// Counts bytes written and fails past `max`.
struct LimitedSink {
    written: u64,
    max: u64,
}

impl std::io::Write for LimitedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written += buf.len() as u64;
        if self.written > self.max {
            return Err(std::io::Error::other("draft size limit"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The file's SHA-256 as 64 lower-case hex digits: which file a plan was imported from.
pub use crate::files::sha256_hex;

/// planmon plan JSON needs no recognising: it is the plan.
fn plan_json_outcome(
    file_name: &str,
    bytes: &[u8],
    document: Document,
    options: &ImportOptions,
) -> Result<ImportOutcome, ImportError> {
    let text = String::from_utf8_lossy(bytes);
    let mut plan =
        crate::plan::format::parse_plan_json(&text).map_err(|e| ImportError::Invalid {
            file: file_name.to_string(),
            at: "plan JSON".to_string(),
            detail: e.to_string(),
        })?;
    if let Some(m) = &options.municipality {
        plan.municipality = m.clone();
    }
    Ok(ImportOutcome {
        format: SourceFormat::Json,
        recognised: super::Recognised {
            municipality: Some(plan.municipality.clone()),
            title: Some(plan.title.clone()),
            period: Some(plan.period),
            adoption: plan.adoption.clone(),
            found: super::FoundAt::whole(&plan, "plan JSON"),
        },
        plan: Some(plan),
        warnings: Vec::new(),
        document,
    })
}

/// planmon's plan workbook holds every field in its own cell: read, not recognised.
fn plan_xlsx_outcome(
    file_name: &str,
    document: Document,
    options: &ImportOptions,
) -> Result<ImportOutcome, ImportError> {
    let mut plan =
        crate::opendata::plan_xlsx::read(&document).map_err(|detail| ImportError::Invalid {
            file: file_name.to_string(),
            at: "работна книга на planmon".to_string(),
            detail,
        })?;
    if let Some(m) = &options.municipality {
        plan.municipality = m.clone();
    }
    Ok(ImportOutcome {
        format: SourceFormat::Xlsx,
        recognised: super::Recognised {
            municipality: Some(plan.municipality.clone()),
            title: Some(plan.title.clone()),
            period: Some(plan.period),
            adoption: plan.adoption.clone(),
            found: super::FoundAt::whole(&plan, "работната книга на planmon"),
        },
        plan: Some(plan),
        warnings: Vec::new(),
        document,
    })
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
    fn the_source_of_an_imported_plan_names_the_file_its_format_and_its_sha256() {
        let text = "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово 2024-2026 г.\n\nДейности\tОтговорна институция\tСрок\n1. Ремонт\tОбщина Тестово\t2024 г.\n";
        let out =
            import_bytes("план.txt", text.as_bytes(), &ImportOptions::default()).expect("imports");
        let source = out.plan.and_then(|p| p.source).expect("source");
        assert_eq!(source.file_name.as_deref(), Some("план.txt"));
        assert_eq!(source.format.as_deref(), Some("text"));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(source.sha256, Some(sha256_hex(text.as_bytes())));
    }

    #[test]
    fn progress_is_told_for_each_stage_and_ends_complete() {
        let text = "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово 2024-2026 г.\n\nДейности\tОтговорна институция\tСрок\n1. Ремонт\tОбщина Тестово\t2024 г.\n2. Беседи\tРЗИ\t2025 г.\n";
        let mut seen = Vec::new();
        let out = import_bytes_with_progress(
            "t.txt",
            text.as_bytes(),
            &ImportOptions::default(),
            &mut |stage, done, total| seen.push((stage, done, total)),
        )
        .expect("imports");
        assert!(out.plan.is_some());
        let size = text.len() as u64;
        assert_eq!(seen[0], (Stage::Parsing, 0, size));
        assert_eq!(seen[1], (Stage::Parsing, size, size));
        let recognising: Vec<_> = seen[2..].iter().collect();
        assert!(
            recognising
                .iter()
                .all(|(s, d, t)| *s == Stage::Recognising && d <= t)
        );
        assert!(recognising.windows(2).all(|w| w[0].1 <= w[1].1), "{seen:?}");
        let last = recognising.last().expect("recognising told");
        assert_eq!(last.1, last.2, "ends complete");
    }

    #[test]
    fn empty_binary_and_oversized_files_are_refused_with_their_name() {
        let e = read_any("a.txt", b"").expect_err("empty");
        assert!(e.to_string().contains("a.txt"));
        // A ZIP signature with nothing after it is a truncated archive.
        let e = read_any("plan.docx", b"PK\x03\x04rest").expect_err("zip");
        assert!(matches!(e, ImportError::Corrupt { .. }), "{e}");
        let big = vec![b'a'; crate::import::MAX_FILE_BYTES + 1];
        assert!(matches!(
            read_any("big.txt", &big),
            Err(ImportError::TooLarge { .. })
        ));
    }
}
