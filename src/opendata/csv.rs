//! CSV: UTF-8 with a byte order mark (so Excel opens Cyrillic), a header row of the column
//! names, text neutralised against formula injection.

use super::{Cell, Table, neutralise};

/// The byte order mark that tells spreadsheets the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write(table: &Table) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(BOM.to_vec());
    w.write_record(table.columns())?;
    for row in &table.rows {
        w.write_record(row.iter().map(field))?;
    }
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

fn field(cell: &Cell) -> String {
    match cell {
        // Numbers are written by us and may be negative: they are never formulas.
        Cell::Int(_) | Cell::Float(_) | Cell::Money(_) | Cell::Bool(_) | Cell::Empty => {
            cell.plain()
        }
        Cell::Text(_) | Cell::List(_) => neutralise(&cell.plain()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opendata::Dataset;

    #[test]
    fn csv_starts_with_a_bom_and_neutralises_formulas_but_not_numbers() {
        let mut row = vec![Cell::Empty; Dataset::Plans.columns().len()];
        row[0] = Cell::Int(-5);
        row[1] = Cell::Text("=HYPERLINK(\"http://x\")".into());
        row[2] = Cell::List(vec!["@cmd".into(), "ok".into()]);
        row[3] = Cell::Text("\tinjected".into());
        row[15] = Cell::Money(-150);
        let t = Table {
            dataset: Dataset::Plans,
            rows: vec![row],
        };
        let bytes = write(&t).expect("csv");
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[BOM.len()..].to_vec()).expect("utf-8");
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .expect("headers")
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(headers, Dataset::Plans.columns());
        let rec = r.records().next().expect("a row").expect("parses");
        assert_eq!(&rec[0], "-5");
        assert_eq!(&rec[1], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&rec[2], "'@cmd\nok");
        assert_eq!(&rec[3], "'\tinjected");
        assert_eq!(&rec[15], "-1.50");
    }
}
