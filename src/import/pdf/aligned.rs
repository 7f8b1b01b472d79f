//! Tables drawn without ruling lines: a run of lines whose words line up in columns is read as
//! a table. Column starts are the places where many lines start a piece of text (after a wide
//! gap or at the line's start) and that no word of the table runs across; rows are separated
//! by a wider gap between lines than the lines of a cell have. A line of the run that runs
//! across the columns (a heading between two tables) ends the table.
//!
//! The same analysis reads the text of `pdftotext -layout` (see [`super::layout_text`]), whose
//! characters stand where the page had them.

use super::grid::{PageCell, PageRow, PageTable};
use super::lines::{TextLine, Word, median};

/// What a run of lines is made of, top to bottom.
pub(super) enum Piece {
    Lines(Vec<TextLine>),
    Table(PageTable),
}

/// A gap between two words this wide (in font sizes) separates pieces of text, not words.
const WIDE: f64 = 0.95;
/// Lines without a wide gap that may stand between two lines with one in the same table.
const MAX_PLAIN: usize = 8;
/// How many lines of a header may run across a column's start its body shows.
const MAX_HEADER_LINES: usize = 2;
/// How many lines a header over a table's first row may have.
const HEADER_DEPTH: usize = 5;

fn wide(a: &Word, b: &Word, size: f64) -> bool {
    b.x0 - a.x1 >= WIDE * size
}

/// Whether a line has at least one wide gap (its text stands in two places).
fn is_multi(l: &TextLine) -> bool {
    l.words.windows(2).any(|w| wide(&w[0], &w[1], l.size))
}

/// Where a line starts a piece of text: its first word and every word after a wide gap.
fn piece_starts(l: &TextLine) -> impl Iterator<Item = f64> + '_ {
    l.words
        .iter()
        .enumerate()
        .filter(|(i, w)| *i == 0 || wide(&l.words[i - 1], w, l.size))
        .map(|(_, w)| w.x0)
}

/// The usual distance from a line to the next within a paragraph or cell: the lower quartile
/// of the distances (rows and paragraphs are further apart than their lines).
fn line_step(lines: &[TextLine]) -> f64 {
    let size = usual_size(lines);
    let mut gaps: Vec<f64> = lines
        .windows(2)
        .map(|w| w[0].y - w[1].y)
        .filter(|g| *g > 0.3 * size)
        .collect();
    gaps.sort_by(f64::total_cmp);
    gaps.get(gaps.len() / 4).copied().unwrap_or(1.2 * size)
}

fn usual_size(lines: &[TextLine]) -> f64 {
    median(&lines.iter().map(|l| l.size).collect::<Vec<_>>()).unwrap_or(10.0)
}

/// Splits a run of lines (outside ruled tables, top to bottom) into text and aligned tables.
pub(super) fn split_run(lines: Vec<TextLine>) -> Vec<Piece> {
    if lines.len() < 3 {
        return vec![Piece::Lines(lines)];
    }
    let multi: Vec<bool> = lines.iter().map(is_multi).collect();
    let mut tables: Vec<(usize, usize, Vec<f64>)> = Vec::new();
    for (from, to) in candidates(&lines, &multi) {
        tables.extend(tables_in(&lines, &multi, from, to));
    }
    let mut out = Vec::new();
    let mut lines: Vec<Option<TextLine>> = lines.into_iter().map(Some).collect();
    let mut at = 0;
    for (from, to, cols) in tables {
        // Tables come top to bottom and never overlap; a part already taken is not taken again.
        let from = from.max(at);
        if to <= from || to > lines.len() {
            continue;
        }
        let before: Vec<TextLine> = lines[at..from]
            .iter_mut()
            .filter_map(Option::take)
            .collect();
        if !before.is_empty() {
            out.push(Piece::Lines(before));
        }
        let part: Vec<TextLine> = lines[from..to]
            .iter_mut()
            .filter_map(Option::take)
            .collect();
        out.push(Piece::Table(table(part, &cols)));
        at = to;
    }
    let rest: Vec<TextLine> = lines[at..].iter_mut().filter_map(Option::take).collect();
    if !rest.is_empty() {
        out.push(Piece::Lines(rest));
    }
    out
}

/// Stretches of lines that may be a table: from a line with a wide gap to the last one that
/// follows it closely, with the lines around them that stand indented (another column's text).
fn candidates(lines: &[TextLine], multi: &[bool]) -> Vec<(usize, usize)> {
    let left = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let step = line_step(lines);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !multi[i] {
            i += 1;
            continue;
        }
        let mut last = i;
        let mut j = i + 1;
        while j < lines.len() && j - last <= MAX_PLAIN + 1 {
            if lines[j - 1].y - lines[j].y > step * 4.5 {
                break;
            }
            if multi[j] {
                last = j;
            }
            j += 1;
        }
        let floor = out.last().map_or(0, |(_, to)| *to);
        let mut from = i;
        while from > floor
            && !multi[from - 1]
            && lines[from - 1].x0 > left + lines[from - 1].size
            && lines[from - 1].y - lines[from].y <= step * 2.5
            && from + MAX_PLAIN > i
        {
            from -= 1;
        }
        let mut to = last + 1;
        while to < lines.len()
            && !multi[to]
            && lines[to].x0 > left + lines[to].size
            && lines[to - 1].y - lines[to].y <= step * 2.5
            && to < last + 1 + MAX_PLAIN
        {
            to += 1;
        }
        if (from..to).filter(|k| multi[*k]).count() >= 2 {
            out.push((from, to));
        }
        i = to.max(i + 1);
    }
    out
}

/// The tables in a candidate stretch: its columns, and the stretch cut where a line without a
/// wide gap runs across them.
fn tables_in(
    lines: &[TextLine],
    multi: &[bool],
    from: usize,
    to: usize,
) -> Vec<(usize, usize, Vec<f64>)> {
    match columns(&lines[from..to]) {
        Some(cols) => cut_at_headings(lines, multi, from, to, cols),
        None => apart(lines, multi, from, to),
    }
}

/// A stretch whose lines show no columns together (the rows of one table, running text and a
/// priority's heading with the next table's header at a page's foot) is cut at its lines that
/// name a priority or a goal at its left edge, and each part between them that shows columns
/// is read alone: the table under a heading at a page's foot is a table, not text.
fn apart(
    lines: &[TextLine],
    multi: &[bool],
    from: usize,
    to: usize,
) -> Vec<(usize, usize, Vec<f64>)> {
    let left = lines[from..to]
        .iter()
        .map(|l| l.x0)
        .fold(f64::INFINITY, f64::min);
    let breaks = |k: usize| !multi[k] && names_a_part(&lines[k], &[left]);
    let mut out = Vec::new();
    let mut start = from;
    for k in from..=to {
        if k < to && !breaks(k) {
            continue;
        }
        if (start..k).filter(|i| multi[*i]).count() >= 2
            && k - start < to - from
            && let Some(cols) = columns(&lines[start..k])
        {
            out.extend(cut_at_headings(lines, multi, start, k, cols));
        }
        start = k + 1;
    }
    out
}

/// The tables of a stretch with columns `cols`: the stretch cut at its headings and at the
/// lines of running text at its left edge that run across its columns.
fn cut_at_headings(
    lines: &[TextLine],
    multi: &[bool],
    from: usize,
    to: usize,
    cols: Vec<f64>,
) -> Vec<(usize, usize, Vec<f64>)> {
    let right = lines[from..to]
        .iter()
        .map(|l| l.x1)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut out = Vec::new();
    let mut start = from;
    // The left edge of the last heading cut at, while the lines after it go on with it.
    let mut heading: Option<f64> = None;
    for k in from..=to {
        let goes_on = heading.is_some_and(|x| {
            !multi[k]
                && (lines[k].x0 - x).abs() <= 0.6 * lines[k].size
                && k > from
                && lines[k - 1].y - lines[k].y <= 1.6 * lines[k].size
        });
        let spanning = k < to
            && !multi[k]
            && (spans(&lines[k], &cols, right) || names_a_part(&lines[k], &cols));
        heading = if k < to && (spanning || goes_on) {
            Some(heading.filter(|_| goes_on).unwrap_or(lines[k].x0))
        } else {
            None
        };
        let cut = k == to
            || heading.is_some()
            || (!multi[k] && crosses(&lines[k], &cols) && at_left(&lines[k], &cols));
        if !cut {
            continue;
        }
        if (start..k).filter(|i| multi[*i]).count() >= 2 {
            // The part's own columns (a heading cut off may have hidden some).
            let own = if start == from && k == to {
                Some(cols.clone())
            } else {
                columns(&lines[start..k])
            };
            if let Some(own) = own {
                out.push((start, k, own));
            }
        }
        start = k + 1;
    }
    out
}

/// Whether a line of one piece of text runs from the table's first column across the starts of
/// three columns or more (all of a narrower table's), or of two over half the table's width
/// (up to `right`): a heading over the table (a priority, a goal, the plan's title repeated),
/// not a cell's line, which stays within its column.
fn spans(l: &TextLine, cols: &[f64], right: f64) -> bool {
    let tol = 0.6 * l.size;
    let Some(first) = cols.first() else {
        return false;
    };
    let over = cols.iter().skip(1).filter(|c| l.x1 > **c + tol).count();
    let wide = over >= 2 && (l.x1 - first) * 2.0 >= right - first;
    l.x0 <= first + tol && over >= 1 && (over >= 3.min(cols.len() - 1) || wide)
}

/// Whether a line of one piece of text at the table's left edge names a priority or a goal
/// ("Приоритет №3 Заетост", "Цел 4. …"): a heading between the table's rows.
fn names_a_part(l: &TextLine, cols: &[f64]) -> bool {
    use crate::import::recognise::headings::{
        names_a_priority, objective_heading, priority_heading,
    };
    if cols.first().is_none_or(|x| l.x0 > x + 0.6 * l.size) {
        return false;
    }
    // Not an area's name alone ("Образование"): the first cell of a row may be one; an
    // area's name numbered is a heading ("2. ЗДРАВЕОПАЗВАНЕ").
    let text = l.text();
    names_a_priority(&text)
        || objective_heading(&text).is_some()
        || priority_heading(&text).is_some_and(|(n, _)| n.is_some())
}

/// Whether a line starts at the table's left edge, where a heading starts (a line that
/// starts further right is a cell's, whatever it runs across: poppler packs neighbouring
/// cells' lines one space apart).
fn at_left(l: &TextLine, cols: &[f64]) -> bool {
    cols.first().is_some_and(|x| l.x0 <= x + 0.6 * l.size)
}

/// Whether a word of the line runs across a column start.
fn crosses(l: &TextLine, cols: &[f64]) -> bool {
    let tol = 0.6 * l.size;
    l.words.iter().any(|w| {
        cols.iter()
            .skip(1)
            .any(|c| w.x0 < c - tol && w.x1 > c + tol)
    })
}

/// The column starts of a stretch of lines, left to right, when it has two or more.
fn columns(lines: &[TextLine]) -> Option<Vec<f64>> {
    let size = usual_size(lines);
    let tol = 0.6 * size;
    let left = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    // Places where text starts, with the number of lines starting text there.
    let mut starts: Vec<(f64, usize)> = Vec::new();
    for l in lines {
        for x in piece_starts(l) {
            match starts.iter_mut().find(|(p, _)| (p - x).abs() <= 0.3 * size) {
                Some((_, n)) => *n += 1,
                None => starts.push((x, 1)),
            }
        }
    }
    // The best supported place of a few close ones stands for them.
    starts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.total_cmp(&b.0)));
    let mut kept: Vec<(f64, usize)> = Vec::new();
    for (x, n) in starts {
        match kept.iter_mut().find(|(p, _)| (p - x).abs() <= tol) {
            Some((_, m)) => *m += n,
            None => kept.push((x, n)),
        }
    }
    let multi = lines.iter().filter(|l| is_multi(l)).count();
    let least = 2.max(multi / 25);
    let mut cols: Vec<f64> = kept
        .into_iter()
        .filter(|(x, n)| {
            if (x - left).abs() <= tol {
                return true;
            }
            let crosses = |l: &TextLine| l.words.iter().any(|w| w.x0 < x - tol && w.x1 > x + tol);
            // The lines above the first that starts text here, when it is among the stretch's
            // first lines, may be the header, whose names stand packed one space apart
            // ("№ Дейности"): a few of them do not count.
            let first = lines
                .iter()
                .position(|l| piece_starts(l).any(|s| (s - x).abs() <= tol))
                .unwrap_or(0);
            let above = lines[..first].iter().filter(|l| crosses(l)).count();
            let across = lines[first..].iter().filter(|l| crosses(l)).count();
            let across = if above <= MAX_HEADER_LINES && first <= HEADER_DEPTH {
                across
            } else {
                across + above
            };
            *n >= least && across * 4 <= *n
        })
        .map(|(x, _)| x)
        .collect();
    cols.sort_by(f64::total_cmp);
    if let Some(first) = cols.first_mut() {
        *first = first.min(left);
    }
    (cols.len() >= 2).then_some(cols)
}

/// The lines of a table laid into its columns and rows.
fn table(lines: Vec<TextLine>, cols: &[f64]) -> PageTable {
    let size = usual_size(&lines);
    let step = line_step(&lines);
    let right = lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let tol = 0.6 * size;
    let column_of = |w: &Word| cols.iter().rposition(|c| w.x0 >= c - tol).unwrap_or(0);
    let top = lines.first().map_or(0.0, |l| l.y + l.size);
    let bottom = lines.last().map_or(0.0, |l| l.y - l.size * 0.5);
    let mut rows: Vec<Vec<Vec<TextLine>>> = Vec::new();
    let mut prev_y: Option<f64> = None;
    // Rows set close together (no wider gap between them than between the lines of a cell)
    // are told apart by their first line: text in the first column after a line without,
    // and text starting in at least half the columns.
    let spaced = lines.windows(2).any(|w| w[0].y - w[1].y > step * 1.45);
    let starts = |l: &TextLine| {
        let mut used = vec![false; cols.len()];
        for w in &l.words {
            used[column_of(w)] = true;
        }
        used
    };
    let mut prev_first = true;
    for line in lines {
        let gap = prev_y.map_or(f64::INFINITY, |y| y - line.y);
        let used = starts(&line);
        let top_line = !spaced
            && used[0]
            && !prev_first
            && used.iter().filter(|u| **u).count() * 2 >= cols.len();
        prev_first = used[0];
        if gap > step * 1.45 || top_line || rows.is_empty() {
            rows.push(vec![Vec::new(); cols.len()]);
        }
        prev_y = Some(line.y);
        let mut per: Vec<Vec<Word>> = vec![Vec::new(); cols.len()];
        for w in line.words.iter().cloned() {
            per[column_of(&w)].push(w);
        }
        let Some(row) = rows.last_mut() else {
            continue;
        };
        for (c, words) in per.into_iter().enumerate() {
            if words.is_empty() {
                continue;
            }
            row[c].push(TextLine {
                x0: words[0].x0,
                x1: words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max),
                y: line.y,
                size: line.size,
                trailing_space: line.trailing_space,
                after_break: false,
                words,
            });
        }
    }
    let mut xs = cols.to_vec();
    xs.push(right);
    let rows = rows
        .into_iter()
        .map(|cells| PageRow {
            // A row of an aligned table gives no sign of being split by a page break.
            bottom: f64::NEG_INFINITY,
            cells: cells
                .into_iter()
                .enumerate()
                .map(|(c, lines)| PageCell {
                    lines,
                    left: cols[c],
                    right: cols.get(c + 1).map_or(right, |n| n - 0.5 * size),
                    span: 1,
                    merged_from_above: false,
                })
                .collect(),
        })
        .collect();
    PageTable {
        top,
        bottom,
        xs,
        rows,
        open: (false, false),
    }
}

#[cfg(test)]
#[path = "aligned_tests.rs"]
mod tests;
