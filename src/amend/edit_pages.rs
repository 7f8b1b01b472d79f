//! Editing a plan in the browser as an amendment draft (see [`super::work_pages`] for the
//! start and the review): the plan's outline with moves, drops and additions
//! (`/plans/{id}/amend/{draft}/edit`) and a measure's form (`…/measures/{key}`,
//! `…/measures/new`), with errors by field (priorities' and objectives' forms are in
//! [`super::part_pages`]). Nothing is saved as a
//! version here; every change stays in the draft until the review saves it.

use super::draft::{self, Op, apply_op, empty_measure, locate, objective_at};
use super::edit::{self, amount_line};
use super::store;
use super::views::{HandRow, edit_draft, hand_rows, messages, objective_heading, priority_heading};
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::plan::{Measure, Plan};
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/plans/{id}/amend/{draft}/edit",
            get(outline).post(outline_op),
        )
        .route(
            "/plans/{id}/amend/{draft}/measures/{key}",
            get(measure_form).post(measure_save),
        )
}

struct MeasureRow {
    key: String,
    code: String,
    headline: String,
}

struct ObjectiveRow {
    at: String,
    heading: String,
    measures: Vec<MeasureRow>,
}

struct PriorityRow {
    index: usize,
    heading: String,
    objectives: Vec<ObjectiveRow>,
}

#[derive(Template)]
#[template(path = "amend/edit.html")]
struct OutlinePage {
    tr: Tr,
    csrf: CsrfToken,
    id: i64,
    title: String,
    draft: i64,
    priorities: Vec<PriorityRow>,
    /// A decision's draft: its confirmed proposals apply on top of these edits.
    from_decision: bool,
    /// The decision's sentences to apply by hand.
    by_hand: Vec<HandRow>,
}

fn outline_rows(tr: &Tr, plan: &Plan) -> Vec<PriorityRow> {
    plan.priorities
        .iter()
        .enumerate()
        .map(|(pi, p)| PriorityRow {
            index: pi,
            heading: priority_heading(tr, p.number, &p.title),
            objectives: p
                .objectives
                .iter()
                .enumerate()
                .map(|(oi, o)| ObjectiveRow {
                    at: format!("{pi}.{oi}"),
                    heading: objective_heading(tr, o.code.as_deref(), &o.title),
                    measures: o
                        .measures
                        .iter()
                        .map(|m| MeasureRow {
                            key: m.key.clone(),
                            code: m.code.clone().unwrap_or_default(),
                            headline: crate::plan::views::shorten(&m.headline(), 140),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

async fn outline(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (id, title, row) = edit_draft(&state, &user, &id, &d).await?;
    let by_hand = match &row.draft.origin {
        draft::Origin::Decision { reading, .. } => hand_rows(id, row.id, &row.draft.plan, reading),
        _ => Vec::new(),
    };
    let page = OutlinePage {
        priorities: outline_rows(&tr, &row.draft.plan),
        from_decision: matches!(row.draft.origin, draft::Origin::Decision { .. }),
        by_hand,
        tr,
        csrf,
        id,
        title,
        draft: row.id,
    };
    Ok(render(&page)?.into_response())
}

/// A button of the outline: move a measure up or down, drop it, drop an objective, add one.
async fn outline_op(
    user: CurrentUser,
    State(state): State<AppState>,
    Path((id, d)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (id, _, mut row) = edit_draft(&state, &user, &id, &d).await?;
    let op = edit::Fields(&fields).get("op").to_string();
    let op = Op::parse(&op)
        .ok_or_else(|| AppError::BadRequest(format!("„{op}“: няма такова действие.")))?;
    if !apply_op(&mut row.draft.plan, &op) {
        return Err(AppError::not_found(
            "Няма такава мярка или цел в изменението.",
        ));
    }
    let anchor = match &op {
        Op::AddPriority => {
            let p = row.draft.plan.priorities.len() - 1;
            store::update_draft(&state.db, &row).await?;
            return Ok(
                Redirect::to(&format!("/plans/{id}/amend/{}/priorities/{p}", row.id))
                    .into_response(),
            );
        }
        Op::AddObjective(p) => {
            let n = row.draft.plan.priorities[*p].objectives.len() - 1;
            store::update_draft(&state.db, &row).await?;
            return Ok(
                Redirect::to(&format!("/plans/{id}/amend/{}/objectives/{p}.{n}", row.id))
                    .into_response(),
            );
        }
        Op::Up(k) | Op::Down(k) => format!("#m-{k}"),
        _ => String::new(),
    };
    store::update_draft(&state.db, &row).await?;
    Ok(Redirect::to(&format!("/plans/{id}/amend/{}/edit{anchor}", row.id)).into_response())
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct IndicatorRow {
    n: usize,
    key: String,
    name: String,
    unit: String,
    baseline: String,
    target: String,
    target_year: String,
    removable: bool,
}

#[derive(Template)]
#[template(path = "amend/measure.html")]
struct MeasurePage {
    tr: Tr,
    csrf: CsrfToken,
    id: i64,
    title: String,
    draft: i64,
    key: String,
    is_new: bool,
    objectives: Vec<Choice>,
    statuses: Vec<String>,
    values: Vec<(&'static str, String)>,
    indicators: Vec<IndicatorRow>,
    feedback: Feedback,
}

impl MeasurePage {
    fn value(&self, field: &str) -> &str {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The text areas: (field, label, hint, rows).
    fn areas(&self) -> Vec<(&'static str, &str, &str, u8)> {
        [
            (
                "activities",
                "amend.form.activities",
                "amend.form.activities_hint",
                4,
            ),
            ("tasks", "amend.form.tasks", "amend.form.tasks_hint", 2),
            (
                "institutions",
                "amend.form.institutions",
                "amend.form.institutions_hint",
                3,
            ),
            (
                "amounts",
                "amend.form.amounts",
                "amend.form.amounts_hint",
                3,
            ),
            (
                "sources",
                "amend.form.sources",
                "amend.form.sources_hint",
                2,
            ),
        ]
        .into_iter()
        .map(|(f, l, h, r)| (f, self.tr.t(l), self.tr.t(h), r))
        .collect()
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.feedback.error(field)
    }

    /// The error of field `x` of the `n`th indicator row.
    fn indicator_error(&self, n: &usize, x: &str) -> Option<&str> {
        self.feedback.error(&format!("i.{n}.{x}"))
    }
}

/// The measure's form values: from the measure, or as typed when it came back with errors.
fn measure_values(m: &Measure, at: &str) -> Vec<(&'static str, String)> {
    vec![
        ("objective", at.to_string()),
        ("code", m.code.clone().unwrap_or_default()),
        ("tasks", m.tasks.join("\n")),
        ("activities", m.activities.join("\n")),
        ("institutions", m.institutions.join("\n")),
        (
            "period",
            m.period
                .as_ref()
                .map(|p| p.text.clone())
                .unwrap_or_default(),
        ),
        (
            "amounts",
            m.amounts
                .iter()
                .map(amount_line)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("sources", m.funding_sources.join("\n")),
        ("status", m.status.clone().unwrap_or_default()),
    ]
}

fn indicator_rows(m: &Measure) -> Vec<IndicatorRow> {
    let mut rows: Vec<IndicatorRow> = m
        .indicators
        .iter()
        .enumerate()
        .map(|(n, i)| IndicatorRow {
            n,
            key: i.key.clone(),
            name: i.name.clone(),
            unit: i.unit.clone().unwrap_or_default(),
            baseline: i.baseline.clone().unwrap_or_default(),
            target: i.target.clone().unwrap_or_default(),
            target_year: i.target_year.map(|y| y.to_string()).unwrap_or_default(),
            removable: true,
        })
        .collect();
    rows.push(IndicatorRow {
        n: rows.len(),
        key: String::new(),
        name: String::new(),
        unit: String::new(),
        baseline: String::new(),
        target: String::new(),
        target_year: String::new(),
        removable: false,
    });
    rows
}

fn objective_choices(tr: &Tr, plan: &Plan, at: &str) -> Vec<Choice> {
    plan.priorities
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| {
            p.objectives
                .iter()
                .enumerate()
                .map(move |(oi, o)| (pi, oi, p, o))
        })
        .map(|(pi, oi, p, o)| Choice {
            value: format!("{pi}.{oi}"),
            label: format!(
                "{} — {}",
                p.number.map_or(p.title.clone(), |n| format!("{n}")),
                objective_heading(tr, o.code.as_deref(), &o.title)
            ),
            selected: at == format!("{pi}.{oi}"),
        })
        .collect()
}

/// The statuses the plan's measures declare, and the usual ones, for the status field's list.
fn statuses(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = ["Текущ", "Предстои", "Изпълнена", "Неизпълнена"]
        .map(String::from)
        .to_vec();
    for s in plan.measures().filter_map(|m| m.status.as_deref()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

#[derive(serde::Deserialize, Default)]
struct NewAt {
    objective: Option<String>,
}

async fn measure_form(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d, key)): Path<(String, String, String)>,
    Query(q): Query<NewAt>,
) -> Result<Response, AppError> {
    let (id, title, row) = edit_draft(&state, &user, &id, &d).await?;
    let plan = &row.draft.plan;
    let (measure, at) = if key == "new" {
        let at = q.objective.unwrap_or_else(|| "0.0".into());
        objective_at(plan, &at).ok_or_else(|| AppError::not_found("Няма такава цел."))?;
        (empty_measure(String::new()), at)
    } else {
        let (pi, oi, i) = locate(plan, &key)
            .ok_or_else(|| AppError::not_found("Няма такава мярка в изменението."))?;
        (
            plan.priorities[pi].objectives[oi].measures[i].clone(),
            format!("{pi}.{oi}"),
        )
    };
    let page = MeasurePage {
        statuses: statuses(plan),
        objectives: objective_choices(&tr, plan, &at),
        values: measure_values(&measure, &at),
        indicators: indicator_rows(&measure),
        is_new: key == "new",
        key,
        feedback: Feedback::default(),
        tr,
        csrf,
        id,
        title,
        draft: row.id,
    };
    Ok(render(&page)?.into_response())
}

async fn measure_save(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, d, key)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (id, title, mut row) = edit_draft(&state, &user, &id, &d).await?;
    let is_new = key == "new";
    if !is_new && locate(&row.draft.plan, &key).is_none() {
        return Err(AppError::not_found("Няма такава мярка в изменението."));
    }
    let real_key = if is_new { String::new() } else { key.clone() };
    match edit::read_measure(&fields, &row.draft.plan, &real_key) {
        Ok((mut measure, at)) => {
            if is_new {
                measure.key = row.draft.new_key();
            }
            let anchor = measure.key.clone();
            edit::put_measure(&mut row.draft.plan, measure, at);
            store::update_draft(&state.db, &row).await?;
            Ok(
                Redirect::to(&format!("/plans/{id}/amend/{}/edit#m-{anchor}", row.id))
                    .into_response(),
            )
        }
        Err(errors) => {
            let f = edit::Fields(&fields);
            let typed = |name: &'static str| (name, f.get(name).to_string());
            let values = [
                "objective",
                "code",
                "tasks",
                "activities",
                "institutions",
                "period",
                "amounts",
                "sources",
                "status",
            ]
            .map(typed)
            .to_vec();
            let mut indicators = Vec::new();
            for n in 0.. {
                if !fields
                    .iter()
                    .any(|(k, _)| k.starts_with(&format!("i.{n}.")))
                {
                    break;
                }
                let g = |x: &str| f.get(&format!("i.{n}.{x}")).to_string();
                indicators.push(IndicatorRow {
                    n,
                    key: g("key"),
                    name: g("name"),
                    unit: g("unit"),
                    baseline: g("baseline"),
                    target: g("target"),
                    target_year: g("target_year"),
                    removable: !g("key").is_empty(),
                });
            }
            let feedback = messages(&tr, errors);
            let page = MeasurePage {
                statuses: statuses(&row.draft.plan),
                objectives: objective_choices(&tr, &row.draft.plan, f.get("objective")),
                values,
                indicators,
                is_new,
                key,
                feedback,
                tr,
                csrf,
                id,
                title,
                draft: row.id,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}
