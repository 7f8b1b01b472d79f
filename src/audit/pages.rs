//! The audit log page (read-only): coordinators see their municipalities' events,
//! administrators everything. Filters by date, user and action.

use super::names::{self, Names};
use super::store::{self, Filter, StoredEvent};
use super::view::{self, EventView};
use crate::i18n::Tr;
use crate::policy::Kind;
use crate::web::auth::CurrentUser;
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(audit_page))
}

const PAGE_SIZE: i64 = 100;

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    tr: Tr,
    events: Vec<EventView>,
    total: i64,
    page: i64,
    pages: i64,
    actions: Vec<String>,
    q: AuditQuery,
    /// Administrators see addresses and events without a municipality (logins).
    admin: bool,
    feedback: crate::forms::Feedback,
    /// The query string without `page`, for the paging links.
    query: String,
}

impl AuditPage {
    fn action_label(&self, action: &str) -> String {
        view::action_label(self.tr, action)
    }
}

fn date(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    crate::dates::parse_iso_date(t)
        .map(|_| Some(t.to_string()))
        .map_err(|_| format!("„{t}“ не е дата във вида ГГГГ-ММ-ДД."))
}

fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

async fn audit_page(
    State(state): State<AppState>,
    tr: Tr,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    // Events of the municipalities where the policy lets the user read the log; `None`: all.
    let reach = user.principal().reach(Kind::ViewAudit);
    if reach.is_empty() {
        return Err(AppError::Forbidden);
    }
    let municipalities = (!reach.everywhere).then_some(reach.municipalities);
    let page = q.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let (from, to, error) = match (date(&q.from), date(&q.to)) {
        (Ok(f), Ok(t)) => (f, t, None),
        (Err(e), _) | (_, Err(e)) => (None, None, Some(e)),
    };
    let filter = Filter {
        municipalities: municipalities.clone(),
        from,
        to,
        actor: non_empty(&q.actor),
        action: non_empty(&q.action),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
    };
    let (events, total) = store::list(&state.db, &filter).await?;
    let names = named(&state, &events).await?;
    let query = serde_urlencoded::to_string([
        ("from", q.from.as_str()),
        ("to", q.to.as_str()),
        ("actor", q.actor.as_str()),
        ("action", q.action.as_str()),
    ])
    .unwrap_or_default();
    render(&AuditPage {
        tr,
        events: events
            .into_iter()
            .map(|e| view::event_view(tr, e, &names))
            .collect(),
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        actions: store::actions(&state.db, municipalities.clone()).await?,
        q,
        admin: municipalities.is_none(),
        feedback: error.into(),
        query,
    })
}

/// The names of the events' actors and records, measures by the plan's own numbers.
async fn named(state: &AppState, events: &[StoredEvent]) -> Result<Names, AppError> {
    let mut names = names::read(&state.db, events).await?;
    let mut plans = HashMap::new();
    for u in names.updates.values() {
        if let Entry::Vacant(slot) = plans.entry(u.plan_id) {
            slot.insert(state.plan(u.plan_id).await?);
        }
        let plan = plans.get(&u.plan_id).and_then(|p| p.as_ref());
        if let Some(n) = plan.and_then(|p| p.plan.measure_number(&u.measure_key)) {
            names.numbers.insert((u.plan_id, u.measure_key.clone()), n);
        }
    }
    Ok(names)
}
