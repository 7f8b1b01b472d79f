//! Applying confirmed changes of an amending decision to a plan (pure): every change naming a
//! measure or objective the plan does not have is refused with its number and field, and then
//! nothing is applied.

use super::decision::{Change, Proposed};
use crate::i18n::{Msg, Tr};
use crate::plan::{Measure, Plan};
use serde::Serialize;

/// Why a proposed change cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplyError {
    /// The proposal's number.
    pub n: usize,
    /// `measure`, `objective` or `code`.
    pub field: &'static str,
    pub why: Msg,
}

impl ApplyError {
    /// "Предложение 1: в плана няма мярка „9.9“." in the reader's language.
    pub fn message(&self, tr: &Tr) -> String {
        tr.say(
            &Msg::new("amend.err.proposal")
                .with("n", self.n.to_string())
                .with("why", tr.say(&self.why)),
        )
    }
}

/// The refusals in Bulgarian, one per line (the command line and the demo).
pub fn in_bulgarian(errors: &[ApplyError]) -> String {
    errors
        .iter()
        .map(|e| e.message(&Tr::default()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn normalise(code: &str) -> String {
    code.trim()
        .trim_start_matches('№')
        .trim()
        .trim_end_matches('.')
        .to_string()
}

/// The numbers a decision may use for a measure, as (number, key, printed): the code the plan
/// prints, and, for plans that number only their objectives, "objective.position" and
/// "priority.objective.position" ("2.3" or "1.2.3": the third measure of цел 2, of priority 1).
pub fn reference_codes(plan: &Plan) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for (pi, p) in plan.priorities.iter().enumerate() {
        let pn = p.number.map_or(pi + 1, |n| n as usize);
        for o in &p.objectives {
            for (i, m) in o.measures.iter().enumerate() {
                if let Some(c) = m.code.as_deref().map(normalise).filter(|c| !c.is_empty()) {
                    out.push((c, m.key.clone(), true));
                }
                if let Some(oc) = o.code.as_deref().map(normalise).filter(|c| !c.is_empty()) {
                    out.push((format!("{oc}.{}", i + 1), m.key.clone(), false));
                    out.push((format!("{pn}.{oc}.{}", i + 1), m.key.clone(), false));
                }
            }
        }
    }
    out
}

/// The key of the one measure `code` names (a printed code before a derived one); an error
/// text when none or several do.
fn key_of(refs: &[(String, String, bool)], code: &str) -> Result<String, Msg> {
    let code = normalise(code);
    let matching = |printed: bool| {
        let mut keys: Vec<&String> = refs
            .iter()
            .filter(|(c, _, p)| *c == code && *p == printed)
            .map(|(_, k, _)| k)
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let mut keys = matching(true);
    if keys.is_empty() {
        keys = matching(false);
    }
    match keys.as_slice() {
        [] => Err(Msg::new("amend.err.no_measure").with("code", code)),
        [k] => Ok((*k).clone()),
        _ => Err(Msg::new("amend.err.ambiguous")
            .with("count", keys.len().to_string())
            .with("code", code)),
    }
}

/// The key of the one measure of `plan` that `code` names, as a decision numbers it.
pub fn key_named(plan: &Plan, code: &str) -> Option<String> {
    key_of(&reference_codes(plan), code).ok()
}

fn measure_mut<'a>(plan: &'a mut Plan, key: &str) -> Option<&'a mut Measure> {
    plan.measures_mut().find(|m| m.key == key)
}

/// The objectives numbered `objective` (in priority `priority` when given): (priority,
/// objective) indexes.
fn objectives_numbered(
    plan: &Plan,
    priority: Option<&str>,
    objective: &str,
) -> Vec<(usize, usize)> {
    let want = normalise(objective);
    let mut out = Vec::new();
    for (pi, p) in plan.priorities.iter().enumerate() {
        let pn = p.number.map_or(pi + 1, |n| n as usize).to_string();
        if priority.is_some_and(|w| normalise(w) != pn) {
            continue;
        }
        for (oi, o) in p.objectives.iter().enumerate() {
            if o.code.as_deref().map(normalise).as_deref() == Some(want.as_str()) {
                out.push((pi, oi));
            }
        }
    }
    out
}

/// Where a new measure goes: (priority, objective) indexes, or why that is not clear.
fn objective_for(
    plan: &Plan,
    priority: Option<&str>,
    objective: Option<&str>,
    code: Option<&str>,
) -> Result<(usize, usize), Msg> {
    let one = |found: Vec<(usize, usize)>, none: Msg, many: Msg| match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(none),
        _ => Err(many),
    };
    let objective_msgs = |o: &str, p: Option<&str>| {
        let none = match p {
            Some(p) => Msg::new("amend.err.no_objective_in")
                .with("objective", o)
                .with("priority", p),
            None => Msg::new("amend.err.no_objective").with("objective", o),
        };
        (
            none,
            Msg::new("amend.err.objective_in_many").with("objective", o),
        )
    };
    if let Some(o) = objective {
        let (none, many) = objective_msgs(o, priority);
        return one(objectives_numbered(plan, priority, o), none, many);
    }
    let all: Vec<(usize, usize)> = plan
        .priorities
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| (0..p.objectives.len()).map(move |oi| (pi, oi)))
        .collect();
    if let [only] = all.as_slice() {
        return Ok(*only);
    }
    let unclear = Msg::new("amend.err.objective_unclear");
    let code = normalise(code.ok_or_else(|| unclear.clone())?);
    let (parent, _) = code.rsplit_once('.').ok_or_else(|| unclear.clone())?;
    // "2.4": beside the measures numbered 2.x …
    let prefix = format!("{parent}.");
    let beside: Vec<(usize, usize)> = all
        .iter()
        .copied()
        .filter(|&(pi, oi)| {
            plan.priorities[pi].objectives[oi].measures.iter().any(|m| {
                m.code
                    .as_deref()
                    .map(normalise)
                    .is_some_and(|c| c.starts_with(&prefix))
            })
        })
        .collect();
    if !beside.is_empty() {
        let many = Msg::new("amend.err.siblings_in_many").with("prefix", prefix);
        return one(beside, unclear, many);
    }
    // … else under цел "parent" ("1.4": priority 1, objective 4).
    match parent.split_once('.') {
        Some((p, o)) => {
            let (none, many) = objective_msgs(o, Some(p));
            one(objectives_numbered(plan, Some(p), o), none, many)
        }
        None => {
            let (none, many) = objective_msgs(parent, None);
            one(objectives_numbered(plan, None, parent), none, many)
        }
    }
}

/// The plan with the chosen proposals (by number) applied, or every reason it cannot be.
pub fn apply(
    plan: &Plan,
    proposed: &[Proposed],
    chosen: &[usize],
) -> Result<Plan, Vec<ApplyError>> {
    let refs = reference_codes(plan);
    let mut out = plan.clone();
    let mut errors = Vec::new();
    let mut dropped: Vec<(String, usize)> = Vec::new();
    for p in proposed.iter().filter(|p| chosen.contains(&p.n)) {
        let refuse = |field, why: Msg| ApplyError { n: p.n, field, why };
        if let Some(code) = p.change.measure() {
            let key = match key_of(&refs, code) {
                Ok(k) => k,
                Err(why) => {
                    errors.push(refuse("measure", why));
                    continue;
                }
            };
            if let Some((_, by)) = dropped.iter().find(|(k, _)| *k == key) {
                errors.push(refuse(
                    "measure",
                    Msg::new("amend.err.dropped_by")
                        .with("code", code)
                        .with("by", by.to_string()),
                ));
                continue;
            }
            let Some(m) = measure_mut(&mut out, &key) else {
                continue;
            };
            match &p.change {
                Change::SetAmounts { amounts, .. } => m.amounts = amounts.clone(),
                Change::SetPeriod { period, .. } => m.period = Some(period.clone()),
                Change::SetInstitutions { institutions, .. } => {
                    m.institutions = institutions.clone();
                }
                Change::SetSources { sources, .. } => m.funding_sources = sources.clone(),
                Change::SetText { text, .. } => m.activities = vec![text.clone()],
                Change::Drop { .. } => dropped.push((key, p.n)),
                Change::Add { .. } => {}
            }
            continue;
        }
        let Change::Add {
            code,
            priority,
            objective,
            text,
            institutions,
            period,
            amounts,
            sources,
        } = &p.change
        else {
            continue;
        };
        if let Some(c) = code
            && key_of(&refs, c).is_ok()
        {
            errors.push(refuse(
                "code",
                Msg::new("amend.err.code_exists").with("code", c.as_str()),
            ));
            continue;
        }
        let (pi, oi) = match objective_for(
            &out,
            priority.as_deref(),
            objective.as_deref(),
            code.as_deref(),
        ) {
            Ok(at) => at,
            Err(why) => {
                errors.push(refuse("objective", why));
                continue;
            }
        };
        let measure = Measure {
            key: String::new(),
            code: code.clone(),
            tasks: Vec::new(),
            activities: vec![text.clone()],
            institutions: institutions.clone(),
            period: period.clone(),
            status: None,
            amounts: amounts.clone(),
            funding_sources: sources.clone(),
            indicators: Vec::new(),
        };
        let measures = &mut out.priorities[pi].objectives[oi].measures;
        let at = code
            .as_deref()
            .and_then(|c| {
                let c = code_order(c);
                measures
                    .iter()
                    .position(|m| m.code.as_deref().is_some_and(|mc| code_order(mc) > c))
            })
            .unwrap_or(measures.len());
        measures.insert(at, measure);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for p in &mut out.priorities {
        for o in &mut p.objectives {
            o.measures
                .retain(|m| !dropped.iter().any(|(k, _)| *k == m.key));
        }
    }
    Ok(out)
}

/// "2.10" after "2.9": codes compared number by number.
fn code_order(code: &str) -> Vec<u64> {
    normalise(code)
        .split('.')
        .map(|p| p.trim().parse().unwrap_or(u64::MAX))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amend::decision::read;

    use crate::plan::testing::{measure as m, objective};

    fn plan() -> Plan {
        crate::plan::testing::plan(vec![
            objective(
                "1",
                vec![
                    m("m1", Some("1.1."), "Курсове"),
                    m("m2", Some("1.2."), "Лагер"),
                ],
            ),
            objective(
                "2",
                vec![m("m3", None, "Медиатори"), m("m4", None, "Стипендии")],
            ),
        ])
    }

    fn all(r: &[Proposed]) -> Vec<usize> {
        r.iter().map(|p| p.n).collect()
    }

    #[test]
    fn confirmed_changes_are_applied_and_unconfirmed_ones_are_not() {
        let r = read(
            "1. В мярка 1.2 сумата се изменя на 3 000 лв.\n\
             2. Създава се нова мярка 1.3 „Летни училища“.\n\
             3. Мярка 2.1 отпада.",
        );
        let p = apply(&plan(), &r.proposed, &[1, 2]).unwrap();
        let keys: Vec<_> = p.measures().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["m1", "m2", "", "m3", "m4"]);
        assert_eq!(p.measures().nth(1).unwrap().amounts[0].minor, 300_000);
        let p = apply(&plan(), &r.proposed, &all(&r.proposed)).unwrap();
        assert!(
            p.measures().all(|m| m.key != "m3"),
            "2.1 is the first measure of цел 2"
        );
    }

    #[test]
    fn a_decision_naming_measures_the_plan_does_not_have_is_refused_change_by_change() {
        let r = read(
            "1. В мярка 9.9 сумата се изменя на 3 000 лв.\n\
             2. Мярка 1.1 отпада.\n\
             3. Създава се нова мярка 1.2 „Дубликат“.\n\
             4. Създава се нова мярка 5 в цел 7 „Без цел“.",
        );
        let errors = apply(&plan(), &r.proposed, &all(&r.proposed)).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.n, e.field)).collect();
        assert_eq!(got, [(1, "measure"), (3, "code"), (4, "objective")]);
        assert_eq!(
            errors[0].message(&Tr::default()),
            "Предложение 1: в плана няма мярка „9.9“."
        );
        assert_eq!(
            errors[0].message(&Tr::new(crate::i18n::Lang::En)),
            "Proposal 1: the plan has no measure \"9.9\"."
        );
    }

    #[test]
    fn a_number_several_measures_share_needs_its_priority() {
        let mut p = plan();
        let mut second = p.priorities[0].clone();
        second.number = Some(2);
        for (i, m) in second
            .objectives
            .iter_mut()
            .flat_map(|o| o.measures.iter_mut())
            .enumerate()
        {
            m.key = format!("m{}", i + 5);
            m.code = None;
        }
        p.priorities.push(second);
        let r = read("1. Мярка 2.1 отпада.\n2. Мярка 2.2.1 отпада.");
        let errors = apply(&p, &r.proposed, &[1]).unwrap_err();
        assert!(
            errors[0]
                .message(&Tr::default())
                .contains("посочете и приоритета"),
            "{errors:?}"
        );
        let after = apply(&p, &r.proposed, &[2]).unwrap();
        assert_eq!(after.measures().count(), 7);
        assert_eq!(after.priorities[1].objectives[1].measures[0].key, "m8");
    }
}
