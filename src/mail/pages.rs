//! `/admin/outbox`: the e-mail queue as administrators read it. Without SMTP this is where the
//! messages are (the demo works this way); with SMTP it shows what was sent, what waits for
//! another attempt and what failed.

use super::queue::{self, QueuedMail};
use super::{LANGUAGE_BREAK, SUBJECT_BREAK, split_languages};
use crate::dates::display_local;
use crate::i18n::Tr;
use crate::policy::Action;
use crate::web::auth::CurrentUser;
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/outbox", get(outbox))
}

/// The newest messages shown.
const SHOWN: i64 = 200;

/// A message as the page shows it.
struct Line {
    mail: QueuedMail,
    queued: String,
    sent: Option<String>,
    next_attempt: Option<String>,
    /// The page the message points to, as the recipient gets it.
    link: String,
}

impl Line {
    fn subject(&self) -> (&str, &str) {
        split_languages(&self.mail.subject, SUBJECT_BREAK)
    }

    fn body(&self) -> (&str, &str) {
        split_languages(&self.mail.body, LANGUAGE_BREAK)
    }
}

#[derive(Template)]
#[template(path = "mail/outbox.html")]
struct OutboxPage {
    tr: Tr,
    /// The mail server, when e-mail is sent.
    smtp_host: Option<String>,
    lines: Vec<Line>,
}

impl OutboxPage {
    fn state_label(&self, state: &str) -> &'static str {
        match state {
            "pending" => self.tr.t("outbox.state.pending"),
            "sending" => self.tr.t("outbox.state.sending"),
            "sent" => self.tr.t("outbox.state.sent"),
            "failed" => self.tr.t("outbox.state.failed"),
            _ => self.tr.t("outbox.state.unknown"),
        }
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        match kind {
            "reminder" => self.tr.t("outbox.kind.reminder"),
            "update_returned" => self.tr.t("outbox.kind.update_returned"),
            "updates_waiting" => self.tr.t("outbox.kind.updates_waiting"),
            "report_waiting" => self.tr.t("outbox.kind.report_waiting"),
            "report_published" => self.tr.t("outbox.kind.report_published"),
            _ => self.tr.t("outbox.kind.other"),
        }
    }
}

async fn outbox(
    State(state): State<AppState>,
    tr: Tr,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    user.require(&Action::ReadOutbox)?;
    let smtp_host = state.config.smtp.host.clone().filter(|h| !h.is_empty());
    let base = state
        .config
        .public_url
        .as_deref()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    let lines = queue::recent(&state.db, SHOWN)
        .await?
        .into_iter()
        .map(|mail| Line {
            queued: display_local(&mail.created_at),
            sent: mail.sent_at.as_deref().map(display_local),
            next_attempt: (mail.state == "pending" && mail.attempts > 0)
                .then(|| display_local(&mail.next_attempt_at)),
            link: if mail.link_path.is_empty() {
                String::new()
            } else {
                format!("{base}{}", mail.link_path)
            },
            mail,
        })
        .collect();
    render(&OutboxPage {
        tr,
        smtp_host,
        lines,
    })
}
