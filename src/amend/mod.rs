//! Plan amendments as council acts: reading what a coordinator brings (planmon plan JSON, the
//! amended plan as a whole document, or an amending decision that lists only the changes) into
//! a proposed plan, and saving it as a new version with its act (`store.rs`), versions as pages
//! and the API read them (`versions.rs`), the history page and diffs (`pages.rs`), the versions
//! API (`api.rs`), `planmon amend` (`cli.rs`) and the demo amendment (`demo.rs`). On the web
//! (`Action::AmendPlan`): drafts of amendments (`draft.rs`, pure), the start page, the decision
//! upload and the one review → save (`work_pages.rs`), the editor of the plan in the browser
//! (`edit_pages.rs`; priorities' and objectives' forms in `part_pages.rs`; the forms read in
//! `edit.rs`), what these pages share (`views.rs`). The act
//! and the versions are stored by `plan::store`; the differences are `plan::diff`.

pub mod api;
pub mod apply;
pub mod cli;
pub mod decision;
pub mod demo;
pub mod describe;
pub mod draft;
pub mod edit;
pub mod edit_pages;
pub mod pages;
pub mod part_pages;
pub mod store;
pub mod versions;
pub mod views;
pub mod work_pages;

use crate::import::document::Block;
use crate::import::{ImportOptions, load};
use crate::plan::Plan;
use crate::plan::keys::KeySource;
use decision::Reading;

/// What an amendment file holds.
#[derive(Debug, Clone)]
pub enum Input {
    /// The whole amended plan (plan JSON or a document), with how to read its measure keys.
    Plan { plan: Box<Plan>, keys: KeySource },
    /// An amending decision: its text and what was recognised in it.
    Decision { text: String, reading: Reading },
}

/// Why a file cannot be read as an amendment.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error(
        "{0}: във файла няма нито план, нито изменения на мерки (например „Мярка 2.3 отпада“)."
    )]
    Nothing(String),
}

/// The text of a document's paragraphs, headings and table rows, one per line.
fn document_text(doc: &crate::import::document::Document) -> String {
    let mut lines = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => lines.push(text.clone()),
            Block::Table(t) => {
                for r in &t.rows {
                    let cells: Vec<String> = r
                        .cells
                        .iter()
                        .map(|c| c.joined())
                        .filter(|c| !c.is_empty())
                        .collect();
                    lines.push(cells.join(" "));
                }
            }
        }
    }
    lines.join("\n")
}

/// Reads an amendment file: planmon plan JSON or a document in which the importer finds a
/// plan with measures is the whole amended plan; any other document is read as an amending
/// decision.
pub fn read_input(file_name: &str, bytes: &[u8]) -> Result<Input, InputError> {
    read_input_within(file_name, bytes, crate::import::budget::ReadLimits::DEFAULT)
}

/// [`read_input`] within the reading budget `limits` (the configuration's on the server and
/// the command line), as the importer reads.
pub fn read_input_within(
    file_name: &str,
    bytes: &[u8],
    limits: crate::import::budget::ReadLimits,
) -> Result<Input, InputError> {
    let options = ImportOptions {
        limits,
        ..ImportOptions::default()
    };
    let out = load::import_bytes(file_name, bytes, &options);
    if let Ok(out) = &out
        && let Some(plan) = &out.plan
        && plan.measures().next().is_some()
    {
        let keys = match plan.source.as_ref().and_then(|s| s.format.as_deref()) {
            Some("json") => KeySource::Kept,
            _ => KeySource::Matched,
        };
        return Ok(Input::Plan {
            plan: Box::new(plan.clone()),
            keys,
        });
    }
    // The document as the importer read it (a scan is recognised once, not twice).
    let doc = match out {
        Ok(out) => out.document,
        Err(_) => crate::import::read::read_document_within(file_name, bytes, &limits)?.1,
    };
    let text = document_text(&doc);
    let reading = decision::read(&text);
    if reading.proposed.is_empty() && reading.not_understood.is_empty() {
        return Err(InputError::Nothing(file_name.to_string()));
    }
    Ok(Input::Decision { text, reading })
}

/// The media type of a decision file by its content (never by its name): PDF, a Word (DOCX)
/// or OpenDocument text (ODT: its first entry says so; DOCX: it holds `word/document.xml`),
/// images and plain text; `None` for anything else (another ZIP, a spreadsheet, a program).
pub fn decision_media_type(bytes: &[u8]) -> Option<&'static str> {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        if bytes.get(30..38) == Some(b"mimetype")
            && bytes
                .get(38..)
                .is_some_and(|h| h.starts_with(b"application/vnd.oasis.opendocument.text"))
        {
            Some("application/vnd.oasis.opendocument.text")
        } else if has(b"word/document.xml") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else {
            None
        }
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("application/msword")
    } else if std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')) {
        Some("text/plain; charset=utf-8")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_in_plain_text_is_read_as_changes() {
        let text = "Общинският съвет реши:\n1. Мярка 1.1 отпада.\n".as_bytes();
        let Ok(Input::Decision { reading, .. }) = read_input("reshenie.txt", text) else {
            panic!("a decision expected");
        };
        assert_eq!(reading.proposed.len(), 1);
    }

    #[test]
    fn a_file_with_neither_plan_nor_changes_is_refused() {
        let e = read_input("x.txt", "Протокол от заседание.".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("няма нито план"));
    }

    /// A ZIP whose first entry is `name` holding `data` (stored, as ODT's `mimetype` is).
    fn zip_with(name: &str, data: &[u8]) -> Vec<u8> {
        let mut z = b"PK\x03\x04".to_vec();
        z.extend([0u8; 22]);
        z.extend((name.len() as u16).to_le_bytes());
        z.extend([0u8; 2]);
        z.extend(name.as_bytes());
        z.extend(data);
        z
    }

    #[test]
    fn decision_files_are_recognised_by_content_not_by_name() {
        assert_eq!(
            decision_media_type(b"%PDF-1.7 ..."),
            Some("application/pdf")
        );
        assert_eq!(decision_media_type(&[0, 159, 146, 150]), None);
        let odt = zip_with("mimetype", b"application/vnd.oasis.opendocument.text");
        assert_eq!(
            decision_media_type(&odt),
            Some("application/vnd.oasis.opendocument.text")
        );
        let docx = zip_with("[Content_Types].xml", b"<Types/>PK....word/document.xml");
        assert_eq!(
            decision_media_type(&docx),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/");
        let real = |name: &str| std::fs::read(format!("{fixtures}{name}")).unwrap();
        assert_eq!(
            decision_media_type(&real("plovdiv-2022-2024.odt")),
            Some("application/vnd.oasis.opendocument.text")
        );
        assert_eq!(
            decision_media_type(&real("kazanlak-2021-2023.docx")),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let sheet = zip_with(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        );
        assert_eq!(decision_media_type(&sheet), None);
        assert_eq!(decision_media_type(&zip_with("a.exe", b"MZ")), None);
        assert_eq!(
            decision_media_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some("image/jpeg")
        );
    }
}
