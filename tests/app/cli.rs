//! The command line: import and export of plan JSON, with errors that say where.

use crate::helpers::{TestApp, sample_plan};
use clap::Parser;
use planmon::cli::{Cli, load_config, run};
use planmon::plan::format::to_plan_json;

async fn planmon(app: &TestApp, args: &[&str]) -> anyhow::Result<()> {
    let mut argv = vec!["planmon", "--database-url", app.database_url.as_str()];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv)?;
    let config = load_config(&cli)?;
    run(cli, config).await
}

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
