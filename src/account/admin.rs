//! Administration of accounts (administrators only): create users, grant and revoke roles,
//! deactivate, reset a password. Every change is an audit event.

use super::secret::{generate_password, hash_password};
use super::store::{self, User};
use super::views::{GrantView, grant_views};
use super::{Email, Role, Scope, check_new_password, scope_for};
use crate::audit::Event;
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::policy::Action;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(create_user))
        .route("/admin/users/{id}", get(user_page))
        .route("/admin/users/{id}/grants", post(add_grant))
        .route(
            "/admin/users/{id}/grants/{grant}/delete",
            post(remove_grant),
        )
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/users/{id}/password", post(reset_password))
}

/// The choices of the role form.
struct Choices {
    roles: Vec<(&'static str, &'static str)>,
    municipalities: Vec<(i64, String)>,
    institutions: Vec<(i64, String)>,
    /// (code, name) of the 28 districts.
    districts: Vec<(String, String)>,
}

async fn choices(state: &AppState) -> Result<Choices, AppError> {
    Ok(Choices {
        roles: Role::IN_FORM
            .iter()
            .map(|r| (r.code(), r.label_key()))
            .collect(),
        municipalities: store::municipalities(&state.db).await?,
        institutions: store::institutions(&state.db).await?,
        districts: crate::territory::tree()
            .districts
            .iter()
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "account/users.html")]
struct UsersPage {
    tr: Tr,
    csrf: CsrfToken,
    users: Vec<User>,
    choices: Choices,
    feedback: Feedback,
    form: NewUserForm,
}

async fn users_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    Ok(render(&UsersPage {
        tr,
        csrf,
        users: store::list_users(&state.db).await?,
        choices: choices(&state).await?,
        feedback: Feedback::default(),
        form: NewUserForm::default(),
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
struct NewUserForm {
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    institution: String,
    #[serde(default)]
    district: String,
}

/// A select box's id: empty means none chosen.
fn chosen(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}

/// A role from the form (empty: none) with its scope.
fn role_and_scope(
    role: &str,
    municipality: &str,
    institution: &str,
    district: &str,
) -> Result<Option<(Role, Scope)>, AppError> {
    if role.is_empty() {
        return Ok(None);
    }
    let role = Role::parse(role).ok_or_else(|| super::AccountError::UnknownRole(role.into()))?;
    let district = Some(district.trim()).filter(|d| !d.is_empty());
    let scope = scope_for(role, chosen(municipality), chosen(institution), district)?;
    Ok(Some((role, scope)))
}

#[derive(Template)]
#[template(path = "account/password_once.html")]
struct PasswordOnce {
    tr: Tr,
    email: String,
    password: String,
    user_id: i64,
}

async fn create_user(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Form(form): Form<NewUserForm>,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    match try_create(&state, &user, &form).await {
        Ok((id, email, Some(password))) => Ok(render(&PasswordOnce {
            tr,
            email,
            password,
            user_id: id,
        })?
        .into_response()),
        Ok((id, _, None)) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(AppError::BadRequest(message)) => {
            let page = UsersPage {
                tr,
                csrf,
                users: store::list_users(&state.db).await?,
                choices: choices(&state).await?,
                feedback: Feedback::message(message),
                form,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Creates the account (and its first role); returns its id, e-mail and the generated
/// password when none was given.
async fn try_create(
    state: &AppState,
    admin: &CurrentUser,
    form: &NewUserForm,
) -> Result<(i64, String, Option<String>), AppError> {
    let email = Email::try_from(form.email.as_str())?;
    let grant = role_and_scope(
        &form.role,
        &form.municipality,
        &form.institution,
        &form.district,
    )?;
    let (password, generated) = if form.password.is_empty() {
        (generate_password()?, true)
    } else {
        check_new_password(&form.password)?;
        (form.password.clone(), false)
    };
    let to_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&to_hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let mut tx = state.db.pool.begin().await?;
    let id = store::create_user(&mut tx, &email, &form.name, &hash, false).await?;
    Event::new(admin.actor(), "user.create", "user", id)
        .after(&json!({"email": email.as_str(), "name": form.name.trim()}))
        .record(&mut *tx)
        .await?;
    if let Some((role, scope)) = grant {
        grant_with_audit(&mut tx, admin, id, role, &scope).await?;
    }
    tx.commit().await?;
    Ok((id, email.to_string(), generated.then_some(password)))
}

async fn grant_with_audit(
    conn: &mut sqlx::AnyConnection,
    admin: &CurrentUser,
    user_id: i64,
    role: Role,
    scope: &Scope,
) -> Result<(), AppError> {
    if let Some(grant_id) = store::add_grant(&mut *conn, user_id, role, scope).await? {
        Event::new(admin.actor(), "user.grant", "user", user_id)
            .municipality(scope.municipality())
            .after(&json!({"grant": grant_id, "role": role.code(), "scope": scope.key()}))
            .record(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "account/user.html")]
struct UserPage {
    tr: Tr,
    csrf: CsrfToken,
    account: User,
    grants: Vec<GrantView>,
    choices: Choices,
    feedback: Feedback,
}

async fn load_account(state: &AppState, id: &str) -> Result<User, AppError> {
    let id = parse_id(id, "потребител")?;
    store::user(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма потребител с номер {id}.")))
}

async fn user_page_with(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    account: User,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let grants = store::grants(&mut conn, account.id).await?;
    drop(conn);
    let status = if !feedback.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = UserPage {
        tr,
        csrf,
        grants: grant_views(state, &grants).await?,
        choices: choices(state).await?,
        account,
        feedback,
    };
    Ok((status, render(&page)?).into_response())
}

async fn user_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    let account = load_account(&state, &id).await?;
    user_page_with(&state, tr, csrf, account, Feedback::default()).await
}

#[derive(Deserialize)]
struct GrantForm {
    role: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    institution: String,
    #[serde(default)]
    district: String,
}

async fn add_grant(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<GrantForm>,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    let account = load_account(&state, &id).await?;
    let (role, scope) = match role_and_scope(
        &form.role,
        &form.municipality,
        &form.institution,
        &form.district,
    ) {
        Ok(Some(g)) => g,
        Ok(None) => {
            let e = tr.t("admin.choose_role").to_string();
            return user_page_with(&state, tr, csrf, account, Feedback::message(e)).await;
        }
        Err(AppError::BadRequest(e)) => {
            return user_page_with(&state, tr, csrf, account, Feedback::message(e)).await;
        }
        Err(e) => return Err(e),
    };
    let mut tx = state.db.pool.begin().await?;
    grant_with_audit(&mut tx, &user, account.id, role, &scope).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/users/{}", account.id)).into_response())
}

async fn remove_grant(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, grant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    let account = load_account(&state, &id).await?;
    let grant = parse_id(&grant, "роля")?;
    let mut tx = state.db.pool.begin().await?;
    let removed = store::remove_grant(&mut tx, account.id, grant)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма роля с номер {grant}.")))?;
    Event::new(user.actor(), "user.revoke", "user", account.id)
        .municipality(removed.scope.municipality())
        .before(&json!({"grant": removed.id, "role": removed.role.code(), "scope": removed.scope.key()}))
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/users/{}", account.id)).into_response())
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_active(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    let account = load_account(&state, &id).await?;
    let active = form.active == "1";
    if account.id == user.id && !active {
        return Err(AppError::BadRequest(
            "Не можете да деактивирате собствения си профил.".into(),
        ));
    }
    let mut tx = state.db.pool.begin().await?;
    store::set_active(&mut tx, account.id, active).await?;
    Event::new(
        user.actor(),
        if active {
            "user.activate"
        } else {
            "user.deactivate"
        },
        "user",
        account.id,
    )
    .before(&json!({"active": account.active}))
    .after(&json!({"active": active}))
    .record(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/users/{}", account.id)).into_response())
}

async fn reset_password(
    State(state): State<AppState>,
    tr: Tr,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(&Action::ManageUsers)?;
    let account = load_account(&state, &id).await?;
    let password = generate_password()?;
    let to_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&to_hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let mut tx = state.db.pool.begin().await?;
    store::set_password(&mut tx, account.id, &hash, None).await?;
    Event::new(user.actor(), "user.password_reset", "user", account.id)
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(render(&PasswordOnce {
        tr,
        email: account.email,
        password,
        user_id: account.id,
    })?
    .into_response())
}
