//! Indicators mapped to the national plan's (issue 13): a coordinator maps an indicator of a
//! municipal or district plan to an indicator of the national plan (`levels::mapping`); each
//! closed round then adds its approved values up under that national indicator, by kind as
//! every figure does (numbers add, percentages add numerators and denominators, a cumulative
//! indicator gives its last value, yes/no are counted), so the national report can say what the
//! municipalities contributed to each national indicator. Pure.

use super::{Carried, IndicatorTotals};
use crate::analytics::indicators::combine_year;
use crate::snapshot::{ReviewState, RoundSnapshot, Value};
use std::collections::BTreeMap;

/// A plan's mapped indicators: (measure key, indicator key) → the national indicator's
/// reference ([`national_ref`]).
pub type Mapping = BTreeMap<(String, String), String>;

/// How a national indicator is named in [`super::Totals::national`]: its plan, measure and
/// indicator keys ("12/m3/i1").
pub fn national_ref(plan_id: i64, measure_key: &str, indicator_key: &str) -> String {
    format!("{plan_id}/{measure_key}/{indicator_key}")
}

/// The (plan, measure key, indicator key) a [`national_ref`] names.
pub fn parse_ref(r: &str) -> Option<(i64, &str, &str)> {
    let mut parts = r.splitn(3, '/');
    let plan = parts.next()?.parse().ok()?;
    Some((plan, parts.next()?, parts.next()?))
}

/// The approved values of a closed round's mapped indicators, added up by the national
/// indicator each is mapped to. A cumulative indicator without an approved value in the year
/// carries its last value of an earlier year (`before`), counted in `carried`.
pub fn mapped_totals(
    snap: &RoundSnapshot,
    before: &Carried,
    mapping: &Mapping,
) -> BTreeMap<String, IndicatorTotals> {
    let mut out: BTreeMap<String, IndicatorTotals> = BTreeMap::new();
    if mapping.is_empty() {
        return out;
    }
    for m in snap.plan.measures() {
        for ind in &m.indicators {
            let Some(target) = mapping.get(&(m.key.clone(), ind.key.clone())) else {
                continue;
            };
            let values = snap
                .updates
                .iter()
                .filter(|u| u.measure_key == m.key && u.state == ReviewState::Approved)
                .flat_map(|u| &u.values)
                .filter(|v| v.indicator_key == ind.key)
                .map(|v| &v.value);
            let t = out.entry(target.clone()).or_default();
            if let Some(v) = combine_year(values) {
                t.put(ind.cumulative, &v);
            } else if ind.cumulative
                && let Some(last) = before.get(&(m.key.clone(), ind.key.clone()))
            {
                t.put(true, &Value::Number { value: *last });
                t.carried += 1;
            }
        }
    }
    out.retain(|_, t| *t != IndicatorTotals::default());
    out
}

/// Adds `o` into `into`, national indicator by national indicator.
pub fn add(into: &mut BTreeMap<String, IndicatorTotals>, o: &BTreeMap<String, IndicatorTotals>) {
    for (k, v) in o {
        into.entry(k.clone()).or_default().add(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, indicator, measure, plan_of, round_of, update};
    use crate::plan::IndicatorKind;
    use crate::snapshot::ReportedStatus::InProgress;

    #[test]
    fn a_national_reference_reads_back() {
        let r = national_ref(12, "m3", "i1");
        assert_eq!(parse_ref(&r), Some((12, "m3", "i1")));
        assert_eq!(parse_ref("x/m3/i1"), None);
        assert_eq!(parse_ref("12/m3"), None);
    }

    /// A municipality's round: a percentage (n of d), a cumulative number, a yes/no and an
    /// unmapped number, each in its own indicator of measure m1.
    fn round(n: f64, d: f64, total: f64, yes: bool) -> RoundSnapshot {
        let mut m = measure("m1");
        m.indicators
            .push(indicator("i1", IndicatorKind::Percent, "", ""));
        let mut cum = indicator("i2", IndicatorKind::Number, "", "");
        cum.cumulative = true;
        m.indicators.push(cum);
        m.indicators
            .push(indicator("i3", IndicatorKind::YesNo, "", ""));
        m.indicators
            .push(indicator("i4", IndicatorKind::Number, "", ""));
        round_of(
            plan_of(vec![m]),
            vec![
                update("m1", "A", Some(InProgress))
                    .value(
                        "i1",
                        Value::Ratio {
                            numerator: n,
                            denominator: d,
                        },
                    )
                    .value("i2", Value::Number { value: total })
                    .value("i3", Value::YesNo { value: yes })
                    .value("i4", Value::Number { value: 1000.0 }),
            ],
        )
    }

    fn mapping() -> Mapping {
        [("i1", "9/m1/p"), ("i2", "9/m1/c"), ("i3", "9/m2/y")]
            .into_iter()
            .map(|(i, r)| (("m1".to_string(), i.to_string()), r.to_string()))
            .collect()
    }

    #[test]
    fn two_municipalities_add_up_under_the_national_indicator_by_kind_never_averaged() {
        let mut all = BTreeMap::new();
        add(
            &mut all,
            &mapped_totals(&round(1.0, 4.0, 30.0, true), &Carried::new(), &mapping()),
        );
        add(
            &mut all,
            &mapped_totals(&round(3.0, 4.0, 50.0, false), &Carried::new(), &mapping()),
        );
        let p = all["9/m1/p"];
        assert_eq!((p.numerator, p.denominator, p.percentages), (4.0, 8.0, 2));
        assert_eq!(p.percent(), Some(50.0));
        let c = all["9/m1/c"];
        assert_eq!(
            (c.cumulative_sum, c.cumulatives),
            (80.0, 2),
            "each its last value"
        );
        let y = all["9/m2/y"];
        assert_eq!((y.yes, y.no), (1, 1));
        assert_eq!(all.len(), 3, "the unmapped number is left out");
    }

    #[test]
    fn a_rounds_digest_adds_mapped_indicators_up_exactly_as_its_snapshot_does() {
        use crate::rollup::digest::RoundDigest;
        let mut open = round(1.0, 2.0, 30.0, true);
        open.updates[0].values.retain(|v| v.indicator_key != "i2");
        let before: Carried = [(("m1".to_string(), "i2".to_string()), 25.0)]
            .into_iter()
            .collect();
        for snap in [round(1.0, 4.0, 30.0, false), open] {
            let (digest, _) = RoundDigest::of(&snap);
            let digest: RoundDigest =
                serde_json::from_str(&serde_json::to_string(&digest).expect("json")).expect("back");
            assert_eq!(
                digest.mapped(&before, &mapping()),
                mapped_totals(&snap, &before, &mapping())
            );
        }
    }

    #[test]
    fn a_mapped_cumulative_indicator_without_a_value_carries_its_last_one() {
        let mut snap = round(1.0, 2.0, 30.0, true);
        snap.updates[0].values.retain(|v| v.indicator_key != "i2");
        let before: Carried = [(("m1".to_string(), "i2".to_string()), 25.0)]
            .into_iter()
            .collect();
        let t = mapped_totals(&snap, &before, &mapping());
        assert_eq!(t["9/m1/c"].cumulative_sum, 25.0);
        assert_eq!(t["9/m1/c"].carried, 1);
        assert!(mapped_totals(&snap, &before, &Mapping::new()).is_empty());
    }
}
