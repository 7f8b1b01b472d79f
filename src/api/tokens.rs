//! API tokens. A machine's token is made by an administrator or a coordinator with one role
//! grant (role × scope, as a user's); a personal token is made by a user on the account page
//! and acts with that user's rights as they are at each request. Both are shown once, stored
//! as their SHA-256 (`crate::token`), used as `Authorization: Bearer …` (`web::auth` makes the
//! request's principal from [`resolve`]), revoked, with the time of their last use. Every
//! issue and revocation is an audit event in the same transaction.

use crate::account::store::grant_of;
use crate::account::{Grant, Role, Scope};
use crate::audit::Event;
use crate::dates::{now_stamp, utc_stamp};
use crate::db::Db;
use crate::policy::{Machine, Place};
use crate::token::{looks_valid, random_token, token_hash};
use time::OffsetDateTime;

/// How often the time of a token's last use is written, at most (a machine polling every
/// second does not write every second).
const LAST_USED_EVERY: time::Duration = time::Duration::minutes(1);

/// Longest name of a token, in characters.
pub const MAX_NAME: usize = 120;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("random: {0}")]
    Random(String),
}

/// What every token shows in a list, a machine's or a person's (never the token itself).
#[derive(Debug, Clone)]
pub struct TokenEntry {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A machine's token as listed: the entry, its one grant and who issued it.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub entry: TokenEntry,
    pub grant: Grant,
    pub created_by: Option<String>,
}

/// The place a scope belongs to, for the policy: its municipality (with the district), or
/// `None` for scopes wider than one municipality.
pub async fn place_of(db: &Db, scope: &Scope) -> sqlx::Result<Option<Place>> {
    let Some(m) = scope.municipality() else {
        return Ok(None);
    };
    let district: Option<Option<String>> =
        sqlx::query_scalar("SELECT district FROM municipalities WHERE id = $1")
            .bind(m)
            .fetch_optional(&db.pool)
            .await?;
    Ok(Some(Place::new(m, district.flatten())))
}

fn scope_columns(scope: &Scope) -> (Option<i64>, Option<i64>, Option<String>) {
    match scope {
        Scope::Global | Scope::National => (None, None, None),
        Scope::District(d) => (None, None, Some(d.clone())),
        Scope::Municipality(m) => (Some(*m), None, None),
        Scope::Institution {
            municipality,
            institution,
        } => (Some(*municipality), Some(*institution), None),
    }
}

/// Issues a token; returns its id and the token, which is shown once and never stored.
/// `audit` gets the new id and makes the event recorded with it.
pub async fn create(
    db: &Db,
    name: &str,
    role: Role,
    scope: &Scope,
    expires_at: Option<&str>,
    created_by: Option<i64>,
    audit: impl FnOnce(i64) -> Event,
) -> Result<(i64, String), TokenError> {
    let token = random_token().map_err(|e| TokenError::Random(e.to_string()))?;
    let (municipality, institution, district) = scope_columns(scope);
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, role, scope_kind, scope_key, municipality_id, \
         institution_id, district, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(name)
    .bind(token_hash(&token))
    .bind(role.code())
    .bind(scope.kind().code())
    .bind(scope.key())
    .bind(municipality)
    .bind(institution)
    .bind(district)
    .bind(created_by)
    .bind(now_stamp())
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    audit(id).record(&mut *tx).await?;
    tx.commit().await?;
    Ok((id, token))
}

/// Revokes a live token of `owner` (a user's personal token; `None`: a machine's token);
/// `false` when there was none to revoke. `audit` makes the event.
pub async fn revoke(
    db: &Db,
    id: i64,
    owner: Option<i64>,
    audit: Event,
) -> Result<bool, TokenError> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 \
         WHERE id = $2 AND COALESCE(user_id, 0) = $3 AND revoked_at IS NULL",
    )
    .bind(now_stamp())
    .bind(id)
    .bind(owner.unwrap_or(0))
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if done {
        audit.record(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(done)
}

type TokenDbRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Machines' tokens (personal ones have no role and are listed by [`personal`]).
const SELECT: &str = "SELECT t.id, t.name, t.role, t.scope_kind, t.municipality_id, \
     t.institution_id, t.district, u.email, t.created_at, t.expires_at, t.last_used_at, \
     t.revoked_at FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by \
     WHERE t.user_id IS NULL";

fn row_of(r: TokenDbRow) -> Option<TokenRow> {
    let (id, name, role, kind, m, i, d, by, created, expires, used, revoked) = r;
    Some(TokenRow {
        grant: grant_of((id, role, kind, m, i, d))?,
        created_by: by,
        entry: TokenEntry {
            id,
            name,
            created_at: created,
            expires_at: expires,
            last_used_at: used,
            revoked_at: revoked,
        },
    })
}

/// Every token, newest first.
pub async fn list(db: &Db) -> sqlx::Result<Vec<TokenRow>> {
    let rows: Vec<TokenDbRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY t.id DESC")))
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().filter_map(row_of).collect())
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<TokenRow>> {
    let row: Option<TokenDbRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} AND t.id = $1")))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(row_of))
}

/// Whom a presented token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    /// A machine's token with its grant.
    Machine(Machine),
    /// A user's personal token: the user's rights, read anew with each request.
    Personal { token_id: i64, user_id: i64 },
}

type ResolvedRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

/// Whom a presented token speaks for: a token issued here, not revoked, not expired (a
/// personal token also only while its user is active). Notes the time of use (at most every
/// [`LAST_USED_EVERY`]).
pub async fn resolve(db: &Db, presented: &str) -> sqlx::Result<Option<Bearer>> {
    if !looks_valid(presented) {
        return Ok(None);
    }
    let now = OffsetDateTime::now_utc();
    let stamp = utc_stamp(now);
    let row: Option<ResolvedRow> = sqlx::query_as(
        "SELECT t.id, t.role, t.scope_kind, t.municipality_id, t.institution_id, t.district, \
         t.user_id FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
         AND (t.expires_at IS NULL OR t.expires_at > $2) \
         AND (t.user_id IS NULL OR u.active = 1)",
    )
    .bind(token_hash(presented))
    .bind(&stamp)
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, role, kind, m, i, d, user)) = row else {
        return Ok(None);
    };
    let bearer = match (user, role, kind) {
        (Some(user_id), _, _) => Bearer::Personal {
            token_id: id,
            user_id,
        },
        (None, Some(role), Some(kind)) => match grant_of((id, role, kind, m, i, d)) {
            Some(grant) => Bearer::Machine(Machine {
                token_id: id,
                grant,
            }),
            None => return Ok(None),
        },
        (None, _, _) => return Ok(None),
    };
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(&stamp)
    .bind(id)
    .bind(utc_stamp(now - LAST_USED_EVERY))
    .execute(&db.pool)
    .await?;
    Ok(Some(bearer))
}

type PersonalDbRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The personal tokens of `user_id`, newest first.
pub async fn personal(db: &Db, user_id: i64) -> sqlx::Result<Vec<TokenEntry>> {
    let rows: Vec<PersonalDbRow> = sqlx::query_as(
        "SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens \
         WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, created_at, expires_at, last_used_at, revoked_at)| TokenEntry {
                id,
                name,
                created_at,
                expires_at,
                last_used_at,
                revoked_at,
            },
        )
        .collect())
}

/// Issues a personal token of `user_id`; returns its id and the token, shown once.
pub async fn create_personal(
    db: &Db,
    user_id: i64,
    name: &str,
    expires_at: Option<&str>,
    audit: impl FnOnce(i64) -> Event,
) -> Result<(i64, String), TokenError> {
    let token = random_token().map_err(|e| TokenError::Random(e.to_string()))?;
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, user_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now_stamp())
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    audit(id).record(&mut *tx).await?;
    tx.commit().await?;
    Ok((id, token))
}

/// The name of the token `serve --demo` issues.
const DEMO_NAME: &str = "демо (serve --demo)";

/// For `serve --demo`: revokes the demo token of an earlier start and issues a coordinator's
/// token for the first municipality with a plan; (token, municipality) to print.
pub async fn demo(db: &Db) -> Result<Option<(String, String)>, TokenError> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 \
         WHERE name = $2 AND created_by IS NULL AND revoked_at IS NULL",
    )
    .bind(now_stamp())
    .bind(DEMO_NAME)
    .execute(&db.pool)
    .await?;
    let first: Option<(i64, String)> = sqlx::query_as(
        "SELECT mu.id, mu.name FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         ORDER BY p.id LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    let Some((m, name)) = first else {
        return Ok(None);
    };
    let scope = Scope::Municipality(m);
    let (_, token) = create(db, DEMO_NAME, Role::Coordinator, &scope, None, None, |id| {
        Event::new(
            crate::audit::Actor::system(),
            "api_token.create",
            "api_token",
            id,
        )
        .municipality(m)
        .after(&serde_json::json!({"name": DEMO_NAME, "role": "coordinator", "scope": scope.key()}))
    })
    .await?;
    Ok(Some((token, name)))
}
