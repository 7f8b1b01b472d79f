//! The plan model: planmon plan JSON, version 1 (see docs/plan-format.md), and the pure rules
//! on it (counts, financing totals, national priority areas).

pub mod act;
pub mod api;
pub mod diff;
pub mod format;
pub mod keys;
pub mod measure_history;
pub mod pages;
pub mod rules;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;
pub mod views;

use crate::money::{Currency, Money, decimal_minor};
use serde::{Deserialize, Serialize};

/// The value of the top-level `format` field.
pub const FORMAT_V1: &str = "planmon-plan/1";

/// A municipal action plan as adopted (or as amended): the whole tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub format: String,
    pub municipality: String,
    /// The district (област) the municipality belongs to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    pub title: String,
    pub period: YearRange,
    /// The municipal council's adopting decision; null when the source does not state it.
    pub adoption: Option<Adoption>,
    /// Where the plan was imported from, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDocument>,
    pub priorities: Vec<Priority>,
    /// Source text the importer could not place in the tree; kept so nothing is lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unplaced: Vec<Unplaced>,
    /// Free remarks about the plan or its import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

impl YearRange {
    pub fn contains(&self, year: i32) -> bool {
        self.from <= year && year <= self.to
    }
}

/// A council decision: "Решение № 123, протокол № 7 от 30.09.2021 г.".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    pub decision_number: Option<String>,
    pub protocol_number: Option<String>,
    /// ISO date (YYYY-MM-DD).
    pub date: Option<String>,
    /// The adopting body as written, e.g. "Общински съвет - Казанлък".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    pub file_name: Option<String>,
    /// "text", "docx", "html", "xlsx", "ods", "csv" or "json".
    pub format: Option<String>,
    /// Hex SHA-256 of the file as uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A text fragment of the source that has no place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unplaced {
    /// Where in the source it was found, e.g. "ред 32, колона 6".
    pub location: String,
    pub text: String,
}

/// The six priority areas of the national strategy 2021-2030.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NationalArea {
    Education,
    Health,
    Employment,
    Housing,
    RuleOfLaw,
    Culture,
}

impl NationalArea {
    pub const ALL: [NationalArea; 6] = [
        NationalArea::Education,
        NationalArea::Health,
        NationalArea::Employment,
        NationalArea::Housing,
        NationalArea::RuleOfLaw,
        NationalArea::Culture,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NationalArea::Education => "education",
            NationalArea::Health => "health",
            NationalArea::Employment => "employment",
            NationalArea::Housing => "housing",
            NationalArea::RuleOfLaw => "rule_of_law",
            NationalArea::Culture => "culture",
        }
    }

    pub fn from_code(code: &str) -> Option<NationalArea> {
        NationalArea::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn number(self) -> u8 {
        NationalArea::ALL
            .iter()
            .position(|a| *a == self)
            .map_or(0, |i| i as u8 + 1)
    }

    pub fn title_bg(self) -> &'static str {
        match self {
            NationalArea::Education => "Образование",
            NationalArea::Health => "Здравеопазване",
            NationalArea::Employment => "Заетост",
            NationalArea::Housing => "Жилищни условия",
            NationalArea::RuleOfLaw => "Върховенство на закона и недискриминация",
            NationalArea::Culture => "Култура",
        }
    }

    pub fn title_en(self) -> &'static str {
        match self {
            NationalArea::Education => "Education",
            NationalArea::Health => "Health care",
            NationalArea::Employment => "Employment",
            NationalArea::Housing => "Housing",
            NationalArea::RuleOfLaw => "Rule of law and non-discrimination",
            NationalArea::Culture => "Culture",
        }
    }

    /// Its title in the page's language.
    pub fn title(self, lang: crate::i18n::Lang) -> &'static str {
        match lang {
            crate::i18n::Lang::Bg => self.title_bg(),
            crate::i18n::Lang::En => self.title_en(),
        }
    }

    /// Recognises the area from a priority's title as municipalities write it
    /// ("Приоритет №1 Образование", "ПРИОРИТЕТ „ЖИЛИЩНИ УСЛОВИЯ“", "Здравеопазване").
    pub fn from_title(title: &str) -> Option<NationalArea> {
        let t = title.to_lowercase();
        let has = |stems: &[&str]| stems.iter().any(|s| t.contains(s));
        if has(&["образов", "училищ"]) {
            Some(NationalArea::Education)
        } else if has(&["здрав"]) {
            Some(NationalArea::Health)
        } else if has(&["заетост", "трудов", "безработ"]) {
            Some(NationalArea::Employment)
        } else if has(&["жилищ", "жилищн", "инфраструктур"]) {
            Some(NationalArea::Housing)
        } else if has(&["закон", "дискриминац", "правосъд", "правата"])
        {
            Some(NationalArea::RuleOfLaw)
        } else if has(&["култур", "идентичн", "медии"]) {
            Some(NationalArea::Culture)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    /// The number the plan gives the priority, when it numbers them.
    pub number: Option<u32>,
    pub title: String,
    /// Which of the six national areas this priority belongs to.
    pub national_area: Option<NationalArea>,
    /// The priority's stated operational objective, when the plan gives one.
    #[serde(default)]
    pub operational_objective: Option<String>,
    pub objectives: Vec<Objective>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// The number the plan gives the objective ("1" for "Цел 1."), without the word.
    pub code: Option<String>,
    pub title: String,
    pub measures: Vec<Measure>,
}

/// A measure or activity: one row of the plan's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Identifier, unique within the plan and kept across versions; used in URLs and reports.
    /// Assigned ("m1", "m2", …) when missing on import.
    #[serde(default)]
    pub key: String,
    /// The code the plan prints ("1.2."), if any.
    pub code: Option<String>,
    #[serde(default)]
    pub tasks: Vec<String>,
    #[serde(default)]
    pub activities: Vec<String>,
    /// Responsible institutions, as written in the plan.
    #[serde(default)]
    pub institutions: Vec<String>,
    pub period: Option<MeasurePeriod>,
    /// The status the plan itself declares ("Текущ", "Предстои"), as written.
    pub status: Option<String>,
    #[serde(default)]
    pub amounts: Vec<Amount>,
    /// Funding sources, as written in the plan.
    #[serde(default)]
    pub funding_sources: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

impl Measure {
    /// A one-line name for lists and links: first activity, else first task, else the code.
    pub fn headline(&self) -> String {
        self.activities
            .first()
            .or(self.tasks.first())
            .cloned()
            .or_else(|| self.code.clone())
            .or_else(|| self.indicators.first().map(|i| i.name.clone()))
            .unwrap_or_else(|| self.key.clone())
    }
}

/// A period as written ("2022-2024 г.") with the years read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurePeriod {
    pub text: String,
    pub from: Option<i32>,
    pub to: Option<i32>,
}

impl MeasurePeriod {
    /// Reads the years out of period text such as "2022-2024 г.", "2023", "2021 – 2023 г.".
    pub fn parse(text: &str) -> MeasurePeriod {
        let years: Vec<i32> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| s.len() == 4)
            .filter_map(|s| s.parse().ok())
            .filter(|y| (1990..=2100).contains(y))
            .collect();
        MeasurePeriod {
            text: text.to_string(),
            from: years.iter().copied().min(),
            to: years.iter().copied().max(),
        }
    }
}

/// A planned amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// Exact decimal text in the currency's units, e.g. "15000.00".
    #[serde(with = "decimal_minor", rename = "value")]
    #[schema(value_type = String, example = "15000.00")]
    pub minor: i64,
    pub currency: Currency,
    /// A qualifier that makes the amount not a plain total, e.g. "на училище" (per school).
    /// Qualified amounts are shown but left out of totals.
    #[serde(default)]
    pub qualifier: Option<String>,
    /// True when the source gave a bare number without a currency (taken as BGN).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unit_missing: bool,
    /// The amount as written in the source ("1,5 мил. лв.").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Amount {
    pub fn money(&self) -> Money {
        Money::new(self.minor, self.currency)
    }

    /// Whether the amount adds into totals (per-unit and otherwise qualified amounts do not).
    pub fn is_summable(&self) -> bool {
        self.qualifier.is_none()
    }
}

/// What kind of value an indicator takes; decides the maths of progress and roll-ups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Number,
    Percent,
    YesNo,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Identifier unique within its measure ("i1"); assigned when missing.
    #[serde(default)]
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub kind: Option<IndicatorKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Cumulative indicators roll up by their last value, not by a sum.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cumulative: bool,
    /// Baseline or current value as written (Казанлък's "Текуща стойност").
    pub baseline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_year: Option<i32>,
    /// Target value as written ("Целева стойност").
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_year: Option<i32>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Plan {
    /// An empty plan with the given header, for builders and importers.
    pub fn new(municipality: &str, title: &str, period: YearRange) -> Plan {
        Plan {
            format: FORMAT_V1.to_string(),
            municipality: municipality.to_string(),
            district: None,
            title: title.to_string(),
            period,
            adoption: None,
            source: None,
            priorities: Vec::new(),
            unplaced: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn measures(&self) -> impl Iterator<Item = &Measure> {
        self.priorities
            .iter()
            .flat_map(|p| p.objectives.iter())
            .flat_map(|o| o.measures.iter())
    }

    /// The number a reader knows a measure by: the plan's own ("2.3."), else its place in the
    /// plan ("№ 7"), as every page shows it; never the internal key.
    pub fn measure_number(&self, key: &str) -> Option<String> {
        let (ordinal, m) = self.measures().enumerate().find(|(_, m)| m.key == key)?;
        Some(
            m.code
                .clone()
                .unwrap_or_else(|| format!("№ {}", ordinal + 1)),
        )
    }

    pub fn measures_mut(&mut self) -> impl Iterator<Item = &mut Measure> {
        self.priorities
            .iter_mut()
            .flat_map(|p| p.objectives.iter_mut())
            .flat_map(|o| o.measures.iter_mut())
    }

    /// Gives every measure and indicator without a key a fresh one, keeping existing keys.
    pub fn assign_keys(&mut self) {
        let mut next = self
            .measures()
            .filter_map(|m| m.key.strip_prefix('m')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        for m in self.measures_mut() {
            if m.key.trim().is_empty() {
                next += 1;
                m.key = format!("m{next}");
            }
            let mut next_ind = m
                .indicators
                .iter()
                .filter_map(|i| i.key.strip_prefix('i')?.parse::<u32>().ok())
                .max()
                .unwrap_or(0);
            for ind in &mut m.indicators {
                if ind.key.trim().is_empty() {
                    next_ind += 1;
                    ind.key = format!("i{next_ind}");
                }
            }
        }
    }
}
