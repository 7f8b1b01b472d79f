//! The command line: import and export of plan JSON, with errors that say where.

use crate::helpers::{TestApp, planmon, sample_plan};
use planmon::plan::format::to_plan_json;

#[tokio::test]
async fn import_then_export_round_trips_a_plan_file() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("plan.json");
    std::fs::write(&input, to_plan_json(&sample_plan())).expect("write");
    planmon(&app, &["import", input.to_str().expect("path")])
        .await
        .expect("import");
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM plans")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    let output = dir.path().join("out.json");
    planmon(
        &app,
        &[
            "export",
            &id.to_string(),
            "--format",
            "json",
            "-o",
            output.to_str().expect("path"),
        ],
    )
    .await
    .expect("export");
    assert_eq!(
        std::fs::read_to_string(&output).expect("read"),
        std::fs::read_to_string(&input).expect("read")
    );
}

#[tokio::test]
async fn malformed_plan_json_names_line_and_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("bad.json");
    let text =
        to_plan_json(&sample_plan()).replace("\"value\": \"15000.00\"", "\"value\": \"петнайсет\"");
    std::fs::write(&input, &text).expect("write");
    let err = planmon(&app, &["import", input.to_str().expect("path")])
        .await
        .expect_err("must fail");
    let msg = format!("{err:#}");
    let line = text
        .lines()
        .position(|l| l.contains("петнайсет"))
        .expect("line")
        + 1;
    assert!(msg.contains(&format!("ред {line}")), "{msg}");
    assert!(
        msg.contains("priorities[0].objectives[0].measures[0].amounts[0].value"),
        "{msg}"
    );
    assert!(msg.contains("bad.json"), "{msg}");
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn dry_run_checks_without_storing() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("plan.json");
    std::fs::write(&input, to_plan_json(&sample_plan())).expect("write");
    planmon(
        &app,
        &["import", input.to_str().expect("path"), "--dry-run"],
    )
    .await
    .expect("dry run");
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn import_as_a_new_version_keeps_the_plan_id() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("v2.json");
    let mut v2 = sample_plan();
    v2.title = "Изменен план".into();
    std::fs::write(&input, to_plan_json(&v2)).expect("write");
    planmon(
        &app,
        &[
            "import",
            input.to_str().expect("path"),
            "--new-version-of",
            &id.to_string(),
        ],
    )
    .await
    .expect("import");
    assert_eq!(app.plan_count().await, 1);
    let out = dir.path().join("v1.json");
    planmon(
        &app,
        &[
            "export",
            &id.to_string(),
            "--version",
            "1",
            "-o",
            out.to_str().expect("path"),
        ],
    )
    .await
    .expect("export v1");
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        to_plan_json(&sample_plan())
    );
}

#[tokio::test]
async fn missing_files_and_plans_are_errors_with_the_name() {
    let app = TestApp::spawn().await;
    let err = planmon(&app, &["import", "/no/such/file.json"])
        .await
        .expect_err("missing file");
    assert!(format!("{err:#}").contains("/no/such/file.json"));
    let err = planmon(&app, &["export", "777"])
        .await
        .expect_err("missing plan");
    assert!(format!("{err:#}").contains("777"));
}

fn seed_path(name: &str) -> String {
    format!("{}/demo/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn importing_a_plan_document_stores_the_recognised_plan() {
    let app = TestApp::spawn().await;
    planmon(&app, &["import", &seed_path("plovdiv-2022-2024.txt")])
        .await
        .expect("import");
    assert_eq!(app.plan_count().await, 1);
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM plans")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    let plan = planmon::plan::store::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("exists")
        .plan;
    assert_eq!(plan.municipality, "Пловдив");
    assert_eq!(plan.measures().count(), 52);
    // The stored plan says which file it came from, down to its checksum.
    let bytes = std::fs::read(seed_path("plovdiv-2022-2024.txt")).expect("seed");
    let source = plan.source.expect("source");
    assert_eq!(source.file_name.as_deref(), Some("plovdiv-2022-2024.txt"));
    assert_eq!(
        source.sha256,
        Some(planmon::import::load::sha256_hex(&bytes))
    );
    assert_eq!(source.sha256.as_ref().map(String::len), Some(64));
}

#[tokio::test]
async fn a_dry_run_of_a_document_stores_nothing() {
    let app = TestApp::spawn().await;
    planmon(
        &app,
        &[
            "import",
            &seed_path("kazanlak-2021-2023.txt"),
            "--dry-run",
            "--json",
            "--municipality",
            "Казанлък",
        ],
    )
    .await
    .expect("dry run");
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn a_document_without_a_measure_table_is_inspected_but_not_imported() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("decision.txt");
    std::fs::write(
        &input,
        "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово 2024-2026 г.\n\nПриет с Решение № 12 по Протокол № 3 от 28.02.2024 г. на Общински съвет Тестово.\n",
    )
    .expect("write");
    let path = input.to_str().expect("path");
    planmon(&app, &["inspect", path, "--json"])
        .await
        .expect("inspect works without a table");
    let err = planmon(&app, &["import", path])
        .await
        .expect_err("no plan to import");
    assert!(
        err.to_string().contains("не е намерена таблица с мерки"),
        "{err}"
    );
    assert_eq!(app.plan_count().await, 0);
    let bytes = std::fs::read(&input).expect("read");
    let out = planmon::import::load::import_bytes(
        "decision.txt",
        &bytes,
        &planmon::import::ImportOptions::default(),
    )
    .expect("reads");
    let summary =
        serde_json::to_value(planmon::import::load::summary("decision.txt", &out)).expect("json");
    insta::assert_json_snapshot!("inspect_without_table", summary);
}

#[tokio::test]
async fn an_empty_or_binary_document_is_an_error_naming_the_file() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").expect("write");
    let err = planmon(&app, &["import", empty.to_str().expect("path")])
        .await
        .expect_err("empty");
    assert!(err.to_string().contains("empty.txt"), "{err}");
    let zip = dir.path().join("plan.docx");
    std::fs::write(&zip, b"PK\x03\x04not really a docx").expect("write");
    let err = planmon(&app, &["inspect", zip.to_str().expect("path")])
        .await
        .expect_err("unsupported");
    assert!(err.to_string().contains("plan.docx"), "{err}");
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    // A 200 MB file that takes no disk space: refused from its size alone.
    let big = dir.path().join("plan.docx");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(200 * 1024 * 1024))
        .expect("sparse file");
    for command in ["import", "inspect"] {
        let err = planmon(&app, &[command, big.to_str().expect("path")])
            .await
            .expect_err("too large");
        let msg = format!("{err:#}");
        assert!(
            msg.contains("plan.docx: файлът е твърде голям (209715200 байта"),
            "{msg}"
        );
    }
    assert_eq!(app.plan_count().await, 0);
}

#[tokio::test]
async fn a_spreadsheet_without_a_recognisable_header_is_not_imported() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("числа.csv");
    std::fs::write(&input, "Име;Телефон;Бележка\nИван;0888;без\nМария;0899;с\n").expect("write");
    let err = planmon(&app, &["import", input.to_str().expect("path")])
        .await
        .expect_err("no measure table");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("числа.csv") && msg.contains("не е намерена таблица с мерки"),
        "{msg}"
    );
    assert_eq!(app.plan_count().await, 0);
}

/// The real binary: a bad file is an error on standard error and a non-zero exit code.
#[tokio::test]
async fn the_binary_exits_non_zero_on_a_bad_file_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty.txt", b"", "empty.txt: файлът е празен"),
        (
            "plan.docx",
            b"PK\x03\x04broken",
            "plan.docx: файлът е повреден",
        ),
        (
            "plan.xlsx",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0",
            "plan.xlsx: файлът е защитен с парола",
        ),
    ];
    for (name, bytes, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_planmon"))
            .args(["--database-url", &app.database_url, "import"])
            .arg(&path)
            .env_remove("PLANMON_CONFIG")
            .current_dir(dir.path())
            .output()
            .expect("run planmon");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
    }
    assert_eq!(app.plan_count().await, 0);
}
