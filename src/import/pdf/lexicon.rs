//! The language's word list (inflected forms, one a line), for the words broken at the edge of a
//! narrow cell that the document's own words cannot decide ([`super::words`]): optional, read
//! once per process from `PLANMON_WORDS` or Debian's `wbulgarian` list.

use std::io::Read;
use std::sync::OnceLock;

/// Where Debian's `wbulgarian` package installs its list.
const DEBIAN_LIST: &str = "/usr/share/dict/bulgarian";

/// The most of a list read (Debian's Bulgarian list is 18 MB).
const MOST_BYTES: u64 = 64 * 1024 * 1024;

/// Longer lines are no words.
const LONGEST: usize = 48;

/// Whether `c` is a letter, Cyrillic and Latin looked up first (the general lookup is slow
/// over a list of a million words).
fn letter(c: char) -> bool {
    c.is_ascii_alphabetic() || ('а'..='я').contains(&c) || c.is_alphabetic()
}

/// The words of a list, lowercased and sorted in one string, found by binary search.
pub(crate) struct Lexicon {
    text: String,
    /// Where each word starts in `text`; the last entry is its length.
    starts: Vec<u32>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lexicon({} words)", self.len())
    }
}

impl Lexicon {
    /// The words of `list`, one a line; lines that are not one word of letters (with a hyphen
    /// inside) are left out.
    pub(crate) fn of(list: &str) -> Lexicon {
        let lower = list.to_lowercase();
        let mut words: Vec<&str> = lower
            .lines()
            .map(str::trim)
            .filter(|w| {
                !w.is_empty()
                    && w.chars().count() <= LONGEST
                    && w.chars().all(|c| letter(c) || c == '-')
                    && w.starts_with(letter)
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        let mut text = String::with_capacity(words.iter().map(|w| w.len()).sum());
        let mut starts = Vec::with_capacity(words.len() + 1);
        for w in &words {
            // The list is bounded by MOST_BYTES, well under u32::MAX.
            starts.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            text.push_str(w);
        }
        starts.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        Lexicon { text, starts }
    }

    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn word(&self, i: usize) -> &str {
        let (from, to) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        self.text.get(from..to).unwrap_or("")
    }

    /// Whether `word` (in any case) is a word of the list.
    pub(crate) fn contains(&self, word: &str) -> bool {
        let word = word.to_lowercase();
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.word(mid).cmp(word.as_str()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// What the list says of the letters `a` and `b` on either side of a line break: one word
    /// when their whole is a word of the list and the pieces are not both words; two when the
    /// whole is none, `a` is a word, and `b` is a word or (`b_function_word`) a preposition or a
    /// conjunction; nothing otherwise.
    pub(crate) fn reads(&self, a: &str, b: &str, b_function_word: bool) -> Option<bool> {
        if a.is_empty() || b.is_empty() {
            return None;
        }
        let (a_word, b_word) = (self.contains(a), self.contains(b));
        if self.contains(&format!("{a}{b}")) {
            (!(a_word && b_word)).then_some(true)
        } else {
            (a_word && (b_word || b_function_word)).then_some(false)
        }
    }
}

/// The language's word list: the file `PLANMON_WORDS` names, or Debian's when installed; none
/// when neither can be read (the document's own words then decide alone).
pub(crate) fn language() -> Option<&'static Lexicon> {
    static LIST: OnceLock<Option<Lexicon>> = OnceLock::new();
    LIST.get_or_init(|| {
        let path = std::env::var_os("PLANMON_WORDS")
            .map_or_else(|| DEBIAN_LIST.into(), std::path::PathBuf::from);
        let file = std::fs::File::open(&path).ok()?;
        let mut bytes = Vec::new();
        file.take(MOST_BYTES).read_to_end(&mut bytes).ok()?;
        let lexicon = Lexicon::of(&String::from_utf8_lossy(&bytes));
        (lexicon.len() > 0).then_some(lexicon)
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_list_finds_its_words_in_any_case_and_leaves_out_lines_that_are_not_words() {
        let list = Lexicon::of("регистър\nРегистри\nи\n\n12 3\nа-ла\nбг.\nпредприема\n");
        assert_eq!(list.len(), 5);
        for w in [
            "регистър",
            "регистри",
            "РЕГИСТРИ",
            "и",
            "а-ла",
            "предприема",
        ] {
            assert!(list.contains(w), "{w}");
        }
        for w in ["регистъри", "", "12 3", "бг.", "предприем", "предприемач"]
        {
            assert!(!list.contains(w), "{w}");
        }
    }

    #[test]
    fn a_list_joins_a_whole_it_holds_and_keeps_apart_two_words_whose_whole_it_lacks() {
        let list = Lexicon::of("регистър\nи\nпредприема\nпредприемачество\nна\nпо\nнапо\n");
        assert_eq!(list.reads("предприема", "чество", false), Some(true));
        assert_eq!(list.reads("регистър", "и", false), Some(false));
        assert_eq!(list.reads("регистър", "у", true), Some(false));
        // Both readings are words: the list cannot tell.
        assert_eq!(list.reads("на", "по", true), None);
        // Neither the whole nor the piece before is a word.
        assert_eq!(list.reads("предотвра", "тяването", false), None);
    }

    #[test]
    fn an_empty_list_has_no_words() {
        assert!(!Lexicon::of("").contains("и"));
    }
}
