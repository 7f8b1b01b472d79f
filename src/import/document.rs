//! The neutral document model every reader produces and the plan recogniser consumes.
//!
//! Readers (text from Word/PDF, DOCX, HTML, XLSX/ODS/CSV) turn a file into a [`Document`]: a
//! sequence of blocks (headings, paragraphs, tables) with their location in the source. The
//! recogniser then finds the plan's header (municipality, title, period, adoption) and its
//! measure tables in the blocks, whatever format they came from. This keeps one recogniser for
//! all formats, so every format of the same plan gives the same plan.

/// Where a piece of the document came from, for warnings and unplaced text:
/// a line of a text file, a paragraph or table row of a DOCX, a sheet row of a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line in a text/HTML/CSV file, or 1-based row in a sheet.
    pub line: Option<usize>,
    /// 1-based page, when the format knows pages.
    pub page: Option<usize>,
    /// Sheet name in a spreadsheet.
    pub sheet: Option<String>,
    /// 1-based table number in the document.
    pub table: Option<usize>,
    /// 1-based row within the table.
    pub row: Option<usize>,
    /// 1-based column within the row.
    pub column: Option<usize>,
}

impl Location {
    pub fn line(line: usize) -> Location {
        Location {
            line: Some(line),
            ..Location::default()
        }
    }

    /// The same location narrowed to a column.
    pub fn with_column(&self, column: usize) -> Location {
        Location {
            column: Some(column),
            ..self.clone()
        }
    }

    /// Human-readable, in Bulgarian: "лист „План“, ред 12, колона 3".
    pub fn describe_bg(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.sheet {
            parts.push(format!("лист „{s}“"));
        }
        if let Some(p) = self.page {
            parts.push(format!("страница {p}"));
        }
        if let Some(t) = self.table {
            parts.push(format!("таблица {t}"));
        }
        if let Some(l) = self.line {
            parts.push(format!("ред {l}"));
        } else if let Some(r) = self.row {
            parts.push(format!("ред {r} от таблицата"));
        }
        if let Some(c) = self.column {
            parts.push(format!("колона {c}"));
        }
        if parts.is_empty() {
            "началото на документа".to_string()
        } else {
            parts.join(", ")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// What the reader says about the whole document (its text was recognised by OCR), given
    /// to the import's warnings.
    pub notes: Vec<super::ImportWarning>,
}

impl Document {
    pub fn new(blocks: Vec<Block>) -> Document {
        Document {
            blocks,
            notes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading (Markdown `#`, Word "Heading N" style, HTML `<hN>`), level 1-6.
    Heading {
        level: u8,
        text: String,
        at: Location,
    },
    /// A paragraph of running text outside tables.
    Paragraph {
        text: String,
        at: Location,
    },
    Table(Table),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub rows: Vec<Row>,
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub at: Location,
}

/// One cell as the source laid it out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    /// The cell's text split into its lines, paragraphs or list items, in order, with markup
    /// removed and whitespace collapsed (list markers kept as written: the recogniser decides).
    pub lines: Vec<String>,
    /// How many grid columns the cell spans (DOCX gridSpan, HTML colspan); 1 when unknown.
    pub col_span: u32,
    /// True when the cell continues a vertical merge from the row above (DOCX vMerge
    /// continuation, HTML rowspan shadow): it is empty because of the merge, not because the
    /// source left it blank.
    pub merged_from_above: bool,
}

impl Cell {
    pub fn text(text: &str) -> Cell {
        let lines = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        Cell {
            lines,
            col_span: 1,
            merged_from_above: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
    }

    /// The cell's lines joined with spaces.
    pub fn joined(&self) -> String {
        self.lines.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_describes_itself_in_bulgarian() {
        let at = Location {
            sheet: Some("План".into()),
            row: Some(12),
            ..Location::default()
        }
        .with_column(3);
        assert_eq!(
            at.describe_bg(),
            "лист „План“, ред 12 от таблицата, колона 3"
        );
        assert_eq!(Location::line(7).describe_bg(), "ред 7");
    }

    #[test]
    fn a_text_cell_collapses_whitespace_and_drops_blank_lines() {
        let c = Cell::text("  Община   Пловдив \n\n НПО ");
        assert_eq!(c.lines, vec!["Община Пловдив", "НПО"]);
        assert!(!c.is_empty());
        assert!(Cell::text(" \n ").is_empty());
    }
}
