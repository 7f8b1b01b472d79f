//! The spreadsheet template of an institution in a round: download, and upload by the
//! coordinator or through the institution's link. An upload is stored whole or not at all;
//! every problem is reported with its sheet, row and column.

use super::input::parse_update;
use super::institution_view::{institution_page, institution_updates};
use super::store::{self, MonitoringError};
use super::update_view::stored_fields;
use super::views::{find_measure, measure_label};
use super::visit::{Ctx, InstitutionAt};
use super::xlsx::{self, SheetError, TemplateHeader, TemplateItem};
use crate::i18n::Tr;
use crate::web::{AppError, AppState};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

const UPLOAD_LIMIT: usize = crate::files::accept::MAX_EVIDENCE_BYTES + 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/rounds/{rid}/institutions/{iid}/template.xlsx",
            get(template),
        )
        .route("/s/{token}/template.xlsx", get(template))
        .route(
            "/rounds/{rid}/institutions/{iid}/upload",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/s/{token}/upload",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
}

async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<InstitutionAt>,
) -> Result<Response, AppError> {
    let institution_id = ctx.institution(at.iid.as_deref())?;
    let (institution, updates) = institution_updates(&state, &ctx, institution_id).await?;
    let sp = state
        .plan(ctx.round.plan_id)
        .await?
        .ok_or_else(|| AppError::not_found("Планът не е намерен."))?;
    let items: Vec<TemplateItem<'_>> = updates
        .iter()
        .filter_map(|u| {
            let measure = find_measure(&sp.plan, &u.measure_key)?;
            Some(TemplateItem {
                measure,
                label: measure_label(Some(&sp.plan), &u.measure_key).0,
                fields: stored_fields(u),
            })
        })
        .collect();
    let deadline = ctx
        .round
        .deadline
        .as_deref()
        .map(crate::dates::display_bg)
        .unwrap_or_else(|| "не е определен".into());
    let header = TemplateHeader {
        round_id: ctx.round.id,
        institution_id,
        institution: &institution,
        plan_title: &sp.plan.title,
        year: ctx.round.year,
        deadline: &deadline,
    };
    let bytes = xlsx::write_template(&header, &items)
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"otchet-{}-{}-{}.xlsx\"",
                    ctx.round.year, ctx.round.id, institution_id
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Checks a whole uploaded template; returns the updates to save or every error found.
async fn check_upload(
    state: &AppState,
    ctx: &Ctx,
    institution_id: i64,
    bytes: &[u8],
) -> Result<Result<Vec<(i64, super::UpdateInput)>, Vec<String>>, AppError> {
    let (owned, round_id, limits) = (bytes.to_vec(), ctx.round.id, state.config.read_limits());
    let read = crate::heavy::run("template upload", move || {
        xlsx::read_template(&owned, round_id, institution_id, limits)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let rows = match read {
        Ok(rows) => rows,
        Err(SheetError::Cells(m)) => return Ok(Err(vec![m])),
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let updates = store::updates(&state.db, ctx.round.id, Some(institution_id)).await?;
    let sp = state
        .plan(ctx.round.plan_id)
        .await?
        .ok_or_else(|| AppError::not_found("Планът не е намерен."))?;
    let mut errors = Vec::new();
    let mut items = Vec::new();
    for row in rows.iter().filter(|r| r.has_data()) {
        let at = format!("лист „{}“, ред {}", xlsx::MEASURES_SHEET, row.row);
        let Some(u) = updates.iter().find(|u| u.measure_key == row.measure_key) else {
            errors.push(format!(
                "{at}: мярка „{}“ не е възложена на институцията в този кръг.",
                row.measure_key
            ));
            continue;
        };
        if !u.state.is_editable() {
            errors.push(format!(
                "{at}: отчетът по тази мярка е {} и не може да се променя.",
                Tr::default().t(u.state.label_key())
            ));
            continue;
        }
        let Some(measure) = find_measure(&sp.plan, &u.measure_key) else {
            errors.push(format!("{at}: мярката вече не е в плана."));
            continue;
        };
        match parse_update(measure, ctx.round.year as i32, &row.fields, Tr::default()) {
            Ok(input) => items.push((u.id, input)),
            Err(field_errors) => {
                for e in field_errors.0 {
                    let place = row
                        .cells
                        .get(&e.field)
                        .map(|c| c.describe())
                        .unwrap_or_else(|| at.clone());
                    errors.push(format!("{place}: {}", e.message));
                }
            }
        }
    }
    if errors.is_empty() && items.is_empty() {
        errors.push("Таблицата е празна: не е попълнена нито една мярка.".into());
    }
    Ok(if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    })
}

async fn upload(
    tr: Tr,
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<InstitutionAt>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let institution_id = ctx.institution(at.iid.as_deref())?;
    if !ctx.may(&ctx.view(institution_id)) {
        return Err(AppError::not_found("Няма такава институция в този кръг."));
    }
    ctx.require(&ctx.edit(institution_id))?;
    let sent = crate::web::upload::read(multipart, UPLOAD_LIMIT).await?;
    let submit = sent.field("submit") == "1";
    let bytes = sent.file.map(|(_, b)| b).unwrap_or_default();
    let outcome = if bytes.is_empty() {
        Err(vec!["Изберете попълнената таблица.".to_string()])
    } else {
        check_upload(&state, &ctx, institution_id, &bytes).await?
    };
    let errors = match outcome {
        Ok(items) => {
            let audit = |n: &usize| {
                let after = serde_json::json!({"institution_id": institution_id, "updates": n, "submitted": submit});
                Some(ctx.event("update.upload", "round", ctx.round.id, after))
            };
            match store::save_many(&state.db, ctx.round.id, &items, submit, &ctx.by, audit).await {
                Ok(_) => {
                    let back = match ctx.link_institution {
                        Some(_) => ctx.base.clone(),
                        None => format!("{}/institutions/{institution_id}", ctx.base),
                    };
                    return Ok(Redirect::to(&back).into_response());
                }
                Err(MonitoringError::Workflow(w)) => {
                    let html =
                        institution_page(tr, &state, &ctx, institution_id, vec![w.to_string()])
                            .await?;
                    return Ok((w.status(), Html(html)).into_response());
                }
                Err(MonitoringError::Refused(m)) => vec![m],
                Err(e) => return Err(e.into()),
            }
        }
        Err(errors) => errors,
    };
    let html = institution_page(tr, &state, &ctx, institution_id, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}
