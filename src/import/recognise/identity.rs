//! The plan's identity from the texts before its measure tables (a council decision printed
//! before the plan, the plan's title page, a web page's clutter): the municipality (matched
//! to its official name in the administrative tree), the title, the period and the council's
//! adopting decision, each with the place it was found. What the texts do not state stays
//! unknown: nothing is guessed, the national or district strategy's period is not the plan's,
//! and a decision of the Council of Ministers, a minister, a mayor or a draft is not the
//! council's adoption.

use super::header::{self, Clause};
use crate::import::document::Location;
use crate::plan::{Adoption, YearRange};

/// A fact and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found<T> {
    pub value: T,
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Identity {
    pub municipality: Option<Found<String>>,
    /// The municipality is named as written: no municipality of the administrative tree
    /// bears the name.
    pub unofficial: bool,
    pub title: Option<Found<String>>,
    pub period: Option<Found<YearRange>>,
    pub adoption: Option<Found<Adoption>>,
}

/// How far (in texts) a heading naming the council reaches down to a decision number, and a
/// decision number down to its protocol and date.
const REACH: usize = 4;

pub(crate) fn identify(texts: &[(String, Location)]) -> Identity {
    let title = title(texts);
    let period = title
        .as_ref()
        .and_then(|t| {
            header::plan_period_in(&t.value)
                .or_else(|| header::one_year_in_title(&t.value))
                .map(|p| found(p, &t.at))
        })
        .or_else(|| {
            texts
                .iter()
                .filter(|(t, _)| header::names_plan_period(t))
                .find_map(|(t, at)| header::plan_period_in(t).map(|p| found(p, at)))
        });
    let district = texts.iter().find_map(|(t, _)| header::district_in(t));
    let municipality = title
        .as_ref()
        .and_then(|t| {
            header::municipality_in(&t.value, district.as_deref()).map(|m| found(m, &t.at))
        })
        .or_else(|| {
            texts.iter().find_map(|(t, at)| {
                header::municipality_in(t, district.as_deref()).map(|m| found(m, at))
            })
        });
    // A name no municipality bears (a new or misspelt one) is kept as written in the title or
    // after "Община", and flagged.
    let unofficial = municipality.is_none();
    let municipality = municipality.or_else(|| {
        title
            .iter()
            .map(|t| (&t.value, &t.at))
            .chain(texts.iter().map(|(t, at)| (t, at)))
            .find_map(|(t, at)| header::municipality_as_written(t).map(|m| found(m, at)))
    });
    Identity {
        unofficial: unofficial && municipality.is_some(),
        municipality,
        title,
        period,
        adoption: adoption(texts),
    }
}

fn found<T>(value: T, at: &Location) -> Found<T> {
    Found {
        value,
        at: at.clone(),
    }
}

/// "План за действие …" as a heading of its own, with the lines that continue it.
fn title(texts: &[(String, Location)]) -> Option<Found<String>> {
    let i = texts.iter().position(|(t, _)| header::is_title(t))?;
    let mut parts = vec![header::sentence_case(&texts[i].0)];
    for (next, _) in texts.iter().skip(i + 1).take(2) {
        if header::period_in(&parts.join(" ")).is_some() {
            break;
        }
        let lowerish = next.chars().next().is_some_and(char::is_lowercase);
        let caps = header::sentence_case(next) != *next;
        if !(lowerish || caps) || next.to_lowercase().starts_with("план за действие")
        {
            break;
        }
        let s = header::sentence_case(next);
        let s = if caps {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        } else {
            s
        };
        parts.push(s);
    }
    let joined = parts.join(" ");
    // "… 2021-2023 г. (ПЛАН ЗА ДЕЙСТВИЕ)": the heading repeating what it is.
    let joined = joined
        .strip_suffix("(план за действие)")
        .map_or(joined.clone(), |t| t.trim_end().to_string());
    Some(found(joined, &texts[i].1))
}

/// The council's adopting decision: a decision number in a clause that names the municipal
/// council (or under a heading that does, a few texts above, with no other body between),
/// with its protocol and date from the same clause or the texts right after it.
fn adoption(texts: &[(String, Location)]) -> Option<Found<Adoption>> {
    for (i, (text, at)) in texts.iter().enumerate() {
        for clause in header::decision_clauses(text) {
            // A decision page: "РЕШЕНИЕ" as a heading, its number on the line below.
            let below = || {
                header::is_decision_heading(text)
                    .then(|| texts.get(i + 1).and_then(|(t, _)| header::number_line(t)))
                    .flatten()
            };
            let Some(number) = clause.number.clone().or_else(below) else {
                continue;
            };
            let council = match clause.body {
                Some(b) => b == header::Body::Council,
                None => council_above(texts, i, &clause),
            };
            if !council || clause.not_adoption {
                continue;
            }
            let mut protocol = clause.protocol.clone();
            let mut date = clause.date.clone();
            // A decision page: number, date and protocol on lines of their own.
            for (next, _) in texts.iter().skip(i + 1).take(REACH) {
                if protocol.is_some() && date.is_some() {
                    break;
                }
                if header::decision_clauses(next)
                    .iter()
                    .any(|c| c.number.is_some())
                {
                    break;
                }
                let c = header::clause_facts(next);
                if protocol.is_none() {
                    protocol = c.protocol;
                }
                if date.is_none() {
                    date = c.date;
                }
            }
            return Some(found(
                Adoption {
                    decision_number: Some(number),
                    protocol_number: protocol,
                    date,
                    body: None,
                },
                at,
            ));
        }
    }
    None
}

/// Whether the nearest body named above a decision (in its own text before it, or in the few
/// texts above) is the municipal council.
fn council_above(texts: &[(String, Location)], i: usize, clause: &Clause) -> bool {
    if let Some(b) = clause.body_before {
        return b == header::Body::Council;
    }
    texts[i.saturating_sub(REACH)..i]
        .iter()
        .rev()
        .find_map(|(t, _)| header::last_body(t))
        == Some(header::Body::Council)
}
