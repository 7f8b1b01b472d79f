use super::inputs::{self, Facts};
use super::*;
use crate::overview::Standing;
use crate::report::blocks::contents;
use crate::rollup::{DistrictRollup, MunicipalityRollup, Rollup};
use std::collections::HashMap;

fn totals(completed: u64, not_reported: u64, spent_bgn: i64) -> Totals {
    let mut t = Totals {
        rounds: 1,
        ..Totals::default()
    };
    t.all.measures.completed = completed;
    t.all.measures.not_reported = not_reported;
    t.all.money.spent.bgn = spent_bgn;
    t.areas[0] = t.all.clone();
    t.reporting.expected = completed + not_reported;
    t.reporting.approved = completed;
    t
}

fn district() -> DistrictRollup {
    let ms = vec![
        ("1", "Пловдив", totals(3, 1, 100_000)),
        ("2", "Асеновград", Totals::default()),
        ("3", "Карлово", Totals::default()),
        ("4", "Хисаря", Totals::default()),
    ];
    let mut total = Totals::default();
    let municipalities = ms
        .into_iter()
        .map(|(code, name, t)| {
            total.add(&t);
            MunicipalityRollup {
                code: code.into(),
                name: name.into(),
                plans: if t.rounds > 0 { vec![1] } else { vec![] },
                totals: t,
            }
        })
        .collect();
    DistrictRollup {
        code: "PDV".into(),
        name: "Пловдив".into(),
        municipalities,
        totals: total,
    }
}

/// Пловдив closed its round, Асеновград is marked, Карлово is late, Хисаря has no plan.
fn standing(code: &str) -> Standing {
    match code {
        "1" => Standing::RoundClosed,
        "2" | "3" => Standing::PlanWithoutRound,
        _ => Standing::NoPlan,
    }
}

fn district_inputs() -> AreaInputs {
    let exempt: HashMap<String, String> =
        [("2".to_string(), "Няма екип след изборите.".to_string())].into();
    let f = Facts {
        standing: &standing,
        exempt: &exempt,
    };
    inputs::district(&district(), 2024, &f, Vec::new())
}

/// A district's inputs for other modules' tests (the charts).
pub(super) fn sample_inputs() -> AreaInputs {
    district_inputs()
}

fn headings(d: &Document) -> Vec<String> {
    contents(&d.blocks).into_iter().map(|(_, t)| t).collect()
}

#[test]
fn a_district_report_has_a_part_for_each_of_the_six_national_priority_areas() {
    let d = document(&district_inputs(), &Narrative::default(), "Проект".into());
    let h = headings(&d);
    for area in crate::plan::NationalArea::ALL {
        assert!(
            h.iter().any(|x| x.ends_with(area.title_bg())),
            "{area:?} in {h:?}"
        );
    }
    assert!(
        !h.iter().any(|x| x.contains("извън шестте")),
        "no measures outside the six areas: no part for them"
    );
    assert!(d.title.contains("област Пловдив") && d.title.contains("2024"));
    assert_eq!(d.author, "Областна администрация Пловдив");
}

#[test]
fn who_has_not_reported_and_who_was_marked_are_named_with_the_reason() {
    let i = district_inputs();
    assert_eq!(i.missing(), 1, "only Карлово is late");
    let d = document(&i, &Narrative::default(), String::new());
    let lists: Vec<&Vec<String>> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::List { items, .. } => Some(items),
            _ => None,
        })
        .collect();
    assert!(
        lists
            .iter()
            .any(|l| l.iter().any(|x| x.starts_with("Карлово")))
    );
    assert!(
        lists
            .iter()
            .any(|l| l.contains(&"Асеновград: Няма екип след изборите.".to_string()))
    );
    let reporting = &i.units;
    assert_eq!(reporting.iter().map(|u| u.with_plan).sum::<usize>(), 3);
    assert_eq!(reporting.iter().map(|u| u.reporting).sum::<usize>(), 1);
}

#[test]
fn money_is_shown_in_leva_before_2026_and_in_euro_from_2026_both_at_the_fixed_rate() {
    let p = Purse {
        bgn: 195_583,
        eur: 0,
    };
    assert_eq!(money(&p, 2024), "1\u{a0}955,83 лв. (1\u{a0}000 €)");
    assert_eq!(money(&p, 2026), "1\u{a0}000 € (1\u{a0}955,83 лв.)");
}

#[test]
fn the_written_parts_replace_the_generated_ones() {
    let mut n = Narrative {
        introduction: "Нашето въведение.".into(),
        ..Narrative::default()
    };
    n.priorities.insert(0, "За образованието.".into());
    let d = document(&district_inputs(), &n, String::new());
    let paragraphs: Vec<String> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(runs) => Some(runs.iter().map(|r| r.text.clone()).collect()),
            _ => None,
        })
        .collect();
    assert!(paragraphs.contains(&"Нашето въведение.".to_string()));
    assert!(paragraphs.contains(&"За образованието.".to_string()));
}

#[test]
fn the_national_report_goes_by_district_with_the_state_of_each_districts_report() {
    let d = district();
    let r = Rollup {
        year: 2024,
        totals: d.totals.clone(),
        districts: vec![d],
        unplaced: Vec::new(),
    };
    let exempt = HashMap::new();
    let f = Facts {
        standing: &standing,
        exempt: &exempt,
    };
    let adopted = inputs::DistrictReport {
        label: "публикуван".into(),
        adopted: true,
    };
    let reports: HashMap<String, inputs::DistrictReport> = [("PDV".to_string(), adopted)].into();
    let i = inputs::nation(&r, &f, &reports, &HashMap::new(), Vec::new());
    assert_eq!(i.units.len(), 1);
    assert!(i.waiting().is_empty(), "its report is adopted");
    assert_eq!(i.units[0].members, 4);
    assert_eq!(
        i.units[0].missing, 2,
        "no mark here: Асеновград and Карлово"
    );
    assert_eq!(i.units[0].state, "публикуван");
    let doc = document(&i, &Narrative::default(), String::new());
    assert!(doc.title.starts_with("Национален годишен доклад"));
}

#[test]
fn the_national_report_waits_for_a_district_with_plans_until_its_report_is_adopted_or_it_is_marked()
{
    let d = district();
    let r = Rollup {
        year: 2024,
        totals: d.totals.clone(),
        districts: vec![d],
        unplaced: Vec::new(),
    };
    let exempt = HashMap::new();
    let f = Facts {
        standing: &standing,
        exempt: &exempt,
    };
    let draft = inputs::DistrictReport {
        label: "проект".into(),
        adopted: false,
    };
    let reports: HashMap<String, inputs::DistrictReport> = [("PDV".to_string(), draft)].into();
    let i = inputs::nation(&r, &f, &reports, &HashMap::new(), Vec::new());
    assert_eq!(i.waiting().len(), 1, "a draft is not adopted");
    let marked: HashMap<String, String> = [(
        "PDV".to_string(),
        "Областният съвет не заседава".to_string(),
    )]
    .into();
    let i = inputs::nation(&r, &f, &HashMap::new(), &marked, Vec::new());
    assert!(i.waiting().is_empty(), "marked with a reason");
    assert_eq!(
        i.units[0].reason.as_deref(),
        Some("Областният съвет не заседава")
    );
}

#[test]
fn the_three_renderers_print_the_same_document() {
    let d = document(&district_inputs(), &Narrative::default(), "Проект".into());
    let html = crate::report::html::render_document(&d).expect("html");
    assert!(html.contains("<h1>Годишен доклад"));
    assert!(html.contains("3.1. Образование"));
    assert!(html.contains("Асеновград: Няма екип след изборите."));
    let docx = crate::report::docx::render_document(&d).expect("docx");
    assert!(docx.starts_with(b"PK"));
    let pdf = crate::report::pdf::render_document(&d).expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn the_english_report_has_the_same_blocks_in_english() {
    let bg = document(&district_inputs(), &Narrative::default(), "Проект".into());
    let en = document_in(
        &district_inputs(),
        &Narrative::default(),
        "Проект".into(),
        crate::i18n::Tr::new(crate::i18n::Lang::En),
    );
    assert_eq!(bg.blocks.len(), en.blocks.len(), "the same blocks");
    let h = headings(&en);
    for expected in [
        "1. Introduction",
        "2. The year in brief",
        "3. By priority area of the national strategy",
        "3.1. Education",
        "6. Conclusions and recommendations",
        "Annexes",
    ] {
        assert!(h.iter().any(|x| x == expected), "{expected} in {h:?}");
    }
    let cyrillic = |t: &str| {
        t.chars()
            .any(|c| ('а'..='я').contains(&c.to_ascii_lowercase()))
    };
    for b in &en.blocks {
        match b {
            Block::Heading { text, .. } => assert!(!cyrillic(text), "{text}"),
            Block::Table(t) => {
                assert!(!cyrillic(&t.caption), "{}", t.caption);
                for h in &t.headers {
                    assert!(!cyrillic(h), "{h}");
                }
            }
            _ => {}
        }
    }
}
