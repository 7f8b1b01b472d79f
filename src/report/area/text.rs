//! The generated Bulgarian sentences of a district's or the nation's report: what a part says
//! when the coordinator left it empty, and the figures every version shows.

use super::{AreaInputs, Level, money, slot_title};
use crate::analytics::charts::percent;

/// "общини", "области": what the table of units goes by.
pub fn by_unit(level: Level) -> &'static str {
    match level {
        Level::District => "общини",
        Level::Nation => "области",
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

pub fn introduction(inputs: &AreaInputs) -> Vec<String> {
    let place = inputs.place_name();
    vec![
        format!(
            "Докладът обобщава изпълнението на общинските планове за интегриране на ромите в {place} през {} г. по шестте приоритетни области на Националната стратегия за равенство, приобщаване и участие на ромите (2021–2030).",
            inputs.year
        ),
        format!(
            "Включени са само одобрените отчети от приключилите отчетни периоди на общините; неодобрени данни не достигат до ниво над общината. Общините са отнесени към областите по административното деление в сила през {} г.",
            inputs.year
        ),
    ]
}

pub fn summary(inputs: &AreaInputs) -> Vec<String> {
    let t = &inputs.totals;
    let m = &t.all.measures;
    let mut out = vec![format!(
        "От {} общини {} имат план в сила, а {} имат приключил отчетен период за годината.",
        municipalities(inputs),
        with_plan(inputs),
        reporting(inputs)
    )];
    if m.total() > 0 {
        out.push(format!(
            "Общините отчитат {} мерки: {} изпълнени, {} в изпълнение, {} частично изпълнени, {} неизпълнени; за {} мерки няма одобрен отчет.",
            m.total(),
            m.completed,
            m.in_progress,
            m.partial,
            m.not_done,
            m.not_reported
        ));
    }
    out
}

pub fn figures(inputs: &AreaInputs) -> Vec<(String, String)> {
    let t = &inputs.totals;
    let y = inputs.year;
    vec![
        ("Общини".into(), municipalities(inputs).to_string()),
        ("С план в сила".into(), with_plan(inputs).to_string()),
        (
            "С приключил отчетен период".into(),
            reporting(inputs).to_string(),
        ),
        (
            "Отбелязани като неотчитащи се".into(),
            exempt_count(inputs).to_string(),
        ),
        ("Не са отчели".into(), inputs.missing().to_string()),
        (
            "Одобрени отчети от очакваните".into(),
            t.reporting.rate().map_or("—".into(), |r| {
                format!(
                    "{} от {} ({})",
                    t.reporting.approved,
                    t.reporting.expected,
                    percent(r)
                )
            }),
        ),
        ("Мерки".into(), t.all.measures.total().to_string()),
        (
            "Планирани средства за годината".into(),
            money(&t.all.money.planned, y),
        ),
        ("Изразходвани средства".into(), money(&t.all.money.spent, y)),
        ("Достигнати лица".into(), t.all.people_reached.to_string()),
    ]
}

pub fn area_summary(inputs: &AreaInputs, slot: usize) -> Vec<String> {
    let f = &inputs.totals.areas[slot];
    let m = &f.measures;
    if m.total() == 0 {
        return vec![format!(
            "В област „{}“ няма мерки с данни за годината.",
            slot_title(slot)
        )];
    }
    let y = inputs.year;
    let units = inputs
        .units
        .iter()
        .filter(|u| u.totals.areas[slot].measures.total() > 0)
        .count();
    let mut out = vec![format!(
        "Приоритетна област „{}“: {} мерки ({} с мерки в областта: {}), от тях {} изпълнени, {} в изпълнение; за {} няма одобрен отчет. Планирани средства за годината: {}; изразходвани: {}; достигнати лица: {}.",
        slot_title(slot),
        m.total(),
        by_unit(inputs.level),
        units,
        m.completed,
        m.in_progress,
        m.not_reported,
        money(&f.money.planned, y),
        money(&f.money.spent, y),
        f.people_reached
    )];
    if f.indicators.carried > 0 {
        out.push(format!(
            "За {} кумулативни индикатора няма нова стойност за {} г.: в сбора е взета последната им одобрена стойност от предходна година.",
            f.indicators.carried, y
        ));
    }
    out
}

pub fn reporting_text(inputs: &AreaInputs) -> Vec<String> {
    let r = &inputs.totals.reporting;
    vec![format!(
        "Очаквани отчети на институциите: {}; получени: {}, от тях одобрени: {} и след срока: {}. В обобщението влизат само одобрените.",
        r.expected, r.received, r.approved, r.late
    )]
}

/// Who had a plan in force and neither reported nor was marked as not reporting.
pub fn missing(inputs: &AreaInputs) -> Vec<String> {
    inputs
        .units
        .iter()
        .filter(|u| u.missing > 0)
        .map(|u| match inputs.level {
            Level::District => format!("{} ({})", u.name, u.state),
            Level::Nation => format!("област {}: {} общини", u.name, u.missing),
        })
        .collect()
}

/// Who was marked as not reporting, and why.
pub fn exempt(inputs: &AreaInputs) -> Vec<String> {
    inputs
        .units
        .iter()
        .filter(|u| u.exempt > 0 || u.reason.is_some())
        .map(|u| match (&inputs.level, &u.reason) {
            (Level::District, Some(r)) => format!("{}: {}", u.name, r),
            (Level::Nation, Some(r)) if u.exempt > 0 => format!(
                "област {}: без областен доклад ({r}); {} общини",
                u.name, u.exempt
            ),
            (Level::Nation, Some(r)) => format!("област {}: без областен доклад ({r})", u.name),
            _ => format!("област {}: {} общини", u.name, u.exempt),
        })
        .collect()
}

pub fn own_plans(inputs: &AreaInputs) -> Vec<String> {
    if inputs.own_plans.is_empty() {
        return vec![format!(
            "Няма собствен план на {} в сила през {} г.",
            match inputs.level {
                Level::District => "областта",
                Level::Nation => "национално ниво",
            },
            inputs.year
        )];
    }
    inputs
        .own_plans
        .iter()
        .map(|p| match &p.totals {
            Some(t) => format!(
                "{} ({}): {} мерки, {} изпълнени; одобрени отчети {} от {}; изразходвани средства: {}.",
                p.title,
                p.period,
                t.all.measures.total(),
                t.all.measures.completed,
                t.reporting.approved,
                t.reporting.expected,
                money(&t.all.money.spent, inputs.year)
            ),
            None => format!(
                "{} ({}): няма приключил отчетен период за {} г.",
                p.title, p.period, inputs.year
            ),
        })
        .collect()
}

pub fn conclusions(inputs: &AreaInputs) -> Vec<String> {
    let m = &inputs.totals.all.measures;
    let mut out = Vec::new();
    if m.total() > 0 {
        out.push(format!(
            "Изпълнени са {} от {} мерки ({}).",
            m.completed,
            m.total(),
            percent(m.completed as f64 / m.total() as f64)
        ));
    } else {
        out.push("Няма одобрени данни за годината.".into());
    }
    let missing = inputs.missing();
    if missing > 0 {
        out.push(format!(
            "{missing} общини с план в сила не са отчели и не са отбелязани като неотчитащи се."
        ));
    }
    out
}

pub fn recommendations(inputs: &AreaInputs) -> Vec<String> {
    let mut out = Vec::new();
    if inputs.missing() > 0 {
        out.push("Общините, които не са отчели, да приключат отчетния си период.".into());
    }
    if inputs.totals.all.measures.not_reported > 0 {
        out.push(
            "Отговорните институции да представят отчети за мерките без одобрен отчет.".into(),
        );
    }
    out.push("Общините да поддържат индикаторите си съпоставими с националните.".into());
    out
}
