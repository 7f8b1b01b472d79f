//! The tables of a district's or the nation's report: measures by status, indicators by kind,
//! the units by priority area, reporting, and the annexes (units, money by funding source,
//! indicators mapped to the national ones).

use super::text::{self, share, w};
use super::{AreaInputs, Level, money_in, slot_title_in};
use crate::analytics::charts::{DataTable, percent, status_label};
use crate::i18n::Tr;
use crate::rollup::Purse;
use crate::snapshot::ReportedStatus;

pub(super) fn status_table(caption: &str, c: &crate::rollup::StatusCounts, tr: Tr) -> DataTable {
    DataTable {
        caption: caption.into(),
        headers: vec![w(tr, "Статус", "Status"), w(tr, "Мерки", "Measures")],
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

pub(super) fn number(v: f64, tr: Tr) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if tr.lang == crate::i18n::Lang::En {
        format!("{v:.2}")
    } else {
        format!("{v:.2}").replace('.', ",")
    }
}

/// "да: 3, не: 1".
fn yes_no(yes: u64, no: u64, tr: Tr) -> String {
    format!("{}: {yes}, {}: {no}", w(tr, "да", "yes"), w(tr, "не", "no"))
}

/// Indicators by kind, added as each kind adds (never averaged).
pub(super) fn indicator_table(caption: &str, f: &crate::rollup::Figures, tr: Tr) -> DataTable {
    let i = &f.indicators;
    DataTable {
        caption: caption.into(),
        headers: vec![
            w(tr, "Вид индикатор", "Kind of indicator"),
            w(tr, "Индикатори със стойност", "Indicators with a value"),
            w(tr, "Обобщена стойност", "Combined value"),
        ],
        rows: vec![
            vec![
                w(tr, "Числови (сбор)", "Numbers (sum)"),
                i.numbers.to_string(),
                number(i.number_sum, tr),
            ],
            vec![
                w(
                    tr,
                    "Кумулативни (сбор на последните стойности)",
                    "Cumulative (sum of the last values)",
                ),
                i.cumulatives.to_string(),
                number(i.cumulative_sum, tr),
            ],
            vec![
                w(
                    tr,
                    "от тях без нова стойност: пренесена последната от предходна година",
                    "of which without a new value: the last one of an earlier year carried",
                ),
                i.carried.to_string(),
                "—".into(),
            ],
            vec![
                w(
                    tr,
                    "Процентни (числители към знаменатели)",
                    "Percentages (numerators over denominators)",
                ),
                i.percentages.to_string(),
                i.percent().map_or("—".into(), |p| percent(p / 100.0)),
            ],
            vec![
                w(tr, "Да/не", "Yes/no"),
                (i.yes + i.no).to_string(),
                yes_no(i.yes, i.no, tr),
            ],
            vec![w(tr, "Текстови", "Text"), i.texts.to_string(), "—".into()],
        ],
    }
}

pub(super) fn units_in_area(inputs: &AreaInputs, slot: usize, one: &str, tr: Tr) -> DataTable {
    let y = inputs.year;
    DataTable {
        caption: format!(
            "{}: {} {}",
            slot_title_in(tr, slot),
            w(tr, "по", "by"),
            text::by_unit(inputs.level, tr)
        ),
        headers: vec![
            one.into(),
            w(tr, "Мерки", "Measures"),
            w(tr, "Изпълнени", "Completed"),
            w(tr, "Планирани за годината", "Planned for the year"),
            w(tr, "Изразходвани", "Spent"),
            w(tr, "Достигнати лица", "People reached"),
        ],
        rows: inputs
            .units
            .iter()
            .filter(|u| u.totals.areas[slot].measures.total() > 0)
            .map(|u| {
                let f = &u.totals.areas[slot];
                vec![
                    tr.place(&u.name),
                    f.measures.total().to_string(),
                    f.measures.completed.to_string(),
                    money_in(&f.money.planned, y, tr),
                    money_in(&f.money.spent, y, tr),
                    f.people_reached.to_string(),
                ]
            })
            .collect(),
    }
}

pub(super) fn reporting_table(inputs: &AreaInputs, one: &str, tr: Tr) -> DataTable {
    let rate = |u: &super::Unit| {
        let r = &u.totals.reporting;
        share(r.approved, r.expected, r.rate(), tr)
    };
    match inputs.level {
        Level::District => DataTable {
            caption: w(
                tr,
                "Положение на общините за годината",
                "Where the municipalities stand for the year",
            ),
            headers: vec![
                one.into(),
                w(tr, "Положение", "Standing"),
                w(
                    tr,
                    "Одобрени отчети от очакваните",
                    "Approved reports of those expected",
                ),
                w(tr, "Причина за неотчитане", "Reason for not reporting"),
            ],
            rows: inputs
                .units
                .iter()
                .map(|u| {
                    vec![
                        tr.place(&u.name),
                        u.state.clone(),
                        rate(u),
                        u.reason.clone().unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect(),
        },
        Level::Nation => DataTable {
            caption: w(tr, "Отчитане по области", "Reporting by district"),
            headers: vec![
                one.into(),
                w(tr, "Общини", "Municipalities"),
                w(tr, "С план в сила", "With a plan in force"),
                w(tr, "С приключил отчетен период", "With a closed round"),
                w(
                    tr,
                    "Неотчитащи се с причина",
                    "Not reporting, with a reason",
                ),
                w(tr, "Не са отчели", "Have not reported"),
                w(
                    tr,
                    "Одобрени отчети от очакваните",
                    "Approved reports of those expected",
                ),
                w(tr, "Областен доклад", "District report"),
            ],
            rows: inputs
                .units
                .iter()
                .map(|u| {
                    vec![
                        tr.place(&u.name),
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

pub(super) fn annex_units(inputs: &AreaInputs, one: &str, tr: Tr) -> DataTable {
    let y = inputs.year;
    DataTable {
        caption: format!(
            "{} {}",
            w(
                tr,
                "Приложение 1. Мерки и средства по",
                "Annex 1. Measures and funding by"
            ),
            text::by_unit(inputs.level, tr)
        ),
        headers: vec![
            one.into(),
            w(tr, "Мерки", "Measures"),
            w(tr, "Изпълнени", "Completed"),
            w(tr, "В изпълнение", "In progress"),
            w(tr, "Без одобрен отчет", "Without an approved report"),
            w(tr, "Планирани за годината", "Planned for the year"),
            w(tr, "Изразходвани", "Spent"),
            w(tr, "Достигнати лица", "People reached"),
        ],
        rows: inputs
            .units
            .iter()
            .map(|u| {
                let f = &u.totals.all;
                vec![
                    tr.place(&u.name),
                    f.measures.total().to_string(),
                    f.measures.completed.to_string(),
                    f.measures.in_progress.to_string(),
                    f.measures.not_reported.to_string(),
                    money_in(&f.money.planned, y, tr),
                    money_in(&f.money.spent, y, tr),
                    f.people_reached.to_string(),
                ]
            })
            .collect(),
    }
}

/// Money planned for the year and spent, by funding source, each in the currency of the year
/// and the other at the fixed rate.
pub(super) fn annex_sources(inputs: &AreaInputs, tr: Tr) -> DataTable {
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
        caption: w(
            tr,
            "Приложение 2. Планирани за годината и изразходвани средства по източници на финансиране",
            "Annex 2. Funding planned for the year and spent by funding source",
        ),
        headers: vec![
            w(tr, "Източник", "Source"),
            w(tr, "Планирани за годината", "Planned for the year"),
            w(tr, "Изразходвани", "Spent"),
        ],
        rows: names
            .into_iter()
            .map(|name| {
                vec![
                    name.clone(),
                    money_in(
                        m.planned_by_source.get(name).unwrap_or(&none),
                        inputs.year,
                        tr,
                    ),
                    money_in(
                        m.spent_by_source.get(name).unwrap_or(&none),
                        inputs.year,
                        tr,
                    ),
                ]
            })
            .collect(),
    }
}

/// The indicators the coordinators mapped to the national plan's, added up by the national
/// indicator and by kind.
pub(super) fn annex_national(inputs: &AreaInputs, tr: Tr) -> DataTable {
    DataTable {
        caption: w(
            tr,
            "Приложение 3. Индикатори, картирани към националните",
            "Annex 3. Indicators mapped to the national ones",
        ),
        headers: vec![
            w(tr, "Национален индикатор", "National indicator"),
            w(tr, "Индикатори със стойност", "Indicators with a value"),
            w(tr, "Обобщена стойност", "Combined value"),
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
                    (i.yes + i.no, yes_no(i.yes, i.no, tr))
                } else if i.cumulatives > 0 {
                    (i.cumulatives, number(i.cumulative_sum, tr))
                } else {
                    (i.numbers, number(i.number_sum, tr))
                };
                vec![name, count.to_string(), value]
            })
            .collect(),
    }
}
