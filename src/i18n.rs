//! The translation layer: every interface string is looked up here by key, Bulgarian first,
//! English second (`locales/messages.toml`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Bg,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Bg => "bg",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "bg" => Some(Lang::Bg),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

const MESSAGES_TOML: &str = include_str!("../locales/messages.toml");

/// key -> [bg, en]; parsed once and kept for the life of the program.
static MESSAGES: LazyLock<HashMap<&'static str, [&'static str; 2]>> = LazyLock::new(|| {
    let parsed: HashMap<String, [String; 2]> = toml::from_str(MESSAGES_TOML).unwrap_or_default();
    let keep = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    parsed
        .into_iter()
        .map(|(k, [bg, en])| (keep(k), [keep(bg), keep(en)]))
        .collect()
});

/// A translator for one language, handed to every template.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
    /// What the page header links to for the signed-in person; every page has it with the
    /// language, so every template's header can show it.
    pub nav: Nav,
}

/// The header's links for a signed-in person: their work (`/work`) and the areas their roles
/// reach. `web::auth` works it out from the policy and puts it into the request; anonymous
/// requests have the default (no staff links).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Nav {
    pub signed_in: bool,
    /// Reporting rounds (`/rounds`).
    pub rounds: bool,
    /// The district or national dashboard (`/dashboard`).
    pub dashboard: bool,
    /// User administration (`/admin/users`).
    pub users: bool,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr {
            lang,
            nav: Nav::default(),
        }
    }

    /// The text for `key`; the key itself when it is missing (a test keeps that from happening).
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        match MESSAGES.get(key) {
            Some([bg, en]) => match self.lang {
                Lang::Bg => bg,
                Lang::En => en,
            },
            None => key,
        }
    }

    /// "1 мярка", "5 мерки": the number with the singular or plural word.
    pub fn count(&self, n: &usize, one: &str, many: &str) -> String {
        let word = if *n == 1 { self.t(one) } else { self.t(many) };
        format!("{n} {word}")
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The other language, for the switch link.
    pub fn other(&self) -> Lang {
        match self.lang {
            Lang::Bg => Lang::En,
            Lang::En => Lang::Bg,
        }
    }
}

/// The interface language of a request: the `lang` cookie, else Bulgarian.
impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts
            .headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
            .unwrap_or_default();
        let nav = parts.extensions.get::<Nav>().copied().unwrap_or_default();
        Ok(Tr { lang, nav })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_file_parses_and_every_entry_has_both_languages() {
        let parsed: HashMap<String, [String; 2]> =
            toml::from_str(MESSAGES_TOML).expect("messages.toml");
        assert!(parsed.len() > 20);
        for (k, [bg, en]) in &parsed {
            assert!(!bg.is_empty() && !en.is_empty(), "{k} lacks a translation");
        }
    }

    #[test]
    fn bulgarian_is_the_default_and_english_follows() {
        assert_eq!(Tr::default().t("nav.home"), "Начало");
        assert_eq!(Tr::new(Lang::En).t("nav.home"), "Home");
        assert_eq!(Tr::default().t("no.such.key"), "no.such.key");
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        let mut missing = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            for entry in std::fs::read_dir(&p).expect("templates dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("template");
                for part in text.split("tr.t(\"").skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    if !MESSAGES.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:#?}");
    }
}
