//! Plans at every level (issue 13): national, district and municipal plans, each owned by the
//! nation, a district or a municipality; a municipal plan names the district plan and the
//! national plan it implements, a district plan the national one. A measure may be linked to a
//! measure or an objective of its parent plan: [`suggest`] proposes links by matching (same
//! national priority area, shared words), a coordinator confirms or rejects them (`store.rs`,
//! migration 0010).

pub mod mapping;
pub mod mapping_pages;
pub mod pages;
pub mod parent_pages;
pub mod store;
pub mod views;

use crate::plan::{NationalArea, Plan};
use std::collections::HashSet;

/// The level of a plan, and of the owner it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    National,
    District,
    Municipal,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::District => "district",
            Level::Municipal => "municipal",
        }
    }

    pub fn parse(code: &str) -> Option<Level> {
        [Level::National, Level::District, Level::Municipal]
            .into_iter()
            .find(|l| l.code() == code)
    }
}

/// The code the nation's owner row carries.
pub const NATION_CODE: &str = "BG";

/// What a measure of a child plan is linked to in its parent plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A measure, by its key.
    Measure(String),
    /// An objective, by its position in plan order (0-based).
    Objective(usize),
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Measure(_) => "measure",
            Target::Objective(_) => "objective",
        }
    }

    pub fn reference(&self) -> String {
        match self {
            Target::Measure(k) => k.clone(),
            Target::Objective(i) => i.to_string(),
        }
    }
}

/// A proposed link of a child measure to its parent plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub measure_key: String,
    pub target: Target,
    /// Shared words over all words (0-1).
    pub score: f64,
}

/// The words of a text that carry meaning (four letters or more, lower case).
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

fn overlap(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The share of meaningful words two texts share (0-1).
pub fn words_overlap(a: &str, b: &str) -> f64 {
    overlap(&words(a), &words(b))
}

/// Below this a measure is linked to an objective of its area rather than to a measure.
const MEASURE_MATCH: f64 = 0.3;

/// For each measure of `child`, the measure of `parent` in the same national priority area
/// that shares most words with it, or, when none shares enough, the area's best objective.
/// Measures of no national area, or of an area the parent does not have, get no suggestion.
pub fn suggest(child: &Plan, parent: &Plan) -> Vec<Suggestion> {
    let area_of = |p: &crate::plan::Priority| {
        p.national_area
            .or_else(|| NationalArea::from_title(&p.title))
    };
    let mut parent_measures: Vec<(NationalArea, String, HashSet<String>)> = Vec::new();
    let mut parent_objectives: Vec<(NationalArea, usize, HashSet<String>)> = Vec::new();
    let mut position = 0;
    for p in &parent.priorities {
        for o in &p.objectives {
            if let Some(area) = area_of(p) {
                parent_objectives.push((area, position, words(&o.title)));
                for m in &o.measures {
                    let text = format!("{} {}", o.title, m.activities.join(" "));
                    parent_measures.push((area, m.key.clone(), words(&text)));
                }
            }
            position += 1;
        }
    }
    let mut out = Vec::new();
    for p in &child.priorities {
        let Some(area) = area_of(p) else { continue };
        for o in &p.objectives {
            for m in &o.measures {
                let mine = words(&format!("{} {}", o.title, m.activities.join(" ")));
                let best_measure = parent_measures
                    .iter()
                    .filter(|(a, _, _)| *a == area)
                    .map(|(_, k, w)| (k, overlap(&mine, w)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((key, score)) = best_measure
                    && score >= MEASURE_MATCH
                {
                    out.push(Suggestion {
                        measure_key: m.key.clone(),
                        target: Target::Measure(key.clone()),
                        score,
                    });
                    continue;
                }
                let best_objective = parent_objectives
                    .iter()
                    .filter(|(a, _, _)| *a == area)
                    .map(|(_, i, w)| (*i, overlap(&mine, w)))
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
                if let Some((i, score)) = best_objective {
                    out.push(Suggestion {
                        measure_key: m.key.clone(),
                        target: Target::Objective(i),
                        score,
                    });
                }
            }
        }
    }
    out
}

/// The parents a form names (plan ids as typed, "" for none), checked against the plans the
/// plan may implement (`districts`, `nationals`): `(district plan, national plan)`, or the
/// fields in error. A district plan names no district plan.
pub fn pick_parents(
    level: Level,
    district: &str,
    national: &str,
    districts: &[i64],
    nationals: &[i64],
) -> Result<(Option<i64>, Option<i64>), crate::forms::FieldErrors> {
    let mut errors = crate::forms::FieldErrors::default();
    let mut pick = |field: &str, text: &str, allowed: &[i64], what: &str| -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<i64>() {
            Ok(id) if allowed.contains(&id) => Some(id),
            _ => {
                errors.add(field, format!("Изберете {what} от списъка."));
                None
            }
        }
    };
    let d = match level {
        Level::Municipal => pick("district_plan", district, districts, "план на областта"),
        _ => pick("district_plan", district, &[], "план на областта"),
    };
    let n = match level {
        Level::National => pick("national_plan", national, &[], "национален план"),
        _ => pick("national_plan", national, nationals, "национален план"),
    };
    if errors.is_empty() {
        Ok((d, n))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Spec, municipal_plan};

    fn plan(code: &str) -> Plan {
        let t = crate::territory::tree();
        municipal_plan(&Spec::default(), t.municipality(code).expect("known"), "X")
    }

    #[test]
    fn a_measure_is_suggested_the_parent_measure_of_its_area_that_shares_its_words() {
        let child = plan("SML09");
        let parent = plan("PDV22");
        let s = suggest(&child, &parent);
        assert_eq!(
            s.len(),
            child.measures().count(),
            "every measure has an area"
        );
        let areas = |p: &Plan| -> Vec<(String, NationalArea)> {
            p.priorities
                .iter()
                .flat_map(|pr| {
                    pr.objectives
                        .iter()
                        .flat_map(|o| &o.measures)
                        .map(move |m| (m.key.clone(), pr.national_area.expect("area")))
                })
                .collect()
        };
        let (mine, theirs) = (areas(&child), areas(&parent));
        for sug in &s {
            if let Target::Measure(k) = &sug.target {
                let a = mine
                    .iter()
                    .find(|(m, _)| *m == sug.measure_key)
                    .map(|x| x.1);
                let b = theirs.iter().find(|(m, _)| m == k).map(|x| x.1);
                assert_eq!(a, b, "linked within the same priority area");
                assert!(sug.score >= MEASURE_MATCH);
            }
        }
    }

    #[test]
    fn a_measure_of_an_area_the_parent_lacks_gets_no_suggestion() {
        let child = plan("SML09");
        let mut parent = plan("PDV22");
        parent
            .priorities
            .retain(|p| p.national_area == Some(NationalArea::Health));
        let s = suggest(&child, &parent);
        let health: usize = child
            .priorities
            .iter()
            .filter(|p| p.national_area == Some(NationalArea::Health))
            .map(|p| p.objectives.iter().map(|o| o.measures.len()).sum::<usize>())
            .sum();
        assert_eq!(s.len(), health);
    }

    #[test]
    fn a_plan_names_only_parents_of_the_lists_it_was_offered() {
        assert_eq!(
            pick_parents(Level::Municipal, "7", " 3 ", &[7], &[3]).ok(),
            Some((Some(7), Some(3)))
        );
        assert_eq!(
            pick_parents(Level::Municipal, "", "", &[7], &[3]).ok(),
            Some((None, None))
        );
        let e = pick_parents(Level::Municipal, "8", "x", &[7], &[3]).expect_err("not offered");
        assert!(e.get("district_plan").is_some() && e.get("national_plan").is_some());
        let e = pick_parents(Level::District, "7", "3", &[7], &[3]).expect_err("no district");
        assert!(e.get("district_plan").is_some() && e.get("national_plan").is_none());
    }

    #[test]
    fn levels_read_back_from_their_codes() {
        for l in [Level::National, Level::District, Level::Municipal] {
            assert_eq!(Level::parse(l.code()), Some(l));
        }
        assert_eq!(Level::parse("regional"), None);
    }
}
