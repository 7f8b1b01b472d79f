//! The tables of a district's or the nation's report: measures by status, indicators by kind,
//! the units by priority area, reporting, and the annexes (units, money by funding source,
//! indicators mapped to the national ones).

use super::{AreaInputs, Level, Unit, money, slot_title, text};
use crate::analytics::charts::{DataTable, percent, status_label};
use crate::rollup::Purse;
use crate::snapshot::ReportedStatus;

pub(super) fn status_table(caption: &str, c: &crate::rollup::StatusCounts) -> DataTable {
    let tr = crate::i18n::Tr::default();
    DataTable {
        caption: caption.into(),
        headers: vec!["Статус".into(), "Мерки".into()],
        rows: c
            .rows()
            .iter()
            .map(|(code, n)| {
                vec![
                    status_label(tr, ReportedStatus::from_code(code)),
                    n.to_string(),
                ]
            })
            .collect(),
    }
}

pub(super) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}").replace('.', ",")
    }
}

/// Indicators by kind, added as each kind adds (never averaged).
pub(super) fn indicator_table(caption: &str, f: &crate::rollup::Figures) -> DataTable {
    let i = &f.indicators;
    DataTable {
        caption: caption.into(),
        headers: vec![
            "Вид индикатор".into(),
            "Индикатори със стойност".into(),
            "Обобщена стойност".into(),
        ],
        rows: vec![
            vec![
                "Числови (сбор)".into(),
                i.numbers.to_string(),
                number(i.number_sum),
            ],
            vec![
                "Кумулативни (сбор на последните стойности)".into(),
                i.cumulatives.to_string(),
                number(i.cumulative_sum),
            ],
            vec![
                "от тях без нова стойност: пренесена последната от предходна година".into(),
                i.carried.to_string(),
                "—".into(),
            ],
            vec![
                "Процентни (числители към знаменатели)".into(),
                i.percentages.to_string(),
                i.percent().map_or("—".into(), |p| percent(p / 100.0)),
            ],
            vec![
                "Да/не".into(),
                (i.yes + i.no).to_string(),
                format!("да: {}, не: {}", i.yes, i.no),
            ],
            vec!["Текстови".into(), i.texts.to_string(), "—".into()],
        ],
    }
}

pub(super) fn units_in_area(inputs: &AreaInputs, slot: usize, one: &str) -> DataTable {
    let y = inputs.year;
    DataTable {
        caption: format!("{}: по {}", slot_title(slot), text::by_unit(inputs.level)),
        headers: vec![
            one.into(),
            "Мерки".into(),
            "Изпълнени".into(),
            "Планирани за годината".into(),
            "Изразходвани".into(),
            "Достигнати лица".into(),
        ],
        rows: inputs
            .units
            .iter()
            .filter(|u| u.totals.areas[slot].measures.total() > 0)
            .map(|u| {
                let f = &u.totals.areas[slot];
                vec![
                    u.name.clone(),
                    f.measures.total().to_string(),
                    f.measures.completed.to_string(),
                    money(&f.money.planned, y),
                    money(&f.money.spent, y),
                    f.people_reached.to_string(),
                ]
            })
            .collect(),
    }
}

pub(super) fn reporting_table(inputs: &AreaInputs, one: &str) -> DataTable {
    let rate = |u: &Unit| {
        u.totals.reporting.rate().map_or("—".into(), |r| {
            format!(
                "{} от {} ({})",
                u.totals.reporting.approved,
                u.totals.reporting.expected,
                percent(r)
            )
        })
    };
    match inputs.level {
        Level::District => DataTable {
            caption: "Положение на общините за годината".into(),
            headers: vec![
                one.into(),
                "Положение".into(),
                "Одобрени отчети от очакваните".into(),
                "Причина за неотчитане".into(),
            ],
            rows: inputs
                .units
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.state.clone(),
                        rate(u),
                        u.reason.clone().unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect(),
        },
        Level::Nation => DataTable {
            caption: "Отчитане по области".into(),
            headers: vec![
                one.into(),
                "Общини".into(),
                "С план в сила".into(),
                "С приключил отчетен период".into(),
                "Неотчитащи се с причина".into(),
                "Не са отчели".into(),
                "Одобрени отчети от очакваните".into(),
                "Областен доклад".into(),
            ],
            rows: inputs
                .units
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.members.to_string(),
                        u.with_plan.to_string(),
                        u.reporting.to_string(),
                        u.exempt.to_string(),
                        u.missing.to_string(),
                        rate(u),
                        u.state.clone(),
                    ]
                })
                .collect(),
        },
    }
}

pub(super) fn annex_units(inputs: &AreaInputs, one: &str) -> DataTable {
    let y = inputs.year;
    DataTable {
        caption: format!(
            "Приложение 1. Мерки и средства по {}",
            text::by_unit(inputs.level)
        ),
        headers: vec![
            one.into(),
            "Мерки".into(),
            "Изпълнени".into(),
            "В изпълнение".into(),
            "Без одобрен отчет".into(),
            "Планирани за годината".into(),
            "Изразходвани".into(),
            "Достигнати лица".into(),
        ],
        rows: inputs
            .units
            .iter()
            .map(|u| {
                let f = &u.totals.all;
                vec![
                    u.name.clone(),
                    f.measures.total().to_string(),
                    f.measures.completed.to_string(),
                    f.measures.in_progress.to_string(),
                    f.measures.not_reported.to_string(),
                    money(&f.money.planned, y),
                    money(&f.money.spent, y),
                    f.people_reached.to_string(),
                ]
            })
            .collect(),
    }
}

/// Money planned for the year and spent, by funding source, each in the currency of the year
/// and the other at the fixed rate.
pub(super) fn annex_sources(inputs: &AreaInputs) -> DataTable {
    let m = &inputs.totals.all.money;
    let mut names: Vec<&String> = m
        .planned_by_source
        .keys()
        .chain(m.spent_by_source.keys())
        .collect();
    names.sort();
    names.dedup();
    let none = Purse::default();
    DataTable {
        caption: "Приложение 2. Планирани за годината и изразходвани средства по източници на финансиране".into(),
        headers: vec![
            "Източник".into(),
            "Планирани за годината".into(),
            "Изразходвани".into(),
        ],
        rows: names
            .into_iter()
            .map(|name| {
                vec![
                    name.clone(),
                    money(m.planned_by_source.get(name).unwrap_or(&none), inputs.year),
                    money(m.spent_by_source.get(name).unwrap_or(&none), inputs.year),
                ]
            })
            .collect(),
    }
}

/// The indicators the coordinators mapped to the national plan's, added up by the national
/// indicator and by kind.
pub(super) fn annex_national(inputs: &AreaInputs) -> DataTable {
    DataTable {
        caption: "Приложение 3. Индикатори, картирани към националните".into(),
        headers: vec![
            "Национален индикатор".into(),
            "Индикатори със стойност".into(),
            "Обобщена стойност".into(),
        ],
        rows: inputs
            .totals
            .national
            .iter()
            .map(|(key, i)| {
                let name = inputs
                    .national_names
                    .get(key)
                    .cloned()
                    .unwrap_or_else(|| key.clone());
                let (count, value) = if i.percentages > 0 {
                    (
                        i.percentages,
                        i.percent().map_or("—".into(), |p| percent(p / 100.0)),
                    )
                } else if i.yes + i.no > 0 {
                    (i.yes + i.no, format!("да: {}, не: {}", i.yes, i.no))
                } else if i.cumulatives > 0 {
                    (i.cumulatives, number(i.cumulative_sum))
                } else {
                    (i.numbers, number(i.number_sum))
                };
                vec![name, count.to_string(), value]
            })
            .collect(),
    }
}

