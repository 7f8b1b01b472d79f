//! Layout analysis of PDF pages ([`super`]): the lines of text ([`super::lines`]) and ruled
//! tables ([`super::grid`]) of each page in reading order; page numbers and running
//! headers/footers dropped; a table row split by a page break joined back, and header rows
//! repeated on every page dropped; the whole as one neutral document.

use super::aligned::{self, Piece};
use super::grid::{Grid, PageCell, PageRow, PageTable, grids, page_table};
use super::lines::{TextLine, Vocabulary, onto_line_grid, reflow, text_lines};
use super::unruled;
use super::{Glyph, Page};
use crate::import::document::{Block, Cell, Document, Location, Row, Table};
use std::collections::HashMap;

/// One thing on a page in reading order.
enum Item {
    Lines(Vec<TextLine>),
    /// A table part, and whether it is drawn with rulings.
    Table(PageTable, bool),
}

/// Text that repeats at the top or bottom of pages (running headers and footers) or is a page
/// number, by its letters only.
fn furniture_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A line that is only a page number ("7", "- 7 -", "стр. 7", "Page 7 of 60").
pub(super) fn is_page_number(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| c == '-' || c == '–' || c == ' ' || c == '|');
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 4 {
        return true;
    }
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    matches!(words.as_slice(), ["стр." | "страница" | "page", n] if number(n))
        || matches!(words.as_slice(), ["стр." | "страница" | "page", n, "от" | "of", m]
            if number(n) && number(m))
        || matches!(words.as_slice(), [n, "/", m] if number(n) && number(m))
}

/// Lays the pages out as one document.
pub fn layout(pages: &[Page]) -> Document {
    layout_pages(pages, false)
}

/// Lays out pages of text on a character grid (`pdftotext -layout`): the same analysis, but
/// the widths of words are only approximate.
pub fn layout_char_grid(pages: &[Page]) -> Document {
    layout_pages(pages, true)
}

fn layout_pages(pages: &[Page], char_grid: bool) -> Document {
    let furniture = running_furniture(pages);
    let laid: Vec<Vec<Item>> = pages
        .iter()
        .map(|p| page_items(p, &furniture, char_grid))
        .collect();
    // The lowest any page's content reaches (the bottom margin): a row the page break cut ends
    // there.
    let floor = laid
        .iter()
        .flatten()
        .map(|item| match item {
            Item::Lines(l) => l.iter().map(|l| l.y).fold(f64::INFINITY, f64::min),
            Item::Table(t, _) => t.bottom,
        })
        .fold(f64::INFINITY, f64::min);
    let blocks = laid.iter().flatten().flat_map(|item| match item {
        Item::Lines(l) => vec![l.as_slice()],
        Item::Table(t, _) => t
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.lines.as_slice()))
            .collect(),
    });
    let mut words = Vocabulary::of(pages, blocks);
    words.char_grid = char_grid;
    // The cells laid out once, so the words they show broken for sure are learnt.
    for item in laid.iter().flatten() {
        if let Item::Table(t, _) = item {
            for cell in t.rows.iter().flat_map(|r| &r.cells) {
                cell.texts(&words);
            }
        }
    }
    words.learn();
    // Paragraphs are wrapped between the leftmost start and the rightmost end of the lines
    // of text outside tables.
    let text_left = laid
        .iter()
        .flatten()
        .filter_map(|i| match i {
            Item::Lines(l) => Some(l.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min)),
            Item::Table(..) => None,
        })
        .fold(f64::INFINITY, f64::min);
    let text_right = laid
        .iter()
        .flatten()
        .filter_map(|i| match i {
            Item::Lines(l) => Some(l.iter().map(|l| l.x1).fold(0.0, f64::max)),
            Item::Table(..) => None,
        })
        .fold(0.0, f64::max);
    let mut blocks: Vec<Block> = Vec::new();
    let mut tables = 0usize;
    // The table part last seen, if it ended its page (it may continue on the next).
    let mut open: Option<(PageTable, usize, bool)> = None;
    // The paragraph that ended its page with a full line (it may continue on the next page).
    let mut open_paragraph: Option<usize> = None;
    for (page, items) in pages.iter().zip(laid) {
        let mut first_item = true;
        let count = items.len();
        for (k, item) in items.into_iter().enumerate() {
            match item {
                Item::Lines(lines) => {
                    if let Some((t, n, _)) = open.take() {
                        blocks.push(Block::Table(to_table(t, n, &words)));
                    }
                    let mut texts = reflow(&lines, (text_left, text_right), false, &words);
                    if first_item
                        && let Some(Block::Paragraph { text, .. }) =
                            open_paragraph.and_then(|i| blocks.get_mut(i))
                        && texts.first().is_some_and(|t| continues_sentence(text, t))
                    {
                        text.push(' ');
                        text.push_str(&texts.remove(0));
                    }
                    open_paragraph = None;
                    let full = lines.last().is_some_and(|l| {
                        l.x1 >= text_right - 2.0 * l.size && l.x0 <= text_left + l.size
                    });
                    if k + 1 == count && full && !texts.is_empty() {
                        open_paragraph = Some(blocks.len() + texts.len() - 1);
                    }
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
                Item::Table(mut t, ruled) => {
                    open_paragraph = None;
                    // The table goes on from the page before when it starts the page with
                    // the same columns (a part whose cells merge some of them is laid on the
                    // other's columns; an unruled part with fewer columns has its words laid
                    // into the other's).
                    let continues = first_item
                        && open.as_mut().is_some_and(|(prev, _, prev_ruled)| {
                            if !ruled && !*prev_ruled && !char_grid {
                                return unruled::same_columns(prev, &mut t);
                            }
                            same_columns(&prev.xs, &t.xs)
                                || (prev.xs.len() < t.xs.len() && regrid(prev, &t.xs))
                                || (t.xs.len() < prev.xs.len() && regrid(&mut t, &prev.xs))
                        });
                    if continues && let Some((mut prev, n, prev_ruled)) = open.take() {
                        drop_repeated_header(&prev, &mut t, &words);
                        join_split_row(&mut prev, &mut t, floor, !ruled);
                        prev.rows.append(&mut t.rows);
                        prev.bottom = t.bottom;
                        prev.open.1 = t.open.1;
                        open = Some((prev, n, prev_ruled && ruled));
                    } else {
                        if let Some((t, n, _)) = open.take() {
                            blocks.push(Block::Table(to_table(t, n, &words)));
                        }
                        tables += 1;
                        open = Some((t, tables, ruled));
                    }
                    if let Some((t, _, _)) = &mut open {
                        t.top = t.top.max(0.0);
                    }
                }
            }
            first_item = false;
        }
    }
    if let Some((t, n, _)) = open.take() {
        blocks.push(Block::Table(to_table(t, n, &words)));
    }
    Document::new(blocks)
}

/// Whether `next`, the first text of a page, continues the sentence `before` that ended the
/// page before: that one stops without a sentence's end and this one starts in lower case.
fn continues_sentence(before: &str, next: &str) -> bool {
    !before.ends_with(['.', '!', '?', ':', ';'])
        && next.chars().next().is_some_and(char::is_lowercase)
}

fn same_columns(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 3.0)
}

/// Lays table part `t` on the column boundaries `xs`, which hold each of its own (a cell then
/// spans the columns of `xs` it covers). False, and `t` unchanged, when some boundary of `t`
/// is not in `xs`.
fn regrid(t: &mut PageTable, xs: &[f64]) -> bool {
    let Some(at): Option<Vec<usize>> =
        t.xs.iter()
            .map(|x| xs.iter().position(|y| (x - y).abs() <= 3.0))
            .collect()
    else {
        return false;
    };
    if at.first() != Some(&0) || at.last() != Some(&(xs.len() - 1)) {
        return false;
    }
    for row in &mut t.rows {
        let mut c = 0usize;
        for cell in &mut row.cells {
            let end = c + cell.span as usize;
            let (Some(from), Some(to)) = (at.get(c), at.get(end)) else {
                return false;
            };
            cell.span = u32::try_from(to.saturating_sub(*from).max(1)).unwrap_or(1);
            c = end;
        }
    }
    t.xs = xs.to_vec();
    true
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
/// it continues its column: the column's text ran to the bottom of that row (the writer broke
/// the row there), or stopped a few lines above it (lines kept together moved to the next page)
/// and goes on in the middle of a sentence or with the next number of the cell's list; and
/// at least one column ran to the bottom. Its lines are appended to that row's cells.
///
/// A table without rulings shows no cell running to the row's bottom, only the lowest line of
/// the row: there a column must also go on in the middle of a sentence (`unruled`).
///
/// A row drawn open at the bottom of the page and open at the top of the next (a writer that
/// draws no border where a page break cuts a row) is one row whatever its text shows.
fn join_split_row(prev: &mut PageTable, next: &mut PageTable, floor: f64, unruled: bool) {
    let (Some(last), Some(first)) = (prev.rows.last(), next.rows.first()) else {
        return;
    };
    if prev.open.1 && next.open.0 && last.cells.len() == first.cells.len() {
        append_row(prev, next);
        return;
    }
    // Only a row that ends at the page's bottom margin was cut by the page break.
    let size = last
        .cells
        .iter()
        .flat_map(|c| c.lines.iter().map(|l| l.size))
        .fold(0.0, f64::max)
        .max(1.0);
    if last.bottom.is_finite() && last.bottom - floor > 3.0 * size {
        return;
    }
    if last.cells.len() != first.cells.len() {
        return;
    }
    // How far above the row's bottom the column's last line stands, in font sizes.
    let rise = |c: &PageCell| {
        c.lines
            .last()
            .map(|l| (l.y - last.bottom) / l.size.max(1.0))
    };
    let full = |c: &PageCell| rise(c).is_some_and(|r| r <= 1.9);
    let near = |c: &PageCell| rise(c).is_some_and(|r| r <= 4.5);
    let filled: Vec<usize> = (0..first.cells.len())
        .filter(|i| !first.cells[*i].lines.is_empty())
        .collect();
    // A column that ran to the bottom and goes on in the middle of a sentence shows the row
    // was broken: then any column that stopped near the bottom goes on too (a new paragraph
    // of it kept with its lines).
    let broken = filled
        .iter()
        .any(|i| full(&last.cells[*i]) && mid_sentence(&last.cells[*i], &first.cells[*i]));
    let continues = |a: &PageCell, b: &PageCell| full(a) || (near(a) && (broken || goes_on(a, b)));
    if filled.is_empty()
        || (unruled && !broken)
        || !filled.iter().any(|i| full(&last.cells[*i]))
        || !filled
            .iter()
            .all(|i| continues(&last.cells[*i], &first.cells[*i]))
    {
        return;
    }
    append_row(prev, next);
}

/// The first row of `next` appended to the last row of `prev`, cell by cell.
fn append_row(prev: &mut PageTable, next: &mut PageTable) {
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
        let cut = !a.lines.is_empty();
        for (k, mut l) in b.lines.into_iter().enumerate() {
            l.y = base - step - (top - l.y);
            l.after_break = cut && k == 0;
            a.lines.push(l);
        }
    }
}

/// Whether the text of cell `b` goes on from that of `a`: in the middle of a sentence (a lower
/// case letter, or a number broken at the line's end), or with the next number of the list `a`
/// holds.
fn goes_on(a: &PageCell, b: &PageCell) -> bool {
    mid_sentence(a, b) || next_number(a, b)
}

/// Whether the text of cell `b` goes on from that of `a` in the middle of a sentence: a lower
/// case letter, or a number broken at the line's end.
fn mid_sentence(a: &PageCell, b: &PageCell) -> bool {
    let (Some(before), Some(after)) = (
        a.lines.last().and_then(|l| l.words.last()),
        b.lines.first().and_then(|l| l.words.first()),
    ) else {
        return false;
    };
    let (before, after) = (before.text.as_str(), after.text.as_str());
    let Some(c) = after.chars().next() else {
        return false;
    };
    c.is_lowercase() || (c.is_ascii_digit() && before.ends_with(|c: char| c.is_ascii_digit()))
}

/// Whether cell `b` starts with the next number of the list cell `a` holds.
fn next_number(a: &PageCell, b: &PageCell) -> bool {
    let (Some(_), Some(after)) = (
        a.lines.last().and_then(|l| l.words.last()),
        b.lines.first().and_then(|l| l.words.first()),
    ) else {
        return false;
    };
    let after = after.text.as_str();
    let number = |w: &str| -> Option<u32> {
        let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
        let rest = &w[digits.len()..];
        if digits.is_empty()
            || digits.len() > 3
            || !(rest.starts_with('.') || rest.starts_with(')'))
        {
            return None;
        }
        // "1.2." is a code, not a list item.
        if rest.len() > 1 && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    };
    let listed = a
        .lines
        .iter()
        .rev()
        .find_map(|l| l.words.first().and_then(|w| number(&w.text)));
    matches!((listed, number(after)), (Some(n), Some(m)) if m == n + 1)
}

fn to_table(t: PageTable, number: usize, words: &Vocabulary) -> Table {
    let mut rows: Vec<Row> = t
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
    super::continued::join_continued_rows(&mut rows);
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
fn page_items(page: &Page, furniture: &[String], char_grid: bool) -> Vec<Item> {
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
    let lines = onto_line_grid(lines);
    let mut items: Vec<(f64, Item)> = grids
        .iter()
        .zip(&inside)
        .map(|(g, gl)| (g.top(), Item::Table(page_table(g, gl), true)))
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
            items.extend(runs_items(run_top, std::mem::take(&mut run), char_grid));
        }
        if run.is_empty() {
            run_top = line.y + line.size;
        }
        run.push(line);
    }
    if !run.is_empty() {
        items.extend(runs_items(run_top, run, char_grid));
    }
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    items.into_iter().map(|(_, item)| item).collect()
}

/// A run of lines as text and the tables its words line up in, each at its top. Read from a
/// PDF's glyphs, where each row of such a table ends is known (on a character grid it is not).
fn runs_items(top: f64, lines: Vec<TextLine>, char_grid: bool) -> Vec<(f64, Item)> {
    aligned::split_run(lines)
        .into_iter()
        .enumerate()
        .map(|(i, piece)| match piece {
            Piece::Lines(l) => (
                if i == 0 {
                    top
                } else {
                    l.first().map_or(top, |f| f.y + f.size)
                },
                Item::Lines(l),
            ),
            Piece::Table(mut t) => {
                if char_grid {
                    super::layout_text::header_pieces::split_by_header(&mut t);
                } else {
                    unruled::mark_row_bottoms(&mut t);
                    unruled::wrap_at_text(&mut t);
                }
                (t.top, Item::Table(t, false))
            }
        })
        .collect()
}
