//! The staff dashboards of a year (issue 13): `/dashboard` sends district and national staff to
//! theirs; `/dashboard/nation` shows the districts with how many of their municipalities stand
//! where, the late ones first; `/dashboard/districts/{code}` every municipality of the district
//! with its standing, its round, the state of its annual report (unpublished too) and whether
//! it was marked as not reporting, the late ones first. District and national coordinators mark
//! a municipality as not reporting with a reason, or lift the mark, there.

use super::national::{Standings, standing_of, standings_of};
use super::store::{self, StaffFacts};
use super::views::{YearQuery, year_of};
use super::{STANDINGS, Standing, counts, late};
use crate::i18n::Tr;
use crate::policy::{Action, Area, Kind, Place};
use crate::rollup::DistrictRollup;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(mine))
        .route("/dashboard/nation", get(nation))
        .route("/dashboard/districts/{code}", get(district))
        .route("/dashboard/districts/{code}/exempt", post(exempt))
        .route("/dashboard/districts/{code}/lift", post(lift))
}

/// The longest reason kept.
const MAX_REASON: usize = 1000;

/// The dashboard the user's grants lead to: the nation's, else the first district's.
async fn mine(user: CurrentUser) -> Result<Redirect, AppError> {
    let r = user.principal().reach(Kind::ViewDashboard);
    if r.everywhere || r.national {
        return Ok(Redirect::to("/dashboard/nation"));
    }
    match r.districts.first() {
        Some(d) => Ok(Redirect::to(&format!("/dashboard/districts/{d}"))),
        None => Err(AppError::Forbidden),
    }
}

pub struct NationLine {
    pub code: String,
    pub name: String,
    pub total: usize,
    pub late: usize,
    pub exempt: usize,
    pub standings: [usize; 6],
}

#[derive(Template)]
#[template(path = "overview/staff_nation.html")]
struct NationPage {
    tr: Tr,
    csrf: CsrfToken,
    year: i32,
    report: AreaReportLink,
    standings: [&'static str; 6],
    lines: Vec<NationLine>,
    total: NationLine,
}

/// The year's report of a district or of the nation on its dashboard: the newest version
/// (id, state label key), whether the user may start one, and the published ones' page.
pub struct AreaReportLink {
    pub newest: Option<(i64, &'static str)>,
    pub may_start: bool,
    pub start: String,
    pub published: String,
}

async fn report_link(
    state: &AppState,
    user: &CurrentUser,
    area: Area,
    year: i32,
) -> Result<AreaReportLink, AppError> {
    use crate::report::area::{NATION, store as reports};
    let (code, start, published) = match &area {
        Area::Nation => (
            NATION.to_string(),
            "/dashboard/nation/report".to_string(),
            "/reports/nation".to_string(),
        ),
        Area::District(c) => (
            c.clone(),
            format!("/dashboard/districts/{c}/report"),
            format!("/districts/{c}/reports"),
        ),
    };
    let newest = reports::versions(&state.db, &code, year)
        .await?
        .first()
        .map(|r| (r.id, r.state().label_key()));
    Ok(AreaReportLink {
        may_start: newest.is_none() && user.may(&Action::ManageAreaReports(area)),
        newest,
        start,
        published,
    })
}

async fn nation(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    user.require(&Action::ViewDashboard(Area::Nation))?;
    let year = year_of(&state, q.year.as_deref()).await?;
    let r = crate::rollup::store::rollup(&state.db, &state.rollups, year).await?;
    let st = standings_of(&state, year).await?;
    let exempt = store::exemptions(&state.db, year).await?;
    let mut total = NationLine {
        code: String::new(),
        name: tr.t("overview.total").to_string(),
        total: 0,
        late: 0,
        exempt: 0,
        standings: [0; 6],
    };
    let mut lines: Vec<NationLine> = r
        .districts
        .iter()
        .map(|d| {
            let s: Vec<(Standing, bool)> = d
                .municipalities
                .iter()
                .map(|m| (standing_of(&m.code, &st), exempt.contains_key(&m.code)))
                .collect();
            NationLine {
                code: d.code.clone(),
                name: tr.place(&d.name),
                total: s.len(),
                late: s.iter().filter(|(s, e)| late(*s, *e)).count(),
                exempt: s.iter().filter(|(_, e)| *e).count(),
                standings: counts(s.iter().map(|(s, _)| s)),
            }
        })
        .collect();
    for l in &lines {
        total.total += l.total;
        total.late += l.late;
        total.exempt += l.exempt;
        for (a, b) in total.standings.iter_mut().zip(l.standings) {
            *a += b;
        }
    }
    lines.sort_by(|a, b| b.late.cmp(&a.late).then(a.name.cmp(&b.name)));
    render(&NationPage {
        tr,
        csrf,
        report: report_link(&state, &user, Area::Nation, year).await?,
        year,
        standings: STANDINGS,
        lines,
        total,
    })
}

pub struct MunicipalityRow {
    pub code: String,
    pub name: String,
    pub standing_key: &'static str,
    pub rate: Option<String>,
    pub late: bool,
    /// (plan id, title) of its plans in force.
    pub plans: Vec<(i64, String)>,
    /// Rounds of the year by id.
    pub rounds: Vec<i64>,
    /// (report id, state label key) of its plans' latest report versions.
    pub reports: Vec<(i64, &'static str)>,
    pub exemption: Option<String>,
    /// Whether it has plans, rounds or reports to list.
    pub listed: bool,
}

#[derive(Template)]
#[template(path = "overview/staff_district.html")]
struct DistrictPage {
    tr: Tr,
    csrf: CsrfToken,
    year: i32,
    code: String,
    name: String,
    may_exempt: bool,
    may_links: bool,
    nation: bool,
    late: usize,
    rows: Vec<MunicipalityRow>,
    report: AreaReportLink,
}

fn rows(
    d: &DistrictRollup,
    st: &Standings,
    staff: &HashMap<i64, StaffFacts>,
    exempt: &HashMap<String, String>,
) -> Vec<MunicipalityRow> {
    let mut out: Vec<(usize, MunicipalityRow)> = d
        .municipalities
        .iter()
        .map(|m| {
            let s = standing_of(&m.code, st);
            let plans = st.0.get(&m.code).cloned().unwrap_or_default();
            let facts: Vec<&StaffFacts> =
                plans.iter().filter_map(|(id, _)| staff.get(id)).collect();
            let exemption = exempt.get(&m.code).cloned();
            let is_late = late(s, exemption.is_some());
            let listed = !plans.is_empty() || !facts.is_empty();
            let order = if is_late { s.rank() } else { 6 + s.rank() };
            let row = MunicipalityRow {
                code: m.code.clone(),
                name: m.name.clone(),
                standing_key: s.label_key(),
                rate: s.rate(),
                late: is_late,
                rounds: facts.iter().filter_map(|f| f.round).collect(),
                reports: facts
                    .iter()
                    .filter_map(|f| f.report.as_ref())
                    .map(|(id, state)| {
                        let key = crate::report::store::ReportState::parse(state)
                            .map_or("report.state.draft", |s| s.label_key());
                        (*id, key)
                    })
                    .collect(),
                plans,
                exemption,
                listed,
            };
            (order, row)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    out.into_iter().map(|(_, r)| r).collect()
}

/// The district of `code` in `year` with its roll-up; 404 when there is none.
async fn district_of(state: &AppState, year: i32, code: &str) -> Result<DistrictRollup, AppError> {
    crate::rollup::store::district_rollup(&state.db, &state.rollups, year, code)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма област с код „{code}“.")))
}

async fn district(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    user.require(&Action::ViewDashboard(Area::District(code.clone())))?;
    let year = year_of(&state, q.year.as_deref()).await?;
    let d = district_of(&state, year, &code).await?;
    let st = standings_of(&state, year).await?;
    let staff = store::staff_facts(&state.db, year).await?;
    let exempt = store::exemptions(&state.db, year).await?;
    let rows = rows(&d, &st, &staff, &exempt);
    let place = Place::new(0, Some(d.code.clone()));
    let who = user.principal();
    let report = report_link(&state, &user, Area::District(d.code.clone()), year).await?;
    render(&DistrictPage {
        tr,
        csrf,
        report,
        year,
        may_exempt: who.may(&Action::ExemptReporting(place.clone())),
        may_links: who.may(&Action::DecideLinks(place)),
        nation: who.may(&Action::ViewDashboard(Area::Nation)),
        late: rows.iter().filter(|r| r.late).count(),
        rows,
        code: d.code,
        name: tr.place(&d.name),
    })
}

#[derive(Deserialize)]
struct ExemptForm {
    municipality: String,
    year: String,
    #[serde(default)]
    reason: String,
}

/// The municipality of the form, checked to belong to the district `code` in the form's
/// year, and the place the policy judges.
async fn target(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    form: &ExemptForm,
) -> Result<(i32, Option<i64>), AppError> {
    let year = crate::rollup::api::parse_year(&form.year)?;
    let d = district_of(state, year, code).await?;
    if !d.municipalities.iter().any(|m| m.code == form.municipality) {
        return Err(AppError::not_found(format!(
            "Община с код „{}“ не е в област {} през {year} г.",
            form.municipality, d.name
        )));
    }
    let row = store::municipality_row(&state.db, &form.municipality).await?;
    user.require(&Action::ExemptReporting(Place::new(
        row.unwrap_or(0),
        Some(d.code.clone()),
    )))?;
    Ok((year, row))
}

fn back(code: &str, year: i32) -> Redirect {
    Redirect::to(&format!("/dashboard/districts/{code}?year={year}"))
}

async fn exempt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ExemptForm>,
) -> Result<Redirect, AppError> {
    let (year, row) = target(&state, &user, &code, &form).await?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(AppError::Invalid {
            message: format!("Посочете причина (до {MAX_REASON} знака)."),
            fields: vec![("reason".into(), "Посочете причина.".into())],
        });
    }
    let mut tx = state.db.pool.begin().await?;
    store::exempt(
        &mut tx,
        &form.municipality,
        row,
        year,
        reason,
        user.id,
        &user.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&code, year))
}

async fn lift(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ExemptForm>,
) -> Result<Redirect, AppError> {
    let (year, row) = target(&state, &user, &code, &form).await?;
    let mut tx = state.db.pool.begin().await?;
    let lifted =
        store::lift_exemption(&mut tx, &form.municipality, row, year, &user.actor()).await?;
    tx.commit().await?;
    if !lifted {
        return Err(AppError::Conflict(
            "Общината не е отбелязана като неотчитаща се за годината.".into(),
        ));
    }
    Ok(back(&code, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_municipality_with_a_plan_and_no_closed_round_is_late_unless_marked() {
        assert!(
            !late(Standing::NoPlan, false),
            "no plan: nothing to wait for"
        );
        assert!(late(Standing::PlanWithoutRound, false));
        let open = Standing::RoundOpen {
            received: 1,
            expected: 4,
        };
        assert!(late(open, false));
        assert!(!late(open, true), "marked as not reporting");
        assert!(!late(Standing::RoundClosed, false));
        assert!(!late(Standing::Published, false));
    }
}
