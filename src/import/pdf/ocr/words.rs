//! tesseract's word boxes (its `tsv` output: one row per page, block, paragraph, line and word,
//! with the box in pixels from the top left and the word's confidence) turned into the PDF
//! reader's own glyphs: one glyph per letter, the word's box shared evenly among its letters,
//! in PDF units with y upwards, every word of a line on the line's baseline (misreads set right
//! first, [`super::misreads`]). The layout analysis then reads them as it reads a text layer.

use super::super::Glyph;
use super::baseline::{Boxed, measure, page_heights};
use super::misreads::{WordBox, mend, small_capitals};

/// A line of words and the line's box (top and height in pixels).
#[derive(Debug, Clone, PartialEq, Default)]
struct LineBox {
    top: f64,
    height: f64,
    words: Vec<WordBox>,
}

/// Words tesseract is this unsure of and that hold no letter or digit are specks and the
/// edges of rulings, not text.
const SPECK_CONFIDENCE: f64 = 30.0;

/// A space between words, as a share of their font size.
const SPACE_OF_SIZE: f64 = 0.25;

/// The lines of a page from tesseract's TSV.
fn lines(tsv: &str) -> Vec<LineBox> {
    let mut out: Vec<LineBox> = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<f64>().ok();
        let (Some(level), Some(left), Some(top), Some(width), Some(height)) =
            (num(0), num(6), num(7), num(8), num(9))
        else {
            continue;
        };
        if width <= 0.0 || height <= 0.0 {
            continue;
        }
        if level == 4.0 {
            out.push(LineBox {
                top,
                height,
                words: Vec::new(),
            });
            continue;
        }
        if level != 5.0 {
            continue;
        }
        let text = f[11..].join("\t").trim().to_string();
        let confidence = num(10).unwrap_or(0.0);
        let speck = confidence < SPECK_CONFIDENCE && !text.chars().any(char::is_alphanumeric);
        // A ruling read as a bar is no text.
        let bar = text.chars().all(|c| matches!(c, '|' | '¦' | '_'));
        if text.is_empty() || speck || bar {
            continue;
        }
        let word = WordBox {
            left,
            width,
            top,
            height,
            text,
        };
        match out.last_mut() {
            Some(line) => {
                // tesseract boxes some words taller than their line ("2024" over the line
                // above and below it): a word is no taller than its line.
                let (top, bottom) = (
                    word.top.max(line.top),
                    (word.top + word.height).min(line.top + line.height),
                );
                line.words.push(if bottom > top {
                    WordBox {
                        top,
                        height: bottom - top,
                        ..word
                    }
                } else {
                    word
                })
            }
            None => out.push(LineBox {
                top,
                height,
                words: vec![word],
            }),
        }
    }
    out.retain(|l| !l.words.is_empty());
    for line in &mut out {
        mend(&mut line.words);
    }
    out
}

/// A word's box on the page, in PDF units with y upwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// The glyphs of a page `height` PDF units high whose image was `pixel` PDF units a pixel.
#[cfg(test)]
pub fn glyphs(tsv: &str, pixel: f64, height: f64) -> Vec<Glyph> {
    read(tsv, pixel, height).0
}

/// The lines as the measuring of baselines takes them.
fn boxed(lines: &[LineBox]) -> Vec<Boxed<'_>> {
    lines
        .iter()
        .map(|l| Boxed {
            words: &l.words,
            top: l.top,
            height: l.height,
        })
        .collect()
}

/// The glyphs of a page `height` PDF units high whose image was `pixel` PDF units a pixel, and
/// the boxes of its words. The words of a line stand on its baseline, in its size ([`baseline`]).
pub fn read(tsv: &str, pixel: f64, height: f64) -> (Vec<Glyph>, Vec<TextBox>) {
    let mut lines = lines(tsv);
    if let (Some(capital), Some(small)) = page_heights(&boxed(&lines)) {
        for line in &mut lines {
            small_capitals(&mut line.words, capital, small);
        }
    }
    let measured = measure(&boxed(&lines));
    let mut out = Vec::new();
    let mut boxes = Vec::new();
    for (line, (size, baseline)) in lines.into_iter().zip(measured) {
        let y = height - baseline * pixel;
        // tesseract sometimes boxes a word over the words after it ("2024" over "2024 – 2026
        // г."): a word ends a space before the next one starts, or its letters would be
        // shuffled among the next word's.
        let space = SPACE_OF_SIZE * size;
        let ends: Vec<f64> = (0..line.words.len())
            .map(|i| {
                let w = &line.words[i];
                let end = w.left + w.width;
                match line.words.get(i + 1) {
                    Some(next) if next.left > w.left && next.left - space < end => {
                        (next.left - space).max(w.left + 1.0)
                    }
                    _ => end,
                }
            })
            .collect();
        for (word, end) in line.words.into_iter().zip(ends) {
            boxes.push(TextBox {
                x0: word.left * pixel,
                y0: height - (word.top + word.height) * pixel,
                x1: (word.left + word.width) * pixel,
                y1: height - word.top * pixel,
            });
            let letters: Vec<char> = word.text.chars().collect();
            let each = (end - word.left) * pixel / letters.len().max(1) as f64;
            let x = word.left * pixel;
            for (i, c) in letters.into_iter().enumerate() {
                out.push(Glyph {
                    x0: x + i as f64 * each,
                    x1: x + (i + 1) as f64 * each,
                    y,
                    size: size * pixel,
                    text: c.to_string(),
                });
            }
        }
    }
    (out, boxes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t2479\t3508\t-1\t
4\t1\t1\t1\t1\t0\t100\t400\t600\t50\t-1\t
5\t1\t1\t1\t1\t1\t100\t410\t200\t40\t96.9\tОбщина
5\t1\t1\t1\t1\t2\t330\t405\t120\t45\t95.1\tСливен
5\t1\t1\t1\t1\t3\t500\t400\t10\t50\t12.0\t|
5\t1\t1\t1\t1\t4\t520\t400\t10\t50\t10.0\t~.
4\t1\t2\t1\t1\t0\t100\t500\t300\t50\t-1\t
5\t1\t2\t1\t1\t1\t100\t500\t300\t50\t91.0\t2024-2026
";

    #[test]
    fn every_letter_of_a_word_becomes_a_glyph_on_its_lines_baseline_in_pdf_units() {
        // 300 dpi: a pixel is 0.24 of a PDF unit.
        let g = glyphs(TSV, 0.24, 842.0);
        let text: String = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "ОбщинаСливен2024-2026");
        let first = &g[0];
        assert!((first.x0 - 24.0).abs() < 1e-9, "{first:?}");
        assert!((first.x1 - 32.0).abs() < 1e-9, "{first:?}");
        // The size is measured on the capitals (45 pixels high here, 50 on the next line: one
        // size for both, the median of the two).
        assert!((first.size - 50.0 / 0.7 * 0.24).abs() < 1e-9, "{first:?}");
        assert_eq!(g[12].size, first.size);
        // The words stand on pixel row 450, 108 units from the top.
        assert!((first.y - (842.0 - 108.0)).abs() < 1e-9, "{first:?}");
        assert!(g[..12].iter().all(|x| x.y == first.y));
        assert!(g[12].y < first.y, "the next line is lower");
    }

    #[test]
    fn a_word_boxed_over_the_next_ones_ends_a_space_before_the_next_starts() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
4\t1\t1\t1\t1\t0\t100\t100\t240\t40\t-1\t
5\t1\t1\t1\t1\t1\t100\t100\t200\t25\t91.5\t2024
5\t1\t1\t1\t1\t2\t194\t100\t18\t40\t89.9\t–
5\t1\t1\t1\t1\t3\t225\t100\t71\t25\t6.5\t2026
";
        let g = glyphs(tsv, 1.0, 500.0);
        let text: String = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "2024–2026");
        // "2024" ends a space (a quarter of the size: digits 25 pixels high) before the dash.
        assert!(
            (g[3].x1 - (194.0 - 0.25 * 25.0 / 0.7)).abs() < 1e-9,
            "{:?}",
            g[3]
        );
        let mut sorted = g.clone();
        sorted.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        assert_eq!(sorted, g, "in order along the line");
    }

    #[test]
    fn a_word_boxed_taller_than_its_line_is_measured_within_it() {
        let tsv = "level
4\t1\t1\t1\t1\t0\t100\t100\t300\t25\t-1\t
5\t1\t1\t1\t1\t1\t100\t95\t60\t42\t91.5\t2024
5\t1\t1\t1\t1\t2\t170\t100\t30\t25\t95.0\tг.
";
        let g = glyphs(tsv, 1.0, 500.0);
        // The digits as high as the line, 25 pixels: the size is theirs over 0.7, the
        // baseline the line's bottom.
        assert!((g[0].size - 25.0 / 0.7).abs() < 1e-9, "{:?}", g[0]);
        assert!((g[0].y - 375.0).abs() < 1e-9, "{:?}", g[0]);
    }

    #[test]
    fn the_numero_sign_read_as_a_latin_n_and_a_letter_is_the_sign_again() {
        let tsv = "level
5\t1\t1\t1\t1\t1\t100\t100\t40\t25\t79.0\tNe
5\t1\t1\t1\t1\t2\t150\t100\t60\t25\t95.0\t1187
5\t1\t1\t1\t1\t3\t250\t100\t60\t25\t95.0\tNeon
";
        let text: String = glyphs(tsv, 1.0, 500.0)
            .iter()
            .map(|g| g.text.as_str())
            .collect();
        assert_eq!(text, "№1187Neon");
    }

    #[test]
    fn bars_and_unsure_specks_are_not_text_and_a_short_or_bad_row_is_skipped() {
        let g = glyphs(TSV, 0.24, 842.0);
        assert!(!g.iter().any(|g| g.text == "|" || g.text == "~"));
        assert!(
            glyphs(
                "header\n5\t1\tx\n5\t1\t1\t1\t1\t1\ta\tb\tc\td\t9\tдума\n",
                1.0,
                100.0
            )
            .is_empty()
        );
        assert!(glyphs("", 1.0, 100.0).is_empty());
    }
}
