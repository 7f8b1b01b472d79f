//! Amending a plan on the web (issue 15), on both databases: editing in the browser → review
//! → save, an amending decision uploaded → some proposals confirmed → save, a decision naming
//! a measure the plan lacks refused field by field with nothing saved, and who may amend.

use crate::helpers::{Session, TestApp, TestResponse, multipart, sample_plan};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use planmon::account::{Role, Scope};
use planmon::plan::store as plans;

/// POSTs a multipart form (with an optional file field `file`) as the browser `s`.
async fn post_multipart(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> TestResponse {
    let (content_type, body) = multipart(fields, file);
    let sep = if path.contains('?') { '&' } else { '?' };
    app.request(
        Request::post(format!("{path}{sep}csrf_token={}", s.csrf))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

/// The sample plan (municipality „Примерна“) and a coordinator of its municipality.
async fn app_with_coordinator() -> (TestApp, Session, i64) {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let m = app.municipality_id("Примерна").await;
    let s = app
        .user_session(
            "koordinator@test.example",
            &[(Role::Coordinator, Scope::Municipality(m))],
        )
        .await;
    (app, s, id)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

const ACT: [(&str, &str); 4] = [
    ("decision_number", "118"),
    ("protocol_number", "9"),
    ("decision_date", "2025-06-26"),
    ("reason", "по предложение на кмета"),
];

#[tokio::test]
async fn a_coordinator_edits_the_plan_in_the_browser_reviews_it_and_saves_it_with_its_act() {
    let (app, s, id) = app_with_coordinator().await;
    // The way in is on the plan page, for those who may amend only.
    let page = app.get_as(&format!("/plans/{id}"), &s).await;
    assert!(page.body.contains(&format!("href=\"/plans/{id}/amend\"")));
    assert!(
        !app.get(&format!("/plans/{id}"))
            .await
            .body
            .contains("/amend\"")
    );
    let start = app.get_as(&format!("/plans/{id}/amend"), &s).await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(
        start
            .body
            .contains(&format!("action=\"/plans/{id}/amend/edit\""))
    );

    let r = app
        .post_form(&format!("/plans/{id}/amend/edit"), &s, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = r.location().to_string();
    let draft = edit.trim_end_matches("/edit").to_string();
    let outline = app.get_as(&edit, &s).await;
    assert_eq!(outline.status, StatusCode::OK, "{}", outline.body);
    assert!(outline.body.contains("value=\"drop:m2\""));

    // A measure with mistakes comes back with the errors next to their fields.
    let wrong = app
        .post_form(
            &format!("{draft}/measures/m1"),
            &s,
            &[
                ("objective", "0.0"),
                ("code", "1.1."),
                ("activities", ""),
                ("amounts", "много пари"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("id=\"amounts-error\""),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("id=\"activities-error\""));
    assert!(wrong.body.contains("много пари"));

    let measure = app.get_as(&format!("{draft}/measures/m1"), &s).await;
    assert_eq!(measure.status, StatusCode::OK, "{}", measure.body);
    let changed = app
        .post_form(
            &format!("{draft}/measures/m1"),
            &s,
            &[
                ("objective", "0.0"),
                ("code", "1.1."),
                ("activities", "Допълнителни занимания по български език"),
                ("institutions", "Община Примерна\nРУО"),
                ("period", "2025–2026 г."),
                ("amounts", "20 000 лв."),
                ("i.0.name", "Ученици в заниманията"),
                ("i.0.target", "40"),
                ("i.0.target_year", "2026"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let added = app
        .post_form(
            &format!("{draft}/measures/new"),
            &s,
            &[
                ("objective", "1.0"),
                ("code", "2.2"),
                ("activities", "Летни училища"),
                ("amounts", "5 000 лв."),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let dropped = app.post_form(&edit, &s, &[("op", "drop:m2")]).await;
    assert_eq!(dropped.status, StatusCode::SEE_OTHER, "{}", dropped.body);

    let review = app.get_as(&draft, &s).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(review.body.contains("Летни училища"));

    // Without the act's number nothing is saved.
    let no_act = post_multipart(&app, &draft, &s, &[("action", "save")], None).await;
    assert_eq!(no_act.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_act.body.contains("id=\"decision_number-error\""));
    assert_eq!(
        plans::versions(&app.db, id).await.expect("versions").len(),
        1
    );

    let mut fields = ACT.to_vec();
    fields.push(("action", "save"));
    let saved = post_multipart(&app, &draft, &s, &fields, None).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("/plans/{id}/history#v2"));
    let versions = plans::versions(&app.db, id).await.expect("versions");
    assert_eq!(versions.len(), 2);
    let act = versions[0].act.as_ref().expect("act");
    assert_eq!(act.decision_number.as_deref(), Some("118"));
    assert_eq!(versions[0].effective_from, "2025-06-26");
    let now = plans::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("plan");
    let keys: Vec<_> = now.plan.measures().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["m1", "m3", "m4"], "m2 dropped, the new one is m4");
    let m1 = now.plan.measures().next().expect("m1");
    assert_eq!(m1.amounts[0].minor, 2_000_000);
    assert_eq!(m1.indicators.len(), 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.amend'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM amendment_drafts").await,
        0
    );
    let history = app.get(&format!("/plans/{id}/history")).await;
    assert!(history.body.contains("Решение № 118, протокол № 9"));
}

const DECISION: &str = "Общинският съвет реши:\n\
    1. В мярка 1.1 сумата се изменя на 20 000 лв.\n\
    2. Създава се нова мярка 1.3 „Летни училища“ с отговорна институция РУО, срок 2025-2026 г.\n\
    3. Мярка 1.2 отпада.";

async fn upload_decision(app: &TestApp, s: &Session, id: i64, text: &str) -> String {
    let r = post_multipart(
        app,
        &format!("/plans/{id}/amend/decision"),
        s,
        &[],
        Some(("reshenie.txt", text.as_bytes())),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().to_string()
}

#[tokio::test]
async fn an_uploaded_decision_shows_its_proposals_and_only_the_confirmed_ones_are_saved() {
    let (app, s, id) = app_with_coordinator().await;
    let review = upload_decision(&app, &s, id, DECISION).await;
    let page = app.get_as(&review, &s).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("В мярка 1.1 сумата се изменя на 20 000 лв.")
    );
    for n in 1..=3 {
        assert!(
            page.body.contains(&format!("name=\"p.{n}\"")),
            "proposal {n}"
        );
    }
    assert!(
        !page.body.contains(" checked"),
        "nothing is confirmed before the coordinator"
    );

    // Nothing confirmed: nothing to save.
    let mut fields = ACT.to_vec();
    fields.push(("action", "save"));
    let none = post_multipart(&app, &review, &s, &fields, None).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);

    fields.extend([("p.1", "on"), ("p.3", "on")]);
    let saved = post_multipart(&app, &review, &s, &fields, None).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now = plans::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("plan");
    let keys: Vec<_> = now.plan.measures().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["m1", "m3"], "the new measure was not confirmed");
    assert_eq!(
        now.plan.measures().next().expect("m1").amounts[0].minor,
        2_000_000
    );
    let versions = plans::versions(&app.db, id).await.expect("versions");
    let file = versions[0]
        .act
        .as_ref()
        .and_then(|a| a.file.as_ref())
        .expect("the decision is the act's file");
    assert_eq!(file.name, "reshenie.txt");
    let download = app.get(&format!("/plans/{id}/versions/2/decision")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, DECISION.as_bytes());
}

#[tokio::test]
async fn a_decision_naming_a_measure_the_plan_lacks_is_refused_by_proposal_and_nothing_is_saved() {
    let (app, s, id) = app_with_coordinator().await;
    let review = upload_decision(
        &app,
        &s,
        id,
        "1. В мярка 9.9 сумата се изменя на 3 000 лв.\n2. Мярка 1.1 отпада.",
    )
    .await;
    let mut fields = ACT.to_vec();
    fields.extend([("action", "save"), ("p.1", "on"), ("p.2", "on")]);
    let r = post_multipart(&app, &review, &s, &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"p.1-error\""), "{}", r.body);
    assert!(r.body.contains("в плана няма мярка „9.9“"));
    assert!(!r.body.contains("id=\"p.2-error\""));
    assert_eq!(
        plans::versions(&app.db, id).await.expect("versions").len(),
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.amend'"
        )
        .await,
        0
    );
    let files = count(
        &app,
        "SELECT COUNT(*) FROM council_acts WHERE file_path IS NOT NULL",
    )
    .await;
    assert_eq!(files, 0);
}

#[tokio::test]
async fn only_the_administrator_and_the_municipalitys_coordinator_may_amend_its_plan() {
    let (app, coordinator, id) = app_with_coordinator().await;
    let m = app.municipality_id("Примерна").await;
    let reviewer = app
        .user_session(
            "pregled@test.example",
            &[(Role::Reviewer, Scope::Municipality(m))],
        )
        .await;
    let mut other = sample_plan();
    other.municipality = "Другата".into();
    app.create_plan(&other).await;
    let other = app.municipality_id("Другата").await;
    let elsewhere = app
        .user_session(
            "druga@test.example",
            &[(Role::Coordinator, Scope::Municipality(other))],
        )
        .await;
    let admin = app.admin_session().await;
    let path = format!("/plans/{id}/amend");
    assert_eq!(app.get_as(&path, &coordinator).await.status, StatusCode::OK);
    assert_eq!(app.get_as(&path, &admin).await.status, StatusCode::OK);
    for s in [&reviewer, &elsewhere] {
        assert_eq!(app.get_as(&path, s).await.status, StatusCode::FORBIDDEN);
        let r = app.post_form(&format!("{path}/edit"), s, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM amendment_drafts").await,
        0
    );
    let anonymous = app.get(&path).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login"));
}

#[tokio::test]
async fn a_decision_is_read_within_the_configured_reading_limits() {
    let app = TestApp::spawn_with(|c| c.limits.rows = 2).await;
    let id = app.create_plan(&sample_plan()).await;
    let s = app.admin_session().await;
    let r = post_multipart(
        &app,
        &format!("/plans/{id}/amend/decision"),
        &s,
        &[],
        Some(("reshenie.txt", DECISION.as_bytes())),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("id=\"errors\""));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM amendment_drafts").await,
        0
    );
}

/// The same browser asking for English pages.
fn in_english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

#[tokio::test]
async fn english_pages_give_the_act_s_field_errors_and_a_decision_s_refusals_in_english() {
    let (app, s, id) = app_with_coordinator().await;
    let en = in_english(&s);
    let empty = post_multipart(
        &app,
        &format!("/plans/{id}/amend/decision"),
        &en,
        &[],
        Some(("reshenie.txt", b"")),
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("Choose the decision"), "{}", empty.body);
    let nothing = post_multipart(
        &app,
        &format!("/plans/{id}/amend/decision"),
        &en,
        &[],
        Some(("protokol.txt", "Протокол от заседание.".as_bytes())),
    )
    .await;
    assert!(
        nothing
            .body
            .contains("the file holds neither a plan nor changes"),
        "{}",
        nothing.body
    );

    let review = upload_decision(
        &app,
        &en,
        id,
        "1. В мярка 9.9 сумата се изменя на 3 000 лв.\n2. Мярка 1.1 отпада.",
    )
    .await;
    let r = post_multipart(
        &app,
        &review,
        &en,
        &[
            ("decision_date", "29.06.2023"),
            ("url", "ftp://example.org/r.pdf"),
            ("p.1", "on"),
            ("action", "save"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for english in [
        "Enter the decision",
        "is not a date as YYYY-MM-DD (for example 2023-06-29)",
        "must start with https:",
        "Proposal 1: the plan has no measure",
    ] {
        assert!(r.body.contains(english), "{english}: {}", r.body);
    }
    for bulgarian in [
        "Въведете номера",
        "не е дата",
        "в плана няма мярка",
        "Предложение 1",
    ] {
        assert!(!r.body.contains(bulgarian), "{bulgarian}");
    }
    for field in ["decision_number", "decision_date", "url", "p.1"] {
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }

    // Too early for the version in force: said on the field, in English, and nothing saved.
    let early = post_multipart(
        &app,
        &review,
        &en,
        &[
            ("decision_number", "5"),
            ("decision_date", "2000-01-01"),
            ("p.2", "on"),
            ("action", "save"),
        ],
        None,
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("id=\"effective_date-error\""));
    assert!(
        early
            .body
            .contains("cannot take effect before the current version 1"),
        "{}",
        early.body
    );
    // The same page in Bulgarian says it in Bulgarian.
    let bg = post_multipart(
        &app,
        &review,
        &s,
        &[("decision_date", "29.06.2023"), ("action", "check")],
        None,
    )
    .await;
    assert!(bg.body.contains("Въведете номера на решението."));
    assert_eq!(
        plans::versions(&app.db, id).await.expect("versions").len(),
        1
    );
}

#[tokio::test]
async fn the_editor_changes_priorities_and_a_measure_s_status_by_field_and_saves_them_with_the_act()
{
    let (app, s, id) = app_with_coordinator().await;
    let r = app
        .post_form(&format!("/plans/{id}/amend/edit"), &s, &[])
        .await;
    let edit = r.location().to_string();
    let draft = edit.trim_end_matches("/edit").to_string();
    let outline = app.get_as(&edit, &s).await;
    assert!(
        outline
            .body
            .contains(&format!("href=\"{draft}/priorities/1\""))
    );
    assert!(outline.body.contains("value=\"drop-priority:1\""));
    let form = app.get_as(&format!("{draft}/priorities/1"), &s).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Здравеопазване"));

    // Another priority's number and no title: both refused next to their fields.
    let wrong = app
        .post_form(
            &format!("{draft}/priorities/1"),
            &s,
            &[("number", "1"), ("title", " ")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("id=\"number-error\""));
    assert!(wrong.body.contains("id=\"title-error\""));
    let bad_number = app
        .post_form(
            &format!("{draft}/priorities/1"),
            &s,
            &[("number", "втори"), ("title", "Здраве")],
        )
        .await;
    assert_eq!(bad_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_number.body.contains("втори"), "typed text kept");
    let renamed = app
        .post_form(
            &format!("{draft}/priorities/1"),
            &s,
            &[("number", "3"), ("title", "Здраве и профилактика")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);

    // A priority is added (its form comes next) and dropped again.
    let added = app
        .post_form(&edit, &s, &[("op", "add-priority:end")])
        .await;
    assert_eq!(added.location(), format!("{draft}/priorities/2"));
    let dropped = app.post_form(&edit, &s, &[("op", "drop-priority:2")]).await;
    assert_eq!(dropped.status, StatusCode::SEE_OTHER);

    let measure = app.get_as(&format!("{draft}/measures/m1"), &s).await;
    assert!(measure.body.contains("id=\"status\""));
    assert!(measure.body.contains("value=\"Текущ\""));
    let long = "много дълъг статус ".repeat(10);
    let mut fields = vec![
        ("objective", "0.0"),
        ("code", "1.1."),
        ("activities", "Съвместни екипи за обхват по домовете"),
        ("status", long.as_str()),
    ];
    let too_long = app
        .post_form(&format!("{draft}/measures/m1"), &s, &fields)
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("id=\"status-error\""));
    fields[3] = ("status", "Изпълнена");
    let done = app
        .post_form(&format!("{draft}/measures/m1"), &s, &fields)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let review = app.get_as(&draft, &s).await;
    assert!(review.body.contains("Изпълнена"), "{}", review.body);
    let mut act = ACT.to_vec();
    act.push(("action", "save"));
    let saved = post_multipart(&app, &draft, &s, &act, None).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now = plans::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("plan");
    assert_eq!(now.version, 2);
    assert_eq!(now.plan.priorities.len(), 2);
    assert_eq!(now.plan.priorities[1].number, Some(3));
    assert_eq!(now.plan.priorities[1].title, "Здраве и профилактика");
    let m1 = now.plan.measures().next().expect("m1");
    assert_eq!(m1.status.as_deref(), Some("Изпълнена"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.amend'"
        )
        .await,
        1
    );
    let diff = app.get(&format!("/plans/{id}/diff?from=1&to=2")).await;
    assert_eq!(diff.status, StatusCode::OK);
    assert!(diff.body.contains("Изпълнена"), "{}", diff.body);
    assert!(diff.body.contains("Здраве и профилактика"));
    // A renamed priority is a heading change: its measures did not move.
    let (_, d) = app
        .get_json(&format!("/api/v1/plans/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(d["counts"]["moved"], 0, "{d}");
    assert_eq!(d["counts"]["changed"], 1, "{d}");
    assert_eq!(d["header"][0]["field"], "priority");
    assert_eq!(d["header"][0]["after"], "3. Здраве и профилактика");
}

#[tokio::test]
async fn a_sentence_the_reader_does_not_understand_stands_beside_the_proposals_with_a_way_into_the_editor()
 {
    let (app, s, id) = app_with_coordinator().await;
    let review = upload_decision(
        &app,
        &s,
        id,
        "1. В мярка 1.1 сумата се изменя на 20 000 лв.\n\
         2. Мярка 1.2 се изпълнява съвместно с читалищата след обсъждане.",
    )
    .await;
    let page = app.get_as(&review, &s).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let row = page
        .body
        .split("<tr class=\"not-recognised\">")
        .nth(1)
        .expect("a row for the sentence not understood")
        .split("</tr>")
        .next()
        .unwrap_or_default();
    assert!(row.contains("Мярка 1.2 се изпълнява съвместно с читалищата"));
    assert!(row.contains("Не е разпознато — внесете го ръчно в редакцията"));
    let by_hand = format!("{review}/measures/m2");
    assert!(row.contains(&format!("href=\"{by_hand}\"")), "{row}");
    assert!(page.body.contains("name=\"p.1\""));
    assert!(page.body.contains(&format!("href=\"{review}/edit\"")));
    // The rows follow the decision: the recognised sentence first.
    assert!(page.body.find("name=\"p.1\"") < page.body.find("not-recognised\">"));

    // Applied by hand in the editor, saved with the confirmed proposal.
    let form = app.get_as(&by_hand, &s).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let outline = app.get_as(&format!("{review}/edit"), &s).await;
    assert!(outline.body.contains("id=\"by-hand\""));
    assert!(outline.body.contains(&format!("href=\"{by_hand}\"")));
    let kept = app
        .post_form(
            &by_hand,
            &s,
            &[
                ("objective", "0.0"),
                ("code", "1.2."),
                (
                    "activities",
                    "Спортни пособия за училищата, заедно с читалищата",
                ),
            ],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    let mut fields = ACT.to_vec();
    fields.extend([("action", "save"), ("p.1", "on")]);
    let saved = post_multipart(&app, &review, &s, &fields, None).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now = plans::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("plan");
    let m: Vec<_> = now.plan.measures().collect();
    assert_eq!(m[0].amounts[0].minor, 2_000_000);
    assert_eq!(
        m[1].activities,
        ["Спортни пособия за училищата, заедно с читалищата"]
    );
}

#[tokio::test]
async fn an_amendment_in_preparation_has_addresses_a_reload_reaches_and_the_plan_page_links_them() {
    let (app, s, id) = app_with_coordinator().await;
    let r = app
        .post_form(&format!("/plans/{id}/amend/edit"), &s, &[])
        .await;
    let edit = r.location().to_string();
    let draft = edit.trim_end_matches("/edit").to_string();
    let decision = upload_decision(&app, &s, id, DECISION).await;
    for path in [&edit, &draft, &decision] {
        assert_eq!(app.get_as(path, &s).await.status, StatusCode::OK, "{path}");
        // A reload is the same page.
        assert_eq!(app.get_as(path, &s).await.status, StatusCode::OK, "{path}");
    }
    let plan = app.get_as(&format!("/plans/{id}"), &s).await;
    assert!(
        plan.body.contains(&format!("href=\"{edit}\"")),
        "{}",
        plan.body
    );
    assert!(plan.body.contains(&format!("href=\"{decision}\"")));
    assert!(plan.body.contains("reshenie.txt"));
    let start = app.get_as(&format!("/plans/{id}/amend"), &s).await;
    assert!(start.body.contains(&format!("href=\"{edit}\"")));
    assert!(start.body.contains(&format!("href=\"{decision}\"")));
    let public = app.get(&format!("/plans/{id}")).await;
    assert!(!public.body.contains("/amend/"));
}

#[tokio::test]
async fn the_decision_is_a_file_checked_by_its_content_or_its_public_address() {
    let (app, s, id) = app_with_coordinator().await;
    let r = app
        .post_form(&format!("/plans/{id}/amend/edit"), &s, &[])
        .await;
    let draft = r.location().trim_end_matches("/edit").to_string();
    let dropped = app
        .post_form(&format!("{draft}/edit"), &s, &[("op", "drop:m2")])
        .await;
    assert_eq!(dropped.status, StatusCode::SEE_OTHER);
    let mut fields = ACT.to_vec();
    fields.push(("action", "save"));
    // A ZIP that is neither DOCX nor ODT, named as a decision, is refused on its field.
    let not_docx = post_multipart(
        &app,
        &draft,
        &s,
        &fields,
        Some(("reshenie.docx", b"PK\x03\x04\0\0\0\0 not a document")),
    )
    .await;
    assert_eq!(not_docx.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_docx.body.contains("id=\"decision_file-error\""));
    let bad_address = post_multipart(
        &app,
        &draft,
        &s,
        &[
            ACT[0],
            ACT[2],
            ("url", "reshenie-118.pdf"),
            ("action", "save"),
        ],
        None,
    )
    .await;
    assert_eq!(bad_address.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_address.body.contains("id=\"url-error\""));
    assert_eq!(
        plans::versions(&app.db, id).await.expect("versions").len(),
        1
    );
    // A scanned decision (an image) is kept by its content's type, with its public address.
    fields.push(("url", "https://plovdiv.example/reshenia/118.pdf"));
    let saved = post_multipart(
        &app,
        &draft,
        &s,
        &fields,
        Some(("reshenie.pdf", b"\x89PNG\r\n\x1a\n scanned")),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let versions = plans::versions(&app.db, id).await.expect("versions");
    let act = versions[0].act.as_ref().expect("act");
    assert_eq!(
        act.url.as_deref(),
        Some("https://plovdiv.example/reshenia/118.pdf")
    );
    let file = act.file.as_ref().expect("file");
    assert_eq!(file.media_type, "image/png");
    let history = app.get(&format!("/plans/{id}/history")).await;
    assert!(
        history
            .body
            .contains("https://plovdiv.example/reshenia/118.pdf")
    );
}

#[tokio::test]
async fn a_decision_form_whose_part_never_ends_is_refused_at_the_upload_size() {
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 1 << 20).await;
    let id = app.create_plan(&sample_plan()).await;
    let s = app.admin_session().await;
    // A part header without its end: the multipart reader would hold it whole.
    let body = [
        b"--B\r\nContent-Disposition: form-data; name=\"".as_slice(),
        &vec![b'a'; 4 << 20],
    ]
    .concat();
    let r = app
        .request(
            Request::post(format!("/plans/{id}/amend/decision?csrf_token={}", s.csrf))
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
                .body(Body::from(body))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM amendment_drafts").await,
        0
    );
}
