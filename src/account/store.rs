//! Users, role grants, sessions and login attempts in the database (both backends).
//! Writes take a connection so callers can put them and their audit event in one transaction.

use super::{AccountError, Email, Grant, Role, Scope};
use crate::dates::{now_stamp, utc_stamp};
use crate::db::Db;
use crate::token::{random_token, token_hash};
use sqlx::AnyConnection;
use time::{Duration, OffsetDateTime};

/// How long a session lasts after login; then the user logs in again.
pub const SESSION_HOURS: i64 = 12;

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub demo: bool,
    pub created_at: String,
}

type UserRow = (i64, String, String, i64, i64, String);

fn user_of(r: UserRow) -> User {
    User {
        id: r.0,
        email: r.1,
        name: r.2,
        active: r.3 != 0,
        demo: r.4 != 0,
        created_at: r.5,
    }
}

const USER_COLUMNS: &str = "id, email, name, active, demo, created_at";

pub async fn create_user(
    conn: &mut AnyConnection,
    email: &Email,
    name: &str,
    password_hash: &str,
    demo: bool,
) -> Result<i64, AccountError> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(AccountError::EmailTaken(email.to_string()));
    }
    let now = now_stamp();
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, active, demo, created_at, password_changed_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $5) RETURNING id",
    )
    .bind(email.as_str())
    .bind(name.trim())
    .bind(password_hash)
    .bind(i64::from(demo))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn user(db: &Db, id: i64) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .map(user_of))
}

pub async fn list_users(db: &Db) -> sqlx::Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY email");
    Ok(sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(user_of)
        .collect())
}

/// The id, active flag and password hash for a login name.
pub async fn credentials(db: &Db, email: &Email) -> sqlx::Result<Option<(i64, bool, String)>> {
    Ok(sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT id, active, password_hash FROM users WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(&db.pool)
    .await?
    .map(|(id, active, hash)| (id, active != 0, hash)))
}

pub async fn password_hash(db: &Db, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

/// Sets a new password and ends every other session of the user.
pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
    keep_session: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_stamp())
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or(0))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deactivates (ending its sessions) or reactivates an account.
pub async fn set_active(conn: &mut AnyConnection, user_id: i64, active: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A grant's row: id, role, scope kind, municipality, institution, district (also the columns
/// of `api_tokens`).
pub type GrantRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The grant of a row; `None` when the row does not spell a known role and scope.
pub fn grant_of(r: GrantRow) -> Option<Grant> {
    let (id, role, kind, municipality, institution, district) = r;
    let scope = match (kind.as_str(), municipality, institution) {
        ("global", _, _) => Scope::Global,
        ("national", _, _) => Scope::National,
        ("district", _, _) => Scope::District(district?),
        ("municipality", Some(m), _) => Scope::Municipality(m),
        ("institution", Some(m), Some(i)) => Scope::Institution {
            municipality: m,
            institution: i,
        },
        _ => return None,
    };
    Some(Grant {
        id,
        role: Role::parse(&role)?,
        scope,
    })
}

pub async fn grants(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<Vec<Grant>> {
    Ok(sqlx::query_as::<_, GrantRow>(
        "SELECT id, role, scope_kind, municipality_id, institution_id, district \
         FROM role_grants WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?
    .into_iter()
    .filter_map(grant_of)
    .collect())
}

/// Grants `role` on `scope`; `None` when the user already holds exactly this grant.
pub async fn add_grant(
    conn: &mut AnyConnection,
    user_id: i64,
    role: Role,
    scope: &Scope,
) -> Result<Option<i64>, AccountError> {
    if role.scope_kind() != scope.kind() {
        return Err(AccountError::ScopeMismatch {
            role: role.code().into(),
            needs: match role.scope_kind() {
                super::ScopeKind::Institution => "институция и община",
                super::ScopeKind::Municipality => "община",
                super::ScopeKind::District => "област",
                super::ScopeKind::National => "национален обхват",
                super::ScopeKind::Global => "глобален обхват",
            },
        });
    }
    let key = scope.key();
    let exists: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM role_grants WHERE user_id = $1 AND role = $2 AND scope_key = $3",
    )
    .bind(user_id)
    .bind(role.code())
    .bind(&key)
    .fetch_optional(&mut *conn)
    .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let (municipality, institution, district) = match scope {
        Scope::Municipality(m) => (Some(*m), None, None),
        Scope::Institution {
            municipality,
            institution,
        } => (Some(*municipality), Some(*institution), None),
        Scope::District(d) => (None, None, Some(d.clone())),
        Scope::Global | Scope::National => (None, None, None),
    };
    Ok(Some(
        sqlx::query_scalar(
            "INSERT INTO role_grants (user_id, role, scope_kind, scope_key, municipality_id, \
             institution_id, district, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(user_id)
        .bind(role.code())
        .bind(scope.kind().code())
        .bind(key)
        .bind(municipality)
        .bind(institution)
        .bind(district)
        .bind(now_stamp())
        .fetch_one(conn)
        .await?,
    ))
}

/// Removes one grant of one user; the removed grant, or `None` when there was none.
pub async fn remove_grant(
    conn: &mut AnyConnection,
    user_id: i64,
    grant_id: i64,
) -> sqlx::Result<Option<Grant>> {
    let row = sqlx::query_as::<_, GrantRow>(
        "SELECT id, role, scope_kind, municipality_id, institution_id, district \
         FROM role_grants WHERE id = $1 AND user_id = $2",
    )
    .bind(grant_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        sqlx::query("DELETE FROM role_grants WHERE id = $1")
            .bind(grant_id)
            .execute(conn)
            .await?;
    }
    Ok(row.and_then(grant_of))
}

/// Municipalities as (id, name), by name.
pub async fn municipalities(db: &Db) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM municipalities ORDER BY name")
        .fetch_all(&db.pool)
        .await
}

pub async fn municipality_by_name(
    conn: &mut AnyConnection,
    name: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM municipalities WHERE name = $1 OR slug = $1")
        .bind(name.trim())
        .fetch_optional(conn)
        .await
}

/// Institutions of the registry as (id, name), by name.
pub async fn institutions(db: &Db) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM institutions ORDER BY name")
        .fetch_all(&db.pool)
        .await
}

/// Names for the scopes of `grants`, to show them: municipality and institution names by id.
pub async fn scope_names(
    db: &Db,
) -> sqlx::Result<(
    std::collections::HashMap<i64, String>,
    std::collections::HashMap<i64, String>,
)> {
    Ok((
        municipalities(db).await?.into_iter().collect(),
        institutions(db).await?.into_iter().collect(),
    ))
}

/// A logged-in session as the request side needs it.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session_id: i64,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub demo: bool,
    pub csrf: String,
}

/// Starts a session; returns (session id, cookie token). Only the token's digest is stored.
pub async fn create_session(
    conn: &mut AnyConnection,
    user_id: i64,
    ip: Option<&str>,
) -> Result<(i64, String), AccountError> {
    let random = || random_token().map_err(|e| AccountError::Hash(format!("random: {e}")));
    let token = random()?;
    let csrf = random()?;
    let now = OffsetDateTime::now_utc();
    let id = sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, ip) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(csrf)
    .bind(utc_stamp(now))
    .bind(utc_stamp(now + Duration::hours(SESSION_HOURS)))
    .bind(ip)
    .fetch_one(conn)
    .await?;
    Ok((id, token))
}

/// The live session of a cookie token: not expired, of an active user.
pub async fn session_user(db: &Db, token: &str) -> sqlx::Result<Option<SessionUser>> {
    Ok(
        sqlx::query_as::<_, (i64, i64, String, String, i64, String)>(
            "SELECT s.id, u.id, u.email, u.name, u.demo, s.csrf_token FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
        )
        .bind(token_hash(token))
        .bind(now_stamp())
        .fetch_optional(&db.pool)
        .await?
        .map(|r| SessionUser {
            session_id: r.0,
            user_id: r.1,
            email: r.2,
            name: r.3,
            demo: r.4 != 0,
            csrf: r.5,
        }),
    )
}

pub async fn delete_session(conn: &mut AnyConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets expired sessions and throttling windows older than a day.
pub async fn purge_expired(db: &Db) -> sqlx::Result<()> {
    let now = OffsetDateTime::now_utc();
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(utc_stamp(now))
        .execute(&db.pool)
        .await?;
    sqlx::query("DELETE FROM login_throttle WHERE since < $1")
        .bind(utc_stamp(now - Duration::days(1)))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Attempts counted for throttling within the window, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_account: i64,
    pub from_ip: i64,
}

/// Counts one more attempt against `key` (`account:EMAIL`, `address:IP`, `token:IP`) and
/// returns how many the current window holds, this one included; a window older than `window`
/// starts over. One statement, so parallel attempts each get their own number and at most the
/// limit of them are let through to the password check.
pub async fn count_attempt(db: &Db, key: &str, window: Duration) -> sqlx::Result<i64> {
    let now = OffsetDateTime::now_utc();
    sqlx::query_scalar(
        "INSERT INTO login_throttle (key, attempts, since) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN login_throttle.since < $3 THEN 1 \
                           ELSE login_throttle.attempts + 1 END, \
           since = CASE WHEN login_throttle.since < $3 THEN $2 ELSE login_throttle.since END \
         RETURNING attempts",
    )
    .bind(key)
    .bind(utc_stamp(now))
    .bind(utc_stamp(now - window))
    .fetch_one(&db.pool)
    .await
}

/// How many attempts under `key` were counted within `window`, without counting one (for
/// credentials that need no atomic count: random tokens count only their failures).
pub async fn recent_failures(db: &Db, key: &str, window: Duration) -> sqlx::Result<i64> {
    let since = utc_stamp(OffsetDateTime::now_utc() - window);
    let n: Option<i64> =
        sqlx::query_scalar("SELECT attempts FROM login_throttle WHERE key = $1 AND since >= $2")
            .bind(key)
            .bind(since)
            .fetch_optional(&db.pool)
            .await?;
    Ok(n.unwrap_or(0))
}

/// Takes back a counted attempt that succeeded: `start_over` forgets the key's window (an
/// account after its right password), otherwise the success is just not counted (an address).
pub async fn forget_attempt(db: &Db, key: &str, start_over: bool) -> sqlx::Result<()> {
    let sql = if start_over {
        "DELETE FROM login_throttle WHERE key = $1"
    } else {
        "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0"
    };
    sqlx::query(sql).bind(key).execute(&db.pool).await?;
    Ok(())
}

/// Counts a login attempt for the account and the address it comes from.
pub async fn count_login(
    db: &Db,
    email: &str,
    ip: Option<&str>,
    window: Duration,
) -> sqlx::Result<RecentFailures> {
    let for_account = count_attempt(db, &format!("account:{email}"), window).await?;
    let from_ip = match ip {
        Some(ip) => count_attempt(db, &format!("address:{ip}"), window).await?,
        None => 0,
    };
    Ok(RecentFailures {
        for_account,
        from_ip,
    })
}

/// A successful login: the account starts over, the address does not count it.
pub async fn login_succeeded(db: &Db, email: &str, ip: Option<&str>) -> sqlx::Result<()> {
    forget_attempt(db, &format!("account:{email}"), true).await?;
    if let Some(ip) = ip {
        forget_attempt(db, &format!("address:{ip}"), false).await?;
    }
    Ok(())
}
