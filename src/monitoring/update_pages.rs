//! An institution's page in a round and the page of one update (the report on one measure):
//! the form, review, evidence and history. Each page is reachable by staff under
//! `/rounds/{id}` and by a submission link under `/s/{token}`.

use super::Action;
use super::evidence_input::{Draft, EvidenceInput, read_evidence, store_with_draft};
use super::input::parse_update;
use super::institution_view::institution_page;
use super::store::{self, MonitoringError, UpdateRow};
use super::update_view::{self, UpdatePage};
use super::views::find_measure;
use super::visit::{Ctx, InstitutionAt};
use crate::files::accept;
use crate::forms::FieldErrors;
use crate::i18n::{Msg, Tr};
use crate::web::download::{self, Disposition};
use crate::web::{AppError, AppState, parse_id, render, upload};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

/// What of an upload form is kept: the largest evidence file and the form around it.
const UPLOAD_LIMIT: usize = accept::MAX_EVIDENCE_BYTES + 1024 * 1024;

/// Request body limit of the evidence form: a file past [`UPLOAD_LIMIT`] (up to this) is read
/// and dropped, so the form comes back with everything typed and says the file is too large.
const DRAIN_LIMIT: usize = 4 * accept::MAX_EVIDENCE_BYTES;

/// Each action has one handler for both addresses: the [`Ctx`] extractor tells the staff
/// visitor (`/rounds/{rid}/…`) from the holder of a link (`/s/{token}/…`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds/{rid}/institutions/{iid}", get(institution))
        .route("/s/{token}", get(institution))
        .route("/rounds/{rid}/updates/{uid}", get(show).post(save))
        .route("/s/{token}/updates/{uid}", get(show).post(save))
        .route("/rounds/{rid}/updates/{uid}/review", post(review))
        .route(
            "/rounds/{rid}/updates/{uid}/evidence",
            post(add_evidence).layer(DefaultBodyLimit::max(DRAIN_LIMIT)),
        )
        .route(
            "/s/{token}/updates/{uid}/evidence",
            post(add_evidence).layer(DefaultBodyLimit::max(DRAIN_LIMIT)),
        )
        .route("/rounds/{rid}/evidence/{eid}", get(download))
        .route("/s/{token}/evidence/{eid}", get(download))
}

#[derive(Deserialize)]
struct UpdateAt {
    uid: String,
}

#[derive(Deserialize)]
struct EvidenceAt {
    eid: String,
}

async fn institution(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<InstitutionAt>,
) -> Result<Html<String>, AppError> {
    let iid = ctx.institution(at.iid.as_deref())?;
    institution_page(tr, &state, &ctx, iid, Vec::new())
        .await
        .map(Html)
}

/// The update, when this visitor may see it; otherwise "not found" (nothing is revealed).
async fn visible_update(state: &AppState, ctx: &Ctx, uid: &str) -> Result<UpdateRow, AppError> {
    let uid = parse_id(uid, "отчет")?;
    store::get_update(&state.db, ctx.round.id, uid)
        .await?
        .filter(|u| ctx.may(&ctx.view(u.institution_id)))
        .ok_or_else(|| AppError::not_found(format!("Няма отчет с номер {uid} в този кръг.")))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<UpdateAt>,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    let u = visible_update(&state, &ctx, &at.uid).await?;
    let fields = update_view::stored_fields(&u);
    let mut page = UpdatePage::build(&state, &ctx, tr, &u, &fields, FieldErrors::default()).await?;
    page.done = q
        .done
        .filter(|d| ["saved", "submitted", "reviewed", "evidence"].contains(&d.as_str()));
    Ok(render(&page)?.into_response())
}

/// Saves (or submits, with `action=submit`) the values of an update. Errors come back in the
/// form next to their fields, and nothing is stored.
async fn save(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<UpdateAt>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let u = visible_update(&state, &ctx, &at.uid).await?;
    ctx.require(&ctx.edit(u.institution_id))?;
    let sp = state.plan(ctx.round.plan_id).await?;
    let measure = sp
        .as_ref()
        .and_then(|s| find_measure(&s.plan, &u.measure_key))
        .ok_or_else(|| AppError::not_found("Мярката вече не е в плана."))?;
    let submit = fields.iter().any(|(k, v)| k == "action" && v == "submit");
    // Evidence chosen in the form but sent with "save" or "submit" (which carry no file): the
    // form comes back with everything kept and says to attach it, rather than dropping it.
    let pending = ["file", "url"].iter().any(|name| {
        fields
            .iter()
            .any(|(k, v)| k == name && !v.trim().is_empty())
    });
    if pending {
        let mut errors = FieldErrors::default();
        errors.add("evidence_file", tr.t("mon.evidence_pending"));
        let page = UpdatePage::build(&state, &ctx, tr, &u, &fields, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let audit = |state_now: &super::State| {
        let action = match state_now {
            super::State::Resubmitted => "update.resubmit",
            _ if submit => "update.submit",
            _ => "update.save",
        };
        let after = serde_json::json!({
            "state": state_now.code(),
            "status": fields.iter().find(|(k, _)| k == "status").map(|(_, v)| v),
        });
        Some(ctx.event(action, "update", u.id, after))
    };
    let result = match parse_update(measure, ctx.round.year as i32, &fields, tr) {
        Ok(input) => store::save_update(
            &state.db,
            ctx.round.id,
            u.id,
            &input,
            submit,
            &ctx.by,
            audit,
        )
        .await
        .map_err(Err),
        Err(errors) => Err(Ok(errors)),
    };
    match result {
        Ok(_) => {
            let done = if submit { "submitted" } else { "saved" };
            let answer =
                Redirect::to(&format!("{}/updates/{}?done={done}", ctx.base, u.id)).into_response();
            // Saved, not submitted: the update's state and what public pages count stay.
            Ok(if submit {
                answer
            } else {
                crate::web::cache::unpublished(answer)
            })
        }
        Err(outcome) => {
            let mut errors = FieldErrors::default();
            let mut status = StatusCode::UNPROCESSABLE_ENTITY;
            match outcome {
                Ok(field_errors) => errors = field_errors,
                Err(MonitoringError::Workflow(w)) => {
                    // The update's state does not allow this (any more): a conflict.
                    status = w.status();
                    errors.add("", w.to_string());
                }
                Err(MonitoringError::Refused(m)) => errors.add("", m),
                Err(e) => return Err(e.into()),
            }
            let page = UpdatePage::build(&state, &ctx, tr, &u, &fields, errors).await?;
            Ok((status, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Deserialize)]
struct ReviewForm {
    action: String,
    #[serde(default)]
    reason: String,
}

async fn review(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<UpdateAt>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let u = visible_update(&state, &ctx, &at.uid).await?;
    ctx.require(&ctx.review())?;
    let action = match f.action.as_str() {
        "approve" => Action::Approve,
        "return" => Action::Return { reason: f.reason },
        _ => return Err(AppError::BadRequest("Непознато действие.".into())),
    };
    let audit = |to: &super::State| {
        let (name, reason) = match &action {
            Action::Return { reason } => ("update.return", Some(reason.clone())),
            _ => ("update.approve", None),
        };
        let after = serde_json::json!({"state": to.code(), "reason": reason});
        Some(ctx.event(name, "update", u.id, after))
    };
    match store::review(&state.db, ctx.round.id, u.id, &action, &ctx.by, audit).await {
        Ok(_) => Ok(
            Redirect::to(&format!("{}/updates/{}?done=reviewed", ctx.base, u.id)).into_response(),
        ),
        Err(MonitoringError::Workflow(w)) => {
            let mut errors = FieldErrors::default();
            errors.add("reason", w.to_string());
            let fields = update_view::stored_fields(&u);
            let page = UpdatePage::build(&state, &ctx, tr, &u, &fields, errors).await?;
            Ok((w.status(), Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Attaches a file or a link as evidence. The update form sends itself whole to this address
/// (its "attach" button, multipart): the values typed beside the evidence are saved as the
/// draft in the same transaction, and the form comes back with everything kept. A refused
/// file, link or value is said next to its field, everything typed is shown again, and nothing
/// is stored. A form sending only the evidence (no status field) leaves the values as they are.
async fn add_evidence(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<UpdateAt>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let u = visible_update(&state, &ctx, &at.uid).await?;
    ctx.require(&ctx.edit(u.institution_id))?;
    let (mut sent, refused) = upload::read_keeping(multipart, UPLOAD_LIMIT).await;
    let mut errors = FieldErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let with_draft = sent.fields.iter().any(|(k, _)| k == "status");
    let draft = if with_draft {
        let sp = state.plan(ctx.round.plan_id).await?;
        let measure = sp
            .as_ref()
            .and_then(|s| find_measure(&s.plan, &u.measure_key))
            .ok_or_else(|| AppError::not_found("Мярката вече не е в плана."))?;
        match parse_update(measure, ctx.round.year as i32, &sent.fields, tr) {
            Ok(input) => Some(input),
            Err(field_errors) => {
                errors = field_errors;
                None
            }
        }
    } else {
        None
    };
    let input = EvidenceInput {
        title: sent.field("title").to_string(),
        url: sent.field("url").to_string(),
        file: sent.file.take().map(|(name, bytes)| (name, bytes.into())),
    };
    let new = match refused {
        Some(upload::Refused(code, _)) => {
            status = code;
            let max = (accept::MAX_EVIDENCE_BYTES / (1024 * 1024)).to_string();
            let m = Msg::new("mon.evidence_too_large").with("max", max);
            errors.add("evidence_file", tr.say(&m));
            None
        }
        None => match read_evidence(&input, tr) {
            Ok(new) if errors.is_empty() => Some(new),
            Ok(_) => {
                errors.add("evidence_file", tr.t("mon.evidence_not_attached"));
                None
            }
            Err(evidence_errors) => {
                errors.0.extend(evidence_errors.0);
                None
            }
        },
    };
    if let Some(new) = new {
        let event = |eid: i64, after| ctx.event("evidence.add", "evidence", eid, after);
        let draft = draft.as_ref().map(|input| {
            let after = serde_json::json!({
                "state": u.state.code(),
                "status": sent.field("status"),
            });
            Draft {
                input,
                actor: &ctx.by,
                event: ctx.event("update.save", "update", u.id, after),
            }
        });
        match store_with_draft(&state, ctx.round.id, u.id, new, draft, event).await? {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "{}/updates/{}?done=evidence#evidence",
                    ctx.base, u.id
                ))
                .into_response());
            }
            Err(w) => {
                status = w.status();
                errors.add("evidence_file", w.to_string());
            }
        }
    }
    let mut fields = if with_draft {
        sent.fields
    } else {
        update_view::stored_fields(&u)
    };
    if !with_draft {
        fields.push(("title".into(), input.title));
        fields.push(("url".into(), input.url));
    }
    let page = UpdatePage::build(&state, &ctx, tr, &u, &fields, errors).await?;
    Ok((status, Html(page.render()?)).into_response())
}

async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<EvidenceAt>,
) -> Result<Response, AppError> {
    let eid = parse_id(&at.eid, "доказателство")?;
    let all = store::evidence(&state.db, ctx.round.id, None).await?;
    let e = all
        .into_iter()
        .find(|e| e.id == eid)
        .ok_or_else(|| AppError::not_found("Няма такъв файл в този кръг."))?;
    let u = visible_update(&state, &ctx, &e.update_id.to_string()).await?;
    let _ = u;
    let path = e
        .stored_path
        .as_deref()
        .ok_or_else(|| AppError::not_found("Това доказателство е връзка, не файл."))?;
    let bytes = std::fs::read(state.config.data_dir.join(path))
        .map_err(|err| AppError::Internal(format!("evidence {eid}: {err}")))?;
    let name = e.file_name.unwrap_or_else(|| "file".into());
    let media = e
        .media_type
        .unwrap_or_else(|| "application/octet-stream".into());
    Ok(download::file(
        &media,
        &name,
        Disposition::Attachment,
        bytes,
    ))
}
