//! `/account/tokens`: every person issues and revokes personal API tokens for themselves. A
//! personal token acts on the API with its owner's rights as they are at each request (the
//! policy's rule, `Principal::may_hold_personal_tokens`); shown once; each change is an audit
//! event in its transaction.

use super::token_view::{Holder, TokenOnce, TokenView, TokensPage, read_name_and_end};
use super::tokens;
use crate::audit::Event;
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/tokens", get(list_page).post(create))
        .route("/account/tokens/{id}/revoke", post(revoke))
}

/// The person of the request, when it may hold personal tokens (a session, not a token).
fn person(user: &CurrentUser) -> Result<(), AppError> {
    if user.token.is_none() && user.principal().may_hold_personal_tokens() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn page(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    user: &CurrentUser,
    feedback: Feedback,
    name: String,
) -> Result<TokensPage, AppError> {
    let now = crate::dates::now_stamp();
    let tokens = tokens::personal(&state.db, user.id)
        .await?
        .into_iter()
        .map(|t| TokenView::new(t, &now))
        .collect();
    Ok(TokensPage {
        tr,
        csrf,
        holder: Holder::Person,
        tokens,
        choices: None,
        feedback,
        name,
    })
}

async fn list_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
) -> Result<Response, AppError> {
    person(&user)?;
    let p = page(&state, tr, csrf, &user, Feedback::default(), String::new()).await?;
    Ok(render(&p)?.into_response())
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    name: String,
    /// YYYY-MM-DD, the last day the token works; empty: no end.
    #[serde(default)]
    expires: String,
}

async fn create(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Form(form): Form<NewToken>,
) -> Result<Response, AppError> {
    person(&user)?;
    let (name, expires) = match read_name_and_end(&form.name, &form.expires) {
        Ok(v) => v,
        Err(message) => {
            let p = page(
                &state,
                tr,
                csrf,
                &user,
                Feedback::message(message),
                form.name.clone(),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
    };
    let after = json!({"name": name, "personal": true, "expires_at": expires});
    let (_, token) = tokens::create_personal(&state.db, user.id, &name, expires.as_deref(), |id| {
        Event::new(user.actor(), "api_token.create", "api_token", id).after(&after)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render(&TokenOnce {
        tr,
        name,
        token,
        back: Holder::Person.path(),
    })?
    .into_response())
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    person(&user)?;
    let id = parse_id(&id, "ключ")?;
    let mine = tokens::personal(&state.db, user.id).await?;
    let t = mine
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| AppError::not_found(format!("Нямате ключ с номер {id}.")))?;
    let event = Event::new(user.actor(), "api_token.revoke", "api_token", id)
        .before(&json!({"name": t.name, "personal": true}));
    tokens::revoke(&state.db, id, Some(user.id), event)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/account/tokens").into_response())
}
