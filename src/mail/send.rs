//! Sending the queue: the server's sender claims due messages (one sender per message, see
//! [`queue::claim_due`]), hands each to a [`Transport`] (SMTP with TLS through `lettre`), marks
//! it sent, or after a failure waits with a doubling backoff and tries again
//! ([`super::MAX_ATTEMPTS`] in all). Without `[smtp]` nothing is sent: the messages wait on
//! `/admin/outbox`.

use super::queue::{self, QueuedMail};
use crate::config::{Config, SmtpConfig, SmtpTls};
use crate::db::Db;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::future::Future;
use std::time::Duration;
use time::OffsetDateTime;

/// Why a message was not handed over; a permanent refusal (an address the server rejects) is
/// not tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

/// Something that delivers one message: the SMTP server, or a test's stand-in.
pub trait Transport: Send + Sync {
    fn send(
        &self,
        to: &str,
        subject: &str,
        text: &str,
    ) -> impl Future<Output = Result<(), SendError>> + Send;
}

/// The configured SMTP server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// The transport `[smtp]` describes; `None` when no host is configured. The configuration
    /// was checked when loaded (`Config::load`), so errors here are the library's.
    pub fn from_config(c: &SmtpConfig, public_url: Option<&str>) -> Result<Option<Smtp>, String> {
        let Some(host) = c.host.as_deref().filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        let from: Mailbox = c
            .from
            .as_deref()
            .unwrap_or_default()
            .parse()
            .map_err(|e| format!("smtp.from: {e}"))?;
        let builder = match c.tls {
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
        }
        .map_err(|e| format!("smtp.host {host}: {e}"))?;
        let mut builder = builder
            .port(c.port())
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&c.username, &c.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        if let Some(name) = public_url
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string))
        {
            builder = builder.hello_name(ClientId::Domain(name));
        }
        Ok(Some(Smtp {
            transport: builder.build(),
            from,
        }))
    }
}

impl Transport for Smtp {
    async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|e| SendError {
            permanent: true,
            message: format!("адрес „{to}“: {e}"),
        })?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_string())
            .map_err(|e| SendError {
                permanent: true,
                message: e.to_string(),
            })?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
        }
    }
}

/// What one pass of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every message due at `now` (at most 50 a pass), marking each sent or failed.
pub async fn deliver_due(
    db: &Db,
    transport: &impl Transport,
    public_url: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<Delivered> {
    let mut done = Delivered::default();
    for mail in queue::claim_due(db, now, 50).await? {
        match send_one(transport, &mail, public_url).await {
            Ok(()) => {
                queue::mark_sent(db, mail.id, OffsetDateTime::now_utc().max(now)).await?;
                done.sent += 1;
            }
            Err(e) => {
                tracing::warn!(
                    mail = mail.id,
                    attempt = mail.attempts,
                    "e-mail not sent: {}",
                    e.message
                );
                queue::mark_failed(db, &mail, &e.message, e.permanent, now).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

async fn send_one(
    transport: &impl Transport,
    mail: &QueuedMail,
    public_url: Option<&str>,
) -> Result<(), SendError> {
    let text = super::text_with_link(&mail.body, &mail.link_path, public_url);
    transport.send(&mail.recipient, &mail.subject, &text).await
}

/// Starts the server's sender when SMTP is configured: a pass every 30 seconds. Returns what
/// the start-up message says about e-mail.
pub fn spawn(db: Db, config: &Config) -> Result<String, String> {
    let Some(smtp) = Smtp::from_config(&config.smtp, config.public_url.as_deref())? else {
        return Ok(
            "Електронна поща: SMTP не е настроен; съобщенията се виждат на /admin/outbox".into(),
        );
    };
    let public_url = config.public_url.clone();
    let host = config.smtp.host.clone().unwrap_or_default();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            let now = OffsetDateTime::now_utc();
            match deliver_due(&db, &smtp, public_url.as_deref(), now).await {
                Ok(d) if d.sent + d.failed > 0 => {
                    tracing::info!(sent = d.sent, failed = d.failed, "e-mail sent");
                }
                Ok(_) => {}
                Err(e) => tracing::error!("e-mail queue: {e}"),
            }
        }
    });
    Ok(format!("Електронна поща: изпраща се през {host}"))
}
