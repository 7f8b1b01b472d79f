//! Pure rules over a plan: counts and financing totals.

use super::{Measure, Plan, Priority};
use crate::money::{Currency, Money, Total};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub priorities: usize,
    pub objectives: usize,
    pub measures: usize,
    pub indicators: usize,
}

pub fn counts(plan: &Plan) -> Counts {
    Counts {
        priorities: plan.priorities.len(),
        objectives: plan.priorities.iter().map(|p| p.objectives.len()).sum(),
        measures: plan.measures().count(),
        indicators: plan.measures().map(|m| m.indicators.len()).sum(),
    }
}

/// Planned money of some measures, in one currency, with what was left out of the sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Financing {
    pub total: Money,
    /// Summed amounts.
    pub amounts: usize,
    /// Amounts written without a currency (counted as BGN).
    pub unit_missing: usize,
    /// Per-unit or otherwise qualified amounts, shown apart and not summed.
    pub qualified: Vec<(Money, String)>,
    /// Measures without any amount.
    pub unfunded_measures: usize,
}

pub fn financing<'a>(
    measures: impl IntoIterator<Item = &'a Measure>,
    currency: Currency,
) -> Financing {
    let mut total = Total::new(currency);
    let mut f = Financing {
        total: Money::zero(currency),
        amounts: 0,
        unit_missing: 0,
        qualified: Vec::new(),
        unfunded_measures: 0,
    };
    for m in measures {
        if m.amounts.is_empty() {
            f.unfunded_measures += 1;
        }
        for a in &m.amounts {
            match &a.qualifier {
                Some(q) => f.qualified.push((a.money(), q.clone())),
                None => {
                    total.add(a.money());
                    f.amounts += 1;
                    if a.unit_missing {
                        f.unit_missing += 1;
                    }
                }
            }
        }
    }
    f.total = total.money();
    f
}

pub fn plan_financing(plan: &Plan, currency: Currency) -> Financing {
    financing(plan.measures(), currency)
}

pub fn priority_financing(p: &Priority, currency: Currency) -> Financing {
    financing(
        p.objectives.iter().flat_map(|o| o.measures.iter()),
        currency,
    )
}

/// Planned money per funding source. A measure that names several sources without splitting
/// its money is counted under each of them (`shared`), so the rows do not add up to the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTotal {
    pub name: String,
    pub measures: usize,
    pub total: Money,
    /// Measures whose amount this source shares with other sources.
    pub shared: usize,
}

/// Groups by the canonical name `canon` gives each source as written.
pub fn source_totals(
    plan: &Plan,
    currency: Currency,
    canon: impl Fn(&str) -> String,
) -> Vec<SourceTotal> {
    let mut rows: Vec<(SourceTotal, Total)> = Vec::new();
    for m in plan.measures() {
        let mut names: Vec<String> = m.funding_sources.iter().map(|s| canon(s)).collect();
        names.sort();
        names.dedup();
        let shared = names.len() > 1;
        let f = financing(std::iter::once(m), currency);
        for name in names {
            let idx = match rows.iter().position(|(r, _)| r.name == name) {
                Some(i) => i,
                None => {
                    rows.push((
                        SourceTotal {
                            name,
                            measures: 0,
                            total: Money::zero(currency),
                            shared: 0,
                        },
                        Total::new(currency),
                    ));
                    rows.len() - 1
                }
            };
            let (row, total) = &mut rows[idx];
            row.measures += 1;
            row.shared += usize::from(shared && f.amounts > 0);
            total.add(f.total);
        }
    }
    let mut out: Vec<SourceTotal> = rows
        .into_iter()
        .map(|(mut r, t)| {
            r.total = t.money();
            r
        })
        .collect();
    out.sort_by(|a, b| b.total.minor.cmp(&a.total.minor).then(a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Amount;

    fn amount(units: i64, qualifier: Option<&str>) -> Amount {
        Amount {
            minor: units * 100,
            currency: Currency::Bgn,
            qualifier: qualifier.map(str::to_string),
            unit_missing: false,
            text: None,
        }
    }

    fn measure(amounts: Vec<Amount>, sources: &[&str]) -> Measure {
        Measure {
            key: String::new(),
            code: None,
            tasks: vec![],
            activities: vec!["Дейност".into()],
            institutions: vec![],
            period: None,
            status: None,
            amounts,
            funding_sources: sources.iter().map(|s| s.to_string()).collect(),
            indicators: vec![],
        }
    }

    fn plan(measures: Vec<Measure>) -> Plan {
        crate::plan::testing::plan(vec![crate::plan::testing::objective("1", measures)])
    }

    #[test]
    fn per_unit_amounts_stay_out_of_the_total() {
        let p = plan(vec![
            measure(vec![amount(2000, None)], &[]),
            measure(vec![amount(100_000, Some("на училище"))], &[]),
            measure(vec![], &[]),
        ]);
        let f = plan_financing(&p, Currency::Bgn);
        assert_eq!(f.total, Money::whole(2000, Currency::Bgn));
        assert_eq!(f.qualified.len(), 1);
        assert_eq!(f.unfunded_measures, 1);
    }

    #[test]
    fn euro_amounts_are_converted_into_a_leva_total() {
        let mut eur = amount(1000, None);
        eur.currency = Currency::Eur;
        let p = plan(vec![measure(vec![amount(1000, None), eur], &[])]);
        assert_eq!(
            plan_financing(&p, Currency::Bgn).total.minor,
            100_000 + 195_583
        );
    }

    #[test]
    fn sources_with_aliases_add_up_together() {
        let p = plan(vec![
            measure(vec![amount(100, None)], &["ДБ"]),
            measure(vec![amount(50, None)], &["държавен бюджет", "Проекти"]),
        ]);
        let canon = |s: &str| {
            if s == "ДБ" {
                "държавен бюджет".to_string()
            } else {
                s.to_string()
            }
        };
        let rows = source_totals(&p, Currency::Bgn, canon);
        assert_eq!(rows[0].name, "държавен бюджет");
        assert_eq!(rows[0].measures, 2);
        assert_eq!(rows[0].total, Money::whole(150, Currency::Bgn));
        assert_eq!(rows[0].shared, 1);
    }

    #[test]
    fn counts_walk_the_whole_tree() {
        let p = plan(vec![measure(vec![], &[]), measure(vec![], &[])]);
        assert_eq!(
            counts(&p),
            Counts {
                priorities: 1,
                objectives: 1,
                measures: 2,
                indicators: 0
            }
        );
    }
}
