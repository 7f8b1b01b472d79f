//! The documents of a version (`/reports/{rid}/download/{html|docx|pdf|decision}`): published
//! ones for everyone, the others for those who may see the report.

use super::load;
use crate::policy::Action;
use crate::report::adoption::{self, Table};
use crate::report::render::Format;
use crate::report::store::{self, ReportState};
use crate::web::auth::CurrentUser;
use crate::web::download::{self, Disposition};
use crate::web::{AppError, AppState};
use axum::extract::{Path, State};
use axum::response::Response;

pub(super) async fn download(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path((rid, what)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let r = load(&state.db, &rid).await?;
    let public = r.state() == ReportState::Published;
    let who = user
        .as_ref()
        .map(CurrentUser::principal)
        .unwrap_or_default();
    if !public && !who.may(&Action::ViewReports(r.place())) {
        return Err(match user {
            Some(_) => AppError::Forbidden,
            None => AppError::not_found("Докладът още не е публикуван."),
        });
    }
    if what == "decision" {
        let kept =
            adoption::decision_file(&state.db, &state.config.data_dir, Table::Annual, r.id).await?;
        let Some((media, name, bytes)) = kept else {
            return Err(AppError::not_found(
                "Към доклада няма приложен файл на решение.",
            ));
        };
        return Ok(download::file(
            &media,
            &name,
            Disposition::Attachment,
            bytes,
        ));
    }
    let format = Format::parse(&what)
        .ok_or_else(|| AppError::not_found(format!("Няма формат „{what}“.")))?;
    let bytes = store::document_bytes(&state.db, &state.config.data_dir, &r, format).await?;
    let stem = format!("annual-report-{}-{}-v{}", r.plan_id, r.year, r.version);
    Ok(format.download(&stem, bytes))
}
