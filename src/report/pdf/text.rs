//! Text for the PDF: the bundled fonts' glyph widths, and paragraphs broken into lines that
//! fit a width, words hyphenated where Bulgarian (or English) allows by the hyphenation
//! patterns of `hypher`; a word no pattern can fit is broken between letters as a last resort.

use crate::report::blocks::Run;
use std::collections::VecDeque;

pub const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces, for measuring.
pub struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    pub fn new() -> Option<Metrics> {
        Some(Metrics {
            regular: ttf_parser::Face::parse(REGULAR, 0).ok()?,
            bold: ttf_parser::Face::parse(BOLD, 0).ok()?,
        })
    }

    fn face(&self, bold: bool) -> &ttf_parser::Face<'static> {
        if bold { &self.bold } else { &self.regular }
    }

    pub fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let face = self.face(bold);
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 / f32::from(face.units_per_em()) * size
    }

    /// The text as the fonts can draw it: control characters become spaces, soft hyphens go
    /// (lines are hyphenated here), a character neither font has becomes U+FFFD.
    pub fn clean(&self, text: &str) -> String {
        text.chars()
            .filter(|c| *c != '\u{ad}')
            .map(|c| {
                if c.is_control() {
                    ' '
                } else if self.regular.glyph_index(c).is_some()
                    && self.bold.glyph_index(c).is_some()
                {
                    c
                } else {
                    '\u{fffd}'
                }
            })
            .collect()
    }
}

/// A stretch of one weight on a line, at `x` from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub text: String,
    pub bold: bool,
    pub x: f32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub pieces: Vec<Piece>,
    pub width: f32,
    /// The line ends in a hyphen added here (the word goes on on the next line).
    pub hyphenated: bool,
}

impl Line {
    pub fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

#[derive(Debug, Clone)]
struct Word {
    text: String,
    bold: bool,
    /// A space follows the word.
    space: bool,
}

fn words(runs: &[Run], m: &Metrics) -> VecDeque<Word> {
    let mut out = VecDeque::new();
    for r in runs {
        let text = m.clean(&r.text);
        let parts: Vec<&str> = text.split(' ').collect();
        for (i, w) in parts.iter().enumerate() {
            if w.is_empty() {
                if let Some(last) = out.back_mut() {
                    let last: &mut Word = last;
                    last.space = true;
                }
                continue;
            }
            out.push_back(Word {
                text: (*w).to_string(),
                bold: r.bold,
                space: i + 1 < parts.len(),
            });
        }
    }
    out
}

/// Places in a word where a line may break (byte offsets) and whether a hyphen is added
/// there: between syllables of its runs of letters, and after a hyphen or slash it has.
pub fn break_points(word: &str) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let flush = |from: usize, to: usize, out: &mut Vec<(usize, bool)>| {
        let run = &word[from..to];
        if run.chars().count() < 4 {
            return;
        }
        let lang = if run.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
            hypher::Lang::Bulgarian
        } else {
            hypher::Lang::English
        };
        let mut at = from;
        let syllables: Vec<&str> = hypher::hyphenate(run, lang).collect();
        for s in &syllables[..syllables.len().saturating_sub(1)] {
            at += s.len();
            out.push((at, true));
        }
    };
    for (i, c) in word.char_indices() {
        if c.is_alphabetic() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            flush(s, i, &mut out);
        }
        let end = i + c.len_utf8();
        if matches!(c, '-' | '–' | '/') && i > 0 && end < word.len() {
            out.push((end, false));
        }
    }
    if let Some(s) = start {
        flush(s, word.len(), &mut out);
    }
    out
}

/// The longest head of `word` (with its hyphen) no wider than `room`, and the rest.
fn split_to_fit(word: &str, room: f32, width: &dyn Fn(&str) -> f32) -> Option<(String, String)> {
    break_points(word)
        .into_iter()
        .rev()
        .map(|(at, hyphen)| {
            let head = format!("{}{}", &word[..at], if hyphen { "-" } else { "" });
            (head, word[at..].to_string())
        })
        .find(|(head, _)| width(head) <= room)
}

/// Letters that fit `room` with a hyphen, at least one.
fn split_letters(word: &str, room: f32, width: &dyn Fn(&str) -> f32) -> (String, String) {
    let mut cut = word.chars().next().map_or(0, char::len_utf8);
    for (i, _) in word.char_indices().skip(1) {
        if width(&format!("{}-", &word[..i])) > room {
            break;
        }
        cut = i;
    }
    if cut >= word.len() {
        return (word.to_string(), String::new());
    }
    (format!("{}-", &word[..cut]), word[cut..].to_string())
}

struct Builder {
    line: Line,
    /// The last word placed was followed by a space.
    space: bool,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            line: Line::default(),
            space: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.line.pieces.is_empty()
    }

    fn push(&mut self, text: &str, bold: bool, space_after: bool, m: &Metrics, size: f32) {
        let gap = if self.is_empty() || !self.space {
            ""
        } else {
            " "
        };
        match self.line.pieces.last_mut() {
            Some(p) if p.bold == bold => {
                p.text.push_str(gap);
                p.text.push_str(text);
            }
            _ => {
                if let Some(p) = self.line.pieces.last_mut() {
                    p.text.push_str(gap);
                }
                self.line.pieces.push(Piece {
                    text: text.to_string(),
                    bold,
                    x: 0.0,
                });
            }
        }
        self.space = space_after;
        // Positions from the widths of the pieces before.
        let mut x = 0.0;
        for p in &mut self.line.pieces {
            p.x = x;
            x += m.width(&p.text, p.bold, size);
        }
        self.line.width = x;
    }

    fn finish(&mut self, hyphenated: bool) -> Line {
        let mut line = std::mem::take(&mut self.line);
        line.hyphenated = hyphenated;
        self.space = false;
        line
    }
}

/// Breaks runs of text into lines no wider than `max` at `size` points.
pub fn break_lines(runs: &[Run], max: f32, size: f32, m: &Metrics) -> Vec<Line> {
    lines_of(runs, max, size, m, true)
}

/// Lines broken between words only (titles, centred lines); a word wider than the line is
/// still broken.
pub fn break_at_words(runs: &[Run], max: f32, size: f32, m: &Metrics) -> Vec<Line> {
    lines_of(runs, max, size, m, false)
}

fn lines_of(runs: &[Run], max: f32, size: f32, m: &Metrics, hyphenate: bool) -> Vec<Line> {
    let mut queue = words(runs, m);
    let mut lines = Vec::new();
    let mut b = Builder::new();
    while let Some(w) = queue.pop_front() {
        let width = |s: &str| m.width(s, w.bold, size);
        let gap = if b.is_empty() || !b.space {
            0.0
        } else {
            m.width(" ", w.bold, size)
        };
        let room = max - b.line.width - gap;
        if width(&w.text) <= room {
            b.push(&w.text, w.bold, w.space, m, size);
            continue;
        }
        let fitted = if hyphenate || b.is_empty() {
            split_to_fit(&w.text, room, &width)
        } else {
            None
        };
        if let Some((head, tail)) = fitted {
            b.push(&head, w.bold, false, m, size);
            lines.push(b.finish(head.ends_with('-')));
            queue.push_front(Word { text: tail, ..w });
            continue;
        }
        if !b.is_empty() {
            lines.push(b.finish(false));
            queue.push_front(w);
            continue;
        }
        let (head, tail) = split_letters(&w.text, max, &width);
        if tail.is_empty() {
            b.push(&head, w.bold, w.space, m, size);
        } else {
            b.push(&head, w.bold, false, m, size);
            lines.push(b.finish(true));
            queue.push_front(Word { text: tail, ..w });
        }
    }
    if !b.is_empty() {
        lines.push(b.finish(false));
    }
    lines
}

/// The widest word of the runs (what a column needs at least) and the runs on one line.
pub fn extent(runs: &[Run], size: f32, m: &Metrics) -> (f32, f32) {
    let mut widest: f32 = 0.0;
    let mut total: f32 = 0.0;
    for w in words(runs, m) {
        let ww = m.width(&w.text, w.bold, size);
        widest = widest.max(ww);
        total += ww
            + if w.space {
                m.width(" ", w.bold, size)
            } else {
                0.0
            };
    }
    (widest, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new().expect("the bundled fonts parse")
    }

    fn joined(lines: &[Line]) -> String {
        let mut out = String::new();
        for l in lines {
            let t = l.text();
            if l.hyphenated {
                out.push_str(t.trim_end_matches('-'));
            } else {
                out.push_str(&t);
                out.push(' ');
            }
        }
        out.trim_end().to_string()
    }

    #[test]
    fn bulgarian_words_break_between_syllables_with_a_hyphen() {
        let points = break_points("образованието");
        assert!(!points.is_empty());
        let word = "образованието";
        for (at, hyphen) in points {
            assert!(hyphen);
            // Never inside a letter, never leaving a single letter.
            assert!(word.is_char_boundary(at));
            assert!(word[..at].chars().count() >= 2 && word[at..].chars().count() >= 2);
        }
        assert_eq!(
            break_points("социално-икономически").first(),
            Some(&(4, true))
        );
        assert!(break_points("социално-икономически").contains(&("социално-".len(), false)));
    }

    #[test]
    fn lines_fit_their_width_and_lose_no_word() {
        let m = metrics();
        let text = "Осигуряване на достъп до качествено предучилищно и училищно образование \
                    на децата от уязвимите групи, включително здравнообразователни кампании.";
        let lines = break_lines(&[Run::plain(text)], 120.0, 10.0, &m);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(l.width <= 120.0 + 0.01, "{} is {}", l.text(), l.width);
        }
        assert_eq!(joined(&lines), text);
        assert!(
            lines.iter().any(|l| l.hyphenated),
            "a long word is hyphenated"
        );
    }

    #[test]
    fn a_word_wider_than_the_line_breaks_between_letters_and_keeps_every_letter() {
        let m = metrics();
        let word = "ЗДРАВНООБРАЗОВАТЕЛНИШШШЖЖЖЮЮЮМММ".repeat(3);
        let lines = break_lines(&[Run::plain(format!("{word} край"))], 40.0, 10.0, &m);
        assert_eq!(joined(&lines), format!("{word} край"));
        assert!(lines.iter().all(|l| l.width <= 40.0 + 0.01));
        // Even narrower than a letter: one letter a line, nothing lost.
        let lines = break_lines(&[Run::plain("абв")], 1.0, 10.0, &m);
        assert_eq!(joined(&lines), "абв");
    }

    #[test]
    fn bold_and_plain_runs_share_a_line_with_the_space_between() {
        let m = metrics();
        let lines = break_lines(
            &[Run::bold("1.1 "), Run::plain("Мярка за всички")],
            500.0,
            10.0,
            &m,
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text(), "1.1 Мярка за всички");
        assert!(lines[0].pieces[0].bold && !lines[0].pieces[1].bold);
        assert!(lines[0].pieces[1].x > 0.0);
    }

    #[test]
    fn characters_the_fonts_lack_become_a_replacement_and_controls_a_space() {
        let m = metrics();
        assert_eq!(m.clean("а\tб\u{ad}в 漢"), "а бв \u{fffd}");
    }
}
