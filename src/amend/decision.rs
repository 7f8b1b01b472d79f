//! Reading an amending decision (pure): the council's text lists only the changes ("В мярка 2.3
//! сумата се изменя на 20 000 лв.", "Създава се нова мярка 2.4 …", "Мярка 4.1 отпада"). Each
//! sentence naming a measure becomes a proposed change beside its source text; nothing is
//! applied here. The phrasing is recognised by word stems (several verb forms: изменя/изменят/
//! променя/заменя/става; отпада/отменя/заличава/премахва; създава/добавя/включва) and measure
//! numbers in any depth ("2", "2.3", "2.3.1", with or without "№" and a final dot).

use crate::import::recognise::amount::amounts_with_unit;
use crate::plan::{Amount, MeasurePeriod};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// One change the decision asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    SetAmounts {
        measure: String,
        amounts: Vec<Amount>,
    },
    SetPeriod {
        measure: String,
        period: MeasurePeriod,
    },
    SetInstitutions {
        measure: String,
        institutions: Vec<String>,
    },
    SetSources {
        measure: String,
        sources: Vec<String>,
    },
    SetText {
        measure: String,
        text: String,
    },
    Drop {
        measure: String,
    },
    Add {
        /// The number the decision gives the new measure, if any.
        code: Option<String>,
        /// The priority and objective it goes under ("цел 2 от приоритет 1"), when the
        /// decision says.
        priority: Option<String>,
        objective: Option<String>,
        text: String,
        institutions: Vec<String>,
        period: Option<MeasurePeriod>,
        amounts: Vec<Amount>,
        sources: Vec<String>,
    },
}

impl Change {
    /// The measure an existing-measure change names.
    pub fn measure(&self) -> Option<&str> {
        match self {
            Change::SetAmounts { measure, .. }
            | Change::SetPeriod { measure, .. }
            | Change::SetInstitutions { measure, .. }
            | Change::SetSources { measure, .. }
            | Change::SetText { measure, .. }
            | Change::Drop { measure } => Some(measure),
            Change::Add { .. } => None,
        }
    }
}

/// A proposed change with the sentence it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposed {
    /// 1-based number of the proposal, as the review page and errors name it.
    pub n: usize,
    pub source: String,
    pub change: Change,
}

/// What a decision's text gives: the proposals and the sentences that name a measure but were
/// not understood (shown to the coordinator, never guessed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub proposed: Vec<Proposed>,
    pub not_understood: Vec<String>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("decision pattern: {e}"))
}

/// "мярка 2.3", "мярката № 2.3.", "дейност 4", "мерки 1.1, 1.2 и 1.3".
static MEASURE_REF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:мярка|мярката|мерки|мерките|дейност|дейността|дейности|дейностите)\s*(?:№\s*)?(?P<code>\d+(?:\.\d+)*)\.?(?P<more>(?:\s*(?:,|и|и/или)\s*(?:№\s*)?\d+(?:\.\d+)*\.?)*)",
    )
});
static CODE: LazyLock<Regex> = LazyLock::new(|| re(r"\d+(?:\.\d+)*"));
static OBJECTIVE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bцел(?:та)?\s*(?:№\s*)?(?P<code>\d+(?:\.\d+)*)"));
static OBJECTIVE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:в|към|по|от)\s+(?:цел|целта)\s*(?:№\s*)?\d+(?:\.\d+)*\.?\s*[:,–-]?\s*")
});
static PRIORITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bприоритет(?:а|ът)?\s*(?:№\s*)?(?P<code>\d+)"));
static QUOTED: LazyLock<Regex> = LazyLock::new(|| re(r#"[„“"«](?P<q>[^„“”"«»]+)[“”"»]"#));
static ENUMERATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?:§\s*\d+\.?|\d+[.)]|[а-я][.)])\s+"));

fn has_any(text: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| text.contains(s))
}

const DROP: &[&str] = &[
    "отпада",
    "отпадат",
    "отпадна",
    "отменя",
    "отменят",
    "отмен",
    "заличава",
    "заличават",
    "заличи",
    "премахва",
    "премахват",
    "премахн",
    "изключва",
    "изключват",
];
const ADD: &[&str] = &[
    "създава",
    "създават",
    "създаде",
    "добавя",
    "добавят",
    "добави",
    "включва",
    "включват",
    "включи",
    "нова мярка",
    "нови мерки",
    "нова дейност",
];
const CHANGE: &[&str] = &[
    "изменя",
    "изменят",
    "измени",
    "променя",
    "променят",
    "промени",
    "заменя",
    "заменят",
    "замени",
    "става",
    "стават",
    "коригира",
    "да се чете",
    "се чете",
    "определя",
    "увеличава",
    "намалява",
    "актуализира",
];

/// The decision's text in sentences, list markers ("1.", "§ 2.", "а)") removed.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            current.push(c);
            let end = c == ';'
                || (c == '.'
                    && chars.get(i + 1).is_none_or(|n| n.is_whitespace())
                    && !ends_with_number_or_abbreviation(&current)
                    && chars[i + 1..]
                        .iter()
                        .find(|n| !n.is_whitespace())
                        .is_none_or(|n| n.is_uppercase() || n.is_ascii_digit() || *n == '§'));
            if end {
                push_sentence(&mut out, &current);
                current.clear();
            }
        }
        push_sentence(&mut out, &current);
    }
    out
}

/// "2.3." or "г." or "лв." before a dot does not end a sentence.
fn ends_with_number_or_abbreviation(s: &str) -> bool {
    let body = s.trim_end_matches('.');
    let last = body
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    last.chars().all(|c| c.is_ascii_digit() || c == '.') && !last.is_empty()
        || [
            "г", "лв", "т", "ал", "чл", "бр", "№", "пр", "вкл", "хил", "мил", "млн", "др",
        ]
        .contains(&last.to_lowercase().as_str())
}

fn push_sentence(out: &mut Vec<String>, s: &str) {
    let t = ENUMERATOR.replace(s.trim(), "");
    let t = t.trim().trim_end_matches(';').trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
}

/// The measure numbers a sentence names, normalised ("2.3." → "2.3").
fn measure_codes(sentence: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for c in MEASURE_REF.captures_iter(sentence) {
        let Some(whole) = c.get(0) else { continue };
        if let Some(code) = c.name("code") {
            out.push((code.as_str().to_string(), whole.start(), whole.end()));
        }
        if let Some(more) = c.name("more") {
            for m in CODE.find_iter(more.as_str()) {
                out.push((m.as_str().to_string(), whole.start(), whole.end()));
            }
        }
    }
    out
}

/// The measure numbers a sentence names, in order, once each ("мерки 1.1 и 1.2" → 1.1, 1.2).
pub fn named_codes(sentence: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (code, _, _) in measure_codes(sentence) {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// Leading connecting words ("както следва", "така", "с", "на") and punctuation removed.
fn strip_connectives(mut rest: &str) -> &str {
    loop {
        let before = rest;
        rest = rest.trim_start_matches([':', ' ', '-', '–', '\u{a0}']);
        for w in ["както следва", "така", "със", "с", "на"] {
            if let Some(r) = rest.strip_prefix(w)
                && r.chars().next().is_none_or(|c| !c.is_alphabetic())
            {
                rest = r;
            }
        }
        if rest == before {
            return rest;
        }
    }
}

/// Where the first word of `verbs` is (byte offset in `lower`) and the text after it (what
/// the field becomes); `None` when no verb is there.
fn after_verb<'a>(lower: &str, original: &'a str, verbs: &[&str]) -> Option<(usize, &'a str)> {
    let (pos, len) = verbs
        .iter()
        .filter_map(|v| lower.find(v).map(|p| (p, v.len())))
        .min()?;
    let rest = original.get(pos + len..)?;
    // The rest of the verb's word ("изменя" in "изменят", "се" after it).
    let rest = rest.trim_start_matches(|c: char| c.is_alphabetic());
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("се ").unwrap_or(rest);
    Some((
        pos,
        strip_connectives(rest)
            .trim()
            .trim_end_matches(['.', ';'])
            .trim(),
    ))
}

fn quoted(text: &str) -> Option<String> {
    QUOTED
        .captures(text)
        .and_then(|c| c.name("q"))
        .map(|m| m.as_str().trim().to_string())
}

/// "Община Пловдив, РУО на МОН и НПО" → the names.
fn names(text: &str) -> Vec<String> {
    let text = quoted(text).unwrap_or_else(|| text.to_string());
    text.split([',', ';'])
        .flat_map(|p| p.split(" и "))
        .map(|p| {
            p.trim()
                .trim_matches(['„', '“', '"', '.'])
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// The text of a clause introduced by one of `labels` up to the next clause.
fn clause(lower: &str, original: &str, labels: &[&str]) -> Option<String> {
    let (pos, len) = labels
        .iter()
        .filter_map(|l| lower.find(l).map(|p| (p, l.len())))
        .min()?;
    let rest = original.get(pos + len..)?;
    let rest = strip_connectives(rest.trim_start_matches(|c: char| c.is_alphabetic()));
    let stop = [
        " срок",
        " със срок",
        ", срок",
        " финанс",
        ", финанс",
        " с отговорн",
        ", отговорн",
        " източник",
        ", източник",
        " и сума",
        " в размер",
        " на стойност",
        ";",
    ];
    let rest_lower = rest.to_lowercase();
    let end = stop
        .iter()
        .filter_map(|s| rest_lower.find(s))
        .min()
        .unwrap_or(rest.len());
    let t = rest.get(..end).unwrap_or(rest);
    let t = t.trim().trim_end_matches(['.', ',']).trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn amounts(text: &str) -> Vec<Amount> {
    amounts_with_unit(text)
        .into_iter()
        .map(|f| {
            let mut a = f.amount;
            a.text = text.get(f.start..f.end).map(|t| t.trim().to_string());
            a
        })
        .collect()
}

/// Reads the changes of an amending decision.
pub fn read(text: &str) -> Reading {
    let mut reading = Reading::default();
    for s in sentences(text) {
        let lower = s.to_lowercase();
        let codes = measure_codes(&s);
        let objective = OBJECTIVE
            .captures(&s)
            .and_then(|c| c.name("code"))
            .map(|m| m.as_str().to_string());
        let is_new = has_any(&lower, &["нова мярка", "нова дейност", "нови мерки"])
            || (has_any(&lower, ADD) && !codes.is_empty() && !has_any(&lower, CHANGE));
        let mut changes = Vec::new();
        if is_new && (!codes.is_empty() || objective.is_some()) {
            let priority = PRIORITY
                .captures(&s)
                .and_then(|c| c.name("code"))
                .map(|m| m.as_str().to_string());
            let code = codes.first().map(|c| c.0.clone());
            changes.push(new_measure(&s, &lower, code, priority, objective));
        } else if codes.is_empty() {
            continue;
        } else if has_any(&lower, DROP) && !has_any(&lower, CHANGE) {
            for (code, _, _) in &codes {
                changes.push(Change::Drop {
                    measure: code.clone(),
                });
            }
        } else if has_any(&lower, CHANGE) {
            let measure = codes[0].0.clone();
            let (pos, value) = after_verb(&lower, &s, CHANGE).unwrap_or((lower.len(), ""));
            let subject = lower.get(..pos).unwrap_or(&lower);
            if has_any(
                subject,
                &["сума", "финансиране", "средства", "размер", "стойност"],
            ) || (!amounts(value).is_empty() && !has_any(subject, &["срок", "период"]))
            {
                // "от 10 000 лв. на 15 000 лв.": the last amount is the new one.
                let found = amounts(value);
                if let Some(last) = found.last() {
                    changes.push(Change::SetAmounts {
                        measure,
                        amounts: vec![last.clone()],
                    });
                }
            } else if has_any(subject, &["срок", "период"]) {
                let period = MeasurePeriod::parse(value);
                if period.from.is_some() {
                    changes.push(Change::SetPeriod {
                        measure,
                        period: MeasurePeriod {
                            text: value.to_string(),
                            ..period
                        },
                    });
                }
            } else if has_any(subject, &["отговорн", "институци", "изпълнител"])
            {
                let institutions = names(value);
                if !institutions.is_empty() {
                    changes.push(Change::SetInstitutions {
                        measure,
                        institutions,
                    });
                }
            } else if has_any(subject, &["източни"]) {
                let sources = names(value);
                if !sources.is_empty() {
                    changes.push(Change::SetSources { measure, sources });
                }
            } else if let Some(text) = quoted(value).or_else(|| {
                has_any(
                    subject,
                    &["текст", "наименование", "съдържание", "формулировка"],
                )
                .then(|| value.to_string())
                .filter(|v| !v.is_empty())
            }) {
                changes.push(Change::SetText { measure, text });
            }
        }
        if changes.is_empty() {
            reading.not_understood.push(s);
            continue;
        }
        for change in changes {
            reading.proposed.push(Proposed {
                n: reading.proposed.len() + 1,
                source: s.clone(),
                change,
            });
        }
    }
    reading
}

fn new_measure(
    s: &str,
    lower: &str,
    code: Option<String>,
    priority: Option<String>,
    objective: Option<String>,
) -> Change {
    // The measure's text: quoted, else what follows its number up to the first clause.
    let text = quoted(s).unwrap_or_else(|| {
        let start = measure_codes(s).first().map_or(0, |c| c.2);
        let rest = &s[start..];
        let rest_lower = rest.to_lowercase();
        let end = [
            " с отговорн",
            ", отговорн",
            " срок",
            ", срок",
            " финанс",
            ", с ",
        ]
        .iter()
        .filter_map(|p| rest_lower.find(p))
        .min()
        .unwrap_or(rest.len());
        let t = rest.get(..end).unwrap_or(rest);
        let t = OBJECTIVE_PREFIX.replace(t.trim_start_matches([' ', ':', '-', '–', ',']), "");
        t.trim()
            .trim_start_matches([':', '-', '–', ','])
            .trim()
            .trim_end_matches(['.', ','])
            .to_string()
    });
    let institutions = clause(
        lower,
        s,
        &[
            "отговорна институция",
            "отговорни институции",
            "отговорник",
            "изпълнител",
        ],
    )
    .map(|t| names(&t))
    .unwrap_or_default();
    let period = clause(lower, s, &["срок", "период"])
        .map(|t| MeasurePeriod::parse(&t))
        .filter(|p| p.from.is_some());
    let sources = clause(lower, s, &["източник"])
        .map(|t| names(&t))
        .unwrap_or_default();
    Change::Add {
        code,
        priority,
        objective,
        text,
        institutions,
        period,
        amounts: amounts(s),
        sources,
    }
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
