//! What the reporting pages show, computed from stored rounds and updates.

use super::store::{self, RoundRow, UpdateRow};
use super::visit::Ctx;
use super::{Reported, State, conflicts, links};
use crate::i18n::Tr;
use crate::plan::views::shorten;
use crate::plan::{Measure, Plan};
use crate::web::{AppError, AppState};
use askama::Template;
use std::collections::BTreeMap;

/// "2024-03-31T10:00:00Z" -> "31.03.2024 г." (or "31 Mar 2024" on English pages)
pub fn day(tr: Tr, ts: &str) -> String {
    tr.date(ts.get(..10).unwrap_or(ts))
}

/// A reported status in the page's language.
pub fn status_label(tr: Tr, s: crate::snapshot::ReportedStatus) -> &'static str {
    match tr.lang {
        crate::i18n::Lang::Bg => s.label_bg(),
        crate::i18n::Lang::En => s.label_en(),
    }
}

pub struct RoundLine {
    pub id: i64,
    pub year: i64,
    pub deadline: String,
    pub open: bool,
}

pub fn round_line(tr: Tr, r: &RoundRow) -> RoundLine {
    RoundLine {
        id: r.id,
        year: r.year,
        deadline: r
            .deadline
            .as_deref()
            .map(|d| tr.date(d))
            .unwrap_or_default(),
        open: r.is_open(),
    }
}

/// The round as its pages head it.
pub struct RoundHeader {
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality: String,
    pub year: i64,
    pub deadline: String,
    pub open: bool,
    pub closed_at: String,
}

pub fn round_header(tr: Tr, r: &RoundRow) -> RoundHeader {
    RoundHeader {
        plan_id: r.plan_id,
        plan_title: r.plan_title.clone(),
        municipality: r.municipality.clone(),
        year: r.year,
        deadline: r
            .deadline
            .as_deref()
            .map(|d| tr.date(d))
            .unwrap_or_else(|| "—".into()),
        open: r.is_open(),
        closed_at: r
            .closed_at
            .as_deref()
            .map(|d| day(tr, d))
            .unwrap_or_default(),
    }
}

/// A measure's short label ("1.2." or its key) and headline.
pub fn measure_label(plan: Option<&Plan>, key: &str) -> (String, String) {
    match plan.and_then(|p| Some((p.measure_number(key)?, p.measures().find(|m| m.key == key)?))) {
        Some((number, m)) => (number, shorten(&m.headline(), 110)),
        None => (key.to_string(), String::new()),
    }
}

pub fn find_measure<'a>(plan: &'a Plan, key: &str) -> Option<&'a Measure> {
    plan.measures().find(|m| m.key == key)
}

pub struct InstLine {
    pub id: i64,
    pub name: String,
    pub assigned: usize,
    pub received: usize,
    pub approved: usize,
    pub missing: usize,
    pub active_links: usize,
}

pub struct UpdateLine {
    pub id: i64,
    pub label: String,
    pub headline: String,
    pub institution: String,
    pub state: State,
    pub status: String,
    pub awaiting: bool,
    pub removable: bool,
}

pub struct ConflictLine {
    pub label: String,
    pub about: String,
    pub detail: String,
}

pub struct LinkLine {
    pub id: i64,
    pub institution: String,
    pub created: String,
    pub revoked: bool,
}

/// Institutions that still owe reports: (id, name, how many), by name.
pub fn owing_institutions(updates: &[UpdateRow]) -> Vec<(i64, String, usize)> {
    let mut by: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for u in updates.iter().filter(|u| !u.state.is_received()) {
        *by.entry((u.institution.clone(), u.institution_id))
            .or_default() += 1;
    }
    by.into_iter().map(|((n, id), c)| (id, n, c)).collect()
}

pub fn conflict_lines(plan: Option<&Plan>, updates: &[UpdateRow]) -> Vec<ConflictLine> {
    let reported: Vec<Reported<'_>> = updates
        .iter()
        .map(|u| Reported {
            measure_key: &u.measure_key,
            institution: &u.institution,
            state: u.state,
            status: u.status,
            values: &u.values,
        })
        .collect();
    conflicts(&reported)
        .into_iter()
        .map(|c| {
            let (label, _) = measure_label(plan, &c.measure_key);
            let about = if c.about == "status" {
                "състояние на изпълнение".to_string()
            } else {
                plan.and_then(|p| find_measure(p, &c.measure_key))
                    .and_then(|m| m.indicators.iter().find(|i| i.key == c.about))
                    .map(|i| format!("индикатор „{}“", shorten(&i.name, 80)))
                    .unwrap_or_else(|| c.about.clone())
            };
            let detail = c
                .reports
                .iter()
                .map(|(i, v)| format!("{i}: {v}"))
                .collect::<Vec<_>>()
                .join("; ");
            ConflictLine {
                label,
                about,
                detail,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "monitoring/round.html")]
pub struct RoundDashboard {
    pub tr: Tr,
    pub csrf: String,
    pub base: String,
    pub round: RoundHeader,
    pub can_manage: bool,
    pub can_review: bool,
    pub feedback: crate::forms::Feedback,
    pub assigned: usize,
    pub received: usize,
    pub approved: usize,
    pub awaiting: usize,
    pub institutions: Vec<InstLine>,
    pub updates: Vec<UpdateLine>,
    pub conflicts: Vec<ConflictLine>,
    pub links: Vec<LinkLine>,
    pub measures: Vec<(String, String)>,
}

impl RoundDashboard {
    pub async fn build(
        state: &AppState,
        ctx: &Ctx,
        tr: Tr,
        feedback: crate::forms::Feedback,
    ) -> Result<RoundDashboard, AppError> {
        let r = &ctx.round;
        let sp = state.plan(r.plan_id).await?;
        let plan = sp.as_ref().map(|s| &s.plan);
        let updates = store::updates(&state.db, r.id, None).await?;
        let link_rows = links::of_round(&state.db, r.id).await?;
        let mut inst: BTreeMap<(String, i64), InstLine> = BTreeMap::new();
        for u in &updates {
            let line = inst
                .entry((u.institution.clone(), u.institution_id))
                .or_insert_with(|| InstLine {
                    id: u.institution_id,
                    name: u.institution.clone(),
                    assigned: 0,
                    received: 0,
                    approved: 0,
                    missing: 0,
                    // A closed round's links work no more.
                    active_links: link_rows
                        .iter()
                        .filter(|l| {
                            r.is_open()
                                && l.institution_id == u.institution_id
                                && l.revoked_at.is_none()
                        })
                        .count(),
                });
            line.assigned += 1;
            if u.state.is_received() {
                line.received += 1;
            } else {
                line.missing += 1;
            }
            if u.state == State::Approved {
                line.approved += 1;
            }
        }
        let open = r.is_open();
        let lines = updates
            .iter()
            .map(|u| {
                let (label, headline) = measure_label(plan, &u.measure_key);
                UpdateLine {
                    id: u.id,
                    label,
                    headline,
                    institution: u.institution.clone(),
                    state: u.state,
                    status: u
                        .status
                        .map(|s| status_label(tr, s).to_string())
                        .unwrap_or_default(),
                    awaiting: open && u.state.awaits_review(),
                    removable: open && u.state == State::NotReceived,
                }
            })
            .collect();
        Ok(RoundDashboard {
            tr,
            csrf: ctx.csrf.clone(),
            base: ctx.base.clone(),
            round: round_header(tr, r),
            can_manage: ctx.may(&ctx.manage()) && open,
            can_review: ctx.may(&ctx.review()) && open,
            feedback,
            assigned: updates.len(),
            received: updates.iter().filter(|u| u.state.is_received()).count(),
            approved: updates
                .iter()
                .filter(|u| u.state == State::Approved)
                .count(),
            awaiting: updates.iter().filter(|u| u.state.awaits_review()).count(),
            institutions: inst.into_values().collect(),
            conflicts: conflict_lines(plan, &updates),
            updates: lines,
            links: link_rows
                .iter()
                .map(|l| LinkLine {
                    id: l.id,
                    institution: l.institution.clone(),
                    created: day(tr, &l.created_at),
                    revoked: l.revoked_at.is_some(),
                })
                .collect(),
            measures: plan
                .map(|p| {
                    p.measures()
                        .map(|m| {
                            let (l, h) = measure_label(Some(p), &m.key);
                            (m.key.clone(), shorten(&format!("{l} {h}"), 90))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}
