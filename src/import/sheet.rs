//! Spreadsheet readers: XLSX and ODS through calamine, CSV through the csv crate (delimiter
//! sniffed among `;` `,` and tab). Every non-empty sheet becomes one table, rows located by
//! sheet and row number; merged regions become spans and `merged_from_above` cells. Whether a
//! sheet holds measures is the recogniser's decision, not the reader's.

use super::ImportError;
use super::budget::{Limit, ReadBudget};
use super::document::{Block, Cell, Document, Location, Row, Table};
use calamine::{Data, Dimensions, Ods, Reader, Xlsx, XlsxError, open_workbook_from_rs};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

/// The cells present on one sheet, by 0-based (row, column): what a file holds, never its
/// declared dimension, so a cell at A1 and one at XFD1048576 are two entries, not 17 billion.
pub(crate) type SparseSheet = BTreeMap<(u32, u32), String>;

/// Refuses a shared-string table that declares more strings than a file may have cells:
/// calamine reserves room for the declared `uniqueCount` before reading any (a few bytes
/// declaring four billion made it ask for 96 GB and abort). The whole part is searched, not
/// parsed: whatever comes before the root element, the count is found as calamine finds it.
pub(crate) fn check_shared_strings(bytes: &[u8], budget: &ReadBudget) -> Result<(), ImportError> {
    use std::io::Read;
    static COUNT: std::sync::LazyLock<Option<regex::bytes::Regex>> =
        std::sync::LazyLock::new(|| {
            regex::bytes::Regex::new(r#"uniqueCount\s*=\s*["']\s*\+?0*([0-9]+)"#).ok()
        });
    let Some(re) = COUNT.as_ref() else {
        return Ok(());
    };
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    // Kept from the chunk before, so a count across a chunk boundary is still whole.
    const CARRY: usize = 4096;
    for name in names {
        let Ok(entry) = archive.by_name(&name) else {
            continue;
        };
        let mut entry = budget.counted(entry);
        let mut window: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            let n = match entry.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) if budget.unpacked_over() => return Err(budget.over(Limit::UnpackedBytes)),
                Err(_) => break,
            };
            window.extend_from_slice(&chunk[..n]);
            for c in re.captures_iter(&window) {
                let digits = c.get(1).map_or(&b""[..], |m| m.as_bytes());
                let declared = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok())
                    .unwrap_or(u64::MAX);
                if declared > budget.limits().cells {
                    return Err(budget.over(Limit::Cells));
                }
            }
            let keep = window.len().saturating_sub(CARRY);
            window.drain(..keep);
        }
    }
    Ok(())
}

pub fn read_xlsx(
    file: &str,
    bytes: &[u8],
    budget: &mut ReadBudget,
) -> Result<Document, ImportError> {
    budget.scan_zip(bytes)?;
    check_shared_strings(bytes, budget)?;
    let corrupt = |e: calamine::XlsxError| ImportError::Corrupt {
        file: file.to_string(),
        detail: format!("таблицата XLSX не може да бъде прочетена ({e})"),
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(corrupt)?;
    let mut blocks = Vec::new();
    for (n, name) in wb.sheet_names().into_iter().enumerate() {
        let sheet_error = |e: XlsxError| ImportError::Corrupt {
            file: file.to_string(),
            detail: format!("лист „{name}“ не може да бъде прочетен ({e})"),
        };
        let cells = match xlsx_cells(&mut wb, &name, budget, data_text) {
            Ok(cells) => cells?,
            // A chart sheet holds no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(sheet_error(e)),
        };
        // Merged regions are optional: a sheet whose merge list is broken is still read.
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        blocks.extend(sheet_tables(&name, n + 1, &cells, &merges, budget)?);
    }
    Ok(Document::new(blocks))
}

/// The cells present on an XLSX sheet, read one by one from its XML, each charged to the
/// budget. The outer error is calamine's, the inner one the budget's.
pub(crate) fn xlsx_cells<RS: std::io::Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    budget: &mut ReadBudget,
    data_text: fn(&Data) -> String,
) -> Result<Result<SparseSheet, ImportError>, XlsxError> {
    // calamine 0.38 multiplies a cell reference's row and column without checking for overflow
    // (`r="A99999999999"` on a cell or `<dimension ref="A1:XFD18446744073709551616">` panics in a
    // debug build, wraps in a release one; found by scripts/fuzz.sh): a panic inside the
    // third-party reader is a corrupt sheet.
    let mut reader = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let wb = wb;
        wb.worksheet_cells_reader(name)
    }))
    .map_err(|_| XlsxError::UnexpectedNode("dimension"))??;
    let mut cells = SparseSheet::new();
    loop {
        let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.next_cell()))
            .map_err(|_| XlsxError::UnexpectedNode("c"))??;
        let Some(cell) = next else { break };
        let value: Data = cell.get_value().clone().into();
        if matches!(value, Data::Empty) {
            continue;
        }
        let text = data_text(&value);
        if let Err(e) = budget.charge_cell(text.len()) {
            return Ok(Err(e));
        }
        cells.insert(cell.get_position(), text);
    }
    Ok(Ok(cells))
}

pub fn read_ods(
    file: &str,
    bytes: &[u8],
    budget: &mut ReadBudget,
) -> Result<Document, ImportError> {
    let corrupt = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail: format!("таблицата ODS не може да бъде прочетена ({detail})"),
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    budget.check_zip_entries(archive.len())?;
    let entry = archive
        .by_name("content.xml")
        .map_err(|e| corrupt(format!("content.xml: {e}")))?;
    let reader = std::io::BufReader::new(budget.counted(entry));
    let sheets =
        super::ods::read_content(reader, budget).map_err(|f| f.into_error(budget, corrupt))?;
    let mut blocks = Vec::new();
    for (n, (name, cells)) in sheets.iter().enumerate() {
        blocks.extend(sheet_tables(name, n + 1, cells, &[], budget)?);
    }
    // Calamine was the reader before; refuse what it refused, a sheet-less document.
    if sheets.is_empty() {
        let _ =
            Ods::<Cursor<&[u8]>>::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    }
    Ok(Document::new(blocks))
}

fn data_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the merged regions say about one grid position.
#[derive(Clone, Copy, PartialEq)]
enum Merge {
    None,
    /// Top-left of a region `width` columns wide.
    Start(u32),
    /// First column of a region's lower row.
    Below(u32),
    /// Covered by a region's cell to the left: not a cell of its own.
    Covered,
}

fn merge_at(merges: &[Dimensions], row: u32, col: u32) -> Merge {
    for m in merges {
        let (r0, c0) = m.start;
        let (r1, c1) = m.end;
        if row < r0 || row > r1 || col < c0 || col > c1 {
            continue;
        }
        let width = c1.saturating_sub(c0) + 1;
        return match (row == r0, col == c0) {
            (true, true) => Merge::Start(width),
            (false, true) => Merge::Below(width),
            _ => Merge::Covered,
        };
    }
    Merge::None
}

/// The most merged regions one sheet may have (each is looked up for every cell of its rows).
const MAX_MERGES: usize = 10_000;

/// A sheet's tables: runs of rows separated by blank rows (several tables laid out on one sheet,
/// as a document's pages often are, stay apart). Only rows with cells or merged regions are
/// visited; every cell made (text, padding, shadow) is charged to the budget.
fn sheet_tables(
    name: &str,
    sheet_no: usize,
    cells: &SparseSheet,
    merges: &[Dimensions],
    budget: &mut ReadBudget,
) -> Result<Vec<Block>, ImportError> {
    if merges.len() > MAX_MERGES {
        return Err(budget.over(Limit::Cells));
    }
    let max_rows = budget.limits().rows as usize;
    let mut row_nos: BTreeSet<u32> = BTreeSet::new();
    for &(r, _) in cells.keys() {
        row_nos.insert(r);
        if row_nos.len() > max_rows {
            return Err(budget.over(Limit::Rows));
        }
    }
    for m in merges {
        for r in m.start.0..=m.end.0 {
            row_nos.insert(r);
            if row_nos.len() > max_rows {
                return Err(budget.over(Limit::Rows));
            }
        }
    }
    let mut by_start: Vec<&Dimensions> = merges.iter().collect();
    by_start.sort_by_key(|m| m.start.0);
    let mut next_merge = 0;
    let mut active: Vec<Dimensions> = Vec::new();
    let mut tables = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut prev: Option<u32> = None;
    for r in row_nos {
        while let Some(m) = by_start.get(next_merge).filter(|m| m.start.0 <= r) {
            active.push(**m);
            next_merge += 1;
        }
        active.retain(|m| m.end.0 >= r);
        if prev.is_some_and(|p| r > p + 1) && !rows.is_empty() {
            tables.push(std::mem::take(&mut rows));
        }
        prev = Some(r);
        let row_cells = cells.range((r, 0)..=(r, u32::MAX));
        let last = row_cells
            .clone()
            .next_back()
            .map(|(&(_, c), _)| c)
            .into_iter()
            .chain(active.iter().map(|m| m.start.1))
            .max()
            .unwrap_or(0);
        let mut texts = row_cells.map(|(&(_, c), t)| (c, t.as_str())).peekable();
        let mut out = Vec::new();
        let mut col = 0u32;
        while col <= last {
            budget.charge_cells(1)?;
            let text = match texts.peek() {
                Some(&(c, t)) if c == col => {
                    texts.next();
                    t
                }
                _ => "",
            };
            let merge = merge_at(&active, r, col);
            if matches!(merge, Merge::Start(_) | Merge::None) {
                // Charged before its lines are made (each is a string held).
                budget.charge_lines(text.lines().count())?;
            }
            let step = match merge {
                Merge::Covered => 1,
                Merge::Start(w) => {
                    out.push(Cell {
                        col_span: w,
                        ..Cell::text(text)
                    });
                    w
                }
                Merge::Below(w) => {
                    out.push(Cell {
                        lines: Vec::new(),
                        col_span: w,
                        merged_from_above: true,
                    });
                    w
                }
                Merge::None => {
                    out.push(Cell::text(text));
                    1
                }
            };
            // Cells under a merged region hold nothing of their own.
            while texts
                .peek()
                .is_some_and(|&(c, _)| c < col.saturating_add(step))
            {
                texts.next();
            }
            col = match col.checked_add(step) {
                Some(c) => c,
                None => break,
            };
        }
        if out.iter().all(|c| c.is_empty() && !c.merged_from_above) {
            if !rows.is_empty() {
                tables.push(std::mem::take(&mut rows));
            }
            continue;
        }
        budget.charge_row()?;
        rows.push(Row {
            cells: out,
            at: Location {
                sheet: Some(name.to_string()),
                line: Some(r as usize + 1),
                ..Location::default()
            },
        });
    }
    if !rows.is_empty() {
        tables.push(rows);
    }
    // Every row as wide as the sheet's widest, so cell k is column k in every table.
    let width = |row: &Row| -> u64 { row.cells.iter().map(|c| u64::from(c.col_span)).sum() };
    let widest = tables.iter().flatten().map(width).max().unwrap_or(0);
    for row in tables.iter_mut().flatten() {
        let missing = widest - width(row);
        budget.charge_cells(missing)?;
        row.cells.extend((0..missing).map(|_| Cell::text("")));
    }
    Ok(tables
        .into_iter()
        .map(|rows| {
            Block::Table(Table {
                rows,
                at: Location {
                    sheet: Some(name.to_string()),
                    table: Some(sheet_no),
                    ..Location::default()
                },
            })
        })
        .collect())
}

/// The delimiter that splits the first records into the most, and the most even, fields.
/// The first lines of `text` (up to 64 KB, ending with a whole line when there is one), where
/// the delimiter is sniffed: the CSV reader holds a record whole, so only they are read (a first
/// record of ten million fields took 300 MB).
pub(crate) fn csv_sample(text: &str) -> &str {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(at) if end < text.len() => &text[..at + 1],
        _ => &text[..end],
    }
}

fn sniff_delimiter(text: &str) -> u8 {
    let text = csv_sample(text);
    let mut best = (b';', 0usize);
    for d in [b';', b',', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .take(20)
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        let even = counts.iter().filter(|&&c| c == first).count();
        let score = if first > 1 { first * even } else { 0 };
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// The most fields one record of `text` has (delimiters outside quotes, plus one).
fn widest_record(text: &str, delimiter: u8) -> u64 {
    let (mut widest, mut fields, mut quoted) = (0u64, 1u64, false);
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                widest = widest.max(fields);
                fields = 1;
            }
            _ if b == delimiter && !quoted => fields += 1,
            _ => {}
        }
    }
    widest.max(fields)
}

pub fn read_csv(file: &str, text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = sniff_delimiter(text);
    // The CSV reader holds a whole record before its fields can be charged: one of ten million
    // fields took 300 MB.
    if widest_record(text, delimiter) > budget.limits().cells {
        return Err(budget.over(Limit::Cells));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut tables: Vec<Vec<Row>> = Vec::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Invalid {
            file: file.to_string(),
            at: e
                .position()
                .map(|p| format!("ред {}", p.line()))
                .unwrap_or_else(|| "неизвестен ред".into()),
            detail: format!("редът не може да бъде разделен на колони ({e})"),
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        budget.charge_row()?;
        for field in record.iter() {
            budget.charge_cell(field.len())?;
        }
        for field in record.iter() {
            budget.charge_lines(field.lines().count())?;
        }
        let cells: Vec<Cell> = record.iter().map(Cell::text).collect();
        // A blank row ends a table, as in a sheet.
        if cells.iter().all(Cell::is_empty) {
            if !rows.is_empty() {
                tables.push(std::mem::take(&mut rows));
            }
            continue;
        }
        rows.push(Row {
            cells,
            at: Location::line(line),
        });
    }
    if !rows.is_empty() {
        tables.push(rows);
    }
    let blocks = tables
        .into_iter()
        .enumerate()
        .map(|(i, rows)| {
            Block::Table(Table {
                rows,
                at: Location {
                    table: Some(i + 1),
                    ..Location::default()
                },
            })
        })
        .collect();
    Ok(Document::new(blocks))
}

#[cfg(test)]
#[path = "sheet_tests.rs"]
mod tests;
