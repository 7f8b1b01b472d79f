//! Tables on pages: columns fitted to their content, the caption, the header row and a first
//! row kept together, the header repeated (as an artifact) on every page the table continues
//! on, a row taller than a page continued under it.

use super::{
    Align, BOTTOM, HEAD_FILL, INK, LEADING, LEFT, Layout, Op, PAD, RULE, TABLE, TOP, WIDTH,
};
use crate::analytics::charts::DataTable;
use crate::report::blocks::{Run, fit_columns};
use crate::report::pdf::text::{Line, break_lines, extent};
use krilla::tagging::{ArtifactType, TableHeaderScope, Tag};

/// A table cell's lines.
struct Cell {
    lines: Vec<Line>,
}

impl Layout<'_> {
    pub(super) fn table(&mut self, t: &DataTable) {
        let cols = t
            .rows
            .iter()
            .map(Vec::len)
            .chain([t.headers.len()])
            .max()
            .unwrap_or(0);
        if cols == 0 {
            return;
        }
        let cell_runs = |row: &[String], i: usize, bold: bool| -> Vec<Run> {
            let text = row.get(i).cloned().unwrap_or_default();
            vec![if bold {
                Run::bold(text)
            } else {
                Run::plain(text)
            }]
        };
        let (mut min, mut max) = (vec![0.0f64; cols], vec![0.0f64; cols]);
        let rows = std::iter::once((&t.headers, true)).chain(t.rows.iter().map(|r| (r, false)));
        for (row, bold) in rows.clone() {
            for i in 0..cols {
                let (lo, hi) = extent(&cell_runs(row, i, bold), TABLE, self.m);
                // A long word can be hyphenated: it need not set the column's width alone.
                min[i] = min[i].max(f64::from(lo.min(WIDTH * 0.3) + 2.0 * PAD));
                max[i] = max[i].max(f64::from(hi + 2.0 * PAD));
            }
        }
        let widths: Vec<f32> = fit_columns(&min, &max, f64::from(WIDTH))
            .into_iter()
            .map(|w| w as f32)
            .collect();
        let lay = |l: &Self, row: &[String], bold: bool| -> Vec<Cell> {
            (0..cols)
                .map(|i| Cell {
                    lines: break_lines(&cell_runs(row, i, bold), widths[i] - 2.0 * PAD, TABLE, l.m),
                })
                .collect()
        };
        let header = lay(self, &t.headers, true);
        let body: Vec<Vec<Cell>> = t.rows.iter().map(|r| lay(self, r, false)).collect();
        let lh = TABLE * LEADING;
        let height = |cells: &[Cell]| {
            cells
                .iter()
                .map(|c| c.lines.len())
                .max()
                .unwrap_or(1)
                .max(1) as f32
                * lh
                + 2.0 * PAD
        };
        let caption = break_lines(&[Run::bold(t.caption.clone())], WIDTH, 9.0, self.m);
        let caption_h = caption.len() as f32 * 9.0 * LEADING + 2.0;
        // The caption, the header and the first row together: a header never ends a page.
        let first = body.first().map_or(0.0, |r| {
            height(r).min(BOTTOM - TOP - caption_h - height(&header))
        });
        // A header taller than a third of the page (many narrow columns of long text) is set
        // once, continued over pages like a body row, and not repeated: repeating it would
        // leave no room for the rows.
        let repeat = height(&header) <= (BOTTOM - TOP) / 3.0;
        self.ensure((caption_h + height(&header) + first).min(BOTTOM - TOP));
        let table = self.group(Tag::Table, None);
        let cap = self.group(Tag::Caption, Some(table));
        self.lines(&caption, LEFT, WIDTH, 9.0, Align::Left, cap);
        self.y += 2.0;
        let tr = self.group(Tag::TR, Some(table));
        let cells: Vec<usize> = (0..cols)
            .map(|_| self.group(Tag::TH(TableHeaderScope::Column), Some(tr)))
            .collect();
        let repeated: &[Cell] = if repeat { &header } else { &[] };
        if repeat {
            self.row(&header, &widths, Some(&cells), true);
        } else {
            self.split_row(&header, &widths, &cells, repeated, true);
        }
        for r in &body {
            let tr = self.group(Tag::TR, Some(table));
            let cells: Vec<usize> = (0..cols)
                .map(|i| {
                    if i == 0 {
                        self.group(Tag::TH(TableHeaderScope::Row), Some(tr))
                    } else {
                        self.group(Tag::TD, Some(tr))
                    }
                })
                .collect();
            let h = height(r);
            if self.y + h > BOTTOM && h <= BOTTOM - TOP - height(repeated) {
                self.continued(repeated, &widths);
            }
            self.split_row(r, &widths, &cells, repeated, false);
        }
        self.y += 8.0;
    }

    /// A new page for a table that goes on, with its header repeated (none when `header` is
    /// empty).
    fn continued(&mut self, header: &[Cell], widths: &[f32]) {
        self.new_page();
        if !header.is_empty() {
            self.row(header, widths, None, true);
        }
    }

    /// A row (`head`: the header row set once), continued on the next page (under the
    /// repeated header) when it is taller than what is left. Every pass places at least one
    /// line on a fresh page, so a row always ends.
    fn split_row(
        &mut self,
        cells: &[Cell],
        widths: &[f32],
        groups: &[usize],
        header: &[Cell],
        head: bool,
    ) {
        let lh = TABLE * LEADING;
        let mut from = vec![0usize; cells.len()];
        let mut fresh = false;
        loop {
            let left = cells
                .iter()
                .zip(&from)
                .map(|(c, f)| c.lines.len().saturating_sub(*f))
                .max()
                .unwrap_or(0);
            let fit = ((BOTTOM - self.y - 2.0 * PAD) / lh).floor().max(0.0) as usize;
            let mut take = left.min(fit).max(usize::from(left == 0));
            if take == 0 && fresh {
                take = 1;
            }
            if take == 0 {
                self.continued(header, widths);
                fresh = true;
                continue;
            }
            let part: Vec<Cell> = cells
                .iter()
                .zip(&from)
                .map(|(c, f)| Cell {
                    lines: c.lines.iter().skip(*f).take(take).cloned().collect(),
                })
                .collect();
            self.row_with(&part, widths, Some(groups), head, take);
            for f in &mut from {
                *f += take;
            }
            if take >= left {
                return;
            }
            self.continued(header, widths);
            fresh = true;
        }
    }

    /// A header row (`groups` None: repeated on a new page, an artifact) or a whole body row.
    fn row(&mut self, cells: &[Cell], widths: &[f32], groups: Option<&[usize]>, head: bool) {
        let n = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        self.row_with(cells, widths, groups, head, n);
    }

    fn row_with(
        &mut self,
        cells: &[Cell],
        widths: &[f32],
        groups: Option<&[usize]>,
        head: bool,
        n: usize,
    ) {
        let lh = TABLE * LEADING;
        let h = n as f32 * lh + 2.0 * PAD;
        let top = self.y;
        if head {
            let w = widths.iter().sum();
            self.artifact(
                ArtifactType::Layout,
                vec![Op::Rect {
                    x: LEFT,
                    y: top,
                    w,
                    h,
                    color: HEAD_FILL,
                }],
            );
        }
        let mut rules = Vec::new();
        let mut x = LEFT;
        for (i, cell) in cells.iter().enumerate() {
            let mut y = top + PAD;
            for line in &cell.lines {
                let ops = self.line_ops(line, x + PAD, y, TABLE, INK);
                match groups {
                    Some(g) => self.span(g[i], line, ops),
                    None => self.artifact(ArtifactType::PaginationOther, ops),
                }
                y += lh;
            }
            rules.push(Op::Stroke {
                from: (x, top),
                to: (x, top + h),
                width: 0.5,
                color: RULE,
            });
            x += widths[i];
        }
        rules.push(Op::Stroke {
            from: (x, top),
            to: (x, top + h),
            width: 0.5,
            color: RULE,
        });
        rules.push(Op::Stroke {
            from: (LEFT, top),
            to: (x, top),
            width: 0.5,
            color: RULE,
        });
        rules.push(Op::Stroke {
            from: (LEFT, top + h),
            to: (x, top + h),
            width: 0.5,
            color: RULE,
        });
        self.artifact(ArtifactType::Layout, rules);
        self.y = top + h;
    }
}
