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
    /// Changes of the plan's header (title, period) and of its priorities' and objectives'
    /// headings renamed or renumbered in place.
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

/// Where a measure stands: its place as text ("Приоритет › Цел"), the (priority, objective)
/// position and its order in the plan.
struct Place<'a> {
    text: String,
    at: (usize, usize),
    order: usize,
    measure: &'a Measure,
}

fn priority_text(pi: usize, p: &super::Priority) -> String {
    match p.number {
        Some(n) => format!("{n}. {}", p.title),
        None => format!("{}. {}", pi + 1, p.title),
    }
}

fn objective_text(o: &super::Objective) -> String {
    match &o.code {
        Some(c) => format!("{c}. {}", o.title),
        None => o.title.clone(),
    }
}

fn places(plan: &Plan) -> HashMap<&str, Place<'_>> {
    let mut out = HashMap::new();
    let mut order = 0;
    for (pi, p) in plan.priorities.iter().enumerate() {
        let priority = priority_text(pi, p);
        for (oi, o) in p.objectives.iter().enumerate() {
            let objective = objective_text(o);
            for m in &o.measures {
                let text = format!("{priority} › {objective}");
                let place = Place {
                    text,
                    at: (pi, oi),
                    order,
                    measure: m,
                };
                out.insert(m.key.as_str(), place);
                order += 1;
            }
        }
    }
    out
}

/// Priorities and objectives renamed or renumbered in place: the same position holding at
/// least one of the same measures (or no measure in either version), with another heading.
fn renamed_parts(old: &Plan, new: &Plan, header: &mut Vec<FieldChange>) {
    let keys = |ms: &mut dyn Iterator<Item = &Measure>| -> Vec<String> {
        ms.map(|m| m.key.clone()).collect()
    };
    let same_part = |a: &[String], b: &[String]| {
        (a.is_empty() && b.is_empty()) || a.iter().any(|k| b.contains(k))
    };
    for (pi, (op, np)) in old.priorities.iter().zip(&new.priorities).enumerate() {
        let of =
            |p: &super::Priority| keys(&mut p.objectives.iter().flat_map(|o| o.measures.iter()));
        if same_part(&of(op), &of(np)) {
            push_field(
                header,
                "priority",
                &priority_text(pi, op),
                &priority_text(pi, np),
            );
        }
        for (oo, no) in op.objectives.iter().zip(&np.objectives) {
            if same_part(
                &keys(&mut oo.measures.iter()),
                &keys(&mut no.measures.iter()),
            ) {
                push_field(
                    header,
                    "objective",
                    &objective_text(oo),
                    &objective_text(no),
                );
            }
        }
    }
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
    renamed_parts(old, new, &mut header);
    let before = places(old);
    let after = places(new);
    let mut changes: Vec<(i64, usize, MeasureChange)> = Vec::new();
    let mut counts = ChangeCounts::default();
    for m in new.measures() {
        let Place {
            text: place_after,
            at: at_after,
            order,
            ..
        } = &after[m.key.as_str()];
        let Some(Place {
            text: place_before,
            at: at_before,
            measure: om,
            ..
        }) = before.get(m.key.as_str())
        else {
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
        // Renumbered, or under another heading at another position (a renamed heading or
        // parts inserted before it move nothing).
        let moved = om.code != m.code || (place_before != place_after && at_before != at_after);
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
            .find_map(|p| after.get(p.key.as_str()).map(|a| a.order as i64))
            .unwrap_or(-1);
        let place_before = &before[m.key.as_str()].text;
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
#[path = "diff_tests.rs"]
mod tests;
