//! The report as a tagged PDF (PDF/UA-1 checked by krilla): the shared blocks laid out on A4
//! (`layout`: headings, paragraphs hyphenated by `text`, lists, tables with header cells
//! repeated on every page, charts drawn as vectors by `chart` with alternative text), then
//! drawn with the DejaVu Sans fonts embedded as subsets, with title, author, language `bg`,
//! an outline of the chapters and a structure tree in reading order.

pub mod chart;
pub mod layout;
pub mod text;

use super::Report;
use super::blocks::Document as Printed;
use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ContentTag, Identifier, Node, SpanTag, TagGroup, TagTree};
use krilla::text::{Font, TextDirection};
use layout::{Layout, Mark, Op, PAGE_H, PAGE_W, Rgb};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("не мога да заредя шрифтовете за PDF")]
    Fonts,
    #[error("не мога да създам PDF: {0}")]
    Render(String),
    #[error("документът е по-дълъг от {} страници", layout::MAX_PAGES)]
    TooLong,
}

/// The document's language, for the catalog and the structure tree.
const LANG: &str = "bg";

/// The PDF of the municipal report.
pub fn render(r: &Report) -> Result<Vec<u8>, PdfError> {
    render_document(&r.document())
}

/// The PDF of a document.
pub fn render_document(r: &Printed) -> Result<Vec<u8>, PdfError> {
    let m = text::Metrics::new().ok_or(PdfError::Fonts)?;
    let blocks = &r.blocks;
    let header = r.header.clone();
    // Twice: the first pass finds the pages the table of contents points to.
    let first = Layout::run(&m, blocks, header.clone(), Vec::new());
    if first.overflow {
        return Err(PdfError::TooLong);
    }
    let pages = first.headings.iter().map(|h| h.page + 1).collect();
    let layout = Layout::run(&m, blocks, header, pages);
    match write(r, &layout, true) {
        Ok(pdf) => Ok(pdf),
        // A document PDF/UA cannot vouch for (say, text in a script the fonts lack) is
        // still tagged and downloadable.
        Err(e) => {
            tracing::warn!(error = %e, "report PDF is not PDF/UA-1; written without the check");
            write(r, &layout, false)
        }
    }
}

fn fill(s: &mut Surface<'_>, c: Rgb) {
    s.set_fill(Some(Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        ..Fill::default()
    }));
}

fn draw(s: &mut Surface<'_>, ops: &[Op], fonts: &(Font, Font)) {
    for op in ops {
        match op {
            Op::Text {
                x,
                y,
                size,
                bold,
                text,
                color,
            } => {
                fill(s, *color);
                s.set_stroke(None);
                let font = if *bold { &fonts.1 } else { &fonts.0 };
                s.draw_text(
                    Point::from_xy(*x, *y),
                    font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::LeftToRight,
                );
            }
            Op::Rect { x, y, w, h, color } => {
                let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else {
                    continue;
                };
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    fill(s, *color);
                    s.set_stroke(None);
                    s.draw_path(&path);
                }
            }
            Op::Stroke {
                from,
                to,
                width,
                color,
            } => {
                let mut pb = PathBuilder::new();
                pb.move_to(from.0, from.1);
                pb.line_to(to.0, to.1);
                if let Some(path) = pb.finish() {
                    s.set_fill(None);
                    s.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(color.0, color.1, color.2).into(),
                        width: *width,
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                }
            }
        }
    }
}

fn write(r: &Printed, layout: &Layout<'_>, ua: bool) -> Result<Vec<u8>, PdfError> {
    let mut settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    if ua {
        settings.configuration = ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|e| PdfError::Render(format!("{e:?}")))?;
    }
    let font = |data: &'static [u8]| Font::new(data.into(), 0).ok_or(PdfError::Fonts);
    let fonts = (font(text::REGULAR)?, font(text::BOLD)?);
    let mut doc = Document::new_with(settings);
    // What each structure element holds: content identifiers, in drawing order.
    let mut leaves: Vec<Vec<Identifier>> = vec![Vec::new(); layout.groups.len()];
    for page in &layout.pages {
        let size = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| PdfError::Render("page size".into()))?;
        let mut p = doc.start_page_with(size);
        let mut s = p.surface();
        for marked in page {
            match &marked.mark {
                Mark::Artifact(kind) => {
                    s.start_tagged(ContentTag::Artifact(Artifact::with_kind(*kind)));
                    draw(&mut s, &marked.ops, &fonts);
                    s.end_tagged();
                }
                Mark::Span { group, actual } => {
                    let tag = SpanTag::empty()
                        .with_lang(Some(LANG))
                        .with_actual_text(actual.as_deref());
                    let id = s.start_tagged(ContentTag::Span(tag));
                    draw(&mut s, &marked.ops, &fonts);
                    s.end_tagged();
                    leaves[*group].push(id);
                }
                Mark::Other { group } => {
                    let id = s.start_tagged(ContentTag::Other);
                    draw(&mut s, &marked.ops, &fonts);
                    s.end_tagged();
                    leaves[*group].push(id);
                }
            }
        }
        s.finish();
        p.finish();
    }
    doc.set_tag_tree(tag_tree(layout, leaves));
    doc.set_outline(outline(layout));
    doc.set_metadata(
        Metadata::new()
            .title(r.title.clone())
            .authors(vec![r.author.clone()])
            .description(r.description.clone())
            .language(LANG.into())
            .creator("planmon".into()),
    );
    doc.finish().map_err(|e| PdfError::Render(format!("{e:?}")))
}

/// The structure tree from the layout's groups: each group holds its content, or its
/// child groups in the order they were made.
fn tag_tree(layout: &Layout<'_>, mut leaves: Vec<Vec<Identifier>>) -> TagTree {
    let n = layout.groups.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, g) in layout.groups.iter().enumerate() {
        match g.parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    // Built from the last group up, so every child is ready before its parent.
    let mut built: Vec<Option<TagGroup>> = vec![None; n];
    for i in (0..n).rev() {
        let mut nodes: Vec<Node> = std::mem::take(&mut leaves[i])
            .into_iter()
            .map(Node::from)
            .collect();
        nodes.extend(
            children[i]
                .iter()
                .filter_map(|c| built[*c].take())
                .map(Node::from),
        );
        built[i] = Some(TagGroup::with_children(layout.groups[i].tag.clone(), nodes));
    }
    let mut tree = TagTree::new().with_lang(Some(LANG.into()));
    for i in roots {
        if let Some(g) = built[i].take() {
            tree.push(g);
        }
    }
    tree
}

/// Bookmarks: the chapters, with their parts beneath.
fn outline(layout: &Layout<'_>) -> Outline {
    let mut outline = Outline::new();
    let mut chapter: Option<OutlineNode> = None;
    for h in &layout.headings {
        let node = OutlineNode::new(
            h.text.clone(),
            XyzDestination::new(h.page, Point::from_xy(0.0, h.y)),
        );
        if h.level <= 1 {
            if let Some(c) = chapter.take() {
                outline.push_child(c);
            }
            chapter = Some(node);
        } else if let Some(c) = &mut chapter {
            c.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(c) = chapter {
        outline.push_child(c);
    }
    outline
}

#[cfg(test)]
mod tests;
