//! The registry of responsible institutions and funding sources: one entry per real body,
//! with the many ways plans spell it ("ДБ", "Републикански бюджет") as aliases.

pub mod pages;
pub mod store;

use serde::Deserialize;

/// Which list an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryKind {
    Institution,
    FundingSource,
}

/// Changes whenever `name_key` changes, so stored alias keys are recomputed at start-up.
pub const NAME_KEY_VERSION: &str = "2";

/// The comparison key of a name: case, quotes, punctuation, spacing and Bulgarian definite
/// articles do not matter, so "Здравните медиатори" and "Здравни Медиатори" share a key.
pub fn name_key(name: &str) -> String {
    let lowered = name.to_lowercase();
    let mut out = String::with_capacity(lowered.len());
    let separator = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '„' | '“'
                    | '”'
                    | '"'
                    | '\''
                    | '«'
                    | '»'
                    | '('
                    | ')'
                    | '.'
                    | ','
                    | ';'
                    | ':'
                    | '-'
                    | '–'
                    | '—'
                    | '‑'
                    | '/'
            )
    };
    for word in lowered.split(separator).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(strip_article(word));
    }
    out
}

/// Removes the Bulgarian definite article from one lowercase word, leaving short words alone.
fn strip_article(word: &str) -> &str {
    const ARTICLES: [&str; 7] = ["ите", "ът", "ят", "ата", "ята", "ото", "ето"];
    if word.chars().count() < 6 || !ARTICLES.iter().any(|a| word.ends_with(a)) {
        return word;
    }
    // The last two letters go (of "-ите", "-ата", … the vowel before them stays).
    word.char_indices()
        .rev()
        .nth(1)
        .map_or(word, |(i, _)| &word[..i])
}

/// A URL-safe slug from a Bulgarian name (transliterated by the official Bulgarian system).
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let t: &str = match c {
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
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(t);
    }
    let collapsed: Vec<&str> = out.split('-').filter(|s| !s.is_empty()).collect();
    let slug = collapsed.join("-");
    let slug: String = slug.chars().take(80).collect();
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() { "x".into() } else { slug }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinEntry {
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Builtin {
    #[serde(default, rename = "institution")]
    pub institutions: Vec<BuiltinEntry>,
    #[serde(default, rename = "source")]
    pub sources: Vec<BuiltinEntry>,
}

const BUILTIN_TOML: &str = include_str!("builtin.toml");

/// The registry that ships with planmon.
pub fn builtin() -> Result<Builtin, toml::de::Error> {
    toml::from_str(BUILTIN_TOML)
}

/// An in-memory lookup from name keys to canonical names (for pure code and previews).
#[derive(Debug, Clone, Default)]
pub struct AliasIndex {
    map: std::collections::HashMap<String, String>,
}

impl AliasIndex {
    pub fn from_entries(entries: &[BuiltinEntry]) -> AliasIndex {
        let mut map = std::collections::HashMap::new();
        for e in entries {
            map.insert(name_key(&e.name), e.name.clone());
            for a in &e.aliases {
                map.insert(name_key(a), e.name.clone());
            }
        }
        AliasIndex { map }
    }

    pub fn insert(&mut self, alias: &str, canonical: &str) {
        self.map.insert(name_key(alias), canonical.to_string());
    }

    /// The canonical name, if the registry knows this spelling.
    pub fn lookup(&self, name: &str) -> Option<&str> {
        self.lookup_key(&name_key(name))
    }

    /// [`AliasIndex::lookup`] of a key already made by [`name_key`].
    pub fn lookup_key(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }

    /// The canonical name, or the name itself when unknown.
    pub fn canonical(&self, name: &str) -> String {
        self.lookup(name)
            .map_or_else(|| name.trim().to_string(), str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_article_and_case_do_not_split_an_institution() {
        assert_eq!(
            name_key("Здравните медиатори"),
            name_key("Здравни Медиатори")
        );
        assert_eq!(name_key("Общината"), name_key("община"));
        assert_eq!(name_key("Училището."), name_key("училище"));
        assert_eq!(name_key("РУ-Казанлък"), name_key("РУ- Казанлък"));
    }

    #[test]
    fn different_bodies_keep_different_keys() {
        assert_ne!(name_key("Община Пловдив"), name_key("Община Казанлък"));
        assert_ne!(name_key("РУО"), name_key("РЗИ"));
    }

    #[test]
    fn builtin_registry_reads_and_resolves_abbreviations() {
        let b = builtin().expect("registry.toml parses");
        let sources = AliasIndex::from_entries(&b.sources);
        assert_eq!(sources.canonical("ДБ"), "Държавен бюджет");
        assert_eq!(sources.canonical("държавен бюджет"), "Държавен бюджет");
        assert_eq!(sources.canonical("Републикански бюджет"), "Държавен бюджет");
        let inst = AliasIndex::from_entries(&b.institutions);
        assert_eq!(
            inst.canonical("РУО на МОН"),
            "Регионално управление на образованието"
        );
        assert_eq!(inst.canonical("Здравните медиатори"), "Здравни медиатори");
        assert_eq!(inst.canonical("Община Пловдив"), "Община Пловдив");
    }

    #[test]
    fn builtin_aliases_never_point_at_two_entries() {
        let b = builtin().expect("registry.toml parses");
        for list in [&b.institutions, &b.sources] {
            let mut seen = std::collections::HashMap::new();
            for e in list.iter() {
                for a in std::iter::once(&e.name).chain(e.aliases.iter()) {
                    if let Some(prev) = seen.insert(name_key(a), e.name.clone()) {
                        assert_eq!(prev, e.name, "alias {a} is claimed twice");
                    }
                }
            }
        }
    }

    #[test]
    fn slugs_are_transliterated_and_url_safe() {
        assert_eq!(slugify("Община Пловдив"), "obshtina-plovdiv");
        assert_eq!(
            slugify("Дирекция „Бюро по труда“"),
            "direktsiya-byuro-po-truda"
        );
        assert_eq!(slugify("—"), "x");
    }
}
