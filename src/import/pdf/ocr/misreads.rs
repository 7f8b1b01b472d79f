//! What tesseract (reading Bulgarian and English at once) is known to misread in a Bulgarian
//! plan, set right in one place, each only where the word's own letters or the words beside it
//! make the reading certain:
//! - a Latin letter that looks like a Cyrillic one inside a word whose other letters are
//!   Cyrillic ("oбщина", "Cливен"): no Bulgarian word mixes the alphabets;
//! - "r." right after a number ("2024 r.", "2024r."): the abbreviation "г." (година);
//! - a dash standing alone after a word read as a hyphen: its box as wide as an en dash's
//!   (half a capital's height or more; a hyphen is about a third) makes it the dash "–";
//! - the sign "№" read as a Latin N and a small letter or sign;
//! - a word of small letters shaped as their capitals ("нпо") boxed as tall as the page's
//!   capitals: the capitals ("НПО").

use super::baseline::{Shape, shape};

/// A word of a line as tesseract boxed it, in pixels from the top left.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WordBox {
    pub left: f64,
    pub width: f64,
    pub top: f64,
    pub height: f64,
    pub text: String,
}

/// How tesseract (with Bulgarian and English) reads the sign "№" standing alone: as a Latin N
/// and a small letter or sign, or as "Хо" (seen with tesseract 5.3 on the test scans).
const NUMERO_AS_READ: [&str; 8] = ["Ne", "Nе", "Neo", "No", "Nо", "N°", "Nº", "Хо"];

/// Latin letters and the Cyrillic letters they are read for: the same shapes in the common
/// typefaces (and "r", "n", for the "г" and "п" of a sans-serif type).
const LOOK_ALIKES: [(char, char); 23] = [
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('k', 'к'),
    ('n', 'п'),
    ('o', 'о'),
    ('p', 'р'),
    ('r', 'г'),
    ('x', 'х'),
    ('y', 'у'),
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
    ('3', 'З'),
];

/// The Cyrillic letter a Latin look-alike stands for (digits aside: "3" is a three in a word
/// such as "3-ма").
fn cyrillic_for(c: char) -> Option<char> {
    LOOK_ALIKES
        .iter()
        .find(|(latin, _)| *latin == c && c.is_alphabetic())
        .map(|(_, cyrillic)| *cyrillic)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// A word whose letters are Cyrillic but for Latin look-alikes, with them Cyrillic; any other
/// word as it is (an English word, a code such as "BG05M9OP001", "ЕСФ/ESF").
fn cyrillic_word(text: &str) -> Option<String> {
    let letters = || text.chars().filter(|c| c.is_alphabetic());
    let latin = letters().filter(|c| !is_cyrillic(*c)).count();
    if latin == 0 || !letters().any(is_cyrillic) {
        return None;
    }
    if letters().any(|c| !is_cyrillic(c) && cyrillic_for(c).is_none()) {
        return None;
    }
    Some(
        text.chars()
            .map(|c| {
                if is_cyrillic(c) {
                    c
                } else {
                    cyrillic_for(c).unwrap_or(c)
                }
            })
            .collect(),
    )
}

/// Whether a word ends in a digit (a year, a date, a number).
fn ends_in_digit(text: &str) -> bool {
    text.chars().last().is_some_and(|c| c.is_ascii_digit())
}

/// "r." / "rr." (and "r" before punctuation or at the end) read for "г." / "гг.": the letters
/// replaced, what follows kept.
fn year_sign(text: &str) -> Option<String> {
    let rs = text.chars().take_while(|c| *c == 'r').count();
    let rest = &text[rs..];
    let ends = rest.is_empty() || rest.starts_with(['.', ',', ';', ')', ':']);
    (matches!(rs, 1 | 2) && ends && !rest.chars().any(char::is_alphanumeric))
        .then(|| format!("{}{rest}", "г".repeat(rs)))
}

/// A word of digits followed by "r." ("2024r.", "2022-2024r."): the sign read as "г.".
fn glued_year_sign(text: &str) -> Option<String> {
    let at = text.find('r')?;
    let (number, sign) = text.split_at(at);
    if !ends_in_digit(number) || number.chars().any(char::is_alphabetic) {
        return None;
    }
    year_sign(sign).map(|s| format!("{number}{s}"))
}

/// A hyphen standing alone at least this share of a capital's height wide is an en dash (a
/// hyphen's ink is a third of it or a little more, an en dash's a half or more).
const DASH_OF_CAPITAL: f64 = 0.47;

/// The height of the line's capitals and digits: the median height of its words that reach
/// the capitals' height and not below the baseline.
fn capital_height(words: &[WordBox]) -> Option<f64> {
    let mut heights: Vec<f64> = words
        .iter()
        .filter(|w| shape(&w.text) == Shape::Capitals)
        .map(|w| w.height)
        .collect();
    heights.sort_by(f64::total_cmp);
    heights.get(heights.len() / 2).copied()
}

/// The Cyrillic letters whose capital is the small letter made taller ("н" and "Н").
const SAME_SHAPE: &str = "вгжзиклмнопстхчшъья";

/// A word of small letters that have their capitals' shape, boxed as tall as the page's
/// capitals (`capital` pixels, where its small letters are `small`, clearly lower), is a word
/// of capitals read as small letters ("нпо" for "НПО"). Words of one or two letters are left:
/// tesseract boxes some short words as tall as their line ("г." after a year).
pub(super) fn small_capitals(words: &mut [WordBox], capital: f64, small: f64) {
    if small > 0.85 * capital {
        return;
    }
    for w in words {
        let same = w.text.chars().count() >= 3 && w.text.chars().all(|c| SAME_SHAPE.contains(c));
        if same && w.height >= 0.9 * capital && w.height <= 1.15 * capital {
            w.text = w.text.to_uppercase();
        }
    }
}

/// The words of a line set right (see the module's description).
pub(super) fn mend(words: &mut [WordBox]) {
    let capitals = capital_height(words);
    for i in 0..words.len() {
        let text = words[i].text.as_str();
        let mended = if NUMERO_AS_READ.contains(&text) {
            Some("№".to_string())
        } else if text == "-" {
            // After a word (a dash opening a line may be a list's hyphen).
            capitals
                .filter(|h| i > 0 && words[i].width >= DASH_OF_CAPITAL * h)
                .map(|_| "–".to_string())
        } else {
            let after_number = i > 0 && ends_in_digit(&words[i - 1].text);
            after_number
                .then(|| year_sign(text))
                .flatten()
                .or_else(|| glued_year_sign(text))
                .or_else(|| cyrillic_word(text))
        };
        if let Some(text) = mended {
            words[i].text = text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of words, each `(text, width)`, 30 pixels high for a capital.
    fn line(words: &[(&str, f64)]) -> Vec<WordBox> {
        let mut left = 0.0;
        words
            .iter()
            .map(|(text, width)| {
                let w = WordBox {
                    left,
                    width: *width,
                    top: 0.0,
                    height: if *text == "-" { 3.0 } else { 30.0 },
                    text: (*text).to_string(),
                };
                left += width + 10.0;
                w
            })
            .collect()
    }

    fn mended(words: &[(&str, f64)]) -> String {
        let mut line = line(words);
        mend(&mut line);
        line.iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn latin_look_alikes_inside_a_cyrillic_word_are_the_cyrillic_letters() {
        assert_eq!(
            mended(&[("Cливен", 90.0), ("oбщина", 90.0), ("РУO", 50.0)]),
            "Сливен община РУО"
        );
        assert_eq!(mended(&[("пpeдyчилищнa", 200.0)]), "предучилищна");
        assert_eq!(mended(&[("прorpама", 120.0)]), "програма");
    }

    #[test]
    fn latin_words_codes_and_words_with_other_latin_letters_are_left_as_read() {
        let words = [
            ("Roma", 60.0),
            ("BG05M9OP001", 150.0),
            ("ЕСФ/ESF", 90.0),
            ("3-ма", 40.0),
            ("coop", 60.0),
            ("Сливенs", 90.0),
        ];
        assert_eq!(mended(&words), "Roma BG05M9OP001 ЕСФ/ESF 3-ма coop Сливенs");
    }

    #[test]
    fn r_after_a_number_is_the_year_sign() {
        assert_eq!(mended(&[("2024", 60.0), ("r.", 15.0)]), "2024 г.");
        assert_eq!(
            mended(&[("2022–2024", 140.0), ("rr.", 20.0)]),
            "2022–2024 гг."
        );
        assert_eq!(mended(&[("2026r.", 80.0)]), "2026г.");
        assert_eq!(
            mended(&[("30.06.2024", 120.0), ("r.,", 15.0)]),
            "30.06.2024 г.,"
        );
    }

    #[test]
    fn r_anywhere_else_is_left_as_read() {
        assert_eq!(mended(&[("r.", 15.0), ("2024", 60.0)]), "r. 2024");
        assert_eq!(mended(&[("Roma", 60.0), ("r.", 15.0)]), "Roma r.");
        assert_eq!(mended(&[("2024", 60.0), ("rural", 60.0)]), "2024 rural");
        assert_eq!(mended(&[("v2r", 60.0)]), "v2r");
    }

    #[test]
    fn a_lone_hyphen_as_wide_as_an_en_dash_is_the_dash_and_a_narrow_one_stays() {
        // Capitals and digits 30 pixels high: an en dash's ink is about 16 wide, a hyphen's 10.
        assert_eq!(
            mended(&[("2022", 60.0), ("-", 16.0), ("2024", 60.0)]),
            "2022 – 2024"
        );
        assert_eq!(
            mended(&[("РУО", 50.0), ("-", 10.0), ("Сливен", 90.0)]),
            "РУО - Сливен"
        );
        // A dash opening a line, or in a line without capitals to measure it by, stays.
        assert_eq!(mended(&[("2022", 60.0), ("-", 16.0)]), "2022 –");
        assert_eq!(mended(&[("-", 16.0), ("2022", 60.0)]), "- 2022");
        assert_eq!(
            mended(&[("община", 90.0), ("-", 16.0), ("сливен", 90.0)]),
            "община - сливен"
        );
    }

    #[test]
    fn small_letters_boxed_as_tall_as_capitals_are_capitals_where_they_have_one_shape() {
        let mut words = line(&[("нпо", 40.0), ("мон", 40.0), ("от", 40.0), ("нпо", 40.0)]);
        // Capitals 30 pixels high, small letters 22: the words boxed 30 high are capitals, the
        // ones boxed 22 small letters.
        words[2].height = 22.0;
        words[3].height = 22.0;
        small_capitals(&mut words, 30.0, 22.0);
        let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(text, vec!["НПО", "МОН", "от", "нпо"]);
        // A short word may be boxed as tall as its line: left.
        let mut words = line(&[("от", 40.0)]);
        small_capitals(&mut words, 30.0, 22.0);
        assert_eq!(words[0].text, "от");
        // "е" and "а" have capitals of their own shape: read as they are.
        let mut words = line(&[("зае", 40.0)]);
        small_capitals(&mut words, 30.0, 22.0);
        assert_eq!(words[0].text, "зае");
        // On a page whose small letters are as tall as its capitals nothing can be told.
        let mut words = line(&[("нпо", 40.0)]);
        small_capitals(&mut words, 30.0, 28.0);
        assert_eq!(words[0].text, "нпо");
    }

    #[test]
    fn the_numero_sign_read_as_a_latin_n_and_a_letter_is_the_sign_again() {
        assert_eq!(mended(&[("Ne", 30.0), ("1187", 60.0)]), "№ 1187");
        assert_eq!(mended(&[("Neon", 60.0)]), "Neon");
    }
}
