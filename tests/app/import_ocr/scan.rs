//! Scans made for the OCR tests: a fixture PDF's pages rendered by pdftoppm and wrapped into a
//! PDF without text (or put in place of one page of a typed PDF), as a scanner writes one.

use std::io::Write;

/// A grey image: width, height, one byte a pixel.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
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
pub fn render(name: &str, pages: usize, dpi: u32) -> Vec<Image> {
    (1..=pages).map(|n| render_page(name, n, dpi)).collect()
}

/// The image turned by `degrees` about its centre (positive: its lines fall to the right), on
/// white, as a page fed into the scanner askew (each pixel the scanner's average of the page
/// under it: bilinear).
pub fn crooked(image: &Image, degrees: f64) -> Image {
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
pub fn scan(images: &[Image], dpi: u32) -> Vec<u8> {
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
pub fn with_scanned_page(name: &str, number: u32, image: &Image) -> Vec<u8> {
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
pub fn render_page(name: &str, n: usize, dpi: u32) -> Image {
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
pub fn blank_scan() -> Vec<u8> {
    scan(
        &[Image {
            width: 8,
            height: 8,
            pixels: vec![0xf0; 64],
        }],
        1,
    )
}
