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

    /// ` lang="bg"` on an English page, nothing on a Bulgarian one: put on the element that holds
    /// Bulgarian content (a plan's own words, names as documents write them), so screen readers
    /// read it as Bulgarian (`<span{{ tr.bg()|safe }}>`).
    pub fn bg(&self) -> &'static str {
        match self.lang {
            Lang::Bg => "",
            Lang::En => " lang=\"bg\"",
        }
    }

    /// A Bulgarian place name in this page's language: as it is on Bulgarian pages, in the
    /// official Latin transliteration on English ones ("Пловдив" → "Plovdiv").
    pub fn place(&self, name: &str) -> String {
        match self.lang {
            Lang::Bg => name.to_string(),
            Lang::En => latin(name),
        }
    }

    /// `bg()` for a cell of data that mixes figures and the plan's words (a chart's data table):
    /// marked only when it holds Bulgarian letters.
    pub fn bg_if(&self, text: &str) -> &'static str {
        if text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
            self.bg()
        } else {
            ""
        }
    }

    /// An amount in this page's language.
    pub fn money(&self, m: crate::money::Money) -> String {
        m.display(self.lang)
    }

    /// A date (ISO text) in this page's language.
    pub fn date(&self, iso: &str) -> String {
        crate::dates::display(iso, self.lang)
    }

    /// A period of whole years: "2022–2024 г." or "2022–2024".
    pub fn period(&self, from: i32, to: i32) -> String {
        let suffix = match self.lang {
            Lang::Bg => " г.",
            Lang::En => "",
        };
        if from == to {
            format!("{from}{suffix}")
        } else {
            format!("{from}–{to}{suffix}")
        }
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

/// Words to be said later in the reader's language: a message key and the values of its
/// `{name}` places, so pure code can refuse something without choosing the language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    /// The value of the place `{name}`.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Msg {
        self.args.push((name, value.into()));
        self
    }
}

/// In Bulgarian (the command line, the API and the log speak it).
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Tr::default().say(self))
    }
}

impl Tr {
    /// The message in this language with its places filled.
    pub fn say(&self, m: &Msg) -> String {
        let mut text = self.t(m.key).to_string();
        for (name, value) in &m.args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
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
    fn a_message_fills_its_places_in_either_language() {
        let m = Msg::new("amend.err.no_measure").with("code", "9.9");
        assert_eq!(Tr::default().say(&m), "в плана няма мярка „9.9“.");
        assert_eq!(
            Tr::new(Lang::En).say(&m),
            "the plan has no measure \"9.9\"."
        );
        assert_eq!(m.to_string(), "в плана няма мярка „9.9“.");
    }

    #[test]
    fn both_languages_of_a_message_have_the_same_places() {
        let parsed: HashMap<String, [String; 2]> =
            toml::from_str(MESSAGES_TOML).expect("messages.toml");
        let places = |s: &str| {
            let mut out: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .collect();
            out.sort();
            out
        };
        for (k, [bg, en]) in &parsed {
            assert_eq!(places(bg), places(en), "{k}");
        }
    }

    #[test]
    fn every_message_key_used_in_the_code_exists() {
        let mut missing = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            for entry in std::fs::read_dir(&p).expect("src dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source");
                for part in text.split("Msg::new(\"").skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    if !MESSAGES.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:#?}");
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

/// One lower-case Bulgarian letter in Latin letters by the Transliteration Act (2009, the
/// Streamlined System); `None` for any other character.
pub fn latin_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sht",
        'ъ' => "a",
        'ь' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// Bulgarian text in Latin letters by the Transliteration Act (2009, the Streamlined System):
/// "щ" → "sht", "ъ" → "a", "ия" at the end of a word → "ia"; other characters stay as they are.
pub fn latin(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let lower = c.to_lowercase().next().unwrap_or(c);
        let upper = c != lower;
        let word_end = |j: usize| chars.get(j).is_none_or(|n| !n.is_alphabetic());
        // "ия" closing a word is "ia" ("София" → "Sofia").
        let (latin, used) = if lower == 'и'
            && chars.get(i + 1).is_some_and(|n| n.to_lowercase().eq(['я']))
            && word_end(i + 2)
        {
            (Some("ia"), 2)
        } else {
            (latin_letter(lower), 1)
        };
        match latin {
            Some(l) if upper => {
                // A capital opens the word; in a word of capitals every letter is a capital.
                let all_caps = chars.get(i + 1).is_some_and(|n| n.is_uppercase());
                if all_caps {
                    out.push_str(&l.to_uppercase());
                } else {
                    let mut cs = l.chars();
                    if let Some(f) = cs.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(cs.as_str());
                    }
                }
            }
            Some(l) => out.push_str(l),
            None => out.push(c),
        }
        i += used;
    }
    out
}

#[cfg(test)]
mod latin_tests {
    use super::latin;

    #[test]
    fn place_names_are_written_in_the_official_latin_transliteration() {
        assert_eq!(latin("Пловдив"), "Plovdiv");
        assert_eq!(latin("София"), "Sofia");
        assert_eq!(latin("Казанлък"), "Kazanlak");
        assert_eq!(latin("Шумен"), "Shumen");
        assert_eq!(
            latin("Щип, Ямбол и Благоевград"),
            "Shtip, Yambol i Blagoevgrad"
        );
        assert_eq!(latin("Царево"), "Tsarevo");
        assert_eq!(latin("ЖЕРАВНА"), "ZHERAVNA");
        assert_eq!(latin("Добрич-селска"), "Dobrich-selska");
    }
}
