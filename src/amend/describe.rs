//! A recognised change in words, for the review beside its source sentence.

use super::decision::Change;
use super::edit::amount_line;
use crate::i18n::Tr;

/// "Мярка 1.2: финансиране → 3 000 лв."
pub fn describe(tr: &Tr, change: &Change) -> String {
    let measure = |code: &str| format!("{} {code}", tr.t("amend.p.measure"));
    let list = |items: &[String]| items.join("; ");
    match change {
        Change::SetAmounts {
            measure: m,
            amounts,
        } => format!(
            "{}: {} → {}",
            measure(m),
            tr.t("amend.field.amounts"),
            amounts
                .iter()
                .map(amount_line)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Change::SetPeriod { measure: m, period } => format!(
            "{}: {} → {}",
            measure(m),
            tr.t("amend.field.period"),
            period.text
        ),
        Change::SetInstitutions {
            measure: m,
            institutions,
        } => format!(
            "{}: {} → {}",
            measure(m),
            tr.t("amend.field.institutions"),
            list(institutions)
        ),
        Change::SetSources {
            measure: m,
            sources,
        } => format!(
            "{}: {} → {}",
            measure(m),
            tr.t("amend.field.funding_sources"),
            list(sources)
        ),
        Change::SetText { measure: m, text } => format!(
            "{}: {} → {text}",
            measure(m),
            tr.t("amend.field.activities")
        ),
        Change::Drop { measure: m } => format!("{}: {}", measure(m), tr.t("amend.p.drop")),
        Change::Add {
            code,
            objective,
            text,
            amounts,
            ..
        } => {
            let mut s = tr.t("amend.p.add").to_string();
            if let Some(c) = code {
                s.push_str(&format!(" {c}"));
            }
            if let Some(o) = objective {
                s.push_str(&format!(" ({} {o})", tr.t("amend.p.objective")));
            }
            s.push_str(&format!(": {text}"));
            if !amounts.is_empty() {
                s.push_str(&format!(
                    "; {}",
                    amounts
                        .iter()
                        .map(amount_line)
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            s
        }
    }
}
