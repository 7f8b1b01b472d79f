//! What the measure page shows of the levels: the confirmed links of a measure to a measure or
//! an objective of the plan it implements (`plan::pages` includes `levels/_measure_links.html`).

use super::store;
use crate::i18n::Tr;
use crate::web::{AppError, AppState};

/// One confirmed link of a measure, as the measure page shows it.
pub struct ParentLink {
    /// "Изпълнява мярка", "Изпълнява цел".
    pub kind: String,
    /// The measure's number and words, or the objective's title (the plan's own words).
    pub text: String,
    /// The parent measure's page; `None` for an objective.
    pub href: Option<String>,
    pub plan_title: String,
    pub plan_id: i64,
}

/// The confirmed links of measure `key` of plan `plan_id`, in the order they were stored.
pub async fn measure_links(
    state: &AppState,
    plan_id: i64,
    key: &str,
    tr: Tr,
) -> Result<Vec<ParentLink>, AppError> {
    let mut out = Vec::new();
    for l in store::links(&state.db, plan_id)
        .await?
        .into_iter()
        .filter(|l| l.measure_key == key && l.state == "confirmed")
    {
        let Some(parent) = state.plan(l.parent_plan_id).await? else {
            continue;
        };
        let p = &parent.plan;
        let (kind, text, href) = if l.parent_kind == "objective" {
            let i: usize = l.parent_ref.parse().unwrap_or(usize::MAX);
            let Some(o) = p.priorities.iter().flat_map(|pr| &pr.objectives).nth(i) else {
                continue;
            };
            (tr.t("measure.parent_objective"), o.title.clone(), None)
        } else {
            let Some(m) = p.measures().find(|m| m.key == l.parent_ref) else {
                continue;
            };
            let what = m
                .activities
                .first()
                .or_else(|| m.tasks.first())
                .cloned()
                .unwrap_or_default();
            (
                tr.t("measure.parent_measure"),
                format!("{} {what}", p.measure_number(&m.key).unwrap_or_default()),
                Some(format!("/plans/{}/measures/{}", parent.id, m.key)),
            )
        };
        out.push(ParentLink {
            kind: kind.to_string(),
            text,
            href,
            plan_title: p.title.clone(),
            plan_id: parent.id,
        });
    }
    Ok(out)
}
