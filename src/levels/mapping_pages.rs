//! `/plans/{id}/indicators`: the plan's indicators beside the national plan's indicators each
//! may be mapped to (same national priority area, a kind that adds up with it), the stored
//! mapping or else the suggested one chosen; saving stores the coordinator's choice, which the
//! roll-up then adds up by the national indicator. Allowed by [`Action::DecideLinks`] on the
//! plan's place.

use super::mapping::{self, Offer};
use super::store;
use crate::i18n::Tr;
use crate::policy::Action;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}/indicators", get(page).post(save))
}

/// One national indicator offered in a select.
pub struct OfferView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One indicator of the plan with its select.
pub struct Row {
    /// The select's name and id.
    pub field: String,
    pub measure: String,
    pub indicator: String,
    pub offers: Vec<OfferView>,
    /// Whether nothing is stored and the chosen one is a suggestion.
    pub suggested: bool,
}

#[derive(Template)]
#[template(path = "levels/indicators.html")]
struct IndicatorsPage {
    tr: Tr,
    csrf: CsrfToken,
    plan_id: i64,
    title: String,
    national: Option<(i64, String)>,
    rows: Vec<Row>,
    mapped: usize,
}

fn field(measure_key: &str, indicator_key: &str) -> String {
    format!("map-{measure_key}-{indicator_key}")
}

fn value(o: &Offer) -> String {
    format!("{}/{}", o.measure_key, o.indicator_key)
}

/// The plan, its national plan and the offers, after the policy allowed mapping.
struct Setting {
    sp: std::sync::Arc<crate::plan::store::StoredPlan>,
    national: Option<std::sync::Arc<crate::plan::store::StoredPlan>>,
}

async fn setting(state: &AppState, user: &CurrentUser, id: &str) -> Result<Setting, AppError> {
    let sp = state.plan_at(id).await?;
    user.require(&Action::DecideLinks(state.place_of(sp.id).await?))?;
    let mut conn = state.db.pool.acquire().await?;
    let national_id = store::plan_level(&mut conn, sp.id)
        .await?
        .and_then(|l| l.national_plan_id);
    drop(conn);
    let national = match national_id {
        Some(n) => state.plan(n).await?,
        None => None,
    };
    Ok(Setting { sp, national })
}

async fn page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let s = setting(&state, &user, &id).await?;
    let stored: HashMap<(String, String), String> = mapping::mappings(&state.db, s.sp.id)
        .await?
        .into_iter()
        .filter(|r| {
            s.national
                .as_ref()
                .is_some_and(|n| n.id == r.national_plan_id)
        })
        .map(|r| {
            (
                (r.measure_key, r.indicator_key),
                format!("{}/{}", r.national_measure_key, r.national_indicator_key),
            )
        })
        .collect();
    let mut rows = Vec::new();
    if let Some(n) = &s.national {
        let offers = mapping::offers(&s.sp.plan, &n.plan);
        for m in s.sp.plan.measures() {
            for ind in &m.indicators {
                let key = (m.key.clone(), ind.key.clone());
                let list = offers.get(&key).map(Vec::as_slice).unwrap_or_default();
                let kept = stored.get(&key).cloned();
                let suggestion = mapping::suggest(ind, list, &n.plan).map(value);
                let chosen = kept.clone().or(suggestion);
                let mut views = vec![OfferView {
                    value: String::new(),
                    label: tr.t("indicators.none").to_string(),
                    selected: chosen.is_none(),
                }];
                views.extend(list.iter().map(|o| OfferView {
                    value: value(o),
                    label: o.label.clone(),
                    selected: chosen.as_deref() == Some(value(o).as_str()),
                }));
                rows.push(Row {
                    field: field(&m.key, &ind.key),
                    measure: s.sp.plan.measure_number(&m.key).unwrap_or_default(),
                    indicator: ind.name.clone(),
                    offers: views,
                    suggested: kept.is_none() && chosen.is_some(),
                });
            }
        }
    }
    render(&IndicatorsPage {
        tr,
        csrf,
        plan_id: s.sp.id,
        title: s.sp.plan.title.clone(),
        national: s.national.as_ref().map(|n| (n.id, n.plan.title.clone())),
        mapped: stored.len(),
        rows,
    })
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Redirect, AppError> {
    let s = setting(&state, &user, &id).await?;
    let national = s.national.as_ref().ok_or_else(|| {
        AppError::Conflict(
            "Планът не е свързан с национален план: първо посочете кой национален план изпълнява."
                .into(),
        )
    })?;
    let offers = mapping::offers(&s.sp.plan, &national.plan);
    let sent: HashMap<&str, &str> = form.iter().map(|(k, v)| (k.as_str(), v.trim())).collect();
    let mut chosen = Vec::new();
    let mut wrong = Vec::new();
    for m in s.sp.plan.measures() {
        for ind in &m.indicators {
            let key = (m.key.clone(), ind.key.clone());
            let Some(v) = sent
                .get(field(&m.key, &ind.key).as_str())
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            match offers
                .get(&key)
                .and_then(|l| l.iter().find(|o| value(o) == *v))
            {
                Some(o) => chosen.push((key, (o.measure_key.clone(), o.indicator_key.clone()))),
                None => wrong.push(format!(
                    "{} „{}“",
                    s.sp.plan.measure_number(&m.key).unwrap_or_default(),
                    ind.name
                )),
            }
        }
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid {
            message: "Изберете национален индикатор от списъка за:".into(),
            fields: wrong
                .into_iter()
                .map(|w| (w, "няма такъв".into()))
                .collect(),
        });
    }
    let mut tx = state.db.pool.begin().await?;
    mapping::save(
        &mut tx,
        s.sp.id,
        national.id,
        &chosen,
        Some(user.id),
        &user.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/plans/{}/indicators", s.sp.id)))
}
