//! The public pages above the municipality: `/districts` (the nation by district, with the
//! year's totals by national priority area), `/districts/{code}` (every municipality of the
//! district with where it stands, the late ones first) and `/municipalities/{code}` (its plans
//! and standing, linked up to its district). Figures are the roll-up of approved data of
//! closed rounds; generated data is marked as demo data.

use super::{STANDINGS, Standing, counts, standing, store};
use crate::i18n::Tr;
use crate::rollup::api::slot_area;
use crate::rollup::{AREA_SLOTS, DistrictRollup, Figures, Totals};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/districts", get(national))
        .route("/districts/{code}", get(district))
        .route("/municipalities/{slug}", get(municipality))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<String>,
}

/// The year asked for, else the latest with a closed round, else the current one.
async fn year_of(state: &AppState, q: &YearQuery) -> Result<i32, AppError> {
    if let Some(y) = q.year.as_deref().filter(|y| !y.is_empty()) {
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

fn figure_row(name: String, link: Option<String>, f: &Figures) -> FigureRow {
    use crate::money::Currency;
    FigureRow {
        name,
        link,
        measures: f.measures.total(),
        completed: f.measures.completed,
        not_reported: f.measures.not_reported,
        spent_eur: f.money.spent.in_currency(Currency::Eur).display_bg(),
        planned_eur: f.money.planned.in_currency(Currency::Eur).display_bg(),
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
fn area_table(tr: &Tr, t: &Totals) -> FigureTable {
    FigureTable {
        id: "areas",
        caption: tr.t("overview.area_caption").to_string(),
        first_header: tr.t("overview.area").to_string(),
        rows: area_rows(t),
        total: figure_row(tr.t("overview.total").to_string(), None, &t.all),
    }
}

fn area_rows(t: &Totals) -> Vec<FigureRow> {
    (0..AREA_SLOTS)
        .filter_map(|i| {
            let name = slot_area(i).map(|a| a.title_bg().to_string())?;
            Some(figure_row(name, None, &t.areas[i]))
        })
        .collect()
}

pub struct DistrictLine {
    pub name: String,
    pub link: String,
    pub total: usize,
    pub reporting: usize,
    /// Municipalities at each standing, in rank order.
    pub standings: [usize; 6],
}

#[derive(Template)]
#[template(path = "overview/national.html")]
struct NationalPage {
    tr: Tr,
    year: i32,
    demo: bool,
    standings: [&'static str; 6],
    districts: Vec<DistrictLine>,
    tables: Vec<FigureTable>,
}

async fn standings_of(
    state: &AppState,
    year: i32,
) -> Result<
    (
        std::collections::HashMap<String, Vec<(i64, String)>>,
        std::collections::HashMap<i64, super::PlanFacts>,
    ),
    AppError,
> {
    Ok((
        store::plans_in_force(&state.db, year).await?,
        store::plan_facts(&state.db, year).await?,
    ))
}

fn standing_of(
    code: &str,
    plans: &std::collections::HashMap<String, Vec<(i64, String)>>,
    facts: &std::collections::HashMap<i64, super::PlanFacts>,
) -> Standing {
    let mine: Vec<super::PlanFacts> = plans
        .get(code)
        .into_iter()
        .flatten()
        .map(|(id, _)| facts.get(id).cloned().unwrap_or_default())
        .collect();
    standing(&mine)
}

async fn national(
    State(state): State<AppState>,
    tr: Tr,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_of(&state, &q).await?;
    let r = crate::rollup::store::rollup(&state.db, &state.rollups, year).await?;
    let (plans, facts) = standings_of(&state, year).await?;
    let districts: Vec<DistrictLine> = r
        .districts
        .iter()
        .map(|d| DistrictLine {
            name: d.name.clone(),
            link: format!("/districts/{}?year={year}", d.code),
            total: d.municipalities.len(),
            reporting: d.reporting(),
            standings: counts(
                &d.municipalities
                    .iter()
                    .map(|m| standing_of(&m.code, &plans, &facts))
                    .collect::<Vec<_>>(),
            ),
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
                    d.name.clone(),
                    Some(format!("/districts/{}?year={year}", d.code)),
                    &d.totals.all,
                )
            })
            .collect(),
        total: figure_row(tr.t("overview.total").to_string(), None, &r.totals.all),
    };
    render(&NationalPage {
        year,
        demo: r.totals.demo_rounds > 0,
        standings: STANDINGS,
        districts,
        tables: vec![by_district, area_table(&tr, &r.totals)],
        tr,
    })
}

pub struct MunicipalityLine {
    pub figures: FigureRow,
    pub standing_key: &'static str,
    pub rate: Option<String>,
}

#[derive(Template)]
#[template(path = "overview/district.html")]
struct DistrictPage {
    tr: Tr,
    year: i32,
    code: String,
    name: String,
    demo: bool,
    municipalities: Vec<MunicipalityLine>,
    tables: Vec<FigureTable>,
}

async fn district(
    State(state): State<AppState>,
    tr: Tr,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_of(&state, &q).await?;
    let d: DistrictRollup =
        crate::rollup::store::district_rollup(&state.db, &state.rollups, year, &code)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма област с код „{code}“.")))?;
    let (plans, facts) = standings_of(&state, year).await?;
    let mut lines: Vec<(Standing, MunicipalityLine)> = d
        .municipalities
        .iter()
        .map(|m| {
            let s = standing_of(&m.code, &plans, &facts);
            let line = MunicipalityLine {
                figures: figure_row(
                    m.name.clone(),
                    Some(format!("/municipalities/{}?year={year}", m.code)),
                    &m.totals.all,
                ),
                standing_key: s.label_key(),
                rate: s.rate(),
            };
            (s, line)
        })
        .collect();
    lines.sort_by(|a, b| {
        a.0.rank()
            .cmp(&b.0.rank())
            .then(a.1.figures.name.cmp(&b.1.figures.name))
    });
    let by_municipality = FigureTable {
        id: "municipalities",
        caption: tr.t("overview.figures_caption").to_string(),
        first_header: tr.t("home.municipality").to_string(),
        rows: d
            .municipalities
            .iter()
            .map(|m| {
                figure_row(
                    m.name.clone(),
                    Some(format!("/municipalities/{}?year={year}", m.code)),
                    &m.totals.all,
                )
            })
            .collect(),
        total: figure_row(tr.t("overview.total").to_string(), None, &d.totals.all),
    };
    let tables = vec![by_municipality, area_table(&tr, &d.totals)];
    render(&DistrictPage {
        year,
        demo: d.totals.demo_rounds > 0,
        municipalities: lines.into_iter().map(|(_, l)| l).collect(),
        tables,
        code: d.code,
        name: d.name,
        tr,
    })
}

#[derive(Template)]
#[template(path = "overview/municipality.html")]
struct MunicipalityPage {
    tr: Tr,
    year: i32,
    code: String,
    name: String,
    district_code: String,
    district_name: String,
    demo: bool,
    standing_key: &'static str,
    rate: Option<String>,
    plans: Vec<(i64, String)>,
    tables: Vec<FigureTable>,
}

async fn municipality(
    State(state): State<AppState>,
    tr: Tr,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_of(&state, &q).await?;
    let r = crate::rollup::store::rollup(&state.db, &state.rollups, year).await?;
    let (d, m) = r
        .districts
        .iter()
        .find_map(|d| {
            d.municipalities
                .iter()
                .find(|m| m.code == code)
                .map(|m| (d, m))
        })
        .ok_or_else(|| AppError::not_found(format!("Няма община с код „{code}“.")))?;
    let (plans, facts) = standings_of(&state, year).await?;
    let s = standing_of(&m.code, &plans, &facts);
    render(&MunicipalityPage {
        year,
        code: m.code.clone(),
        name: m.name.clone(),
        district_code: d.code.clone(),
        district_name: d.name.clone(),
        demo: m.totals.demo_rounds > 0,
        standing_key: s.label_key(),
        rate: s.rate(),
        plans: plans.get(&m.code).cloned().unwrap_or_default(),
        tables: vec![area_table(&tr, &m.totals)],
        tr,
    })
}
