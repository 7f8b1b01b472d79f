//! What the overview pages and the staff dashboards share: the year a page shows and the
//! tables of figures (a level's roll-up by municipality, district or priority area), formatted.

use super::store;
use crate::i18n::Tr;
use crate::rollup::api::slot_area;
use crate::rollup::{AREA_SLOTS, Figures, Totals};
use crate::web::{AppError, AppState};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct YearQuery {
    pub year: Option<String>,
}

/// The year asked for, else the latest with a closed round, else the current one.
pub async fn year_of(state: &AppState, asked: Option<&str>) -> Result<i32, AppError> {
    if let Some(y) = asked.filter(|y| !y.is_empty()) {
        return crate::rollup::api::parse_year(y);
    }
    Ok(match store::latest_year(&state.db).await? {
        Some(y) => y,
        None => time::OffsetDateTime::now_utc().year(),
    })
}

/// One row of figures, formatted.
pub struct FigureRow {
    pub name: String,
    pub link: Option<String>,
    pub measures: u64,
    pub completed: u64,
    pub not_reported: u64,
    pub spent_eur: String,
    pub planned_eur: String,
    pub people: u64,
}

pub fn figure_row(tr: &Tr, name: String, link: Option<String>, f: &Figures) -> FigureRow {
    use crate::money::Currency;
    FigureRow {
        name,
        link,
        measures: f.measures.total(),
        completed: f.measures.completed,
        not_reported: f.measures.not_reported,
        spent_eur: tr.money(f.money.spent.in_currency(Currency::Eur)),
        planned_eur: tr.money(f.money.planned.in_currency(Currency::Eur)),
        people: f.people_reached,
    }
}

/// A table of figures with its caption and total row.
pub struct FigureTable {
    pub id: &'static str,
    pub caption: String,
    pub first_header: String,
    pub rows: Vec<FigureRow>,
    pub total: FigureRow,
}

/// The level's table by priority area.
pub fn area_table(tr: &Tr, t: &Totals) -> FigureTable {
    FigureTable {
        id: "areas",
        caption: tr.t("overview.area_caption").to_string(),
        first_header: tr.t("overview.area").to_string(),
        rows: area_rows(tr, t),
        total: figure_row(tr, tr.t("overview.total").to_string(), None, &t.all),
    }
}

fn area_rows(tr: &Tr, t: &Totals) -> Vec<FigureRow> {
    (0..AREA_SLOTS)
        .filter_map(|i| {
            let name = slot_area(i).map(|a| a.title(tr.lang).to_string())?;
            Some(figure_row(tr, name, None, &t.areas[i]))
        })
        .collect()
}
