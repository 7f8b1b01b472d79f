//! The irreversible steps of a round, each asked first on a confirmation page
//! (`web::confirm`): closing the round (`/rounds/{rid}/close`: what is still missing, "112 от
//! 114 отчета не са постъпили") and revoking a submission link
//! (`/rounds/{rid}/links/{lid}/revoke`). The GET shows the page; the POST acts only with the
//! confirmation field, otherwise it answers with the page again and changes nothing.

use super::store::{self, MonitoringError};
use super::views::{day, owing_institutions};
use super::visit::Ctx;
use super::{WorkflowError, freeze, links};
use crate::i18n::Tr;
use crate::web::confirm::{Confirm, Fact, confirmed};
use crate::web::{AppError, AppState, parse_id};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds/{rid}/close", get(close_page).post(close_round))
        .route(
            "/rounds/{rid}/links/{lid}/revoke",
            get(revoke_page).post(revoke_link),
        )
}

fn closed_already() -> AppError {
    AppError::Conflict("Кръгът вече е приключен.".into())
}

/// The confirmation of closing: what is missing and what closing does.
async fn close_confirm(
    state: &AppState,
    ctx: &Ctx,
    tr: Tr,
    unconfirmed: bool,
) -> Result<Confirm, AppError> {
    ctx.require(&ctx.manage())?;
    if !ctx.round.is_open() {
        return Err(closed_already());
    }
    let updates = store::updates(&state.db, ctx.round.id, None).await?;
    let received = updates.iter().filter(|u| u.state.is_received()).count();
    let awaiting = updates.iter().filter(|u| u.state.awaits_review()).count();
    let mut facts = vec![Fact::text(format!(
        "{} {} {} {}",
        updates.len() - received,
        tr.t("confirm.of"),
        updates.len(),
        tr.t("confirm.close_missing")
    ))];
    if awaiting > 0 {
        facts.push(Fact::text(format!(
            "{awaiting} {}",
            tr.t("confirm.close_awaiting")
        )));
    }
    for (_, name, missing) in owing_institutions(&updates) {
        let missing = tr.count(&missing, "confirm.missing_one", "confirm.missing_many");
        facts.push(Fact::about(name, missing));
    }
    Ok(Confirm {
        tr,
        csrf: ctx.csrf.clone(),
        title: format!("{} {}", tr.t("confirm.close_title"), ctx.round.year),
        name: None,
        effects: [
            "confirm.close_frozen",
            "confirm.close_snapshot",
            "confirm.close_links",
            "confirm.close_missing_stay",
        ]
        .iter()
        .map(|k| tr.t(k).to_string())
        .collect(),
        facts,
        action: format!("{}/close", ctx.base),
        button: tr.t("mon.close_round").to_string(),
        back: ctx.base.clone(),
        unconfirmed,
    })
}

async fn close_page(tr: Tr, State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    close_confirm(&state, &ctx, tr, false).await?.answer()
}

async fn close_round(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.require(&ctx.manage())?;
    if !confirmed(&f) {
        return close_confirm(&state, &ctx, tr, true).await?.answer();
    }
    let audit = |_: &_| {
        let after = serde_json::json!({"year": ctx.round.year, "state": "closed"});
        Some(ctx.event("round.close", "round", ctx.round.id, after))
    };
    match freeze::close(&state.db, &ctx.round, audit).await {
        Ok(_) => Ok(Redirect::to(&ctx.base).into_response()),
        Err(MonitoringError::Workflow(WorkflowError::RoundClosed)) => Err(closed_already()),
        Err(e) => Err(e.into()),
    }
}

/// `/rounds/{rid}/links/{lid}/…` (the round is the [`Ctx`]'s).
#[derive(Deserialize)]
struct LinkAt {
    lid: String,
}

/// The confirmation of revoking: whose link it is and since when.
async fn revoke_confirm(
    state: &AppState,
    ctx: &Ctx,
    tr: Tr,
    lid: &str,
    unconfirmed: bool,
) -> Result<(i64, Confirm), AppError> {
    ctx.require(&ctx.manage())?;
    let id = parse_id(lid, "връзка")?;
    let link = links::of_round(&state.db, ctx.round.id)
        .await?
        .into_iter()
        .find(|l| l.id == id && l.revoked_at.is_none())
        .ok_or_else(|| AppError::not_found("Няма такава действаща връзка в този кръг."))?;
    if !ctx.round.is_open() {
        return Err(closed_already());
    }
    Ok((
        id,
        Confirm {
            tr,
            csrf: ctx.csrf.clone(),
            title: tr.t("confirm.revoke_title").to_string(),
            name: Some(link.institution.clone()),
            effects: vec![
                tr.t("confirm.revoke_effect").to_string(),
                tr.t("confirm.revoke_new").to_string(),
            ],
            facts: vec![Fact::text(format!(
                "{} {}.",
                tr.t("confirm.revoke_issued"),
                day(tr, &link.created_at)
            ))],
            action: format!("{}/links/{id}/revoke", ctx.base),
            button: tr.t("mon.revoke").to_string(),
            back: format!("{}#links", ctx.base),
            unconfirmed,
        },
    ))
}

async fn revoke_page(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<LinkAt>,
) -> Result<Response, AppError> {
    revoke_confirm(&state, &ctx, tr, &at.lid, false)
        .await?
        .1
        .answer()
}

async fn revoke_link(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<LinkAt>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (lid, page) = revoke_confirm(&state, &ctx, tr, &at.lid, !confirmed(&f)).await?;
    if page.unconfirmed {
        return page.answer();
    }
    let audit = |lid: &i64| {
        Some(ctx.event(
            "link.revoke",
            "submission_link",
            *lid,
            serde_json::json!({}),
        ))
    };
    links::revoke(&state.db, ctx.round.id, lid, audit).await?;
    Ok(Redirect::to(&format!("{}#links", ctx.base)).into_response())
}
