//! A municipal council's act on a plan: the adoption (version 1's act) or an amendment, with
//! its decision number, protocol, dates, reason and the decision itself (file or address).

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    Adoption,
    Amendment,
}

impl ActKind {
    pub fn code(self) -> &'static str {
        match self {
            ActKind::Adoption => "adoption",
            ActKind::Amendment => "amendment",
        }
    }

    pub fn from_code(code: &str) -> Option<ActKind> {
        match code {
            "adoption" => Some(ActKind::Adoption),
            "amendment" => Some(ActKind::Amendment),
            _ => None,
        }
    }
}

/// The decision as a stored file (under `decisions/`, by SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActFile {
    pub name: String,
    pub media_type: String,
    #[serde(skip)]
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Act {
    pub kind: ActKind,
    pub decision_number: Option<String>,
    pub protocol_number: Option<String>,
    /// The adopting body as written, e.g. "Общински съвет – Пловдив".
    pub body: Option<String>,
    /// ISO date of the decision.
    pub decision_date: Option<String>,
    /// ISO date from which the version it makes is in force.
    pub effective_date: Option<String>,
    pub reason: String,
    pub file: Option<ActFile>,
    /// The decision's public address, when it is published rather than uploaded.
    pub url: Option<String>,
}

/// What is wrong with an act's fields, by field, as messages in the reader's language.
pub type ActErrors = Vec<(&'static str, Msg)>;

impl Act {
    /// An amendment from the fields a person typed: a decision number and date are required,
    /// dates are ISO, the effective date defaults to the decision date and is not before it,
    /// an address must be http(s).
    pub fn amendment(
        decision_number: &str,
        protocol_number: &str,
        decision_date: &str,
        effective_date: &str,
        reason: &str,
        url: &str,
    ) -> Result<Act, ActErrors> {
        let mut errors: ActErrors = Vec::new();
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let decision_number = text(decision_number);
        if decision_number.is_none() {
            errors.push(("decision_number", Msg::new("amend.err.decision_number")));
        }
        let date = |field: &'static str, s: &str, errors: &mut ActErrors| match text(s) {
            None => None,
            Some(d) => match crate::dates::parse_iso_date(&d) {
                Ok(_) => Some(d),
                Err(_) => {
                    errors.push((field, Msg::new("amend.err.not_a_date").with("value", d)));
                    None
                }
            },
        };
        let decision_date = date("decision_date", decision_date, &mut errors);
        if decision_date.is_none() && !errors.iter().any(|e| e.0 == "decision_date") {
            errors.push(("decision_date", Msg::new("amend.err.decision_date")));
        }
        let effective_date =
            date("effective_date", effective_date, &mut errors).or(decision_date.clone());
        if let (Some(d), Some(e)) = (&decision_date, &effective_date)
            && e < d
        {
            errors.push(("effective_date", Msg::new("amend.err.before_decision")));
        }
        let url = text(url);
        if let Some(u) = &url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            errors.push(("url", Msg::new("amend.err.url")));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Act {
            kind: ActKind::Amendment,
            decision_number,
            protocol_number: text(protocol_number),
            body: None,
            decision_date,
            effective_date,
            reason: reason.trim().to_string(),
            file: None,
            url,
        })
    }

    /// "Решение № 12, протокол № 3 от 29.06.2023 г."
    pub fn title_bg(&self) -> String {
        self.title(crate::i18n::Tr::default())
    }

    /// The act in the page's language: "Решение № 12, протокол № 3 от 29.06.2023 г." or
    /// "Decision No. 12, minutes No. 3 of 29 Jun 2023".
    pub fn title(&self, tr: crate::i18n::Tr) -> String {
        let mut s = tr.t("plan.decision").to_string();
        if let Some(n) = &self.decision_number {
            s = format!("{} {n}", tr.t("plan.decision_no"));
        }
        if let Some(p) = &self.protocol_number {
            s.push_str(&format!(", {} {p}", tr.t("plan.protocol_no")));
        }
        if let Some(d) = &self.decision_date {
            s.push_str(&format!(" {} {}", tr.t("plan.dated"), tr.date(d)));
        }
        s
    }
}

/// Why an amendment in force from `effective` (ISO) cannot follow version `version`, in force
/// from `previous`, of a plan that ends in `last_year`; `None` when it can.
pub fn timing(effective: &str, version: i64, previous: &str, last_year: i32) -> Option<Msg> {
    if effective < previous {
        return Some(
            Msg::new("amend.err.before_version")
                .with("version", version.to_string())
                .with(
                    "date",
                    crate::dates::display_bg(previous).trim_end_matches(" г."),
                ),
        );
    }
    if effective.get(..4).and_then(|y| y.parse::<i32>().ok()) > Some(last_year) {
        return Some(Msg::new("amend.err.after_end").with("year", last_year.to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amendment_takes_effect_on_its_decision_date_unless_told_otherwise() {
        let a = Act::amendment("12", "3", "2023-06-29", "", " нови мерки ", "").unwrap();
        assert_eq!(a.effective_date.as_deref(), Some("2023-06-29"));
        assert_eq!(a.reason, "нови мерки");
        assert_eq!(a.title_bg(), "Решение № 12, протокол № 3 от 29.06.2023 г.");
    }

    #[test]
    fn an_amendment_without_number_with_a_bad_date_and_an_early_effect_is_refused_by_field() {
        let e = Act::amendment(" ", "", "29.06.2023", "", "", "ftp://x").unwrap_err();
        let fields: Vec<_> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["decision_number", "decision_date", "url"]);
        let e = Act::amendment("1", "", "2023-06-29", "2023-01-01", "", "").unwrap_err();
        assert_eq!(e[0].0, "effective_date");
    }

    #[test]
    fn every_act_field_error_is_said_in_bulgarian_and_in_english() {
        use crate::i18n::{Lang, Tr};
        let mut all = Act::amendment(" ", "", "29.06.2023", "", "", "ftp://x").unwrap_err();
        all.extend(Act::amendment("1", "", "", "", "", "").unwrap_err());
        all.extend(Act::amendment("1", "", "2023-06-29", "2023-01-01", "", "").unwrap_err());
        all.extend(timing("2022-01-01", 2, "2023-06-29", 2024).map(|m| ("effective_date", m)));
        all.extend(timing("2025-01-01", 2, "2023-06-29", 2024).map(|m| ("effective_date", m)));
        assert_eq!(all.len(), 7);
        for (field, m) in &all {
            let (bg, en) = (Tr::default().say(m), Tr::new(Lang::En).say(m));
            assert!(bg != m.key && en != m.key && bg != en, "{field}: {m:?}");
            assert!(!bg.contains('{') && !en.contains('{'), "{field}: {en}");
            assert!(
                !en.chars().any(|c| ('а'..='я').contains(&c)),
                "{field}: {en}"
            );
        }
        assert_eq!(
            Tr::new(Lang::En).say(&all[1].1),
            "\"29.06.2023\" is not a date as YYYY-MM-DD (for example 2023-06-29)."
        );
    }
}
