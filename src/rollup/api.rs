//! `/api/v1/rollup/{year}` (the nation by district) and `/api/v1/rollup/{year}/districts/{code}`
//! (a district by municipality): approved data of closed rounds, added up the tree in force in
//! that year. Money as exact decimal text, in EUR and BGN at the fixed rate and per currency as
//! reported; percentages as numerators and denominators.

use super::{
    AREA_SLOTS, DistrictRollup, Figures, IndicatorTotals, MunicipalityRollup, Purse, Reporting,
    StatusCounts, Totals,
};
use crate::money::Currency;
use crate::plan::NationalArea;
use crate::web::{ApiError, AppError, AppState};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rollup/{year}", get(national))
        .route("/api/v1/rollup/{year}/districts/{code}", get(district))
        .route_layer(axum::middleware::from_fn(crate::web::cache::conditional))
}

/// The roll-up endpoints in the OpenAPI document (`crate::api::openapi` merges it).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(national, district),
    components(schemas(NationalJson, DistrictLevelJson)),
    tags((name = "rollup", description = "Обобщения по области и за страната (публично) / Roll-ups by district and nationally (public)"))
)]
pub struct RollupApi;

/// A reporting year from the URL: four digits in a plausible range, else 404.
pub fn parse_year(text: &str) -> Result<i32, AppError> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::not_found(format!("„{text}“ не е отчетна година.")))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MoneyJson {
    pub planned_eur: String,
    pub spent_eur: String,
    pub planned_bgn: String,
    pub spent_bgn: String,
    /// As planned and reported, before conversion: "BGN" and "EUR".
    pub planned_by_currency: BTreeMap<&'static str, String>,
    pub spent_by_currency: BTreeMap<&'static str, String>,
    pub spent_by_source: Vec<SourceJson>,
    /// The year's planned money by the measure's funding source (a measure of several sources
    /// under their names joined by "; ", as its money is not split among them).
    pub planned_by_source: Vec<PlannedSourceJson>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceJson {
    pub source: String,
    pub spent_eur: String,
    pub spent_bgn: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlannedSourceJson {
    pub source: String,
    pub planned_eur: String,
    pub planned_bgn: String,
}

fn decimal(p: &Purse, c: Currency) -> String {
    p.in_currency(c).to_decimal_string()
}

fn by_currency(p: &Purse) -> BTreeMap<&'static str, String> {
    [(Currency::Bgn, p.bgn), (Currency::Eur, p.eur)]
        .into_iter()
        .map(|(c, minor)| {
            (
                c.code(),
                crate::money::Money::new(minor, c).to_decimal_string(),
            )
        })
        .collect()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportingJson {
    pub expected: u64,
    pub received: u64,
    pub approved: u64,
    pub late: u64,
    /// Approved reports out of those expected, 0-1 rounded to 4 places; null when none expected.
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorsJson {
    pub numbers: u64,
    pub number_sum: f64,
    pub cumulatives: u64,
    pub cumulative_last_sum: f64,
    pub percentages: u64,
    pub numerator: f64,
    pub denominator: f64,
    pub yes: u64,
    pub no: u64,
    pub texts: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiguresJson {
    pub measures: u64,
    pub measures_by_status: BTreeMap<&'static str, u64>,
    pub money: MoneyJson,
    pub people_reached: u64,
    pub indicators: IndicatorsJson,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AreaJson {
    /// A national priority area's code; `none` for measures of no national area.
    pub code: &'static str,
    pub name: &'static str,
    #[serde(flatten)]
    pub figures: FiguresJson,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TotalsJson {
    /// Closed rounds counted.
    pub rounds: u64,
    /// Of those, generated sample rounds: demo data, not real reports.
    pub demo_rounds: u64,
    pub reporting: ReportingJson,
    #[serde(flatten)]
    pub figures: FiguresJson,
    pub priority_areas: Vec<AreaJson>,
    /// The approved values of indicators mapped to the national plan's, added up by the
    /// national indicator.
    pub national_indicators: Vec<NationalIndicatorJson>,
}

/// A national plan's indicator with what the mapped indicators contributed to it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NationalIndicatorJson {
    /// The national plan.
    pub plan_id: i64,
    /// The measure's and the indicator's keys in the national plan.
    pub measure_key: String,
    pub indicator_key: String,
    #[serde(flatten)]
    pub values: IndicatorsJson,
    /// Cumulative indicators without an approved value in the year, their last earlier value
    /// carried forward.
    pub carried: u64,
}

fn rounded(x: Option<f64>) -> Option<f64> {
    x.map(|v| (v * 10_000.0).round() / 10_000.0)
}

fn statuses(s: &StatusCounts) -> BTreeMap<&'static str, u64> {
    s.rows().into_iter().collect()
}

fn indicators(i: &IndicatorTotals) -> IndicatorsJson {
    IndicatorsJson {
        numbers: i.numbers,
        number_sum: i.number_sum,
        cumulatives: i.cumulatives,
        cumulative_last_sum: i.cumulative_sum,
        percentages: i.percentages,
        numerator: i.numerator,
        denominator: i.denominator,
        yes: i.yes,
        no: i.no,
        texts: i.texts,
    }
}

fn reporting(r: &Reporting) -> ReportingJson {
    ReportingJson {
        expected: r.expected,
        received: r.received,
        approved: r.approved,
        late: r.late,
        rate: rounded(r.rate()),
    }
}

fn figures(f: &Figures) -> FiguresJson {
    let m = &f.money;
    FiguresJson {
        measures: f.measures.total(),
        measures_by_status: statuses(&f.measures),
        money: MoneyJson {
            planned_eur: decimal(&m.planned, Currency::Eur),
            spent_eur: decimal(&m.spent, Currency::Eur),
            planned_bgn: decimal(&m.planned, Currency::Bgn),
            spent_bgn: decimal(&m.spent, Currency::Bgn),
            planned_by_currency: by_currency(&m.planned),
            spent_by_currency: by_currency(&m.spent),
            spent_by_source: m
                .spent_by_source
                .iter()
                .map(|(source, p)| SourceJson {
                    source: source.clone(),
                    spent_eur: decimal(p, Currency::Eur),
                    spent_bgn: decimal(p, Currency::Bgn),
                })
                .collect(),
            planned_by_source: m
                .planned_by_source
                .iter()
                .map(|(source, p)| PlannedSourceJson {
                    source: source.clone(),
                    planned_eur: decimal(p, Currency::Eur),
                    planned_bgn: decimal(p, Currency::Bgn),
                })
                .collect(),
        },
        people_reached: f.people_reached,
        indicators: indicators(&f.indicators),
    }
}

/// The national area of each slot of [`Totals::areas`].
pub fn slot_area(slot: usize) -> Option<NationalArea> {
    NationalArea::ALL.get(slot).copied()
}

pub fn totals(t: &Totals) -> TotalsJson {
    TotalsJson {
        rounds: t.rounds,
        demo_rounds: t.demo_rounds,
        reporting: reporting(&t.reporting),
        figures: figures(&t.all),
        priority_areas: (0..AREA_SLOTS)
            .filter(|&i| slot_area(i).is_some() || t.areas[i].measures.total() > 0)
            .map(|i| AreaJson {
                code: slot_area(i).map_or("none", NationalArea::code),
                name: slot_area(i).map_or("Без национален приоритет", NationalArea::title_bg),
                figures: figures(&t.areas[i]),
            })
            .collect(),
        national_indicators: t
            .national
            .iter()
            .filter_map(|(r, totals)| {
                let (plan_id, measure_key, indicator_key) = super::mapped::parse_ref(r)?;
                Some(NationalIndicatorJson {
                    plan_id,
                    measure_key: measure_key.to_string(),
                    indicator_key: indicator_key.to_string(),
                    values: indicators(totals),
                    carried: totals.carried,
                })
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DistrictJson {
    pub code: String,
    pub name: String,
    pub municipalities_total: usize,
    pub municipalities_reporting: usize,
    #[serde(flatten)]
    pub totals: TotalsJson,
    pub url: String,
}

fn district_json(year: i32, d: &DistrictRollup) -> DistrictJson {
    DistrictJson {
        code: d.code.clone(),
        name: d.name.clone(),
        municipalities_total: d.municipalities.len(),
        municipalities_reporting: d.reporting(),
        totals: totals(&d.totals),
        url: format!("/api/v1/rollup/{year}/districts/{}", d.code),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NationalJson {
    pub year: i32,
    pub level: &'static str,
    /// Whether any of the data is generated demo data.
    pub demo: bool,
    pub municipalities_total: usize,
    pub municipalities_reporting: usize,
    pub totals: TotalsJson,
    pub districts: Vec<DistrictJson>,
    /// Plans with a closed round whose municipality is not in the official tree (not counted).
    pub unplaced_plans: Vec<i64>,
}

/// The nation by district: approved data of closed rounds of the year.
#[utoipa::path(
    get,
    path = "/api/v1/rollup/{year}",
    tag = "rollup",
    summary = "Обобщение за страната / National roll-up",
    params(("year" = i32, Path, description = "Отчетната година / The reporting year", example = 2024)),
    responses(
        (status = 200, description = "Обобщението / The roll-up", body = NationalJson),
        (status = 304, description = "Непроменено / Not modified"),
        (status = 404, description = "Не е отчетна година / Not a reporting year", body = crate::web::error::ErrorBody),
    )
)]
pub async fn national(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Json<NationalJson>, ApiError> {
    let year = parse_year(&year)?;
    let r = super::store::rollup(&state.db, &state.rollups, year).await?;
    Ok(Json(NationalJson {
        year,
        level: "national",
        demo: r.totals.demo_rounds > 0,
        municipalities_total: r.districts.iter().map(|d| d.municipalities.len()).sum(),
        municipalities_reporting: r.districts.iter().map(DistrictRollup::reporting).sum(),
        totals: totals(&r.totals),
        districts: r.districts.iter().map(|d| district_json(year, d)).collect(),
        unplaced_plans: r.unplaced.clone(),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MunicipalityJson {
    pub code: String,
    pub name: String,
    /// Plans of the municipality with a closed round in the year.
    pub plans: Vec<i64>,
    #[serde(flatten)]
    pub totals: TotalsJson,
}

fn municipality_json(m: &MunicipalityRollup) -> MunicipalityJson {
    MunicipalityJson {
        code: m.code.clone(),
        name: m.name.clone(),
        plans: m.plans.clone(),
        totals: totals(&m.totals),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DistrictLevelJson {
    pub year: i32,
    pub level: &'static str,
    /// Whether any of the data is generated demo data.
    pub demo: bool,
    pub code: String,
    pub name: String,
    pub municipalities_total: usize,
    pub municipalities_reporting: usize,
    pub totals: TotalsJson,
    pub municipalities: Vec<MunicipalityJson>,
}

/// A district by municipality.
#[utoipa::path(
    get,
    path = "/api/v1/rollup/{year}/districts/{code}",
    tag = "rollup",
    summary = "Обобщение за област / District roll-up",
    params(
        ("year" = i32, Path, description = "Отчетната година / The reporting year", example = 2024),
        ("code" = String, Path, description = "Кодът на областта по ЕКАТТЕ / The district's EKATTE code", example = "PDV"),
    ),
    responses(
        (status = 200, description = "Обобщението / The roll-up", body = DistrictLevelJson),
        (status = 304, description = "Непроменено / Not modified"),
        (status = 404, description = "Няма такава област или година / No such district or year", body = crate::web::error::ErrorBody),
    )
)]
pub async fn district(
    State(state): State<AppState>,
    Path((year, code)): Path<(String, String)>,
) -> Result<Json<DistrictLevelJson>, ApiError> {
    let year = parse_year(&year)?;
    let d = super::store::district_rollup(&state.db, &state.rollups, year, &code)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма област с код „{code}“.")))?;
    Ok(Json(DistrictLevelJson {
        year,
        level: "district",
        demo: d.totals.demo_rounds > 0,
        code: d.code.clone(),
        name: d.name.clone(),
        municipalities_total: d.municipalities.len(),
        municipalities_reporting: d.reporting(),
        totals: totals(&d.totals),
        municipalities: d.municipalities.iter().map(municipality_json).collect(),
    }))
}
