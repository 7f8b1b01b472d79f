//! Prints how a plan imported from one file (a PDF layout) differs from the plan imported from
//! another (its text): for each of the text's measures that the layout does not give exactly,
//! the words only the text has and the words only the layout has, beside the layout's closest
//! measure, and at the end how many such words differ in all. For looking at what the PDF
//! reader still gets wrong.
//!
//! Usage: cargo run --example pdf_differences -- EXPECTED_FILE GOT_FILE [--all] [--list]
//! (`--all`: the layout's measures the text lacks too; `--list`: both lists side by side)

use anyhow::{Context, Result, bail};
use planmon::import::ImportOptions;
use planmon::import::load::import_bytes;
use planmon::plan::{Measure, Plan};
use std::collections::HashMap;

fn plan(file: &str) -> Result<Plan> {
    let bytes = std::fs::read(file).with_context(|| file.to_string())?;
    import_bytes(file, &bytes, &ImportOptions::default())?
        .plan
        .with_context(|| format!("{file}: no plan"))
}

/// A measure's words, field by field ("activities: word").
fn words(m: &Measure) -> Vec<String> {
    let value = serde_json::to_value(m).unwrap_or_default();
    let mut out = Vec::new();
    if let serde_json::Value::Object(fields) = value {
        for (field, v) in fields {
            if field == "key" {
                continue;
            }
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            for w in text.split(|c: char| c.is_whitespace() || c == '"' || c == ',') {
                if !w.is_empty() {
                    out.push(format!("{field}: {w}"));
                }
            }
        }
    }
    out
}

/// The words of `a` not in `b`, as a multiset difference.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut count: HashMap<&str, i32> = HashMap::new();
    for w in b {
        *count.entry(w).or_default() += 1;
    }
    let mut out = Vec::new();
    for w in a {
        let n = count.entry(w).or_default();
        if *n > 0 {
            *n -= 1;
        } else {
            out.push(w.clone());
        }
    }
    out
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(expected), Some(got)) = (args.first(), args.get(1)) else {
        bail!("usage: pdf_differences EXPECTED_FILE GOT_FILE");
    };
    let (expected, got) = (plan(expected)?, plan(got)?);
    let json = |m: &Measure| {
        let mut m = m.clone();
        m.key.clear();
        serde_json::to_string(&m).unwrap_or_default()
    };
    let have: Vec<(String, Vec<String>)> = got.measures().map(|m| (json(m), words(m))).collect();
    let keyed: Vec<String> = got
        .measures()
        .map(|m| serde_json::to_string(m).unwrap_or_default())
        .collect();
    let (mut same, mut total, mut same_keyed, mut differing) = (0, 0, 0, 0);
    for m in expected.measures() {
        total += 1;
        same_keyed += usize::from(keyed.contains(&serde_json::to_string(m).unwrap_or_default()));
        if let Some(g) = got.measures().find(|g| json(g) == json(m)) {
            same += 1;
            if g.key != m.key {
                println!(
                    "same but its key: the text's {} the layout's {}",
                    m.key, g.key
                );
            }
            continue;
        }
        let want = words(m);
        let closest = have
            .iter()
            .min_by_key(|(_, w)| minus(&want, w).len() + minus(w, &want).len());
        println!("--- {}", m.headline().chars().take(70).collect::<String>());
        if let Some((j, w)) = closest {
            let (only_text, only_layout) = (minus(&want, w), minus(w, &want));
            if only_text.is_empty() && only_layout.is_empty() {
                // The same words: show where the two measures part (order, fields, spaces).
                let (a, b) = (json(m), j.clone());
                let at = a
                    .char_indices()
                    .zip(b.chars())
                    .find(|((_, x), y)| x != y)
                    .map_or(a.len().min(b.len()), |((i, _), _)| i);
                let around = |s: &str| {
                    let from = s.floor_char_boundary(at.saturating_sub(60));
                    let to = s.floor_char_boundary((at + 60).min(s.len()));
                    s[from..to].to_string()
                };
                println!("  the same words; the text:   …{}…", around(&a));
                println!("                  the layout: …{}…", around(&b));
            }
            differing += only_text.len() + only_layout.len();
            println!("  text only:   {only_text:?}");
            println!("  layout only: {only_layout:?}");
        }
    }
    if args.iter().any(|a| a == "--list") {
        // Both plans' measures side by side, to see where one has a measure too many.
        let head = |m: Option<&Measure>| {
            m.map(|m| {
                format!(
                    "{} {}",
                    m.key,
                    m.headline().chars().take(40).collect::<String>()
                )
            })
            .unwrap_or_default()
        };
        let (a, b): (Vec<&Measure>, Vec<&Measure>) =
            (expected.measures().collect(), got.measures().collect());
        for i in 0..a.len().max(b.len()) {
            println!(
                "{:<48} | {}",
                head(a.get(i).copied()),
                head(b.get(i).copied())
            );
        }
    }
    if args.iter().any(|a| a == "--all") {
        let want: Vec<String> = expected.measures().map(json).collect();
        for m in got.measures() {
            if !want.contains(&json(m)) {
                println!(
                    "layout's {} {:?}: {}",
                    m.key,
                    m.code,
                    m.headline().chars().take(70).collect::<String>()
                );
            }
        }
    }
    println!(
        "{same} of {total} exactly ({same_keyed} with their keys); the layout gives {}; \
         {differing} words differ from the closest measures",
        have.len()
    );
    Ok(())
}
