//! The published annual report read on its page (issue 17): the whole report as an HTML
//! publication in the site's layout — contents, sections, tables, charts with their data —
//! beside its adoption and downloads, from what was approved only; the demo publishes one.

use crate::helpers::{TestApp, sample_plan};
use axum::http::StatusCode;
use planmon::audit::Actor;
use planmon::report::Narrative;
use planmon::report::adoption::{self, CouncilAdoption, Table};
use planmon::report::store::{self as reports, ReportState};
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::{save_sample_snapshot, save_snapshot};
use scraper::{Html, Selector};

const YEAR: i32 = 2024;

/// A plan with a sample round for [`YEAR`] whose report the demo published; (plan, report).
async fn published(app: &TestApp) -> (i64, i64) {
    let plan = sample_plan();
    let plan_id = app.create_plan(&plan).await;
    save_sample_snapshot(&app.db, &sample_round(plan_id, 1, &plan, YEAR))
        .await
        .expect("sample round");
    planmon::demo::load_report_drafts(&app.db, &[plan_id])
        .await
        .expect("draft");
    let done =
        planmon::demo::publish_sample_report(&app.db, &app.state.config.data_dir, &[plan_id])
            .await
            .expect("publish");
    assert!(done, "the demo publishes the sample round's report");
    let again =
        planmon::demo::publish_sample_report(&app.db, &app.state.config.data_dir, &[plan_id])
            .await
            .expect("publish again");
    assert!(!again, "only once");
    let rid = reports::versions(&app.db, plan_id, YEAR)
        .await
        .expect("versions")[0]
        .id;
    (plan_id, rid)
}

fn texts(html: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    html.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    html.select(&sel)
        .map(|e| e.value().attr(attr).unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_published_report_reads_on_its_page_with_every_section_of_its_document() {
    let app = TestApp::spawn().await;
    let (plan_id, rid) = published(&app).await;
    let page = app.get(&format!("/plans/{plan_id}/reports/{YEAR}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = Html::parse_document(&page.body);

    // Every chapter of the adopted document is a section of the page, in the same order.
    let document = app.get(&format!("/reports/{rid}/download/html")).await;
    let document = Html::parse_document(&document.body);
    let chapters: Vec<String> = texts(&document, "main h2[id]")
        .into_iter()
        .filter(|h| h != "Съдържание")
        .collect();
    assert!(chapters.len() >= 5, "{chapters:?}");
    let sections = texts(&html, "article.publication-body > section > h2");
    assert_eq!(sections, chapters);
    // The contents list names them and links to them.
    assert_eq!(texts(&html, "nav.pub-toc li a"), chapters);
    for href in attrs(&html, "nav.pub-toc li a", "href") {
        let id = href.trim_start_matches('#');
        assert_eq!(
            attrs(&html, &format!("[id=\"{id}\"]"), "id").len(),
            1,
            "{href}"
        );
    }
    // The report's own text is marked Bulgarian as a whole.
    assert_eq!(
        attrs(&html, "article.publication-body", "lang"),
        ["bg"],
        "the article is the report's Bulgarian text"
    );
    // Each chart: drawn wide and narrow, with its data table.
    let figures = Selector::parse("figure.chart").expect("selector");
    let mut n = 0;
    for f in html.select(&figures) {
        n += 1;
        for part in [
            ".chart-wide svg[role=img]",
            ".chart-narrow svg[role=img]",
            "table",
        ] {
            let sel = Selector::parse(part).expect("selector");
            assert_eq!(f.select(&sel).count(), 1, "{part} in figure {n}");
        }
    }
    assert!(n >= 2, "the summary's charts");
    // Every data cell says its column's name for the phone's cards.
    let labels = attrs(&html, "table.stack td", "data-label");
    assert!(!labels.is_empty() && labels.iter().all(|l| !l.is_empty()));
    // The adoption and the three documents with their checksums beside it.
    let aside = texts(&html, "aside.publication-facts");
    assert!(
        aside[0].contains("Решение № 1 по Протокол № 1"),
        "{aside:?}"
    );
    let files = adoption::files(&app.db, Table::Annual, rid)
        .await
        .expect("files");
    assert_eq!(files.len(), 3);
    for f in files {
        assert!(aside[0].contains(&f.sha256), "{} not shown", f.format);
        assert_eq!(
            attrs(
                &html,
                &format!("aside a[href=\"/reports/{rid}/download/{}\"]", f.format),
                "href"
            )
            .len(),
            1
        );
    }
}

#[tokio::test]
async fn the_publication_shows_what_was_approved_and_lists_the_version_it_replaced() {
    let app = TestApp::spawn().await;
    let (plan_id, rid) = published(&app).await;
    let path = format!("/plans/{plan_id}/reports/{YEAR}");
    let before = app.get(&path).await;
    let mut plan = sample_plan();
    let title = plan.priorities[0].title.clone();
    assert!(before.body.contains(&title));

    // The round changes after approval and a correction is drafted with new text: neither is
    // public until approved, adopted and published.
    plan.priorities[0].title = "Заглавие след одобрението".into();
    save_snapshot(&app.db.pool, &sample_round(plan_id, 1, &plan, YEAR))
        .await
        .expect("changed round");
    let row = reports::get(&app.db, rid)
        .await
        .expect("get")
        .expect("report");
    let actor = Actor::system();
    let v2 = reports::correct(&app.db, &row, "Поправка на текста", &actor)
        .await
        .expect("correction");
    let draft = reports::get(&app.db, v2).await.expect("get").expect("v2");
    let narrative = Narrative {
        introduction: "Неодобрен текст на поправката.".into(),
        ..Narrative::default()
    };
    reports::save_narrative(&app.db, &draft, &narrative, &actor)
        .await
        .expect("narrative");
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for unapproved in [
        "Заглавие след одобрението",
        "Неодобрен текст на поправката.",
    ] {
        assert!(!page.body.contains(unapproved), "{unapproved} is public");
    }
    assert!(page.body.contains(&title));

    // Once the correction is published it is the page, and version 1 is listed beside it.
    let step = |id: i64| {
        let db = app.db.clone();
        async move { reports::get(&db, id).await.expect("get").expect("row") }
    };
    reports::submit(&app.db, &step(v2).await, &actor)
        .await
        .expect("submit");
    reports::approve(&app.db, &step(v2).await, "", &actor)
        .await
        .expect("approve");
    let adoption = CouncilAdoption {
        decision_number: "2".into(),
        protocol_number: "2".into(),
        date: format!("{}-06-30", YEAR + 1),
        file: None,
        url: Some("https://example.org/reshenie-2".into()),
    };
    reports::adopt(
        &app.db,
        &app.state.config.data_dir,
        &step(v2).await,
        &adoption,
        &actor,
    )
    .await
    .expect("adopt");
    reports::publish(&app.db, &step(v2).await, &actor)
        .await
        .expect("publish");
    assert_eq!(step(v2).await.state(), ReportState::Published);
    let page = app.get(&path).await;
    let html = Html::parse_document(&page.body);
    assert!(page.body.contains("Неодобрен текст на поправката."));
    assert!(page.body.contains("Заглавие след одобрението"));
    let earlier = texts(&html, "aside.publication-facts h3#earlier + ul li");
    assert_eq!(earlier.len(), 1, "{earlier:?}");
    assert!(earlier[0].starts_with("Версия 1"), "{earlier:?}");
    assert_eq!(
        attrs(&html, "aside dd a[href^=\"https://\"]", "href"),
        ["https://example.org/reshenie-2"]
    );
}
