//! Fonts as the reader needs them: each code's Unicode text (the ToUnicode map first, then the
//! encoding) and its advance width, for simple and composite (CID) fonts.

use super::content::{Reader, number};
use lopdf::{Dictionary, Encoding, Object};
use std::collections::HashMap;

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
}
