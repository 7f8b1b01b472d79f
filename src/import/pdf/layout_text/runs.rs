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
        if y.start > x.end + 1 || (opens_cell(y) && lower) || (together && pairs.seen(x, y) <= 1) {
            return Some(c);
        }
    }
    None
}

/// Where a run of packed words goes on past a cut that found no later place: a word in lower
/// case packed one space after the word before goes on with its sentence, and so does the
/// rest of the run (up to the next gap of two spaces or more). Not an abbreviation of one or
/// two letters ("г.", "лв."): those follow a number or a name of the next cell as often.
pub(super) fn run_on(words: &[GridWord], j: usize) -> Option<usize> {
    let (a, b) = (words.get(j.checked_sub(1)?)?, words.get(j)?);
    let lower = b.text.chars().next().is_some_and(char::is_lowercase);
    let letters = b.text.chars().filter(|c| c.is_alphabetic()).count();
    if !lower
        || (letters < 3 && b.text.ends_with('.'))
        || b.start > a.end + 1
        || a.text.ends_with(['.', ';', ':'])
    {
        return None;
    }
    Some(
        (j + 1..words.len())
            .find(|c| words[*c].start > words[c - 1].end + 1)
            .unwrap_or(words.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words packed one space apart from column `at`, or further where a word starts with
    /// spaces.
    fn words(text: &str, at: usize) -> Vec<GridWord> {
        let mut out = Vec::new();
        let mut col = at;
        for w in text.split(' ') {
            if w.is_empty() {
                col += 1;
                continue;
            }
            let end = col + w.chars().count();
            out.push(GridWord {
                start: col,
                end,
                text: w.to_string(),
            });
            col = end + 1;
        }
        out
    }

    fn no_tie(_: usize) -> bool {
        false
    }

    #[test]
    fn a_cut_inside_a_packed_run_is_put_off_to_the_word_opening_a_cell() {
        let w = words("среда за Текущ 2021 –", 30);
        let pairs = Pairs::of(std::iter::once(w.as_slice()));
        assert_eq!(later_cut(&w, 1, None, &pairs, no_tie), Some(2));
    }

    #[test]
    fn a_cut_before_a_word_opening_a_cell_stays() {
        let w = words("Текущ 2021 – Детски", 40);
        let pairs = Pairs::of(std::iter::once(w.as_slice()));
        assert_eq!(later_cut(&w, 1, None, &pairs, no_tie), None);
    }

    #[test]
    fn a_pair_the_document_writes_elsewhere_stays_together() {
        let line = words("2023 г. градини", 47);
        let elsewhere = words("2021 – 2023 г.", 0);
        let pairs = Pairs::of([elsewhere.as_slice(), line.as_slice()].into_iter());
        assert_eq!(later_cut(&line, 1, None, &pairs, no_tie), Some(2));
        // Not past the column after next.
        assert_eq!(later_cut(&line, 1, Some(54), &pairs, no_tie), None);
    }

    #[test]
    fn a_word_in_lower_case_packed_after_the_word_before_goes_on_with_its_run() {
        let w = words("Брой деца и ученици в  Неприложимо", 90);
        // "ученици" and "деца" go on to the two spaces before "Неприложимо".
        assert_eq!(run_on(&w, 3), Some(5));
        assert_eq!(run_on(&w, 1), Some(5));
        // A sentence's end ends the run; a capital opens a cell.
        let w = words("обучение. среда Текущ", 0);
        assert_eq!(run_on(&w, 1), None);
        assert_eq!(run_on(&w, 2), None);
        // An abbreviation may belong to the next cell's number.
        let w = words("Сливен г.", 0);
        assert_eq!(run_on(&w, 1), None);
    }

    #[test]
    fn a_long_line_of_packed_words_is_counted_within_bounds() {
        let text = (0..300_000).map(|n| format!("д{n}")).collect::<Vec<_>>();
        let w = words(&text.join(" "), 0);
        let pairs = Pairs::of(std::iter::once(w.as_slice()));
        assert!(pairs.0.len() <= MAX_PAIRS);
        assert_eq!(later_cut(&w, 150_000, None, &pairs, no_tie), None);
    }
}
