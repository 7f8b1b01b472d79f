//! The generated text of the report, in Bulgarian: what stands where the coordinator has not
//! written anything yet, and the summary of the year (always generated from the figures).

use crate::analytics::Analysis;
use crate::analytics::charts::percent;
use crate::analytics::money::MoneyRow;
use crate::analytics::status::StatusCounts;
use crate::plan::views::adoption_text;
use crate::snapshot::{ReportedStatus, RoundSnapshot};

/// The plan's title quoted, to follow "изпълнението на".
pub fn plan_genitive(title: &str) -> String {
    format!("„{}“", title.trim().trim_end_matches('.'))
}

fn date_of(rfc: Option<&str>) -> Option<String> {
    rfc.map(|c| crate::dates::display_bg(c.get(..10).unwrap_or(c)))
}

pub fn introduction(snap: &RoundSnapshot) -> Vec<String> {
    let plan = &snap.plan;
    let adoption = match &plan.adoption {
        Some(_) => format!(", приет с {}", adoption_text(plan.adoption.as_ref())),
        None => String::new(),
    };
    let closed = date_of(snap.closed_at.as_deref())
        .map(|d| format!(", приключил на {d}"))
        .unwrap_or_default();
    vec![
        format!(
            "Настоящият доклад представя изпълнението през {} г. на {}{}. Планът е част от \
             областната стратегия за интегриране на ромите и други уязвими групи и следва \
             приоритетите на Националната стратегия за равенство, приобщаване и участие на \
             ромите 2021–2030 г.",
            snap.year,
            plan_genitive(&plan.title),
            adoption
        ),
        format!(
            "Данните са от отчетите на отговорните институции, събрани в отчетния кръг за {} г.{}. \
             Мерките, за които не е получен отчет, са посочени като такива и не се броят за \
             неизпълнени.",
            snap.year, closed
        ),
    ]
}

fn status_list(c: &StatusCounts) -> String {
    let mut parts: Vec<String> = ReportedStatus::ALL
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} — {}", s.label_bg(), c.get(*s)))
        .collect();
    if c.no_report > 0 {
        parts.push(format!("без получен отчет — {}", c.no_report));
    }
    if parts.is_empty() {
        "няма мерки".into()
    } else {
        parts.join(", ")
    }
}

pub fn summary(snap: &RoundSnapshot, a: &Analysis) -> Vec<String> {
    let c = &a.statuses.plan;
    let r = &a.reporting;
    let m = &a.money.total;
    let mut out = vec![
        format!(
            "През {} г. планът включва {} мерки в {} приоритетни области. По статус: {}. \
             Изпълнени са {} от мерките.",
            snap.year,
            c.total,
            snap.plan.priorities.len(),
            status_list(c),
            c.completed_share().map_or("—".into(), percent)
        ),
        format!(
            "Отчети са представили {} от {} институции; получени са {} от {} очаквани отчета, \
             {} от тях след срока{}.",
            r.institutions_reported(),
            r.institutions.len(),
            r.received,
            r.assignments,
            r.late,
            snap.deadline
                .as_deref()
                .map(|d| format!(" ({})", crate::dates::display_bg(d)))
                .unwrap_or_default()
        ),
        format!(
            "Планираните средства за целия период на плана са {} ({}), а изразходваните през \
             годината — {} ({}).",
            m.planned.display_bg(),
            m.planned_eur().display_bg(),
            m.spent.display_bg(),
            m.spent_eur().display_bg()
        ),
    ];
    if m.unfunded > 0 {
        out.push(format!(
            "{} мерки нямат планирани средства в плана.",
            m.unfunded
        ));
    }
    if a.disagreements() > 0 {
        out.push(format!(
            "При {} мерки заявеният статус се разминава със статуса, изчислен от стойностите на \
             индикаторите и изтеклото време; те са отбелязани в главите по приоритети.",
            a.disagreements()
        ));
    }
    out
}

pub fn priority_summary(title: &str, c: &StatusCounts, money: &MoneyRow) -> Vec<String> {
    vec![format!(
        "Приоритетна област „{}“ включва {} мерки ({}). Изразходвани са {} от планирани за \
         периода {}.",
        title.trim(),
        c.total,
        status_list(c),
        money.spent.display_bg(),
        money.planned.display_bg()
    )]
}

pub fn conclusions(a: &Analysis) -> Vec<String> {
    let c = &a.statuses.plan;
    let mut out = vec![format!(
        "През годината са изпълнени {} от мерките на плана, а {} се изпълняват или са \
         изпълнени частично.",
        c.completed_share().map_or("—".into(), percent),
        c.get(ReportedStatus::InProgress) + c.get(ReportedStatus::Partial)
    )];
    if c.no_report > 0 {
        out.push(format!(
            "За {} мерки не е получен отчет, което затруднява оценката на напредъка.",
            c.no_report
        ));
    }
    out
}

pub fn recommendations(a: &Analysis) -> Vec<String> {
    let mut out = Vec::new();
    let silent = a.reporting.silent().count();
    if silent > 0 {
        out.push(format!(
            "Да се осигури отчитане от {silent} институции, които не са представили отчет."
        ));
    }
    if a.reporting.late > 0 {
        out.push("Отчетите да се представят в определения срок.".into());
    }
    if a.money.total.unfunded > 0 {
        out.push("Да се планират средства за мерките без посочено финансиране.".into());
    }
    if a.disagreements() > 0 {
        out.push(
            "Да се прегледат мерките, при които заявеният статус се разминава с изчисления.".into(),
        );
    }
    if out.is_empty() {
        out.push("Изпълнението на плана да продължи съгласно графика.".into());
    }
    out
}
