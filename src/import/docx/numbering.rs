//! List numbering of a DOCX (`word/numbering.xml`), enough to render simple list markers
//! ("1.", "а)", "iv.", "•") in front of numbered paragraphs.

use super::{attr, local};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

/// The longest level text (`%1.`, `%1.%2)`) read: Word allows far fewer characters; a marker
/// is made of it for every numbered paragraph.
const MAX_LEVEL_TEXT: usize = 32;

/// Numbering definitions, enough to render simple list numbers ("1.", "а)", "•").
#[derive(Default)]
pub(super) struct Numbering {
    /// numId → abstractNumId
    nums: HashMap<String, String>,
    /// (abstractNumId, level) → (format, level text)
    levels: HashMap<(String, u8), (String, String)>,
    /// Running counters of each numId, by level (0: not counted yet).
    counters: HashMap<String, Vec<u32>>,
}

impl Numbering {
    pub(super) fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abs: Option<String> = None;
        let mut lvl: Option<u8> = None;
        let mut num: Option<String> = None;
        let (mut fmt, mut text) = (String::new(), String::new());
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(e.name().as_ref()) {
                    "abstractNum" => abs = attr(&e, "abstractNumId"),
                    "lvl" => {
                        lvl = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                        fmt.clear();
                        text.clear();
                    }
                    "numFmt" => fmt = attr(&e, "val").unwrap_or_default(),
                    // Word writes a few characters here; a longer text is no simple marker.
                    "lvlText" => {
                        text = attr(&e, "val")
                            .filter(|t| t.chars().count() <= MAX_LEVEL_TEXT)
                            .unwrap_or_default()
                    }
                    "num" => num = attr(&e, "numId"),
                    "abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num, attr(&e, "val")) {
                            n.nums.insert(id.clone(), a);
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match local(e.name().as_ref()) {
                    "lvl" => {
                        if let (Some(a), Some(l)) = (&abs, lvl) {
                            n.levels.insert((a.clone(), l), (fmt.clone(), text.clone()));
                        }
                        lvl = None;
                    }
                    "abstractNum" => abs = None,
                    "num" => num = None,
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        n
    }

    /// The marker of the next item of list `num_id` at `level`, or None when the numbering is
    /// not simple enough to render.
    pub(super) fn next_marker(&mut self, num_id: &str, level: u8) -> Option<String> {
        let abs = self.nums.get(num_id)?.clone();
        let counters = self.counters.entry(num_id.to_string()).or_default();
        let at = usize::from(level);
        if counters.len() <= at {
            counters.resize(at + 1, 0);
        }
        counters[at] = counters[at].saturating_add(1);
        let value = counters[at];
        // A new item resets the deeper levels.
        counters.truncate(at + 1);
        let counters = counters.clone();
        let (fmt, text) = self.levels.get(&(abs.clone(), level))?.clone();
        if fmt == "bullet" {
            return Some("•".to_string());
        }
        if fmt == "none" || text.is_empty() {
            return None;
        }
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let l = chars.next()?.to_digit(10)? as u8;
            let l = l.checked_sub(1)?;
            let v = if l == level {
                value
            } else {
                counters
                    .get(usize::from(l))
                    .copied()
                    .filter(|&v| v > 0)
                    .unwrap_or(1)
            };
            let lfmt = &self.levels.get(&(abs.clone(), l))?.0;
            out.push_str(&format_number(lfmt, v)?);
        }
        Some(out)
    }
}

fn format_number(fmt: &str, v: u32) -> Option<String> {
    const BG: &[char] = &[
        'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т',
        'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'ю', 'я',
    ];
    let letter = |set: &[char]| set.get((v as usize).checked_sub(1)?).map(|c| c.to_string());
    let latin: Vec<char> = ('a'..='z').collect();
    match fmt {
        "decimal" | "" => Some(v.to_string()),
        "decimalZero" => Some(format!("{v:02}")),
        "lowerLetter" => letter(&latin),
        "upperLetter" => letter(&latin).map(|s| s.to_uppercase()),
        "russianLower" | "bulgarianLower" => letter(BG),
        "russianUpper" | "bulgarianUpper" => letter(BG).map(|s| s.to_uppercase()),
        "lowerRoman" => roman(v).map(|s| s.to_lowercase()),
        "upperRoman" => roman(v),
        _ => None,
    }
}

fn roman(mut v: u32) -> Option<String> {
    if v == 0 || v > 3999 {
        return None;
    }
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (n, s) in table {
        while v >= n {
            out.push_str(s);
            v -= n;
        }
    }
    Some(out)
}
