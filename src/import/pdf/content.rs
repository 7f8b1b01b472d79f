//! The content operators of a page (and of the forms it paints): text placed glyph by glyph
//! through the text and graphics matrices, paths stroked or filled kept as ruling segments,
//! images counted.

use super::font::Font;
use super::{Glyph, Page, PdfLimits, Segment};
use crate::import::ImportError;
use crate::import::budget::ReadBudget;
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;

pub(super) type Matrix = [f64; 6];
pub(super) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

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

pub(super) fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

pub(super) struct Reader<'a, 'b> {
    pub(super) doc: &'a lopdf::Document,
    pub(super) limits: &'a PdfLimits,
    pub(super) stream_bytes: usize,
    pub(super) fonts: HashMap<usize, Font>,
    pub(super) budget: &'b mut ReadBudget,
    /// The budget refusal that stopped the page, if one did.
    pub(super) over: Option<ImportError>,
    /// Glyphs placed so far in the whole file (bounded by `PdfLimits::glyphs`).
    pub(super) glyphs: usize,
    /// Ruling segments kept so far in the whole file (at most [`SEGMENTS`]).
    pub(super) segments: usize,
    /// Code entries of the ToUnicode maps read so far (at most
    /// [`super::font::TO_UNICODE_CODES`]).
    pub(super) to_unicode_codes: u64,
    /// Forms unpacked so far, by their stream: a form painted again (or painting itself) is
    /// unpacked, and charged to the budget, once.
    pub(super) forms: HashMap<usize, Rc<Vec<u8>>>,
    /// Bytes of content interpreted so far in the whole file, forms each time they are
    /// painted (at most [`INTERPRETED`]).
    pub(super) interpreted: usize,
    /// Content operators interpreted so far in the whole file.
    pub(super) operators: usize,
}

/// The most one content stream of a page may unpack to (a page of a plan has well under a
/// megabyte; the operations of this much are decoded a piece at a time).
const PAGE_STREAM: usize = 16 << 20;

/// The most ruling segments kept from a file (32 bytes each), and in one unpainted path.
const SEGMENTS: usize = 1_000_000;
const PATH_SEGMENTS: usize = 100_000;

/// The most bytes of content the reader interprets for one file, forms counted each time they
/// are painted: a form of a few MB painted on every page, or painting itself at every level of
/// nesting, would otherwise be read again and again (a plan's pages have well under a MB each).
pub(super) const INTERPRETED: usize = 128 << 20;

/// The deepest forms may paint forms (each level holds a piece of its content decoded, some
/// MB; real files nest a few levels).
const FORM_DEPTH: usize = 24;

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
    pub(super) fn deref(&self, o: &'a Object) -> &'a Object {
        match o {
            Object::Reference(id) => self.doc.get_object(*id).unwrap_or(o),
            _ => o,
        }
    }

    pub(super) fn dict(&self, o: &'a Object) -> Option<&'a Dictionary> {
        self.deref(o).as_dict().ok()
    }

    pub(super) fn page(&mut self, number: usize, id: ObjectId) -> Result<Page, String> {
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
                // Unpacked no further than what is left of the file's unpacked limit.
                let limits = self.budget.limits();
                let room = limits.unpacked_bytes.saturating_sub(self.budget.unpacked());
                let room = usize::try_from(room).unwrap_or(usize::MAX);
                let cap = room.min(self.stream_bytes).min(PAGE_STREAM);
                let data = match stream.get_plain_content_with_limit(cap) {
                    Ok(data) => data,
                    Err(lopdf::Error::Decompress(
                        lopdf::DecompressError::MemoryLimitExceeded { .. },
                    )) if cap < PAGE_STREAM => {
                        let over = crate::import::budget::Limit::UnpackedBytes;
                        self.over = Some(self.budget.over(over));
                        return Err("съдържанието на страниците е твърде голямо".into());
                    }
                    Err(lopdf::Error::Decompress(
                        lopdf::DecompressError::MemoryLimitExceeded { .. },
                    )) => {
                        let detail = format!(
                            "съдържанието на страницата се разопакова до повече от {} MB",
                            PAGE_STREAM >> 20
                        );
                        return Err(self.refuse(format!("страница {number}"), detail));
                    }
                    // A filter lopdf does not know: the bytes as they are.
                    Err(_) => stream
                        .content
                        .len()
                        .le(&self.stream_bytes)
                        .then(|| stream.content.clone())
                        .ok_or_else(|| "съдържанието на страницата е твърде голямо".to_string())?,
                };
                // Every page's content counts towards the unpacked limit of the whole file.
                if std::io::copy(&mut self.budget.counted(&data[..]), &mut std::io::sink()).is_err()
                    || self.budget.unpacked_over()
                {
                    self.over = Some(
                        self.budget
                            .over(crate::import::budget::Limit::UnpackedBytes),
                    );
                    return Err("съдържанието на страниците е твърде голямо".into());
                }
                content.extend_from_slice(&data);
                content.push(b'\n');
            }
        }
        if !self.interpret(content.len(), number) {
            return Err("съдържанието на страниците е твърде голямо".into());
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
        for op in super::pieces::Operations::new(content) {
            let op = op?;
            *ops += 1;
            self.operators += 1;
            if self.operators > self.limits.file_operators {
                let detail = format!(
                    "PDF файлът има повече от {} операции",
                    crate::import::budget::group_thousands(self.limits.file_operators as u64)
                );
                return Err(self.refuse("целият файл".into(), detail));
            }
            if *ops > self.limits.operators {
                let at = format!("страница {}", page.number);
                let detail = format!(
                    "страницата има повече от {} операции",
                    self.limits.operators
                );
                return Err(self.refuse(at, detail));
            }
            // A path never painted grows no further than its share.
            path.truncate(PATH_SEGMENTS);
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
                    if self.over.is_some() {
                        return Err("шрифтовете на страницата са твърде големи".into());
                    }
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
                    // Rulings beyond the file's share are dropped (they only shape tables).
                    if self.segments + path.len() <= SEGMENTS {
                        self.segments += path.len();
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
                if depth + 1 > FORM_DEPTH {
                    let detail =
                        format!("формите на страницата са вложени повече от {FORM_DEPTH} нива");
                    return Err(self.refuse(format!("страница {}", page.number), detail));
                }
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
                let data = self.form_content(stream)?;
                if !self.interpret(data.len(), page.number) {
                    return Err("формите на страницата са твърде големи".into());
                }
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
            self.glyphs += 1;
            if self.glyphs > self.limits.glyphs {
                let detail = format!(
                    "PDF файлът има повече от {} знака текст (най-много толкова се четат)",
                    self.limits.glyphs
                );
                return Err(self.refuse("целият файл".into(), detail));
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

impl Reader<'_, '_> {
    /// The unpacked content of a form, unpacked (within [`PAGE_STREAM`] and the budget) the
    /// first time it is painted.
    fn form_content(&mut self, stream: &lopdf::Stream) -> Result<Rc<Vec<u8>>, String> {
        let key = stream as *const lopdf::Stream as usize;
        if let Some(data) = self.forms.get(&key) {
            return Ok(Rc::clone(data));
        }
        let data = match stream.get_plain_content_with_limit(self.stream_bytes.min(PAGE_STREAM)) {
            Ok(data) => data,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                let detail = format!(
                    "форма на страницата се разопакова до повече от {} MB",
                    PAGE_STREAM >> 20
                );
                return Err(self.refuse("форма".into(), detail));
            }
            // A filter lopdf does not know: the bytes as they are.
            Err(_) => stream.content.clone(),
        };
        if !self.charge_unpacked(data.len()) {
            return Err("съдържанието на формите е твърде голямо".into());
        }
        let data = Rc::new(data);
        self.forms.insert(key, Rc::clone(&data));
        Ok(data)
    }

    /// Charges `n` unpacked bytes to the budget; `false` (and `self.over` set) past its limit.
    pub(super) fn charge_unpacked(&mut self, n: usize) -> bool {
        match self.budget.charge_unpacked(n) {
            Ok(()) => true,
            Err(e) => {
                self.over = Some(e);
                false
            }
        }
    }

    /// Counts `n` bytes of content about to be interpreted on page `number`; `false` (and
    /// `self.over` set) past [`INTERPRETED`].
    fn interpret(&mut self, n: usize, number: usize) -> bool {
        self.interpreted = self.interpreted.saturating_add(n);
        if self.interpreted <= INTERPRETED {
            return true;
        }
        let detail = format!(
            "PDF файлът рисува повече от {} MB съдържание (форми, повтаряни на всяка страница \
             или в себе си, се броят всеки път)",
            INTERPRETED >> 20
        );
        self.refuse(format!("страница {number}"), detail);
        false
    }

    /// A limit of [`PdfLimits`] reached: the file is refused as too large (not as damaged),
    /// saying where and which limit.
    fn refuse(&mut self, at: String, detail: String) -> String {
        self.over = Some(ImportError::Invalid {
            file: self.budget.file().to_string(),
            at,
            detail: detail.clone(),
        });
        detail
    }
}

fn segment(ctm: &Matrix, from: (f64, f64), to: (f64, f64)) -> Segment {
    let (x0, y0) = apply(ctm, from.0, from.1);
    let (x1, y1) = apply(ctm, to.0, to.1);
    Segment { x0, y0, x1, y1 }
}
