//! The report as a sequence of blocks (title page, headings, paragraphs, lists, tables,
//! figures), the one source of the sentences the DOCX and the PDF print; the HTML template
//! walks the same [`Report`] and takes its sentences from the same methods
//! ([`MeasureEntry::money_line`], [`Report::plan_adoption`]).

use super::text::full_stop;
use super::{MeasureEntry, Report};
use crate::analytics::charts::{Chart, DataTable};

/// A piece of a paragraph in one weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
        }
    }

    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: true,
        }
    }
}

/// The first page: who reports, on what, and in which state.
#[derive(Debug, Clone, PartialEq)]
pub struct TitlePage {
    /// Who issues the report: "Община Пловдив", "Областна администрация Пловдив".
    pub issuer: String,
    pub title: String,
    pub plan: String,
    /// A sentence, also when the plan's adoption is not recorded.
    pub adoption: String,
    pub state: String,
    pub sample: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    TitlePage(TitlePage),
    /// The table of contents: the level-1 and level-2 headings that follow.
    Contents,
    /// Level 1 is a chapter, 2 a part of one.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Vec<Run>),
    /// A smaller paragraph that belongs to the one before (a measure's details).
    Detail(String),
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Table(DataTable),
    /// A chart with its number, its caption above and its data table after.
    Figure {
        number: usize,
        chart: Chart,
    },
    /// A chapter starts on a new page.
    PageBreak,
}

/// A document as the renderers print it: its blocks, and what its metadata and the running
/// header of its pages say. The municipal report ([`Report::document`]) and the district and
/// national reports (`report::area`) are both printed from one.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// Who issues it, as the title page names it.
    pub author: String,
    /// The running header of the PDF's pages.
    pub header: String,
    /// The PDF's description: what the report is about and its state.
    pub description: String,
    pub blocks: Vec<Block>,
}

impl Report {
    /// The municipal report as a [`Document`].
    pub fn document(&self) -> Document {
        Document {
            title: self.title.clone(),
            author: format!("Община {}", self.municipality),
            header: format!("Община {} · {} г.", self.municipality, self.year),
            description: format!(
                "{} ({}). {}",
                self.plan_title, self.plan_period, self.state_line
            ),
            blocks: blocks(self),
        }
    }
}

pub const SAMPLE_NOTE: &str =
    "Докладът е изготвен от примерни (демонстрационни) данни, а не от действителни отчети.";
pub const CONTENTS: &str = "Съдържание";

impl MeasureEntry {
    /// "Отговорни: …. Статус: …; изчислен статус: …." with the warnings after it.
    pub fn status_line(&self) -> String {
        let mut line = format!("Отговорни: {}. Статус: {}", self.institutions, self.status);
        if !self.computed.is_empty() {
            line.push_str(&format!("; изчислен статус: {}", self.computed));
        }
        line.push('.');
        if self.disagreement {
            line.push_str(" Заявеният статус се разминава с изчисления.");
        }
        if self.conflict {
            line.push_str(" Институциите са отчели различен статус.");
        }
        line
    }

    /// Planned and spent money, when the plan gives the measure a row of money.
    pub fn money_line(&self) -> Option<String> {
        (!self.planned.is_empty()).then(|| {
            full_stop(format!(
                "Планирани: {}; изразходвани през годината: {}",
                self.planned, self.spent
            ))
        })
    }
}

fn chapter_heading(number: usize, title: &str) -> String {
    format!("3.{number}. Приоритетна област {number}. {title}")
}

pub fn blocks(r: &Report) -> Vec<Block> {
    let heading = |level, text: &str| Block::Heading {
        level,
        text: text.to_string(),
    };
    let paras = |ps: &[String]| -> Vec<Block> {
        ps.iter()
            .map(|p| Block::Paragraph(vec![Run::plain(p.clone())]))
            .collect()
    };
    let mut out = vec![
        Block::TitlePage(TitlePage {
            issuer: format!("Община {}", r.municipality),
            title: r.title.clone(),
            plan: format!("{} ({})", r.plan_title, r.plan_period),
            adoption: r.plan_adoption.clone(),
            state: r.state_line.clone(),
            sample: r.sample.then(|| SAMPLE_NOTE.to_string()),
        }),
        Block::PageBreak,
        Block::Contents,
        Block::PageBreak,
        heading(1, "1. Въведение"),
    ];
    out.extend(paras(&r.introduction));
    out.push(heading(1, "2. Обобщение за годината"));
    out.extend(paras(&r.summary));
    out.extend(
        r.figures
            .iter()
            .map(|(k, v)| Block::Paragraph(vec![Run::bold(format!("{k}: ")), Run::plain(v)])),
    );
    let mut figure = 0;
    for chart in &r.charts {
        figure += 1;
        out.push(Block::Figure {
            number: figure,
            chart: chart.clone(),
        });
    }
    for c in &r.chapters {
        out.push(Block::PageBreak);
        out.push(heading(1, &chapter_heading(c.number, &c.title)));
        out.extend(paras(&c.summary));
        out.push(heading(2, "Мерки"));
        for m in &c.measures {
            out.push(Block::Paragraph(vec![
                Run::bold(format!("{} ", m.label)),
                Run::plain(m.headline.clone()),
            ]));
            out.push(Block::Detail(m.status_line()));
            out.extend(m.money_line().map(Block::Detail));
            if !m.done.is_empty() {
                out.push(Block::List {
                    ordered: false,
                    items: m.done.clone(),
                });
            }
        }
        if !c.indicators.rows.is_empty() {
            out.push(heading(2, "Индикатори"));
            out.push(Block::Table(c.indicators.clone()));
        }
        if let Some(chart) = &c.chart {
            figure += 1;
            out.push(Block::Figure {
                number: figure,
                chart: chart.clone(),
            });
        }
        if !c.money.rows.is_empty() {
            out.push(heading(2, "Средства по източници"));
            out.push(Block::Table(c.money.clone()));
        }
    }
    out.push(Block::PageBreak);
    out.push(heading(1, "4. Институции, които не са представили отчет"));
    if r.silent.rows.is_empty() {
        out.extend(paras(&[
            "Всички институции са представили отчет.".to_string()
        ]));
    } else {
        out.push(Block::Table(r.silent.clone()));
    }
    out.push(heading(1, "5. Изводи и препоръки"));
    out.push(heading(2, "Изводи"));
    out.extend(paras(&r.conclusions));
    out.push(heading(2, "Препоръки"));
    out.push(Block::List {
        ordered: true,
        items: r.recommendations.clone(),
    });
    out.push(Block::PageBreak);
    out.push(heading(1, "Приложения"));
    out.extend(r.annexes.iter().cloned().map(Block::Table));
    out
}

/// The headings the table of contents lists, in order, with their level.
pub fn contents(blocks: &[Block]) -> Vec<(u8, String)> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } if *level <= 2 => Some((*level, text.clone())),
            _ => None,
        })
        .collect()
}

/// Widths for the columns of a table that fills `total`: each column gets at least its
/// narrowest fit (`min`, its longest word) and the room left goes where the content is
/// longest (`max`, its longest cell on one line), as browsers lay out automatic tables.
pub fn fit_columns(min: &[f64], max: &[f64], total: f64) -> Vec<f64> {
    let n = min.len().max(1) as f64;
    let sum_min: f64 = min.iter().sum();
    let sum_max: f64 = max.iter().sum();
    if sum_max <= total {
        // Everything fits on one line: share the rest by content.
        if sum_max <= 0.0 {
            return vec![total / n; min.len()];
        }
        return max.iter().map(|m| m / sum_max * total).collect();
    }
    if sum_min >= total {
        if sum_min <= 0.0 {
            return vec![total / n; min.len()];
        }
        return min.iter().map(|m| m / sum_min * total).collect();
    }
    let room = total - sum_min;
    let want: f64 = min.iter().zip(max).map(|(a, b)| (b - a).max(0.0)).sum();
    min.iter()
        .zip(max)
        .map(|(a, b)| {
            if want <= 0.0 {
                a + room / n
            } else {
                a + room * (b - a).max(0.0) / want
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(planned: &str, spent: &str) -> MeasureEntry {
        MeasureEntry {
            label: "1.1".into(),
            headline: "Мярка".into(),
            institutions: "РУО".into(),
            status: "изпълнена".into(),
            computed: String::new(),
            disagreement: false,
            conflict: true,
            done: vec![],
            planned: planned.into(),
            spent: spent.into(),
        }
    }

    #[test]
    fn an_amount_in_leva_ends_its_sentence_with_one_full_stop() {
        assert_eq!(
            entry("15 000 лв.", "2 412 лв.").money_line().as_deref(),
            Some("Планирани: 15 000 лв.; изразходвани през годината: 2 412 лв.")
        );
        assert_eq!(entry("", "").money_line(), None);
        assert_eq!(
            entry("", "").status_line(),
            "Отговорни: РУО. Статус: изпълнена. Институциите са отчели различен статус."
        );
    }

    #[test]
    fn columns_get_their_longest_word_and_share_the_rest_by_content() {
        // Fits on one line: proportional to content.
        assert_eq!(fit_columns(&[1.0, 1.0], &[10.0, 30.0], 80.0), [20.0, 60.0]);
        // Between: each keeps its minimum, the rest by what it still wants.
        let w = fit_columns(&[10.0, 5.0], &[100.0, 5.0], 50.0);
        assert_eq!(w, [45.0, 5.0]);
        // Not even the minimums fit: proportional to them.
        assert_eq!(fit_columns(&[30.0, 10.0], &[60.0, 20.0], 20.0), [15.0, 5.0]);
        let sum: f64 = fit_columns(&[3.0, 4.0, 5.0], &[30.0, 8.0, 90.0], 100.0)
            .iter()
            .sum();
        assert!((sum - 100.0).abs() < 1e-9);
    }
}
