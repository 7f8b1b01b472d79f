//! How exactly a scan's plan read by OCR says what the typed PDF's plan says: its measures that
//! are, field for field, a measure of the plan read from the PDF's text (the keys aside: they
//! are numbered in order, and a measure missed shifts the ones after it).

use planmon::import::ImportOptions;
use planmon::import::load::import_bytes;
use planmon::plan::{Measure, Plan};

/// The plan read from a fixture PDF's text.
pub fn text_plan(name: &str) -> Plan {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    import_bytes(name, &bytes, &ImportOptions::default())
        .expect("the text PDF imports")
        .plan
        .expect("a plan from the text")
}

fn keyless(m: &Measure) -> Measure {
    Measure {
        key: String::new(),
        ..m.clone()
    }
}

/// How many words two measures share (to find the text's measure an OCR one was read from).
fn shared_words(a: &Measure, b: &Measure) -> usize {
    let words = |m: &Measure| -> std::collections::HashSet<String> {
        format!("{:?} {:?} {:?}", m.tasks, m.activities, m.institutions)
            .split_whitespace()
            .map(str::to_lowercase)
            .collect()
    };
    words(a).intersection(&words(b)).count()
}

/// How many measures of `read` are exactly a measure of `text`; the others are printed (what
/// the OCR read, beside the text's measure with the same code) for whoever ratchets the count.
pub fn exact_measures(read: &Plan, text: &Plan, what: &str) -> usize {
    let text: Vec<Measure> = text.measures().map(keyless).collect();
    let mut exact = 0;
    for m in read.measures().map(keyless) {
        if text.contains(&m) {
            exact += 1;
            continue;
        }
        let twin = text
            .iter()
            .find(|t| t.code.is_some() && t.code == m.code)
            .or_else(|| text.iter().max_by_key(|t| shared_words(t, &m)));
        eprintln!("{what}: not exact: {m:?}\n  the text's: {twin:?}");
    }
    eprintln!(
        "{what}: {exact} of {} measures exactly as the text's plan",
        read.measures().count()
    );
    exact
}
