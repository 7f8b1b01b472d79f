//! The ruling lines of a scanned page, found in its image: a scan's tables have their lines
//! only as dark pixels. Long runs of dark pixels along a pixel row (or column) that continue
//! on the rows next to it are one ruling, as thick as the rows it covers; a band thicker than
//! a ruling is a filled area, not a line. The rulings become the reader's [`Segment`]s, so the
//! ruled-table analysis reads a scanned table as it reads a drawn one; the long ones are then
//! erased from the image, so tesseract does not read them as letters. One pass over the
//! pixels each way, and at most [`MAX_RULINGS`] rulings a page (a photograph is no table).

use super::super::Segment;
use super::words::TextBox;

/// A grey image as `pdftoppm -gray` writes it (binary PGM, one byte a pixel).
#[derive(Debug, Clone, PartialEq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Reads a binary PGM ("P5", width, height, maximum value 255, then the pixels).
pub fn parse_pgm(bytes: &[u8]) -> Option<Gray> {
    let mut fields = Vec::new();
    let mut at = 0usize;
    while fields.len() < 4 {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes.get(at) == Some(&b'#') {
            while at < bytes.len() && bytes[at] != b'\n' {
                at += 1;
            }
            continue;
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if start == at {
            return None;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).ok()?);
    }
    // One whitespace byte ends the header.
    at += 1;
    let (width, height) = (
        fields[1].parse::<usize>().ok()?,
        fields[2].parse::<usize>().ok()?,
    );
    if fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let pixels = bytes
        .get(at..at.checked_add(width.checked_mul(height)?)?)?
        .to_vec();
    Some(Gray {
        width,
        height,
        pixels,
    })
}

impl Gray {
    /// The image as a binary PGM, for the programs that read it.
    pub fn write_pgm(&self, path: &std::path::Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        write!(file, "P5\n{} {}\n255\n", self.width, self.height)?;
        file.write_all(&self.pixels)?;
        file.flush()
    }
}

/// Ink is this much darker than the paper (the page's median grey): a thin ruling scanned or
/// rendered at 300 dpi is a light grey line, not a black one.
const INK_BELOW_PAPER: i32 = 55;

/// The paper's grey: the page's median grey (most of a page is paper).
pub fn paper_level(image: &Gray) -> u8 {
    let mut histogram = [0usize; 256];
    for p in &image.pixels {
        histogram[usize::from(*p)] += 1;
    }
    let half = image.pixels.len() / 2;
    let mut seen = 0usize;
    let median = histogram
        .iter()
        .position(|n| {
            seen += n;
            seen > half
        })
        .unwrap_or(255);
    u8::try_from(median).unwrap_or(255)
}

/// The grey below which a pixel is ink on this page.
pub fn ink_level(image: &Gray) -> u8 {
    let median = i32::from(paper_level(image));
    u8::try_from((median - INK_BELOW_PAPER).clamp(60, 200)).unwrap_or(200)
}

/// Most rulings on one page; more is a picture.
pub const MAX_RULINGS: usize = 4_000;

/// One run of ink along a pixel row or column, growing into a band over the next ones.
#[derive(Debug, Clone, Copy)]
struct Band {
    from: usize,
    to: usize,
    first: usize,
    last: usize,
}

/// Bands of ink at least `min_len` pixels long and at most `max_thick` thick, along the
/// lines of an image `lines` × `len` read by `ink(line, i)`. A gap of a pixel or two in a run
/// (a scan's noise) does not break it.
fn bands(
    lines: usize,
    len: usize,
    ink: impl Fn(usize, usize) -> bool,
    min_len: usize,
    max_thick: usize,
) -> Option<Vec<Band>> {
    let mut open: Vec<Band> = Vec::new();
    let mut done: Vec<Band> = Vec::new();
    for line in 0..lines {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < len {
            if !ink(line, i) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i;
            while i < len
                && (ink(line, i) || (i + 2 < len && (ink(line, i + 1) || ink(line, i + 2))))
            {
                if ink(line, i) {
                    end = i;
                }
                i += 1;
            }
            if end + 1 - start >= min_len {
                runs.push((start, end));
            }
        }
        let mut next = Vec::with_capacity(runs.len());
        for (from, to) in runs {
            let joined = open.iter().position(|b| from < b.to && b.from < to);
            match joined {
                Some(k) => {
                    let b = open.swap_remove(k);
                    next.push(Band {
                        from: b.from.min(from),
                        to: b.to.max(to),
                        first: b.first,
                        last: line,
                    });
                }
                None => next.push(Band {
                    from,
                    to,
                    first: line,
                    last: line,
                }),
            }
        }
        done.append(&mut open);
        open = next;
        if done.len() + open.len() > MAX_RULINGS * 4 {
            return None;
        }
    }
    done.append(&mut open);
    done.retain(|b| b.last - b.first < max_thick);
    (done.len() <= MAX_RULINGS).then_some(done)
}

/// The shortest ruling erased before tesseract reads the page, in PDF units (half an inch).
const ERASED_UNITS: f64 = 36.0;

/// The ink bands of a page image that are rulings: along the pixel rows and down the columns.
fn ruling_bands(image: &Gray, pixel: f64) -> (Vec<Band>, Vec<Band>) {
    let (w, h) = (image.width, image.height);
    let dark = ink_level(image);
    let at = |x: usize, y: usize| x < w && y < h && image.pixels[y * w + x] < dark;
    // A ruling is longer than a letter is tall or a dash is wide: 18 units (a quarter inch).
    let min_len = (18.0 / pixel).ceil().max(1.0) as usize;
    // ... and thinner than 3 units.
    let max_thick = (3.0 / pixel).ceil().max(1.0) as usize;
    let rows = bands(h, w, |y, x| at(x, y), min_len, max_thick);
    let columns = bands(w, h, at, min_len, max_thick);
    (rows.unwrap_or_default(), columns.unwrap_or_default())
}

/// The rulings of a page image whose pixels are `pixel` PDF units, on a page `height` units
/// high (y upwards); none along a direction that has too many dark runs to be rulings. (The
/// reader takes them with [`take_rulings`].)
#[cfg(test)]
pub fn rulings(image: &Gray, pixel: f64, height: f64) -> Vec<Segment> {
    let (rows, columns) = ruling_bands(image, pixel);
    segments(&rows, &columns, pixel, height)
}

/// The rulings of a page image, as [`rulings`], then erased from it (painted the paper's grey,
/// with a pixel of their blurred edge either side): tesseract reads a ruling beside a word as
/// letters ("|", "ооо"). Only the rulings at least [`ERASED_UNITS`] long are erased: a shorter
/// one may be the tops or feet of a word's letters run together, which tesseract needs.
pub fn take_rulings(image: &mut Gray, pixel: f64, height: f64) -> Vec<Segment> {
    let (rows, columns) = ruling_bands(image, pixel);
    let (w, h) = (image.width, image.height);
    let paper = paper_level(image);
    let long = |b: &&Band| (b.to + 1 - b.from) as f64 * pixel >= ERASED_UNITS;
    for b in rows.iter().filter(long) {
        for y in b.first.saturating_sub(1)..(b.last + 2).min(h) {
            image.pixels[y * w + b.from..=y * w + b.to.min(w - 1)].fill(paper);
        }
    }
    for b in columns.iter().filter(long) {
        for y in b.from..=b.to.min(h.saturating_sub(1)) {
            let row = y * w;
            image.pixels[row + b.first.saturating_sub(1)..row + (b.last + 2).min(w)].fill(paper);
        }
    }
    segments(&rows, &columns, pixel, height)
}

/// The rulings that do not run through words: the feet of a line of serif letters (or their
/// tops) run together into a dark band as long as a ruling, through the middle of the words'
/// boxes, where no ruling of a table goes. A ruling goes through text when at least half its
/// length lies inside words' boxes (not on their edges).
pub fn off_text(segments: Vec<Segment>, words: &[TextBox]) -> Vec<Segment> {
    segments
        .into_iter()
        .filter(|s| !through_text(s, words))
        .collect()
}

fn through_text(s: &Segment, words: &[TextBox]) -> bool {
    let inside = |v: f64, from: f64, to: f64| from < v && v < to;
    let overlap = |a0: f64, a1: f64, b0: f64, b1: f64| (a1.min(b1) - a0.max(b0)).max(0.0);
    let (x0, x1) = (s.x0.min(s.x1), s.x0.max(s.x1));
    let (y0, y1) = (s.y0.min(s.y1), s.y0.max(s.y1));
    let along = x1 - x0 >= y1 - y0;
    let covered: f64 = words
        .iter()
        .map(|w| {
            if along && inside(y0, w.y0, w.y1) {
                overlap(x0, x1, w.x0, w.x1)
            } else if !along && inside(x0, w.x0, w.x1) {
                overlap(y0, y1, w.y0, w.y1)
            } else {
                0.0
            }
        })
        .sum();
    covered >= 0.5 * (x1 - x0).max(y1 - y0)
}

/// The bands as segments in PDF units (y upwards).
fn segments(rows: &[Band], columns: &[Band], pixel: f64, height: f64) -> Vec<Segment> {
    let mid = |b: &Band| (b.first + b.last) as f64 / 2.0 + 0.5;
    let mut out = Vec::with_capacity(rows.len() + columns.len());
    for b in rows {
        let y = height - mid(b) * pixel;
        out.push(Segment {
            x0: b.from as f64 * pixel,
            y0: y,
            x1: (b.to + 1) as f64 * pixel,
            y1: y,
        });
    }
    for b in columns {
        let x = mid(b) * pixel;
        out.push(Segment {
            x0: x,
            y0: height - (b.to + 1) as f64 * pixel,
            x1: x,
            y1: height - b.from as f64 * pixel,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white image with a 2-pixel frame of a table from (10, 10) to (89, 59) and a column
    /// line at x = 50, and some short ink that is text.
    fn table() -> Gray {
        let (width, height) = (100, 80);
        let mut pixels = vec![255u8; width * height];
        let mut ink = |x: usize, y: usize| pixels[y * width + x] = 0;
        for x in 10..90 {
            for t in 0..2 {
                ink(x, 10 + t);
                ink(x, 58 + t);
            }
        }
        for y in 10..60 {
            for t in 0..2 {
                ink(10 + t, y);
                ink(88 + t, y);
                ink(50, y);
            }
        }
        for x in 20..25 {
            ink(x, 30);
        }
        Gray {
            width,
            height,
            pixels,
        }
    }

    fn pgm(g: &Gray) -> Vec<u8> {
        let mut out = format!("P5\n# made by a test\n{} {}\n255\n", g.width, g.height).into_bytes();
        out.extend_from_slice(&g.pixels);
        out
    }

    #[test]
    fn a_binary_pgm_is_read_and_written_and_a_short_or_other_one_is_not() {
        let g = table();
        assert_eq!(parse_pgm(&pgm(&g)), Some(g.clone()));
        let bytes = pgm(&g);
        assert_eq!(parse_pgm(&bytes[..bytes.len() - 1]), None);
        assert_eq!(parse_pgm(b"P6\n1 1\n255\n\0\0\0"), None);
        assert_eq!(parse_pgm(b"P5\n99999999999 99999999999\n255\n"), None);
        assert_eq!(parse_pgm(b""), None);
        let dir = crate::import::tool::WorkDir::create("test").expect("dir");
        let path = dir.path().join("page.pgm");
        g.write_pgm(&path).expect("written");
        assert_eq!(parse_pgm(&std::fs::read(&path).expect("read")), Some(g));
    }

    #[test]
    fn the_frame_and_column_line_of_a_table_are_rulings_and_short_ink_is_not() {
        // A pixel of one unit: rulings are 18 pixels or longer, thinner than 3.
        let s = rulings(&table(), 1.0, 80.0);
        let horizontal: Vec<_> = s.iter().filter(|s| s.y0 == s.y1).collect();
        let vertical: Vec<_> = s.iter().filter(|s| s.x0 == s.x1).collect();
        assert_eq!(horizontal.len(), 2, "{s:?}");
        assert_eq!(vertical.len(), 3, "{s:?}");
        let top = horizontal.iter().map(|s| s.y0).fold(0.0, f64::max);
        assert!((top - 69.0).abs() < 1e-9, "{top}");
        assert!(horizontal.iter().all(|s| s.x0 == 10.0 && s.x1 == 90.0));
        assert!(vertical.iter().any(|s| (s.x0 - 50.5).abs() < 1e-9));
    }

    #[test]
    fn a_light_grey_ruling_on_white_paper_is_ink_and_on_grey_paper_the_paper_is_not() {
        let mut g = table();
        for p in &mut g.pixels {
            *p = if *p == 0 { 150 } else { 255 };
        }
        assert_eq!(rulings(&g, 1.0, 80.0).len(), 5);
        for p in &mut g.pixels {
            *p = if *p == 150 { 40 } else { 190 };
        }
        assert_eq!(rulings(&g, 1.0, 80.0).len(), 5);
    }

    #[test]
    fn rulings_taken_from_an_image_are_erased_and_the_text_between_them_is_kept() {
        let mut g = table();
        let found = take_rulings(&mut g, 1.0, 80.0);
        assert_eq!(found, rulings(&table(), 1.0, 80.0));
        let ink: Vec<usize> = (0..g.pixels.len()).filter(|i| g.pixels[*i] < 128).collect();
        assert_eq!(ink, (20..25).map(|x| 30 * 100 + x).collect::<Vec<_>>());
    }

    #[test]
    fn a_ruling_through_the_middle_of_words_is_the_letters_feet_and_one_under_them_is_kept() {
        let word = |x0: f64, x1: f64| TextBox {
            x0,
            y0: 100.0,
            x1,
            y1: 110.0,
        };
        let words = [word(10.0, 40.0), word(45.0, 80.0)];
        let along = |y: f64| Segment {
            x0: 12.0,
            y0: y,
            x1: 78.0,
            y1: y,
        };
        let down = Segment {
            x0: 20.0,
            y0: 90.0,
            x1: 20.0,
            y1: 140.0,
        };
        let kept = off_text(vec![along(100.5), along(98.0), along(111.0), down], &words);
        assert_eq!(kept, vec![along(98.0), along(111.0), down]);
        // A column line through a word from top to bottom is no ruling either.
        let through = Segment {
            x0: 20.0,
            y0: 101.0,
            x1: 20.0,
            y1: 109.0,
        };
        assert!(off_text(vec![through], &words).is_empty());
    }

    #[test]
    fn a_filled_area_is_no_ruling() {
        let (width, height) = (60, 60);
        let g = Gray {
            width,
            height,
            pixels: vec![0u8; width * height],
        };
        assert!(rulings(&g, 1.0, 60.0).is_empty());
    }
}
