//! The plan recogniser: a [`Document`] from any reader → a draft [`Plan`] (pure, no database).
//!
//! It reads the header (municipality, title, period, adoption), follows priority and objective
//! headings, finds measure tables by the names in their header rows, puts shifted cells back
//! into their columns, joins rows continued across page breaks, and splits cells into tasks,
//! activities, institutions, sources, amounts and indicators. Text it cannot place goes to
//! `plan.unplaced` with its location, so nothing is lost.

pub mod amount;
pub mod columns;
mod finish;
mod guess;
pub mod header;
mod header_rows;
pub(crate) mod headings;
mod identity;
mod labelled;
mod measure;
mod repair;
mod roles;
mod rows;
pub mod split;
mod values;

use super::document::{Block, Document, Location, Row};
use super::{ImportOptions, ImportOutcome, ImportWarning, Recognised, SourceFormat, WarningKind};
use crate::plan::Unplaced;
use columns::Col;
use headings::{furniture_key, numbered_title, objective_heading, priority_heading};

use std::collections::HashSet;

/// Reads a plan out of a document.
pub fn recognise(doc: &Document, format: SourceFormat, options: &ImportOptions) -> ImportOutcome {
    recognise_with_progress(doc, format, options, &mut |_, _| {})
}

/// [`recognise`], telling `progress` (blocks and rows done, in all) as it goes.
pub fn recognise_with_progress(
    doc: &Document,
    format: SourceFormat,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> ImportOutcome {
    let b = Builder {
        sheet: is_sheet(format),
        ..Builder::default()
    };
    read_blocks(&labelled::as_tables(doc), b, progress).finish(doc.clone(), format, options)
}

/// [`recognise_with_progress`] of a document the caller no longer needs: the outcome keeps it
/// without a copy.
pub fn recognise_document(
    doc: Document,
    format: SourceFormat,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> ImportOutcome {
    let b = Builder {
        sheet: is_sheet(format),
        ..Builder::default()
    };
    let b = read_blocks(&labelled::as_tables(&doc), b, progress);
    b.finish(doc, format, options)
}

/// Spreadsheets have no paragraphs: their running text is in one-cell rows.
fn is_sheet(format: SourceFormat) -> bool {
    matches!(
        format,
        SourceFormat::Xlsx | SourceFormat::Ods | SourceFormat::Csv
    )
}

/// The document with its measure tables repaired, as a spreadsheet of the plan would hold them:
/// one row per measure, each cell in its header's column (see [`repair`]).
pub fn repaired(doc: &Document, format: SourceFormat) -> Document {
    let b = read_blocks(
        &labelled::as_tables(doc),
        Builder {
            sheet: is_sheet(format),
            trace: Some(repair::Trace::default()),
            ..Builder::default()
        },
        &mut |_, _| {},
    );
    b.trace
        .map(repair::Trace::into_document)
        .unwrap_or_default()
}

fn read_blocks(doc: &Document, mut b: Builder, progress: &mut dyn FnMut(u64, u64)) -> Builder {
    let total: u64 = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table(t) => t.rows.len() as u64 + 1,
            _ => 1,
        })
        .sum();
    let mut done = 0u64;
    progress(0, total);
    let mut sheet = None;
    for block in &doc.blocks {
        done += 1;
        if let Block::Table(t) = block {
            done += t.rows.len() as u64;
        }
        progress(done, total);
        match block {
            Block::Heading { text, at, .. } | Block::Paragraph { text, at } => {
                if let Some(t) = &mut b.trace {
                    t.text_block(block);
                }
                b.text(text, at)
            }
            Block::Table(t) => {
                let this = t.rows.first().and_then(|r| r.at.sheet.as_deref());
                // The instructions planmon's own template carries are not part of any plan.
                if this == Some(crate::import::template::INSTRUCTIONS_SHEET) {
                    continue;
                }
                // A table on another sheet names its columns again.
                if this != sheet {
                    b.ctx = None;
                    b.last_table = None;
                    sheet = this;
                    // A sheet named after a priority area ("Образование") holds its measures.
                    b.sheet_priority = this.and_then(priority_heading);
                }
                if let Some(tr) = &mut b.trace {
                    tr.table_start(t);
                }
                b.table_start(t);
                for (i, row) in t.rows.iter().enumerate() {
                    if let Some(tr) = &mut b.trace {
                        tr.row_start(row);
                    }
                    b.row(&grid_row(row), i == 0);
                    if let Some(tr) = &mut b.trace {
                        tr.row_end();
                    }
                }
            }
        }
    }
    b
}

/// The row as a grid, the way a text extraction lays it out: a cell spanning n columns is
/// followed by n-1 empty cells, so every format lines its cells up with the header's columns.
/// A cell continuing a vertical merge is already empty.
fn grid_row(row: &Row) -> std::borrow::Cow<'_, Row> {
    if row.cells.iter().all(|c| c.col_span <= 1) {
        return std::borrow::Cow::Borrowed(row);
    }
    let mut cells = Vec::with_capacity(row.cells.len());
    for c in &row.cells {
        let span = c.col_span.clamp(1, 64);
        cells.push(super::document::Cell {
            col_span: 1,
            ..c.clone()
        });
        cells.extend((1..span).map(|_| super::document::Cell::text("")));
    }
    std::borrow::Cow::Owned(Row {
        cells,
        at: row.at.clone(),
    })
}

/// A measure while it is being read: its cells by column, joined across page breaks.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawMeasure {
    pub cols: Vec<(Col, Vec<String>)>,
    pub at: Location,
    /// The table has no column of sources: words in its money column name them.
    pub sources_in_amounts: bool,
}

impl RawMeasure {
    pub fn lines(&self, col: Col) -> Vec<String> {
        self.cols
            .iter()
            .filter(|(c, _)| *c == col)
            .flat_map(|(_, l)| l.iter().cloned())
            .collect()
    }

    /// Continues a column (see [`merge_lines`]).
    fn merge(&mut self, col: Col, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        match self.cols.iter_mut().find(|(c, _)| *c == col) {
            Some((_, existing)) => merge_lines(existing, lines),
            None => self.cols.push((col, lines.to_vec())),
        }
    }
}

/// Continues a cell's lines: the first line joins the last one unless it opens a new list item.
fn merge_lines(existing: &mut Vec<String>, lines: &[String]) {
    match (existing.last_mut(), lines.first()) {
        (Some(last), Some(first)) if !split::starts_with_marker(lines) => {
            last.push(' ');
            last.push_str(first);
            existing.extend(lines[1..].iter().cloned());
        }
        _ => existing.extend(lines.iter().cloned()),
    }
}

#[derive(Debug, Default)]
struct RawObjective {
    code: Option<String>,
    title: String,
    measures: Vec<RawMeasure>,
}

#[derive(Debug, Default)]
struct RawPriority {
    /// The text of the priority column that opened it, in a one-row-per-measure sheet.
    from_column: Option<String>,
    number: Option<u32>,
    title: String,
    operational_objective: Option<String>,
    objectives: Vec<RawObjective>,
}

/// The measure table being read: its columns from the header row.
#[derive(Debug, Clone)]
struct TableCtx {
    kinds: Vec<Col>,
    rows_since_header: usize,
    /// The header may be shifted one cell left (no cell over the code column).
    maybe_shifted: bool,
    /// The currency the money columns' header names ("Средства (лв.)"), for bare numbers.
    currency: Option<crate::money::Currency>,
    /// Money columns split by year under a money header ("2025 | 2026"): column and year.
    years: Vec<(usize, i32)>,
    /// The header row's texts, for a name that goes on in the row below it.
    names: Vec<String>,
}

#[derive(Debug, Default)]
struct Builder {
    /// The texts before the measure tables, where the plan's identity is stated.
    header_texts: Vec<(String, Location)>,
    started: bool,
    priorities: Vec<RawPriority>,
    ctx: Option<TableCtx>,
    /// The columns of the last measure table a heading ended, for a table after the heading
    /// that has no header row of its own.
    last_table: Option<TableCtx>,
    /// An objective just opened by a heading, whose title may continue in the next row.
    objective_open: bool,
    /// (priority, objective, measure) of the last measure.
    last: Option<(usize, usize, usize)>,
    /// Alignment used by the previous short row of the same table block.
    last_alignment: Option<(usize, Vec<Option<usize>>)>,
    prev_numbers: Vec<Vec<u32>>,
    seen: HashSet<String>,
    unplaced: Vec<Unplaced>,
    warnings: Vec<ImportWarning>,
    tables_found: bool,
    /// Header data given as "label | value" rows (planmon's template); it wins over the text.
    labelled: Recognised,
    /// When asked for, the document as read, repaired (see [`repaired`]).
    trace: Option<repair::Trace>,
    /// The document is a spreadsheet (see [`is_sheet`]).
    sheet: bool,
    /// The last row was a sheet's running text after a blank row.
    text_run: bool,
    /// A national area's name standing as a heading before the first table: the priority
    /// the table opens, unless running text comes first.
    pending_priority: Option<(Option<u32>, String)>,
    /// Objectives named after that heading, before the table.
    pending_objectives: Vec<(Option<String>, String)>,
    /// The priority area the sheet being read is named after, opened by its first table.
    sheet_priority: Option<(Option<u32>, String)>,
}

impl Builder {
    fn priority(&mut self) -> &mut RawPriority {
        if self.priorities.is_empty() {
            self.priorities.push(RawPriority {
                title: "Мерки".into(),
                ..RawPriority::default()
            });
        }
        let last = self.priorities.len() - 1;
        &mut self.priorities[last]
    }

    fn open_objective(&mut self, code: Option<String>, title: String) {
        self.priority().objectives.push(RawObjective {
            code,
            title,
            measures: Vec::new(),
        });
    }

    fn unplace(&mut self, at: &Location, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.warnings.push(ImportWarning::new(
            WarningKind::Unplaced,
            at,
            format!(
                "текстът не е разпознат като част от плана: „{}“",
                short(text)
            ),
        ));
        self.unplaced.push(Unplaced {
            location: at.describe_bg(),
            text: text.to_string(),
        });
    }

    /// A "label | value" row of the plan's header data, as planmon's template has them.
    fn labelled_row(&mut self, label: &str, value: &str) -> bool {
        let label = label.trim().trim_end_matches(':').trim().to_lowercase();
        let value = value.trim();
        match label.as_str() {
            "община" => {
                let bare = if value.to_lowercase().starts_with("община ") {
                    &value["община ".len()..]
                } else {
                    value
                };
                let name = header::municipality_as_written(&format!("Община {}", bare.trim()));
                self.labelled.municipality = name;
            }
            "наименование на плана" | "наименование" | "заглавие" =>
            {
                self.labelled.title = Some(value.to_string());
            }
            "период" | "период на плана" => {
                self.labelled.period = header::period_in(value).or_else(|| {
                    let y: i32 = value.trim_end_matches(['г', '.', ' ']).parse().ok()?;
                    (1990..=2100)
                        .contains(&y)
                        .then_some(crate::plan::YearRange { from: y, to: y })
                });
            }
            "решение на общинския съвет" | "приет с" | "решение за приемане" =>
            {
                self.labelled.adoption = header::adoption_in(&format!("общинския съвет: {value}"));
            }
            _ => return false,
        }
        true
    }

    /// Opens the priority named in a priority column, unless it is the one already open.
    fn priority_from_column(&mut self, text: &str) {
        if self
            .priorities
            .last()
            .and_then(|p| p.from_column.as_deref())
            == Some(text)
        {
            return;
        }
        let (number, title) = priority_heading(text).unwrap_or_else(|| {
            let (code, title) = numbered_title(text);
            (code.and_then(|c| c.parse().ok()), title)
        });
        // The placeholder opened before any priority was named is replaced, not kept empty.
        if self.priorities.last().is_some_and(|p| {
            p.from_column.is_none() && p.number.is_none() && p.objectives.is_empty()
        }) {
            self.priorities.pop();
        }
        self.priorities.push(RawPriority {
            from_column: Some(text.to_string()),
            number,
            title,
            ..RawPriority::default()
        });
    }

    /// Opens a priority named by a heading. A heading between tables ends the table before
    /// it (the next names its columns again); a row of a table naming a priority does not.
    fn open_priority(&mut self, number: Option<u32>, title: String, in_table: bool) {
        self.started = true;
        self.pending_priority = None;
        self.pending_objectives.clear();
        if !in_table && let Some(ctx) = self.ctx.take() {
            self.last_table = Some(ctx);
        }
        self.objective_open = false;
        self.priorities.push(RawPriority {
            number,
            title,
            ..RawPriority::default()
        });
    }

    fn text(&mut self, text: &str, at: &Location) {
        let key = furniture_key(text);
        if let Some((number, title)) = priority_heading(text) {
            // Only a national area's name, before any table: the heading of the priority the
            // next table holds, or of a section of the plan's analysis, which text follows.
            if !self.started && !headings::names_a_priority(text) {
                self.header_texts.push((text.to_string(), at.clone()));
                self.seen.insert(key);
                self.pending_priority = Some((number, title));
                return;
            }
            self.open_priority(number, title, false);
            return;
        }
        if !self.started {
            match objective_heading(text) {
                Some(objective) if self.pending_priority.is_some() => {
                    self.pending_objectives.push(objective)
                }
                Some(_) => {}
                None => {
                    self.pending_priority = None;
                    self.pending_objectives.clear();
                }
            }
            self.header_texts.push((text.to_string(), at.clone()));
            self.seen.insert(key);
            return;
        }
        let lower = text.to_lowercase();
        if let Some(rest) = lower.strip_prefix("оперативна цел") {
            // "Оперативна цел 1: …": the number is the heading's, not the objective's text.
            let body = text[text.len() - rest.len()..]
                .trim_start_matches([':', ' ', '*'])
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .trim_start_matches([':', ' ', '*', '-', '–'])
                .trim()
                .to_string();
            self.priority().operational_objective = Some(body);
            return;
        }
        if let Some((code, title)) = objective_heading(text) {
            self.open_objective(code, title);
            self.objective_open = true;
            if let Some(t) = &mut self.trace {
                t.objective_opened(0);
            }
            return;
        }
        if self.seen.contains(&key) {
            return;
        }
        self.seen.insert(key);
        self.unplace(at, text);
    }
}

fn short(text: &str) -> String {
    let t: String = text.chars().take(80).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

#[cfg(test)]
mod tests;
