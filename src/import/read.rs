//! Format dispatch: decide what a file is from its content (the file name's extension is only a
//! hint), refuse what cannot be read with a clear error, and hand the bytes to the right reader.

use super::budget::{ReadBudget, ReadLimits};
use super::document::{Block, Document, Location};
use super::{ImportError, SourceFormat};
use std::io::{Cursor, Read};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads any supported file into the neutral document model.
pub fn read_document(
    file_name: &str,
    bytes: &[u8],
) -> Result<(SourceFormat, Document), ImportError> {
    read_document_within(file_name, bytes, &ReadLimits::DEFAULT)
}

/// [`read_document`] with a size limit of the caller's choice (tests, configuration).
pub fn read_document_with_limit(
    file_name: &str,
    bytes: &[u8],
    max_bytes: usize,
) -> Result<(SourceFormat, Document), ImportError> {
    let limits = ReadLimits {
        file_bytes: max_bytes as u64,
        ..ReadLimits::DEFAULT
    };
    read_document_within(file_name, bytes, &limits)
}

/// [`read_document`] within `limits`: every reader is charged while it reads, and a file that
/// needs more is refused with [`ImportError::OverBudget`] naming the limit.
pub fn read_document_within(
    file_name: &str,
    bytes: &[u8],
    limits: &ReadLimits,
) -> Result<(SourceFormat, Document), ImportError> {
    check_size(file_name, bytes.len(), limits.file_bytes as usize)?;
    let mut budget = ReadBudget::new(file_name, *limits);
    let budget = &mut budget;
    let file = file_name.to_string();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { file });
    }
    let ext = extension(file_name);
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC) {
        return read_zip(&file, bytes, budget);
    }
    if bytes.starts_with(OLE2_MAGIC) {
        let word: Vec<u8> = "WordDocument"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let encrypted = ole2_error(&file, bytes, ext.as_deref());
        if !matches!(encrypted, ImportError::Encrypted { .. })
            && bytes.windows(word.len()).any(|w| w == word.as_slice())
        {
            return read_converted(&file, bytes, "doc", budget);
        }
        return Err(encrypted);
    }
    if bytes.starts_with(b"{\\rtf") {
        return read_converted(&file, bytes, "rtf", budget);
    }
    if bytes.starts_with(b"%PDF") {
        return Ok((
            SourceFormat::Pdf,
            super::pdf::read_pdf(&file, bytes, budget)?,
        ));
    }
    let text = decode_text(&file, bytes)?;
    if let Some(e @ ("docx" | "xlsx" | "ods" | "doc" | "xls" | "odt" | "pdf")) = ext.as_deref() {
        return Err(ImportError::UnknownFormat {
            file,
            detail: format!(
                "името завършва на .{e}, но съдържанието е обикновен текст, а не такъв файл"
            ),
        });
    }
    read_text_like(&file, &text, ext.as_deref(), budget)
}

/// A `.doc`, `.odt` or `.rtf` converted to DOCX by LibreOffice ([`super::office`]), then read as
/// DOCX within the same budget.
fn read_converted(
    file: &str,
    bytes: &[u8],
    kind: &str,
    budget: &mut ReadBudget,
) -> Result<(SourceFormat, Document), ImportError> {
    let docx = super::office::to_docx(file, bytes, kind)?;
    if !docx.starts_with(ZIP_MAGIC) {
        return Err(ImportError::Corrupt {
            file: file.to_string(),
            detail: "LibreOffice не върна документ DOCX".into(),
        });
    }
    read_zip(file, &docx, budget)
}

/// Checks the size before anything else is done with the bytes.
pub fn check_size(file_name: &str, size: usize, max_bytes: usize) -> Result<(), ImportError> {
    if size > max_bytes {
        return Err(ImportError::TooLarge {
            file: file_name.to_string(),
            size,
            max: max_bytes,
        });
    }
    Ok(())
}

fn extension(file_name: &str) -> Option<String> {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

fn read_zip(
    file: &str,
    bytes: &[u8],
    budget: &mut ReadBudget,
) -> Result<(SourceFormat, Document), ImportError> {
    budget.check_zip_directory(bytes)?;
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ImportError::Corrupt {
            file: file.to_string(),
            detail: format!("ZIP архивът не може да бъде отворен ({e})"),
        })?;
    budget.check_zip_entries(archive.len())?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("word/document.xml") {
        return Ok((
            SourceFormat::Docx,
            super::docx::read_docx(file, &mut archive, budget)?,
        ));
    }
    if has("xl/workbook.xml") {
        return Ok((
            SourceFormat::Xlsx,
            super::sheet::read_xlsx(file, bytes, budget)?,
        ));
    }
    if has("mimetype") {
        // A password-protected OpenDocument file says so in its manifest; its content is
        // unreadable without the password.
        if has("META-INF/manifest.xml") {
            let manifest = zip_entry(file, &mut archive, "META-INF/manifest.xml", 1 << 20, budget)?;
            if String::from_utf8_lossy(&manifest).contains("encryption-data") {
                return Err(ImportError::Encrypted {
                    file: file.to_string(),
                });
            }
        }
        let mime = zip_entry(file, &mut archive, "mimetype", 200, budget)?;
        let mime = String::from_utf8_lossy(&mime).trim().to_string();
        if mime == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok((
                SourceFormat::Ods,
                super::sheet::read_ods(file, bytes, budget)?,
            ));
        }
        if mime.starts_with("application/vnd.oasis.opendocument.text") {
            return read_converted(file, bytes, "odt", budget);
        }
        return Err(ImportError::UnknownFormat {
            file: file.to_string(),
            detail: format!("документ OpenDocument от вид „{mime}“, а не таблица ODS"),
        });
    }
    Err(ImportError::UnknownFormat {
        file: file.to_string(),
        detail: describe_zip(&names),
    })
}

/// "ZIP архив с 3 файла (a.png, b.png, c.png), а не документ DOCX, XLSX или ODS".
fn describe_zip(names: &[String]) -> String {
    if names.is_empty() {
        return "празен ZIP архив, а не документ DOCX, XLSX или ODS".into();
    }
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = if names.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!(
        "ZIP архив с {} файла ({}{more}), а не документ DOCX, XLSX или ODS",
        names.len(),
        shown.join(", ")
    )
}

/// Reads one entry of a ZIP archive, at most `limit` bytes (the archive's stated sizes are not
/// trusted: a small file can claim to unpack to gigabytes).
pub(crate) fn zip_entry<R: Read + std::io::Seek>(
    file: &str,
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    limit: usize,
    budget: &ReadBudget,
) -> Result<Vec<u8>, ImportError> {
    let corrupt = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail,
    };
    let entry = archive
        .by_name(name)
        .map_err(|e| corrupt(format!("частта {name} липсва или е повредена ({e})")))?;
    let mut out = Vec::new();
    budget
        .counted(entry)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            budget
                .io_error(|| corrupt(format!("частта {name} не може да бъде разархивирана ({e})")))
        })?;
    if out.len() > limit {
        return Err(corrupt(format!(
            "частта {name} е по-голяма от {limit} байта след разархивиране"
        )));
    }
    Ok(out)
}

fn ole2_error(file: &str, bytes: &[u8], ext: Option<&str>) -> ImportError {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let needle = utf16("EncryptedPackage");
    if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
        return ImportError::Encrypted {
            file: file.to_string(),
        };
    }
    let kind = match ext {
        Some("xls") => "стар формат на Excel (.xls): запишете файла като XLSX и опитайте отново",
        Some("doc") => "стар формат на Word (.doc): запишете файла като DOCX и опитайте отново",
        _ => "стар двоичен формат на Word или Excel (.doc/.xls): запишете файла като DOCX или XLSX",
    };
    ImportError::UnknownFormat {
        file: file.to_string(),
        detail: kind.into(),
    }
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251, the usual Bulgarian code
/// page; anything with control bytes is binary and refused.
fn decode_text(file: &str, bytes: &[u8]) -> Result<String, ImportError> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, errors) = enc.decode(bytes);
        if !errors && !looks_binary(&text) {
            return Ok(text.into_owned());
        }
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        if !looks_binary(text) {
            return Ok(text.to_string());
        }
    } else {
        let (text, _, errors) = encoding_rs::WINDOWS_1251.decode(bytes);
        if !errors && !looks_binary(&text) {
            return Ok(text.into_owned());
        }
    }
    Err(ImportError::UnknownFormat {
        file: file.to_string(),
        detail: "двоично съдържание, което не е DOCX, XLSX, ODS, HTML, CSV, JSON или текст".into(),
    })
}

fn looks_binary(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

fn read_text_like(
    file: &str,
    text: &str,
    ext: Option<&str>,
    budget: &mut ReadBudget,
) -> Result<(SourceFormat, Document), ImportError> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if is_html(head, ext) {
        return Ok((SourceFormat::Html, super::html::read_html(text, budget)?));
    }
    if (head.starts_with('{') || head.starts_with('['))
        // Checked without building a tree: `[0,0,…]` of 50 MB would be gigabytes of values.
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Ok((SourceFormat::Json, lines_document(text, budget)?));
    }
    if matches!(ext, Some("csv" | "tsv")) || (!matches!(ext, Some("txt" | "md")) && is_csv(text)) {
        return Ok((
            SourceFormat::Csv,
            super::sheet::read_csv(file, text, budget)?,
        ));
    }
    // Text taken from a PDF with `pdftotext -layout`: its columns are in its alignment.
    if super::pdf::layout_text::looks_like_layout_text(text) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        return Ok((
            SourceFormat::Text,
            super::pdf::layout_text::read_layout_text(text, budget)?,
        ));
    }
    Ok((SourceFormat::Text, super::text::read_str(text, budget)?))
}

fn is_html(head: &str, ext: Option<&str>) -> bool {
    let lower: String = head.chars().take(200).collect::<String>().to_lowercase();
    lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || (lower.starts_with("<?xml") && lower.contains("<html"))
        || (matches!(ext, Some("html" | "htm" | "xhtml")) && lower.starts_with('<'))
}

/// Text that is a delimited table: at least two lines, and every one of the first lines has the
/// same number (two or more) of `;` or `,` separated fields. Tab-separated text stays text: the
/// text reader knows the extracted-document conventions that go with it.
fn is_csv(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    if lines.len() < 2 {
        return false;
    }
    [b';', b','].iter().any(|&d| {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(super::sheet::csv_sample(text).as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .take(20)
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect();
        counts.len() >= 2 && counts[0] >= 2 && counts.iter().all(|&c| c == counts[0])
    })
}

fn lines_document(text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    budget.charge_text(text.len())?;
    let mut blocks = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if !l.trim().is_empty() {
            blocks.push(Block::Paragraph {
                text: l.to_string(),
                at: Location::line(i + 1),
            });
        }
    }
    Ok(Document::new(blocks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_is_lowercased_and_a_dotfile_has_none() {
        assert_eq!(extension("План.DOCX").as_deref(), Some("docx"));
        assert_eq!(extension("dir.x/plan").as_deref(), None);
        assert_eq!(extension(".hidden"), None);
    }

    #[test]
    fn semicolon_separated_lines_are_csv_but_tab_separated_text_is_not() {
        assert!(is_csv("Цел;Мярка;Срок\n1;Ремонт;2023\n"));
        assert!(!is_csv("Цел\tМярка\tСрок\n1\tРемонт\t2023\n"));
        assert!(!is_csv("Една линия; само"));
    }

    #[test]
    fn windows_1251_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("План за действие");
        assert_eq!(
            decode_text("a.txt", &bytes).ok().as_deref(),
            Some("План за действие")
        );
    }
}
