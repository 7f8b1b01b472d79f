//! `/rounds`: the reporting work of the visitor — every plan they coordinate or review, with
//! its rounds, and the rounds where their institution reports.

use super::store;
use super::views::{RoundLine, round_line};
use super::visit::Staff;
use crate::i18n::Tr;
use crate::policy::{Action, Place};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::extract::State;
use axum::response::Html;

pub struct PlanRounds {
    pub plan_id: i64,
    pub title: String,
    pub municipality: String,
    pub can_manage: bool,
    pub rounds: Vec<RoundLine>,
    /// For a reporter: (round id, institution id) pairs to go straight to.
    pub own: Vec<(i64, i64, i64)>,
}

#[derive(Template)]
#[template(path = "monitoring/index.html")]
struct IndexPage {
    tr: Tr,
    plans: Vec<PlanRounds>,
}

pub async fn index(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Html<String>, AppError> {
    let who = staff.who;
    let plans: Vec<(i64, String, i64, Option<String>, String)> = sqlx::query_as(concat!(
        "SELECT p.id, p.title, p.municipality_id, ",
        crate::district_code_sql!(now),
        ", mu.name FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
             ORDER BY mu.name, p.period_from DESC, p.id"
    ))
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for (plan_id, title, municipality_id, district, municipality) in plans {
        let rounds = store::rounds_of_plan(&state.db, plan_id).await?;
        let can_manage = who.may(&Action::OpenRound(Place::new(municipality_id, district)));
        let oversee = can_manage
            || rounds
                .iter()
                .any(|r| who.may(&Action::OverseeRound(r.record())));
        let own: Vec<(i64, i64, i64)> = rounds
            .iter()
            .flat_map(|r| {
                who.institutions_in(&r.record())
                    .into_iter()
                    .map(move |i| (r.id, r.year, i))
            })
            .collect();
        if !oversee && own.is_empty() {
            continue;
        }
        out.push(PlanRounds {
            plan_id,
            title,
            municipality,
            can_manage,
            rounds: if oversee {
                rounds.iter().map(|r| round_line(tr, r)).collect()
            } else {
                Vec::new()
            },
            own,
        });
    }
    render(&IndexPage { tr, plans: out })
}
