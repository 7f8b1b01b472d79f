//! The document's own words, for telling words broken at the edge of a narrow cell
//! ([`super::words`]): the words it writes whole (bounded on both sides by something no
//! broken word shows), their endings and beginnings, how they are spelled
//! ([`super::spelling`]), and how the writer ends wrapped lines.

use super::Page;
use super::lexicon::Lexicon;
use super::lines::TextLine;
use super::spelling::Spelling;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// The longest ending whose use in longer words is counted.
pub(super) const ENDING: usize = 4;

/// Longer "words" (a run of letters no language writes, as a hostile file may hold) give no
/// beginnings and no spelling: their prefixes alone would take memory growing with the square
/// of their length.
const LONGEST: usize = 48;

/// The words written whole somewhere in the document, lowercase, and how the writer ends
/// wrapped lines.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Each word written whole, with how often.
    words: HashMap<String, u32>,
    /// How often the words written whole end with each ending of up to [`ENDING`] letters
    /// (words at least two letters longer than it).
    endings: HashMap<String, u32>,
    /// How often the words written whole start with each piece shorter than them.
    beginnings: HashMap<String, u32>,
    /// How the words written whole are spelled.
    spelling: Spelling,
    /// Two words written one after the other on a line, somewhere in the document.
    pairs: HashSet<(String, String)>,
    /// Slashes written between two words on a line without a space, and with one beside them
    /// (see [`Vocabulary::slashes_glued`]).
    slashes: (u32, u32),
    /// Two words written with a slash and a space between them ("държавни/ общински").
    spaced_slashes: HashSet<(String, String)>,
    /// Words seen broken for sure while the cells were laid out (see [`Vocabulary::learn`]).
    seen_broken: RefCell<HashMap<String, u32>>,
    /// The writer keeps the space each line was wrapped at (see [`TextLine::trailing_space`])
    /// when the space fits on the line: a line that had room for it and has none was broken
    /// inside a word or after a hyphen.
    pub(super) spaces_kept: bool,
    /// A space's width per font size.
    space: f64,
    /// The pages are text on a character grid (`pdftotext -layout`), not a PDF's glyphs.
    pub(super) char_grid: bool,
    /// The language's word list, when one is installed ([`super::lexicon`]): asked for only
    /// when a decision needs it, so a document that never does is read without loading it.
    pub(super) lexicon: Option<fn() -> Option<&'static Lexicon>>,
}

pub(super) fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Whether a word ends with punctuation after which no writer breaks a word.
fn ends_word(word: &str) -> bool {
    word.ends_with(['.', ',', ';', ':', '!', '?', ')', '“', '”', '»', '"'])
}

/// How many slashes stand between two letters or digits inside a word ("регистри/портали").
fn slashes_inside(word: &str) -> u32 {
    let chars: Vec<char> = word.chars().collect();
    let inside = chars
        .windows(3)
        .filter(|w| w[1] == '/' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
        .count();
    u32::try_from(inside).unwrap_or(u32::MAX)
}

/// Whether a slash between the words `a` and `b` has the space between them beside it
/// ("държавни/ общински", "a /b").
fn slash_beside_space(a: &str, b: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    (a.ends_with('/') && word(a.chars().rev().nth(1)) && word(b.chars().next()))
        || (b.starts_with('/') && word(b.chars().nth(1)) && word(a.chars().last()))
}

/// Whether a word starts a word for sure: a capital followed by lower case, a digit, or an
/// opening mark (the rest of a broken word is in lower case, or capitals after capitals).
fn starts_word(word: &str) -> bool {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => chars.any(char::is_lowercase),
        Some(c) => matches!(c, '(' | '„' | '"' | '«' | '“'),
        None => false,
    }
}

/// Words of the headers and status cells of measure tables (the column names and status words
/// the recogniser reads, whole): a header cell is often the only place they are written, and
/// narrow header cells break them.
const TABLE_WORDS: &[&str] = &[
    "мерки",
    "мярка",
    "мярката",
    "дейности",
    "дейност",
    "цели",
    "цел",
    "задачи",
    "статус",
    "състояние",
    "срок",
    "срокове",
    "период",
    "времеви",
    "година",
    "отговорна",
    "отговорни",
    "институция",
    "институции",
    "изпълнител",
    "изпълнители",
    "партньори",
    "източник",
    "източници",
    "финансиране",
    "средства",
    "бюджет",
    "индикатори",
    "индикатор",
    "показатели",
    "стойност",
    "текуща",
    "целева",
    "базова",
    "изходна",
    "натрупване",
    "текущ",
    "предстои",
    "изпълнява",
    "изпълнена",
    "частично",
    "постоянен",
];

impl Vocabulary {
    /// The vocabulary of the laid-out text: `blocks` are the lines of each cell and of each
    /// run of text, top to bottom. A word is written whole where something bounds it on both
    /// sides: a word before it on its line (or the start of the block, or a line before ending
    /// in a space) and a word after it (or a space written after it, or the end of the block).
    pub(super) fn of<'a>(
        pages: &[Page],
        blocks: impl Iterator<Item = &'a [TextLine]> + Clone,
    ) -> Vocabulary {
        let (mut lines, mut spaced) = (0usize, 0usize);
        for block in blocks.clone() {
            for l in block {
                lines += 1;
                spaced += usize::from(l.trailing_space);
            }
        }
        let spaces_kept = spaced * 10 >= lines.max(1);
        let mut words: HashMap<String, u32> = HashMap::new();
        let mut pairs: HashSet<(String, String)> = HashSet::new();
        let mut slashes = (0u32, 0u32);
        let mut spaced_slashes: HashSet<(String, String)> = HashSet::new();
        for block in blocks {
            for (i, l) in block.iter().enumerate() {
                let prev = i.checked_sub(1).and_then(|k| block.get(k));
                let next = block.get(i + 1);
                // A line starts a word when the line before ended with a space the writer
                // keeps, or with punctuation after which no word is broken.
                let opened = prev.is_none_or(|p| {
                    (spaces_kept && p.trailing_space)
                        || p.words.last().is_some_and(|w| ends_word(&w.text))
                });
                // A line ends a word when it ends its block, shows the space a line was
                // wrapped at, ends with punctuation, or the next line opens a new word (a
                // capital after a word in lower case, a digit, an opening mark).
                let closed = next.is_none_or(|n| {
                    (spaces_kept && l.trailing_space)
                        || l.words.last().is_some_and(|w| ends_word(&w.text))
                        || n.words.first().is_some_and(|w| starts_word(&w.text))
                            && l.words
                                .last()
                                .is_some_and(|w| w.text.chars().any(char::is_lowercase))
                });
                for w in &l.words {
                    slashes.0 = slashes.0.saturating_add(slashes_inside(&w.text));
                }
                for w in l.words.windows(2) {
                    let spaced = slash_beside_space(&w[0].text, &w[1].text);
                    slashes.1 = slashes.1.saturating_add(u32::from(spaced));
                    let (a, b) = (bare(&w[0].text), bare(&w[1].text));
                    if spaced {
                        spaced_slashes.insert((a.clone(), b.clone()));
                    }
                    if !a.is_empty() && !b.is_empty() {
                        pairs.insert((a, b));
                    }
                }
                let n = l.words.len();
                for (k, w) in l.words.iter().enumerate() {
                    let starts = k > 0 || opened || starts_word(&w.text);
                    let ends = k + 1 < n || closed;
                    if starts && ends {
                        let b = bare(&w.text);
                        if !b.is_empty() {
                            *words.entry(b).or_default() += 1;
                        }
                    }
                }
            }
        }
        let widths: Vec<f64> = pages
            .iter()
            .flat_map(|p| &p.glyphs)
            .filter(|g| g.text == " " && g.size > 0.0 && g.x1 > g.x0)
            .take(10_000)
            .map(|g| (g.x1 - g.x0) / g.size)
            .collect();
        let space = super::lines::median(&widths)
            .unwrap_or(0.25)
            .clamp(0.1, 0.6);
        for w in TABLE_WORDS {
            words.entry((*w).to_string()).or_insert(1);
        }
        let mut vocabulary = Vocabulary {
            words,
            pairs,
            slashes,
            spaced_slashes,
            spaces_kept,
            space,
            lexicon: Some(super::lexicon::language),
            ..Vocabulary::default()
        };
        vocabulary.derive();
        vocabulary
    }

    /// The endings, beginnings and spelling of the words.
    fn derive(&mut self) {
        let mut endings: HashMap<String, u32> = HashMap::new();
        let mut beginnings: HashMap<String, u32> = HashMap::new();
        for (w, n) in &self.words {
            let chars: Vec<char> = w.chars().take(LONGEST + 1).collect();
            if chars.len() > LONGEST {
                continue;
            }
            for k in 1..=ENDING.min(chars.len().saturating_sub(2)) {
                let end: String = chars[chars.len() - k..].iter().collect();
                *endings.entry(end).or_default() += n;
            }
            for k in 1..chars.len() {
                let start: String = chars[..k].iter().collect();
                *beginnings.entry(start).or_default() += n;
            }
        }
        self.endings = endings;
        self.beginnings = beginnings;
        self.spelling = Spelling::of(
            self.words
                .keys()
                .filter(|w| w.chars().nth(LONGEST).is_none())
                .map(String::as_str),
        );
    }

    /// Records a word the page shows broken for sure (see [`Vocabulary::learn`]).
    pub(super) fn saw_broken(&self, word: &str) {
        let word = bare(word);
        if !word.is_empty() {
            *self.seen_broken.borrow_mut().entry(word).or_default() += 1;
        }
    }

    /// Takes in the words recorded by [`Vocabulary::saw_broken`] while the cells were laid out
    /// once: a word the page shows broken where the geometry leaves no doubt (a line with room
    /// for the space the writer keeps ends without it) is a word the document writes, though
    /// narrow cells may never show it whole.
    pub(super) fn learn(&mut self) {
        let seen = std::mem::take(&mut *self.seen_broken.borrow_mut());
        if seen.is_empty() {
            return;
        }
        for (w, n) in seen {
            *self.words.entry(w).or_default() += n;
        }
        self.derive();
    }

    /// Whether a space after a line ending at `end` (in a font of `size`) fits before
    /// `filled_to`, clearly.
    pub(super) fn space_fits(&self, end: f64, size: f64, filled_to: f64) -> bool {
        end + self.space * size <= filled_to - 0.5
    }

    /// Whether the document writes a slash between two words without a space, by far more
    /// often than with one beside it: then a line full to its edge that breaks at a slash
    /// glued to a word breaks inside one such word (the page cannot show which).
    pub(super) fn slashes_glued(&self) -> bool {
        let (glued, spaced) = self.slashes;
        glued >= 3 && glued >= spaced.saturating_mul(4)
    }

    pub(super) fn known(&self, word: &str) -> bool {
        self.words.contains_key(&bare(word))
    }

    /// Whether the document writes `a` and then `b` as two words on one line.
    pub(super) fn pair(&self, a: &str, b: &str) -> bool {
        self.pairs.contains(&(bare(a), bare(b)))
    }

    /// The width of a space in a font of `size`, as the document's spaces measure (a quarter
    /// of the size when it has none).
    pub(super) fn space_width(&self, size: f64) -> f64 {
        if self.space > 0.0 {
            self.space * size
        } else {
            0.25 * size
        }
    }

    /// Whether the document writes `a` and `b` with a slash and a space between them.
    pub(super) fn slash_spaced(&self, a: &str, b: &str) -> bool {
        self.spaced_slashes.contains(&(bare(a), bare(b)))
    }

    /// How often `word` is written whole.
    pub(super) fn whole(&self, word: &str) -> u32 {
        self.words.get(&bare(word)).copied().unwrap_or(0)
    }

    /// Whether `piece` (lowercase letters, three or more) ends a word written whole at least two
    /// letters longer than it.
    pub(super) fn ends_words(&self, piece: &str) -> bool {
        let n = piece.chars().count();
        n >= 3
            && piece.chars().all(char::is_alphabetic)
            && self
                .words
                .keys()
                .any(|w| w.ends_with(piece) && w.chars().count() >= n + 2)
    }

    /// How often words written whole end with `piece` (0 for a piece longer than [`ENDING`]).
    pub(super) fn ending(&self, piece: &str) -> u32 {
        self.endings.get(&bare(piece)).copied().unwrap_or(0)
    }

    /// How often words written whole begin with `piece` (lowercase) and go on.
    pub(super) fn beginning(&self, piece: &str) -> u32 {
        self.beginnings.get(piece).copied().unwrap_or(0)
    }

    /// How much better `a` and `b` (lowercase) read as one word than as two, by the spelling
    /// of the words written whole (log odds).
    pub(super) fn one_word(&self, a: &str, b: &str) -> f64 {
        self.spelling.one_word(a, b)
    }
}
