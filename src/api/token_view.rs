//! What the two token pages (`/api/tokens` for machines, `/account/tokens` for a person's own)
//! share: one list page and its rows, reading a token's name and last day from a form, and the
//! page that shows a new token once.

use super::tokens::{MAX_NAME, TokenEntry};
use crate::i18n::Tr;
use crate::web::auth::CsrfToken;
use askama::Template;

/// Whose tokens a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// Machines' tokens with one role grant each (`/api/tokens`).
    Machine,
    /// A person's own tokens, acting with the person's rights (`/account/tokens`).
    Person,
}

impl Holder {
    /// The list's address; its form posts here too.
    pub fn path(self) -> &'static str {
        match self {
            Holder::Machine => "/api/tokens",
            Holder::Person => "/account/tokens",
        }
    }

    fn key(self, machine: &'static str, person: &'static str) -> &'static str {
        match self {
            Holder::Machine => machine,
            Holder::Person => person,
        }
    }

    pub fn title(self) -> &'static str {
        self.key("tokens.title", "personal.title")
    }

    pub fn lead(self) -> &'static str {
        self.key("tokens.lead", "personal.lead")
    }

    pub fn none(self) -> &'static str {
        self.key("tokens.none", "personal.none")
    }

    pub fn caption(self) -> &'static str {
        self.key("tokens.caption", "personal.caption")
    }

    pub fn name_hint(self) -> &'static str {
        self.key("tokens.name_hint", "personal.name_hint")
    }

    pub fn is_machine(self) -> bool {
        self == Holder::Machine
    }
}

/// One token in a list.
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The role's label key; empty for a person's token (it has the person's rights).
    pub role: &'static str,
    pub scope: String,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: String,
    pub live: bool,
}

impl TokenView {
    /// A row of a person's list; a machine's adds its role, scope and issuer.
    pub fn new(t: TokenEntry, now: &str) -> TokenView {
        TokenView {
            live: t.revoked_at.is_none() && t.expires_at.as_deref().is_none_or(|e| e > now),
            role: "",
            scope: String::new(),
            created_by: String::new(),
            created_at: crate::dates::display_day(&t.created_at),
            expires_at: t
                .expires_at
                .as_deref()
                .map(crate::dates::display_day)
                .unwrap_or_default(),
            last_used_at: t
                .last_used_at
                .map(|s| s.replace('T', " ").replace('Z', " UTC"))
                .unwrap_or_default(),
            id: t.id,
            name: t.name,
        }
    }
}

/// The choices of a machine token's role fields (`account/_role_fields.html`).
pub struct Choices {
    pub roles: Vec<(&'static str, &'static str)>,
    pub municipalities: Vec<(i64, String)>,
    pub institutions: Vec<(i64, String)>,
    /// Tokens hold municipal roles only; the shared role fields list no districts.
    pub districts: Vec<(String, String)>,
}

/// A list of tokens with the form that issues a new one.
#[derive(Template)]
#[template(path = "api/tokens.html")]
pub struct TokensPage {
    pub tr: Tr,
    pub csrf: CsrfToken,
    pub holder: Holder,
    pub tokens: Vec<TokenView>,
    /// The role fields of a machine's token; `None` for a person's.
    pub choices: Option<Choices>,
    pub feedback: crate::forms::Feedback,
    /// The name typed, shown again with an error.
    pub name: String,
}

/// A new token, shown once; `back` leads to the list it belongs to.
#[derive(Template)]
#[template(path = "api/token_once.html")]
pub struct TokenOnce {
    pub tr: Tr,
    pub name: String,
    pub token: String,
    pub back: &'static str,
}

/// A token's name and last day (YYYY-MM-DD, empty: no end) as the forms give them, read into
/// the name and the end as stored, or the message to show.
pub fn read_name_and_end(name: &str, expires: &str) -> Result<(String, Option<String>), String> {
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(format!(
            "Дайте име на ключа (до {MAX_NAME} знака), за да го разпознавате."
        ));
    }
    let expires = match expires.trim() {
        "" => None,
        d => {
            let date = crate::dates::parse_iso_date(d)
                .map_err(|_| format!("„{d}“ не е дата (ГГГГ-ММ-ДД)."))?;
            let end = format!("{date}T23:59:59Z");
            if end <= crate::dates::now_stamp() {
                return Err("Крайната дата е минала.".into());
            }
            Some(end)
        }
    };
    Ok((name, expires))
}
