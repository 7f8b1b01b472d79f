//! The PDF reader: the text layer of each page with every glyph's position, and the ruling
//! lines and rectangles drawn on it, read directly from the file (lopdf parses the objects,
//! streams and fonts' ToUnicode maps; the content operators are interpreted here). The layout
//! analysis that turns glyphs and lines into paragraphs and tables is in
//! [`super::pdf_layout`].
//!
//! What is read is bounded by the reader's budget ([`ReadBudget`]): the file's size (checked
//! before), the decompressed size of every stream (the unpacked limit), the text of the glyphs,
//! the nesting of forms (the depth limit), the rows and cells laid out; and by [`PdfLimits`]:
//! pages and content operators. A PDF with pages but no text layer (a scan) is refused with a
//! message saying so.

use super::ImportError;
use super::budget::ReadBudget;
use super::document::Document;
use lopdf::content::Content;
use lopdf::{Dictionary, Encoding, Object, ObjectId};
use std::collections::HashMap;

/// What only a PDF has to bound, beside the reader's budget.
#[derive(Debug, Clone, Copy)]
pub struct PdfLimits {
    pub pages: usize,
    /// Content operators on one page (forms included).
    pub operators: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            pages: 2_000,
            operators: 2_000_000,
        }
    }
}

/// One glyph as placed on the page (PDF units, y upwards).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub x0: f64,
    pub x1: f64,
    /// Baseline.
    pub y: f64,
    /// The glyph's height on the page (font size after the matrices).
    pub size: f64,
    pub text: String,
}

/// A straight ruling segment (a stroked line, or the edge of a rectangle), PDF units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// One page as read.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Whether the page paints an image (a scan when it has no text).
    pub images: usize,
}

/// Reads a PDF into the neutral document.
pub fn read_pdf(
    file: &str,
    bytes: &[u8],
    budget: &mut ReadBudget,
) -> Result<Document, ImportError> {
    let pages = read_pages(file, bytes, &PdfLimits::default(), budget)?;
    let doc = super::pdf_layout::layout(&pages);
    charge(&doc, budget)?;
    Ok(doc)
}

/// The rows and cells laid out (their text was charged glyph by glyph).
fn charge(doc: &Document, budget: &mut ReadBudget) -> Result<(), ImportError> {
    for block in &doc.blocks {
        match block {
            super::document::Block::Table(t) => {
                for row in &t.rows {
                    budget.charge_row()?;
                    budget.charge_cells(row.cells.len() as u64)?;
                }
            }
            _ => budget.charge_row()?,
        }
    }
    Ok(())
}

/// Reads the pages' glyphs and rulings.
pub fn read_pages(
    file: &str,
    bytes: &[u8],
    limits: &PdfLimits,
    budget: &mut ReadBudget,
) -> Result<Vec<Page>, ImportError> {
    let stream_bytes = usize::try_from(budget.limits().unpacked_bytes).unwrap_or(usize::MAX);
    let corrupt = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail,
    };
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(stream_bytes),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ImportError::Encrypted {
            file: file.to_string(),
        },
        e => corrupt(format!("PDF файлът не може да бъде прочетен ({e})")),
    })?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(ImportError::Encrypted {
            file: file.to_string(),
        });
    }
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(corrupt("PDF файлът няма страници".into()));
    }
    if page_ids.len() > limits.pages {
        return Err(ImportError::Invalid {
            file: file.to_string(),
            at: "целият файл".into(),
            detail: format!(
                "PDF файлът има {} страници; най-много {} се четат",
                page_ids.len(),
                limits.pages
            ),
        });
    }
    let mut reader = Reader {
        doc: &doc,
        limits,
        stream_bytes,
        fonts: HashMap::new(),
        budget,
        over: None,
    };
    let mut pages = Vec::with_capacity(page_ids.len());
    for (n, (_, id)) in page_ids.iter().enumerate() {
        let page = reader.page(n + 1, *id);
        if let Some(e) = reader.over.take() {
            return Err(e);
        }
        pages.push(page.map_err(|detail| corrupt(format!("страница {}: {detail}", n + 1)))?);
    }
    let has_text = pages
        .iter()
        .any(|p| p.glyphs.iter().any(|g| !g.text.trim().is_empty()));
    if !has_text {
        let scanned = pages.iter().any(|p| p.images > 0);
        return Err(ImportError::UnknownFormat {
            file: file.to_string(),
            detail: if scanned {
                "PDF файлът съдържа само изображения (сканиран документ) и няма текстов слой: \
                 разпознайте текста му (OCR) или качете документа като DOCX или текстов PDF"
                    .into()
            } else {
                "PDF файлът няма текст".into()
            },
        });
    }
    Ok(pages)
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// a × b (PDF's row-vector convention: a point is transformed by a, then by b).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// What a font needs for placing and decoding its glyphs.
struct Font {
    two_bytes: bool,
    /// Unicode text of each code, decoded once.
    decode: HashMap<u32, String>,
    unicode: Option<Encoding<'static>>,
    simple: Option<Vec<String>>,
    widths: HashMap<u32, f64>,
    default_width: f64,
}

impl Font {
    fn text(&mut self, code: u32) -> String {
        if let Some(t) = self.decode.get(&code) {
            return t.clone();
        }
        let bytes: Vec<u8> = if self.two_bytes {
            vec![(code >> 8) as u8, code as u8]
        } else {
            vec![code as u8]
        };
        let mut text = self
            .unicode
            .as_ref()
            .and_then(|e| e.bytes_to_string(&bytes).ok())
            .filter(|t| !t.contains('\u{fffd}'))
            .or_else(|| {
                self.simple
                    .as_ref()
                    .and_then(|s| s.get(code as usize).cloned())
            })
            .unwrap_or_default();
        text.retain(|c| c != '\0');
        self.decode.insert(code, text.clone());
        text
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
            / 1000.0
    }
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

struct Reader<'a, 'b> {
    doc: &'a lopdf::Document,
    limits: &'a PdfLimits,
    stream_bytes: usize,
    fonts: HashMap<usize, Font>,
    budget: &'b mut ReadBudget,
    /// The budget refusal that stopped the page, if one did.
    over: Option<ImportError>,
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<usize>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for State {
    fn default() -> Self {
        State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

impl<'a> Reader<'a, '_> {
    fn deref(&self, o: &'a Object) -> &'a Object {
        match o {
            Object::Reference(id) => self.doc.get_object(*id).unwrap_or(o),
            _ => o,
        }
    }

    fn dict(&self, o: &'a Object) -> Option<&'a Dictionary> {
        self.deref(o).as_dict().ok()
    }

    fn page(&mut self, number: usize, id: ObjectId) -> Result<Page, String> {
        let page_dict = self
            .doc
            .get_dictionary(id)
            .map_err(|e| format!("страницата не може да бъде прочетена ({e})"))?;
        let media = self.media_box(id);
        let mut page = Page {
            number,
            width: media[2] - media[0],
            height: media[3] - media[1],
            ..Page::default()
        };
        let mut content = Vec::new();
        for cid in self.doc.get_page_contents(id) {
            if let Ok(stream) = self.doc.get_object(cid).and_then(Object::as_stream) {
                let data = stream
                    .get_plain_content_with_limit(self.stream_bytes)
                    .or_else(|_| {
                        stream
                            .content
                            .len()
                            .le(&self.stream_bytes)
                            .then(|| stream.content.clone())
                            .ok_or(())
                    })
                    .map_err(|_| "съдържанието на страницата е твърде голямо".to_string())?;
                // Every page's content counts towards the unpacked limit of the whole file.
                if std::io::copy(&mut self.budget.counted(&data[..]), &mut std::io::sink()).is_err()
                    || self.budget.unpacked_over()
                {
                    self.over = Some(self.budget.over(super::budget::Limit::UnpackedBytes));
                    return Err("съдържанието на страниците е твърде голямо".into());
                }
                content.extend_from_slice(&data);
                content.push(b'\n');
            }
        }
        let resources = self.resources(page_dict);
        let mut ops = 0usize;
        let base: Matrix = [1.0, 0.0, 0.0, 1.0, -media[0], -media[1]];
        self.run(&content, resources, base, &mut page, &mut ops, 0)?;
        Ok(page)
    }

    fn media_box(&self, id: ObjectId) -> [f64; 4] {
        let mut current = self.doc.get_dictionary(id).ok();
        let mut hops = 0;
        while let Some(d) = current {
            if let Ok(arr) = d
                .get(b"MediaBox")
                .map(|o| self.deref(o))
                .and_then(Object::as_array)
            {
                let v: Vec<f64> = arr.iter().filter_map(|o| number(self.deref(o))).collect();
                if v.len() == 4 {
                    return [
                        v[0].min(v[2]),
                        v[1].min(v[3]),
                        v[0].max(v[2]),
                        v[1].max(v[3]),
                    ];
                }
            }
            hops += 1;
            if hops > 32 {
                break;
            }
            current = d.get(b"Parent").ok().and_then(|p| self.dict(p));
        }
        [0.0, 0.0, 595.0, 842.0]
    }

    /// The page's resources, inherited from its parents when it has none.
    fn resources(&self, page: &'a Dictionary) -> Option<&'a Dictionary> {
        let mut current = Some(page);
        let mut hops = 0;
        while let Some(d) = current {
            if let Some(r) = d.get(b"Resources").ok().and_then(|r| self.dict(r)) {
                return Some(r);
            }
            hops += 1;
            if hops > 32 {
                break;
            }
            current = d.get(b"Parent").ok().and_then(|p| self.dict(p));
        }
        None
    }

    fn font_for(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<usize> {
        let fonts = resources?.get(b"Font").ok().and_then(|f| self.dict(f))?;
        let font = fonts.get(name).ok().and_then(|f| self.dict(f))?;
        let key = font as *const Dictionary as usize;
        if !self.fonts.contains_key(&key) {
            let f = self.load_font(font);
            self.fonts.insert(key, f);
        }
        Some(key)
    }

    fn load_font(&self, font: &'a Dictionary) -> Font {
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let two_bytes = subtype == b"Type0";
        // The ToUnicode map wins over the encoding (lopdf prefers the encoding when both are
        // present; a subset TrueType font's WinAnsi encoding says nothing of its Cyrillic).
        let unicode = if font.has(b"ToUnicode") {
            let mut only = font.clone();
            only.remove(b"Encoding");
            match only.get_font_encoding(self.doc) {
                Ok(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
                _ => None,
            }
        } else {
            None
        };
        let simple = (!two_bytes).then(|| {
            let enc = font.get_font_encoding(self.doc).ok();
            (0u32..256)
                .map(|c| {
                    enc.as_ref()
                        .and_then(|e| e.bytes_to_string(&[c as u8]).ok())
                        .unwrap_or_default()
                })
                .collect()
        });
        let mut widths = HashMap::new();
        let mut default_width = 500.0;
        if two_bytes {
            default_width = 1000.0;
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .map(|o| self.deref(o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|d| self.dict(d));
            if let Some(d) = descendant {
                if let Some(dw) = d.get(b"DW").ok().and_then(|o| number(self.deref(o))) {
                    default_width = dw;
                }
                if let Some(w) = d
                    .get(b"W")
                    .ok()
                    .map(|o| self.deref(o))
                    .and_then(|o| o.as_array().ok())
                {
                    self.cid_widths(w, &mut widths);
                }
            }
        } else {
            let first = font
                .get(b"FirstChar")
                .ok()
                .and_then(|o| number(self.deref(o)))
                .unwrap_or(0.0) as u32;
            if let Some(w) = font
                .get(b"Widths")
                .ok()
                .map(|o| self.deref(o))
                .and_then(|o| o.as_array().ok())
            {
                for (i, o) in w.iter().enumerate().take(256) {
                    if let Some(v) = number(self.deref(o)) {
                        widths.insert(first + i as u32, v);
                    }
                }
            }
        }
        Font {
            two_bytes,
            decode: HashMap::new(),
            unicode,
            simple,
            widths,
            default_width,
        }
    }

    /// The /W array of a CID font: `c [w1 w2 …]` or `c_first c_last w`.
    fn cid_widths(&self, w: &[Object], out: &mut HashMap<u32, f64>) {
        let mut i = 0;
        while i < w.len() && out.len() < 70_000 {
            let Some(first) = number(self.deref(&w[i])) else {
                break;
            };
            let first = first.max(0.0) as u32;
            match w.get(i + 1).map(|o| self.deref(o)) {
                Some(Object::Array(list)) => {
                    for (k, o) in list.iter().enumerate().take(65_536) {
                        if let Some(v) = number(self.deref(o)) {
                            out.insert(first + k as u32, v);
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let last = number(o).unwrap_or(0.0).max(0.0) as u32;
                    let v = w
                        .get(i + 2)
                        .and_then(|o| number(self.deref(o)))
                        .unwrap_or(0.0);
                    for c in first..=last.min(first.saturating_add(65_536)) {
                        out.insert(c, v);
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        base: Matrix,
        page: &mut Page,
        ops: &mut usize,
        depth: usize,
    ) -> Result<(), String> {
        let content = Content::decode(content)
            .map_err(|e| format!("съдържанието на страницата е повредено ({e})"))?;
        let mut gs = State {
            ctm: base,
            ..State::default()
        };
        let mut stack: Vec<State> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path: Vec<Segment> = Vec::new();
        let mut start = (0.0, 0.0);
        let mut current = (0.0, 0.0);
        for op in &content.operations {
            *ops += 1;
            if *ops > self.limits.operators {
                return Err(format!(
                    "страницата има повече от {} операции",
                    self.limits.operators
                ));
            }
            let nums: Vec<f64> = op.operands.iter().filter_map(number).collect();
            let n = |i: usize| nums.get(i).copied().unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" if nums.len() == 6 => {
                    gs.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &gs.ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    gs.size = n(0);
                    gs.font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.font_for(resources, name));
                }
                "Tc" => gs.char_spacing = n(0),
                "Tw" => gs.word_spacing = n(0),
                "Tz" => gs.scale = n(0) / 100.0,
                "TL" => gs.leading = n(0),
                "Ts" => gs.rise = n(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -n(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" if nums.len() == 6 => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator == "'" || op.operator == "\"" {
                        if op.operator == "\"" {
                            gs.word_spacing = n(0);
                            gs.char_spacing = n(1);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                        tm = tlm;
                    }
                    for operand in &op.operands {
                        match operand {
                            Object::String(bytes, _) => {
                                self.show(bytes, &gs, &mut tm, page)?;
                            }
                            Object::Array(items) => {
                                for item in items {
                                    match item {
                                        Object::String(bytes, _) => {
                                            self.show(bytes, &gs, &mut tm, page)?
                                        }
                                        o => {
                                            if let Some(adj) = number(o) {
                                                let tx = -adj / 1000.0 * gs.size * gs.scale;
                                                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                            }
                                        }
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "m" => {
                    current = (n(0), n(1));
                    start = current;
                }
                "l" => {
                    let to = (n(0), n(1));
                    path.push(segment(&gs.ctm, current, to));
                    current = to;
                }
                "c" => current = (n(4), n(5)),
                "v" | "y" => current = (n(2), n(3)),
                "h" => {
                    if current != start {
                        path.push(segment(&gs.ctm, current, start));
                    }
                    current = start;
                }
                "re" => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
                    for k in 0..4 {
                        path.push(segment(&gs.ctm, corners[k], corners[(k + 1) % 4]));
                    }
                    current = (x, y);
                    start = current;
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    if page.segments.len() + path.len() <= 1_000_000 {
                        page.segments.append(&mut path);
                    }
                    path.clear();
                }
                "n" => path.clear(),
                "BI" | "ID" | "EI" => page.images += 1,
                "Do" => {
                    let name = op.operands.first().and_then(|o| o.as_name().ok());
                    if let Some(name) = name {
                        self.x_object(name, resources, &gs, page, ops, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn x_object(
        &mut self,
        name: &[u8],
        resources: Option<&'a Dictionary>,
        gs: &State,
        page: &mut Page,
        ops: &mut usize,
        depth: usize,
    ) -> Result<(), String> {
        let Some(stream) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| self.dict(x))
            .and_then(|x| x.get(name).ok())
            .map(|o| self.deref(o))
            .and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => page.images += 1,
            Ok(b"Form") => {
                if let Err(e) = self.budget.check_depth(depth + 1) {
                    self.over = Some(e);
                    return Err("формите са вложени твърде дълбоко".into());
                }
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| m.as_array().ok())
                    .map(|a| a.iter().filter_map(number).collect::<Vec<_>>())
                    .filter(|v| v.len() == 6)
                    .map(|v| [v[0], v[1], v[2], v[3], v[4], v[5]])
                    .unwrap_or(IDENTITY);
                let inner = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| self.dict(r))
                    .or(resources);
                let data = stream
                    .get_plain_content_with_limit(self.stream_bytes)
                    .unwrap_or_else(|_| stream.content.clone());
                self.run(&data, inner, mul(&matrix, &gs.ctm), page, ops, depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn show(
        &mut self,
        bytes: &[u8],
        gs: &State,
        tm: &mut Matrix,
        page: &mut Page,
    ) -> Result<(), String> {
        let Some(key) = gs.font else {
            return Ok(());
        };
        let Some(font) = self.fonts.get_mut(&key) else {
            return Ok(());
        };
        let step = if font.two_bytes { 2 } else { 1 };
        for chunk in bytes.chunks(step) {
            let code = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            let text = font.text(code);
            let w0 = font.width(code);
            let mut tx = w0 * gs.size + gs.char_spacing;
            if step == 1 && code == 32 {
                tx += gs.word_spacing;
            }
            tx *= gs.scale;
            let trm = mul(
                &mul(&[gs.size * gs.scale, 0.0, 0.0, gs.size, 0.0, gs.rise], tm),
                &gs.ctm,
            );
            let (x0, y) = (trm[4], trm[5]);
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
            let end = mul(&mul(&[1.0, 0.0, 0.0, 1.0, 0.0, gs.rise], tm), &gs.ctm);
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            if text.is_empty() {
                continue;
            }
            if let Err(e) = self.budget.charge_text(text.len()) {
                self.over = Some(e);
                return Err("текстът е твърде голям".into());
            }
            page.glyphs.push(Glyph {
                x0,
                x1: end[4].max(x0),
                y,
                size,
                text,
            });
        }
        Ok(())
    }
}

fn segment(ctm: &Matrix, from: (f64, f64), to: (f64, f64)) -> Segment {
    let (x0, y0) = apply(ctm, from.0, from.1);
    let (x1, y1) = apply(ctm, to.0, to.1);
    Segment { x0, y0, x1, y1 }
}
