//! District and national reports as stored (table `area_reports`, migration 0014): versions
//! moving draft → approved (inputs frozen) → adopted (the district council, the national
//! council: decision and protocol numbers, date) → published; a correction of an adopted
//! version is a new version. A draft is compiled live from the year's roll-up; a district's
//! report is approved only once every municipality with a plan in force has a closed round or
//! was marked as not reporting. Each step is checked in SQL against a concurrent move and
//! recorded in the audit log in its transaction.

use super::inputs::{self, Facts};
use super::{AreaInputs, Level, NATION, OwnPlan, adopting_body, document};
use crate::audit::{Actor, Event};
use crate::dates::{display_bg, display_day, now_rfc3339};
use crate::db::Db;
use crate::i18n::Tr;
use crate::overview::{self, Standing};
use crate::plan::store::StoreError;
use crate::report::Narrative;
use crate::report::blocks::Document;
use crate::report::store::{Change, ReportError, ReportState, Version, may_correct, transition};
pub use crate::report::store::{publish, save_narrative};
use crate::rollup::store::RollupCache;
use std::collections::HashMap;

/// One version of a district's or the nation's report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AreaRow {
    pub id: i64,
    pub area: String,
    /// The district's name ("Република България" for the nation).
    pub name: String,
    pub year: i64,
    pub version: i64,
    pub state: String,
    pub narrative: String,
    pub frozen: Option<String>,
    pub supersedes: Option<i64>,
    pub correction_reason: String,
    pub created_at: String,
    pub created_by: String,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub decision_number: Option<String>,
    pub protocol_number: Option<String>,
    pub decision_date: Option<String>,
    pub adopted_at: Option<String>,
    pub published_at: Option<String>,
    /// Where the council published its decision, when given as a link.
    pub decision_url: Option<String>,
    /// The decision as a file: its name as sent and checksum (kept under `decisions`).
    pub decision_file_name: Option<String>,
    pub decision_sha256: Option<String>,
}

impl AreaRow {
    pub fn state(&self) -> ReportState {
        ReportState::parse(&self.state).unwrap_or(ReportState::Draft)
    }

    pub fn year(&self) -> i32 {
        i32::try_from(self.year).unwrap_or_default()
    }

    pub fn level(&self) -> Level {
        Level::of(&self.area)
    }

    /// The district or the nation, for the policy.
    pub fn policy_area(&self) -> crate::policy::Area {
        match self.level() {
            Level::Nation => crate::policy::Area::Nation,
            Level::District => crate::policy::Area::District(self.area.clone()),
        }
    }

    pub fn narrative(&self) -> Narrative {
        serde_json::from_str(&self.narrative).unwrap_or_default()
    }

    /// The line under the title that says where the report stands.
    pub fn state_line(&self) -> String {
        let mut line = match self.state() {
            ReportState::Draft | ReportState::Submitted => "Проект".to_string(),
            ReportState::Approved => format!(
                "Одобрен на {}; предстои приемането му",
                display_day(self.approved_at.as_deref().unwrap_or(""))
            ),
            ReportState::Adopted | ReportState::Published => format!(
                "{} го прие с Решение № {} по Протокол № {} от {}",
                adopting_body(self.level()),
                self.decision_number.as_deref().unwrap_or(""),
                self.protocol_number.as_deref().unwrap_or(""),
                display_bg(self.decision_date.as_deref().unwrap_or(""))
            ),
        };
        if self.version > 1 {
            line.push_str(&format!(
                ". Версия {}, поправка на версия {}",
                self.version,
                self.version - 1
            ));
            if !self.correction_reason.trim().is_empty() {
                line.push_str(&format!(": {}", self.correction_reason.trim()));
            }
        }
        line
    }
}

fn workflow(text: impl Into<String>) -> ReportError {
    ReportError::Workflow(text.into())
}

const SELECT: &str = "SELECT r.id, r.area, COALESCE(d.name, 'Република България') AS name, \
     r.year, r.version, r.state, r.narrative, r.frozen, r.supersedes, r.correction_reason, \
     r.created_at, r.created_by, r.approved_at, r.approved_by, r.decision_number, \
     r.protocol_number, r.decision_date, r.adopted_at, r.published_at, r.decision_url, \
     r.decision_file_name, r.decision_sha256 \
     FROM area_reports r LEFT JOIN districts d ON d.code = r.area";

/// The row of the district or the nation in `municipalities` (what audit events name), made
/// when missing (`levels::store::ensure_owner`); `None` for a code that is neither.
pub async fn owner_row(
    conn: &mut sqlx::AnyConnection,
    area: &str,
) -> Result<Option<i64>, StoreError> {
    let district = crate::territory::tree().district(area).cloned();
    if area != NATION && district.is_none() {
        return Ok(None);
    }
    crate::levels::store::ensure_owner(conn, district.as_ref()).await?;
    Ok(
        sqlx::query_scalar(
            "SELECT id FROM municipalities WHERE code = $1 AND level <> 'municipal'",
        )
        .bind(area)
        .fetch_optional(&mut *conn)
        .await?,
    )
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AreaRow>, ReportError> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// The versions of an area's report for a year, newest first.
pub async fn versions(db: &Db, area: &str, year: i32) -> Result<Vec<AreaRow>, ReportError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.area = $1 AND r.year = $2 ORDER BY r.version DESC"
    )))
    .bind(area)
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?)
}

/// The published versions of an area's reports, newest year first (what the public sees).
pub async fn published(db: &Db, area: &str) -> Result<Vec<AreaRow>, ReportError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.area = $1 AND r.state = 'published' ORDER BY r.year DESC, r.version DESC"
    )))
    .bind(area)
    .fetch_all(&db.pool)
    .await?)
}

/// The plans of the level itself (a district's, the nation's) in force in `year`, with the
/// totals of their closed round of the year.
async fn own_plans(db: &Db, area: &str, year: i32) -> Result<Vec<OwnPlan>, ReportError> {
    let level = match Level::of(area) {
        Level::Nation => "national",
        Level::District => "district",
    };
    let plans: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.title, p.period_from, p.period_to FROM plans p \
         JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE p.level = $1 AND mu.code = $2 AND p.period_from <= $3 AND p.period_to >= $3 \
         ORDER BY p.id",
    )
    .bind(level)
    .bind(area)
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    if plans.is_empty() {
        return Ok(out);
    }
    let canon = crate::rollup::store::source_names(db).await?;
    let canon = |s: &str| {
        canon
            .get(&crate::registry::name_key(s))
            .cloned()
            .unwrap_or_else(|| s.trim().to_string())
    };
    for (id, title, from, to) in plans {
        let snap = crate::snapshot::store::load_snapshot(db, id, year).await?;
        out.push(OwnPlan {
            title,
            period: format!("{from}–{to}"),
            totals: snap.map(|s| crate::rollup::round_totals(&s.snapshot, &canon)),
        });
    }
    Ok(out)
}

/// What the report of `area` for `year` is compiled from today; `None` when there is no such
/// district.
pub async fn current_inputs(
    db: &Db,
    cache: &RollupCache,
    area: &str,
    year: i32,
) -> Result<Option<AreaInputs>, ReportError> {
    let plans = overview::store::plans_in_force(db, year).await?;
    let facts = overview::store::plan_facts(db, year).await?;
    let exempt = overview::store::exemptions(db, year).await?;
    let own = own_plans(db, area, year).await?;
    let standing = |code: &str| -> Standing {
        let mine: Vec<overview::PlanFacts> = plans
            .get(code)
            .into_iter()
            .flatten()
            .map(|(id, _)| facts.get(id).cloned().unwrap_or_default())
            .collect();
        overview::standing(&mine)
    };
    if area == NATION {
        let r = crate::rollup::store::rollup(db, cache, year).await?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT area, state FROM area_reports WHERE year = $1 AND area <> $2 ORDER BY version",
        )
        .bind(i64::from(year))
        .bind(NATION)
        .fetch_all(&db.pool)
        .await?;
        let tr = Tr::default();
        // The newest version's state names it; any adopted version lets the nation's go on.
        let mut reports: HashMap<String, inputs::DistrictReport> = HashMap::new();
        for (a, s) in rows {
            let state = ReportState::parse(&s);
            let key = state.map_or("report.state.draft", |s| s.label_key());
            let r = reports.entry(a).or_default();
            r.label = tr.t(key).to_string();
            r.adopted |= state.is_some_and(|s| s.is_adopted());
        }
        let district_exempt = super::exempt::exemptions(db, year).await?;
        let f = Facts {
            standing: &standing,
            exempt: &exempt,
        };
        let mut i = inputs::nation(&r, &f, &reports, &district_exempt, own);
        name_national(db, &mut i).await?;
        return Ok(Some(i));
    }
    let Some(d) = crate::rollup::store::district_rollup(db, cache, year, area).await? else {
        return Ok(None);
    };
    let f = Facts {
        standing: &standing,
        exempt: &exempt,
    };
    let mut i = inputs::district(&d, year, &f, own);
    name_national(db, &mut i).await?;
    Ok(Some(i))
}

/// The names of the national indicators the inputs' totals name (`rollup::mapped`).
async fn name_national(db: &Db, inputs: &mut AreaInputs) -> Result<(), ReportError> {
    let mut plans: HashMap<i64, Option<crate::plan::Plan>> = HashMap::new();
    for key in inputs.totals.national.keys() {
        let Some((plan_id, mk, ik)) = crate::rollup::mapped::parse_ref(key) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(e) = plans.entry(plan_id) {
            e.insert(
                crate::plan::store::load_plan(db, plan_id)
                    .await?
                    .map(|sp| sp.plan),
            );
        }
        let name = plans.get(&plan_id).and_then(Option::as_ref).and_then(|p| {
            let m = p.measures().find(|m| m.key == mk)?;
            let i = m.indicators.iter().find(|i| i.key == ik)?;
            Some(format!(
                "{} {}",
                p.measure_number(mk).unwrap_or_default(),
                i.name
            ))
        });
        if let Some(n) = name {
            inputs.national_names.insert(key.clone(), n);
        }
    }
    Ok(())
}

/// The inputs of a version: frozen at approval, else compiled today.
pub async fn inputs_of(
    db: &Db,
    cache: &RollupCache,
    row: &AreaRow,
) -> Result<AreaInputs, ReportError> {
    if let Some(frozen) = &row.frozen {
        return serde_json::from_str(frozen).map_err(|e| {
            ReportError::Store(StoreError::Corrupt(format!("доклад {}: {e}", row.id)))
        });
    }
    current_inputs(db, cache, &row.area, row.year())
        .await?
        .ok_or_else(|| workflow(format!("Няма област с код „{}“.", row.area)))
}

/// The version as the renderers print it.
pub async fn document_of(
    db: &Db,
    cache: &RollupCache,
    row: &AreaRow,
) -> Result<Document, ReportError> {
    let inputs = inputs_of(db, cache, row).await?;
    Ok(document(&inputs, &row.narrative(), row.state_line()))
}

/// Starts the report of `area` for `year` (version 1); refused when the year has one already.
pub async fn create(db: &Db, area: &str, year: i32, actor: &Actor) -> Result<i64, ReportError> {
    if !versions(db, area, year).await?.is_empty() {
        return Err(workflow(format!("Докладът за {year} г. вече е започнат.")));
    }
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO area_reports (area, year, version, state, narrative, created_at, \
         created_by, updated_at) VALUES ($1, $2, 1, 'draft', '{}', $3, $4, $3) RETURNING id",
    )
    .bind(area)
    .bind(i64::from(year))
    .bind(&now)
    .bind(&actor.label)
    .fetch_one(&mut *tx)
    .await?;
    let owner = owner_row(&mut tx, area).await?;
    Event::new(actor.clone(), "area_report.create", "area_report", id)
        .municipality(owner)
        .after(&serde_json::json!({"area": area, "year": year, "version": 1}))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

impl Version for AreaRow {
    const TABLE: &'static str = "area_reports";
    const ENTITY: &'static str = "area_report";
    const ACTIONS: &'static str = "area_report";

    fn id(&self) -> i64 {
        self.id
    }

    fn stored_state(&self) -> &str {
        &self.state
    }

    fn wrong_state(&self) -> ReportError {
        workflow(match self.state() {
            ReportState::Draft | ReportState::Submitted => {
                "Докладът е проект: това действие още не е възможно."
            }
            ReportState::Approved => {
                "Докладът е одобрен: текстът му не се променя; предстои приемането му."
            }
            ReportState::Adopted | ReportState::Published => {
                "Докладът е приет и не се променя. За поправка създайте нова версия."
            }
        })
    }

    async fn owner(&self, db: &Db) -> Result<Option<i64>, ReportError> {
        let mut conn = db.pool.acquire().await?;
        Ok(owner_row(&mut conn, &self.area).await?)
    }

    async fn newest(&self, db: &Db) -> Result<Option<i64>, ReportError> {
        Ok(versions(db, &self.area, self.year())
            .await?
            .first()
            .map(|r| r.id))
    }
}

/// Approves a draft and freezes its inputs. A district's report waits for every municipality
/// with a plan in force: a closed round or a mark as not reporting with a reason.
pub async fn approve(
    db: &Db,
    cache: &RollupCache,
    row: &AreaRow,
    actor: &Actor,
) -> Result<(), ReportError> {
    if row.state() != ReportState::Draft {
        return Err(row.wrong_state());
    }
    let inputs = current_inputs(db, cache, &row.area, row.year())
        .await?
        .ok_or_else(|| workflow(format!("Няма област с код „{}“.", row.area)))?;
    let waiting: Vec<&str> = inputs.waiting().iter().map(|u| u.name.as_str()).collect();
    if !waiting.is_empty() {
        return Err(workflow(match inputs.level {
            Level::District => format!(
                "Докладът се одобрява, когато всяка община с план в сила има приключен отчетен период или е отбелязана като неотчитаща се с причина. Не са отчели: {}.",
                waiting.join(", ")
            ),
            Level::Nation => format!(
                "Националният доклад се одобрява, когато всяка област с общински планове в сила има приет областен доклад или е отбелязана като неотчитаща се с причина. Без приет доклад: {}.",
                waiting.join(", ")
            ),
        }));
    }
    let frozen = serde_json::to_string(&inputs)
        .map_err(|e| StoreError::Corrupt(format!("замразяване на доклада: {e}")))?;
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Draft],
            set: "state = 'approved', frozen = $1, approved_at = $2, approved_by = $3",
            binds: vec![Some(frozen), Some(now_rfc3339()), Some(actor.label.clone())],
            step: "approve",
            after: serde_json::json!({"state": "approved"}),
            ..Change::default()
        },
    )
    .await
}

/// Sends an approved version back to draft; its frozen inputs are dropped.
pub async fn send_back(db: &Db, row: &AreaRow, actor: &Actor) -> Result<(), ReportError> {
    transition(
        db,
        row,
        actor,
        Change {
            from: &[ReportState::Approved],
            set: "state = 'draft', frozen = NULL, approved_at = NULL, approved_by = NULL",
            binds: vec![],
            step: "return",
            after: serde_json::json!({"state": "draft"}),
            ..Change::default()
        },
    )
    .await
}

/// Starts a correction of the newest adopted version: a new draft with the same narrative.
pub async fn correct(
    db: &Db,
    row: &AreaRow,
    reason: &str,
    actor: &Actor,
) -> Result<i64, ReportError> {
    may_correct(db, row, reason).await?;
    let now = now_rfc3339();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO area_reports (area, year, version, state, narrative, supersedes, \
         correction_reason, created_at, created_by, updated_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $7) RETURNING id",
    )
    .bind(&row.area)
    .bind(row.year)
    .bind(row.version + 1)
    .bind(&row.narrative)
    .bind(row.id)
    .bind(reason.trim())
    .bind(&now)
    .bind(&actor.label)
    .fetch_one(&mut *tx)
    .await?;
    let owner = owner_row(&mut tx, &row.area).await?;
    Event::new(actor.clone(), "area_report.correct", "area_report", id)
        .municipality(owner)
        .after(&serde_json::json!({
            "supersedes": row.id,
            "version": row.version + 1,
            "reason": reason.trim(),
        }))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}
