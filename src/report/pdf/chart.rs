//! A chart drawn with PDF rectangles, lines and text from its computed geometry (the same
//! bars, legend and labels as the SVG on the pages), scaled to the page.

use super::layout::{INK, Op, Rgb};
use super::text::Metrics;
use crate::analytics::charts::{BAR_MAX, Chart};

/// The width the chart's coordinates are given in.
pub const WIDTH: f32 = crate::analytics::charts::WIDTH as f32;
/// The SVG's font size, in chart units.
const FONT: f32 = 12.0;
const TRACK: Rgb = (246, 248, 250);
const TRACK_EDGE: Rgb = (140, 149, 159);

pub fn color(hex: &str) -> Rgb {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (byte(1), byte(3), byte(5))
}

/// The drawing of `chart` with its top left corner at (`x`, `y`), `k` points per chart unit.
pub fn ops(chart: &Chart, m: &Metrics, x: f32, y: f32, k: f32) -> Vec<Op> {
    let at = |cx: f64, cy: f64| (x + cx as f32 * k, y + cy as f32 * k);
    let size = FONT * k;
    let mut out = Vec::new();
    let text = |out: &mut Vec<Op>, cx: f64, cy: f64, t: &str| {
        let (px, py) = at(cx, cy);
        out.push(Op::Text {
            x: px,
            y: py,
            size,
            bold: false,
            text: m.clean(t),
            color: INK,
        });
    };
    let rect = |out: &mut Vec<Op>, cx: f64, cy: f64, w: f64, h: f64, color: Rgb| {
        let (px, py) = at(cx, cy);
        out.push(Op::Rect {
            x: px,
            y: py,
            w: w as f32 * k,
            h: h as f32 * k,
            color,
        });
    };
    for l in &chart.legend {
        rect(&mut out, l.x, l.y - 11.0, 14.0, 14.0, color(l.color));
        text(&mut out, l.x + 20.0, l.y, &l.label);
    }
    for r in &chart.rows {
        text(&mut out, 0.0, r.label_y, &r.label);
        for b in &r.bars {
            if b.track {
                rect(&mut out, 0.0, b.y, BAR_MAX, b.height, TRACK);
                let (x0, y0) = at(0.0, b.y);
                let (x1, y1) = at(BAR_MAX, b.y + b.height);
                for (from, to) in [
                    ((x0, y0), (x1, y0)),
                    ((x1, y0), (x1, y1)),
                    ((x1, y1), (x0, y1)),
                    ((x0, y1), (x0, y0)),
                ] {
                    out.push(Op::Stroke {
                        from,
                        to,
                        width: 0.5 * k,
                        color: TRACK_EDGE,
                    });
                }
            }
            for s in &b.segments {
                // A white gap of one unit between segments, as the SVG's stroke.
                let w = (s.width - 1.0).max(0.0);
                rect(&mut out, s.x, b.y, w, b.height, color(s.color));
            }
            text(&mut out, b.value_x, b.y + b.height - 4.0, &b.value);
        }
        if let Some(mx) = r.marker_x {
            out.push(Op::Stroke {
                from: at(mx, r.label_y + 2.0),
                to: at(mx, r.label_y + 28.0),
                width: 2.0 * k,
                color: INK,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours_become_rgb_and_nonsense_black() {
        assert_eq!(color("#1a7f37"), (0x1a, 0x7f, 0x37));
        assert_eq!(color("#zzzzzz"), (0, 0, 0));
    }
}
