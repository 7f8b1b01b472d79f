//! Fuzz target: `read_document` on random bytes and on mutated (bit-flipped, truncated,
//! spliced) seed fixtures never panics; it reads a document or returns an error. The case
//! count is small so CI stays quick; raise it locally with PROPTEST_CASES=5000.

use crate::import_formats::{SEEDS, fixture};
use planmon::import::read_document;
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

fn fixtures() -> &'static Vec<Vec<u8>> {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| {
        SEEDS
            .iter()
            .flat_map(|s| {
                ["docx", "html", "xlsx", "ods", "csv"].map(|e| fixture(&format!("{s}.{e}")))
            })
            .collect()
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), name in 0..NAMES.len()) {
        let _ = read_document(NAMES[name], &bytes);
        // With a ZIP or OLE2 signature in front, so the deeper readers are reached too.
        for magic in [&b"PK\x03\x04"[..], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]] {
            let mut b = magic.to_vec();
            b.extend(&bytes);
            let _ = read_document(NAMES[name], &b);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..10usize,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 0..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        name in 0..NAMES.len(),
    ) {
        let mut bytes = fixtures()[which % fixtures().len()].clone();
        for (at, bit) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let _ = read_document(NAMES[name], &bytes);
    }
}
