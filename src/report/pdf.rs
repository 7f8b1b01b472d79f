//! The report as PDF, laid out by `genpdf` (paragraphs, wrapping, tables across pages) with
//! the DejaVu Sans fonts embedded, so Cyrillic renders everywhere. Charts are drawn as vector
//! bars by the PDF itself; `chart_png` rasterises the same chart SVG for the DOCX.

use super::Report;
use crate::analytics::charts::ChartSvg;
use crate::analytics::charts::{Chart, DataTable, WIDTH};
use askama::Template;
use genpdf::elements::{Break, FrameCellDecorator, PageBreak, Paragraph, TableLayout};
use genpdf::fonts::{FontData, FontFamily};
use genpdf::render::Area;
use genpdf::style::{Color, Style};
use genpdf::{Alignment, Context, Element, Position, RenderResult, Size};
use std::sync::{Arc, LazyLock};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("не мога да създам PDF: {0}")]
    Render(#[from] genpdf::error::Error),
    #[error("не мога да компресирам PDF: {0}")]
    Compress(String),
}

/// The fonts for chart pictures, loaded once.
static FONT_DB: LazyLock<Arc<resvg::usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    Arc::new(db)
});

/// A chart as a PNG picture at twice its nominal size, drawn from the same SVG as the pages.
pub fn chart_png(chart: &Chart) -> Result<Vec<u8>, String> {
    let svg = ChartSvg {
        chart,
        width: "720",
    }
    .render()
    .map_err(|e| e.to_string())?;
    let opt = resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: FONT_DB.clone(),
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_str(&svg, &opt).map_err(|e| e.to_string())?;
    let scale = 2.0;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("празна диаграма")?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("празна диаграма")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

fn color(hex: &str) -> Color {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    Color::Rgb(byte(1), byte(3), byte(5))
}

/// A chart drawn with PDF lines and text, scaled to the width of the page.
struct ChartElement {
    chart: Chart,
}

impl ChartElement {
    /// A filled rectangle, as horizontal strokes close enough to cover it.
    fn fill(area: &Area<'_>, x: f64, y: f64, w: f64, h: f64, c: Color) {
        if w <= 0.0 {
            return;
        }
        let mut yy = y + 0.15;
        while yy < y + h {
            area.draw_line(
                vec![Position::new(x, yy), Position::new(x + w, yy)],
                Style::new().with_color(c),
            );
            yy += 0.3;
        }
    }
}

impl Element for ChartElement {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        style: Style,
    ) -> Result<RenderResult, genpdf::error::Error> {
        let width: f64 = area.size().width.into();
        let k = width / WIDTH;
        let height = self.chart.height * k;
        let mut result = RenderResult::default();
        if height > f64::from(area.size().height) {
            result.has_more = true;
            return Ok(result);
        }
        let text = style.with_font_size(7).with_color(Color::Rgb(36, 41, 47));
        // Text is placed by its top; chart coordinates give the baseline.
        let ascent = 2.4;
        for l in &self.chart.legend {
            Self::fill(
                &area,
                l.x * k,
                (l.y - 11.0) * k,
                14.0 * k,
                14.0 * k,
                color(l.color),
            );
            area.print_str(
                &context.font_cache,
                Position::new((l.x + 20.0) * k, l.y * k - ascent),
                text,
                &l.label,
            )?;
        }
        for r in &self.chart.rows {
            area.print_str(
                &context.font_cache,
                Position::new(0.0, r.label_y * k - ascent),
                text,
                &r.label,
            )?;
            for b in &r.bars {
                if b.track {
                    Self::fill(
                        &area,
                        0.0,
                        b.y * k,
                        540.0 * k,
                        b.height * k,
                        Color::Rgb(234, 238, 242),
                    );
                }
                for s in &b.segments {
                    Self::fill(
                        &area,
                        s.x * k,
                        b.y * k,
                        (s.width - 0.8).max(0.0) * k,
                        b.height * k,
                        color(s.color),
                    );
                }
                area.print_str(
                    &context.font_cache,
                    Position::new(b.value_x * k, (b.y + b.height - 4.0) * k - ascent),
                    text,
                    &b.value,
                )?;
            }
            if let Some(m) = r.marker_x {
                area.draw_line(
                    vec![
                        Position::new(m * k, (r.label_y + 2.0) * k),
                        Position::new(m * k, (r.label_y + 28.0) * k),
                    ],
                    Style::new().with_color(Color::Rgb(36, 41, 47)),
                );
            }
        }
        result.size = Size::new(width, height);
        Ok(result)
    }
}

fn heading(text: &str, size: u8) -> impl Element + use<> {
    Text::new(text)
        .styled(Style::new().bold().with_font_size(size))
        .padded(genpdf::Margins::trbl(4, 0, 2, 0))
}

fn para(text: &str) -> impl Element + use<> {
    Text::new(text).padded(genpdf::Margins::trbl(0, 0, 2, 0))
}

/// A paragraph whose words are broken, by their measured width, to fit the width it is given.
/// genpdf's own paragraph skips a word wider than its area, then removes the rendered text by
/// byte count and so cuts a later word, panicking inside a Cyrillic letter; every paragraph of
/// the report goes through here, so nothing is lost and nothing panics.
struct Text {
    parts: Vec<(String, Style)>,
    alignment: Alignment,
    inner: Option<Paragraph>,
}

impl Text {
    fn new(text: impl Into<String>) -> Text {
        Text {
            parts: vec![(text.into(), Style::new())],
            alignment: Alignment::Left,
            inner: None,
        }
    }

    /// Text that follows in a style of its own.
    fn and(mut self, text: impl Into<String>, style: Style) -> Text {
        self.parts.push((text.into(), style));
        self
    }

    fn aligned(mut self, alignment: Alignment) -> Text {
        self.alignment = alignment;
        self
    }
}

impl Element for Text {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        style: Style,
    ) -> Result<RenderResult, genpdf::error::Error> {
        let width = f64::from(area.size().width);
        let inner = self.inner.get_or_insert_with(|| {
            let mut p = Paragraph::default().aligned(self.alignment);
            for (text, own) in std::mem::take(&mut self.parts) {
                let effective = style.and(own);
                let fitted = fit_words(&text, width, |c| {
                    f64::from(effective.char_width(&context.font_cache, c))
                });
                p.push_styled(fitted, own);
            }
            p
        });
        inner.render(context, area, style)
    }
}

/// Breaks every word (with the space after it, as genpdf measures words) wider than `max`
/// into pieces that fit, each but the last ending in a hyphen. A piece holds at least one
/// character, so a width too small for any letter still loses nothing from the text.
fn fit_words(text: &str, max: f64, char_width: impl Fn(char) -> f64) -> String {
    // Kerning can make a word a little wider than its letters; keep a margin.
    let max = max * 0.97;
    let hyphen = char_width('-') + char_width(' ');
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(' ') {
        let widths: Vec<f64> = word.chars().map(&char_width).collect();
        let mut remaining: f64 = widths.iter().sum();
        if remaining <= max {
            out.push_str(word);
            continue;
        }
        let (mut piece, mut in_piece) = (0.0, 0usize);
        for (c, w) in word.chars().zip(widths) {
            // Break before `c` when it and a hyphen do not fit and the rest is not the last piece.
            if in_piece > 0 && piece + remaining > max && piece + w + hyphen > max {
                out.push_str("- ");
                (piece, in_piece) = (0.0, 0);
            }
            out.push(c);
            piece += w;
            in_piece += 1;
            remaining -= w;
        }
    }
    out
}

fn table(t: &DataTable) -> Result<TableLayout, genpdf::error::Error> {
    let cols = t.headers.len().max(1);
    // The first column (names) gets more room.
    let mut weights = vec![2; cols];
    weights[0] = 4;
    let cell = |s: &str, bold: bool| {
        let st = if bold {
            Style::new().bold().with_font_size(8)
        } else {
            Style::new().with_font_size(8)
        };
        Text::new(s).styled(st).padded(1)
    };
    let mut table = TableLayout::new(weights.clone());
    table.set_cell_decorator(FrameCellDecorator::new(true, true, false));
    let mut row = table.row();
    for h in &t.headers {
        row.push_element(cell(h, true));
    }
    row.push()?;
    for r in &t.rows {
        let mut row = table.row();
        for i in 0..cols {
            row.push_element(cell(r.get(i).map_or("", String::as_str), false));
        }
        row.push()?;
    }
    Ok(table)
}

fn captioned_table(doc: &mut genpdf::Document, t: &DataTable) -> Result<(), genpdf::error::Error> {
    doc.push(Text::new(t.caption.clone()).styled(Style::new().bold().with_font_size(9)));
    doc.push(table(t)?);
    doc.push(Break::new(0.5));
    Ok(())
}

fn figure(doc: &mut genpdf::Document, chart: &Chart, n: usize) -> Result<(), genpdf::error::Error> {
    doc.push(
        Text::new(format!("Фигура {n}. {}", chart.title))
            .styled(Style::new().bold().with_font_size(9)),
    );
    doc.push(ChartElement {
        chart: chart.clone(),
    });
    captioned_table(doc, &chart.table)
}

pub fn render(r: &Report) -> Result<Vec<u8>, PdfError> {
    let font = |data: &[u8]| FontData::new(data.to_vec(), None);
    let family = FontFamily {
        regular: font(REGULAR)?,
        bold: font(BOLD)?,
        italic: font(REGULAR)?,
        bold_italic: font(BOLD)?,
    };
    let mut doc = genpdf::Document::new(family);
    doc.set_title(r.title.clone());
    doc.set_font_size(10);
    doc.set_line_spacing(1.2);
    doc.set_paper_size(genpdf::PaperSize::A4);
    let mut deco = genpdf::SimplePageDecorator::new();
    deco.set_margins(genpdf::Margins::trbl(18, 18, 18, 22));
    let short = format!("{} · {} г.", r.municipality, r.year);
    deco.set_header(move |page| {
        Text::new(if page > 1 {
            format!("{short} · стр. {page}")
        } else {
            String::new()
        })
        .aligned(Alignment::Right)
        .styled(Style::new().with_font_size(7))
    });
    doc.set_page_decorator(deco);

    doc.push(Break::new(6.0));
    doc.push(
        Text::new(format!("ОБЩИНА {}", r.municipality.to_uppercase()))
            .aligned(Alignment::Center)
            .styled(Style::new().with_font_size(13)),
    );
    doc.push(Break::new(2.0));
    doc.push(
        Text::new(r.title.clone())
            .aligned(Alignment::Center)
            .styled(Style::new().bold().with_font_size(18)),
    );
    doc.push(Break::new(2.0));
    doc.push(Text::new(format!("{} ({})", r.plan_title, r.plan_period)).aligned(Alignment::Center));
    doc.push(Text::new(format!("Приет с {}", r.plan_adoption)).aligned(Alignment::Center));
    doc.push(Break::new(2.0));
    doc.push(
        Text::new(r.state_line.clone())
            .aligned(Alignment::Center)
            .styled(Style::new().bold()),
    );
    if r.sample {
        doc.push(Break::new(1.0));
        doc.push(para(
            "Докладът е изготвен от примерни (демонстрационни) данни, а не от действителни отчети.",
        ));
    }
    doc.push(PageBreak::new());

    doc.push(heading("Съдържание", 14));
    let mut toc = vec![
        "1. Въведение".to_string(),
        "2. Обобщение за годината".to_string(),
    ];
    toc.extend(
        r.chapters
            .iter()
            .map(|c| format!("3.{n}. Приоритетна област {n}. {}", c.title, n = c.number)),
    );
    toc.extend([
        "4. Институции, които не са представили отчет".to_string(),
        "5. Изводи и препоръки".to_string(),
        "Приложения".to_string(),
    ]);
    toc.iter().for_each(|t| doc.push(para(t)));

    doc.push(heading("1. Въведение", 14));
    r.introduction.iter().for_each(|p| doc.push(para(p)));
    doc.push(heading("2. Обобщение за годината", 14));
    r.summary.iter().for_each(|p| doc.push(para(p)));
    for (k, v) in &r.figures {
        doc.push(
            Text::new("")
                .and(format!("{k}: "), Style::new().bold())
                .and(v.clone(), Style::new()),
        );
    }
    let mut n = 0;
    for c in &r.charts {
        n += 1;
        figure(&mut doc, c, n)?;
    }
    for c in &r.chapters {
        doc.push(PageBreak::new());
        doc.push(heading(
            &format!("3.{n}. Приоритетна област {n}. {}", c.title, n = c.number),
            14,
        ));
        c.summary.iter().for_each(|p| doc.push(para(p)));
        doc.push(heading("Мерки", 11));
        for m in &c.measures {
            doc.push(
                Text::new("")
                    .and(format!("{} ", m.label), Style::new().bold())
                    .and(m.headline.clone(), Style::new()),
            );
            let mut line = format!("Отговорни: {}. Статус: {}", m.institutions, m.status);
            if !m.computed.is_empty() {
                line.push_str(&format!("; изчислен статус: {}", m.computed));
            }
            line.push('.');
            if m.disagreement {
                line.push_str(" Заявеният статус се разминава с изчисления.");
            }
            if m.conflict {
                line.push_str(" Институциите са отчели различен статус.");
            }
            doc.push(Text::new(line).styled(Style::new().with_font_size(9)));
            if !m.planned.is_empty() {
                doc.push(
                    Text::new(format!(
                        "Планирани: {}; изразходвани през годината: {}.",
                        m.planned, m.spent
                    ))
                    .styled(Style::new().with_font_size(9)),
                );
            }
            for d in &m.done {
                doc.push(
                    Text::new(format!("– {d}"))
                        .styled(Style::new().with_font_size(9))
                        .padded(genpdf::Margins::trbl(0, 0, 0, 4)),
                );
            }
            doc.push(Break::new(0.4));
        }
        if !c.indicators.rows.is_empty() {
            captioned_table(&mut doc, &c.indicators)?;
        }
        if let Some(chart) = &c.chart {
            n += 1;
            figure(&mut doc, chart, n)?;
        }
        if !c.money.rows.is_empty() {
            captioned_table(&mut doc, &c.money)?;
        }
    }
    doc.push(PageBreak::new());
    doc.push(heading("4. Институции, които не са представили отчет", 14));
    if r.silent.rows.is_empty() {
        doc.push(para("Всички институции са представили отчет."));
    } else {
        captioned_table(&mut doc, &r.silent)?;
    }
    doc.push(heading("5. Изводи и препоръки", 14));
    doc.push(heading("Изводи", 11));
    r.conclusions.iter().for_each(|p| doc.push(para(p)));
    doc.push(heading("Препоръки", 11));
    for (i, p) in r.recommendations.iter().enumerate() {
        doc.push(para(&format!("{}. {p}", i + 1)));
    }
    doc.push(PageBreak::new());
    doc.push(heading("Приложения", 14));
    for t in &r.annexes {
        captioned_table(&mut doc, t)?;
    }
    let mut out = Vec::new();
    doc.render(&mut out)?;
    compress(&out)
}

/// genpdf writes page contents and fonts uncompressed; Flate-compressing every stream makes
/// the file several times smaller and changes nothing a reader sees.
fn compress(pdf: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut doc = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Compress(e.to_string()))?;
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            stream.allows_compression = true;
        }
    }
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| PdfError::Compress(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every letter 1 wide, a hyphen and a space 1 each.
    fn unit(_: char) -> f64 {
        1.0
    }

    #[test]
    fn words_too_wide_are_broken_by_width_and_nothing_is_lost() {
        assert_eq!(fit_words("в процес на", 100.0, unit), "в процес на");
        // 0.97 × 9 = 8.73: a piece and its "- " take at most 8.
        let fitted = fit_words("частично изпълнена", 9.0, unit);
        assert_eq!(fitted, "частич- но изпълн- ена");
        assert!(fitted.split(' ').all(|w| w.chars().count() < 8));
        assert_eq!(fitted.replace("- ", ""), "частично изпълнена");
        assert_eq!(fit_words("", 7.0, unit), "");
        // Too narrow for any letter: one letter a piece, none lost.
        assert_eq!(fit_words("абв", 0.5, unit).replace("- ", ""), "абв");
    }

    #[test]
    fn a_wide_word_is_measured_not_counted() {
        // "Ш" is three times as wide as "і": the same count of letters breaks sooner.
        let w = |c: char| if c == 'Ш' { 3.0 } else { 1.0 };
        let fitted = fit_words("ШШШШШШ", 10.0, w);
        assert!(fitted.starts_with("ШШ- "), "{fitted}");
        assert_eq!(fitted.replace("- ", ""), "ШШШШШШ");
    }

    #[test]
    fn a_cyrillic_word_wider_than_its_cell_renders_whole_without_panicking() {
        // The shape that panicked in genpdf: a capitalised word wider than a table cell with
        // words after it, many rows so the table crosses pages.
        let word = "ЗДРАВНООБРАЗОВАТЕЛНИШШШЖЖЖЮЮЮМММ";
        let plan = crate::plan::format::parse_plan_json(include_str!(
            "../../tests/fixtures/plans/sample.plan.json"
        ))
        .expect("plan");
        let snap = crate::snapshot::sample::sample_round(1, 1, &plan, 2024);
        let narrative = super::super::Narrative::default();
        let mut report =
            super::super::build(&snap, &[], &narrative, "проект".into(), false, &|s| {
                s.to_string()
            });
        let table = &mut report.annexes[0];
        let cols = table.headers.len();
        table.rows = (0..80)
            .map(|i| {
                (0..cols)
                    .map(|c| format!("{word}{} {i} ред", word.repeat(c % 2 + 1)))
                    .collect()
            })
            .collect();
        report.introduction = vec![format!("{word}{word}{word}{word}{word}{word} край")];
        let pdf = render(&report).expect("renders");
        assert!(pdf.starts_with(b"%PDF"));
    }

    #[test]
    fn hex_colours_become_pdf_colours() {
        assert_eq!(color("#1a7f37"), Color::Rgb(0x1a, 0x7f, 0x37));
        assert_eq!(color("#zzzzzz"), Color::Rgb(0, 0, 0));
    }
}
