//! The annual report's workflow on the web, on both databases: the coordinator writes the
//! narrative, the monitoring body approves, the council's adoption is recorded with its
//! decision, the report is published with its adoption shown; an adopted version never
//! changes and a correction is a new version.

use crate::helpers::planmon;
use crate::helpers::{Session, TestApp, TestResponse, redact, sample_plan};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use planmon::account::{Role, Scope};
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::save_snapshot;

struct Fixture {
    app: TestApp,
    plan_id: i64,
    municipality_id: i64,
    coordinator: Session,
    reviewer: Session,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let plan_id = app.create_plan(&plan).await;
    save_snapshot(&app.db.pool, &sample_round(plan_id, 1, &plan, 2024))
        .await
        .expect("closed round");
    let municipality_id: i64 =
        sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_one(&app.db.pool)
            .await
            .expect("municipality");
    let coordinator = app
        .user_session(
            "coordinator@test.example",
            &[(Role::Coordinator, Scope::Municipality(municipality_id))],
        )
        .await;
    let reviewer = app
        .user_session(
            "reviewer@test.example",
            &[(Role::Reviewer, Scope::Municipality(municipality_id))],
        )
        .await;
    Fixture {
        app,
        plan_id,
        municipality_id,
        coordinator,
        reviewer,
    }
}

/// A multipart POST with the browser's cookies; the CSRF token goes in the URL as the page's
/// form does it.
async fn post_multipart(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> TestResponse {
    let (content_type, body) = crate::helpers::multipart(fields, file);
    app.request(
        Request::post(format!("{path}?csrf_token={}", s.csrf))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

/// [`redact`] and what changes with the renderer: report ids, checksums, file sizes.
fn redact_report(html: &str) -> String {
    let mut out = redact(html);
    for (pattern, with) in [
        (r"/reports/\d+", "/reports/[id]"),
        ("[0-9a-f]{64}", "[sha256]"),
        (r"\d+(,\d)? (KB|MB)", "[size]"),
    ] {
        let re = regex::Regex::new(pattern).expect("regex");
        out = re.replace_all(&out, with).into_owned();
    }
    out
}

fn see_other(r: &TestResponse, what: &str) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}: {}", r.body);
}

/// Form fields: (name, value).
type Fields<'a> = &'a [(&'a str, &'a str)];
/// A file to upload: (name, bytes).
type Upload<'a> = (&'a str, &'a [u8]);

const DECISION_PDF: &[u8] = b"%PDF-1.4\n% the council decision\n";

impl Fixture {
    /// Starts the report for 2024; its id.
    async fn start(&self) -> i64 {
        let r = self
            .app
            .post_form(
                &format!("/plans/{}/reports", self.plan_id),
                &self.coordinator,
                &[("year", "2024")],
            )
            .await;
        see_other(&r, "start");
        r.location()
            .strip_prefix("/reports/")
            .and_then(|id| id.parse().ok())
            .expect("the new report's page")
    }

    async fn post(
        &self,
        rid: i64,
        action: &str,
        s: &Session,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        self.app
            .post_form(&format!("/reports/{rid}/{action}"), s, fields)
            .await
    }

    async fn state(&self, rid: i64) -> String {
        sqlx::query_scalar("SELECT state FROM annual_reports WHERE id = $1")
            .bind(rid)
            .fetch_one(&self.app.db.pool)
            .await
            .expect("state")
    }

    /// Takes a started report through submission and approval.
    async fn approve(&self, rid: i64) {
        see_other(
            &self.post(rid, "submit", &self.coordinator, &[]).await,
            "submit",
        );
        see_other(
            &self
                .post(
                    rid,
                    "approve",
                    &self.reviewer,
                    &[("note", "Одобрен на заседание.")],
                )
                .await,
            "approve",
        );
    }

    async fn adopt(&self, rid: i64, number: &str) {
        let r = post_multipart(
            &self.app,
            &format!("/reports/{rid}/adopt"),
            &self.coordinator,
            &[
                ("decision_number", number),
                ("protocol_number", "7"),
                ("date", "2025-03-27"),
                // Approved today in the test, adopted by a decision of an earlier date.
                ("date_confirmed", "yes"),
                ("confirm", "yes"),
            ],
            Some(("решение.pdf", DECISION_PDF)),
        )
        .await;
        see_other(&r, "adopt");
    }

    /// Starts, writes, approves, adopts and publishes the report for 2024.
    async fn published(&self) -> i64 {
        let rid = self.start().await;
        see_other(
            &self
                .post(
                    rid,
                    "narrative",
                    &self.coordinator,
                    &[("introduction", "Въведение от координатора.")],
                )
                .await,
            "narrative",
        );
        self.approve(rid).await;
        self.adopt(rid, "123").await;
        see_other(
            &self
                .post(rid, "publish", &self.coordinator, &[("confirm", "yes")])
                .await,
            "publish",
        );
        rid
    }

    /// Replaces the closed round of 2024 with one whose plan has another title.
    async fn change_round(&self, title: &str) {
        let mut plan = sample_plan();
        plan.title = title.into();
        save_snapshot(
            &self.app.db.pool,
            &sample_round(self.plan_id, 1, &plan, 2024),
        )
        .await
        .expect("replace round");
    }
}

#[tokio::test]
async fn a_report_goes_from_draft_to_published_with_its_adoption_shown() {
    let fx = fixture().await;
    let rid = fx.start().await;
    let page = fx
        .app
        .get_as(&format!("/reports/{rid}"), &fx.coordinator)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<textarea id=\"introduction\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("<textarea id=\"priority_0\""));

    let saved = fx
        .post(
            rid,
            "narrative",
            &fx.coordinator,
            &[
                ("introduction", "Въведение от координатора."),
                ("priority_0", "Обобщение за първата област."),
                ("recommendations", "Първа препоръка.\n\nВтора препоръка."),
            ],
        )
        .await;
    see_other(&saved, "narrative");
    let draft = fx
        .app
        .get_as(&format!("/reports/{rid}/download/html"), &fx.coordinator)
        .await;
    assert_eq!(draft.status, StatusCode::OK);
    for text in [
        "Въведение от координатора.",
        "Обобщение за първата област.",
        "<li>Първа препоръка.</li>",
        "<li>Втора препоръка.</li>",
        ">Проект<",
    ] {
        assert!(draft.body.contains(text), "{text}");
    }
    // Nothing is public before publishing.
    let year_page = format!("/plans/{}/reports/2024", fx.plan_id);
    assert_eq!(fx.app.get(&year_page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        fx.app
            .get(&format!("/reports/{rid}/download/html"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    fx.approve(rid).await;
    assert_eq!(fx.state(rid).await, "approved");
    fx.adopt(rid, "123").await;
    assert_eq!(fx.state(rid).await, "adopted");
    assert_eq!(fx.app.get(&year_page).await.status, StatusCode::NOT_FOUND);
    see_other(
        &fx.post(rid, "publish", &fx.coordinator, &[("confirm", "yes")])
            .await,
        "publish",
    );
    assert_eq!(fx.state(rid).await, "published");

    let public = fx.app.get(&year_page).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public
            .body
            .contains("Решение № 123 по Протокол № 7 от 27.03.2025 г. на Общински съвет"),
        "{}",
        public.body
    );
    let html = fx.app.get(&format!("/reports/{rid}/download/html")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body
            .contains("Приет с Решение № 123 по Протокол № 7 от 27.03.2025 г.")
    );
    assert!(html.body.contains("Въведение от координатора."));
    // Its own styles apply (by hash), nothing inline beyond them, no script at all.
    let csp = html
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let style = html
        .body
        .split("<style>")
        .nth(1)
        .and_then(|rest| rest.split("</style>").next())
        .expect("the report has its stylesheet");
    assert_eq!(csp, planmon::web::download::document_csp(&html.body));
    assert!(
        csp.contains(&format!(
            "style-src 'sha256-{}'",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                <sha2::Sha256 as sha2::Digest>::digest(style.as_bytes())
            )
        )),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline") && csp.contains("default-src 'none'"));
    let decision = fx
        .app
        .get(&format!("/reports/{rid}/download/decision"))
        .await;
    assert_eq!(decision.bytes, DECISION_PDF);
    let saved_as = decision
        .headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        saved_as.contains("filename*=UTF-8''%D1%80%D0%B5%D1%88%D0%B5%D0%BD%D0%B8%D0%B5.pdf"),
        "the decision keeps its Cyrillic name: {saved_as}"
    );
    let list = fx.app.get(&format!("/plans/{}/reports", fx.plan_id)).await;
    assert!(
        list.body.contains(&year_page),
        "the list links the year's page"
    );
    let progress = fx
        .app
        .get(&format!("/plans/{}/progress?year=2024", fx.plan_id))
        .await;
    assert!(
        progress.body.contains(&year_page),
        "the dashboard links the adopted report"
    );
    let slug: String = sqlx::query_scalar(
        "SELECT mu.slug FROM municipalities mu JOIN plans p ON p.municipality_id = mu.id \
         WHERE p.id = $1",
    )
    .bind(fx.plan_id)
    .fetch_one(&fx.app.db.pool)
    .await
    .expect("slug");
    let municipality = fx
        .app
        .get(&format!("/municipalities/{slug}/progress"))
        .await;
    assert!(
        municipality.body.contains(&year_page),
        "the municipality's page lists its published reports"
    );

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE entity_type = 'annual_report' ORDER BY id",
    )
    .fetch_all(&fx.app.db.pool)
    .await
    .expect("audit");
    assert_eq!(
        actions,
        [
            "report.create",
            "report.narrative",
            "report.submit",
            "report.approve",
            "report.adopt",
            "report.publish"
        ]
    );
    insta::assert_snapshot!("report_public_page", redact_report(&public.body));
}

#[tokio::test]
async fn the_draft_workspace_shows_the_generated_text_beside_each_field() {
    let fx = fixture().await;
    let rid = fx.start().await;
    let page = fx
        .app
        .get_as(&format!("/reports/{rid}"), &fx.coordinator)
        .await;
    assert!(
        page.body
            .contains("<details id=\"introduction-generated\">")
    );
    assert!(page.body.contains("<html lang=\"bg\">"));
    insta::assert_snapshot!("report_workspace_draft", redact_report(&page.body));
}

#[tokio::test]
async fn an_adopted_report_never_changes_and_is_served_as_adopted() {
    let fx = fixture().await;
    let rid = fx.published().await;
    let files: Vec<(String, String)> = sqlx::query_as(
        "SELECT format, sha256 FROM annual_report_files WHERE report_id = $1 ORDER BY format",
    )
    .bind(rid)
    .fetch_all(&fx.app.db.pool)
    .await
    .expect("files");
    assert_eq!(
        files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["docx", "html", "pdf"]
    );
    let before = fx
        .app
        .get(&format!("/reports/{rid}/download/docx"))
        .await
        .bytes;
    assert_eq!(
        planmon::files::sha256_hex(&before),
        files[0].1,
        "the DOCX served is the one kept at adoption"
    );
    fx.change_round("Съвсем друг план").await;
    let after = fx.app.get(&format!("/reports/{rid}/download/html")).await;
    assert!(
        !after.body.contains("Съвсем друг план"),
        "the adopted text stays"
    );
    assert_eq!(
        fx.app
            .get(&format!("/reports/{rid}/download/docx"))
            .await
            .bytes,
        before
    );

    let edit = fx
        .post(
            rid,
            "narrative",
            &fx.coordinator,
            &[("introduction", "Нов текст.")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT);
    assert!(
        edit.body
            .contains("приет от Общинския съвет и не се променя"),
        "{}",
        edit.body
    );

    // The database itself refuses.
    for sql in [
        "UPDATE annual_reports SET narrative = '{}' WHERE id = $1",
        "UPDATE annual_reports SET decision_number = '999' WHERE id = $1",
        "UPDATE annual_reports SET state = 'draft' WHERE id = $1",
        "DELETE FROM annual_reports WHERE id = $1",
        "UPDATE annual_report_files SET sha256 = 'x' WHERE report_id = $1",
        "DELETE FROM annual_report_files WHERE report_id = $1",
    ] {
        let r = sqlx::query(sql).bind(rid).execute(&fx.app.db.pool).await;
        assert!(r.is_err(), "the database allowed: {sql}");
    }
    assert_eq!(fx.state(rid).await, "published");
}

#[tokio::test]
async fn approval_freezes_what_the_monitoring_body_saw() {
    let fx = fixture().await;
    let rid = fx.start().await;
    fx.change_round("План след повторно приключване").await;
    let draft = fx
        .app
        .get_as(&format!("/reports/{rid}/download/html"), &fx.coordinator)
        .await;
    assert!(
        draft.body.contains("План след повторно приключване"),
        "a draft follows the round"
    );
    fx.approve(rid).await;
    fx.change_round("План след одобрението").await;
    let approved = fx
        .app
        .get_as(&format!("/reports/{rid}/download/html"), &fx.coordinator)
        .await;
    assert!(approved.body.contains("План след повторно приключване"));
    assert!(!approved.body.contains("План след одобрението"));
    assert!(approved.body.contains("Одобрен от наблюдателния орган"));
}

#[tokio::test]
async fn a_correction_is_a_new_version_that_replaces_the_published_one_once_published() {
    let fx = fixture().await;
    let v1 = fx.published().await;
    let r = fx
        .post(v1, "correct", &fx.coordinator, &[("reason", "")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a correction says what it corrects"
    );
    let r = fx
        .post(
            v1,
            "correct",
            &fx.coordinator,
            &[("reason", "Поправена техническа грешка в таблица 2.")],
        )
        .await;
    see_other(&r, "correct");
    let v2: i64 = r
        .location()
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the new version");
    assert_ne!(v1, v2);
    assert_eq!(fx.state(v2).await, "draft");
    let narrative: String =
        sqlx::query_scalar("SELECT narrative FROM annual_reports WHERE id = $1")
            .bind(v2)
            .fetch_one(&fx.app.db.pool)
            .await
            .expect("narrative");
    assert!(
        narrative.contains("Въведение от координатора."),
        "the text is carried over"
    );

    let year_page = format!("/plans/{}/reports/2024", fx.plan_id);
    let public = fx.app.get(&year_page).await;
    assert!(
        public.body.contains("Решение № 123"),
        "v1 stays public meanwhile"
    );

    let again = fx
        .post(v1, "correct", &fx.coordinator, &[("reason", "Още една.")])
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "only the newest version is corrected"
    );

    fx.approve(v2).await;
    fx.adopt(v2, "145").await;
    see_other(
        &fx.post(v2, "publish", &fx.coordinator, &[("confirm", "yes")])
            .await,
        "publish v2",
    );
    let public = fx.app.get(&year_page).await;
    assert!(public.body.contains("Решение № 145"), "{}", public.body);
    assert!(
        public
            .body
            .contains("Поправена техническа грешка в таблица 2.")
    );
    assert!(public.body.contains("заменена от по-нова версия"));
    assert!(public.body.contains(&format!("/reports/{v1}/download/pdf")));
    let html = fx.app.get(&format!("/reports/{v2}/download/html")).await;
    assert!(html.body.contains("Версия 2, поправка на версия 1"));
}

/// A second municipality (with a plan of its own).
async fn other_municipality(app: &TestApp) -> i64 {
    let mut other = sample_plan();
    other.municipality = "Другаде".into();
    app.create_plan(&other).await;
    app.municipality_id("Другаде").await
}

#[tokio::test]
async fn only_the_right_roles_act_on_a_report() {
    let fx = fixture().await;
    let rid = fx.start().await;
    let other_m = other_municipality(&fx.app).await;
    let stranger = fx
        .app
        .user_session(
            "other@test.example",
            &[(Role::Coordinator, Scope::Municipality(other_m))],
        )
        .await;
    let reporter = fx
        .app
        .user_session(
            "reporter@test.example",
            &[(
                Role::Reporter,
                Scope::Institution {
                    municipality: fx.municipality_id,
                    institution: 1,
                },
            )],
        )
        .await;
    let page = format!("/reports/{rid}");
    assert_eq!(
        fx.app.get_as(&page, &stranger).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fx.app.get_as(&page, &reporter).await.status,
        StatusCode::FORBIDDEN
    );
    let anonymous = fx.app.get(&page).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login"));
    assert_eq!(
        fx.app.get_as(&page, &fx.reviewer).await.status,
        StatusCode::OK
    );

    for (who, action) in [
        (&fx.reviewer, "narrative"),
        (&fx.reviewer, "submit"),
        (&stranger, "submit"),
        (&reporter, "submit"),
    ] {
        let r = fx.post(rid, action, who, &[("introduction", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
    }
    let r = fx
        .app
        .post_form(
            &format!("/plans/{}/reports", fx.plan_id),
            &fx.reviewer,
            &[("year", "2024")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the reviewer does not start reports"
    );
    see_other(
        &fx.post(rid, "submit", &fx.coordinator, &[]).await,
        "submit",
    );
    let r = fx.post(rid, "approve", &fx.coordinator, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the coordinator does not approve"
    );
    let r = fx.post(rid, "approve", &stranger, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(fx.state(rid).await, "submitted");
    // Without the form token nothing happens.
    let r = fx
        .app
        .post_raw(
            &format!("/reports/{rid}/approve"),
            &fx.reviewer,
            &[("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(fx.state(rid).await, "submitted");
}

#[tokio::test]
async fn a_bad_adoption_form_is_refused_field_by_field_and_changes_nothing() {
    let fx = fixture().await;
    let rid = fx.start().await;
    fx.approve(rid).await;
    let path = format!("/reports/{rid}/adopt");
    let cases: [(Fields, Option<Upload>, &str); 5] = [
        (
            &[
                ("decision_number", ""),
                ("protocol_number", ""),
                ("date", ""),
            ],
            Some(("решение.pdf", DECISION_PDF)),
            "Въведете номера на решението.",
        ),
        (
            &[
                ("decision_number", "1"),
                ("protocol_number", "2"),
                ("date", "27.03.2025"),
            ],
            Some(("решение.pdf", DECISION_PDF)),
            "„27.03.2025“ не е дата (ГГГГ-ММ-ДД).",
        ),
        (
            &[
                ("decision_number", "1"),
                ("protocol_number", "2"),
                ("date", "2099-01-01"),
            ],
            Some(("решение.pdf", DECISION_PDF)),
            "Датата на решението е в бъдещето.",
        ),
        (
            &[
                ("decision_number", "1"),
                ("protocol_number", "2"),
                ("date", "2025-03-27"),
            ],
            Some(("решение.pdf", b"MZ\x90\x00 not a pdf")),
            "не е на файл от вида „pdf“",
        ),
        (
            &[
                ("decision_number", "1"),
                ("protocol_number", "2"),
                ("date", "2025-03-27"),
            ],
            None,
            "Приложете решението на Общинския съвет като файл или посочете адреса",
        ),
    ];
    for (n, (fields, file, message)) in cases.into_iter().enumerate() {
        let r = post_multipart(&fx.app, &path, &fx.coordinator, fields, file).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}: {}", r.body);
        assert!(r.body.contains("aria-invalid=\"true\""));
        if n == 0 {
            insta::assert_snapshot!("report_adoption_refused", redact_report(&r.body));
        }
    }
    assert_eq!(fx.state(rid).await, "approved");
    let files: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM annual_report_files")
        .fetch_one(&fx.app.db.pool)
        .await
        .expect("count");
    assert_eq!(files, 0);
    // A link to the decision on the council's site is enough.
    let r = post_multipart(
        &fx.app,
        &path,
        &fx.coordinator,
        &[
            ("decision_number", "88"),
            ("protocol_number", "5"),
            ("date", "2025-02-20"),
            ("url", "https://council.example/decisions/88"),
            ("date_confirmed", "yes"),
            ("confirm", "yes"),
        ],
        None,
    )
    .await;
    see_other(&r, "adopt with a link");
    assert_eq!(fx.state(rid).await, "adopted");
}

#[tokio::test]
async fn returning_a_report_needs_a_reason_and_reopens_the_draft() {
    let fx = fixture().await;
    let rid = fx.start().await;
    see_other(
        &fx.post(rid, "submit", &fx.coordinator, &[]).await,
        "submit",
    );
    let r = fx
        .post(rid, "narrative", &fx.coordinator, &[("introduction", "x")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a submitted text is not edited"
    );
    let r = fx
        .post(rid, "return", &fx.reviewer, &[("note", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body
            .contains("Напишете защо докладът се връща за редакция.")
    );
    let r = fx
        .post(
            rid,
            "return",
            &fx.reviewer,
            &[("note", "Допълнете изводите за образованието.")],
        )
        .await;
    see_other(&r, "return");
    assert_eq!(fx.state(rid).await, "draft");
    let page = fx
        .app
        .get_as(&format!("/reports/{rid}"), &fx.coordinator)
        .await;
    assert!(page.body.contains("Допълнете изводите за образованието."));
    see_other(
        &fx.post(
            rid,
            "narrative",
            &fx.coordinator,
            &[("conclusions", "Допълнено.")],
        )
        .await,
        "edit again",
    );
}

#[tokio::test]
async fn a_report_starts_only_from_a_closed_round_and_once_per_year() {
    let fx = fixture().await;
    let path = format!("/plans/{}/reports", fx.plan_id);
    let r = fx
        .app
        .post_form(&path, &fx.coordinator, &[("year", "2030")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("За 2030 г. няма приключен отчетен кръг"),
        "{}",
        r.body
    );
    let r = fx
        .app
        .post_form(&path, &fx.coordinator, &[("year", "две хиляди")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("не е година"));
    fx.start().await;
    let r = fx
        .app
        .post_form(&path, &fx.coordinator, &[("year", "2024")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("вече е започнат"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM annual_reports")
        .fetch_one(&fx.app.db.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_narrative_for_a_priority_the_plan_does_not_have_is_refused() {
    let fx = fixture().await;
    let rid = fx.start().await;
    let r = fx
        .post(
            rid,
            "narrative",
            &fx.coordinator,
            &[("priority_99", "Текст.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("не е приоритетна област на този план"));
    let narrative: String =
        sqlx::query_scalar("SELECT narrative FROM annual_reports WHERE id = $1")
            .bind(rid)
            .fetch_one(&fx.app.db.pool)
            .await
            .expect("narrative");
    assert_eq!(narrative, "{}");
}

#[tokio::test]
async fn the_report_command_writes_the_adopted_version_as_adopted() {
    let fx = fixture().await;
    let rid = fx.published().await;
    let kept = fx
        .app
        .get(&format!("/reports/{rid}/download/pdf"))
        .await
        .bytes;
    fx.change_round("Друг план").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.pdf");
    planmon(
        &fx.app,
        &[
            "report",
            "--plan",
            &fx.plan_id.to_string(),
            "--year",
            "2024",
            "--format",
            "pdf",
            "-o",
            out.to_str().expect("path"),
        ],
    )
    .await
    .expect("report");
    assert_eq!(std::fs::read(&out).expect("file"), kept);
    let wrong = planmon(
        &fx.app,
        &[
            "report",
            "--plan",
            &fx.plan_id.to_string(),
            "--year",
            "2024",
            "--version",
            "9",
            "-o",
            out.to_str().expect("path"),
        ],
    )
    .await;
    assert!(
        wrong
            .expect_err("no version 9")
            .to_string()
            .contains("версия 9")
    );
}

#[tokio::test]
async fn demo_data_starts_a_draft_report_for_each_closed_round_once() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    planmon::demo::load_sample_rounds(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("rounds");
    let started = planmon::demo::load_report_drafts(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("drafts");
    assert_eq!(started, 2);
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM annual_reports ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .expect("states");
    assert_eq!(states, ["draft", "draft"]);
    let again = planmon::demo::load_report_drafts(&app.db, &[plovdiv, kazanlak])
        .await
        .expect("drafts");
    assert_eq!(again, 0, "a second start adds nothing");
}

/// Every table's rows and every stored file of `app`, as a backup archive holds them (the
/// manifest's time and backend left out).
async fn contents(app: &TestApp) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("b.zip");
    planmon::backup::backup(&app.db, &app.state.config.data_dir, &archive)
        .await
        .expect("backup");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).expect("open")).expect("zip");
    let mut all = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        if name == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(&bytes).expect("manifest");
            m["created_at"] = serde_json::Value::Null;
            m["backend"] = serde_json::Value::Null;
            bytes = serde_json::to_vec(&m).expect("json");
        }
        all.insert(name, bytes);
    }
    all
}

/// A spreadsheet generated on request without the time it was generated (docProps/core.xml).
fn generated_zip_parts(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        if name != "docProps/core.xml" {
            out.extend(name.as_bytes());
            entry.read_to_end(&mut out).expect("read");
        }
    }
    out
}

/// What the public sees, scripts read and staff download: (path, status, body).
async fn answers(app: &TestApp, paths: &[String]) -> Vec<(String, u16, Vec<u8>)> {
    let token = regex::Regex::new("[0-9a-f]{64}").expect("regex");
    let mut out = Vec::new();
    for path in paths {
        let r = app.get(path).await;
        let body = token
            .replace_all(&r.body, "[token]")
            .into_owned()
            .into_bytes();
        let body = if r.content_type.starts_with("text/") || r.content_type.contains("json") {
            body
        } else if r.bytes.starts_with(b"PK") && path.starts_with("/data/") {
            generated_zip_parts(&r.bytes)
        } else {
            r.bytes
        };
        out.push((path.clone(), r.status.as_u16(), body));
    }
    out
}

fn same_contents(
    got: &std::collections::BTreeMap<String, Vec<u8>>,
    expected: &std::collections::BTreeMap<String, Vec<u8>>,
    pg: bool,
) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "postgres={pg}"
    );
    for (k, v) in expected {
        if got[k] != *v {
            let (g, e) = (String::from_utf8_lossy(&got[k]), String::from_utf8_lossy(v));
            let at = g.chars().zip(e.chars()).take_while(|(a, b)| a == b).count();
            let near = |t: &str| {
                t.chars()
                    .skip(at.saturating_sub(100))
                    .take(250)
                    .collect::<String>()
            };
            panic!(
                "postgres={pg}: {k} differs:\n got: {}\nwant: {}",
                near(&g),
                near(&e)
            );
        }
    }
}

fn same_answers(got: &[(String, u16, Vec<u8>)], expected: &[(String, u16, Vec<u8>)], pg: bool) {
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(expected) {
        assert_eq!(
            (g.0.as_str(), g.1),
            (e.0.as_str(), e.1),
            "postgres={pg}: status differs"
        );
        if g.2 != e.2 {
            let (g, e) = (String::from_utf8_lossy(&g.2), String::from_utf8_lossy(&e.2));
            let at = g.chars().zip(e.chars()).take_while(|(a, b)| a == b).count();
            let near = |t: &str| {
                t.chars()
                    .skip(at.saturating_sub(80))
                    .take(200)
                    .collect::<String>()
            };
            panic!(
                "postgres={pg}: {} differs after restore:\n got: {}\nwant: {}",
                expected
                    .iter()
                    .find(|x| x.2 == e.as_bytes())
                    .map(|x| x.0.as_str())
                    .unwrap_or("?"),
                near(&g),
                near(&e)
            );
        }
    }
}

#[tokio::test]
async fn a_backup_brings_back_every_row_file_page_and_export_on_either_backend() {
    let fx = fixture().await;
    let rid = fx.published().await;
    let (plovdiv, kazanlak) = fx.app.load_demo().await;
    let (_, round_id) = crate::helpers::open_round_by_form(&fx.app).await;
    let (link, u) = crate::helpers::issue_link(&fx.app, round_id).await;
    let evidence = b"%PDF-1.4 protocol kept as evidence";
    let r = crate::helpers::post_multipart(
        &fx.app,
        &format!("{link}/updates/{}/evidence", u.id),
        None,
        &[("title", "Протокол")],
        Some(("протокол.pdf", evidence)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let evidence_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM update_evidence")
        .fetch_one(&fx.app.db.pool)
        .await
        .expect("evidence");

    let mut paths: Vec<String> = vec![
        "/".into(),
        "/api/v1/plans".into(),
        "/data".into(),
        format!("{link}"),
        format!("{link}/evidence/{evidence_id}"),
    ];
    for id in [fx.plan_id, plovdiv, kazanlak] {
        paths.push(format!("/plans/{id}"));
        paths.push(format!("/api/v1/plans/{id}"));
        paths.push(format!("/data/plans/{id}/measures.csv"));
        paths.push(format!("/data/plans/{id}/indicators.json"));
    }
    for file in ["plans.csv", "measures.xlsx", "progress.json"] {
        paths.push(format!("/data/{file}"));
    }
    for what in ["html", "docx", "pdf", "decision"] {
        paths.push(format!("/reports/{rid}/download/{what}"));
    }
    let before = answers(&fx.app, &paths).await;
    // Search ranks with each backend's own engine (FTS5, tsvector): same backend, same answer.
    let search = vec!["/search?q=здраве".to_string()];
    let searched = answers(&fx.app, &search).await;
    assert!(
        before
            .iter()
            .all(|(p, status, _)| *status == 200 || p == &link),
        "{:?}",
        before.iter().map(|(p, s, _)| (p, s)).collect::<Vec<_>>()
    );
    let rows = contents(&fx.app).await;
    assert!(
        rows.keys().any(|k| k.starts_with("files/reports/")),
        "{:?}",
        rows.keys()
    );
    assert!(rows.keys().any(|k| k.starts_with("files/decisions/")));
    assert!(rows.keys().any(|k| k.starts_with("files/evidence/")));

    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("planmon-backup.zip");
    let archive_arg = archive.display().to_string();
    planmon(&fx.app, &["backup", &archive_arg])
        .await
        .expect("backup");

    // Into each backend (PostgreSQL only when the tests run on it), and across them again.
    let mut targets = vec![false];
    if fx.app.is_postgres() {
        targets.push(true);
    }
    for postgres in targets {
        let restored = TestApp::restored(&archive, postgres).await;
        same_contents(&contents(&restored).await, &rows, postgres);
        same_answers(&answers(&restored, &paths).await, &before, postgres);
        if postgres == fx.app.is_postgres() {
            same_answers(&answers(&restored, &search).await, &searched, postgres);
        }
        // The restored system works on: a login, a new link, ids continue.
        let again = dir.path().join(format!("again-{postgres}.zip"));
        planmon::backup::backup(&restored.db, &restored.state.config.data_dir, &again)
            .await
            .expect("backup of the restored system");
        let back = TestApp::restored(&again, !postgres && fx.app.is_postgres()).await;
        same_answers(&answers(&back, &paths).await, &before, postgres);
        let s = back
            .user_session("new@test.example", &[(Role::Administrator, Scope::Global)])
            .await;
        assert_eq!(back.get_as("/account", &s).await.status, StatusCode::OK);
    }

    // Only into an empty database: a second restore is refused and changes nothing.
    let app = TestApp::restored(&archive, false).await;
    let err = planmon::backup::restore(&app.db, &app.state.config.data_dir, &archive)
        .await
        .expect_err("not empty");
    assert!(err.to_string().contains("не е празна"), "{err}");
    assert_eq!(contents(&app).await, rows);
}

#[tokio::test]
async fn a_report_with_a_word_wider_than_the_page_downloads_as_pdf_and_is_adopted() {
    // genpdf skipped such a word, then cut the text after it by bytes inside a Cyrillic letter
    // and panicked: no PDF, and adoption (which renders it) never finished.
    let fx = fixture().await;
    let rid = fx.start().await;
    let word = "ЗДРАВНООБРАЗОВАТЕЛНИШШШЖЖЖЮЮЮМММ".repeat(4);
    let introduction = format!("Край 1 {word} още.");
    see_other(
        &fx.post(
            rid,
            "narrative",
            &fx.coordinator,
            &[("introduction", &introduction), ("conclusions", &word)],
        )
        .await,
        "narrative",
    );
    let pdf = fx
        .app
        .get_as(&format!("/reports/{rid}/download/pdf"), &fx.coordinator)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF"));
    fx.approve(rid).await;
    fx.adopt(rid, "77").await;
    assert_eq!(fx.state(rid).await, "adopted");
}
