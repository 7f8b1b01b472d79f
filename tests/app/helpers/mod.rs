//! `TestApp`: the real router on a fresh database — a temporary SQLite file, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` is set — with request helpers, by subject:
//! requests as our pages send them (`requests`), reporting rounds and links (`rounds`), the API
//! (`api`), uploads, forms, fixtures, accessibility basics and the CLI (`shared`).

mod api;
mod postgres;
mod requests;
mod rounds;
mod shared;

pub use api::*;
pub use requests::*;
pub use rounds::*;
pub use shared::*;

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
                let (url, name) = postgres::create(&admin, restore.is_some()).await;
                (url, Some((admin, name)))
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
        postgres::drop_database(admin, name);
    }
}

/// The password of accounts made by `user_session`.
pub const TEST_PASSWORD: &str = "тестова парола за вход";

/// A small plan written for tests: two priorities, a per-unit amount, a EUR amount, an
/// institution spelled two ways, a funding source under two names.
pub fn sample_plan() -> Plan {
    parse_plan_json(include_str!("../../fixtures/plans/sample.plan.json")).expect("sample plan")
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
