//! XLSX (rust_xlsxwriter): the dataset on one sheet under a bold, frozen header row; numbers as
//! numbers, money with two decimals, text neutralised against formula injection exactly as in
//! CSV.

use super::{Cell, Table, neutralise};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// A workbook whose bytes depend on its data only: its creation time is fixed (by default it
/// is the moment of writing), so the same data gives the same file and the same ETag.
pub fn workbook() -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2021, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(wb)
}

pub fn write(table: &Table, sheet_name: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = workbook()?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let wrap = Format::new().set_text_wrap();
    let sheet = wb.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (col, name) in table.columns().iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, row) in table.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            match cell {
                Cell::Empty => {}
                Cell::Int(n) => {
                    sheet.write_number(r, c, *n as f64)?;
                }
                Cell::Float(f) => {
                    sheet.write_number(r, c, *f)?;
                }
                Cell::Money(minor) => {
                    sheet.write_number_with_format(r, c, *minor as f64 / 100.0, &money)?;
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(r, c, *b)?;
                }
                Cell::Text(_) => {
                    sheet.write_string(r, c, neutralise(&cell.plain()))?;
                }
                Cell::List(_) => {
                    sheet.write_string_with_format(r, c, neutralise(&cell.plain()), &wrap)?;
                }
            }
        }
    }
    sheet.set_autofit_max_width(420);
    sheet.autofit();
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opendata::Dataset;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn xlsx_cells_are_typed_and_formula_text_stays_inert_text() {
        let mut row = vec![Cell::Empty; Dataset::Plans.columns().len()];
        row[0] = Cell::Int(12);
        row[1] = Cell::Text("=1+1".into());
        row[2] = Cell::List(vec!["-x".into(), "y".into()]);
        row[3] = Cell::Text("\rz".into());
        row[15] = Cell::Money(123_456);
        let t = Table {
            dataset: Dataset::Plans,
            rows: vec![row],
        };
        let bytes = write(&t, "Планове").expect("xlsx");
        let mut wb: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("opens");
        let range = wb.worksheet_range("Планове").expect("sheet");
        assert_eq!(range.get((0, 0)), Some(&Data::String("plan_id".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::Float(12.0)));
        assert_eq!(range.get((1, 1)), Some(&Data::String("'=1+1".into())));
        assert_eq!(range.get((1, 2)), Some(&Data::String("'-x\ny".into())));
        assert_eq!(range.get((1, 3)), Some(&Data::String("'\rz".into())));
        assert_eq!(range.get((1, 15)), Some(&Data::Float(1234.56)));
        // No cell of the file is a formula.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet xml"),
            &mut sheet,
        )
        .expect("read");
        assert!(!sheet.contains("<f>"), "{sheet}");
    }
}
