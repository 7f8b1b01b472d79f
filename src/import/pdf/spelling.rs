//! How the document spells its words: a model of the letters of the words it writes whole
//! (character n-grams, smoothed by Witten-Bell interpolation), to weigh whether two pieces
//! split at a line's end read better as one word or as two. A piece that ends the way the
//! document's words end ("медиатори") reads as a word; one that ends inside them
//! ("гимназиал") reads as a word's beginning; a piece that starts the way its words continue
//! ("ална") reads as an ending.

use std::collections::HashMap;

/// Letters of context before each letter (the model is of order `ORDER + 1`).
const ORDER: usize = 3;
/// Stand-ins for the start and the end of a word.
const START: char = '\u{2}';
const END: char = '\u{3}';

#[derive(Debug, Default)]
pub(super) struct Spelling {
    /// How often each letter follows each context of up to [`ORDER`] letters.
    follows: HashMap<(String, char), u32>,
    /// Per context: how often it is followed by anything, and by how many different letters.
    contexts: HashMap<String, (u32, u32)>,
    /// Letters seen, with the end of a word.
    alphabet: usize,
}

impl Spelling {
    /// The model of `words` (each counted once: a word written often is not spelled
    /// differently for it). Words with anything but letters are left out.
    pub(super) fn of<'a>(words: impl Iterator<Item = &'a str>) -> Spelling {
        let mut model = Spelling::default();
        let mut letters = std::collections::HashSet::new();
        for w in words {
            if w.is_empty() || !w.chars().all(char::is_alphabetic) {
                continue;
            }
            let padded = padded(w);
            for i in ORDER..padded.len() {
                let ch = padded[i];
                letters.insert(ch);
                for k in 0..=ORDER {
                    let context: String = padded[i - k..i].iter().collect();
                    let n = model.follows.entry((context.clone(), ch)).or_default();
                    *n += 1;
                    let first = *n == 1;
                    let c = model.contexts.entry(context).or_default();
                    c.0 += 1;
                    c.1 += u32::from(first);
                }
            }
        }
        model.alphabet = letters.len() + 1;
        model
    }

    /// The probability of `ch` after `context` (the last [`ORDER`] letters at most).
    fn p(&self, context: &[char], ch: char) -> f64 {
        let key: String = context.iter().collect();
        let seen = |k: String| self.follows.get(&(k, ch)).copied().unwrap_or(0) as f64;
        let Some(rest) = context.get(1..) else {
            let total = self.contexts.get("").map_or(0, |c| c.0) as f64;
            return (seen(String::new()) + 1.0) / (total + self.alphabet as f64);
        };
        let lower = self.p(rest, ch);
        match self.contexts.get(&key) {
            Some(&(total, distinct)) if total > 0 => {
                let (total, distinct) = (total as f64, distinct as f64);
                let weight = total / (total + distinct);
                weight * seen(key) / total + (1.0 - weight) * lower
            }
            _ => lower,
        }
    }

    /// The log-probability of `word` spelled whole, start to end.
    fn log_p(&self, word: &str) -> f64 {
        let padded = padded(word);
        (ORDER..padded.len())
            .map(|i| self.p(&padded[i - ORDER..i], padded[i]).ln())
            .sum()
    }

    /// How much better `a` and `b` read as one word than as two (log odds: above zero, one).
    pub(super) fn one_word(&self, a: &str, b: &str) -> f64 {
        self.log_p(&format!("{a}{b}")) - self.log_p(a) - self.log_p(b)
    }
}

fn padded(word: &str) -> Vec<char> {
    std::iter::repeat_n(START, ORDER)
        .chain(word.chars().flat_map(char::to_lowercase))
        .chain(std::iter::once(END))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_ending_inside_the_documents_words_reads_as_their_beginning() {
        let words = [
            "социална",
            "национална",
            "регионална",
            "специална",
            "професионална",
            "медиатори",
            "директори",
            "оператори",
            "на",
            "за",
            "и",
        ];
        let model = Spelling::of(words.iter().copied());
        assert!(model.one_word("гимназиал", "на") > 0.0);
        assert!(model.one_word("сектори", "за") < 0.0);
    }
}
