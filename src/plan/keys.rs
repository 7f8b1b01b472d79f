//! Stable measure keys across versions (pure): a new version's measures take the keys of the
//! measures they continue, so progress follows a measure through renumbering and re-wording;
//! a new measure gets a key the plan never used.

use super::{Measure, Plan};
use std::collections::{BTreeSet, HashMap, HashSet};

/// How to read the keys a new version brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// The keys were kept on purpose (planmon plan JSON, an edit of the stored plan, an
    /// amending decision): non-empty keys are kept, empty ones get fresh keys.
    Kept,
    /// The keys were numbered afresh by an importer: measures are matched to the previous
    /// version by their content and code.
    Matched,
}

/// The smallest similarity (0..1) for an imported measure to continue a previous one.
const MIN_SCORE: f64 = 0.5;

fn words(m: &Measure) -> HashSet<String> {
    m.activities
        .iter()
        .chain(&m.tasks)
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
        .collect()
}

fn normalised_code(m: &Measure) -> Option<String> {
    let c = m.code.as_deref()?.trim().trim_end_matches('.');
    (!c.is_empty()).then(|| c.to_string())
}

/// How alike two measures are: shared words (Dice), plus a little for the same code.
fn score(a: &Measure, a_words: &HashSet<String>, b: &Measure, b_words: &HashSet<String>) -> f64 {
    let shared = a_words.intersection(b_words).count();
    let total = a_words.len() + b_words.len();
    let text = if total == 0 {
        0.0
    } else {
        2.0 * shared as f64 / total as f64
    };
    let code = match (normalised_code(a), normalised_code(b)) {
        (Some(x), Some(y)) if x == y => 0.25,
        _ => 0.0,
    };
    text + code
}

fn number_of(key: &str, prefix: char) -> Option<u64> {
    key.strip_prefix(prefix)?.parse().ok()
}

/// Gives `next`'s measures and indicators their keys from `previous`; `used` is every measure
/// key the plan ever had (dropped ones too), which a new measure never takes.
pub fn carry_keys(previous: &Plan, next: &mut Plan, used: &BTreeSet<String>, source: KeySource) {
    let prev: Vec<&Measure> = previous.measures().collect();
    let mut next_number = used
        .iter()
        .chain(prev.iter().map(|m| &m.key))
        .filter_map(|k| number_of(k, 'm'))
        .max()
        .unwrap_or(0);
    let mut assigned: Vec<Option<String>> = vec![None; next.measures().count()];
    match source {
        KeySource::Kept => {
            let mut seen = HashSet::new();
            for (slot, m) in assigned.iter_mut().zip(next.measures()) {
                let k = m.key.trim();
                if !k.is_empty() && seen.insert(k.to_string()) {
                    *slot = Some(k.to_string());
                }
            }
            next_number = next_number.max(
                assigned
                    .iter()
                    .flatten()
                    .filter_map(|k| number_of(k, 'm'))
                    .max()
                    .unwrap_or(0),
            );
        }
        KeySource::Matched => {
            let prev_words: Vec<_> = prev.iter().map(|m| words(m)).collect();
            let next_measures: Vec<&Measure> = next.measures().collect();
            let next_words: Vec<_> = next_measures.iter().map(|m| words(m)).collect();
            let mut pairs = Vec::new();
            for (j, n) in next_measures.iter().enumerate() {
                for (i, p) in prev.iter().enumerate() {
                    let s = score(p, &prev_words[i], n, &next_words[j]);
                    if s >= MIN_SCORE {
                        pairs.push((s, i, j));
                    }
                }
            }
            // Best pairs first; ties keep document order.
            pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            let mut prev_taken = vec![false; prev.len()];
            for (_, i, j) in pairs {
                if !prev_taken[i] && assigned[j].is_none() {
                    prev_taken[i] = true;
                    assigned[j] = Some(prev[i].key.clone());
                }
            }
        }
    }
    let prev_by_key: HashMap<&str, &Measure> = prev.iter().map(|m| (m.key.as_str(), *m)).collect();
    for (m, key) in next.measures_mut().zip(assigned) {
        m.key = match key {
            Some(k) => k,
            None => {
                next_number += 1;
                format!("m{next_number}")
            }
        };
        let old = prev_by_key.get(m.key.as_str()).copied();
        carry_indicator_keys(old, m, source);
    }
}

/// Indicators keep their keys within a measure (matched by name when imported afresh).
fn carry_indicator_keys(old: Option<&Measure>, m: &mut Measure, source: KeySource) {
    let old_inds = old.map(|o| o.indicators.as_slice()).unwrap_or_default();
    let mut next = old_inds
        .iter()
        .chain(&m.indicators)
        .filter_map(|i| number_of(&i.key, 'i'))
        .max()
        .unwrap_or(0);
    let mut taken = HashSet::new();
    for ind in &mut m.indicators {
        let key = match source {
            KeySource::Kept if !ind.key.trim().is_empty() => Some(ind.key.trim().to_string()),
            KeySource::Kept => None,
            KeySource::Matched => old_inds
                .iter()
                .find(|o| o.name.trim().to_lowercase() == ind.name.trim().to_lowercase())
                .map(|o| o.key.clone()),
        };
        ind.key = match key.filter(|k| !taken.contains(k)) {
            Some(k) => k,
            None => {
                next += 1;
                format!("i{next}")
            }
        };
        taken.insert(ind.key.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(key: &str, code: &str, text: &str) -> Measure {
        crate::plan::testing::measure(key, Some(code), text)
    }

    fn plan(measures: Vec<Measure>) -> Plan {
        crate::plan::testing::plan(vec![crate::plan::testing::objective("1", measures)])
    }

    fn keys(p: &Plan) -> Vec<&str> {
        p.measures().map(|m| m.key.as_str()).collect()
    }

    #[test]
    fn a_reimported_document_continues_measures_by_content_even_when_renumbered() {
        let old = plan(vec![
            m(
                "m1",
                "1.1",
                "Курсове по български език за деца от ромски произход",
            ),
            m("m2", "1.2", "Летен лагер за ученици в риск от отпадане"),
        ]);
        // The importer numbered afresh: a new measure first, the old ones renumbered.
        let mut new = plan(vec![
            m("m1", "1.1", "Обучение на медиатори за работа с родители"),
            m(
                "m2",
                "1.2",
                "Курсове по български език за деца от ромски произход",
            ),
            m(
                "m3",
                "1.3",
                "Летен лагер за ученици в риск от отпадане и техните родители",
            ),
        ]);
        let used = BTreeSet::from(["m1".to_string(), "m2".to_string(), "m3".to_string()]);
        carry_keys(&old, &mut new, &used, KeySource::Matched);
        assert_eq!(keys(&new), ["m4", "m1", "m2"]);
    }

    #[test]
    fn kept_keys_stay_and_new_measures_never_take_a_dropped_key() {
        let old = plan(vec![m("m1", "1", "А"), m("m2", "2", "Б")]);
        let mut new = plan(vec![m("m2", "2", "Б"), m("", "3", "В")]);
        // m5 was dropped in an earlier version.
        let used: BTreeSet<String> = ["m1", "m2", "m5"].map(String::from).into();
        carry_keys(&old, &mut new, &used, KeySource::Kept);
        assert_eq!(keys(&new), ["m2", "m6"]);
    }

    #[test]
    fn indicators_keep_their_keys_by_name_when_reimported() {
        let mut a = m("m1", "1", "Курсове по език");
        a.indicators = vec![crate::plan::Indicator {
            key: "i7".into(),
            name: "Брой деца".into(),
            kind: None,
            unit: None,
            cumulative: false,
            baseline: None,
            baseline_year: None,
            target: None,
            target_year: None,
        }];
        let old = plan(vec![a.clone()]);
        let mut b = a.clone();
        b.key = "m9".into();
        let mut extra = b.indicators[0].clone();
        extra.name = "Брой родители".into();
        b.indicators[0].key = "i1".into();
        b.indicators.insert(0, extra);
        let mut new = plan(vec![b]);
        carry_keys(&old, &mut new, &BTreeSet::new(), KeySource::Matched);
        let m = new.measures().next().unwrap();
        assert_eq!(m.key, "m1");
        let ik: Vec<_> = m.indicators.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(ik, ["i8", "i7"]);
    }
}
