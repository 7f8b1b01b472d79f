//! The differences between two versions of a plan, measure by measure (pure): measures are
//! matched by their stable key, so a renumbered or moved measure is a move, never a drop and an
//! add; changed fields carry old and new text with the words that differ marked.

use super::rules;
use super::{Measure, Plan};
use crate::money::{Currency, Money};
use serde::Serialize;
use std::collections::HashMap;

/// What happened to one measure between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Dropped,
    /// Renumbered or put under another objective (its fields may have changed too).
    Moved,
    Changed,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Dropped => "dropped",
            ChangeKind::Moved => "moved",
            ChangeKind::Changed => "changed",
        }
    }
}

/// A piece of a changed text: kept, removed or added words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
pub enum Words {
    Same(String),
    Removed(String),
    Added(String),
}

/// One field whose value differs, e.g. `amounts`: "15 000,00 лв." → "20 000,00 лв.".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// The field's code (`code`, `activities`, `amounts` …); pages translate it.
    #[schema(value_type = String)]
    pub field: &'static str,
    pub before: String,
    pub after: String,
    pub words: Vec<Words>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MeasureChange {
    pub key: String,
    pub kind: ChangeKind,
    pub code_before: Option<String>,
    pub code_after: Option<String>,
    /// The measure's one-line name (in the newer version when it is there).
    pub headline: String,
    /// "Приоритет › Цел" where the measure stood, in each version it is in.
    pub place_before: Option<String>,
    pub place_after: Option<String>,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChangeCounts {
    pub added: usize,
    pub dropped: usize,
    pub moved: usize,
    pub changed: usize,
}

impl ChangeCounts {
    pub fn total(&self) -> usize {
        self.added + self.dropped + self.moved + self.changed
    }
}

/// Planned money of a version (qualified amounts left out), exact decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MoneyTotals {
    pub bgn: String,
    pub eur: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanDiff {
    /// Changes of the plan's header (title, period).
    pub header: Vec<FieldChange>,
    /// Changed measures in the order of the newer version, dropped ones where they stood.
    pub measures: Vec<MeasureChange>,
    pub counts: ChangeCounts,
    pub money_before: MoneyTotals,
    pub money_after: MoneyTotals,
}

fn totals(plan: &Plan) -> MoneyTotals {
    MoneyTotals {
        bgn: rules::plan_financing(plan, Currency::Bgn)
            .total
            .to_decimal_string(),
        eur: rules::plan_financing(plan, Currency::Eur)
            .total
            .to_decimal_string(),
    }
}

/// Each measure with where it stands: (place, order).
fn places(plan: &Plan) -> HashMap<&str, (String, usize, &Measure)> {
    let mut out = HashMap::new();
    let mut order = 0;
    for (pi, p) in plan.priorities.iter().enumerate() {
        let priority = match p.number {
            Some(n) => format!("{n}. {}", p.title),
            None => format!("{}. {}", pi + 1, p.title),
        };
        for o in &p.objectives {
            let objective = match &o.code {
                Some(c) => format!("{c}. {}", o.title),
                None => o.title.clone(),
            };
            for m in &o.measures {
                out.insert(
                    m.key.as_str(),
                    (format!("{priority} › {objective}"), order, m),
                );
                order += 1;
            }
        }
    }
    out
}

/// The differences from `old` to `new`.
pub fn diff(old: &Plan, new: &Plan) -> PlanDiff {
    let mut header = Vec::new();
    push_field(&mut header, "title", &old.title, &new.title);
    push_field(
        &mut header,
        "period",
        &format!("{}–{}", old.period.from, old.period.to),
        &format!("{}–{}", new.period.from, new.period.to),
    );
    let before = places(old);
    let after = places(new);
    let mut changes: Vec<(i64, usize, MeasureChange)> = Vec::new();
    let mut counts = ChangeCounts::default();
    for m in new.measures() {
        let (place_after, order, _) = &after[m.key.as_str()];
        let Some((place_before, _, om)) = before.get(m.key.as_str()) else {
            counts.added += 1;
            changes.push((
                *order as i64,
                0,
                MeasureChange {
                    key: m.key.clone(),
                    kind: ChangeKind::Added,
                    code_before: None,
                    code_after: m.code.clone(),
                    headline: m.headline(),
                    place_before: None,
                    place_after: Some(place_after.clone()),
                    fields: measure_fields(&empty_like(m), m),
                },
            ));
            continue;
        };
        let fields = measure_fields(om, m);
        let moved = place_before != place_after || om.code != m.code;
        if !moved && fields.is_empty() {
            continue;
        }
        let kind = if moved {
            counts.moved += 1;
            ChangeKind::Moved
        } else {
            counts.changed += 1;
            ChangeKind::Changed
        };
        changes.push((
            *order as i64,
            0,
            MeasureChange {
                key: m.key.clone(),
                kind,
                code_before: om.code.clone(),
                code_after: m.code.clone(),
                headline: m.headline(),
                place_before: Some(place_before.clone()),
                place_after: Some(place_after.clone()),
                fields,
            },
        ));
    }
    // A dropped measure is listed after the measure that preceded it in the old version.
    let old_order: Vec<&Measure> = old.measures().collect();
    for (i, m) in old_order.iter().enumerate() {
        if after.contains_key(m.key.as_str()) {
            continue;
        }
        counts.dropped += 1;
        let anchor = old_order[..i]
            .iter()
            .rev()
            .find_map(|p| after.get(p.key.as_str()).map(|a| a.1 as i64))
            .unwrap_or(-1);
        let (place_before, _, _) = &before[m.key.as_str()];
        changes.push((
            anchor,
            i + 1,
            MeasureChange {
                key: m.key.clone(),
                kind: ChangeKind::Dropped,
                code_before: m.code.clone(),
                code_after: None,
                headline: m.headline(),
                place_before: Some(place_before.clone()),
                place_after: None,
                fields: Vec::new(),
            },
        ));
    }
    changes.sort_by_key(|(order, sub, _)| (*order, *sub));
    PlanDiff {
        header,
        measures: changes.into_iter().map(|(_, _, c)| c).collect(),
        counts,
        money_before: totals(old),
        money_after: totals(new),
    }
}

/// A measure with the same key and nothing in it, to show an added one field by field.
fn empty_like(m: &Measure) -> Measure {
    Measure {
        key: m.key.clone(),
        code: None,
        tasks: Vec::new(),
        activities: Vec::new(),
        institutions: Vec::new(),
        period: None,
        status: None,
        amounts: Vec::new(),
        funding_sources: Vec::new(),
        indicators: Vec::new(),
    }
}

fn amount_text(a: &super::Amount) -> String {
    let money = Money::new(a.minor, a.currency).display_bg();
    match &a.qualifier {
        Some(q) => format!("{money} {q}"),
        None => money,
    }
}

fn indicator_text(i: &super::Indicator) -> String {
    let mut s = i.name.clone();
    if i.baseline.is_some() || i.target.is_some() {
        s.push_str(&format!(
            ": {} → {}",
            i.baseline.as_deref().unwrap_or("—"),
            i.target.as_deref().unwrap_or("—")
        ));
    }
    s
}

/// The fields of a measure as the texts compared, by field code.
pub fn measure_texts(m: &Measure) -> [(&'static str, String); 9] {
    [
        ("code", m.code.clone().unwrap_or_default()),
        ("tasks", m.tasks.join("\n")),
        ("activities", m.activities.join("\n")),
        ("institutions", m.institutions.join("; ")),
        (
            "period",
            m.period
                .as_ref()
                .map(|p| p.text.clone())
                .unwrap_or_default(),
        ),
        ("status", m.status.clone().unwrap_or_default()),
        (
            "amounts",
            m.amounts
                .iter()
                .map(amount_text)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("funding_sources", m.funding_sources.join("; ")),
        (
            "indicators",
            m.indicators
                .iter()
                .map(indicator_text)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ]
}

fn measure_fields(old: &Measure, new: &Measure) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for ((field, before), (_, after)) in measure_texts(old).into_iter().zip(measure_texts(new)) {
        push_field(&mut out, field, &before, &after);
    }
    out
}

fn push_field(out: &mut Vec<FieldChange>, field: &'static str, before: &str, after: &str) {
    if before != after {
        out.push(FieldChange {
            field,
            before: before.to_string(),
            after: after.to_string(),
            words: word_diff(before, after),
        });
    }
}

/// Words and the spaces between them, as separate tokens, so joining them gives the text back.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Longest texts compared word by word; longer ones are shown as replaced whole.
const MAX_CELLS: usize = 4_000_000;

/// The word-level differences from `before` to `after` (longest common subsequence).
pub fn word_diff(before: &str, after: &str) -> Vec<Words> {
    let a = tokens(before);
    let b = tokens(after);
    let mut out: Vec<Words> = Vec::new();
    let push = |out: &mut Vec<Words>, w: Words| match (out.last_mut(), w) {
        (Some(Words::Same(s)), Words::Same(t))
        | (Some(Words::Removed(s)), Words::Removed(t))
        | (Some(Words::Added(s)), Words::Added(t)) => s.push_str(&t),
        (_, w) => out.push(w),
    };
    if (a.len() + 1).saturating_mul(b.len() + 1) > MAX_CELLS {
        if !before.is_empty() {
            out.push(Words::Removed(before.to_string()));
        }
        if !after.is_empty() {
            out.push(Words::Added(after.to_string()));
        }
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push(&mut out, Words::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            // Removed words before the added ones that replace them.
            push(&mut out, Words::Removed(a[i].to_string()));
            i += 1;
        } else {
            push(&mut out, Words::Added(b[j].to_string()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Amount, Objective, Priority, YearRange};

    fn measure(key: &str, code: &str, text: &str, lev: i64) -> Measure {
        let mut m = empty_like_key();
        m.key = key.into();
        m.code = Some(code.into());
        m.activities = vec![text.into()];
        m.amounts = vec![Amount {
            minor: lev * 100,
            currency: Currency::Bgn,
            qualifier: None,
            unit_missing: false,
            text: None,
        }];
        m
    }

    fn empty_like_key() -> Measure {
        Measure {
            key: String::new(),
            code: None,
            tasks: vec![],
            activities: vec![],
            institutions: vec![],
            period: None,
            status: None,
            amounts: vec![],
            funding_sources: vec![],
            indicators: vec![],
        }
    }

    fn plan(objectives: Vec<(&str, Vec<Measure>)>) -> Plan {
        let mut p = Plan::new(
            "Община",
            "План",
            YearRange {
                from: 2022,
                to: 2024,
            },
        );
        p.priorities.push(Priority {
            number: Some(1),
            title: "Образование".into(),
            national_area: None,
            operational_objective: None,
            objectives: objectives
                .into_iter()
                .map(|(code, measures)| Objective {
                    code: Some(code.into()),
                    title: format!("Цел {code}"),
                    measures,
                })
                .collect(),
        });
        p
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let p = plan(vec![("1", vec![measure("m1", "1.1", "Курсове", 100)])]);
        let d = diff(&p, &p);
        assert!(d.measures.is_empty() && d.header.is_empty());
        assert_eq!(d.counts.total(), 0);
        assert_eq!(d.money_before, d.money_after);
    }

    #[test]
    fn added_dropped_and_changed_measures_are_counted_and_money_totals_follow() {
        let old = plan(vec![(
            "1",
            vec![
                measure("m1", "1.1", "Курсове", 100),
                measure("m2", "1.2", "Лагер", 50),
            ],
        )]);
        let new = plan(vec![(
            "1",
            vec![
                measure("m1", "1.1", "Курсове", 300),
                measure("m3", "1.3", "Нова мярка", 10),
            ],
        )]);
        let d = diff(&old, &new);
        assert_eq!(
            d.counts,
            ChangeCounts {
                added: 1,
                dropped: 1,
                moved: 0,
                changed: 1
            }
        );
        let kinds: Vec<_> = d
            .measures
            .iter()
            .map(|c| (c.key.as_str(), c.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("m1", ChangeKind::Changed),
                ("m2", ChangeKind::Dropped),
                ("m3", ChangeKind::Added)
            ]
        );
        let amount = &d.measures[0].fields[0];
        assert_eq!(amount.field, "amounts");
        assert_eq!(amount.before, Money::new(10000, Currency::Bgn).display_bg());
        assert_eq!(d.money_before.bgn, "150.00");
        assert_eq!(d.money_after.bgn, "310.00");
    }

    #[test]
    fn a_renumbered_measure_under_another_objective_is_a_move_not_a_drop_and_an_add() {
        let old = plan(vec![
            ("1", vec![measure("m1", "1.1", "Курсове", 100)]),
            ("2", vec![]),
        ]);
        let new = plan(vec![
            ("1", vec![]),
            ("2", vec![measure("m1", "2.1", "Курсове", 100)]),
        ]);
        let d = diff(&old, &new);
        assert_eq!(d.counts.moved, 1);
        assert_eq!(d.counts.added + d.counts.dropped, 0);
        let c = &d.measures[0];
        assert_eq!(c.kind, ChangeKind::Moved);
        assert_eq!(c.code_before.as_deref(), Some("1.1"));
        assert_eq!(c.code_after.as_deref(), Some("2.1"));
        assert_ne!(c.place_before, c.place_after);
    }

    #[test]
    fn a_reworded_measure_keeps_its_key_and_marks_the_words_that_changed() {
        let old = plan(vec![(
            "1",
            vec![measure("m1", "1.1", "Курсове по български език за деца", 0)],
        )]);
        let new = plan(vec![(
            "1",
            vec![measure(
                "m1",
                "1.1",
                "Курсове по български език за родители",
                0,
            )],
        )]);
        let d = diff(&old, &new);
        assert_eq!(d.counts.changed, 1);
        let f = &d.measures[0].fields[0];
        assert_eq!(f.field, "activities");
        assert_eq!(
            f.words,
            [
                Words::Same("Курсове по български език за ".into()),
                Words::Removed("деца".into()),
                Words::Added("родители".into()),
            ]
        );
    }

    #[test]
    fn word_diff_gives_both_texts_back() {
        let a = "едно  две три\nчетири";
        let b = "едно три пет\nчетири шест";
        let d = word_diff(a, b);
        let old: String = d
            .iter()
            .filter_map(|w| match w {
                Words::Same(s) | Words::Removed(s) => Some(s.as_str()),
                Words::Added(_) => None,
            })
            .collect();
        let new: String = d
            .iter()
            .filter_map(|w| match w {
                Words::Same(s) | Words::Added(s) => Some(s.as_str()),
                Words::Removed(_) => None,
            })
            .collect();
        assert_eq!((old.as_str(), new.as_str()), (a, b));
    }

    #[test]
    fn a_changed_title_is_a_header_change() {
        let old = plan(vec![]);
        let mut new = old.clone();
        new.title = "План, изменен".into();
        let d = diff(&old, &new);
        assert_eq!(d.header.len(), 1);
        assert_eq!(d.header[0].field, "title");
    }
}
