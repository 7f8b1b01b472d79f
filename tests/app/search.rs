//! Full-text search with filters, on both backends.

use crate::helpers::assert_accessible_basics;
use crate::helpers::{TestApp, sample_plan};
use planmon::plan::NationalArea;
use planmon::search::SearchQuery;
use planmon::search::store::search;

fn keys(hits: &[planmon::search::store::Hit]) -> Vec<String> {
    let mut k: Vec<String> = hits.iter().map(|h| h.key.clone()).collect();
    k.sort();
    k
}

#[tokio::test]
async fn words_match_by_their_beginning_in_activities_and_indicators() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let q = |text: &str| SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    };
    assert_eq!(
        keys(&search(&app.db, &q("ваксин")).await.expect("search")),
        vec!["m3"]
    );
    assert_eq!(
        keys(&search(&app.db, &q("обхванати деца")).await.expect("search")),
        vec!["m1"]
    );
    assert_eq!(
        keys(&search(&app.db, &q("ПОСОБИЯ")).await.expect("search")),
        vec!["m2"]
    );
    assert!(
        search(&app.db, &q("несъществуваща"))
            .await
            .expect("search")
            .is_empty()
    );
}

#[tokio::test]
async fn filters_narrow_by_area_institution_and_status() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let by_area = SearchQuery {
        area: Some(NationalArea::Health),
        ..SearchQuery::default()
    };
    assert_eq!(
        keys(&search(&app.db, &by_area).await.expect("search")),
        vec!["m3"]
    );
    let by_inst = SearchQuery {
        institution: Some("zdravni-mediatori".into()),
        ..SearchQuery::default()
    };
    assert_eq!(
        keys(&search(&app.db, &by_inst).await.expect("search")),
        vec!["m1", "m3"]
    );
    let by_status = SearchQuery {
        status: Some("Предстои".into()),
        ..SearchQuery::default()
    };
    assert_eq!(
        keys(&search(&app.db, &by_status).await.expect("search")),
        vec!["m2"]
    );
    let combined = SearchQuery {
        text: "кампании".into(),
        institution: Some("zdravni-mediatori".into()),
        ..SearchQuery::default()
    };
    assert_eq!(
        keys(&search(&app.db, &combined).await.expect("search")),
        vec!["m3"]
    );
}

#[tokio::test]
async fn query_syntax_typed_by_a_user_is_harmless() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    for text in [
        "\"",
        "a OR",
        "x & | !",
        "(*)",
        "NEAR(",
        "'; DROP TABLE plans; --",
    ] {
        let q = SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        };
        search(&app.db, &q)
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    assert_eq!(app.plan_count().await, 1);
}

#[tokio::test]
async fn search_page_shows_results_and_keeps_the_filters() {
    let app = TestApp::spawn().await;
    app.create_plan(&sample_plan()).await;
    let r = app
        .get("/search?q=%D0%B2%D0%B0%D0%BA%D1%81%D0%B8%D0%BD&area=health")
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    assert!(r.body.contains("Намерени мерки: 1"));
    assert!(r.body.contains("<option value=\"health\" selected>"));
    assert_accessible_basics(&r.body);
    let empty = app.get("/search").await;
    assert!(!empty.body.contains("Намерени мерки"));
}
