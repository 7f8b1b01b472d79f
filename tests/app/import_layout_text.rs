//! `pdftotext -layout` text of plans other than the seeds: the made-up shapes of
//! tests/fixtures/import/shapes/ printed to PDF by LibreOffice on A4 landscape and portrait
//! pages (scripts/make-pdf-fixtures.py shapes), their text taken with `pdftotext -layout
//! NAME.pdf NAME.layout.txt`. Each should import as its PDF does; each gives the PDF's header,
//! and at least as many measures found and exactly as the PDF's as today (a ratchet: raise the
//! numbers as the reading of the character grid improves; docs/import.md has what differs).

use crate::helpers::fixture;
use planmon::import::load::import_bytes;
use planmon::import::{ImportOptions, SourceFormat};
use planmon::plan::Plan;

fn measures(plan: Option<&Plan>) -> Vec<String> {
    plan.map(|p| {
        p.measures()
            .map(|m| serde_json::to_string(m).expect("json"))
            .collect()
    })
    .unwrap_or_default()
}

#[test]
fn the_pdftotext_layout_text_of_other_plans_gives_their_pdfs_header_and_measures() {
    for (shape, layout, least_found, least_exact) in [
        ("flat-table-priority-rows", "a4-landscape", 0, 0),
        ("flat-table-priority-rows", "a4-portrait", 0, 0),
        ("grouped-financing-header", "a4-landscape", 3, 0),
        ("grouped-financing-header", "a4-portrait", 3, 0),
        ("numbered-area-headings", "a4-landscape", 5, 5),
        ("numbered-area-headings", "a4-portrait", 5, 2),
    ] {
        let pdf_name = format!("shapes/{shape}.{layout}.pdf");
        let pdf = import_bytes(&pdf_name, &fixture(&pdf_name), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{pdf_name}: {e}"));
        let name = format!("shapes/{shape}.{layout}.layout.txt");
        let out = import_bytes(&name, &fixture(&name), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.format, SourceFormat::Text, "{name}");
        assert!(
            pdf.recognised.municipality.is_some(),
            "{pdf_name}: no municipality"
        );
        assert_eq!(
            out.recognised.municipality, pdf.recognised.municipality,
            "{name}"
        );
        assert_eq!(out.recognised.period, pdf.recognised.period, "{name}");
        let want = measures(pdf.plan.as_ref());
        let have = measures(out.plan.as_ref());
        let same = have.iter().filter(|m| want.contains(m)).count();
        eprintln!(
            "{name}: {} measures, {same} of the PDF's {} exactly",
            have.len(),
            want.len()
        );
        assert!(
            have.len() <= want.len() * 2 && have.len() >= least_found && same >= least_exact,
            "{name}: {} measures (was {least_found}), {same} of the PDF's {} exactly (was {least_exact})",
            have.len(),
            want.len()
        );
    }
}
