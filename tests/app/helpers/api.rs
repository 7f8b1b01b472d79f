//! The API: tokens, calls and what they leave in the audit log.

use super::*;

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
