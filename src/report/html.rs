//! The report as one self-contained HTML document (styles inline, charts as inline SVG), for
//! the portal and for `planmon report --format html`.

use super::Report;
use super::blocks::{Block, Document};
use crate::analytics::charts::ChartSvg;
use crate::analytics::charts::DataTable;
use askama::Template;

#[derive(Template)]
#[template(path = "report/report.html")]
struct ReportHtml<'a> {
    r: &'a Report,
    charts: Vec<String>,
    chapter_charts: Vec<Option<String>>,
    silent: &'a DataTable,
}

fn svg(chart: &crate::analytics::charts::Chart) -> Result<String, askama::Error> {
    ChartSvg {
        chart,
        width: "100%",
    }
    .render()
}

pub fn render(r: &Report) -> Result<String, askama::Error> {
    let charts = r.charts.iter().map(svg).collect::<Result<_, _>>()?;
    let chapter_charts = r
        .chapters
        .iter()
        .map(|c| c.chart.as_ref().map(svg).transpose())
        .collect::<Result<_, _>>()?;
    ReportHtml {
        r,
        charts,
        chapter_charts,
        silent: &r.silent,
    }
    .render()
}

/// A block with what the HTML adds to it: its position (anchors of headings) and, for a
/// figure, its chart as inline SVG.
struct Item<'a> {
    index: usize,
    block: &'a Block,
    svg: Option<String>,
}

#[derive(Template)]
#[template(path = "report/document.html")]
struct DocumentHtml<'a> {
    d: &'a Document,
    items: Vec<Item<'a>>,
    /// (level, text, anchor) of the headings the table of contents lists.
    contents: Vec<(u8, String, String)>,
    contents_title: &'static str,
}

/// A [`Document`] (the district and national reports) as one self-contained HTML document:
/// the same blocks the DOCX and the PDF print.
pub fn render_document(d: &Document) -> Result<String, askama::Error> {
    let items = d
        .blocks
        .iter()
        .enumerate()
        .map(|(index, block)| {
            let svg = match block {
                Block::Figure { chart, .. } => Some(svg(chart)?),
                _ => None,
            };
            Ok(Item { index, block, svg })
        })
        .collect::<Result<_, askama::Error>>()?;
    let contents = d
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Heading { level, text } => Some((*level, text.clone(), format!("s-{i}"))),
            _ => None,
        })
        .collect();
    DocumentHtml {
        d,
        items,
        contents,
        contents_title: super::blocks::CONTENTS,
    }
    .render()
}
