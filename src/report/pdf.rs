//! The report as PDF, laid out by `genpdf` (paragraphs, wrapping, tables across pages) with
//! the DejaVu Sans fonts embedded, so Cyrillic renders everywhere. Charts are drawn as vector
//! bars by the PDF itself; `chart_png` rasterises the same chart SVG for the DOCX.

use super::Report;
use crate::analytics::charts::{Chart, DataTable, WIDTH};
use crate::analytics::pages::ChartSvg;
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
    Paragraph::new(text.to_string())
        .styled(Style::new().bold().with_font_size(size))
        .padded(genpdf::Margins::trbl(4, 0, 2, 0))
}

fn para(text: &str) -> impl Element + use<> {
    Paragraph::new(text.to_string()).padded(genpdf::Margins::trbl(0, 0, 2, 0))
}

/// The width text can take on a page: A4 less the margins set in [`render`], in mm.
const TEXT_WIDTH_MM: f64 = 170.0;
/// A generous width of one DejaVu Sans character at the 8 pt of table cells, in mm (regular,
/// bold). Erring wide only breaks a word sooner; erring narrow would lose it.
const CELL_CHAR_MM: (f64, f64) = (1.75, 1.95);

/// Breaks every word longer than `max_chars` into pieces that fit, each but the last ending in
/// a hyphen: genpdf leaves out a word wider than its cell, and a table must lose nothing.
fn fit_words(text: &str, max_chars: usize) -> String {
    let max_chars = max_chars.max(3);
    text.split(' ')
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() <= max_chars {
                return word.to_string();
            }
            chars
                .chunks(max_chars - 1)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("- ")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(t: &DataTable) -> Result<TableLayout, genpdf::error::Error> {
    let cols = t.headers.len().max(1);
    // The first column (names) gets more room.
    let mut weights = vec![2; cols];
    weights[0] = 4;
    let total: usize = weights.iter().sum();
    // Characters that fit on a line of each column (less 2 mm of padding and frame).
    let fits = |col: usize, bold: bool| {
        let width = TEXT_WIDTH_MM * weights[col] as f64 / total as f64 - 2.0;
        let per_char = if bold { CELL_CHAR_MM.1 } else { CELL_CHAR_MM.0 };
        (width / per_char).floor() as usize
    };
    let cell = |s: &str, col: usize, bold: bool| {
        let st = if bold {
            Style::new().bold().with_font_size(8)
        } else {
            Style::new().with_font_size(8)
        };
        Paragraph::new(fit_words(s, fits(col, bold)))
            .styled(st)
            .padded(1)
    };
    let mut table = TableLayout::new(weights.clone());
    table.set_cell_decorator(FrameCellDecorator::new(true, true, false));
    let mut row = table.row();
    for (i, h) in t.headers.iter().enumerate() {
        row.push_element(cell(h, i, true));
    }
    row.push()?;
    for r in &t.rows {
        let mut row = table.row();
        for i in 0..cols {
            row.push_element(cell(r.get(i).map_or("", String::as_str), i, false));
        }
        row.push()?;
    }
    Ok(table)
}

fn captioned_table(doc: &mut genpdf::Document, t: &DataTable) -> Result<(), genpdf::error::Error> {
    doc.push(Paragraph::new(t.caption.clone()).styled(Style::new().bold().with_font_size(9)));
    doc.push(table(t)?);
    doc.push(Break::new(0.5));
    Ok(())
}

fn figure(doc: &mut genpdf::Document, chart: &Chart, n: usize) -> Result<(), genpdf::error::Error> {
    doc.push(
        Paragraph::new(format!("Фигура {n}. {}", chart.title))
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
        Paragraph::new(if page > 1 {
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
        Paragraph::new(format!("ОБЩИНА {}", r.municipality.to_uppercase()))
            .aligned(Alignment::Center)
            .styled(Style::new().with_font_size(13)),
    );
    doc.push(Break::new(2.0));
    doc.push(
        Paragraph::new(r.title.clone())
            .aligned(Alignment::Center)
            .styled(Style::new().bold().with_font_size(18)),
    );
    doc.push(Break::new(2.0));
    doc.push(
        Paragraph::new(format!("{} ({})", r.plan_title, r.plan_period)).aligned(Alignment::Center),
    );
    doc.push(Paragraph::new(format!("Приет с {}", r.plan_adoption)).aligned(Alignment::Center));
    doc.push(Break::new(2.0));
    doc.push(
        Paragraph::new(r.state_line.clone())
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
            Paragraph::default()
                .styled_string(format!("{k}: "), Style::new().bold())
                .string(v.clone()),
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
                Paragraph::default()
                    .styled_string(format!("{} ", m.label), Style::new().bold())
                    .string(m.headline.clone()),
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
            doc.push(Paragraph::new(line).styled(Style::new().with_font_size(9)));
            if !m.planned.is_empty() {
                doc.push(
                    Paragraph::new(format!(
                        "Планирани: {}; изразходвани през годината: {}.",
                        m.planned, m.spent
                    ))
                    .styled(Style::new().with_font_size(9)),
                );
            }
            for d in &m.done {
                doc.push(
                    Paragraph::new(format!("– {d}"))
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

    #[test]
    fn words_too_long_for_a_cell_are_broken_and_nothing_is_lost() {
        assert_eq!(fit_words("в процес на", 7), "в процес на");
        let fitted = fit_words("частично изпълнена", 7);
        assert_eq!(fitted, "частич- но изпълн- ена");
        assert!(fitted.split(' ').all(|w| w.chars().count() <= 7));
        assert_eq!(fitted.replace("- ", ""), "частично изпълнена");
        assert_eq!(fit_words("", 7), "");
    }

    #[test]
    fn hex_colours_become_pdf_colours() {
        assert_eq!(color("#1a7f37"), Color::Rgb(0x1a, 0x7f, 0x37));
        assert_eq!(color("#zzzzzz"), Color::Rgb(0, 0, 0));
    }
}
