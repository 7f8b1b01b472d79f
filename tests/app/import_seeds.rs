//! The two seed plans, imported from their text, against their hand-checked gold annotations
//! (tests/fixtures/seeds/*.gold.json): counts, header, and every measure field by field.

use planmon::import::document::Block;
use planmon::import::recognise::columns::classify;
use planmon::import::{
    ImportOptions, ImportOutcome, SourceFormat, WarningKind, read_text, recognise,
};
use planmon::plan::{Measure, Plan, YearRange};
use serde_json::Value;

fn import(name: &str) -> ImportOutcome {
    let path = format!("{}/demo/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("seed text");
    let doc = read_text(&bytes).expect("reads");
    recognise(&doc, SourceFormat::Text, &ImportOptions::default())
}

fn gold(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/seeds/{name}.gold.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("gold")).expect("gold json")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Every difference between the imported plan and the gold, one line each.
pub fn differences(plan: &Plan, gold: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let gp = gold["priorities"].as_array().cloned().unwrap_or_default();
    if gp.len() != plan.priorities.len() {
        out.push(format!(
            "priorities: {} vs gold {}",
            plan.priorities.len(),
            gp.len()
        ));
    }
    for (p, g) in plan.priorities.iter().zip(&gp) {
        let pn = g["number"].as_u64().unwrap_or(0);
        if p.title != g["title"].as_str().unwrap_or_default() {
            out.push(format!("П{pn} title: {:?} vs {:?}", p.title, g["title"]));
        }
        if p.operational_objective != opt(&g["operational_objective"]) {
            out.push(format!(
                "П{pn} operational_objective: {:?} vs {:?}",
                p.operational_objective, g["operational_objective"]
            ));
        }
        let go = g["objectives"].as_array().cloned().unwrap_or_default();
        if go.len() != p.objectives.len() {
            out.push(format!(
                "П{pn} objectives: {} vs gold {}",
                p.objectives.len(),
                go.len()
            ));
        }
        for (oi, (o, g)) in p.objectives.iter().zip(&go).enumerate() {
            let here = format!("П{pn}/Ц{}", oi + 1);
            if o.code != opt(&g["code"]) || o.title != g["title"].as_str().unwrap_or_default() {
                out.push(format!(
                    "{here} objective: {:?} {:?} vs {:?} {:?}",
                    o.code, o.title, g["code"], g["title"]
                ));
            }
            let gm = g["measures"].as_array().cloned().unwrap_or_default();
            if gm.len() != o.measures.len() {
                out.push(format!(
                    "{here} measures: {} vs gold {}",
                    o.measures.len(),
                    gm.len()
                ));
            }
            for (mi, (m, g)) in o.measures.iter().zip(&gm).enumerate() {
                measure_differences(&format!("{here}/М{}", mi + 1), m, g, &mut out);
            }
        }
    }
    out
}

fn measure_differences(here: &str, m: &Measure, g: &Value, out: &mut Vec<String>) {
    let mut diff = |field: &str, ours: String, theirs: String| {
        if ours != theirs {
            out.push(format!("{here} {field}: {ours} vs gold {theirs}"));
        }
    };
    diff(
        "code",
        format!("{:?}", m.code),
        format!("{:?}", opt(&g["code"])),
    );
    diff(
        "tasks",
        format!("{:?}", m.tasks),
        format!("{:?}", strings(&g["tasks"])),
    );
    diff(
        "activities",
        format!("{:?}", m.activities),
        format!("{:?}", strings(&g["activities"])),
    );
    diff(
        "institutions",
        format!("{:?}", m.institutions),
        format!("{:?}", strings(&g["institutions"])),
    );
    diff(
        "period",
        format!("{:?}", m.period.as_ref().map(|p| p.text.clone())),
        format!("{:?}", opt(&g["period"])),
    );
    diff(
        "status",
        format!("{:?}", m.status),
        format!("{:?}", opt(&g["status"])),
    );
    let ours: Vec<String> = m
        .amounts
        .iter()
        .map(|a| {
            format!(
                "{} {} {:?} {}",
                a.minor / 100,
                a.currency.code(),
                a.qualifier,
                a.unit_missing
            )
        })
        .collect();
    let theirs: Vec<String> = g["amounts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|a| {
            format!(
                "{} {} {:?} {}",
                a["value"].as_i64().unwrap_or(-1),
                a["currency"].as_str().unwrap_or_default(),
                opt(&a["qualifier"]),
                a["unit_missing"].as_bool().unwrap_or(false)
            )
        })
        .collect();
    diff("amounts", format!("{ours:?}"), format!("{theirs:?}"));
    diff(
        "funding_sources",
        format!("{:?}", m.funding_sources),
        format!("{:?}", strings(&g["funding_sources"])),
    );
    let ours: Vec<String> = m
        .indicators
        .iter()
        .map(|i| format!("{} | {:?} → {:?}", i.name, i.baseline, i.target))
        .collect();
    let theirs: Vec<String> = g["indicators"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| {
            format!(
                "{} | {:?} → {:?}",
                i["name"].as_str().unwrap_or_default(),
                opt(&i["current"]),
                opt(&i["target"])
            )
        })
        .collect();
    diff("indicators", format!("{ours:?}"), format!("{theirs:?}"));
}

fn plan_of(name: &str) -> Plan {
    import(name).plan.expect("a plan is recognised")
}

/// Differences the importer is allowed to have with the gold; none are needed today. Each entry
/// would be a line of `differences` with the reason beside it.
const ALLOWED: [(&str, &str); 0] = [];

fn assert_matches_gold(name: &str) {
    let d: Vec<String> = differences(&plan_of(name), &gold(name))
        .into_iter()
        .filter(|line| !ALLOWED.iter().any(|(a, _)| a == line))
        .collect();
    assert!(
        d.is_empty(),
        "{name}: {} unexplained differences with the gold:\n{}",
        d.len(),
        d.join("\n")
    );
}

#[test]
fn the_plovdiv_seed_matches_its_gold_field_by_field() {
    assert_matches_gold("plovdiv-2022-2024");
}

#[test]
fn the_kazanlak_seed_matches_its_gold_field_by_field() {
    assert_matches_gold("kazanlak-2021-2023");
}

struct Counts {
    priorities: usize,
    objectives: usize,
    measures: usize,
    indicators: usize,
}

fn counts(plan: &Plan) -> Counts {
    Counts {
        priorities: plan.priorities.len(),
        objectives: plan.priorities.iter().map(|p| p.objectives.len()).sum(),
        measures: plan.measures().count(),
        indicators: plan.measures().map(|m| m.indicators.len()).sum(),
    }
}

#[test]
fn the_plovdiv_seed_has_the_gold_counts_and_money() {
    let plan = plan_of("plovdiv-2022-2024");
    let c = counts(&plan);
    assert_eq!(
        (c.priorities, c.objectives, c.measures, c.indicators),
        (6, 17, 52, 60)
    );
    let amounts: Vec<_> = plan.measures().flat_map(|m| m.amounts.iter()).collect();
    let summable: Vec<_> = amounts.iter().filter(|a| a.is_summable()).collect();
    assert_eq!(summable.len(), 27);
    let total: i64 = summable.iter().map(|a| a.minor).sum();
    assert_eq!(total, 13_216_650 * 100, "BGN total in stotinki");
    let per_unit: Vec<_> = amounts.iter().filter(|a| !a.is_summable()).collect();
    assert_eq!(per_unit.len(), 1);
    assert_eq!(per_unit[0].minor, 100_000 * 100);
    assert_eq!(per_unit[0].qualifier.as_deref(), Some("на училище"));
    let without_unit: i64 = summable
        .iter()
        .filter(|a| !a.unit_missing)
        .map(|a| a.minor)
        .sum();
    assert_eq!(without_unit, 13_013_650 * 100);
}

#[test]
fn the_kazanlak_seed_has_the_gold_counts_and_no_money() {
    let plan = plan_of("kazanlak-2021-2023");
    let c = counts(&plan);
    assert_eq!(
        (c.priorities, c.objectives, c.measures, c.indicators),
        (6, 31, 90, 117)
    );
    assert_eq!(plan.measures().filter(|m| m.code.is_none()).count(), 19);
    let inds: Vec<_> = plan.measures().flat_map(|m| m.indicators.iter()).collect();
    assert_eq!(inds.iter().filter(|i| i.baseline.is_some()).count(), 48);
    assert_eq!(inds.iter().filter(|i| i.target.is_some()).count(), 47);
    assert_eq!(plan.measures().map(|m| m.amounts.len()).sum::<usize>(), 0);
}

#[test]
fn seed_headers_give_municipality_title_and_plan_period_but_no_invented_adoption() {
    let p = import("plovdiv-2022-2024");
    assert_eq!(p.recognised.municipality.as_deref(), Some("Пловдив"));
    assert_eq!(
        p.recognised.title.as_deref(),
        Some(
            "План за действие на Община Пловдив за интегриране на уязвимите етнически групи в периода 2022- 2024г."
        )
    );
    assert_eq!(
        p.recognised.period,
        Some(YearRange {
            from: 2022,
            to: 2024
        })
    );
    assert_eq!(p.recognised.adoption, None);
    let k = import("kazanlak-2021-2023");
    assert_eq!(k.recognised.municipality.as_deref(), Some("Казанлък"));
    let title = k.recognised.title.clone().expect("title");
    assert!(
        title.starts_with(
            "План за действие на Община Казанлък в изпълнение на областната стратегия"
        ),
        "{title}"
    );
    // The national strategy's 2021-2030 is not the plan's period.
    assert_eq!(
        k.recognised.period,
        Some(YearRange {
            from: 2021,
            to: 2023
        })
    );
    // The document is the mayor's report with a draft decision: no adoption is stated.
    assert_eq!(k.recognised.adoption, None);
    for out in [&p, &k] {
        assert!(
            out.warnings
                .iter()
                .any(|w| w.kind == WarningKind::MissingMetadata)
        );
        let plan = out.plan.as_ref().expect("plan");
        assert_eq!(plan.adoption, None);
        assert_eq!(
            plan.municipality,
            out.recognised.municipality.clone().expect("m")
        );
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        // A list marker glued to its word ("1Брой") is dropped with the marker.
        .map(|w| {
            let digits = w.chars().take_while(char::is_ascii_digit).count();
            if digits > 0
                && digits <= 2
                && w[digits..].chars().next().is_some_and(char::is_alphabetic)
            {
                &w[digits..]
            } else {
                w
            }
        })
        // List markers ("1.", "2.") are dropped by design.
        .filter(|w| !(w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 2))
        .map(str::to_lowercase)
        .collect()
}

/// Every word of the source tables is in the plan or in its unplaced list. Header rows (the
/// column names) are the one part of a table that is recognised rather than kept.
#[test]
fn nothing_in_the_seed_tables_is_lost() {
    for name in ["plovdiv-2022-2024", "kazanlak-2021-2023"] {
        let out = import(name);
        let plan = out.plan.expect("plan");
        let kept: std::collections::HashSet<String> =
            words(&planmon::plan::format::to_plan_json(&plan))
                .into_iter()
                .collect();
        let mut header_words = std::collections::HashSet::new();
        let mut lost = Vec::new();
        for block in &out.document.blocks {
            let Block::Table(t) = block else { continue };
            for row in &t.rows {
                let texts: Vec<String> = row.cells.iter().map(|c| c.joined()).collect();
                let named = texts.iter().filter(|t| classify(t).is_some()).count();
                let filled = texts.iter().filter(|t| !t.is_empty()).count();
                if named >= 3 || (named >= 1 && named == filled) {
                    header_words.extend(texts.iter().flat_map(|t| words(t)));
                    continue;
                }
                for w in texts.iter().flat_map(|t| words(t)) {
                    if !kept.contains(&w) && !header_words.contains(&w) {
                        lost.push(format!("{}: {w}", row.at.describe_bg()));
                    }
                }
            }
        }
        assert!(lost.is_empty(), "{name}: words lost:\n{}", lost.join("\n"));
    }
}
