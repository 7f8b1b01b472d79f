//! `/work`, "Моята работа": the staff home every person lands on after login (see the module
//! comment of `crate::work`). Each row is asked of the policy with the record it is about.

use super::store;
use super::{Tally, report_step, tally};
use crate::i18n::Tr;
use crate::import::access::Importer;
use crate::policy::{Action, Area, Kind};
use crate::report::store::ReportState;
use crate::web::auth::CurrentUser;
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/work", get(work))
}

/// An open round someone oversees.
pub struct RoundItem {
    pub id: i64,
    pub year: i64,
    pub plan_title: String,
    pub municipality: String,
    /// "31.03.2025 г." ("31 Mar 2025"), or empty for a round without a deadline.
    pub deadline: String,
    pub tally: Tally,
    /// The visitor reviews its updates.
    pub reviews: bool,
}

/// The updates of an institution the visitor reports for, in an open round.
pub struct OwnItem {
    pub round_id: i64,
    pub institution_id: i64,
    pub institution: String,
    pub year: i64,
    pub plan_title: String,
    pub deadline: String,
    pub tally: Tally,
}

/// An annual report at a step that is the visitor's.
pub struct ReportItem {
    pub id: i64,
    pub year: i64,
    pub version: i64,
    pub plan_title: String,
    pub municipality: String,
    pub state_key: &'static str,
    pub step_key: &'static str,
}

/// A draft (an import or an amendment) waiting to be finished.
pub struct DraftItem {
    pub href: String,
    pub label: String,
    pub when: String,
}

/// A plan the visitor may act on, with the actions they may take.
pub struct PlanItem {
    pub id: i64,
    pub title: String,
    pub municipality: String,
    pub rounds: bool,
    pub reports: bool,
    pub amend: bool,
    pub links: bool,
}

/// A link to a district's or the nation's pages.
pub struct AreaItem {
    pub name: String,
    pub dashboard: String,
    pub reports: String,
}

#[derive(Template)]
#[template(path = "work/work.html")]
struct WorkPage {
    tr: Tr,
    name: String,
    rounds: Vec<RoundItem>,
    awaiting: usize,
    own: Vec<OwnItem>,
    reports: Vec<ReportItem>,
    imports: Vec<DraftItem>,
    amendments: Vec<DraftItem>,
    plans: Vec<PlanItem>,
    can_import: bool,
    areas: Vec<AreaItem>,
    admin: bool,
    can_audit: bool,
    can_tokens: bool,
}

impl WorkPage {
    fn is_empty(&self) -> bool {
        self.rounds.is_empty()
            && self.own.is_empty()
            && self.reports.is_empty()
            && self.imports.is_empty()
            && self.amendments.is_empty()
            && self.plans.is_empty()
            && self.areas.is_empty()
            && !self.can_import
            && !self.admin
    }
}

/// The plans listed with their actions at most (a national administrator's country has
/// hundreds; the home page lists them all).
const MAX_PLANS: usize = 100;

async fn work(
    State(state): State<AppState>,
    tr: Tr,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let who = user.principal();
    let db = &state.db;
    let (round_tallies, institution_tallies) = tally(&store::open_round_counts(db).await?);
    let open = store::open_rounds(db).await?;
    let deadline = |d: &Option<String>| d.as_deref().map(|d| tr.date(d)).unwrap_or_default();
    let day = |ts: &str| tr.date(ts.get(..10).unwrap_or(ts));
    let mut rounds = Vec::new();
    let mut own = Vec::new();
    for r in &open {
        let record = r.record();
        if who.may(&Action::OverseeRound(record.clone())) {
            rounds.push(RoundItem {
                id: r.id,
                year: r.year,
                plan_title: r.plan_title.clone(),
                municipality: r.municipality.clone(),
                deadline: deadline(&r.deadline),
                tally: round_tallies.get(&r.id).copied().unwrap_or_default(),
                reviews: who.may(&Action::ReviewUpdates(record.clone())),
            });
        }
        for institution_id in who.institutions_in(&record) {
            let Some((institution, t)) = institution_tallies.get(&(r.id, institution_id)) else {
                continue;
            };
            own.push(OwnItem {
                round_id: r.id,
                institution_id,
                institution: institution.clone(),
                year: r.year,
                plan_title: r.plan_title.clone(),
                deadline: deadline(&r.deadline),
                tally: *t,
            });
        }
    }
    let awaiting = rounds
        .iter()
        .filter(|r| r.reviews)
        .map(|r| r.tally.awaiting)
        .sum();
    let reports = store::pending_reports(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            let state = ReportState::parse(&r.state)?;
            let (coordinator, step_key) = report_step(state)?;
            let place = crate::policy::Place::new(r.municipality_id, r.district.clone());
            let mine = if coordinator {
                who.may(&Action::ManageReports(place))
            } else {
                who.may(&Action::ApproveReports(place))
            };
            mine.then(|| ReportItem {
                id: r.id,
                year: r.year,
                version: r.version,
                plan_title: r.plan_title,
                municipality: r.municipality,
                state_key: state.label_key(),
                step_key,
            })
        })
        .collect();
    let plan_rows = store::plans(db).await?;
    let places: HashMap<i64, &store::PlanPlace> = plan_rows.iter().map(|p| (p.id, p)).collect();
    let amendments = store::amendment_drafts(db)
        .await?
        .into_iter()
        .filter_map(|d| {
            let plan = places.get(&d.plan_id)?;
            who.may(&Action::AmendPlan(plan.place()))
                .then(|| DraftItem {
                    href: format!("/plans/{}/amend/{}", d.plan_id, d.id),
                    label: plan.title.clone(),
                    when: day(&d.updated_at),
                })
        })
        .collect();
    let can_import = !who.reach(Kind::ImportPlan).is_empty();
    let imports = if can_import {
        let importer = Importer::of(&state, who.clone(), Some(user.clone())).await?;
        crate::import::store::list_drafts(db)
            .await?
            .into_iter()
            .filter(|d| importer.may_import_for(&d.municipality))
            .map(|d| DraftItem {
                href: format!("/admin/import/{}", d.id),
                label: d.file_name,
                when: day(&d.created_at),
            })
            .collect()
    } else {
        Vec::new()
    };
    let plans = plan_rows
        .iter()
        .map(|p| {
            let place = p.place();
            PlanItem {
                id: p.id,
                title: p.title.clone(),
                municipality: p.municipality.clone(),
                rounds: who.may(&Action::OpenRound(place.clone())),
                reports: who.may(&Action::ManageReports(place.clone())),
                amend: who.may(&Action::AmendPlan(place.clone())),
                links: who.may(&Action::DecideLinks(place)),
            }
        })
        .filter(|p| p.rounds || p.reports || p.amend)
        .take(MAX_PLANS)
        .collect();
    render(&WorkPage {
        tr,
        name: if user.name.is_empty() {
            user.email.clone()
        } else {
            user.name.clone()
        },
        rounds,
        awaiting,
        own,
        reports,
        imports,
        amendments,
        plans,
        can_import,
        areas: areas(&who, tr),
        admin: user.is_admin(),
        can_audit: !who.reach(Kind::ViewAudit).is_empty(),
        can_tokens: !who.reach(Kind::ManageTokens).is_empty(),
    })
}

/// The districts and the nation whose dashboards the visitor may see.
fn areas(who: &crate::policy::Principal, tr: Tr) -> Vec<AreaItem> {
    let reach = who.reach(Kind::ViewDashboard);
    let mut out = Vec::new();
    if who.may(&Action::ViewDashboard(Area::Nation)) {
        out.push(AreaItem {
            name: tr.t("work.nation").to_string(),
            dashboard: "/dashboard/nation".into(),
            reports: "/reports/nation".into(),
        });
    }
    if !(reach.everywhere || reach.national) {
        let tree = crate::territory::tree();
        for code in &reach.districts {
            out.push(AreaItem {
                name: format!(
                    "{} {}",
                    tr.t("work.district"),
                    tree.district(code)
                        .map_or(code.as_str(), |d| d.name.as_str())
                ),
                dashboard: format!("/dashboard/districts/{code}"),
                reports: format!("/districts/{code}/reports"),
            });
        }
    }
    out
}
