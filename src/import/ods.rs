//! ODS content, streamed: `content.xml` read event by event into the cells present on each
//! sheet. Repeated rows and columns (`number-rows-repeated`, `number-columns-repeated`) cost
//! nothing while empty and are charged to the budget cell by cell when they hold text, so a
//! few bytes declaring a million repeated rows cannot allocate them. Cell values follow what
//! calamine gave before: a number's `office:value`, a date's ISO text, otherwise the
//! paragraphs of the cell joined by line breaks.

use super::budget::{ReadBudget, ReadFailure};
use super::sheet::SparseSheet;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// Spaces one `<text:s text:c="…"/>` may stand for.
const MAX_SPACES: usize = 1024;

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok().flatten()?;
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

fn repeat(e: &BytesStart, name: &str) -> u64 {
    attr(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
}

/// A cell's value from its attributes; `None` when its paragraphs are its value.
fn attribute_value(e: &BytesStart) -> Option<String> {
    if let Some(v) = attr(e, "office:value") {
        return Some(match v.trim().parse::<f64>() {
            Ok(f) => f.to_string(),
            Err(_) => v,
        });
    }
    for key in [
        "office:string-value",
        "office:date-value",
        "office:time-value",
    ] {
        if let Some(v) = attr(e, key) {
            return Some(v);
        }
    }
    if let Some(v) = attr(e, "office:boolean-value") {
        return Some((v == "true" || v == "TRUE").to_string());
    }
    match attr(e, "office:value-type").as_deref() {
        Some("string") | None => None,
        // A typed cell without its value is empty.
        Some(_) => Some(String::new()),
    }
}

/// The cell being read.
struct OpenCell {
    columns: u64,
    /// Its value when an attribute gives it.
    value: Option<String>,
    text: String,
    paragraphs: usize,
}

/// Every top-level sheet's name and cells, in document order.
pub(crate) fn read_content<R: BufRead>(
    source: R,
    budget: &mut ReadBudget,
) -> Result<Vec<(String, SparseSheet)>, ReadFailure> {
    let mut reader = Reader::from_reader(source);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut sheets: Vec<(String, SparseSheet)> = Vec::new();
    let mut depth = 0usize;
    // Nesting of table:table (sub-tables inside a cell are read as that cell's text).
    let mut tables = 0usize;
    let (mut row, mut col) = (0u64, 0u64);
    let mut row_repeat = 1u64;
    let mut row_cells: Vec<(u64, String)> = Vec::new();
    let mut cell: Option<OpenCell> = None;
    // Inside an annotation (a comment on a cell), whose text is not the cell's.
    let mut skip = 0usize;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ReadFailure::Broken(format!(
                "content.xml около байт {}: {e}",
                reader.buffer_position()
            ))
        })?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            if !empty {
                depth += 1;
                budget.check_depth(depth)?;
            }
            let name = e.name();
            let name = name.as_ref();
            if skip > 0 {
                skip += usize::from(!empty);
                continue;
            }
            match name {
                "table:table" => {
                    if tables == 0 && !empty {
                        sheets.push((
                            attr(e, "table:name").unwrap_or_default(),
                            SparseSheet::new(),
                        ));
                        (row, col) = (0, 0);
                    }
                    tables += usize::from(!empty);
                }
                "table:table-row" if tables == 1 && cell.is_none() => {
                    row_repeat = repeat(e, "table:number-rows-repeated");
                    row_cells.clear();
                    col = 0;
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell"
                    if tables == 1 && cell.is_none() =>
                {
                    let open = OpenCell {
                        columns: repeat(e, "table:number-columns-repeated"),
                        value: attribute_value(e),
                        text: String::new(),
                        paragraphs: 0,
                    };
                    if empty {
                        finish_cell(open, &mut col, &mut row_cells, budget)?;
                    } else {
                        cell = Some(open);
                    }
                }
                "office:annotation" if !empty => skip = 1,
                "text:p" | "text:h" => {
                    if let Some(c) = cell.as_mut() {
                        if c.paragraphs > 0 {
                            c.text.push('\n');
                        }
                        c.paragraphs += 1;
                    }
                }
                "text:s" => {
                    if let Some(c) = cell.as_mut() {
                        let n = (repeat(e, "text:c") as usize).min(MAX_SPACES);
                        budget.charge_text(n)?;
                        c.text.extend(std::iter::repeat_n(' ', n));
                    }
                }
                "text:tab" => push(&mut cell, "\t", budget)?,
                "text:line-break" => push(&mut cell, "\n", budget)?,
                _ => {}
            }
            continue;
        }
        match event {
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                match e.name().as_ref() {
                    "table:table" => tables = tables.saturating_sub(1),
                    "table:table-cell" | "table:covered-table-cell" if tables == 1 => {
                        if let Some(open) = cell.take() {
                            finish_cell(open, &mut col, &mut row_cells, budget)?;
                        }
                    }
                    "table:table-row" if tables == 1 && cell.is_none() => {
                        if let Some((_, cells)) = sheets.last_mut() {
                            finish_row(row, row_repeat, &row_cells, cells, budget)?;
                        }
                        row = row.saturating_add(row_repeat);
                        row_cells.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skip == 0 => push(&mut cell, &t.xml10_content(), budget)?,
            Event::CData(t) if skip == 0 => push(&mut cell, &t.xml10_content(), budget)?,
            Event::GeneralRef(r) if skip == 0 => {
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
                    push(&mut cell, c.encode_utf8(&mut [0; 4]), budget)?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheets)
}

fn push(cell: &mut Option<OpenCell>, s: &str, budget: &mut ReadBudget) -> Result<(), ReadFailure> {
    if let Some(c) = cell.as_mut()
        && c.value.is_none()
    {
        budget.charge_text(s.len())?;
        c.text.push_str(s);
    }
    Ok(())
}

/// A finished cell: kept (once per repeated column) when it holds anything.
fn finish_cell(
    open: OpenCell,
    col: &mut u64,
    row_cells: &mut Vec<(u64, String)>,
    budget: &mut ReadBudget,
) -> Result<(), ReadFailure> {
    let text = open.value.unwrap_or(open.text);
    if !text.is_empty() {
        for i in 0..open.columns {
            budget.charge_cells(1)?;
            if i > 0 {
                budget.charge_text(text.len())?;
            }
            row_cells.push((col.saturating_add(i), text.clone()));
        }
    }
    *col = col.saturating_add(open.columns);
    Ok(())
}

/// A finished row: its cells placed (once per repeated row) on the sheet.
fn finish_row(
    row: u64,
    repeat: u64,
    row_cells: &[(u64, String)],
    cells: &mut SparseSheet,
    budget: &mut ReadBudget,
) -> Result<(), ReadFailure> {
    if row_cells.is_empty() {
        return Ok(());
    }
    for k in 0..repeat {
        for (c, text) in row_cells {
            if k > 0 {
                budget.charge_cells(1)?;
                budget.charge_text(text.len())?;
            }
            // Positions past a sheet's largest are not a sheet's cells.
            let (Ok(r), Ok(c)) = (u32::try_from(row + k), u32::try_from(*c)) else {
                continue;
            };
            cells.insert((r, c), text.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportError;
    use crate::import::budget::{Limit, ReadLimits};

    fn content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn read(body: &str, limits: ReadLimits) -> Result<Vec<(String, SparseSheet)>, ReadFailure> {
        let xml = content(body);
        let mut budget = ReadBudget::new("t.ods", limits);
        read_content(xml.as_bytes(), &mut budget)
    }

    #[test]
    fn cells_are_placed_by_repeats_and_paragraphs_become_lines() {
        let sheets = read(
            r#"<table:table table:name="План"><table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="string"><text:p>Ремонт<text:s text:c="2"/>на</text:p><text:p>училище &amp; двор</text:p><office:annotation><text:p>бележка</text:p></office:annotation></table:table-cell><table:table-cell office:value-type="float" office:value="1500.50"><text:p>1 500,50</text:p></table:table-cell></table:table-row></table:table>"#,
            ReadLimits::DEFAULT,
        )
        .expect("reads");
        assert_eq!(sheets.len(), 1);
        let (name, cells) = &sheets[0];
        assert_eq!(name, "План");
        let got: Vec<_> = cells.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            got,
            vec![((3, 2), "Ремонт  на\nучилище & двор"), ((3, 3), "1500.5")]
        );
    }

    #[test]
    fn a_million_repeated_rows_of_text_stop_at_the_cell_limit() {
        let limits = ReadLimits {
            cells: 1000,
            ..ReadLimits::DEFAULT
        };
        let r = read(
            r#"<table:table table:name="a"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#,
            limits,
        );
        match r {
            Err(ReadFailure::Budget(ImportError::OverBudget { which, .. })) => {
                assert_eq!(which, Limit::Cells)
            }
            _ => panic!("refused by the cell limit"),
        }
    }

    #[test]
    fn empty_repeats_far_apart_cost_two_cells() {
        let sheets = read(
            r#"<table:table table:name="a"><table:table-row><table:table-cell office:value-type="string"><text:p>A1</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>XFD</text:p></table:table-cell></table:table-row></table:table>"#,
            ReadLimits::DEFAULT,
        )
        .expect("reads");
        let keys: Vec<_> = sheets[0].1.keys().copied().collect();
        assert_eq!(keys, vec![(0, 0), (1_048_575, 16_383)]);
    }
}
