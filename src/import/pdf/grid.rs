//! Tables drawn with ruling lines: the rulings of a page grouped into grids (double borders as
//! one line, tables drawn one under another told apart by their columns), merged cells from
//! missing lines, and each cell's lines of text.

use super::lines::{TextLine, Vocabulary, reflow, text_lines};
use super::{Glyph, Page, Segment};
use std::collections::HashMap;

/// Lines closer than this (PDF units) are one ruling (a double border is one line).
const MERGE: f64 = 2.5;
/// A ruling crosses another when it reaches it within this distance.
const TOUCH: f64 = 2.5;
/// Column rulings running this far past the last row's border bound a row left open.
const OPEN: f64 = 4.0;

/// A horizontal or vertical ruling: `at` is its y (horizontal) or x (vertical), from..to its
/// extent along the other axis.
#[derive(Debug, Clone, Copy)]
struct Rule {
    at: f64,
    from: f64,
    to: f64,
}

fn rulings(page: &Page) -> (Vec<Rule>, Vec<Rule>) {
    let mut h = Vec::new();
    let mut v = Vec::new();
    for s in &page.segments {
        let Segment { x0, y0, x1, y1 } = *s;
        let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
        // The page's own frame or background is not a table.
        if dx > page.width * 0.97 || dy > page.height * 0.97 {
            continue;
        }
        if dy < 0.8 && dx > 3.0 {
            h.push(Rule {
                at: (y0 + y1) / 2.0,
                from: x0.min(x1),
                to: x0.max(x1),
            });
        } else if dx < 0.8 && dy > 3.0 {
            v.push(Rule {
                at: (x0 + x1) / 2.0,
                from: y0.min(y1),
                to: y0.max(y1),
            });
        }
    }
    (h, v)
}

/// The edges of one drawn line (a border painted as a thin filled rectangle) are closer than
/// this.
const STRIP: f64 = 1.0;

/// Distinct positions, a cluster of close ones being one (a double border is one line). A
/// table whose cells are drawn apart (HTML's separated borders: each cell its own frame, a
/// little space between frames) shows a pair of lines at each boundary; an empty column
/// squeezed to its padding sits between two such pairs, all close together: a cluster of four
/// or more lines, an even number, is a pair of lines for each boundary.
fn clusters(mut at: Vec<f64>) -> Vec<f64> {
    at.sort_by(f64::total_cmp);
    let mut chains: Vec<Vec<f64>> = Vec::new();
    for a in at {
        match chains.last_mut() {
            Some(chain) if chain.last().is_some_and(|last| a - last <= MERGE) => chain.push(a),
            _ => chains.push(vec![a]),
        }
    }
    let mut out = Vec::new();
    for chain in chains {
        // The lines of the chain, each the edges of one drawn line joined.
        let mut lines: Vec<(f64, f64)> = Vec::new();
        for a in &chain {
            match lines.last_mut() {
                Some((_, last)) if a - *last <= STRIP => *last = *a,
                _ => lines.push((*a, *a)),
            }
        }
        if lines.len() >= 4 && lines.len().is_multiple_of(2) {
            out.extend(lines.chunks(2).map(|pair| (pair[0].0 + pair[1].1) / 2.0));
        } else {
            out.push((chain[0] + chain[chain.len() - 1]) / 2.0);
        }
    }
    out
}

/// A table found from rulings on one page.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    /// Column boundaries, left to right.
    xs: Vec<f64>,
    /// Row boundaries, top to bottom (descending y).
    ys: Vec<f64>,
    h: Vec<Rule>,
    v: Vec<Rule>,
    /// Drawn open at its top and at its bottom: the column rulings run past the first or
    /// last row's border (a writer that draws no border where a page break cuts a row).
    open: (bool, bool),
}

impl Grid {
    pub(super) fn top(&self) -> f64 {
        self.ys[0]
    }

    fn bottom(&self) -> f64 {
        self.ys[self.ys.len() - 1]
    }

    pub(super) fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.xs[0] - 1.0
            && x <= self.xs[self.xs.len() - 1] + 1.0
            && y <= self.top() + 1.0
            && y >= self.bottom() - 1.0
    }

    /// Whether a vertical ruling at column boundary `c` crosses row band `r`.
    fn v_edge(&self, c: usize, r: usize) -> bool {
        let mid = (self.ys[r] + self.ys[r + 1]) / 2.0;
        self.v
            .iter()
            .any(|l| (l.at - self.xs[c]).abs() <= MERGE && l.from <= mid + 0.5 && l.to >= mid - 0.5)
    }

    /// Where the cell of region `rg` is bounded on the left (`right` false) or right: the
    /// inner one of the rulings drawn at that column boundary across the region's first row
    /// (boundaries a few points apart in different rows are one column boundary of the grid).
    fn cell_edge(&self, rg: &Region, right: bool) -> f64 {
        let c = if right { rg.col + rg.cols } else { rg.col };
        let mid = (self.ys[rg.row] + self.ys[rg.row + 1]) / 2.0;
        let near = self.v.iter().filter(|l| {
            (l.at - self.xs[c]).abs() <= 2.0 * MERGE && l.from <= mid + 0.5 && l.to >= mid - 0.5
        });
        let inner = if right {
            near.map(|l| l.at).fold(f64::INFINITY, f64::min)
        } else {
            near.map(|l| l.at).fold(f64::NEG_INFINITY, f64::max)
        };
        if inner.is_finite() { inner } else { self.xs[c] }
    }

    /// Whether a horizontal ruling at row boundary `r` crosses column `c`.
    fn h_edge(&self, r: usize, c: usize) -> bool {
        let mid = (self.xs[c] + self.xs[c + 1]) / 2.0;
        self.h
            .iter()
            .any(|l| (l.at - self.ys[r]).abs() <= MERGE && l.from <= mid + 0.5 && l.to >= mid - 0.5)
    }
}

/// Tables drawn with rulings: groups of horizontal and vertical lines that cross each other.
pub(super) fn grids(page: &Page) -> Vec<Grid> {
    let (h, v) = rulings(page);
    if h.len() < 2 || v.len() < 2 || h.len() + v.len() > 50_000 {
        return Vec::new();
    }
    // Union-find over all rulings: h first, then v.
    let n = h.len() + v.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    // Sort vertical rulings by x so only nearby ones are compared.
    for (i, a) in h.iter().enumerate() {
        for (j, b) in v.iter().enumerate() {
            let crosses = b.at >= a.from - TOUCH
                && b.at <= a.to + TOUCH
                && a.at >= b.from - TOUCH
                && a.at <= b.to + TOUCH;
            if crosses {
                let (x, y) = (find(&mut parent, i), find(&mut parent, h.len() + j));
                parent[x] = y;
            }
        }
    }
    let mut groups: HashMap<usize, (Vec<Rule>, Vec<Rule>)> = HashMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = groups.entry(root).or_default();
        if i < h.len() {
            g.0.push(h[i]);
        } else {
            g.1.push(v[i - h.len()]);
        }
    }
    let (mut tables, loose): (Vec<_>, Vec<_>) = groups
        .into_values()
        .partition(|(h, v)| h.len() >= 2 && v.len() >= 2);
    adopt_loose(&mut tables, loose.into_iter().filter(|(h, _)| h.is_empty()));
    let mut out: Vec<Grid> = tables
        .into_iter()
        .filter_map(|(h, v)| {
            let xs = clusters(v.iter().map(|r| r.at).collect());
            let mut ys = clusters(h.iter().map(|r| r.at).collect());
            ys.reverse();
            let open = open_ends(&mut ys, &v);
            (xs.len() >= 2 && ys.len() >= 2).then_some(Grid { xs, ys, h, v, open })
        })
        .flat_map(split_grid)
        .collect();
    out.sort_by(|a, b| b.top().total_cmp(&a.top()));
    out
}

/// The column rulings of a cell too narrow for its top and bottom to be drawn as lines (an
/// empty column squeezed to its padding, in a table whose cells are drawn apart) touch no row
/// ruling: each joins the table it stands inside, when it runs from one row boundary (or the
/// table's open top or bottom) to another.
fn adopt_loose(
    tables: &mut [(Vec<Rule>, Vec<Rule>)],
    loose: impl Iterator<Item = (Vec<Rule>, Vec<Rule>)>,
) {
    let extents: Vec<(f64, f64, f64, f64)> = tables
        .iter()
        .map(|(_, v)| {
            v.iter().fold(
                (
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ),
                |(x0, x1, y0, y1), r| (x0.min(r.at), x1.max(r.at), y0.min(r.from), y1.max(r.to)),
            )
        })
        .collect();
    for rule in loose.flat_map(|(_, v)| v) {
        let Some(i) = extents.iter().position(|(x0, x1, y0, y1)| {
            rule.at > *x0 && rule.at < *x1 && rule.from >= y0 - TOUCH && rule.to <= y1 + TOUCH
        }) else {
            continue;
        };
        let (h, v) = &mut tables[i];
        let (_, _, y0, y1) = extents[i];
        let bounded = |y: f64| {
            (y - y0).abs() <= 2.0 * TOUCH
                || (y - y1).abs() <= 2.0 * TOUCH
                || h.iter().any(|r| (r.at - y).abs() <= 2.0 * TOUCH)
        };
        if bounded(rule.from) && bounded(rule.to) {
            v.push(rule);
        }
    }
}

/// A row cut by a page break is often drawn without its border at the cut: the column
/// rulings run on past the last horizontal ruling (or start above the first). The table's
/// rows then end (or start) where its column rulings do. Whether the top and the bottom were
/// left open.
fn open_ends(ys: &mut Vec<f64>, v: &[Rule]) -> (bool, bool) {
    let low = v.iter().map(|r| r.from).fold(f64::INFINITY, f64::min);
    let high = v.iter().map(|r| r.to).fold(f64::NEG_INFINITY, f64::max);
    let mut open = (false, false);
    if let Some(last) = ys.last()
        && last - low > OPEN
    {
        ys.push(low);
        open.1 = true;
    }
    if let Some(first) = ys.first()
        && high - first > OPEN
    {
        ys.insert(0, high);
        open.0 = true;
    }
    open
}

/// Tables drawn one right under the other share their borders: a band whose column
/// boundaries are not those of the bands above (a boundary the table has not had, while one
/// of the band above is missing) starts another table. A merged cell only removes boundaries.
fn split_grid(g: Grid) -> Vec<Grid> {
    let nr = g.ys.len() - 1;
    let nc = g.xs.len() - 1;
    let edges: Vec<Vec<bool>> = (0..nr)
        .map(|r| (0..=nc).map(|c| g.v_edge(c, r)).collect())
        .collect();
    let mut starts = vec![0usize];
    let mut seen: Vec<bool> = edges[0].clone();
    for r in 1..nr {
        let new = (0..=nc).any(|c| edges[r][c] && !seen[c]);
        let lost = (0..=nc).any(|c| edges[r - 1][c] && !edges[r][c]);
        if new && lost {
            starts.push(r);
            seen = edges[r].clone();
        } else {
            for c in 0..=nc {
                seen[c] |= edges[r][c];
            }
        }
    }
    if starts.len() == 1 {
        return vec![g];
    }
    starts.push(nr);
    starts
        .windows(2)
        .filter_map(|w| {
            let open = (g.open.0 && w[0] == 0, g.open.1 && w[1] == nr);
            let ys: Vec<f64> = g.ys[w[0]..=w[1]].to_vec();
            // The part's columns from its own rulings: the other part's lines, close to its
            // own, would blur them.
            let (top, bottom) = (ys[0], ys[ys.len() - 1]);
            let own = clusters(
                g.v.iter()
                    .filter(|l| l.to.min(top) - l.from.max(bottom) > MERGE)
                    .map(|l| l.at)
                    .collect(),
            );
            let xs: Vec<f64> = if own.len() >= 2 {
                own
            } else {
                (0..=nc)
                    .filter(|c| (w[0]..w[1]).any(|r| edges[r][*c]))
                    .map(|c| g.xs[c])
                    .collect()
            };
            (xs.len() >= 2).then(|| Grid {
                xs,
                ys,
                h: g.h.clone(),
                v: g.v.clone(),
                open,
            })
        })
        .collect()
}

/// A cell of a ruled table: its grid position and extent.
struct Region {
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
}

fn regions(g: &Grid) -> Vec<Region> {
    let (nr, nc) = (g.ys.len() - 1, g.xs.len() - 1);
    let mut taken = vec![vec![false; nc]; nr];
    let mut out = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if taken[r][c] {
                continue;
            }
            let mut cols = 1;
            while c + cols < nc && !g.v_edge(c + cols, r) && !taken[r][c + cols] {
                cols += 1;
            }
            let mut rows = 1;
            while r + rows < nr && (c..c + cols).all(|k| !g.h_edge(r + rows, k)) {
                rows += 1;
            }
            for row in taken.iter_mut().skip(r).take(rows) {
                for t in row.iter_mut().skip(c).take(cols) {
                    *t = true;
                }
            }
            out.push(Region {
                row: r,
                col: c,
                rows,
                cols,
            });
        }
    }
    out
}

/// A table part on one page: its rows of cells, with what the page-break join needs.
#[derive(Debug, Clone)]
pub(crate) struct PageTable {
    pub top: f64,
    pub bottom: f64,
    /// Column boundaries (for telling the same table on the next page).
    pub xs: Vec<f64>,
    pub rows: Vec<PageRow>,
    /// Drawn open at its top and at its bottom (no border where a page break cut a row).
    pub open: (bool, bool),
}

#[derive(Debug, Clone)]
pub(crate) struct PageRow {
    pub cells: Vec<PageCell>,
    pub bottom: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct PageCell {
    pub lines: Vec<TextLine>,
    /// Where the cell's text may start and end (inside its padding).
    pub left: f64,
    pub right: f64,
    pub span: u32,
    pub merged_from_above: bool,
}

impl PageCell {
    pub(super) fn texts(&self, words: &Vocabulary) -> Vec<String> {
        reflow(&self.lines, (self.left, self.right), true, words)
    }
}

pub(super) fn page_table(g: &Grid, glyphs: &[&Glyph]) -> PageTable {
    let regs = regions(g);
    let nr = g.ys.len() - 1;
    let mut rows: Vec<PageRow> = (0..nr)
        .map(|r| PageRow {
            cells: Vec::new(),
            bottom: g.ys[r + 1],
        })
        .collect();
    let mut by_region: Vec<Vec<&Glyph>> = vec![Vec::new(); regs.len()];
    for (gl, (cx, cy)) in glyphs.iter().zip(word_anchors(glyphs)) {
        if let Some(i) = regs.iter().position(|rg| {
            cx >= g.xs[rg.col]
                && cx < g.xs[rg.col + rg.cols]
                && cy <= g.ys[rg.row]
                && cy > g.ys[rg.row + rg.rows]
        }) {
            by_region[i].push(gl);
        }
    }
    let cell_lines: Vec<Vec<TextLine>> = by_region.iter().map(|gl| text_lines(gl)).collect();
    // The cells' padding: the smallest indent of any line in the table (most are left aligned).
    let pad = regs
        .iter()
        .zip(&cell_lines)
        .flat_map(|(rg, ls)| {
            let edge = g.cell_edge(rg, false);
            ls.iter().map(move |l| l.x0 - edge)
        })
        .fold(f64::INFINITY, f64::min)
        .clamp(0.5, 6.0);
    // On the right, the smallest room any line leaves (lines end before the padding), but no
    // less than the padding on the left: writers pad cells alike on both sides, and a
    // punctuation mark or a long word may hang over the padding.
    let pad_right = regs
        .iter()
        .zip(&cell_lines)
        .flat_map(|(rg, ls)| {
            let edge = g.cell_edge(rg, true);
            ls.iter().map(move |l| edge - l.x1)
        })
        .fold(f64::INFINITY, f64::min)
        .max(pad)
        .clamp(0.5, 10.0);
    for (rg, lines) in regs.iter().zip(cell_lines) {
        let left = g.cell_edge(rg, false) + pad;
        let right = g.cell_edge(rg, true) - pad_right;
        rows[rg.row].cells.push(PageCell {
            lines,
            left,
            right,
            span: rg.cols as u32,
            merged_from_above: false,
        });
        for row in rows.iter_mut().skip(rg.row + 1).take(rg.rows - 1) {
            row.cells.push(PageCell {
                lines: Vec::new(),
                left,
                right,
                span: rg.cols as u32,
                merged_from_above: true,
            });
        }
    }
    PageTable {
        top: g.top(),
        bottom: g.bottom(),
        xs: g.xs.clone(),
        rows: order_cells(rows, &regs, g),
        open: g.open,
    }
}

/// Where each glyph is placed in the table: the middle of the first glyph of its word, so a
/// word that runs over its cell's right edge (a writer lets a long word overflow a narrow cell)
/// stays whole in its cell.
fn word_anchors(glyphs: &[&Glyph]) -> Vec<(f64, f64)> {
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by(|a, b| {
        let (a, b) = (glyphs[*a], glyphs[*b]);
        b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0))
    });
    let mut anchors = vec![(0.0, 0.0); glyphs.len()];
    let mut prev: Option<(usize, (f64, f64))> = None;
    for i in order {
        let g = glyphs[i];
        let own = ((g.x0 + g.x1) / 2.0, g.y + g.size * 0.3);
        let anchor = match prev {
            Some((p, anchor)) => {
                let q = glyphs[p];
                let size = q.size.max(g.size).max(1.0);
                let glued = (q.y - g.y).abs() <= 0.35 * size
                    && !q.text.trim().is_empty()
                    && !g.text.trim().is_empty()
                    && g.x0 - q.x1 < 0.18 * size
                    && g.x0 >= q.x0;
                if glued { anchor } else { own }
            }
            None => own,
        };
        anchors[i] = anchor;
        prev = Some((i, anchor));
    }
    anchors
}

/// Puts each row's cells in column order (merged shadows included).
fn order_cells(mut rows: Vec<PageRow>, regs: &[Region], g: &Grid) -> Vec<PageRow> {
    let mut cols_of: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for rg in regs {
        cols_of[rg.row].push(rg.col);
        for cols in cols_of.iter_mut().skip(rg.row + 1).take(rg.rows - 1) {
            cols.push(rg.col);
        }
    }
    let _ = g;
    for (row, cols) in rows.iter_mut().zip(cols_of) {
        let mut paired: Vec<(usize, PageCell)> = cols
            .into_iter()
            .zip(std::mem::take(&mut row.cells))
            .collect();
        paired.sort_by_key(|(c, _)| *c);
        row.cells = paired.into_iter().map(|(_, c)| c).collect();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::clusters;

    #[test]
    fn a_double_border_is_one_boundary_and_two_pairs_close_together_are_two() {
        // A border drawn as a thin rectangle (two edges), then another 2 units on.
        assert_eq!(clusters(vec![10.0, 10.7, 12.1, 12.8]).len(), 1);
        // Cells drawn apart with an empty column squeezed between them: a pair of lines at
        // each of its two boundaries.
        let xs = clusters(vec![10.0, 10.7, 12.1, 12.8, 14.2, 14.9, 16.3, 17.0]);
        assert_eq!(xs.len(), 2);
        assert!(xs[0] < 12.0 && xs[1] > 14.5);
    }
}
