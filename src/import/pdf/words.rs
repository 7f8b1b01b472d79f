//! Words broken at the edge of a narrow cell without a hyphen, told from lines wrapped at a
//! space: by the room the line leaves (a writer breaks a word only when it does not fit on a
//! line of its own, and then fills the line to the last letter that fits), by the space a
//! writer keeps at the end of a wrapped line, and by the words the document writes whole
//! elsewhere.

use super::Page;
use super::lines::TextLine;
use std::collections::HashMap;

/// The longest ending whose use in longer words is counted.
const ENDING: usize = 4;

/// The words written whole somewhere in the document, lowercase, and how the writer ends
/// wrapped lines.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Each word written whole, with how often.
    words: HashMap<String, u32>,
    /// How often the words written whole end with each ending of up to [`ENDING`] letters
    /// (words at least two letters longer than it).
    endings: HashMap<String, u32>,
    /// The writer keeps the space each line was wrapped at (see [`TextLine::trailing_space`])
    /// when the space fits on the line: a line that had room for it and has none was broken
    /// inside a word or after a hyphen.
    pub(super) spaces_kept: bool,
    /// A space's width per font size.
    space: f64,
    /// The pages are text on a character grid (`pdftotext -layout`), not a PDF's glyphs.
    pub(super) char_grid: bool,
}

pub(super) fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
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

/// How a piece at the end of a line and the one starting the next may be one word.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Letters continued in lower case ("задължите" + "лна").
    Letters,
    /// An abbreviation in capitals ("МКБППМ" + "Н").
    Capitals,
    /// A number or a code ("202" + "1-2023", "1." + "1.").
    Digits,
    /// Punctuation that never starts a word ("Казанлък" + ",").
    Punctuation,
}

fn kind(a: &str, b: &str) -> Option<Kind> {
    let (Some(ca), Some(cb)) = (a.chars().last(), b.chars().next()) else {
        return None;
    };
    if matches!(cb, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']') && ca.is_alphanumeric() {
        return Some(Kind::Punctuation);
    }
    // A closing quote standing alone (Bulgarian quotes open with „ and close with “).
    if matches!(b, "“" | "”" | "»") && (ca.is_alphanumeric() || ca == '.') {
        return Some(Kind::Punctuation);
    }
    if cb.is_lowercase() && ca.is_alphabetic() {
        return Some(Kind::Letters);
    }
    let capitals = |s: &str| {
        s.chars().any(char::is_alphabetic)
            && s.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
    };
    if cb.is_uppercase() && ca.is_uppercase() && capitals(a) && capitals(b) {
        return Some(Kind::Capitals);
    }
    if cb.is_ascii_digit()
        && (ca.is_ascii_digit() || ca == '.')
        && a.starts_with(|c: char| c.is_ascii_digit())
    {
        return Some(Kind::Digits);
    }
    // A range of numbers whose dash did not fit after the first ("2022" + "-2024", or the
    // dash alone on its line before the second number).
    let number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = b.strip_prefix(['-', '–'])
        && number(a.rsplit(['-', '–']).next().unwrap_or(a))
        && (rest.is_empty() || number(rest))
    {
        return Some(Kind::Digits);
    }
    None
}

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
        for block in blocks {
            for (i, l) in block.iter().enumerate() {
                let opened = i == 0 || (spaces_kept && block[i - 1].trailing_space);
                // Where the writer keeps no space at the end of a wrapped line, the end of the
                // block bounds its last word (a writer that keeps them shows it by the space).
                let closed = if spaces_kept {
                    l.trailing_space
                } else {
                    i + 1 == block.len()
                };
                let n = l.words.len();
                for (k, w) in l.words.iter().enumerate() {
                    let starts = k > 0 || opened;
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
        let mut endings: HashMap<String, u32> = HashMap::new();
        for (w, n) in &words {
            let chars: Vec<char> = w.chars().collect();
            for k in 1..=ENDING.min(chars.len().saturating_sub(2)) {
                let end: String = chars[chars.len() - k..].iter().collect();
                *endings.entry(end).or_default() += n;
            }
        }
        Vocabulary {
            words,
            endings,
            spaces_kept,
            space,
            char_grid: false,
        }
    }

    /// Whether a space after a line ending at `end` (in a font of `size`) fits before
    /// `filled_to`, clearly.
    pub(super) fn space_fits(&self, end: f64, size: f64, filled_to: f64) -> bool {
        end + self.space * size <= filled_to - 0.5
    }

    fn known(&self, word: &str) -> bool {
        self.words.contains_key(&bare(word))
    }

    /// How often `word` is written whole.
    fn whole(&self, word: &str) -> u32 {
        self.words.get(&bare(word)).copied().unwrap_or(0)
    }

    /// How often words written whole end with `piece` (0 for a piece longer than [`ENDING`]).
    fn ending(&self, piece: &str) -> u32 {
        self.endings.get(&bare(piece)).copied().unwrap_or(0)
    }

    /// Whether line `next` continues a word that line `p` (of a cell or column from `left` to
    /// `filled_to`, `end` being where `p` ends as if left aligned) broke at its edge: `p` is
    /// one piece that fills the line to the last letter that fits; the piece and the next
    /// could not stand on one line; and either the writer would have kept a space had `p` been
    /// wrapped at one, or the document's words show the join. `before` is the text the cell
    /// has so far (the whole word may have been broken more than once).
    pub(super) fn broken(
        &self,
        p: &TextLine,
        next: &TextLine,
        after: Option<&TextLine>,
        before: &str,
        (left, filled_to): (f64, f64),
        end: f64,
    ) -> bool {
        if self.char_grid || p.words.len() != 1 || (self.spaces_kept && p.trailing_space) {
            return false;
        }
        let (Some(a), Some(b)) = (before.split_whitespace().last(), next.words.first()) else {
            return false;
        };
        let Some(kind) = kind(a, &b.text) else {
            return false;
        };
        // A dash alone on its line glues to the number before only where the writer shows it
        // was not followed by a space ("2022-2024", not "2021 - 2023"): a writer that keeps
        // the space a line was wrapped at wrote none after it, and the number goes on on the
        // next line of the same page (a cell cut by a page break shows no space either).
        if matches!(b.text.as_str(), "-" | "–")
            && !(next.words.len() == 1
                && self.spaces_kept
                && !next.trailing_space
                && after.is_some_and(|n| !n.after_break))
        {
            return false;
        }
        let avail = filled_to - left;
        let whole = (p.x1 - p.x0) + (b.x1 - b.x0);
        if whole <= avail - 0.5 || end + b.first <= filled_to - 0.5 {
            return false;
        }
        // A left-aligned line with room for a space that has none was not wrapped at a space.
        let aligned_left = p.x0 - left <= 1.0;
        if self.spaces_kept && aligned_left && self.space_fits(end, p.size, filled_to) {
            return true;
        }
        // The piece on the next line may be broken again ("институц" + "ии").
        let b_whole = match after {
            Some(n) if next.words.len() == 1 && !self.known(&b.text) => n
                .words
                .first()
                .map(|c| format!("{}{}", b.text, c.text))
                .filter(|w| self.known(w))
                .unwrap_or_else(|| b.text.clone()),
            _ => b.text.clone(),
        };
        matches!(kind, Kind::Digits | Kind::Punctuation) || self.joins(a, &b.text, &b_whole)
    }

    /// Whether `a` and `b` read as one word: the whole is written elsewhere; or `b` is no word
    /// written elsewhere (`b_whole`: `b` with the piece after it when it was broken again); or
    /// `b` is written more often as the ending of longer words than as a word ("те", "ия"), by
    /// far when `a` is a word too.
    fn joins(&self, a: &str, b: &str, b_whole: &str) -> bool {
        // "преподаване/провеж" + "дане": the piece after a slash or hyphen.
        let a = a.rsplit(['/', '-']).next().unwrap_or(a);
        if self.known(&format!("{a}{b}")) {
            return true;
        }
        if !self.known(b_whole) {
            return true;
        }
        let (whole, ending) = (self.whole(b_whole), self.ending(b_whole));
        if self.known(a) {
            ending > whole * 3
        } else {
            ending > whole
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::pdf::lines::Word;

    /// A line of words 6 units a letter and a 3-unit space, starting at `x`.
    fn line(y: f64, x: f64, text: &str, trailing_space: bool) -> TextLine {
        let mut words = Vec::new();
        let mut at = x;
        for w in text.split(' ') {
            let width = 6.0 * w.chars().count() as f64;
            words.push(Word {
                x0: at,
                x1: at + width,
                first: 6.0,
                text: w.to_string(),
            });
            at += width + 3.0;
        }
        TextLine {
            x0: x,
            x1: words.last().map_or(x, |w| w.x1),
            y,
            size: 12.0,
            words,
            trailing_space,
            after_break: false,
        }
    }

    fn vocabulary(text: &[&str]) -> Vocabulary {
        let lines: Vec<TextLine> = text
            .iter()
            .enumerate()
            .map(|(i, t)| line(500.0 - 14.0 * i as f64, 0.0, t, true))
            .collect();
        Vocabulary::of(&[], std::iter::once(lines.as_slice()))
    }

    #[test]
    fn without_kept_spaces_the_last_word_of_a_cell_is_written_whole() {
        // A writer that keeps no space at the end of wrapped lines: the end of the cell
        // bounds "лекари", the end of the wrapped line does not bound "кампании".
        let cell = [
            line(500.0, 0.0, "Имунизационни кампании", false),
            line(486.0, 0.0, "с личните лекари", false),
        ];
        let words = Vocabulary::of(&[], std::iter::once(cell.as_slice()));
        assert!(!words.spaces_kept);
        assert!(words.known("лекари"));
        assert!(!words.known("кампании"));
        let p = line(100.0, 0.0, "Общопрактикуващи", false);
        let next = line(86.0, 0.0, "лекари здравни", false);
        assert!(!words.broken(&p, &next, None, "Общопрактикуващи", (0.0, 100.0), p.x1));
    }

    #[test]
    fn a_line_with_room_for_the_space_a_writer_keeps_ends_inside_a_word() {
        let words = vocabulary(&["планът се изпълнява от общината и партньорите"]);
        // "задължите" ends at 54 of a 58-wide cell: a space (3) would have fitted.
        let p = line(100.0, 0.0, "задължите", false);
        let next = line(86.0, 0.0, "лна възраст", true);
        assert!(words.broken(&p, &next, None, "задължите", (0.0, 58.0), p.x1));
    }

    #[test]
    fn a_full_line_before_a_word_the_document_writes_whole_is_two_words() {
        let words = vocabulary(&["по механизма за обхват на децата за всички"]);
        // "механизма" fills the cell: no room for a space, so only the words can tell.
        let p = line(100.0, 0.0, "механизма", false);
        let next = line(86.0, 0.0, "за обхват", true);
        assert!(!words.broken(&p, &next, None, "механизма", (0.0, 55.0), p.x1));
    }

    #[test]
    fn a_piece_written_more_often_as_an_ending_than_as_a_word_is_joined() {
        let words = vocabulary(&[
            "учениците родителите дейностите институциите те партньорите от общината",
        ]);
        let p = line(100.0, 0.0, "отговорни", false);
        let next = line(86.0, 0.0, "те институции", true);
        assert!(words.broken(&p, &next, None, "отговорни", (0.0, 55.0), p.x1));
    }

    #[test]
    fn a_range_whose_dash_stands_alone_is_one_word_unless_a_space_followed_the_dash() {
        let words = vocabulary(&["срок на изпълнение"]);
        let cell = |dash_spaced: bool| {
            let lines = [
                line(500.0, 0.0, "2022", false),
                line(486.0, 0.0, "-", dash_spaced),
                line(472.0, 0.0, "2024", true),
                line(458.0, 0.0, "г.", false),
            ];
            crate::import::pdf::lines::reflow(&lines, (0.0, 24.0), true, &words)
        };
        assert_eq!(cell(false), ["2022-2024 г."]);
        assert_eq!(cell(true), ["2022 - 2024 г."]);
    }

    #[test]
    fn a_number_broken_in_a_narrow_cell_is_joined_and_a_new_paragraph_is_not() {
        let words = vocabulary(&["срок на изпълнение"]);
        let p = line(100.0, 0.0, "202", false);
        let next = line(86.0, 0.0, "3 г.", true);
        assert!(words.broken(&p, &next, None, "2021-202", (0.0, 20.0), p.x1));
        let wide = (0.0, 60.0);
        assert!(!words.broken(&p, &next, None, "2021-202", wide, p.x1));
    }
}
