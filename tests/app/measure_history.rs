//! A measure's public page shows its yearly history (issue 17): approved reports of closed
//! rounds year by year, and the amendments that touched the measure; on both databases.

use crate::helpers::{TestApp, assert_accessible_basics, redact, sample_plan};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use planmon::amend::store as amend;
use planmon::audit::Actor;
use planmon::money::Currency;
use planmon::plan::act::Act;
use planmon::plan::keys::KeySource;
use planmon::plan::store as plans;
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::save_snapshot;
use planmon::snapshot::{
    Evidence, IndicatorValue, MeasureUpdate, ReportedStatus, ReviewState, Spent, Value,
};

/// An approved report on measure m1 with the value `children` of its indicator.
fn report(state: ReviewState, narrative: &str, children: f64, leva: i64) -> MeasureUpdate {
    MeasureUpdate {
        measure_key: "m1".into(),
        institution: "Община Тестово".into(),
        state,
        status: Some(ReportedStatus::InProgress),
        values: vec![IndicatorValue {
            indicator_key: "i1".into(),
            value: Value::Number { value: children },
        }],
        spent: vec![Spent {
            source: Some("Общински бюджет".into()),
            minor: leva * 100,
            currency: Currency::Bgn,
        }],
        people_reached: None,
        narrative: narrative.into(),
        evidence: vec![
            Evidence {
                title: "Снимки от срещите".into(),
                url: Some("https://example.org/sreshti".into()),
                file_name: None,
                media_type: None,
                size: None,
                sha256: None,
            },
            Evidence {
                title: "Присъствен списък".into(),
                url: None,
                file_name: Some("spisak-vatreshen.pdf".into()),
                media_type: Some("application/pdf".into()),
                size: Some(1000),
                sha256: Some("0".repeat(64)),
            },
        ],
        submitted_at: Some("2025-01-20T10:00:00Z".into()),
        approved_at: (state == ReviewState::Approved).then(|| "2025-02-01T10:00:00Z".into()),
    }
}

/// Closes plan `id`'s round of `year` with exactly `updates`.
async fn close_year(app: &TestApp, id: i64, year: i32, updates: Vec<MeasureUpdate>) {
    let mut snap = sample_round(id, 1, &sample_plan(), year);
    snap.updates = updates;
    save_snapshot(&app.db.pool, &snap).await.expect("snapshot");
}

#[tokio::test]
async fn a_measure_with_two_closed_years_shows_both_with_their_values() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let approved = ReviewState::Approved;
    close_year(
        &app,
        id,
        2023,
        vec![report(
            approved,
            "Проведени 12 срещи с родители",
            150.0,
            2_000,
        )],
    )
    .await;
    close_year(
        &app,
        id,
        2024,
        vec![report(approved, "Обхванати още 60 деца", 210.0, 3_500)],
    )
    .await;
    let r = app.get(&format!("/plans/{id}/measures/m1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    let first = r
        .body
        .find("<h3 id=\"year-2023\">2023 г.</h3>")
        .expect("2023");
    let second = r
        .body
        .find("<h3 id=\"year-2024\">2024 г.</h3>")
        .expect("2024");
    assert!(first < second, "oldest year first");
    for text in [
        "Проведени 12 срещи с родители",
        "Обхванати още 60 деца",
        "<td>150</td>",
        "<td>210</td>",
        "2\u{a0}000 лв.",
        "3\u{a0}500 лв.",
        "в процес на изпълнение",
        "href=\"https://example.org/sreshti\"",
    ] {
        assert!(r.body.contains(text), "{text} missing");
    }
    assert!(
        !r.body.contains("spisak-vatreshen") && !r.body.contains("Присъствен списък"),
        "a stored file is not public"
    );
    assert!(r.body.contains("<caption id=\"indicators-2024\">"));
    insta::assert_snapshot!("measure_history_two_years", redact(&r.body));
}

#[tokio::test]
async fn an_update_not_approved_never_shows() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    close_year(
        &app,
        id,
        2024,
        vec![
            report(
                ReviewState::Draft,
                "Чернова, която не е подадена",
                900.0,
                9_000,
            ),
            report(
                ReviewState::Submitted,
                "Подаден, но не одобрен",
                800.0,
                8_000,
            ),
        ],
    )
    .await;
    let r = app.get(&format!("/plans/{id}/measures/m1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("За тази година няма одобрен отчет за мярката.")
    );
    for text in [
        "Чернова",
        "Подаден, но",
        "900",
        "800",
        "9\u{a0}000",
        "example.org",
    ] {
        assert!(!r.body.contains(text), "{text} shown");
    }
}

#[tokio::test]
async fn a_measure_without_a_closed_round_says_so_plainly() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let r = app.get(&format!("/plans/{id}/measures/m1")).await;
    assert!(r.body.contains("Все още няма приключил отчетен период"));
    assert!(
        r.body
            .contains("Мярката не е променяна с изменение на плана.")
    );
}

#[tokio::test]
async fn an_amendment_that_changed_the_measure_is_listed() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let current = plans::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("plan");
    let mut amended = current.plan.clone();
    let m1 = amended
        .priorities
        .iter_mut()
        .flat_map(|p| p.objectives.iter_mut())
        .flat_map(|o| o.measures.iter_mut())
        .find(|m| m.key == "m1")
        .expect("m1");
    m1.activities.push("Летни занимания".into());
    let prepared = amend::prepare(&app.db, id, &amended, KeySource::Kept)
        .await
        .expect("prepare")
        .expect("plan");
    let act =
        Act::amendment("41", "7", "2024-06-30", "", "по предложение на кмета", "").expect("act");
    amend::save(
        &app.db,
        &prepared,
        &act,
        Actor::system(),
        "тест",
        None,
        None,
    )
    .await
    .expect("saved");

    let r = app.get(&format!("/plans/{id}/measures/m1")).await;
    assert!(r.body.contains("Изменена мярка"));
    assert!(r.body.contains("Версия 2"));
    assert!(r.body.contains("41, протокол"), "the act is named");
    assert!(
        r.body
            .contains(&format!("/plans/{id}/diff?from=1&#38;to=2"))
    );
    let other = app.get(&format!("/plans/{id}/measures/m2")).await;
    assert!(
        other
            .body
            .contains("Мярката не е променяна с изменение на плана.")
    );
}

#[tokio::test]
async fn the_english_measure_page_marks_every_bulgarian_word_of_the_history() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    close_year(
        &app,
        id,
        2024,
        vec![report(
            ReviewState::Approved,
            "Обхванати още 60 деца",
            210.0,
            3_500,
        )],
    )
    .await;
    let r = app
        .request(
            Request::get(format!("/plans/{id}/measures/m1"))
                .header("cookie", "lang=en")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Progress by year"));
    assert!(r.body.contains("Approved reports for 2024"));
    assert!(r.body.contains("in progress"));
    assert!(r.body.contains("BGN"), "money in English: {}", r.body);
    let (unmarked, _) = crate::english::read_page(&r.body);
    assert!(unmarked.is_empty(), "Bulgarian not marked: {unmarked:?}");
}
