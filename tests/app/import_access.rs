//! Who may import on the web: a coordinator imports plans of their own municipality only (a new
//! plan, or a new version of one of its plans); other roles may not import; administrators and
//! the administration token may import for any municipality. On SQLite and PostgreSQL.

use crate::helpers::{Session, TestApp, TestResponse, sample_plan};
use crate::helpers::{count, upload_request};
use axum::http::{StatusCode, header};
use planmon::account::{Role, Scope};

fn plan_text(municipality: &str) -> String {
    format!(
        "ПЛАН ЗА ДЕЙСТВИЕ\nна Община {municipality} за периода 2024-2026 г.\n\nПриоритет 1 Образование\n\nЦели\tЗадачи\tДейности\tОтговорна институция\tСрок\tСредства\tИзточник\tИндикатори\n1. Достъп\tЗадача\tРемонт на училището\tРУО\t2024 г.\t200 000 лв.\tОбщински бюджет\tБрой училища\n"
    )
}

/// Uploads as a logged-in browser: its cookie, and the CSRF token in the form's action.
async fn upload_as(app: &TestApp, s: &Session, municipality: &str) -> TestResponse {
    let mut req = upload_request("план.txt", plan_text(municipality).as_bytes(), "", false);
    *req.uri_mut() = format!("/admin/import?csrf_token={}", s.csrf)
        .parse()
        .expect("uri");
    req.headers_mut()
        .insert(header::COOKIE, s.cookie.parse().expect("cookie"));
    app.request(req).await
}

/// The review form's fields for saving as `target` ("new" or a plan id) in `municipality`.
fn review_fields<'a>(municipality: &'a str, target: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("municipality", municipality),
        ("title", "План за действие"),
        ("period_from", "2024"),
        ("period_to", "2026"),
        ("target", target),
        // A new version of a stored plan is made by a council act.
        ("act_decision_number", "12"),
        ("act_decision_date", "2025-03-27"),
    ]
}

/// An app with the sample plan (municipality „Примерна“), a plan of „Другата“, and a
/// coordinator of „Примерна“.
async fn app_with_coordinator() -> (TestApp, Session, i64, i64) {
    let app = TestApp::spawn().await;
    let own = app.create_plan(&sample_plan()).await;
    let mut other = sample_plan();
    other.municipality = "Другата".into();
    let other = app.create_plan(&other).await;
    let m = app.municipality_id("Примерна").await;
    let s = app
        .user_session(
            "koordinator@test.example",
            &[(Role::Coordinator, Scope::Municipality(m))],
        )
        .await;
    (app, s, own, other)
}

#[tokio::test]
async fn a_coordinator_imports_a_plan_of_their_municipality_as_a_new_plan_or_a_new_version() {
    let (app, s, own, other) = app_with_coordinator().await;
    let r = upload_as(&app, &s, "Примерна").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let review = r.location().to_string();
    let page = app.get_as(&review, &s).await;
    assert_eq!(page.status, StatusCode::OK);
    // Only the plans of their municipality are offered as the plan to amend.
    assert!(page.body.contains(&format!("<option value=\"{own}\"")));
    assert!(!page.body.contains(&format!("<option value=\"{other}\"")));
    let own_id = own.to_string();
    let r = app
        .post_form(&review, &s, &review_fields("Примерна", &own_id))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/plans/{own}"));
    let actor: String =
        sqlx::query_scalar("SELECT actor_label FROM audit_events WHERE action = 'plan.amend'")
            .fetch_one(&app.db.pool)
            .await
            .expect("audited");
    assert_eq!(actor, "koordinator@test.example");

    // And as a new plan.
    let review = upload_as(&app, &s, "Примерна").await.location().to_string();
    let r = app
        .post_form(&review, &s, &review_fields("Примерна", "new"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.plan_count().await, 3);
}

#[tokio::test]
async fn a_coordinator_cannot_import_a_plan_of_another_municipality() {
    let (app, s, _, other) = app_with_coordinator().await;
    // A document of another municipality is refused at upload and nothing is kept.
    let r = upload_as(&app, &s, "Тестово").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        r.body
            .contains("Можете да внасяте планове само на община Примерна"),
        "{}",
        r.body
    );
    assert_eq!(count(&app, "import_drafts").await, 0);

    // Their own document may not be saved under another municipality, nor as a version of
    // another municipality's plan.
    let review = upload_as(&app, &s, "Примерна").await.location().to_string();
    let other_id = other.to_string();
    for (fields, field) in [
        (review_fields("Другата", "new"), "municipality-error"),
        (review_fields("Примерна", &other_id), "target-error"),
    ] {
        let r = app.post_form(&review, &s, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(&format!("id=\"{field}\"")), "{field}");
        assert!(r.body.contains("Можете да внасяте планове само на община"));
    }
    assert_eq!(app.plan_count().await, 2);
    assert_eq!(count(&app, "import_drafts").await, 1);
}

#[tokio::test]
async fn a_coordinator_neither_sees_nor_touches_drafts_of_another_municipality() {
    let (app, s, _, _) = app_with_coordinator().await;
    let admin = app.admin_session().await;
    let r = upload_as(&app, &admin, "Тестово").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let review = r.location().to_string();
    let id = review.rsplit('/').next().unwrap_or_default().to_string();
    let list = app.get_as("/admin/import", &s).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&format!("href=\"{review}\"")));
    assert!(
        app.get_as("/admin/import", &admin)
            .await
            .body
            .contains(&format!("href=\"{review}\""))
    );
    assert_eq!(app.get_as(&review, &s).await.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(&review, &s, &review_fields("Тестово", "new"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(&format!("/admin/import/{id}/discard"), &s, &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "import_drafts").await, 1);
    assert_eq!(app.plan_count().await, 2);
}

#[tokio::test]
async fn roles_without_the_right_to_manage_plans_cannot_import() {
    let (app, _, _, _) = app_with_coordinator().await;
    let m = app.municipality_id("Примерна").await;
    let reviewer = app
        .user_session(
            "nabljudenie@test.example",
            &[(Role::Reviewer, Scope::Municipality(m))],
        )
        .await;
    let r = upload_as(&app, &reviewer, "Примерна").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_ne!(
        app.get_as("/admin/import", &reviewer).await.status,
        StatusCode::OK
    );
    assert_eq!(count(&app, "import_drafts").await, 0);
}
