//! The annual monitoring report: a model built (purely) from a frozen round and the narrative
//! the coordinator wrote, and its renderers: HTML (`html`), DOCX (`docx`), PDF (`pdf`).
//! `store` keeps report versions and their workflow; `pages` shows and edits them.

pub mod adoption;
pub mod amendments;
pub mod area;
pub mod blocks;
pub mod docx;
pub mod html;
pub mod pages;
pub mod pdf;
pub mod picture;
pub mod publication;
pub mod render;
pub mod store;
pub mod text;

use crate::analytics::charts::{self, Chart, DataTable, percent, status_label};
use crate::analytics::format::value as format_value;
use crate::analytics::{Analysis, analyse};
use crate::i18n::Tr;
use crate::money::{Currency, Money, Total};
use crate::plan::rules::source_totals;
use crate::snapshot::RoundSnapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The parts of the report the coordinator writes. An empty part is filled with generated text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Narrative {
    pub introduction: String,
    pub conclusions: String,
    pub recommendations: String,
    /// Per priority area, by its position in the plan (0-based).
    pub priorities: BTreeMap<usize, String>,
}

/// How the council adopted the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adoption {
    pub decision_number: String,
    pub protocol_number: String,
    /// ISO date.
    pub date: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub municipality: String,
    pub plan_title: String,
    pub plan_period: String,
    /// "Приет с Решение № …" or that the decision is not recorded: a sentence.
    pub plan_adoption: String,
    pub year: i32,
    /// "проект", "одобрен от …", "приет с Решение № …".
    pub state_line: String,
    pub sample: bool,
    pub introduction: Vec<String>,
    pub summary: Vec<String>,
    pub figures: Vec<(String, String)>,
    pub charts: Vec<Chart>,
    pub chapters: Vec<Chapter>,
    pub silent: DataTable,
    pub conclusions: Vec<String>,
    pub recommendations: Vec<String>,
    pub annexes: Vec<DataTable>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub number: usize,
    pub title: String,
    pub summary: Vec<String>,
    pub measures: Vec<MeasureEntry>,
    pub indicators: DataTable,
    pub money: DataTable,
    pub chart: Option<Chart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeasureEntry {
    pub label: String,
    pub headline: String,
    pub institutions: String,
    pub status: String,
    pub computed: String,
    pub disagreement: bool,
    pub conflict: bool,
    /// "Институция: what was done", one per received report with a narrative.
    pub done: Vec<String>,
    pub planned: String,
    pub spent: String,
}

/// Splits edited text into paragraphs at blank lines (single line breaks join).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

fn or_generated(edited: &str, generated: Vec<String>) -> Vec<String> {
    let p = paragraphs(edited);
    if p.is_empty() { generated } else { p }
}

/// Builds the report. `canon` maps funding sources as written to registry names; `history`
/// holds the plan's other rounds for year-on-year figures.
pub fn build(
    snap: &RoundSnapshot,
    history: &[RoundSnapshot],
    narrative: &Narrative,
    state_line: String,
    sample: bool,
    canon: &dyn Fn(&str) -> String,
) -> Report {
    let tr = Tr::default();
    let a = analyse(snap, history, canon);
    let plan = &snap.plan;
    let chapters = plan
        .priorities
        .iter()
        .enumerate()
        .map(|(i, _)| chapter(tr, snap, &a, i, narrative, canon))
        .collect();
    let silent_rows: Vec<Vec<String>> = a
        .reporting
        .silent()
        .map(|s| vec![s.name.clone(), s.assigned.to_string()])
        .collect();
    Report {
        title: format!(
            "Годишен доклад за наблюдението на изпълнението на {} през {} г.",
            text::plan_genitive(&plan.title),
            snap.year
        ),
        municipality: plan.municipality.clone(),
        plan_title: plan.title.clone(),
        plan_period: format!("{}–{}", plan.period.from, plan.period.to),
        plan_adoption: text::adoption_sentence(plan.adoption.as_ref()),
        year: snap.year,
        state_line,
        sample,
        introduction: or_generated(&narrative.introduction, text::introduction(snap)),
        summary: text::summary(snap, &a),
        figures: figures(&a),
        charts: vec![
            charts::status_chart(tr, "r-status", plan, &a),
            charts::money_chart(tr, "r-money", &a),
        ],
        chapters,
        silent: DataTable {
            caption: "Институции, които не са представили отчет".into(),
            headers: vec!["Институция".into(), "Възложени мерки".into()],
            rows: silent_rows,
        },
        conclusions: or_generated(&narrative.conclusions, text::conclusions(&a)),
        recommendations: or_generated(&narrative.recommendations, text::recommendations(&a)),
        annexes: annexes(tr, snap, &a),
    }
}

fn figures(a: &Analysis) -> Vec<(String, String)> {
    let r = &a.reporting;
    let m = &a.money.total;
    vec![
        ("Мерки в плана".into(), a.statuses.plan.total.to_string()),
        (
            "Дял изпълнени мерки".into(),
            a.statuses
                .plan
                .completed_share()
                .map_or("—".into(), percent),
        ),
        (
            "Мерки с получен отчет".into(),
            format!("{} от {}", r.measures_reported, r.measures),
        ),
        (
            "Получени отчети".into(),
            format!(
                "{} от {} ({} след срока)",
                r.received, r.assignments, r.late
            ),
        ),
        (
            "Планирани средства за периода".into(),
            format!(
                "{} ({})",
                m.planned.display_bg(),
                m.planned_eur().display_bg()
            ),
        ),
        (
            "Изразходвани средства през годината".into(),
            format!("{} ({})", m.spent.display_bg(), m.spent_eur().display_bg()),
        ),
    ]
}

fn chapter(
    tr: Tr,
    snap: &RoundSnapshot,
    a: &Analysis,
    index: usize,
    narrative: &Narrative,
    canon: &dyn Fn(&str) -> String,
) -> Chapter {
    let p = &snap.plan.priorities[index];
    let measures: Vec<_> = p.objectives.iter().flat_map(|o| &o.measures).collect();
    let keys: Vec<String> = measures.iter().map(|m| m.key.clone()).collect();
    let entries = measures
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let ma = a.measure(&m.key);
            let row = a
                .money
                .measures
                .iter()
                .find(|r| r.key.as_deref() == Some(&m.key));
            MeasureEntry {
                label: m
                    .code
                    .clone()
                    .unwrap_or_else(|| format!("{}.{}", index + 1, n + 1)),
                headline: m.headline(),
                institutions: m.institutions.join(", "),
                status: status_label(tr, ma.and_then(|x| x.status.status)),
                computed: ma.map_or_else(String::new, |x| x.computed.label(tr)),
                disagreement: ma.is_some_and(|x| x.disagreement),
                conflict: ma.is_some_and(|x| x.status.conflict),
                done: snap
                    .updates
                    .iter()
                    .filter(|u| u.measure_key == m.key && u.state.is_received())
                    .filter(|u| !u.narrative.trim().is_empty())
                    .map(|u| format!("{}: {}", u.institution, u.narrative.trim()))
                    .collect(),
                planned: row.map_or_else(String::new, |r| r.planned.display_bg()),
                spent: row.map_or_else(String::new, |r| r.spent.display_bg()),
            }
        })
        .collect();
    let indicator_rows = a
        .indicators
        .iter()
        .filter(|i| keys.contains(&i.measure_key))
        .map(|i| {
            vec![
                i.indicator.name.clone(),
                i.indicator.baseline.clone().unwrap_or_else(|| "—".into()),
                year_value(i),
                i.indicator.target.clone().unwrap_or_else(|| "—".into()),
                i.progress.map_or("—".into(), percent),
            ]
        })
        .collect();
    let chart = charts::indicator_chart(tr, &format!("r-ind-{index}"), a, Some(&keys));
    let generated = text::priority_summary(
        &p.title,
        &a.statuses.priorities[index],
        &a.money.priorities[index],
    );
    Chapter {
        number: index + 1,
        title: p.title.clone(),
        summary: or_generated(
            narrative.priorities.get(&index).map_or("", String::as_str),
            generated,
        ),
        measures: entries,
        indicators: DataTable {
            caption: "Индикатори: базова стойност, стойност за годината, целева стойност".into(),
            headers: vec![
                "Индикатор".into(),
                "Базова стойност".into(),
                format!("Стойност за {} г.", snap.year),
                "Целева стойност".into(),
                "Напредък".into(),
            ],
            rows: indicator_rows,
        },
        money: money_by_source(snap, index, canon),
        chart: (!chart.rows.is_empty()).then_some(chart),
    }
}

/// The indicator's value for the year; a cumulative one without a new value carries its last
/// value forward and says so.
fn year_value(i: &crate::analytics::indicators::IndicatorProgress) -> String {
    match (&i.value, i.indicator.cumulative, i.by_year.last()) {
        (Some(v), ..) => format_value(v),
        (None, true, Some((year, last))) => format!(
            "{} (без нова стойност през годината; пренесена последната от {year} г.)",
            format_value(last)
        ),
        (None, ..) => "няма отчетена стойност".into(),
    }
}

/// Planned and spent money by source for one priority area.
fn money_by_source(
    snap: &RoundSnapshot,
    index: usize,
    canon: &dyn Fn(&str) -> String,
) -> DataTable {
    let mut only = snap.plan.clone();
    only.priorities = vec![snap.plan.priorities[index].clone()];
    let keys: Vec<&str> = only.measures().map(|m| m.key.as_str()).collect();
    let mut rows: Vec<(String, Money, Total)> = source_totals(&only, Currency::Bgn, canon)
        .into_iter()
        .map(|s| (s.name, s.total, Total::new(Currency::Bgn)))
        .collect();
    for u in snap
        .updates
        .iter()
        .filter(|u| u.state.is_received() && keys.contains(&u.measure_key.as_str()))
    {
        for s in &u.spent {
            let name = s
                .source
                .as_deref()
                .map(canon)
                .unwrap_or_else(|| crate::analytics::money::NO_SOURCE.into());
            match rows.iter_mut().find(|r| r.0 == name) {
                Some(r) => r.2.add(s.money()),
                None => {
                    let mut t = Total::new(Currency::Bgn);
                    t.add(s.money());
                    rows.push((name, Money::zero(Currency::Bgn), t));
                }
            }
        }
    }
    DataTable {
        caption: "Средства по източници на финансиране".into(),
        headers: vec![
            "Източник".into(),
            "Планирани (лв.)".into(),
            "Планирани (€)".into(),
            "Изразходвани (лв.)".into(),
            "Изразходвани (€)".into(),
        ],
        rows: rows
            .into_iter()
            .map(|(name, planned, spent)| {
                let spent = spent.money();
                vec![
                    name,
                    planned.display_bg(),
                    planned.convert(Currency::Eur).display_bg(),
                    spent.display_bg(),
                    spent.convert(Currency::Eur).display_bg(),
                ]
            })
            .collect(),
    }
}

fn annexes(tr: Tr, snap: &RoundSnapshot, a: &Analysis) -> Vec<DataTable> {
    let measures = DataTable {
        caption: "Приложение 1. Мерки: статус, средства".into(),
        headers: vec![
            "Мярка".into(),
            "Заявен статус".into(),
            "Изчислен статус".into(),
            "Отчети".into(),
            "Планирани (лв.)".into(),
            "Изразходвани (лв.)".into(),
        ],
        rows: snap
            .plan
            .measures()
            .filter_map(|m| {
                let ma = a.measure(&m.key)?;
                let money = a
                    .money
                    .measures
                    .iter()
                    .find(|r| r.key.as_deref() == Some(&m.key))?;
                Some(vec![
                    crate::plan::views::shorten(&m.headline(), 140),
                    status_label(tr, ma.status.status),
                    ma.computed.label(tr),
                    format!("{} / {}", ma.status.received, ma.status.expected),
                    money.planned.display_bg(),
                    money.spent.display_bg(),
                ])
            })
            .collect(),
    };
    let sources = DataTable {
        caption: "Приложение 2. Средства по източници на финансиране".into(),
        headers: vec![
            "Източник".into(),
            "Планирани (лв.)".into(),
            "Изразходвани (лв.)".into(),
            "Изразходвани (€)".into(),
        ],
        rows: a
            .money
            .sources
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.planned.display_bg(),
                    r.spent.display_bg(),
                    r.spent_eur().display_bg(),
                ]
            })
            .collect(),
    };
    let reporting = DataTable {
        caption: "Приложение 3. Отчитане по институции".into(),
        headers: vec![
            "Институция".into(),
            "Възложени мерки".into(),
            "Получени отчети".into(),
            "След срока".into(),
        ],
        rows: a
            .reporting
            .institutions
            .iter()
            .map(|i| {
                vec![
                    i.name.clone(),
                    i.assigned.to_string(),
                    i.received.to_string(),
                    i.late.to_string(),
                ]
            })
            .collect(),
    };
    let mut out = vec![measures, sources, reporting];
    if a.years.len() > 1 {
        out.push(DataTable {
            caption: "Приложение 4. По години".into(),
            headers: vec![
                "Година".into(),
                "Дял изпълнени мерки".into(),
                "Без отчет".into(),
                "Изразходвани (лв.)".into(),
            ],
            rows: a
                .years
                .iter()
                .map(|y| {
                    vec![
                        y.year.to_string(),
                        y.counts.completed_share().map_or("—".into(), percent),
                        y.counts.no_report.to_string(),
                        y.spent.display_bg(),
                    ]
                })
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::format::parse_plan_json;
    use crate::snapshot::sample::sample_round;

    fn snap() -> RoundSnapshot {
        let plan = parse_plan_json(include_str!("../../tests/fixtures/plans/sample.plan.json"))
            .expect("plan");
        sample_round(1, 1, &plan, 2024)
    }

    #[test]
    fn edited_parts_are_kept_and_empty_parts_are_generated() {
        let mut n = Narrative {
            introduction: "Първи абзац\nпродължение.\n\nВтори абзац.".into(),
            ..Narrative::default()
        };
        n.priorities.insert(1, "Собствено резюме.".into());
        let r = build(&snap(), &[], &n, "проект".into(), false, &|s| {
            s.to_string()
        });
        assert_eq!(r.introduction, ["Първи абзац продължение.", "Втори абзац."]);
        assert_eq!(r.chapters[1].summary, ["Собствено резюме."]);
        assert!(!r.chapters[0].summary.is_empty(), "generated summary");
        assert!(!r.conclusions.is_empty() && !r.recommendations.is_empty());
    }

    #[test]
    fn the_report_has_one_chapter_per_priority_area_with_every_measure() {
        let s = snap();
        let r = build(&s, &[], &Narrative::default(), String::new(), false, &|s| {
            s.to_string()
        });
        assert_eq!(r.chapters.len(), s.plan.priorities.len());
        let measures: usize = r.chapters.iter().map(|c| c.measures.len()).sum();
        assert_eq!(measures, s.plan.measures().count());
        assert_eq!(r.annexes[0].rows.len(), measures);
        assert!(r.title.contains("2024"));
    }
}
