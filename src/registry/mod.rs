//! The registry of responsible institutions and funding sources: one entry per real body,
//! with the many ways plans spell it ("ДБ", "Републикански бюджет") as aliases.

pub mod pages;
pub mod store;

use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

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
        if let Some(latin) = crate::i18n::latin_letter(c) {
            out.push_str(latin);
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('-');
        }
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
    /// The body has a structure in each district or municipality, named with the place.
    #[serde(default)]
    pub per: Option<Per>,
    /// Spellings that name the body only with a place after them.
    #[serde(default)]
    pub place_aliases: Vec<String>,
}

/// Where a body has its structures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    District,
    Municipality,
}

/// Marks the place in the name of a structure that exists only per place ("Община {place}").
const PLACE: &str = "{place}";

impl BuiltinEntry {
    /// Whether the entry is only a form for the structures of each place (not a body itself).
    pub fn is_place_form(&self) -> bool {
        self.name.contains(PLACE)
    }

    /// The name of the body's structure in a place (official name).
    fn in_place(&self, place: &str) -> String {
        if self.is_place_form() {
            self.name.replace(PLACE, place)
        } else {
            format!("{} – {place}", self.name)
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Builtin {
    #[serde(default, rename = "institution")]
    pub institutions: Vec<BuiltinEntry>,
    #[serde(default, rename = "source")]
    pub sources: Vec<BuiltinEntry>,
}

/// The official name of the district or municipality whose name has this key ("софия град",
/// "софия столица" and "софия" name the capital's district).
fn place_named(per: Per, key: &str) -> Option<&'static str> {
    static PLACES: OnceLock<[HashMap<String, &'static str>; 2]> = OnceLock::new();
    let [districts, municipalities] = PLACES.get_or_init(|| {
        let tree = crate::territory::tree();
        let mut d: HashMap<String, &'static str> = HashMap::new();
        for x in &tree.districts {
            d.insert(name_key(&x.name), x.name.as_str());
        }
        if let Some(capital) = tree.districts.iter().find(|x| x.name.contains("столица")) {
            for k in ["софия град", "софия", "столична"] {
                d.insert(k.into(), capital.name.as_str());
            }
        }
        let mut m: HashMap<String, &'static str> = HashMap::new();
        for x in &tree.municipalities {
            m.insert(name_key(&x.name), x.name.as_str());
            if x.district.starts_with("SOF") && x.name == "Столична" {
                m.insert("софия".into(), x.name.as_str());
            }
        }
        [d, m]
    });
    match per {
        Per::District => districts.get(key).copied(),
        Per::Municipality => municipalities.get(key).copied(),
    }
}

const BUILTIN_TOML: &str = include_str!("builtin.toml");

/// The registry that ships with planmon.
pub fn builtin() -> Result<Builtin, toml::de::Error> {
    toml::from_str(BUILTIN_TOML)
}

/// The built-in registry's list of one kind as a lookup, read once.
pub fn builtin_index(kind: RegistryKind) -> &'static AliasIndex {
    static INDEXES: OnceLock<[AliasIndex; 2]> = OnceLock::new();
    let [institutions, sources] = INDEXES.get_or_init(|| match builtin() {
        Ok(b) => [
            AliasIndex::from_entries(&b.institutions),
            AliasIndex::from_entries(&b.sources),
        ],
        Err(_) => [AliasIndex::default(), AliasIndex::default()],
    });
    match kind {
        RegistryKind::Institution => institutions,
        RegistryKind::FundingSource => sources,
    }
}

/// An in-memory lookup from name keys to canonical names (for pure code and previews).
#[derive(Debug, Clone, Default)]
pub struct AliasIndex {
    map: std::collections::HashMap<String, String>,
    /// Keys of the spellings of bodies with a structure per place → the entry.
    per_place: std::collections::HashMap<String, BuiltinEntry>,
}

/// Words written between a body's name and its place ("РУ на МВР гр. Казанлък", "МКБППМН към
/// Община Казанлък"), as name keys.
const PLACE_CONNECTORS: [&str; 7] = ["гр", "град", "към", "при", "община", "област", "обл"];

impl AliasIndex {
    pub fn from_entries(entries: &[BuiltinEntry]) -> AliasIndex {
        let mut map = std::collections::HashMap::new();
        let mut per_place = std::collections::HashMap::new();
        for e in entries {
            if e.per.is_some() {
                for a in std::iter::once(&e.name)
                    .chain(&e.aliases)
                    .chain(&e.place_aliases)
                {
                    per_place.insert(name_key(&a.replace(PLACE, "")), e.clone());
                }
            }
            if e.is_place_form() {
                continue;
            }
            map.insert(name_key(&e.name), e.name.clone());
            for a in &e.aliases {
                map.insert(name_key(a), e.name.clone());
            }
        }
        AliasIndex { map, per_place }
    }

    pub fn insert(&mut self, alias: &str, canonical: &str) {
        self.map.insert(name_key(alias), canonical.to_string());
    }

    /// The canonical name, if the registry knows this spelling.
    pub fn lookup(&self, name: &str) -> Option<Cow<'_, str>> {
        self.lookup_key(&name_key(name))
    }

    /// [`AliasIndex::lookup`] of a key already made by [`name_key`]: a spelling of an entry,
    /// or of a body's structure in a place ("РУ-Казанлък": the Районно управление на МВР of
    /// Казанлък).
    pub fn lookup_key(&self, key: &str) -> Option<Cow<'_, str>> {
        if let Some(name) = self.map.get(key) {
            return Some(Cow::Borrowed(name.as_str()));
        }
        self.in_place(key).map(Cow::Owned)
    }

    /// The structure of a body in a place: the key is a spelling of a body with structures
    /// per place, connecting words, and the place's official name.
    fn in_place(&self, key: &str) -> Option<String> {
        if self.per_place.is_empty() {
            return None;
        }
        let words: Vec<&str> = key.split(' ').collect();
        for at in (1..words.len()).rev() {
            let place_key = words[at..].join(" ");
            let mut body = &words[..at];
            loop {
                if let Some(entry) = self.per_place.get(&body.join(" "))
                    && let Some(per) = entry.per
                    && let Some(place) = place_named(per, &place_key)
                {
                    return Some(entry.in_place(place));
                }
                match body.split_last() {
                    Some((last, rest)) if !rest.is_empty() && PLACE_CONNECTORS.contains(last) => {
                        body = rest;
                    }
                    _ => break,
                }
            }
        }
        None
    }

    /// The canonical name, or the name itself when unknown.
    pub fn canonical(&self, name: &str) -> String {
        self.lookup(name)
            .map_or_else(|| name.trim().to_string(), Cow::into_owned)
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
    fn the_national_bodies_plans_name_are_known_by_their_abbreviations() {
        let inst = builtin_index(RegistryKind::Institution);
        for (abbr, name) in [
            (
                "МРРБ",
                "Министерство на регионалното развитие и благоустройството",
            ),
            ("МП", "Министерство на правосъдието"),
            ("ДАЗД", "Държавна агенция за закрила на детето"),
            ("КЗД", "Комисия за защита от дискриминация"),
            (
                "НКБППМН",
                "Национална комисия за борба с противообществените прояви на малолетните и \
                 непълнолетните",
            ),
            ("АСП", "Агенция за социално подпомагане"),
            ("ОДМВР", "Областна дирекция на МВР"),
            (
                "ГД „ГРАО“",
                "Главна дирекция „Гражданска регистрация и административно обслужване“",
            ),
            ("БЧК", "Български Червен кръст"),
            ("Кметове и кметски наместници", "Кметове на кметства"),
            (
                "РЦПППО",
                "Регионален център за подкрепа на процеса на приобщаващото образование",
            ),
        ] {
            assert_eq!(inst.lookup(abbr).as_deref(), Some(name), "{abbr}");
        }
    }

    #[test]
    fn a_regional_structure_written_with_its_place_is_the_structure_of_that_place() {
        let inst = builtin_index(RegistryKind::Institution);
        let police = "Районно управление на МВР – Казанлък";
        for spelling in [
            "РУ-Казанлък",
            "РУ- Казанлък",
            "РУ – Казанлък",
            "РУ на МВР гр. Казанлък",
            "РУП Казанлък",
        ] {
            assert_eq!(inst.lookup(spelling).as_deref(), Some(police), "{spelling}");
        }
        for (spelling, name) in [
            (
                "РУО-Пловдив",
                "Регионално управление на образованието – Пловдив",
            ),
            (
                "РУО на МОН – Стара Загора",
                "Регионално управление на образованието – Стара Загора",
            ),
            ("РЗИ Хасково", "Регионална здравна инспекция – Хасково"),
            (
                "РДСП – Сливен",
                "Регионална дирекция за социално подпомагане – Сливен",
            ),
            (
                "ОДМВР Стара Загора",
                "Областна дирекция на МВР – Стара Загора",
            ),
            (
                "Областна администрация Пловдив",
                "Областна администрация – Пловдив",
            ),
            (
                "РУО – София-град",
                "Регионално управление на образованието – София (столица)",
            ),
            ("ДБТ гр. Казанлък", "Дирекция „Бюро по труда“ – Казанлък"),
            (
                "Д „СП“ Казанлък",
                "Дирекция „Социално подпомагане“ – Казанлък",
            ),
            (
                "ДСП – Казанлък",
                "Дирекция „Социално подпомагане“ – Казанлък",
            ),
            (
                "МКБППМН към Община Казанлък",
                "Местна комисия за борба срещу противообществените прояви на малолетните и \
                 непълнолетните – Казанлък",
            ),
            ("Община град Добрич", "Община Добрич"),
            ("Общинска администрация Пловдив", "Община Пловдив"),
            ("ЦОП Казанлък", "Център за обществена подкрепа – Казанлък"),
            (
                "Областен информационен център – Сливен",
                "Областен информационен център – Сливен",
            ),
            (
                "Д „Бюро по труда“ – Сливен",
                "Дирекция „Бюро по труда“ – Сливен",
            ),
            (
                "РИО – Сливен",
                "Регионално управление на образованието – Сливен",
            ),
            ("ДПС Казанлък", "Детска педагогическа стая – Казанлък"),
            (
                "ОССЕИВ – Казанлък",
                "Общински съвет за сътрудничество по етническите и интеграционните въпроси – \
                 Казанлък",
            ),
            (
                "Центрове за обществена подкрепа – Пловдив",
                "Център за обществена подкрепа – Пловдив",
            ),
            (
                "ЦНСТ – Казанлък",
                "Център за настаняване от семеен тип – Казанлък",
            ),
            (
                "Инспекция по труда – Хасково",
                "Дирекция „Инспекция по труда“ – Хасково",
            ),
        ] {
            assert_eq!(inst.lookup(spelling).as_deref(), Some(name), "{spelling}");
        }
        // A place name alone, an abbreviation only valid with a place, a place that is no
        // district or municipality, and a district body with a town that is not a district.
        for unknown in ["Казанлък", "РУ", "РУ-Неизвестно", "РЗИ Казанлък", "Община"]
        {
            assert_eq!(inst.lookup(unknown), None, "{unknown}");
        }
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
