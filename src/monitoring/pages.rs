//! Reporting pages. Staff (coordinator, reviewer, reporter with an account) work under
//! `/rounds/{id}`; an institution without an account works under `/s/{token}` (its personal
//! submission link) on the same handlers, which see only that institution's measures.

use super::store::{self, MonitoringError, RoundRow};
use super::views::{self, RoundDashboard};
use super::{WorkflowError, freeze, links};
use crate::audit::{Actor, Event};
use crate::i18n::Tr;
use crate::policy::{Action, Link, Principal};
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id};
use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
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
        .route("/rounds/{rid}/links/{lid}/revoke", post(revoke_link))
        .route("/rounds/{rid}/reminders", post(reminders))
        .route("/rounds/{rid}/approve", post(bulk_approve))
        .route("/rounds/{rid}/close", post(close_round))
        .merge(super::update_pages::routes())
}

/// Who is asking about which round, and the address prefix of its pages.
pub struct Ctx {
    pub round: RoundRow,
    pub who: Principal,
    /// How the visitor appears in the round's history (an e-mail, "link:7").
    pub by: String,
    /// "/rounds/3" or "/s/TOKEN".
    pub base: String,
    /// The institution a submission link speaks for.
    pub link_institution: Option<i64>,
    pub csrf: String,
    /// Who the audit log names for changes made here.
    pub audit: Actor,
}

impl Ctx {
    /// The audit event of a change to this round, which the store records inside the change's
    /// transaction.
    pub fn event(&self, action: &str, entity: &str, id: i64, after: serde_json::Value) -> Event {
        Event::new(self.audit.clone(), action, entity, id)
            .municipality(self.round.municipality_id)
            .after(&after)
    }

    /// Whether the policy allows `action` to this visitor.
    pub fn may(&self, action: &Action) -> bool {
        self.who.may(action)
    }

    /// 403 unless the policy allows `action`.
    pub fn require(&self, action: &Action) -> Result<(), AppError> {
        Ok(self.who.require(action)?)
    }

    pub fn manage(&self) -> Action {
        Action::ManageRound(self.round.record())
    }

    pub fn review(&self) -> Action {
        Action::ReviewUpdates(self.round.record())
    }

    pub fn oversee(&self) -> Action {
        Action::OverseeRound(self.round.record())
    }

    pub fn view(&self, institution: i64) -> Action {
        Action::ViewUpdates {
            round: self.round.record(),
            institution,
        }
    }

    pub fn edit(&self, institution: i64) -> Action {
        Action::EditUpdates {
            round: self.round.record(),
            institution,
        }
    }

    /// The institutions this visitor speaks for in the round.
    pub fn own_institutions(&self) -> Vec<i64> {
        self.who.institutions_in(&self.round.record())
    }
}

/// A visitor of the staff pages (an account or the administration token): who they are to the
/// policy, the form token of their session, and how the history and the audit log name them.
pub struct Staff {
    pub who: Principal,
    pub by: String,
    pub csrf: String,
    pub audit: Actor,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = parts.extensions.get::<CurrentUser>().cloned();
        let Ok(who) = Principal::from_request_parts(parts, state).await;
        let (by, audit) = match (&who, &user) {
            (Principal::Token, _) => (
                "администратор (API)".to_string(),
                Actor {
                    label: "администратор (API)".into(),
                    ..Actor::system()
                },
            ),
            (Principal::User(grants), Some(u)) if !grants.is_empty() => {
                (u.email.clone(), u.actor())
            }
            // Logged in without any role.
            (_, Some(_)) => return Err(AppError::Forbidden.into_response()),
            // Not logged in: the login page, then back here.
            (_, None) => {
                return Err(match CurrentUser::from_request_parts(parts, state).await {
                    Err(login) => login.into_response(),
                    Ok(_) => AppError::Forbidden.into_response(),
                });
            }
        };
        let csrf = CsrfToken::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Staff {
            who,
            by,
            csrf: csrf.value().to_string(),
            audit,
        })
    }
}

pub async fn load_round(state: &AppState, rid: &str) -> Result<RoundRow, AppError> {
    let id = parse_id(rid, "отчетен кръг")?;
    store::get_round(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма отчетен кръг с номер {id}.")))
}

/// A staff visitor on a round: anyone who may see some of it; otherwise "not found", so ids of
/// other municipalities' rounds reveal nothing.
pub async fn staff_ctx(state: &AppState, staff: Staff, rid: &str) -> Result<Ctx, AppError> {
    let round = load_round(state, rid).await?;
    let ctx = Ctx {
        base: format!("/rounds/{}", round.id),
        round,
        who: staff.who,
        by: staff.by,
        link_institution: None,
        csrf: staff.csrf,
        audit: staff.audit,
    };
    if !ctx.may(&ctx.oversee()) && ctx.own_institutions().is_empty() {
        return Err(AppError::not_found(format!(
            "Няма отчетен кръг с номер {rid}."
        )));
    }
    Ok(ctx)
}

/// The visitor of a personal submission link: valid only while the round is open and the link
/// is not revoked.
pub async fn link_ctx(state: &AppState, token: &str) -> Result<Ctx, AppError> {
    let invalid = || {
        AppError::not_found(
            "Тази връзка за подаване на отчет не е валидна: отменена е или отчетният кръг е приключил. \
             Обърнете се към координатора в общината.",
        )
    };
    let (link_id, round_id, institution_id) = links::resolve(&state.db, token)
        .await?
        .ok_or_else(invalid)?;
    let round = store::get_round(&state.db, round_id)
        .await?
        .ok_or_else(invalid)?;
    Ok(Ctx {
        base: format!("/s/{token}"),
        who: Principal::Link(Link {
            link_id,
            round_id,
            institution_id,
        }),
        by: format!("link:{link_id}"),
        round,
        link_institution: Some(institution_id),
        // The form token of link pages is derived from the link (the pages' only credential).
        csrf: crate::web::auth::link_csrf(token),
        audit: Actor::link(link_id, &format!("институция {institution_id}"), None),
    })
}

impl From<MonitoringError> for AppError {
    fn from(e: MonitoringError) -> AppError {
        match e {
            MonitoringError::NotFound(m) => AppError::NotFound(m),
            MonitoringError::Refused(m) => AppError::BadRequest(m),
            MonitoringError::Workflow(w) if w.is_conflict() => AppError::Conflict(w.to_string()),
            MonitoringError::Workflow(w) => AppError::BadRequest(w.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
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
    error: Option<String>,
}

async fn plan_rounds(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    rounds_page(tr, &state, &staff, &id, None).await.map(Html)
}

async fn rounds_page(
    tr: Tr,
    state: &AppState,
    staff: &Staff,
    id: &str,
    error: Option<String>,
) -> Result<String, AppError> {
    let sp = crate::plan::pages::load(state, id).await?;
    let place = views::place_of(state, sp.id).await?;
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
        rounds: rounds.iter().map(views::round_line).collect(),
        error,
    };
    Ok(page.render()?)
}

#[derive(Deserialize)]
struct OpenForm {
    year: String,
    #[serde(default)]
    deadline: String,
}

async fn open_round(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<OpenForm>,
) -> Result<Response, AppError> {
    let sp = crate::plan::pages::load(&state, &id).await?;
    let place = views::place_of(&state, sp.id).await?;
    let municipality_id = place.municipality;
    staff.who.require(&Action::OpenRound(place))?;
    let fail = |msg: String| async {
        let html = rounds_page(tr, &state, &staff, &id, Some(msg)).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
    };
    let Ok(year) = f.year.trim().parse::<i32>() else {
        return fail(format!("Година: „{}“ не е година.", f.year)).await;
    };
    let deadline = f.deadline.trim();
    if !deadline.is_empty() && crate::dates::parse_iso_date(deadline).is_err() {
        return fail(format!("Срок: „{deadline}“ не е дата (ГГГГ-ММ-ДД).")).await;
    }
    let deadline = (!deadline.is_empty()).then_some(deadline);
    let audit = |rid: &i64| {
        let after = serde_json::json!({"plan_id": sp.id, "year": year, "deadline": deadline});
        let e = Event::new(staff.audit.clone(), "round.open", "round", *rid);
        Some(e.municipality(municipality_id).after(&after))
    };
    match store::open_round(&state.db, sp.id, year, deadline, audit).await {
        Ok(rid) => Ok(Redirect::to(&format!("/rounds/{rid}")).into_response()),
        Err(MonitoringError::Refused(m)) => fail(m).await,
        Err(e) => Err(e.into()),
    }
}

async fn dashboard(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(rid): Path<String>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
    if !ctx.may(&ctx.oversee()) {
        // A reporter with an account goes straight to its institution.
        let own = ctx.own_institutions();
        let first = own.first().copied().unwrap_or_default();
        return Ok(Redirect::to(&format!("{}/institutions/{first}", ctx.base)).into_response());
    }
    let page = RoundDashboard::build(&state, &ctx, tr, None).await?;
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
            let page = RoundDashboard::build(state, ctx, tr, Some(m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(MonitoringError::Workflow(w)) => {
            let page = RoundDashboard::build(state, ctx, tr, Some(w.to_string())).await?;
            Ok((w.status(), Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct AssignForm {
    measure_key: String,
    institution: String,
}

async fn add_assignment(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(rid): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
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
    staff: Staff,
    Path((rid, uid)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
    ctx.require(&ctx.manage())?;
    let uid = parse_id(&uid, "задача")?;
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
    staff: Staff,
    Path(rid): Path<String>,
    Form(f): Form<LinkForm>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
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

async fn revoke_link(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path((rid, lid)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
    ctx.require(&ctx.manage())?;
    let lid = parse_id(&lid, "връзка")?;
    let audit = |lid: &i64| {
        Some(ctx.event(
            "link.revoke",
            "submission_link",
            *lid,
            serde_json::json!({}),
        ))
    };
    let r = links::revoke(&state.db, ctx.round.id, lid, audit).await;
    after_action(tr, &state, &ctx, r).await
}

/// The reminder: a fresh personal link for every institution that still owes reports, as a
/// list to copy into e-mails (planmon sends no e-mail itself).
async fn reminders(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(rid): Path<String>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
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
        let (_, token) = links::create(&state.db, &ctx.round, institution_id, audit).await?;
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
    staff: Staff,
    Path(rid): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
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

async fn close_round(
    tr: Tr,
    State(state): State<AppState>,
    staff: Staff,
    Path(rid): Path<String>,
) -> Result<Response, AppError> {
    let ctx = staff_ctx(&state, staff, &rid).await?;
    ctx.require(&ctx.manage())?;
    let audit = |_: &_| {
        let after = serde_json::json!({"year": ctx.round.year, "state": "closed"});
        Some(ctx.event("round.close", "round", ctx.round.id, after))
    };
    let r = freeze::close(&state.db, &ctx.round, audit)
        .await
        .map(|_| ());
    if matches!(
        r,
        Err(MonitoringError::Workflow(WorkflowError::RoundClosed))
    ) {
        return Err(AppError::Conflict("Кръгът вече е приключен.".into()));
    }
    after_action(tr, &state, &ctx, r).await
}
