//! Tests of the differences between versions: moves, re-wordings, renamed parts.

use super::*;
use crate::plan::Amount;

fn measure(key: &str, code: &str, text: &str, lev: i64) -> Measure {
    let mut m = crate::plan::testing::measure(key, Some(code), text);
    m.amounts = vec![Amount {
        minor: lev * 100,
        currency: Currency::Bgn,
        qualifier: None,
        unit_missing: false,
        text: None,
    }];
    m
}

fn plan(objectives: Vec<(&str, Vec<Measure>)>) -> Plan {
    crate::plan::testing::plan(
        objectives
            .into_iter()
            .map(|(code, measures)| crate::plan::testing::objective(code, measures))
            .collect(),
    )
}

#[test]
fn identical_versions_have_no_changes() {
    let p = plan(vec![("1", vec![measure("m1", "1.1", "Курсове", 100)])]);
    let d = diff(&p, &p);
    assert!(d.measures.is_empty() && d.header.is_empty());
    assert_eq!(d.counts.total(), 0);
    assert_eq!(d.money_before, d.money_after);
}

#[test]
fn added_dropped_and_changed_measures_are_counted_and_money_totals_follow() {
    let old = plan(vec![(
        "1",
        vec![
            measure("m1", "1.1", "Курсове", 100),
            measure("m2", "1.2", "Лагер", 50),
        ],
    )]);
    let new = plan(vec![(
        "1",
        vec![
            measure("m1", "1.1", "Курсове", 300),
            measure("m3", "1.3", "Нова мярка", 10),
        ],
    )]);
    let d = diff(&old, &new);
    assert_eq!(
        d.counts,
        ChangeCounts {
            added: 1,
            dropped: 1,
            moved: 0,
            changed: 1
        }
    );
    let kinds: Vec<_> = d
        .measures
        .iter()
        .map(|c| (c.key.as_str(), c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("m1", ChangeKind::Changed),
            ("m2", ChangeKind::Dropped),
            ("m3", ChangeKind::Added)
        ]
    );
    let amount = &d.measures[0].fields[0];
    assert_eq!(amount.field, "amounts");
    assert_eq!(amount.before, Money::new(10000, Currency::Bgn).display_bg());
    assert_eq!(d.money_before.bgn, "150.00");
    assert_eq!(d.money_after.bgn, "310.00");
}

#[test]
fn a_renumbered_measure_under_another_objective_is_a_move_not_a_drop_and_an_add() {
    let old = plan(vec![
        ("1", vec![measure("m1", "1.1", "Курсове", 100)]),
        ("2", vec![]),
    ]);
    let new = plan(vec![
        ("1", vec![]),
        ("2", vec![measure("m1", "2.1", "Курсове", 100)]),
    ]);
    let d = diff(&old, &new);
    assert_eq!(d.counts.moved, 1);
    assert_eq!(d.counts.added + d.counts.dropped, 0);
    let c = &d.measures[0];
    assert_eq!(c.kind, ChangeKind::Moved);
    assert_eq!(c.code_before.as_deref(), Some("1.1"));
    assert_eq!(c.code_after.as_deref(), Some("2.1"));
    assert_ne!(c.place_before, c.place_after);
}

#[test]
fn a_reworded_measure_keeps_its_key_and_marks_the_words_that_changed() {
    let old = plan(vec![(
        "1",
        vec![measure("m1", "1.1", "Курсове по български език за деца", 0)],
    )]);
    let new = plan(vec![(
        "1",
        vec![measure(
            "m1",
            "1.1",
            "Курсове по български език за родители",
            0,
        )],
    )]);
    let d = diff(&old, &new);
    assert_eq!(d.counts.changed, 1);
    let f = &d.measures[0].fields[0];
    assert_eq!(f.field, "activities");
    assert_eq!(
        f.words,
        [
            Words::Same("Курсове по български език за ".into()),
            Words::Removed("деца".into()),
            Words::Added("родители".into()),
        ]
    );
}

#[test]
fn word_diff_gives_both_texts_back() {
    let a = "едно  две три\nчетири";
    let b = "едно три пет\nчетири шест";
    let d = word_diff(a, b);
    let old: String = d
        .iter()
        .filter_map(|w| match w {
            Words::Same(s) | Words::Removed(s) => Some(s.as_str()),
            Words::Added(_) => None,
        })
        .collect();
    let new: String = d
        .iter()
        .filter_map(|w| match w {
            Words::Same(s) | Words::Added(s) => Some(s.as_str()),
            Words::Removed(_) => None,
        })
        .collect();
    assert_eq!((old.as_str(), new.as_str()), (a, b));
}

#[test]
fn a_changed_title_is_a_header_change() {
    let old = plan(vec![]);
    let mut new = old.clone();
    new.title = "План, изменен".into();
    let d = diff(&old, &new);
    assert_eq!(d.header.len(), 1);
    assert_eq!(d.header[0].field, "title");
}

#[test]
fn a_renamed_priority_or_objective_is_a_heading_change_and_moves_no_measure() {
    let old = plan(vec![
        ("1", vec![measure("m1", "1.1", "Курсове", 100)]),
        ("2", vec![measure("m2", "2.1", "Лагер", 50)]),
    ]);
    let mut new = old.clone();
    new.priorities[0].title = "Образование и наука".into();
    new.priorities[0].number = Some(3);
    new.priorities[0].objectives[1].title = "Цел 2, нова".into();
    let d = diff(&old, &new);
    assert_eq!(d.counts.total(), 0, "{:?}", d.measures);
    let fields: Vec<_> = d
        .header
        .iter()
        .map(|f| (f.field, f.before.as_str(), f.after.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("priority", "1. Образование", "3. Образование и наука"),
            ("objective", "2. Цел 2", "2. Цел 2, нова")
        ]
    );
}

#[test]
fn an_objective_inserted_before_moves_no_measure_and_renames_nothing() {
    let old = plan(vec![("1", vec![measure("m1", "1.1", "Курсове", 100)])]);
    let mut new = old.clone();
    new.priorities[0].objectives.insert(
        0,
        crate::plan::Objective {
            code: Some("0".into()),
            title: "Нова цел".into(),
            measures: vec![],
        },
    );
    let d = diff(&old, &new);
    assert_eq!(d.counts.total(), 0);
    assert!(d.header.is_empty(), "{:?}", d.header);
    // A measure put under another objective is still a move.
    let two = plan(vec![
        ("1", vec![measure("m1", "1.1", "Курсове", 100)]),
        ("2", vec![measure("m2", "2.1", "Лагер", 50)]),
    ]);
    let mut moved = two.clone();
    let m = moved.priorities[0].objectives[0].measures.remove(0);
    moved.priorities[0].objectives[1].measures.push(m);
    let d = diff(&two, &moved);
    assert_eq!(d.counts.moved, 1);
    assert!(d.header.is_empty(), "{:?}", d.header);
}
