//! Roll-ups up the administrative tree: from the frozen rounds of one year (approved data of
//! closed rounds only; anything not approved never reaches a level above) to the municipality,
//! the district it belonged to that year and the nation. Pure: values in, values out.
//!
//! Every figure adds up, never averages: measures by status, money per currency (BGN before
//! 2026, EUR from 2026; shown in both at the fixed rate) and per source, reports expected,
//! received and approved, people reached, indicators by kind (numbers add, percentages add
//! numerators and denominators, a cumulative indicator contributes its last value, yes/no are
//! counted). So the totals of a level are the sum of the level below, exactly.
//! `store` reads a year's rounds and the tree in force and keeps the result; `api` serves it.

pub mod api;
pub mod digest;
pub mod mapped;
pub mod store;

#[cfg(test)]
mod tests;

use crate::analytics::indicators::combine_year;
use crate::analytics::status::resolve;
use crate::money::{Currency, Money};
use crate::plan::{Measure, NationalArea, Plan};
use crate::snapshot::{ReportedStatus, ReviewState, RoundSnapshot, Value};
use std::collections::BTreeMap;

/// The name under which money reported without a source adds up.
pub use crate::analytics::money::NO_SOURCE;

/// Measures by their status for the year; `not_reported`: no approved report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusCounts {
    pub completed: u64,
    pub in_progress: u64,
    pub partial: u64,
    pub not_done: u64,
    pub dropped: u64,
    pub upcoming: u64,
    pub not_reported: u64,
}

impl StatusCounts {
    fn count(&mut self, status: Option<ReportedStatus>) {
        let slot = match status {
            Some(ReportedStatus::Completed) => &mut self.completed,
            Some(ReportedStatus::InProgress) => &mut self.in_progress,
            Some(ReportedStatus::Partial) => &mut self.partial,
            Some(ReportedStatus::NotDone) => &mut self.not_done,
            Some(ReportedStatus::Dropped) => &mut self.dropped,
            Some(ReportedStatus::Upcoming) => &mut self.upcoming,
            None => &mut self.not_reported,
        };
        *slot += 1;
    }

    fn add(&mut self, o: &StatusCounts) {
        self.completed += o.completed;
        self.in_progress += o.in_progress;
        self.partial += o.partial;
        self.not_done += o.not_done;
        self.dropped += o.dropped;
        self.upcoming += o.upcoming;
        self.not_reported += o.not_reported;
    }

    pub fn total(&self) -> u64 {
        self.completed
            + self.in_progress
            + self.partial
            + self.not_done
            + self.dropped
            + self.upcoming
            + self.not_reported
    }

    /// (code, count) in the order of `ReportedStatus::ALL`, then `not_reported`.
    pub fn rows(&self) -> [(&'static str, u64); 7] {
        [
            ("completed", self.completed),
            ("in_progress", self.in_progress),
            ("partial", self.partial),
            ("not_done", self.not_done),
            ("dropped", self.dropped),
            ("upcoming", self.upcoming),
            ("not_reported", self.not_reported),
        ]
    }
}

/// Money in each currency as it was planned or reported, never converted before adding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Purse {
    pub bgn: i64,
    pub eur: i64,
}

impl Purse {
    fn put(&mut self, m: Money) {
        match m.currency {
            Currency::Bgn => self.bgn = self.bgn.saturating_add(m.minor),
            Currency::Eur => self.eur = self.eur.saturating_add(m.minor),
        }
    }

    fn add(&mut self, o: &Purse) {
        self.bgn = self.bgn.saturating_add(o.bgn);
        self.eur = self.eur.saturating_add(o.eur);
    }

    /// Everything in one currency at the fixed rate (each currency converted once).
    pub fn in_currency(&self, c: Currency) -> Money {
        let a = Money::new(self.bgn, Currency::Bgn).convert(c);
        let b = Money::new(self.eur, Currency::Eur).convert(c);
        Money::new(a.minor.saturating_add(b.minor), c)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MoneyTotals {
    /// The year's share of the planned money of the measures running that year.
    pub planned: Purse,
    pub spent: Purse,
    /// Spent money by funding source (registry name).
    pub spent_by_source: BTreeMap<String, Purse>,
    /// The year's planned money by the measure's funding source (registry name; a measure of
    /// several sources under their names joined by "; ", as its money is not split among them).
    #[serde(default)]
    pub planned_by_source: BTreeMap<String, Purse>,
}

impl MoneyTotals {
    fn add(&mut self, o: &MoneyTotals) {
        self.planned.add(&o.planned);
        self.spent.add(&o.spent);
        for (k, v) in &o.spent_by_source {
            self.spent_by_source.entry(k.clone()).or_default().add(v);
        }
        for (k, v) in &o.planned_by_source {
            self.planned_by_source.entry(k.clone()).or_default().add(v);
        }
    }
}

/// Indicator values of the year by kind. Values are reported as whole counts in practice;
/// sums are kept as floats because the snapshot keeps them so.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorTotals {
    /// Non-cumulative numbers: their sum and how many indicators gave one.
    pub number_sum: f64,
    pub numbers: u64,
    /// Cumulative numbers: the sum of their last (this year's) values.
    pub cumulative_sum: f64,
    pub cumulatives: u64,
    /// Percentages: numerators and denominators added.
    pub numerator: f64,
    pub denominator: f64,
    pub percentages: u64,
    pub yes: u64,
    pub no: u64,
    pub texts: u64,
    /// Of the cumulative numbers, those without a new value in the year that carry their last
    /// approved value of an earlier year forward.
    #[serde(default)]
    pub carried: u64,
}

impl IndicatorTotals {
    pub(crate) fn put(&mut self, cumulative: bool, v: &Value) {
        match v {
            Value::Number { value } if cumulative => {
                self.cumulative_sum += value;
                self.cumulatives += 1;
            }
            Value::Number { value } => {
                self.number_sum += value;
                self.numbers += 1;
            }
            Value::Ratio {
                numerator,
                denominator,
            } => {
                self.numerator += numerator;
                self.denominator += denominator;
                self.percentages += 1;
            }
            Value::YesNo { value: true } => self.yes += 1,
            Value::YesNo { value: false } => self.no += 1,
            Value::Text { .. } => self.texts += 1,
        }
    }

    pub(crate) fn add(&mut self, o: &IndicatorTotals) {
        self.number_sum += o.number_sum;
        self.numbers += o.numbers;
        self.cumulative_sum += o.cumulative_sum;
        self.cumulatives += o.cumulatives;
        self.numerator += o.numerator;
        self.denominator += o.denominator;
        self.percentages += o.percentages;
        self.yes += o.yes;
        self.no += o.no;
        self.texts += o.texts;
        self.carried += o.carried;
    }

    /// The combined percentage (numerators over denominators), never an average.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0.0).then(|| self.numerator / self.denominator * 100.0)
    }
}

/// What adds up about a set of measures.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub measures: StatusCounts,
    pub money: MoneyTotals,
    pub people_reached: u64,
    pub indicators: IndicatorTotals,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.measures.add(&o.measures);
        self.money.add(&o.money);
        self.people_reached += o.people_reached;
        self.indicators.add(&o.indicators);
    }
}

/// Who had to report and who did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reporting {
    /// (measure, institution) pairs that had to report.
    pub expected: u64,
    /// Handed in (submitted, returned or approved).
    pub received: u64,
    /// Approved: the only reports whose data go up.
    pub approved: u64,
    /// Received after the deadline.
    pub late: u64,
}

impl Reporting {
    fn add(&mut self, o: &Reporting) {
        self.expected += o.expected;
        self.received += o.received;
        self.approved += o.approved;
        self.late += o.late;
    }

    /// Approved reports as a share of those expected.
    pub fn rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| self.approved as f64 / self.expected as f64)
    }
}

/// The priority areas in the national order, then measures of no national area.
pub const AREA_SLOTS: usize = 7;

/// The slot of a national area in [`Totals::areas`] (the last one: no area).
pub fn area_slot(area: Option<NationalArea>) -> usize {
    area.map_or(AREA_SLOTS - 1, |a| {
        usize::from(a.number()).saturating_sub(1)
    })
}

/// Everything that adds up about one level (a plan, a municipality, a district, the nation).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Totals {
    /// Closed rounds counted.
    pub rounds: u64,
    /// Of those, generated sample rounds (demo data, never real reports).
    pub demo_rounds: u64,
    pub reporting: Reporting,
    pub all: Figures,
    /// By national priority area, in [`area_slot`] order.
    pub areas: [Figures; AREA_SLOTS],
    /// Indicators mapped to the national plan's, by the national indicator
    /// ([`mapped::national_ref`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub national: BTreeMap<String, IndicatorTotals>,
}

impl Totals {
    pub fn add(&mut self, o: &Totals) {
        self.rounds += o.rounds;
        self.demo_rounds += o.demo_rounds;
        self.reporting.add(&o.reporting);
        self.all.add(&o.all);
        for (a, b) in self.areas.iter_mut().zip(&o.areas) {
            a.add(b);
        }
        mapped::add(&mut self.national, &o.national);
    }
}

/// The year's share of a measure's planned money: nothing in a year it does not run, else
/// its summable amounts spread evenly over its years (per currency, in minor units).
fn planned_for_year(plan: &Plan, m: &Measure, year: i32) -> Purse {
    let from = m
        .period
        .as_ref()
        .and_then(|p| p.from)
        .unwrap_or(plan.period.from)
        .max(plan.period.from);
    let to = m
        .period
        .as_ref()
        .and_then(|p| p.to)
        .unwrap_or(plan.period.to)
        .min(plan.period.to);
    let mut purse = Purse::default();
    if year < from || year > to {
        return purse;
    }
    let years = i64::from((to - from + 1).max(1));
    for a in m.amounts.iter().filter(|a| a.is_summable()) {
        purse.put(Money::new(a.minor / years, a.currency));
    }
    purse
}

/// The last approved values of a plan's cumulative number indicators by (measure key,
/// indicator key): what a later year without a new value carries forward.
pub type Carried = BTreeMap<(String, String), f64>;

/// The cumulative number values a closed round approved.
pub fn cumulative_values(snap: &RoundSnapshot) -> Carried {
    let mut out = Carried::new();
    for m in snap.plan.measures() {
        for ind in m.indicators.iter().filter(|i| i.cumulative) {
            let values = snap
                .updates
                .iter()
                .filter(|u| u.measure_key == m.key && u.state == ReviewState::Approved)
                .flat_map(|u| &u.values)
                .filter(|v| v.indicator_key == ind.key)
                .map(|v| &v.value);
            if let Some(Value::Number { value }) = combine_year(values) {
                out.insert((m.key.clone(), ind.key.clone()), value);
            }
        }
    }
    out
}

/// The totals of one closed round: approved updates only. `canon` maps a source as written to
/// its registry name.
pub fn round_totals(snap: &RoundSnapshot, canon: &dyn Fn(&str) -> String) -> Totals {
    round_totals_carrying(snap, &Carried::new(), canon)
}

/// [`round_totals`] where a cumulative indicator without an approved value this year takes
/// its last value of an earlier year (`before`, the plan's earlier rounds merged in order),
/// counted in [`IndicatorTotals::carried`].
pub fn round_totals_carrying(
    snap: &RoundSnapshot,
    before: &Carried,
    canon: &dyn Fn(&str) -> String,
) -> Totals {
    let mut t = Totals {
        rounds: 1,
        ..Totals::default()
    };
    let deadline = snap.deadline.as_deref();
    for a in &snap.assignments {
        t.reporting.expected += 1;
        let u = snap.updates.iter().find(|u| {
            u.measure_key == a.measure_key
                && u.institution == a.institution
                && u.state.is_received()
        });
        if let Some(u) = u {
            t.reporting.received += 1;
            t.reporting.approved += u64::from(u.state == ReviewState::Approved);
            t.reporting.late += u64::from(u.on_time(deadline) == Some(false));
        }
    }
    for p in &snap.plan.priorities {
        let area = p
            .national_area
            .or_else(|| NationalArea::from_title(&p.title));
        let slot = area_slot(area);
        for m in p.objectives.iter().flat_map(|o| &o.measures) {
            let f = measure_figures(snap, m, before, canon);
            t.all.add(&f);
            t.areas[slot].add(&f);
        }
    }
    t
}

fn measure_figures(
    snap: &RoundSnapshot,
    m: &Measure,
    before: &Carried,
    canon: &dyn Fn(&str) -> String,
) -> Figures {
    let approved: Vec<_> = snap
        .updates
        .iter()
        .filter(|u| u.measure_key == m.key && u.state == ReviewState::Approved)
        .collect();
    let mut f = Figures::default();
    let statuses: Vec<ReportedStatus> = approved.iter().filter_map(|u| u.status).collect();
    f.measures.count(resolve(&statuses).0);
    f.money.planned = planned_for_year(&snap.plan, m, snap.year);
    if f.money.planned != Purse::default() {
        let mut sources: Vec<String> = m
            .funding_sources
            .iter()
            .map(|s| canon(s))
            .filter(|n| !n.trim().is_empty())
            .collect();
        sources.sort();
        sources.dedup();
        let key = if sources.is_empty() {
            NO_SOURCE.to_string()
        } else {
            sources.join("; ")
        };
        f.money.planned_by_source.insert(key, f.money.planned);
    }
    for u in &approved {
        f.people_reached += u.people_reached.unwrap_or(0);
        for s in &u.spent {
            f.money.spent.put(s.money());
            let source = s
                .source
                .as_deref()
                .map(canon)
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| NO_SOURCE.to_string());
            f.money
                .spent_by_source
                .entry(source)
                .or_default()
                .put(s.money());
        }
    }
    for ind in &m.indicators {
        let values = approved
            .iter()
            .flat_map(|u| &u.values)
            .filter(|v| v.indicator_key == ind.key)
            .map(|v| &v.value);
        if let Some(v) = combine_year(values) {
            f.indicators.put(ind.cumulative, &v);
        } else if ind.cumulative
            && let Some(last) = before.get(&(m.key.clone(), ind.key.clone()))
        {
            f.indicators.put(true, &Value::Number { value: *last });
            f.indicators.carried += 1;
        }
    }
    f
}

/// A municipality of the tree in force in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub code: String,
    pub name: String,
    pub district: String,
}

/// The tree in force in one year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearTree {
    /// (code, name), in code order.
    pub districts: Vec<(String, String)>,
    pub municipalities: Vec<Member>,
}

/// One closed round's totals, with the municipality (official code) whose plan it is.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedRound {
    pub municipality: String,
    pub plan_id: i64,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityRollup {
    pub code: String,
    pub name: String,
    /// Plans with a closed round in the year.
    pub plans: Vec<i64>,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictRollup {
    pub code: String,
    pub name: String,
    pub municipalities: Vec<MunicipalityRollup>,
    pub totals: Totals,
}

impl DistrictRollup {
    /// Municipalities with at least one closed round in the year.
    pub fn reporting(&self) -> usize {
        self.municipalities
            .iter()
            .filter(|m| !m.plans.is_empty())
            .count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub year: i32,
    pub districts: Vec<DistrictRollup>,
    pub totals: Totals,
    /// Closed rounds of municipalities outside the tree in force (no official code); not
    /// counted in any district nor in the national totals.
    pub unplaced: Vec<i64>,
}

impl Rollup {
    pub fn district(&self, code: &str) -> Option<&DistrictRollup> {
        self.districts.iter().find(|d| d.code == code)
    }
}

/// Adds the rounds up the tree in force in `year`: municipality ← its rounds, district ← its
/// municipalities, nation ← its districts.
pub fn roll_up(year: i32, tree: &YearTree, rounds: &[PlacedRound]) -> Rollup {
    let mut by_municipality: BTreeMap<&str, Vec<&PlacedRound>> = BTreeMap::new();
    for r in rounds {
        by_municipality
            .entry(r.municipality.as_str())
            .or_default()
            .push(r);
    }
    let placed: std::collections::HashSet<&str> = tree
        .municipalities
        .iter()
        .map(|m| m.code.as_str())
        .collect();
    let unplaced = rounds
        .iter()
        .filter(|r| !placed.contains(r.municipality.as_str()))
        .map(|r| r.plan_id)
        .collect();
    let mut totals = Totals::default();
    let districts = tree
        .districts
        .iter()
        .map(|(code, name)| {
            let mut d = DistrictRollup {
                code: code.clone(),
                name: name.clone(),
                municipalities: Vec::new(),
                totals: Totals::default(),
            };
            for m in tree.municipalities.iter().filter(|m| &m.district == code) {
                let mut mr = MunicipalityRollup {
                    code: m.code.clone(),
                    name: m.name.clone(),
                    plans: Vec::new(),
                    totals: Totals::default(),
                };
                for r in by_municipality.get(m.code.as_str()).into_iter().flatten() {
                    mr.plans.push(r.plan_id);
                    mr.totals.add(&r.totals);
                }
                d.totals.add(&mr.totals);
                d.municipalities.push(mr);
            }
            totals.add(&d.totals);
            d
        })
        .collect();
    Rollup {
        year,
        districts,
        totals,
        unplaced,
    }
}
