//! An institution's page in a round: its measures, what each update still lacks, and the
//! spreadsheet upload form (shown again with the upload's errors).

use super::store::{self, UpdateRow};
use super::views::{self, find_measure, measure_label};
use super::visit::Ctx;
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::web::{AppError, AppState};
use askama::Template;

pub struct MissingLine {
    pub id: i64,
    pub label: String,
    pub headline: String,
    pub state: super::State,
    pub missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "monitoring/institution.html")]
struct InstitutionPage {
    tr: Tr,
    csrf: String,
    base: String,
    via_link: bool,
    round: views::RoundHeader,
    institution: String,
    institution_id: i64,
    lines: Vec<MissingLine>,
    done: usize,
    can_upload: bool,
    feedback: Feedback,
}

/// What an update still lacks before it can be handed in.
fn missing_parts(tr: Tr, u: &UpdateRow, m: Option<&crate::plan::Measure>) -> Vec<String> {
    if u.state.is_received() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if u.status.is_none() {
        out.push(tr.t("mon.missing_status").to_string());
    }
    if let Some(m) = m {
        let without = m
            .indicators
            .iter()
            .filter(|i| !u.values.iter().any(|v| v.indicator_key == i.key))
            .count();
        if without > 0 {
            out.push(format!("{} {without}", tr.t("mon.missing_values")));
        }
    }
    if u.narrative.trim().is_empty() {
        out.push(tr.t("mon.missing_narrative").to_string());
    }
    if u.state != super::State::NotReceived || !out.is_empty() {
        out.push(tr.t("mon.missing_submit").to_string());
    }
    out
}

/// The name and the updates of an institution in the round, when this visitor may see them;
/// otherwise, or when the institution has no measures in the round, "not found".
pub async fn institution_updates(
    state: &AppState,
    ctx: &Ctx,
    institution_id: i64,
) -> Result<(String, Vec<UpdateRow>), AppError> {
    if !ctx.may(&ctx.view(institution_id)) {
        return Err(AppError::not_found("Няма такава институция в този кръг."));
    }
    let updates = store::updates(&state.db, ctx.round.id, Some(institution_id)).await?;
    let Some(first) = updates.first() else {
        return Err(AppError::not_found(
            "Тази институция няма мерки в този кръг.",
        ));
    };
    Ok((first.institution.clone(), updates))
}

pub async fn institution_page(
    tr: Tr,
    state: &AppState,
    ctx: &Ctx,
    institution_id: i64,
    upload_errors: Vec<String>,
) -> Result<String, AppError> {
    let (institution, updates) = institution_updates(state, ctx, institution_id).await?;
    let sp = state.plan(ctx.round.plan_id).await?;
    let plan = sp.as_ref().map(|s| &s.plan);
    let lines = updates
        .iter()
        .map(|u| {
            let (label, headline) = measure_label(plan, &u.measure_key);
            MissingLine {
                id: u.id,
                label,
                headline,
                state: u.state,
                missing: missing_parts(tr, u, plan.and_then(|p| find_measure(p, &u.measure_key))),
            }
        })
        .collect();
    let page = InstitutionPage {
        tr,
        csrf: ctx.csrf.clone(),
        base: ctx.base.clone(),
        via_link: ctx.link_institution.is_some(),
        round: views::round_header(tr, &ctx.round),
        institution,
        institution_id,
        done: updates.iter().filter(|u| u.state.is_received()).count(),
        lines,
        can_upload: ctx.round.is_open() && ctx.may(&ctx.edit(institution_id)),
        // Each of the sheet's problems leads to the file field.
        feedback: Feedback::fields(
            upload_errors
                .into_iter()
                .map(|m| ("sheet-file".into(), m))
                .collect(),
        )
        .titled("mon.sheet_refused"),
    };
    Ok(page.render()?)
}
