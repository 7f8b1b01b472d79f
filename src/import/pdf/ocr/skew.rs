//! Crooked scans: a page fed into the scanner a little askew has its lines of text and its
//! rulings at a slant, which tesseract reads worse and the ruling detection not at all. The
//! slant is estimated from the projection profile of the ink: the page's ink pixels are summed
//! along lines of each angle in ±[`MAX_DEGREES`], and the angle along which they pile up
//! highest (the sum of the squared line totals is largest, as when every line of text falls
//! into the fewest rows) is the page's slant; the image is then turned back by it. Bounded: the
//! profile is taken on an image scaled down to at most [`PROFILE_SIDE`] pixels a side and at
//! most [`MAX_POINTS`] ink points, at a coarse then a fine step; the turned image is one more
//! image of the same size (6,000 pixels a side at most: 36 MB).

use super::rulings::{Gray, ink_level, paper_level};

/// The largest slant looked for, in degrees either way.
pub const MAX_DEGREES: f64 = 5.0;

/// A slant smaller than this is left alone (a pixel over a thousand).
const LEAST_DEGREES: f64 = 0.1;

/// The longest side of the scaled-down image the profile is taken on.
const PROFILE_SIDE: usize = 1_500;

/// Most ink points the profile sums (the rest are skipped evenly).
const MAX_POINTS: usize = 400_000;

/// The ink of a page scaled down, as points (x, y) in the scaled pixels.
fn ink_points(image: &Gray) -> Vec<(f64, f64)> {
    let (w, h) = (image.width, image.height);
    let scale = w.max(h).div_ceil(PROFILE_SIDE).max(1);
    let dark = ink_level(image);
    let mut points = Vec::new();
    for by in 0..h.div_ceil(scale) {
        for bx in 0..w.div_ceil(scale) {
            let ink = (by * scale..((by + 1) * scale).min(h)).any(|y| {
                let row = &image.pixels[y * w..(y + 1) * w];
                row[bx * scale..((bx + 1) * scale).min(w)]
                    .iter()
                    .any(|p| *p < dark)
            });
            if ink {
                points.push((bx as f64, by as f64));
            }
        }
    }
    if points.len() > MAX_POINTS {
        let step = points.len().div_ceil(MAX_POINTS);
        points = points.into_iter().step_by(step).collect();
    }
    points
}

/// How high the ink piles up along lines at `degrees` (y growing downwards, a line at a
/// positive angle falling to the right).
fn score(points: &[(f64, f64)], degrees: f64, rows: &mut Vec<u32>) -> f64 {
    let slope = degrees.to_radians().tan();
    rows.iter_mut().for_each(|r| *r = 0);
    let (mut least, mut most) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in points {
        let r = y - x * slope;
        least = least.min(r);
        most = most.max(r);
    }
    if points.is_empty() {
        return 0.0;
    }
    let size = (most - least) as usize + 2;
    if rows.len() < size {
        rows.resize(size, 0);
    }
    for (x, y) in points {
        let r = (y - x * slope - least) as usize;
        rows[r] += 1;
    }
    rows.iter().map(|n| f64::from(*n) * f64::from(*n)).sum()
}

/// The slant of the page's lines in degrees (positive: falling to the right), 0 when none is
/// clear.
pub fn estimate(image: &Gray) -> f64 {
    let points = ink_points(image);
    if points.len() < 100 {
        return 0.0;
    }
    let mut rows = Vec::new();
    let best = |from: f64, step: f64, steps: i32, rows: &mut Vec<u32>| {
        (0..=steps)
            .map(|i| from + f64::from(i) * step)
            .map(|a| (a, score(&points, a, rows)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((0.0, 0.0))
    };
    let (coarse, _) = best(-MAX_DEGREES, 0.25, 40, &mut rows);
    let (fine, fine_score) = best(coarse - 0.25, 0.025, 20, &mut rows);
    let level = score(&points, 0.0, &mut rows);
    // A page whose profile is no sharper at a slant than level (a blank page, a picture) is
    // left as it is.
    if fine_score <= level * 1.01 || fine.abs() < LEAST_DEGREES {
        return 0.0;
    }
    fine.clamp(-MAX_DEGREES, MAX_DEGREES)
}

/// The image turned about its centre so that lines slanted by `degrees` become level; what
/// comes in from beyond the edges is the paper's grey. Bilinear, one output row at a time.
pub fn straighten(image: &Gray, degrees: f64) -> Gray {
    let (w, h) = (image.width, image.height);
    let paper = f64::from(paper_level(image));
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let mut pixels = Vec::with_capacity(w * h);
    let at = |x: isize, y: isize| -> f64 {
        if x < 0 || y < 0 || x as usize >= w || y as usize >= h {
            paper
        } else {
            f64::from(image.pixels[y as usize * w + x as usize])
        }
    };
    for y in 0..h {
        let dy = y as f64 + 0.5 - cy;
        // The source of the row's first pixel, then a step along the slant per pixel.
        let mut sx = cx + (0.5 - cx) * cos - dy * sin - 0.5;
        let mut sy = cy + (0.5 - cx) * sin + dy * cos - 0.5;
        for _ in 0..w {
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let (x0, y0) = (x0 as isize, y0 as isize);
            let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
            let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
            pixels.push((top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8);
            sx += cos;
            sy += sin;
        }
    }
    Gray {
        width: w,
        height: h,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::pdf::ocr::rulings::rulings;

    /// A white page with lines of "text" (short dashes with gaps) and two long rulings, all
    /// falling to the right by `degrees`.
    fn page(degrees: f64) -> Gray {
        let (width, height) = (600usize, 400usize);
        let mut pixels = vec![250u8; width * height];
        let slope = degrees.to_radians().tan();
        let mut ink = |x: usize, y: f64| {
            let y = (y + (x as f64 - 300.0) * slope).round();
            if y >= 0.0 && (y as usize) < height {
                pixels[y as usize * width + x] = 20;
            }
        };
        for line in 0..8 {
            let base = 60.0 + f64::from(line) * 30.0;
            for x in 60..540 {
                if x % 12 < 8 {
                    for t in 0..6 {
                        ink(x, base + f64::from(t));
                    }
                }
            }
        }
        for x in 40..560 {
            for t in 0..2 {
                ink(x, 40.0 + f64::from(t));
                ink(x, 320.0 + f64::from(t));
            }
        }
        Gray {
            width,
            height,
            pixels,
        }
    }

    #[test]
    fn the_slant_of_a_crooked_page_is_found_either_way_and_a_level_page_has_none() {
        for degrees in [2.0, -1.5, 4.0] {
            let found = estimate(&page(degrees));
            assert!((found - degrees).abs() < 0.15, "{degrees}: {found}");
        }
        assert_eq!(estimate(&page(0.0)), 0.0);
        let blank = Gray {
            width: 100,
            height: 100,
            pixels: vec![255; 10_000],
        };
        assert_eq!(estimate(&blank), 0.0);
    }

    #[test]
    fn a_straightened_page_has_level_rulings_where_the_crooked_one_has_none() {
        let crooked = page(2.0);
        let level = |g: &Gray| {
            rulings(g, 1.0, g.height as f64)
                .iter()
                .filter(|s| s.y0 == s.y1 && s.x1 - s.x0 > 400.0)
                .count()
        };
        assert_eq!(level(&crooked), 0);
        let straight = straighten(&crooked, estimate(&crooked));
        assert_eq!((straight.width, straight.height), (600, 400));
        assert_eq!(level(&straight), 2);
    }
}
