//! The charts of a district's or the nation's report, drawn as the municipal report's are
//! (`analytics::charts`: bars with their geometry and the data table that is their text
//! alternative; SVG on pages, vectors in the PDF, a picture in the DOCX via `report::picture`):
//! measures by status per national priority area, and money planned for the year against
//! money spent per area, in the year's currency (BGN before 2026, EUR from 2026).

use super::{AreaInputs, slot_title_in};
use crate::analytics::charts::{
    BAR_MAX, BAR_X, Bar, Chart, DataTable, MoneyLine, MoneyWords, ROW, Row, STATUS_ORDER, Segment,
    WIDTH, legend, money_bars, percent, r1, status_color, status_label,
};
use crate::i18n::Tr;
use crate::money::Currency;
use crate::rollup::{AREA_SLOTS, StatusCounts};
use crate::snapshot::ReportedStatus;

fn count(c: &StatusCounts, s: Option<ReportedStatus>) -> u64 {
    match s {
        Some(ReportedStatus::Completed) => c.completed,
        Some(ReportedStatus::InProgress) => c.in_progress,
        Some(ReportedStatus::Partial) => c.partial,
        Some(ReportedStatus::NotDone) => c.not_done,
        Some(ReportedStatus::Dropped) => c.dropped,
        Some(ReportedStatus::Upcoming) => c.upcoming,
        None => c.not_reported,
    }
}

/// The area slots with measures, then the whole.
fn groups(inputs: &AreaInputs, tr: Tr) -> Vec<(String, &crate::rollup::Figures)> {
    let t = &inputs.totals;
    (0..AREA_SLOTS)
        .filter(|i| t.areas[*i].measures.total() > 0)
        .map(|i| (slot_title_in(tr, i), &t.areas[i]))
        .chain(std::iter::once((tr.t("plan.total").to_string(), &t.all)))
        .collect()
}

/// Measures by status per priority area: one bar per area split by status, as shares.
pub fn status(inputs: &AreaInputs, tr: Tr) -> Chart {
    let (legend, top) = legend(
        STATUS_ORDER
            .iter()
            .map(|s| (status_color(*s), status_label(tr, *s)))
            .collect(),
    );
    let mut rows = Vec::new();
    let mut table_rows = Vec::new();
    for (i, (title, f)) in groups(inputs, tr).into_iter().enumerate() {
        let c = &f.measures;
        let total = c.total();
        let y0 = top + 8.0 + i as f64 * ROW;
        let mut x = BAR_X;
        let mut segments = Vec::new();
        for s in STATUS_ORDER {
            let n = count(c, s);
            if n == 0 || total == 0 {
                continue;
            }
            let width = r1(BAR_MAX * n as f64 / total as f64);
            segments.push(Segment {
                x,
                width,
                color: status_color(s),
                title: format!("{}: {n}", status_label(tr, s)),
            });
            x = r1(x + width);
        }
        let done = (total > 0).then(|| c.completed as f64 / total as f64);
        rows.push(Row {
            label: title.clone(),
            label_y: y0 + 14.0,
            wrapped: Vec::new(),
            bars: vec![Bar {
                y: y0 + 20.0,
                height: 20.0,
                segments,
                value: done.map_or_else(String::new, |s| {
                    format!("{} {}", percent(s), tr.t("progress.done_lc"))
                }),
                value_x: BAR_X + BAR_MAX + 8.0,
                track: true,
            }],
            marker_x: None,
        });
        let mut cells = vec![title, total.to_string()];
        cells.extend(STATUS_ORDER.iter().map(|s| count(c, *s).to_string()));
        cells.push(done.map_or_else(|| "—".into(), percent));
        table_rows.push(cells);
    }
    let mut headers = vec![
        tr.t("plan.priority").to_string(),
        tr.t("plan.measures").to_string(),
    ];
    headers.extend(STATUS_ORDER.iter().map(|s| status_label(tr, *s)));
    headers.push(tr.t("progress.completed_share").to_string());
    let all = &inputs.totals.all.measures;
    Chart {
        id: "area-status".into(),
        title: tr.t("progress.chart_status").to_string(),
        desc: format!(
            "{}: {} / {}; {}: {}",
            tr.t("progress.completed_share"),
            all.completed,
            all.total(),
            tr.t("progress.no_report"),
            all.not_reported
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

/// The currency a year's money is shown in first.
pub fn currency_of(year: i32) -> Currency {
    if year >= 2026 {
        Currency::Eur
    } else {
        Currency::Bgn
    }
}

/// Money planned for the year against money spent, per priority area, in the year's currency
/// (the other at the fixed rate in the data table).
pub fn money(inputs: &AreaInputs, tr: Tr) -> Chart {
    let cur = currency_of(inputs.year);
    let lines = groups(inputs, tr)
        .into_iter()
        .map(|(name, f)| {
            let (planned, spent) = (&f.money.planned, &f.money.spent);
            MoneyLine {
                name,
                planned: planned.in_currency(cur),
                spent: spent.in_currency(cur),
                leva: [
                    planned.in_currency(Currency::Bgn),
                    spent.in_currency(Currency::Bgn),
                ],
                euro: [
                    planned.in_currency(Currency::Eur),
                    spent.in_currency(Currency::Eur),
                ],
            }
        })
        .collect();
    let words = MoneyWords {
        title: tr.t("areport.chart_money"),
        planned: tr.t("areport.planned_year"),
    };
    let all = &inputs.totals.all.money;
    let total = [all.planned.in_currency(cur), all.spent.in_currency(cur)];
    money_bars(tr, "area-money", words, lines, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::area::tests::sample_inputs;

    #[test]
    fn the_status_chart_has_a_bar_and_a_table_row_per_area_with_measures_and_the_whole() {
        let inputs = sample_inputs();
        let c = status(&inputs, Tr::default());
        let areas = (0..AREA_SLOTS)
            .filter(|i| inputs.totals.areas[*i].measures.total() > 0)
            .count();
        assert_eq!(c.rows.len(), areas + 1);
        assert_eq!(c.table.rows.len(), areas + 1);
        for r in &c.rows {
            let width: f64 = r.bars[0].segments.iter().map(|s| s.width).sum();
            assert!(width <= BAR_MAX + 1.0, "a bar never passes the full width");
        }
    }

    #[test]
    fn money_is_drawn_in_the_currency_of_the_year_and_tabled_in_both() {
        let inputs = sample_inputs();
        let c = money(&inputs, Tr::default());
        assert_eq!(c.table.headers.len(), 6);
        assert_eq!(currency_of(2025), Currency::Bgn);
        assert_eq!(currency_of(2026), Currency::Eur);
        let longest = c
            .rows
            .iter()
            .flat_map(|r| &r.bars)
            .map(|b| b.segments[0].width)
            .fold(0.0, f64::max);
        assert!(longest <= BAR_MAX);
    }
}
