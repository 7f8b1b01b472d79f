//! The spreadsheet template: download, upload through a link, errors per cell, wrong templates.

use crate::helpers::{TestApp, get, issue_link, open_round_by_form, post_multipart, sample_plan};
use axum::http::StatusCode;
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use planmon::account::Role;
use planmon::monitoring::State;
use planmon::monitoring::store::{self, UpdateRow};
use planmon::monitoring::xlsx::{TemplateHeader, TemplateItem, write_template};
use planmon::snapshot::{ReportedStatus, Value};

/// The workbook an institution sends back: the template with `fields` typed into it (a field
/// named `m3:value.i1` goes to measure m3 only).
fn filled(
    round_id: i64,
    institution_id: i64,
    updates: &[UpdateRow],
    fields: &[(&str, &str)],
) -> Vec<u8> {
    let plan = sample_plan();
    let items: Vec<TemplateItem<'_>> = updates
        .iter()
        .map(|u| TemplateItem {
            measure: plan
                .measures()
                .find(|m| m.key == u.measure_key)
                .expect("measure"),
            label: u.measure_key.clone(),
            fields: fields
                .iter()
                .filter_map(|(k, v)| match k.split_once(':') {
                    Some((m, f)) => (m == u.measure_key).then(|| (f.to_string(), v.to_string())),
                    None => Some((k.to_string(), v.to_string())),
                })
                .collect(),
        })
        .collect();
    let header = TemplateHeader {
        round_id,
        institution_id,
        institution: "x",
        plan_title: "x",
        year: 2024,
        deadline: "x",
    };
    write_template(&header, &items).expect("workbook")
}

#[tokio::test]
async fn the_template_lists_the_institutions_measures_and_indicators() {
    let app = TestApp::spawn().await;
    let (plan_id, round_id) = open_round_by_form(&app).await;
    let coordinator = app.staff_of_plan(plan_id, Role::Coordinator).await;
    let (link, u) = issue_link(&app, round_id).await;
    let r = get(&app, &format!("{link}/template.xlsx"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.contains("spreadsheetml"));
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(r.bytes)).expect("xlsx");
    let measures = wb.worksheet_range("Мерки").expect("sheet");
    let keys: Vec<String> = measures
        .rows()
        .skip(4)
        .map(|row| row[0].to_string())
        .collect();
    let mine = store::updates(&app.db, round_id, Some(u.institution_id))
        .await
        .expect("updates");
    assert_eq!(keys.len(), mine.len());
    assert!(keys.contains(&u.measure_key));
    let staff = get(
        &app,
        &format!(
            "/rounds/{round_id}/institutions/{}/template.xlsx",
            u.institution_id
        ),
        &coordinator,
    )
    .await;
    assert_eq!(staff.status, StatusCode::OK);
}

#[tokio::test]
async fn a_filled_template_saves_every_measure_at_once() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let mine = store::updates(&app.db, round_id, Some(u.institution_id))
        .await
        .expect("updates");
    let bytes = filled(
        round_id,
        u.institution_id,
        &mine,
        &[
            ("status", "in_progress"),
            ("people_reached", "85"),
            ("spent.0.amount", "1200.50"),
            ("spent.0.currency", "BGN"),
            ("narrative", "Посещения по домовете."),
            ("m1:value.i1", "85"),
            ("m3:num.i1", "40"),
            ("m3:den.i1", "50"),
            ("m3:value.i2", "да"),
        ],
    );
    let r = post_multipart(
        &app,
        &format!("{link}/upload"),
        None,
        &[],
        Some(("otchet.xlsx", &bytes)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = store::updates(&app.db, round_id, Some(u.institution_id))
        .await
        .expect("updates");
    for a in &after {
        assert_eq!(a.state, State::Draft);
        assert_eq!(a.status, Some(ReportedStatus::InProgress));
        assert_eq!(a.people_reached, Some(85));
        assert_eq!(a.spent[0].minor, 120_050);
    }
    let m1 = after.iter().find(|a| a.measure_key == "m1").expect("m1");
    assert_eq!(m1.values[0].value, Value::Number { value: 85.0 });
    if let Some(m3) = after.iter().find(|a| a.measure_key == "m3") {
        assert_eq!(
            m3.values[0].value,
            Value::Ratio {
                numerator: 40.0,
                denominator: 50.0
            }
        );
        assert_eq!(m3.values[1].value, Value::YesNo { value: true });
    }
}

#[tokio::test]
async fn errors_name_the_sheet_row_and_column_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let mine = store::updates(&app.db, round_id, Some(u.institution_id))
        .await
        .expect("updates");
    let bytes = filled(
        round_id,
        u.institution_id,
        &mine,
        &[
            ("status", "completed"),
            ("spent.0.amount", "-40"),
            ("value.i1", "сто"),
        ],
    );
    let r = post_multipart(
        &app,
        &format!("{link}/upload"),
        None,
        &[],
        Some(("otchet.xlsx", &bytes)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("лист „Мерки“, ред 5, колона E (Изразходвани средства): Изразходваната сума не може да е отрицателна."),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("лист „Индикатори“, ред 2, колона G (Стойност): „сто“ не е число.")
    );
    let after = store::updates(&app.db, round_id, Some(u.institution_id))
        .await
        .expect("updates");
    assert!(
        after
            .iter()
            .all(|a| a.state == State::NotReceived && a.status.is_none())
    );
}

#[tokio::test]
async fn a_template_of_another_institution_or_not_a_spreadsheet_is_refused() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    let mine = store::updates(&app.db, round_id, Some(u.institution_id))
        .await
        .expect("updates");
    let theirs = filled(
        round_id,
        u.institution_id + 1,
        &mine,
        &[("status", "completed")],
    );
    let r = post_multipart(
        &app,
        &format!("{link}/upload"),
        None,
        &[],
        Some(("x.xlsx", &theirs)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Това не е таблицата за отчет на тази институция")
    );
    let plan_template = planmon::import::template::template_xlsx().expect("plan template");
    let r = post_multipart(
        &app,
        &format!("{link}/upload"),
        None,
        &[],
        Some(("plan.xlsx", &plan_template)),
    )
    .await;
    assert!(
        r.body
            .contains("Това не е таблицата за отчет на тази институция")
    );
    let r = post_multipart(
        &app,
        &format!("{link}/upload"),
        None,
        &[],
        Some(("x.xlsx", b"hello")),
    )
    .await;
    assert!(r.body.contains("Файлът не е таблица XLSX"));
    let after = store::updates(&app.db, round_id, None)
        .await
        .expect("updates");
    assert!(after.iter().all(|a| a.state == State::NotReceived));
}
