//! Public pages: home, plan, measure, institutions, errors, and accessibility basics.

use crate::helpers::{TestApp, assert_accessible_basics, sample_plan};
use axum::http::StatusCode;

#[tokio::test]
async fn home_page_lists_municipalities_with_their_plans() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"));
    assert!(r.body.contains("Община Пловдив") && r.body.contains("Община Казанлък"));
    assert!(
        r.body.contains("13\u{a0}216\u{a0}650 лв."),
        "planned money of Пловдив"
    );
    assert!(r.body.contains("52 мерки"));
    assert_accessible_basics(&r.body);
}

#[tokio::test]
async fn plan_page_shows_the_whole_tree_with_totals() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let r = app.get(&format!("/plans/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    insta::assert_snapshot!("sample_plan_page", r.body);
}

#[tokio::test]
async fn plan_page_of_a_seed_plan_renders_every_measure() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    for (id, measures) in [(plovdiv, 52), (kazanlak, 90)] {
        let r = app.get(&format!("/plans/{id}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.body.matches("<article class=\"measure\"").count(),
            measures
        );
        assert_accessible_basics(&r.body);
    }
}

#[tokio::test]
async fn measure_page_has_a_stable_address_by_key() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let r = app.get(&format!("/plans/{id}/measures/m1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    insta::assert_snapshot!("sample_measure_page", r.body);
    let r = app.get(&format!("/plans/{id}/measures/nope")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_plan_is_a_bulgarian_404_page() {
    let app = TestApp::spawn().await;
    for path in ["/plans/12345", "/plans/x", "/no/such/page"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.content_type.starts_with("text/html"));
        assert!(r.body.contains("Не е намерено"), "{path}");
        assert_accessible_basics(&r.body);
    }
}

#[tokio::test]
async fn institution_page_gathers_every_spelling_across_plans() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let list = app.get("/institutions").await;
    assert_accessible_basics(&list.body);
    assert!(
        list.body
            .contains("href=\"/institutions/zdravni-mediatori\"")
    );
    let r = app.get("/institutions/zdravni-mediatori").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("/plans/{id}/measures/m1")));
    assert!(r.body.contains(&format!("/plans/{id}/measures/m3")));
    assert!(
        r.body.contains("„<span>Здравните медиатори</span>“"),
        "the other spelling is shown"
    );
    assert_accessible_basics(&r.body);
    assert_eq!(
        app.get("/institutions/nobody").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn plan_json_download_is_the_plan_format() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let r = app.get(&format!("/plans/{id}/plan.json")).await;
    assert_eq!(r.status, StatusCode::OK);
    let plan = planmon::plan::format::parse_plan_json(&r.body).expect("valid plan JSON");
    assert_eq!(plan, sample_plan());
}

#[tokio::test]
async fn english_follows_when_chosen() {
    let app = TestApp::spawn().await;
    let r = app
        .request(
            axum::http::Request::get("/")
                .header("cookie", "lang=en")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains("Municipal action plans"));
}

#[tokio::test]
async fn accessibility_statement_and_stylesheet_are_served() {
    let app = TestApp::spawn().await;
    let r = app.get("/accessibility").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("WCAG 2.1"));
    assert_accessible_basics(&r.body);
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains("@media print"));
}

#[tokio::test]
async fn a_rendered_plan_page_is_reused_until_the_plan_changes() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let first = app.get(&format!("/plans/{id}")).await;
    let json_first = app.get(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(first.body, app.get(&format!("/plans/{id}")).await.body);
    assert!(json_first.content_type.starts_with("application/json"));

    let mut changed = sample_plan();
    changed.title = "Изменен план за действие".into();
    planmon::plan::store::save_version(&app.db, id, &changed, None)
        .await
        .expect("save");
    let page = app.get(&format!("/plans/{id}")).await;
    assert!(
        page.body.contains("Изменен план за действие"),
        "page shows the new title"
    );
    let (_, json) = app.get_json(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(
        json["title"], "Изменен план за действие",
        "API shows the new title"
    );
    let english = app
        .request(
            axum::http::Request::get(format!("/plans/{id}"))
                .header("cookie", "lang=en")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_ne!(
        english.body, page.body,
        "each language has its own rendering"
    );
}

#[tokio::test]
async fn switching_language_returns_to_the_referring_page_on_this_site_only() {
    let app = TestApp::spawn().await;
    let switch = |referer: &'static str| {
        axum::http::Request::get("/lang/en")
            .header("host", "planmon.example")
            .header("referer", referer)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let router = || planmon::server::router(app.state.clone());
    use tower::ServiceExt;
    let here = router()
        .oneshot(switch("http://planmon.example/plans/3?x=1"))
        .await
        .expect("response");
    assert_eq!(here.headers()["location"], "/plans/3?x=1");
    assert!(
        here.headers()["set-cookie"]
            .to_str()
            .expect("ascii")
            .starts_with("lang=en")
    );
    let elsewhere = router()
        .oneshot(switch("https://evil.example/phish"))
        .await
        .expect("response");
    assert_eq!(elsewhere.headers()["location"], "/");
}
