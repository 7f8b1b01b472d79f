//! The public history of a plan: every version with the council act that made it, newest
//! first (`/plans/{id}/history`), the differences between two versions (`/plans/{id}/diff`),
//! the decision files.

use super::versions::{DiffQuery, diff_of, load_versions};
use super::views::{ChangeView, FieldView, change_views, money_in};
use crate::i18n::Tr;
use crate::plan::diff::ChangeCounts;
use crate::plan::store as plans;
use crate::web::download::{Disposition, file};
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/history", get(history))
        .route("/plans/{id}/diff", get(diff_page))
        .route("/plans/{id}/versions/{n}/decision", get(decision_file))
}

struct VersionView {
    version: i64,
    effective: String,
    saved: String,
    kind: &'static str,
    act: Option<String>,
    reason: String,
    decision_file: Option<String>,
    url: Option<String>,
    note: String,
    changes: Option<ChangeCounts>,
    diff_href: Option<String>,
    plan_href: String,
}

#[derive(Template)]
#[template(path = "amend/history.html")]
struct HistoryPage {
    tr: Tr,
    id: i64,
    title: String,
    versions: Vec<VersionView>,
}

async fn history(
    tr: Tr,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id = parse_id(&id, "план")?;
    let sp = state.plan_at(&id.to_string()).await?;
    let versions = load_versions(&state, id)
        .await?
        .into_iter()
        .map(|v| {
            let n = v.info.version;
            let act = v.info.act.as_ref();
            VersionView {
                version: n,
                effective: tr.date(&v.info.effective_from),
                saved: tr.date(v.info.created_at.get(..10).unwrap_or(&v.info.created_at)),
                kind: match act.map(|a| a.kind) {
                    Some(crate::plan::act::ActKind::Adoption) => "amend.kind.adoption",
                    Some(crate::plan::act::ActKind::Amendment) => "amend.kind.amendment",
                    None if n == 1 => "amend.kind.first",
                    None => "amend.kind.correction",
                },
                act: act.map(|a| a.title(tr)),
                reason: act.map(|a| a.reason.clone()).unwrap_or_default(),
                decision_file: act
                    .and_then(|a| a.file.as_ref())
                    .map(|_| format!("/plans/{id}/versions/{n}/decision")),
                url: act.and_then(|a| a.url.clone()),
                note: v.info.note.clone().unwrap_or_default(),
                changes: v.changes,
                diff_href: (n > 1).then(|| format!("/plans/{id}/diff?from={}&to={n}", n - 1)),
                plan_href: format!("/plans/{id}?version={n}"),
            }
        })
        .collect();
    render(&HistoryPage {
        tr,
        id,
        title: sp.plan.title.clone(),
        versions,
    })
}

#[derive(Template)]
#[template(path = "amend/diff.html")]
struct DiffPage {
    tr: Tr,
    id: i64,
    title: String,
    from: i64,
    to: i64,
    header: Vec<FieldView>,
    changes: Vec<ChangeView>,
    counts: ChangeCounts,
    before_bgn: String,
    after_bgn: String,
}

async fn diff_page(
    tr: Tr,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Html<String>, AppError> {
    let id = parse_id(&id, "план")?;
    let sp = state.plan_at(&id.to_string()).await?;
    let (from, to, d) = diff_of(&state, id, &q).await?;
    let (header, changes) = change_views(&tr, id, &d, true);
    render(&DiffPage {
        id,
        title: sp.plan.title.clone(),
        from,
        to,
        header,
        changes,
        counts: d.counts,
        before_bgn: money_in(tr, &d.money_before.bgn),
        after_bgn: money_in(tr, &d.money_after.bgn),
        tr,
    })
}

async fn decision_file(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = parse_id(&id, "план")?;
    let n = parse_id(&n, "версия")?;
    let f = plans::act_file(&state.db, id, n).await?.ok_or_else(|| {
        AppError::not_found(format!("Версия {n} на план {id} няма файл на решение."))
    })?;
    let bytes = std::fs::read(state.config.data_dir.join(&f.path))
        .map_err(|e| AppError::Internal(format!("решение {}: {e}", f.path)))?;
    Ok(file(&f.media_type, &f.name, Disposition::Attachment, bytes))
}
