//! The public pages above the municipality: `/districts` (the nation by district, with the
//! year's totals by national priority area), `/districts/{code}` (every municipality of the
//! district with where it stands, the late ones first) and `/municipalities/{code}` (its plans
//! and standing, linked up to its district). Figures are the roll-up of approved data of
//! closed rounds; generated data is marked as demo data.

use super::Standing;
use super::national::{self, NationalView, standing_of, standings_of};
use super::views::{FigureRow, FigureTable, YearQuery, area_table, figure_row, year_of};
use crate::i18n::Tr;
use crate::rollup::DistrictRollup;
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;

/// The public overview pages; the router wires the staff dashboards (`staff.rs`) beside them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/districts", get(national))
        .route("/districts/{code}", get(district))
        .route("/municipalities/{slug}", get(municipality))
}

#[derive(Template)]
#[template(path = "overview/national.html")]
struct NationalPage {
    tr: Tr,
    n: NationalView,
}

async fn national(
    State(state): State<AppState>,
    tr: Tr,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_of(&state, q.year.as_deref()).await?;
    let n = national::load(&state, &tr, year).await?;
    render(&NationalPage { n, tr })
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
    let year = year_of(&state, q.year.as_deref()).await?;
    let d: DistrictRollup =
        crate::rollup::store::district_rollup(&state.db, &state.rollups, year, &code)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма област с код „{code}“.")))?;
    let st = standings_of(&state, year).await?;
    let mut lines: Vec<(Standing, MunicipalityLine)> = d
        .municipalities
        .iter()
        .map(|m| {
            let s = standing_of(&m.code, &st);
            let line = MunicipalityLine {
                figures: figure_row(
                    &tr,
                    tr.place(&m.name),
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
                    &tr,
                    tr.place(&m.name),
                    Some(format!("/municipalities/{}?year={year}", m.code)),
                    &m.totals.all,
                )
            })
            .collect(),
        total: figure_row(&tr, tr.t("overview.total").to_string(), None, &d.totals.all),
    };
    let tables = vec![by_municipality, area_table(&tr, &d.totals)];
    render(&DistrictPage {
        year,
        demo: d.totals.demo_rounds > 0,
        municipalities: lines.into_iter().map(|(_, l)| l).collect(),
        tables,
        code: d.code,
        name: tr.place(&d.name),
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
    let year = year_of(&state, q.year.as_deref()).await?;
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
    let st = standings_of(&state, year).await?;
    let s = standing_of(&m.code, &st);
    render(&MunicipalityPage {
        year,
        code: m.code.clone(),
        name: tr.place(&m.name),
        district_code: d.code.clone(),
        district_name: tr.place(&d.name),
        demo: m.totals.demo_rounds > 0,
        standing_key: s.label_key(),
        rate: s.rate(),
        plans: st.0.get(&m.code).cloned().unwrap_or_default(),
        tables: vec![area_table(&tr, &m.totals)],
        tr,
    })
}
