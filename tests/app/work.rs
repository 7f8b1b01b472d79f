//! The staff home, "my work" (issue 17): where each person lands after login, what it shows to
//! each role (filtered by the policy), and that every staff page is reachable from it.

use crate::helpers::*;
use axum::http::StatusCode;
use planmon::account::{Role, Scope};

/// A browser that logs in through the form without a `next`: where it is sent.
async fn lands_after_login(app: &TestApp, email: &str) -> String {
    let anon = app.anonymous().await;
    let r = app
        .post_form(
            "/login",
            &anon,
            &[("email", email), ("password", TEST_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().to_string()
}

#[tokio::test]
async fn each_person_lands_on_my_work_and_sees_only_what_is_theirs() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let mut elsewhere = sample_plan();
    elsewhere.municipality = "Другаде".into();
    let other_plan = app.create_plan(&elsewhere).await;
    let other_round = planmon::monitoring::store::open_round(
        &app.db,
        other_plan,
        2024,
        None,
        planmon::monitoring::store::unaudited,
    )
    .await
    .expect("round elsewhere");

    // The coordinator: login lands on /work; the open round with its rate and deadline, the
    // plan's actions, and nothing of the other municipality.
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    assert_eq!(
        lands_after_login(&app, "coordinator@test.example").await,
        "/work"
    );
    let page = app.get_as("/work", &coordinator).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_accessible_basics(&page.body);
    let updates = planmon::monitoring::store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    let b = &page.body;
    assert!(b.contains("<h1>Моята работа</h1>"));
    assert!(b.contains("href=\"/work\""), "the header links to my work");
    assert!(b.contains(&format!("href=\"/rounds/{round_id}\"")));
    assert!(b.contains(&format!("0 от {} (0 %)", updates.len())), "{b}");
    assert!(b.contains("31.03.2025 г."), "the deadline");
    assert!(b.contains(&format!("href=\"/plans/{plan_id}/rounds\"")));
    assert!(b.contains(&format!("href=\"/plans/{plan_id}/reports\"")));
    assert!(b.contains("href=\"/admin/import\""));
    assert!(!b.contains(&format!("/rounds/{other_round}\"")), "{b}");
    assert!(!b.contains(&format!("/plans/{other_plan}/")), "{b}");
    assert!(!b.contains("/admin/users"), "no user administration");
    insta::assert_snapshot!("work_coordinator", redact(b));

    // An institution's reporter: its measures and how many are missing, in its round only.
    let u = &updates[0];
    let m = app.municipality_id("Примерна").await;
    app.create_user(
        "reporter@test.example",
        TEST_PASSWORD,
        &[(
            Role::Reporter,
            Scope::Institution {
                municipality: m,
                institution: u.institution_id,
            },
        )],
    )
    .await;
    let reporter = app.login("reporter@test.example", TEST_PASSWORD).await;
    let mine = app.get_as("/work", &reporter).await;
    let own = updates
        .iter()
        .filter(|x| x.institution_id == u.institution_id)
        .count();
    assert!(mine.body.contains(&format!(
        "href=\"/rounds/{round_id}/institutions/{}\"",
        u.institution_id
    )));
    assert!(
        mine.body.contains(&format!(
            "<td class=\"num\">{own}</td><td class=\"num\">{own}</td>"
        )),
        "all {own} measures still missing: {}",
        mine.body
    );
    assert!(!mine.body.contains(&format!("href=\"/rounds/{round_id}\"")));
    assert!(
        mine.body.contains(
            r#"class="table-scroll" tabindex="0" role="region" aria-labelledby="own-cap""#
        ),
        "the table scrolls as a named region"
    );

    // The reviewer: an update handed in waits for them.
    let (link, u) = issue_link(&app, round_id).await;
    let sent = post(
        &app,
        &format!("{link}/updates/{}", u.id),
        None,
        &[("status", "completed"), ("action", "submit")],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let reviewer = app.staff_of_plan(plan_id, Role::Reviewer).await;
    let review = app.get_as("/work", &reviewer).await;
    assert!(
        review
            .body
            .contains("Отчети, които чакат вашия преглед: <strong>1</strong>"),
        "{}",
        review.body
    );
    assert!(
        review
            .body
            .contains(&format!("href=\"/rounds/{round_id}#reports\""))
    );
    assert!(
        review
            .body
            .contains(r#"role="region" aria-labelledby="rounds-cap""#)
    );
    assert!(review.body.contains(r#"<caption id="rounds-cap">"#));
    assert!(
        !review.body.contains("/admin/import"),
        "reviewers do not import"
    );

    // District and national staff: their dashboards; the administrator: users and outbox too.
    let district = app
        .user_session(
            "district@test.example",
            &[(Role::DistrictCoordinator, Scope::District("PDV".into()))],
        )
        .await;
    let d = app.get_as("/work", &district).await;
    assert!(d.body.contains("href=\"/dashboard/districts/PDV\""));
    assert!(d.body.contains("href=\"/districts/PDV/reports\""));
    assert!(!d.body.contains("/dashboard/nation"));
    let admin = app.admin_session().await;
    let a = app.get_as("/work", &admin).await;
    for href in [
        "/dashboard/nation",
        "/admin/users",
        "/admin/outbox",
        "/audit",
        "/api/tokens",
        "/admin/import",
    ] {
        assert!(a.body.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(a.body.contains(&format!("href=\"/rounds/{other_round}\"")));

    // In English, and anonymous visitors are sent to log in first.
    let en = app
        .request(
            axum::http::Request::get("/work")
                .header("cookie", format!("{}; lang=en", coordinator.cookie))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(en.body.contains("<h1>My work</h1>"), "{}", en.body);
    assert!(en.body.contains("no deadline") || en.body.contains("2025"));
    let anonymous = app.get("/work").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login?next=%2Fwork");
}

/// The paths of the links on a page that stay on this site.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| {
            h.split('#')
                .next()
                .unwrap_or_default()
                .replace("&amp;", "&")
        })
        .collect()
}

/// Public pages and files: followed by no staff link, left out of the walk.
fn is_public_or_file(path: &str) -> bool {
    let public = regex::Regex::new(
        r"^/(data|api/docs|api/v1|search|institutions|municipalities|static|lang|accessibility|import/template)|^/districts(/[A-Z]+)?$|^/plans/\d+(/(measures|progress|history|diff|plan\.json|versions).*)?$|download|\.(xlsx|json|csv|xml|docx|pdf)|^/$|^/s/",
    )
    .expect("regex");
    public.is_match(path)
}

#[tokio::test]
async fn every_staff_page_is_reached_from_my_work() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    upload(&app, "plan.txt", &seed_text(SEEDS[0])).await;
    let admin = app.admin_session().await;
    let mut seen: Vec<String> = Vec::new();
    let mut queue = vec!["/work".to_string()];
    while let Some(path) = queue.pop() {
        if seen.contains(&path) || seen.len() > 400 {
            continue;
        }
        let page = app.get_as(&path, &admin).await;
        assert!(
            page.status == StatusCode::OK || page.status == StatusCode::SEE_OTHER,
            "{path}: {}",
            page.status
        );
        seen.push(path.clone());
        if page.status == StatusCode::SEE_OTHER {
            queue.push(page.location().to_string());
            continue;
        }
        for link in links(&page.body) {
            if !is_public_or_file(&link) && !seen.contains(&link) {
                queue.push(link);
            }
        }
    }
    let staff = [
        r"^/account$",
        r"^/account/password$",
        r"^/account/tokens$",
        r"^/admin/import$",
        r"^/admin/import/\d+$",
        r"^/admin/users$",
        r"^/admin/users/\d+$",
        r"^/admin/outbox$",
        r"^/audit",
        r"^/api/tokens$",
        r"^/dashboard/nation",
        r"^/dashboard/districts/[A-Z]+",
        r"^/reports/nation$",
        r"^/districts/[A-Z]+/reports$",
        r"^/rounds$",
        r"^/plans/\d+/rounds$",
        r"^/plans/\d+/reports$",
        r"^/plans/\d+/amend$",
        r"^/rounds/\d+$",
        r"^/rounds/\d+/institutions/\d+$",
        r"^/rounds/\d+/updates/\d+$",
    ];
    let missing: Vec<&str> = staff
        .iter()
        .filter(|p| {
            let re = regex::Regex::new(p).expect("regex");
            !seen.iter().any(|s| re.is_match(s))
        })
        .copied()
        .collect();
    assert!(
        missing.is_empty(),
        "not reached from /work: {missing:?} (plan {plan_id}, round {round_id}); seen {seen:#?}"
    );
}

#[tokio::test]
async fn an_anonymous_or_expired_visitor_of_a_staff_page_logs_in_and_comes_back() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let expired = Session {
        cookie: format!("pm_session={}", "ab".repeat(32)),
        csrf: String::new(),
    };
    let mut refused = Vec::new();
    for path in [
        "/work".to_string(),
        "/rounds".into(),
        format!("/rounds/{round_id}"),
        format!("/plans/{plan_id}/rounds"),
        format!("/plans/{plan_id}/amend"),
        format!("/plans/{plan_id}/links"),
        "/admin/import".into(),
        "/admin/users".into(),
        "/admin/outbox".into(),
        "/audit?entity=plan".into(),
        "/api/tokens".into(),
        "/dashboard/nation".into(),
        "/account/tokens".into(),
    ] {
        for r in [app.get(&path).await, app.get_as(&path, &expired).await] {
            let expected = format!(
                "/login?{}",
                serde_urlencoded::to_string([("next", path.as_str())]).expect("query")
            );
            if r.status != StatusCode::SEE_OTHER || r.location() != expected {
                refused.push(format!("{path}: {} {}", r.status, r.location()));
            }
        }
    }
    assert!(refused.is_empty(), "{refused:#?}");

    // After login the person is back where they were going.
    app.staff_of_plan(plan_id, Role::Coordinator).await;
    let anon = app.anonymous().await;
    let back = format!("/rounds/{round_id}");
    let r = app
        .post_form(
            "/login",
            &anon,
            &[
                ("email", "coordinator@test.example"),
                ("password", TEST_PASSWORD),
                ("next", &back),
            ],
        )
        .await;
    assert_eq!(r.location(), back);

    // The API, forms and links keep their refusals.
    assert_eq!(
        app.get("/api/v1/rounds/1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_raw("/admin/users", &anon, &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn error_pages_follow_the_chosen_language_and_keep_the_detail_in_bulgarian() {
    let app = TestApp::spawn().await;
    let english = |path: &str, cookie: &str| {
        axum::http::Request::get(path)
            .header("cookie", format!("lang=en{cookie}"))
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let missing = app.request(english("/plans/999", "")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("<html lang=\"en\">"));
    assert!(
        missing.body.contains("<h1>Not found</h1>"),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("The page or record does not exist."));
    assert!(
        missing
            .body
            .contains("<span lang=\"bg\">Няма план с номер 999.</span>")
    );
    let nowhere = app.request(english("/no/such/page", "")).await;
    assert!(nowhere.body.contains("Back to the home page"));

    // A signed-in person refused a page: 403 in English, with their header.
    let s = app.user_session("nobody@test.example", &[]).await;
    let refused = app
        .request(english("/admin/users", &format!("; {}", s.cookie)))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("<h1>Access denied</h1>"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("You are not allowed to do this."));
    assert!(refused.body.contains("href=\"/work\">My work</a>"));

    // In Bulgarian, as before.
    let bg = app.get("/plans/999").await;
    assert!(bg.body.contains("<h1>Не е намерено</h1>"));
    assert!(bg.body.contains("<p>Няма план с номер 999.</p>"));
}
