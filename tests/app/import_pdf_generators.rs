//! PDFs the reader was not tuned on (scripts/make-pdf-fixtures.py `fonts` and `weasyprint`):
//! the seed DOCX in another font (DejaVu Sans, wider than the Liberation Serif of the other
//! LibreOffice fixtures) exported as tagged PDF/A-2, as Word's "Save as PDF" tags by default;
//! and the seed and shape HTML printed by a third generator, WeasyPrint. Each gives the text's
//! header and its measures; every shape exactly as its HTML.

use crate::helpers::fixture;
use crate::import_pdf::{layout_ratchet, measures};
use planmon::import::load::import_bytes;
use planmon::import::{ImportOptions, SourceFormat};
use planmon::plan::Plan;

fn import(name: &str, bytes: &[u8]) -> Plan {
    let out = import_bytes(name, bytes, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    out.plan.unwrap_or_else(|| panic!("{name}: no plan"))
}

/// Each layout gives the text's header, about as many measures as the text, and at least this
/// many of them exactly as the text (a ratchet: raise it as the layout analysis improves). What differs
/// is mostly the seeds' own broken words ("настоятелств а", "Републиканск и") that a PDF line
/// break makes whole, and lists whose dashes stand at a line's start.
#[test]
fn the_seeds_in_another_font_as_tagged_pdf_a_and_from_a_third_generator_give_their_measures() {
    for (seed, layout, least) in [
        ("plovdiv-2022-2024", "dejavu-a4-landscape", 51),
        ("plovdiv-2022-2024", "dejavu-a4-portrait", 50),
        ("plovdiv-2022-2024", "weasyprint-a4-landscape", 49),
        ("plovdiv-2022-2024", "weasyprint-a4-portrait", 45),
        ("kazanlak-2021-2023", "dejavu-a4-landscape", 87),
        ("kazanlak-2021-2023", "dejavu-a4-portrait", 81),
        ("kazanlak-2021-2023", "weasyprint-a4-landscape", 84),
        ("kazanlak-2021-2023", "weasyprint-a4-portrait", 85),
    ] {
        layout_ratchet(seed, layout, least);
    }
}

#[test]
fn every_table_shape_printed_by_weasyprint_imports_as_its_html() {
    let dir = format!(
        "{}/tests/fixtures/import/shapes",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut shapes: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".weasyprint.pdf").map(str::to_string))
        .collect();
    shapes.sort();
    assert!(shapes.len() >= 30, "{shapes:?}");
    for shape in shapes {
        let html = import("plan.html", &fixture(&format!("shapes/{shape}.html")));
        let name = format!("shapes/{shape}.weasyprint.pdf");
        let out = import_bytes(&name, &fixture(&name), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.format, SourceFormat::Pdf, "{name}");
        let pdf = out.plan.unwrap_or_else(|| panic!("{name}: no plan"));
        assert_eq!(
            (&pdf.municipality, &pdf.period, &pdf.adoption),
            (&html.municipality, &html.period, &html.adoption),
            "{name}"
        );
        let titles = |p: &Plan| -> Vec<(String, Option<u32>)> {
            p.priorities
                .iter()
                .map(|p| (p.title.clone(), p.number))
                .collect()
        };
        assert_eq!(titles(&pdf), titles(&html), "{name}");
        assert_eq!(measures(&pdf), measures(&html), "{name}");
    }
}
