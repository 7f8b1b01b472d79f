//! HTML reader (html5ever through `scraper`, so any page a browser shows can be read): headings
//! h1-h6, paragraphs, lists and tables with colspan/rowspan (rowspan shadows become cells
//! marked `merged_from_above`); `<br>`, paragraphs and list items inside a cell are its lines.

use super::ImportError;
use super::budget::{Limit, ReadBudget};
use super::document::{Block, Cell, Document, Location, Row, Table};
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

/// HTML's own limits on spans (colspan ≤ 1000, rowspan ≤ 65534); a tighter cap on rowspan
/// keeps a hostile page from allocating much.
const MAX_COLSPAN: u32 = 1000;
const MAX_ROWSPAN: u32 = 10_000;

/// The most attributes one element may have (Word writes a handful).
const MAX_ATTRIBUTES: usize = 1000;

/// Elements a page may have for each cell the budget allows: a Word page spends a few on every
/// cell and paragraph (`<td><p><span>`); five million `<td>` held 700 MB.
const ELEMENTS_PER_CELL: u64 = 4;

/// Reads a page within `budget`: nesting is checked on the markup before the parser sees it
/// (a parser's work grows with the depth of what is open) and on the tree after, so the walk
/// below, which recurses, stays shallow.
pub fn read_html(text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    budget.charge_text(text.len())?;
    check_markup_depth(text, budget)?;
    let html = Html::parse_document(text);
    let mut depth = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(_) => {
                depth += 1;
                budget.check_depth(depth)?;
            }
            Edge::Close(_) => depth -= 1,
        }
    }
    let mut w = Walker {
        budget,
        blocks: Vec::new(),
        buf: String::new(),
        paragraph_no: 0,
        table_no: 0,
    };
    for child in html.tree.root().children() {
        w.walk(child)?;
    }
    w.flush();
    Ok(Document::new(w.blocks))
}

/// Elements that never hold others (void) or whose end the parser implies (a new `<p>`, `<li>`
/// or `<td>` closes the last): they do not deepen nesting by themselves.
fn is_flat(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
            | b"p"
            | b"li"
            | b"dt"
            | b"dd"
            | b"option"
            | b"optgroup"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"rtc"
            | b"tr"
            | b"td"
            | b"th"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"html"
            | b"head"
            | b"body"
            | b"frame"
            | b"basefont"
            | b"bgsound"
    )
}

/// Elements whose content is text up to their end tag.
fn is_raw_text(name: &[u8]) -> bool {
    matches!(
        name,
        b"script"
            | b"style"
            | b"textarea"
            | b"title"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"plaintext"
    )
}

/// One linear pass over the tags: the elements open at once (an end tag closes back to its
/// start) may not pass the depth limit, nor the elements all together (four for each cell the
/// budget allows) or the attributes of one ([`MAX_ATTRIBUTES`]). Comments and raw text are
/// skipped as a browser would.
fn check_markup_depth(text: &str, budget: &ReadBudget) -> Result<(), ImportError> {
    let b = text.as_bytes();
    let mut elements = 0u64;
    let max_elements = budget.limits().cells.saturating_mul(ELEMENTS_PER_CELL);
    let invalid = |at: usize, detail: String| ImportError::Invalid {
        file: budget.file().to_string(),
        at: format!("байт {at}"),
        detail,
    };
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut i = 0;
    let find = |from: usize, needle: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|p| from + p)
    };
    while let Some(lt) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        i += lt + 1;
        if b[i..].starts_with(b"!--") {
            i = find(i + 3, b"-->").map_or(b.len(), |p| p + 3);
            continue;
        }
        let close = b.get(i) == Some(&b'/');
        let start = i + usize::from(close);
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if len == 0 || !b[start].is_ascii_alphabetic() {
            continue;
        }
        let name = b[start..start + len].to_ascii_lowercase();
        let end = find(start + len, b">").unwrap_or(b.len());
        i = end;
        if close {
            if let Some(p) = open.iter().rposition(|n| *n == name) {
                open.truncate(p);
            }
            continue;
        }
        // The parser checks each attribute against those before it (a tag of a million
        // attributes kept it busy for minutes) and keeps every element (some 150 bytes each).
        elements += 1;
        if elements > max_elements {
            return Err(invalid(
                start,
                format!(
                    "страницата има повече от {} елемента",
                    super::budget::group_thousands(max_elements)
                ),
            ));
        }
        let attributes = b[start + len..end]
            .split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .count();
        if attributes > MAX_ATTRIBUTES {
            return Err(invalid(
                start,
                format!("елемент има повече от {MAX_ATTRIBUTES} атрибута"),
            ));
        }
        if is_raw_text(&name) {
            let mut closing = b"</".to_vec();
            closing.extend_from_slice(&name);
            i = find(i, &closing).unwrap_or(b.len());
            continue;
        }
        let self_closing = end > 0 && b.get(end - 1) == Some(&b'/');
        if is_flat(&name) || self_closing {
            continue;
        }
        open.push(name);
        if open.len() as u64 > budget.limits().depth {
            return Err(budget.over(Limit::Depth));
        }
    }
    Ok(())
}

struct Walker<'b> {
    budget: &'b mut ReadBudget,
    blocks: Vec<Block>,
    buf: String,
    paragraph_no: usize,
    table_no: usize,
}

fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "head" | "script" | "style" | "template" | "noscript" | "svg" | "math" | "iframe"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "aside"
            | "blockquote"
            | "pre"
            | "figure"
            | "figcaption"
            | "caption"
            | "address"
            | "hr"
            | "form"
            | "fieldset"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Walker<'_> {
    fn walk(&mut self, node: NodeRef<'_, Node>) -> Result<(), ImportError> {
        match node.value() {
            Node::Text(t) => self.buf.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if is_skipped(name) {
                    return Ok(());
                }
                if name == "br" {
                    self.buf.push('\n');
                    return Ok(());
                }
                if let Some(level) = heading_level(name) {
                    self.flush();
                    let text = collapse(&lines_of(node).join(" "));
                    if !text.is_empty() {
                        self.paragraph_no += 1;
                        self.blocks.push(Block::Heading {
                            level,
                            text,
                            at: Location::default(),
                        });
                    }
                    return Ok(());
                }
                if name == "table" {
                    self.flush();
                    self.table_no += 1;
                    if let Some(el) = ElementRef::wrap(node) {
                        let t = read_table(el, self.table_no, self.budget)?;
                        if !t.rows.is_empty() {
                            self.blocks.push(Block::Table(t));
                        }
                    }
                    return Ok(());
                }
                let block = is_block(name);
                if block {
                    self.flush();
                }
                for child in node.children() {
                    self.walk(child)?;
                }
                if block {
                    self.flush();
                }
            }
            _ => {
                for child in node.children() {
                    self.walk(child)?;
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self) {
        let lines: Vec<String> = self
            .buf
            .split('\n')
            .map(collapse)
            .filter(|l| !l.is_empty())
            .collect();
        self.buf.clear();
        if !lines.is_empty() {
            self.paragraph_no += 1;
            self.blocks.push(Block::Paragraph {
                text: lines.join("\n"),
                at: Location::default(),
            });
        }
    }
}

/// The lines of an element's content: block elements, `<br>` and nested table cells end a line.
fn lines_of(node: NodeRef<'_, Node>) -> Vec<String> {
    fn go(node: NodeRef<'_, Node>, cur: &mut String, out: &mut Vec<String>) {
        match node.value() {
            Node::Text(t) => cur.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if is_skipped(name) {
                    return;
                }
                if name == "br" {
                    end_line(cur, out);
                    return;
                }
                let block = is_block(name);
                if block {
                    end_line(cur, out);
                }
                for c in node.children() {
                    go(c, cur, out);
                }
                if block {
                    end_line(cur, out);
                }
            }
            _ => {
                for c in node.children() {
                    go(c, cur, out);
                }
            }
        }
    }
    fn end_line(cur: &mut String, out: &mut Vec<String>) {
        let l = collapse(cur);
        if !l.is_empty() {
            out.push(l);
        }
        cur.clear();
    }
    let mut cur = String::new();
    let mut out = Vec::new();
    for c in node.children() {
        go(c, &mut cur, &mut out);
    }
    end_line(&mut cur, &mut out);
    out
}

fn children_named<'a>(
    el: ElementRef<'a>,
    names: &'a [&str],
) -> impl Iterator<Item = ElementRef<'a>> {
    el.children()
        .filter_map(ElementRef::wrap)
        .filter(move |c| names.contains(&c.value().name()))
}

fn span(el: ElementRef<'_>, name: &str, max: u32) -> u32 {
    el.value()
        .attr(name)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
        .min(max)
}

fn read_table(
    table: ElementRef<'_>,
    table_no: usize,
    budget: &mut ReadBudget,
) -> Result<Table, ImportError> {
    let mut trs = Vec::new();
    for child in children_named(table, &["tr", "thead", "tbody", "tfoot"]) {
        if child.value().name() == "tr" {
            trs.push(child);
        } else {
            trs.extend(children_named(child, &["tr"]));
        }
    }
    // Per grid column: rows still covered by a rowspan above, and the spanning cell's width.
    let mut pending: Vec<(u32, u32)> = Vec::new();
    let mut rows = Vec::new();
    for (i, tr) in trs.into_iter().enumerate() {
        budget.charge_row()?;
        let mut cells = Vec::new();
        let mut col = 0usize;
        let shadow = |col: &mut usize, cells: &mut Vec<Cell>, pending: &mut Vec<(u32, u32)>| {
            while let Some(p) = pending.get_mut(*col).filter(|p| p.0 > 0) {
                p.0 -= 1;
                let width = p.1;
                cells.push(Cell {
                    lines: Vec::new(),
                    col_span: width,
                    merged_from_above: true,
                });
                *col += width as usize;
            }
        };
        let mut own = 0u64;
        for td in children_named(tr, &["td", "th"]) {
            shadow(&mut col, &mut cells, &mut pending);
            let colspan = span(td, "colspan", MAX_COLSPAN);
            // A wide cell costs its grid columns: the grid below is as wide as they add up.
            budget.charge_cells(u64::from(colspan))?;
            own += 1;
            let rowspan = span(td, "rowspan", MAX_ROWSPAN);
            cells.push(Cell {
                lines: lines_of(*td),
                col_span: colspan,
                merged_from_above: false,
            });
            if rowspan > 1 {
                if pending.len() <= col {
                    pending.resize(col + 1, (0, 1));
                }
                pending[col] = (rowspan - 1, colspan);
            }
            col += colspan as usize;
        }
        // Shadows after the row's last cell.
        while col < pending.len() {
            if pending[col].0 > 0 {
                shadow(&mut col, &mut cells, &mut pending);
            } else {
                col += 1;
            }
        }
        // Shadows of cells above.
        budget.charge_cells(cells.len() as u64 - own)?;
        rows.push(Row {
            cells,
            at: Location {
                table: Some(table_no),
                row: Some(i + 1),
                ..Location::default()
            },
        });
    }
    Ok(Table {
        rows,
        at: Location {
            table: Some(table_no),
            ..Location::default()
        },
    })
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
