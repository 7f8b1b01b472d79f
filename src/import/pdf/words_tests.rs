//! Tests of the words broken at the edge of a cell ([`super`]).

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
    assert!(!words.broken(&p, &next, &[], "Общопрактикуващи", (0.0, 100.0), p.x1));
}

#[test]
fn a_line_with_room_for_the_space_a_writer_keeps_ends_inside_a_word() {
    let words = vocabulary(&["планът се изпълнява от общината и партньорите"]);
    // "задължите" ends at 54 of a 58-wide cell: a space (3) would have fitted.
    let p = line(100.0, 0.0, "задължите", false);
    let next = line(86.0, 0.0, "лна възраст", true);
    assert!(words.broken(&p, &next, &[], "задължите", (0.0, 58.0), p.x1));
}

#[test]
fn a_full_line_before_a_word_the_document_writes_whole_is_two_words() {
    let words = vocabulary(&["по механизма за обхват на децата за всички"]);
    // "механизма" fills the cell: no room for a space, so only the words can tell.
    let p = line(100.0, 0.0, "механизма", false);
    let next = line(86.0, 0.0, "за обхват", true);
    assert!(!words.broken(&p, &next, &[], "механизма", (0.0, 55.0), p.x1));
}

#[test]
fn a_piece_written_more_often_as_an_ending_than_as_a_word_is_joined() {
    let words =
        vocabulary(&["учениците родителите дейностите институциите те партньорите от общината"]);
    let p = line(100.0, 0.0, "отговорни", false);
    let next = line(86.0, 0.0, "те институции", true);
    assert!(words.broken(&p, &next, &[], "отговорни", (0.0, 55.0), p.x1));
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
    assert!(words.broken(&p, &next, &[], "гимназиал", (0.0, 55.0), p.x1));
}

#[test]
fn a_word_the_document_writes_whole_before_a_word_it_never_shows_stays_apart() {
    // "занимания" is never written whole, but "проведени" is a word of the document and
    // ends as its words end.
    let words = spelled();
    let p = line(100.0, 0.0, "проведени", false);
    let next = line(86.0, 0.0, "занимания с", true);
    assert!(!words.broken(&p, &next, &[], "проведени", (0.0, 55.0), p.x1));
}

#[test]
fn two_words_the_document_writes_one_after_the_other_stay_apart_at_a_full_line() {
    // The spelling reads "назначаване" + "на" as one word ending in "-на"; a line of the
    // document goes on from a word broken before it with "назначаване на", as two words
    // ("назначаване" itself is not shown whole there).
    let p = line(100.0, 0.0, "назначаване", false);
    let next = line(86.0, 0.0, "на медиатори", true);
    let cell = (0.0, 67.0);
    assert!(spelled().broken(&p, &next, &[], "назначаване", cell, p.x1));
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
    assert!(!words.broken(&p, &next, &[], "назначаване", cell, p.x1));
}

#[test]
fn a_word_shown_broken_for_sure_is_learnt_as_a_word_of_the_document() {
    let mut words = spelled();
    assert!(!words.known("републикански"));
    // The writer keeps wrap spaces and "Републик" leaves room for one: broken for sure.
    let p = line(100.0, 0.0, "Републик", false);
    let next = line(86.0, 0.0, "ански бюджет", true);
    assert!(words.broken(&p, &next, &[], "Републик", (0.0, 53.0), p.x1));
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
fn a_dash_opening_a_line_after_a_colon_is_the_next_list_item_not_a_dash_in_the_sentence() {
    let words = vocabulary(&["програма със следните модули образование"]);
    // The dash had no room at the end of the line before, and lower case follows it: in a
    // sentence it would go on the line; after "модули:" it opens the list's item.
    let cell = |first: &str| {
        let lines = [
            line(500.0, 0.0, first, true),
            line(486.0, 0.0, "- образование", false),
        ];
        crate::import::pdf::lines::reflow(&lines, (0.0, 60.0), true, &words)
    };
    assert_eq!(cell("със модули:"), ["със модули:", "- образование"]);
    assert_eq!(cell("от 2022 г."), ["от 2022 г. - образование"]);
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
    assert!(words.broken(&p, &next, &[], "2021-202", (0.0, 20.0), p.x1));
    let wide = (0.0, 60.0);
    assert!(!words.broken(&p, &next, &[], "2021-202", wide, p.x1));
}

#[test]
fn a_full_line_ending_in_a_slash_glued_to_a_word_joins_as_the_document_writes_slashes() {
    let glued = vocabulary(&["брой деца/ученици и родители/настойници в училища/детски градини"]);
    let spaced = vocabulary(&["брой деца/ ученици и родители/ настойници в училища/ градини"]);
    // "родители/" fills the cell: no room for a space, so only the document can tell.
    let p = line(100.0, 0.0, "родители/", false);
    let next = line(86.0, 0.0, "учители в", true);
    let cell = (0.0, 55.0);
    assert!(glued.broken(&p, &next, &[], "родители/", cell, p.x1));
    assert!(!spaced.broken(&p, &next, &[], "родители/", cell, p.x1));
    // A slash standing alone may have had a space after it.
    let alone = line(100.0, 0.0, "/", false);
    assert!(!glued.broken(&alone, &next, &[], "деца /", (0.0, 7.0), alone.x1));
}

#[test]
fn a_closing_quote_followed_by_a_full_stop_goes_on_the_word_before() {
    let words = vocabulary(&["срок на изпълнение"]);
    let p = line(100.0, 0.0, "включване", false);
    let next = line(86.0, 0.0, "“.", true);
    assert!(words.broken(&p, &next, &[], "включване", (0.0, 55.0), p.x1));
}

#[test]
fn a_conjunction_after_a_word_the_document_writes_whole_stays_a_word() {
    // "медиатори" is written whole; "медиатории" never: "и" going on is the conjunction.
    let words = spelled();
    let p = line(100.0, 0.0, "медиатори", false);
    let next = line(86.0, 0.0, "и родители", true);
    assert!(!words.broken(&p, &next, &[], "медиатори", (0.0, 55.0), p.x1));
}

#[test]
fn a_preposition_followed_by_punctuation_ends_the_word_broken_before_it() {
    // "за" is a common word of the document, but no preposition stands before a semicolon.
    let words = spelled();
    let p = line(100.0, 0.0, "туберкуло", false);
    let next = line(86.0, 0.0, "за; ваксини", true);
    assert!(words.broken(&p, &next, &[], "туберкуло", (0.0, 55.0), p.x1));
}

#[test]
fn a_preposition_ending_a_cell_joins_only_where_the_spelling_reads_one_word() {
    // The row may go on in a row of its own ("механизъм за" + "насочване"), so the end
    // of the cell alone does not join; the spelling does ("гимназиал" + "на").
    let words = spelled();
    let next = line(86.0, 0.0, "на", true);
    let p = line(100.0, 0.0, "гимназиал", false);
    assert!(words.broken(&p, &next, &[], "гимназиал", (0.0, 55.0), p.x1));
    let p = line(100.0, 0.0, "медиатори", false);
    assert!(!words.broken(&p, &next, &[], "медиатори", (0.0, 55.0), p.x1));
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
            crate::import::pdf::lexicon::Lexicon::of("регистър\nи\nпредприема\nпредприемачество\n")
        }))
    }
    let mut words = spelled();
    words.lexicon = Some(list);
    let p = line(100.0, 0.0, "предприема", false);
    let next = line(86.0, 0.0, "чество в", true);
    assert!(words.broken(&p, &next, &[], "предприема", (0.0, 61.0), p.x1));
    let p = line(100.0, 0.0, "регистър", false);
    let next = line(86.0, 0.0, "и данни", true);
    assert!(!words.broken(&p, &next, &[], "регистър", (0.0, 49.0), p.x1));
}

#[test]
fn on_the_character_grid_the_word_list_joins_a_whole_the_document_never_writes() {
    fn list() -> Option<&'static crate::import::pdf::lexicon::Lexicon> {
        static LIST: std::sync::OnceLock<crate::import::pdf::lexicon::Lexicon> =
            std::sync::OnceLock::new();
        Some(LIST.get_or_init(|| {
            crate::import::pdf::lexicon::Lexicon::of("допълнителни\nи\nзаписани\nзаписан\n")
        }))
    }
    let mut words = vocabulary(&["занимания по език", "в училищата"]);
    words.char_grid = true;
    let joined = |words: &Vocabulary, a: &str, b: &str| {
        let p = line(100.0, 0.0, a, false);
        let next = line(86.0, 0.0, b, false);
        words.broken(&p, &next, &[], a, (0.0, 80.0), p.x1)
    };
    // Without a list, only the document's own words join.
    assert!(!joined(&words, "Допълнителн", "и занимания"));
    words.lexicon = Some(list);
    assert!(joined(&words, "Допълнителн", "и занимания"));
    // Both pieces are words of the list: they stay apart.
    assert!(!joined(&words, "записан", "и деца"));
    // Punctuation opening a line closes the word before it.
    assert!(joined(&words, "„Образование", "“ и"));
}

#[test]
fn a_number_wrapped_before_a_group_of_three_digits_keeps_its_thousands_apart() {
    assert!(thousands("20", "000"));
    assert!(thousands("200", "000."));
    assert!(!thousands("202", "3"));
    assert!(!thousands("2022", "000"));
    assert!(!thousands("20", "00"));
}

#[test]
fn a_slash_alone_at_a_full_lines_end_goes_on_into_the_word_it_opens() {
    let words = Vocabulary::default();
    // "Център /" fills the line; "ЦОИДУЕМ/" did not fit after it.
    let p = line(100.0, 0.0, "Център /", false);
    let next = line(86.0, 0.0, "ЦОИДУЕМ/ и", false);
    assert!(words.broken(&p, &next, &[], "Център /", (0.0, 60.0), p.x1));
}

/// A cell's lines of one piece each, top to bottom, laid out by [`reflow`].
fn narrow(words: &Vocabulary, right: f64, pieces: &[&str]) -> Vec<String> {
    let lines: Vec<TextLine> = pieces
        .iter()
        .enumerate()
        .map(|(i, t)| line(500.0 - 12.0 * i as f64, 0.0, t, false))
        .collect();
    crate::import::pdf::lines::reflow(&lines, (0.0, right), true, words)
}

#[test]
fn a_word_broken_on_every_line_of_a_narrow_cell_is_joined_when_its_pieces_spell_a_known_word() {
    fn list() -> Option<&'static crate::import::pdf::lexicon::Lexicon> {
        static LIST: std::sync::OnceLock<crate::import::pdf::lexicon::Lexicon> =
            std::sync::OnceLock::new();
        Some(LIST.get_or_init(|| crate::import::pdf::lexicon::Lexicon::of("тек\nу\nи\n")))
    }
    let mut words = vocabulary(&["срок и статус"]);
    // A column one letter wide. "Тек" and "у" are words of the list and "теку" is none: the
    // pair alone reads as two words; with the "щ" after them the pieces spell "текущ", a
    // status the table writes.
    words.lexicon = Some(list);
    assert_eq!(narrow(&words, 6.4, &["Т", "е", "к", "у", "щ"]), ["Текущ"]);
}

#[test]
fn pieces_that_spell_a_known_word_after_a_known_word_on_a_full_line_are_a_word_of_their_own() {
    let words = vocabulary(&["средства по проекта", "финансиране по проект"]);
    assert_eq!(words.run_reads("по", &["пр", "ое", "кт"]), Some(false));
    assert_eq!(words.run_reads("про", &["е", "кт"]), Some(true));
    assert_eq!(words.run_reads("по", &["пр"]), None);
    assert_eq!(
        narrow(&words, 12.4, &["по", "пр", "ое", "кт"]),
        ["по проект"]
    );
}

#[test]
fn a_group_of_thousands_broken_in_a_narrow_cell_keeps_its_space_but_not_in_a_one_digit_column() {
    let words = vocabulary(&["сума в лева"]);
    assert_eq!(
        narrow(&words, 12.4, &["15", "00", "0", "лв."]),
        ["15 000 лв."]
    );
    assert_eq!(narrow(&words, 6.4, &["2", "0", "2", "3"]), ["2023"]);
}

#[test]
fn a_line_opened_by_a_slash_goes_on_the_word_broken_before_it() {
    let words = vocabulary(&["общината и училищата"]);
    // No writer breaks before a slash at a space: the line before ran out of room.
    let p = line(100.0, 0.0, "Казанлък", false);
    let next = line(86.0, 0.0, "/ МКБППМН", false);
    assert!(words.broken(&p, &next, &[], "Казанлък", (0.0, 50.0), p.x1));
}

#[test]
fn a_piece_that_is_no_word_but_ends_words_the_document_writes_is_the_end_of_a_word() {
    fn list() -> Option<&'static crate::import::pdf::lexicon::Lexicon> {
        static LIST: std::sync::OnceLock<crate::import::pdf::lexicon::Lexicon> =
            std::sync::OnceLock::new();
        Some(LIST.get_or_init(|| {
            crate::import::pdf::lexicon::Lexicon::of("предприема\nкачество\nсред\nи\n")
        }))
    }
    // The list lacks the whole; "чество" is no word but ends "качество" and "сътрудничество".
    // "предприема" is written whole often and begins no longer word: the spelling alone
    // reads the two pieces as two words.
    let mut words = vocabulary(&[
        "качество и сътрудничество",
        "предприема мерки сред",
        "предприема предприема предприема предприема",
    ]);
    words.lexicon = Some(list);
    let p = line(100.0, 0.0, "предприема", false);
    let next = line(86.0, 0.0, "чество сред", true);
    assert!(words.ends_words("чество"));
    assert!(!words.ends_words("мерки"));
    assert!(words.broken(&p, &next, &[], "предприема", (0.0, 61.0), p.x1));
    // A piece that is a word of the list stays the word it is.
    let next = line(86.0, 0.0, "сред младите", true);
    assert!(!words.broken(&p, &next, &[], "предприема", (0.0, 61.0), p.x1));
}
