//! The review of an import draft (the upload is in `pages.rs`): the recognised plan
//! beside its source, the header form, the new names' choices, and the save (one transaction)
//! or discard of the draft.

use super::access::{self, Importer};
use super::names::{self, NameChoice};
use super::review::{self, Draft, MetaForm, ReviewView};
use super::store::{self, Saved};
use crate::amend::draft::ActForm;
use crate::forms::{Feedback, FieldError, FieldErrors};
use crate::i18n::Tr;
use crate::plan::rules::{self, Counts};
use crate::plan::store as plans;
use crate::policy::Action;
use crate::registry::RegistryKind;
use crate::web::auth::CsrfToken;
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/import/{id}", get(review_page).post(save))
        .route("/admin/import/{id}/discard", post(discard))
}

/// A choice of where to save: a new plan, or a new version of a stored plan.
struct TargetOption {
    value: String,
    label: String,
    selected: bool,
}

/// A header field of the review form with its value as typed and its error, if any.
struct FieldView {
    id: &'static str,
    /// Translation keys.
    label: &'static str,
    hint: Option<&'static str>,
    /// The input's type ("text", "number"), or "textarea".
    input: &'static str,
    multiline: bool,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "import/review.html")]
struct ReviewPage {
    tr: Tr,
    csrf: CsrfToken,
    id: i64,
    file_name: String,
    format: &'static str,
    counts: Counts,
    warning_count: usize,
    feedback: Feedback,
    fields: Vec<FieldView>,
    targets: Vec<TargetOption>,
    view: ReviewView,
    unplaced: Vec<crate::plan::Unplaced>,
    names: Vec<NameRow>,
    /// The act of a new version of a stored plan.
    act: Vec<ActFieldView>,
    correction: bool,
}

/// A new name on the review form, with its choices: add it to the registry, or record it as a
/// spelling of an entry already there.
struct NameRow {
    /// The form's index of the name (`nn.N.…`).
    n: usize,
    name: String,
    kind: &'static str,
    /// Translation key of the "add as new" choice.
    add_label: &'static str,
    keys: Vec<String>,
    options: Vec<TargetOption>,
    error: Option<String>,
}

/// The new names' rows, each with the registry entries of its list and the choice as sent.
async fn name_rows(
    state: &AppState,
    draft: &Draft,
    choices: &[(usize, NameChoice)],
    errors: &[FieldError],
) -> Result<Vec<NameRow>, AppError> {
    let names = names::new_names(draft);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let institutions = store::registry_entries(&state.db, RegistryKind::Institution).await?;
    let sources = store::registry_entries(&state.db, RegistryKind::FundingSource).await?;
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(n, new)| {
            let chosen = choices
                .iter()
                .find(|(_, c)| c.name == new.name && c.kind == new.kind)
                .and_then(|(_, c)| c.to);
            let entries = match new.kind {
                RegistryKind::Institution => &institutions,
                RegistryKind::FundingSource => &sources,
            };
            NameRow {
                n,
                kind: new.kind_code(),
                add_label: match new.kind {
                    RegistryKind::Institution => "import.name_add_institution",
                    RegistryKind::FundingSource => "import.name_add_source",
                },
                options: entries
                    .iter()
                    .map(|e| TargetOption {
                        value: e.id.to_string(),
                        label: e.name.clone(),
                        selected: chosen == Some(e.id),
                    })
                    .collect(),
                error: errors
                    .iter()
                    .find(|e| e.field == format!("nn.{n}.to"))
                    .map(|e| e.message.clone()),
                name: new.name,
                keys: new.keys,
            }
        })
        .collect())
}

fn field_views(meta: &MetaForm, errors: &[FieldError]) -> Vec<FieldView> {
    let error = |id: &str| {
        errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    };
    let f = |id, label, hint, input, value: &String| FieldView {
        id,
        label,
        hint,
        input,
        multiline: input == "textarea",
        value: value.clone(),
        error: error(id),
    };
    vec![
        f(
            "municipality",
            "import.f_municipality",
            None,
            "text",
            &meta.municipality,
        ),
        f("title", "import.f_title", None, "textarea", &meta.title),
        f(
            "period_from",
            "import.f_period_from",
            None,
            "number",
            &meta.period_from,
        ),
        f(
            "period_to",
            "import.f_period_to",
            None,
            "number",
            &meta.period_to,
        ),
        f(
            "decision_number",
            "import.f_decision",
            Some("import.adoption_hint"),
            "text",
            &meta.decision_number,
        ),
        f(
            "protocol_number",
            "import.f_protocol",
            None,
            "text",
            &meta.protocol_number,
        ),
        f(
            "adoption_date",
            "import.f_date",
            Some("import.date_hint"),
            "text",
            &meta.adoption_date,
        ),
        f(
            "adoption_body",
            "import.f_body",
            None,
            "text",
            &meta.adoption_body,
        ),
    ]
}

/// A new version's council act as typed (fields `act_…`), or that it is a correction of an
/// import (`version_kind=correction`: no act, in force as the version it corrects).
#[derive(Debug, Default)]
struct VersionAct {
    act: ActForm,
    correction: bool,
}

impl VersionAct {
    fn read(fields: &[(String, String)]) -> VersionAct {
        VersionAct {
            act: ActForm::read(fields, "act_"),
            correction: fields
                .iter()
                .any(|(k, v)| k == "version_kind" && v == "correction"),
        }
    }

    /// The act's fields for the form, with their errors.
    fn views(&self, tr: &Tr, errors: &[FieldError]) -> Vec<ActFieldView> {
        ActForm::FIELDS
            .iter()
            .map(|&f| {
                let id = format!("act_{f}");
                ActFieldView {
                    label: tr.t(&format!("amend.act.{f}")).to_string(),
                    value: self.act.value(f).to_string(),
                    error: errors
                        .iter()
                        .find(|e| e.field == id)
                        .map(|e| e.message.clone()),
                    multiline: f == "reason",
                    id,
                }
            })
            .collect()
    }
}

/// An act field of the review form.
struct ActFieldView {
    id: String,
    label: String,
    value: String,
    error: Option<String>,
    multiline: bool,
}

async fn render_review(
    (importer, tr, csrf): (&Importer, Tr, CsrfToken),
    state: &AppState,
    id: i64,
    draft: &Draft,
    (meta, version_act): (MetaForm, &VersionAct),
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut targets = vec![TargetOption {
        value: "new".into(),
        label: tr.t("import.target_new").to_string(),
        selected: meta.target == "new" || meta.target.is_empty(),
    }];
    targets.extend(
        plans::list_plans(&state.db)
            .await?
            .into_iter()
            .filter(|p| importer.may_import_for(&p.municipality))
            .map(|p| TargetOption {
                value: p.id.to_string(),
                label: format!(
                    "{} {} — {} ({}–{})",
                    tr.t("import.target_version"),
                    p.municipality,
                    p.title,
                    p.period.from,
                    p.period.to
                ),
                selected: meta.target == p.id.to_string(),
            }),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let names = name_rows(state, draft, &meta.names, &errors).await?;
    let page = ReviewPage {
        act: version_act.views(&tr, &errors),
        correction: version_act.correction,
        names,
        tr,
        csrf,
        id,
        file_name: draft.file_name.clone(),
        format: draft.format.code(),
        counts: rules::counts(&draft.plan),
        warning_count: draft.warnings.len(),
        fields: field_views(&meta, &errors),
        feedback: Feedback::fields(FieldErrors(errors)).titled("import.fix"),
        targets,
        view: review::review_view(draft),
        unplaced: draft.plan.unplaced.clone(),
    };
    Ok((status, render(&page)?).into_response())
}

/// The draft, when it is there and is a plan of a municipality the importer may import for.
async fn draft_of(
    state: &AppState,
    importer: &Importer,
    id: &str,
) -> Result<(i64, Draft), AppError> {
    let id = parse_id(id, "внасяне")?;
    let draft = store::load_draft(&state.db, id).await?.ok_or_else(|| {
        AppError::not_found(format!(
            "Няма внасяне с номер {id}: може вече да е записано или отказано."
        ))
    })?;
    if !importer.may_import_for(&draft.plan.municipality) {
        return Err(AppError::Forbidden);
    }
    Ok((id, draft))
}

async fn review_page(
    importer: Importer,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (id, draft) = draft_of(&state, &importer, &id).await?;
    let p = &draft.plan;
    // A plan already stored under the same municipality, title and period is most likely the
    // one this document amends: offer it first.
    let same = plans::find_plan(&state.db, &p.municipality, &p.title, p.period).await?;
    let meta = MetaForm::of(p, draft.target.or(same));
    render_review(
        (&importer, tr, csrf),
        &state,
        id,
        &draft,
        (meta, &VersionAct::default()),
        Vec::new(),
    )
    .await
}

/// Applies the review and saves the plan and the draft's removal in one transaction.
async fn save(
    importer: Importer,
    extensions: axum::http::Extensions,
    tr: Tr,
    csrf: CsrfToken,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (id, mut draft) = draft_of(&state, &importer, &id).await?;
    let (mut meta, measures) = review::read_form(&fields);
    let version_act = VersionAct::read(&fields);
    review::apply_measures(&mut draft.plan, &measures);
    let (choices, name_errors) = match names::read_name_choices(&fields) {
        Ok(c) => (c, Vec::new()),
        Err(e) => (Vec::new(), e),
    };
    meta.names = choices;
    let target = match review::apply_meta(&mut draft.plan, &meta) {
        Ok(t) if name_errors.is_empty() => t,
        Ok(_) => {
            return render_review(
                (&importer, tr, csrf),
                &state,
                id,
                &draft,
                (meta, &version_act),
                name_errors,
            )
            .await;
        }
        Err(mut errors) => {
            errors.extend(name_errors);
            return render_review(
                (&importer, tr, csrf),
                &state,
                id,
                &draft,
                (meta, &version_act),
                errors,
            )
            .await;
        }
    };
    // The reviewed plan, and the plan it becomes a version of, must be of the importer's
    // municipalities too.
    let mut scope_errors = Vec::new();
    if !importer.may_import_for(&draft.plan.municipality) {
        scope_errors.push(FieldError {
            field: "municipality".into(),
            message: importer.refusal(&draft.plan.municipality),
        });
    }
    let mut act = None;
    if let review::Target::NewVersionOf(plan) = target {
        if let Some(m) = access::plan_municipality(&state, plan).await?
            && !importer.may_import_for(&m)
        {
            scope_errors.push(FieldError {
                field: "target".into(),
                message: importer.refusal(&m),
            });
        }
        // A new version of a stored plan is an amendment by a council act (or a correction).
        let place = plans::place(&state.db, plan).await?;
        if let Some(place) = &place
            && !importer.principal.may(&Action::AmendPlan(place.clone()))
            && scope_errors.iter().all(|e| e.field != "target")
        {
            scope_errors.push(FieldError {
                field: "target".into(),
                message: "Нямате право да изменяте този план.".into(),
            });
        }
        // (A plan that is not there is refused by the save, on the target field.)
        if place.is_some() && !version_act.correction {
            match version_act.act.act() {
                Ok(a) => {
                    // Its date of effect, said in the reader's language before the save.
                    if let Some(m) =
                        crate::amend::store::timing(&state.db, plan, &draft.plan, &a).await?
                    {
                        scope_errors.push(FieldError {
                            field: "act_effective_date".into(),
                            message: tr.say(&m),
                        });
                    }
                    act = Some(a);
                }
                Err(e) => scope_errors.extend(e.into_iter().map(|(f, m)| FieldError {
                    field: format!("act_{f}"),
                    message: tr.say(&m),
                })),
            }
        }
    }
    if !scope_errors.is_empty() {
        return render_review(
            (&importer, tr, csrf),
            &state,
            id,
            &draft,
            (meta, &version_act),
            scope_errors,
        )
        .await;
    }
    // Only the names the reviewed plan still uses.
    let used = names::new_names(&draft);
    let choices: Vec<NameChoice> = meta
        .names
        .iter()
        .map(|(_, c)| c.clone())
        .filter(|c| used.iter().any(|u| u.name == c.name && u.kind == c.kind))
        .collect();
    let actor = crate::audit::Actor::user_or_token(
        importer.user.as_ref().map(|u| u.actor()),
        crate::web::auth::client_ip(&extensions),
    );
    let saved = store::save_draft(
        &state.db,
        id,
        &draft,
        (target, act.as_ref()),
        &choices,
        actor,
    );
    let saved = match saved.await {
        Err(crate::plan::store::StoreError::Refused(m)) => {
            let errors = vec![FieldError {
                field: "act_effective_date".into(),
                message: m,
            }];
            return render_review(
                (&importer, tr, csrf),
                &state,
                id,
                &draft,
                (meta, &version_act),
                errors,
            )
            .await;
        }
        other => other?,
    };
    match saved {
        Saved::Plan(plan) | Saved::Version { id: plan, .. } => {
            Ok(Redirect::to(&format!("/plans/{plan}")).into_response())
        }
        Saved::NoSuchPlan(plan) => {
            let errors = vec![FieldError {
                field: "target".into(),
                message: format!("Няма план с номер {plan}."),
            }];
            render_review(
                (&importer, tr, csrf),
                &state,
                id,
                &draft,
                (meta, &version_act),
                errors,
            )
            .await
        }
        Saved::NoSuchEntry(name) => {
            let n = meta
                .names
                .iter()
                .find(|(_, c)| c.name == name)
                .map_or(0, |(n, _)| *n);
            let errors = vec![FieldError {
                field: format!("nn.{n}.to"),
                message: format!("„{name}“: избраният запис вече не е в регистъра."),
            }];
            render_review(
                (&importer, tr, csrf),
                &state,
                id,
                &draft,
                (meta, &version_act),
                errors,
            )
            .await
        }
        Saved::NoSuchDraft => Err(AppError::not_found(format!(
            "Няма внасяне с номер {id}: може вече да е записано или отказано."
        ))),
    }
}

async fn discard(
    importer: Importer,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (id, _) = draft_of(&state, &importer, &id).await?;
    store::delete_draft(&state.db, id).await?;
    Ok(Redirect::to("/admin/import").into_response())
}
