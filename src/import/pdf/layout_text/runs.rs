//! Where a run of words poppler packed one space apart crosses a column's edge. Poppler moves
//! a word right when the text before it runs long on the character grid, never left, so a
//! word starting left of an edge is in the column left of it, and a packed word starting right
//! of it may still belong to the left column, pushed over by its neighbours. The cut between
//! the columns is then put off to a later space of the run when that space looks more like the
//! start of a cell.

use super::GridWord;
use std::collections::HashMap;

/// How many words a cut may be put off by.
const LOOK: usize = 3;
/// How many different word pairs are counted, a bound on the memory for hostile text.
const MAX_PAIRS: usize = 200_000;

/// How often the document writes two words one space apart, lower-cased.
#[derive(Debug, Default)]
pub(super) struct Pairs(HashMap<(String, String), u32>);

impl Pairs {
    /// Counts the packed word pairs of the lines' words.
    pub(super) fn of<'a>(lines: impl Iterator<Item = &'a [GridWord]>) -> Self {
        let mut map: HashMap<(String, String), u32> = HashMap::new();
        for words in lines {
            for p in words.windows(2) {
                if p[0].end + 1 != p[1].start {
                    continue;
                }
                let key = (p[0].text.to_lowercase(), p[1].text.to_lowercase());
                if let Some(n) = map.get_mut(&key) {
                    *n = n.saturating_add(1);
                } else if map.len() < MAX_PAIRS {
                    map.insert(key, 1);
                }
            }
        }
        Pairs(map)
    }

    fn seen(&self, a: &GridWord, b: &GridWord) -> u32 {
        self.0
            .get(&(a.text.to_lowercase(), b.text.to_lowercase()))
            .copied()
            .unwrap_or(0)
    }
}

/// Whether a word can open a cell's first line: a capital, a digit or an opening mark.
fn opens_cell(w: &GridWord) -> bool {
    w.text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"„“«(".contains(c))
}

/// The word a cut falling at the packed space before `words[j]` is put off to, if any: a later
/// space of the run, before the column after next starts (`limit`), where two spaces or more
/// stand (poppler kept the next cell's place), or a word opening a cell follows a word in
/// lower case, or the pair at the cut is one the document writes together elsewhere and the
/// later pair is one it never does. A cut before a word opening a cell stays.
pub(super) fn later_cut(
    words: &[GridWord],
    j: usize,
    limit: Option<usize>,
    pairs: &Pairs,
    tied: impl Fn(usize) -> bool,
) -> Option<usize> {
    let (a, b) = (words.get(j.checked_sub(1)?)?, words.get(j)?);
    if opens_cell(b) || b.start > a.end + 1 {
        return None;
    }
    let together = pairs.seen(a, b) >= 2;
    for c in j + 1..words.len().min(j + 1 + LOOK) {
        let (x, y) = (&words[c - 1], &words[c]);
        if limit.is_some_and(|l| y.start >= l) {
            return None;
        }
        if tied(c) {
            continue;
        }
        let lower = x.text.chars().last().is_some_and(char::is_lowercase);
        if y.start > x.end + 1
            || (opens_cell(y) && lower)
            || (together && pairs.seen(x, y) <= 1)
        {
            return Some(c);
        }
    }
    None
}
