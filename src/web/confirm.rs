//! Confirmation of irreversible steps (issue 17): closing a round, revoking a submission link,
//! adopting and publishing an annual report. The step's GET address shows what will happen and
//! what is still missing, with a form that carries the confirmation field; a POST without it is
//! answered with the same page (422) and changes nothing.

use crate::i18n::Tr;
use crate::web::AppError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// The field a confirmed form sends (`confirm=yes`).
pub const FIELD: &str = "confirm";

/// Whether a submitted form carries the confirmation.
pub fn confirmed(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(k, v)| k == FIELD && v == "yes")
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct Confirm {
    pub tr: Tr,
    pub csrf: String,
    pub title: String,
    /// The record's name after the title (Bulgarian content, marked so on English pages).
    pub name: Option<String>,
    /// What the step will do.
    pub effects: Vec<String>,
    /// What is still missing, or worth knowing before.
    pub facts: Vec<Fact>,
    /// The address of the step (POST).
    pub action: String,
    pub button: String,
    /// Where "cancel" goes.
    pub back: String,
    /// Answered to a POST without the confirmation.
    pub unconfirmed: bool,
}

/// One thing to know before the step: about a named record (Bulgarian content), or not.
pub struct Fact {
    pub name: Option<String>,
    pub text: String,
}

impl Fact {
    pub fn text(text: impl Into<String>) -> Fact {
        Fact {
            name: None,
            text: text.into(),
        }
    }

    pub fn about(name: impl Into<String>, text: impl Into<String>) -> Fact {
        Fact {
            name: Some(name.into()),
            text: text.into(),
        }
    }
}

impl Confirm {
    /// The page: 200 to look at, 422 when a POST came without the confirmation.
    pub fn answer(&self) -> Result<Response, AppError> {
        let status = if self.unconfirmed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        Ok((status, Html(self.render()?)).into_response())
    }
}
