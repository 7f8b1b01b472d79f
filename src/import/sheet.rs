//! Spreadsheet readers: XLSX and ODS through calamine, CSV through the csv crate (delimiter
//! sniffed among `;` `,` and tab). Every non-empty sheet becomes one table, rows located by
//! sheet and row number; merged regions become spans and `merged_from_above` cells. Whether a
//! sheet holds measures is the recogniser's decision, not the reader's.

use super::ImportError;
use super::document::{Block, Cell, Document, Location, Row, Table};
use calamine::{Data, Dimensions, Ods, Range, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;

pub fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Document, ImportError> {
    let corrupt = |e: calamine::XlsxError| ImportError::Corrupt {
        file: file.to_string(),
        detail: format!("таблицата XLSX не може да бъде прочетена ({e})"),
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(corrupt)?;
    let mut blocks = Vec::new();
    for (n, name) in wb.sheet_names().into_iter().enumerate() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ImportError::Corrupt {
                file: file.to_string(),
                detail: format!("лист „{name}“ не може да бъде прочетен ({e})"),
            })?;
        // Merged regions are optional: a sheet whose merge list is broken is still read.
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        blocks.extend(sheet_tables(&name, n + 1, &range, &merges));
    }
    Ok(Document { blocks })
}

pub fn read_ods(file: &str, bytes: &[u8]) -> Result<Document, ImportError> {
    let corrupt = |e: calamine::OdsError| ImportError::Corrupt {
        file: file.to_string(),
        detail: format!("таблицата ODS не може да бъде прочетена ({e})"),
    };
    let mut wb: Ods<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(corrupt)?;
    let mut blocks = Vec::new();
    for (n, name) in wb.sheet_names().into_iter().enumerate() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ImportError::Corrupt {
                file: file.to_string(),
                detail: format!("лист „{name}“ не може да бъде прочетен ({e})"),
            })?;
        blocks.extend(sheet_tables(&name, n + 1, &range, &[]));
    }
    Ok(Document { blocks })
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

/// A sheet's tables: runs of rows separated by blank rows (several tables laid out on one sheet,
/// as a document's pages often are, stay apart).
fn sheet_tables(
    name: &str,
    sheet_no: usize,
    range: &Range<Data>,
    merges: &[Dimensions],
) -> Vec<Block> {
    let Some((r0, c0)) = range.start() else {
        return Vec::new();
    };
    let mut tables = Vec::new();
    let mut rows = Vec::new();
    for (i, data_row) in range.rows().enumerate() {
        let abs_row = r0 + i as u32;
        let mut cells = Vec::new();
        for (j, d) in data_row.iter().enumerate() {
            let abs_col = c0 + j as u32;
            let text = data_text(d);
            match merge_at(merges, abs_row, abs_col) {
                Merge::Covered => {}
                Merge::Start(w) => cells.push(Cell {
                    col_span: w,
                    ..Cell::text(&text)
                }),
                Merge::Below(w) => cells.push(Cell {
                    lines: Vec::new(),
                    col_span: w,
                    merged_from_above: true,
                }),
                Merge::None => cells.push(Cell::text(&text)),
            }
        }
        // Columns left of the used range still count, so cell k is column k.
        if c0 > 0 {
            let mut padded: Vec<Cell> = (0..c0).map(|_| Cell::text("")).collect();
            padded.extend(cells);
            cells = padded;
        }
        if cells.iter().all(|c| c.is_empty() && !c.merged_from_above) {
            if !rows.is_empty() {
                tables.push(std::mem::take(&mut rows));
            }
            continue;
        }
        rows.push(Row {
            cells,
            at: Location {
                sheet: Some(name.to_string()),
                line: Some(abs_row as usize + 1),
                ..Location::default()
            },
        });
    }
    if !rows.is_empty() {
        tables.push(rows);
    }
    tables
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
        .collect()
}

/// The delimiter that splits the first records into the most, and the most even, fields.
fn sniff_delimiter(text: &str) -> u8 {
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

pub fn read_csv(file: &str, text: &str) -> Result<Document, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
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
    Ok(Document { blocks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only_table(d: &Document) -> &Table {
        match d.blocks.as_slice() {
            [Block::Table(t)] => t,
            other => panic!("one table expected: {other:?}"),
        }
    }

    #[test]
    fn csv_with_semicolons_and_quoted_line_breaks_is_one_table() {
        let d = read_csv(
            "a.csv",
            "Мерки;Срок;Отговорна институция\n\"Ремонт\nна училище\";2023;Община, РУО\n;;\n\"\"\n",
        )
        .expect("reads");
        let t = only_table(&d);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].cells[0].lines, vec!["Ремонт", "на училище"]);
        assert_eq!(t.rows[1].cells[2].joined(), "Община, РУО");
        assert_eq!(t.rows[1].at.line, Some(2));
    }

    #[test]
    fn the_delimiter_is_sniffed() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
    }

    #[test]
    fn merged_regions_become_spans_and_shadows() {
        let mut range = Range::new((0, 0), (2, 2));
        range.set_value((0, 0), Data::String("Финансиране".into()));
        range.set_value((0, 2), Data::String("Индикатори".into()));
        range.set_value((1, 2), Data::String("x".into()));
        let merges = [Dimensions::new((0, 0), (1, 1))];
        let tables = sheet_tables("План", 1, &range, &merges);
        let Some(Block::Table(t)) = tables.first() else {
            panic!("a table");
        };
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 2);
        assert_eq!(t.rows[0].cells[0].col_span, 2);
        assert!(t.rows[1].cells[0].merged_from_above);
        assert_eq!(t.rows[1].at.describe_bg(), "лист „План“, ред 2");
    }
}
