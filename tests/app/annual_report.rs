//! The annual monitoring report: HTML pinned by a snapshot, DOCX with real headings that
//! LibreOffice opens, PDF with embedded fonts, and the `report` command.

use crate::helpers::planmon;
use crate::helpers::{TestApp, sample_plan};
use planmon::report::render::{Format, render};
use planmon::report::{Narrative, build};
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::save_snapshot;
use std::io::Read;

fn report() -> planmon::report::Report {
    let plan = sample_plan();
    let snap = sample_round(1, 1, &plan, 2024);
    let narrative = Narrative {
        introduction: "Въведение, написано от координатора.".into(),
        ..Narrative::default()
    };
    build(&snap, &[], &narrative, "Проект".into(), false, &|s| {
        s.trim().to_string()
    })
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the DOCX"))
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

#[test]
fn the_html_report_has_every_part_of_an_adoptable_report() {
    let html = String::from_utf8(render(&report(), Format::Html).expect("html")).expect("utf8");
    for part in [
        "<html lang=\"bg\">",
        "Община Примерна",
        "1. Въведение",
        "Въведение, написано от координатора.",
        "2. Обобщение за годината",
        "Приоритетна област 1.",
        "Приоритетна област 2.",
        "4. Институции, които не са представили отчет",
        "5. Изводи и препоръки",
        "Приложение 1.",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert_eq!(html.matches("<h1").count(), 1);
    insta::assert_snapshot!("sample_report_html", html);
}

#[test]
fn the_docx_is_a_valid_package_with_heading_styles_tables_and_pictures() {
    let bytes = render(&report(), Format::Docx).expect("docx");
    let styles = zip_entry(&bytes, "word/styles.xml");
    assert!(
        styles.contains("w:styleId=\"Heading1\"") && styles.contains("<w:outlineLvl w:val=\"0\"/>")
    );
    let doc = zip_entry(&bytes, "word/document.xml");
    // Well-formed XML from start to end.
    let mut reader = quick_xml::Reader::from_str(&doc);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("document.xml is not well-formed: {e}"),
        }
    }
    assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/>"));
    assert!(doc.contains("TOC \\o"), "a table of contents field");
    // The field's result already lists the headings, linked to their bookmarks.
    assert!(doc.contains("<w:hyperlink w:anchor=\"_Toc0\""));
    assert!(doc.contains("PAGEREF _Toc0 \\h"));
    assert!(doc.contains("<w:bookmarkStart w:id=\"0\" w:name=\"_Toc0\"/>"));
    assert!(
        !doc.contains("Съдържанието се обновява"),
        "no placeholder text"
    );
    assert!(doc.contains("<w:tbl>") && doc.contains("<w:tblHeader/>"));
    assert!(doc.contains("Въведение, написано от координатора."));
    assert!(!doc.contains("лв.."));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
    let mut png = Vec::new();
    zip.by_name("word/media/chart1.png")
        .expect("a chart picture")
        .read_to_end(&mut png)
        .expect("read");
    assert!(png.starts_with(b"\x89PNG"), "the picture is a PNG");
}

/// The `w:w` widths of every `<w:gridCol>` of each table, in order.
fn grid_widths(doc: &str) -> Vec<Vec<u64>> {
    doc.split("<w:tblGrid>")
        .skip(1)
        .map(|t| {
            let grid = t.split("</w:tblGrid>").next().unwrap_or("");
            grid.split("<w:gridCol w:w=\"")
                .skip(1)
                .filter_map(|c| c.split('"').next()?.parse().ok())
                .collect()
        })
        .collect()
}

#[test]
fn docx_columns_are_as_wide_as_their_content_needs_and_fill_the_page() {
    let doc = zip_entry(
        &render(&report(), Format::Docx).expect("docx"),
        "word/document.xml",
    );
    assert!(doc.contains("<w:tblLayout w:type=\"fixed\"/>"));
    let tables = grid_widths(&doc);
    assert!(!tables.is_empty());
    for widths in &tables {
        let total: u64 = widths.iter().sum();
        assert!(
            (9300..=9360).contains(&total),
            "{widths:?} fill the text width"
        );
    }
    // Annex 1: the measure's text needs more room than "Отчети" ("1 / 2").
    let annex = doc.find("Приложение 1.").expect("annex 1");
    let widths = &grid_widths(&doc[annex..])[0];
    assert!(widths[0] > 2 * widths[3], "{widths:?}");
}

#[test]
fn libreoffice_opens_the_docx_and_converts_it_to_pdf() {
    let Some(office) = ["libreoffice", "soffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!(
            "SKIPPED: libreoffice is not installed here (CI installs libreoffice-writer-nogui)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let docx = dir.path().join("report.docx");
    std::fs::write(&docx, render(&report(), Format::Docx).expect("docx")).expect("write");
    let out = std::process::Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .expect("run libreoffice");
    let pdf = dir.path().join("report.pdf");
    assert!(
        pdf.exists(),
        "LibreOffice did not convert the DOCX: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("read pdf");
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000);
}

#[test]
fn the_pdf_embeds_its_fonts() {
    let bytes = render(&report(), Format::Pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF"));
    let doc = lopdf::Document::load_mem(&bytes).expect("a PDF lopdf reads");
    let descriptors: Vec<&lopdf::Dictionary> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"FontFile2").is_ok())
        .collect();
    assert!(!descriptors.is_empty(), "TrueType fonts embedded");
    for d in descriptors {
        let name = d
            .get(b"FontName")
            .and_then(lopdf::Object::as_name)
            .expect("name");
        assert!(
            name.windows(6).any(|w| w == b"DejaVu"),
            "the bundled font: {}",
            String::from_utf8_lossy(name)
        );
        let file = d
            .get(b"FontFile2")
            .and_then(lopdf::Object::as_reference)
            .and_then(|id| doc.get_object(id))
            .and_then(lopdf::Object::as_stream)
            .expect("font stream");
        assert!(
            file.dict.get(b"Filter").is_ok(),
            "the embedded font is compressed"
        );
    }
}

/// `pdfinfo` (poppler-utils) on the report PDF, or `None` when it is not installed here.
fn pdfinfo(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pdfinfo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_pdf_is_tagged_and_says_its_title_author_and_language() {
    let r = report();
    let bytes = render(&r, Format::Pdf).expect("pdf");
    let Some(info) = pdfinfo(&bytes) else {
        println!("SKIPPED: pdfinfo is not installed here (CI installs poppler-utils)");
        return;
    };
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{name} in {info}"))
            .to_string()
    };
    assert_eq!(field("Tagged"), "yes");
    assert_eq!(field("Title"), r.title);
    assert_eq!(field("Author"), "Община Примерна");
    let doc = lopdf::Document::load_mem(&bytes).expect("lopdf");
    let lang = doc
        .catalog()
        .and_then(|c| c.get(b"Lang"))
        .and_then(lopdf::Object::as_str)
        .expect("Lang");
    assert_eq!(lang, b"bg");
    assert!(field("Pages").parse::<u32>().expect("pages") >= 5);
}

#[test]
fn the_pdf_text_has_the_report_in_reading_order_without_double_full_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, render(&report(), Format::Pdf).expect("pdf")).expect("write");
    let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    else {
        println!("SKIPPED: pdftotext is not installed here (CI installs poppler-utils)");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("лв.."), "no double full stop after лв.");
    assert!(!text.contains("Приет с не е посочено"));
    let intro = text.find("1. Въведение").expect("introduction");
    let conclusions = text.rfind("5. Изводи и препоръки").expect("conclusions");
    assert!(intro < conclusions);
    assert!(text.contains("Въведение, написано от координатора."));
}

#[tokio::test]
async fn the_report_command_writes_each_format() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    save_snapshot(&app.db.pool, &sample_round(id, 1, &plan, 2024))
        .await
        .expect("round");
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, magic) in [
        ("html", &b"<!DOCTYPE"[..]),
        ("docx", b"PK"),
        ("pdf", b"%PDF"),
    ] {
        let out = dir.path().join(format!("r.{format}"));
        planmon(
            &app,
            &[
                "report",
                "--plan",
                &id.to_string(),
                "--year",
                "2024",
                "--format",
                format,
                "-o",
                out.to_str().expect("path"),
            ],
        )
        .await
        .expect("report");
        assert!(
            std::fs::read(&out).expect("file").starts_with(magic),
            "{format}"
        );
    }
    let missing = planmon(
        &app,
        &[
            "report",
            "--plan",
            &id.to_string(),
            "--year",
            "2030",
            "--format",
            "html",
            "-o",
            "/tmp/x.html",
        ],
    )
    .await;
    let err = missing.expect_err("no round").to_string();
    assert!(err.contains("2030"), "{err}");
}
