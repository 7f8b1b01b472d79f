//! Importing a plan from the document it was adopted as: readers turn each file format into the
//! neutral [`document::Document`]; the recogniser turns a document into a draft plan (pure, no
//! database); the caller then saves it. See docs/ARCHITECTURE.md.
//!
//! Ownership while the importer is being built: `read_document` and the format readers
//! (docx, html, spreadsheets) belong to the formats work; `recognise` and the text reader to the
//! recogniser work. Both keep these signatures.

pub mod access;
pub mod budget;
pub mod document;
pub mod docx;
pub mod html;
pub mod load;
pub mod names;
mod ods;
pub mod office;
pub mod pages;
pub mod pdf;
pub mod progress;
pub mod read;
pub mod recognise;
pub mod review;
pub mod review_pages;
pub mod sheet;
pub mod store;
pub mod template;
pub mod text;
pub mod tool;
pub mod upload;

pub use read::read_document;
pub use recognise::recognise;
pub use text::read_text;

use crate::plan::{Adoption, Plan, YearRange};
use document::{Document, Location};
use serde::{Deserialize, Serialize};

/// The largest file accepted; bigger files are refused before reading.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

/// The formats planmon reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Text extracted from Word or PDF (tab-separated rows, Markdown, HTML fragments).
    Text,
    Docx,
    Html,
    Xlsx,
    Ods,
    Csv,
    /// planmon plan JSON.
    Json,
    /// A PDF's text layer and rulings.
    Pdf,
}

impl SourceFormat {
    pub fn code(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Docx => "docx",
            SourceFormat::Html => "html",
            SourceFormat::Xlsx => "xlsx",
            SourceFormat::Ods => "ods",
            SourceFormat::Csv => "csv",
            SourceFormat::Json => "json",
            SourceFormat::Pdf => "pdf",
        }
    }
}

/// What the caller may tell the importer.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Use this municipality instead of the one recognised.
    pub municipality: Option<String>,
    /// The reading budget (the configuration's, `Config::read_limits`, on the server and the
    /// command line; the defaults otherwise).
    pub limits: budget::ReadLimits,
}

/// A file that cannot be read at all. Each variant says what and where, in Bulgarian.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: файлът е празен")]
    Empty { file: String },
    #[error("{file}: файлът е твърде голям ({size} байта; най-много {max} байта)")]
    TooLarge {
        file: String,
        size: usize,
        max: usize,
    },
    #[error("{file}: форматът не е разпознат ({detail})")]
    UnknownFormat { file: String, detail: String },
    #[error("{file}: файлът е защитен с парола или шифриран и не може да бъде прочетен")]
    Encrypted { file: String },
    #[error("{file}: файлът е повреден или непълен: {detail}")]
    Corrupt { file: String, detail: String },
    /// The file needs more than a reader may spend on one file ([`budget::ReadLimits`]).
    #[error("{file}: файлът надхвърля ограничението за обработка ({limit})")]
    OverBudget {
        file: String,
        /// The limit, in Bulgarian, with its number.
        limit: String,
        which: budget::Limit,
    },
    #[error("{file}, {at}: {detail}")]
    Invalid {
        file: String,
        at: String,
        detail: String,
    },
}

/// What kind of thing a warning is about, so the review page can group and mark rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Cells of a row were moved back into their columns.
    ShiftedColumns,
    /// A bare number taken as BGN.
    UnitMissing,
    /// Source text that has no place in the plan (also listed in `plan.unplaced`).
    Unplaced,
    /// An institution or funding source not in the registry: proposed, not merged.
    NewName,
    /// Header metadata that the document does not state (left empty).
    MissingMetadata,
    /// A row continued across a page break was joined to the row before it.
    JoinedRow,
    /// The text was recognised from a scan (OCR) and must be checked.
    Ocr,
    /// Anything else worth a look.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportWarning {
    pub kind: WarningKind,
    /// Where in the source, in Bulgarian ("ред 32, колона 6").
    pub at: String,
    /// The measure the warning concerns, when it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_key: Option<String>,
    pub message: String,
}

impl ImportWarning {
    pub fn new(kind: WarningKind, at: &Location, message: impl Into<String>) -> ImportWarning {
        ImportWarning {
            kind,
            at: at.describe_bg(),
            measure_key: None,
            message: message.into(),
        }
    }
}

/// What was recognised in a document, whether or not it holds a measure table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recognised {
    pub municipality: Option<String>,
    pub title: Option<String>,
    pub period: Option<YearRange>,
    pub adoption: Option<Adoption>,
    /// Where each fact was found.
    #[serde(default)]
    pub found: FoundAt,
}

/// Where in the document each header fact was found, in Bulgarian ("ред 3", "страница 1, ред
/// 2", "таблицата с данни за плана"); None when the document does not state it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FoundAt {
    pub municipality: Option<String>,
    pub title: Option<String>,
    pub period: Option<String>,
    pub adoption: Option<String>,
}

impl FoundAt {
    /// Every fact the plan holds, found in one place (a file of planmon's own format).
    pub fn whole(plan: &Plan, place: &str) -> FoundAt {
        let here = Some(place.to_string());
        FoundAt {
            municipality: here.clone(),
            title: here.clone(),
            period: here.clone(),
            adoption: plan.adoption.as_ref().and(here),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub format: SourceFormat,
    pub recognised: Recognised,
    /// The plan, or None when no measure table was found.
    pub plan: Option<Plan>,
    pub warnings: Vec<ImportWarning>,
    /// The document as read, for the review page's source view.
    pub document: Document,
}
