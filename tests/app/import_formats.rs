//! The format readers on the seed plans: every fixture (DOCX, HTML, XLSX, ODS, CSV, built from
//! the seed texts by scripts/make-fixtures.py) reads into the same table cells as the text, and
//! bad files give the right error without a panic.

use crate::helpers::{SEEDS, fixture, seed_text};
use planmon::import::document::{Block, Document};
use planmon::import::read::read_document_with_limit;
use planmon::import::{ImportError, SourceFormat, read_document};

/// Text as a reader of any format should give it: markup removed, whitespace collapsed.
fn normalise(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A row as grid texts: a cell spanning n columns is its text and n-1 empty columns, a cell
/// continuing a vertical merge is empty; trailing empty columns are dropped.
fn grid_row(cells: &[planmon::import::document::Cell]) -> Vec<String> {
    let mut out = Vec::new();
    for c in cells {
        out.push(if c.merged_from_above {
            String::new()
        } else {
            normalise(&c.lines.join(" "))
        });
        for _ in 1..c.col_span {
            out.push(String::new());
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Every table row of the document, in order, as grid texts (empty rows left out).
fn table_rows(doc: &Document) -> Vec<Vec<String>> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| t.rows.iter().map(|r| grid_row(&r.cells)))
        .filter(|r| !r.is_empty())
        .collect()
}

fn read(name: &str) -> (SourceFormat, Document) {
    read_document(name, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn each_format_of_the_seed_plans_is_recognised_by_its_content() {
    for seed in SEEDS {
        for (ext, format) in [
            ("docx", SourceFormat::Docx),
            ("html", SourceFormat::Html),
            ("xlsx", SourceFormat::Xlsx),
            ("ods", SourceFormat::Ods),
            ("csv", SourceFormat::Csv),
        ] {
            let name = format!("{seed}.{ext}");
            assert_eq!(read(&name).0, format, "{name}");
            // The extension is only a hint: a misnamed file is read by what it is. (A CSV whose
            // rows have uneven field counts, like these with one-cell paragraph rows, is only
            // told from extracted text by its name.)
            if format != SourceFormat::Csv {
                let misnamed = read_document("plan.bin", &fixture(&name)).map(|(f, _)| f);
                assert_eq!(misnamed.ok(), Some(format), "{name} named plan.bin");
            }
        }
        let (format, _) = read_document("plan.txt", &seed_text(seed)).expect("text reads");
        assert_eq!(format, SourceFormat::Text);
    }
}

/// Table rows only, as grid cells with their lines.
fn table_lines(doc: &Document) -> Vec<Vec<Vec<String>>> {
    let tables = Document {
        blocks: doc
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .cloned()
            .collect(),
        ..Document::default()
    };
    sheet_lines(&tables)
}

#[test]
fn the_docx_and_html_fixtures_hold_the_same_table_cells_and_lines_as_the_seed_text() {
    for seed in SEEDS {
        let (_, text) = read_document("plan.txt", &seed_text(seed)).expect("text reads");
        let expected = table_lines(&text);
        assert!(expected.len() > 20, "{seed}: {} rows", expected.len());
        for ext in ["docx", "html"] {
            let (_, doc) = read(&format!("{seed}.{ext}"));
            let got = table_lines(&doc);
            let at = got.iter().zip(&expected).position(|(a, b)| a != b);
            assert!(
                got == expected,
                "{seed}.{ext} differs from the text at row {at:?} (lengths {} vs {}): {:?}",
                got.len(),
                expected.len(),
                at.map(|i| (&got[i], &expected[i]))
            );
        }
    }
}

/// Every block as rows of cells with their lines, the way a spreadsheet holds a document.
fn sheet_lines(doc: &Document) -> Vec<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => {
                out.push(vec![text.lines().map(str::to_string).collect()])
            }
            Block::Table(t) => out.extend(t.rows.iter().map(|r| {
                let mut row: Vec<Vec<String>> = Vec::new();
                for c in &r.cells {
                    row.push(if c.merged_from_above {
                        Vec::new()
                    } else {
                        c.lines.clone()
                    });
                    row.extend((1..c.col_span).map(|_| Vec::new()));
                }
                while row.last().is_some_and(Vec::is_empty) {
                    row.pop();
                }
                row
            })),
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

#[test]
fn the_html_fixtures_hold_the_same_blocks_as_the_seed_text() {
    for seed in SEEDS {
        let (_, text) = read_document("plan.txt", &seed_text(seed)).expect("text reads");
        let (_, html) = read(&format!("{seed}.html"));
        let (expected, got) = (sheet_lines(&text), sheet_lines(&html));
        let at = got.iter().zip(&expected).position(|(a, b)| a != b);
        assert!(
            got == expected,
            "{seed}.html differs from the text at row {at:?}: {:?}",
            at.map(|i| (&got[i], &expected[i]))
        );
    }
}

/// The spreadsheets are written from the repaired HTML: one row per measure, every cell under
/// its column, as a person types a plan into a sheet (examples/make_sheet_fixtures.rs).
#[test]
fn the_spreadsheet_fixtures_hold_the_same_cells_and_lines_as_the_repaired_html() {
    for seed in SEEDS {
        let (format, html) = read(&format!("{seed}.html"));
        let expected = sheet_lines(&planmon::import::recognise::repaired(&html, format));
        for ext in ["xlsx", "ods", "csv"] {
            let (_, doc) = read(&format!("{seed}.{ext}"));
            let got = sheet_lines(&doc);
            let at = got.iter().zip(&expected).position(|(a, b)| a != b);
            assert!(
                got == expected,
                "{seed}.{ext} differs from the repaired HTML at row {at:?} (lengths {} vs {}): {:?}",
                got.len(),
                expected.len(),
                at.map(|i| (&got[i], &expected[i]))
            );
        }
    }
}

#[test]
fn the_docx_fixture_keeps_the_merged_financing_header() {
    let (_, doc) = read("plovdiv-2022-2024.docx");
    let Some(Block::Table(t)) = doc.blocks.iter().find(|b| matches!(b, Block::Table(_))) else {
        panic!("no table");
    };
    let header = &t.rows[0].cells;
    let financing = header
        .iter()
        .find(|c| c.joined() == "Финансиране")
        .expect("a Финансиране cell");
    assert_eq!(financing.col_span, 2);
    assert!(t.rows[1].cells[0].merged_from_above, "Цели spans two rows");
    assert_eq!(t.rows[1].at.describe_bg(), "таблица 1, ред 2 от таблицата");
}

fn error_of(name: &str, bytes: &[u8]) -> ImportError {
    match read_document(name, bytes) {
        Ok((format, _)) => panic!("{name} read as {format:?}"),
        Err(e) => e,
    }
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    for (name, data) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip finish");
    out.into_inner()
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    assert!(matches!(
        error_of("plan.docx", b""),
        ImportError::Empty { .. }
    ));
    assert!(matches!(
        error_of("plan.txt", b" \n\t "),
        ImportError::Empty { .. }
    ));
}

#[test]
fn a_truncated_docx_is_corrupt() {
    let bytes = fixture("plovdiv-2022-2024.docx");
    let e = error_of("plan.docx", &bytes[..bytes.len() / 2]);
    assert!(matches!(e, ImportError::Corrupt { .. }), "{e}");
    assert!(
        e.to_string().starts_with("plan.docx: файлът е повреден"),
        "{e}"
    );
}

#[test]
fn an_encrypted_office_file_is_refused_as_encrypted() {
    // An OLE2 compound file whose directory names an EncryptedPackage stream, as Office writes
    // password-protected DOCX and XLSX files.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(512, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(2048, 0);
    let e = error_of("plan.docx", &bytes);
    assert!(matches!(e, ImportError::Encrypted { .. }), "{e}");
    assert!(e.to_string().contains("парола"), "{e}");
    // An old binary .doc is named as such.
    let e = error_of("plan.doc", &bytes[..600]);
    assert!(e.to_string().contains(".doc"), "{e}");
}

#[test]
fn a_password_protected_ods_is_refused_as_encrypted() {
    let bytes = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        (
            "META-INF/manifest.xml",
            b"<manifest:manifest><manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/></manifest:file-entry></manifest:manifest>",
        ),
        ("content.xml", b"\x8f\x13 encrypted bytes"),
    ]);
    let e = error_of("таблица.ods", &bytes);
    assert!(matches!(e, ImportError::Encrypted { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("таблица.ods: файлът е защитен с парола"),
        "{e}"
    );
}

#[test]
fn a_spreadsheet_named_docx_is_read_as_the_spreadsheet_it_is() {
    let (format, _) = read("plovdiv-2022-2024.xlsx");
    let (renamed, _) =
        read_document("plan.docx", &fixture("plovdiv-2022-2024.xlsx")).expect("reads");
    assert_eq!((format, renamed), (SourceFormat::Xlsx, SourceFormat::Xlsx));
}

#[test]
fn random_bytes_named_docx_are_an_unknown_format() {
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let e = error_of("plan.docx", &bytes);
    assert!(matches!(e, ImportError::UnknownFormat { .. }), "{e}");
    let e = error_of("plan.docx", "Обикновен текст".as_bytes());
    assert!(e.to_string().contains(".docx"), "{e}");
}

#[test]
fn a_zip_of_images_named_docx_says_what_is_inside() {
    let bytes = zip_of(&[
        ("снимка1.png", b"\x89PNG...."),
        ("снимка2.png", b"\x89PNG...."),
    ]);
    let e = error_of("plan.docx", &bytes);
    assert!(matches!(e, ImportError::UnknownFormat { .. }), "{e}");
    assert!(e.to_string().contains("снимка1.png"), "{e}");
    assert!(e.to_string().contains("2 файла"), "{e}");
}

#[test]
fn a_docx_with_broken_xml_is_corrupt_and_says_which_part() {
    let bytes = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        (
            "word/document.xml",
            b"<w:document><w:body><w:p></w:tbl></w:body>",
        ),
    ]);
    let e = error_of("plan.docx", &bytes);
    assert!(matches!(e, ImportError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("word/document.xml"), "{e}");
}

#[test]
fn a_spreadsheet_without_a_recognisable_header_still_reads_as_a_table() {
    let (format, doc) = read_document("числа.csv", "1;2;3\n4;5;6\n".as_bytes()).expect("reads");
    assert_eq!(format, SourceFormat::Csv);
    assert_eq!(
        table_rows(&doc),
        vec![vec!["1", "2", "3"], vec!["4", "5", "6"]]
    );
}

#[test]
fn a_file_over_the_limit_is_refused_before_reading() {
    let bytes = fixture("plovdiv-2022-2024.docx");
    let e = read_document_with_limit("plan.docx", &bytes, 1000).expect_err("too large");
    assert!(matches!(e, ImportError::TooLarge { max: 1000, .. }), "{e}");
    assert!(e.to_string().contains("твърде голям"), "{e}");
    // The configured limit applies to every format, and the default one too.
    assert!(
        planmon::import::read::check_size(
            "x",
            planmon::import::MAX_FILE_BYTES + 1,
            planmon::import::MAX_FILE_BYTES
        )
        .is_err()
    );
}

#[test]
fn an_odt_is_refused_with_what_to_do_and_a_broken_pdf_as_damaged() {
    let odt = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
    assert!(error_of("plan.odt", &odt).to_string().contains("DOCX"));
    let e = error_of("plan.pdf", b"%PDF-1.7\n...");
    assert!(e.to_string().contains("PDF"), "{e}");
}

/// The plan as JSON without what says where it came from: the source file, and where unplaced
/// text was found (a line in a text, a paragraph or table row elsewhere).
fn plan_json(mut plan: planmon::plan::Plan) -> String {
    plan.source = None;
    for u in &mut plan.unplaced {
        u.location.clear();
    }
    planmon::plan::format::to_plan_json(&plan)
}

fn first_line_difference(a: &str, b: &str) -> String {
    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
    format!(
        "first at line {line:?}: {:?}",
        line.map(|l| (a.lines().nth(l), b.lines().nth(l)))
    )
}

/// Every format gives the plan the text gives, field by field (header, priorities, objectives,
/// measures, indicators, amounts, unplaced text). The recogniser reads each table as a grid (a
/// merged cell such as Финансиране over Средства/Източник is followed by the empty cells it
/// covers), so DOCX and HTML, which hold the text's own cells, give exactly the text's plan.
///
/// The spreadsheets hold the plan as a person types it into a sheet: the recogniser's repaired
/// document, one row per measure and every cell under its column (the page breaks and merged
/// cells that shifted the extracted text's cells are gone), with the text's headings and
/// paragraphs as one-cell rows; they too give exactly the text's plan. Only where unplaced
/// text was found is not compared: each format says it in its own terms.
#[test]
fn every_format_of_the_seed_plans_imports_as_the_same_plan_as_the_text() {
    use planmon::import::ImportOptions;
    use planmon::import::load::import_bytes;
    let options = ImportOptions::default();
    for seed in SEEDS {
        let text = import_bytes("plan.txt", &seed_text(seed), &options).expect("text imports");
        let expected = text.plan.expect("a plan from the text");
        let measures = expected.measures().count();
        assert!(measures >= 52, "{seed}: {measures} measures");
        let expected = plan_json(expected);
        for ext in ["docx", "html", "xlsx", "ods", "csv"] {
            let name = format!("{seed}.{ext}");
            let out = import_bytes(&name, &fixture(&name), &options)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let plan = out.plan.unwrap_or_else(|| panic!("{name}: no plan"));
            assert_eq!(plan.measures().count(), measures, "{name}: measures");
            let got = plan_json(plan);
            assert!(
                got == expected,
                "{name} imports differently from the text, {}",
                first_line_difference(&got, &expected)
            );
        }
    }
}
