//! Hostile files of kinds the first ones did not cover, reader by reader: PDF object floods,
//! fonts and forms that expand, DOCX breaks, list markers and spans, what a library holds whole
//! (CSV records, XLSX cells, ODS paragraphs, HTML tags), and upload forms that never end.

use crate::helpers::TestApp;
use crate::hostile_files as files;
use axum::http::StatusCode;
use planmon::import::ImportError;
use planmon::import::budget::Limit;
use planmon::import::document::Block;
use planmon::import::load::read_any;
use std::time::{Duration, Instant};

fn limit_of(r: Result<impl Sized, ImportError>) -> Option<Limit> {
    match r {
        Err(ImportError::OverBudget { which, .. }) => Some(which),
        _ => None,
    }
}

/// The detail of an `Invalid` refusal, or the error itself when it is something else.
fn invalid_detail(name: &str, r: Result<impl Sized, ImportError>) -> String {
    match r {
        Err(ImportError::Invalid { detail, .. }) => detail,
        Err(other) => panic!("{name}: refused otherwise: {other}"),
        Ok(_) => panic!("{name}: read"),
    }
}

/// PDFs whose object syntax lopdf would hold in gigabytes (an array of two million zeros; a
/// cross-reference table or an object stream whose entries all point at one array, parsed once
/// per entry) are refused before, or while, lopdf parses them, naming the objects.
#[test]
fn pdfs_whose_objects_lopdf_would_hold_in_gigabytes_are_refused_naming_the_objects() {
    for (name, bytes) in [
        ("zeros.pdf", files::pdf_array_of_zeros(2_000_000)),
        (
            "xref.pdf",
            files::pdf_xref_entries_at_one_array(300_000, 500_000),
        ),
        (
            "objstm.pdf",
            files::pdf_object_stream_at_one_array(100_000, 10_000),
        ),
    ] {
        let started = Instant::now();
        let detail = invalid_detail(name, read_any(name, &bytes));
        assert!(
            detail.contains("1\u{a0}000\u{a0}000 обекта"),
            "{name}: {detail}"
        );
        assert!(started.elapsed() < Duration::from_secs(20), "{name}");
    }
}

/// Fonts and forms that expand: a ToUnicode range over every four-byte code, a ToUnicode map
/// that unpacks to a gigabyte, a /W array setting every code a hundred thousand times, a form
/// painting itself. Each is read (its text where it has any) or refused in seconds.
#[test]
fn fonts_and_forms_that_expand_are_read_in_seconds_or_refused() {
    for (name, bytes) in [
        ("range.pdf", files::pdf_to_unicode_wide_range()),
        ("bomb.pdf", files::pdf_to_unicode_bomb(1024)),
        ("widths.pdf", files::pdf_cid_widths_again(100_000)),
    ] {
        let started = Instant::now();
        match read_any(name, &bytes) {
            Ok(_) | Err(ImportError::UnknownFormat { .. }) => {}
            Err(other) => panic!("{name}: {other}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: {:?}",
            started.elapsed()
        );
    }
    let detail = invalid_detail(
        "form.pdf",
        read_any("form.pdf", &files::pdf_form_painting_itself(500_000)),
    );
    assert!(detail.contains("вложени повече от"), "{detail}");
}

/// A paragraph of a million line breaks, a list whose level text is megabytes, a row of cells
/// each 64 columns wide: read within the budget, or refused by its cell count.
#[test]
fn docx_breaks_list_markers_and_spans_stay_within_the_budget() {
    let started = Instant::now();
    let (_, doc) = read_any("br.docx", &files::docx_breaks(90)).expect("read");
    assert_eq!(doc.blocks.len(), 1, "one paragraph");
    let (_, doc) = read_any("num.docx", &files::docx_numbering_bomb(100_000)).expect("read");
    match doc.blocks.first() {
        Some(Block::Table(t)) => {
            let lines = &t.rows[0].cells[0].lines;
            assert_eq!(lines.len(), 100_000);
            assert_eq!(lines[0], "x", "a marker of megabytes is no marker");
        }
        other => panic!("a table: {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(
        limit_of(read_any("spans.docx", &files::docx_wide_spans(240_000))),
        Some(Limit::Cells)
    );
}

/// What a library holds whole before the budget sees it is measured first: a CSV record of ten
/// million fields, a spreadsheet cell of 90 MB, a cell of five million paragraphs, a tag of a
/// million attributes, a page of five million cells.
#[test]
fn what_a_library_holds_whole_is_refused_before_it_is_held() {
    assert_eq!(
        limit_of(read_any("w.csv", &files::csv_wide_record(10_000_000))),
        Some(Limit::Cells)
    );
    assert_eq!(
        limit_of(read_any("l.xlsx", &files::xlsx_long_cell(90))),
        Some(Limit::TextBytes)
    );
    assert_eq!(
        limit_of(read_any("p.ods", &files::ods_cell_of_paragraphs(5_000_000))),
        Some(Limit::TextBytes)
    );
    let started = Instant::now();
    let detail = invalid_detail(
        "a.html",
        read_any("a.html", &files::html_many_attributes(1_000_000)),
    );
    assert_eq!(detail, "елемент има повече от 1000 атрибута");
    let detail = invalid_detail(
        "c.html",
        read_any("c.html", &files::html_many_cells(5_000_000)),
    );
    assert_eq!(
        detail,
        "страницата има повече от 1\u{a0}000\u{a0}000 елемента"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// A form whose first part never ends (its headers, or the text before it) is refused at the
/// upload size, not held without end.
#[tokio::test]
async fn an_upload_form_that_never_ends_is_refused_at_the_upload_size() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 1 << 20).await;
    for body in [
        // A part header without its end.
        [
            b"--B\r\nContent-Disposition: form-data; name=\"".as_slice(),
            &vec![b'a'; 4 << 20],
        ]
        .concat(),
        // Text before the first boundary.
        vec![b'p'; 4 << 20],
        // A hundred thousand empty parts.
        b"--B\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\n\r\n".repeat(100_000),
    ] {
        let request = Request::post("/admin/import")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", crate::helpers::ADMIN_TOKEN),
            )
            .body(Body::from(body))
            .expect("request");
        let r = app.request(request).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        assert!(r.body.contains("файлът е твърде голям"), "{}", r.body);
    }
}
