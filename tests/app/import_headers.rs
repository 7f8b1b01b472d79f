//! The header corpus (tests/fixtures/headers/corpus.toml): plan openings written the ways
//! municipalities write them give their municipality, period and adopting decision, each with
//! the line it was found on, and what a text does not state comes out unknown.

use planmon::import::load::import_bytes;
use planmon::import::{ImportOptions, Recognised};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    municipality: Option<String>,
    municipality_at: Option<String>,
    title_starts: Option<String>,
    period: Option<String>,
    period_at: Option<String>,
    decision: Option<String>,
    protocol: Option<String>,
    date: Option<String>,
    adoption_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

fn corpus() -> Vec<Case> {
    let path = format!(
        "{}/tests/fixtures/headers/corpus.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    toml::from_str::<Corpus>(&text)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .case
}

fn recognised(case: &Case) -> Recognised {
    import_bytes(
        "header.txt",
        case.text.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", case.name))
    .recognised
}

/// What differs from the expected facts, one line each.
fn differences(case: &Case, got: &Recognised) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, want: Option<&str>, have: Option<String>| {
        if want.map(str::to_string) != have {
            out.push(format!("{what}: expected {want:?}, got {have:?}"));
        }
    };
    check(
        "municipality",
        case.municipality.as_deref(),
        got.municipality.clone(),
    );
    check(
        "period",
        case.period.as_deref(),
        got.period.map(|p| format!("{}-{}", p.from, p.to)),
    );
    let a = got.adoption.clone().unwrap_or_default();
    check("decision", case.decision.as_deref(), a.decision_number);
    check("protocol", case.protocol.as_deref(), a.protocol_number);
    check("date", case.date.as_deref(), a.date);
    for (what, want, have) in [
        (
            "municipality found at",
            &case.municipality_at,
            &got.found.municipality,
        ),
        ("period found at", &case.period_at, &got.found.period),
        ("adoption found at", &case.adoption_at, &got.found.adoption),
    ] {
        if want.is_some() && want != have {
            out.push(format!("{what}: expected {want:?}, got {have:?}"));
        }
    }
    if let Some(t) = &case.title_starts
        && !got
            .title
            .as_deref()
            .is_some_and(|g| g.starts_with(t.as_str()))
    {
        out.push(format!(
            "title: expected to start with {t:?}, got {:?}",
            got.title
        ));
    }
    // Unknown facts say so: no place for what was not found.
    if got.municipality.is_none() && got.found.municipality.is_some() {
        out.push("a place given for an unknown municipality".into());
    }
    if got.adoption.is_none() && got.found.adoption.is_some() {
        out.push("a place given for an unknown adoption".into());
    }
    out
}

#[test]
fn every_opening_of_the_header_corpus_gives_its_facts_and_where_they_were_found() {
    let cases = corpus();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let d = differences(c, &recognised(c));
            (!d.is_empty()).then(|| format!("{}:\n  {}", c.name, d.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fact_found_has_its_place_and_every_place_its_fact() {
    for c in corpus() {
        let r = recognised(&c);
        assert_eq!(
            r.municipality.is_some(),
            r.found.municipality.is_some(),
            "{}",
            c.name
        );
        assert_eq!(r.period.is_some(), r.found.period.is_some(), "{}", c.name);
        assert_eq!(
            r.adoption.is_some(),
            r.found.adoption.is_some(),
            "{}",
            c.name
        );
        assert_eq!(r.title.is_some(), r.found.title.is_some(), "{}", c.name);
    }
}
