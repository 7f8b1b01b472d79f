//! E-mail on both databases: each event of the cycle queues the right message to the right
//! staff accounts in its own transaction (aggregates only), the sender retries a failed message
//! after its backoff and never sends one twice, and administrators read the queue on
//! `/admin/outbox`.

use crate::helpers::{
    ADMIN_TOKEN, Session, TEST_PASSWORD, TestApp, get, issue_link, open_round_by_form, post,
    redact, sample_plan,
};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::mail::send::{SendError, Transport, deliver_due};
use planmon::monitoring::store;
use std::sync::Mutex;
use time::OffsetDateTime;

/// A queued message as the tests read it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    recipient: String,
    kind: String,
    subject: String,
    body: String,
    link_path: String,
    state: String,
}

async fn queued(app: &TestApp) -> Vec<Row> {
    sqlx::query_as(
        "SELECT recipient, kind, subject, body, link_path, state FROM mail_queue \
         ORDER BY recipient, id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("mail_queue")
}

async fn municipality_of(app: &TestApp, plan_id: i64) -> i64 {
    sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("municipality")
}

/// The staff of a round's municipality: a reporter of each of two institutions, a reviewer, a
/// coordinator, and a reviewer of another municipality who must never be written to.
struct Staff {
    reviewer: Session,
    /// (institution id, its reporter's address)
    reporters: Vec<(i64, String)>,
}

async fn staff(app: &TestApp, plan_id: i64, round_id: i64) -> Staff {
    let m = municipality_of(app, plan_id).await;
    // The institution of the first update (the one `issue_link` picks) first.
    let mut institutions: Vec<i64> = Vec::new();
    for u in store::updates(&app.db, round_id, None)
        .await
        .expect("updates")
    {
        if !institutions.contains(&u.institution_id) {
            institutions.push(u.institution_id);
        }
    }
    assert!(
        institutions.len() >= 2,
        "the sample plan has two institutions"
    );
    let mut reporters = Vec::new();
    for (n, i) in institutions.iter().take(2).enumerate() {
        let email = format!("reporter{n}@test.example");
        let scope = Scope::Institution {
            municipality: m,
            institution: *i,
        };
        app.create_user(&email, TEST_PASSWORD, &[(Role::Reporter, scope)])
            .await;
        reporters.push((*i, email));
    }
    app.staff_of_plan(plan_id, Role::Coordinator).await;
    let mut elsewhere = sample_plan();
    elsewhere.municipality = "Другаде".into();
    app.create_plan(&elsewhere).await;
    let other = app.municipality_id("Другаде").await;
    app.create_user(
        "elsewhere@test.example",
        TEST_PASSWORD,
        &[(Role::Reviewer, Scope::Municipality(other))],
    )
    .await;
    let reviewer = app.staff_of_plan(plan_id, Role::Reviewer).await;
    Staff {
        reviewer,
        reporters,
    }
}

/// Only staff addresses and no address inside any text: aggregates only.
fn only_staff_addresses(rows: &[Row]) {
    for r in rows {
        assert!(r.recipient.ends_with("@test.example"), "{r:?}");
        assert!(!r.body.contains('@') && !r.subject.contains('@'), "{r:?}");
        assert_ne!(r.recipient, "elsewhere@test.example", "{r:?}");
    }
}

#[tokio::test]
async fn a_submitted_update_tells_the_reviewers_and_a_returned_one_its_institutions_reporters() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let staff = staff(&app, plan_id, round_id).await;
    let (link, u) = issue_link(&app, round_id).await;
    assert!(
        queued(&app).await.is_empty(),
        "issuing a link writes to nobody"
    );

    let path = format!("{link}/updates/{}", u.id);
    let submit = [("status", "partial"), ("action", "submit")];
    let r = post(&app, &path, None, &submit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rows = queued(&app).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].recipient, "reviewer@test.example");
    assert_eq!(rows[0].kind, "updates_waiting");
    assert!(
        rows[0].body.contains("1 отчет по плана"),
        "{}",
        rows[0].body
    );
    assert_eq!(rows[0].link_path, format!("/rounds/{round_id}"));

    let review = format!("/rounds/{round_id}/updates/{}/review", u.id);
    let reason = "Липсва броят на децата.";
    let back = post(
        &app,
        &review,
        &staff.reviewer,
        &[("action", "return"), ("reason", reason)],
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    let rows = queued(&app).await;
    let returned: Vec<&Row> = rows
        .iter()
        .filter(|r| r.kind == "update_returned")
        .collect();
    let own = staff
        .reporters
        .iter()
        .find(|(i, _)| *i == u.institution_id)
        .map(|(_, e)| e.clone())
        .expect("a reporter of the update's institution");
    assert_eq!(returned.len(), 1, "{rows:#?}");
    assert_eq!(
        returned[0].recipient, own,
        "only its institution's reporter"
    );
    assert!(returned[0].body.contains(reason), "{}", returned[0].body);
    assert!(returned[0].body.contains(&u.institution));
    assert!(!returned[0].body.contains(&u.measure_key) || u.measure_key.contains('.'));
    assert_eq!(
        returned[0].link_path,
        format!("/rounds/{round_id}/institutions/{}", u.institution_id)
    );

    // Submitted again: the reviewers' message still waiting is rewritten, not doubled.
    let r = post(&app, &path, None, &submit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rows = queued(&app).await;
    let waiting = rows.iter().filter(|r| r.kind == "updates_waiting").count();
    assert_eq!(waiting, 1, "{rows:#?}");
    only_staff_addresses(&rows);
}

#[tokio::test]
async fn a_reminder_writes_to_the_reporters_of_each_institution_that_owes_reports() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let staff = staff(&app, plan_id, round_id).await;
    let r = post(
        &app,
        &format!("/rounds/{round_id}/reminders"),
        Some(ADMIN_TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = queued(&app).await;
    assert_eq!(rows.len(), staff.reporters.len(), "{rows:#?}");
    for ((institution, email), row) in staff.reporters.iter().zip(&rows) {
        assert_eq!(&row.recipient, email);
        assert_eq!(row.kind, "reminder");
        assert!(row.body.contains("Срокът е 31.03.2025 г."), "{}", row.body);
        assert!(row.body.contains("още не е подала"), "{}", row.body);
        assert_eq!(
            row.link_path,
            format!("/rounds/{round_id}/institutions/{institution}")
        );
        assert!(
            !row.body.contains("/s/"),
            "no submission link in a stored message"
        );
    }
    only_staff_addresses(&rows);
}

#[tokio::test]
async fn a_submitted_report_tells_the_reviewers_and_a_published_one_the_whole_municipality() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let staff = staff(&app, plan_id, round_id).await;
    let round = store::get_round(&app.db, round_id)
        .await
        .expect("round")
        .expect("exists");
    planmon::monitoring::freeze::close(&app.db, &round, store::unaudited)
        .await
        .expect("close");
    let actor = planmon::audit::Actor::cli();
    let rid = planmon::report::store::create(&app.db, plan_id, 2024, &actor)
        .await
        .expect("report");
    let row = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            planmon::report::store::get(&db, rid)
                .await
                .expect("get")
                .expect("exists")
        }
    };
    planmon::report::store::submit(&app.db, &row(&app).await, &actor)
        .await
        .expect("submit");
    let rows = queued(&app).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].recipient, "reviewer@test.example");
    assert_eq!(rows[0].kind, "report_waiting");
    assert_eq!(rows[0].link_path, format!("/plans/{plan_id}/reports"));

    // Adoption renders the documents; the test moves the state as the adoption would.
    sqlx::query("UPDATE annual_reports SET state = 'adopted' WHERE id = $1")
        .bind(rid)
        .execute(&app.db.pool)
        .await
        .expect("adopted");
    planmon::report::store::publish(&app.db, &row(&app).await, &actor)
        .await
        .expect("publish");
    let published: Vec<String> = queued(&app)
        .await
        .into_iter()
        .filter(|r| r.kind == "report_published")
        .map(|r| r.recipient)
        .collect();
    let mut expected = vec![
        "coordinator@test.example".to_string(),
        "reviewer@test.example".to_string(),
    ];
    expected.extend(staff.reporters.iter().map(|(_, e)| e.clone()));
    expected.sort();
    assert_eq!(published, expected);
    only_staff_addresses(&queued(&app).await);
}

/// A stand-in mail server: refuses the first `failures` messages, records the rest.
struct Fake {
    failures: Mutex<usize>,
    sent: Mutex<Vec<(String, String, String)>>,
}

impl Fake {
    fn failing(failures: usize) -> Fake {
        Fake {
            failures: Mutex::new(failures),
            sent: Mutex::new(Vec::new()),
        }
    }

    fn sent(&self) -> Vec<(String, String, String)> {
        self.sent.lock().expect("lock").clone()
    }
}

impl Transport for Fake {
    async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError> {
        {
            let mut left = self.failures.lock().expect("lock");
            if *left > 0 {
                *left -= 1;
                return Err(SendError {
                    permanent: false,
                    message: "421 try again later".into(),
                });
            }
        }
        self.sent
            .lock()
            .expect("lock")
            .push((to.into(), subject.into(), text.into()));
        Ok(())
    }
}

/// A round whose one submitted update queued one message to the reviewer.
async fn one_queued_message(app: &TestApp) {
    let (plan_id, round_id) = open_round_by_form(app).await;
    staff(app, plan_id, round_id).await;
    let (link, u) = issue_link(app, round_id).await;
    let submit = [("status", "partial"), ("action", "submit")];
    post(app, &format!("{link}/updates/{}", u.id), None, &submit).await;
    assert_eq!(queued(app).await.len(), 1);
}

#[tokio::test]
async fn a_failed_send_is_retried_after_its_backoff_and_a_sent_message_is_not_sent_again() {
    let app = TestApp::spawn().await;
    one_queued_message(&app).await;
    let server = Fake::failing(1);
    let url = Some("https://planmon.example");
    let now = OffsetDateTime::now_utc() + time::Duration::seconds(5);

    let first = deliver_due(&app.db, &server, url, now)
        .await
        .expect("first");
    assert_eq!((first.sent, first.failed), (0, 1));
    let (state, attempts, error): (String, i64, Option<String>) =
        sqlx::query_as("SELECT state, attempts, last_error FROM mail_queue")
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    assert_eq!(error.as_deref(), Some("421 try again later"));

    let early = deliver_due(&app.db, &server, url, now + time::Duration::seconds(30))
        .await
        .expect("early");
    assert_eq!((early.sent, early.failed), (0, 0), "not before its backoff");

    let later = now + time::Duration::minutes(2);
    let second = deliver_due(&app.db, &server, url, later)
        .await
        .expect("second");
    assert_eq!((second.sent, second.failed), (1, 0));
    let sent = server.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "reviewer@test.example");
    assert!(
        sent[0].2.contains("https://planmon.example/rounds/"),
        "the link after the public address: {}",
        sent[0].2
    );

    let again = deliver_due(&app.db, &server, url, later + time::Duration::days(1))
        .await
        .expect("again");
    assert_eq!((again.sent, again.failed), (0, 0));
    assert_eq!(server.sent().len(), 1, "a sent message is never sent again");
    assert_eq!(queued(&app).await[0].state, "sent");
}

#[tokio::test]
async fn two_senders_at_once_send_each_message_once() {
    let app = TestApp::spawn().await;
    one_queued_message(&app).await;
    let server = Fake::failing(0);
    let now = OffsetDateTime::now_utc() + time::Duration::seconds(5);
    let (a, b) = tokio::join!(
        deliver_due(&app.db, &server, None, now),
        deliver_due(&app.db, &server, None, now)
    );
    let sent = a.expect("a").sent + b.expect("b").sent;
    assert_eq!(sent, 1);
    assert_eq!(server.sent().len(), 1);
}

#[tokio::test]
async fn a_message_refused_for_good_is_not_tried_again() {
    let app = TestApp::spawn().await;
    one_queued_message(&app).await;
    struct Refusing;
    impl Transport for Refusing {
        async fn send(&self, _: &str, _: &str, _: &str) -> Result<(), SendError> {
            Err(SendError {
                permanent: true,
                message: "550 no such user".into(),
            })
        }
    }
    let now = OffsetDateTime::now_utc() + time::Duration::seconds(5);
    let d = deliver_due(&app.db, &Refusing, None, now)
        .await
        .expect("pass");
    assert_eq!(d.failed, 1);
    assert_eq!(queued(&app).await[0].state, "failed");
    let d = deliver_due(&app.db, &Refusing, None, now + time::Duration::days(1))
        .await
        .expect("pass");
    assert_eq!(d.failed, 0);
}

#[tokio::test]
async fn administrators_read_the_outbox_and_nobody_else_does() {
    let app = TestApp::spawn().await;
    one_queued_message(&app).await;
    let admin = app.admin_session().await;
    let page = app.get_as("/admin/outbox", &admin).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("reviewer@test.example"));
    assert!(page.body.contains("http://planmon.test/rounds/"));
    let times = regex::Regex::new(r"\d\d\.\d\d\.\d{4} \d\d:\d\d").expect("regex");
    insta::assert_snapshot!(
        "outbox_page",
        times.replace_all(&redact(&page.body), "[time]")
    );
    let en = app
        .request(
            axum::http::Request::get("/admin/outbox")
                .header(
                    axum::http::header::COOKIE,
                    format!("{}; lang=en", admin.cookie),
                )
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(en.body.contains("Outbox") && en.body.contains("waiting to be sent"));

    let reviewer = app.login("reviewer@test.example", TEST_PASSWORD).await;
    let refused = app.get_as("/admin/outbox", &reviewer).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let coordinator = app.login("coordinator@test.example", TEST_PASSWORD).await;
    let refused = app.get_as("/admin/outbox", &coordinator).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let anonymous = get(&app, "/admin/outbox", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(
        anonymous.location().starts_with("/login"),
        "{}",
        anonymous.location()
    );
}

/// A mail server on this machine that accepts one message and returns what it received.
async fn one_message_server() -> (u16, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let port = listener.local_addr().expect("address").port();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut received = String::new();
        write.write_all(b"220 test ESMTP\r\n").await.expect("greet");
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.expect("queued");
                } else {
                    received.push_str(&line);
                    received.push('\n');
                }
                continue;
            }
            let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 test\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    break;
                }
                _ => {
                    received.push_str(&line);
                    received.push('\n');
                    b"250 ok\r\n"
                }
            };
            write.write_all(answer).await.expect("answer");
        }
        received
    });
    (port, server)
}

#[tokio::test]
async fn the_smtp_sender_hands_the_message_to_the_configured_server() {
    let app = TestApp::spawn().await;
    one_queued_message(&app).await;
    let (port, server) = one_message_server().await;
    let config = planmon::config::SmtpConfig {
        host: Some("127.0.0.1".into()),
        port: Some(port),
        tls: planmon::config::SmtpTls::None,
        from: Some("planmon <planmon@obshtina.example>".into()),
        ..Default::default()
    };
    let smtp = planmon::mail::send::Smtp::from_config(&config, Some("https://planmon.example"))
        .expect("transport")
        .expect("configured");
    let now = OffsetDateTime::now_utc() + time::Duration::seconds(5);
    let d = deliver_due(&app.db, &smtp, Some("https://planmon.example"), now)
        .await
        .expect("pass");
    assert_eq!((d.sent, d.failed), (1, 0));
    let received = server.await.expect("server");
    assert!(
        received.contains("RCPT TO:<reviewer@test.example>"),
        "{received}"
    );
    assert!(
        received.contains("MAIL FROM:<planmon@obshtina.example>"),
        "{received}"
    );
    assert!(
        received.contains("Content-Type: text/plain; charset=utf-8"),
        "{received}"
    );
    assert_eq!(queued(&app).await[0].state, "sent");
}
