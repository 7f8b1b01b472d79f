//! The audit log: every change anyone makes (plans, updates, reviews, accounts, logins) is an
//! append-only event saying who, when, what, and the value before and after. The database
//! refuses UPDATE and DELETE on `audit_events` (triggers in migration 0002), and the
//! application has no route that edits it.
//!
//! Recording, from any module, inside the same transaction as the change it describes:
//!
//! ```ignore
//! use planmon::audit::{Actor, Event};
//! let mut tx = state.db.pool.begin().await?;
//! // … the change …
//! Event::new(user.actor(), "update.submit", "update", update_id)
//!     .municipality(municipality_id)
//!     .before(&old)            // anything Serialize; stored as JSON
//!     .after(&new)
//!     .record(&mut *tx)
//!     .await?;
//! tx.commit().await?;
//! ```
//!
//! Actors: `CurrentUser::actor()` for a logged-in person, [`Actor::link`] for a submission
//! link, [`Actor::system`] and [`Actor::cli`] for work nobody clicked. Action names are
//! `entity.verb` in English (`plan.create`, `user.login_failed`, `round.close`); the audit
//! page shows them as they are, with a Bulgarian label when `audit.action.<name>` exists in
//! `locales/messages.toml`.

pub mod actions;
pub mod names;
pub mod pages;
pub mod store;
pub mod view;

use crate::dates::now_stamp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    Link,
    System,
    Cli,
    /// The configured administration token (`admin_token`), before or beside accounts.
    Token,
}

impl ActorKind {
    pub fn code(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Link => "link",
            ActorKind::System => "system",
            ActorKind::Cli => "cli",
            ActorKind::Token => "token",
        }
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    pub user_id: Option<i64>,
    /// What people read in the log: an e-mail, "линк за подаване 5", "система", "команден ред".
    pub label: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn user(id: i64, email: &str, ip: Option<String>) -> Actor {
        Actor {
            kind: ActorKind::User,
            user_id: Some(id),
            label: email.to_string(),
            ip,
        }
    }

    /// A submission link (no account): its id and the institution it belongs to, for the label.
    pub fn link(link_id: i64, institution: &str, ip: Option<String>) -> Actor {
        Actor {
            kind: ActorKind::Link,
            user_id: None,
            label: format!("линк за подаване {link_id} ({institution})"),
            ip,
        }
    }

    /// The link's id in a label [`Actor::link`] wrote, so the log can name its institution.
    pub fn link_id(label: &str) -> Option<i64> {
        let rest = label.strip_prefix("линк за подаване ")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// Work done by planmon itself (demo data, scheduled jobs).
    pub fn system() -> Actor {
        Actor {
            kind: ActorKind::System,
            user_id: None,
            label: "система".into(),
            ip: None,
        }
    }

    /// Whoever holds the configured administration token.
    pub fn admin_token(ip: Option<String>) -> Actor {
        Actor {
            kind: ActorKind::Token,
            user_id: None,
            label: "ключ за администриране".into(),
            ip,
        }
    }

    /// The logged-in user, else the holder of the administration token (pages open to both).
    pub fn user_or_token(user: Option<Actor>, ip: Option<String>) -> Actor {
        user.unwrap_or_else(|| Actor::admin_token(ip))
    }

    /// Work done on the server's command line (`planmon import`, `planmon user add`).
    pub fn cli() -> Actor {
        Actor {
            kind: ActorKind::Cli,
            user_id: None,
            label: "команден ред".into(),
            ip: None,
        }
    }
}

/// One event, built and then recorded.
#[derive(Debug, Clone)]
pub struct Event {
    pub actor: Actor,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub municipality_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Event {
    /// `entity_id` is anything displayable (a number, a measure key); `None::<i64>` for none.
    pub fn new(
        actor: Actor,
        action: &str,
        entity_type: &str,
        entity_id: impl Into<EntityId>,
    ) -> Event {
        Event {
            actor,
            action: action.to_string(),
            entity_type: entity_type.to_string(),
            entity_id: entity_id.into().0,
            municipality_id: None,
            before: None,
            after: None,
        }
    }

    pub fn municipality(mut self, id: impl Into<Option<i64>>) -> Event {
        self.municipality_id = id.into();
        self
    }

    pub fn before<T: Serialize + ?Sized>(mut self, value: &T) -> Event {
        self.before = serde_json::to_string(value).ok();
        self
    }

    pub fn after<T: Serialize + ?Sized>(mut self, value: &T) -> Event {
        self.after = serde_json::to_string(value).ok();
        self
    }

    /// Appends the event. Pass the transaction of the change (`&mut *tx`) so both are stored
    /// or neither; `&db.pool` when there is no change to go with it (a failed login).
    pub async fn record<'e, E>(self, executor: E) -> sqlx::Result<i64>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        sqlx::query_scalar(
            "INSERT INTO audit_events (at, actor_kind, actor_user_id, actor_label, action, \
             entity_type, entity_id, municipality_id, before_json, after_json, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(now_stamp())
        .bind(self.actor.kind.code())
        .bind(self.actor.user_id)
        .bind(self.actor.label)
        .bind(self.action)
        .bind(self.entity_type)
        .bind(self.entity_id)
        .bind(self.municipality_id)
        .bind(self.before)
        .bind(self.after)
        .bind(self.actor.ip)
        .fetch_one(executor)
        .await
    }
}

/// An entity id as stored: text, so measure keys and numbers fit alike.
pub struct EntityId(Option<String>);

impl From<i64> for EntityId {
    fn from(id: i64) -> EntityId {
        EntityId(Some(id.to_string()))
    }
}

impl From<Option<i64>> for EntityId {
    fn from(id: Option<i64>) -> EntityId {
        EntityId(id.map(|i| i.to_string()))
    }
}

impl From<&str> for EntityId {
    fn from(id: &str) -> EntityId {
        EntityId(Some(id.to_string()))
    }
}

impl From<String> for EntityId {
    fn from(id: String) -> EntityId {
        EntityId(Some(id))
    }
}
