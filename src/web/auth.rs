//! Who is asking, and may the form be trusted: sessions, the `CurrentUser` extractor and CSRF.
//!
//! [`layer`] runs on every request (installed by `server::router`). It
//! 1. reads the `pm_session` cookie and, when it names a live session, puts a [`CurrentUser`]
//!    (with its role grants) into the request;
//! 2. works out the CSRF token of the request: the session's token for a logged-in user, else
//!    the anonymous `pm_csrf` cookie (double-submit; set on the response when a page used it);
//! 3. refuses with 403 and a Bulgarian message every POST/PUT/PATCH/DELETE whose token is
//!    missing or wrong. The token is read from the `csrf_token` field of a url-encoded form,
//!    else the `csrf_token` query parameter (multipart forms put it in their `action` URL:
//!    `action="/x?csrf_token={{ csrf }}"`), else the `X-CSRF-Token` header.
//!    Two kinds of request carry no ambient credential and are checked differently:
//!    - under a submission link (`/s/{link token}/…`) the token is [`link_csrf`] of the link
//!      token, so link pages need no cookie;
//!    - a request with the configured administration token or an API token
//!      (`Authorization: Bearer …`) is not checked: browsers never attach that header by
//!      themselves, so it cannot be forged cross-site. A wrong token is refused here and
//!      throttled per address.
//!
//! It also works out the client's address (behind `trusted_proxies`, from `X-Forwarded-For`),
//! limits url-encoded bodies (small for anonymous requests), marks every private answer
//! (session, link, token) `Cache-Control: no-store`, and sends HSTS when the site is https.
//!
//! It puts the request's [`Principal`] into the request: the user's grants, or the
//! administration token (read in one place, [`bearer`], and compared one way: SHA-256
//! digests in constant time), or an API token of a machine (`crate::api::tokens`), or
//! anonymous.
//!
//! Handlers then use:
//! - `who: Principal` (never refused) and ask `crate::policy` with an `Action` that carries
//!   the record: `who.require(&Action::ManageReports(place))?` (403 otherwise);
//! - `user: CurrentUser` (not logged in → redirect to `/login?next=…`) or
//!   `user: Option<CurrentUser>`; `user.require(&Action::…)?`, `user.principal()`,
//!   `user.actor()` for audit events;
//! - `csrf: CsrfToken` handed to the template, which writes
//!   `{% include "_csrf.html" %}` (a hidden `csrf_token` field) inside every POST form.
//!   Submission-link pages (no account) work the same way through the anonymous cookie.

use crate::account::{self, Grant};
use crate::audit::Actor;
use crate::policy::{Action, Principal};
use crate::token::{looks_valid, random_token, token_hash, tokens_equal};
use crate::web::{AppError, AppState};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub const SESSION_COOKIE: &str = "pm_session";
pub const CSRF_COOKIE: &str = "pm_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub demo: bool,
    pub grants: Vec<Grant>,
    /// The session of a logged-in person; 0 for a request with a personal API token.
    pub session_id: i64,
    pub ip: Option<String>,
    /// The personal API token the request came with (`api::tokens`), if any.
    pub token: Option<i64>,
}

impl CurrentUser {
    /// The user as a principal of the policy.
    pub fn principal(&self) -> Principal {
        Principal::User(self.grants.clone())
    }

    pub fn may(&self, action: &Action) -> bool {
        self.principal().may(action)
    }

    /// `Ok` when allowed, else 403 "нямате право на това действие".
    pub fn require(&self, action: &Action) -> Result<(), AppError> {
        Ok(self.principal().require(action)?)
    }

    pub fn is_admin(&self) -> bool {
        self.may(&Action::ManageUsers)
    }

    /// The header's links for this person, as the policy reaches.
    pub fn nav(&self) -> crate::i18n::Nav {
        use crate::policy::Kind;
        let who = self.principal();
        let rounds = [Kind::OverseeRound, Kind::EditUpdates, Kind::OpenRound]
            .into_iter()
            .any(|k| !who.reach(k).is_empty())
            || self.grants.iter().any(|g| {
                matches!(g.scope, account::Scope::Institution { .. })
                    && crate::policy::role_allows(g.role, Kind::EditUpdates)
            });
        crate::i18n::Nav {
            signed_in: true,
            rounds,
            dashboard: !who.reach(Kind::ViewDashboard).is_empty(),
            users: self.is_admin(),
        }
    }

    /// The actor of audit events this user causes.
    pub fn actor(&self) -> Actor {
        let mut actor = Actor::user(self.id, &self.email, self.ip.clone());
        if let Some(token) = self.token {
            actor.label = format!("{} (API ключ {token})", self.email);
        }
        actor
    }
}

/// Not logged in: go to the login page and come back.
#[derive(Debug)]
pub struct LoginRequired {
    next: String,
}

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        let query = serde_urlencoded::to_string([("next", self.next.as_str())]).unwrap_or_default();
        Redirect::to(&format!("/login?{query}")).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = LoginRequired;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| LoginRequired {
                next: parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".into()),
            })
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Principal>()
            .cloned()
            .unwrap_or_default())
    }
}

/// The CSRF token a form on this page must send back; displays as the token itself.
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    pub fn value(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The request's token, and whether a handler used the anonymous one (so it must be set).
#[derive(Debug, Clone)]
struct RequestCsrf {
    token: String,
    used: Arc<AtomicBool>,
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let c = parts
            .extensions
            .get::<RequestCsrf>()
            .ok_or_else(|| AppError::Internal("the auth layer is not installed".into()))?;
        c.used.store(true, Ordering::Relaxed);
        Ok(CsrfToken(c.token.clone()))
    }
}

/// The value of cookie `name`, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the flags every planmon cookie carries.
pub fn cookie_header(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Whether cookies must be `Secure`: the public address is https.
pub fn secure_cookies(state: &AppState) -> bool {
    state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

/// The client's address as the auth layer worked it out.
#[derive(Debug, Clone)]
struct ClientIp(Option<String>);

/// The client address, when the server was started with connect info: the peer, or behind
/// configured trusted proxies the address they forwarded (see [`forwarded_client`]).
pub fn client_ip(parts_ext: &axum::http::Extensions) -> Option<String> {
    match parts_ext.get::<ClientIp>() {
        Some(c) => c.0.clone(),
        None => parts_ext
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string()),
    }
}

/// The client behind `peer`: while the address at hand is a trusted proxy, the next address
/// from the right of `X-Forwarded-For` (what that proxy saw); the first untrusted one is the
/// client. Addresses a client wrote itself at the left are never reached past an untrusted hop.
pub fn forwarded_client(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: impl Fn(IpAddr) -> bool,
) -> IpAddr {
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        if !trusted(client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

/// The CSRF token of the pages of a submission link: derived from the link's token, which is
/// the credential of those pages (it is in their URL, not in a cookie).
pub fn link_csrf(link_token: &str) -> String {
    token_hash(&format!("planmon-csrf:{link_token}"))
}

/// The link token of a `/s/{token}/…` path.
fn link_token_of(path: &str) -> Option<&str> {
    path.strip_prefix("/s/")?
        .split('/')
        .next()
        .filter(|t| !t.is_empty())
}

/// Largest url-encoded form read to find its CSRF token: forms of people without an account
/// (login) need little; staff forms at most what axum's `Form` takes.
const ANONYMOUS_FORM_BYTES: usize = 64 * 1024;
const FORM_BYTES: usize = 2 * 1024 * 1024;

/// The middleware described in the module comment.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| {
        forwarded_client(c.0.ip(), &parts.headers, |ip| {
            state.config.is_trusted_proxy(ip)
        })
        .to_string()
    });
    parts.extensions.insert(ClientIp(ip.clone()));
    let api = parts.uri.path().starts_with("/api/");
    let mut response = match authenticate(&state, parts, body, ip).await {
        Ok(Authenticated {
            request,
            private,
            new_csrf,
            used,
            nav,
        }) => {
            let mut response = next.run(request).await;
            if let Some(nav) = nav {
                response.extensions_mut().insert(nav);
            }
            if used.load(Ordering::Relaxed) {
                response.extensions_mut().insert(UsedCsrf);
            }
            if let Some(token) = new_csrf
                && used.load(Ordering::Relaxed)
            {
                let c = cookie_header(CSRF_COOKIE, &token, 60 * 60 * 24, secure_cookies(&state));
                if let Ok(v) = HeaderValue::from_str(&c) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            if private {
                no_store(&mut response);
            }
            response
        }
        Err(e) => {
            // The API answers its refusals (CSRF, a wrong token, throttling) as JSON too.
            let mut response = if api {
                crate::web::ApiError(e).into_response()
            } else {
                e.into_response()
            };
            no_store(&mut response);
            response
        }
    };
    if secure_cookies(&state) {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Staff pages, submission-link pages and scripts' answers are for one person: never cached.
fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

struct Authenticated {
    request: Request,
    /// Answered for one person (a session, a submission link, the administration token).
    private: bool,
    /// A new anonymous CSRF token, set as a cookie when a handler used it.
    new_csrf: Option<String>,
    /// Whether a handler used the request's CSRF token.
    used: Arc<AtomicBool>,
    /// The header's links of a signed-in person, also kept on the response (`web::refusal`).
    nav: Option<crate::i18n::Nav>,
}

/// On a response whose page carries the request's CSRF token: personal, never shared from a
/// cache.
#[derive(Debug, Clone, Copy)]
pub struct UsedCsrf;

/// Steps 1–3 of the module comment.
async fn authenticate(
    state: &AppState,
    mut parts: Parts,
    body: Body,
    ip: Option<String>,
) -> Result<Authenticated, AppError> {
    let is_static = parts.uri.path().starts_with("/static/");
    let (user, bearer) = if is_static {
        (None, None)
    } else {
        (
            load_user(state, &parts.headers, ip.clone()).await?,
            super::bearer::bearer(state, &parts, ip.as_deref()).await?,
        )
    };
    let token = bearer.is_some();
    let link = link_token_of(parts.uri.path()).map(link_csrf);
    let private = user.is_some() || token || link.is_some();
    let (csrf, new) = match (&user, cookie(&parts.headers, CSRF_COOKIE), link) {
        (_, _, Some(link)) => (link, false),
        (Some((_, token)), _, None) => (token.clone(), false),
        (None, Some(t), None) if looks_valid(t) => (t.to_string(), false),
        (None, _, None) => (
            random_token().map_err(|e| AppError::Internal(format!("random: {e}")))?,
            true,
        ),
    };
    let body = if is_safe(&parts.method) || token {
        body
    } else {
        let limit = if private {
            FORM_BYTES
        } else {
            ANONYMOUS_FORM_BYTES
        };
        check_csrf(&parts, body, &csrf, limit).await?
    };
    let used = Arc::new(AtomicBool::new(false));
    parts.extensions.insert(RequestCsrf {
        token: csrf.clone(),
        used: used.clone(),
    });
    let (principal, user) = match (bearer, user) {
        // A bearer token speaks for the request, whatever session cookie came with it.
        (Some((p, u)), _) => (p, u),
        (None, Some((u, _))) => (u.principal(), Some(u)),
        (None, None) => (Principal::Anonymous, None),
    };
    parts.extensions.insert(principal);
    let nav = user
        .as_ref()
        .filter(|u| u.session_id != 0)
        .map(CurrentUser::nav);
    if let Some(nav) = nav {
        parts.extensions.insert(nav);
    }
    if let Some(u) = user {
        parts.extensions.insert(u);
    }
    Ok(Authenticated {
        request: Request::from_parts(parts, body),
        private,
        new_csrf: new.then_some(csrf),
        used,
        nav,
    })
}

async fn load_user(
    state: &AppState,
    headers: &HeaderMap,
    ip: Option<String>,
) -> Result<Option<(CurrentUser, String)>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| looks_valid(t)) else {
        return Ok(None);
    };
    let Some(s) = account::store::session_user(&state.db, token).await? else {
        return Ok(None);
    };
    let mut conn = state.db.pool.acquire().await?;
    let grants = account::store::grants(&mut conn, s.user_id).await?;
    Ok(Some((
        CurrentUser {
            id: s.user_id,
            email: s.email,
            name: s.name,
            demo: s.demo,
            grants,
            session_id: s.session_id,
            ip,
            token: None,
        },
        s.csrf,
    )))
}

fn is_safe(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Finds the submitted token (form field, query, header) and compares it with `expected`.
/// Returns the body unchanged for the handler.
async fn check_csrf(
    parts: &Parts,
    body: Body,
    expected: &str,
    limit: usize,
) -> Result<Body, AppError> {
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let from_query = parts.uri.query().and_then(|q| field(q.as_bytes()));
    let from_header = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (body, from_form) = if is_form {
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
            if std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            {
                AppError::TooLarge
            } else {
                AppError::BadRequest("Заявката не пристигна цялата навреме.".into())
            }
        })?;
        let token = field(&bytes);
        (Body::from(bytes), token)
    } else {
        (body, None)
    };
    let ok = [from_form, from_query, from_header]
        .into_iter()
        .flatten()
        .any(|t| tokens_equal(&t, expected));
    if ok { Ok(body) } else { Err(AppError::Csrf) }
}

fn field(urlencoded: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(urlencoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=bg; pm_session=abc; pm_csrf=def"),
        );
        assert_eq!(cookie(&h, "pm_session"), Some("abc"));
        assert_eq!(cookie(&h, "pm_csrf"), Some("def"));
        assert_eq!(cookie(&h, "nope"), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_when_asked() {
        let c = cookie_header("pm_session", "t", 60, true);
        assert_eq!(
            c,
            "pm_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        assert!(!cookie_header("pm_session", "t", 60, false).contains("Secure"));
    }

    #[test]
    fn link_pages_have_their_own_token_derived_from_the_link() {
        assert_eq!(link_token_of("/s/abc/updates/3"), Some("abc"));
        assert_eq!(link_token_of("/s/abc"), Some("abc"));
        assert_eq!(link_token_of("/rounds/1"), None);
        assert_ne!(link_csrf("abc"), link_csrf("abd"));
        assert!(looks_valid(&link_csrf("abc")));
    }

    #[test]
    fn csrf_field_is_read_from_a_urlencoded_body() {
        assert_eq!(field(b"a=1&csrf_token=xyz&b=2").as_deref(), Some("xyz"));
        assert_eq!(field(b"a=1").as_deref(), None);
    }
}
