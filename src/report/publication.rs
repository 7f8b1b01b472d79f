//! The report as a publication on the portal's pages: the same blocks the DOCX, the PDF and
//! the HTML document print ([`Document`]), grouped into sections under their chapter
//! headings, with a contents list, tables that become cards on a phone and charts drawn
//! twice (wide and for a phone's width), as an HTML fragment the page puts in its layout.
//! The fragment is the report's own text: it is marked `lang="bg"` as a whole.

use super::blocks::{Block, CONTENTS, Document, TitlePage};
use askama::Template;

/// A heading as the contents list and its section name it.
pub struct Entry {
    pub text: String,
    pub anchor: String,
}

/// A block with its position (the anchors) and, for a figure, its chart as SVG (wide, narrow).
pub struct Item<'a> {
    pub index: usize,
    pub block: &'a Block,
    pub svgs: Option<(String, String)>,
}

/// A chapter: its level-1 heading and the blocks up to the next; the blocks before the first
/// chapter (the contents) have none.
pub struct Section<'a> {
    pub heading: Option<Entry>,
    pub items: Vec<Item<'a>>,
}

#[derive(Template)]
#[template(path = "report/publication.html")]
struct Publication<'a> {
    title: &'a str,
    title_page: Option<&'a TitlePage>,
    contents_title: &'static str,
    contents: Vec<Entry>,
    sections: Vec<Section<'a>>,
}

fn anchor(index: usize) -> String {
    format!("s-{index}")
}

/// The document as an HTML fragment for a page of the site.
pub fn render(d: &Document) -> Result<String, askama::Error> {
    let mut sections = vec![Section {
        heading: None,
        items: Vec::new(),
    }];
    let mut contents = Vec::new();
    let mut title_page = None;
    for (index, block) in d.blocks.iter().enumerate() {
        match block {
            Block::TitlePage(t) => title_page = Some(t),
            Block::PageBreak => {}
            Block::Heading { level, text } if *level <= 1 => {
                let entry = || Entry {
                    text: text.clone(),
                    anchor: anchor(index),
                };
                contents.push(entry());
                sections.push(Section {
                    heading: Some(entry()),
                    items: Vec::new(),
                });
            }
            _ => {
                let svgs = match block {
                    Block::Figure { chart, .. } => Some(chart.svgs()?),
                    _ => None,
                };
                if let Some(s) = sections.last_mut() {
                    s.items.push(Item { index, block, svgs });
                }
            }
        }
    }
    Publication {
        title: &d.title,
        title_page,
        contents_title: CONTENTS,
        contents,
        sections,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::sample::sample_round;

    fn document() -> Document {
        let plan = crate::demo::seed_plans().expect("seed plans").remove(0);
        let snap = sample_round(1, 1, &plan, plan.period.from);
        crate::report::build(
            &snap,
            &[],
            &crate::report::Narrative::default(),
            "Проект".into(),
            true,
            &|s: &str| s.to_string(),
        )
        .document()
    }

    #[test]
    fn every_chapter_is_a_section_named_in_the_contents() {
        let d = document();
        let html = render(&d).expect("render");
        let chapters: Vec<&String> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 1, text } => Some(text),
                _ => None,
            })
            .collect();
        assert!(chapters.len() >= 5);
        let page = scraper::Html::parse_fragment(&html);
        let texts = |css: &str| -> Vec<String> {
            let sel = scraper::Selector::parse(css).expect("selector");
            page.select(&sel).map(|e| e.text().collect()).collect()
        };
        let headings = texts("section > h2");
        let listed = texts("nav.pub-toc li a");
        assert_eq!(headings.iter().collect::<Vec<_>>(), chapters);
        assert_eq!(listed, headings);
        assert_eq!(
            html.matches("<section ").count(),
            chapters.len(),
            "one section per chapter"
        );
        assert!(html.starts_with("<article class=\"publication-body\" lang=\"bg\""));
        // Each chart twice (wide and narrow) with its table once.
        let figures = d
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Figure { .. }))
            .count();
        assert_eq!(html.matches("<svg ").count(), 2 * figures);
        assert_eq!(html.matches("class=\"chart-narrow\"").count(), figures);
    }
}
