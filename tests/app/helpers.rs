//! `TestApp`: the real router on a fresh database — a temporary SQLite file, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` is set — with request helpers.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clap::Parser;
use http_body_util::BodyExt;
use planmon::cli::{Cli, load_config, run};
use planmon::config::Config;
use planmon::db::Db;
use planmon::monitoring::store::UpdateRow;
use planmon::plan::Plan;
use planmon::plan::format::parse_plan_json;
use planmon::server::router;
use planmon::web::AppState;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

pub struct TestApp {
    pub db: Db,
    pub state: AppState,
    pub database_url: String,
    _dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (for files).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    /// The `Location` of a redirect.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value a `Set-Cookie` header gives cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                let first = v.split(';').next()?;
                let (k, val) = first.split_once('=')?;
                (k == name).then(|| val.to_string())
            })
    }

    /// The value of the first hidden `csrf_token` field on the page.
    pub fn csrf_field(&self) -> Option<String> {
        let rest = self.body.split("name=\"csrf_token\" value=\"").nth(1)?;
        rest.split('"').next().map(str::to_string)
    }
}

/// The administration token every test app is configured with.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A browser: its cookies and the CSRF token its last page carried. `Session::default()` is a
/// browser with no cookies at all.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "planmon_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

/// `postgres://u@h:5432/test` -> (`postgres://u@h:5432/NAME`, the admin URL as given).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// [`TestApp::spawn`] with a configuration changed by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
        TestApp::spawn_on(postgres, None, adjust).await
    }

    /// A test app on a new database restored from a `planmon backup` archive: PostgreSQL when
    /// `postgres` (needs `TEST_DATABASE_URL`), else SQLite.
    pub async fn restored(archive: &std::path::Path, postgres: bool) -> TestApp {
        TestApp::spawn_on(postgres, Some(archive), |_| {}).await
    }

    async fn spawn_on(
        postgres: bool,
        restore: Option<&std::path::Path>,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let (database_url, pg_drop) = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if postgres && !admin.is_empty() => {
                let name = unique_name();
                let admin_db = Db::connect(&admin)
                    .await
                    .expect("connect TEST_DATABASE_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&admin_db.pool)
                    .await
                    .expect("create test database");
                admin_db.close().await;
                (with_database(&admin, &name), Some((admin, name)))
            }
            _ => (
                format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                None,
            ),
        };
        let mut config = Config {
            database_url: Some(database_url.clone()),
            data_dir: dir.path().to_path_buf(),
            admin_token: Some(ADMIN_TOKEN.into()),
            public_url: Some("http://planmon.test".into()),
            ..Config::default()
        };
        adjust(&mut config);
        if let Some(archive) = restore {
            let db = Db::connect(&database_url).await.expect("connect");
            planmon::backup::restore(&db, &config.data_dir, archive)
                .await
                .expect("restore");
            db.close().await;
        }
        let db = planmon::server::open_database(&config)
            .await
            .expect("open database");
        let state = AppState::new(db.clone(), config);
        TestApp {
            db,
            state,
            database_url,
            _dir: dir,
            pg_drop,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg_drop.is_some()
    }

    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        let response = router(self.state.clone())
            .oneshot(req)
            .await
            .expect("router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        TestResponse {
            status,
            content_type,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.get(path).await;
        let v = serde_json::from_str(&r.body)
            .unwrap_or_else(|e| panic!("{path} is not JSON ({e}): {}", r.body));
        (r.status, v)
    }

    /// GET with the browser's cookies.
    pub async fn get_as(&self, path: &str, s: &Session) -> TestResponse {
        self.request(
            Request::get(path)
                .header(header::COOKIE, &s.cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// POSTs a url-encoded form with the browser's cookies and exactly the given fields (add
    /// `("csrf_token", &s.csrf)` yourself, or use `post_form`).
    pub async fn post_raw(&self, path: &str, s: &Session, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.request(
            Request::post(path)
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// POSTs a url-encoded form with the browser's cookies and its CSRF token.
    pub async fn post_form(
        &self,
        path: &str,
        s: &Session,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all = vec![("csrf_token", s.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, s, &all).await
    }

    /// A browser that opened the login page: it has the anonymous CSRF cookie and token (the
    /// same way a submission-link page gets them).
    pub async fn anonymous(&self) -> Session {
        let r = self.get("/login").await;
        let token = r.set_cookie("pm_csrf").expect("anonymous csrf cookie");
        Session {
            cookie: format!("pm_csrf={token}"),
            csrf: r.csrf_field().expect("csrf field on the login page"),
        }
    }

    /// Creates an account with the given roles, straight in the database.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        grants: &[(planmon::account::Role, planmon::account::Scope)],
    ) -> i64 {
        use planmon::account::{Email, secret, store};
        let hash = secret::hash_password(password).expect("hash");
        let mut tx = self.db.pool.begin().await.expect("tx");
        let email = Email::try_from(email).expect("email");
        let id = store::create_user(&mut tx, &email, "", &hash, false)
            .await
            .expect("create user");
        for (role, scope) in grants {
            store::add_grant(&mut tx, id, *role, scope)
                .await
                .expect("grant");
        }
        tx.commit().await.expect("commit");
        id
    }

    /// Logs in through the login form; the session's cookie and CSRF token.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let anon = self.anonymous().await;
        let r = self
            .post_form("/login", &anon, &[("email", email), ("password", password)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login failed: {}", r.body);
        let token = r.set_cookie("pm_session").expect("session cookie");
        let mut s = Session {
            cookie: format!("pm_session={token}"),
            csrf: String::new(),
        };
        let page = self.get_as("/account", &s).await;
        s.csrf = page.csrf_field().expect("csrf field on the account page");
        s
    }

    /// A user with these roles, logged in.
    pub async fn user_session(
        &self,
        email: &str,
        grants: &[(planmon::account::Role, planmon::account::Scope)],
    ) -> Session {
        self.create_user(email, TEST_PASSWORD, grants).await;
        self.login(email, TEST_PASSWORD).await
    }

    /// A logged-in user holding `role` in the municipality of plan `plan_id` (coordinator,
    /// reviewer), as `ROLE@test.example`: the same person each time it is asked for (a new
    /// session; the grant added when the plan is of another municipality).
    pub async fn staff_of_plan(&self, plan_id: i64, role: planmon::account::Role) -> Session {
        use planmon::account::{Email, Scope, store};
        let place = planmon::plan::store::place(&self.db, plan_id)
            .await
            .expect("place")
            .expect("plan exists");
        let email = format!("{}@test.example", role.code());
        let grant = (role, Scope::Municipality(place.municipality));
        let known = store::credentials(&self.db, &Email::try_from(email.as_str()).expect("email"))
            .await
            .expect("credentials");
        match known {
            None => return self.user_session(&email, &[grant]).await,
            Some((id, ..)) => {
                let mut tx = self.db.pool.begin().await.expect("tx");
                store::add_grant(&mut tx, id, grant.0, &grant.1)
                    .await
                    .expect("grant");
                tx.commit().await.expect("commit");
            }
        }
        self.login(&email, TEST_PASSWORD).await
    }

    /// A logged-in administrator.
    pub async fn admin_session(&self) -> Session {
        self.user_session(
            "admin@test.example",
            &[(
                planmon::account::Role::Administrator,
                planmon::account::Scope::Global,
            )],
        )
        .await
    }

    /// The id of a municipality by name.
    pub async fn municipality_id(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM municipalities WHERE name = $1")
            .bind(name)
            .fetch_one(&self.db.pool)
            .await
            .expect("municipality")
    }

    /// Stores a plan and returns its id.
    pub async fn create_plan(&self, plan: &Plan) -> i64 {
        planmon::plan::store::create_plan(&self.db, plan, None)
            .await
            .expect("create plan")
    }

    /// Loads the two seed plans; returns (Пловдив id, Казанлък id).
    pub async fn load_demo(&self) -> (i64, i64) {
        let ids = planmon::demo::load(&self.db).await.expect("demo data");
        (ids[0], ids[1])
    }

    pub async fn plan_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM plans")
            .fetch_one(&self.db.pool)
            .await
            .expect("count")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg_drop.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which this thread blocks: clean up from a thread
        // with its own runtime, and let FORCE end the test's own connections.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(db) = Db::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&db.pool)
                    .await;
                    db.close().await;
                }
            });
        })
        .join();
    }
}

/// The password of accounts made by `user_session`.
pub const TEST_PASSWORD: &str = "тестова парола за вход";

/// A small plan written for tests: two priorities, a per-unit amount, a EUR amount, an
/// institution spelled two ways, a funding source under two names.
pub fn sample_plan() -> Plan {
    parse_plan_json(include_str!("../fixtures/plans/sample.plan.json")).expect("sample plan")
}

/// Removes what changes between runs (timestamps) so snapshots stay stable.
pub fn redact_json(mut v: serde_json::Value) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    if k.ends_with("_at") {
                        *val = serde_json::Value::String("[timestamp]".into());
                    } else {
                        walk(val);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

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

// The country (issue 13).

/// Stores the generated plan of the municipality `code`, with its closed round of `year` when
/// given; returns the plan's id.
pub async fn plan_of(app: &TestApp, code: &str, closed: Option<i32>) -> i64 {
    let t = planmon::territory::tree();
    let m = t.municipality(code).expect("municipality");
    let district = t.district(&m.district).expect("district");
    let plan =
        planmon::generate::municipal_plan(&planmon::generate::Spec::default(), m, &district.name);
    let id = app.create_plan(&plan).await;
    if let Some(year) = closed {
        planmon::snapshot::store::save_sample_snapshot(
            &app.db,
            &planmon::snapshot::sample::sample_round(id, 1, &plan, year),
        )
        .await
        .expect("round");
    }
    id
}

// Reporting rounds and submission links.

/// Opens the 2024 round of the sample plan through the form, as the plan's coordinator;
/// returns (plan id, round id).
pub async fn open_round_by_form(app: &TestApp) -> (i64, i64) {
    let plan_id = app.create_plan(&sample_plan()).await;
    let coordinator = app
        .staff_of_plan(plan_id, planmon::account::Role::Coordinator)
        .await;
    let r = post(
        app,
        &format!("/plans/{plan_id}/rounds"),
        &coordinator,
        &[("year", "2024"), ("deadline", "2025-03-31")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round_id = r
        .location()
        .strip_prefix("/rounds/")
        .and_then(|s| s.parse().ok())
        .expect("redirect to the round");
    (plan_id, round_id)
}

/// Issues a link for the institution of the round's first update, as the plan's coordinator;
/// returns (its path, update).
pub async fn issue_link(app: &TestApp, round_id: i64) -> (String, UpdateRow) {
    let u = planmon::monitoring::store::updates(&app.db, round_id, None)
        .await
        .expect("updates")[0]
        .clone();
    let plan_id = planmon::monitoring::store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("the round exists")
        .plan_id;
    let coordinator = app
        .staff_of_plan(plan_id, planmon::account::Role::Coordinator)
        .await;
    let r = post(
        app,
        &format!("/rounds/{round_id}/links"),
        &coordinator,
        &[("institution_id", &u.institution_id.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (link_path(&r.body), u)
}

/// Opens the 2024 round of the sample plan in the store, without the pages; returns (plan id,
/// round id).
pub async fn open_sample_round(app: &TestApp) -> (i64, i64) {
    let plan_id = app.create_plan(&sample_plan()).await;
    let round_id = planmon::monitoring::store::open_round(
        &app.db,
        plan_id,
        2024,
        Some("2025-03-31"),
        planmon::monitoring::store::unaudited,
    )
    .await
    .expect("open round");
    (plan_id, round_id)
}

// The API: tokens, calls and what they leave in the audit log.

/// A plan with a round for 2024 opened in the store; (round id, its municipality, its updates).
pub async fn open_api_round(app: &TestApp) -> (i64, i64, Vec<UpdateRow>) {
    use planmon::monitoring::store;
    let plan_id = app.create_plan(&sample_plan()).await;
    let round_id = store::open_round(&app.db, plan_id, 2024, None, store::unaudited)
        .await
        .expect("open round");
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("the round");
    let updates = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    (round_id, round.municipality_id, updates)
}

/// The API address of an update.
pub fn update_path(round: i64, u: &UpdateRow) -> String {
    format!(
        "/api/v1/rounds/{round}/updates/{}/{}",
        u.measure_key, u.institution_id
    )
}

/// The token a page shows once.
pub fn token_on_page(body: &str) -> String {
    let re = regex::Regex::new(r"<code>([0-9a-f]{64})</code>").expect("regex");
    re.captures(body)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .expect("the token on the page")
}

impl TestApp {
    /// Issues a machine token on `/api/tokens` as `s`; the token shown once.
    pub async fn issue_token(&self, s: &Session, fields: &[(&str, &str)]) -> String {
        let r = self.post_form("/api/tokens", s, fields).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        token_on_page(&r.body)
    }

    /// A coordinator of municipality `m` logged in as `email`, and the machine token named
    /// `name` they issued for the municipality; (the session, the token).
    pub async fn coordinator_token(&self, email: &str, m: i64, name: &str) -> (Session, String) {
        use planmon::account::{Role, Scope};
        let s = self
            .user_session(email, &[(Role::Coordinator, Scope::Municipality(m))])
            .await;
        let m_text = m.to_string();
        let token = self
            .issue_token(
                &s,
                &[
                    ("name", name),
                    ("role", "coordinator"),
                    ("municipality", &m_text),
                ],
            )
            .await;
        (s, token)
    }

    /// Sends a JSON API request with the token (if any); (status, JSON answer or null).
    pub async fn call(
        &self,
        method: axum::http::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let r = self.request(b.body(body).expect("request")).await;
        let v = serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null);
        (r.status, v)
    }

    /// Saves the update at `path` (see [`update_path`]) as completed through the API with the
    /// token; (status, JSON answer).
    pub async fn complete_update(
        &self,
        path: &str,
        token: &str,
    ) -> (StatusCode, serde_json::Value) {
        let body = serde_json::json!({"status": "completed", "narrative": "Изпълнена."});
        self.call(axum::http::Method::PUT, path, Some(token), Some(body))
            .await
    }

    /// POSTs `bytes` as `application/octet-stream` to `uri` with the token (if any); (status,
    /// JSON answer or null).
    pub async fn post_bytes(
        &self,
        uri: &str,
        token: Option<&str>,
        bytes: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = Request::builder()
            .method(axum::http::Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/octet-stream");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let r = self
            .request(b.body(Body::from(bytes)).expect("request"))
            .await;
        assert!(r.content_type.starts_with("application/json"), "{}", r.body);
        let v = serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null);
        (r.status, v)
    }

    /// The id of the API token issued last.
    pub async fn last_token_id(&self) -> i64 {
        sqlx::query_scalar("SELECT MAX(id) FROM api_tokens")
            .fetch_one(&self.db.pool)
            .await
            .expect("a token")
    }

    /// (action, actor) of the audit events about records of `entity_type`, in order.
    pub async fn audit_of(&self, entity_type: &str) -> Vec<(String, String)> {
        sqlx::query_as(
            "SELECT action, actor_label FROM audit_events WHERE entity_type = $1 ORDER BY id",
        )
        .bind(entity_type)
        .fetch_all(&self.db.pool)
        .await
        .expect("events")
    }
}

// Shared by several test files: uploads, forms, fixtures, accessibility basics, the CLI.

pub const BOUNDARY: &str = "planmon-test-boundary";

/// A multipart upload of one file (and the optional municipality field).
pub fn upload_request(
    file_name: &str,
    bytes: &[u8],
    municipality: &str,
    auth: bool,
) -> Request<Body> {
    let mut body = Vec::new();
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(
        format!(
            "\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"municipality\"\r\n\r\n{municipality}\r\n--{BOUNDARY}--\r\n"
        )
        .as_bytes(),
    );
    let mut req = Request::post("/admin/import").header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if auth {
        req = req.header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"));
    }
    req.body(Body::from(body)).expect("request")
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn post_form(path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::from(form_body(fields)))
        .expect("request")
}

pub fn get_admin(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::empty())
        .expect("request")
}

pub async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

/// Uploads a file and returns the review page's path.
pub async fn upload(app: &TestApp, file_name: &str, bytes: &[u8]) -> String {
    let r = app
        .request(upload_request(file_name, bytes, "", true))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().starts_with("/admin/import/"),
        "{}",
        r.location()
    );
    r.location().to_string()
}

pub const SEEDS: [&str; 2] = ["plovdiv-2022-2024", "kazanlak-2021-2023"];

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn seed_text(seed: &str) -> Vec<u8> {
    let path = format!("{}/demo/{seed}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Checks the WCAG basics a page must meet: language, one h1, labelled fields, tables with
/// captions and header cells, a skip link to the main landmark.
pub fn assert_accessible_basics(html: &str) {
    assert!(
        html.contains("<html lang=\"bg\">"),
        "page language is declared"
    );
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1");
    assert!(html.contains("<main id=\"main\""), "main landmark");
    assert!(html.contains("href=\"#main\""), "skip link");
    for part in html
        .split("<input")
        .skip(1)
        .chain(html.split("<select").skip(1))
    {
        // Only the tag itself: a field without an id must not borrow the next element's id.
        let tag = part.split('>').next().unwrap_or_default();
        if let Some(id) = tag.split(" id=\"").nth(1).and_then(|s| s.split('"').next()) {
            assert!(
                html.contains(&format!("<label for=\"{id}\"")),
                "field {id} has a label"
            );
        }
    }
    for table in html.split("<table").skip(1) {
        let table = table.split("</table>").next().unwrap_or_default();
        assert!(table.contains("<caption"), "table has a caption");
        assert!(
            table.contains("<th scope=\"col\""),
            "table has column headers"
        );
    }
}

pub async fn planmon(app: &TestApp, args: &[&str]) -> anyhow::Result<()> {
    let data_dir = app.state.config.data_dir.display().to_string();
    let mut argv = vec![
        "planmon",
        "--database-url",
        app.database_url.as_str(),
        "--data-dir",
        data_dir.as_str(),
    ];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv)?;
    let config = load_config(&cli)?;
    run(cli, config).await
}
