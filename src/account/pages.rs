//! Login, logout, the account page and password change.

use super::secret::{check_login, hash_password, verify_password};
use super::store::{self, SESSION_HOURS};
use super::views::{GrantView, grant_views};
use super::{Email, THROTTLE_MINUTES, check_new_password, throttled};
use crate::audit::{Actor, Event};
use crate::forms::{Feedback, FieldErrors};
use crate::i18n::Tr;
use crate::web::auth::{
    CsrfToken, CurrentUser, SESSION_COOKIE, client_ip, cookie_header, secure_cookies,
};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Extensions, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
}

/// Only paths on this site, so `next` cannot send people elsewhere; by default "my work".
fn local_path(next: Option<&str>) -> String {
    next.and_then(crate::web::local_path)
        .unwrap_or_else(|| "/work".into())
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    tr: Tr,
    csrf: CsrfToken,
    next: String,
    email: String,
    feedback: Feedback,
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

async fn login_page(
    tr: Tr,
    csrf: CsrfToken,
    user: Option<CurrentUser>,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let next = local_path(q.next.as_deref());
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(render(&LoginPage {
        tr,
        csrf,
        next,
        email: String::new(),
        feedback: Feedback::default(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    extensions: Extensions,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let ip = client_ip(&extensions);
    let email_text = form.email.trim().to_lowercase();
    let next = local_path(form.next.as_deref());
    let refuse = |status: StatusCode, key: &str| -> Result<Response, AppError> {
        let page = LoginPage {
            tr,
            csrf: csrf.clone(),
            next: next.clone(),
            email: email_text.clone(),
            feedback: Feedback::message(tr.t(key)),
        };
        Ok((status, render(&page)?).into_response())
    };
    // Counted before the check, in one statement, so parallel guesses cannot all pass.
    let failures = store::count_login(
        &state.db,
        &email_text,
        ip.as_deref(),
        time::Duration::minutes(THROTTLE_MINUTES),
    )
    .await?;
    let attempted = Actor {
        label: email_text.clone(),
        ip: ip.clone(),
        ..Actor::system()
    };
    if throttled(failures) {
        Event::new(attempted, "user.login_throttled", "user", None::<i64>)
            .record(&state.db.pool)
            .await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, "login.throttled");
    }
    let creds = match Email::try_from(email_text.as_str()) {
        Ok(email) => store::credentials(&state.db, &email).await?,
        Err(_) => None,
    };
    let password = form.password;
    let user_id = tokio::task::spawn_blocking(move || {
        check_login(
            creds
                .as_ref()
                .map(|(id, active, hash)| (*id, *active, hash.as_str())),
            &password,
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(user_id) = user_id else {
        Event::new(attempted, "user.login_failed", "user", None::<i64>)
            .record(&state.db.pool)
            .await?;
        return refuse(StatusCode::UNAUTHORIZED, "login.wrong");
    };
    store::login_succeeded(&state.db, &email_text, ip.as_deref()).await?;
    let mut tx = state.db.pool.begin().await?;
    let (_, token) = store::create_session(&mut tx, user_id, ip.as_deref()).await?;
    Event::new(
        Actor::user(user_id, &email_text, ip),
        "user.login",
        "user",
        user_id,
    )
    .record(&mut *tx)
    .await?;
    tx.commit().await?;
    let cookie = cookie_header(
        SESSION_COOKIE,
        &token,
        SESSION_HOURS * 3600,
        secure_cookies(&state),
    );
    // A session: nothing public changed.
    Ok(crate::web::cache::unpublished(
        ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response(),
    ))
}

async fn logout(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> Result<Response, AppError> {
    if let Some(user) = user {
        let mut tx = state.db.pool.begin().await?;
        store::delete_session(&mut tx, user.session_id).await?;
        Event::new(user.actor(), "user.logout", "user", user.id)
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let cookie = cookie_header(SESSION_COOKIE, "", 0, secure_cookies(&state));
    Ok(crate::web::cache::unpublished(
        ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response(),
    ))
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    grants: Vec<GrantView>,
    can_audit: bool,
    /// District and national staff: the link to their dashboard.
    can_dashboard: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
struct Notice {
    changed: Option<String>,
}

async fn account_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(q): Query<Notice>,
) -> Result<Response, AppError> {
    let grants = grant_views(&state, &user.grants).await?;
    let can_audit = !user
        .principal()
        .reach(crate::policy::Kind::ViewAudit)
        .is_empty();
    let can_dashboard = !user
        .principal()
        .reach(crate::policy::Kind::ViewDashboard)
        .is_empty();
    Ok(render(&AccountPage {
        tr,
        csrf,
        grants,
        can_audit,
        can_dashboard,
        notice: q.changed.map(|_| "password.changed"),
        user,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    tr: Tr,
    csrf: CsrfToken,
    feedback: Feedback,
}

async fn password_page(tr: Tr, csrf: CsrfToken, _user: CurrentUser) -> Result<Response, AppError> {
    Ok(render(&PasswordPage {
        tr,
        csrf,
        feedback: Feedback::default(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let fail = |field: &str, message: String| -> Result<Response, AppError> {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        let page = PasswordPage {
            tr,
            csrf: csrf.clone(),
            feedback: Feedback::fields(errors),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
    };
    if let Err(e) = check_new_password(&form.new) {
        return fail("new", format!("{}: {e}.", tr.t("password.new")));
    }
    if form.new != form.confirm {
        return fail("confirm", tr.t("password.mismatch").to_string());
    }
    let stored = store::password_hash(&state.db, user.id)
        .await?
        .unwrap_or_default();
    let new = form.new;
    let current = form.current;
    let hashed = tokio::task::spawn_blocking(move || {
        verify_password(&current, &stored).then(|| hash_password(&new))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(hash) = hashed else {
        return fail("current", tr.t("password.wrong_current").to_string());
    };
    let hash = hash?;
    let mut tx = state.db.pool.begin().await?;
    store::set_password(&mut tx, user.id, &hash, Some(user.session_id)).await?;
    Event::new(user.actor(), "user.password_change", "user", user.id)
        .record(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to("/account?changed=1").into_response())
}
