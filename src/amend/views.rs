//! What the amendment pages share: a plan's changes as the reader sees them (the history's
//! diff and the review of a draft), the plan and draft a path names once the policy let the
//! user amend it, and the editor's errors in the reader's words.

use super::store::{self, DraftRow};
use crate::i18n::Tr;
use crate::plan::diff::Words;
use crate::plan::store::StoredPlan;
use crate::plan::views;
use crate::policy::Action;
use crate::web::auth::CurrentUser;
use crate::web::{AppError, AppState, parse_id};
use std::sync::Arc;

/// A piece of changed text for the page: `kind` is "same", "del" or "ins".
pub(super) struct Piece {
    pub(super) kind: &'static str,
    pub(super) text: String,
}

pub(super) struct FieldView {
    pub(super) label: String,
    pub(super) before: String,
    pub(super) after: String,
    pub(super) pieces: Vec<Piece>,
}

pub(super) struct ChangeView {
    pub(super) kind: &'static str,
    pub(super) key: String,
    pub(super) code: String,
    pub(super) headline: String,
    pub(super) href: Option<String>,
    pub(super) place_before: String,
    pub(super) place_after: String,
    pub(super) fields: Vec<FieldView>,
}

fn field_view(tr: &Tr, f: &crate::plan::diff::FieldChange) -> FieldView {
    FieldView {
        label: tr.t(&format!("amend.field.{}", f.field)).to_string(),
        before: f.before.clone(),
        after: f.after.clone(),
        pieces: f
            .words
            .iter()
            .map(|w| match w {
                Words::Same(t) => Piece {
                    kind: "same",
                    text: t.clone(),
                },
                Words::Removed(t) => Piece {
                    kind: "del",
                    text: t.clone(),
                },
                Words::Added(t) => Piece {
                    kind: "ins",
                    text: t.clone(),
                },
            })
            .collect(),
    }
}

pub(super) fn money_bg(decimal: &str) -> String {
    money_in(Tr::default(), decimal)
}

pub(super) fn money_in(tr: Tr, decimal: &str) -> String {
    crate::money::Money::parse_decimal(decimal, crate::money::Currency::Bgn)
        .map(|m| tr.money(m))
        .unwrap_or_else(|_| decimal.to_string())
}

/// The header's and the measures' changes for the page; `linked`: measures link to their
/// pages (not for a version not saved yet).
pub(super) fn change_views(
    tr: &Tr,
    id: i64,
    d: &crate::plan::diff::PlanDiff,
    linked: bool,
) -> (Vec<FieldView>, Vec<ChangeView>) {
    let changes = d
        .measures
        .iter()
        .map(|c| ChangeView {
            kind: match c.kind {
                crate::plan::diff::ChangeKind::Added => "amend.change.added",
                crate::plan::diff::ChangeKind::Dropped => "amend.change.dropped",
                crate::plan::diff::ChangeKind::Moved => "amend.change.moved",
                crate::plan::diff::ChangeKind::Changed => "amend.change.changed",
            },
            key: c.key.clone(),
            code: c
                .code_after
                .clone()
                .or(c.code_before.clone())
                .unwrap_or_default(),
            headline: views::shorten(&c.headline, 160),
            // A measure added by an amendment not saved yet has no page.
            href: (linked || c.kind != crate::plan::diff::ChangeKind::Added)
                .then(|| views::measure_href(id, &c.key)),
            place_before: c.place_before.clone().unwrap_or_default(),
            place_after: c.place_after.clone().unwrap_or_default(),
            fields: c.fields.iter().map(|f| field_view(tr, f)).collect(),
        })
        .collect();
    let header = d.header.iter().map(|f| field_view(tr, f)).collect();
    (header, changes)
}

/// The plan a path names, when `user` may amend it.
pub(super) async fn amendable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Arc<StoredPlan>, AppError> {
    let sp = state.plan_at(id).await?;
    user.require(&Action::AmendPlan(state.place_of(sp.id).await?))?;
    Ok(sp)
}

/// Draft `draft` of plan `id`; 404 when it is not there (saved or discarded).
pub(super) async fn draft_of(state: &AppState, id: i64, draft: &str) -> Result<DraftRow, AppError> {
    let d = parse_id(draft, "изменение")?;
    store::load_draft(&state.db, id, d).await?.ok_or_else(|| {
        AppError::not_found(format!(
            "Няма подготвено изменение с номер {d}: може вече да е записано или отказано."
        ))
    })
}

/// Draft `d` of plan `id` for the editor: an edit in the browser or a decision's draft (what the
/// decision's reader did not understand is applied by hand); with the plan's id and title.
pub(super) async fn edit_draft(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    d: &str,
) -> Result<(i64, String, DraftRow), AppError> {
    let sp = amendable(state, user, id).await?;
    let row = draft_of(state, sp.id, d).await?;
    if !row.draft.editable() {
        return Err(AppError::Conflict(
            "Това изменение е целият изменен план, прочетен от файл: прегледайте го, вместо да \
             го редактирате."
                .into(),
        ));
    }
    Ok((sp.id, sp.plan.title.clone(), row))
}

/// The editor's errors in the reader's language, each next to its field.
pub(super) fn messages(tr: &Tr, errors: Vec<super::edit::EditError>) -> crate::forms::Feedback {
    let fields = errors
        .into_iter()
        .map(|e| {
            let m = tr.t(e.key);
            let message = if e.detail.is_empty() {
                m.to_string()
            } else {
                format!("{m} („{}“)", e.detail)
            };
            (e.field, message)
        })
        .collect();
    crate::forms::Feedback::fields(fields).titled("amend.fix")
}

/// "Цел 2. Заетост", or the title alone when the objective has no number.
pub(super) fn objective_heading(tr: &Tr, code: Option<&str>, title: &str) -> String {
    let title = if title.is_empty() {
        tr.t("amend.untitled")
    } else {
        title
    };
    match code {
        Some(c) => format!("{} {c}. {title}", tr.t("amend.p.objective")),
        None => title.to_string(),
    }
}

/// "Приоритет 2. Заетост", or the title alone when the priority has no number.
pub(super) fn priority_heading(tr: &Tr, number: Option<u32>, title: &str) -> String {
    let title = if title.is_empty() {
        tr.t("amend.untitled")
    } else {
        title
    };
    match number {
        Some(n) => format!("{} {n}. {title}", tr.t("plan.priority")),
        None => title.to_string(),
    }
}

/// A sentence of a decision the reader did not understand, with where to apply it by hand: the
/// form of the measure it names (`code`), else the editor's outline.
pub(super) struct HandRow {
    pub(super) source: String,
    pub(super) href: String,
    pub(super) code: Option<String>,
}

pub(super) fn hand_rows(
    id: i64,
    draft: i64,
    plan: &crate::plan::Plan,
    reading: &super::decision::Reading,
) -> Vec<HandRow> {
    reading
        .not_understood
        .iter()
        .map(|s| {
            let named = super::decision::named_codes(s)
                .into_iter()
                .find_map(|c| super::apply::key_named(plan, &c).map(|k| (c, k)));
            let href = match &named {
                Some((_, key)) => format!("/plans/{id}/amend/{draft}/measures/{key}"),
                None => format!("/plans/{id}/amend/{draft}/edit"),
            };
            HandRow {
                source: s.clone(),
                href,
                code: named.map(|(c, _)| c),
            }
        })
        .collect()
}
