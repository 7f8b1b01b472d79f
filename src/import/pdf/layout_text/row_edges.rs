//! A table row's own column edges on the character grid. Poppler lays each line of the page
//! out on its own, so the same column stands some characters apart from row to row (always
//! to the right of where the page's other rows put it, never far left). Each row's edges are
//! taken from the row itself: the places where one of its lines opens a piece of text (at the
//! line's start or after two spaces or more) and no word of the row runs across, matched in
//! order to the page's edges, each within a window right of the page's edge. An edge the row
//! shows no opening for moves with the nearest matched edge left of it, so a row pushed right
//! still splits into the right cells.

use super::GridWord;

/// How far left of the page's edge a row's edge may stand, in characters.
const LEFT: usize = 2;
/// How far right of the page's edge a row's edge may stand, in characters.
const RIGHT: usize = 16;
/// Bounds on the work for one row: its lines, its words, its width, its openings, its edges.
const MAX_LINES: usize = 200;
const MAX_WORDS: usize = 4_000;
const MAX_WIDTH: usize = 4_096;
const MAX_OPENINGS: usize = 64;
const MAX_EDGES: usize = 32;
/// How much more a drift falling back from one edge to the next weighs than one growing.
const FALL: usize = 6;
/// How far an edge the row shows no opening for moves with the matched edge before it.
const DRIFT_CARRY: isize = 4;

/// The row's column edges (the first stays) fitted to whichever of several guesses at the page's edges (the
/// same columns, as the header's page and as this page's own words place them) the row's
/// openings match best: more edges matched, then the steadier drift. The first guess
/// unchanged when the row is too large to weigh.
pub(super) fn fitted(guesses: &[&[usize]], lines: &[&[GridWord]]) -> Vec<usize> {
    let Some(first) = guesses.first() else {
        return Vec::new();
    };
    let words = lines.iter().map(|l| l.len()).sum::<usize>();
    let width = lines
        .iter()
        .flat_map(|l| l.last())
        .map(|w| w.end)
        .max()
        .unwrap_or(0);
    if first.len() < 2
        || first.len() > MAX_EDGES
        || lines.len() > MAX_LINES
        || words > MAX_WORDS
        || width > MAX_WIDTH
    {
        return first.to_vec();
    }
    let openings = openings(lines, width);
    let Some((page, (matched, _, _))) = guesses
        .iter()
        .filter(|g| g.len() == first.len())
        .map(|g| (*g, matched(&g[1..], &openings)))
        .max_by_key(|(_, (_, n, cost))| (*n, std::cmp::Reverse(*cost)))
    else {
        return first.to_vec();
    };
    let mut out = vec![page[0]];
    // The drift of the nearest matched edge to the left.
    let mut drift: isize = 0;
    for (j, b) in page.iter().enumerate().skip(1) {
        let edge = match matched[j - 1] {
            Some(o) => {
                drift = o as isize - *b as isize;
                o
            }
            None => b.saturating_add_signed(drift.min(DRIFT_CARRY)),
        };
        let prev = out.last().copied().unwrap_or(0);
        out.push(edge.max(prev + 1));
    }
    // A moved edge never passes a matched one to its right.
    for j in (1..out.len().saturating_sub(1)).rev() {
        if matched[j - 1].is_none() && out[j] >= out[j + 1] {
            out[j] = out[j + 1].saturating_sub(1).max(out[j - 1] + 1);
        }
    }
    out
}

/// Where the row's lines open a piece of text with no word of the row running across, left
/// to right.
fn openings(lines: &[&[GridWord]], width: usize) -> Vec<usize> {
    let mut across = vec![false; width + 1];
    for w in lines.iter().flat_map(|l| l.iter()) {
        for x in across.iter_mut().take(w.end).skip(w.start + 1) {
            *x = true;
        }
    }
    let mut out: Vec<usize> = lines
        .iter()
        .flat_map(|l| {
            l.iter()
                .enumerate()
                .filter(|(j, w)| *j == 0 || l[j - 1].end + 2 <= w.start)
                .map(|(_, w)| w.start)
        })
        .filter(|p| !across.get(*p).copied().unwrap_or(true))
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_OPENINGS);
    out
}

/// A matching ending with one edge matched to one opening: its matches, its cost and the
/// match before its last, `(edge, opening)`.
type Step = (usize, usize, Option<(usize, usize)>);

/// The opening matched to each edge, in order: as many edges matched as can be, each to an
/// opening within its window, and of those matchings the one whose drift (how far right of
/// the page's edge the row's stands) grows most steadily from left to right. Poppler pushes a
/// word right by the text before it on its line, so the drift grows along a row; a drift
/// falling back is weighed [`FALL`] times a drift growing.
fn matched(edges: &[usize], openings: &[usize]) -> (Vec<Option<usize>>, usize, usize) {
    let drift = |i: usize, j: usize| -> Option<isize> {
        let (e, o) = (edges[i], openings[j]);
        (o + LEFT >= e && o <= e + RIGHT).then(|| o as isize - e as isize)
    };
    let step = |from: isize, to: isize| -> usize {
        if to >= from {
            (to - from) as usize
        } else {
            (from - to) as usize * FALL
        }
    };
    let (n, m) = (edges.len(), openings.len());
    // best[i][j]: the best matching of the edges up to `i` whose last match is edge `i` to
    // opening `j`: (matches, cost, the match before).
    let mut best: Vec<Vec<Option<Step>>> = vec![vec![None; m]; n];
    for i in 0..n {
        for j in 0..m {
            let Some(d) = drift(i, j) else {
                continue;
            };
            let mut b = (1, step(0, d), None);
            for (pi, row) in best.iter().enumerate().take(i) {
                for (pj, cell) in row.iter().enumerate().take(j) {
                    let (Some((k, c, _)), Some(pd)) = (cell, drift(pi, pj)) else {
                        continue;
                    };
                    let cand = (k + 1, c + step(pd, d), Some((pi, pj)));
                    if (cand.0, std::cmp::Reverse(cand.1)) > (b.0, std::cmp::Reverse(b.1)) {
                        b = cand;
                    }
                }
            }
            best[i][j] = Some(b);
        }
    }
    let mut out = vec![None; n];
    let last = best
        .iter()
        .enumerate()
        .flat_map(|(i, row)| row.iter().enumerate().map(move |(j, c)| (i, j, *c)))
        .filter_map(|(i, j, c)| c.map(|(k, cost, _)| (k, std::cmp::Reverse(cost), i, j)))
        .max();
    let mut at = last.map(|(_, _, i, j)| (i, j));
    while let Some((i, j)) = at {
        out[i] = Some(openings[j]);
        at = best[i][j].and_then(|(_, _, before)| before);
    }
    let (n, cost) = last.map_or((0, 0), |(n, c, _, _)| (n, c.0));
    (out, n, cost)
}

#[cfg(test)]
mod tests {
    use super::super::grid_lines;
    use super::*;
    use crate::import::budget::{ReadBudget, ReadLimits};

    fn edges(text: &str, page: &[usize]) -> Vec<usize> {
        let lines =
            grid_lines(text, &mut ReadBudget::new("текст", ReadLimits::DEFAULT)).expect("reads");
        let words: Vec<&[GridWord]> = lines.iter().map(|l| l.words.as_slice()).collect();
        fitted(&[page], &words)
    }

    #[test]
    fn a_row_pushed_right_takes_its_edges_where_its_own_cells_open() {
        // The page's columns start at 0, 20 and 30; this row's second and third cells stand
        // four characters right of them, and its first cell runs past the page's edge.
        let text = "\
Записване на децата в     Текущ     Община
градините по механизма    2024 г.   Сливен
";
        assert_eq!(edges(text, &[0, 20, 30]), vec![0, 26, 36]);
    }

    #[test]
    fn a_drift_growing_along_the_row_is_preferred_to_one_falling_back() {
        // The third cell opens at 36, nearer the page's fourth edge (34) than its third (28);
        // but the cell before it stands 5 right of its edge, so this one is the third column's
        // text pushed further right, and the fourth column is empty in this row.
        let text = "\
Мярка               Текущ           Брой деца в
                                    групи
";
        let got = edges(text, &[0, 15, 28, 34]);
        assert_eq!(&got[..3], &[0, 20, 36]);
        assert!(got[3] > 36, "{got:?}");
    }

    #[test]
    fn a_row_with_no_opening_near_an_edge_keeps_the_pages_edge() {
        let text = "Мярка за деца Текущ 2024 г.\n";
        assert_eq!(edges(text, &[0, 14, 20]), vec![0, 14, 20]);
    }

    #[test]
    fn a_row_takes_the_guess_at_the_pages_edges_it_matches_best() {
        let text = "\
Записване на децата       Текущ     Община
";
        let lines =
            grid_lines(text, &mut ReadBudget::new("текст", ReadLimits::DEFAULT)).expect("reads");
        let words = [lines[0].words.as_slice()];
        // The page's own guess matches no opening; the header page's matches both.
        assert_eq!(
            fitted(&[&[0, 40, 60], &[0, 24, 34]], &words),
            vec![0, 26, 36]
        );
    }

    #[test]
    fn a_row_of_many_lines_and_words_is_weighed_within_bounds() {
        let line = vec!["дума"; 2_000].join("  ");
        let text = vec![line.as_str(); 300].join("\n");
        let page: Vec<usize> = (0..50).map(|k| k * 7).collect();
        assert_eq!(edges(&text, &page), page);
    }
}
