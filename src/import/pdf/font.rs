//! Fonts as the reader needs them: each code's Unicode text (the ToUnicode map first, then the
//! encoding) and its advance width, for simple and composite (CID) fonts.

use super::content::{Reader, number};
use lopdf::{Dictionary, Encoding, Object, Stream};
use std::collections::HashMap;

/// The most a font's ToUnicode map may unpack to (a map of every glyph of a large font is a
/// few hundred KB); a larger one is not read.
const TO_UNICODE_BYTES: usize = 2 << 20;

/// The most code entries the ToUnicode maps of one file may make lopdf build. lopdf makes a
/// reverse entry (some 100 bytes) for every code of every range of a map, so one range over
/// four-byte codes, `<00000000> <FFFFFFFF>`, was four billion entries (3 GB and a minute
/// before the process died); a full two-byte range is 65,536.
pub(super) const TO_UNICODE_CODES: u64 = 1_000_000;

/// The most codes one font's /W array may set (CIDs are two bytes).
const CID_WIDTHS: usize = 70_000;

/// What a font needs for placing and decoding its glyphs.
pub(super) struct Font {
    pub(super) two_bytes: bool,
    /// Unicode text of each code, decoded once.
    decode: HashMap<u32, String>,
    unicode: Option<Encoding<'static>>,
    simple: Option<Vec<String>>,
    widths: HashMap<u32, f64>,
    default_width: f64,
}

impl Font {
    pub(super) fn text(&mut self, code: u32) -> String {
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

    pub(super) fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
            / 1000.0
    }
}

impl<'a> Reader<'a, '_> {
    pub(super) fn font_for(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Option<usize> {
        let fonts = resources?.get(b"Font").ok().and_then(|f| self.dict(f))?;
        let font = fonts.get(name).ok().and_then(|f| self.dict(f))?;
        let key = font as *const Dictionary as usize;
        if !self.fonts.contains_key(&key) {
            let font = self.with_safe_to_unicode(font)?;
            let f = self.load_font(&font);
            self.fonts.insert(key, f);
        }
        Some(key)
    }

    /// The font's dictionary with its ToUnicode map unpacked (within [`TO_UNICODE_BYTES`] and
    /// charged to the budget) and left out when lopdf would expand it past what the file may
    /// still use of [`TO_UNICODE_CODES`]. `None` when the budget ran out (`self.over` says so).
    fn with_safe_to_unicode(&mut self, font: &Dictionary) -> Option<Dictionary> {
        let mut safe = font.clone();
        let Some(stream) = font
            .get(b"ToUnicode")
            .ok()
            .map(|o| self.deref(o))
            .and_then(|o| o.as_stream().ok())
        else {
            safe.remove(b"ToUnicode");
            return Some(safe);
        };
        safe.remove(b"ToUnicode");
        let Ok(map) = stream.get_plain_content_with_limit(TO_UNICODE_BYTES) else {
            return Some(safe);
        };
        if !self.charge_unpacked(map.len()) {
            return None;
        }
        let codes = to_unicode_codes(&map);
        if codes <= TO_UNICODE_CODES.saturating_sub(self.to_unicode_codes) {
            self.to_unicode_codes += codes;
            safe.set(
                "ToUnicode",
                Object::Stream(Stream::new(Dictionary::new(), map)),
            );
        }
        Some(safe)
    }

    fn load_font(&self, font: &Dictionary) -> Font {
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
        // Codes set, counted again when set again (ranges over the same codes set them anew).
        let mut set = 0usize;
        while i < w.len() && set < CID_WIDTHS {
            let Some(first) = number(self.deref(&w[i])) else {
                break;
            };
            let first = first.max(0.0) as u32;
            match w.get(i + 1).map(|o| self.deref(o)) {
                Some(Object::Array(list)) => {
                    for (k, o) in list.iter().enumerate().take(CID_WIDTHS - set) {
                        if let Some(v) = number(self.deref(o)) {
                            out.insert(first.saturating_add(k as u32), v);
                        }
                    }
                    set += list.len().min(CID_WIDTHS);
                    i += 2;
                }
                Some(o) => {
                    let last = number(o).unwrap_or(0.0).max(0.0) as u32;
                    let v = w
                        .get(i + 2)
                        .and_then(|o| number(self.deref(o)))
                        .unwrap_or(0.0);
                    let room = (CID_WIDTHS - set) as u32;
                    let last = last.min(first.saturating_add(room));
                    for c in first..=last {
                        out.insert(c, v);
                    }
                    set += (last.saturating_sub(first) as usize).saturating_add(1);
                    i += 3;
                }
                None => break,
            }
        }
    }
}

/// How many code entries lopdf makes of a ToUnicode map: the codes its `bfrange` sections span
/// times the length of their targets (a reverse entry is made for each code, holding its
/// target), and one per `bfchar` line. Counted over every range as written, overlaps included,
/// so never less than lopdf makes.
pub(super) fn to_unicode_codes(map: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(map);
    // Comments say nothing of the map; the parser skips them too.
    let text: String = text
        .lines()
        .map(|l| l.split('%').next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut codes = 0u64;
    let mut rest = text.as_str();
    while let Some(at) = rest.find("beginbfrange") {
        let section = &rest[at + "beginbfrange".len()..];
        let end = section.find("endbfrange").unwrap_or(section.len());
        codes = codes.saturating_add(range_codes(&section[..end]));
        rest = &section[end..];
    }
    let mut rest = text.as_str();
    while let Some(at) = rest.find("beginbfchar") {
        let section = &rest[at + "beginbfchar".len()..];
        let end = section.find("endbfchar").unwrap_or(section.len());
        // Two hex strings a line: the code and its target.
        let strings = section[..end].matches('<').count() as u64;
        codes = codes.saturating_add(strings.div_ceil(2));
        rest = &section[end..];
    }
    codes
}

/// The codes of one `bfrange` section: `<lo> <hi> <target>` or `<lo> <hi> [<t1> <t2> …]`.
fn range_codes(section: &str) -> u64 {
    let mut codes = 0u64;
    let mut items: Vec<(u64, u64)> = Vec::new();
    let mut chars = section.char_indices().peekable();
    let mut in_array = false;
    let mut from_array = false;
    let mut array_len = 0u64;
    while let Some((i, c)) = chars.next() {
        match c {
            '<' => {
                let end = section[i..].find('>').map_or(section.len(), |e| i + e);
                let digits: String = section[i + 1..end]
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                while chars.peek().is_some_and(|(j, _)| *j <= end) {
                    chars.next();
                }
                let units = (digits.len() as u64).div_ceil(4).max(1);
                if in_array {
                    array_len = array_len.saturating_add(units);
                } else {
                    let value =
                        u64::from_str_radix(digits.get(..16.min(digits.len())).unwrap_or("0"), 16)
                            .unwrap_or(u64::MAX);
                    items.push((value, units));
                    from_array = false;
                }
            }
            '[' => {
                in_array = true;
                array_len = 0;
            }
            ']' => {
                in_array = false;
                items.push((0, array_len.max(1)));
                from_array = true;
            }
            _ => continue,
        }
        if items.len() == 3 {
            let (lo, _) = items[0];
            let (hi, _) = items[1];
            let (_, target) = items[2];
            let span = hi.saturating_sub(lo).saturating_add(1);
            // An array gives each code its own target: no more entries than it holds.
            let entries = if from_array {
                target
            } else {
                span.saturating_mul(target)
            };
            codes = codes.saturating_add(entries);
            items.clear();
        }
    }
    codes
}
