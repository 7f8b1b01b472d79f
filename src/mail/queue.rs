//! The mail queue in the database (`mail_queue`, migration 0013): queueing a [`Notice`] on the
//! transaction of its event, claiming due messages for one sender, marking them sent or failed,
//! and reading them for the outbox page.

use super::{Composed, Notice, ReportFacts, RoundFacts};
use crate::dates::utc_stamp;
use crate::db::Db;
use sqlx::AnyConnection;
use time::OffsetDateTime;

/// A staff account to write to.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Recipient {
    id: i64,
    email: String,
}

/// Who is told, by role over the municipality (and institution) the event happened in.
enum Audience {
    /// The reporters of one institution in one municipality.
    Reporters { municipality: i64, institution: i64 },
    /// The monitoring body: reviewers of the municipality.
    Reviewers { municipality: i64 },
    /// Every coordinator, reviewer and reporter of the municipality.
    Municipality { municipality: i64 },
}

async fn recipients(conn: &mut AnyConnection, who: &Audience) -> sqlx::Result<Vec<Recipient>> {
    let (filter, municipality, institution) = match who {
        Audience::Reporters {
            municipality,
            institution,
        } => (
            "g.role = 'reporter' AND g.municipality_id = $1 AND g.institution_id = $2",
            *municipality,
            Some(*institution),
        ),
        Audience::Reviewers { municipality } => (
            "g.role = 'reviewer' AND g.municipality_id = $1",
            *municipality,
            None,
        ),
        Audience::Municipality { municipality } => (
            "g.role IN ('coordinator', 'reviewer', 'reporter') AND g.municipality_id = $1",
            *municipality,
            None,
        ),
    };
    let sql = format!(
        "SELECT DISTINCT u.id, u.email FROM users u JOIN role_grants g ON g.user_id = u.id \
         WHERE u.active = 1 AND {filter} ORDER BY u.email"
    );
    let query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(municipality);
    match institution {
        Some(i) => query.bind(i).fetch_all(conn).await,
        None => query.fetch_all(conn).await,
    }
}

async fn round_facts(conn: &mut AnyConnection, round: i64) -> sqlx::Result<(RoundFacts, i64)> {
    let (id, plan_title, municipality, year, deadline, municipality_id): (
        i64,
        String,
        String,
        i64,
        Option<String>,
        i64,
    ) = sqlx::query_as(
        "SELECT r.id, p.title, mu.name, r.year, r.deadline, p.municipality_id FROM rounds r \
         JOIN plans p ON p.id = r.plan_id JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE r.id = $1",
    )
    .bind(round)
    .fetch_one(conn)
    .await?;
    let facts = RoundFacts {
        id,
        plan_title,
        municipality,
        year,
        deadline,
    };
    Ok((facts, municipality_id))
}

async fn report_facts(conn: &mut AnyConnection, report: i64) -> sqlx::Result<(ReportFacts, i64)> {
    let (plan_id, plan_title, municipality, year, version, municipality_id): (
        i64,
        String,
        String,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT a.plan_id, p.title, mu.name, a.year, a.version, p.municipality_id \
         FROM annual_reports a JOIN plans p ON p.id = a.plan_id \
         JOIN municipalities mu ON mu.id = p.municipality_id WHERE a.id = $1",
    )
    .bind(report)
    .fetch_one(conn)
    .await?;
    let facts = ReportFacts {
        plan_id,
        plan_title,
        municipality,
        year,
        version,
    };
    Ok((facts, municipality_id))
}

async fn institution_name(conn: &mut AnyConnection, id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT name FROM institutions WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// What a notice says and to whom; `None` when there is nothing to say any more (no update
/// waits for review).
async fn compose(
    conn: &mut AnyConnection,
    notice: &Notice,
) -> sqlx::Result<Option<(Composed, Audience, i64)>> {
    Ok(Some(match notice {
        Notice::Reminder {
            round,
            institution,
            missing,
        } => {
            let (facts, m) = round_facts(&mut *conn, *round).await?;
            let name = institution_name(&mut *conn, *institution).await?;
            let message = super::reminder(&facts, &name, *institution, *missing);
            let who = Audience::Reporters {
                municipality: m,
                institution: *institution,
            };
            (message, who, m)
        }
        Notice::UpdateReturned {
            round,
            update,
            reason,
        } => {
            let (facts, m) = round_facts(&mut *conn, *round).await?;
            let (institution, number): (i64, Option<String>) = sqlx::query_as(
                "SELECT u.institution_id, ms.code FROM round_updates u \
                 JOIN rounds r ON r.id = u.round_id \
                 LEFT JOIN measures ms ON ms.plan_id = r.plan_id AND ms.key = u.measure_key \
                 WHERE u.id = $1",
            )
            .bind(update)
            .fetch_one(&mut *conn)
            .await?;
            let name = institution_name(&mut *conn, institution).await?;
            let message =
                super::update_returned(&facts, &name, institution, number.as_deref(), reason);
            let who = Audience::Reporters {
                municipality: m,
                institution,
            };
            (message, who, m)
        }
        Notice::UpdatesWaiting { round } => {
            let (facts, m) = round_facts(&mut *conn, *round).await?;
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM round_updates WHERE round_id = $1 \
                 AND state IN ('submitted', 'resubmitted')",
            )
            .bind(round)
            .fetch_one(&mut *conn)
            .await?;
            if waiting == 0 {
                return Ok(None);
            }
            let waiting = usize::try_from(waiting).unwrap_or_default();
            let message = super::updates_waiting(&facts, waiting);
            (message, Audience::Reviewers { municipality: m }, m)
        }
        Notice::ReportWaiting { report } => {
            let (facts, m) = report_facts(&mut *conn, *report).await?;
            let message = super::report_waiting(&facts);
            (message, Audience::Reviewers { municipality: m }, m)
        }
        Notice::ReportPublished { report } => {
            let (facts, m) = report_facts(&mut *conn, *report).await?;
            let message = super::report_published(&facts);
            (message, Audience::Municipality { municipality: m }, m)
        }
    }))
}

/// Queues the messages of `notice` on `conn`, the transaction of the event that causes it, so
/// they are kept exactly when the event is. A message of the same topic still waiting for the
/// same person is rewritten instead. Returns how many people are written to.
pub async fn queue(conn: &mut AnyConnection, notice: &Notice) -> sqlx::Result<usize> {
    let Some((message, who, municipality)) = compose(&mut *conn, notice).await? else {
        return Ok(0);
    };
    let people = recipients(&mut *conn, &who).await?;
    let now = utc_stamp(OffsetDateTime::now_utc());
    let topic = notice.topic();
    for person in &people {
        let rewritten = sqlx::query(
            "UPDATE mail_queue SET subject = $1, body = $2, link_path = $3, updated_at = $4 \
             WHERE recipient = $5 AND topic = $6 AND state = 'pending'",
        )
        .bind(&message.subject)
        .bind(&message.body)
        .bind(&message.link_path)
        .bind(&now)
        .bind(&person.email)
        .bind(&topic)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if rewritten > 0 {
            continue;
        }
        sqlx::query(
            "INSERT INTO mail_queue (recipient, user_id, municipality_id, kind, topic, subject, \
             body, link_path, state, attempts, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $9)",
        )
        .bind(&person.email)
        .bind(person.id)
        .bind(municipality)
        .bind(notice.kind())
        .bind(&topic)
        .bind(&message.subject)
        .bind(&message.body)
        .bind(&message.link_path)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(people.len())
}

/// A queued message, as the sender and the outbox see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub link_path: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub claimed_at: Option<String>,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, recipient, kind, subject, body, link_path, state, attempts, \
                       next_attempt_at, claimed_at, sent_at, last_error, created_at, updated_at";

/// Claims up to `limit` messages due at `now` for this sender: each is moved from `pending` to
/// `sending` by one conditional update, so of several senders exactly one gets it, and a
/// claimed message is never claimed again (never sent twice).
pub async fn claim_due(db: &Db, now: OffsetDateTime, limit: i64) -> sqlx::Result<Vec<QueuedMail>> {
    let now = utc_stamp(now);
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM mail_queue WHERE state = 'pending' AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(&now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut claimed = Vec::new();
    for id in due {
        let won = sqlx::query(
            "UPDATE mail_queue SET state = 'sending', claimed_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND state = 'pending'",
        )
        .bind(&now)
        .bind(id)
        .execute(&db.pool)
        .await?
        .rows_affected()
            == 1;
        if won && let Some(m) = get(db, id).await? {
            claimed.push(m);
        }
    }
    Ok(claimed)
}

/// The message was handed to the mail server.
pub async fn mark_sent(db: &Db, id: i64, now: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mail_queue SET state = 'sent', sent_at = $1, last_error = NULL \
         WHERE id = $2 AND state = 'sending'",
    )
    .bind(utc_stamp(now))
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The attempt failed: the message waits for its next attempt after the backoff, or is given up
/// after the last attempt or a permanent refusal.
pub async fn mark_failed(
    db: &Db,
    mail: &QueuedMail,
    error: &str,
    permanent: bool,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let give_up = permanent || mail.attempts >= super::MAX_ATTEMPTS;
    let next = utc_stamp(now + super::backoff(mail.attempts));
    sqlx::query(
        "UPDATE mail_queue SET state = $1, next_attempt_at = $2, last_error = $3, \
         claimed_at = NULL WHERE id = $4 AND state = 'sending'",
    )
    .bind(if give_up { "failed" } else { "pending" })
    .bind(next)
    .bind(error)
    .bind(mail.id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<QueuedMail>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mail_queue WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// The newest messages first, for the outbox page.
pub async fn recent(db: &Db, limit: i64) -> sqlx::Result<Vec<QueuedMail>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mail_queue ORDER BY id DESC LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
