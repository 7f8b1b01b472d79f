//! Table rows: a header row names the columns, a data row is aligned with them (cells shifted
//! by merged cells put back), continues the measure before it across a page break, or opens
//! a measure of its own.

use super::headings::{self, furniture_key, numbered_title, objective_heading, priority_heading};
use super::{Builder, RawMeasure, amount, columns, split};
use crate::import::document::Row;
use crate::import::{ImportWarning, WarningKind};
use columns::Col;

impl Builder {
    pub(super) fn row(&mut self, row: &Row, first_in_block: bool) {
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
            if self.started
                && let Some((number, title)) = priority_heading(text)
            {
                self.text_run = text_run;
                self.open_priority(number, title, true);
                return;
            }
            if !self.started
                || priority_heading(text).is_some()
                || headings::is_operational_objective(text)
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
        if self.header_row(&texts, &filled) {
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
            // One objective per row of a one-row-per-measure table: the same text goes on.
            let same = self
                .priority()
                .objectives
                .last()
                .is_some_and(|o| o.code == code && o.title == title && !o.measures.is_empty());
            if !same {
                self.open_objective(code, title);
            }
            if let Some(t) = &mut self.trace
                && let Some(i) = aligned.cells.iter().position(|c| c.0 == Col::Objective)
            {
                t.objective_opened(i);
            }
        } else if self.priority().objectives.is_empty() {
            self.open_objective(None, String::new());
        }
        // A cell merged down over this row ("rowspan") says the same for it: the measure's
        // task, institutions, period, sources and status (never its money or indicators,
        // which would be counted twice).
        if let Some(prev) = self.last_measure().map(|m| m.clone()) {
            for (col, lines, src) in &mut aligned.cells {
                let merged = src
                    .checked_sub(1)
                    .and_then(|i| row.cells.get(i))
                    .is_some_and(|c| c.merged_from_above);
                if merged
                    && lines.is_empty()
                    && matches!(
                        col,
                        Col::Task | Col::Institution | Col::Period | Col::Source | Col::Status
                    )
                {
                    *lines = prev.lines(*col);
                }
            }
        }
        if aligned.shifted {
            self.warnings.push(ImportWarning::new(
                WarningKind::ShiftedColumns,
                &row.at,
                "клетките на реда са разместени (слети клетки) и са върнати в колоните им",
            ));
        }
        // A money column of a year says which year its amounts are for ("2025: 1 000").
        if let Some(ctx) = &self.ctx {
            for (i, year) in &ctx.years {
                if let Some(cell) = aligned.cells.get_mut(*i) {
                    for line in &mut cell.1 {
                        *line = format!("{year}: {line}");
                    }
                }
            }
        }
        if let Some(t) = &mut self.trace {
            t.measure(&aligned.cells);
        }
        let mut m = RawMeasure {
            cols: aligned
                .cells
                .into_iter()
                .filter(|c| !matches!(c.0, Col::Objective | Col::Priority))
                .map(|(c, l, _)| (c, l))
                .collect(),
            at: row.at.clone(),
            sources_in_amounts: self.ctx.as_ref().is_some_and(|c| {
                !c.kinds
                    .iter()
                    .any(|k| matches!(k, Col::Source | Col::Financing))
            }),
        };
        // The money column's header names the currency of its bare numbers ("Бюджет (лв.)").
        if let Some(currency) = self.ctx.as_ref().and_then(|c| c.currency)
            && !m.cols.iter().any(|c| c.0 == Col::Currency)
        {
            m.cols
                .push((Col::Currency, vec![currency.code().to_string()]));
        }
        let p = self.priorities.len() - 1;
        let pr = &mut self.priorities[p];
        let o = pr.objectives.len() - 1;
        pr.objectives[o].measures.push(m);
        self.last = Some((p, o, pr.objectives[o].measures.len() - 1));
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
