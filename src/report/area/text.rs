//! The generated sentences of a district's or the nation's report, in Bulgarian (the documents)
//! or in English (the report's page in English): what a part says when the coordinator left it
//! empty, and the figures every version shows.

use super::{AreaInputs, Level, money_in, slot_title_in};
use crate::analytics::charts::percent;
use crate::i18n::{Lang, Tr};

/// The Bulgarian or the English words, by the language of `tr`.
pub fn w(tr: Tr, bg: &str, en: &str) -> String {
    match tr.lang {
        Lang::Bg => bg.to_string(),
        Lang::En => en.to_string(),
    }
}

fn en(tr: Tr) -> bool {
    tr.lang == Lang::En
}

/// "общини", "области": what the table of units goes by.
pub fn by_unit(level: Level, tr: Tr) -> String {
    match level {
        Level::District => w(tr, "общини", "municipality"),
        Level::Nation => w(tr, "области", "district"),
    }
}

fn municipalities(inputs: &AreaInputs) -> usize {
    inputs.units.iter().map(|u| u.members).sum()
}

fn with_plan(inputs: &AreaInputs) -> usize {
    inputs.units.iter().map(|u| u.with_plan).sum()
}

fn reporting(inputs: &AreaInputs) -> usize {
    inputs.units.iter().map(|u| u.reporting).sum()
}

fn exempt_count(inputs: &AreaInputs) -> usize {
    inputs.units.iter().map(|u| u.exempt).sum()
}

pub fn introduction(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    let place = inputs.place_name_in(tr);
    let y = inputs.year;
    if en(tr) {
        return vec![
            format!(
                "The report sums up how the municipal plans for Roma integration in {place} were carried out in {y}, by the six priority areas of the National Strategy for Roma Equality, Inclusion and Participation (2021–2030)."
            ),
            format!(
                "Only approved reports of the municipalities' closed rounds are included; unapproved data never reach a level above the municipality. Municipalities are counted under the districts of the administrative division in force in {y}."
            ),
        ];
    }
    vec![
        format!(
            "Докладът обобщава изпълнението на общинските планове за интегриране на ромите в {place} през {y} г. по шестте приоритетни области на Националната стратегия за равенство, приобщаване и участие на ромите (2021–2030)."
        ),
        format!(
            "Включени са само одобрените отчети от приключилите отчетни периоди на общините; неодобрени данни не достигат до ниво над общината. Общините са отнесени към областите по административното деление в сила през {y} г."
        ),
    ]
}

pub fn summary(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    let t = &inputs.totals;
    let m = &t.all.measures;
    let (all, plans, closed) = (municipalities(inputs), with_plan(inputs), reporting(inputs));
    let mut out = vec![if en(tr) {
        format!(
            "Of {all} municipalities, {plans} have a plan in force and {closed} have a closed round for the year."
        )
    } else {
        format!(
            "От {all} общини {plans} имат план в сила, а {closed} имат приключил отчетен период за годината."
        )
    }];
    if m.total() > 0 {
        out.push(if en(tr) {
            format!(
                "The municipalities report {} measures: {} completed, {} in progress, {} partly completed, {} not done; {} measures have no approved report.",
                m.total(),
                m.completed,
                m.in_progress,
                m.partial,
                m.not_done,
                m.not_reported
            )
        } else {
            format!(
                "Общините отчитат {} мерки: {} изпълнени, {} в изпълнение, {} частично изпълнени, {} неизпълнени; за {} мерки няма одобрен отчет.",
                m.total(),
                m.completed,
                m.in_progress,
                m.partial,
                m.not_done,
                m.not_reported
            )
        });
    }
    out
}

/// "36 от 98 (37 %)".
pub fn share(approved: u64, expected: u64, rate: Option<f64>, tr: Tr) -> String {
    rate.map_or("—".into(), |r| {
        format!(
            "{approved} {} {expected} ({})",
            w(tr, "от", "of"),
            percent(r)
        )
    })
}

pub fn figures(inputs: &AreaInputs, tr: Tr) -> Vec<(String, String)> {
    let t = &inputs.totals;
    let y = inputs.year;
    vec![
        (
            w(tr, "Общини", "Municipalities"),
            municipalities(inputs).to_string(),
        ),
        (
            w(tr, "С план в сила", "With a plan in force"),
            with_plan(inputs).to_string(),
        ),
        (
            w(tr, "С приключил отчетен период", "With a closed round"),
            reporting(inputs).to_string(),
        ),
        (
            w(
                tr,
                "Отбелязани като неотчитащи се",
                "Marked as not reporting",
            ),
            exempt_count(inputs).to_string(),
        ),
        (
            w(tr, "Не са отчели", "Have not reported"),
            inputs.missing().to_string(),
        ),
        (
            w(
                tr,
                "Одобрени отчети от очакваните",
                "Approved reports of those expected",
            ),
            share(
                t.reporting.approved,
                t.reporting.expected,
                t.reporting.rate(),
                tr,
            ),
        ),
        (
            w(tr, "Мерки", "Measures"),
            t.all.measures.total().to_string(),
        ),
        (
            w(
                tr,
                "Планирани средства за годината",
                "Funding planned for the year",
            ),
            money_in(&t.all.money.planned, y, tr),
        ),
        (
            w(tr, "Изразходвани средства", "Funding spent"),
            money_in(&t.all.money.spent, y, tr),
        ),
        (
            w(tr, "Достигнати лица", "People reached"),
            t.all.people_reached.to_string(),
        ),
    ]
}

pub fn area_summary(inputs: &AreaInputs, slot: usize, tr: Tr) -> Vec<String> {
    let f = &inputs.totals.areas[slot];
    let m = &f.measures;
    let title = slot_title_in(tr, slot);
    if m.total() == 0 {
        return vec![if en(tr) {
            format!("The area “{title}” has no measures with data for the year.")
        } else {
            format!("В област „{title}“ няма мерки с данни за годината.")
        }];
    }
    let y = inputs.year;
    let units = inputs
        .units
        .iter()
        .filter(|u| u.totals.areas[slot].measures.total() > 0)
        .count();
    let (planned, spent) = (
        money_in(&f.money.planned, y, tr),
        money_in(&f.money.spent, y, tr),
    );
    let mut out = vec![if en(tr) {
        format!(
            "Priority area “{title}”: {} measures (each {} with measures in the area: {units}), of which {} completed, {} in progress; {} without an approved report. Funding planned for the year: {planned}; spent: {spent}; people reached: {}.",
            m.total(),
            by_unit(inputs.level, tr),
            m.completed,
            m.in_progress,
            m.not_reported,
            f.people_reached
        )
    } else {
        format!(
            "Приоритетна област „{title}“: {} мерки ({} с мерки в областта: {units}), от тях {} изпълнени, {} в изпълнение; за {} няма одобрен отчет. Планирани средства за годината: {planned}; изразходвани: {spent}; достигнати лица: {}.",
            m.total(),
            by_unit(inputs.level, tr),
            m.completed,
            m.in_progress,
            m.not_reported,
            f.people_reached
        )
    }];
    if f.indicators.carried > 0 {
        let n = f.indicators.carried;
        out.push(if en(tr) {
            format!(
                "{n} cumulative indicators have no new value for {y}: their last approved value of an earlier year is taken into the sum."
            )
        } else {
            format!(
                "За {n} кумулативни индикатора няма нова стойност за {y} г.: в сбора е взета последната им одобрена стойност от предходна година."
            )
        });
    }
    out
}

pub fn reporting_text(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    let r = &inputs.totals.reporting;
    vec![if en(tr) {
        format!(
            "Reports expected from the institutions: {}; received: {}, of which approved: {} and late: {}. Only the approved ones are summed up.",
            r.expected, r.received, r.approved, r.late
        )
    } else {
        format!(
            "Очаквани отчети на институциите: {}; получени: {}, от тях одобрени: {} и след срока: {}. В обобщението влизат само одобрените.",
            r.expected, r.received, r.approved, r.late
        )
    }]
}

/// Who had a plan in force and neither reported nor was marked as not reporting.
pub fn missing(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    inputs
        .units
        .iter()
        .filter(|u| u.missing > 0)
        .map(|u| match (inputs.level, en(tr)) {
            (Level::District, false) => format!("{} ({})", u.name, u.state),
            (Level::District, true) => tr.place(&u.name),
            (Level::Nation, false) => format!("област {}: {} общини", u.name, u.missing),
            (Level::Nation, true) => {
                format!(
                    "district of {}: {} municipalities",
                    tr.place(&u.name),
                    u.missing
                )
            }
        })
        .collect()
}

/// Who was marked as not reporting, and why (the reason in the words it was written in).
pub fn exempt(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    inputs
        .units
        .iter()
        .filter(|u| u.exempt > 0 || u.reason.is_some())
        .map(|u| {
            let name = tr.place(&u.name);
            match (&inputs.level, &u.reason, en(tr)) {
                (Level::District, Some(r), _) => format!("{name}: {r}"),
                (Level::Nation, Some(r), false) if u.exempt > 0 => format!(
                    "област {name}: без областен доклад ({r}); {} общини",
                    u.exempt
                ),
                (Level::Nation, Some(r), true) if u.exempt > 0 => format!(
                    "district of {name}: no district report ({r}); {} municipalities",
                    u.exempt
                ),
                (Level::Nation, Some(r), false) => {
                    format!("област {name}: без областен доклад ({r})")
                }
                (Level::Nation, Some(r), true) => {
                    format!("district of {name}: no district report ({r})")
                }
                (_, None, false) => format!("област {name}: {} общини", u.exempt),
                (_, None, true) => format!("district of {name}: {} municipalities", u.exempt),
            }
        })
        .collect()
}

pub fn own_plans(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    let y = inputs.year;
    if inputs.own_plans.is_empty() {
        return vec![match (inputs.level, en(tr)) {
            (Level::District, false) => {
                format!("Няма собствен план на областта в сила през {y} г.")
            }
            (Level::Nation, false) => {
                format!("Няма собствен план на национално ниво в сила през {y} г.")
            }
            (Level::District, true) => {
                format!("The district has no plan of its own in force in {y}.")
            }
            (Level::Nation, true) => format!("There is no national plan in force in {y}."),
        }];
    }
    inputs
        .own_plans
        .iter()
        .map(|p| match (&p.totals, en(tr)) {
            (Some(t), false) => format!(
                "{} ({}): {} мерки, {} изпълнени; одобрени отчети {} от {}; изразходвани средства: {}.",
                p.title,
                p.period,
                t.all.measures.total(),
                t.all.measures.completed,
                t.reporting.approved,
                t.reporting.expected,
                money_in(&t.all.money.spent, y, tr)
            ),
            (Some(t), true) => format!(
                "{} ({}): {} measures, {} completed; approved reports {} of {}; funding spent: {}.",
                p.title,
                p.period,
                t.all.measures.total(),
                t.all.measures.completed,
                t.reporting.approved,
                t.reporting.expected,
                money_in(&t.all.money.spent, y, tr)
            ),
            (None, false) => format!(
                "{} ({}): няма приключил отчетен период за {y} г.",
                p.title, p.period
            ),
            (None, true) => format!("{} ({}): no closed round for {y}.", p.title, p.period),
        })
        .collect()
}

pub fn conclusions(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    let m = &inputs.totals.all.measures;
    let mut out = Vec::new();
    if m.total() > 0 {
        let share = percent(m.completed as f64 / m.total() as f64);
        out.push(if en(tr) {
            format!(
                "{} of {} measures were completed ({share}).",
                m.completed,
                m.total()
            )
        } else {
            format!(
                "Изпълнени са {} от {} мерки ({share}).",
                m.completed,
                m.total()
            )
        });
    } else {
        out.push(w(
            tr,
            "Няма одобрени данни за годината.",
            "There are no approved data for the year.",
        ));
    }
    let missing = inputs.missing();
    if missing > 0 {
        out.push(if en(tr) {
            format!(
                "{missing} municipalities with a plan in force have not reported and are not marked as not reporting."
            )
        } else {
            format!(
                "{missing} общини с план в сила не са отчели и не са отбелязани като неотчитащи се."
            )
        });
    }
    out
}

pub fn recommendations(inputs: &AreaInputs, tr: Tr) -> Vec<String> {
    let mut out = Vec::new();
    if inputs.missing() > 0 {
        out.push(w(
            tr,
            "Общините, които не са отчели, да приключат отчетния си период.",
            "The municipalities that have not reported should close their round.",
        ));
    }
    if inputs.totals.all.measures.not_reported > 0 {
        out.push(w(
            tr,
            "Отговорните институции да представят отчети за мерките без одобрен отчет.",
            "The responsible institutions should report on the measures without an approved report.",
        ));
    }
    out.push(w(
        tr,
        "Общините да поддържат индикаторите си съпоставими с националните.",
        "The municipalities should keep their indicators comparable with the national ones.",
    ));
    out
}
