//! The roll-up's arithmetic: by kind, approved data only, and every level the sum of the one
//! below (a property over generated rounds and trees).

use super::*;
use crate::analytics::testing::{UpdateExt, indicator, measure, plan_of, round_of, update};
use crate::plan::IndicatorKind;
use crate::snapshot::ReportedStatus::{Completed, InProgress, NotDone};
use proptest::prelude::*;

fn canon(s: &str) -> String {
    s.trim().to_string()
}

fn ratio(n: f64, d: f64) -> Value {
    Value::Ratio {
        numerator: n,
        denominator: d,
    }
}

#[test]
fn only_approved_updates_reach_the_roll_up() {
    let snap = round_of(
        plan_of(vec![measure("m1"), measure("m2")]),
        vec![
            update("m1", "A", Some(Completed)).spent("ДБ", 100),
            update("m2", "A", Some(Completed)).spent("ДБ", 900).draft(),
        ],
    );
    let t = round_totals(&snap, &canon);
    assert_eq!(t.all.measures.completed, 1);
    assert_eq!(t.all.measures.not_reported, 1);
    assert_eq!(t.all.money.spent.bgn, 100 * 100);
    assert_eq!(t.reporting.expected, 2);
    assert_eq!(t.reporting.approved, 1);
}

#[test]
fn submitted_but_unapproved_reports_count_as_received_not_as_data() {
    let mut u = update("m1", "A", Some(NotDone)).spent("", 50);
    u.state = ReviewState::Submitted;
    let snap = round_of(plan_of(vec![measure("m1")]), vec![u]);
    let t = round_totals(&snap, &canon);
    assert_eq!((t.reporting.received, t.reporting.approved), (1, 0));
    assert_eq!(t.all.measures.not_reported, 1);
    assert_eq!(t.all.money.spent, Purse::default());
}

#[test]
fn percentages_of_two_municipalities_add_numerators_and_denominators() {
    let round = |n: f64, d: f64| {
        let mut m = measure("m1");
        m.indicators
            .push(indicator("i1", IndicatorKind::Percent, "", "80"));
        round_totals(
            &round_of(
                plan_of(vec![m]),
                vec![update("m1", "A", Some(InProgress)).value("i1", ratio(n, d))],
            ),
            &canon,
        )
    };
    let mut t = round(9.0, 10.0);
    t.add(&round(10.0, 100.0));
    // 90 % and 10 %: the average would be 50 %, the combined share is 19/110.
    let pct = t.all.indicators.percent().expect("percent");
    assert!((pct - 1900.0 / 110.0).abs() < 1e-9, "{pct}");
    assert_eq!(t.all.indicators.percentages, 2);
}

#[test]
fn cumulative_numbers_and_yes_no_are_kept_apart_from_counts() {
    let mut m = measure("m1");
    let mut cum = indicator("i1", IndicatorKind::Number, "0", "50");
    cum.cumulative = true;
    m.indicators.push(cum);
    m.indicators
        .push(indicator("i2", IndicatorKind::Number, "", "10"));
    m.indicators
        .push(indicator("i3", IndicatorKind::YesNo, "", "да"));
    let snap = round_of(
        plan_of(vec![m]),
        vec![
            update("m1", "A", Some(InProgress))
                .value("i1", Value::Number { value: 30.0 })
                .value("i2", Value::Number { value: 4.0 })
                .value("i3", Value::YesNo { value: true }),
            update("m1", "B", Some(InProgress)).value("i2", Value::Number { value: 3.0 }),
        ],
    );
    let i = round_totals(&snap, &canon).all.indicators;
    assert_eq!((i.cumulative_sum, i.cumulatives), (30.0, 1));
    assert_eq!((i.number_sum, i.numbers), (7.0, 1));
    assert_eq!((i.yes, i.no), (1, 0));
}

#[test]
fn a_cumulative_indicator_without_a_new_value_carries_its_last_one_forward() {
    let mut m = measure("m1");
    let mut cum = indicator("i1", IndicatorKind::Number, "0", "50");
    cum.cumulative = true;
    m.indicators.push(cum);
    let plan = plan_of(vec![m]);
    let first = round_of(
        plan.clone(),
        vec![update("m1", "A", Some(InProgress)).value("i1", Value::Number { value: 30.0 })],
    );
    let before = cumulative_values(&first);
    assert_eq!(before.get(&("m1".into(), "i1".into())), Some(&30.0));
    let silent = round_of(plan, vec![update("m1", "A", Some(InProgress))]);
    let i = round_totals_carrying(&silent, &before, &canon)
        .all
        .indicators;
    assert_eq!((i.cumulative_sum, i.cumulatives, i.carried), (30.0, 1, 1));
    let none = round_totals(&silent, &canon).all.indicators;
    assert_eq!((none.cumulatives, none.carried), (0, 0), "nothing earlier");
}

#[test]
fn money_keeps_its_currency_and_converts_each_currency_once() {
    let mut u = update("m1", "A", Some(Completed)).spent("ЕС", 195_583);
    u.spent.push(crate::snapshot::Spent {
        source: Some("ЕС".into()),
        minor: 10_000,
        currency: Currency::Eur,
    });
    let snap = round_of(plan_of(vec![measure("m1")]), vec![u]);
    let t = round_totals(&snap, &canon);
    assert_eq!(t.all.money.spent.bgn, 19_558_300);
    assert_eq!(t.all.money.spent.eur, 10_000);
    assert_eq!(
        t.all.money.spent.in_currency(Currency::Eur),
        Money::new(10_010_000, Currency::Eur)
    );
    assert_eq!(t.all.money.spent_by_source.len(), 1);
}

#[test]
fn planned_money_is_spread_over_the_years_a_measure_runs() {
    let mut m = measure("m1");
    m.amounts.push(crate::plan::Amount {
        minor: 300_000,
        currency: Currency::Bgn,
        qualifier: None,
        unit_missing: false,
        text: None,
    });
    m.period = Some(crate::plan::MeasurePeriod {
        text: "2024-2026".into(),
        from: Some(2024),
        to: Some(2026),
    });
    let plan = plan_of(vec![m]);
    let m = plan.measures().next().expect("measure");
    assert_eq!(planned_for_year(&plan, m, 2024).bgn, 100_000);
    assert_eq!(planned_for_year(&plan, m, 2027), Purse::default());
}

#[test]
fn a_municipality_counts_under_the_district_of_the_tree_given() {
    let tree = |district: &str| YearTree {
        districts: vec![
            ("PDV".into(), "Пловдив".into()),
            ("SZR".into(), "Ст. Загора".into()),
        ],
        municipalities: vec![Member {
            code: "SZR12".into(),
            name: "Казанлък".into(),
            district: district.into(),
        }],
    };
    let rounds = vec![PlacedRound {
        municipality: "SZR12".into(),
        plan_id: 1,
        totals: round_totals(&round_of(plan_of(vec![measure("m1")]), vec![]), &canon),
    }];
    let a = roll_up(2022, &tree("SZR"), &rounds);
    let b = roll_up(2023, &tree("PDV"), &rounds);
    assert_eq!(a.district("SZR").map(DistrictRollup::reporting), Some(1));
    assert_eq!(b.district("SZR").map(DistrictRollup::reporting), Some(0));
    assert_eq!(b.district("PDV").map(|d| d.totals.rounds), Some(1));
}

#[test]
fn rounds_of_municipalities_outside_the_tree_are_listed_not_counted() {
    let rounds = vec![PlacedRound {
        municipality: "???".into(),
        plan_id: 7,
        totals: Totals {
            rounds: 1,
            ..Totals::default()
        },
    }];
    let r = roll_up(2024, &YearTree::default(), &rounds);
    assert_eq!(r.unplaced, vec![7]);
    assert_eq!(r.totals.rounds, 0);
}

fn status_of(n: u8) -> Option<ReportedStatus> {
    ReportedStatus::ALL.get(usize::from(n)).copied()
}

prop_compose! {
    /// A round of a few measures with whole-number values, some unapproved updates.
    fn any_round()(
        measures in prop::collection::vec(
            (0u8..7, 0u8..4, 0i64..10_000, 0u64..500, any::<bool>(), 0u32..200, 1u32..300),
            1..6,
        ),
        area in 0usize..7,
    ) -> RoundSnapshot {
        let mut ms = Vec::new();
        let mut updates = Vec::new();
        for (i, (status, state, leva, people, eur, num, den)) in measures.into_iter().enumerate() {
            let key = format!("m{i}");
            let mut m = measure(&key);
            m.indicators.push(indicator("i1", IndicatorKind::Percent, "", "80"));
            m.indicators.push(indicator("i2", IndicatorKind::Number, "", "10"));
            ms.push(m);
            let mut u = update(&key, "A", status_of(status))
                .value("i1", ratio(f64::from(num.min(den)), f64::from(den)))
                .value("i2", Value::Number { value: f64::from(num) });
            u.people_reached = Some(people);
            u.spent.push(crate::snapshot::Spent {
                source: Some(if eur { "ЕС" } else { "ДБ" }.into()),
                minor: leva,
                currency: if eur { Currency::Eur } else { Currency::Bgn },
            });
            u.state = [ReviewState::Approved, ReviewState::Submitted, ReviewState::Draft, ReviewState::Approved][usize::from(state)];
            updates.push(u);
        }
        let mut plan = plan_of(ms);
        plan.priorities[0].national_area = NationalArea::ALL.get(area).copied();
        round_of(plan, updates)
    }
}

fn sum<'a>(parts: impl Iterator<Item = &'a Totals>) -> Totals {
    let mut t = Totals::default();
    parts.for_each(|p| t.add(p));
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn totals_of_each_level_equal_the_sum_of_the_level_below(
        rounds in prop::collection::vec((any_round(), 0usize..6), 0..20),
        moved in prop::collection::vec(0usize..3, 6),
    ) {
        // Six municipalities over three districts, each placed by the generated tree.
        let districts: Vec<(String, String)> =
            (0..3).map(|d| (format!("D{d}"), format!("Област {d}"))).collect();
        let tree = YearTree {
            municipalities: (0..6)
                .map(|m| Member {
                    code: format!("M{m}"),
                    name: format!("Община {m}"),
                    district: format!("D{}", moved[m]),
                })
                .collect(),
            districts,
        };
        let placed: Vec<PlacedRound> = rounds
            .iter()
            .enumerate()
            .map(|(i, (snap, m))| PlacedRound {
                municipality: format!("M{m}"),
                plan_id: i as i64,
                totals: round_totals(snap, &canon),
            })
            .collect();
        let r = roll_up(2024, &tree, &placed);
        prop_assert_eq!(&r.totals, &sum(r.districts.iter().map(|d| &d.totals)));
        for d in &r.districts {
            prop_assert_eq!(&d.totals, &sum(d.municipalities.iter().map(|m| &m.totals)));
        }
        prop_assert_eq!(&r.totals, &sum(placed.iter().map(|p| &p.totals)));
        let measures: usize = rounds.iter().map(|(s, _)| s.plan.measures().count()).sum();
        prop_assert_eq!(r.totals.all.measures.total(), measures as u64);
        prop_assert_eq!(&r.totals.all, &{
            let mut f = Figures::default();
            r.totals.areas.iter().for_each(|a| f.add(a));
            f
        });
    }
}

/// Source names as a registry would map them: an alias to its name, the rest as written.
fn registry_canon(s: &str) -> String {
    match s.trim() {
        "ДБ" => "Държавен бюджет".to_string(),
        other => other.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn a_rounds_stored_digest_gives_exactly_the_totals_of_its_snapshot(
        snap in any_round(),
        valued in prop::collection::vec(any::<bool>(), 6),
        earlier in prop::collection::vec(prop::option::of(0u32..1_000), 6),
    ) {
        // Every measure gets a cumulative indicator, valued this year or not, with or without a
        // value of an earlier year to carry.
        let mut snap = snap;
        let mut before = Carried::new();
        let keys: Vec<String> = snap.plan.measures().map(|m| m.key.clone()).collect();
        for p in &mut snap.plan.priorities {
            for m in p.objectives.iter_mut().flat_map(|o| &mut o.measures) {
                let mut c = indicator("c", IndicatorKind::Number, "0", "100");
                c.cumulative = true;
                m.indicators.push(c);
            }
        }
        for (i, key) in keys.iter().enumerate() {
            if valued[i % 6]
                && let Some(u) = snap.updates.iter_mut().find(|u| &u.measure_key == key)
            {
                u.values.push(crate::snapshot::IndicatorValue {
                    indicator_key: "c".into(),
                    value: Value::Number { value: i as f64 * 3.0 },
                });
            }
            if let Some(v) = earlier[i % 6] {
                before.insert((key.clone(), "c".into()), f64::from(v));
            }
        }
        let (digest, approved) = digest::RoundDigest::of(&snap);
        // As stored: JSON and back.
        let digest: digest::RoundDigest =
            serde_json::from_str(&serde_json::to_string(&digest).expect("json")).expect("back");
        prop_assert_eq!(
            digest.totals(&before, &registry_canon),
            round_totals_carrying(&snap, &before, &registry_canon)
        );
        let mut carried = Carried::new();
        digest::carry(&mut carried, &approved);
        prop_assert_eq!(carried, cumulative_values(&snap));
    }
}
