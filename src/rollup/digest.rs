//! What one frozen round adds to a roll-up, taken from its snapshot once and kept beside it
//! (`round_digests`), so a roll-up adds small digests instead of reading every plan and report
//! of the year again. A digest holds the round's totals with funding sources as written and no
//! value carried forward, the cumulative indicators that had no value in the year (they take
//! their last earlier value when the roll-up adds the round), and the cumulative values the
//! round approved (what later years carry). [`RoundDigest::totals`] gives exactly
//! [`round_totals_carrying`](super::round_totals_carrying) of the snapshot. It also keeps each
//! indicator's approved value of the year, so indicators mapped to the national plan's add up
//! under the national indicator at roll-up time ([`RoundDigest::mapped`] gives exactly
//! [`mapped_totals`](super::mapped::mapped_totals)) without the digest depending on the
//! mapping.

use super::mapped::Mapping;
use super::{
    Carried, IndicatorTotals, NO_SOURCE, Purse, Totals, area_slot, cumulative_values, round_totals,
};
use crate::analytics::indicators::combine_year;
use crate::plan::NationalArea;
use crate::snapshot::{ReviewState, RoundSnapshot, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format of a stored digest; a digest of another format is made anew from its snapshot.
pub const DIGEST_FORMAT: i64 = 2;

/// A cumulative indicator of a measure without an approved value in the round's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenCumulative {
    /// The measure's [`area_slot`].
    pub slot: usize,
    pub measure: String,
    pub indicator: String,
}

/// An indicator's approved value of the round's year (the institutions' values combined).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub measure: String,
    pub indicator: String,
    pub cumulative: bool,
    pub value: Value,
}

/// A round's contribution to a roll-up, without its plan's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundDigest {
    /// The totals with sources as written (trimmed) and nothing carried.
    pub totals: Totals,
    pub open: Vec<OpenCumulative>,
    /// Every indicator with an approved value in the year (for the mapped indicators).
    #[serde(default)]
    pub values: Vec<IndicatorValue>,
}

/// The cumulative values a round approved, as stored (JSON has no tuple keys).
pub type Approved = Vec<(String, String, f64)>;

impl RoundDigest {
    /// The digest of a closed round and the cumulative values it approved.
    pub fn of(snap: &RoundSnapshot) -> (RoundDigest, Approved) {
        let totals = round_totals(snap, &|s: &str| s.trim().to_string());
        let mut open = Vec::new();
        for p in &snap.plan.priorities {
            let area = p
                .national_area
                .or_else(|| NationalArea::from_title(&p.title));
            let slot = area_slot(area);
            for m in p.objectives.iter().flat_map(|o| &o.measures) {
                for ind in m.indicators.iter().filter(|i| i.cumulative) {
                    let valued = snap
                        .updates
                        .iter()
                        .filter(|u| u.measure_key == m.key && u.state == ReviewState::Approved)
                        .flat_map(|u| &u.values)
                        .any(|v| v.indicator_key == ind.key);
                    if !valued {
                        open.push(OpenCumulative {
                            slot,
                            measure: m.key.clone(),
                            indicator: ind.key.clone(),
                        });
                    }
                }
            }
        }
        let mut values = Vec::new();
        for m in snap.plan.measures() {
            for ind in &m.indicators {
                let approved = snap
                    .updates
                    .iter()
                    .filter(|u| u.measure_key == m.key && u.state == ReviewState::Approved)
                    .flat_map(|u| &u.values)
                    .filter(|v| v.indicator_key == ind.key)
                    .map(|v| &v.value);
                if let Some(value) = combine_year(approved) {
                    values.push(IndicatorValue {
                        measure: m.key.clone(),
                        indicator: ind.key.clone(),
                        cumulative: ind.cumulative,
                        value,
                    });
                }
            }
        }
        let approved = cumulative_values(snap)
            .into_iter()
            .map(|((m, i), v)| (m, i, v))
            .collect();
        (
            RoundDigest {
                totals,
                open,
                values,
            },
            approved,
        )
    }

    /// The round's mapped indicators added up by the national indicator each is mapped to
    /// (`mapping`, the plan's), an open cumulative one carrying its last earlier value.
    pub fn mapped(&self, before: &Carried, mapping: &Mapping) -> BTreeMap<String, IndicatorTotals> {
        let mut out: BTreeMap<String, IndicatorTotals> = BTreeMap::new();
        if mapping.is_empty() {
            return out;
        }
        for v in &self.values {
            if let Some(target) = mapping.get(&(v.measure.clone(), v.indicator.clone())) {
                out.entry(target.clone())
                    .or_default()
                    .put(v.cumulative, &v.value);
            }
        }
        for o in &self.open {
            let key = (o.measure.clone(), o.indicator.clone());
            if let (Some(target), Some(last)) = (mapping.get(&key), before.get(&key)) {
                let t = out.entry(target.clone()).or_default();
                t.put(true, &Value::Number { value: *last });
                t.carried += 1;
            }
        }
        out.retain(|_, t| *t != IndicatorTotals::default());
        out
    }

    /// The round's totals: sources by their registry name (`canon`) and each open cumulative
    /// indicator carrying its last value of an earlier year (`before`).
    pub fn totals(&self, before: &Carried, canon: &dyn Fn(&str) -> String) -> Totals {
        let mut t = self.totals.clone();
        let rename = |by: &mut BTreeMap<String, Purse>| {
            let written = std::mem::take(by);
            for (name, purse) in written {
                let name = if name == NO_SOURCE {
                    name
                } else {
                    Some(canon(&name))
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| NO_SOURCE.to_string())
                };
                by.entry(name).or_default().add(&purse);
            }
        };
        rename(&mut t.all.money.spent_by_source);
        for area in &mut t.areas {
            rename(&mut area.money.spent_by_source);
        }
        // Planned money keys name a measure's sources joined by "; ": each renamed.
        let joined = |by: &mut BTreeMap<String, Purse>| {
            let written = std::mem::take(by);
            for (names, purse) in written {
                let key = if names == NO_SOURCE {
                    names
                } else {
                    let mut all: Vec<String> = names
                        .split("; ")
                        .map(canon)
                        .filter(|n| !n.trim().is_empty())
                        .collect();
                    all.sort();
                    all.dedup();
                    if all.is_empty() {
                        NO_SOURCE.to_string()
                    } else {
                        all.join("; ")
                    }
                };
                by.entry(key).or_default().add(&purse);
            }
        };
        joined(&mut t.all.money.planned_by_source);
        for area in &mut t.areas {
            joined(&mut area.money.planned_by_source);
        }
        for o in &self.open {
            if let Some(last) = before.get(&(o.measure.clone(), o.indicator.clone())) {
                for f in [&mut t.all.indicators, &mut t.areas[o.slot].indicators] {
                    f.cumulative_sum += last;
                    f.cumulatives += 1;
                    f.carried += 1;
                }
            }
        }
        t
    }
}

/// Merges the cumulative values of a plan's rounds, later rounds over earlier ones.
pub fn carry(into: &mut Carried, approved: &Approved) {
    for (m, i, v) in approved {
        into.insert((m.clone(), i.clone()), *v);
    }
}
