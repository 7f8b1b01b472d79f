//! Open data: the /data page and the dataset downloads (CSV, XLSX, JSON), for everything and
//! per plan.

use crate::helpers::assert_accessible_basics;
use crate::helpers::{TestApp, redact_json, sample_plan};
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use planmon::opendata::Dataset;
use planmon::snapshot::ReviewState;
use planmon::snapshot::sample::sample_round;
use planmon::snapshot::store::{save_sample_snapshot, save_snapshot};

/// Dates that change from run to run ("03.12.2026 г.") replaced by a marker.
fn redact_days(html: &str) -> String {
    let re = regex::Regex::new(r"\d{2}\.\d{2}\.\d{4} г\.").expect("regex");
    re.replace_all(html, "[дата]").into_owned()
}

/// The test plan with a closed round for 2024 and a generated sample for 2025.
async fn plan_with_rounds(app: &TestApp) -> (i64, planmon::snapshot::RoundSnapshot) {
    store_with_rounds(app, &sample_plan()).await
}

/// Stores `plan` with a closed round for 2024 and a generated sample for 2025 (never
/// published); (plan id, the round).
async fn store_with_rounds(
    app: &TestApp,
    plan: &planmon::plan::Plan,
) -> (i64, planmon::snapshot::RoundSnapshot) {
    let id = app.create_plan(plan).await;
    let closed = sample_round(id, 1, plan, 2024);
    save_snapshot(&app.db.pool, &closed).await.expect("round");
    save_sample_snapshot(&app.db, &sample_round(id, 1, plan, 2025))
        .await
        .expect("sample");
    (id, closed)
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers = r
        .headers()
        .expect("header row")
        .iter()
        .map(String::from)
        .collect();
    let rows = r.records().map(|x| x.expect("row")).collect();
    (headers, rows)
}

#[tokio::test]
async fn the_data_page_lists_every_dataset_with_licence_columns_and_downloads() {
    let app = TestApp::spawn().await;
    let (id, _) = plan_with_rounds(&app).await;
    let r = app.get("/data").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_accessible_basics(&r.body);
    assert!(r.body.contains("rel=\"license\">CC BY 4.0</a>"));
    for d in Dataset::ALL {
        for ext in ["csv", "xlsx", "json"] {
            let all = format!("href=\"/data/{}.{ext}\"", d.code());
            let one = format!("href=\"/data/plans/{id}/{}.{ext}\"", d.code());
            assert!(r.body.contains(&all), "{all}");
            assert_eq!(r.body.contains(&one), d.per_plan(), "{one}");
        }
        for c in d.columns() {
            assert!(
                r.body.contains(&format!("<code>{c}</code>")),
                "{c} documented"
            );
        }
    }
    assert!(
        !r.body.contains("data.col."),
        "every column has a description"
    );
    // The menu leads here.
    assert!(
        r.body
            .contains("<li><a href=\"/data\">Отворени данни</a></li>")
    );
    insta::assert_snapshot!("data_page", redact_days(&r.body));
}

#[tokio::test]
async fn the_licence_shown_is_the_configured_one() {
    let app = TestApp::spawn_with(|c| {
        c.open_data.licence = "CC0 1.0".into();
        c.open_data.licence_url = "https://creativecommons.org/publicdomain/zero/1.0/".into();
    })
    .await;
    let r = app.get("/data").await;
    assert!(r.body.contains("rel=\"license\">CC0 1.0</a>"), "{}", r.body);
    app.create_plan(&sample_plan()).await;
    let (_, json) = app.get_json("/data/plans.json").await;
    assert_eq!(json["licence"], "CC0 1.0");
}

#[tokio::test]
async fn the_english_page_is_in_english() {
    let app = TestApp::spawn().await;
    let r = app
        .request(
            axum::http::Request::get("/data")
                .header("cookie", "lang=en")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains("<h1>Open data</h1>"));
    assert!(r.body.contains("Progress per year"));
}

#[tokio::test]
async fn measures_json_is_stable() {
    let app = TestApp::spawn().await;
    let (id, _) = plan_with_rounds(&app).await;
    let r = app.get(&format!("/data/plans/{id}/measures.json")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/json"));
    let mut json: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(json["plan_id"], id);
    json["modified"] = "[timestamp]".into();
    json["plan_id"] = "[id]".into();
    for rec in json["records"].as_array_mut().expect("records") {
        rec["plan_id"] = "[id]".into();
        rec["url"] = "[url]".into();
    }
    insta::assert_json_snapshot!("measures_json", redact_json(json));
}

#[tokio::test]
async fn csv_downloads_have_a_bom_the_documented_columns_and_a_cyrillic_file_name() {
    let app = TestApp::spawn().await;
    let (id, _) = plan_with_rounds(&app).await;
    let other = app.create_plan(&sample_plan()).await;
    for d in Dataset::ALL {
        let r = app.get(&format!("/data/{}.csv", d.code())).await;
        assert_eq!(r.status, StatusCode::OK, "{d:?}");
        assert_eq!(r.content_type, "text/csv; charset=utf-8");
        let (headers, _) = csv_rows(&r.bytes);
        assert_eq!(headers, d.columns());
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .expect("ascii")
                .contains(&format!("{}.csv", d.code()))
        );
    }
    let (_, all) = csv_rows(&app.get("/data/measures.csv").await.bytes);
    let (_, one) = csv_rows(
        &app.get(&format!("/data/plans/{id}/measures.csv"))
            .await
            .bytes,
    );
    assert_eq!(all.len(), 2 * one.len(), "two plans, one plan");
    assert!(one.iter().all(|r| r[0] == id.to_string()));
    assert!(all.iter().any(|r| r[0] == other.to_string()));
    assert!(one.iter().any(|r| &r[1] == "Примерна"), "Cyrillic kept");
}

#[tokio::test]
async fn progress_holds_approved_updates_of_closed_rounds_only() {
    let app = TestApp::spawn().await;
    let (id, closed) = plan_with_rounds(&app).await;
    let approved = closed
        .updates
        .iter()
        .filter(|u| u.state == ReviewState::Approved)
        .count();
    assert!(
        approved > 0 && approved < closed.updates.len(),
        "a mixed round"
    );
    let (headers, rows) = csv_rows(
        &app.get(&format!("/data/plans/{id}/progress.csv"))
            .await
            .bytes,
    );
    assert_eq!(rows.len(), approved);
    let year = headers.iter().position(|h| h == "year").expect("year");
    assert!(
        rows.iter().all(|r| &r[year] == "2024"),
        "the 2025 sample is not published"
    );
}

/// The generated plan of the municipality `code`.
fn municipal_plan(code: &str) -> planmon::plan::Plan {
    let t = planmon::territory::tree();
    let m = t.municipality(code).expect("municipality");
    let district = t.district(&m.district).expect("district");
    planmon::generate::municipal_plan(&Default::default(), m, &district.name)
}

#[tokio::test]
async fn the_roll_ups_add_up_approved_data_of_closed_rounds_per_district_and_nationally() {
    let app = TestApp::spawn().await;
    let (_, a) = store_with_rounds(&app, &municipal_plan("SML09")).await;
    let (_, b) = store_with_rounds(&app, &municipal_plan("SZR12")).await;
    let people = |s: &planmon::snapshot::RoundSnapshot| -> u64 {
        s.updates
            .iter()
            .filter(|u| u.state == ReviewState::Approved)
            .filter_map(|u| u.people_reached)
            .sum()
    };
    let (headers, rows) = csv_rows(&app.get("/data/districts.csv").await.bytes);
    assert_eq!(headers, Dataset::Districts.columns());
    let col = |n: &str| headers.iter().position(|h| h == n).expect("column");
    let all: Vec<_> = rows
        .iter()
        .filter(|r| &r[col("priority_area")] == "all")
        .collect();
    assert_eq!(
        all.len(),
        28,
        "every district of 2024, once: the 2025 sample is left out"
    );
    assert!(all.iter().all(|r| &r[col("year")] == "2024"));
    let of = |code: &str| {
        all.iter()
            .find(|r| &r[col("district_code")] == code)
            .expect("district row")
    };
    assert_eq!(&of("SML")[col("municipalities_reporting")], "1");
    assert_eq!(&of("SML")[col("people_reached")], &people(&a).to_string());
    assert_eq!(&of("SZR")[col("people_reached")], &people(&b).to_string());
    assert_eq!(&of("PDV")[col("rounds")], "0");

    let (status, national) = app.get_json("/data/national.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(national["dataset"], "national");
    assert_eq!(national["plan_id"], serde_json::Value::Null);
    let records = national["records"].as_array().expect("records");
    let whole = &records[0];
    assert_eq!(whole["priority_area"], "all");
    assert_eq!(whole["municipalities"], 265);
    assert_eq!(whole["municipalities_reporting"], 2);
    assert_eq!(whole["people_reached"], people(&a) + people(&b));
    // The same figures as the roll-up API, which adds the same rounds.
    let (_, api) = app.get_json("/api/v1/rollup/2024").await;
    assert_eq!(whole["measures"], api["totals"]["measures"]);
    assert_eq!(whole["spent_eur"], api["totals"]["money"]["spent_eur"]);
    let r = app.get("/data/national.xlsx").await;
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes)).expect("opens");
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).expect("sheet");
    assert_eq!(range.get((0, 0)), Some(&Data::String("year".into())));
    assert_eq!(range.get((1, 0)), Some(&Data::Float(2024.0)));
}

#[tokio::test]
async fn xlsx_downloads_open_with_typed_cells() {
    let app = TestApp::spawn().await;
    let (id, _) = plan_with_rounds(&app).await;
    let r = app.get(&format!("/data/plans/{id}/plans.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes)).expect("opens");
    let range = wb.worksheet_range("Планове").expect("sheet");
    assert_eq!(range.get((0, 0)), Some(&Data::String("plan_id".into())));
    assert_eq!(range.get((1, 0)), Some(&Data::Float(id as f64)));
    assert_eq!(range.get((1, 1)), Some(&Data::String("Примерна".into())));
}

#[tokio::test]
async fn text_that_looks_like_a_formula_is_neutralised_in_csv_and_xlsx() {
    let app = TestApp::spawn().await;
    let mut plan = sample_plan();
    let m = plan.measures_mut().next().expect("a measure");
    m.code = Some("=HYPERLINK(\"http://evil\",\"x\")".into());
    m.status = Some("@SUM(1)".into());
    let id = app.create_plan(&plan).await;
    let (headers, rows) = csv_rows(
        &app.get(&format!("/data/plans/{id}/measures.csv"))
            .await
            .bytes,
    );
    let col = |n: &str| headers.iter().position(|h| h == n).expect("column");
    assert_eq!(
        &rows[0][col("measure_code")],
        "'=HYPERLINK(\"http://evil\",\"x\")"
    );
    assert_eq!(&rows[0][col("declared_status")], "'@SUM(1)");
    let r = app.get(&format!("/data/plans/{id}/measures.xlsx")).await;
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes)).expect("opens");
    let range = wb.worksheet_range("Мерки").expect("sheet");
    assert_eq!(
        range.get((1, col("measure_code"))),
        Some(&Data::String("'=HYPERLINK(\"http://evil\",\"x\")".into()))
    );
}

#[tokio::test]
async fn unknown_datasets_formats_and_plans_are_404s() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    for path in [
        "/data/people.csv".to_string(),
        "/data/plans.exe".to_string(),
        "/data/plans".to_string(),
        "/data/plans/999/plans.csv".to_string(),
        "/data/plans/abc/plans.csv".to_string(),
        format!("/data/plans/{id}/nothing.json"),
        format!("/data/plans/{id}/districts.csv"),
        format!("/data/plans/{id}/national.json"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_dcat_catalogue_describes_every_dataset_and_each_download_works() {
    let app = TestApp::spawn_with(|c| c.public_url = Some("https://pm.example.bg/".into())).await;
    let (id, _) = plan_with_rounds(&app).await;
    let r = app.get("/data/catalog.jsonld").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "application/ld+json");
    let cat: serde_json::Value = serde_json::from_str(&r.body).expect("json-ld");
    assert_eq!(cat["@type"], "dcat:Catalog");
    assert_eq!(cat["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    let datasets = cat["dcat:dataset"].as_array().expect("datasets");
    let per_plan = Dataset::ALL.iter().filter(|d| d.per_plan()).count();
    assert_eq!(
        datasets.len(),
        Dataset::ALL.len() + per_plan,
        "all plans and the one plan (the roll-ups add plans up)"
    );
    let mut checked = 0;
    for d in datasets {
        assert_eq!(d["@type"], "dcat:Dataset");
        assert_eq!(
            d["dct:license"]["@id"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
        assert!(d["dct:title"][0]["@value"].is_string());
        assert!(d["dct:description"][1]["@language"] == "en");
        for dist in d["dcat:distribution"].as_array().expect("distributions") {
            let url = dist["dcat:downloadURL"]["@id"].as_str().expect("url");
            let path = url.strip_prefix("https://pm.example.bg").expect("absolute");
            let got = app.get(path).await;
            assert_eq!(got.status, StatusCode::OK, "{path}");
            let media = dist["dcat:mediaType"]["@id"].as_str().expect("media type");
            let bare = got.content_type.split(';').next().unwrap_or_default();
            assert!(media.ends_with(bare), "{media} vs {bare}");
            checked += 1;
        }
    }
    assert_eq!(checked, datasets.len() * 3);
    assert!(
        datasets
            .iter()
            .any(|d| d["@id"] == format!("https://pm.example.bg/data/plans/{id}#ds-measures"))
    );
    let mut redacted = cat.clone();
    for d in redacted["dcat:dataset"].as_array_mut().expect("datasets") {
        if d["dct:modified"].is_object() {
            d["dct:modified"]["@value"] = "[timestamp]".into();
        }
    }
    insta::assert_json_snapshot!("dcat_catalog", redacted);
}

/// Reads every sheet of a workbook and writes it again with `edit` applied to the cells, as a
/// person saving the file from a spreadsheet program would.
fn rewrite_workbook(
    bytes: &[u8],
    edit: impl Fn(&str, u32, u16, &str) -> Option<String>,
) -> Vec<u8> {
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("opens");
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet");
        let ws = out.add_worksheet();
        ws.set_name(&name).expect("name");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r0 + r as u32, (c0 as usize + c) as u16);
                let text = match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let text = edit(&name, r, c, &text).unwrap_or(text);
                if !text.is_empty() {
                    ws.write_string(r, c, text).expect("write");
                }
            }
        }
    }
    out.save_to_buffer().expect("save")
}

fn import(name: &str, bytes: &[u8]) -> planmon::plan::Plan {
    planmon::import::load::import_bytes(name, bytes, &Default::default())
        .expect("imports")
        .plan
        .expect("a plan")
}

#[tokio::test]
async fn a_plans_workbook_imports_back_as_the_same_plan() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    let mut tricky = sample_plan();
    let m = tricky.measures_mut().next().expect("measure");
    m.code = Some("=1+1".into());
    m.activities.push("-тире в началото".into());
    let sample = app.create_plan(&tricky).await;
    for id in [plovdiv, kazanlak, sample] {
        let r = app.get(&format!("/data/plans/{id}/plan.xlsx")).await;
        assert_eq!(r.status, StatusCode::OK);
        let stored = app.state.plan(id).await.expect("load").expect("plan");
        let mut back = import("план.xlsx", &r.bytes);
        assert_eq!(
            back.source.as_ref().and_then(|s| s.format.as_deref()),
            Some("xlsx")
        );
        back.source = stored.plan.source.clone();
        assert_eq!(back, stored.plan, "plan {id} round trip");
    }
}

#[tokio::test]
async fn an_edited_workbook_becomes_a_new_version_with_only_the_edit_changed() {
    let app = TestApp::spawn().await;
    let plan = sample_plan();
    let id = app.create_plan(&plan).await;
    let bytes = app.get(&format!("/data/plans/{id}/plan.xlsx")).await.bytes;
    // Change the first measure's status (sheet "Мерки", row 2, column "Статус") and the
    // second indicator's target of the third measure.
    let edited = rewrite_workbook(&bytes, |sheet, r, c, text| match (sheet, r, c) {
        ("Мерки", 1, 10) => {
            assert_eq!(text, "Текущ");
            Some("Изпълнява се".into())
        }
        ("Индикатори", 4, 8) => {
            assert_eq!(text, "да");
            Some("не".into())
        }
        _ => None,
    });
    let mut back = import("plan-edited.xlsx", &edited);
    let mut expected = plan.clone();
    {
        let mut ms = expected.measures_mut();
        ms.next().expect("m1").status = Some("Изпълнява се".into());
        let m3 = ms.nth(1).expect("m3");
        m3.indicators[1].target = Some("не".into());
    }
    back.source = expected.source.clone();
    assert_eq!(back, expected);
    let version = planmon::plan::store::save_version(&app.db, id, &back, Some("от XLSX"))
        .await
        .expect("save")
        .expect("plan exists");
    assert_eq!(version, 2);
    let stored = app.state.plan(id).await.expect("load").expect("plan");
    assert_eq!(stored.plan, back);
}

#[tokio::test]
async fn a_broken_workbook_is_refused_with_sheet_row_and_column() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let bytes = app.get(&format!("/data/plans/{id}/plan.xlsx")).await.bytes;
    let broken = rewrite_workbook(&bytes, |sheet, r, c, _| {
        (sheet == "Суми" && r == 1 && c == 2).then(|| "USD".to_string())
    });
    let err = planmon::import::load::import_bytes("b.xlsx", &broken, &Default::default())
        .expect_err("refused");
    let msg = err.to_string();
    assert!(msg.contains("лист „Суми“, ред 2, колона „Валута“"), "{msg}");
    assert!(msg.contains("USD"), "{msg}");
}

#[tokio::test]
async fn iati_activities_cover_every_plan_and_one_plan_has_its_own_file() {
    let app = TestApp::spawn_with(|c| {
        c.open_data.reporting_org_ref = "BG-EIK-000000000".into();
        c.open_data.reporting_org_name = "Министерски съвет".into();
    })
    .await;
    let (id, _) = plan_with_rounds(&app).await;
    let other = app.create_plan(&sample_plan()).await;
    let r = app.get("/data/iati/activities.xml").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/xml"));
    assert!(r.body.contains("<iati-activities version=\"2.03\""));
    // The nation, one district, two plans.
    assert_eq!(r.body.matches("<iati-activity ").count(), 4);
    for p in [id, other] {
        assert!(r.body.contains(&format!(
            "<iati-identifier>BG-EIK-000000000-plan-{p}</iati-identifier>"
        )));
    }
    assert!(
        r.body
            .contains("<reporting-org ref=\"BG-EIK-000000000\" type=\"10\">")
    );
    // Actual values come from the closed 2024 round only.
    assert!(r.body.contains("<period-start iso-date=\"2024-01-01\"/>"));
    assert!(
        !r.body.contains("2025-01-01"),
        "the 2025 sample is not published"
    );
    let one = app.get(&format!("/data/iati/plans/{id}.xml")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body.matches("<iati-activity ").count(), 3);
    assert!(!one.body.contains(&format!("plan-{other}<")));
    for bad in [
        "/data/iati/plans/999.xml",
        "/data/iati/plans/1.json",
        "/data/iati/plans/x.xml",
    ] {
        assert_eq!(app.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}
