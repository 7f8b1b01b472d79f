//! List numbering of a DOCX (`word/numbering.xml`), enough to render simple list markers
//! ("1.", "а)", "iv.", "•") in front of numbered paragraphs.

use super::{attr, local};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

/// The longest level text (`%1.`, `%1.%2)`) read: Word allows far fewer characters; a marker
/// is made of it for every numbered paragraph.
const MAX_LEVEL_TEXT: usize = 32;

/// Numbering definitions, enough to render list numbers ("1.", "2.3.", "а)", "•").
///
/// As in Word, the lists (`w:num`) that share a definition (`w:abstractNum`) share its
/// counters: numbering goes on across them (a list continued in the next table) unless a
/// list restarts a level (`w:lvlOverride/w:startOverride`). A level counts from its `w:start`.
#[derive(Default)]
pub(super) struct Numbering {
    /// numId → abstractNumId
    nums: HashMap<String, String>,
    /// (abstractNumId, level) → (format, text, start)
    levels: HashMap<(String, u8), Level>,
    /// (numId, level) → the number the level restarts from when that list first uses it.
    overrides: HashMap<(String, u8), u32>,
    /// abstractNumId → the last number given at each level (0: not counted yet). A new item
    /// cuts the levels below it off, so one item costs its own level, not every list's.
    counters: HashMap<String, Vec<u32>>,
}

#[derive(Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

impl Numbering {
    pub(super) fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abs: Option<String> = None;
        let mut lvl: Option<u8> = None;
        let mut num: Option<String> = None;
        let mut override_level: Option<u8> = None;
        let mut level = Level::default();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(e.name().as_ref()) {
                    "abstractNum" => abs = attr(&e, "abstractNumId"),
                    "lvl" => {
                        lvl = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                        level = Level {
                            start: 1,
                            ..Level::default()
                        };
                    }
                    "numFmt" => level.format = attr(&e, "val").unwrap_or_default(),
                    // Word writes a few characters here; a longer text is no simple marker.
                    "lvlText" => {
                        level.text = attr(&e, "val")
                            .filter(|t| t.chars().count() <= MAX_LEVEL_TEXT)
                            .unwrap_or_default()
                    }
                    "start" => {
                        level.start = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(1)
                    }
                    "num" => num = attr(&e, "numId"),
                    "abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num, attr(&e, "val")) {
                            n.nums.insert(id.clone(), a);
                        }
                    }
                    "lvlOverride" => override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok()),
                    "startOverride" => {
                        if let (Some(id), Some(l), Some(start)) = (
                            &num,
                            override_level,
                            attr(&e, "val").and_then(|v| v.parse::<u32>().ok()),
                        ) {
                            n.overrides.insert((id.clone(), l), start);
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match local(e.name().as_ref()) {
                    "lvl" => {
                        if let (Some(a), Some(l)) = (&abs, lvl) {
                            n.levels.insert((a.clone(), l), std::mem::take(&mut level));
                        }
                        lvl = None;
                    }
                    "abstractNum" => abs = None,
                    "num" => num = None,
                    "lvlOverride" => override_level = None,
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        n
    }

    fn start_of(&self, abs: &str, level: u8) -> u32 {
        self.levels
            .get(&(abs.to_string(), level))
            .map_or(1, |v| v.start)
    }

    pub(super) fn next_marker(&mut self, num_id: &str, level: u8) -> Option<String> {
        let abs = self.nums.get(num_id)?.clone();
        let first = self.start_of(&abs, level);
        let restart = self.overrides.remove(&(num_id.to_string(), level));
        let counters = self.counters.entry(abs.clone()).or_default();
        let at = usize::from(level);
        if counters.len() <= at {
            counters.resize(at + 1, 0);
        }
        // A list restarting the level: once, when it first numbers at that level.
        if let Some(restart) = restart {
            counters[at] = restart.saturating_sub(1);
        } else if counters[at] == 0 {
            counters[at] = first.saturating_sub(1);
        }
        counters[at] = counters[at].saturating_add(1);
        let value = counters[at];
        // A new item restarts the levels below it.
        counters.truncate(at + 1);
        let counters = counters.clone();
        let Level { format, text, .. } = self.levels.get(&(abs.clone(), level))?.clone();
        if format == "bullet" {
            return Some("•".to_string());
        }
        if format == "none" || text.is_empty() {
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
                let above = counters.get(usize::from(l)).copied().filter(|&v| v > 0);
                above.unwrap_or_else(|| self.start_of(&abs, l))
            };
            let lfmt = &self.levels.get(&(abs.clone(), l))?.format;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-level definition "%1." / "%1.%2." starting at `start`, and the lists using it.
    fn numbering(start: u32, nums: &str) -> Numbering {
        Numbering::parse(&format!(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="1">
              <w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
              </w:abstractNum>{nums}</w:numbering>"#
        ))
    }

    fn markers(n: &mut Numbering, items: &[(&str, u8)]) -> Vec<String> {
        items
            .iter()
            .map(|(id, l)| n.next_marker(id, *l).unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_level_counts_from_its_start_and_a_sublevel_carries_its_parent_number() {
        let mut n = numbering(
            3,
            r#"<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>"#,
        );
        assert_eq!(
            markers(&mut n, &[("5", 0), ("5", 1), ("5", 1), ("5", 0), ("5", 1)]),
            ["3.", "3.1.", "3.2.", "4.", "4.1."]
        );
    }

    #[test]
    fn lists_of_one_definition_go_on_numbering_unless_one_restarts() {
        let mut n = numbering(
            1,
            r#"<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
               <w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>
               <w:num w:numId="7"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#,
        );
        // A list continued in the next table (another numId, same definition) goes on; one
        // restarting its first level starts again.
        assert_eq!(
            markers(
                &mut n,
                &[("5", 0), ("5", 1), ("6", 1), ("6", 0), ("7", 0), ("7", 1)]
            ),
            ["1.", "1.1.", "1.2.", "2.", "1.", "1.1."]
        );
    }
}
