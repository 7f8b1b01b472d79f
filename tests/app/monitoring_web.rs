//! Request helpers for the reporting pages: forms as a staff member or through a submission
//! link, multipart uploads, and redaction of what changes between runs.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The administration token `TestApp` configures; stands for the administrator until accounts.
pub const ADMIN: &str = "test-admin-token";

pub struct Reply {
    pub status: StatusCode,
    pub location: String,
    pub content_type: String,
    pub body: String,
    pub bytes: Vec<u8>,
}

pub async fn send(app: &TestApp, req: Request<Body>) -> Reply {
    let response = planmon::server::router(app.state.clone())
        .oneshot(req)
        .await
        .expect("router never fails");
    let status = response.status();
    let header_of = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let location = header_of(header::LOCATION);
    let content_type = header_of(header::CONTENT_TYPE);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// Anonymous form token sent as cookie and header (double submit).
const ANON_CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The form token a page at `path` expects: derived from the link on submission-link pages,
/// else the anonymous double-submit token.
pub fn csrf_for(path: &str) -> String {
    match path.strip_prefix("/s/").and_then(|p| p.split('/').next()) {
        Some(token) => planmon::token::token_hash(&format!("planmon-csrf:{token}")),
        None => ANON_CSRF.to_string(),
    }
}

fn with_auth(
    b: axum::http::request::Builder,
    bearer: Option<&str>,
) -> axum::http::request::Builder {
    match bearer {
        Some(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        None => b,
    }
}

/// A POST as a browser sends it from one of our pages: with the page's form token.
fn form_post(path: &str, bearer: Option<&str>) -> axum::http::request::Builder {
    let path_only = path.split('?').next().unwrap_or(path);
    with_auth(Request::post(path), bearer)
        .header("x-csrf-token", csrf_for(path_only))
        .header(header::COOKIE, format!("pm_csrf={ANON_CSRF}"))
}

pub async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> Reply {
    let req = with_auth(Request::get(path), bearer)
        .body(Body::empty())
        .expect("request");
    send(app, req).await
}

pub async fn post(
    app: &TestApp,
    path: &str,
    bearer: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let req = form_post(path, bearer)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    send(app, req).await
}

/// application/x-www-form-urlencoded encoding of one name or value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A multipart form with text fields and one file field named `file`.
pub async fn post_multipart(
    app: &TestApp,
    path: &str,
    bearer: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    let (content_type, body) = crate::helpers::multipart(fields, file);
    let req = form_post(path, bearer)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    send(app, req).await
}

/// The `/s/TOKEN` path of the first link shown on a page.
pub fn link_path(body: &str) -> String {
    let at = body.find("/s/").expect("a link on the page");
    body[at..at + 67].to_string()
}

/// Ids, tokens and dates replaced, so snapshots are stable across runs and databases.
pub fn redact(html: &str) -> String {
    let rules = [
        (r"/s/[0-9a-f]{64}", "/s/[token]"),
        (r#"csrf_token([="a-z ]*)[0-9a-f]{64}"#, "csrf_token$1[csrf]"),
        (
            r"/(rounds|institutions|updates|evidence|links|plans)/\d+",
            "/$1/[id]",
        ),
        (
            r#"(name="(institution_id|update)" value=)"\d+""#,
            "$1\"[id]\"",
        ),
        (r#"(id|for)="u\d+""#, "$1=\"u[id]\""),
        (r"\d\d\.\d\d\.\d{4} г\.", "[date]"),
    ];
    let mut out = html.to_string();
    for (pattern, with) in rules {
        let re = regex::Regex::new(pattern).expect("regex");
        out = re.replace_all(&out, with).into_owned();
    }
    out
}
