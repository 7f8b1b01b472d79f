//! Tables whose first column numbers the rows with a code ("1.1.", "2.3", "4."), read from
//! the character grid of `pdftotext -layout` text.
//!
//! The columns are taken from the table's header: each header cell, written on one line or
//! several, gives a column, and the column's boundary is put at most a few characters left of
//! the header's text, where the fewest words of the body run across it. Poppler moves a word
//! right when the word before it runs long, so a word belongs to the column its start falls
//! in, and a dash one space after the word before it stays with that word; a cut falling
//! inside a run of words packed one space apart is put off to where a cell looks to start
//! ([`runs`]). Header names packed one space apart are cut where the body shows their columns
//! ([`body_columns`]).
//!
//! The rows are cut by the code column: where codes stand on the first line of their rows, a
//! row runs from its code to the next; where they stand in the middle of their rows (cells
//! centred vertically), a row is the block of lines around its code, blocks being set apart
//! by empty lines. Lines without a code go on with the row before them (a row the page break
//! cut). A header repeated after a page break is dropped, and the columns are taken again
//! from it: the next page may stand a few characters aside.

use super::{GridLine, GridWord, body_columns, row_edges, runs};
use runs::Pairs;
use std::ops::Range;

/// How far above its first code a table's header may start, in lines.
const MAX_ABOVE: usize = 24;
/// How far left of a header cell's text the body of its column may start, in characters.
const DRIFT: usize = 6;

/// A table found: the text's lines `from..to`, its header row and its rows.
#[derive(Debug)]
pub(super) struct CodedTable {
    pub from: usize,
    pub to: usize,
    pub rows: Vec<Vec<GridCell>>,
}

/// The lines of words of one cell, and its column's edges (characters).
#[derive(Debug, Clone, Default)]
pub(super) struct GridCell {
    pub left: usize,
    pub right: usize,
    /// `(line index, words)`, top to bottom.
    pub lines: Vec<(usize, Vec<GridWord>)>,
}

/// A code numbering a row: numbers of up to three digits joined by dots, with a dot after a
/// lone number ("1.", "1.2", "1.2.3.").
pub(super) fn is_code(text: &str) -> bool {
    let t = text.strip_suffix('.').unwrap_or(text);
    let parts: Vec<&str> = t.split('.').collect();
    (parts.len() >= 2 || text.ends_with('.'))
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

fn starts_with_code(l: &GridLine) -> bool {
    l.words.first().is_some_and(|w| is_code(&w.text)) && !is_heading(l)
}

/// A priority's heading numbered as a row would be ("2. ЗДРАВЕОПАЗВАНЕ", "3. ПРИОРИТЕТ
/// „ЗАЕТОСТ“"): one piece of text, no row of a table.
fn is_heading(l: &GridLine) -> bool {
    l.pieces().len() == 1
        && crate::import::recognise::headings::priority_heading(&l.text()).is_some()
}

/// A line of running text: one piece of text starting where the code column does, or a
/// priority's heading.
fn is_paragraph(l: &GridLine, code_x: usize) -> bool {
    let Some(first) = l.words.first() else {
        return false;
    };
    l.pieces().len() == 1
        && first.start <= code_x + 1
        && (!is_code(&first.text) || is_heading(l))
        && l.words
            .iter()
            .any(|w| w.text.chars().any(char::is_alphabetic))
}

/// The coded tables of the text's lines, top to bottom.
pub(super) fn find_tables(lines: &[GridLine]) -> Vec<CodedTable> {
    let mut out = Vec::new();
    let pairs = Pairs::of(lines.iter().map(|l| l.words.as_slice()));
    let (mut floor, mut i) = (0usize, 0usize);
    while i < lines.len() {
        if !starts_with_code(&lines[i]) {
            i += 1;
            continue;
        }
        match table_at(lines, floor, i, &pairs) {
            Some(t) => {
                i = t.to.max(i + 1);
                floor = i;
                out.push(t);
            }
            None => i += 1,
        }
    }
    out
}

/// The runs of lines of `range` between empty lines.
fn groups(lines: &[GridLine], range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for k in range.clone() {
        match (lines[k].is_blank(), start) {
            (false, None) => start = Some(k),
            (true, Some(s)) => {
                out.push(s..k);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..range.end);
    }
    out
}

/// The table whose first code stands on line `c`, with its header above (not above `floor`).
fn table_at(lines: &[GridLine], floor: usize, c: usize, pairs: &Pairs) -> Option<CodedTable> {
    let code_x = lines[c].words.first()?.start;
    // Up from the code: the header, and the top of the first row when its code is centred.
    let mut k = c;
    let mut blanks = 0;
    while k > floor && c - k < MAX_ABOVE {
        let l = &lines[k - 1];
        if l.is_blank() {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            k -= 1;
            continue;
        }
        blanks = 0;
        if starts_with_code(l) || is_paragraph(l, code_x) {
            break;
        }
        k -= 1;
    }
    let above = groups(lines, k..c);
    let last = above.last()?;
    let (header, row_start) = if above.len() > 1 && last.end == c {
        (&above[..above.len() - 1], last.start)
    } else {
        (&above[..], c)
    };
    let header: Vec<usize> = header.iter().flat_map(Clone::clone).collect();
    // The body: down to a line of running text.
    let mut to = c;
    while to < lines.len() && !is_paragraph(&lines[to], code_x) {
        to += 1;
    }
    while to > c && lines[to - 1].is_blank() {
        to -= 1;
    }
    let cells = columns(lines, &header, row_start..to)?;
    // The header's first name stands over the codes and the text after them: it names the text.
    let named_over_codes = cells.get(1).is_some_and(|c| c.0 == c.1);
    let parts = parts(lines, &header, row_start..to, cells)?;
    let from = header.first().copied().unwrap_or(row_start);
    let mut rows = rows(lines, &header, &parts, pairs)?;
    if named_over_codes && let [code, text, ..] = &mut rows[0][..] {
        text.lines = std::mem::take(&mut code.lines);
    }
    Some(CodedTable { from, to, rows })
}

/// The header's cells with the columns the body shows and the header does not
/// ([`body_columns`]): names packed one space apart, codes before the first column's text.
fn columns(lines: &[GridLine], header: &[usize], body: Range<usize>) -> Option<Cells> {
    let body: Vec<usize> = body.collect();
    let mut cells = header_cells(lines, header)?;
    body_columns::packed_names(lines, header, &body, &mut cells);
    let next = cells.get(1).map_or(usize::MAX, |c| c.0);
    if let Some(x) = body_columns::after_codes(lines, &body, next)
        && let Some(first) = cells.first_mut()
        && x > first.0
        && x <= first.1 + 1
    {
        first.1 = first.1.min(x - 1);
        cells.insert(1, (x, x));
    }
    Some(cells)
}

/// Where a header's cells stand: the pieces of its fullest line, with the pieces of its other
/// lines that stand under or over one of them (a piece over two is a group's name and gives
/// no column), and a column of its own for a piece over none.
fn header_cells(lines: &[GridLine], header: &[usize]) -> Option<Vec<(usize, usize)>> {
    let main = *header
        .iter()
        .max_by_key(|k| (lines[**k].pieces().len(), std::cmp::Reverse(**k)))?;
    let mut cells: Vec<(usize, usize)> = lines[main]
        .pieces()
        .iter()
        .map(|p| (p.start, p.end))
        .collect();
    for k in header.iter().filter(|k| **k != main) {
        for p in lines[*k].pieces() {
            let over: Vec<usize> = (0..cells.len())
                .filter(|i| p.start < cells[*i].1 && cells[*i].0 < p.end)
                .collect();
            match over.as_slice() {
                [] => cells.push((p.start, p.end)),
                [i] => {
                    cells[*i].0 = cells[*i].0.min(p.start);
                    cells[*i].1 = cells[*i].1.max(p.end);
                }
                _ => {}
            }
        }
    }
    cells.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for c in cells {
        match merged.last_mut() {
            Some(m) if c.0 < m.1 => m.1 = m.1.max(c.1),
            _ => merged.push(c),
        }
    }
    // A header is words: most of its pieces have letters.
    let words = header
        .iter()
        .flat_map(|k| &lines[*k].words)
        .filter(|w| w.text.chars().any(char::is_alphabetic))
        .count();
    let all = header.iter().map(|k| lines[*k].words.len()).sum::<usize>();
    (merged.len() >= 3 && words * 2 > all).then_some(merged)
}

/// Where a header's cells stand, `start..end` in characters, left to right.
type Cells = Vec<(usize, usize)>;

/// A stretch of the table under one header (the first, or one repeated after a page break):
/// its lines and its columns' left edges.
struct Part {
    lines: Vec<usize>,
    bounds: Vec<usize>,
    /// The edges of the header's page, another guess at a page without the header.
    header_bounds: Vec<usize>,
}

/// The body `range` cut where the header is repeated, each stretch with its columns.
fn parts(
    lines: &[GridLine],
    header: &[usize],
    range: Range<usize>,
    cells: Cells,
) -> Option<Vec<Part>> {
    let texts: Vec<String> = header
        .iter()
        .map(|k| lines[*k].text())
        .filter(|t| !t.is_empty())
        .collect();
    // The header lines repeated from line `k`, and the line after them.
    let repeated = |k: usize| -> Option<(Vec<usize>, usize)> {
        let mut at = k;
        let mut found = Vec::new();
        for t in &texts {
            while at < range.end && lines[at].is_blank() && !found.is_empty() {
                at += 1;
            }
            if at >= range.end || lines[at].text() != *t {
                return None;
            }
            found.push(at);
            at += 1;
        }
        Some((found, at))
    };
    let mut out: Vec<(Cells, Vec<usize>)> = vec![(cells, Vec::new())];
    let mut k = range.start;
    while k < range.end {
        if let Some((found, next)) = repeated(k) {
            if let Some(cells) = columns(lines, &found, range.clone()) {
                out.push((cells, Vec::new()));
            }
            k = next;
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.1.push(k);
        }
        k += 1;
    }
    let mut parts: Vec<Part> = Vec::new();
    for (cells, body) in out {
        // The stretch page by page: a page without the header has its columns where its own
        // words stand, near those of the header's page.
        let mut first: Option<Vec<usize>> = None;
        for chunk in body.chunk_by(|a, b| lines[*a].page == lines[*b].page) {
            let words = chunk.iter().map(|k| lines[*k].words.as_slice());
            let b = match &first {
                None => bounds(&cells, words),
                Some(b) => moved(b, words.flatten()),
            };
            let header_bounds = first.get_or_insert_with(|| b.clone()).clone();
            parts.push(Part {
                bounds: b,
                header_bounds,
                lines: chunk.to_vec(),
            });
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// The columns' left edges: the first at 0, each other at most [`DRIFT`] characters left of
/// its header text (and right of the header before). The edge is where the column's text
/// starts after a gap of two spaces or more on some line, with the fewest words running
/// across it (the leftmost of equals: poppler only moves words right); where no text starts
/// so, where the fewest words run across (the rightmost of equals).
fn bounds<'a>(
    cells: &[(usize, usize)],
    body: impl Iterator<Item = &'a [GridWord]> + Clone,
) -> Vec<usize> {
    let mut out = vec![0];
    for i in 1..cells.len() {
        let hi = cells[i].0;
        let lo = (cells[i - 1].1 + 1).max(hi.saturating_sub(DRIFT)).min(hi);
        let across = |p: usize| {
            body.clone()
                .flatten()
                .filter(|w| w.start < p && w.end > p)
                .count()
        };
        let opened = |p: usize| {
            body.clone().any(|l| {
                l.iter()
                    .enumerate()
                    .any(|(j, w)| w.start == p && (j == 0 || l[j - 1].end + 2 <= p))
            })
        };
        let best = (lo..=hi)
            .filter(|p| opened(*p))
            .min_by_key(|p| (across(*p), *p))
            .or_else(|| (lo..=hi).rev().min_by_key(|p| across(*p)))
            .unwrap_or(hi);
        out.push(best);
    }
    out
}

/// How far a page without the header may stand aside from the page with it, in characters.
const SHIFT: usize = 8;

/// The columns of a page without the header: each boundary moved, at most [`SHIFT`]
/// characters, to where the fewest of the page's words run across it (the nearest of equals).
fn moved<'a>(bounds: &[usize], words: impl Iterator<Item = &'a GridWord> + Clone) -> Vec<usize> {
    let mut out = vec![0];
    for (i, b) in bounds.iter().enumerate().skip(1) {
        let prev = out.last().copied().unwrap_or(0);
        let next = bounds.get(i + 1).copied().unwrap_or(usize::MAX);
        let lo = b.saturating_sub(SHIFT).max(prev + 2);
        let hi = (b + SHIFT).min(next.saturating_sub(2)).max(lo);
        let across = |p: usize| words.clone().filter(|w| w.start < p && w.end > p).count();
        let best = (lo..=hi)
            .min_by_key(|p| (across(*p), p.abs_diff(*b)))
            .unwrap_or(*b);
        out.push(best);
    }
    out
}

fn is_letter(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_lowercase())
}

fn is_dash(text: &str) -> bool {
    matches!(text, "-" | "–" | "—")
}

/// The words of a line in the columns starting at `bounds`.
fn split(words: &[GridWord], bounds: &[usize], pairs: &Pairs) -> Vec<Vec<GridWord>> {
    let mut out = vec![Vec::new(); bounds.len()];
    let mut col = 0;
    // A dash, or a one-letter word (a preposition, a conjunction), one space after a word
    // belongs with it, wherever poppler put it: a cell's text does not start with either
    // packed against the column before.
    let tied = |j: usize| {
        let w: &GridWord = &words[j];
        j > 0 && (is_dash(&w.text) || is_letter(&w.text)) && w.start <= words[j - 1].end + 1
    };
    // The word a cut at a packed space was put off to ([`runs::later_cut`]).
    let mut wait: Option<usize> = None;
    for (j, w) in words.iter().enumerate() {
        if !tied(j) && col + 1 < bounds.len() && w.start >= bounds[col + 1] {
            match wait {
                Some(c) if j < c => {}
                Some(_) => {
                    wait = None;
                    col += 1;
                }
                None if col == 0 => {}
                None => {
                    let limit = bounds.get(col + 2).copied();
                    wait = runs::later_cut(words, j, limit, pairs, tied)
                        .or_else(|| runs::run_on(words, j));
                }
            }
            if wait.is_none() {
                while col + 1 < bounds.len() && w.start >= bounds[col + 1] {
                    col += 1;
                }
            }
        }
        out[col].push(w.clone());
    }
    out
}

/// The header row and a row per code.
fn rows(
    lines: &[GridLine],
    header: &[usize],
    parts: &[Part],
    pairs: &Pairs,
) -> Option<Vec<Vec<GridCell>>> {
    let first = parts.first()?;
    let ncols = first.bounds.len();
    let right = parts
        .iter()
        .flat_map(|p| &p.lines)
        .chain(header)
        .flat_map(|k| lines[*k].words.last())
        .map(|w| w.end)
        .max()
        .unwrap_or(0);
    let empty_row = |bounds: &[usize]| -> Vec<GridCell> {
        (0..ncols)
            .map(|c| GridCell {
                left: bounds.get(c).copied().unwrap_or(0),
                right: bounds.get(c + 1).copied().unwrap_or(right + 1),
                lines: Vec::new(),
            })
            .collect()
    };
    let place = |row: &mut Vec<GridCell>, k: usize, bounds: &[usize]| {
        for (c, words) in split(&lines[k].words, bounds, pairs)
            .into_iter()
            .enumerate()
        {
            if !words.is_empty()
                && let Some(cell) = row.get_mut(c)
            {
                cell.lines.push((k, words));
            }
        }
    };
    let mut head = empty_row(&first.bounds);
    for k in header {
        place(&mut head, *k, &first.bounds);
    }
    let place_body = |row: &mut Vec<GridCell>, k: usize, bounds: &[usize]| {
        place(row, k, bounds);
        body_columns::uncoded_text_on(row, k, bounds[0]);
    };
    // A code line: its code alone in the first column.
    let coded = |k: usize, bounds: &[usize]| {
        starts_with_code(&lines[k]) && split(&lines[k].words, bounds, pairs)[0].len() == 1
    };
    // Blocks of lines: between empty lines, page breaks and repeated headers; each with
    // whether it opens a page (it may go on with a row of the page before).
    let mut blocks: Vec<(bool, Vec<(usize, usize)>)> = Vec::new();
    let mut page = None;
    for (p, part) in parts.iter().enumerate() {
        let mut block: Vec<(usize, usize)> = Vec::new();
        for &k in &part.lines {
            let broken = block
                .last()
                .is_some_and(|(j, _)| lines[*j].page != lines[k].page);
            if lines[k].is_blank() || broken {
                if !block.is_empty() {
                    let opens = page.is_some_and(|q| q != lines[block[0].0].page);
                    page = Some(lines[block[0].0].page);
                    blocks.push((opens, std::mem::take(&mut block)));
                }
                if lines[k].is_blank() {
                    continue;
                }
            }
            block.push((k, p));
        }
        if !block.is_empty() {
            let opens = page.is_some_and(|q| q != lines[block[0].0].page);
            page = Some(lines[block[0].0].page);
            blocks.push((opens, block));
        }
    }
    let codes_of = |block: &[(usize, usize)]| -> Vec<usize> {
        (0..block.len())
            .filter(|i| coded(block[*i].0, &parts[block[*i].1].bounds))
            .collect()
    };
    // Codes stand on their rows' first lines when more blocks start with a code than hold one
    // code below their first line (a block opening a page is not counted: it may go on with
    // the row before).
    let (mut on_top, mut centred) = (0usize, 0usize);
    for (opens, b) in &blocks {
        let codes = codes_of(b);
        match codes.first() {
            Some(0) => on_top += 1,
            Some(_) if codes.len() == 1 && !opens => centred += 1,
            _ => {}
        }
    }
    let top = on_top >= centred;
    // The body's rows as their lines `(line, part)`.
    let mut body: Vec<Vec<(usize, usize)>> = Vec::new();
    for (_, b) in &blocks {
        let codes = codes_of(b);
        // Where each of the block's rows starts (the lines before the first go on with the row
        // before).
        let starts: Vec<usize> = if codes.is_empty() {
            Vec::new()
        } else if top {
            codes.clone()
        } else {
            std::iter::once(0)
                .chain(codes.windows(2).map(|w| (w[0] + w[1]).div_ceil(2)))
                .collect()
        };
        for (i, line) in b.iter().enumerate() {
            if starts.binary_search(&i).is_ok() || body.is_empty() {
                body.push(Vec::new());
            }
            if let Some(row) = body.last_mut() {
                row.push(*line);
            }
        }
    }
    let body_rows = body.len();
    let mut rows: Vec<Vec<GridCell>> = vec![head];
    for row_lines in &body {
        // Each stretch of the row under one part split on the row's own edges.
        let mut row: Option<Vec<GridCell>> = None;
        for stretch in row_lines.chunk_by(|a, b| a.1 == b.1) {
            let words: Vec<&[GridWord]> = stretch
                .iter()
                .map(|(k, _)| lines[*k].words.as_slice())
                .collect();
            let part = &parts[stretch[0].1];
            let bounds = row_edges::fitted(&[&part.bounds, &part.header_bounds], &words);
            let row = row.get_or_insert_with(|| empty_row(&bounds));
            for (k, _) in stretch {
                place_body(row, *k, &bounds);
            }
        }
        rows.extend(row);
    }
    let coded_rows = rows
        .iter()
        .skip(1)
        .filter(|r| {
            r[0].lines
                .first()
                .and_then(|(_, w)| w.first())
                .is_some_and(|w| is_code(&w.text))
        })
        .count();
    (coded_rows >= 2 && coded_rows * 2 >= body_rows).then_some(rows)
}
