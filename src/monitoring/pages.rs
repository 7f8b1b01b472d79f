//! Reporting pages. Staff (coordinator, reviewer, reporter with an account) work under
//! `/rounds/{id}`; an institution without an account works under `/s/{token}` (its personal
//! submission link) on the same handlers, which see only that institution's measures.

use super::links;
use super::store::{self, MonitoringError};
use super::views::{self, RoundDashboard};
use super::visit::{Ctx, Staff};
use crate::audit::Event;
use crate::forms::Feedback;
use crate::i18n::{Msg, Tr};
use crate::policy::Action;
use crate::web::{AppError, AppState, parse_id};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds", get(super::index::index))
        .route("/plans/{id}/rounds", get(plan_rounds).post(open_round))
        .route("/rounds/{rid}", get(dashboard))
        .route("/rounds/{rid}/assignments", post(add_assignment))
        .route(
            "/rounds/{rid}/assignments/{uid}/remove",
            post(remove_assignment),
        )
        .route("/rounds/{rid}/links", post(create_link))
        .route("/rounds/{rid}/reminders", post(reminders))
        .route("/rounds/{rid}/approve", post(bulk_approve))
}

#[derive(Template)]
#[template(path = "monitoring/rounds.html")]
struct RoundsPage {
    tr: Tr,
    csrf: String,
    plan_id: i64,
    plan_title: String,
    municipality: String,
    years: Vec<i32>,
    rounds: Vec<views::RoundLine>,
    feedback: Feedback,
    /// What is wrong with the deadline, shown beside it.
    deadline_error: Option<String>,
    /// The form as sent, shown again with its errors.
    deadline: String,
    no_deadline: bool,
}

/// What a refused form brings back to the page.
#[derive(Default)]
struct OpenRetry {
    feedback: Feedback,
    deadline_error: Option<String>,
    deadline: String,
    no_deadline: bool,
}

async fn plan_rounds(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    rounds_page(tr, &state, &staff, &id, OpenRetry::default())
        .await
        .map(Html)
}

async fn rounds_page(
    tr: Tr,
    state: &AppState,
    staff: &Staff,
    id: &str,
    retry: OpenRetry,
) -> Result<String, AppError> {
    let sp = state.plan_at(id).await?;
    let place = state.place_of(sp.id).await?;
    staff.who.require(&Action::OpenRound(place))?;
    let rounds = store::rounds_of_plan(&state.db, sp.id).await?;
    let taken: Vec<i64> = rounds.iter().map(|r| r.year).collect();
    let page = RoundsPage {
        tr,
        csrf: staff.csrf.clone(),
        plan_id: sp.id,
        plan_title: sp.plan.title.clone(),
        municipality: sp.plan.municipality.clone(),
        years: (sp.plan.period.from..=sp.plan.period.to)
            .filter(|y| !taken.contains(&i64::from(*y)))
            .collect(),
        rounds: rounds.iter().map(|r| views::round_line(tr, r)).collect(),
        feedback: retry.feedback,
        deadline_error: retry.deadline_error,
        deadline: retry.deadline,
        no_deadline: retry.no_deadline,
    };
    Ok(page.render()?)
}

#[derive(Deserialize)]
struct OpenForm {
    year: String,
    #[serde(default)]
    deadline: String,
    /// "yes" when the round is opened without a deadline on purpose.
    #[serde(default)]
    no_deadline: String,
}

async fn open_round(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<OpenForm>,
) -> Result<Response, AppError> {
    let sp = state.plan_at(&id).await?;
    let place = state.place_of(sp.id).await?;
    let municipality_id = place.municipality;
    staff.who.require(&Action::OpenRound(place))?;
    let deadline = f.deadline.trim();
    let no_deadline = f.no_deadline == "yes";
    let retry = |error: Option<String>, deadline_error: Option<String>| OpenRetry {
        feedback: Feedback::from(error),
        deadline_error,
        deadline: deadline.to_string(),
        no_deadline,
    };
    let fail = |retry: OpenRetry| async {
        let html = rounds_page(tr, &state, &staff, &id, retry).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
    };
    let Ok(year) = f.year.trim().parse::<i32>() else {
        return fail(retry(
            Some(tr.say(&Msg::new("mon.error.year").with("year", f.year.trim()))),
            None,
        ))
        .await;
    };
    // A round has a deadline, or is opened without one on purpose (issue 17).
    let deadline_error = if !deadline.is_empty() && crate::dates::parse_iso_date(deadline).is_err()
    {
        Some(tr.say(&Msg::new("mon.error.deadline_date").with("deadline", deadline)))
    } else if deadline.is_empty() && !no_deadline {
        Some(tr.t("mon.error.deadline_missing").to_string())
    } else if !deadline.is_empty() && no_deadline {
        Some(tr.t("mon.error.deadline_both").to_string())
    } else {
        None
    };
    if let Some(e) = deadline_error {
        return fail(retry(None, Some(e))).await;
    }
    let deadline = (!deadline.is_empty()).then_some(deadline);
    let audit = |rid: &i64| {
        let after = serde_json::json!({"plan_id": sp.id, "year": year, "deadline": deadline});
        let e = Event::new(staff.audit.clone(), "round.open", "round", *rid);
        Some(e.municipality(municipality_id).after(&after))
    };
    match store::open_round(&state.db, sp.id, year, deadline, audit).await {
        Ok(rid) => Ok(Redirect::to(&format!("/rounds/{rid}")).into_response()),
        Err(MonitoringError::Refused(m)) => fail(retry(Some(m), None)).await,
        Err(e) => Err(e.into()),
    }
}

async fn dashboard(tr: Tr, State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if !ctx.may(&ctx.oversee()) {
        // A reporter with an account goes straight to its institution.
        let own = ctx.own_institutions();
        let first = own.first().copied().unwrap_or_default();
        return Ok(Redirect::to(&format!("{}/institutions/{first}", ctx.base)).into_response());
    }
    let page = RoundDashboard::build(&state, &ctx, tr, Feedback::default()).await?;
    Ok(Html(page.render()?).into_response())
}

/// Runs a coordinator action and comes back to the dashboard, or shows it with the error.
async fn after_action(
    tr: Tr,
    state: &AppState,
    ctx: &Ctx,
    result: Result<(), MonitoringError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&ctx.base).into_response()),
        Err(MonitoringError::Refused(m) | MonitoringError::NotFound(m)) => {
            let page = RoundDashboard::build(state, ctx, tr, Feedback::message(m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(MonitoringError::Workflow(w)) => {
            let page =
                RoundDashboard::build(state, ctx, tr, Feedback::message(w.to_string())).await?;
            Ok((w.status(), Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `/rounds/{rid}/assignments/{uid}/…` (the round is the [`Ctx`]'s).
#[derive(Deserialize)]
struct AssignmentAt {
    uid: String,
}

#[derive(Deserialize)]
struct AssignForm {
    measure_key: String,
    institution: String,
}

async fn add_assignment(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<AssignForm>,
) -> Result<Response, AppError> {
    ctx.require(&ctx.manage())?;
    let measure_key = f.measure_key.trim();
    let audit = |institution_id: &i64| {
        let after =
            serde_json::json!({"measure_key": measure_key, "institution_id": institution_id});
        Some(ctx.event("assignment.add", "round", ctx.round.id, after))
    };
    let r = store::add_assignment(&state.db, &ctx.round, measure_key, &f.institution, audit).await;
    after_action(tr, &state, &ctx, r).await
}

async fn remove_assignment(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<AssignmentAt>,
) -> Result<Response, AppError> {
    ctx.require(&ctx.manage())?;
    let uid = parse_id(&at.uid, "задача")?;
    let audit =
        |uid: &i64| Some(ctx.event("assignment.remove", "update", *uid, serde_json::json!({})));
    let r = store::remove_assignment(&state.db, &ctx.round, uid, audit).await;
    after_action(tr, &state, &ctx, r).await
}

#[derive(Deserialize)]
struct LinkForm {
    institution_id: String,
}

#[derive(Template)]
#[template(path = "monitoring/links_issued.html")]
struct LinksIssuedPage {
    tr: Tr,
    base: String,
    title: String,
    /// (institution, what is missing, address)
    lines: Vec<(String, String, String)>,
    text: String,
}

/// The public address links are written with: the configured `public_url`, never the
/// request's `Host` header (which the client chooses).
fn public_base(state: &AppState) -> Result<String, AppError> {
    match &state.config.public_url {
        Some(u) => Ok(u.trim_end_matches('/').to_string()),
        None => Err(AppError::Conflict(
            "Връзки за подаване не могат да се издават: не е зададен публичният адрес на \
             системата (настройка public_url или PLANMON_PUBLIC_URL, напр. \
             https://planmon.obshtina.bg). Помолете администратора да го зададе."
                .into(),
        )),
    }
}

async fn create_link(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LinkForm>,
) -> Result<Response, AppError> {
    ctx.require(&ctx.manage())?;
    let institution_id = parse_id(&f.institution_id, "институция")?;
    let base = public_base(&state)?;
    let audit = |link_id: &i64| {
        let after = serde_json::json!({"institution_id": institution_id});
        Some(ctx.event("link.create", "submission_link", *link_id, after))
    };
    match links::create(&state.db, &ctx.round, institution_id, audit).await {
        Ok((_, token)) => {
            let name = store::updates(&state.db, ctx.round.id, Some(institution_id))
                .await?
                .first()
                .map(|u| u.institution.clone())
                .unwrap_or_default();
            let url = format!("{base}/s/{token}");
            let page = LinksIssuedPage {
                tr,
                base: ctx.base.clone(),
                title: tr.t("mon.link_issued").to_string(),
                text: format!("{name}: {url}"),
                lines: vec![(name, String::new(), url)],
            };
            Ok(Html(page.render()?).into_response())
        }
        Err(e) => after_action(tr, &state, &ctx, Err(e)).await,
    }
}

/// The reminder: a fresh personal link for every institution that still owes reports, as a
/// list to copy into e-mails, and an e-mail to each institution's reporters (`mail`).
async fn reminders(tr: Tr, State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(&ctx.manage())?;
    let updates = store::updates(&state.db, ctx.round.id, None).await?;
    let owing = views::owing_institutions(&updates);
    let base = public_base(&state)?;
    let deadline = ctx
        .round
        .deadline
        .as_deref()
        .map(crate::dates::display_bg)
        .unwrap_or_else(|| "—".into());
    let mut lines = Vec::new();
    for (institution_id, name, missing) in owing {
        let audit = |link_id: &i64| {
            let after = serde_json::json!({"institution_id": institution_id, "reminder": true});
            Some(ctx.event("link.create", "submission_link", *link_id, after))
        };
        let (_, token) =
            links::remind(&state.db, &ctx.round, institution_id, missing, audit).await?;
        lines.push((
            name,
            format!("{missing} {}", tr.t("mon.reports_missing")),
            format!("{base}/s/{token}"),
        ));
    }
    let text = lines
        .iter()
        .map(|(n, m, u)| format!("{n} — {m}, {} {deadline}: {u}", tr.t("mon.deadline_lc")))
        .collect::<Vec<_>>()
        .join("\n");
    let page = LinksIssuedPage {
        tr,
        base: ctx.base.clone(),
        title: tr.t("mon.reminder_title").to_string(),
        lines,
        text,
    };
    Ok(Html(page.render()?).into_response())
}

async fn bulk_approve(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.require(&ctx.review())?;
    let ids: Vec<i64> = f
        .iter()
        .filter(|(k, _)| k == "update")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let audit = |n: &usize| {
        let after = serde_json::json!({"approved": n, "updates": ids});
        Some(ctx.event("update.bulk_approve", "round", ctx.round.id, after))
    };
    let r = store::bulk_approve(&state.db, ctx.round.id, &ids, &ctx.by, audit).await;
    let r = r.map(|_| ());
    after_action(tr, &state, &ctx, r).await
}
