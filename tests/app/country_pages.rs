//! The country above the municipality through the pages (issue 13): the national overview on
//! the home page with its tile map and data tables, the links up from a plan's pages, the
//! district and national staff dashboards, marking a municipality as not reporting, and the
//! coordinator's decisions on suggested links to the parent plan.

use crate::helpers::{TestApp, plan_of, redact};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::audit::Actor;
use planmon::generate::{Spec, district_plan, municipal_plan};
use planmon::territory::tree;

#[tokio::test]
async fn the_home_page_shows_the_districts_as_a_tile_map_with_its_data_table_and_the_areas() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert_eq!(home.body.matches("class=\"tile tile-").count(), 28);
    assert!(
        home.body.contains("tile tile-SML band-1"),
        "1 of 10 reporting"
    );
    assert!(home.body.contains("/districts/SML?year=2024"));
    assert!(
        home.body.contains("id=\"districts-cap\""),
        "the map's data table"
    );
    assert!(
        home.body
            .contains("По приоритетни области на националната стратегия")
    );
    assert!(home.body.contains("демонстрационни данни"));
    insta::assert_snapshot!("home_national", redact(&home.body));
    let national = app.get("/districts?year=2024").await;
    assert_eq!(national.status, StatusCode::OK);
    assert_eq!(national.body.matches("class=\"tile tile-").count(), 28);
}

#[tokio::test]
async fn a_plans_pages_link_up_to_its_district_and_the_nation() {
    let app = TestApp::spawn().await;
    let id = plan_of(&app, "SML09", Some(2024)).await;
    for path in [format!("/plans/{id}"), format!("/plans/{id}/progress")] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(page.body.contains("href=\"/districts\""), "{path}");
        assert!(page.body.contains("href=\"/districts/SML\""), "{path}");
    }
    let plan = app.get(&format!("/plans/{id}")).await;
    assert!(plan.body.contains("href=\"/municipalities/SML09\""));
}

#[tokio::test]
async fn district_staff_see_their_districts_dashboard_late_ones_first_and_no_other() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    plan_of(&app, "SML16", None).await;
    let s = app
        .user_session(
            "district@x.bg",
            &[(Role::DistrictReviewer, Scope::District("SML".into()))],
        )
        .await;
    let account = app.get_as("/account", &s).await;
    assert!(account.body.contains("href=\"/dashboard\""));
    let to = app.get_as("/dashboard", &s).await;
    assert_eq!(to.location(), "/dashboard/districts/SML");
    let page = app.get_as("/dashboard/districts/SML?year=2024", &s).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let without_round = page.body.find("План без отчетен период").expect("SML16");
    let closed = page
        .body
        .find("Отчетният период е приключил")
        .expect("SML09");
    assert!(without_round < closed, "late ones first");
    assert!(!page.body.contains("/exempt\""), "a reviewer marks nothing");
    insta::assert_snapshot!("dashboard_district", redact(&page.body));
    for path in ["/dashboard/districts/PDV", "/dashboard/nation"] {
        assert_eq!(
            app.get_as(path, &s).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let coordinator = app
        .user_session(
            "m@x.bg",
            &[(
                Role::Coordinator,
                Scope::Municipality(app.municipality_id("Девин").await),
            )],
        )
        .await;
    assert_eq!(
        app.get_as("/dashboard/districts/SML", &coordinator)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_national_dashboard_counts_each_districts_municipalities_by_standing() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    plan_of(&app, "VAR06", None).await;
    let s = app
        .user_session("n@x.bg", &[(Role::NationalViewer, Scope::National)])
        .await;
    assert_eq!(
        app.get_as("/dashboard", &s).await.location(),
        "/dashboard/nation"
    );
    let page = app.get_as("/dashboard/nation?year=2024", &s).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body.matches("/dashboard/districts/").count(), 28);
    insta::assert_snapshot!("dashboard_nation", redact(&page.body));
    let district = app.get_as("/dashboard/districts/VAR?year=2024", &s).await;
    assert_eq!(district.status, StatusCode::OK);
    assert!(
        !district.body.contains("/exempt\""),
        "a viewer marks nothing"
    );
}

#[tokio::test]
async fn a_district_coordinator_marks_a_municipality_of_the_district_as_not_reporting() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML16", None).await;
    let s = app
        .user_session(
            "dc@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("SML".into()))],
        )
        .await;
    let page = app.get_as("/dashboard/districts/SML?year=2024", &s).await;
    assert!(page.body.contains("/dashboard/districts/SML/exempt"));
    let empty = app
        .post_form(
            "/dashboard/districts/SML/exempt",
            &s,
            &[("municipality", "SML16"), ("year", "2024"), ("reason", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            "/dashboard/districts/SML/exempt",
            &s,
            &[
                ("municipality", "SML16"),
                ("year", "2024"),
                ("reason", "Планът е отменен от общинския съвет"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get_as("/dashboard/districts/SML?year=2024", &s).await;
    assert!(page.body.contains("Планът е отменен от общинския съвет"));
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'reporting.exempt'")
            .fetch_one(&app.db.pool)
            .await
            .expect("events");
    assert_eq!(events, 1);
    // Another district's municipality, through this district or its own: refused.
    let elsewhere = app
        .post_form(
            "/dashboard/districts/SML/exempt",
            &s,
            &[("municipality", "VAR06"), ("year", "2024"), ("reason", "x")],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    let other = app
        .post_form(
            "/dashboard/districts/VAR/exempt",
            &s,
            &[("municipality", "VAR06"), ("year", "2024"), ("reason", "x")],
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let lift = app
        .post_form(
            "/dashboard/districts/SML/lift",
            &s,
            &[("municipality", "SML16"), ("year", "2024")],
        )
        .await;
    assert_eq!(lift.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form(
            "/dashboard/districts/SML/lift",
            &s,
            &[("municipality", "SML16"), ("year", "2024")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_coordinator_confirms_or_rejects_the_suggested_links_to_the_district_plan() {
    let app = TestApp::spawn().await;
    let t = tree();
    let smolyan = t.district("SML").expect("district");
    let child = {
        let m = t.municipality("SML09").expect("municipality");
        municipal_plan(&Spec::default(), m, &smolyan.name)
    };
    let id = app.create_plan(&child).await;
    let parent = district_plan(&Spec::default(), smolyan);
    let mut tx = app.db.pool.begin().await.expect("tx");
    let parent_id = planmon::levels::store::create_level_plan(
        &mut tx,
        Some(smolyan),
        &parent,
        None,
        &Actor::system(),
    )
    .await
    .expect("district plan");
    planmon::levels::store::set_parents(
        &mut tx,
        id,
        Some(parent_id),
        None,
        false,
        &Actor::system(),
    )
    .await
    .expect("parents");
    tx.commit().await.expect("commit");
    let municipality = app.municipality_id(&child.municipality).await;
    let s = app
        .user_session(
            "c@x.bg",
            &[(Role::Coordinator, Scope::Municipality(municipality))],
        )
        .await;
    let page = app.get_as(&format!("/plans/{id}/links"), &s).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Няма предложени връзки"));
    let r = app
        .post_form(&format!("/plans/{id}/links/suggest"), &s, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let links = planmon::levels::store::links(&app.db, id)
        .await
        .expect("links");
    assert_eq!(links.len(), child.measures().count());
    let first = links[0].id;
    let r = app
        .post_form(
            &format!("/plans/{id}/links/{first}"),
            &s,
            &[("decision", "confirm")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let second = links[1].id;
    app.post_form(
        &format!("/plans/{id}/links/{second}"),
        &s,
        &[("decision", "reject")],
    )
    .await;
    let states: Vec<String> = planmon::levels::store::links(&app.db, id)
        .await
        .expect("links")
        .into_iter()
        .filter(|l| l.id == first || l.id == second)
        .map(|l| l.state)
        .collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&"confirmed".to_string()));
    assert!(states.contains(&"rejected".to_string()));
    let page = app.get_as(&format!("/plans/{id}/links"), &s).await;
    insta::assert_snapshot!("plan_links", redact(&page.body));
    let stranger = app
        .user_session(
            "dv@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("VAR".into()))],
        )
        .await;
    assert_eq!(
        app.get_as(&format!("/plans/{id}/links"), &stranger)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let viewer = app
        .user_session("nv@x.bg", &[(Role::NationalViewer, Scope::National)])
        .await;
    assert_eq!(
        app.post_form(
            &format!("/plans/{id}/links/{first}"),
            &viewer,
            &[("decision", "reject")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_plan_link_of_a_municipality_page_opens_whatever_the_year() {
    let app = TestApp::spawn().await;
    let code = "PDV22";
    // A plan without a closed round of the year asked.
    plan_of(&app, code, None).await;
    let href = regex::Regex::new(r#"href="(/plans/[^"]+)""#).expect("regex");
    for year in [2021, 2024] {
        let page = app
            .get(&format!("/municipalities/{code}?year={year}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let links: Vec<String> = href
            .captures_iter(&page.body)
            .map(|c| c[1].replace("&amp;", "&"))
            .collect();
        assert!(!links.is_empty(), "the page lists the plan");
        for link in links {
            let r = app.get(&link).await;
            assert_eq!(r.status, StatusCode::OK, "{link} from the {year} page");
        }
    }
}

#[tokio::test]
async fn english_pages_name_the_priority_areas_in_english() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    let r = app
        .request(
            axum::http::Request::get("/")
                .header("cookie", "lang=en")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for area in [
        "Education",
        "Health care",
        "Rule of law and non-discrimination",
    ] {
        assert!(r.body.contains(area), "{area}");
    }
    assert!(!r.body.contains(">Образование<"));
}

#[tokio::test]
async fn the_home_page_lists_the_district_plan_apart_from_the_municipality_of_the_same_name() {
    let app = TestApp::spawn().await;
    let t = tree();
    let smolyan = t.district("SML").expect("district");
    plan_of(&app, "SML31", None).await;
    let parent = district_plan(&Spec::default(), smolyan);
    let mut tx = app.db.pool.begin().await.expect("tx");
    planmon::levels::store::create_level_plan(
        &mut tx,
        Some(smolyan),
        &parent,
        None,
        &Actor::system(),
    )
    .await
    .expect("district plan");
    tx.commit().await.expect("commit");
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let district = home
        .body
        .find("Областна стратегия: Област Смолян")
        .unwrap_or_else(|| {
            let h3: Vec<&str> = home.body.lines().filter(|l| l.contains("<h3")).collect();
            panic!("the district's own group: {h3:?}")
        });
    let municipality = home
        .body
        .find(">Община Смолян")
        .expect("the municipality's group");
    assert!(district < municipality, "the district's plans come first");
    assert_eq!(home.body.matches(">Община Смолян").count(), 1);
}
