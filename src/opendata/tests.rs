//! The datasets' unit tests: rows, neutralising, documented columns.

use super::*;
use crate::snapshot::sample::sample_round;

fn plan() -> Plan {
    crate::plan::format::parse_plan_json(include_str!(
        "../../tests/fixtures/plans/sample.plan.json"
    ))
    .expect("fixture")
}

#[test]
fn text_that_a_spreadsheet_would_run_gets_an_apostrophe() {
    for bad in ["=1+1", "+7", "-2", "@SUM(A1)", "\tx", "\rx"] {
        assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
    }
    for fine in ["Община", "1-2", "", "'quoted", " =x"] {
        assert_eq!(neutralise(fine), fine);
    }
}

#[test]
fn every_row_has_as_many_cells_as_its_dataset_has_columns() {
    let plan = plan();
    let snap = sample_round(7, 1, &plan, 2024);
    let sources = [PlanSource {
        id: 7,
        version: 1,
        updated_at: "2025-01-01T00:00:00Z",
        plan: &plan,
        rounds: vec![&snap],
    }];
    let rollups = [rollups::tests::one_district_rollup(&sources)];
    for d in Dataset::ALL {
        let t = build(d, &sources, &rollups);
        assert!(!t.rows.is_empty(), "{d:?} has rows");
        for r in &t.rows {
            assert_eq!(r.len(), d.columns().len(), "{d:?}");
        }
    }
}

#[test]
fn docs_describe_every_dataset_and_column() {
    let doc = include_str!("../../docs/datasets.md");
    for d in Dataset::ALL {
        assert!(doc.contains(&format!("(`{}`)", d.code())), "{d:?}");
        for c in d.columns() {
            assert!(doc.contains(&format!("| `{c}` |")), "{c} of {d:?}");
        }
    }
}

#[test]
fn measures_carry_their_tree_and_only_summable_money() {
    let plan = plan();
    let sources = [PlanSource {
        id: 3,
        version: 2,
        updated_at: "x",
        plan: &plan,
        rounds: vec![],
    }];
    let t = build(Dataset::Measures, &sources, &[]);
    assert_eq!(t.rows.len(), plan.measures().count());
    let col = |name: &str| {
        Dataset::Measures
            .columns()
            .iter()
            .position(|c| *c == name)
            .expect("column")
    };
    // The per-school amount is listed but not summed.
    let per_school = &t.rows[1];
    assert_eq!(per_school[col("planned_bgn")], Cell::Money(0));
    assert_eq!(
        per_school[col("amounts")],
        Cell::List(vec!["5000.00 BGN на училище".into()])
    );
    // 2000 EUR + 3000 BGN = 3911.66 + 3000 BGN.
    assert_eq!(t.rows[2][col("planned_bgn")], Cell::Money(691_166));
    assert_eq!(t.rows[2][col("national_area")], Cell::text("health"));
}

#[test]
fn progress_and_yearly_values_come_from_approved_updates_only() {
    let plan = plan();
    let mut snap = sample_round(1, 1, &plan, 2024);
    let approved_count = approved(&snap).count();
    fn sources<'a>(plan: &'a Plan, snap: &'a RoundSnapshot) -> Vec<PlanSource<'a>> {
        vec![PlanSource {
            id: 1,
            version: 1,
            updated_at: "x",
            plan,
            rounds: vec![snap],
        }]
    }
    let t = build(Dataset::Progress, &sources(&plan, &snap), &[]);
    assert_eq!(t.rows.len(), approved_count);
    for u in &mut snap.updates {
        u.state = ReviewState::Submitted;
    }
    assert!(
        build(Dataset::Progress, &sources(&plan, &snap), &[])
            .rows
            .is_empty()
    );
    let ind = build(Dataset::Indicators, &sources(&plan, &snap), &[]);
    let year = Dataset::Indicators
        .columns()
        .iter()
        .position(|c| *c == "year")
        .expect("year column");
    assert!(ind.rows.iter().all(|r| r[year] == Cell::Empty));
}

#[test]
fn a_year_value_adds_the_institutions_numbers() {
    let plan = plan();
    let mut snap = sample_round(1, 1, &plan, 2024);
    snap.updates.clear();
    for (inst, n, state) in [
        ("A", 2.0, ReviewState::Approved),
        ("B", 3.0, ReviewState::Approved),
        ("C", 100.0, ReviewState::Returned),
    ] {
        snap.updates.push(crate::snapshot::MeasureUpdate {
            measure_key: "m1".into(),
            institution: inst.into(),
            state,
            status: None,
            values: vec![crate::snapshot::IndicatorValue {
                indicator_key: "i1".into(),
                value: Value::Number { value: n },
            }],
            spent: vec![],
            people_reached: None,
            narrative: String::new(),
            evidence: vec![],
            submitted_at: None,
            approved_at: None,
        });
    }
    assert_eq!(
        year_value(&snap, "m1", "i1"),
        Some(Value::Number { value: 5.0 })
    );
    assert_eq!(year_value(&snap, "m1", "i2"), None);
}
