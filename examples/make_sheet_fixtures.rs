//! Writes the spreadsheet fixtures (XLSX with merged cells, CSV) of a plan from its HTML fixture,
//! the way a person would have typed the plan into a spreadsheet: the recogniser's repaired
//! document (`planmon::import::recognise::repaired`), where every measure is one row with each
//! cell under its header's column, so the page breaks and merged cells that shifted the text
//! extraction's cells are gone. Headings and paragraphs are one-cell rows, a cell's lines are
//! lines of the spreadsheet cell, the header's colspan and rowspan are merged ranges. Called by
//! scripts/make-fixtures.py.
//!
//! Usage: cargo run --example make_sheet_fixtures -- PLAN.html OUT.xlsx OUT.csv

use anyhow::{Context, Result, bail};
use planmon::import::document::Block;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::HashMap;

/// One merged region being built: first row/column, last row/column.
type Region = (u32, u16, u32, u16);

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [html, xlsx, csv] = args.as_slice() else {
        bail!("usage: make_sheet_fixtures PLAN.html OUT.xlsx OUT.csv");
    };
    let bytes = std::fs::read(html).with_context(|| html.clone())?;
    let (format, doc) = planmon::import::read_document(html, &bytes)?;
    let doc = planmon::import::recognise::repaired(&doc, format);

    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut regions: Vec<Region> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => {
                rows.push(vec![text.clone()])
            }
            Block::Table(t) => {
                // The region that started most recently at each column, for vertical merges.
                let mut above: HashMap<u16, usize> = HashMap::new();
                for row in &t.rows {
                    let r = rows.len() as u32;
                    let mut cells = Vec::new();
                    for cell in &row.cells {
                        let c = cells.len() as u16;
                        let width = cell.col_span.max(1) as u16;
                        if cell.merged_from_above {
                            if let Some(&i) = above.get(&c) {
                                regions[i].2 = r;
                            }
                        } else if width > 1 {
                            above.insert(c, regions.len());
                            regions.push((r, c, r, c + width - 1));
                        } else {
                            above.insert(c, regions.len());
                            regions.push((r, c, r, c));
                        }
                        cells.push(if cell.merged_from_above {
                            String::new()
                        } else {
                            cell.lines.join("\n")
                        });
                        cells.extend((1..width).map(|_| String::new()));
                    }
                    rows.push(cells);
                }
                // A blank row ends the table, as the next page would.
                rows.push(Vec::new());
            }
        }
    }

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("План")?;
    let wrap = Format::new().set_text_wrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string_with_format(r as u32, c as u16, text, &wrap)?;
            }
        }
    }
    for (r0, c0, r1, c1) in regions {
        if r0 != r1 || c0 != c1 {
            let text = rows[r0 as usize][c0 as usize].clone();
            ws.merge_range(r0, c0, r1, c1, &text, &wrap)?;
        }
    }
    wb.save(xlsx)?;

    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_path(csv)?;
    for row in &rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}
