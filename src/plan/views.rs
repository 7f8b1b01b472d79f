//! View models of plans for pages and reports: what a reader sees, already formatted.

use super::rules::{self, Financing};
use super::store::{PlanListItem, StoredPlan};
use super::{Adoption, Indicator, Measure, Objective, Priority};
use crate::money::{Currency, Money};

/// A piece of text that may link somewhere.
#[derive(Debug, Clone)]
pub struct Link {
    pub text: String,
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IndicatorView {
    pub name: String,
    pub baseline: String,
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct MeasureView {
    pub key: String,
    pub href: String,
    pub anchor: String,
    pub label: String,
    pub headline: String,
    pub tasks: Vec<String>,
    pub activities: Vec<String>,
    pub institutions: Vec<Link>,
    pub period: String,
    pub status: Option<String>,
    pub amounts: Vec<String>,
    pub sources: Vec<String>,
    pub indicators: Vec<IndicatorView>,
}

#[derive(Debug, Clone)]
pub struct ObjectiveView {
    pub anchor: String,
    pub heading: String,
    pub measures: Vec<MeasureView>,
}

#[derive(Debug, Clone)]
pub struct PriorityView {
    pub anchor: String,
    pub heading: String,
    pub area: Option<&'static str>,
    pub operational_objective: Option<String>,
    pub planned: String,
    pub measure_count: usize,
    pub objectives: Vec<ObjectiveView>,
}

/// A row of a financing table.
#[derive(Debug, Clone)]
pub struct FinRow {
    pub name: String,
    pub href: Option<String>,
    pub measures: usize,
    pub bgn: String,
    pub eur: String,
    pub note: String,
}

pub const DASH: &str = "—";

pub fn adoption_text(a: Option<&Adoption>) -> String {
    let Some(a) = a else {
        return "не е посочено в документа".into();
    };
    let mut parts = Vec::new();
    if let Some(n) = &a.decision_number {
        parts.push(format!("Решение № {n}"));
    }
    if let Some(n) = &a.protocol_number {
        parts.push(format!("протокол № {n}"));
    }
    let mut text = parts.join(", ");
    if let Some(d) = &a.date {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("от {}", crate::dates::display_bg(d)));
    }
    if let Some(b) = &a.body {
        text.push_str(&format!(" ({b})"));
    }
    if text.trim().is_empty() {
        "не е посочено в документа".into()
    } else {
        text
    }
}

pub fn period_text(from: i32, to: i32) -> String {
    if from == to {
        format!("{from} г.")
    } else {
        format!("{from}–{to} г.")
    }
}

pub fn money(minor: i64, currency: Currency) -> String {
    Money::new(minor, currency).display_bg()
}

/// Shortens long text at a word boundary for headings and lists.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ' ']))
}

pub fn measure_href(plan_id: i64, key: &str) -> String {
    format!("/plans/{plan_id}/measures/{key}")
}

pub fn priority_heading(p: &Priority, index: usize) -> String {
    let n = p.number.map_or(index + 1, |n| n as usize);
    let title = p.title.trim();
    if title.to_lowercase().starts_with("приоритет") {
        title.to_string()
    } else {
        format!("Приоритет {n}. {title}")
    }
}

pub fn objective_heading(o: &Objective) -> String {
    match &o.code {
        Some(c) => format!("Цел {}. {}", c.trim_end_matches('.'), o.title),
        None => o.title.clone(),
    }
}

fn indicator_view(i: &Indicator) -> IndicatorView {
    let with_year = |v: &Option<String>, y: Option<i32>| match (v, y) {
        (Some(v), Some(y)) => format!("{v} ({y} г.)"),
        (Some(v), None) => v.clone(),
        (None, _) => DASH.to_string(),
    };
    IndicatorView {
        name: i.name.clone(),
        baseline: with_year(&i.baseline, i.baseline_year),
        target: with_year(&i.target, i.target_year),
    }
}

pub fn measure_view(sp: &StoredPlan, m: &Measure, ordinal: usize) -> MeasureView {
    let amounts = m
        .amounts
        .iter()
        .map(|a| {
            let mut s = a.money().display_bg();
            if let Some(q) = &a.qualifier {
                s.push(' ');
                s.push_str(q);
            }
            if a.unit_missing {
                s.push_str(" (без посочена валута в документа)");
            }
            s
        })
        .collect();
    MeasureView {
        key: m.key.clone(),
        href: measure_href(sp.id, &m.key),
        anchor: format!("measure-{}", m.key),
        label: m.code.clone().unwrap_or_else(|| format!("№ {ordinal}")),
        headline: shorten(&m.headline(), 160),
        tasks: m.tasks.clone(),
        activities: m.activities.clone(),
        institutions: m
            .institutions
            .iter()
            .map(|name| Link {
                text: name.clone(),
                href: sp
                    .institutions
                    .get(name)
                    .map(|e| format!("/institutions/{}", e.slug)),
            })
            .collect(),
        period: m
            .period
            .as_ref()
            .map_or_else(|| DASH.to_string(), |p| p.text.clone()),
        status: m.status.clone(),
        amounts,
        sources: m.funding_sources.clone(),
        indicators: m.indicators.iter().map(indicator_view).collect(),
    }
}

fn fin_note(f: &Financing) -> String {
    let mut notes = Vec::new();
    if f.unit_missing > 0 {
        notes.push(format!("{} без посочена валута", f.unit_missing));
    }
    for (m, q) in &f.qualified {
        notes.push(format!("отделно: {} {q}", m.display_bg()));
    }
    notes.join("; ")
}

pub fn priority_views(sp: &StoredPlan) -> Vec<PriorityView> {
    let mut ordinal = 0;
    sp.plan
        .priorities
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let f = rules::priority_financing(p, Currency::Bgn);
            PriorityView {
                anchor: format!("priority-{}", pi + 1),
                heading: priority_heading(p, pi),
                area: p.national_area.map(|a| a.title_bg()),
                operational_objective: p.operational_objective.clone(),
                planned: f.total.display_bg(),
                measure_count: p.objectives.iter().map(|o| o.measures.len()).sum(),
                objectives: p
                    .objectives
                    .iter()
                    .enumerate()
                    .map(|(oi, o)| ObjectiveView {
                        anchor: format!("priority-{}-objective-{}", pi + 1, oi + 1),
                        heading: objective_heading(o),
                        measures: o
                            .measures
                            .iter()
                            .map(|m| {
                                ordinal += 1;
                                measure_view(sp, m, ordinal)
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

pub fn priority_fin_rows(sp: &StoredPlan) -> Vec<FinRow> {
    sp.plan
        .priorities
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let bgn = rules::priority_financing(p, Currency::Bgn);
            let eur = rules::priority_financing(p, Currency::Eur);
            FinRow {
                name: priority_heading(p, pi),
                href: Some(format!("#priority-{}", pi + 1)),
                measures: p.objectives.iter().map(|o| o.measures.len()).sum(),
                bgn: bgn.total.display_bg(),
                eur: eur.total.display_bg(),
                note: fin_note(&bgn),
            }
        })
        .collect()
}

pub fn source_fin_rows(sp: &StoredPlan) -> Vec<FinRow> {
    let canon = |s: &str| {
        sp.sources
            .get(s)
            .map_or_else(|| s.trim().to_string(), |e| e.name.clone())
    };
    let bgn = rules::source_totals(&sp.plan, Currency::Bgn, canon);
    bgn.into_iter()
        .map(|r| FinRow {
            eur: r.total.convert(Currency::Eur).display_bg(),
            bgn: r.total.display_bg(),
            href: None,
            measures: r.measures,
            note: if r.shared > 0 {
                format!("обща сума с други източници: {}", r.shared)
            } else {
                String::new()
            },
            name: r.name,
        })
        .collect()
}

pub fn plan_fin_note(sp: &StoredPlan) -> String {
    fin_note(&rules::plan_financing(&sp.plan, Currency::Bgn))
}

/// A plan in the lists.
#[derive(Debug, Clone)]
pub struct PlanCard {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub adoption: String,
    pub priorities: usize,
    pub objectives: usize,
    pub measures: usize,
    pub indicators: usize,
    pub planned_bgn: String,
    pub planned_eur: String,
    pub version: i64,
}

pub fn plan_card(p: &PlanListItem) -> PlanCard {
    PlanCard {
        id: p.id,
        title: p.title.clone(),
        period: period_text(p.period.from, p.period.to),
        adoption: adoption_text(p.adoption.as_ref()),
        priorities: p.summary.priorities,
        objectives: p.summary.objectives,
        measures: p.summary.measures,
        indicators: p.summary.indicators,
        planned_bgn: money(p.summary.planned_bgn_minor, Currency::Bgn),
        planned_eur: money(p.summary.planned_eur_minor, Currency::Eur),
        version: p.version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_adoption_is_said_not_invented() {
        assert_eq!(adoption_text(None), "не е посочено в документа");
        let a = Adoption {
            decision_number: Some("123".into()),
            protocol_number: Some("7".into()),
            date: Some("2021-09-30".into()),
            body: None,
        };
        assert_eq!(
            adoption_text(Some(&a)),
            "Решение № 123, протокол № 7 от 30.09.2021 г."
        );
    }

    #[test]
    fn long_headlines_are_cut_at_a_word() {
        let s = shorten(
            "Осигуряване на достъп до интернет на ученици от уязвими групи",
            30,
        );
        assert_eq!(s, "Осигуряване на достъп до…");
        assert_eq!(shorten("кратко", 30), "кратко");
    }
}
