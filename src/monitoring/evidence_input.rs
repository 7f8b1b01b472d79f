//! Evidence as an update form or the API sends it: read into the evidence to store (a file
//! checked by its content, or a link) or errors by field, then stored — the file staged, the
//! row and its audit event in one transaction, the file made permanent only after the commit.
//! One reading and one storing for the pages and the API.

use super::store::{self, MonitoringError};
use super::{State, UpdateInput, WorkflowError};
use crate::audit::Event;
use crate::files::accept;
use crate::forms::FieldErrors;
use crate::i18n::Tr;
use crate::snapshot::Evidence;
use crate::web::{AppError, AppState};
use axum::body::Bytes;

/// Longest title of a piece of evidence, in characters.
pub const MAX_TITLE: usize = 300;

/// What is sent: a title, a link, a file (its name and bytes).
#[derive(Debug, Default)]
pub struct EvidenceInput {
    pub title: String,
    pub url: String,
    pub file: Option<(String, Bytes)>,
}

/// The evidence to store, with the file's bytes when it is a file.
#[derive(Debug)]
pub struct NewEvidence {
    pub item: Evidence,
    pub bytes: Option<Bytes>,
}

/// Reads what was sent, or says which field is wrong (`evidence_file`, `evidence_url`,
/// `evidence_title`).
pub fn read_evidence(input: &EvidenceInput, tr: Tr) -> Result<NewEvidence, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = input.title.trim().to_string();
    let mut item = Evidence {
        title: title.clone(),
        url: None,
        file_name: None,
        media_type: None,
        size: None,
        sha256: None,
    };
    let mut bytes = None;
    let titled = |fallback: &str| {
        if title.is_empty() {
            fallback.to_string()
        } else {
            title.clone()
        }
    };
    match (&input.file, input.url.trim().is_empty()) {
        (Some((name, data)), _) => match accept::check_file(name, data) {
            Ok(media) => {
                let name = accept::clean_file_name(name);
                item.title = titled(&name);
                item.file_name = Some(name);
                item.media_type = Some(media.to_string());
                item.size = Some(data.len() as u64);
                bytes = Some(data.clone());
            }
            Err(m) => errors.add("evidence_file", tr.say(&m)),
        },
        (None, false) => match accept::check_link(&input.url) {
            Ok(link) => {
                item.title = titled(&link);
                item.url = Some(link);
            }
            Err(m) => errors.add("evidence_url", tr.say(&m)),
        },
        (None, true) => errors.add("evidence_file", "Изберете файл или въведете адрес."),
    }
    if item.title.chars().count() > MAX_TITLE {
        errors.add(
            "evidence_title",
            format!("Заглавието е по-дълго от {MAX_TITLE} знака."),
        );
    }
    if errors.is_empty() {
        Ok(NewEvidence { item, bytes })
    } else {
        Err(errors)
    }
}

/// Stores `new` as evidence of update `update_id` of round `round_id`: the row and the event
/// `event` makes of (its id, what was stored) in one transaction; a file is written under a
/// temporary name first and kept only once the row is committed. `Ok(Err(_))`: the update's
/// state allows no evidence (nothing stored).
pub async fn store_evidence(
    state: &AppState,
    round_id: i64,
    update_id: i64,
    new: NewEvidence,
    event: impl FnOnce(i64, serde_json::Value) -> Event + Send,
) -> Result<Result<i64, WorkflowError>, AppError> {
    store_with_draft(state, round_id, update_id, new, None, event).await
}

/// A draft saved together with the evidence (the update form's "attach" button): its values,
/// who saves it (the history's actor) and the save's audit event.
pub struct Draft<'a> {
    pub input: &'a UpdateInput,
    pub actor: &'a str,
    pub event: Event,
}

/// [`store_evidence`], saving `draft` (when given) in the same transaction.
pub async fn store_with_draft(
    state: &AppState,
    round_id: i64,
    update_id: i64,
    mut new: NewEvidence,
    draft: Option<Draft<'_>>,
    event: impl FnOnce(i64, serde_json::Value) -> Event + Send,
) -> Result<Result<i64, WorkflowError>, AppError> {
    let staged = match &new.bytes {
        Some(bytes) => {
            let staged = crate::files::stage(&state.config.data_dir, "evidence", bytes)
                .map_err(|e| AppError::Internal(format!("evidence file: {e}")))?;
            new.item.sha256 = Some(staged.sha256.clone());
            Some(staged)
        }
        None => None,
    };
    let path = staged.as_ref().map(|s| s.path.clone());
    let item = &new.item;
    let after = serde_json::json!({
        "update_id": update_id,
        "title": item.title,
        "file_name": item.file_name,
        "url": item.url,
        "size": item.size,
        "sha256": item.sha256,
    });
    let audit = move |eid: &i64| Some(event(*eid, after));
    let stored = match draft {
        None => {
            store::add_evidence(&state.db, round_id, update_id, item, path.as_deref(), audit).await
        }
        Some(Draft {
            input,
            actor,
            event,
        }) => {
            store::save_with_evidence(
                &state.db,
                round_id,
                update_id,
                input,
                actor,
                move |_: &State| Some(event),
                (item, path.as_deref()),
                audit,
            )
            .await
        }
    };
    match stored {
        Ok(id) => {
            // The row is committed: now the file is made permanent.
            if let Some(staged) = staged {
                staged
                    .keep()
                    .map_err(|e| AppError::Internal(format!("evidence file: {e}")))?;
            }
            Ok(Ok(id))
        }
        Err(MonitoringError::Workflow(w)) => Ok(Err(w)),
        Err(e) => Err(e.into()),
    }
}
