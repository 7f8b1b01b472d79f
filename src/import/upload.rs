//! An uploaded file → a stored draft, the same for the upload page and the API: read and
//! recognise it off the request threads within the configured budget, refuse what holds no
//! measure table or is over budget, and check the importer may import the plan's municipality
//! (and the plan it would become a version of). Nothing is stored unless all of it holds.

use super::access::{Importer, plan_municipality};
use super::review::Draft;
use super::{ImportError, ImportOptions, load, store};
use crate::web::{AppError, AppState};

/// Why an upload did not become a draft: what the person or the machine is told.
#[derive(Debug)]
pub enum Refusal {
    /// The file cannot be read or is over a limit of the budget.
    Unreadable(ImportError),
    /// The file was read but holds no measure table.
    NoTable(String),
    /// The plan is of a municipality (or a version of a plan) the importer may not import for.
    Elsewhere(String),
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Unreadable(e) => e.to_string(),
            Refusal::NoTable(m) | Refusal::Elsewhere(m) => m.clone(),
        }
    }

    /// Over a limit (413 on the page), not merely unreadable.
    pub fn is_over_budget(&self) -> bool {
        matches!(
            self,
            Refusal::Unreadable(ImportError::TooLarge { .. } | ImportError::OverBudget { .. })
        )
    }
}

/// Reads `bytes` into a draft and stores it; the draft's id, or why not. `municipality`
/// overrides the one recognised; `target` makes the draft a new version of that plan.
pub async fn store_upload(
    state: &AppState,
    importer: &Importer,
    file_name: &str,
    bytes: Vec<u8>,
    municipality: Option<String>,
    target: Option<i64>,
) -> Result<Result<(i64, Draft), Refusal>, AppError> {
    if let Some(plan) = target {
        let m = plan_municipality(state, plan)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма план с номер {plan}.")))?;
        if !importer.may_import_for(&m) {
            return Ok(Err(Refusal::Elsewhere(importer.refusal(&m))));
        }
    }
    let limits = state.config.read_limits();
    let options = ImportOptions {
        municipality,
        limits,
    };
    let name = file_name.to_string();
    // Reading a large document is CPU work: keep it off the request threads.
    let read = crate::heavy::run("import", move || {
        load::import_bytes(&name, &bytes, &options)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let out = match read {
        Ok(out) => out,
        Err(e) => return Ok(Err(Refusal::Unreadable(e))),
    };
    let Some(draft) = Draft::new(file_name, out, target) else {
        return Ok(Err(Refusal::NoTable(format!(
            "{file_name}: {}",
            load::NO_TABLE
        ))));
    };
    if let Err(e) = load::check_draft(file_name, &draft, limits) {
        return Ok(Err(Refusal::Unreadable(e)));
    }
    // A coordinator imports plans of their own municipalities only.
    if !importer.may_import_for(&draft.plan.municipality) {
        return Ok(Err(Refusal::Elsewhere(
            importer.refusal(&draft.plan.municipality),
        )));
    }
    let id = store::insert_draft(&state.db, &draft).await?;
    Ok(Ok((id, draft)))
}
