//! District and national annual reports (issue 13): started from the dashboards, compiled from
//! the municipalities' approved data of closed rounds, approved once every municipality with a
//! plan in force reported or was marked as not reporting, adopted, published; HTML, DOCX and PDF.

use crate::helpers::{TestApp, assert_accessible_basics, plan_of, post_multipart, redact};
use axum::http::StatusCode;
use planmon::account::{Role, Scope};

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_district_report_waits_for_every_municipality_then_is_approved_adopted_and_published() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    plan_of(&app, "SML16", None).await;
    let dc = app
        .user_session(
            "dc@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("SML".into()))],
        )
        .await;
    let dr = app
        .user_session(
            "dr@x.bg",
            &[(Role::DistrictReviewer, Scope::District("SML".into()))],
        )
        .await;
    let other = app
        .user_session(
            "pdv@x.bg",
            &[(Role::DistrictCoordinator, Scope::District("PDV".into()))],
        )
        .await;
    let dashboard = app.get_as("/dashboard/districts/SML?year=2024", &dc).await;
    assert!(
        dashboard
            .body
            .contains("action=\"/dashboard/districts/SML/report\"")
    );
    let refused = app
        .post_form("/dashboard/districts/SML/report", &dr, &[("year", "2024")])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a reviewer starts nothing"
    );
    let started = app
        .post_form("/dashboard/districts/SML/report", &dc, &[("year", "2024")])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page_path = started.location().to_string();
    let id = page_path.trim_start_matches("/area-reports/").to_string();
    let twice = app
        .post_form("/dashboard/districts/SML/report", &dc, &[("year", "2024")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    let page = app.get_as(&page_path, &dc).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    insta::assert_snapshot!("area_report_draft", redact(&page.body));
    assert_eq!(app.get(&page_path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_as(&page_path, &other).await.status,
        StatusCode::FORBIDDEN
    );

    let saved = app
        .post_form(
            &format!("{page_path}/narrative"),
            &dc,
            &[
                ("introduction", "Областта отчита първата година."),
                ("area_0", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        app.post_form(&format!("{page_path}/approve"), &dc, &[])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "the coordinator does not approve"
    );
    let waits = app
        .post_form(&format!("{page_path}/approve"), &dr, &[])
        .await;
    assert_eq!(waits.status, StatusCode::CONFLICT, "Мадан has not reported");
    assert!(waits.body.contains("Мадан"), "{}", waits.body);
    let marked = app
        .post_form(
            "/dashboard/districts/SML/exempt",
            &dc,
            &[
                ("municipality", "SML16"),
                ("year", "2024"),
                ("reason", "Планът е отменен"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let approved = app
        .post_form(&format!("{page_path}/approve"), &dr, &[])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    let html = app.get_as(&format!("{page_path}/download/html"), &dc).await;
    assert_eq!(html.status, StatusCode::OK);
    for text in [
        "Областна администрация Смолян",
        "Областта отчита първата година.",
        "3.1. Образование",
        "Мадан: Планът е отменен",
        "Девин",
    ] {
        assert!(html.body.contains(text), "{text}");
    }
    insta::assert_snapshot!("area_report_district_html", redact(&html.body));
    let docx = app.get_as(&format!("{page_path}/download/docx"), &dc).await;
    assert!(docx.bytes.starts_with(b"PK"));
    let pdf = app.get_as(&format!("{page_path}/download/pdf"), &dc).await;
    assert!(pdf.bytes.starts_with(b"%PDF"));

    let adopt = |date: &'static str, confirm: bool, file: bool| {
        let path = format!("{page_path}/adopt");
        let dc = &dc;
        let app = &app;
        async move {
            let mut fields = vec![
                ("decision_number", "7"),
                ("protocol_number", "2"),
                ("date", date),
            ];
            if confirm {
                fields.push(("confirm", "yes"));
            }
            let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n";
            post_multipart(
                app,
                &path,
                dc,
                &fields,
                file.then_some(("reshenie.pdf", pdf)),
            )
            .await
        }
    };
    let early = adopt("2024-05-01", true, true).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("id=\"date-error\""), "{}", early.body);
    let unconfirmed = adopt("2025-03-14", false, true).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("id=\"confirm-error\""));
    assert!(
        unconfirmed.body.contains("value=\"2025-03-14\""),
        "the form comes back as typed"
    );
    let no_decision = adopt("2025-03-14", true, false).await;
    assert_eq!(no_decision.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_decision.body.contains("id=\"file-error\""));
    let adopted = adopt("2025-03-14", true, true).await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    let id_num: i64 = id.parse().expect("id");
    let kept: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT format, sha256, path FROM area_report_files WHERE report_id = $1 ORDER BY format",
    )
    .bind(id_num)
    .fetch_all(&app.db.pool)
    .await
    .expect("files");
    assert_eq!(
        kept.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(),
        ["docx", "html", "pdf"]
    );
    for (format, sha, path) in &kept {
        let bytes = std::fs::read(app.state.config.data_dir.join(path)).expect("kept file");
        assert_eq!(&planmon::files::sha256_hex(&bytes), sha, "{format}");
    }
    let decision: Option<String> =
        sqlx::query_scalar("SELECT decision_sha256 FROM area_reports WHERE id = $1")
            .bind(id_num)
            .fetch_one(&app.db.pool)
            .await
            .expect("decision");
    assert!(
        decision.is_some(),
        "the decision file is kept with its checksum"
    );
    let pdf_kept = app.get_as(&format!("{page_path}/download/pdf"), &dc).await;
    let kept_pdf = std::fs::read(app.state.config.data_dir.join(&kept[2].2)).expect("pdf");
    assert_eq!(pdf_kept.bytes, kept_pdf, "the adopted document as kept");
    let d = app
        .get_as(&format!("{page_path}/download/decision"), &dc)
        .await;
    assert_eq!(d.status, StatusCode::OK);
    let municipality_named: i64 = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'area_report.adopt' \
         AND municipality_id IS NOT NULL",
    )
    .await;
    assert_eq!(municipality_named, 1, "the event names the district's row");
    let asked = app.get_as(&format!("{page_path}/publish"), &dc).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_accessible_basics(&asked.body);
    let unconfirmed = app
        .post_form(&format!("{page_path}/publish"), &dc, &[])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let published = app
        .post_form(&format!("{page_path}/publish"), &dc, &[("confirm", "yes")])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let public = app.get(&page_path).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Решение № 7 по Протокол № 2"));
    let list = app.get("/districts/SML/reports").await;
    assert!(list.body.contains(&format!("href=\"/area-reports/{id}\"")));
    let changed = sqlx::query("UPDATE area_reports SET narrative = '{}' WHERE id = $1")
        .bind(id.parse::<i64>().expect("id"))
        .execute(&app.db.pool)
        .await;
    assert!(changed.is_err(), "an adopted report never changes");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'area_report.%'"
        )
        .await,
        5,
        "create, narrative, approve, adopt, publish"
    );
    let corrected = app
        .post_form(
            &format!("{page_path}/correct"),
            &dc,
            &[("reason", "Поправка на сбора")],
        )
        .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    assert_ne!(corrected.location(), page_path, "a new version");
}

#[tokio::test]
async fn the_national_report_goes_by_district_and_only_the_national_coordinator_writes_it() {
    let app = TestApp::spawn().await;
    plan_of(&app, "SML09", Some(2024)).await;
    plan_of(&app, "VAR06", None).await;
    let nc = app
        .user_session("nc@x.bg", &[(Role::NationalCoordinator, Scope::National)])
        .await;
    let nv = app
        .user_session("nv@x.bg", &[(Role::NationalViewer, Scope::National)])
        .await;
    let viewer = app
        .post_form("/dashboard/nation/report", &nv, &[("year", "2024")])
        .await;
    assert_eq!(viewer.status, StatusCode::FORBIDDEN);
    let dashboard = app.get_as("/dashboard/nation?year=2024", &nc).await;
    assert!(
        dashboard
            .body
            .contains("action=\"/dashboard/nation/report\"")
    );
    let started = app
        .post_form("/dashboard/nation/report", &nc, &[("year", "2024")])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page_path = started.location().to_string();
    let html = app.get_as(&format!("{page_path}/download/html"), &nv).await;
    assert_eq!(html.status, StatusCode::OK, "{}", html.body);
    for text in [
        "Национален годишен доклад",
        "Отчитане по области",
        "област Варна: 1 общини",
        "Смолян",
    ] {
        assert!(html.body.contains(text), "{text}");
    }
    let waits = app
        .post_form(&format!("{page_path}/approve"), &nc, &[])
        .await;
    assert_eq!(waits.status, StatusCode::CONFLICT, "{}", waits.body);
    assert!(
        waits.body.contains("Смолян") && waits.body.contains("Варна"),
        "both districts have plans in force and no adopted report: {}",
        waits.body
    );
    let page = app.get_as(&page_path, &nc).await;
    assert!(
        page.body
            .contains(&format!("action=\"{page_path}/districts/SML/exempt\"")),
        "the national coordinator marks districts on the report's page"
    );
    assert_eq!(
        app.post_form(
            &format!("{page_path}/districts/SML/exempt"),
            &nv,
            &[("reason", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "a viewer marks nothing"
    );
    let no_reason = app
        .post_form(
            &format!("{page_path}/districts/SML/exempt"),
            &nc,
            &[("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    for code in ["SML", "VAR"] {
        let marked = app
            .post_form(
                &format!("{page_path}/districts/{code}/exempt"),
                &nc,
                &[("reason", "Областният съвет не е заседавал")],
            )
            .await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    }
    let lifted = app
        .post_form(&format!("{page_path}/districts/VAR/lift"), &nc, &[])
        .await;
    assert_eq!(lifted.status, StatusCode::SEE_OTHER);
    let still = app
        .post_form(&format!("{page_path}/approve"), &nc, &[])
        .await;
    assert_eq!(
        still.status,
        StatusCode::CONFLICT,
        "Варна is not marked any more"
    );
    app.post_form(
        &format!("{page_path}/districts/VAR/exempt"),
        &nc,
        &[("reason", "Няма областен доклад")],
    )
    .await;
    let approved = app
        .post_form(&format!("{page_path}/approve"), &nc, &[])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let html = app.get_as(&format!("{page_path}/download/html"), &nv).await;
    assert!(
        html.body.contains("Няма областен доклад"),
        "the reason is in the report"
    );
    let events = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'reporting.%_district' \
         AND municipality_id IS NULL",
    )
    .await;
    assert_eq!(events, 0, "each names the district's row");
    let page = app.get_as(&page_path, &nv).await;
    assert!(!page.body.contains("/adopt\""), "a viewer records nothing");
    let english = app
        .get_as(
            &page_path,
            &crate::helpers::Session {
                cookie: format!("{}; lang=en", nv.cookie),
                csrf: nv.csrf.clone(),
            },
        )
        .await;
    assert_eq!(english.status, StatusCode::OK);
    for text in [
        "1. Introduction",
        "Reporting by district",
        "Annex 2. Funding planned",
    ] {
        assert!(english.body.contains(text), "{text}");
    }
}
