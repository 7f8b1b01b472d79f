//! What one frozen round adds to a roll-up, taken from its snapshot once and kept beside it
//! (`round_digests`), so a roll-up adds small digests instead of reading every plan and report
//! of the year again. A digest holds the round's totals with funding sources as written and no
//! value carried forward, the cumulative indicators that had no value in the year (they take
//! their last earlier value when the roll-up adds the round), and the cumulative values the
//! round approved (what later years carry). [`RoundDigest::totals`] gives exactly
//! [`round_totals_carrying`](super::round_totals_carrying) of the snapshot.

use super::{Carried, NO_SOURCE, Purse, Totals, area_slot, cumulative_values, round_totals};
use crate::plan::NationalArea;
use crate::snapshot::{ReviewState, RoundSnapshot};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format of a stored digest; a digest of another format is made anew from its snapshot.
pub const DIGEST_FORMAT: i64 = 1;

/// A cumulative indicator of a measure without an approved value in the round's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenCumulative {
    /// The measure's [`area_slot`].
    pub slot: usize,
    pub measure: String,
    pub indicator: String,
}

/// A round's contribution to a roll-up, without its plan's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundDigest {
    /// The totals with sources as written (trimmed) and nothing carried.
    pub totals: Totals,
    pub open: Vec<OpenCumulative>,
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
        let approved = cumulative_values(snap)
            .into_iter()
            .map(|((m, i), v)| (m, i, v))
            .collect();
        (RoundDigest { totals, open }, approved)
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
