//! An amendment being prepared (pure): the proposed plan, where it came from (an edit in the
//! browser, an amending decision with its recognised changes, an amended document) and the
//! act's fields as typed, kept in `amendment_drafts` between requests until it is saved as a
//! version or discarded. The edits of the plan in the browser (move, drop, add) are here too.

use super::apply::{ApplyError, apply};
use super::decision::Reading;
use crate::plan::keys::KeySource;
use crate::plan::{Measure, Objective, Plan, Priority};
use serde::{Deserialize, Serialize};

/// Where the proposed plan came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Edited in the browser, measure by measure.
    Edit,
    /// An amending decision: the plan is the base version, changed only by the confirmed
    /// proposals (`chosen`) when the amendment is checked or saved.
    Decision {
        text: String,
        reading: Reading,
        chosen: Vec<usize>,
    },
    /// The amended plan as a whole document.
    Document,
}

/// The decision file brought with the draft, kept until the amendment is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionFile {
    pub name: String,
    pub media_type: String,
    /// The bytes, base64.
    pub data: String,
}

/// The act's fields as typed on the review form (or sent to the API), dates as YYYY-MM-DD.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActForm {
    pub decision_number: String,
    pub protocol_number: String,
    pub decision_date: String,
    pub effective_date: String,
    pub reason: String,
    pub url: String,
}

impl ActForm {
    pub const FIELDS: [&'static str; 6] = [
        "decision_number",
        "protocol_number",
        "decision_date",
        "effective_date",
        "reason",
        "url",
    ];

    /// The fields of a submitted form (others ignored), prefixed by `prefix`.
    pub fn read(fields: &[(String, String)], prefix: &str) -> ActForm {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k.strip_prefix(prefix) == Some(name))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        ActForm {
            decision_number: get("decision_number"),
            protocol_number: get("protocol_number"),
            decision_date: get("decision_date"),
            effective_date: get("effective_date"),
            reason: get("reason"),
            url: get("url"),
        }
    }

    pub fn value(&self, field: &str) -> &str {
        match field {
            "decision_number" => &self.decision_number,
            "protocol_number" => &self.protocol_number,
            "decision_date" => &self.decision_date,
            "effective_date" => &self.effective_date,
            "reason" => &self.reason,
            _ => &self.url,
        }
    }

    /// The amending act, or the errors by field.
    pub fn act(&self) -> Result<crate::plan::act::Act, crate::plan::act::ActErrors> {
        crate::plan::act::Act::amendment(
            &self.decision_number,
            &self.protocol_number,
            &self.decision_date,
            &self.effective_date,
            &self.reason,
            &self.url,
        )
    }
}

/// The body of an `amendment_drafts` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmendDraft {
    pub origin: Origin,
    /// The proposed plan (for a decision: the base version, see [`Origin::Decision`]).
    pub plan: Plan,
    pub act: ActForm,
    pub file: Option<DecisionFile>,
    /// The source file's name, for the pages.
    pub file_name: Option<String>,
    /// New measures get keys `new1`, `new2`… while edited; they become real keys on saving.
    #[serde(default)]
    pub next_new: u32,
}

/// Temporary keys of measures added in the browser.
pub const NEW_KEY: &str = "new";

impl AmendDraft {
    /// The plan this draft proposes: for a decision, the base with the confirmed changes
    /// applied (or why they cannot be), and how its measure keys are to be read.
    /// A decision's draft may be edited too (what the reader did not understand is applied by
    /// hand): the confirmed proposals then apply to the edited plan.
    pub fn proposed(&self) -> Result<(Plan, KeySource), Vec<ApplyError>> {
        let mut plan = match &self.origin {
            Origin::Decision {
                reading, chosen, ..
            } => apply(&self.plan, &reading.proposed, chosen)?,
            Origin::Edit => self.plan.clone(),
            Origin::Document => return Ok((self.plan.clone(), KeySource::Matched)),
        };
        for m in plan.measures_mut() {
            if m.key.starts_with(NEW_KEY) {
                m.key.clear();
            }
        }
        Ok((plan, KeySource::Kept))
    }

    /// Whether the plan may be edited in the browser (a whole amended document is reviewed as
    /// it was read).
    pub fn editable(&self) -> bool {
        !matches!(self.origin, Origin::Document)
    }

    /// A fresh temporary key for a measure added in the browser.
    pub fn new_key(&mut self) -> String {
        self.next_new += 1;
        format!("{NEW_KEY}{}", self.next_new)
    }
}

/// Where a measure is: (priority, objective, position) indexes.
pub fn locate(plan: &Plan, key: &str) -> Option<(usize, usize, usize)> {
    for (pi, p) in plan.priorities.iter().enumerate() {
        for (oi, o) in p.objectives.iter().enumerate() {
            if let Some(i) = o.measures.iter().position(|m| m.key == key) {
                return Some((pi, oi, i));
            }
        }
    }
    None
}

/// An objective by its form value "P.O" (indexes).
pub fn objective_at(plan: &Plan, at: &str) -> Option<(usize, usize)> {
    let (p, o) = at.split_once('.')?;
    let (p, o) = (p.parse::<usize>().ok()?, o.parse::<usize>().ok()?);
    plan.priorities.get(p)?.objectives.get(o)?;
    Some((p, o))
}

/// An edit of the plan's structure from the editor's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Up(String),
    Down(String),
    Drop(String),
    DropObjective(usize, usize),
    AddObjective(usize),
    DropPriority(usize),
    AddPriority,
}

impl Op {
    /// "up:m3", "down:m3", "drop:m3", "drop-objective:0.1", "add-objective:0",
    /// "drop-priority:1", "add-priority:end".
    pub fn parse(text: &str) -> Option<Op> {
        let (verb, what) = text.split_once(':')?;
        let what = what.trim().to_string();
        match verb {
            "up" => Some(Op::Up(what)),
            "down" => Some(Op::Down(what)),
            "drop" => Some(Op::Drop(what)),
            "drop-objective" => {
                let (p, o) = what.split_once('.')?;
                Some(Op::DropObjective(p.parse().ok()?, o.parse().ok()?))
            }
            "add-objective" => Some(Op::AddObjective(what.parse().ok()?)),
            "drop-priority" => Some(Op::DropPriority(what.parse().ok()?)),
            "add-priority" => Some(Op::AddPriority),
            _ => None,
        }
    }
}

/// Applies a structural edit; false when it names nothing in the plan. Moving up from the
/// first place of an objective moves the measure to the end of the objective before it (and
/// down from the last place to the start of the next), so a measure can travel the plan.
pub fn apply_op(plan: &mut Plan, op: &Op) -> bool {
    let slots: Vec<(usize, usize)> = plan
        .priorities
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| (0..p.objectives.len()).map(move |oi| (pi, oi)))
        .collect();
    match op {
        Op::Up(key) | Op::Down(key) => {
            let Some((pi, oi, i)) = locate(plan, key) else {
                return false;
            };
            let up = matches!(op, Op::Up(_));
            let len = plan.priorities[pi].objectives[oi].measures.len();
            let measures = &mut plan.priorities[pi].objectives[oi].measures;
            if up && i > 0 {
                measures.swap(i, i - 1);
                return true;
            }
            if !up && i + 1 < len {
                measures.swap(i, i + 1);
                return true;
            }
            let s = slots.iter().position(|x| *x == (pi, oi)).unwrap_or(0);
            let next = if up { s.checked_sub(1) } else { Some(s + 1) };
            let Some(&(np, no)) = next.and_then(|n| slots.get(n)) else {
                return true;
            };
            let m = plan.priorities[pi].objectives[oi].measures.remove(i);
            let target = &mut plan.priorities[np].objectives[no].measures;
            if up {
                target.push(m);
            } else {
                target.insert(0, m);
            }
            true
        }
        Op::Drop(key) => {
            let Some((pi, oi, i)) = locate(plan, key) else {
                return false;
            };
            plan.priorities[pi].objectives[oi].measures.remove(i);
            true
        }
        Op::DropObjective(p, o) => {
            let Some(objectives) = plan.priorities.get_mut(*p).map(|p| &mut p.objectives) else {
                return false;
            };
            if *o >= objectives.len() {
                return false;
            }
            objectives.remove(*o);
            true
        }
        Op::AddObjective(p) => {
            let Some(priority) = plan.priorities.get_mut(*p) else {
                return false;
            };
            priority.objectives.push(Objective {
                code: None,
                title: String::new(),
                measures: Vec::new(),
            });
            true
        }
        Op::DropPriority(p) => {
            if *p >= plan.priorities.len() {
                return false;
            }
            plan.priorities.remove(*p);
            true
        }
        Op::AddPriority => {
            let number = plan.priorities.iter().filter_map(|p| p.number).max();
            plan.priorities.push(Priority {
                number: number.map(|n| n + 1),
                title: String::new(),
                national_area: None,
                operational_objective: None,
                objectives: Vec::new(),
            });
            true
        }
    }
}

/// A new, empty measure with a temporary key.
pub fn empty_measure(key: String) -> Measure {
    Measure {
        key,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testing::objective;

    fn plan() -> Plan {
        let o = |code: &str, keys: &[&str]| {
            objective(
                code,
                keys.iter().map(|k| empty_measure((*k).into())).collect(),
            )
        };
        crate::plan::testing::plan(vec![o("1", &["m1", "m2"]), o("2", &["m3"])])
    }

    fn keys(p: &Plan) -> Vec<Vec<&str>> {
        p.priorities[0]
            .objectives
            .iter()
            .map(|o| o.measures.iter().map(|m| m.key.as_str()).collect())
            .collect()
    }

    #[test]
    fn a_measure_moves_within_its_objective_and_across_to_the_next() {
        let mut p = plan();
        assert!(apply_op(&mut p, &Op::parse("up:m2").unwrap()));
        assert_eq!(keys(&p), [vec!["m2", "m1"], vec!["m3"]]);
        assert!(apply_op(&mut p, &Op::parse("down:m1").unwrap()));
        assert_eq!(keys(&p), [vec!["m2"], vec!["m1", "m3"]]);
        assert!(apply_op(&mut p, &Op::parse("up:m1").unwrap()));
        assert_eq!(keys(&p), [vec!["m2", "m1"], vec!["m3"]]);
    }

    #[test]
    fn dropping_names_a_measure_or_objective_the_plan_has() {
        let mut p = plan();
        assert!(!apply_op(&mut p, &Op::Drop("m9".into())));
        assert!(apply_op(&mut p, &Op::Drop("m3".into())));
        assert!(apply_op(&mut p, &Op::parse("drop-objective:0.1").unwrap()));
        assert!(!apply_op(&mut p, &Op::parse("drop-objective:0.1").unwrap()));
        assert_eq!(keys(&p), [vec!["m1", "m2"]]);
        assert_eq!(Op::parse("sideways:m1"), None);
    }

    #[test]
    fn a_priority_is_added_after_the_last_number_and_dropped_with_its_objectives() {
        let mut p = plan();
        assert!(apply_op(&mut p, &Op::parse("add-priority:end").unwrap()));
        assert_eq!(p.priorities[1].number, Some(2));
        assert!(apply_op(&mut p, &Op::parse("drop-priority:0").unwrap()));
        assert!(!apply_op(&mut p, &Op::parse("drop-priority:1").unwrap()));
        assert_eq!(p.priorities.len(), 1);
        assert_eq!(p.measures().count(), 0);
    }

    #[test]
    fn a_decision_s_draft_edited_by_hand_gets_its_confirmed_proposals_on_top() {
        let reading = crate::amend::decision::read("1. Мярка 1.2 отпада.");
        let mut d = AmendDraft {
            origin: Origin::Decision {
                text: String::new(),
                reading,
                chosen: vec![1],
            },
            plan: plan(),
            act: ActForm::default(),
            file: None,
            file_name: None,
            next_new: 0,
        };
        for (i, m) in d.plan.measures_mut().enumerate() {
            m.code = Some(format!("1.{}", i + 1));
        }
        let k = d.new_key();
        d.plan.priorities[0].objectives[1]
            .measures
            .push(empty_measure(k));
        assert!(d.editable());
        let (p, _) = d.proposed().unwrap();
        assert_eq!(keys(&p), [vec!["m1"], vec!["m3", ""]]);
    }

    #[test]
    fn measures_added_in_the_browser_lose_their_temporary_keys_on_saving() {
        let mut d = AmendDraft {
            origin: Origin::Edit,
            plan: plan(),
            act: ActForm::default(),
            file: None,
            file_name: None,
            next_new: 0,
        };
        let k = d.new_key();
        d.plan.priorities[0].objectives[1]
            .measures
            .push(empty_measure(k.clone()));
        assert_eq!(k, "new1");
        let (p, _) = d.proposed().unwrap();
        assert_eq!(keys(&p)[1], ["m3", ""]);
    }
}
