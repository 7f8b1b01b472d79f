//! Charts as data: horizontal bars with their geometry already computed, a legend and the data
//! table that is their text alternative. Pages draw them as SVG (templates/analytics/chart.svg),
//! the PDF draws the same bars with its own lines, the DOCX embeds the SVG as a picture.

use super::Analysis;
use super::status::StatusCounts;
use crate::i18n::{Lang, Tr};
use crate::money::Currency;
use crate::plan::Plan;
use crate::snapshot::ReportedStatus;
use askama::Template;

pub const WIDTH: f64 = 720.0;
/// Where bars start and how long a full bar is.
pub const BAR_X: f64 = 0.0;
pub const BAR_MAX: f64 = 540.0;
const LEGEND_ROW: f64 = 22.0;
pub const ROW: f64 = 50.0;
/// The average advance of a character of the 12 px label font.
pub const CHAR: f64 = 7.2;

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Unique within a page, for `aria-labelledby`.
    pub id: String,
    pub title: String,
    /// A one-sentence summary for screen readers.
    pub desc: String,
    /// The drawing's width (the SVG's `viewBox`) and the length of a full bar's track.
    pub width: f64,
    pub track: f64,
    pub height: f64,
    pub legend: Vec<LegendItem>,
    pub rows: Vec<Row>,
    pub table: DataTable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub x: f64,
    pub y: f64,
    pub color: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The label, or the last line of a wrapped one.
    pub label: String,
    /// Baseline of the label text.
    pub label_y: f64,
    /// The lines of a wrapped label before its last, with their baselines (narrow charts).
    pub wrapped: Vec<(f64, String)>,
    pub bars: Vec<Bar>,
    /// A vertical marker (e.g. the target at 100 %), as an x position.
    pub marker_x: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub y: f64,
    pub height: f64,
    pub segments: Vec<Segment>,
    /// Text after the bar ("12 000 лв.", "45 %").
    pub value: String,
    pub value_x: f64,
    /// Draw the full-length track behind the bar (for shares of a whole).
    pub track: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub x: f64,
    pub width: f64,
    pub color: &'static str,
    /// Tooltip: what the segment stands for and its value.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    pub caption: String,
    pub headers: Vec<String>,
    /// The first cell of each row is its header.
    pub rows: Vec<Vec<String>>,
}

impl DataTable {
    /// The header of column `i`, or nothing for a cell beyond the headers (a phone shows it
    /// before the cell's value).
    pub fn label(&self, i: usize) -> &str {
        self.headers.get(i).map_or("", String::as_str)
    }
}

/// Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by hue and lightness.
pub fn status_color(s: Option<ReportedStatus>) -> &'static str {
    match s {
        Some(ReportedStatus::Completed) => "#1a7f37",
        Some(ReportedStatus::InProgress) => "#0969da",
        Some(ReportedStatus::Partial) => "#9a6700",
        Some(ReportedStatus::NotDone) => "#cf222e",
        Some(ReportedStatus::Dropped) => "#8c959f",
        Some(ReportedStatus::Upcoming) => "#8250df",
        None => "#24292f",
    }
}

pub const PLANNED_COLOR: &str = "#0550ae";
pub const SPENT_COLOR: &str = "#bc4c00";

pub fn status_label(tr: Tr, s: Option<ReportedStatus>) -> String {
    match (s, tr.lang) {
        (Some(s), Lang::Bg) => s.label_bg().to_string(),
        (Some(s), Lang::En) => s.label_en().to_string(),
        (None, _) => tr.t("progress.no_report").to_string(),
    }
}

/// "45 %" (Bulgarian puts a space before the sign).
pub fn percent(share: f64) -> String {
    format!("{}\u{a0}%", (share * 100.0).round() as i64)
}

pub fn legend(items: Vec<(&'static str, String)>) -> (Vec<LegendItem>, f64) {
    legend_in(items, WIDTH, CHAR)
}

/// The legend's items in rows as wide as `width` (characters `char` wide), and where the
/// drawing below it starts.
pub(super) fn legend_in(
    items: Vec<(&'static str, String)>,
    width: f64,
    char: f64,
) -> (Vec<LegendItem>, f64) {
    let mut out = Vec::new();
    let (mut x, mut y) = (0.0, 14.0);
    for (color, label) in items {
        let w = 24.0 + label.chars().count() as f64 * char;
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += LEGEND_ROW;
        }
        out.push(LegendItem { x, y, color, label });
        x = r1(x + w + 12.0);
    }
    (out, y + 12.0)
}

/// Rounds a coordinate to a tenth, so drawings stay short and stable.
pub fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn cut(text: &str, max: usize) -> String {
    crate::plan::views::shorten(text, max)
}

pub const STATUS_ORDER: [Option<ReportedStatus>; 7] = [
    Some(ReportedStatus::Completed),
    Some(ReportedStatus::InProgress),
    Some(ReportedStatus::Partial),
    Some(ReportedStatus::Upcoming),
    Some(ReportedStatus::NotDone),
    Some(ReportedStatus::Dropped),
    None,
];

fn count_of(c: &StatusCounts, s: Option<ReportedStatus>) -> usize {
    s.map_or(c.no_report, |s| c.get(s))
}

/// Measures by status per priority area: one bar per area, split by status, as shares.
pub fn status_chart(tr: Tr, id: &str, plan: &Plan, a: &Analysis) -> Chart {
    let (legend, top) = legend(
        STATUS_ORDER
            .iter()
            .map(|s| (status_color(*s), status_label(tr, *s)))
            .collect(),
    );
    let mut rows = Vec::new();
    let mut table_rows = Vec::new();
    let groups = plan
        .priorities
        .iter()
        .map(|p| p.title.as_str())
        .zip(&a.statuses.priorities)
        .chain(std::iter::once((tr.t("plan.total"), &a.statuses.plan)));
    for (i, (title, c)) in groups.enumerate() {
        let y0 = top + 8.0 + i as f64 * ROW;
        let mut x = BAR_X;
        let mut segments = Vec::new();
        for s in STATUS_ORDER {
            let n = count_of(c, s);
            if n == 0 || c.total == 0 {
                continue;
            }
            let width = r1(BAR_MAX * n as f64 / c.total as f64);
            segments.push(Segment {
                x,
                width,
                color: status_color(s),
                title: format!("{}: {n}", status_label(tr, s)),
            });
            x = r1(x + width);
        }
        rows.push(Row {
            label: cut(title, 95),
            label_y: y0 + 14.0,
            wrapped: Vec::new(),
            bars: vec![Bar {
                y: y0 + 20.0,
                height: 20.0,
                segments,
                value: c.completed_share().map_or_else(String::new, |s| {
                    format!("{} {}", percent(s), tr.t("progress.done_lc"))
                }),
                value_x: BAR_X + BAR_MAX + 8.0,
                track: true,
            }],
            marker_x: None,
        });
        let mut cells = vec![title.to_string(), c.total.to_string()];
        cells.extend(STATUS_ORDER.iter().map(|s| count_of(c, *s).to_string()));
        cells.push(c.completed_share().map_or_else(|| "—".into(), percent));
        table_rows.push(cells);
    }
    let mut headers = vec![
        tr.t("plan.priority").to_string(),
        tr.t("plan.measures").to_string(),
    ];
    headers.extend(STATUS_ORDER.iter().map(|s| status_label(tr, *s)));
    headers.push(tr.t("progress.completed_share").to_string());
    let c = &a.statuses.plan;
    Chart {
        id: id.to_string(),
        title: tr.t("progress.chart_status").to_string(),
        desc: format!(
            "{}: {} / {}; {}: {}",
            tr.t("progress.completed_share"),
            c.get(ReportedStatus::Completed),
            c.total,
            tr.t("progress.no_report"),
            c.no_report
        ),
        width: WIDTH,
        track: BAR_MAX,
        height: top + 8.0 + rows.len() as f64 * ROW,
        legend,
        rows,
        table: DataTable {
            caption: tr.t("progress.chart_status").to_string(),
            headers,
            rows: table_rows,
        },
    }
}

/// Money planned for the plan period against money spent in the year, per priority area.
pub fn money_chart(tr: Tr, id: &str, a: &Analysis) -> Chart {
    let lines = a
        .money
        .priorities
        .iter()
        .map(|r| MoneyLine {
            name: r.name.clone(),
            planned: r.planned,
            spent: r.spent,
            leva: [
                r.planned.convert(Currency::Bgn),
                r.spent.convert(Currency::Bgn),
            ],
            euro: [r.planned_eur(), r.spent_eur()],
        })
        .collect();
    let words = MoneyWords {
        title: tr.t("progress.chart_money"),
        planned: tr.t("progress.planned"),
    };
    let total = [a.money.total.planned, a.money.total.spent];
    money_bars(tr, id, words, lines, total)
}

/// One pair of bars of a money chart: what was planned for a group and what was spent.
pub struct MoneyLine {
    pub name: String,
    /// Planned and spent as the bars show them.
    pub planned: crate::money::Money,
    pub spent: crate::money::Money,
    /// Planned and spent in leva and in euro, for the data table.
    pub leva: [crate::money::Money; 2],
    pub euro: [crate::money::Money; 2],
}

/// What a money chart calls itself and its money planned.
pub struct MoneyWords<'a> {
    pub title: &'a str,
    pub planned: &'a str,
}

/// A money chart: a pair of bars a line (planned, spent), on one scale, with the data table in
/// both currencies; `total` (planned, spent) is said in the description.
pub fn money_bars(
    tr: Tr,
    id: &str,
    words: MoneyWords<'_>,
    lines: Vec<MoneyLine>,
    total: [crate::money::Money; 2],
) -> Chart {
    let (legend, top) = legend(vec![
        (PLANNED_COLOR, words.planned.to_string()),
        (SPENT_COLOR, tr.t("progress.spent").to_string()),
    ]);
    let max = lines
        .iter()
        .map(|l| l.planned.minor.max(l.spent.minor))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut rows = Vec::new();
    let mut table_rows = Vec::new();
    for (i, l) in lines.into_iter().enumerate() {
        let y0 = top + 8.0 + i as f64 * (ROW + 12.0);
        let bar = |y: f64, m: crate::money::Money, color: &'static str, what: &str| {
            let width = r1(BAR_MAX * m.minor.max(0) as f64 / max);
            Bar {
                y,
                height: 14.0,
                segments: vec![Segment {
                    x: BAR_X,
                    width,
                    color,
                    title: format!("{what}: {}", tr.money(m)),
                }],
                value: tr.money(m),
                value_x: r1(BAR_X + width + 6.0),
                track: false,
            }
        };
        rows.push(Row {
            label: cut(&l.name, 95),
            label_y: y0 + 14.0,
            wrapped: Vec::new(),
            bars: vec![
                bar(y0 + 20.0, l.planned, PLANNED_COLOR, words.planned),
                bar(y0 + 38.0, l.spent, SPENT_COLOR, tr.t("progress.spent")),
            ],
            marker_x: None,
        });
        let share = (l.planned.minor > 0).then(|| l.spent.minor as f64 / l.planned.minor as f64);
        table_rows.push(vec![
            l.name,
            tr.money(l.leva[0]),
            tr.money(l.euro[0]),
            tr.money(l.leva[1]),
            tr.money(l.euro[1]),
            share.map_or_else(|| "—".into(), percent),
        ]);
    }
    Chart {
        id: id.to_string(),
        title: words.title.to_string(),
        desc: format!(
            "{} {}, {} {}",
            words.planned,
            tr.money(total[0]),
            tr.t("progress.spent"),
            tr.money(total[1])
        ),
        width: WIDTH,
        track: BAR_MAX,
        height: top + 8.0 + rows.len() as f64 * (ROW + 12.0),
        legend,
        rows,
        table: DataTable {
            caption: words.title.to_string(),
            headers: vec![
                tr.t("plan.priority").to_string(),
                format!("{} ({})", words.planned, tr.t("plan.bgn")),
                format!("{} ({})", words.planned, tr.t("plan.eur")),
                format!("{} ({})", tr.t("progress.spent"), tr.t("plan.bgn")),
                format!("{} ({})", tr.t("progress.spent"), tr.t("plan.eur")),
                tr.t("progress.spent_share").to_string(),
            ],
            rows: table_rows,
        },
    }
}

/// Progress of the indicators that have a target and a value, towards 100 %.
/// `keys` limits the chart to some measures (a priority area); `None` takes all.
pub fn indicator_chart(tr: Tr, id: &str, a: &Analysis, keys: Option<&[String]>) -> Chart {
    let (legend, top) = legend(vec![(
        status_color(Some(ReportedStatus::InProgress)),
        tr.t("progress.towards_target").to_string(),
    )]);
    let full = BAR_MAX / 1.2; // 100 % of the target; bars go on to 120 %.
    let mut rows = Vec::new();
    let mut table_rows = Vec::new();
    let chosen = a
        .indicators
        .iter()
        .filter(|i| keys.is_none_or(|k| k.contains(&i.measure_key)))
        .filter(|i| i.progress.is_some());
    for (n, ip) in chosen.enumerate() {
        let p = ip.progress.unwrap_or_default();
        let y0 = top + 8.0 + n as f64 * ROW;
        let width = r1(full * p.clamp(0.0, 1.2));
        rows.push(Row {
            label: cut(&ip.indicator.name, 95),
            label_y: y0 + 14.0,
            wrapped: Vec::new(),
            bars: vec![Bar {
                y: y0 + 20.0,
                height: 18.0,
                segments: vec![Segment {
                    x: BAR_X,
                    width,
                    color: status_color(Some(if p >= 1.0 {
                        ReportedStatus::Completed
                    } else {
                        ReportedStatus::InProgress
                    })),
                    title: percent(p),
                }],
                value: percent(p),
                value_x: r1(BAR_X + width.max(full) + 8.0),
                track: true,
            }],
            marker_x: Some(BAR_X + full),
        });
        table_rows.push(vec![
            ip.indicator.name.clone(),
            ip.indicator.baseline.clone().unwrap_or_else(|| "—".into()),
            ip.to_date
                .as_ref()
                .map_or_else(|| "—".into(), super::format::value),
            ip.indicator.target.clone().unwrap_or_else(|| "—".into()),
            percent(p),
        ]);
    }
    Chart {
        id: id.to_string(),
        title: tr.t("progress.chart_indicators").to_string(),
        desc: format!("{}: {}", tr.t("progress.chart_indicators"), rows.len()),
        width: WIDTH,
        track: BAR_MAX,
        height: top + 8.0 + rows.len() as f64 * ROW,
        legend,
        rows,
        table: DataTable {
            caption: tr.t("progress.chart_indicators").to_string(),
            headers: vec![
                tr.t("progress.indicator").to_string(),
                tr.t("progress.baseline").to_string(),
                tr.t("progress.value").to_string(),
                tr.t("progress.target").to_string(),
                tr.t("progress.progress").to_string(),
            ],
            rows: table_rows,
        },
    }
}

#[derive(Template)]
#[template(path = "analytics/chart.svg")]
pub struct ChartSvg<'a> {
    pub chart: &'a Chart,
    /// The `width` attribute: "100%" on pages, pixels for pictures.
    pub width: &'a str,
}

/// A chart with its SVG renderings: as laid out, and again for a phone's width
/// ([`Chart::narrow`]); the page's stylesheet shows one of them.
pub struct ChartView {
    pub chart: Chart,
    pub svg: String,
    pub narrow_svg: String,
}

impl ChartView {
    pub fn new(chart: Chart) -> Result<ChartView, askama::Error> {
        let (svg, narrow_svg) = chart.svgs()?;
        Ok(ChartView {
            chart,
            svg,
            narrow_svg,
        })
    }
}

impl Chart {
    /// The chart as SVG for pages, wide and narrow.
    pub fn svgs(&self) -> Result<(String, String), askama::Error> {
        let wide = ChartSvg {
            chart: self,
            width: "100%",
        }
        .render()?;
        let narrow = ChartSvg {
            chart: &self.narrow(),
            width: "100%",
        }
        .render()?;
        Ok((wide, narrow))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::analyse;
    use crate::analytics::testing::{round, update};

    #[test]
    fn status_bars_split_the_full_width_by_share_of_measures() {
        let snap = round(
            &["m1", "m2", "m3", "m4"],
            vec![
                update("m1", "A", Some(ReportedStatus::Completed)),
                update("m2", "A", Some(ReportedStatus::InProgress)),
                update("m3", "A", Some(ReportedStatus::InProgress)),
            ],
        );
        let a = analyse(&snap, &[], &|s| s.to_string());
        let chart = status_chart(Tr::default(), "s", &snap.plan, &a);
        // One priority and the total.
        assert_eq!(chart.rows.len(), 2);
        let segs = &chart.rows[0].bars[0].segments;
        let widths: Vec<f64> = segs.iter().map(|s| s.width).collect();
        assert_eq!(widths, [BAR_MAX / 4.0, BAR_MAX / 2.0, BAR_MAX / 4.0]);
        assert_eq!(segs[2].color, status_color(None));
        assert_eq!(chart.table.rows[0][1], "4");
        assert_eq!(
            chart.table.rows[0].last().map(String::as_str),
            Some("25\u{a0}%")
        );
        assert!(chart.height > chart.rows[1].bars[0].y);
    }
}
