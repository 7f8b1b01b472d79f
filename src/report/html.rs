//! The report as one self-contained HTML document (styles inline, charts as inline SVG), for
//! the portal and for `planmon report --format html`.

use super::Report;
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
