//! Bulgarian function words that never end a sentence: the prepositions and conjunctions, a
//! closed class of the language (a short list is all of it that plans use), so a list of them
//! is knowledge of the language, not of any document. A text that ends with one goes on (in
//! the next row, across a page break); a line that starts with one and goes on with more words
//! starts a new word rather than ending the one broken before it.

/// The prepositions and conjunctions (lower case). Pronouns, particles and the like are left
/// out: some of them end sentences ("тях", "го"), and some short ones are common endings too.
const WORDS: &[&str] = &[
    // Prepositions.
    "в",
    "във",
    "на",
    "за",
    "с",
    "със",
    "от",
    "до",
    "по",
    "при",
    "към",
    "чрез",
    "през",
    "пред",
    "след",
    "над",
    "под",
    "между",
    "без",
    "срещу",
    "около",
    "относно",
    "съгласно",
    "спрямо",
    "сред",
    "у",
    // Conjunctions.
    "и",
    "или",
    "но",
    "а",
    "като",
    "както",
    "че",
    "ако",
    "нито",
    "което",
    "която",
    "които",
    "чийто",
    "чиито",
    "когато",
    "докато",
    "защото",
];

/// Whether `word` (any case, punctuation around it ignored) is a preposition or a conjunction.
pub(super) fn is_function_word(word: &str) -> bool {
    let bare = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    WORDS.contains(&bare.as_str())
}

/// Whether `text` ends with a preposition or a conjunction with nothing after it but the end
/// (no punctuation): the sentence goes on.
pub(super) fn ends_unfinished(text: &str) -> bool {
    text.split_whitespace()
        .last()
        .is_some_and(|w| w.chars().all(char::is_alphabetic) && is_function_word(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_ending_with_a_preposition_goes_on_and_one_ending_with_a_noun_does_not() {
        assert!(ends_unfinished("жертви на трафик на хора в услугите към"));
        assert!(ends_unfinished(
            "Ефективно прилагане на Национален механизъм за"
        ));
        assert!(!ends_unfinished("жертви на трафик на хора."));
        assert!(!ends_unfinished("Община Казанлък"));
        assert!(!ends_unfinished("услугите към."));
        assert!(is_function_word("И"));
        assert!(!is_function_word("медиатори"));
    }
}
