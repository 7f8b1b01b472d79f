//! What is waiting, read across the tables of rounds, updates, annual reports and amendment
//! drafts, each row with its place so the page can ask the policy about it.

use crate::db::Db;
use crate::policy::{Place, Round};

/// An open round with its plan and place.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenRound {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub district: Option<String>,
    pub year: i64,
    pub deadline: Option<String>,
}

impl OpenRound {
    pub fn record(&self) -> Round {
        Round {
            id: self.id,
            place: Place::new(self.municipality_id, self.district.clone()),
        }
    }
}

/// How many updates of one institution in one open round are in one state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StateCount {
    pub round_id: i64,
    pub institution_id: i64,
    pub institution: String,
    pub state: String,
    pub n: i64,
}

/// The newest version of a plan's annual report for a year that is not published yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingReport {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub district: Option<String>,
    pub year: i64,
    pub version: i64,
    pub state: String,
}

/// A plan with its place.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanPlace {
    pub id: i64,
    pub title: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub district: Option<String>,
}

impl PlanPlace {
    pub fn place(&self) -> Place {
        Place::new(self.municipality_id, self.district.clone())
    }
}

/// A draft amendment of a plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AmendmentDraft {
    pub id: i64,
    pub plan_id: i64,
    pub updated_at: String,
}

pub async fn open_rounds(db: &Db) -> sqlx::Result<Vec<OpenRound>> {
    sqlx::query_as(concat!(
        "SELECT r.id, r.plan_id, p.title AS plan_title, p.municipality_id, mu.name AS municipality, ",
        crate::district_code_sql!("r.year"),
        " AS district, r.year, r.deadline \
         FROM rounds r JOIN plans p ON p.id = r.plan_id \
         JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE r.state = 'open' ORDER BY r.deadline, mu.name, r.year DESC, r.id"
    ))
    .fetch_all(&db.pool)
    .await
}

/// The updates of every open round counted by institution and state.
pub async fn open_round_counts(db: &Db) -> sqlx::Result<Vec<StateCount>> {
    sqlx::query_as(
        "SELECT u.round_id, u.institution_id, i.name AS institution, u.state, COUNT(*) AS n \
         FROM round_updates u JOIN rounds r ON r.id = u.round_id \
         JOIN institutions i ON i.id = u.institution_id \
         WHERE r.state = 'open' \
         GROUP BY u.round_id, u.institution_id, i.name, u.state \
         ORDER BY u.round_id, i.name, u.institution_id",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn pending_reports(db: &Db) -> sqlx::Result<Vec<PendingReport>> {
    sqlx::query_as(concat!(
        "SELECT r.id, r.plan_id, p.title AS plan_title, p.municipality_id, mu.name AS municipality, ",
        crate::district_code_sql!("r.year"),
        " AS district, r.year, r.version, r.state \
         FROM annual_reports r JOIN plans p ON p.id = r.plan_id \
         JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE r.state <> 'published' AND NOT EXISTS (SELECT 1 FROM annual_reports n \
           WHERE n.plan_id = r.plan_id AND n.year = r.year AND n.version > r.version) \
         ORDER BY mu.name, r.year DESC, r.id"
    ))
    .fetch_all(&db.pool)
    .await
}

pub async fn plans(db: &Db) -> sqlx::Result<Vec<PlanPlace>> {
    sqlx::query_as(concat!(
        "SELECT p.id, p.title, p.municipality_id, mu.name AS municipality, ",
        crate::district_code_sql!(now),
        " AS district FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         ORDER BY mu.name, p.period_from DESC, p.id"
    ))
    .fetch_all(&db.pool)
    .await
}

pub async fn amendment_drafts(db: &Db) -> sqlx::Result<Vec<AmendmentDraft>> {
    sqlx::query_as("SELECT id, plan_id, updated_at FROM amendment_drafts ORDER BY id DESC")
        .fetch_all(&db.pool)
        .await
}
