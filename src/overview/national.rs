//! The nation by district for one year, as the home page (`/`) and `/districts` show it: the 28
//! districts as a tile map (each tile a link, its figure written on it, its shade only
//! repeating the figure) with its data table, and the year's totals by district and by
//! national priority area.

use super::views::{FigureTable, area_table, figure_row};
use super::{STANDINGS, Standing, counts, standing, store};
use crate::i18n::Tr;
use crate::rollup::Rollup;
use crate::web::{AppError, AppState};
use std::collections::HashMap;

/// Plans in force by municipality code, and what is known about each plan in the year.
pub type Standings = (
    HashMap<String, Vec<(i64, String)>>,
    HashMap<i64, super::PlanFacts>,
);

pub async fn standings_of(state: &AppState, year: i32) -> Result<Standings, AppError> {
    Ok((
        store::plans_in_force(&state.db, year).await?,
        store::plan_facts(&state.db, year).await?,
    ))
}

/// The standing of the municipality `code` from its plans in force.
pub fn standing_of(code: &str, (plans, facts): &Standings) -> Standing {
    let mine: Vec<super::PlanFacts> = plans
        .get(code)
        .into_iter()
        .flatten()
        .map(|(id, _)| facts.get(id).cloned().unwrap_or_default())
        .collect();
    standing(&mine)
}

/// One district's line of the data table.
pub struct DistrictLine {
    pub code: String,
    pub name: String,
    pub link: String,
    pub total: usize,
    pub reporting: usize,
    /// Municipalities at each standing, in rank order.
    pub standings: [usize; 6],
}

/// A district's tile: its place on the map (a class of the stylesheet, `tile-PDV`) and the
/// band of its share of municipalities with a closed round (0: none … 3: two thirds or more).
pub struct Tile {
    pub code: String,
    pub name: String,
    pub link: String,
    pub reporting: usize,
    pub total: usize,
    pub band: usize,
}

/// The band of `reporting` out of `total`: 0 none, 1 under a third, 2 under two thirds, 3 the rest.
pub fn band(reporting: usize, total: usize) -> usize {
    if reporting == 0 || total == 0 {
        0
    } else if reporting * 3 < total {
        1
    } else if reporting * 3 < total * 2 {
        2
    } else {
        3
    }
}

/// The legend's label keys, band by band.
pub const BANDS: [&str; 4] = [
    "overview.band_0",
    "overview.band_1",
    "overview.band_2",
    "overview.band_3",
];

/// Everything the national overview shows for a year.
pub struct NationalView {
    pub year: i32,
    pub demo: bool,
    pub standings: [&'static str; 6],
    pub bands: [&'static str; 4],
    pub districts: Vec<DistrictLine>,
    pub tiles: Vec<Tile>,
    pub tables: Vec<FigureTable>,
}

/// The national overview of `year` from its roll-up and the municipalities' standings.
pub fn national_view(tr: &Tr, r: &Rollup, st: &Standings) -> NationalView {
    let year = r.year;
    let districts: Vec<DistrictLine> = r
        .districts
        .iter()
        .map(|d| DistrictLine {
            code: d.code.clone(),
            name: tr.place(&d.name),
            link: format!("/districts/{}?year={year}", d.code),
            total: d.municipalities.len(),
            reporting: d.reporting(),
            standings: counts(
                &d.municipalities
                    .iter()
                    .map(|m| standing_of(&m.code, st))
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let tiles = districts
        .iter()
        .map(|d| Tile {
            code: d.code.clone(),
            name: d.name.clone(),
            link: d.link.clone(),
            reporting: d.reporting,
            total: d.total,
            band: band(d.reporting, d.total),
        })
        .collect();
    let by_district = FigureTable {
        id: "districts",
        caption: tr.t("overview.figures_caption").to_string(),
        first_header: tr.t("home.district").to_string(),
        rows: r
            .districts
            .iter()
            .map(|d| {
                figure_row(
                    tr,
                    tr.place(&d.name),
                    Some(format!("/districts/{}?year={year}", d.code)),
                    &d.totals.all,
                )
            })
            .collect(),
        total: figure_row(tr, tr.t("overview.total").to_string(), None, &r.totals.all),
    };
    NationalView {
        year,
        demo: r.totals.demo_rounds > 0,
        standings: STANDINGS,
        bands: BANDS,
        districts,
        tiles,
        tables: vec![by_district, area_table(tr, &r.totals)],
    }
}

/// The national overview of `year` read from the database (the roll-up from its cache).
pub async fn load(state: &AppState, tr: &Tr, year: i32) -> Result<NationalView, AppError> {
    let r = crate::rollup::store::rollup(&state.db, &state.rollups, year).await?;
    let st = standings_of(state, year).await?;
    Ok(national_view(tr, &r, &st))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_is_shaded_by_its_share_of_municipalities_with_a_closed_round() {
        assert_eq!(band(0, 10), 0);
        assert_eq!(band(0, 0), 0);
        assert_eq!(band(1, 10), 1);
        assert_eq!(band(4, 10), 2);
        assert_eq!(band(7, 10), 3);
        assert_eq!(band(10, 10), 3);
    }
}
