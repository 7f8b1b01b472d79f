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
    rfc.map(crate::dates::display_day)
}

/// How the council adopted the plan, as a sentence also when that is not recorded.
pub fn adoption_sentence(adoption: Option<&crate::plan::Adoption>) -> String {
    let recorded = adoption.is_some_and(|a| {
        [&a.decision_number, &a.protocol_number, &a.date]
            .iter()
            .any(|p| p.as_deref().is_some_and(|t| !t.trim().is_empty()))
    });
    if recorded {
        full_stop(format!("Приет с {}", adoption_text(adoption)))
    } else {
        "Решението, с което е приет планът, не е посочено в документа.".into()
    }
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
            "{} Мерките, за които не е получен отчет, са посочени като такива и не се броят \
             за неизпълнени.",
            full_stop(format!(
                "Данните са от отчетите на отговорните институции, събрани в отчетния кръг \
                 за {} г.{closed}",
                snap.year
            ))
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

/// "1 мярка", "5 мерки": a number with the singular or the plural (count form) of its noun.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Ends a sentence with one full stop, also after an abbreviation ("15 000 лв.").
pub fn full_stop(text: String) -> String {
    if text.ends_with('.') {
        text
    } else {
        text + "."
    }
}

pub fn summary(snap: &RoundSnapshot, a: &Analysis) -> Vec<String> {
    let c = &a.statuses.plan;
    let r = &a.reporting;
    let m = &a.money.total;
    let mut out = vec![
        format!(
            "През {} г. планът включва {} в {}. По статус: {}. \
             Изпълнени са {} от мерките.",
            snap.year,
            count(c.total, "мярка", "мерки"),
            count(
                snap.plan.priorities.len(),
                "приоритетна област",
                "приоритетни области"
            ),
            status_list(c),
            c.completed_share().map_or("—".into(), percent)
        ),
        format!(
            "Отчети са представили {} от {}; получени са {} от {}, \
             {} от тях след срока{}.",
            r.institutions_reported(),
            count(r.institutions.len(), "институция", "институции"),
            r.received,
            count(r.assignments, "очакван отчет", "очаквани отчета"),
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
            "{} без планирани средства в плана.",
            count(m.unfunded, "мярка е", "мерки са")
        ));
    }
    if a.disagreements() > 0 {
        out.push(format!(
            "При {} заявеният статус се разминава със статуса, изчислен от стойностите на \
             индикаторите и изтеклото време; те са отбелязани в главите по приоритети.",
            count(a.disagreements(), "мярка", "мерки")
        ));
    }
    out
}

pub fn priority_summary(title: &str, c: &StatusCounts, money: &MoneyRow) -> Vec<String> {
    vec![full_stop(format!(
        "Приоритетна област „{}“ включва {} ({}). Изразходвани са {} от планирани за \
         периода {}",
        title.trim(),
        count(c.total, "мярка", "мерки"),
        status_list(c),
        money.spent.display_bg(),
        money.planned.display_bg()
    ))]
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
            "За {} не е получен отчет, което затруднява оценката на напредъка.",
            count(c.no_report, "мярка", "мерки")
        ));
    }
    out
}

pub fn recommendations(a: &Analysis) -> Vec<String> {
    let mut out = Vec::new();
    let silent = a.reporting.silent().count();
    if silent > 0 {
        out.push(if silent == 1 {
            "Да се осигури отчитане от институцията, която не е представила отчет.".into()
        } else {
            format!("Да се осигури отчитане от {silent} институции, които не са представили отчет.")
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_singular_for_one_and_sentences_end_once() {
        assert_eq!(count(1, "мярка", "мерки"), "1 мярка");
        assert_eq!(count(0, "мярка", "мерки"), "0 мерки");
        assert_eq!(count(7, "мярка", "мерки"), "7 мерки");
        assert_eq!(full_stop("15 000 лв.".into()), "15 000 лв.");
        assert_eq!(full_stop("Изпълнено".into()), "Изпълнено.");
    }

    #[test]
    fn an_adoption_not_recorded_reads_as_a_sentence() {
        assert_eq!(
            adoption_sentence(None),
            "Решението, с което е приет планът, не е посочено в документа."
        );
        let a = crate::plan::Adoption {
            decision_number: Some("451".into()),
            date: Some("2024-03-28".into()),
            ..crate::plan::Adoption::default()
        };
        let s = adoption_sentence(Some(&a));
        assert!(s.starts_with("Приет с Решение № 451 от "), "{s}");
        assert!(s.ends_with(" г.") && !s.ends_with(".."), "{s}");
    }
}
