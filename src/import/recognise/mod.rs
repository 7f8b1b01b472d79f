//! The plan recogniser: a [`Document`] from any reader → a draft [`Plan`] (pure, no database).
//!
//! It reads the header (municipality, title, period, adoption), follows priority and objective
//! headings, finds measure tables by the names in their header rows, puts shifted cells back
//! into their columns, joins rows continued across page breaks, and splits cells into tasks,
//! activities, institutions, sources, amounts and indicators. Text it cannot place goes to
//! `plan.unplaced` with its location, so nothing is lost.

pub mod amount;
pub mod columns;
pub mod header;
mod measure;
mod repair;
pub mod split;

use super::document::{Block, Document, Location, Row};
use super::{ImportOptions, ImportOutcome, ImportWarning, Recognised, SourceFormat, WarningKind};
use crate::plan::{NationalArea, Plan, Unplaced};
use columns::Col;
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
    read_blocks(doc, b, progress).finish(doc.clone(), format, options)
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
    read_blocks(&doc, b, progress).finish(doc, format, options)
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
        doc,
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
                    sheet = this;
                }
                if let Some(tr) = &mut b.trace {
                    tr.table_start(t);
                }
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
#[derive(Debug)]
struct TableCtx {
    kinds: Vec<Col>,
    rows_since_header: usize,
    /// The header may be shifted one cell left (no cell over the code column).
    maybe_shifted: bool,
}

#[derive(Debug, Default)]
struct Builder {
    header_texts: Vec<String>,
    started: bool,
    priorities: Vec<RawPriority>,
    ctx: Option<TableCtx>,
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
}

/// Lowercase letters only: page headers repeat with different spacing and digits.
fn furniture_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Cyrillic capitals, the usual case, without the Unicode tables.
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'а'..='я' | 'a'..='z' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() => {}
            c if c.is_alphabetic() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// "Приоритет №1 Образование", "1. ПРИОРИТЕТ „ОБРАЗОВАНИЕ“" → (number, title).
fn priority_heading(text: &str) -> Option<(Option<u32>, String)> {
    if text.chars().count() > 200 {
        return None;
    }
    let lead: String = text.chars().take_while(char::is_ascii_digit).collect();
    let rest = text[lead.len()..].trim_start_matches(['.', ')', ' ']);
    let lower = rest.to_lowercase();
    let after = lower.strip_prefix("приоритет")?;
    if after.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let tail = &rest[rest.len() - after.len()..];
    let tail = tail.trim_start_matches([' ', '№', ':', '-', '–']);
    let num: String = tail.chars().take_while(char::is_ascii_digit).collect();
    let title = tail[num.len()..]
        .trim_start_matches(['.', ':', ' ', '-', '–', ')'])
        .trim()
        .trim_matches(['„', '“', '”', '"', '«', '»'])
        .trim()
        .to_string();
    if title.is_empty() {
        return None;
    }
    let number = lead.parse().ok().or_else(|| num.parse().ok());
    Some((number, title))
}

/// "Цел 1. …", "Цел 6: : …", "Цел: …" → (code, title).
fn objective_heading(text: &str) -> Option<(Option<String>, String)> {
    let rest = text
        .strip_prefix("Цел")
        .or_else(|| text.strip_prefix("ЦЕЛ"))?;
    let next = rest.chars().next()?;
    if next.is_alphabetic() {
        return None;
    }
    let rest = rest.trim_start();
    let code: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let title = rest[code.len()..]
        .trim_start_matches(['.', ':', ' ', '-', '–'])
        .trim()
        .to_string();
    if code.is_empty() && !next.eq(&':') && !rest.starts_with(':') {
        return None;
    }
    Some(((!code.is_empty()).then_some(code), title))
}

/// "1. Подобряване …" in an objectives column → (code "1", title).
fn numbered_title(text: &str) -> (Option<String>, String) {
    if let Some(h) = objective_heading(text) {
        return h;
    }
    let word = text.split_whitespace().next().unwrap_or("");
    if let Some((n, rest)) = split::word_marker(word, true) {
        let after = text[word.len()..].trim();
        let title = if rest.is_empty() {
            after.to_string()
        } else {
            format!("{rest} {after}").trim().to_string()
        };
        return (Some(n.to_string()), title);
    }
    (None, text.trim().to_string())
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
                let name = header::municipality_in(&format!("Община {}", bare.trim()));
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

    fn text(&mut self, text: &str, at: &Location) {
        let key = furniture_key(text);
        if let Some((number, title)) = priority_heading(text) {
            self.started = true;
            self.ctx = None;
            self.objective_open = false;
            self.priorities.push(RawPriority {
                number,
                title,
                ..RawPriority::default()
            });
            return;
        }
        if !self.started {
            self.header_texts.push(text.to_string());
            self.seen.insert(key);
            return;
        }
        let lower = text.to_lowercase();
        if let Some(rest) = lower.strip_prefix("оперативна цел") {
            let body = text[text.len() - rest.len()..]
                .trim_start_matches([':', ' ', '*'])
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

    fn row(&mut self, row: &Row, first_in_block: bool) {
        let texts: Vec<String> = row.cells.iter().map(|c| c.joined()).collect();
        let filled: Vec<usize> = (0..texts.len()).filter(|i| !texts[*i].is_empty()).collect();
        if filled.is_empty() {
            return;
        }
        if !self.started && filled == [0, 1] && self.labelled_row(&texts[0], &texts[1]) {
            return;
        }
        // A row holding only its first cell, before any table or naming a priority or repeating
        // a page header, is running text laid out in a sheet (spreadsheets and CSV have no
        // paragraphs): read it as text. So is, in a spreadsheet, such a row after a blank row
        // (notes after the table), and the one-cell rows right after it, unless they continue
        // an objective's title.
        let text_run = self.sheet && (first_in_block || self.text_run) && !self.objective_open;
        self.text_run = false;
        if filled == [0] {
            let text = &texts[0];
            if !self.started
                || priority_heading(text).is_some()
                || self.seen.contains(&furniture_key(text))
                || text_run
            {
                self.text_run = text_run;
                self.text(text, &row.at);
                return;
            }
        }
        if first_in_block {
            self.last_alignment = None;
        }
        // A header row, or the second row of a two-row header ("Средства | Източник").
        let data_like = filled
            .iter()
            .any(|i| columns::is_code(&texts[*i]) || columns::is_period(&texts[*i]));
        // Only a row right after a header row, or one that is not data, can name columns.
        let may_name = !data_like || self.ctx.as_ref().is_some_and(|c| c.rows_since_header == 0);
        let classified: Vec<Option<Col>> = if may_name {
            texts.iter().map(|t| columns::classify(t)).collect()
        } else {
            vec![None; texts.len()]
        };
        let named = classified.iter().filter(|c| c.is_some()).count();
        if let Some(ctx) = &mut self.ctx
            && ctx.rows_since_header == 0
            && filled.iter().all(|i| classified[*i].is_some())
        {
            for i in &filled {
                if let Some(c) = classified[*i]
                    && *i < ctx.kinds.len()
                {
                    ctx.kinds[*i] = c;
                }
            }
            if let Some(t) = &mut self.trace {
                t.header_row(false);
            }
            return;
        }
        if named >= 3 && named * 2 >= filled.len() && !data_like {
            let mut kinds: Vec<Col> = classified.iter().map(|c| c.unwrap_or(Col::Other)).collect();
            if texts[0].is_empty() {
                kinds[0] = Col::Code;
            }
            let maybe_shifted = kinds[0] != Col::Code && texts.last().is_some_and(String::is_empty);
            self.ctx = Some(TableCtx {
                kinds,
                rows_since_header: 0,
                maybe_shifted,
            });
            if let Some(t) = &mut self.trace {
                t.header_row(true);
            }
            self.started = true;
            self.tables_found = true;
            self.objective_open = false;
            self.prev_numbers.clear();
            return;
        }
        if filled.len() == 1 {
            let text = &texts[filled[0]];
            if let Some((code, title)) = objective_heading(text) {
                self.started = true;
                self.open_objective(code, title);
                self.objective_open = true;
                if let Some(t) = &mut self.trace {
                    t.objective_opened(filled[0]);
                }
                return;
            }
            if self.objective_open {
                if let Some(o) = self.priority().objectives.last_mut() {
                    o.title = format!("{} {}", o.title, text).trim().to_string();
                }
                return;
            }
        }
        let Some(ctx) = self.ctx.as_mut() else {
            for i in filled {
                self.unplace(&row.at.with_column(i + 1), &texts[i]);
            }
            return;
        };
        if ctx.maybe_shifted {
            ctx.maybe_shifted = false;
            if columns::is_code(&texts[0]) {
                ctx.kinds.insert(0, Col::Code);
                ctx.kinds.pop();
                if let Some(t) = &mut self.trace {
                    t.header_shifted();
                }
            }
        }
        self.objective_open = false;
        let kinds = ctx.kinds.clone();
        if texts.len() < kinds.len()
            && first_in_block
            && filled.len() <= 2
            && self.last.is_some()
            && filled.iter().all(|i| {
                let t = &texts[*i];
                !(columns::is_code(t) || columns::is_period(t) || columns::is_status(t))
                    && amount::bare_amount(t).is_none()
                    && amount::amounts_with_unit(t).is_empty()
            })
        {
            ctx.rows_since_header += 1;
            let cells = filled
                .iter()
                .map(|i| (kinds[*i], row.cells[*i].lines.clone(), *i + 1))
                .collect();
            self.join(
                row,
                AlignedRow {
                    cells,
                    shifted: true,
                },
            );
            return;
        }
        let after_header = ctx.rows_since_header == 0;
        ctx.rows_since_header += 1;
        let (cells, shifted) = self.aligned(row, &kinds, &texts);
        let aligned = AlignedRow { cells, shifted };
        let cont = aligned.is_continuation(first_in_block);
        if cont && after_header && aligned.is_fragment() {
            // The header row continues across a page break ("… млн." / "евро)").
            if let Some(ctx) = self.ctx.as_mut() {
                ctx.rows_since_header = 0;
            }
            return;
        }
        if cont && self.last.is_some() {
            self.join(row, aligned);
            return;
        }
        self.measure_row(row, aligned, first_in_block);
    }

    /// The row's cells in their columns: (column, lines, 1-based source cell).
    fn aligned(&mut self, row: &Row, kinds: &[Col], texts: &[String]) -> (Vec<Cell3>, bool) {
        let m = kinds.len();
        let mut n = texts.len();
        for (i, t) in texts.iter().enumerate().skip(m) {
            if !t.is_empty() {
                self.unplace(&row.at.with_column(i + 1), t);
            }
        }
        n = n.min(m);
        let numbers: Vec<Vec<u32>> = row.cells[..n]
            .iter()
            .map(|c| split::numbers(&c.lines))
            .collect();
        let identity: Vec<Option<usize>> = (0..m).map(|c| (c < n).then_some(c)).collect();
        let mut mapping = identity.clone();
        let mut trimmed = n;
        if n == m && texts[n - 1].is_empty() {
            let base = columns::score_identity(kinds, &texts[..n]);
            if let Some((map, score)) = best(
                columns::align(
                    kinds,
                    &texts[..n - 1],
                    &numbers[..n - 1],
                    &self.prev_numbers,
                ),
                !texts[0].is_empty(),
            ) && score > base
            {
                mapping = map;
                trimmed = n - 1;
            }
        } else if n < m {
            let options = columns::align(kinds, &texts[..n], &numbers, &self.prev_numbers);
            if let Some((map, score)) = best(options.clone(), !texts[0].is_empty()) {
                mapping = map;
                if let Some((ln, lmap)) = &self.last_alignment
                    && *ln == n
                    && options.iter().any(|(m2, s)| m2 == lmap && *s == score)
                {
                    mapping = lmap.clone();
                }
                self.last_alignment = Some((n, mapping.clone()));
            }
        }
        let shifted = mapping
            .iter()
            .take(trimmed.max(1))
            .enumerate()
            .any(|(c, i)| i.is_some_and(|i| i != c && !texts[i].is_empty()));
        let cells: Vec<Cell3> = mapping
            .iter()
            .enumerate()
            .map(|(c, i)| match i {
                Some(i) => (kinds[c], row.cells[*i].lines.clone(), *i + 1),
                None => (kinds[c], Vec::new(), 0),
            })
            .collect();
        // The cells' list numbers are those of their source cells, already counted.
        self.prev_numbers = mapping
            .iter()
            .map(|i| i.and_then(|i| numbers.get(i).cloned()).unwrap_or_default())
            .collect();
        (cells, shifted)
    }

    fn last_measure(&mut self) -> Option<&mut RawMeasure> {
        let (p, o, m) = self.last?;
        self.priorities
            .get_mut(p)?
            .objectives
            .get_mut(o)?
            .measures
            .get_mut(m)
    }

    /// Joins a row that continues the previous one across a page break.
    fn join(&mut self, row: &Row, mut aligned: AlignedRow) {
        let Some((p, o, _)) = self.last else { return };
        // A fragment that continues a numbered list goes to the column whose numbering it
        // continues (extraction may have put it under another column).
        if let Some(m) = self.last_measure().map(|m| m.clone()) {
            let continues = |col: Col, first: u32| {
                split::numbers(&m.lines(col))
                    .last()
                    .is_some_and(|l| l + 1 == first)
            };
            for cell in &mut aligned.cells {
                let Some(first) = split::numbers(&cell.1).first().copied() else {
                    continue;
                };
                if continues(cell.0, first) {
                    continue;
                }
                if let Some(t) = [Col::Activity, Col::Task, Col::Indicator]
                    .into_iter()
                    .find(|c| continues(*c, first))
                {
                    cell.0 = t;
                }
            }
        }
        if let Some(t) = &mut self.trace {
            let kinds = self.ctx.as_ref().map(|c| c.kinds.as_slice()).unwrap_or(&[]);
            t.joined();
            for (col, lines, _) in aligned.cells.iter().filter(|c| !c.1.is_empty()) {
                if *col == Col::Objective {
                    t.merge_into_objective(&lines.join(" "));
                } else if let Some(i) = kinds.iter().position(|k| k == col) {
                    t.merge_into_measure(i, lines);
                }
            }
        }
        for (col, lines, _) in &aligned.cells {
            if lines.is_empty() {
                continue;
            }
            if *col == Col::Objective {
                if let Some(obj) = self
                    .priorities
                    .get_mut(p)
                    .and_then(|x| x.objectives.get_mut(o))
                {
                    obj.title = format!("{} {}", obj.title, lines.join(" "))
                        .trim()
                        .to_string();
                }
                continue;
            }
            if let Some(m) = self.last_measure() {
                m.merge(*col, lines);
            }
        }
        self.warnings.push(ImportWarning::new(
            WarningKind::JoinedRow,
            &row.at,
            "редът продължава предишния (прекъсване на страница) и е присъединен към него",
        ));
    }

    fn measure_row(&mut self, row: &Row, mut aligned: AlignedRow, first_in_block: bool) {
        // After a page break, a cell that starts mid-item and continues the numbering of the
        // previous row's cell belongs to that row.
        if first_in_block && let Some(prev) = self.last_measure().map(|m| m.clone()) {
            let mut moved = Vec::new();
            for cell in &mut aligned.cells {
                if !matches!(cell.0, Col::Task | Col::Activity | Col::Indicator)
                    || cell.1.is_empty()
                    || split::starts_with_marker(&cell.1)
                {
                    continue;
                }
                let first = split::numbers(&cell.1).first().copied();
                let last = split::numbers(&prev.lines(cell.0)).last().copied();
                if let (Some(f), Some(l)) = (first, last)
                    && f == l + 1
                {
                    moved.push((cell.0, std::mem::take(&mut cell.1)));
                }
            }
            if !moved.is_empty() {
                if let Some(m) = self.last_measure() {
                    for (col, lines) in &moved {
                        m.merge(*col, lines);
                    }
                }
                if let Some(t) = &mut self.trace {
                    for (col, lines) in &moved {
                        if let Some(i) = aligned.cells.iter().position(|c| c.0 == *col) {
                            t.merge_into_measure(i, lines);
                        }
                    }
                }
                self.warnings.push(ImportWarning::new(
                    WarningKind::JoinedRow,
                    &row.at,
                    "текстът в началото на реда продължава предишния ред след прекъсване на страница и е преместен към него",
                ));
            }
        }
        let priority_text = aligned
            .cells
            .iter()
            .filter(|c| c.0 == Col::Priority)
            .flat_map(|c| c.1.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        if !priority_text.is_empty() {
            self.priority_from_column(&priority_text);
        }
        let objective_text = aligned
            .cells
            .iter()
            .filter(|c| c.0 == Col::Objective)
            .flat_map(|c| c.1.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        if !objective_text.is_empty() {
            let (code, title) = numbered_title(&objective_text);
            self.open_objective(code, title);
            if let Some(t) = &mut self.trace
                && let Some(i) = aligned.cells.iter().position(|c| c.0 == Col::Objective)
            {
                t.objective_opened(i);
            }
        } else if self.priority().objectives.is_empty() {
            self.open_objective(None, String::new());
        }
        if aligned.shifted {
            self.warnings.push(ImportWarning::new(
                WarningKind::ShiftedColumns,
                &row.at,
                "клетките на реда са разместени (слети клетки) и са върнати в колоните им",
            ));
        }
        if let Some(t) = &mut self.trace {
            t.measure(&aligned.cells);
        }
        let m = RawMeasure {
            cols: aligned
                .cells
                .into_iter()
                .filter(|c| !matches!(c.0, Col::Objective | Col::Priority))
                .map(|(c, l, _)| (c, l))
                .collect(),
            at: row.at.clone(),
        };
        let p = self.priorities.len() - 1;
        let pr = &mut self.priorities[p];
        let o = pr.objectives.len() - 1;
        pr.objectives[o].measures.push(m);
        self.last = Some((p, o, pr.objectives[o].measures.len() - 1));
    }

    fn finish(
        mut self,
        doc: Document,
        format: SourceFormat,
        options: &ImportOptions,
    ) -> ImportOutcome {
        let recognised = self.recognised();
        let mut warnings = std::mem::take(&mut self.warnings);
        let measures_found = self
            .priorities
            .iter()
            .any(|p| p.objectives.iter().any(|o| !o.measures.is_empty()));
        if recognised.adoption.is_none() {
            warnings.push(ImportWarning::new(
                WarningKind::MissingMetadata,
                &Location::default(),
                "документът не посочва решение на общинския съвет за приемане на плана",
            ));
        }
        if !measures_found {
            return ImportOutcome {
                format,
                recognised,
                plan: None,
                warnings,
                document: doc,
            };
        }
        let municipality = options
            .municipality
            .clone()
            .or_else(|| recognised.municipality.clone())
            .unwrap_or_else(|| {
                warnings.push(ImportWarning::new(
                    WarningKind::MissingMetadata,
                    &Location::default(),
                    "общината не е посочена в документа",
                ));
                "Неизвестна община".to_string()
            });
        let title = recognised.title.clone().unwrap_or_else(|| {
            warnings.push(ImportWarning::new(
                WarningKind::MissingMetadata,
                &Location::default(),
                "заглавието на плана не е намерено",
            ));
            "План за действие".to_string()
        });
        let mut ctx = measure::Finisher::new();
        let mut plan_priorities = Vec::new();
        for p in std::mem::take(&mut self.priorities) {
            plan_priorities.push(
                ctx.priority(
                    p.number,
                    &p.title,
                    p.operational_objective,
                    p.objectives
                        .into_iter()
                        .map(|o| (o.code, o.title, o.measures))
                        .collect(),
                ),
            );
        }
        let period = recognised
            .period
            .or_else(|| ctx.years())
            .unwrap_or_else(|| {
                warnings.push(ImportWarning::new(
                    WarningKind::MissingMetadata,
                    &Location::default(),
                    "периодът на плана не е намерен",
                ));
                crate::plan::YearRange {
                    from: 2021,
                    to: 2021,
                }
            });
        if recognised.period.is_none() {
            warnings.push(ImportWarning::new(
                WarningKind::MissingMetadata,
                &Location::default(),
                "периодът на плана не е посочен в заглавието; взет е от сроковете на мерките",
            ));
        }
        let mut plan = Plan::new(&municipality, &title, period);
        plan.adoption = recognised.adoption.clone();
        plan.priorities = plan_priorities;
        plan.assign_keys();
        let (mut unplaced, mut more) = ctx.into_parts(&plan);
        self.unplaced.append(&mut unplaced);
        warnings.append(&mut more);
        plan.unplaced = std::mem::take(&mut self.unplaced);
        for p in &mut plan.priorities {
            if p.national_area.is_none() {
                p.national_area = NationalArea::from_title(&p.title);
            }
        }
        ImportOutcome {
            format,
            recognised,
            plan: Some(plan),
            warnings,
            document: doc,
        }
    }

    fn recognised(&self) -> Recognised {
        let texts = &self.header_texts;
        let mut title = None;
        if let Some(i) = texts
            .iter()
            .position(|t| t.to_lowercase().starts_with("план за действие"))
        {
            let mut parts = vec![header::sentence_case(&texts[i])];
            for next in texts.iter().skip(i + 1).take(2) {
                if header::period_in(&parts.join(" ")).is_some() {
                    break;
                }
                let lowerish = next.chars().next().is_some_and(char::is_lowercase);
                let caps = header::sentence_case(next) != *next;
                if lowerish || caps {
                    let s = header::sentence_case(next);
                    let s = if caps {
                        let mut c = s.chars();
                        c.next()
                            .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    } else {
                        s
                    };
                    parts.push(s);
                } else {
                    break;
                }
            }
            let joined = parts.join(" ");
            // "… 2021-2023 г. (ПЛАН ЗА ДЕЙСТВИЕ)": the heading repeating what it is.
            let joined = joined
                .strip_suffix("(план за действие)")
                .map_or(joined.clone(), |t| t.trim_end().to_string());
            title = Some(joined);
        }
        let period = title.as_deref().and_then(header::period_in).or_else(|| {
            texts
                .iter()
                .filter(|t| !header::about_strategy(t))
                .find_map(|t| header::period_in(t))
        });
        let municipality = title
            .as_deref()
            .and_then(header::municipality_in)
            .or_else(|| texts.iter().find_map(|t| header::municipality_in(t)));
        let adoption = texts.iter().find_map(|t| header::adoption_in(t));
        let l = self.labelled.clone();
        Recognised {
            municipality: l.municipality.or(municipality),
            title: l.title.or(title),
            period: l.period.or(period),
            adoption: l.adoption.or(adoption),
        }
    }
}

/// (column, lines, 1-based source cell or 0 when the cell is missing).
type Cell3 = (Col, Vec<String>, usize);

struct AlignedRow {
    cells: Vec<Cell3>,
    shifted: bool,
}

impl AlignedRow {
    fn has(&self, cols: &[Col]) -> bool {
        self.cells
            .iter()
            .any(|(c, l, _)| cols.contains(c) && l.iter().any(|x| !x.trim().is_empty()))
    }

    /// A row with no code, status, period, institution or financing of its own only continues
    /// the row before it; so does the first row after a page break whose text starts mid-sentence.
    fn is_continuation(&self, first_in_block: bool) -> bool {
        let own = [
            Col::Code,
            Col::Status,
            Col::Period,
            Col::Institution,
            Col::Amount,
            Col::Source,
            Col::Financing,
        ];
        if !self.has(&own) {
            return true;
        }
        if !first_in_block || self.has(&[Col::Code]) {
            return false;
        }
        self.cells
            .iter()
            .filter(|(c, _, _)| {
                !matches!(
                    c,
                    Col::Period | Col::Amount | Col::Status | Col::Current | Col::Target
                )
            })
            .find_map(|(_, l, _)| l.first())
            .and_then(|t| t.chars().find(|c| c.is_alphabetic()))
            .is_some_and(char::is_lowercase)
    }

    /// At most one short piece of text.
    fn is_fragment(&self) -> bool {
        let filled: Vec<&Vec<String>> = self
            .cells
            .iter()
            .map(|(_, l, _)| l)
            .filter(|l| !l.is_empty())
            .collect();
        filled.len() <= 1 && filled.iter().all(|l| l.join(" ").chars().count() <= 40)
    }
}

/// The best-scoring alignment; on a tie the earliest missing column wins, except that a filled
/// first cell stays in the first column.
fn best(
    options: Vec<(Vec<Option<usize>>, i32)>,
    first_filled: bool,
) -> Option<(Vec<Option<usize>>, i32)> {
    let top = options.iter().map(|(_, s)| *s).max()?;
    let mut ties: Vec<(Vec<Option<usize>>, i32)> =
        options.into_iter().filter(|(_, s)| *s == top).collect();
    if first_filled {
        ties.sort_by_key(|(m, _)| m.first().is_some_and(Option::is_none));
    }
    ties.into_iter().next()
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
