//! Plans written without a table: each measure as paragraphs opened by the name of a column
//! ("Мярка 1.1: …", "Отговорна институция: …", "Срок: …", "Финансиране: …", "Индикатор: …").
//! Such runs of paragraphs are read as the table they stand for (a header row of the labels,
//! a row per measure) before the recogniser reads the document, so they go the same way as a
//! table's rows: one way to read a measure.

use super::columns::{self, Col};
use super::headings::{is_operational_objective, objective_heading, priority_heading};
use crate::import::document::{Block, Cell, Document, Location, Row, Table};
use std::borrow::Cow;

/// At most this many paragraphs without a label go on with the label before them.
const MAX_CONTINUATION: usize = 10;

/// The columns that open a measure's record.
fn opens_record(col: Col) -> bool {
    matches!(col, Col::Measure | Col::Activity | Col::Task | Col::Code)
}

/// "Отговорна институция: Община X" → (column, label, value); "Мярка 1.1: …" also gives the
/// code after the label's words.
fn labelled(text: &str) -> Option<(Col, &str, Option<&str>, &str)> {
    let (label, value) = text.split_once(':')?;
    let (label, value) = (label.trim(), value.trim());
    if label.is_empty() || value.is_empty() || label.chars().count() > 60 {
        return None;
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.len() > 6 {
        return None;
    }
    let code = words
        .last()
        .filter(|w| words.len() > 1 && columns::is_code(w))
        .copied();
    let name = match code {
        Some(c) => label[..label.len() - c.len()].trim_end(),
        None => label,
    };
    let col = columns::classify(name)?;
    (!matches!(col, Col::Other | Col::Priority | Col::Objective))
        .then_some((col, name, code, value))
}

/// The document with its runs of labelled measures as tables; the document itself when it has
/// none (most have tables).
pub(super) fn as_tables(doc: &Document) -> Cow<'_, Document> {
    // Most documents have no labelled measure at all: they are not copied.
    let opens = |b: &Block| match b {
        Block::Paragraph { text, .. } | Block::Heading { text, .. } => {
            labelled(text).is_some_and(|(col, ..)| opens_record(col))
        }
        Block::Table(_) => false,
    };
    if !doc.blocks.iter().any(opens) {
        return Cow::Borrowed(doc);
    }
    let mut out: Vec<Block> = Vec::with_capacity(doc.blocks.len());
    let mut run = Run::default();
    let mut found = false;
    for block in &doc.blocks {
        let (text, at) = match block {
            Block::Paragraph { text, at } | Block::Heading { text, at, .. } => (text, at),
            Block::Table(_) => {
                found |= run.flush(&mut out);
                out.push(block.clone());
                continue;
            }
        };
        let parted = priority_heading(text).is_some()
            || objective_heading(text).is_some()
            || is_operational_objective(text);
        match labelled(text) {
            Some((col, label, code, value)) if !parted && (run.open() || opens_record(col)) => {
                run.add(col, label, code, value, at);
                // The block stays until the run proves to be records.
                run.blocks.push(block.clone());
            }
            _ if run.open() && !parted && run.continuation < MAX_CONTINUATION => {
                run.continuation += 1;
                run.go_on(text);
                run.blocks.push(block.clone());
            }
            _ => {
                found |= run.flush(&mut out);
                out.push(block.clone());
            }
        }
    }
    found |= run.flush(&mut out);
    if found {
        Cow::Owned(Document {
            blocks: out,
            notes: doc.notes.clone(),
        })
    } else {
        Cow::Borrowed(doc)
    }
}

/// Labelled paragraphs read so far: the columns in the order they came, and a record each.
#[derive(Default)]
struct Run {
    /// (column, label as written first).
    header: Vec<(Col, String)>,
    records: Vec<Record>,
    /// The paragraphs of the run, given back as they were when it is no table.
    blocks: Vec<Block>,
    continuation: usize,
}

struct Record {
    at: Location,
    /// (index into the header, lines).
    cells: Vec<(usize, Vec<String>)>,
}

impl Run {
    fn open(&self) -> bool {
        !self.records.is_empty()
    }

    fn add(&mut self, col: Col, label: &str, code: Option<&str>, value: &str, at: &Location) {
        self.continuation = 0;
        let repeats = self
            .records
            .last()
            .is_some_and(|r| r.cells.iter().any(|(i, _)| self.header[*i].0 == col));
        if self.records.is_empty() || repeats {
            self.records.push(Record {
                at: at.clone(),
                cells: Vec::new(),
            });
        }
        if let Some(code) = code {
            self.cell(Col::Code, "№", code);
        }
        self.cell(col, label, value);
    }

    fn cell(&mut self, col: Col, label: &str, value: &str) {
        let i = match self.header.iter().position(|(c, _)| *c == col) {
            Some(i) => i,
            None => {
                self.header.push((col, label.to_string()));
                self.header.len() - 1
            }
        };
        if let Some(r) = self.records.last_mut() {
            match r.cells.iter_mut().find(|(j, _)| *j == i) {
                Some((_, lines)) => lines.push(value.to_string()),
                None => r.cells.push((i, vec![value.to_string()])),
            }
        }
    }

    /// A paragraph without a label: the last label's text goes on.
    fn go_on(&mut self, text: &str) {
        if let Some((_, lines)) = self.records.last_mut().and_then(|r| r.cells.last_mut()) {
            lines.push(text.trim().to_string());
        }
    }

    /// Writes the run out: as a table when it holds measures (two records, or one of three
    /// labels or more), else as the paragraphs it was. Whether a table was written.
    fn flush(&mut self, out: &mut Vec<Block>) -> bool {
        let run = std::mem::take(self);
        let labels = run.records.first().map_or(0, |r| r.cells.len());
        if run.records.len() < 2 && labels < 3 {
            out.extend(run.blocks);
            return false;
        }
        let at = run.records[0].at.clone();
        // The code column first, as tables have it; the others in the order they came.
        let mut order: Vec<usize> = (0..run.header.len()).collect();
        order.sort_by_key(|i| run.header[*i].0 != Col::Code);
        let mut rows = vec![Row {
            cells: order
                .iter()
                .map(|i| Cell::text(&run.header[*i].1))
                .collect(),
            at: at.clone(),
        }];
        for r in run.records {
            let mut cells = vec![Cell::text(""); run.header.len()];
            for (i, lines) in r.cells {
                if let Some(place) = order.iter().position(|o| *o == i) {
                    cells[place].lines = lines;
                }
            }
            rows.push(Row { cells, at: r.at });
        }
        out.push(Block::Table(Table { rows, at }));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, line: usize) -> Block {
        Block::Paragraph {
            text: text.into(),
            at: Location::line(line),
        }
    }

    #[test]
    fn measures_written_as_labelled_paragraphs_are_read_as_a_table_of_them() {
        let doc = Document::new(vec![
            para("Период на плана: 2024-2025", 1),
            para("Приоритет 1: Образование", 2),
            para("Мярка 1.1: Летни училища", 3),
            para("Отговорна институция: Община Тестово", 4),
            para("Срок: 2024", 5),
            para("Мярка 1.2: Медиатори", 6),
            para("за всички училища", 7),
            para("Срок: 2025", 8),
        ]);
        let got = as_tables(&doc);
        assert_eq!(got.blocks.len(), 3, "{:?}", got.blocks);
        let Block::Table(t) = &got.blocks[2] else {
            panic!("no table: {:?}", got.blocks)
        };
        let rows: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(Cell::joined).collect())
            .collect();
        assert_eq!(rows[0], ["№", "Мярка", "Отговорна институция", "Срок"]);
        assert_eq!(rows[1], ["1.1", "Летни училища", "Община Тестово", "2024"]);
        assert_eq!(rows[2][..2], ["1.2", "Медиатори за всички училища"]);
        assert_eq!(rows[2][3], "2025");
    }

    #[test]
    fn a_document_without_labelled_measures_is_left_as_it_is() {
        let doc = Document::new(vec![
            para("Период на плана: 2024-2025", 1),
            para("Срок: 2024", 2),
            para("Мярка: една", 3),
        ]);
        assert!(matches!(as_tables(&doc), Cow::Borrowed(_)));
    }
}
