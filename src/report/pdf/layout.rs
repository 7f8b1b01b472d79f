//! The report's blocks laid out on A4 pages as drawing operations, each marked as tagged
//! content of a structure element (heading, paragraph, list, table cell, figure, caption) or
//! as an artifact (running header, rules, repeated table headers). Pure: `mod.rs` draws it.

use super::chart;
use super::text::{Line, Metrics, break_at_words, break_lines};
use crate::analytics::charts::Chart;
use crate::report::blocks::{Block, CONTENTS, Run, TitlePage};
use krilla::tagging::{ArtifactType, ListNumbering, Tag, TagKind};
use std::num::NonZeroU16;

mod table;

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const LEFT: f32 = 62.0;
const RIGHT: f32 = PAGE_W - 51.0;
const TOP: f32 = 58.0;
const BOTTOM: f32 = PAGE_H - 54.0;
const WIDTH: f32 = RIGHT - LEFT;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.35;
const TABLE: f32 = 8.0;
const PAD: f32 = 2.5;

pub type Rgb = (u8, u8, u8);
pub const INK: Rgb = (31, 35, 40);
const GREY: Rgb = (87, 96, 106);
const RULE: Rgb = (140, 149, 159);
const HEAD_FILL: Rgb = (234, 238, 242);

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Stroke {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Rgb,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Artifact(ArtifactType),
    /// A line of text of a structure element; `actual` is the text without an added hyphen.
    Span {
        group: usize,
        actual: Option<String>,
    },
    /// A drawing (a chart) of a structure element.
    Other {
        group: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    pub mark: Mark,
    pub ops: Vec<Op>,
}

/// A structure element; its children are the groups naming it as parent (in order of
/// creation) or the content marked with it (in drawing order), never both.
#[derive(Debug, Clone)]
pub struct Group {
    pub tag: TagKind,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
}

pub struct Layout<'m> {
    m: &'m Metrics,
    pub pages: Vec<Vec<Marked>>,
    pub groups: Vec<Group>,
    pub headings: Vec<Heading>,
    y: f32,
    header: String,
    /// Page numbers of the table of contents' entries, from an earlier pass.
    contents_pages: Vec<usize>,
    /// More than [`MAX_PAGES`] were needed: the last page was reused, the layout is not whole.
    pub overflow: bool,
}

/// Pages a document may have: memory stays bounded whatever text the report holds (a report of
/// a large plan has a few hundred).
pub const MAX_PAGES: usize = 5000;

impl<'m> Layout<'m> {
    pub fn run(
        m: &'m Metrics,
        blocks: &[Block],
        header: String,
        contents_pages: Vec<usize>,
    ) -> Self {
        let mut l = Layout {
            m,
            pages: Vec::new(),
            groups: Vec::new(),
            headings: Vec::new(),
            y: TOP,
            header,
            contents_pages,
            overflow: false,
        };
        l.new_page();
        let contents = crate::report::blocks::contents(blocks);
        for b in blocks {
            match b {
                Block::TitlePage(t) => l.title_page(t),
                Block::Contents => l.contents(&contents),
                Block::Heading { level, text } => l.heading(*level, text, true),
                Block::Paragraph(runs) => l.paragraph(runs, BODY, None, 4.0),
                Block::Detail(text) => l.paragraph(&[Run::plain(text.clone())], 9.0, None, 2.0),
                Block::List { ordered, items } => l.list(*ordered, items),
                Block::Table(t) => l.table(t),
                Block::Figure { number, chart } => l.figure(*number, chart),
                Block::PageBreak => {
                    if self_fresh(l.y) {
                        continue;
                    }
                    l.new_page();
                }
            }
        }
        l
    }

    fn new_page(&mut self) {
        if self.pages.len() >= MAX_PAGES {
            self.overflow = true;
            if let Some(last) = self.pages.last_mut() {
                last.clear();
            }
        } else {
            self.pages.push(Vec::new());
        }
        self.y = TOP;
        let n = self.pages.len();
        if n > 1 {
            let text = self.m.clean(&format!("{} · стр. {n}", self.header));
            let w = self.m.width(&text, false, 7.0);
            self.artifact(
                ArtifactType::PaginationOther,
                vec![Op::Text {
                    x: RIGHT - w,
                    y: TOP - 22.0,
                    size: 7.0,
                    bold: false,
                    text,
                    color: GREY,
                }],
            );
        }
    }

    fn page(&mut self) -> &mut Vec<Marked> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn artifact(&mut self, kind: ArtifactType, ops: Vec<Op>) {
        self.page().push(Marked {
            mark: Mark::Artifact(kind),
            ops,
        });
    }

    fn group(&mut self, tag: impl Into<TagKind>, parent: Option<usize>) -> usize {
        self.groups.push(Group {
            tag: tag.into(),
            parent,
        });
        self.groups.len() - 1
    }

    /// Starts a new page unless `height` fits below the cursor (or the page is empty).
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self_fresh(self.y) {
            self.new_page();
        }
    }

    fn line_ops(&self, line: &Line, x: f32, top: f32, size: f32, color: Rgb) -> Vec<Op> {
        let base = top + size * (LEADING - 1.164) / 2.0 + size * 0.928;
        line.pieces
            .iter()
            .map(|p| Op::Text {
                x: x + p.x,
                y: base,
                size,
                bold: p.bold,
                text: p.text.clone(),
                color,
            })
            .collect()
    }

    fn span(&mut self, group: usize, line: &Line, ops: Vec<Op>) {
        let actual = line
            .hyphenated
            .then(|| line.text().trim_end_matches('-').to_string());
        self.page().push(Marked {
            mark: Mark::Span { group, actual },
            ops,
        });
    }

    /// Lines at the cursor in ink, onto new pages as needed, as content of `group`.
    fn lines(&mut self, lines: &[Line], x: f32, width: f32, size: f32, align: Align, group: usize) {
        let color = INK;
        let lh = size * LEADING;
        for line in lines {
            if self.y + lh > BOTTOM {
                self.new_page();
            }
            let dx = match align {
                Align::Left => 0.0,
                Align::Center => (width - line.width).max(0.0) / 2.0,
            };
            let ops = self.line_ops(line, x + dx, self.y, size, color);
            self.span(group, line, ops);
            self.y += lh;
        }
    }

    fn block_text(
        &mut self,
        runs: &[Run],
        size: f32,
        tag: TagKind,
        parent: Option<usize>,
        align: Align,
        indent: f32,
    ) -> usize {
        let lines = match align {
            Align::Left => break_lines(runs, WIDTH - indent, size, self.m),
            Align::Center => break_at_words(runs, WIDTH - indent, size, self.m),
        };
        // Never one line alone at the foot of a page.
        self.ensure(size * LEADING * lines.len().min(2) as f32);
        let g = self.group(tag, parent);
        self.lines(&lines, LEFT + indent, WIDTH - indent, size, align, g);
        g
    }

    fn paragraph(&mut self, runs: &[Run], size: f32, parent: Option<usize>, after: f32) {
        self.block_text(runs, size, Tag::P.into(), parent, Align::Left, 0.0);
        self.y += after;
    }

    fn heading(&mut self, level: u8, text: &str, listed: bool) {
        let size = if level <= 1 { 14.0 } else { 11.0 };
        let before = if level <= 1 { 10.0 } else { 6.0 };
        let lines = break_lines(&[Run::bold(text)], WIDTH, size, self.m);
        // Kept with what follows: the heading and three lines of text.
        let height = before + lines.len() as f32 * size * LEADING + 3.0 * BODY * LEADING;
        self.ensure(height);
        if !self_fresh(self.y) {
            self.y += before;
        }
        if listed {
            let page = self.pages.len() - 1;
            self.headings.push(Heading {
                level,
                text: text.to_string(),
                page,
                y: self.y,
            });
        }
        let level = NonZeroU16::new(u16::from(level) + 1).unwrap_or(NonZeroU16::MIN);
        let g = self.group(Tag::Hn(level, Some(text.to_string())), None);
        self.lines(&lines, LEFT, WIDTH, size, Align::Left, g);
        self.y += 3.0;
    }

    fn title_page(&mut self, t: &TitlePage) {
        self.y = TOP + 140.0;
        let center = |l: &mut Self, text: &str, size: f32, bold: bool, tag: TagKind, after: f32| {
            let run = if bold {
                Run::bold(text)
            } else {
                Run::plain(text)
            };
            l.block_text(&[run], size, tag, None, Align::Center, 0.0);
            l.y += after;
        };
        center(
            self,
            &t.issuer.to_uppercase(),
            13.0,
            false,
            Tag::P.into(),
            16.0,
        );
        let h1 = Tag::Hn(NonZeroU16::MIN, Some(t.title.clone()));
        center(self, &t.title, 18.0, true, h1.into(), 16.0);
        center(self, &t.plan, BODY, false, Tag::P.into(), 2.0);
        center(self, &t.adoption, BODY, false, Tag::P.into(), 16.0);
        if !t.state.is_empty() {
            center(self, &t.state, 11.0, true, Tag::P.into(), 10.0);
        }
        if let Some(s) = &t.sample {
            center(self, s, BODY, false, Tag::P.into(), 0.0);
        }
    }

    fn contents(&mut self, entries: &[(u8, String)]) {
        self.heading(1, CONTENTS, false);
        let toc = self.group(Tag::TOC, None);
        for (i, (level, text)) in entries.iter().enumerate() {
            let indent = if *level <= 1 { 0.0 } else { 14.0 };
            let lines = break_lines(
                &[Run::plain(text.clone())],
                WIDTH - indent - 30.0,
                BODY,
                self.m,
            );
            self.ensure(lines.len() as f32 * BODY * LEADING);
            let item = self.group(Tag::TOCI, Some(toc));
            let p = self.group(Tag::P, Some(item));
            let last = lines.len().saturating_sub(1);
            for (n, line) in lines.iter().enumerate() {
                let mut ops = self.line_ops(line, LEFT + indent, self.y, BODY, INK);
                if let (true, Some(page)) = (n == last, self.contents_pages.get(i)) {
                    let number = page.to_string();
                    let w = self.m.width(&number, false, BODY);
                    let top = self.y;
                    let mut num = self.line_ops(
                        &Line {
                            pieces: vec![super::text::Piece {
                                text: number,
                                bold: false,
                                x: 0.0,
                            }],
                            width: w,
                            hyphenated: false,
                        },
                        RIGHT - w,
                        top,
                        BODY,
                        INK,
                    );
                    ops.append(&mut num);
                }
                self.span(p, line, ops);
                self.y += BODY * LEADING;
            }
            self.y += 1.5;
        }
    }

    fn list(&mut self, ordered: bool, items: &[String]) {
        let size = if ordered { BODY } else { 9.0 };
        let numbering = if ordered {
            ListNumbering::Decimal
        } else {
            ListNumbering::None
        };
        let list = self.group(Tag::L(numbering), None);
        for (i, item) in items.iter().enumerate() {
            let label = if ordered {
                format!("{}.", i + 1)
            } else {
                "–".to_string()
            };
            let indent = 16.0;
            let lines = break_lines(&[Run::plain(item.clone())], WIDTH - indent, size, self.m);
            self.ensure(size * LEADING * lines.len().min(2) as f32);
            let li = self.group(Tag::LI, Some(list));
            let lbl = self.group(Tag::Lbl, Some(li));
            let label_line = Line {
                pieces: vec![super::text::Piece {
                    text: label,
                    bold: false,
                    x: 0.0,
                }],
                width: 0.0,
                hyphenated: false,
            };
            let ops = self.line_ops(&label_line, LEFT + 4.0, self.y, size, INK);
            self.span(lbl, &label_line, ops);
            let body = self.group(Tag::LBody, Some(li));
            self.lines(
                &lines,
                LEFT + indent,
                WIDTH - indent,
                size,
                Align::Left,
                body,
            );
            self.y += 2.0;
        }
        self.y += 3.0;
    }

    fn figure(&mut self, number: usize, c: &Chart) {
        let caption = format!("Фигура {number}. {}", c.title);
        let lines = break_lines(&[Run::bold(caption)], WIDTH, 9.0, self.m);
        let caption_h = lines.len() as f32 * 9.0 * LEADING + 3.0;
        let k =
            (WIDTH / chart::WIDTH).min((BOTTOM - TOP - caption_h - 4.0) / c.height.max(1.0) as f32);
        let height = c.height as f32 * k;
        // The caption stays with its chart.
        self.ensure(caption_h + height);
        let alt = format!("{}. {}", c.title, c.desc);
        let figure = self.group(Tag::Figure(Some(alt)), None);
        let cap = self.group(Tag::Caption, None);
        self.lines(&lines, LEFT, WIDTH, 9.0, Align::Left, cap);
        self.y += 3.0;
        let ops = chart::ops(c, self.m, LEFT, self.y, k);
        self.page().push(Marked {
            mark: Mark::Other { group: figure },
            ops,
        });
        self.y += height + 6.0;
        self.table(&c.table);
    }
}

fn self_fresh(y: f32) -> bool {
    y <= TOP
}
