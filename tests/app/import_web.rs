//! The web import: upload → review → save behind the administration token, on both databases;
//! bad files give a Bulgarian error and store nothing.

use crate::helpers::{TestApp, TestResponse};
use crate::helpers::{count, fixture, get_admin, post_form, seed_text, upload, upload_request};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// The audit events about plans: (action, actor, plan id, municipality id).
async fn plan_events(app: &TestApp) -> Vec<(String, String, String, Option<i64>)> {
    sqlx::query_as(
        "SELECT action, actor_label, entity_id, municipality_id FROM audit_events \
         WHERE entity_type = 'plan' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit events")
}

async fn assert_refused(app: &TestApp, r: &TestResponse, status: StatusCode, says: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.body.contains(says), "expected „{says}“ in:\n{}", r.body);
    assert!(r.body.contains("Нищо не е записано."), "{}", r.body);
    assert!(r.body.contains("lang=\"bg\""));
    assert_eq!(count(app, "import_drafts").await, 0);
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn the_import_pages_need_an_administrator_or_the_admin_token() {
    let app = TestApp::spawn().await;
    let r = app.get("/admin/import").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=%2Fadmin%2Fimport");
    // The token's own login page is gone: people log in with an account.
    assert_eq!(app.get("/admin/login").await.status, StatusCode::NOT_FOUND);
    let bytes = seed_text("plovdiv-2022-2024");
    let r = app
        .request(upload_request("plan.txt", &bytes, "", false))
        .await;
    // Refused before anything else: the form carries no CSRF token (nor the admin token).
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let wrong = Request::get("/admin/import")
        .header(header::AUTHORIZATION, "Bearer guessed")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.request(wrong).await.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "import_drafts").await, 0);

    // A logged-in administrator uploads, reviews and saves with the forms' CSRF tokens (no
    // Bearer header): the upload form carries its token in its action URL.
    let admin = app.admin_session().await;
    let r = app.get_as("/admin/import", &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    let action = r
        .body
        .split("action=\"/admin/import?csrf_token=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("upload form action with its token")
        .to_string();
    assert_eq!(action, admin.csrf);
    let mut req = upload_request("plan.txt", &bytes, "", false);
    *req.uri_mut() = format!("/admin/import?csrf_token={action}")
        .parse()
        .expect("uri");
    req.headers_mut()
        .insert(header::COOKIE, admin.cookie.parse().expect("cookie header"));
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let review = r.location().to_string();
    let r = app.get_as(&review, &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&format!("value=\"{}\"", admin.csrf)),
        "the forms carry the token"
    );
    let r = app
        .post_form(
            &review,
            &admin,
            &[
                ("municipality", "Пловдив"),
                ("title", "План"),
                ("period_from", "2022"),
                ("period_to", "2024"),
                ("target", "new"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/plans/"));
    assert_eq!(app.plan_count().await, 1);
}

#[tokio::test]
async fn without_a_configured_token_scripts_are_refused() {
    let app = TestApp::spawn_with(|c| c.admin_token = None).await;
    assert_eq!(
        app.request(get_admin("/admin/import")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_uploaded_docx_is_reviewed_then_saved_as_a_plan_in_one_step() {
    let app = TestApp::spawn().await;
    let review = upload(
        &app,
        "plovdiv-2022-2024.docx",
        &fixture("plovdiv-2022-2024.docx"),
    )
    .await;
    assert_eq!(count(&app, "import_drafts").await, 1);
    assert_eq!(
        app.plan_count().await,
        0,
        "nothing is a plan before the review is saved"
    );

    let r = app.request(get_admin(&review)).await;
    assert_eq!(r.status, StatusCode::OK);
    // The structure, the source beside it, warnings by their rows, unplaced text, new names.
    for expected in [
        "value=\"Пловдив\"",
        "Разпознатата структура",
        "Изходният текст",
        "class=\"flagged\"",
        "Неразпознат текст",
        "Нови наименования",
        "name=\"m.m1.activities\"",
    ] {
        assert!(r.body.contains(expected), "review page lacks {expected}");
    }

    // The coordinator adds the adoption the document does not state and corrects a measure.
    let r = app
        .request(post_form(
            &review,
            &[
                ("municipality", "Пловдив"),
                ("title", "План за действие на Община Пловдив 2022-2024"),
                ("period_from", "2022"),
                ("period_to", "2024"),
                ("decision_number", "123"),
                ("protocol_number", "7"),
                ("adoption_date", "30.06.2022"),
                ("adoption_body", ""),
                ("target", "new"),
                ("m.m1.status", "Текущ"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .location()
        .strip_prefix("/plans/")
        .and_then(|s| s.parse().ok())
        .expect("plan page");
    assert_eq!(count(&app, "import_drafts").await, 0);
    let plan = planmon::plan::store::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("stored")
        .plan;
    assert_eq!(plan.measures().count(), 52);
    assert_eq!(plan.title, "План за действие на Община Пловдив 2022-2024");
    let a = plan.adoption.clone().expect("adoption");
    assert_eq!(
        (a.decision_number.as_deref(), a.date.as_deref()),
        (Some("123"), Some("2022-06-30"))
    );
    assert_eq!(
        plan.measures().next().and_then(|m| m.status.as_deref()),
        Some("Текущ")
    );
    let source = plan.source.clone().expect("source");
    assert_eq!(source.format.as_deref(), Some("docx"));
    assert_eq!(
        source.sha256,
        Some(planmon::import::load::sha256_hex(&fixture(
            "plovdiv-2022-2024.docx"
        )))
    );
    assert_eq!(
        app.get(&format!("/plans/{id}")).await.status,
        StatusCode::OK
    );
    // The audit log says who stored which plan, in which municipality.
    assert_eq!(
        plan_events(&app).await,
        vec![(
            "plan.create".to_string(),
            "ключ за администриране".to_string(),
            id.to_string(),
            Some(app.municipality_id("Пловдив").await)
        )]
    );
    // The draft is gone: saving twice is not possible.
    assert_eq!(
        app.request(get_admin(&review)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_reviewed_import_can_become_a_new_version_of_a_stored_plan() {
    let app = TestApp::spawn().await;
    let (plovdiv, _) = app.load_demo().await;
    let review = upload(&app, "plovdiv.html", &fixture("plovdiv-2022-2024.html")).await;
    let r = app.request(get_admin(&review)).await;
    // The stored plan with the same municipality, title and period is offered first.
    assert!(
        r.body
            .contains(&format!("<option value=\"{plovdiv}\" selected>")),
        "{}",
        r.body
    );
    let p = planmon::plan::store::load_plan(&app.db, plovdiv)
        .await
        .expect("load")
        .expect("stored")
        .plan;
    let (from, to) = (p.period.from.to_string(), p.period.to.to_string());
    let target = plovdiv.to_string();
    let header = [
        ("municipality", p.municipality.as_str()),
        ("title", p.title.as_str()),
        ("period_from", from.as_str()),
        ("period_to", to.as_str()),
        ("target", target.as_str()),
    ];
    // A new version is an amendment: without its council act nothing is saved.
    let r = app.request(post_form(&review, &header)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("id=\"act_decision_number-error\""),
        "{}",
        r.body
    );
    assert_eq!(app.plan_count().await, 2);
    let mut with_act = header.to_vec();
    with_act.extend([
        ("act_decision_number", "118"),
        ("act_protocol_number", "9"),
        ("act_decision_date", "2023-06-29"),
        ("act_reason", "нова редакция"),
    ]);
    let r = app.request(post_form(&review, &with_act)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/plans/{plovdiv}"));
    let events = plan_events(&app).await;
    assert_eq!(
        events.last().map(|e| (e.0.as_str(), e.2.clone())),
        Some(("plan.amend", plovdiv.to_string()))
    );
    assert_eq!(app.plan_count().await, 2);
    let versions = planmon::plan::store::versions(&app.db, plovdiv)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    let act = versions[0].act.as_ref().expect("the amendment's act");
    assert_eq!(act.decision_number.as_deref(), Some("118"));
    assert_eq!(versions[0].effective_from, "2023-06-29");
}

#[tokio::test]
async fn wrong_review_fields_come_back_next_to_the_field_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let review = upload(&app, "kazanlak.txt", &seed_text("kazanlak-2021-2023")).await;
    let r = app
        .request(post_form(
            &review,
            &[
                ("municipality", "Казанлък"),
                ("title", "План"),
                ("period_from", "двайсет"),
                ("period_to", "2023"),
                ("adoption_date", "31.02.2021"),
                ("target", "new"),
                ("m.m2.institutions", "Община Казанлък\nРЗИ"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Въведете година с четири цифри"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"period_from-error\""));
    assert!(r.body.contains("Въведете датата във вида ДД.ММ.ГГГГ"));
    // What was typed stays in the form.
    assert!(r.body.contains("value=\"двайсет\""));
    assert!(r.body.contains("Община Казанлък\nРЗИ"));
    assert_eq!(app.plan_count().await, 0);
    assert_eq!(count(&app, "import_drafts").await, 1);

    // A version of a plan that does not exist is refused too.
    let r = app
        .request(post_form(
            &review,
            &[
                ("municipality", "Казанлък"),
                ("title", "План"),
                ("period_from", "2021"),
                ("period_to", "2023"),
                ("target", "999"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Няма план с номер 999."));
    assert_eq!(app.plan_count().await, 0);
    assert_eq!(count(&app, "import_drafts").await, 1, "the draft is kept");
}

#[tokio::test]
async fn bad_files_give_a_bulgarian_error_naming_the_file_and_store_nothing() {
    let app = TestApp::spawn().await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("празен.txt", Vec::new(), "празен.txt: файлът е празен"),
        (
            "plan.docx",
            (0u32..3000)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
            "plan.docx: форматът не е разпознат",
        ),
        (
            "plan.docx",
            fixture("plovdiv-2022-2024.docx")[..5000].to_vec(),
            "plan.docx: файлът е повреден или непълен",
        ),
        (
            "decision.txt",
            "Решение № 12 на Общински съвет Тестово от 28.02.2024 г."
                .as_bytes()
                .to_vec(),
            "decision.txt: не е намерена таблица с мерки",
        ),
    ];
    for (name, bytes, says) in cases {
        let r = app.request(upload_request(name, &bytes, "", true)).await;
        assert_refused(&app, &r, StatusCode::BAD_REQUEST, says).await;
    }
}

#[tokio::test]
async fn an_upload_over_the_configured_limit_is_refused_while_it_arrives() {
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 4096).await;
    let bytes = fixture("plovdiv-2022-2024.docx");
    assert!(bytes.len() > 4096);
    let r = app
        .request(upload_request("plan.docx", &bytes, "", true))
        .await;
    assert_refused(
        &app,
        &r,
        StatusCode::PAYLOAD_TOO_LARGE,
        "plan.docx: файлът е твърде голям (най-много 4096 байта)",
    )
    .await;
}

#[tokio::test]
async fn a_draft_can_be_discarded() {
    let app = TestApp::spawn().await;
    let review = upload(&app, "plan.csv", &fixture("kazanlak-2021-2023.csv")).await;
    let r = app
        .request(post_form(&format!("{review}/discard"), &[]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "import_drafts").await, 0);
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn the_review_page_of_a_small_plan() {
    let app = TestApp::spawn().await;
    let text = "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово за периода 2024-2026 г.\n\nПриоритет 1 Образование\n\nЦели\tЗадачи\tДейности\tОтговорна институция\tСрок\tСредства\tИзточник\tИндикатори\n1. Достъп до образование\tЗадача\tРемонт на училището\tОбщина Тестово, Нова агенция за всичко\t2024 г.\t200 000\tОбщински бюджет\tБрой ремонтирани училища\n\nБележка под линия без място в плана.\n";
    let review = upload(&app, "тестово.txt", text.as_bytes()).await;
    let r = app.request(get_admin(&review)).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.body.replace(&review, "/admin/import/[id]");
    // The forms' CSRF token is random.
    let page = regex::Regex::new("name=\"csrf_token\" value=\"[0-9a-f]+\"")
        .expect("pattern")
        .replace_all(&page, "name=\"csrf_token\" value=\"[csrf]\"");
    insta::assert_snapshot!("import_review_small_plan", page);
}
