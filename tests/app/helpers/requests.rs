//! Requests as a browser sends them from our pages, and what makes their answers comparable.

use super::*;

/// A `multipart/form-data` body with text fields and one file field named `file`; returns the
/// content type (with its boundary) and the body.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "planmon-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// Requests as a browser sends them from our pages: as staff with the administration token or
// through a submission link, with the form token the page carries.

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

/// Who sends a request: nobody (`None`), a script with the administration token
/// (`Some(ADMIN_TOKEN)`), or a logged-in browser (`&session`).
#[derive(Clone, Copy)]
pub enum As<'a> {
    Nobody,
    Token(&'a str),
    User(&'a Session),
}

impl<'a> From<Option<&'a str>> for As<'a> {
    fn from(bearer: Option<&'a str>) -> As<'a> {
        bearer.map_or(As::Nobody, As::Token)
    }
}

impl<'a> From<&'a Session> for As<'a> {
    fn from(session: &'a Session) -> As<'a> {
        As::User(session)
    }
}

fn with_auth(b: axum::http::request::Builder, who: As<'_>) -> axum::http::request::Builder {
    match who {
        As::Token(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        As::User(s) => b.header(header::COOKIE, &s.cookie),
        As::Nobody => b,
    }
}

/// A POST as a browser sends it from one of our pages: with the page's form token (a
/// logged-in browser's own, else the link's or the anonymous one).
fn form_post(path: &str, who: As<'_>) -> axum::http::request::Builder {
    let path_only = path.split('?').next().unwrap_or(path);
    let b = with_auth(Request::post(path), who);
    match who {
        As::User(s) if !path_only.starts_with("/s/") => b.header("x-csrf-token", &s.csrf),
        _ => b
            .header("x-csrf-token", csrf_for(path_only))
            .header(header::COOKIE, format!("pm_csrf={ANON_CSRF}")),
    }
}

/// A GET as [`As`] says: `None`, `Some(ADMIN_TOKEN)` or `&session`.
pub async fn get<'a>(app: &TestApp, path: &str, who: impl Into<As<'a>>) -> TestResponse {
    let req = with_auth(Request::get(path), who.into())
        .body(Body::empty())
        .expect("request");
    app.request(req).await
}

/// A form POST as a browser sends it, with the token of the page at `path`.
pub async fn post<'a>(
    app: &TestApp,
    path: &str,
    who: impl Into<As<'a>>,
    fields: &[(&str, &str)],
) -> TestResponse {
    let body = serde_urlencoded::to_string(fields).expect("form");
    let req = form_post(path, who.into())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    app.request(req).await
}

/// A multipart form with text fields and one file field named `file`.
pub async fn post_multipart<'a>(
    app: &TestApp,
    path: &str,
    who: impl Into<As<'a>>,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> TestResponse {
    let (content_type, body) = multipart(fields, file);
    let req = form_post(path, who.into())
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    app.request(req).await
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
            r"/(rounds|institutions|updates|evidence|links|plans|area-reports)/\d+",
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
