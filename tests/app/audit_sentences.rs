//! The audit log reads as sentences (issue 17): who by name, what, and which record by the names
//! people know ("Мария Петрова одобри отчета на … за мярка 1.1."), in Bulgarian and English;
//! names stay marked as Bulgarian on the English page.

use crate::helpers::{TestApp, get, issue_link, open_round_by_form, post};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use planmon::account::Role;
use scraper::{Html, Selector};

/// The sentences of the log's rows, newest first.
fn sentences(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let cell = Selector::parse("table.audit tbody tr td:nth-child(2)").expect("selector");
    doc.select(&cell)
        .map(|td| td.text().collect::<String>().trim().to_string())
        .collect()
}

#[tokio::test]
async fn the_audit_log_says_who_did_what_to_which_record_in_sentences() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let update = format!("{link}/updates/{}", u.id);
    let fields = [
        ("status", "completed"),
        ("narrative", "Направено."),
        ("action", "submit"),
    ];
    let r = post(&app, &update, None, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reviewer = app.staff_of_plan(plan_id, Role::Reviewer).await;
    sqlx::query("UPDATE users SET name = $1 WHERE email = $2")
        .bind("Мария Петрова")
        .bind("reviewer@test.example")
        .execute(&app.db.pool)
        .await
        .expect("name");
    let review = format!("/rounds/{round_id}/updates/{}/review", u.id);
    let r = post(&app, &review, &reviewer, &[("action", "approve")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let admin = app.admin_session().await;
    let bg = get(&app, "/audit", &admin).await;
    assert_eq!(bg.status, StatusCode::OK);
    let said = sentences(&bg.body);
    let approved = format!(
        "Мария Петрова одобри отчета на {} за мярка 1.1.",
        u.institution
    );
    assert!(said.contains(&approved), "{said:#?}");

    let en = app
        .request(
            Request::get("/audit")
                .header(header::COOKIE, format!("{}; lang=en", admin.cookie))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(
        en.body
            .contains("<span lang=\"bg\">Мария Петрова</span> approved the update of"),
        "names marked as Bulgarian: {}",
        en.body
    );
    let (unmarked, _) = crate::english::read_page(&en.body);
    assert!(unmarked.is_empty(), "Bulgarian left unmarked: {unmarked:?}");
    insta::assert_snapshot!(
        "audit_sentences",
        format!(
            "bg:\n{}\n\nen:\n{}",
            said.join("\n"),
            sentences(&en.body).join("\n")
        )
    );
}
