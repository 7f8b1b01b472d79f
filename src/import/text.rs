//! The text reader: text extracted from Word or PDF into a [`Document`].
//!
//! Such text mixes tab-separated table rows, Markdown headings and emphasis, and HTML fragments
//! inside cells (`<p>`, `<ol>`, `<li>`, `<br>`, `<b>`). A run of tab-separated lines is a table;
//! a blank line ends it (that is how page breaks come out), so a table split by a page break
//! arrives as two tables and the recogniser joins them. Separator lines (`--`, `---` in every cell) are
//! dropped. Inside a cell, paragraph and list-item boundaries, `<br>` and runs of two or more
//! spaces (line breaks the extraction flattened) become separate lines.

use super::ImportError;
use super::budget::{ReadBudget, ReadLimits};
use super::document::{Block, Cell, Document, Location, Row, Table};

/// Reads UTF-8 text, or Windows-1251 when the bytes are not valid UTF-8.
pub fn read_text(bytes: &[u8]) -> Result<Document, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            let (t, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
            t
        }
    };
    parse_text(&text, &mut ReadBudget::new("текст", ReadLimits::DEFAULT))
}

/// [`read_text`] of text already decoded, charging `budget` for every line and cell.
pub fn read_str(text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    parse_text(text.strip_prefix('\u{feff}').unwrap_or(text), budget)
}

fn parse_text(text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    budget.charge_text(text.len())?;
    let mut blocks = Vec::new();
    let mut table: Option<Table> = None;
    let mut tables = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        budget.charge_row()?;
        let line = raw.trim_end_matches('\r');
        if line.contains('\t') {
            budget.charge_cells(line.matches('\t').count() as u64 + 1)?;
            let raw_cells: Vec<&str> = line.split('\t').collect();
            if is_separator(&raw_cells) {
                continue;
            }
            let t = table.get_or_insert_with(|| {
                tables += 1;
                Table {
                    rows: Vec::new(),
                    at: Location {
                        table: Some(tables),
                        ..Location::line(line_no)
                    },
                }
            });
            let at = Location {
                table: Some(tables),
                row: Some(t.rows.len() + 1),
                ..Location::line(line_no)
            };
            let cells = raw_cells.iter().map(|c| cell_from_html(c)).collect();
            t.rows.push(Row { cells, at });
            continue;
        }
        if let Some(t) = table.take() {
            blocks.push(Block::Table(t));
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let at = Location::line(line_no);
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
            let text = inline_text(&trimmed[hashes..]);
            if !text.is_empty() {
                blocks.push(Block::Heading {
                    level: hashes as u8,
                    text,
                    at,
                });
            }
        } else {
            let text = inline_text(trimmed);
            if !text.is_empty() {
                blocks.push(Block::Paragraph { text, at });
            }
        }
    }
    if let Some(t) = table.take() {
        blocks.push(Block::Table(t));
    }
    Ok(Document::new(blocks))
}

/// A Markdown table rule: every cell only dashes and colons, at least one with two dashes.
fn is_separator(cells: &[&str]) -> bool {
    cells
        .iter()
        .all(|c| c.trim().chars().all(|ch| ch == '-' || ch == ':'))
        && cells.iter().any(|c| c.contains("--"))
}

/// A cell's lines: block-level tags and flattened line breaks separate lines; inline markup goes.
fn cell_from_html(raw: &str) -> Cell {
    let mut lines = Vec::new();
    for part in split_blocks(raw) {
        for piece in part.split("  ") {
            let text = inline_text(piece);
            if !text.is_empty() {
                lines.push(text);
            }
        }
    }
    Cell {
        lines,
        col_span: 1,
        merged_from_above: false,
    }
}

/// Splits at block-level HTML tags (`<p>`, `<li>`, `<br>`, `<ol>`, `<ul>`, `<div>`, `<tr>`).
fn split_blocks(raw: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + len];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let last = parts.len() - 1;
        parts[last].push_str(&rest[..start]);
        if matches!(
            name.as_str(),
            "p" | "li" | "br" | "ol" | "ul" | "div" | "tr" | "td" | "h1" | "h2" | "h3" | "h4"
        ) {
            parts.push(String::new());
        } else if !is_known_inline(&name) {
            // Not a tag we know: keep it as text ("<5 години").
            parts[last].push_str(&rest[start..start + len + 1]);
        }
        rest = &rest[start + len + 1..];
    }
    let last = parts.len() - 1;
    parts[last].push_str(rest);
    parts
}

fn is_known_inline(name: &str) -> bool {
    matches!(
        name,
        "b" | "i" | "u" | "s" | "em" | "strong" | "sup" | "sub" | "span" | "a" | "font" | "small"
    )
}

/// Removes inline HTML tags, Markdown emphasis and entities; collapses whitespace.
pub(crate) fn inline_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(len) => {
                let tag = &rest[start + 1..start + len];
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if name.is_empty() || !(is_known_inline(&name) || is_block(&name)) {
                    out.push_str(&rest[start..start + len + 1]);
                } else {
                    out.push(' ');
                }
                rest = &rest[start + len + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let out = decode_entities(&out).replace("**", "");
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    strip_emphasis(&collapsed).to_string()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "li" | "br" | "ol" | "ul" | "div" | "tr" | "td" | "h1" | "h2" | "h3" | "h4"
    )
}

/// `*text*` or `_text_` around a whole line.
fn strip_emphasis(s: &str) -> &str {
    for m in ['*', '_'] {
        if s.len() > 2 && s.starts_with(m) && s.ends_with(m) {
            return s[1..s.len() - 1].trim();
        }
    }
    s.strip_prefix('*').map_or(s, str::trim)
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| entity(&tail[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "ndash" => Some('–'),
        "mdash" => Some('—'),
        "laquo" => Some('«'),
        "raquo" => Some('»'),
        "bdquo" => Some('„'),
        "ldquo" => Some('“'),
        "rdquo" => Some('”'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(doc: &Document, n: usize) -> &Table {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .nth(n)
            .expect("table")
    }

    #[test]
    fn tab_separated_lines_become_a_table_and_a_blank_line_ends_it() {
        let doc = read_text("# План\n\nа\tб\nв\tг\n\nд\tе\n".as_bytes()).expect("reads");
        assert!(matches!(&doc.blocks[0], Block::Heading { level: 1, text, .. } if text == "План"));
        assert_eq!(table(&doc, 0).rows.len(), 2);
        assert_eq!(table(&doc, 1).rows[0].at.line, Some(6));
    }

    #[test]
    fn html_fragments_in_a_cell_become_lines_without_markup() {
        let doc = read_text(
            "x\t<p>1. Първо;</p> <p><b>2.</b> Второ&nbsp;нещо</p>\t<ol><li>А</li><li>Б<br>В</li></ol>\n"
                .as_bytes(),
        )
        .expect("reads");
        let row = &table(&doc, 0).rows[0];
        assert_eq!(row.cells[1].lines, vec!["1. Първо;", "2. Второ нещо"]);
        assert_eq!(row.cells[2].lines, vec!["А", "Б", "В"]);
    }

    #[test]
    fn separator_rows_are_dropped_and_double_spaces_split_lines() {
        let doc = read_text("--\t---\nМЗ РЗИ  ЛЗ\tx\n".as_bytes()).expect("reads");
        let t = table(&doc, 0);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells[0].lines, vec!["МЗ РЗИ", "ЛЗ"]);
    }

    #[test]
    fn windows_1251_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Приоритет\tОбразование");
        let doc = read_text(&bytes).expect("reads");
        assert_eq!(table(&doc, 0).rows[0].cells[0].lines, vec!["Приоритет"]);
    }

    #[test]
    fn markdown_emphasis_is_removed_from_paragraphs() {
        let doc =
            read_text("**Цел 2. Нещо**\n*Оперативна цел: друго*\n".as_bytes()).expect("reads");
        let texts: Vec<&str> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, vec!["Цел 2. Нещо", "Оперативна цел: друго"]);
    }
}
