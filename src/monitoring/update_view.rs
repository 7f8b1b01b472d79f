//! The page of one update: the form as typed (or as stored), errors next to their fields,
//! review actions, evidence and history.

use super::input::{MAX_SPENT_LINES, default_currency};
use super::store::{self, UpdateRow};
use super::views::{self, day, find_measure, measure_label};
use super::visit::Ctx;
use super::{State, display_value, format_number};
use crate::forms::{Feedback, FieldErrors};
use crate::i18n::Tr;
use crate::money::Money;
use crate::plan::IndicatorKind;
use crate::snapshot::{ReportedStatus, Value};
use crate::web::{AppError, AppState};
use askama::Template;
use std::collections::HashMap;

/// The fields of the form as an update stores them.
pub fn stored_fields(u: &UpdateRow) -> Vec<(String, String)> {
    let mut f = Vec::new();
    if let Some(s) = u.status {
        f.push(("status".into(), s.code().into()));
    }
    if let Some(n) = u.people_reached {
        f.push(("people_reached".into(), n.to_string()));
    }
    f.push(("narrative".into(), u.narrative.clone()));
    for v in &u.values {
        let k = &v.indicator_key;
        match &v.value {
            Value::Ratio {
                numerator,
                denominator,
            } => {
                f.push((format!("num.{k}"), format_number(*numerator)));
                f.push((format!("den.{k}"), format_number(*denominator)));
            }
            other => f.push((format!("value.{k}"), display_value(other))),
        }
    }
    for (n, s) in u.spent.iter().enumerate() {
        f.push((
            format!("spent.{n}.source"),
            s.source.clone().unwrap_or_default(),
        ));
        f.push((
            format!("spent.{n}.amount"),
            Money::new(s.minor, s.currency)
                .to_decimal_string()
                .replace('.', ","),
        ));
        f.push((format!("spent.{n}.currency"), s.currency.code().into()));
    }
    f
}

pub struct IndicatorField {
    pub key: String,
    pub name: String,
    /// "number", "percent", "yes_no", "text" or "any" (kind not stated in the plan).
    pub kind: &'static str,
    pub unit: String,
    pub baseline: String,
    pub target: String,
    pub value: String,
    pub num: String,
    pub den: String,
    pub shown: String,
    pub error: Option<String>,
}

pub struct SpentField {
    pub n: usize,
    pub source: String,
    pub amount: String,
    pub currency: String,
    pub error: Option<String>,
}

pub struct StepView {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub reason: Option<String>,
}

pub struct EvidenceView {
    pub title: String,
    pub href: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "monitoring/update.html")]
pub struct UpdatePage {
    pub tr: Tr,
    pub csrf: String,
    pub base: String,
    pub via_link: bool,
    pub round: views::RoundHeader,
    pub id: i64,
    pub institution: String,
    pub institution_id: i64,
    pub label: String,
    pub headline: String,
    pub measure_href: String,
    pub state: State,
    pub return_reason: Option<String>,
    pub editable: bool,
    pub reviewable: bool,
    pub status: String,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub status_label: String,
    pub people_reached: String,
    pub narrative: String,
    pub indicators: Vec<IndicatorField>,
    pub spent: Vec<SpentField>,
    pub sources: Vec<String>,
    pub feedback: Feedback,
    pub conflicts: Vec<views::ConflictLine>,
    pub evidence: Vec<EvidenceView>,
    /// The evidence's title and link as typed, when the form comes back.
    pub evidence_title: String,
    pub evidence_url: String,
    pub history: Vec<StepView>,
    pub done: Option<String>,
}

impl UpdatePage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.feedback.error(field)
    }

    pub async fn build(
        state: &AppState,
        ctx: &Ctx,
        tr: Tr,
        u: &UpdateRow,
        fields: &[(String, String)],
        errors: FieldErrors,
    ) -> Result<UpdatePage, AppError> {
        let r = &ctx.round;
        let sp = state.plan(r.plan_id).await?;
        let plan = sp.as_ref().map(|s| &s.plan);
        let measure = plan.and_then(|p| find_measure(p, &u.measure_key));
        let (label, headline) = measure_label(plan, &u.measure_key);
        let get: HashMap<&str, &str> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let field = |k: &str| get.get(k).copied().unwrap_or_default().to_string();
        let stored: HashMap<&str, &Value> = u
            .values
            .iter()
            .map(|v| (v.indicator_key.as_str(), &v.value))
            .collect();
        let indicators = measure
            .map(|m| {
                m.indicators
                    .iter()
                    .map(|i| {
                        let k = &i.key;
                        IndicatorField {
                            key: k.clone(),
                            name: i.name.clone(),
                            kind: match i.kind {
                                Some(IndicatorKind::Number) => "number",
                                Some(IndicatorKind::Percent) => "percent",
                                Some(IndicatorKind::YesNo) => "yes_no",
                                Some(IndicatorKind::Text) => "text",
                                None => "any",
                            },
                            unit: i.unit.clone().unwrap_or_default(),
                            baseline: i.baseline.clone().unwrap_or_default(),
                            target: i.target.clone().unwrap_or_default(),
                            value: field(&format!("value.{k}")),
                            num: field(&format!("num.{k}")),
                            den: field(&format!("den.{k}")),
                            shown: stored
                                .get(k.as_str())
                                .map(|v| display_value(v))
                                .unwrap_or_default(),
                            error: errors
                                .get(&format!("value.{k}"))
                                .or_else(|| errors.get(&format!("num.{k}")))
                                .or_else(|| errors.get(&format!("den.{k}")))
                                .map(str::to_string),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let used = (0..MAX_SPENT_LINES)
            .filter(|n| {
                !field(&format!("spent.{n}.amount")).is_empty()
                    || !field(&format!("spent.{n}.source")).is_empty()
            })
            .max()
            .map_or(0, |n| n + 1);
        let spent = (0..(used + 2).min(MAX_SPENT_LINES))
            .map(|n| {
                let currency = field(&format!("spent.{n}.currency"));
                SpentField {
                    n,
                    source: field(&format!("spent.{n}.source")),
                    amount: field(&format!("spent.{n}.amount")),
                    currency: if currency.is_empty() {
                        default_currency(r.year as i32).code().to_string()
                    } else {
                        currency
                    },
                    error: errors
                        .get(&format!("spent.{n}.amount"))
                        .or_else(|| errors.get(&format!("spent.{n}.currency")))
                        .map(str::to_string),
                }
            })
            .collect();
        let updates = store::updates(&state.db, r.id, None).await?;
        let same_measure: Vec<UpdateRow> = updates
            .into_iter()
            .filter(|x| x.measure_key == u.measure_key)
            .collect();
        let conflicts = if ctx.may(&ctx.oversee()) {
            views::conflict_lines(plan, &same_measure)
        } else {
            Vec::new()
        };
        let evidence = store::evidence(&state.db, r.id, Some(u.id))
            .await?
            .into_iter()
            .map(|e| EvidenceView {
                href: match &e.url {
                    Some(url) => url.clone(),
                    None => format!("{}/evidence/{}", ctx.base, e.id),
                },
                detail: match (&e.size, &e.sha256) {
                    (Some(size), Some(sha)) => {
                        format!(
                            "{} KB · SHA-256 {}",
                            (size + 1023) / 1024,
                            &sha[..sha.len().min(12)]
                        )
                    }
                    _ => String::new(),
                },
                title: e.title,
            })
            .collect();
        let history = store::history(&state.db, u.id)
            .await?
            .into_iter()
            .map(|s| StepView {
                at: day(tr, &s.at),
                action: tr.t(&format!("mon.step.{}", s.action)).to_string(),
                actor: s.actor,
                reason: s.reason,
            })
            .collect();
        let status = field("status");
        Ok(UpdatePage {
            tr,
            csrf: ctx.csrf.clone(),
            base: ctx.base.clone(),
            via_link: ctx.link_institution.is_some(),
            round: views::round_header(tr, r),
            id: u.id,
            institution: u.institution.clone(),
            institution_id: u.institution_id,
            label,
            headline,
            measure_href: crate::plan::views::measure_href(r.plan_id, &u.measure_key),
            state: u.state,
            return_reason: u
                .return_reason
                .clone()
                .filter(|_| u.state == State::Returned),
            editable: r.is_open() && u.state.is_editable() && ctx.may(&ctx.edit(u.institution_id)),
            reviewable: r.is_open() && u.state.awaits_review() && ctx.may(&ctx.review()),
            status_label: ReportedStatus::parse_label(&status)
                .map(|s| views::status_label(tr, s).to_string())
                .unwrap_or_default(),
            status,
            statuses: ReportedStatus::ALL
                .iter()
                .map(|s| (s.code(), views::status_label(tr, *s)))
                .collect(),
            people_reached: field("people_reached"),
            narrative: field("narrative"),
            indicators,
            spent,
            sources: measure
                .map(|m| m.funding_sources.clone())
                .unwrap_or_default(),
            feedback: Feedback::fields(errors).titled("mon.form_has_errors"),
            conflicts,
            evidence,
            evidence_title: field("title"),
            evidence_url: field("url"),
            history,
            done: None,
        })
    }
}
