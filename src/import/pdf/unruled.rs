//! Tables drawn without rulings (their columns told from the alignment of their words, in
//! [`super::aligned`]) across page breaks, as read from a PDF's glyphs: where each row ends,
//! so a row the page break cut can be joined; and the parts of one table on two pages laid on
//! the same columns, so a header row repeated on the next page is seen as the same and
//! dropped. A part with few rows may show fewer columns than the table has (a column whose
//! text starts in only one of its rows is not told): its words are laid into the columns of
//! the other part.

use super::grid::{PageCell, PageTable};
use super::lines::{TextLine, Word, median};

/// Each row ends half a line under its lowest baseline (where the next row's gap starts).
pub(super) fn mark_row_bottoms(t: &mut PageTable) {
    for row in &mut t.rows {
        let lowest = row
            .cells
            .iter()
            .flat_map(|c| c.lines.iter())
            .min_by(|a, b| a.y.total_cmp(&b.y));
        if let Some(l) = lowest {
            row.bottom = l.y - 0.5 * l.size;
        }
    }
}

/// Each column's text is wrapped where the furthest of its lines reaches, not at the next
/// column's start: between them stand both cells' padding, and a word that would have fitted
/// only there was wrapped to the next line.
pub(super) fn wrap_at_text(t: &mut PageTable) {
    let cols = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    for c in 0..cols {
        let reach = t
            .rows
            .iter()
            .filter_map(|r| r.cells.get(c))
            .flat_map(|cell| cell.lines.iter().map(|l| l.x1))
            .fold(f64::NEG_INFINITY, f64::max);
        for cell in t.rows.iter_mut().filter_map(|r| r.cells.get_mut(c)) {
            if reach > cell.left && reach < cell.right {
                cell.right = reach;
            }
        }
    }
}

/// The column starts of an unruled table part (its last boundary is where its text ends, not
/// a column's).
fn starts(t: &PageTable) -> &[f64] {
    &t.xs[..t.xs.len().saturating_sub(1)]
}

fn usual_size(t: &PageTable) -> f64 {
    let sizes: Vec<f64> = t
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().flat_map(|c| c.lines.iter().map(|l| l.size)))
        .collect();
    median(&sizes).unwrap_or(10.0)
}

/// Whether each of the column starts `few` is one of `many` (within `tol`).
fn within(few: &[f64], many: &[f64], tol: f64) -> bool {
    few.iter()
        .all(|x| many.iter().any(|y| (x - y).abs() <= tol))
}

/// Whether two parts of unruled tables on consecutive pages stand on the same columns, once
/// the part with fewer column starts is laid into the other's columns (when each of its starts
/// is one of the other's). False, and both unchanged, otherwise.
pub(super) fn same_columns(prev: &mut PageTable, next: &mut PageTable) -> bool {
    let tol = 0.6 * usual_size(prev).min(usual_size(next));
    let (a, b) = (starts(prev), starts(next));
    if a.len() < 2 || b.len() < 2 {
        return false;
    }
    if a.len() == b.len() && within(a, b, tol) {
        next.xs = prev.xs.clone();
        return true;
    }
    if a.len() < b.len() && within(a, b, tol) {
        return relay(prev, next, tol);
    }
    if b.len() < a.len() && within(b, a, tol) {
        return relay(next, prev, tol);
    }
    false
}

/// Lays the words of table part `t` into the columns of `like`, row by row. False, and `t`
/// unchanged, when `like`'s rows are not one cell a column.
fn relay(t: &mut PageTable, like: &PageTable, tol: f64) -> bool {
    let cols = starts(like);
    let Some(template) = like.rows.first() else {
        return false;
    };
    if like
        .rows
        .iter()
        .any(|r| r.cells.len() != cols.len() || r.cells.iter().any(|c| c.span != 1))
    {
        return false;
    }
    let column_of = |w: &Word| cols.iter().rposition(|c| w.x0 >= c - tol).unwrap_or(0);
    for row in &mut t.rows {
        let mut cells: Vec<PageCell> = template
            .cells
            .iter()
            .map(|c| PageCell {
                lines: Vec::new(),
                left: c.left,
                right: c.right,
                span: 1,
                merged_from_above: false,
            })
            .collect();
        for cell in std::mem::take(&mut row.cells) {
            for line in cell.lines {
                let n = line.words.len();
                let mut per: Vec<Vec<Word>> = vec![Vec::new(); cols.len()];
                let mut last_col = 0;
                for (k, w) in line.words.into_iter().enumerate() {
                    let c = column_of(&w);
                    if k + 1 == n {
                        last_col = c;
                    }
                    per[c].push(w);
                }
                for (c, words) in per.into_iter().enumerate() {
                    if words.is_empty() {
                        continue;
                    }
                    cells[c].lines.push(TextLine {
                        x0: words[0].x0,
                        x1: words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max),
                        y: line.y,
                        size: line.size,
                        trailing_space: c == last_col && line.trailing_space,
                        after_break: false,
                        words,
                    });
                }
            }
        }
        for cell in &mut cells {
            cell.lines
                .sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
        }
        row.cells = cells;
    }
    t.xs = like.xs.clone();
    true
}
