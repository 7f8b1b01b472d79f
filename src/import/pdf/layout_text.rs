//! The text `pdftotext -layout` writes: every character stands in the column of the page it
//! came from, pages end with a form feed. Its lines are read as words at character columns.
//!
//! Tables numbered by a code column ("1.1.", "2.3") are read on the character grid itself
//! ([`coded`]): columns from the header's words, rows cut by the codes, the text read as one
//! stream so that a table goes on over page breaks (page numbers and running headers and
//! footers dropped first, a repeated header row dropped, a row the break cut joined). The
//! rest, and the whole text when it has no such table, is laid out again as the PDF's pages
//! (one glyph per character, a character's width and a line's height apart) and read by the
//! same layout analysis as a PDF: columns from alignment, rows from the gaps between lines.

mod body_columns;
mod coded;
pub(super) mod header_pieces;
mod row_edges;
mod runs;

use super::grid::PageCell;
use super::lines::{TextLine, Vocabulary, Word};
use super::{Glyph, Page};
use crate::import::ImportError;
use crate::import::budget::ReadBudget;
use crate::import::document::{Block, Cell, Document, Location, Row, Table};
use coded::{CodedTable, GridCell};
use std::collections::HashMap;
use std::ops::Range;

/// A character's width, a line's height and the font size the text is laid out with.
const CHAR: f64 = 5.0;
const LINE: f64 = 12.0;
const SIZE: f64 = 10.0;

/// Whether text looks like `pdftotext -layout` output: no tabs, and many lines whose text
/// stands in two or more places several spaces apart.
pub fn looks_like_layout_text(text: &str) -> bool {
    let mut lines = 0usize;
    let mut spread = 0usize;
    for line in text.lines().take(5_000) {
        if line.contains('\t') {
            return false;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        if t.contains("    ") {
            spread += 1;
        }
    }
    spread >= 5 && spread * 5 >= lines
}

/// A word of a line: its characters' columns `start..end`.
#[derive(Debug, Clone, PartialEq)]
struct GridWord {
    start: usize,
    end: usize,
    text: String,
}

/// A line of the text.
#[derive(Debug, Clone)]
struct GridLine {
    /// The page (1-based, form feeds counted), the line on it and how many lines it has.
    page: usize,
    row: usize,
    page_lines: usize,
    /// Characters, trailing spaces included.
    len: usize,
    words: Vec<GridWord>,
}

impl GridLine {
    fn is_blank(&self) -> bool {
        self.words.is_empty()
    }

    /// The pieces of text of the line: runs of words a single space apart, as columns.
    fn pieces(&self) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for w in &self.words {
            match out.last_mut() {
                Some(p) if w.start <= p.end + 1 => p.end = w.end,
                _ => out.push(w.start..w.end),
            }
        }
        out
    }

    fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The text's lines, page by page (pages with no text left out).
fn grid_lines(text: &str, budget: &mut ReadBudget) -> Result<Vec<GridLine>, ImportError> {
    let mut out = Vec::new();
    for (n, page_text) in text.split('\u{c}').enumerate() {
        let lines: Vec<&str> = page_text.lines().collect();
        if lines.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        for (i, line) in lines.iter().enumerate() {
            budget.charge_row()?;
            let mut words = Vec::new();
            let mut word: Option<GridWord> = None;
            let mut col = 0usize;
            for c in line.trim_end_matches('\r').chars() {
                if c.is_whitespace() {
                    words.extend(word.take());
                } else {
                    let w = word.get_or_insert_with(|| GridWord {
                        start: col,
                        end: col,
                        text: String::new(),
                    });
                    w.text.push(c);
                    w.end = col + 1;
                }
                col += 1;
            }
            words.extend(word.take());
            out.push(GridLine {
                page: n + 1,
                row: i,
                page_lines: lines.len(),
                len: col,
                words,
            });
        }
    }
    Ok(out)
}

/// The lines laid out as pages of glyphs, each line where it stood on its page.
fn pages(lines: &[GridLine]) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    for l in lines {
        if pages.last().is_none_or(|p| p.number != l.page) {
            pages.push(Page {
                number: l.page,
                height: (l.page_lines as f64 + 2.0) * LINE,
                ..Page::default()
            });
        }
        let Some(page) = pages.last_mut() else {
            continue;
        };
        let y = page.height - (l.row as f64 + 1.0) * LINE;
        for w in &l.words {
            for (k, c) in w.text.chars().enumerate() {
                page.glyphs.push(Glyph {
                    x0: (w.start + k) as f64 * CHAR,
                    x1: (w.start + k + 1) as f64 * CHAR,
                    y,
                    size: SIZE,
                    text: c.to_string(),
                });
            }
        }
        page.width = page.width.max((l.len as f64 + 2.0) * CHAR);
    }
    pages
}

/// Reads `pdftotext -layout` text into the neutral document.
pub fn read_layout_text(text: &str, budget: &mut ReadBudget) -> Result<Document, ImportError> {
    budget.charge_text(text.len())?;
    let lines = grid_lines(text, budget)?;
    let kept = without_furniture(&lines);
    let tables = coded::find_tables(&kept);
    let doc = if tables.is_empty() {
        super::layout::layout_char_grid(&pages(&lines))
    } else {
        with_tables(&kept, &tables)
    };
    super::charge(&doc, budget)?;
    Ok(doc)
}

/// The letters of a line, to know it again on another page.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The lines without page numbers and running headers and footers: among the first and last
/// two lines of a page, a page number, and text of one or two pieces found there on most pages
/// (three at least).
fn without_furniture(lines: &[GridLine]) -> Vec<GridLine> {
    let mut by_page: Vec<Vec<usize>> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        if l.is_blank() {
            continue;
        }
        match by_page.last_mut() {
            Some(p) if lines[p[0]].page == l.page => p.push(k),
            _ => by_page.push(vec![k]),
        }
    }
    let edges = |p: &Vec<usize>| -> Vec<usize> {
        let mut e: Vec<usize> = p
            .iter()
            .take(2)
            .chain(p.iter().rev().take(2))
            .copied()
            .collect();
        e.sort_unstable();
        e.dedup();
        e
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in &by_page {
        let mut seen = std::collections::HashSet::new();
        for k in edges(p) {
            let key = letters(&lines[k].text());
            if lines[k].pieces().len() <= 2 && key.chars().count() >= 4 && seen.insert(key.clone())
            {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    let running = |key: &str| {
        counts
            .get(key)
            .is_some_and(|n| *n >= 3 && *n * 2 > by_page.len())
    };
    let mut drop = vec![false; lines.len()];
    for p in &by_page {
        for k in edges(p) {
            let text = lines[k].text();
            if super::layout::is_page_number(&text)
                || (lines[k].pieces().len() <= 2 && running(&letters(&text)))
            {
                drop[k] = true;
            }
        }
    }
    lines
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(l, _)| l.clone())
        .collect()
}

fn text_line(k: usize, words: &[GridWord]) -> TextLine {
    let words: Vec<Word> = words
        .iter()
        .map(|w| Word {
            x0: w.start as f64 * CHAR,
            x1: w.end as f64 * CHAR,
            first: CHAR,
            text: w.text.clone(),
        })
        .collect();
    TextLine {
        x0: words.first().map_or(0.0, |w| w.x0),
        x1: words.last().map_or(0.0, |w| w.x1),
        y: -(k as f64) * LINE,
        size: SIZE,
        words,
        trailing_space: false,
        after_break: false,
    }
}

fn page_cell(cell: &GridCell) -> PageCell {
    PageCell {
        lines: cell.lines.iter().map(|(k, w)| text_line(*k, w)).collect(),
        left: cell.left as f64 * CHAR,
        right: cell.right as f64 * CHAR - 0.5 * SIZE,
        span: 1,
        merged_from_above: false,
    }
}

/// The document of text with coded tables: the text between them laid out as pages.
fn with_tables(lines: &[GridLine], tables: &[CodedTable]) -> Document {
    let cells: Vec<Vec<Vec<PageCell>>> = tables
        .iter()
        .map(|t| {
            t.rows
                .iter()
                .map(|r| r.iter().map(page_cell).collect())
                .collect()
        })
        .collect();
    let mut texts: Vec<Vec<TextLine>> = Vec::new();
    let mut at = 0;
    for t in tables
        .iter()
        .map(|t| t.from..t.to)
        .chain(std::iter::once(lines.len()..lines.len()))
    {
        let run: Vec<TextLine> = lines[at.min(t.start)..t.start]
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_blank())
            .map(|(k, l)| text_line(at + k, &l.words))
            .collect();
        texts.push(run);
        at = t.end;
    }
    let blocks = texts
        .iter()
        .map(Vec::as_slice)
        .chain(cells.iter().flatten().flatten().map(|c| c.lines.as_slice()));
    let mut words = Vocabulary::of(&pages(lines), blocks);
    words.char_grid = true;
    let mut out: Vec<Block> = Vec::new();
    let mut at = 0;
    for (t, rows) in tables.iter().zip(&cells) {
        if t.from > at {
            out.extend(super::layout::layout_char_grid(&pages(&lines[at..t.from])).blocks);
        }
        out.push(Block::Table(table(rows, &words)));
        at = t.to.max(at);
    }
    if at < lines.len() {
        out.extend(super::layout::layout_char_grid(&pages(&lines[at..])).blocks);
    }
    // Tables numbered in the order they come.
    let mut n = 0;
    for b in &mut out {
        if let Block::Table(t) = b {
            n += 1;
            t.at.table = Some(n);
            for r in &mut t.rows {
                r.at.table = Some(n);
            }
        }
    }
    Document::new(out)
}

/// A code broken over the lines of its narrow cell ("1.1" and ".") is one word.
fn code_text(cell: &PageCell) -> Option<String> {
    let text: String = cell
        .lines
        .iter()
        .flat_map(|l| &l.words)
        .map(|w| w.text.as_str())
        .collect();
    (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.')).then_some(text)
}

fn table(rows: &[Vec<PageCell>], words: &Vocabulary) -> Table {
    let rows = rows
        .iter()
        .map(|r| Row {
            cells: r
                .iter()
                .enumerate()
                .map(|(c, cell)| Cell {
                    lines: match (c, code_text(cell)) {
                        (0, Some(code)) => vec![code],
                        _ => cell.texts(words),
                    },
                    col_span: 1,
                    merged_from_above: false,
                })
                .collect(),
            at: Location::default(),
        })
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .enumerate()
        .map(|(i, mut r)| {
            r.at.row = Some(i + 1);
            r
        })
        .collect();
    Table {
        rows,
        at: Location::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::budget::ReadLimits;

    pub(super) fn read(text: &str) -> Document {
        read_layout_text(text, &mut ReadBudget::new("текст", ReadLimits::DEFAULT)).expect("reads")
    }

    pub(super) fn tables(doc: &Document) -> Vec<Vec<Vec<String>>> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(
                    t.rows
                        .iter()
                        .map(|r| r.cells.iter().map(|c| c.lines.join(" ")).collect())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn odd_text_is_read_without_a_panic() {
        for text in [
            "",
            "\u{c}\u{c}",
            "една дума",
            &" ".repeat(100_000),
            "а\tб\tв\n1.1.\tx\n",
            "1.1.\n1.2.\n1.3.\n",
            "№   Мярка   Срок\n1.1.\n1.2.\n",
        ] {
            read(text);
        }
    }

    #[test]
    fn a_table_numbered_by_codes_is_cut_into_rows_by_them_over_a_page_break() {
        let text = "\
Приоритет 1. Образование

№      Мярка                   Отговорни      Срок
                               институции

1.1.   Записване на децата     Община         2024 г.
       в детските градини      Сливен
1.2.   Занимания по            Училища        2025 –
       български език                         2026 г.
\u{c}2
№      Мярка                   Отговорни      Срок
                               институции
       за учениците
1.3.   Медиатори               РУО – Сливен   2026 г.

Приоритет 2. Здравеопазване
";
        let doc = read(text);
        assert_eq!(
            tables(&doc),
            vec![vec![
                vec!["№", "Мярка", "Отговорни институции", "Срок"],
                vec![
                    "1.1.",
                    "Записване на децата в детските градини",
                    "Община Сливен",
                    "2024 г."
                ],
                vec![
                    "1.2.",
                    "Занимания по български език за учениците",
                    "Училища",
                    "2025 – 2026 г."
                ],
                vec!["1.3.", "Медиатори", "РУО – Сливен", "2026 г."],
            ]]
        );
    }

    #[test]
    fn a_numbered_area_heading_between_coded_tables_is_no_row_of_them() {
        let text = "\
№      Мярка                   Отговорни      Срок

1.1.   Записване на децата     Община         2024 г.
1.2.   Занимания по езика      Училища        2025 г.

2. ЗДРАВЕОПАЗВАНЕ

№      Мярка                   Отговорни      Срок

2.1.   Ваксинации              РЗИ            2024 г.
2.2.   Беседи                  Медиатори      2025 г.
";
        let doc = read(text);
        let t = tables(&doc);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(
            t[0][2],
            vec!["1.2.", "Занимания по езика", "Училища", "2025 г."]
        );
        assert_eq!(t[1][1], vec!["2.1.", "Ваксинации", "РЗИ", "2024 г."]);
        assert!(doc.blocks.iter().any(|b| matches!(b,
            Block::Paragraph { text, .. } | Block::Heading { text, .. } if text == "2. ЗДРАВЕОПАЗВАНЕ")));
    }

    #[test]
    fn codes_in_the_middle_of_their_rows_take_the_block_of_lines_around_them() {
        let text = "\
Приоритет 1. Образование
                 Отговорни
№      Мярка                       Срок
                 институции

       Записване  Община
1.1.   на децата  Сливен,          2024 г.
       в градини  РУО

       Занимания  Училища
1.2.   по език                     2025 г.
";
        assert_eq!(
            tables(&read(text)),
            vec![vec![
                vec!["№", "Мярка", "Отговорни институции", "Срок"],
                vec![
                    "1.1.",
                    "Записване на децата в градини",
                    "Община Сливен, РУО",
                    "2024 г."
                ],
                vec!["1.2.", "Занимания по език", "Училища", "2025 г."],
            ]]
        );
    }

    #[test]
    fn a_dash_or_a_one_letter_word_pushed_right_stays_in_its_column() {
        let text = "\
№      Мярка                   Отговорни      Срок

1.1.   Записване на децата     Община         2024 г.
1.2.   Занимания по математика Община, РУО Сливен – 2025 г.
1.3.   Занимания по математика в Община         2026 г.
";
        let t = tables(&read(text));
        assert_eq!(
            t[0][2],
            vec![
                "1.2.",
                "Занимания по математика",
                "Община, РУО Сливен –",
                "2025 г."
            ]
        );
        assert_eq!(
            t[0][3],
            vec!["1.3.", "Занимания по математика в", "Община", "2026 г."]
        );
    }

    #[test]
    fn codes_written_before_the_first_columns_text_are_a_column_of_their_own() {
        let text = "\
Мерки                   Отговорни      Срок

1.1. Записване на децата     Община         2024 г.
     в детските градини      Сливен
1.2. Занимания по            Училища        2025 г.
     български език
";
        assert_eq!(
            tables(&read(text))[0],
            vec![
                vec!["", "Мерки", "Отговорни", "Срок"],
                vec![
                    "1.1.",
                    "Записване на децата в детските градини",
                    "Община Сливен",
                    "2024 г."
                ],
                vec!["1.2.", "Занимания по български език", "Училища", "2025 г."],
            ]
        );
    }

    #[test]
    fn a_long_coded_table_over_many_pages_is_read_row_by_row() {
        let mut text = String::from("№      Мярка                   Отговорни      Срок\n\n");
        for n in 1..=3_000 {
            if n % 50 == 0 {
                text.push_str("\u{c}№      Мярка                   Отговорни      Срок\n");
            }
            text.push_str(&format!(
                "{}.{}.   Мярка номер {n:<11} Община         2024 г.\n       с ред {n}\n",
                n / 100 + 1,
                n % 100
            ));
        }
        let t = tables(&read(&text));
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].len(), 3_001);
        assert_eq!(t[0][2_990][1], "Мярка номер 2990 с ред 2990");
    }
}
