//! Layout analysis of PDF pages ([`super::pdf`]): glyphs → words → lines; ruling lines →
//! tables (cells from the lines where they are drawn, from column alignment where they are
//! not); the lines of a cell or paragraph joined back into the paragraphs they were wrapped
//! from; page numbers and running headers/footers dropped; a table row split by a page break
//! joined back, and header rows repeated on every page dropped.

use super::document::{Block, Cell, Document, Location, Row, Table};
use super::pdf::{Glyph, Page, Segment};
use std::collections::HashMap;

/// Lines closer than this (PDF units) are one ruling (a double border is one line).
const MERGE: f64 = 2.5;
/// A ruling crosses another when it reaches it within this distance.
const TOUCH: f64 = 2.5;

/// A line of text as laid out: its words with their extents.
#[derive(Debug, Clone)]
pub(crate) struct TextLine {
    pub x0: f64,
    pub x1: f64,
    /// Baseline.
    pub y: f64,
    pub size: f64,
    pub words: Vec<Word>,
    /// A space is written after the last word (some writers keep the space a line was
    /// wrapped at; a line broken inside a word or after a hyphen has none).
    pub trailing_space: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub x0: f64,
    pub x1: f64,
    /// The width of its first glyph.
    pub first: f64,
    pub text: String,
}

impl TextLine {
    fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Groups glyphs into lines (by baseline) and words (by gaps and spaces).
pub(crate) fn text_lines(glyphs: &[&Glyph]) -> Vec<TextLine> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() <= 0.35 * row[0].size.max(g.size).max(1.0) => {
                row.push(g)
            }
            _ => rows.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut row in rows {
        let y = row[0].y;
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let size = row.iter().map(|g| g.size).fold(0.0, f64::max).max(1.0);
        let mut words: Vec<Word> = Vec::new();
        let mut open = false;
        let mut last_x1 = f64::NEG_INFINITY;
        let mut trailing_space = false;
        for g in row {
            if g.text.trim().is_empty() {
                open = false;
                last_x1 = last_x1.max(g.x1);
                trailing_space = !words.is_empty();
                continue;
            }
            trailing_space = false;
            let gap = g.x0 - last_x1;
            if open && gap < 0.18 * size {
                if let Some(w) = words.last_mut() {
                    w.text.push_str(&g.text);
                    w.x1 = w.x1.max(g.x1);
                }
            } else {
                words.push(Word {
                    x0: g.x0,
                    x1: g.x1,
                    first: g.x1 - g.x0,
                    text: g.text.clone(),
                });
            }
            open = true;
            last_x1 = g.x1;
        }
        if words.is_empty() {
            continue;
        }
        out.push(TextLine {
            x0: words[0].x0,
            x1: words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max),
            y,
            size,
            words,
            trailing_space,
        });
    }
    out
}

/// Whether a line opens a new item: "1.", "1)", "а)", "-", "•", "–".
fn starts_item(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "-" | "–" | "—" | "•" | "\u{f0b7}" | "*" | "o" | "▪" | "·"
    ) {
        return true;
    }
    if first.starts_with(['•', '\u{f0b7}', '▪', '·']) {
        return true;
    }
    let digits = first.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let rest = &first[digits..];
        return rest.starts_with('.') || rest.starts_with(')');
    }
    let mut chars = first.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some(')'), None) if c.is_alphabetic())
}

/// The lines of a cell or a column of text joined back into the lines they were wrapped from.
/// A line continues the one before when the first word of it would not have fitted at the end
/// of that one (the writer wrapped it), it does not open a list item, and no paragraph gap is
/// between them. A word broken without a hyphen at the edge of a narrow cell is joined back.
pub(crate) fn reflow(lines: &[TextLine], left: f64, right: f64, words: &Vocabulary) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let gaps: Vec<f64> = lines.windows(2).map(|w| w[0].y - w[1].y).collect();
    let size = lines.iter().map(|l| l.size).fold(0.0, f64::max);
    let usual = median(&gaps).unwrap_or(0.0).min(size * 1.3);
    let avail = right - left;
    // Where a line could end: centred lines are measured by their width, others by their end.
    let end = |l: &TextLine| {
        let centred = l.x0 - left > 3.0 && ((l.x0 + l.x1) / 2.0 - (left + right) / 2.0).abs() < 4.0;
        if centred { left + (l.x1 - l.x0) } else { l.x1 }
    };
    let mut prev: Option<&TextLine> = None;
    for line in lines {
        let text = line.text();
        let joined = prev.is_some_and(|p| {
            let Some(first) = line.words.first() else {
                return false;
            };
            let space = 0.25 * p.size;
            let would_fit = end(p) + space + (first.x1 - first.x0) <= right - 1.0;
            let gap = p.y - line.y;
            let paragraph_gap = usual > 0.0 && gap > usual * 1.35 + 0.5;
            // A dash at the start of a line that the one before had no room for is a dash in
            // the sentence, not a list item.
            let sentence_dash = matches!(first.text.as_str(), "-" | "–" | "—")
                && end(p) + space + first.first > right - 1.0
                && line
                    .words
                    .get(1)
                    .and_then(|w| w.text.chars().next())
                    .is_some_and(char::is_lowercase);
            let item = starts_item(&text) && !sentence_dash;
            !would_fit && !paragraph_gap && !item && gap > 0.0
        });
        match (joined, out.last_mut(), prev) {
            (true, Some(last), Some(p)) => {
                // A writer breaks a word only when it does not fit on a line of its own, and
                // then fills the line up to the last letter that fits. A single letter left on
                // the next line is more likely a word of its own ("в", "и").
                // The document's own text shows the join (the word is written whole elsewhere),
                // or the line is filled to the last letter that fits.
                let broken_word = p.words.len() == 1
                    && line.words.first().is_some_and(|w| {
                        let chars = w.text.chars().count();
                        (p.x1 - p.x0) + (w.x1 - w.x0) > avail + 0.5
                            && chars > 0
                            && w.text.chars().next().is_some_and(char::is_lowercase)
                            && end(p) + w.first > right + 0.3
                            && words.joins(last, &text)
                    })
                    && last.chars().last().is_some_and(char::is_alphabetic);
                // A space written after the line says it was wrapped at a space; a line
                // ending in a hyphen without one was broken after the hyphen.
                let hyphenated = last.ends_with('-')
                    && text.chars().next().is_some_and(char::is_alphanumeric)
                    && ((words.spaces_kept && !p.trailing_space)
                        || last.chars().rev().nth(1).is_some_and(char::is_alphanumeric));
                let no_space = !p.trailing_space && (broken_word || hyphenated);
                if !no_space {
                    last.push(' ');
                }
                last.push_str(&text);
            }
            _ => out.push(text),
        }
        prev = Some(line);
    }
    out
}

/// The words written whole somewhere in the document (not at the end of a line), lowercase:
/// a word broken at the edge of a narrow cell is joined back only into one of them, so the
/// document's own text shows the join.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    words: std::collections::HashSet<String>,
    /// The writer keeps the space each line was wrapped at (see [`TextLine::trailing_space`]):
    /// a wrapped line without one was broken inside a word or after a hyphen.
    spaces_kept: bool,
}

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

impl Vocabulary {
    fn of(pages: &[Page]) -> Vocabulary {
        let mut set = std::collections::HashSet::new();
        let (mut lines, mut spaced) = (0usize, 0usize);
        for page in pages {
            let glyphs: Vec<&Glyph> = page.glyphs.iter().collect();
            for line in text_lines(&glyphs) {
                lines += 1;
                spaced += usize::from(line.trailing_space);
                let n = line.words.len();
                for w in line.words.iter().take(n.saturating_sub(1)).skip(1) {
                    let b = bare(&w.text);
                    if b.chars().count() >= 4 {
                        set.insert(b);
                    }
                }
            }
        }
        Vocabulary {
            words: set,
            spaces_kept: spaced * 10 >= lines.max(1),
        }
    }

    /// Whether the last word of `before` and the first of `after` are one word broken in two:
    /// the whole is written elsewhere, or neither piece is a word written elsewhere.
    fn joins(&self, before: &str, after: &str) -> bool {
        let (Some(a), Some(b)) = (
            before.split_whitespace().last(),
            after.split_whitespace().next(),
        ) else {
            return false;
        };
        // "преподаване/провеж" + "дане": the piece after a slash or hyphen.
        let a = a.rsplit(['/', '-']).next().unwrap_or(a);
        self.words.contains(&bare(&format!("{a}{b}")))
            || (b.chars().count() > 1
                && !self.words.contains(&bare(a))
                && !self.words.contains(&bare(b)))
    }
}

fn median(v: &[f64]) -> Option<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| *x > 0.0).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    Some(s[s.len() / 2])
}

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

/// Distinct positions, a cluster of close ones being one.
fn clusters(mut at: Vec<f64>) -> Vec<f64> {
    at.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, f64)> = Vec::new();
    for a in at {
        match out.last_mut() {
            Some((first, last)) if a - *last <= MERGE => {
                *last = a;
                let _ = first;
            }
            _ => out.push((a, a)),
        }
    }
    out.into_iter().map(|(a, b)| (a + b) / 2.0).collect()
}

/// A table found from rulings on one page.
#[derive(Debug, Clone)]
struct Grid {
    /// Column boundaries, left to right.
    xs: Vec<f64>,
    /// Row boundaries, top to bottom (descending y).
    ys: Vec<f64>,
    h: Vec<Rule>,
    v: Vec<Rule>,
}

impl Grid {
    fn top(&self) -> f64 {
        self.ys[0]
    }

    fn bottom(&self) -> f64 {
        self.ys[self.ys.len() - 1]
    }

    fn contains(&self, x: f64, y: f64) -> bool {
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

    /// Whether a horizontal ruling at row boundary `r` crosses column `c`.
    fn h_edge(&self, r: usize, c: usize) -> bool {
        let mid = (self.xs[c] + self.xs[c + 1]) / 2.0;
        self.h
            .iter()
            .any(|l| (l.at - self.ys[r]).abs() <= MERGE && l.from <= mid + 0.5 && l.to >= mid - 0.5)
    }
}

/// Tables drawn with rulings: groups of horizontal and vertical lines that cross each other.
fn grids(page: &Page) -> Vec<Grid> {
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
    let mut out: Vec<Grid> = groups
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .filter_map(|(h, v)| {
            let xs = clusters(v.iter().map(|r| r.at).collect());
            let mut ys = clusters(h.iter().map(|r| r.at).collect());
            ys.reverse();
            (xs.len() >= 2 && ys.len() >= 2).then_some(Grid { xs, ys, h, v })
        })
        .flat_map(split_grid)
        .collect();
    out.sort_by(|a, b| b.top().total_cmp(&a.top()));
    out
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
            let ys: Vec<f64> = g.ys[w[0]..=w[1]].to_vec();
            let xs: Vec<f64> = (0..=nc)
                .filter(|c| (w[0]..w[1]).any(|r| edges[r][*c]))
                .map(|c| g.xs[c])
                .collect();
            (xs.len() >= 2).then(|| Grid {
                xs,
                ys,
                h: g.h.clone(),
                v: g.v.clone(),
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
    fn texts(&self, words: &Vocabulary) -> Vec<String> {
        reflow(&self.lines, self.left, self.right, words)
    }
}

fn page_table(g: &Grid, glyphs: &[&Glyph]) -> PageTable {
    let regs = regions(g);
    let nr = g.ys.len() - 1;
    let mut rows: Vec<PageRow> = (0..nr)
        .map(|r| PageRow {
            cells: Vec::new(),
            bottom: g.ys[r + 1],
        })
        .collect();
    let mut by_region: Vec<Vec<&Glyph>> = vec![Vec::new(); regs.len()];
    for gl in glyphs {
        let cx = (gl.x0 + gl.x1) / 2.0;
        let cy = gl.y + gl.size * 0.3;
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
        .flat_map(|(rg, ls)| ls.iter().map(|l| l.x0 - g.xs[rg.col]))
        .fold(f64::INFINITY, f64::min)
        .clamp(0.5, 6.0);
    // On the right, the smallest room any line leaves (lines end before the padding).
    let pad_right = regs
        .iter()
        .zip(&cell_lines)
        .flat_map(|(rg, ls)| ls.iter().map(|l| g.xs[rg.col + rg.cols] - l.x1))
        .fold(f64::INFINITY, f64::min)
        .clamp(0.5, 10.0);
    for (rg, lines) in regs.iter().zip(cell_lines) {
        let left = g.xs[rg.col] + pad;
        let right = g.xs[rg.col + rg.cols] - pad_right;
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
    }
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

/// One thing on a page in reading order.
enum Item {
    Lines(Vec<TextLine>),
    Table(PageTable),
}

/// Text that repeats at the top or bottom of pages (running headers and footers) or is a page
/// number, by its letters only.
fn furniture_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_page_number(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| c == '-' || c == '–' || c == ' ' || c == '|');
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 4 {
        return true;
    }
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    matches!(words.as_slice(), ["стр." | "страница" | "page", n] if n.chars().all(|c| c.is_ascii_digit()))
        || matches!(words.as_slice(), ["стр." | "страница" | "page", n, "от" | "of", m]
            if n.chars().all(|c| c.is_ascii_digit()) && m.chars().all(|c| c.is_ascii_digit()))
}

/// Lays the pages out as one document.
pub fn layout(pages: &[Page]) -> Document {
    let furniture = running_furniture(pages);
    let words = Vocabulary::of(pages);
    let laid: Vec<Vec<Item>> = pages.iter().map(|p| page_items(p, &furniture)).collect();
    // Paragraphs are wrapped between the leftmost start and the rightmost end of the lines
    // of text outside tables.
    let text_left = laid
        .iter()
        .flatten()
        .filter_map(|i| match i {
            Item::Lines(l) => Some(l.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min)),
            Item::Table(_) => None,
        })
        .fold(f64::INFINITY, f64::min);
    let text_right = laid
        .iter()
        .flatten()
        .filter_map(|i| match i {
            Item::Lines(l) => Some(l.iter().map(|l| l.x1).fold(0.0, f64::max)),
            Item::Table(_) => None,
        })
        .fold(0.0, f64::max);
    let mut blocks: Vec<Block> = Vec::new();
    let mut tables = 0usize;
    // The table part last seen, if it ended its page (it may continue on the next).
    let mut open: Option<(PageTable, usize)> = None;
    for (page, items) in pages.iter().zip(laid) {
        let mut first_item = true;
        for item in items {
            match item {
                Item::Lines(lines) => {
                    if let Some((t, n)) = open.take() {
                        blocks.push(Block::Table(to_table(t, n, &words)));
                    }
                    let texts = reflow(&lines, text_left, text_right, &words);
                    for (i, text) in texts.into_iter().enumerate() {
                        blocks.push(Block::Paragraph {
                            text,
                            at: Location {
                                page: Some(page.number),
                                line: Some(i + 1),
                                ..Location::default()
                            },
                        });
                    }
                }
                Item::Table(mut t) => {
                    let continues = first_item
                        && open
                            .as_ref()
                            .is_some_and(|(prev, _)| same_columns(&prev.xs, &t.xs));
                    if continues && let Some((mut prev, n)) = open.take() {
                        drop_repeated_header(&prev, &mut t, &words);
                        join_split_row(&mut prev, &mut t);
                        prev.rows.append(&mut t.rows);
                        prev.bottom = t.bottom;
                        open = Some((prev, n));
                    } else {
                        if let Some((t, n)) = open.take() {
                            blocks.push(Block::Table(to_table(t, n, &words)));
                        }
                        tables += 1;
                        let _ = page;
                        open = Some((t, tables));
                    }
                    if let Some((t, _)) = &mut open {
                        t.top = t.top.max(0.0);
                    }
                }
            }
            first_item = false;
        }
    }
    if let Some((t, n)) = open.take() {
        blocks.push(Block::Table(to_table(t, n, &words)));
    }
    Document { blocks }
}

fn same_columns(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 3.0)
}

/// Header rows repeated at the top of a continued table are dropped.
fn drop_repeated_header(prev: &PageTable, next: &mut PageTable, words: &Vocabulary) {
    let key =
        |r: &PageRow| -> Vec<Vec<String>> { r.cells.iter().map(|c| c.texts(words)).collect() };
    let mut k = 0;
    while k < next.rows.len() && k < prev.rows.len() && k < 3 {
        let (a, b) = (key(&prev.rows[k]), key(&next.rows[k]));
        if a != b || a.iter().all(Vec::is_empty) {
            break;
        }
        k += 1;
    }
    next.rows.drain(..k);
}

/// The first row after a page break continues the last row before it when every filled cell of
/// it is in a column whose text ran to the bottom of that row (the writer broke the row there):
/// its lines are appended to that row's cells.
fn join_split_row(prev: &mut PageTable, next: &mut PageTable) {
    let (Some(last), Some(first)) = (prev.rows.last(), next.rows.first()) else {
        return;
    };
    if last.cells.len() != first.cells.len() {
        return;
    }
    let full = |c: &PageCell| {
        c.lines.last().is_some_and(|l| {
            let size = l.size.max(1.0);
            l.y - last.bottom <= size * 1.9
        })
    };
    let filled: Vec<usize> = (0..first.cells.len())
        .filter(|i| !first.cells[*i].lines.is_empty())
        .collect();
    if filled.is_empty() || !filled.iter().all(|i| full(&last.cells[*i])) {
        return;
    }
    let first = next.rows.remove(0);
    let Some(last) = prev.rows.last_mut() else {
        return;
    };
    for (a, b) in last.cells.iter_mut().zip(first.cells) {
        // Lines of the next page are placed below those of this one, so the cell reflows as
        // one: shift them under the last line.
        let base = a.lines.last().map(|l| l.y).unwrap_or(0.0);
        let top = b.lines.first().map(|l| l.y).unwrap_or(0.0);
        let step = a.lines.last().map(|l| l.size * 1.15).unwrap_or(12.0);
        for mut l in b.lines {
            l.y = base - step - (top - l.y);
            a.lines.push(l);
        }
    }
}

fn to_table(t: PageTable, number: usize, words: &Vocabulary) -> Table {
    let rows = t
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| Row {
            cells: r
                .cells
                .into_iter()
                .map(|c| Cell {
                    lines: c.texts(words),
                    col_span: c.span,
                    merged_from_above: c.merged_from_above,
                })
                .collect(),
            at: Location {
                table: Some(number),
                row: Some(i + 1),
                ..Location::default()
            },
        })
        .filter(|r| r.cells.iter().any(|c| !c.is_empty() || c.merged_from_above))
        .collect();
    Table {
        rows,
        at: Location {
            table: Some(number),
            ..Location::default()
        },
    }
}

/// Text found at the same place near the top or bottom of several pages.
fn running_furniture(pages: &[Page]) -> Vec<String> {
    if pages.len() < 3 {
        return Vec::new();
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let glyphs: Vec<&Glyph> = page.glyphs.iter().collect();
        let lines = text_lines(&glyphs);
        let mut seen = std::collections::HashSet::new();
        for l in lines.iter().take(2).chain(lines.iter().rev().take(2)) {
            let key = furniture_key(&l.text());
            if key.chars().count() >= 4 && seen.insert(key.clone()) {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n * 2 > pages.len() && *n >= 3)
        .map(|(k, _)| k)
        .collect()
}

/// The page's text outside tables and its tables, top to bottom. Lines of text are grouped
/// into runs between tables; ruled tables come from the rulings, and a run of lines whose
/// words line up in columns (no rulings) is read as a table too.
fn page_items(page: &Page, furniture: &[String]) -> Vec<Item> {
    let grids = grids(page);
    let mut inside: Vec<Vec<&Glyph>> = vec![Vec::new(); grids.len()];
    let mut outside: Vec<&Glyph> = Vec::new();
    for g in &page.glyphs {
        let cx = (g.x0 + g.x1) / 2.0;
        let cy = g.y + g.size * 0.3;
        match grids.iter().position(|t| t.contains(cx, cy)) {
            Some(i) => inside[i].push(g),
            None => outside.push(g),
        }
    }
    let mut lines = text_lines(&outside);
    // Page numbers and running headers/footers: the first and last lines of the page.
    let n = lines.len();
    let mut drop = vec![false; n];
    for i in (0..n.min(2)).chain(n.saturating_sub(2)..n) {
        let text = lines[i].text();
        if is_page_number(&text) || furniture.contains(&furniture_key(&text)) {
            drop[i] = true;
        }
    }
    let mut k = 0;
    lines.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    let mut items: Vec<(f64, Item)> = grids
        .iter()
        .zip(&inside)
        .map(|(g, gl)| (g.top(), Item::Table(page_table(g, gl))))
        .collect();
    // Lines between tables form runs.
    let mut run: Vec<TextLine> = Vec::new();
    let mut run_top = 0.0;
    let tops: Vec<f64> = grids.iter().map(Grid::top).collect();
    for line in lines {
        let boundary = run
            .last()
            .is_some_and(|p: &TextLine| tops.iter().any(|t| *t < p.y && *t > line.y));
        if boundary {
            items.push((run_top, runs_item(std::mem::take(&mut run))));
        }
        if run.is_empty() {
            run_top = line.y + line.size;
        }
        run.push(line);
    }
    if !run.is_empty() {
        items.push((run_top, runs_item(run)));
    }
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    items.into_iter().map(|(_, item)| item).collect()
}

fn runs_item(lines: Vec<TextLine>) -> Item {
    Item::Lines(lines)
}
