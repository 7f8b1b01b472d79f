//! Words broken more than once: in a cell only a few letters wide a word is broken on every
//! line, each piece alone on its line and filling it ("С" / "та" / "ту" / "с"), so the piece
//! after one break says little alone; read together with the pieces after it, the run spells
//! the word the document writes whole elsewhere ("Статус"), or the digits of a group of
//! thousands ("15" / "00" / "0" is "15 000").

use super::lines::TextLine;

/// The most lines one run is followed over.
const LONGEST_RUN: usize = 16;

/// Punctuation after which no word goes on.
fn ends_word(piece: &str) -> bool {
    piece.ends_with(['.', ',', ';', ':', '!', '?', ')', '“', '”', '»', '"'])
}

/// The first word of `next` and of each line after it (`after`) that may go on the same word:
/// the line before it holds that one piece only, with no room left for the next piece's first
/// letter on a line `avail` wide, and does not end with a space the writer keeps
/// (`spaces_kept`) or with punctuation.
pub(super) fn run<'l>(
    next: &'l TextLine,
    after: &'l [TextLine],
    avail: f64,
    spaces_kept: bool,
) -> Vec<&'l str> {
    let Some(first) = next.words.first() else {
        return Vec::new();
    };
    let mut pieces = vec![first.text.as_str()];
    let mut line = next;
    for l in after.iter().take(LONGEST_RUN) {
        let Some(w) = l.words.first() else {
            break;
        };
        let full = (line.x1 - line.x0) + w.first > avail - 0.5;
        let ended = (spaces_kept && line.trailing_space)
            || line.words.last().is_some_and(|w| ends_word(&w.text));
        if line.words.len() != 1 || !full || ended || l.y >= line.y {
            break;
        }
        pieces.push(w.text.as_str());
        line = l;
    }
    pieces
}

/// The digits of a group the run starts with: its pieces of digits only (the last may end with
/// a stop or a comma) taken while they hold fewer than three digits ("00" + "0" is "000").
pub(super) fn digits(run: &[&str]) -> String {
    let mut out = String::new();
    for piece in run {
        let bare = piece.trim_end_matches(['.', ',', ';']);
        if bare.is_empty() || !bare.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        out.push_str(bare);
        if out.len() >= 3 || bare.len() < piece.len() {
            break;
        }
    }
    out
}

/// The words `a` and two or more pieces of the run spell, longest last ("Тек" + "у" + "щ").
pub(super) fn spelled(a: &str, run: &[&str]) -> Vec<String> {
    let mut word = a.to_string();
    let mut out = Vec::new();
    for (k, piece) in run.iter().enumerate() {
        word.push_str(piece);
        if k >= 1 {
            out.push(word.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::pdf::lines::Word;

    /// A cell's line of one word per `text`, 6 units a letter, at `y`.
    fn line(y: f64, text: &str) -> TextLine {
        let words: Vec<Word> = text
            .split(' ')
            .scan(0.0, |x, t| {
                let w = Word {
                    x0: *x,
                    x1: *x + 6.0 * t.chars().count() as f64,
                    first: 6.0,
                    text: t.to_string(),
                };
                *x = w.x1 + 3.0;
                Some(w)
            })
            .collect();
        TextLine {
            x0: 0.0,
            x1: words.last().map_or(0.0, |w| w.x1),
            y,
            size: 10.0,
            words,
            trailing_space: false,
            after_break: false,
        }
    }

    #[test]
    fn a_run_goes_on_while_each_line_is_one_piece_with_no_room_for_the_next_letter() {
        let lines = [
            line(500.0, "та"),
            line(488.0, "ту"),
            line(476.0, "с"),
            line(464.0, "2021"),
        ];
        // Lines 13 units wide: two letters fill one.
        assert_eq!(run(&lines[0], &lines[1..], 13.0, false), ["та", "ту", "с"]);
        // 20 units wide: "та" leaves room for a letter, so it ended its word.
        assert_eq!(run(&lines[0], &lines[1..], 20.0, false), ["та"]);
    }

    #[test]
    fn a_run_stops_after_a_line_of_two_words_or_one_ending_in_punctuation() {
        let lines = [line(500.0, "та ту"), line(488.0, "с")];
        assert_eq!(run(&lines[0], &lines[1..], 13.0, false), ["та"]);
        let lines = [line(500.0, "т."), line(488.0, "с")];
        assert_eq!(run(&lines[0], &lines[1..], 13.0, false), ["т."]);
    }

    #[test]
    fn the_digits_of_a_group_are_taken_up_to_three() {
        assert_eq!(digits(&["00", "0", "лв."]), "000");
        assert_eq!(digits(&["000", "000"]), "000");
        assert_eq!(digits(&["0", "0."]), "00");
        assert_eq!(digits(&["лв."]), "");
    }

    #[test]
    fn a_run_spells_the_words_of_two_pieces_and_more() {
        assert_eq!(spelled("Тек", &["у", "щ", "x"]), ["Текущ", "Текущx"]);
        assert!(spelled("Тек", &["ущ"]).is_empty());
    }
}
