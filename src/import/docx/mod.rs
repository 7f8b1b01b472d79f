//! DOCX reader: paragraphs (Heading styles become headings), tables with horizontal (gridSpan)
//! and vertical (vMerge) merges, nested tables flattened into the cell's lines, numbered and
//! bulleted paragraphs as lines with the numbers Word draws for them, rows starting right of the
//! others (`gridBefore`) kept under their columns, `<w:br/>` as line breaks.

use super::ImportError;
use super::budget::{ReadBudget, ReadFailure};
use super::document::{Block, Cell, Document, Location, Row, Table};
use super::read::zip_entry;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::io::{BufRead, BufReader, Read, Seek};

mod numbering;
mod styles;
use numbering::Numbering;
use styles::Styles;

/// The largest styles or numbering part read whole (the document itself is streamed).
const MAX_PART_BYTES: usize = 16 * 1024 * 1024;

/// The widest a cell may span: Word's grid has at most 63 columns; HTML allows 1,000.
const MAX_GRID_SPAN: u32 = 1000;

/// Reads `word/document.xml` as a stream through the budget's counter: its unpacked size is
/// never trusted and never held whole.
pub fn read_docx<R: Read + Seek>(
    file: &str,
    archive: &mut zip::ZipArchive<R>,
    budget: &mut ReadBudget,
) -> Result<Document, ImportError> {
    let has = |archive: &zip::ZipArchive<R>, name: &str| archive.index_for_name(name).is_some();
    let styles = match has(archive, "word/styles.xml") {
        true => Styles::parse(&part_text(file, archive, "word/styles.xml", budget)?),
        false => Styles::default(),
    };
    let numbering = match has(archive, "word/numbering.xml") {
        true => Numbering::parse(&part_text(file, archive, "word/numbering.xml", budget)?),
        false => Numbering::default(),
    };
    let corrupt = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail: format!("word/document.xml: {detail}"),
    };
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|e| corrupt(format!("частта липсва или е повредена ({e})")))?;
    let source = BufReader::new(budget.counted(entry));
    parse_document(source, &styles, numbering, budget).map_err(|f| f.into_error(budget, corrupt))
}

fn part_text<R: Read + Seek>(
    file: &str,
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    budget: &ReadBudget,
) -> Result<String, ImportError> {
    let bytes = zip_entry(file, archive, name, MAX_PART_BYTES, budget)?;
    String::from_utf8(bytes).map_err(|_| ImportError::Corrupt {
        file: file.to_string(),
        detail: format!("частта {name} не е текст в UTF-8"),
    })
}

pub(super) fn local(name: &str) -> &str {
    match name.rfind(':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The value of the attribute with this local name (`w:val` → `val`).
pub(super) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// One paragraph being read: its lines (split at `<w:br/>`), style and numbering.
#[derive(Default)]
struct Para {
    lines: Vec<String>,
    style: Option<String>,
    outline: Option<u8>,
    num: Option<(String, u8)>,
}

impl Para {
    fn push(&mut self, s: &str) {
        match self.lines.last_mut() {
            Some(l) => l.push_str(s),
            None => self.lines.push(s.to_string()),
        }
    }

    fn line_break(&mut self) {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        // Empty lines are dropped when the paragraph ends: breaks in a row make one (a
        // paragraph of a million `<w:br/>` held a million empty lines).
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }
}

/// A table being read: its finished rows and the row and cell open now.
struct OpenTable {
    table: Table,
    row: Option<Row>,
    cell: Option<Cell>,
    /// The empty cell the open row ends with (`w:gridAfter`), added when the row closes.
    grid_after: Option<Cell>,
}

/// The most grid columns a Word table has.
const MAX_GRID_COLUMNS: u32 = 63;

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_document<B: BufRead>(
    source: B,
    styles: &Styles,
    mut numbering: Numbering,
    budget: &mut ReadBudget,
) -> Result<Document, ReadFailure> {
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut blocks = Vec::new();
    let mut tables: Vec<OpenTable> = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut in_text = false;
    let mut paragraph_no = 0usize;
    let mut table_no = 0usize;
    // Text inside these is not document text (deleted revisions, field codes, drawings' alt
    // text is kept out too).
    let mut skip_depth = 0usize;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ReadFailure::Broken(format!(
                "невалиден XML около байт {} ({e})",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(e) => {
                depth += 1;
                budget.check_depth(depth)?;
                let name = local(e.name().as_ref()).to_string();
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                match name.as_str() {
                    // Deleted and moved-away text, field codes, the fallback copy of a drawing,
                    // and the former properties a tracked change keeps (an old numbering).
                    "delText" | "instrText" | "del" | "moveFrom" | "Fallback" | "pPrChange"
                    | "rPrChange" | "tcPrChange" | "trPrChange" | "tblPrChange"
                    | "sectPrChange" | "numberingChange" => skip_depth = 1,
                    "p" => paras.push(Para::default()),
                    "t" => in_text = true,
                    "tbl" => {
                        if tables.is_empty() {
                            table_no += 1;
                        }
                        tables.push(OpenTable {
                            table: Table {
                                rows: Vec::new(),
                                at: Location {
                                    table: Some(table_no),
                                    ..Location::default()
                                },
                            },
                            row: None,
                            cell: None,
                            grid_after: None,
                        });
                    }
                    "tr" => {
                        budget.charge_row()?;
                        if let Some(t) = tables.last_mut() {
                            t.row = Some(Row {
                                cells: Vec::new(),
                                at: Location {
                                    table: Some(table_no),
                                    row: Some(t.table.rows.len() + 1),
                                    ..Location::default()
                                },
                            });
                        }
                    }
                    "tc" => {
                        budget.charge_cells(1)?;
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(Cell {
                                lines: Vec::new(),
                                col_span: 1,
                                merged_from_above: false,
                            });
                        }
                    }
                    _ => {
                        let added = empty_element(&e, paras.last_mut(), &mut tables);
                        budget.charge_cells(added)?;
                    }
                }
            }
            Event::Empty(e) if skip_depth == 0 => {
                if local(e.name().as_ref()) == "tc" {
                    budget.charge_cells(1)?;
                }
                let added = empty_element(&e, paras.last_mut(), &mut tables);
                budget.charge_cells(added)?;
            }
            Event::Text(t) => {
                if skip_depth == 0
                    && in_text
                    && let Some(p) = paras.last_mut()
                {
                    let text = t.xml10_content();
                    budget.charge_text(text.len())?;
                    p.push(&text);
                }
            }
            Event::GeneralRef(r) => {
                if skip_depth == 0
                    && in_text
                    && let Some(p) = paras.last_mut()
                {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.xml10_content().as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        p.push(c.encode_utf8(&mut [0; 4]));
                    }
                }
            }
            Event::CData(t) => {
                if skip_depth == 0
                    && in_text
                    && let Some(p) = paras.last_mut()
                {
                    let text = t.xml10_content();
                    budget.charge_text(text.len())?;
                    p.push(&text);
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match local(e.name().as_ref()) {
                    "t" => in_text = false,
                    "p" => {
                        if tables.is_empty() {
                            budget.charge_row()?;
                        }
                        if let Some(p) = paras.pop() {
                            finish_paragraph(
                                p,
                                styles,
                                &mut numbering,
                                &mut tables,
                                &mut blocks,
                                &mut paragraph_no,
                            )
                            .charge(budget)?;
                        }
                    }
                    "tc" => {
                        if let Some(t) = tables.last_mut()
                            && let (Some(row), Some(cell)) = (t.row.as_mut(), t.cell.take())
                        {
                            // A wide cell costs its grid columns (laid out as cells later).
                            budget.charge_cells(u64::from(cell.col_span) - 1)?;
                            row.cells.push(cell);
                        }
                    }
                    "tr" => {
                        if let Some(t) = tables.last_mut()
                            && let Some(mut row) = t.row.take()
                        {
                            row.cells.extend(t.grid_after.take());
                            t.table.rows.push(row);
                        }
                    }
                    "tbl" => {
                        if let Some(done) = tables.pop() {
                            match tables.last_mut().and_then(|t| t.cell.as_mut()) {
                                // A nested table: its cells' lines go into the outer cell.
                                Some(outer) => {
                                    for row in done.table.rows {
                                        for cell in row.cells {
                                            outer.lines.extend(cell.lines);
                                        }
                                    }
                                }
                                None => {
                                    if tables.is_empty() {
                                        blocks.push(Block::Table(done.table));
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Document::new(blocks))
}

/// Elements that matter as empty tags (or whose start tag carries all they say). Returns the
/// cells it added to the table (for the budget).
fn empty_element(e: &BytesStart, mut para: Option<&mut Para>, tables: &mut [OpenTable]) -> u64 {
    match local(e.name().as_ref()) {
        // Grid columns a row leaves empty before its first cell or after its last (a row that
        // starts further right than the table's others): one empty cell spanning them, so that
        // the row's cells stay under their columns.
        name @ ("gridBefore" | "gridAfter") => {
            let Some(t) = tables.last_mut().filter(|t| t.cell.is_none()) else {
                return 0;
            };
            let span = attr(e, "val")
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|&n| n >= 1)
                .map_or(0, |n| n.min(MAX_GRID_COLUMNS));
            let Some(row) = t.row.as_mut().filter(|_| span > 0) else {
                return 0;
            };
            let empty = Cell {
                lines: Vec::new(),
                col_span: span,
                merged_from_above: false,
            };
            match name {
                "gridBefore" => row.cells.insert(0, empty),
                _ => t.grid_after = Some(empty),
            }
            return 1;
        }
        "br" | "cr" => {
            // A page or column break inside a paragraph splits it like a line break.
            if let Some(p) = para.as_deref_mut() {
                p.line_break();
            }
        }
        "tab" => {
            if let Some(p) = para.as_deref_mut() {
                p.push(" ");
            }
        }
        "noBreakHyphen" => {
            if let Some(p) = para.as_deref_mut() {
                p.push("-");
            }
        }
        "pStyle" => {
            if let Some(p) = para.as_deref_mut() {
                p.style = attr(e, "val");
            }
        }
        "outlineLvl" => {
            if let Some(p) = para.as_deref_mut() {
                p.outline = attr(e, "val").and_then(|v| v.parse().ok());
            }
        }
        "ilvl" => {
            if let Some(p) = para.as_deref_mut() {
                let l = attr(e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                let id = p.num.take().map(|(id, _)| id).unwrap_or_default();
                p.num = Some((id, l));
            }
        }
        "numId" => {
            if let Some(p) = para {
                let l = p.num.take().map(|(_, l)| l).unwrap_or(0);
                p.num = Some((attr(e, "val").unwrap_or_default(), l));
            }
        }
        "gridSpan" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                c.col_span = attr(e, "val")
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n >= 1)
                    .unwrap_or(1)
                    .min(MAX_GRID_SPAN);
            }
        }
        "vMerge" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                // No value (or "continue") continues the merge from the row above.
                c.merged_from_above = attr(e, "val").is_none_or(|v| v == "continue");
            }
        }
        _ => {}
    }
    0
}

/// Text a paragraph added beyond what was charged as it was read (its list marker).
#[must_use]
struct Added(usize);

impl Added {
    fn charge(self, budget: &mut ReadBudget) -> Result<(), ReadFailure> {
        budget.charge_text(self.0)?;
        Ok(())
    }
}

fn finish_paragraph(
    p: Para,
    styles: &Styles,
    numbering: &mut Numbering,
    tables: &mut [OpenTable],
    blocks: &mut Vec<Block>,
    paragraph_no: &mut usize,
) -> Added {
    let mut added = 0;
    let mut lines: Vec<String> = p.lines.iter().map(|l| collapse(l)).collect();
    // The paragraph's own numbering, else its style's; numId 0 means "no numbering" in Word.
    let num = p.num.clone().or_else(|| {
        p.style
            .as_ref()
            .and_then(|s| styles.numbered.get(s).cloned())
    });
    // Word draws the number of an empty numbered paragraph too (a code column of "1.1.",
    // "1.2." numbered by a list): it stands alone; a bullet alone says nothing.
    if let Some((num_id, level)) = num.as_ref().filter(|(id, _)| !id.is_empty() && id != "0")
        && let Some(marker) = numbering.next_marker(num_id, *level)
    {
        added = marker.len() + 1;
        match lines.iter_mut().find(|l| !l.is_empty()) {
            Some(first) => *first = format!("{marker} {first}"),
            None if marker != "•" => lines = vec![marker],
            None => {}
        }
    }
    lines.retain(|l| !l.is_empty());
    added += lines.len() * super::budget::LINE_COST;
    // Inside a table the paragraph becomes lines of the outermost open cell.
    if let Some(cell) = tables.iter_mut().find_map(|t| t.cell.as_mut()) {
        cell.lines.extend(lines);
        return Added(added);
    }
    if lines.is_empty() {
        return Added(added);
    }
    *paragraph_no += 1;
    let at = Location::line(*paragraph_no);
    let level = p.outline.filter(|&l| l < 6).map(|l| l + 1).or_else(|| {
        p.style
            .as_ref()
            .and_then(|s| styles.headings.get(s).copied())
    });
    let text = lines.join("\n");
    match level {
        Some(level) => blocks.push(Block::Heading {
            level,
            text: lines.join(" "),
            at,
        }),
        None => blocks.push(Block::Paragraph { text, at }),
    }
    Added(added)
}

#[cfg(test)]
mod tests;
