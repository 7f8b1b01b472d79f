//! Words broken at the edge of a narrow cell without a hyphen, told from lines wrapped at a
//! space: by the room the line leaves (a writer breaks a word only when it does not fit on a
//! line of its own, and then fills the line to the last letter that fits), by the space a
//! writer keeps at the end of a wrapped line, and by the words the document writes whole
//! elsewhere ([`super::vocabulary`]).

use super::function_words;
use super::lines::TextLine;
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
        after: Option<&TextLine>,
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
            // The whole word, when the piece after the break ends on its line.
            let b_ends = next.words.len() > 1 || after.is_none() || next.trailing_space;
            if kind == Kind::Letters && b_ends {
                self.saw_broken(&format!("{}{}", last_part(a), b.text));
            }
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
        match kind {
            Kind::Digits | Kind::Punctuation => true,
            // A slash glued to a word on a full line: as the document writes its slashes,
            // unless it writes these two words apart elsewhere.
            Kind::Slash { glued } => glued && self.slashes_glued() && !self.pair(a, &b.text),
            Kind::Letters => self.letters_join(a, b, next, after, &b_whole),
            Kind::Capitals => self.joins(a, &b.text, &b_whole),
        }
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
    /// widths are only roughly the page's, so only the document's own words join a word broken
    /// at a line's end: a line of one word whose whole (`a` and `b` run together) the document
    /// writes elsewhere, and never as these two words.
    fn broken_on_grid(&self, a: &str, b: &str, kind: Kind) -> bool {
        let a = last_part(a);
        matches!(kind, Kind::Letters | Kind::Capitals)
            && self.known(&format!("{a}{b}"))
            && !self.pair(a, b)
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
        let mut words = Vocabulary::of(&[], std::iter::once(lines.as_slice()));
        // The document's own words alone, whatever list the machine has.
        words.lexicon = None;
        words
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

    /// The document's words for the spelling tests: adjectives ending in "-ална" and "-ни",
    /// plurals in "-ори", and the common short words.
    fn spelled() -> Vocabulary {
        vocabulary(&[
            "социална национална регионална специална професионална нормална",
            "медиатори директори оператори сектори проведени обучени",
            "на и за на и за на и за на и за на и за на и за на и за",
            "проведени обучения проведени кампании обучени медиатори",
        ])
    }

    #[test]
    fn a_piece_ending_inside_the_documents_words_joins_a_common_word_after_it() {
        // "на" is written whole far more often than as an ending, but "гимназиал" ends the
        // way no word of the document ends and "-ална" is how its words go on.
        let words = spelled();
        let p = line(100.0, 0.0, "гимназиал", false);
        let next = line(86.0, 0.0, "на подготовка", true);
        assert!(words.broken(&p, &next, None, "гимназиал", (0.0, 55.0), p.x1));
    }

    #[test]
    fn a_word_the_document_writes_whole_before_a_word_it_never_shows_stays_apart() {
        // "занимания" is never written whole, but "проведени" is a word of the document and
        // ends as its words end.
        let words = spelled();
        let p = line(100.0, 0.0, "проведени", false);
        let next = line(86.0, 0.0, "занимания с", true);
        assert!(!words.broken(&p, &next, None, "проведени", (0.0, 55.0), p.x1));
    }

    #[test]
    fn two_words_the_document_writes_one_after_the_other_stay_apart_at_a_full_line() {
        // The spelling reads "назначаване" + "на" as one word ending in "-на"; a line of the
        // document goes on from a word broken before it with "назначаване на", as two words
        // ("назначаване" itself is not shown whole there).
        let p = line(100.0, 0.0, "назначаване", false);
        let next = line(86.0, 0.0, "на медиатори", true);
        let cell = (0.0, 67.0);
        assert!(spelled().broken(&p, &next, None, "назначаване", cell, p.x1));
        let lines: Vec<TextLine> = [
            "социална национална регионална специална професионална нормална",
            "медиатори директори оператори сектори проведени обучени",
            "на и за на и за на и за на и за на и за на и за на и за",
            "проведени обучения проведени кампании обучени медиатори",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| line(500.0 - 14.0 * i as f64, 0.0, t, true))
        .collect();
        let cell_text = [
            line(300.0, 0.0, "чрез пере", false),
            line(286.0, 0.0, "назначаване на медиатори", true),
        ];
        let words = Vocabulary::of(&[], [lines.as_slice(), cell_text.as_slice()].into_iter());
        assert!(!words.known("назначаване"));
        assert!(!words.broken(&p, &next, None, "назначаване", cell, p.x1));
    }

    #[test]
    fn a_word_shown_broken_for_sure_is_learnt_as_a_word_of_the_document() {
        let mut words = spelled();
        assert!(!words.known("републикански"));
        // The writer keeps wrap spaces and "Републик" leaves room for one: broken for sure.
        let p = line(100.0, 0.0, "Републик", false);
        let next = line(86.0, 0.0, "ански бюджет", true);
        assert!(words.broken(&p, &next, None, "Републик", (0.0, 53.0), p.x1));
        words.learn();
        assert!(words.known("републикански"));
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
    fn a_word_between_slashes_broken_after_its_slashes_in_a_narrow_cell_is_one_word() {
        let mut words = vocabulary(&["от ЕС/държавата и общината/ЦОП по проекти/програми"]);
        words.spaces_kept = true;
        let cell = |first_spaced: bool| {
            let lines = [
                line(500.0, 0.0, "ЕС /", first_spaced),
                line(486.0, 0.0, "ЦОИДУЕМ", false),
                line(472.0, 0.0, "/ ЦОП", false),
            ];
            crate::import::pdf::lines::reflow(&lines, (0.0, 46.0), true, &words)
        };
        assert_eq!(cell(false), ["ЕС /ЦОИДУЕМ/ ЦОП"]);
        // A space after the first slash: two words; the line above the closing slash had room
        // for a space and has none, so the slash is glued to it.
        assert_eq!(cell(true), ["ЕС / ЦОИДУЕМ/ ЦОП"]);
    }

    #[test]
    fn a_word_wrapped_with_the_full_stop_after_its_space_goes_on_the_line_before() {
        // "бизнес" alone would have fitted after "собствен", "бизнес ." would not: the
        // writer may not break before the stop, so the line was wrapped, not a paragraph.
        let words = vocabulary(&["собствен бизнес и работа"]);
        let cell = |right: f64| {
            let lines = [
                line(500.0, 0.0, "собствен", false),
                line(486.0, 0.0, "бизнес .", false),
            ];
            crate::import::pdf::lines::reflow(&lines, (0.0, right), true, &words)
        };
        assert_eq!(cell(90.0), ["собствен бизнес ."]);
        assert_eq!(cell(200.0), ["собствен", "бизнес ."]);
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

    #[test]
    fn a_full_line_ending_in_a_slash_glued_to_a_word_joins_as_the_document_writes_slashes() {
        let glued =
            vocabulary(&["брой деца/ученици и родители/настойници в училища/детски градини"]);
        let spaced = vocabulary(&["брой деца/ ученици и родители/ настойници в училища/ градини"]);
        // "родители/" fills the cell: no room for a space, so only the document can tell.
        let p = line(100.0, 0.0, "родители/", false);
        let next = line(86.0, 0.0, "учители в", true);
        let cell = (0.0, 55.0);
        assert!(glued.broken(&p, &next, None, "родители/", cell, p.x1));
        assert!(!spaced.broken(&p, &next, None, "родители/", cell, p.x1));
        // A slash standing alone may have had a space after it.
        let alone = line(100.0, 0.0, "/", false);
        assert!(!glued.broken(&alone, &next, None, "деца /", (0.0, 7.0), alone.x1));
    }

    #[test]
    fn a_closing_quote_followed_by_a_full_stop_goes_on_the_word_before() {
        let words = vocabulary(&["срок на изпълнение"]);
        let p = line(100.0, 0.0, "включване", false);
        let next = line(86.0, 0.0, "“.", true);
        assert!(words.broken(&p, &next, None, "включване", (0.0, 55.0), p.x1));
    }

    #[test]
    fn a_conjunction_after_a_word_the_document_writes_whole_stays_a_word() {
        // "медиатори" is written whole; "медиатории" never: "и" going on is the conjunction.
        let words = spelled();
        let p = line(100.0, 0.0, "медиатори", false);
        let next = line(86.0, 0.0, "и родители", true);
        assert!(!words.broken(&p, &next, None, "медиатори", (0.0, 55.0), p.x1));
    }

    #[test]
    fn a_preposition_followed_by_punctuation_ends_the_word_broken_before_it() {
        // "за" is a common word of the document, but no preposition stands before a semicolon.
        let words = spelled();
        let p = line(100.0, 0.0, "туберкуло", false);
        let next = line(86.0, 0.0, "за; ваксини", true);
        assert!(words.broken(&p, &next, None, "туберкуло", (0.0, 55.0), p.x1));
    }

    #[test]
    fn a_preposition_ending_a_cell_joins_only_where_the_spelling_reads_one_word() {
        // The row may go on in a row of its own ("механизъм за" + "насочване"), so the end
        // of the cell alone does not join; the spelling does ("гимназиал" + "на").
        let words = spelled();
        let next = line(86.0, 0.0, "на", true);
        let p = line(100.0, 0.0, "гимназиал", false);
        assert!(words.broken(&p, &next, None, "гимназиал", (0.0, 55.0), p.x1));
        let p = line(100.0, 0.0, "медиатори", false);
        assert!(!words.broken(&p, &next, None, "медиатори", (0.0, 55.0), p.x1));
    }

    #[test]
    fn where_the_document_is_silent_the_language_word_list_joins_or_keeps_apart() {
        // A full line and pieces the document never writes: its spelling alone decides
        // without a list; the list joins a whole it holds and keeps apart two of its words
        // whose whole it lacks.
        fn list() -> Option<&'static crate::import::pdf::lexicon::Lexicon> {
            static LIST: std::sync::OnceLock<crate::import::pdf::lexicon::Lexicon> =
                std::sync::OnceLock::new();
            Some(LIST.get_or_init(|| {
                crate::import::pdf::lexicon::Lexicon::of(
                    "регистър\nи\nпредприема\nпредприемачество\n",
                )
            }))
        }
        let mut words = spelled();
        words.lexicon = Some(list);
        let p = line(100.0, 0.0, "предприема", false);
        let next = line(86.0, 0.0, "чество в", true);
        assert!(words.broken(&p, &next, None, "предприема", (0.0, 61.0), p.x1));
        let p = line(100.0, 0.0, "регистър", false);
        let next = line(86.0, 0.0, "и данни", true);
        assert!(!words.broken(&p, &next, None, "регистър", (0.0, 49.0), p.x1));
    }
}
