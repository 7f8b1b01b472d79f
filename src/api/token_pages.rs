//! `/api/tokens`: administrators and coordinators issue API tokens for machines (one role on
//! one scope, as a grant; a coordinator only in the own municipality), see when each was last
//! used, and revoke them. A new token is shown once. Each change is an audit event.

use super::token_view::{Choices, Holder, TokenOnce, TokenView, TokensPage, read_name_and_end};
use super::tokens::{self, TokenRow};
use crate::account::{Role, Scope, scope_for, store as accounts};
use crate::audit::Event;
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::policy::{Action, Kind, Reach};
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
        .route("/api/tokens", get(list_page).post(create))
        .route("/api/tokens/{id}/revoke", post(revoke))
}

/// Roles a token may carry: the work a municipality's system or an institution's does.
const TOKEN_ROLES: [Role; 3] = [Role::Coordinator, Role::Reviewer, Role::Reporter];

/// Where the user may manage tokens; 403 when nowhere.
fn reach(user: &CurrentUser) -> Result<Reach, AppError> {
    let r = user.principal().reach(Kind::ManageTokens);
    if r.is_empty() {
        Err(AppError::Forbidden)
    } else {
        Ok(r)
    }
}

fn shown(reach: &Reach, scope: &Scope) -> bool {
    reach.everywhere
        || scope
            .municipality()
            .is_some_and(|m| reach.municipalities.contains(&m))
}

async fn page(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    user: &CurrentUser,
    feedback: Feedback,
    name: String,
) -> Result<TokensPage, AppError> {
    let reach = reach(user)?;
    let (municipality_names, institution_names) = accounts::scope_names(&state.db).await?;
    let now = crate::dates::now_stamp();
    let tokens = tokens::list(&state.db)
        .await?
        .into_iter()
        .filter(|t| shown(&reach, &t.grant.scope))
        .map(|t: TokenRow| TokenView {
            role: t.grant.role.label_key(),
            scope: match &t.grant.scope {
                Scope::Municipality(m) => municipality_names.get(m).cloned().unwrap_or_default(),
                Scope::Institution {
                    municipality,
                    institution,
                } => format!(
                    "{}, {}",
                    institution_names
                        .get(institution)
                        .cloned()
                        .unwrap_or_default(),
                    municipality_names
                        .get(municipality)
                        .cloned()
                        .unwrap_or_default()
                ),
                other => other.key(),
            },
            created_by: t.created_by.clone().unwrap_or_default(),
            ..TokenView::new(t.entry, &now)
        })
        .collect();
    let municipalities = accounts::municipalities(&state.db)
        .await?
        .into_iter()
        .filter(|(id, _)| reach.everywhere || reach.municipalities.contains(id))
        .collect();
    Ok(TokensPage {
        tr,
        csrf,
        holder: Holder::Machine,
        tokens,
        choices: Some(Choices {
            roles: TOKEN_ROLES
                .iter()
                .map(|r| (r.code(), r.label_key()))
                .collect(),
            municipalities,
            institutions: accounts::institutions(&state.db).await?,
            districts: Vec::new(),
        }),
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
    let p = page(&state, tr, csrf, &user, Feedback::default(), String::new()).await?;
    Ok(render(&p)?.into_response())
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    institution: String,
    /// YYYY-MM-DD, the last day the token works; empty: no end.
    #[serde(default)]
    expires: String,
}

fn chosen(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}

/// The form read into a name, role, scope and end, or the message to show.
fn read(form: &NewToken) -> Result<(String, Role, Scope, Option<String>), String> {
    let (name, expires) = read_name_and_end(&form.name, &form.expires)?;
    let role = Role::parse(form.role.trim())
        .filter(|r| TOKEN_ROLES.contains(r))
        .ok_or("Изберете роля на ключа: координатор, проверяващ или институция.")?;
    let scope = scope_for(
        role,
        chosen(&form.municipality),
        chosen(&form.institution),
        None,
    )
    .map_err(|e| e.to_string())?;
    Ok((name, role, scope, expires))
}

async fn create(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Form(form): Form<NewToken>,
) -> Result<Response, AppError> {
    reach(&user)?;
    let (name, role, scope, expires) = match read(&form) {
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
    let place = tokens::place_of(&state.db, &scope).await?;
    user.require(&Action::ManageTokens(place.clone()))?;
    let after = json!({
        "name": name, "role": role.code(), "scope": scope.key(), "expires_at": expires,
    });
    let (_, token) = tokens::create(
        &state.db,
        &name,
        role,
        &scope,
        expires.as_deref(),
        Some(user.id),
        |id| {
            Event::new(user.actor(), "api_token.create", "api_token", id)
                .municipality(place.as_ref().map(|p| p.municipality))
                .after(&after)
        },
    )
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render(&TokenOnce {
        tr,
        name,
        token,
        back: Holder::Machine.path(),
    })?
    .into_response())
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    reach(&user)?;
    let id = parse_id(&id, "ключ")?;
    let t = tokens::get(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма ключ с номер {id}.")))?;
    let place = tokens::place_of(&state.db, &t.grant.scope).await?;
    user.require(&Action::ManageTokens(place.clone()))?;
    let event = Event::new(user.actor(), "api_token.revoke", "api_token", id)
        .municipality(place.as_ref().map(|p| p.municipality))
        .before(
            &json!({"name": t.entry.name, "role": t.grant.role.code(), "scope": t.grant.scope.key()}),
        );
    tokens::revoke(&state.db, id, None, event)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/api/tokens").into_response())
}
