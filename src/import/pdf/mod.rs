//! The PDF reader: the text layer of each page with every glyph's position, and the ruling
//! lines and rectangles drawn on it, read directly from the file (lopdf parses the objects,
//! streams and fonts' ToUnicode maps; planmon interprets the rest). The content
//! operators are interpreted in [`content`], fonts decoded in [`font`]; the layout analysis that
//! turns glyphs and lines into paragraphs and tables is in [`layout`] (lines of text in
//! [`lines`], ruled tables in [`grid`]).
//!
//! What is read is bounded by the reader's budget ([`ReadBudget`]): the file's size (checked
//! before), the decompressed size of every stream (the unpacked limit), the text of the glyphs,
//! the nesting of forms (the depth limit), the rows and cells laid out; and by [`PdfLimits`]:
//! pages, content operators and glyphs; a content stream is decoded a piece at a time
//! ([`pieces`]). Pages with no text layer that paint an image (scanned pages, the whole
//! file or some pages among typed ones) are read by OCR when the administrator has switched it
//! on ([`ocr`]), in their place among the text pages; otherwise the text pages are read with a
//! warning naming the pages left unread, and a file of scanned pages only is refused.

mod aligned;
mod content;
mod continued;
mod font;
mod function_words;
mod grid;
mod guard;
mod layout;
pub mod layout_text;
mod lexicon;
mod lines;
pub mod ocr;
mod pieces;
mod runs;
mod spelling;
mod unruled;
mod vocabulary;
mod words;

use super::ImportError;
use super::budget::ReadBudget;
use super::document::Document;
use content::Reader;
use std::collections::HashMap;

/// What only a PDF has to bound, beside the reader's budget.
#[derive(Debug, Clone, Copy)]
pub struct PdfLimits {
    pub pages: usize,
    /// Content operators on one page (forms included).
    pub operators: usize,
    /// Content operators of the whole file (a form of a million operators painted on every
    /// page kept the reader busy for minutes).
    pub file_operators: usize,
    /// Glyphs of text in the whole file (each is kept with its place until the layout is
    /// built: about 80 bytes; a dense page has 3,000-6,000).
    pub glyphs: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            pages: 2_000,
            operators: 2_000_000,
            file_operators: 5_000_000,
            glyphs: 750_000,
        }
    }
}

/// One glyph as placed on the page (PDF units, y upwards).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub x0: f64,
    pub x1: f64,
    /// Baseline.
    pub y: f64,
    /// The glyph's height on the page (font size after the matrices).
    pub size: f64,
    pub text: String,
}

/// A straight ruling segment (a stroked line, or the edge of a rectangle), PDF units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// One page as read.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Whether the page paints an image (a scan when it has no text).
    pub images: usize,
}

/// Reads a PDF into the neutral document. Its scanned pages (no text, an image painted) are
/// read by OCR when it is on, in their place among the text pages; when it is off a PDF with
/// text pages is read from them with a warning naming the pages left unread, and a PDF of
/// scanned pages only is refused.
pub fn read_pdf(
    file: &str,
    bytes: &[u8],
    budget: &mut ReadBudget,
) -> Result<Document, ImportError> {
    let mut pages = read_all_pages(file, bytes, &PdfLimits::default(), budget)?;
    let scanned: Vec<usize> = (0..pages.len())
        .filter(|i| is_scanned(&pages[*i]))
        .collect();
    if scanned.is_empty() || !budget.limits().ocr.enabled {
        check_text(file, &pages)?;
        let mut doc = layout::layout(&pages);
        charge(&doc, budget)?;
        if !scanned.is_empty() {
            doc.notes.push(super::ImportWarning {
                kind: super::WarningKind::Ocr,
                at: page_list(&pages, &scanned),
                measure_key: None,
                message: ocr::not_read(&page_numbers(&pages, &scanned)),
            });
        }
        return Ok(doc);
    }
    let to_read: Vec<&Page> = scanned.iter().map(|i| &pages[*i]).collect();
    let read = ocr::read_scan(file, bytes, &to_read, budget)?;
    let (at, message) = if has_text(&pages) {
        (
            page_list(&pages, &scanned),
            ocr::pages_read(&page_numbers(&pages, &scanned)),
        )
    } else {
        ("целият документ".to_string(), ocr::CHECK_TEXT.to_string())
    };
    for (i, page) in scanned.iter().zip(read) {
        pages[*i] = page;
    }
    let mut doc = layout::layout(&pages);
    charge(&doc, budget)?;
    doc.notes.push(super::ImportWarning {
        kind: super::WarningKind::Ocr,
        at,
        measure_key: None,
        message,
    });
    Ok(doc)
}

/// The numbers of the pages at `indices`.
fn page_numbers(pages: &[Page], indices: &[usize]) -> Vec<usize> {
    indices.iter().map(|i| pages[*i].number).collect()
}

/// "страница 2" or "страници 2, 5 и 7".
fn page_list(pages: &[Page], indices: &[usize]) -> String {
    let numbers = page_numbers(pages, indices);
    let word = if numbers.len() == 1 {
        "страница"
    } else {
        "страници"
    };
    format!("{word} {}", ocr::join_numbers(&numbers))
}

/// The rows and cells laid out (their text was charged glyph by glyph).
fn charge(doc: &Document, budget: &mut ReadBudget) -> Result<(), ImportError> {
    for block in &doc.blocks {
        match block {
            super::document::Block::Table(t) => {
                for row in &t.rows {
                    budget.charge_row()?;
                    budget.charge_cells(row.cells.len() as u64)?;
                }
            }
            _ => budget.charge_row()?,
        }
    }
    Ok(())
}

/// Reads the pages' glyphs and rulings; a PDF without text is refused.
pub fn read_pages(
    file: &str,
    bytes: &[u8],
    limits: &PdfLimits,
    budget: &mut ReadBudget,
) -> Result<Vec<Page>, ImportError> {
    let pages = read_all_pages(file, bytes, limits, budget)?;
    check_text(file, &pages)?;
    Ok(pages)
}

fn has_text(pages: &[Page]) -> bool {
    pages
        .iter()
        .any(|p| p.glyphs.iter().any(|g| !g.text.trim().is_empty()))
}

fn is_scan(pages: &[Page]) -> bool {
    pages.iter().any(|p| p.images > 0)
}

/// A page without text that paints an image: a scanned page.
fn is_scanned(page: &Page) -> bool {
    page.images > 0 && !page.glyphs.iter().any(|g| !g.text.trim().is_empty())
}

/// Refuses pages without text, saying whether they are a scan.
fn check_text(file: &str, pages: &[Page]) -> Result<(), ImportError> {
    if has_text(pages) {
        return Ok(());
    }
    Err(ImportError::UnknownFormat {
        file: file.to_string(),
        detail: if is_scan(pages) {
            ocr::SCANNED.into()
        } else {
            "PDF файлът няма текст".into()
        },
    })
}

/// Reads the pages' glyphs and rulings, with or without text.
fn read_all_pages(
    file: &str,
    bytes: &[u8],
    limits: &PdfLimits,
    budget: &mut ReadBudget,
) -> Result<Vec<Page>, ImportError> {
    let stream_bytes = usize::try_from(budget.limits().unpacked_bytes).unwrap_or(usize::MAX);
    let corrupt = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail,
    };
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(stream_bytes),
        ..lopdf::LoadOptions::default()
    };
    let doc = guard::load(bytes, options).map_err(|e| match e {
        Ok(guard::Stopped::TooManyObjects) => ImportError::Invalid {
            file: file.to_string(),
            at: "целият файл".into(),
            detail: format!(
                "PDF файлът има повече от {} обекта; най-много толкова се четат",
                super::budget::group_thousands(guard::MAX_OBJECTS as u64)
            ),
        },
        Err(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword) => {
            ImportError::Encrypted {
                file: file.to_string(),
            }
        }
        Err(e) => corrupt(format!("PDF файлът не може да бъде прочетен ({e})")),
    })?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(ImportError::Encrypted {
            file: file.to_string(),
        });
    }
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(corrupt("PDF файлът няма страници".into()));
    }
    if page_ids.len() > limits.pages {
        return Err(ImportError::Invalid {
            file: file.to_string(),
            at: "целият файл".into(),
            detail: format!(
                "PDF файлът има {} страници; най-много {} се четат",
                page_ids.len(),
                limits.pages
            ),
        });
    }
    let mut reader = Reader {
        doc: &doc,
        limits,
        stream_bytes,
        fonts: HashMap::new(),
        budget,
        over: None,
        glyphs: 0,
        segments: 0,
        to_unicode_codes: 0,
        forms: HashMap::new(),
        interpreted: 0,
        operators: 0,
    };
    let mut pages = Vec::with_capacity(page_ids.len());
    for (n, (_, id)) in page_ids.iter().enumerate() {
        let page = reader.page(n + 1, *id);
        if let Some(e) = reader.over.take() {
            return Err(e);
        }
        pages.push(page.map_err(|detail| corrupt(format!("страница {}: {detail}", n + 1)))?);
    }
    Ok(pages)
}
