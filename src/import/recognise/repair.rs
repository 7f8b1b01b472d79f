//! The document as the recogniser read it, written back the way a person types a plan into a
//! spreadsheet: one row per measure, every cell under its header's column. Cells shifted by
//! merged cells are put back, rows continued across page breaks are joined into the row they
//! continue, and everything else (headings, paragraphs, header rows with their merges, rows the
//! recogniser left alone) is kept as it was. The seed plans' spreadsheet fixtures are written
//! from it (examples/make_sheet_fixtures.rs): a real sheet of a plan has no page breaks.

use super::columns::Col;
use crate::import::document::{Block, Cell, Document, Row, Table};

/// Where text that may grow later was written: a cell of a row, or a heading or paragraph.
#[derive(Debug, Clone, Copy)]
enum Place {
    Cell {
        block: usize,
        row: usize,
        col: usize,
    },
    Block(usize),
}

#[derive(Debug, Default)]
pub(super) struct Trace {
    blocks: Vec<Block>,
    /// The source row being read, until the recogniser decides what it is; kept as it is
    /// unless taken.
    pending: Option<Row>,
    /// The header rows of the current table.
    header: Vec<(usize, usize)>,
    /// The row of the last measure.
    last_measure: Option<(usize, usize)>,
    /// Where the open objective's title was written.
    objective: Option<Place>,
}

impl Trace {
    pub fn text_block(&mut self, block: &Block) {
        self.blocks.push(block.clone());
    }

    pub fn table_start(&mut self, table: &Table) {
        self.blocks.push(Block::Table(Table {
            rows: Vec::new(),
            at: table.at.clone(),
        }));
    }

    pub fn row_start(&mut self, row: &Row) {
        self.pending = Some(row.clone());
    }

    /// The place the next row of the current table takes.
    fn next_row(&self) -> (usize, usize) {
        let block = self.blocks.len().saturating_sub(1);
        let row = match self.blocks.last() {
            Some(Block::Table(t)) => t.rows.len(),
            _ => 0,
        };
        (block, row)
    }

    fn push_row(&mut self, row: Row) {
        if let Some(Block::Table(t)) = self.blocks.last_mut() {
            t.rows.push(row);
        }
    }

    /// Keeps the pending row as the source had it.
    pub fn row_end(&mut self) {
        if let Some(row) = self.pending.take() {
            self.push_row(row);
        }
    }

    pub fn header_row(&mut self, first: bool) {
        if first {
            self.header.clear();
        }
        if self.pending.is_some() {
            self.header.push(self.next_row());
        }
    }

    /// The header turned out to lack its first cell (none over the code column).
    pub fn header_shifted(&mut self) {
        for (b, r) in self.header.clone() {
            if let Some(row) = self.row_mut(b, r) {
                row.cells.insert(0, Cell::text(""));
                if row.cells.last().is_some_and(Cell::is_empty) {
                    row.cells.pop();
                }
            }
        }
    }

    /// An objective heading or objective cell opened an objective: in column `col` of the
    /// pending row, or in the heading or paragraph last written.
    pub fn objective_opened(&mut self, col: usize) {
        self.objective = Some(if self.pending.is_some() {
            let (block, row) = self.next_row();
            Place::Cell { block, row, col }
        } else {
            Place::Block(self.blocks.len().saturating_sub(1))
        });
    }

    /// The pending row is a measure with these cells, one per column.
    pub fn measure(&mut self, cells: &[(Col, Vec<String>, usize)]) {
        let Some(source) = self.pending.take() else {
            return;
        };
        self.last_measure = Some(self.next_row());
        let cells = cells
            .iter()
            .map(|(_, lines, _)| Cell {
                lines: lines.clone(),
                col_span: 1,
                merged_from_above: false,
            })
            .collect();
        self.push_row(Row {
            cells,
            at: source.at,
        });
    }

    /// The pending row continues the last measure: it is not written.
    pub fn joined(&mut self) {
        self.pending = None;
    }

    /// Lines that continue column `col` of the last measure's row (see `RawMeasure::merge`).
    pub fn merge_into_measure(&mut self, col: usize, lines: &[String]) {
        let Some((b, r)) = self.last_measure else {
            return;
        };
        if let Some(row) = self.row_mut(b, r) {
            if row.cells.len() <= col {
                row.cells.resize_with(col + 1, || Cell::text(""));
            }
            super::merge_lines(&mut row.cells[col].lines, lines);
        }
    }

    /// Text that continues the open objective's title.
    pub fn merge_into_objective(&mut self, text: &str) {
        match self.objective {
            Some(Place::Cell { block, row, col }) => {
                if let Some(cell) = self.row_mut(block, row).and_then(|r| r.cells.get_mut(col)) {
                    match cell.lines.last_mut() {
                        Some(last) => {
                            last.push(' ');
                            last.push_str(text);
                        }
                        None => cell.lines.push(text.to_string()),
                    }
                }
            }
            Some(Place::Block(b)) => {
                if let Some(Block::Heading { text: t, .. } | Block::Paragraph { text: t, .. }) =
                    self.blocks.get_mut(b)
                {
                    t.push(' ');
                    t.push_str(text);
                }
            }
            None => {}
        }
    }

    fn row_mut(&mut self, block: usize, row: usize) -> Option<&mut Row> {
        match self.blocks.get_mut(block) {
            Some(Block::Table(t)) => t.rows.get_mut(row),
            _ => None,
        }
    }

    /// The repaired document; tables left without rows are dropped.
    pub fn into_document(mut self) -> Document {
        self.row_end();
        self.blocks
            .retain(|b| !matches!(b, Block::Table(t) if t.rows.is_empty()));
        Document::new(self.blocks)
    }
}
