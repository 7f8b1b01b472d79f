//! Plan amendments as council acts (issue 15), on both databases: versions with their acts,
//! the plan in force on a date and in a round's year, diffs, the history page and API, the
//! amending decision applied or refused, `planmon amend`.

use crate::helpers::{TestApp, redact_json, sample_plan};
use planmon::amend::{Input, apply::apply, read_input, store as amend};
use planmon::audit::Actor;
use planmon::monitoring::store as rounds;
use planmon::plan::act::Act;
use planmon::plan::keys::KeySource;
use planmon::plan::store as plans;

fn act(number: &str, date: &str) -> Act {
    Act::amendment(number, "7", date, "", "по предложение на кмета", "").expect("act")
}

/// Amends plan `id` by the decision `text`, every recognised change confirmed.
async fn amend_by_decision(app: &TestApp, id: i64, text: &str, date: &str) -> i64 {
    let Ok(Input::Decision { reading, .. }) = read_input("reshenie.txt", text.as_bytes()) else {
        panic!("a decision expected");
    };
    let current = plans::load_plan(&app.db, id)
        .await
        .expect("load")
        .expect("plan");
    let all: Vec<usize> = reading.proposed.iter().map(|p| p.n).collect();
    let amended = apply(&current.plan, &reading.proposed, &all).expect("applies");
    let prepared = amend::prepare(&app.db, id, &amended, KeySource::Kept)
        .await
        .expect("prepare")
        .expect("plan");
    amend::save(
        &app.db,
        &prepared,
        &act("99", date),
        Actor::system(),
        "тест",
        None,
        None,
    )
    .await
    .expect("saved")
}

const DECISION: &str = "Общинският съвет реши:\n\
    1. В мярка 1.1 сумата се изменя на 20 000 лв.\n\
    2. Създава се нова мярка 1.3 „Летни училища“ с отговорна институция РУО на МОН, срок 2025-2026 г.\n\
    3. Мярка 1.2 отпада.";

#[tokio::test]
async fn an_amending_decision_makes_version_2_with_its_act_and_one_audit_event() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let v = amend_by_decision(&app, id, DECISION, "2025-06-30").await;
    assert_eq!(v, 2);
    let versions = plans::versions(&app.db, id).await.expect("versions");
    assert_eq!(versions.len(), 2);
    let a = versions[0].act.as_ref().expect("act of version 2");
    assert_eq!(a.decision_number.as_deref(), Some("99"));
    assert_eq!(versions[0].effective_from, "2025-06-30");
    // Version 1's act is the adoption the plan states.
    let adoption = versions[1].act.as_ref().expect("adoption");
    assert_eq!(adoption.decision_number.as_deref(), Some("451"));
    let now = plans::load_plan(&app.db, id).await.unwrap().unwrap();
    let keys: Vec<_> = now.plan.measures().map(|m| m.key.as_str()).collect();
    assert_eq!(
        keys,
        ["m1", "m4", "m3"],
        "m2 dropped, the new measure never takes its key"
    );
    assert_eq!(
        now.plan.measures().next().unwrap().amounts[0].minor,
        2_000_000
    );
    // The plan keeps the adoption; the amendment is the act.
    assert_eq!(
        now.plan
            .adoption
            .as_ref()
            .and_then(|a| a.decision_number.as_deref()),
        Some("451")
    );
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.amend' AND entity_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(events, 1);
}

#[tokio::test]
async fn a_decision_naming_a_missing_measure_is_refused_field_by_field_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let text = "1. Мярка 7.7 отпада.\n2. В мярка 1.1 сумата се изменя на 1 лв.\n\
                3. Създава се нова мярка 1.1 „Дубликат“.";
    let Ok(Input::Decision { reading, .. }) = read_input("r.txt", text.as_bytes()) else {
        panic!("decision");
    };
    let plan = plans::load_plan(&app.db, id).await.unwrap().unwrap().plan;
    let all: Vec<usize> = reading.proposed.iter().map(|p| p.n).collect();
    let errors = apply(&plan, &reading.proposed, &all).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| (e.n, e.field)).collect();
    assert_eq!(fields, [(1, "measure"), (3, "code")]);
    assert_eq!(plans::versions(&app.db, id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_amendment_dated_before_the_version_in_force_is_refused() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    amend_by_decision(&app, id, "Мярка 1.2 отпада.", "2025-06-30").await;
    let plan = plans::load_plan(&app.db, id).await.unwrap().unwrap().plan;
    let prepared = amend::prepare(&app.db, id, &plan, KeySource::Kept)
        .await
        .unwrap()
        .unwrap();
    let e = amend::save(
        &app.db,
        &prepared,
        &act("100", "2025-01-10"),
        Actor::system(),
        "",
        None,
        None,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("преди действащата версия 2"), "{e}");
    assert_eq!(plans::versions(&app.db, id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_plan_in_force_follows_the_effective_dates_and_rounds_use_the_version_of_their_year() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    amend_by_decision(&app, id, DECISION, "2025-06-30").await;
    assert_eq!(
        plans::in_force(&app.db, id, "2023-12-31").await.unwrap(),
        None
    );
    assert_eq!(
        plans::in_force(&app.db, id, "2024-01-01").await.unwrap(),
        Some(1)
    );
    assert_eq!(
        plans::in_force(&app.db, id, "2025-06-29").await.unwrap(),
        Some(1)
    );
    assert_eq!(
        plans::in_force(&app.db, id, "2025-06-30").await.unwrap(),
        Some(2)
    );
    // 2024: version 1; 2025: the version in force at the year's end (the new measure is asked
    // for, the dropped one is not).
    let r2024 = rounds::open_round(&app.db, id, 2024, None, rounds::unaudited)
        .await
        .unwrap();
    let r2025 = rounds::open_round(&app.db, id, 2025, None, rounds::unaudited)
        .await
        .unwrap();
    let keys = |updates: Vec<rounds::UpdateRow>| {
        let mut k: Vec<String> = updates.into_iter().map(|u| u.measure_key).collect();
        k.sort();
        k.dedup();
        k
    };
    assert_eq!(
        keys(rounds::updates(&app.db, r2024, None).await.unwrap()),
        ["m1", "m3"]
    );
    assert_eq!(
        keys(rounds::updates(&app.db, r2025, None).await.unwrap()),
        ["m1", "m3", "m4"]
    );
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT plan_version FROM rounds WHERE plan_id = $1 ORDER BY year")
            .bind(id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(versions, [1, 2]);
}

#[tokio::test]
async fn a_reimported_document_keeps_the_keys_of_renumbered_and_reworded_measures() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let mut next = sample_plan();
    // The importer numbers afresh; the measures were renumbered and one re-worded.
    let o = &mut next.priorities[0].objectives[0];
    o.measures.swap(0, 1);
    o.measures[0].key = "m1".into();
    o.measures[0].code = Some("1.1.".into());
    o.measures[1].key = "m2".into();
    o.measures[1].code = Some("1.2.".into());
    o.measures[1].activities = vec!["Съвместни екипи за обхват по домовете и в училище".into()];
    let prepared = amend::prepare(&app.db, id, &next, KeySource::Matched)
        .await
        .unwrap()
        .unwrap();
    let keys: Vec<_> = prepared
        .proposed
        .measures()
        .map(|m| m.key.as_str())
        .collect();
    assert_eq!(keys, ["m2", "m1", "m3"]);
    let d = prepared.diff();
    assert_eq!(
        (d.counts.moved, d.counts.added, d.counts.dropped),
        (2, 0, 0)
    );
    let reworded = d.measures.iter().find(|c| c.key == "m1").unwrap();
    assert!(reworded.fields.iter().any(|f| f.field == "activities"));
}

#[tokio::test]
async fn history_page_and_versions_api_show_every_version_with_its_act() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    amend_by_decision(&app, id, DECISION, "2025-06-30").await;
    let page = app.get(&format!("/plans/{id}/history")).await;
    assert_eq!(page.status, 200);
    let main = page
        .body
        .split("<main")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .unwrap_or_default()
        .to_string();
    // The day the versions were saved is today.
    let saved = regex::Regex::new(r"(<dt>Записана</dt><dd>)\d\d\.\d\d\.\d{4} г\.")
        .expect("a valid pattern");
    let main = saved.replace_all(&main, "${1}[saved]").into_owned();
    insta::assert_snapshot!("amend_history_page", main);
    let (status, versions) = app.get_json(&format!("/api/v1/plans/{id}/versions")).await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("amend_versions_json", redact_json(versions));
    let (status, diff) = app
        .get_json(&format!("/api/v1/plans/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("amend_diff_json", diff);
    let (status, v1) = app
        .get_json(&format!("/api/v1/plans/{id}/versions/1"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        v1["priorities"][0]["objectives"][0]["measures"][1]["key"],
        "m2"
    );
    let (status, then) = app
        .get_json(&format!("/api/v1/plans/{id}?in_force=2024-06-30"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(then, v1);
    let (status, _) = app
        .get_json(&format!("/api/v1/plans/{id}?in_force=2023-06-30"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_json(&format!("/api/v1/plans/{id}?in_force=30.06.2024"))
        .await;
    assert_eq!(status, 400);
    let diff_page = app.get(&format!("/plans/{id}/diff?from=1&to=2")).await;
    assert_eq!(diff_page.status, 200);
    assert!(
        diff_page.body.contains("<ins>"),
        "word differences are marked"
    );
    let diff_main = diff_page
        .body
        .split("<main")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .unwrap_or_default();
    insta::assert_snapshot!("amend_diff_page", diff_main);
    // The dropped measure stays readable, as in the last version that had it.
    let dropped = app.get(&format!("/plans/{id}/measures/m2")).await;
    assert_eq!(dropped.status, 200);
    assert!(dropped.body.contains("Спортни пособия"));
    let old = app.get(&format!("/plans/{id}?in_force=2024-06-30")).await;
    assert_eq!(old.status, 200);
    assert!(old.body.contains("Спортни пособия"));
}

#[tokio::test]
async fn the_demo_plovdiv_plan_is_amended_once_in_2023() {
    let app = TestApp::spawn().await;
    let (plovdiv, kazanlak) = app.load_demo().await;
    let dir = app.state.config.data_dir.clone();
    let n = planmon::amend::demo::load(&app.db, &dir, &[plovdiv, kazanlak])
        .await
        .unwrap();
    assert_eq!(n, 1);
    let again = planmon::amend::demo::load(&app.db, &dir, &[plovdiv, kazanlak])
        .await
        .unwrap();
    assert_eq!(again, 0);
    let versions = plans::versions(&app.db, plovdiv).await.unwrap();
    assert_eq!(versions[0].effective_from, "2023-06-29");
    let (_, diff) = app
        .get_json(&format!("/api/v1/plans/{plovdiv}/diff?from=1&to=2"))
        .await;
    assert_eq!(diff["counts"]["added"], 1);
    assert_eq!(diff["counts"]["dropped"], 1);
    assert_eq!(diff["counts"]["changed"], 1);
    let file = app
        .get(&format!("/plans/{plovdiv}/versions/2/decision"))
        .await;
    assert_eq!(file.status, 200);
    let history = app.get(&format!("/plans/{plovdiv}/history")).await;
    assert_eq!(history.status, 200);
    assert!(
        history
            .body
            .contains("Решение № 214, протокол № 12 от 29.06.2023 г.")
    );
    assert!(
        history
            .body
            .contains(&format!("/plans/{plovdiv}/diff?from=1&#38;to=2"))
    );
    assert_eq!(plans::versions(&app.db, kazanlak).await.unwrap().len(), 1);

    // Two amendments in preparation, kept once, whose pages a coordinator reaches by links.
    let drafts = planmon::amend::store::list_drafts(&app.db, plovdiv)
        .await
        .unwrap();
    assert_eq!(drafts.len(), 2);
    let admin = app.admin_session().await;
    let plan = app.get_as(&format!("/plans/{plovdiv}"), &admin).await;
    for d in &drafts {
        let href = d.href(plovdiv);
        assert!(plan.body.contains(&format!("href=\"{href}\"")), "{href}");
        let page = app.get_as(&href, &admin).await;
        assert_eq!(page.status, 200, "{href}: {}", page.body);
    }
    let decision = drafts.iter().find(|d| !d.edit).expect("a draft decision");
    let review = app.get_as(&decision.href(plovdiv), &admin).await;
    assert!(review.body.contains("name=\"p.1\""));
    assert!(review.body.contains("class=\"not-recognised\""));
    assert!(review.body.contains(&format!(
        "/plans/{plovdiv}/amend/{}/measures/m",
        decision.id
    )));
    assert!(drafts.iter().any(|d| d.edit));
    planmon::amend::demo::load(&app.db, &dir, &[plovdiv, kazanlak])
        .await
        .unwrap();
    assert_eq!(
        planmon::amend::store::list_drafts(&app.db, plovdiv)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn an_annual_report_on_an_amended_year_names_its_version_and_lists_the_amendments() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    amend_by_decision(&app, id, DECISION, "2025-06-30").await;
    for (year, version) in [(2024, 1), (2025, 2)] {
        let (_, plan) = plans::plan_for_year(&app.db, id, year)
            .await
            .expect("load")
            .expect("in force");
        let snap = planmon::snapshot::sample::sample_round(id, version, &plan, year);
        planmon::snapshot::store::save_snapshot(&app.db.pool, &snap)
            .await
            .expect("round");
    }
    let report = planmon::report::store::unsaved_document(&app.db, id, 2025)
        .await
        .expect("report")
        .expect("a closed round");
    assert!(
        report.summary[0].starts_with("Докладът се отнася за версия 2 на плана"),
        "{:?}",
        report.summary
    );
    let annex = report.annexes.last().expect("annex");
    assert_eq!(annex.caption, "Изменения на плана през 2025 г.");
    assert_eq!(annex.rows.len(), 1);
    assert!(annex.rows[0][1].starts_with("Решение № 99, протокол № 7"));
    assert_eq!(
        annex.rows[0][4],
        "1 нови, 1 отпаднали, 0 преместени, 1 изменени мерки"
    );
    let earlier = planmon::report::store::unsaved_document(&app.db, id, 2024)
        .await
        .expect("report")
        .expect("a closed round");
    assert!(earlier.summary[0].contains("версия 1"));
    assert!(earlier.summary[0].contains("През 2024 г. планът не е изменян."));
}

/// `planmon amend` run as a program: its exit, standard output and standard error.
fn amend_command(app: &TestApp, dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planmon"))
        .args(["--database-url", &app.database_url, "--data-dir"])
        .arg(dir)
        .arg("amend")
        .args(args)
        .env_remove("PLANMON_CONFIG")
        .current_dir(dir)
        .output()
        .expect("run planmon");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn planmon_amend_dry_run_prints_the_changes_of_plan_json_a_whole_document_and_a_decision() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let act = ["--decision-number", "31", "--decision-date", "2025-06-30"];
    let run = |file: &str, extra: &[&str]| {
        let plan = id.to_string();
        let mut args = vec![plan.as_str(), file];
        args.extend_from_slice(&act);
        args.extend_from_slice(extra);
        amend_command(&app, dir.path(), &args)
    };
    let json = |stdout: &str| -> serde_json::Value { serde_json::from_str(stdout).expect("json") };

    // Plan JSON: the amended plan, keys kept (m2 dropped, m1's amount changed).
    let mut next = sample_plan();
    next.priorities[0].objectives[0].measures.remove(1);
    next.priorities[0].objectives[0].measures[0].activities =
        vec!["Съвместни екипи за обхват по домовете и в училище".into()];
    std::fs::write(
        dir.path().join("plan.json"),
        planmon::plan::format::to_plan_json(&next),
    )
    .expect("write");
    let (ok, out, err) = run("plan.json", &["--dry-run", "--json"]);
    assert!(ok, "{err}");
    let v = json(&out);
    assert_eq!(v["from_version"], 1);
    assert_eq!(v["act"]["decision_number"], "31");
    assert_eq!(v["diff"]["counts"]["dropped"], 1);
    assert_eq!(v["diff"]["counts"]["changed"], 1);
    let words = v["diff"]["measures"][0]["fields"][0]["words"].to_string();
    assert!(words.contains("\"added\""), "in-text differences: {words}");

    // A whole document with neither plan nor changes is refused.
    std::fs::write(dir.path().join("not-a-plan.txt"), "ПЛАН ЗА ДЕЙСТВИЕ\n").expect("write");
    let (ok, _, err) = run("not-a-plan.txt", &["--dry-run", "--json"]);
    assert!(!ok, "{err}");
    assert!(err.contains("няма нито план"), "{err}");

    // A whole document: the plan adopted again, read by the importer, its measures matched to
    // their keys (a re-worded measure is changed, not dropped and added).
    let seed_file = format!("{}/demo/kazanlak-2021-2023.txt", env!("CARGO_MANIFEST_DIR"));
    crate::helpers::planmon(&app, &["import", &seed_file, "--municipality", "Казанлък"])
        .await
        .expect("import");
    let kazanlak: i64 = sqlx::query_scalar("SELECT MAX(id) FROM plans")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    let seed = std::fs::read_to_string(&seed_file).expect("seed");
    let reworded = seed.replace(
        "Създаване и попълване на геоинформационна база",
        "Създаване, попълване и поддържане на геоинформационна база",
    );
    assert_ne!(reworded, seed);
    std::fs::write(dir.path().join("kazanlak-izmenen.txt"), reworded).expect("write");
    let k = kazanlak.to_string();
    let mut args = vec![k.as_str(), "kazanlak-izmenen.txt"];
    args.extend_from_slice(&act);
    args.extend_from_slice(&["--dry-run", "--json"]);
    let (ok, out, err) = amend_command(&app, dir.path(), &args);
    assert!(ok, "{err}");
    let v = json(&out);
    let c = &v["diff"]["counts"];
    assert_eq!(
        (c["added"].clone(), c["dropped"].clone()),
        (0.into(), 0.into()),
        "{c}"
    );
    assert_eq!(c["changed"], 1, "{c}");
    assert!(
        v["diff"]["measures"][0]["fields"]
            .to_string()
            .contains("поддържане")
    );

    // An amending decision: the recognised changes, and the sentences not understood.
    let decision = format!("{DECISION}\n4. Мярка 1.1 се обсъжда с читалищата.");
    std::fs::write(dir.path().join("reshenie.txt"), decision).expect("write");
    let (ok, out, err) = run("reshenie.txt", &["--dry-run", "--json"]);
    assert!(ok, "{err}");
    let v = json(&out);
    let c = &v["diff"]["counts"];
    assert_eq!(
        (
            c["added"].clone(),
            c["dropped"].clone(),
            c["changed"].clone()
        ),
        (1.into(), 1.into(), 1.into())
    );
    assert_eq!(v["not_understood"][0], "Мярка 1.1 се обсъжда с читалищата.");
    assert!(err.contains("неразпознато: Мярка 1.1"), "{err}");

    // A decision naming a measure the plan lacks: refused by proposal, nothing saved.
    std::fs::write(
        dir.path().join("greshka.txt"),
        "1. В мярка 9.9 сумата се изменя на 3 000 лв.\n2. Мярка 1.1 отпада.",
    )
    .expect("write");
    let (ok, _, err) = run("greshka.txt", &[]);
    assert!(!ok);
    assert!(
        err.contains("Предложение 1: в плана няма мярка „9.9“."),
        "{err}"
    );
    assert!(!err.contains("Предложение 2"), "{err}");
    // A wrong act is refused by option.
    let plan = id.to_string();
    let (ok, _, err) = amend_command(
        &app,
        dir.path(),
        &[
            &plan,
            "reshenie.txt",
            "--decision-number",
            "1",
            "--decision-date",
            "30.06.2025",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains("--decision-date: „30.06.2025“ не е дата"),
        "{err}"
    );
    assert_eq!(
        plans::versions(&app.db, id).await.expect("versions").len(),
        1
    );

    // Without --dry-run the decision is saved, the decision file kept as the act's document.
    let (ok, _, err) = run("reshenie.txt", &[]);
    assert!(ok, "{err}");
    let versions = plans::versions(&app.db, id).await.expect("versions");
    assert_eq!(versions.len(), 2);
    let file = versions[0]
        .act
        .as_ref()
        .and_then(|a| a.file.as_ref())
        .expect("file");
    assert_eq!(file.media_type, "text/plain; charset=utf-8");
}

#[tokio::test]
async fn the_year_selector_of_the_progress_page_shows_the_version_in_force_in_that_year() {
    let app = TestApp::spawn().await;
    let id = app.create_plan(&sample_plan()).await;
    amend_by_decision(&app, id, DECISION, "2025-06-30").await;
    for (year, version) in [(2024, 1), (2025, 2)] {
        let (v, plan) = plans::plan_for_year(&app.db, id, year)
            .await
            .expect("load")
            .expect("in force");
        assert_eq!(v, version);
        let snap = planmon::snapshot::sample::sample_round(id, version, &plan, year);
        planmon::snapshot::store::save_snapshot(&app.db.pool, &snap)
            .await
            .expect("round");
    }
    let latest = app.get(&format!("/plans/{id}/progress")).await;
    assert!(
        latest
            .body
            .contains(&format!("href=\"/plans/{id}?version=2\""))
    );
    assert!(
        latest
            .body
            .contains(&format!("/plans/{id}/progress?year=2024"))
    );
    assert!(!latest.body.contains("действащата версия е"));
    let earlier = app.get(&format!("/plans/{id}/progress?year=2024")).await;
    assert_eq!(earlier.status, 200);
    assert!(
        earlier
            .body
            .contains(&format!("href=\"/plans/{id}?version=1\""))
    );
    assert!(earlier.body.contains("действащата версия е 2"));
    // The version of 2024 still has the measure dropped in 2025.
    let v1 = app.get(&format!("/plans/{id}?version=1")).await;
    assert!(v1.body.contains("Спортни пособия"));
    let v2 = app.get(&format!("/plans/{id}?version=2")).await;
    assert!(!v2.body.contains("Спортни пособия"));
}
