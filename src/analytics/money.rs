//! Money planned against money spent, per measure, priority area and funding source, in BGN
//! (EUR at the fixed rate on display). Planned money is the plan's, for the whole period;
//! spent money is what the received reports of the round say for its year.

use crate::money::{Currency, Money, Total};
use crate::plan::rules::{self, source_totals};
use crate::plan::{Measure, Plan};
use crate::snapshot::RoundSnapshot;

/// The name used for money reported without a source.
pub const NO_SOURCE: &str = "неуточнен източник";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRow {
    pub name: String,
    /// Measure key for measure rows.
    pub key: Option<String>,
    pub planned: Money,
    pub spent: Money,
    /// A measure with no planned money at all (for groups: how many such measures).
    pub unfunded: usize,
}

impl MoneyRow {
    pub fn planned_eur(&self) -> Money {
        self.planned.convert(Currency::Eur)
    }

    pub fn spent_eur(&self) -> Money {
        self.spent.convert(Currency::Eur)
    }

    /// Spent as a share of planned; `None` without planned money.
    pub fn spent_share(&self) -> Option<f64> {
        (self.planned.minor > 0).then(|| self.spent.minor as f64 / self.planned.minor as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyAnalysis {
    pub total: MoneyRow,
    pub measures: Vec<MoneyRow>,
    pub priorities: Vec<MoneyRow>,
    /// Per source. A measure naming several sources without splitting its money counts under
    /// each, so planned money per source does not add up to the total.
    pub sources: Vec<MoneyRow>,
}

fn bgn(t: Total) -> Money {
    t.money()
}

/// Money spent on a measure in the round, from received reports.
pub fn spent_on(snap: &RoundSnapshot, key: &str) -> Money {
    let mut t = Total::new(Currency::Bgn);
    snap.updates
        .iter()
        .filter(|u| u.measure_key == key && u.state.is_received())
        .flat_map(|u| &u.spent)
        .for_each(|s| t.add(s.money()));
    bgn(t)
}

fn measure_row(snap: &RoundSnapshot, m: &Measure) -> MoneyRow {
    MoneyRow {
        name: m.headline(),
        key: Some(m.key.clone()),
        planned: rules::financing(std::iter::once(m), Currency::Bgn).total,
        spent: spent_on(snap, &m.key),
        unfunded: usize::from(m.amounts.is_empty()),
    }
}

fn sum_rows<'a>(name: String, rows: impl IntoIterator<Item = &'a MoneyRow>) -> MoneyRow {
    let mut planned = Total::new(Currency::Bgn);
    let mut spent = Total::new(Currency::Bgn);
    let mut unfunded = 0;
    for r in rows {
        planned.add(r.planned);
        spent.add(r.spent);
        unfunded += r.unfunded;
    }
    MoneyRow {
        name,
        key: None,
        planned: bgn(planned),
        spent: bgn(spent),
        unfunded,
    }
}

/// `canon` maps a source name as written to its registry name, so aliases add up together.
pub fn money(snap: &RoundSnapshot, canon: &dyn Fn(&str) -> String) -> MoneyAnalysis {
    let plan: &Plan = &snap.plan;
    let mut measures = Vec::new();
    let mut priorities = Vec::new();
    for p in &plan.priorities {
        let rows: Vec<MoneyRow> = p
            .objectives
            .iter()
            .flat_map(|o| &o.measures)
            .map(|m| measure_row(snap, m))
            .collect();
        priorities.push(sum_rows(p.title.clone(), &rows));
        measures.extend(rows);
    }
    let total = sum_rows("Общо".into(), &measures);

    let mut sources: Vec<MoneyRow> = source_totals(plan, Currency::Bgn, canon)
        .into_iter()
        .map(|s| MoneyRow {
            name: s.name,
            key: None,
            planned: s.total,
            spent: Money::zero(Currency::Bgn),
            unfunded: 0,
        })
        .collect();
    let mut spent_by: Vec<(String, Total)> = Vec::new();
    for s in snap
        .updates
        .iter()
        .filter(|u| u.state.is_received())
        .flat_map(|u| &u.spent)
    {
        let name = s
            .source
            .as_deref()
            .map(canon)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| NO_SOURCE.to_string());
        match spent_by.iter_mut().find(|(n, _)| *n == name) {
            Some((_, t)) => t.add(s.money()),
            None => {
                let mut t = Total::new(Currency::Bgn);
                t.add(s.money());
                spent_by.push((name, t));
            }
        }
    }
    for (name, t) in spent_by {
        match sources.iter_mut().find(|r| r.name == name) {
            Some(r) => r.spent = bgn(t),
            None => sources.push(MoneyRow {
                name,
                key: None,
                planned: Money::zero(Currency::Bgn),
                spent: bgn(t),
                unfunded: 0,
            }),
        }
    }
    MoneyAnalysis {
        total,
        measures,
        priorities,
        sources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, measure, plan_of, round_of, update};
    use crate::plan::Amount;
    use crate::snapshot::ReportedStatus::InProgress;

    fn amount(leva: i64, currency: Currency) -> Amount {
        Amount {
            minor: leva * 100,
            currency,
            qualifier: None,
            unit_missing: false,
            text: None,
        }
    }

    fn snap() -> RoundSnapshot {
        let mut m1 = measure("m1");
        m1.amounts.push(amount(10_000, Currency::Bgn));
        m1.funding_sources = vec!["ДБ".into()];
        let mut m2 = measure("m2");
        m2.amounts.push(amount(1_000, Currency::Eur));
        m2.funding_sources = vec!["Общински бюджет".into()];
        let m3 = measure("m3");
        round_of(
            plan_of(vec![m1, m2, m3]),
            vec![
                update("m1", "A", Some(InProgress)).spent("държавен бюджет", 4_000),
                update("m1", "B", Some(InProgress)).spent("", 500),
                update("m2", "A", Some(InProgress))
                    .spent("Общински бюджет", 900)
                    .draft(),
                update("m3", "A", Some(InProgress)).spent("Общински бюджет", 300),
            ],
        )
    }

    fn canon(name: &str) -> String {
        match name.trim().to_lowercase().as_str() {
            "дб" | "държавен бюджет" => "Държавен бюджет".into(),
            _ => name.trim().to_string(),
        }
    }

    #[test]
    fn planned_and_spent_add_up_per_measure_and_in_total_in_leva() {
        let a = money(&snap(), &canon);
        let m1 = &a.measures[0];
        assert_eq!(m1.planned, Money::whole(10_000, Currency::Bgn));
        assert_eq!(m1.spent, Money::whole(4_500, Currency::Bgn));
        assert_eq!(m1.spent_share(), Some(0.45));
        // 1 000 € planned = 1 955,83 лв.; the draft's spending does not count.
        assert_eq!(a.measures[1].planned, Money::new(195_583, Currency::Bgn));
        assert_eq!(a.measures[1].spent.minor, 0);
        assert_eq!(a.total.planned, Money::new(1_195_583, Currency::Bgn));
        assert_eq!(a.total.spent, Money::whole(4_800, Currency::Bgn));
        assert_eq!(a.total.planned_eur(), Money::new(611_292, Currency::Eur));
        assert_eq!(a.priorities[0].spent, a.total.spent);
    }

    #[test]
    fn measures_without_planned_money_are_flagged_unfunded() {
        let a = money(&snap(), &canon);
        let flagged: Vec<_> = a
            .measures
            .iter()
            .filter(|m| m.unfunded > 0)
            .filter_map(|m| m.key.as_deref())
            .collect();
        assert_eq!(flagged, ["m3"]);
        assert_eq!(a.total.unfunded, 1);
        assert_eq!(a.measures[2].spent_share(), None);
    }

    #[test]
    fn spending_by_source_uses_registry_names_and_keeps_unnamed_money_apart() {
        let a = money(&snap(), &canon);
        let row = |n: &str| a.sources.iter().find(|r| r.name == n).expect(n);
        assert_eq!(
            row("Държавен бюджет").planned,
            Money::whole(10_000, Currency::Bgn)
        );
        assert_eq!(
            row("Държавен бюджет").spent,
            Money::whole(4_000, Currency::Bgn)
        );
        assert_eq!(
            row("Общински бюджет").spent,
            Money::whole(300, Currency::Bgn)
        );
        assert_eq!(row(NO_SOURCE).spent, Money::whole(500, Currency::Bgn));
        assert_eq!(row(NO_SOURCE).planned.minor, 0);
    }
}
