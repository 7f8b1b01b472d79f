//! Demo rounds for `serve --demo`: the first year of each seed plan reported, reviewed and
//! closed, and the second year open with reports under way — all through the real workflow,
//! fed with the deterministic sample updates of `snapshot::sample`.

use super::store::{self, MonitoringError};
use super::{Action, State, UpdateInput, freeze};
use crate::db::Db;
use crate::snapshot::{MeasureUpdate, ReviewState, sample};
use std::collections::HashMap;

const ACTOR: &str = "демонстрационни данни";

/// Opens (and for the first year closes) the demo rounds that do not exist yet; returns how
/// many rounds were created.
pub async fn load(db: &Db, plan_ids: &[i64]) -> Result<usize, MonitoringError> {
    let mut created = 0;
    for &plan_id in plan_ids {
        let Some(sp) = crate::plan::store::load_plan(db, plan_id).await? else {
            continue;
        };
        let existing: Vec<i64> = store::rounds_of_plan(db, plan_id)
            .await?
            .iter()
            .map(|r| r.year)
            .collect();
        let first = sp.plan.period.from;
        for (year, close) in [(first, true), (first + 1, false)] {
            if !sp.plan.period.contains(year) || existing.contains(&i64::from(year)) {
                continue;
            }
            let canonical = |name: &str| {
                sp.institutions
                    .get(name)
                    .map_or_else(|| name.trim().to_string(), |e| e.name.clone())
            };
            let (version, plan) = crate::plan::store::plan_for_year(db, plan_id, year)
                .await?
                .unwrap_or((sp.version, sp.plan.clone()));
            let snap = sample::sample_round_with(plan_id, version, &plan, year, &canonical);
            let round_id = store::open_round(
                db,
                plan_id,
                year,
                snap.deadline.as_deref(),
                store::unaudited,
            )
            .await?;
            let by_key: HashMap<(&str, &str), &MeasureUpdate> = snap
                .updates
                .iter()
                .map(|u| ((u.measure_key.as_str(), u.institution.as_str()), u))
                .collect();
            for u in store::updates(db, round_id, None).await? {
                if let Some(sample) = by_key.get(&(u.measure_key.as_str(), u.institution.as_str()))
                {
                    feed(db, round_id, u.id, sample).await?;
                }
            }
            if close {
                let round = store::get_round(db, round_id)
                    .await?
                    .ok_or_else(|| MonitoringError::NotFound("кръгът изчезна".into()))?;
                freeze::close(db, &round, store::unaudited).await?;
            }
            created += 1;
        }
    }
    Ok(created)
}

/// Walks one update through the workflow to the state the sample gives it.
async fn feed(db: &Db, round_id: i64, id: i64, s: &MeasureUpdate) -> Result<(), MonitoringError> {
    if s.state == ReviewState::NotReceived {
        return Ok(());
    }
    let input = UpdateInput {
        status: s.status,
        values: s.values.clone(),
        spent: s.spent.clone(),
        people_reached: s.people_reached,
        narrative: s.narrative.clone(),
    };
    store::save_update(db, round_id, id, &input, false, ACTOR, store::unaudited).await?;
    for e in s.evidence.iter().filter(|e| e.url.is_some()) {
        store::add_evidence(db, round_id, id, e, None, store::unaudited).await?;
    }
    if s.state == ReviewState::Draft || s.status.is_none() {
        return Ok(());
    }
    let state = store::save_update(db, round_id, id, &input, true, ACTOR, store::unaudited).await?;
    debug_assert_eq!(state, State::Submitted);
    match s.state {
        ReviewState::Approved => {
            store::review(db, round_id, id, &Action::Approve, ACTOR, store::unaudited).await?;
        }
        ReviewState::Returned => {
            let reason = "Моля, допълнете стойностите на индикаторите и приложете доказателства.";
            let back = Action::Return {
                reason: reason.into(),
            };
            store::review(db, round_id, id, &back, ACTOR, store::unaudited).await?;
        }
        _ => {}
    }
    Ok(())
}
