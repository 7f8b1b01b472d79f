//! The text `pdftotext -layout` writes: every character stands in the column of the page it
//! came from, pages end with a form feed. Such text is laid out again as the PDF's pages (one
//! glyph per character, a character's width and a line's height apart), and read by the same
//! layout analysis as a PDF: columns from alignment, rows from the gaps between lines, page
//! numbers and running headers dropped, a table continued on the next page joined.

use super::{Glyph, Page};
use crate::import::ImportError;
use crate::import::budget::ReadBudget;
use crate::import::document::Document;

/// A character's width, a line's height and the font size the text is laid out with.
const CHAR: f64 = 5.0;
const LINE: f64 = 12.0;
const SIZE: f64 = 10.0;

/// Whether text looks like `pdftotext -layout` output: no tabs, and many lines whose text
/// stands in two or more places several spaces apart.
pub fn looks_like_layout_text(text: &str) -> bool {
    let mut lines = 0usize;
    let mut spread = 0usize;
    for line in text.lines().take(5_000) {
        if line.contains('\t') {
            return false;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        if t.contains("    ") {
            spread += 1;
        }
    }
    spread >= 5 && spread * 5 >= lines
}

/// Reads `pdftotext -layout` text into the neutral document.
pub fn read_layout_text(text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    budget.charge_text(text.len())?;
    let mut pages = Vec::new();
    for (n, page_text) in text.split('\u{c}').enumerate() {
        let lines: Vec<&str> = page_text.lines().collect();
        if lines.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        let height = (lines.len() as f64 + 2.0) * LINE;
        let mut page = Page {
            number: n + 1,
            height,
            ..Page::default()
        };
        let mut width = 0usize;
        for (i, line) in lines.iter().enumerate() {
            budget.charge_row()?;
            let y = height - (i as f64 + 1.0) * LINE;
            let mut col = 0usize;
            for c in line.trim_end_matches('\r').chars() {
                if !c.is_whitespace() {
                    page.glyphs.push(Glyph {
                        x0: col as f64 * CHAR,
                        x1: (col + 1) as f64 * CHAR,
                        y,
                        size: SIZE,
                        text: c.to_string(),
                    });
                }
                col += 1;
            }
            width = width.max(col);
        }
        page.width = (width as f64 + 2.0) * CHAR;
        pages.push(page);
    }
    let doc = super::layout::layout_char_grid(&pages);
    super::charge(&doc, budget)?;
    Ok(doc)
}
