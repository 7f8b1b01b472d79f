//! Scanned PDFs read by OCR (issue 16): a fixture PDF's pages rendered to images and wrapped
//! into a PDF without text, as a scanner makes it. With OCR switched on and tesseract
//! installed the scan imports with its header and measures and a warning to check the text;
//! with OCR off it is refused saying the administrator can switch it on; with OCR on but
//! tesseract missing it is refused saying so. Tests that need tesseract and pdftoppm skip with
//! a printed reason where they are not installed (CI installs them).

use crate::helpers::{TestApp, get_admin, upload};
use planmon::import::budget::ReadLimits;
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
    let dir = tempfile::tempdir().expect("dir");
    let source = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    (1..=pages)
        .map(|n| {
            let out = std::process::Command::new("pdftoppm")
                .args(["-r", &dpi.to_string(), "-gray", "-f", &n.to_string()])
                .args(["-l", &n.to_string(), "-singlefile", &source])
                .arg(dir.path().join("page"))
                .status()
                .expect("pdftoppm runs");
            assert!(out.success(), "pdftoppm renders page {n} of {name}");
            pgm(&std::fs::read(dir.path().join("page.pgm")).expect("page image"))
        })
        .collect()
}

/// A PDF whose pages only paint the images (at `dpi`), as a scanner writes one.
fn scan(images: &[Image], dpi: u32) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for image in images {
        let (w, h) = (
            image.width as f64 * 72.0 / f64::from(dpi),
            image.height as f64 * 72.0 / f64::from(dpi),
        );
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
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
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
fn a_scan_longer_than_the_ocr_page_limit_is_refused_naming_the_limit() {
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
    assert!(e.to_string().contains("най-много 1"), "{e}");
}

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
