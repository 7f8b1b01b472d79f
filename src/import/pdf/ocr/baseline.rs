//! A line's baseline and font size from tesseract's word boxes. A line's own box reaches from
//! the tops of its tallest letters to the bottoms of its lowest: a line without descenders
//! ("места") is boxed shorter and its bottom higher than one with them ("транспорт"), so
//! baselines and sizes taken from line boxes are uneven and the layout analysis takes the
//! lines of one paragraph for paragraphs of their own (another size, a wider gap). Here the
//! baseline is where the words without descenders stand, the size is measured on the height of
//! the capitals (or of the small letters), and lines of nearly one size on a page are given the
//! same size.

use super::misreads::WordBox;

/// What a word's letters reach: below the baseline, up to the capitals' height, or only the
/// small letters' height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Small letters and letters that reach below the baseline only ("репродуктивното"): the
    /// top of the box is the small letters' top.
    SmallDescending,
    /// Something reaches below the baseline ("Сливен,", "здравеопазване (").
    Descends,
    /// Up to the height of a capital or a digit (or of "б" and Latin "b", "d", "h", "k", "l").
    Capitals,
    /// Small letters only, no taller than an "а" ("места").
    Small,
    /// Letters between the two heights ("той": the breve of "й"), or no letter or digit.
    Other,
}

/// What reaches below the baseline in the common typefaces.
const DESCENDING: &str = "руфдцщДЦЩgjpqyQJ,;()[]{}/|@§„";

/// What reaches below the baseline from the small letters' height.
const SMALL_DESCENDING: &str = "рудцщpqy";

/// The small letters no taller than an "а" (and signs on the baseline).
const SMALL: &str = "авгежзиклмнопстхчшъьюяacemnorsuvwxz.-:";

/// Letters taller than the small letters and shorter than the capitals.
const BETWEEN: &str = "йѝёitöüä";

/// The shape of a word as read.
pub(super) fn shape(text: &str) -> Shape {
    let small = |c: char| SMALL.contains(c);
    if !text.chars().any(char::is_alphanumeric) {
        Shape::Other
    } else if text
        .chars()
        .all(|c| small(c) || SMALL_DESCENDING.contains(c))
        && text.chars().any(|c| SMALL_DESCENDING.contains(c))
    {
        Shape::SmallDescending
    } else if text.chars().any(|c| DESCENDING.contains(c)) {
        Shape::Descends
    } else if text.chars().all(small) {
        Shape::Small
    } else if text.chars().any(|c| BETWEEN.contains(c)) {
        Shape::Other
    } else {
        Shape::Capitals
    }
}

/// A capital's height as a share of the font size (the common typefaces differ by a tenth:
/// Times 0.66, Arial 0.72, DejaVu 0.73).
const CAPITAL_OF_SIZE: f64 = 0.7;
/// A small letter's height as a share of a capital's, where the page does not show it.
const SMALL_OF_CAPITAL: f64 = 0.73;
/// The depth of descenders below the baseline, as a share of the font size.
const DESCENT_OF_SIZE: f64 = 0.21;
/// A line's box from the top of its capitals to the bottom of its descenders, as a share.
const LINE_OF_SIZE: f64 = 0.93;

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}

/// The heights of the words of a shape.
fn heights(words: &[WordBox], s: Shape) -> Vec<f64> {
    words
        .iter()
        .filter(|w| shape(&w.text) == s)
        .map(|w| w.height)
        .collect()
}

/// The page's capitals' and small letters' heights: the medians over its words of each shape.
pub(super) fn page_heights(lines: &[Boxed]) -> (Option<f64>, Option<f64>) {
    let all = |s: Shape| -> Vec<f64> { lines.iter().flat_map(|l| heights(l.words, s)).collect() };
    (median(all(Shape::Capitals)), median(all(Shape::Small)))
}

/// A line as tesseract boxed it: its words and its box's top and height, in pixels.
pub(super) struct Boxed<'a> {
    pub words: &'a [WordBox],
    pub top: f64,
    pub height: f64,
}

/// The font size (pixels) and baseline (pixels from the top) of each line of a page. The
/// capitals' height is measured on the line's words of capitals or digits, else on its small
/// letters (in the page's proportion of small letters to capitals), else it is the page's; the
/// baseline is where the
/// words without descenders stand, else a small letter's height under the top of words of
/// small and descending letters, else a descender's depth above the line's bottom. Lines of
/// nearly one size are then given one size ([`regular`]).
pub(super) fn measure(lines: &[Boxed]) -> Vec<(f64, f64)> {
    let (page_capital, page_small) = page_heights(lines);
    let small_of_capital = match (page_capital, page_small) {
        (Some(c), Some(s)) if c > 0.0 && s < c => s / c,
        _ => SMALL_OF_CAPITAL,
    };
    let measured: Vec<(f64, f64)> = lines
        .iter()
        .map(|l| {
            let capital = median(heights(l.words, Shape::Capitals))
                .or_else(|| median(heights(l.words, Shape::Small)).map(|h| h / small_of_capital));
            // A line with neither (descending words only) is taken to be in the page's size.
            let size = capital
                .or(page_capital)
                .map_or(l.height / LINE_OF_SIZE, |c| c / CAPITAL_OF_SIZE);
            let standing: Vec<f64> = l
                .words
                .iter()
                .filter(|w| matches!(shape(&w.text), Shape::Capitals | Shape::Small))
                .map(|w| w.top + w.height)
                .collect();
            let small = capital
                .or(page_capital)
                .map(|c| c * small_of_capital)
                .or(page_small);
            let hanging: Vec<f64> = l
                .words
                .iter()
                .filter(|w| shape(&w.text) == Shape::SmallDescending)
                .map(|w| w.top)
                .collect();
            let baseline = median(standing)
                .or_else(|| Some(median(hanging)? + small?))
                .unwrap_or(l.top + l.height - DESCENT_OF_SIZE * size);
            (size, baseline)
        })
        .collect();
    let sizes = regular(&measured.iter().map(|m| m.0).collect::<Vec<_>>());
    measured
        .into_iter()
        .zip(sizes)
        .map(|((_, baseline), size)| (size, baseline))
        .collect()
}

/// Sizes this close (a share of the size) are taken for one font size.
const SAME_SIZE: f64 = 0.15;

/// The sizes of a page's lines made regular: each the median of the sizes near it, so the
/// lines of one font size (measured a few pixels apart) have one size.
fn regular(sizes: &[f64]) -> Vec<f64> {
    sizes
        .iter()
        .map(|s| {
            let near: Vec<f64> = sizes
                .iter()
                .copied()
                .filter(|t| (t - s).abs() <= SAME_SIZE * s)
                .collect();
            median(near).unwrap_or(*s)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, top: f64, bottom: f64) -> WordBox {
        WordBox {
            left: 0.0,
            width: 10.0,
            top,
            height: bottom - top,
            text: text.to_string(),
        }
    }

    fn boxed(words: &[WordBox]) -> Boxed<'_> {
        let top = words.iter().map(|w| w.top).fold(f64::INFINITY, f64::min);
        let bottom = words.iter().map(|w| w.top + w.height).fold(0.0, f64::max);
        Boxed {
            words,
            top,
            height: bottom - top,
        }
    }

    #[test]
    fn words_are_told_by_what_their_letters_reach() {
        assert_eq!(shape("места"), Shape::Small);
        assert_eq!(shape("репродуктивното"), Shape::SmallDescending);
        assert_eq!(shape("транспорт"), Shape::SmallDescending);
        assert_eq!(shape("Сливен,"), Shape::Descends);
        assert_eq!(shape("Сливен"), Shape::Capitals);
        assert_eq!(shape("2024"), Shape::Capitals);
        assert_eq!(shape("той"), Shape::Other);
        assert_eq!(shape("–"), Shape::Other);
    }

    #[test]
    fn lines_with_and_without_descenders_get_one_baseline_spacing_and_one_size() {
        // Small letters 12 pixels high, capitals 16, descenders 5 below the baseline; the
        // baselines 27 pixels apart.
        let first = [
            word("Записване", 501.0, 517.0),
            word("задържане", 501.0, 522.0),
        ];
        let full = [
            word("безплатен", 554.0, 571.0),
            word("транспорт", 559.0, 576.0),
            word("до", 559.0, 576.0),
        ];
        let small = [word("места", 586.0, 598.0)];
        let hanging = [word("репродуктивното", 613.0, 630.0)];
        let lines = [boxed(&first), boxed(&full), boxed(&small), boxed(&hanging)];
        let measured = measure(&lines);
        let baselines: Vec<f64> = measured.iter().map(|m| m.1).collect();
        assert_eq!(baselines, vec![517.0, 571.0, 598.0, 625.0]);
        assert!(
            measured.iter().all(|m| m.0 == measured[0].0),
            "{measured:?}"
        );
    }

    #[test]
    fn a_line_of_descending_words_only_on_a_page_without_capitals_stands_a_descenders_depth_above_its_bottom()
     {
        let words = [word("групи,", 532.0, 549.0)];
        let (size, base) = measure(&[boxed(&words)])[0];
        assert!((base - (549.0 - DESCENT_OF_SIZE * size)).abs() < 1e-9);
    }

    #[test]
    fn a_heading_in_a_larger_size_keeps_its_size() {
        let sizes = regular(&[20.0, 21.0, 22.0, 30.0]);
        assert_eq!(sizes[3], 30.0);
        assert!(sizes[..3].iter().all(|s| *s == 21.0), "{sizes:?}");
    }
}
