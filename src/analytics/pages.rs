//! The public progress dashboards: per plan (a closed round, charts with their data tables)
//! and per municipality (the latest round of each of its plans).

use super::charts::{self, ChartView, percent, status_label};
use super::{Analysis, analyse};
use crate::i18n::Tr;
use crate::plan::store::{self as plans, StoredPlan};
use crate::plan::views::{measure_href, shorten};
use crate::snapshot::store::{self as snapshots, Origin, StoredSnapshot};
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/progress", get(plan_dashboard))
        .route(
            "/municipalities/{slug}/progress",
            get(municipality_dashboard),
        )
}

/// The key figures of a round, formatted.
pub struct RoundView {
    pub year: i32,
    pub closed: String,
    pub sample: bool,
    pub completed_share: String,
    pub measures: usize,
    pub measures_reported: usize,
    pub assignments: usize,
    pub received: usize,
    pub on_time: usize,
    pub late: usize,
    pub institutions: usize,
    pub institutions_reported: usize,
    pub planned_bgn: String,
    pub planned_eur: String,
    pub spent_bgn: String,
    pub spent_eur: String,
    pub disagreements: usize,
    pub unfunded: usize,
}

impl RoundView {
    pub fn new(tr: Tr, stored: &StoredSnapshot, a: &Analysis) -> RoundView {
        let m = &a.money.total;
        RoundView {
            year: a.year,
            closed: stored
                .snapshot
                .closed_at
                .as_deref()
                .map(|t| tr.date(t.get(..10).unwrap_or(t)))
                .unwrap_or_default(),
            sample: stored.origin == Origin::Sample,
            completed_share: a
                .statuses
                .plan
                .completed_share()
                .map_or_else(|| "—".into(), percent),
            measures: a.reporting.measures,
            measures_reported: a.reporting.measures_reported,
            assignments: a.reporting.assignments,
            received: a.reporting.received,
            on_time: a.reporting.on_time,
            late: a.reporting.late,
            institutions: a.reporting.institutions.len(),
            institutions_reported: a.reporting.institutions_reported(),
            planned_bgn: tr.money(m.planned),
            planned_eur: tr.money(m.planned_eur()),
            spent_bgn: tr.money(m.spent),
            spent_eur: tr.money(m.spent_eur()),
            disagreements: a.disagreements(),
            unfunded: m.unfunded,
        }
    }
}

pub struct DiffRow {
    pub href: String,
    pub label: String,
    pub declared: String,
    pub computed: String,
    pub progress: String,
}

pub struct TrendRow {
    pub year: i32,
    pub completed_share: String,
    pub no_report: usize,
    pub received: String,
    pub spent: String,
}

pub fn diff_rows(tr: Tr, stored: &StoredSnapshot, a: &Analysis) -> Vec<DiffRow> {
    let snap = &stored.snapshot;
    a.measures
        .iter()
        .filter(|m| m.disagreement)
        .filter_map(|ma| {
            let m = snap.plan.measures().find(|m| m.key == ma.key)?;
            Some(DiffRow {
                href: measure_href(snap.plan_id, &m.key),
                label: shorten(&m.headline(), 120),
                declared: status_label(tr, ma.status.status),
                computed: ma.computed.label(tr),
                progress: ma.progress.map_or_else(|| "—".into(), percent),
            })
        })
        .collect()
}

pub fn trend_rows(tr: Tr, a: &Analysis) -> Vec<TrendRow> {
    a.years
        .iter()
        .map(|y| TrendRow {
            year: y.year,
            completed_share: y
                .counts
                .completed_share()
                .map_or_else(|| "—".into(), percent),
            no_report: y.counts.no_report,
            received: format!("{} / {}", y.received, y.assignments),
            spent: tr.money(y.spent),
        })
        .collect()
}

/// Maps a funding source as written to its registry name.
pub fn source_canon(sp: &StoredPlan) -> impl Fn(&str) -> String + '_ {
    |s: &str| {
        sp.sources
            .get(s)
            .map_or_else(|| s.trim().to_string(), |e| e.name.clone())
    }
}

#[derive(Template)]
#[template(path = "analytics/dashboard.html")]
struct DashboardPage {
    tr: Tr,
    plan_id: i64,
    title: String,
    municipality: String,
    municipality_slug: String,
    round: Option<RoundView>,
    other_years: Vec<i32>,
    charts: Vec<ChartView>,
    trend: Vec<TrendRow>,
    differences: Vec<DiffRow>,
    silent: Vec<(String, usize)>,
    /// The public page of the year's report, once the council adopted it and it is published.
    report_href: Option<String>,
    /// The district and the nation above the plan's municipality.
    up: Option<crate::overview::UpLinks>,
    /// The plan's version the year was reported on (the one in force then) and the current one.
    plan_version: i64,
    current_version: i64,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<String>,
}

async fn plan_dashboard(
    tr: Tr,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let id = parse_id(&id, "план")?;
    let sp = state
        .plan(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма план с номер „{id}“.")))?;
    let all = snapshots::list_snapshots(&state.db, id).await?;
    let year = match q.year.as_deref().filter(|y| !y.is_empty()) {
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| AppError::BadRequest(format!("„{y}“ не е година.")))?,
        ),
        None => None,
    };
    let chosen = match year {
        Some(y) => Some(all.iter().find(|s| s.snapshot.year == y).ok_or_else(|| {
            AppError::not_found(format!("За {y} г. няма приключил отчетен период."))
        })?),
        None => all.last(),
    };
    let mut page = DashboardPage {
        tr,
        plan_id: id,
        title: sp.plan.title.clone(),
        municipality: sp.plan.municipality.clone(),
        municipality_slug: sp.municipality_slug.clone(),
        round: None,
        other_years: Vec::new(),
        charts: Vec::new(),
        trend: Vec::new(),
        differences: Vec::new(),
        silent: Vec::new(),
        report_href: None,
        up: crate::overview::store::up_links(&state.db, id).await?,
        plan_version: sp.version,
        current_version: sp.version,
    };
    if let Some(stored) = chosen {
        let history: Vec<_> = all.iter().map(|s| s.snapshot.clone()).collect();
        let canon = source_canon(&sp);
        let a = analyse(&stored.snapshot, &history, &canon);
        let plan = &stored.snapshot.plan;
        page.charts = vec![
            ChartView::new(charts::status_chart(tr, "status", plan, &a))?,
            ChartView::new(charts::money_chart(tr, "money", &a))?,
            ChartView::new(charts::indicator_chart(tr, "indicators", &a, None))?,
        ];
        page.other_years = all
            .iter()
            .map(|s| s.snapshot.year)
            .filter(|y| *y != a.year)
            .collect();
        page.trend = trend_rows(tr, &a);
        page.differences = diff_rows(tr, stored, &a);
        page.silent = a
            .reporting
            .silent()
            .map(|i| (i.name.clone(), i.assigned))
            .collect();
        page.round = Some(RoundView::new(tr, stored, &a));
        page.plan_version = stored.snapshot.plan_version;
        page.report_href = crate::report::store::public_version(&state.db, id, a.year)
            .await?
            .map(|_| format!("/plans/{id}/reports/{}", a.year));
    }
    render(&page)
}

pub struct PlanProgress {
    pub id: i64,
    pub title: String,
    pub round: Option<RoundView>,
    pub chart: Option<ChartView>,
    /// Years with a published annual report (newest first).
    pub report_years: Vec<i64>,
}

#[derive(Template)]
#[template(path = "analytics/municipality.html")]
struct MunicipalityPage {
    tr: Tr,
    municipality: String,
    plans: Vec<PlanProgress>,
    up: Option<crate::overview::UpLinks>,
}

async fn municipality_dashboard(
    tr: Tr,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let items: Vec<_> = plans::list_plans(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.municipality_slug == slug)
        .collect();
    let Some(first) = items.first() else {
        return Err(AppError::not_found("Няма такава община."));
    };
    let municipality = first.municipality.clone();
    let up = crate::overview::store::up_links(&state.db, first.id).await?;
    let mut out = Vec::new();
    for item in &items {
        let all = snapshots::list_snapshots(&state.db, item.id).await?;
        let mut progress = PlanProgress {
            id: item.id,
            title: item.title.clone(),
            round: None,
            chart: None,
            report_years: Vec::new(),
        };
        for r in crate::report::store::list_for_plan(&state.db, item.id).await? {
            if r.state() == crate::report::store::ReportState::Published
                && !progress.report_years.contains(&r.year)
            {
                progress.report_years.push(r.year);
            }
        }
        if let (Some(stored), Some(sp)) = (all.last(), state.plan(item.id).await?) {
            let history: Vec<_> = all.iter().map(|s| s.snapshot.clone()).collect();
            let canon = source_canon(&sp);
            let a = analyse(&stored.snapshot, &history, &canon);
            let id = format!("status-{}", item.id);
            progress.chart = Some(ChartView::new(charts::status_chart(
                tr,
                &id,
                &stored.snapshot.plan,
                &a,
            ))?);
            progress.round = Some(RoundView::new(tr, stored, &a));
        }
        out.push(progress);
    }
    render(&MunicipalityPage {
        tr,
        up,
        municipality,
        plans: out,
    })
}
