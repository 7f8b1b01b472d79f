//! Bulgaria's administrative tree: the 28 districts (области) and 265 municipalities (общини)
//! of the NSI classification ЕКАТТЕ, shipped in `assets/ekatte/`, and the matching of the names
//! documents use ("Община град Добрич", "Столична община", "Общински съвет – Пловдив") to the
//! official ones. Codes (`PDV`, `PDV22`) are the stable identifiers in URLs, exports and
//! roll-ups. Which district a municipality belongs to in a given year is stored data
//! (`store.rs`, table `municipality_districts`), seeded from this tree.

pub mod store;

/// SQL for the code of the district a `municipalities` row aliased `mu` belongs to under the
/// tree in force in a year (`district_code_sql!("r.year")`, any SQL expression) or now
/// (`district_code_sql!(now)`); a district's owner row (plans of a district) is its own
/// district. The one place the policy's `Place::district` is read from.
#[macro_export]
macro_rules! district_code_sql {
    (now) => {
        "COALESCE((SELECT md.district_code FROM municipality_districts md \
         WHERE md.municipality_code = mu.code AND md.valid_to IS NULL), \
         CASE WHEN mu.level = 'district' THEN mu.code END)"
    };
    ($year:literal) => {
        concat!(
            "COALESCE((SELECT md.district_code FROM municipality_districts md \
             WHERE md.municipality_code = mu.code AND (md.valid_from IS NULL OR md.valid_from <= ",
            $year,
            ") AND (md.valid_to IS NULL OR md.valid_to >= ",
            $year,
            ")), CASE WHEN mu.level = 'district' THEN mu.code END)"
        )
    };
}

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    /// Three letters, e.g. `PDV`.
    pub code: String,
    /// The official name, e.g. `Пловдив`, `София (столица)`.
    pub name: String,
    /// The statistical region (NUTS 2), e.g. `BG42`.
    pub nuts2: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    /// District code and two digits, e.g. `PDV22`.
    pub code: String,
    /// The official short name, e.g. `Пловдив`, `Добрич-селска`, `Столична`.
    pub name: String,
    /// The district it belongs to in the classification as shipped.
    pub district: String,
}

/// The tree as shipped, parsed once.
#[derive(Debug)]
pub struct Tree {
    pub districts: Vec<District>,
    pub municipalities: Vec<Municipality>,
    /// Normalised name → indexes into `municipalities` (a name can repeat: Бяла).
    by_key: HashMap<String, Vec<usize>>,
}

/// What a name in a document says about a municipality.
#[derive(Debug, PartialEq, Eq)]
pub enum NameMatch<'a> {
    One(&'a Municipality),
    /// The name is borne by several municipalities (in different districts).
    Several(Vec<&'a Municipality>),
    None,
}

impl<'a> NameMatch<'a> {
    pub fn one(self) -> Option<&'a Municipality> {
        match self {
            NameMatch::One(m) => Some(m),
            _ => None,
        }
    }
}

const DISTRICTS_CSV: &str = include_str!("../../assets/ekatte/districts.csv");
const MUNICIPALITIES_CSV: &str = include_str!("../../assets/ekatte/municipalities.csv");

/// The official tree shipped with planmon.
pub fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| Tree::parse(DISTRICTS_CSV, MUNICIPALITIES_CSV))
}

/// Rows of a header-first CSV without quoting (the NSI tables have none), split on commas.
fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::trim).collect())
}

impl Tree {
    /// Parses the two tables; rows with too few fields are skipped (the shipped files are
    /// checked by a test to have none).
    pub fn parse(districts: &str, municipalities: &str) -> Tree {
        let districts: Vec<District> = rows(districts)
            .filter(|r| r.len() >= 4)
            .map(|r| District {
                code: r[0].to_string(),
                name: r[2].to_string(),
                nuts2: r[3].to_string(),
            })
            .collect();
        let municipalities: Vec<Municipality> = rows(municipalities)
            .filter(|r| r.len() >= 4)
            .map(|r| Municipality {
                code: r[0].to_string(),
                name: r[2].to_string(),
                district: r[3].to_string(),
            })
            .collect();
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, m) in municipalities.iter().enumerate() {
            for key in official_keys(&m.name) {
                let list = by_key.entry(key).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        Tree {
            districts,
            municipalities,
            by_key,
        }
    }

    pub fn district(&self, code: &str) -> Option<&District> {
        self.districts.iter().find(|d| d.code == code)
    }

    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code == code)
    }

    pub fn municipalities_of<'a>(
        &'a self,
        district: &'a str,
    ) -> impl Iterator<Item = &'a Municipality> + 'a {
        self.municipalities
            .iter()
            .filter(move |m| m.district == district)
    }

    /// The municipality a document's name means ("Община град Добрич" → Добрич, "Столична
    /// община" → Столична, "Общински съвет – Казанлък" → Казанлък). `district`, a district code
    /// or name when the document states one, tells apart municipalities of the same name.
    pub fn match_municipality(&self, text: &str, district: Option<&str>) -> NameMatch<'_> {
        let key = document_key(text);
        let Some(found) = self.by_key.get(&key) else {
            return NameMatch::None;
        };
        let mut found: Vec<&Municipality> =
            found.iter().map(|&i| &self.municipalities[i]).collect();
        if found.len() > 1
            && let Some(d) = district
        {
            let d_key = plain(d);
            found.retain(|m| {
                m.district == d
                    || self
                        .district(&m.district)
                        .is_some_and(|x| plain(&x.name) == d_key)
            });
        }
        match found.len() {
            0 => NameMatch::None,
            1 => NameMatch::One(found[0]),
            _ => NameMatch::Several(found),
        }
    }
}

/// Lower case, `ё`-free, words separated by single spaces, dashes and punctuation as spaces.
fn plain(text: &str) -> String {
    let lowered: String = text
        .chars()
        .map(|c| match c {
            '-' | '–' | '—' | '‑' | ',' | '.' | '„' | '“' | '"' | '(' | ')' | ':' => ' ',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The keys under which an official name is found: the name itself, and for the rural
/// municipality named "<town>-селска" also its older adjectival name ("Добричка").
fn official_keys(name: &str) -> Vec<String> {
    let key = plain(name);
    let mut keys = vec![key.clone()];
    if let Some(town) = key.strip_suffix(" селска") {
        keys.push(adjective(town));
    }
    keys
}

/// "добрич" → "добричка": the feminine adjective documents use for a rural municipality.
fn adjective(town: &str) -> String {
    format!("{town}ка")
}

/// Words around a municipality's name that do not belong to it.
const FRAME_WORDS: &[&str] = &[
    "община",
    "общината",
    "общински",
    "съвет",
    "съветът",
    "ос",
    "град",
    "гр",
    "на",
    "в",
];

/// The key of a name as a document writes it: frame words dropped ("Община град Добрич" →
/// "добрич"), "Столична община" and "София" (the capital) → "столична".
fn document_key(text: &str) -> String {
    let p = plain(text);
    let words: Vec<&str> = p.split(' ').filter(|w| !FRAME_WORDS.contains(w)).collect();
    let key = words.join(" ");
    match key.as_str() {
        "столична" | "софия" | "софия столица" | "столична голяма" => {
            "столична".to_string()
        }
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tree_has_28_districts_and_265_municipalities_each_in_a_known_district() {
        let t = tree();
        assert_eq!(t.districts.len(), 28);
        assert_eq!(t.municipalities.len(), 265);
        for m in &t.municipalities {
            assert!(
                t.district(&m.district).is_some(),
                "{} has no district",
                m.code
            );
            assert!(m.code.starts_with(&m.district), "{}", m.code);
        }
        assert_eq!(
            t.districts
                .iter()
                .map(|d| t.municipalities_of(&d.code).count())
                .sum::<usize>(),
            265
        );
    }

    #[test]
    fn long_forms_of_a_name_map_to_the_official_municipality() {
        let t = tree();
        let code = |s: &str| t.match_municipality(s, None).one().map(|m| m.code.as_str());
        assert_eq!(code("Община Пловдив"), Some("PDV22"));
        assert_eq!(code("ОБЩИНА КАЗАНЛЪК"), Some("SZR12"));
        assert_eq!(code("Общински съвет – Казанлък"), Some("SZR12"));
        assert_eq!(code("Община град Добрич"), Some("DOB28"));
        assert_eq!(code("Община Добрич-селска"), Some("DOB15"));
        assert_eq!(code("Община Добричка"), Some("DOB15"));
        assert_eq!(code("Столична община"), Some("SOF46"));
        assert_eq!(code("гр. Генерал Тошево"), Some("DOB12"));
        assert_eq!(
            code("Община Нова Загора"),
            t.municipality("SLV16").map(|m| m.code.as_str())
        );
    }

    #[test]
    fn a_name_borne_by_two_municipalities_needs_the_district() {
        let t = tree();
        match t.match_municipality("Община Бяла", None) {
            NameMatch::Several(ms) => assert_eq!(ms.len(), 2),
            other => panic!("expected two, got {other:?}"),
        }
        let ruse = t.match_municipality("Община Бяла", Some("Русе")).one();
        let varna = t.match_municipality("Община Бяла", Some("VAR")).one();
        assert!(ruse.is_some_and(|m| m.district == "RSE"));
        assert!(varna.is_some_and(|m| m.district == "VAR"));
    }

    #[test]
    fn an_unknown_name_matches_nothing_rather_than_a_guess() {
        let t = tree();
        assert_eq!(
            t.match_municipality("Община Атлантида", None),
            NameMatch::None
        );
        assert_eq!(t.match_municipality("", None), NameMatch::None);
        assert_eq!(
            t.match_municipality("Областна администрация", None),
            NameMatch::None
        );
    }
}
