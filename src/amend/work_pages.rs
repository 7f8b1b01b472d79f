//! Amending a plan on the web, for whoever may (`Action::AmendPlan` of the plan's place): the
//! start page reached from the plan page (`/plans/{id}/amend`: upload an amending decision, or
//! edit the plan in the browser, see [`super::edit_pages`]), and the one review every way ends
//! in (`/plans/{id}/amend/{draft}`): the changes, for a decision its recognised proposals beside
//! their source text to confirm one by one, the act's fields, check and save (one transaction
//! with its audit event, see [`super::store::save`]) or discard.

use super::draft::{ActForm, AmendDraft, DecisionFile, Origin};
use super::store::{self, DraftRow};
use super::views::{ChangeView, FieldView, amendable, change_views, draft_of, hand_rows, money_bg};
use super::{Input, decision_media_type, read_input_within};
use crate::forms::Feedback;
use crate::i18n::{Msg, Tr};
use crate::plan::act::ActFile;
use crate::plan::diff::ChangeCounts;
use crate::plan::store::{self as plans, StoredPlan};
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::upload::Refused;
use crate::web::upload::UploadForm;
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/amend", get(start))
        .route(
            "/plans/{id}/amend/decision",
            // The upload's size is checked against `max_upload_bytes` while it is read.
            post(upload_decision).layer(DefaultBodyLimit::disable()),
        )
        .route("/plans/{id}/amend/edit", post(start_edit))
        .route(
            "/plans/{id}/amend/{draft}",
            get(review).post(save).layer(DefaultBodyLimit::disable()),
        )
        .route("/plans/{id}/amend/{draft}/discard", post(discard))
}

struct DraftLink {
    href: String,
    updated: String,
    /// The file it was read from; none for an edit in the browser.
    file_name: Option<String>,
}

#[derive(Template)]
#[template(path = "amend/start.html")]
struct StartPage {
    tr: Tr,
    csrf: CsrfToken,
    id: i64,
    title: String,
    version: i64,
    drafts: Vec<DraftLink>,
    feedback: Feedback,
    max_mb: usize,
}

async fn start_page(
    (tr, csrf): (Tr, CsrfToken),
    state: &AppState,
    sp: &StoredPlan,
    status: StatusCode,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let drafts = store::list_drafts(&state.db, sp.id)
        .await?
        .into_iter()
        .map(|d| DraftLink {
            href: d.href(sp.id),
            updated: crate::dates::display_day(&d.updated_at),
            file_name: d.file_name,
        })
        .collect();
    let page = StartPage {
        tr,
        csrf,
        id: sp.id,
        title: sp.plan.title.clone(),
        version: sp.version,
        drafts,
        feedback: feedback
            .titled("amend.refused")
            .noted("import.nothing_stored"),
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
    };
    Ok((status, render(&page)?).into_response())
}

async fn start(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let sp = amendable(&state, &user, &id).await?;
    start_page((tr, csrf), &state, &sp, StatusCode::OK, Feedback::default()).await
}

fn decision_file(name: &str, bytes: &[u8]) -> Option<DecisionFile> {
    decision_media_type(bytes).map(|media_type| DecisionFile {
        name: name.to_string(),
        media_type: media_type.to_string(),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Reads an amending decision (or a whole amended document) into a draft and opens its review;
/// a file that cannot be read keeps nothing and comes back to the start page with the reason.
async fn upload_decision(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<UploadForm, MultipartRejection>,
) -> Result<Response, AppError> {
    let sp = amendable(&state, &user, &id).await?;
    let refuse = |status, msg: String| {
        start_page(
            (tr, csrf.clone()),
            &state,
            &sp,
            status,
            Feedback::message(msg),
        )
    };
    let Ok(UploadForm(form)) = form else {
        let m = tr.t("amend.err.send_form").to_string();
        return refuse(StatusCode::BAD_REQUEST, m).await;
    };
    let sent = match crate::web::upload::read(form, state.config.max_upload_bytes).await {
        Ok(s) => s,
        Err(Refused(status, msg)) => return refuse(status, msg).await,
    };
    let Some((name, bytes)) = sent.file.filter(|(_, b)| !b.is_empty()) else {
        let m = tr.t("amend.err.choose_file").to_string();
        return refuse(StatusCode::BAD_REQUEST, m).await;
    };
    let (n, b) = (name.clone(), bytes.clone());
    // Reading a document is CPU work, within the importer's limits: off the request threads.
    let limits = state.config.read_limits();
    let read = crate::heavy::run("amend", move || read_input_within(&n, &b, limits))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (origin, plan, file) = match read {
        Ok(Input::Decision { text, reading }) => (
            Origin::Decision {
                text,
                reading,
                chosen: Vec::new(),
            },
            sp.plan.clone(),
            decision_file(&name, &bytes),
        ),
        Ok(Input::Plan { plan, .. }) => (Origin::Document, *plan, None),
        Err(e) => {
            let status = match &e {
                super::InputError::Import(
                    crate::import::ImportError::TooLarge { .. }
                    | crate::import::ImportError::OverBudget { .. },
                ) => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            let message = match e {
                super::InputError::Nothing(file) => {
                    tr.say(&Msg::new("amend.err.nothing").with("file", file))
                }
                other => other.to_string(),
            };
            return refuse(status, message).await;
        }
    };
    let draft = AmendDraft {
        origin,
        plan,
        act: ActForm::default(),
        file,
        file_name: Some(name),
        next_new: 0,
    };
    let d = store::insert_draft(&state.db, sp.id, sp.version, Some(user.id), &draft).await?;
    Ok(Redirect::to(&format!("/plans/{}/amend/{d}", sp.id)).into_response())
}

/// Opens the editor on a copy of the plan's current version.
async fn start_edit(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let sp = amendable(&state, &user, &id).await?;
    let draft = AmendDraft {
        origin: Origin::Edit,
        plan: sp.plan.clone(),
        act: ActForm::default(),
        file: None,
        file_name: None,
        next_new: 0,
    };
    let d = store::insert_draft(&state.db, sp.id, sp.version, Some(user.id), &draft).await?;
    Ok(Redirect::to(&format!("/plans/{}/amend/{d}/edit", sp.id)).into_response())
}

/// A sentence of a decision on the review page: a proposal to confirm (`n` > 0) with what was
/// recognised, or a sentence that was not understood, to apply by hand at `by_hand`.
struct ProposalView {
    n: usize,
    source: String,
    what: String,
    checked: bool,
    error: Option<String>,
    by_hand: Option<String>,
}

/// An act field with its value as typed and its error.
struct ActField {
    id: &'static str,
    label: String,
    hint: Option<String>,
    input: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "amend/review.html")]
struct ReviewPage {
    tr: Tr,
    csrf: CsrfToken,
    id: i64,
    title: String,
    draft: i64,
    origin: &'static str,
    file_name: String,
    has_file: bool,
    proposals: Vec<ProposalView>,
    not_understood: usize,
    editable: bool,
    text: Vec<String>,
    act: Vec<ActField>,
    feedback: Feedback,
    header: Vec<FieldView>,
    changes: Vec<ChangeView>,
    counts: Option<ChangeCounts>,
    before_bgn: String,
    after_bgn: String,
    max_mb: usize,
}

impl ReviewPage {
    fn any_recognised(&self) -> bool {
        self.proposals.iter().any(|p| p.n > 0)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.feedback.error(field)
    }
}

async fn render_review(
    (tr, csrf): (Tr, CsrfToken),
    state: &AppState,
    sp: &StoredPlan,
    row: &DraftRow,
    mut errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let d = &row.draft;
    if row.base_version != sp.version {
        let m = Msg::new("amend.err.moved_on")
            .with("base", row.base_version.to_string())
            .with("now", sp.version.to_string());
        errors.push((String::new(), tr.say(&m)));
    }
    let mut diff = None;
    match d.proposed() {
        Ok((plan, keys)) => {
            if let Some(p) = store::prepare(&state.db, sp.id, &plan, keys).await? {
                diff = Some(p.diff());
            }
        }
        Err(refused) => {
            for e in refused {
                if !errors.iter().any(|(f, _)| *f == format!("p.{}", e.n)) {
                    errors.push((format!("p.{}", e.n), e.message(&tr)));
                }
            }
        }
    }
    let error_of = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    };
    let (proposals, not_understood, text) = match &d.origin {
        Origin::Decision {
            text,
            reading,
            chosen,
        } => {
            let mut rows: Vec<ProposalView> = reading
                .proposed
                .iter()
                .map(|p| ProposalView {
                    n: p.n,
                    source: p.source.clone(),
                    what: super::describe::describe(&tr, &p.change),
                    checked: chosen.contains(&p.n),
                    error: error_of(&format!("p.{}", p.n)),
                    by_hand: None,
                })
                .collect();
            rows.extend(
                hand_rows(sp.id, row.id, &d.plan, reading)
                    .into_iter()
                    .map(|h| ProposalView {
                        n: 0,
                        source: h.source,
                        what: String::new(),
                        checked: false,
                        error: None,
                        by_hand: Some(h.href),
                    }),
            );
            // Every sentence where it stands in the decision.
            rows.sort_by_key(|r| text.find(&r.source).unwrap_or(usize::MAX));
            (
                rows,
                reading.not_understood.len(),
                text.lines().map(str::to_string).collect(),
            )
        }
        _ => (Vec::new(), 0, Vec::new()),
    };
    let act = ActForm::FIELDS
        .iter()
        .map(|&f| ActField {
            id: f,
            label: tr.t(&format!("amend.act.{f}")).to_string(),
            hint: matches!(f, "decision_date" | "effective_date")
                .then(|| tr.t("amend.act.date_hint").to_string()),
            input: if f == "reason" {
                "textarea"
            } else if f == "url" {
                "url"
            } else {
                "text"
            },
            value: d.act.value(f).to_string(),
            error: error_of(f),
        })
        .collect();
    let (header, changes) = diff
        .as_ref()
        .map(|x| change_views(&tr, sp.id, x, false))
        .unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ReviewPage {
        csrf,
        id: sp.id,
        title: sp.plan.title.clone(),
        draft: row.id,
        origin: match d.origin {
            Origin::Edit => "edit",
            Origin::Decision { .. } => "decision",
            Origin::Document => "document",
        },
        file_name: d.file_name.clone().unwrap_or_default(),
        has_file: d.file.is_some(),
        proposals,
        not_understood,
        editable: d.editable(),
        text,
        act,
        feedback: Feedback::fields(errors.into_iter().collect())
            .titled("amend.fix")
            .noted("import.nothing_stored"),
        header,
        changes,
        counts: diff.as_ref().map(|x| x.counts),
        before_bgn: diff
            .as_ref()
            .map(|x| money_bg(&x.money_before.bgn))
            .unwrap_or_default(),
        after_bgn: diff
            .as_ref()
            .map(|x| money_bg(&x.money_after.bgn))
            .unwrap_or_default(),
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
        tr,
    };
    Ok((status, render(&page)?).into_response())
}

async fn review(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, draft)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let sp = amendable(&state, &user, &id).await?;
    let row = draft_of(&state, sp.id, &draft).await?;
    render_review((tr, csrf), &state, &sp, &row, Vec::new()).await
}

/// Checks or saves the amendment: the act's fields and, for a decision, which proposals are
/// confirmed are kept in the draft; anything wrong comes back by field and nothing is saved.
async fn save(
    user: CurrentUser,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path((id, draft)): Path<(String, String)>,
    form: Result<UploadForm, MultipartRejection>,
) -> Result<Response, AppError> {
    let sp = amendable(&state, &user, &id).await?;
    let mut row = draft_of(&state, sp.id, &draft).await?;
    let UploadForm(form) =
        form.map_err(|_| AppError::BadRequest("Изпратете формата на изменението.".into()))?;
    let sent = crate::web::upload::read(form, state.config.max_upload_bytes).await?;
    let fields = &sent.fields;
    row.draft.act = ActForm::read(fields, "");
    let mut errors: Vec<(String, String)> = Vec::new();
    if let Origin::Decision {
        reading, chosen, ..
    } = &mut row.draft.origin
    {
        *chosen = reading
            .proposed
            .iter()
            .map(|p| p.n)
            .filter(|n| {
                fields
                    .iter()
                    .any(|(k, v)| *k == format!("p.{n}") && v == "on")
            })
            .collect();
    }
    if let Some((name, bytes)) = &sent.file {
        match decision_file(name, bytes) {
            Some(f) => row.draft.file = Some(f),
            None => errors.push((
                "decision_file".into(),
                tr.t("amend.err.decision_file").to_string(),
            )),
        }
    }
    store::update_draft(&state.db, &row).await?;
    let act = match row.draft.act.act() {
        Ok(a) => Some(a),
        Err(e) => {
            errors.extend(e.into_iter().map(|(f, m)| (f.to_string(), tr.say(&m))));
            None
        }
    };
    if let Some(a) = &act
        && let Some(m) = store::timing(&state.db, sp.id, &sp.plan, a).await?
    {
        errors.push(("effective_date".into(), tr.say(&m)));
    }
    let saving = fields.iter().any(|(k, v)| k == "action" && v == "save");
    let proposed = row.draft.proposed();
    let (Some(mut act), Ok((plan, keys)), true, true) = (act, proposed, errors.is_empty(), saving)
    else {
        return render_review((tr, csrf), &state, &sp, &row, errors).await;
    };
    let Some(prepared) = store::prepare(&state.db, sp.id, &plan, keys).await? else {
        return Err(AppError::not_found(format!("Няма план с номер {}.", sp.id)));
    };
    if prepared.base_version != row.base_version {
        return render_review((tr, csrf), &state, &sp, &row, Vec::new()).await;
    }
    let d = prepared.diff();
    if d.counts.total() == 0 && d.header.is_empty() {
        // A decision with nothing confirmed (and nothing edited by hand) changes nothing.
        let e = match &row.draft.origin {
            Origin::Decision { chosen, .. } if chosen.is_empty() => {
                ("p".into(), tr.t("amend.err.none_confirmed").to_string())
            }
            _ => (String::new(), tr.t("amend.err.no_changes").to_string()),
        };
        return render_review((tr, csrf), &state, &sp, &row, vec![e]).await;
    }
    let mut staged = None;
    if let Some(f) = &row.draft.file {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&f.data)
            .map_err(|e| AppError::Internal(format!("amendment_drafts.file: {e}")))?;
        let s = crate::files::stage(&state.config.data_dir, "decisions", &bytes)
            .map_err(|e| AppError::Internal(format!("решение: {e}")))?;
        act.file = Some(ActFile {
            name: f.name.clone(),
            media_type: f.media_type.clone(),
            path: s.path.clone(),
            sha256: s.sha256.clone(),
        });
        staged = Some(s);
    }
    let note = match &row.draft.file_name {
        Some(f) => format!("изменение от файл {f}"),
        None => "изменение в браузъра".to_string(),
    };
    match store::save(
        &state.db,
        &prepared,
        &act,
        user.actor(),
        &note,
        staged,
        Some(row.id),
    )
    .await
    {
        Ok(version) => {
            Ok(Redirect::to(&format!("/plans/{}/history#v{version}", sp.id)).into_response())
        }
        Err(plans::StoreError::Refused(m)) => {
            render_review(
                (tr, csrf),
                &state,
                &sp,
                &row,
                vec![("effective_date".into(), m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn discard(
    user: CurrentUser,
    State(state): State<AppState>,
    Path((id, draft)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let sp = amendable(&state, &user, &id).await?;
    let row = draft_of(&state, sp.id, &draft).await?;
    store::delete_draft(&state.db, sp.id, row.id).await?;
    Ok(Redirect::to(&format!("/plans/{}/amend", sp.id)).into_response())
}
