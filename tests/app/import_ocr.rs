//! Scanned PDFs read by OCR (issue 16): a fixture PDF's pages rendered to images and wrapped
//! into a PDF without text, as a scanner makes it. With OCR switched on and tesseract
//! installed the scan imports with its header and measures and a warning to check the text;
//! with OCR off it is refused saying the administrator can switch it on; with OCR on but
//! tesseract missing it is refused saying so. Tests that need tesseract and pdftoppm skip with
//! a printed reason where they are not installed (CI installs them).

use crate::helpers::{TestApp, get_admin, upload};
use planmon::import::budget::{Limit, ReadLimits};
use planmon::import::load::import_bytes;
use planmon::import::pdf::ocr::{Ocr, PDFTOPPM, TESSERACT};
use planmon::import::{ImportError, ImportOptions, WarningKind};
use std::io::Write;

/// Whether the OCR programs are here; says why a test is skipped when not.
fn ocr_installed(test: &str) -> bool {
    let missing: Vec<&str> = [TESSERACT, PDFTOPPM]
        .iter()
        .filter(|t| t.find().is_none())
        .map(|t| t.name)
        .collect();
    if !missing.is_empty() {
        eprintln!("{test}: skipped, not installed: {}", missing.join(", "));
    }
    missing.is_empty()
}

fn ocr_on() -> ImportOptions {
    ImportOptions {
        limits: ReadLimits {
            ocr: Ocr {
                enabled: true,
                ..Ocr::OFF
            },
            ..ReadLimits::DEFAULT
        },
        ..ImportOptions::default()
    }
}

/// A grey image: width, height, one byte a pixel.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

/// Reads the binary PGM pdftoppm writes ("P5 width height 255" then the pixels).
fn pgm(bytes: &[u8]) -> Image {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).to_string());
        at += 1;
    }
    assert_eq!(fields[0], "P5");
    let (width, height) = (
        fields[1].parse().expect("width"),
        fields[2].parse().expect("height"),
    );
    Image {
        width,
        height,
        pixels: bytes[at..at + width * height].to_vec(),
    }
}

/// The first `pages` pages of a fixture PDF rendered at `dpi` with pdftoppm.
fn render(name: &str, pages: usize, dpi: u32) -> Vec<Image> {
    (1..=pages).map(|n| render_page(name, n, dpi)).collect()
}

/// The image turned by `degrees` about its centre (positive: its lines fall to the right), on
/// white, as a page fed into the scanner askew (each pixel the scanner's average of the page
/// under it: bilinear).
fn crooked(image: &Image, degrees: f64) -> Image {
    let (w, h) = (image.width as f64, image.height as f64);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let at = |x: f64, y: f64| -> f64 {
        if x < 0.0 || y < 0.0 || x >= w || y >= h {
            255.0
        } else {
            f64::from(image.pixels[y as usize * image.width + x as usize])
        }
    };
    let mut pixels = Vec::with_capacity(image.pixels.len());
    for y in 0..image.height {
        for x in 0..image.width {
            let (dx, dy) = (x as f64 - w / 2.0, y as f64 - h / 2.0);
            let sx = w / 2.0 + dx * cos + dy * sin;
            let sy = h / 2.0 - dx * sin + dy * cos;
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
            let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
            pixels.push((top * (1.0 - fy) + bottom * fy).round() as u8);
        }
    }
    Image {
        width: image.width,
        height: image.height,
        pixels,
    }
}

/// The image's XObject and a content stream painting it over a page `size` PDF units large:
/// the content's id and the page's resources.
fn paint(
    doc: &mut lopdf::Document,
    image: &Image,
    size: (f64, f64),
) -> (lopdf::ObjectId, lopdf::Dictionary) {
    use lopdf::content::{Content, Operation};
    use lopdf::{Object, Stream, dictionary};
    let (w, h) = size;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&image.pixels).expect("compress");
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image",
            "Width" => image.width as i64, "Height" => image.height as i64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            "Filter" => "FlateDecode",
        },
        z.finish().expect("compressed"),
    ));
    let content = Content {
        operations: vec![
            Operation::new("q", vec![]),
            Operation::new(
                "cm",
                vec![w.into(), 0.into(), 0.into(), h.into(), 0.into(), 0.into()],
            ),
            Operation::new("Do", vec![Object::Name(b"Im1".to_vec())]),
            Operation::new("Q", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        content.encode().expect("content"),
    ));
    (
        content_id,
        dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
    )
}

/// A PDF whose pages only paint the images (at `dpi`), as a scanner writes one.
fn scan(images: &[Image], dpi: u32) -> Vec<u8> {
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for image in images {
        let (w, h) = (
            image.width as f64 * 72.0 / f64::from(dpi),
            image.height as f64 * 72.0 / f64::from(dpi),
        );
        let (content_id, resources) = paint(&mut doc, image, (w, h));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), w.into(), h.into()],
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A fixture PDF with its page `number` replaced by a scan of it (`image`, to be stretched over
/// the page), as a PDF put together from a typed and a scanned document.
fn with_scanned_page(name: &str, number: u32, image: &Image) -> Vec<u8> {
    let source = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut doc = lopdf::Document::load(&source).expect("the fixture loads");
    let id = doc.get_pages()[&number];
    let size = {
        let page = doc.get_dictionary(id).expect("page");
        let media = page
            .get(b"MediaBox")
            .and_then(lopdf::Object::as_array)
            .expect("the page has its MediaBox");
        let at = |i: usize| media[i].as_float().expect("number") as f64;
        (at(2) - at(0), at(3) - at(1))
    };
    let (content_id, resources) = paint(&mut doc, image, size);
    let page = doc.get_dictionary_mut(id).expect("page");
    page.set("Contents", content_id);
    page.set("Resources", resources);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// Page `n` of a fixture PDF rendered at `dpi`.
fn render_page(name: &str, n: usize, dpi: u32) -> Image {
    let dir = tempfile::tempdir().expect("dir");
    let source = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-f", &n.to_string()])
        .args(["-l", &n.to_string(), "-singlefile", &source])
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm runs");
    assert!(out.success(), "pdftoppm renders page {n} of {name}");
    pgm(&std::fs::read(dir.path().join("page.pgm")).expect("page image"))
}

/// A one-page scan of a blank grey page (no program needed to make it).
fn blank_scan() -> Vec<u8> {
    scan(
        &[Image {
            width: 8,
            height: 8,
            pixels: vec![0xf0; 64],
        }],
        1,
    )
}

/// The seed plan whose first pages are scanned.
const SEED: &str = "plovdiv-2022-2024.a4-landscape.pdf";

#[test]
fn a_scanned_plan_is_read_by_ocr_with_its_header_and_measures_and_a_warning_to_check_it() {
    if !ocr_installed("scanned plan") {
        return;
    }
    let bytes = scan(&render(SEED, 3, 200), 200);
    let started = std::time::Instant::now();
    let out = import_bytes("сканиран.pdf", &bytes, &ocr_on()).expect("the scan is read by OCR");
    eprintln!("OCR of 3 pages: {:?}", started.elapsed());
    assert_eq!(out.recognised.municipality.as_deref(), Some("Пловдив"));
    let period = out.recognised.period.expect("the period is read");
    assert_eq!((period.from, period.to), (2022, 2024));
    let plan = out.plan.expect("a plan from the scan");
    let measures = plan.measures().count();
    eprintln!("measures from the scan: {measures}");
    // A ratchet: OCR is not exact, but this many measures come out of these pages (12 with
    // tesseract 5.3 of Debian 12, as CI installs it).
    assert!(measures >= 12, "{measures} measures");
    let first = &out.warnings[0];
    assert_eq!(first.kind, WarningKind::Ocr);
    assert!(first.message.contains("OCR"), "{}", first.message);
}

#[test]
fn a_scan_is_refused_with_ocr_off_saying_the_administrator_can_switch_it_on() {
    let e = import_bytes("сканиран.pdf", &blank_scan(), &ImportOptions::default())
        .expect_err("refused");
    assert!(matches!(e, ImportError::UnknownFormat { .. }), "{e}");
    let message = e.to_string();
    assert!(message.contains("сканиран документ"), "{message}");
    assert!(message.contains("PLANMON_OCR=1"), "{message}");
}

#[test]
fn a_blank_scan_read_by_ocr_is_a_document_without_a_plan() {
    if !ocr_installed("blank scan") {
        return;
    }
    let out = import_bytes("празен.pdf", &blank_scan(), &ocr_on()).expect("read");
    assert!(out.plan.is_none());
    assert_eq!(out.warnings[0].kind, WarningKind::Ocr);
}

#[test]
fn a_scan_longer_than_the_ocr_page_limit_is_refused_as_over_the_budget_naming_the_limit() {
    if !ocr_installed("page limit") {
        return;
    }
    let mut options = ocr_on();
    options.limits.ocr.pages = 1;
    let page = || Image {
        width: 8,
        height: 8,
        pixels: vec![0xf0; 64],
    };
    let e = import_bytes("дълъг.pdf", &scan(&[page(), page()], 1), &options).expect_err("long");
    assert!(
        matches!(
            e,
            ImportError::OverBudget {
                which: Limit::OcrPages,
                ..
            }
        ),
        "{e}"
    );
    let message = e.to_string();
    assert!(message.contains("ограничението за обработка"), "{message}");
    assert!(message.contains("OCR) на до 1 сканирани"), "{message}");
}

#[test]
fn a_scan_that_outlasts_the_ocr_time_is_refused_as_over_the_budget_naming_the_limit() {
    if !ocr_installed("time limit") {
        return;
    }
    let mut options = ocr_on();
    // No time at all: the first page is not even rendered.
    options.limits.ocr.seconds = 0;
    let e = import_bytes("бавен.pdf", &blank_scan(), &options).expect_err("out of time");
    assert!(
        matches!(
            e,
            ImportError::OverBudget {
                which: Limit::OcrSeconds,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("до 0 секунди на файл"), "{e}");
}

/// A made-up plan printed by Chromium with its tables ruled by alignment only, two pages: the
/// header and the first two priorities on page 1, the third on page 2.
const UNRULED: &str = "varied.chromium-letter-landscape-unruled.pdf";

#[test]
fn with_ocr_off_the_text_pages_of_a_pdf_with_a_scanned_page_are_read_and_the_page_left_unread_is_named()
 {
    let blank = Image {
        width: 8,
        height: 8,
        pixels: vec![0xf0; 64],
    };
    let whole = import_bytes(
        "план.pdf",
        &std::fs::read(format!(
            "{}/tests/fixtures/import/{UNRULED}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture"),
        &ImportOptions::default(),
    )
    .expect("the text PDF imports");
    let bytes = with_scanned_page(UNRULED, 2, &blank);
    let out = import_bytes("смесен.pdf", &bytes, &ImportOptions::default())
        .expect("the text pages are read");
    assert_eq!(out.recognised.municipality.as_deref(), Some("Сливен"));
    let first = &out.warnings[0];
    assert_eq!(first.kind, WarningKind::Ocr);
    assert_eq!(first.at, "страница 2");
    assert!(
        first.message.starts_with("Страница 2 няма текстов слой"),
        "{}",
        first.message
    );
    assert!(
        first.message.contains("не е прочетена"),
        "{}",
        first.message
    );
    let (all, read) = (
        whole.plan.expect("a plan").measures().count(),
        out.plan.expect("a plan from page 1").measures().count(),
    );
    assert!(read > 0 && read < all, "{read} of {all} measures");
}

#[test]
fn with_ocr_on_the_scanned_page_of_a_pdf_is_read_in_its_place_among_the_text_pages() {
    if !ocr_installed("mixed") {
        return;
    }
    let bytes = with_scanned_page(UNRULED, 2, &render_page(UNRULED, 2, 200));
    let started = std::time::Instant::now();
    let out = import_bytes("смесен.pdf", &bytes, &ocr_on()).expect("read");
    eprintln!("mixed PDF, 1 page of 2 by OCR: {:?}", started.elapsed());
    assert_eq!(out.recognised.municipality.as_deref(), Some("Сливен"));
    let first = &out.warnings[0];
    assert_eq!(
        (first.kind, first.at.as_str()),
        (WarningKind::Ocr, "страница 2")
    );
    assert!(
        first.message.starts_with("Страница 2 е сканирана"),
        "{}",
        first.message
    );
    let plan = out.plan.expect("a plan");
    let codes: Vec<&str> = plan.measures().filter_map(|m| m.code.as_deref()).collect();
    eprintln!("codes of the mixed PDF's measures: {codes:?}");
    // The text has 10 measures, the scanned page the last two, continuing the table the typed
    // page began.
    assert_eq!(plan.measures().count(), 10, "{codes:?}");
    assert_eq!(codes.len(), 10, "{codes:?}");
}

#[test]
fn a_scan_of_a_table_whose_columns_are_aligned_without_rulings_is_read_by_ocr() {
    if !ocr_installed("unruled") {
        return;
    }
    let bytes = scan(&[render_page(UNRULED, 1, 200)], 200);
    let started = std::time::Instant::now();
    let out = import_bytes("без-линии.pdf", &bytes, &ocr_on()).expect("read");
    eprintln!("unruled scan, 1 page: {:?}", started.elapsed());
    assert_eq!(out.recognised.municipality.as_deref(), Some("Сливен"));
    let period = out.recognised.period.expect("the period is read");
    assert_eq!((period.from, period.to), (2024, 2026));
    let plan = out.plan.expect("a plan from the scan");
    let count =
        |f: &dyn Fn(&planmon::plan::Measure) -> bool| plan.measures().filter(|m| f(m)).count();
    let (measures, coded, dated, funded) = (
        count(&|_| true),
        count(&|m| m.code.is_some()),
        count(&|m| m.period.as_ref().is_some_and(|p| p.from.is_some())),
        count(&|m| !m.amounts.is_empty()),
    );
    eprintln!(
        "unruled scan: {measures} measures, {coded} with codes, {dated} with periods, {funded} with amounts"
    );
    // The page holds 8 measures (the third table's first row at its foot), each with its code
    // and period, 6 with amounts: all of them come out.
    assert!(measures >= 8, "{measures} measures");
    assert!(coded >= 8, "{coded} codes");
    assert!(dated >= 8, "{dated} periods");
    assert!(funded >= 6, "{funded} amounts");
}

#[test]
fn a_crooked_scan_is_straightened_and_read_as_a_straight_one() {
    if !ocr_installed("crooked scan") {
        return;
    }
    let images: Vec<Image> = render(SEED, 2, 200)
        .iter()
        .map(|i| crooked(i, 2.0))
        .collect();
    let bytes = scan(&images, 200);
    let started = std::time::Instant::now();
    let out = import_bytes("накриво.pdf", &bytes, &ocr_on()).expect("read");
    eprintln!("crooked scan, 2 pages: {:?}", started.elapsed());
    assert_eq!(out.recognised.municipality.as_deref(), Some("Пловдив"));
    let measures = out.plan.expect("a plan").measures().count();
    eprintln!("measures from the crooked scan: {measures}");
    // A ratchet, as for the straight scan.
    assert!(measures >= CROOKED_MEASURES, "{measures} measures");
}

/// How many measures the two crooked pages give today (a ratchet).
const CROOKED_MEASURES: usize = 8;

#[test]
fn with_ocr_on_but_tesseract_missing_a_scan_is_refused_saying_so() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("сканиран.pdf");
    std::fs::write(&path, blank_scan()).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planmon"))
        .arg("inspect")
        .arg(&path)
        .env_remove("PLANMON_CONFIG")
        .env("PLANMON_OCR", "1")
        .env("PLANMON_TESSERACT", dir.path().join("no-such-program"))
        .current_dir(dir.path())
        .output()
        .expect("run planmon");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("tesseract не е инсталирана"), "{stderr}");
}

#[tokio::test]
async fn the_review_of_a_scan_read_by_ocr_says_its_text_must_be_checked() {
    if !ocr_installed("review") {
        return;
    }
    let app = TestApp::spawn_with(|c| c.ocr.enabled = true).await;
    let bytes = scan(&render(SEED, 2, 150), 150);
    let review = upload(&app, "сканиран.pdf", &bytes).await;
    let review = app.request(get_admin(&review)).await.body;
    assert!(
        review.contains("разпознат от сканирано изображение (OCR)"),
        "{review}"
    );
}
