//! The request's `Authorization: Bearer` token (`web::auth` asks it): the configured
//! administration token, a machine's API token, or a person's personal token.

use super::auth::CurrentUser;
use crate::account;
use crate::api::tokens::Bearer;
use crate::policy::Principal;
use crate::token::{token_hash, tokens_equal};
use crate::web::{AppError, AppState};
use axum::http::header;
use axum::http::request::Parts;

/// The principal of the request's `Authorization: Bearer` token: the configured administration
/// token, a live API token of a machine, or a user's personal token (with the user, on `/api/`
/// only); `None` without the header. A wrong token is refused here (403), and counted: past
/// [`account::MAX_FAILURES_PER_IP`] failures from one address within the throttling window,
/// tokens are not even compared (429). A right token writes nothing (tokens are random; only
/// failures need counting).
pub(super) async fn bearer(
    state: &AppState,
    parts: &Parts,
    ip: Option<&str>,
) -> Result<Option<(Principal, Option<CurrentUser>)>, AppError> {
    let Some(given) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return Ok(None);
    };
    let key = format!("token:{}", ip.unwrap_or("-"));
    let window = time::Duration::minutes(account::THROTTLE_MINUTES);
    if account::store::recent_failures(&state.db, &key, window).await?
        >= account::MAX_FAILURES_PER_IP
    {
        return Err(AppError::Throttled);
    }
    let admin = state
        .config
        .admin_token
        .as_ref()
        .is_some_and(|expected| tokens_equal(&token_hash(expected), &token_hash(given)));
    if admin {
        return Ok(Some((Principal::Token, None)));
    }
    let found = match crate::api::tokens::resolve(&state.db, given).await? {
        Some(Bearer::Machine(machine)) => Some((Principal::Machine(machine), None)),
        Some(Bearer::Personal { token_id, user_id }) if parts.uri.path().starts_with("/api/") => {
            personal(state, token_id, user_id, ip).await?
        }
        Some(Bearer::Personal { .. }) | None => None,
    };
    match found {
        Some(found) => Ok(Some(found)),
        None => {
            account::store::count_attempt(&state.db, &key, window).await?;
            Err(AppError::Forbidden)
        }
    }
}

/// The user of a personal token, with the grants the user holds now.
async fn personal(
    state: &AppState,
    token_id: i64,
    user_id: i64,
    ip: Option<&str>,
) -> Result<Option<(Principal, Option<CurrentUser>)>, AppError> {
    let Some(u) = account::store::user(&state.db, user_id).await? else {
        return Ok(None);
    };
    let mut conn = state.db.pool.acquire().await?;
    let grants = account::store::grants(&mut conn, user_id).await?;
    let user = CurrentUser {
        id: u.id,
        email: u.email,
        name: u.name,
        demo: u.demo,
        grants,
        session_id: 0,
        ip: ip.map(str::to_string),
        token: Some(token_id),
    };
    Ok(Some((user.principal(), Some(user))))
}
