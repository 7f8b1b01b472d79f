//! Words broken at the edge of a narrow cell without a hyphen, told from lines wrapped at a
//! space: by the room the line leaves (a writer breaks a word only when it does not fit on a
//! line of its own, and then fills the line to the last letter that fits), by the space a
//! writer keeps at the end of a wrapped line, and by the words the document writes whole
//! elsewhere ([`super::vocabulary`]).

use super::function_words;
use super::lines::TextLine;
use super::runs;
use super::vocabulary::{Vocabulary, bare};

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
    /// A slash, which joins two words without spaces ("регистри/" + "портали"); one standing
    /// alone on either side may have had a space beside it ("a / b").
    Slash { glued: bool },
}

fn kind(a: &str, b: &str) -> Option<Kind> {
    let (Some(ca), Some(cb)) = (a.chars().last(), b.chars().next()) else {
        return None;
    };
    if matches!(cb, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']') && ca.is_alphanumeric() {
        return Some(Kind::Punctuation);
    }
    // A closing quote standing alone or followed only by punctuation ("“."; Bulgarian quotes
    // open with „ and close with “).
    let closing = b
        .strip_prefix(['“', '”', '»'])
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_punctuation()));
    if closing && (ca.is_alphanumeric() || ca == '.') {
        return Some(Kind::Punctuation);
    }
    let word_before = a.chars().rev().nth(1).is_some_and(char::is_alphanumeric);
    let word_after = b.chars().nth(1).is_some_and(char::is_alphanumeric);
    if ca == '/' && cb.is_alphanumeric() {
        return Some(Kind::Slash { glued: word_before });
    }
    // A slash alone after a word opened by one closes it, as a bracket would ("/ЦОИДУЕМ" + "/").
    if b == "/" && a.starts_with('/') && ca.is_alphanumeric() {
        return Some(Kind::Punctuation);
    }
    if cb == '/' && ca.is_alphanumeric() {
        return Some(Kind::Slash { glued: word_after });
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

/// What the piece after a break shows when it is spelled as a preposition or a conjunction
/// ([`function_words`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    /// Punctuation follows it ("туберкуло" + "за;"): it cannot be one, and ends the word broken
    /// before it.
    Punctuated,
    /// It ends the text of the cell: no sentence ends with a preposition or conjunction, but
    /// the text may go on in a row of its own that continues this one
    /// ([`super::continued`]), so only the spelling decides, not how often it is a word.
    EndsText,
    /// More text follows it, as it follows a preposition or conjunction.
    GoesOn,
}

/// How the first word `b` of line `next` (`after` the line after it) stands, when it is spelled
/// as a preposition or a conjunction. A one-letter piece before a full stop may be an
/// abbreviation ("с." for a village), so only longer pieces count punctuation.
fn function_word_piece(
    b: &super::lines::Word,
    next: &TextLine,
    after: Option<&TextLine>,
) -> Option<Standing> {
    let letters = b.text.trim_end_matches([',', '.', ';', ':', '!', '?']);
    if letters.is_empty()
        || !letters.chars().all(char::is_alphabetic)
        || !function_words::is_function_word(letters)
    {
        return None;
    }
    let punctuated = letters.len() < b.text.len() && letters.chars().count() >= 2;
    let alone = next.words.len() == 1;
    if punctuated {
        return Some(Standing::Punctuated);
    }
    if alone && after.is_none() {
        return Some(Standing::EndsText);
    }
    Some(Standing::GoesOn)
}

/// The piece of `a` after its last slash or hyphen, the one a line break may have cut
/// ("преподаване/провеж" + "дане").
fn last_part(a: &str) -> &str {
    a.rsplit(['/', '-']).next().unwrap_or(a)
}

/// Whether `a` and `b` are a number written with its thousands apart ("20" + "000 лв."): one to
/// three digits, then a group of three (the way amounts are written, a space between the
/// groups), unless the document writes the whole number elsewhere.
fn thousands(a: &str, b: &str) -> bool {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    digits(a, 1..=3) && digits(b.trim_end_matches(['.', ',', ';']), 3..=3)
}

/// `(x + 1) / (y + 1)`: how much more often one count than another, never dividing by zero.
fn ratio(x: u32, y: u32) -> f64 {
    (f64::from(x) + 1.0) / (f64::from(y) + 1.0)
}

impl Vocabulary {
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
        after: &[TextLine],
        before: &str,
        (left, filled_to): (f64, f64),
        end: f64,
    ) -> bool {
        if self.spaces_kept && p.trailing_space {
            return false;
        }
        let (Some(a), Some(b)) = (before.split_whitespace().last(), next.words.first()) else {
            return false;
        };
        let Some(kind) = kind(a, &b.text) else {
            return false;
        };
        // A slash ending a left-aligned line with room for a space after it, from a writer
        // that keeps such spaces, had none: the writer broke after the slash, as it may
        // inside a word ("… /" + "ЦОИДУЕМ/"), whether or not the next piece would have fitted.
        if matches!(kind, Kind::Slash { .. })
            && a.ends_with('/')
            && self.spaces_kept
            && !self.char_grid
            && p.x0 - left <= 1.0
            && self.space_fits(end, p.size, filled_to)
        {
            return true;
        }
        // A writer that keeps no space at the end of a wrapped line may break after a slash
        // glued to a word when what follows it does not fit ("и/" + "или"): as the document
        // writes its slashes, unless it writes these two words with a slash and a space.
        // A slash alone that opens a word closed by another slash goes on into it as well
        // ("/" + "ЦОИДУЕМ/").
        let opens = a == "/" && b.text.len() > 1 && b.text.ends_with('/');
        if let Kind::Slash { glued } = kind
            && (glued || opens)
            && a.ends_with('/')
            && !p.trailing_space
            && !self.char_grid
            && end + (b.x1 - b.x0) > filled_to - 0.5
        {
            return opens
                || self.known(&format!("{a}{}", b.text))
                || (self.slashes_glued() && !self.slash_spaced(a, &b.text));
        }
        if p.words.len() != 1 {
            return false;
        }
        if self.char_grid {
            return self.broken_on_grid(a, &b.text, kind);
        }
        // A dash alone on its line glues to the number before only where the writer shows it
        // was not followed by a space ("2022-2024", not "2021 - 2023"): a writer that keeps
        // the space a line was wrapped at wrote none after it, and the number goes on on the
        // next line of the same page (a cell cut by a page break shows no space either).
        if matches!(b.text.as_str(), "-" | "–")
            && !(next.words.len() == 1
                && self.spaces_kept
                && !next.trailing_space
                && after.first().is_some_and(|n| !n.after_break))
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
            // The whole word, when the piece after the break ends on its line.
            let b_ends = next.words.len() > 1 || after.is_empty() || next.trailing_space;
            if kind == Kind::Letters && b_ends {
                self.saw_broken(&format!("{}{}", last_part(a), b.text));
            }
            return true;
        }
        // The piece on the next line may be broken again ("институц" + "ии").
        let b_whole = match after.first() {
            Some(n) if next.words.len() == 1 && !self.known(&b.text) => n
                .words
                .first()
                .map(|c| format!("{}{}", b.text, c.text))
                .filter(|w| self.known(w))
                .unwrap_or_else(|| b.text.clone()),
            _ => b.text.clone(),
        };
        // The pieces on the lines after, each alone on its line and filling it, may go on the
        // same word: together they spell a word the document writes whole ("Тек" + "у" +
        // "щ"), or the digits of a group of thousands ("15" + "00" + "0").
        let run = runs::run(next, after, avail, self.spaces_kept);
        if matches!(kind, Kind::Letters | Kind::Capitals)
            && let Some(one) = self.run_reads(last_part(a), &run)
        {
            return one;
        }
        match kind {
            Kind::Digits => {
                // In a column one digit wide every number stands digit by digit: its groups
                // cannot be told there, and a number is read whole (a year).
                let group = if a.chars().count() > 1 || b.text.chars().count() > 1 {
                    runs::digits(&run)
                } else {
                    b.text.clone()
                };
                !thousands(a, &group) || self.known(&format!("{a}{group}"))
            }
            Kind::Punctuation => true,
            // No writer breaks a line before a slash, even at a space (Unicode line breaking,
            // LB13): a line opened by one goes on the word before, broken where it ran out of
            // room. A slash glued to a word on a full line: as the document writes its slashes,
            // unless it writes these two words apart elsewhere.
            Kind::Slash { glued } => {
                b.text.starts_with('/')
                    || (glued && self.slashes_glued() && !self.slash_spaced(a, &b.text))
            }
            Kind::Letters => self.letters_join(a, b, next, after.first(), &b_whole),
            Kind::Capitals => self.joins(a, &b.text, &b_whole),
        }
    }

    /// What the pieces of a run after a break spell ([`runs`]): one word with `a` when `a` and
    /// two or more of them spell a word the document writes whole, or, where it writes none of
    /// them, a word of the language's list; two when `a` is a word and two or more pieces
    /// alone spell a word the document writes whole ("по" + "пр" + "ое" + "кт").
    pub(super) fn run_reads(&self, a: &str, run: &[&str]) -> Option<bool> {
        if run.len() < 2 {
            return None;
        }
        let with_a = runs::spelled(a, run);
        if with_a.iter().any(|w| self.known(w)) {
            return Some(true);
        }
        let mut alone = run[0].to_string();
        let b_word = run[1..].iter().any(|piece| {
            alone.push_str(piece);
            self.known(&alone)
        });
        let a_word = self.known(a)
            || self
                .lexicon
                .and_then(|list| list())
                .is_some_and(|list| list.contains(&bare(a)));
        if a_word && b_word {
            return Some(false);
        }
        let list = self.lexicon.and_then(|list| list())?;
        with_a
            .iter()
            .any(|w| list.contains(&bare(w)))
            .then_some(true)
    }

    /// Whether the letters `a` and `b` (the first word of line `next`) are one word. A piece
    /// after the break spelled as a preposition or a conjunction ([`function_words`]) is
    /// weighed by how it stands: followed by punctuation it is no such word and ends the word
    /// before ("туберкуло" + "за;"); after a word the document writes whole it is the word it
    /// is spelled as ("медиатори" + "и родители"), when the document commonly writes it as a
    /// word (at least a tenth as often as its words end with it: "и", not "но") and never
    /// writes the whole; ending the cell's text, only the spelling decides.
    fn letters_join(
        &self,
        a: &str,
        b: &super::lines::Word,
        next: &TextLine,
        after: Option<&TextLine>,
        b_whole: &str,
    ) -> bool {
        let a_word = last_part(a);
        let apart = || {
            let common = u64::from(self.whole(&b.text)) * 10 >= u64::from(self.ending(&b.text));
            common && self.known(a_word) && !self.known(&format!("{a_word}{}", b.text))
        };
        let standing = function_word_piece(b, next, after);
        if standing == Some(Standing::Punctuated) {
            return true;
        }
        // Where the document is silent (it writes neither the whole nor the two words one
        // after the other), the language's word list speaks ([`super::lexicon`]).
        let (a_bare, b_bare) = (bare(a_word), bare(&b.text));
        let silent = !self.known(&format!("{a_bare}{b_bare}")) && !self.pair(a_word, &b.text);
        if silent
            && let Some(list) = self.lexicon.and_then(|list| list())
            && let Some(one) =
                list.reads(&a_bare, &b_bare, function_words::is_function_word(&b_bare))
        {
            return one;
        }
        // A piece of three letters or more that is no word, of the document or of the list,
        // but ends words the document writes whole ("чество": "качество") is a word's end.
        if standing.is_none()
            && !self.known(&b_bare)
            && !self
                .lexicon
                .and_then(|list| list())
                .is_some_and(|list| list.contains(&b_bare))
            && self.ends_words(&b_bare)
        {
            return true;
        }
        match standing {
            Some(_) if apart() => false,
            Some(Standing::EndsText) => self.spelled_as_one(a, &b.text),
            _ => self.reads_as_one(a, &b.text, b_whole),
        }
    }

    /// Whether the letters `a` and `b` read as one word by the way the document spells its
    /// words and how often `a` begins longer words, leaving out how often `b` is written as a
    /// word (for a piece that cannot be the word it is spelled as).
    fn spelled_as_one(&self, a: &str, b: &str) -> bool {
        let a = last_part(a);
        self.known(&format!("{a}{b}")) || self.spelling(a, b).is_some_and(|w| w > 0.0)
    }

    /// The weight of `a` and `b` being one word by the way the document spells its words (does
    /// `a` end as they end, `b` start as they start, `ab` run as they run) and by how often `a`
    /// is written whole against how often it begins longer words; none when either piece has
    /// no letters.
    fn spelling(&self, a: &str, b: &str) -> Option<f64> {
        let (a, b) = (bare(a), bare(b));
        if a.is_empty() || b.is_empty() {
            return None;
        }
        Some(self.one_word(&a, &b) + ratio(self.beginning(&a), self.whole(&a)).ln())
    }

    /// On the character grid of `pdftotext -layout` text no space is kept and the cells'
    /// widths are only roughly the page's, so only words join a word broken at a line's end: a
    /// line of one word whose whole (`a` and `b` run together) the document writes elsewhere,
    /// and never as these two words, or, where the document writes neither, the language's word
    /// list holds and not both pieces; punctuation opening the next line always joins.
    fn broken_on_grid(&self, a: &str, b: &str, kind: Kind) -> bool {
        let a = last_part(a);
        // Punctuation never starts a word: it closes the one before ("„Образование" + "“").
        if kind == Kind::Punctuation {
            return true;
        }
        if !matches!(kind, Kind::Letters | Kind::Capitals) || self.pair(a, b) {
            return false;
        }
        if self.known(&format!("{a}{b}")) {
            return true;
        }
        // Where the document is silent, the language's word list: one word when it holds the
        // whole and not both pieces ("допълнителн" + "и"; "записан" + "и" stays apart).
        let (a_bare, b_bare) = (bare(a), bare(b));
        kind == Kind::Letters
            && self.lexicon.and_then(|list| list()).is_some_and(|list| {
                list.reads(&a_bare, &b_bare, function_words::is_function_word(&b_bare))
                    == Some(true)
            })
    }

    /// Whether the letters `a` and `b` read as one word: the whole is written elsewhere; or,
    /// weighed together, the way the document spells its words (does `a` end as they end, `b`
    /// start as they start, `ab` run as they run), how often `a` is written whole against how
    /// often it begins longer words, and how often `b` (`b_whole` when broken again) is written
    /// whole against how often words end with it.
    fn reads_as_one(&self, a: &str, b: &str, b_whole: &str) -> bool {
        let a = last_part(a);
        if self.known(&format!("{a}{b}")) {
            return true;
        }
        // The document writes them one after the other elsewhere, as two words.
        if self.pair(a, b) {
            return false;
        }
        let b_ends = ratio(self.ending(b_whole), self.whole(b_whole)).ln();
        self.spelling(a, b).is_some_and(|w| w + b_ends > 0.0)
    }

    /// Whether `a` and `b` read as one word: the whole is written elsewhere; or `b` is no word
    /// written elsewhere (`b_whole`: `b` with the piece after it when it was broken again); or
    /// `b` is written more often as the ending of longer words than as a word ("те", "ия"), by
    /// far when `a` is a word too.
    fn joins(&self, a: &str, b: &str, b_whole: &str) -> bool {
        let a = last_part(a);
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
#[path = "words_tests.rs"]
mod tests;
