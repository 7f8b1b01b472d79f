//! View models of plans for pages and reports: what a reader sees, already formatted.

use super::rules::{self, Financing};
use super::store::{PlanListItem, StoredPlan};
use super::{Adoption, Indicator, Measure, Objective, Priority};
use crate::i18n::{Lang, Tr};
use crate::money::{Currency, Money};

/// A piece of text that may link somewhere.
#[derive(Debug, Clone)]
pub struct Link {
    pub text: String,
    pub href: Option<String>,
}

/// A value of an indicator as the plan writes it (content), with the year it refers to.
#[derive(Debug, Clone)]
pub struct ValueView {
    pub value: String,
    pub year: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IndicatorView {
    pub name: String,
    pub baseline: Option<ValueView>,
    pub target: Option<ValueView>,
}

/// A heading made of an interface word the page adds ("Приоритет 2.", "Objective 1.") and the
/// plan's own title (content, in Bulgarian).
#[derive(Debug, Clone, Default)]
pub struct Heading {
    pub prefix: String,
    pub title: String,
}

impl std::fmt::Display for Heading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.prefix, self.title)
    }
}

/// An amount of a measure: the money, the plan's own qualifier ("на училище") and whether the
/// document gave no currency.
#[derive(Debug, Clone)]
pub struct AmountView {
    pub money: String,
    pub qualifier: Option<String>,
    pub unit_missing: bool,
}

/// The remarks of a financing total: amounts without a currency, amounts shown apart.
#[derive(Debug, Clone, Default)]
pub struct FinNote {
    pub unit_missing: usize,
    /// (money, the plan's qualifier).
    pub separate: Vec<(String, String)>,
    /// Amounts shared with other sources (source rows).
    pub shared: usize,
}

impl FinNote {
    pub fn is_empty(&self) -> bool {
        self.unit_missing == 0 && self.separate.is_empty() && self.shared == 0
    }
}

/// How the council adopted the plan, as a sentence part in the page's language, and the body
/// named by the document (content).
#[derive(Debug, Clone)]
pub struct AdoptionView {
    pub text: String,
    pub body: Option<String>,
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
    pub amounts: Vec<AmountView>,
    pub sources: Vec<String>,
    pub indicators: Vec<IndicatorView>,
}

#[derive(Debug, Clone)]
pub struct ObjectiveView {
    pub anchor: String,
    pub heading: Heading,
    pub measures: Vec<MeasureView>,
}

#[derive(Debug, Clone)]
pub struct PriorityView {
    pub anchor: String,
    pub heading: Heading,
    pub area: Option<&'static str>,
    pub operational_objective: Option<String>,
    pub planned: String,
    pub measure_count: usize,
    pub objectives: Vec<ObjectiveView>,
}

/// A row of a financing table.
#[derive(Debug, Clone)]
pub struct FinRow {
    pub name: Heading,
    pub href: Option<String>,
    pub measures: usize,
    pub bgn: String,
    pub eur: String,
    pub note: FinNote,
}

pub const DASH: &str = "—";

/// The adoption as Bulgarian documents (the annual report) write it.
pub fn adoption_text(a: Option<&Adoption>) -> String {
    let view = adoption_view(a, Tr::new(Lang::Bg));
    match view.body {
        Some(b) => format!("{} ({b})", view.text),
        None => view.text,
    }
}

/// The adoption in the page's language; when the document names no decision, a sentence says
/// so.
pub fn adoption_view(a: Option<&Adoption>, tr: Tr) -> AdoptionView {
    let not_stated = || AdoptionView {
        text: tr.t("plan.adoption_not_stated").to_string(),
        body: None,
    };
    let Some(a) = a else {
        return not_stated();
    };
    let mut parts = Vec::new();
    if let Some(n) = &a.decision_number {
        parts.push(format!("{} {n}", tr.t("plan.decision_no")));
    }
    if let Some(n) = &a.protocol_number {
        parts.push(format!("{} {n}", tr.t("plan.protocol_no")));
    }
    let mut text = parts.join(", ");
    if let Some(d) = &a.date {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("{} {}", tr.t("plan.dated"), tr.date(d)));
    }
    if text.trim().is_empty() && a.body.is_none() {
        return not_stated();
    }
    AdoptionView {
        text,
        body: a.body.clone(),
    }
}

pub fn period_text(from: i32, to: i32) -> String {
    Tr::new(Lang::Bg).period(from, to)
}

/// An amount in Bulgarian (staff pages and documents).
pub fn money(minor: i64, currency: Currency) -> String {
    Money::new(minor, currency).display_bg()
}

/// A financing total, or "не са посочени" when the plan states no amount to sum.
pub fn planned(f: &Financing, tr: Tr) -> String {
    if f.amounts == 0 && f.qualified.is_empty() {
        tr.t("plan.amounts_not_stated").to_string()
    } else {
        tr.money(f.total)
    }
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

pub fn priority_heading(p: &Priority, index: usize, tr: Tr) -> Heading {
    let n = p.number.map_or(index + 1, |n| n as usize);
    let title = p.title.trim();
    if title.to_lowercase().starts_with("приоритет") {
        Heading {
            prefix: String::new(),
            title: title.to_string(),
        }
    } else {
        Heading {
            prefix: format!("{} {n}. ", tr.t("plan.priority_prefix")),
            title: title.to_string(),
        }
    }
}

pub fn objective_heading(o: &Objective, tr: Tr) -> Heading {
    match &o.code {
        Some(c) => Heading {
            prefix: format!(
                "{} {}. ",
                tr.t("plan.objective_prefix"),
                c.trim_end_matches('.')
            ),
            title: o.title.clone(),
        },
        None => Heading {
            prefix: String::new(),
            title: o.title.clone(),
        },
    }
}

fn indicator_view(i: &Indicator, tr: Tr) -> IndicatorView {
    let value = |v: &Option<String>, y: Option<i32>| {
        v.as_ref().map(|v| ValueView {
            value: v.clone(),
            year: y.map(|y| tr.period(y, y)),
        })
    };
    IndicatorView {
        name: i.name.clone(),
        baseline: value(&i.baseline, i.baseline_year),
        target: value(&i.target, i.target_year),
    }
}

pub fn measure_view(sp: &StoredPlan, m: &Measure, ordinal: usize, tr: Tr) -> MeasureView {
    let amounts = m
        .amounts
        .iter()
        .map(|a| AmountView {
            money: tr.money(a.money()),
            qualifier: a.qualifier.clone(),
            unit_missing: a.unit_missing,
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
        indicators: m.indicators.iter().map(|i| indicator_view(i, tr)).collect(),
    }
}

fn fin_note(f: &Financing, tr: Tr) -> FinNote {
    FinNote {
        unit_missing: f.unit_missing,
        separate: f
            .qualified
            .iter()
            .map(|(m, q)| (tr.money(*m), q.clone()))
            .collect(),
        shared: 0,
    }
}

pub fn priority_views(sp: &StoredPlan, tr: Tr) -> Vec<PriorityView> {
    let mut ordinal = 0;
    sp.plan
        .priorities
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let f = rules::priority_financing(p, Currency::Bgn);
            PriorityView {
                anchor: format!("priority-{}", pi + 1),
                heading: priority_heading(p, pi, tr),
                area: p.national_area.map(|a| a.title(tr.lang)),
                operational_objective: p.operational_objective.clone(),
                planned: planned(&f, tr),
                measure_count: p.objectives.iter().map(|o| o.measures.len()).sum(),
                objectives: p
                    .objectives
                    .iter()
                    .enumerate()
                    .map(|(oi, o)| ObjectiveView {
                        anchor: format!("priority-{}-objective-{}", pi + 1, oi + 1),
                        heading: objective_heading(o, tr),
                        measures: o
                            .measures
                            .iter()
                            .map(|m| {
                                ordinal += 1;
                                measure_view(sp, m, ordinal, tr)
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

pub fn priority_fin_rows(sp: &StoredPlan, tr: Tr) -> Vec<FinRow> {
    sp.plan
        .priorities
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let bgn = rules::priority_financing(p, Currency::Bgn);
            let eur = rules::priority_financing(p, Currency::Eur);
            FinRow {
                name: priority_heading(p, pi, tr),
                href: Some(format!("#priority-{}", pi + 1)),
                measures: p.objectives.iter().map(|o| o.measures.len()).sum(),
                bgn: planned(&bgn, tr),
                eur: planned(&eur, tr),
                note: fin_note(&bgn, tr),
            }
        })
        .collect()
}

pub fn source_fin_rows(sp: &StoredPlan, tr: Tr) -> Vec<FinRow> {
    let canon = |s: &str| {
        sp.sources
            .get(s)
            .map_or_else(|| s.trim().to_string(), |e| e.name.clone())
    };
    let bgn = rules::source_totals(&sp.plan, Currency::Bgn, canon);
    bgn.into_iter()
        .map(|r| FinRow {
            eur: tr.money(r.total.convert(Currency::Eur)),
            bgn: tr.money(r.total),
            href: None,
            measures: r.measures,
            note: FinNote {
                shared: r.shared,
                ..FinNote::default()
            },
            name: Heading {
                prefix: String::new(),
                title: r.name,
            },
        })
        .collect()
}

pub fn plan_fin_note(sp: &StoredPlan, tr: Tr) -> FinNote {
    fin_note(&rules::plan_financing(&sp.plan, Currency::Bgn), tr)
}

/// A plan in the lists.
#[derive(Debug, Clone)]
pub struct PlanCard {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub adoption: AdoptionView,
    pub priorities: usize,
    pub objectives: usize,
    pub measures: usize,
    pub indicators: usize,
    pub planned_bgn: String,
    pub planned_eur: String,
    pub version: i64,
}

pub fn plan_card(p: &PlanListItem, tr: Tr) -> PlanCard {
    let stated = p.summary.amounts > 0;
    let money = |minor, currency| {
        if stated {
            tr.money(Money::new(minor, currency))
        } else {
            tr.t("plan.amounts_not_stated").to_string()
        }
    };
    PlanCard {
        id: p.id,
        title: p.title.clone(),
        period: tr.period(p.period.from, p.period.to),
        adoption: adoption_view(p.adoption.as_ref(), tr),
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
        assert_eq!(
            adoption_text(None),
            "Документът не посочва решението на общинския съвет, с което е приет планът."
        );
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
