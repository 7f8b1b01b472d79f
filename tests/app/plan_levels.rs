//! Plans at every level (issue 13): naming the plans a plan implements on its page (the
//! plan's coordinator, the district's or the national coordinator), confirmed links shown on
//! the measure page, and indicators mapped to the national plan's.

use crate::helpers::{TestApp, assert_accessible_basics};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};
use planmon::audit::Actor;
use planmon::generate::{Spec, district_plan, municipal_plan, national_plan};
use planmon::territory::tree;

/// A municipal plan of Мадан (district Смолян), Смолян's district plan and the national plan:
/// (municipal, district, national) plan ids.
async fn three_levels(app: &TestApp) -> (i64, i64, i64) {
    let t = tree();
    let smolyan = t.district("SML").expect("district");
    let child = municipal_plan(
        &Spec::default(),
        t.municipality("SML16").expect("municipality"),
        &smolyan.name,
    );
    let id = app.create_plan(&child).await;
    let mut tx = app.db.pool.begin().await.expect("tx");
    let district = planmon::levels::store::create_level_plan(
        &mut tx,
        Some(smolyan),
        &district_plan(&Spec::default(), smolyan),
        None,
        &Actor::system(),
    )
    .await
    .expect("district plan");
    let nation = planmon::levels::store::create_level_plan(
        &mut tx,
        None,
        &national_plan(&Spec::default()),
        None,
        &Actor::system(),
    )
    .await
    .expect("national plan");
    tx.commit().await.expect("commit");
    (id, district, nation)
}

async fn parents_of(app: &TestApp, id: i64) -> (Option<i64>, Option<i64>) {
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let l = planmon::levels::store::plan_level(&mut conn, id)
        .await
        .expect("level")
        .expect("plan");
    (l.district_plan_id, l.national_plan_id)
}

#[tokio::test]
async fn the_coordinator_names_the_district_and_national_plans_a_municipal_plan_implements() {
    let app = TestApp::spawn().await;
    let (id, district, nation) = three_levels(&app).await;
    let municipality = app.municipality_id("Мадан").await;
    let c = app
        .user_session(
            "c@x.bg",
            &[(Role::Coordinator, Scope::Municipality(municipality))],
        )
        .await;
    let page = app.get_as(&format!("/plans/{id}/parents"), &c).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_accessible_basics(&page.body);
    assert!(page.body.contains(&format!("<option value=\"{district}\"")));
    assert!(page.body.contains(&format!("<option value=\"{nation}\"")));

    let wrong = app
        .post_form(
            &format!("/plans/{id}/parents"),
            &c,
            &[
                ("district_plan", &nation.to_string()),
                ("national_plan", ""),
            ],
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the national plan is no district plan"
    );
    assert!(wrong.body.contains("id=\"district_plan-error\""));
    assert_eq!(parents_of(&app, id).await, (None, None), "nothing stored");

    let saved = app
        .post_form(
            &format!("/plans/{id}/parents"),
            &c,
            &[
                ("district_plan", &district.to_string()),
                ("national_plan", &nation.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("/plans/{id}/links"));
    assert_eq!(parents_of(&app, id).await, (Some(district), Some(nation)));
    let named: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.parents' AND municipality_id = $1",
    )
    .bind(municipality)
    .fetch_one(&app.db.pool)
    .await
    .expect("audit");
    assert_eq!(named, 1, "the event names the municipality");

    // The district's coordinator may set a district plan's parent; another district's may not.
    let dc = app
        .user_session(
            "dc@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("SML".into()))],
        )
        .await;
    let page = app.get_as(&format!("/plans/{district}/parents"), &dc).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("id=\"district_plan\""),
        "a district plan names no district plan"
    );
    let set = app
        .post_form(
            &format!("/plans/{district}/parents"),
            &dc,
            &[("national_plan", &nation.to_string())],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(parents_of(&app, district).await, (None, Some(nation)));
    let other = app
        .user_session(
            "var@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("VAR".into()))],
        )
        .await;
    for path in [
        format!("/plans/{id}/parents"),
        format!("/plans/{district}/parents"),
    ] {
        assert_eq!(
            app.get_as(&path, &other).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let reviewer = app
        .user_session(
            "r@x.bg",
            &[(Role::Reviewer, Scope::Municipality(municipality))],
        )
        .await;
    assert_eq!(
        app.post_form(&format!("/plans/{id}/parents"), &reviewer, &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let nc = app
        .user_session("nc@x.bg", &[(Role::NationalCoordinator, Scope::National)])
        .await;
    let national = app.get_as(&format!("/plans/{nation}/parents"), &nc).await;
    assert_eq!(national.status, StatusCode::OK);
    assert!(national.body.contains("не изпълнява план на по-горно ниво"));
    assert_eq!(
        app.post_form(&format!("/plans/{nation}/parents"), &nc, &[])
            .await
            .status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn a_confirmed_link_shows_on_the_measure_page_and_indicators_map_to_the_national_ones() {
    let app = TestApp::spawn().await;
    let (id, district, nation) = three_levels(&app).await;
    let mut tx = app.db.pool.begin().await.expect("tx");
    planmon::levels::store::set_parents(
        &mut tx,
        id,
        Some(district),
        Some(nation),
        false,
        &Actor::system(),
    )
    .await
    .expect("parents");
    tx.commit().await.expect("commit");
    let municipality = app.municipality_id("Мадан").await;
    let c = app
        .user_session(
            "c@x.bg",
            &[(Role::Coordinator, Scope::Municipality(municipality))],
        )
        .await;
    let r = app
        .post_form(&format!("/plans/{id}/links/suggest"), &c, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let links = planmon::levels::store::links(&app.db, id)
        .await
        .expect("links");
    let link = links
        .iter()
        .find(|l| l.parent_kind == "measure")
        .expect("a measure link");
    let before = app
        .get(&format!("/plans/{id}/measures/{}", link.measure_key))
        .await;
    assert!(
        !before.body.contains("id=\"parent-links\""),
        "not confirmed yet"
    );
    app.post_form(
        &format!("/plans/{id}/links/{}", link.id),
        &c,
        &[("decision", "confirm")],
    )
    .await;
    let page = app
        .get(&format!("/plans/{id}/measures/{}", link.measure_key))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"parent-links\""), "{}", page.body);
    assert!(page.body.contains(&format!(
        "href=\"/plans/{district}/measures/{}\"",
        link.parent_ref
    )));

    let page = app.get_as(&format!("/plans/{id}/indicators"), &c).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_accessible_basics(&page.body);
    let plan = app.state.plan(id).await.expect("load").expect("plan");
    let national = app.state.plan(nation).await.expect("load").expect("plan");
    let offers = planmon::levels::mapping::offers(&plan.plan, &national.plan);
    let ((mk, ik), offer) = offers
        .iter()
        .filter_map(|(k, list)| list.first().map(|o| (k.clone(), o.clone())))
        .min_by(|a, b| a.0.cmp(&b.0))
        .expect("an indicator with an offer");
    let field = format!("map-{mk}-{ik}");
    let wrong = app
        .post_form(
            &format!("/plans/{id}/indicators"),
            &c,
            &[(&field, "m999/i9")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let value = format!("{}/{}", offer.measure_key, offer.indicator_key);
    let saved = app
        .post_form(&format!("/plans/{id}/indicators"), &c, &[(&field, &value)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = planmon::levels::mapping::mappings(&app.db, id)
        .await
        .expect("mappings");
    assert_eq!(stored.len(), 1, "only what the form sent is mapped");
    assert_eq!(
        (
            stored[0].national_plan_id,
            stored[0].national_measure_key.as_str()
        ),
        (nation, offer.measure_key.as_str())
    );
    let all = planmon::rollup::store::mappings(&app.db)
        .await
        .expect("all");
    assert_eq!(
        all[&id][&(mk.clone(), ik.clone())],
        planmon::rollup::mapped::national_ref(nation, &offer.measure_key, &offer.indicator_key)
    );
    let stranger = app
        .user_session(
            "var@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("VAR".into()))],
        )
        .await;
    assert_eq!(
        app.get_as(&format!("/plans/{id}/indicators"), &stranger)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// A national plan, made and named as the parent of plan `id`: its id.
async fn national_parent(app: &TestApp, id: i64) -> i64 {
    let mut tx = app.db.pool.begin().await.expect("tx");
    let nation = planmon::levels::store::create_level_plan(
        &mut tx,
        None,
        &national_plan(&Spec::default()),
        None,
        &Actor::system(),
    )
    .await
    .expect("national plan");
    planmon::levels::store::set_parents(&mut tx, id, None, Some(nation), false, &Actor::system())
        .await
        .expect("parents");
    tx.commit().await.expect("commit");
    nation
}

/// The national plan, named as the parent of plan `id`, with each of `id`'s indicators
/// mapped to the first national indicator offered: the national plan's id.
async fn map_to_national(app: &TestApp, id: i64) -> i64 {
    let nation = national_parent(app, id).await;
    let plan = app.state.plan(id).await.expect("load").expect("plan");
    let national = app.state.plan(nation).await.expect("load").expect("plan");
    let chosen: Vec<planmon::levels::mapping::Chosen> =
        planmon::levels::mapping::offers(&plan.plan, &national.plan)
            .iter()
            .filter_map(|(k, list)| {
                list.first()
                    .map(|o| (k.clone(), (o.measure_key.clone(), o.indicator_key.clone())))
            })
            .collect();
    assert!(!chosen.is_empty());
    let mut tx = app.db.pool.begin().await.expect("tx");
    planmon::levels::mapping::save(&mut tx, id, nation, &chosen, None, &Actor::system())
        .await
        .expect("mapped");
    tx.commit().await.expect("commit");
    nation
}

#[tokio::test]
async fn the_roll_up_api_gives_the_mapped_national_indicators_and_the_money_planned_by_source() {
    let app = TestApp::spawn().await;
    let id = crate::helpers::plan_of(&app, "SML16", Some(2024)).await;
    let nation = map_to_national(&app, id).await;
    let (status, n) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = app.get_json("/api/v1/rollup/2024/districts/SML").await;
    let national = &n["totals"]["national_indicators"];
    assert_eq!(
        national, &d["totals"]["national_indicators"],
        "the district adds the same"
    );
    let listed = national.as_array().expect("a list");
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|i| i["plan_id"] == nation));
    let planned = &n["totals"]["money"]["planned_by_source"];
    assert!(planned.as_array().is_some_and(|p| !p.is_empty()));
    insta::assert_json_snapshot!(
        "rollup_national_indicators_and_planned_by_source",
        serde_json::json!({ "national_indicators": national, "planned_by_source": planned }),
        { ".national_indicators[].plan_id" => "[national plan]" }
    );
}

#[tokio::test]
async fn the_roll_up_adds_mapped_indicators_up_by_the_national_indicator() {
    let app = TestApp::spawn().await;
    let id = crate::helpers::plan_of(&app, "SML16", Some(2024)).await;
    let nation = national_parent(&app, id).await;
    let before = planmon::rollup::store::rollup(&app.db, &app.state.rollups, 2024)
        .await
        .expect("roll-up");
    assert!(before.totals.national.is_empty(), "nothing mapped yet");
    let plan = app.state.plan(id).await.expect("load").expect("plan");
    let national = app.state.plan(nation).await.expect("load").expect("plan");
    let offers = planmon::levels::mapping::offers(&plan.plan, &national.plan);
    let chosen: Vec<planmon::levels::mapping::Chosen> = offers
        .iter()
        .filter_map(|(k, list)| {
            list.first()
                .map(|o| (k.clone(), (o.measure_key.clone(), o.indicator_key.clone())))
        })
        .collect();
    assert!(!chosen.is_empty());
    let mut tx = app.db.pool.begin().await.expect("tx");
    planmon::levels::mapping::save(&mut tx, id, nation, &chosen, None, &Actor::system())
        .await
        .expect("mapped");
    tx.commit().await.expect("commit");
    let after = planmon::rollup::store::rollup(&app.db, &app.state.rollups, 2024)
        .await
        .expect("roll-up");
    assert!(
        !after.totals.national.is_empty(),
        "a new mapping is seen by the kept roll-up"
    );
    let snap = planmon::snapshot::store::load_snapshot(&app.db, id, 2024)
        .await
        .expect("load")
        .expect("snapshot");
    let mapping = planmon::rollup::store::mappings(&app.db)
        .await
        .expect("mappings")
        .remove(&id)
        .expect("the plan's");
    let expected =
        planmon::rollup::mapped::mapped_totals(&snap.snapshot, &Default::default(), &mapping);
    assert_eq!(after.totals.national, expected);
    let district = after.district("SML").expect("Смолян");
    assert_eq!(
        district.totals.national, expected,
        "the district adds the same"
    );
}
