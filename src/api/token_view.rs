//! What the two token pages (`/api/tokens` and `/account/tokens`) share: reading a token's
//! name and last day from a form, and the page that shows a new token once.

use super::tokens::MAX_NAME;
use crate::i18n::Tr;
use askama::Template;

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
