//! Paragraph styles of a DOCX (`word/styles.xml`): which styles make a paragraph a heading,
//! and which number their paragraphs (a heading style linked to a list: "1. Образование").

use super::{attr, local};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub(super) struct Styles {
    /// Style id → heading level: styles with an outline level or named "heading N" / "Title".
    pub headings: HashMap<String, u8>,
    /// Style id → the list (numId) and level its paragraphs are numbered in.
    pub numbered: HashMap<String, (String, u8)>,
}

impl Styles {
    pub(super) fn parse(xml: &str) -> Styles {
        let mut out = Styles::default();
        let mut reader = Reader::from_str(xml);
        let mut current: Option<String> = None;
        let mut num: Option<(Option<String>, u8)> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(e.name().as_ref()) {
                    "style" => current = attr(&e, "styleId"),
                    "name" => {
                        if let (Some(id), Some(name)) = (&current, attr(&e, "val"))
                            && let Some(l) = heading_level(&name)
                        {
                            out.headings.insert(id.clone(), l);
                        }
                    }
                    "outlineLvl" => {
                        if let (Some(id), Some(l)) = (&current, attr(&e, "val"))
                            && let Ok(l) = l.parse::<u8>()
                            && l < 6
                        {
                            out.headings.entry(id.clone()).or_insert(l + 1);
                        }
                    }
                    "numPr" if current.is_some() => num = Some((None, 0)),
                    "numId" => {
                        if let Some((id, _)) = num.as_mut() {
                            *id = attr(&e, "val");
                        }
                    }
                    "ilvl" => {
                        if let Some((_, level)) = num.as_mut() {
                            *level = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match local(e.name().as_ref()) {
                    "style" => current = None,
                    "numPr" => {
                        if let (Some(style), Some((Some(id), level))) = (&current, num.take())
                            && id != "0"
                        {
                            out.numbered.insert(style.clone(), (id, level));
                        }
                    }
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        out
    }
}

fn heading_level(name: &str) -> Option<u8> {
    let name = name.to_lowercase();
    let level = if name == "title" {
        Some(1)
    } else {
        name.strip_prefix("heading ")
            .and_then(|n| n.trim().parse::<u8>().ok())
    };
    level.filter(|l| (1..=6).contains(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_styles_and_styles_that_number_their_paragraphs_are_read() {
        let s = Styles::parse(
            r#"<w:styles xmlns:w="w">
              <w:style w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>
              <w:style w:styleId="Zag"><w:name w:val="Заглавие на мярка"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
              <w:style w:styleId="Measure"><w:name w:val="Мярка"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="4"/></w:numPr></w:pPr></w:style>
              <w:style w:styleId="Off"><w:name w:val="Без номер"/><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr></w:style>
            </w:styles>"#,
        );
        assert_eq!(s.headings.get("Heading1"), Some(&1));
        assert_eq!(s.headings.get("Zag"), Some(&3));
        assert_eq!(s.headings.get("Measure"), None);
        assert_eq!(s.numbered.get("Heading1"), Some(&("4".to_string(), 0)));
        assert_eq!(s.numbered.get("Measure"), Some(&("4".to_string(), 1)));
        assert_eq!(s.numbered.get("Off"), None);
    }
}
