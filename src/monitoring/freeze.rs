//! Closing a round: the round stops taking reports and its snapshot (the plan as it is at
//! closing, the assignments and the updates) is written once, for analytics and the report.

use super::store::{self, MonitoringError, RoundRow};
use crate::dates::now_rfc3339;
use crate::db::Db;
use crate::snapshot::{Assignment, MeasureUpdate, RoundSnapshot, SNAPSHOT_FORMAT_V1};
use std::collections::HashMap;

/// Builds the snapshot of a round from what is stored now.
pub async fn build(
    db: &Db,
    round: &RoundRow,
    closed_at: &str,
) -> Result<RoundSnapshot, MonitoringError> {
    // The plan as in force in the round's year (issue 15), with its version.
    let (plan_version, plan) =
        crate::plan::store::plan_for_year(db, round.plan_id, round.year as i32)
            .await?
            .ok_or_else(|| {
                MonitoringError::NotFound(format!("Няма план с номер {}.", round.plan_id))
            })?;
    let rows = store::updates(db, round.id, None).await?;
    let mut evidence: HashMap<i64, Vec<crate::snapshot::Evidence>> = HashMap::new();
    for e in store::evidence(db, round.id, None).await? {
        evidence
            .entry(e.update_id)
            .or_default()
            .push(e.to_snapshot());
    }
    // Assignments and updates follow the plan's order of measures.
    let order: HashMap<&str, usize> = plan
        .measures()
        .enumerate()
        .map(|(i, m)| (m.key.as_str(), i))
        .collect();
    let mut rows = rows;
    rows.sort_by_key(|u| {
        (
            order
                .get(u.measure_key.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            u.institution.clone(),
        )
    });
    let assignments = rows
        .iter()
        .map(|u| Assignment {
            measure_key: u.measure_key.clone(),
            institution: u.institution.clone(),
        })
        .collect();
    let updates = rows
        .iter()
        .filter(|u| u.state != super::State::NotReceived)
        .map(|u| MeasureUpdate {
            measure_key: u.measure_key.clone(),
            institution: u.institution.clone(),
            state: u.state.review_state(),
            status: u.status,
            values: u.values.clone(),
            spent: u.spent.clone(),
            people_reached: u.people_reached,
            narrative: u.narrative.clone(),
            evidence: evidence.remove(&u.id).unwrap_or_default(),
            submitted_at: u.submitted_at.clone(),
            approved_at: u.approved_at.clone(),
        })
        .collect();
    Ok(RoundSnapshot {
        format: SNAPSHOT_FORMAT_V1.to_string(),
        plan_id: round.plan_id,
        plan_version,
        plan: plan.clone(),
        year: round.year as i32,
        deadline: round.deadline.clone(),
        opened_at: Some(round.opened_at.clone()),
        closed_at: Some(closed_at.to_string()),
        assignments,
        updates,
    })
}

/// Closes an open round and stores its snapshot, all or nothing.
pub async fn close(
    db: &Db,
    round: &RoundRow,
    audit: impl super::store::Audit<RoundSnapshot>,
) -> Result<RoundSnapshot, MonitoringError> {
    let closed_at = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE rounds SET state = 'closed', closed_at = $1 WHERE id = $2 AND state = 'open'",
    )
    .bind(&closed_at)
    .bind(round.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(super::WorkflowError::RoundClosed.into());
    }
    // The round row is locked by the update above, so no report changes while we read.
    let snapshot = build(db, round, &closed_at).await?;
    crate::snapshot::store::save_snapshot(&mut *tx, &snapshot).await?;
    super::store::record(&mut tx, &snapshot, audit).await?;
    tx.commit().await?;
    Ok(snapshot)
}
