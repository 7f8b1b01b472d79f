//! Fuzz target: every parser (the format dispatch, the DOCX, HTML, XLSX/ODS/CSV and text
//! readers, the recogniser, planmon plan JSON) on random bytes, on mutated seed files (bit
//! flips, truncation, spliced text lines) and on random plan-like text never panics: it gives
//! an outcome or an error. A plan it gives always survives a plan JSON round trip. The case
//! count is small so CI stays quick; raise it locally with PROPTEST_CASES=5000.

use crate::helpers::{SEEDS, fixture, seed_text};
use planmon::import::ImportOptions;
use planmon::import::load::import_bytes;
use planmon::plan::format::{parse_plan_json, to_plan_json};
use proptest::prelude::*;
use std::sync::OnceLock;

const NAMES: [&str; 8] = [
    "plan.docx",
    "plan.xlsx",
    "plan.ods",
    "plan.html",
    "plan.csv",
    "plan.txt",
    "plan.json",
    "plan",
];

/// Every seed in every format, the texts and the plan JSON of both.
fn fixtures() -> &'static Vec<Vec<u8>> {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| {
        let mut all: Vec<Vec<u8>> = SEEDS
            .iter()
            .flat_map(|s| {
                ["docx", "html", "xlsx", "ods", "csv"].map(|e| fixture(&format!("{s}.{e}")))
            })
            .collect();
        for s in SEEDS {
            let text = seed_text(s);
            if let Ok(Some(plan)) =
                import_bytes("plan.txt", &text, &ImportOptions::default()).map(|o| o.plan)
            {
                all.push(to_plan_json(&plan).into_bytes());
            }
            all.push(text);
        }
        all
    })
}

fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Imports and, when a plan comes out, checks it survives its own JSON.
fn import_never_panics(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(out) = import_bytes(name, bytes, &ImportOptions::default())
        && let Some(plan) = out.plan
    {
        let json = to_plan_json(&plan);
        let back = parse_plan_json(&json).map_err(|e| {
            TestCaseError::fail(format!("{name}: plan JSON does not read back: {e}"))
        })?;
        prop_assert_eq!(to_plan_json(&back), json);
    }
    Ok(())
}

/// Words and cells plan tables are made of, for text that reaches deep into the recogniser.
const PIECES: [&str; 24] = [
    "Цели",
    "Задачи",
    "Дейности",
    "Мерки",
    "Статус",
    "Срок",
    "Отговорна институция",
    "Средства",
    "Източник",
    "Индикатори",
    "Текуща стойност",
    "Целева стойност",
    "Приоритет 1 Образование",
    "Цел 2.",
    "1.2.",
    "2022-2024 г.",
    "15 000 лв.",
    "1,5 мил. лв.",
    "200 000",
    "Община Пловдив, РЗИ",
    "Общински бюджет",
    "<ol><li>Брой</li></ol>",
    "ПЛАН ЗА ДЕЙСТВИЕ",
    "",
];

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), name in 0..NAMES.len()) {
        import_never_panics(NAMES[name], &bytes)?;
        // With a ZIP or OLE2 signature in front, so the deeper readers are reached too.
        for magic in [&b"PK\x03\x04"[..], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]] {
            let mut b = magic.to_vec();
            b.extend(&bytes);
            import_never_panics(NAMES[name], &b)?;
        }
    }

    #[test]
    fn random_plan_like_text_never_panics(
        rows in proptest::collection::vec(
            proptest::collection::vec(0..PIECES.len(), 0..10), 0..40),
        name in prop::sample::select(vec!["plan.txt", "plan.csv", "plan.html", "plan.md"]),
    ) {
        let sep = if name == "plan.csv" { ";" } else { "\t" };
        let text: String = rows
            .iter()
            .map(|r| r.iter().map(|i| PIECES[*i]).collect::<Vec<_>>().join(sep) + "\n")
            .collect();
        import_never_panics(name, text.as_bytes())?;
    }

    #[test]
    fn random_json_never_panics(text in "[{}\\[\\]\":,0-9a-z ]{0,400}") {
        let _ = parse_plan_json(&text);
        import_never_panics("plan.json", text.as_bytes())?;
    }
}

proptest! {
    // Each case reads a whole seed document: fewer cases by default.
    #![proptest_config(config(12))]

    #[test]
    fn mutated_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 0..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        name in 0..NAMES.len(),
    ) {
        let mut bytes = which.get(fixtures()).clone();
        for (at, bit) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        import_never_panics(NAMES[name], &bytes)?;
    }

    #[test]
    fn seed_texts_with_lines_moved_dropped_or_split_never_panic(
        seed in prop::sample::select(SEEDS.to_vec()),
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..4), 0..12),
    ) {
        let text = String::from_utf8_lossy(&seed_text(seed)).into_owned();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for (a, b, op) in edits {
            if lines.is_empty() {
                break;
            }
            let (i, j) = (a.index(lines.len()), b.index(lines.len()));
            match op {
                0 => lines.swap(i, j),
                1 => {
                    lines.remove(i);
                }
                2 => {
                    // A page break in the middle of a row.
                    let line = lines[i].clone();
                    let cut = line.char_indices().nth(b.index(line.chars().count() + 1)).map_or(line.len(), |(k, _)| k);
                    lines[i] = line[..cut].to_string();
                    lines.insert(i + 1, line[cut..].to_string());
                }
                _ => lines.insert(j, lines[i].clone()),
            }
        }
        import_never_panics("plan.txt", lines.join("\n").as_bytes())?;
    }
}
