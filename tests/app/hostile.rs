//! Small hostile files (issue 18): every reader stays within its budget, refuses with the limit
//! named in Bulgarian, and the process reading them stays under 300 MB.

use crate::helpers::{TestApp, get, issue_link, open_round_by_form, post_multipart};
use crate::hostile_files::{self as files, Hostile};
use axum::http::StatusCode;
use planmon::import::ImportError;
use planmon::import::budget::Limit;
use planmon::import::document::Block;
use planmon::import::load::read_any;
use rust_xlsxwriter::Workbook;
use std::time::{Duration, Instant};

fn limit_of(r: Result<impl Sized, ImportError>) -> Option<Limit> {
    match r {
        Err(ImportError::OverBudget { which, .. }) => Some(which),
        _ => None,
    }
}

#[test]
fn a_spreadsheet_with_cells_at_a1_and_xfd1048576_is_read_as_two_cells() {
    let started = Instant::now();
    let (_, doc) = read_any("far.xlsx", &files::far_cells_xlsx(&["Лист1"])).expect("reads");
    assert!(started.elapsed() < Duration::from_secs(10));
    let tables: Vec<_> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(tables.len(), 2, "A1 and XFD1048576 are apart");
    assert_eq!(tables[0].rows[0].cells[0].joined(), "A1");
    let last = &tables[1].rows[0];
    assert_eq!(last.at.line, Some(1_048_576));
    assert_eq!(
        last.cells.last().map(|c| c.joined()).as_deref(),
        Some("XFD1048576")
    );
}

#[test]
fn an_ods_with_far_cells_is_read_and_one_of_repeated_text_is_refused_by_its_cell_count() {
    let (_, doc) = read_any("far.ods", &files::ods_far_cells()).expect("reads");
    assert_eq!(doc.blocks.len(), 2);
    let e = read_any("rep.ods", &files::ods_repeated_text()).expect_err("refused");
    assert_eq!(
        e.to_string(),
        "rep.ods: файлът надхвърля ограничението за обработка (до 250\u{a0}000 клетки в таблиците)"
    );
}

#[test]
fn nested_html_is_refused_by_its_depth_at_once() {
    for page in [
        files::nested_tables_html(5000),
        files::nested_divs_html(100_000),
    ] {
        let started = Instant::now();
        assert_eq!(limit_of(read_any("x.html", &page)), Some(Limit::Depth));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn archives_that_unpack_past_the_budget_or_lie_about_their_strings_are_refused() {
    assert_eq!(
        limit_of(read_any("s.xlsx", &files::shared_strings_bomb(200))),
        Some(Limit::UnpackedBytes)
    );
    assert_eq!(
        limit_of(read_any("c.xlsx", &files::shared_strings_count_lie())),
        Some(Limit::Cells)
    );
    // Found by scripts/fuzz.sh: the count behind another element and a long comment aborted the
    // process asking for 96 GB.
    assert_eq!(
        limit_of(read_any(
            "h.xlsx",
            &files::shared_strings_count_lie_hidden()
        )),
        Some(Limit::Cells)
    );
    let e = read_any("t.docx", &files::docx_table_bomb(150)).expect_err("refused");
    assert!(matches!(e, ImportError::OverBudget { .. }), "{e}");
    assert_eq!(
        limit_of(read_any("m.csv", &files::csv_rows(1_000_000))),
        Some(Limit::Rows)
    );
    assert_eq!(
        limit_of(read_any("t.txt", &files::text_of_tabs())),
        Some(Limit::Cells)
    );
}

/// PDFs made to exhaust a reader: a page whose content unpacks to 256 MB (a page's stream is
/// held to 16 MB, and to what is left of the unpacked limit, which is then named),
/// a million one-letter words (a megabyte of text that lopdf parsed into gigabytes of
/// operations), arrays nested 100,000 deep, a page tree that lists itself. Each is refused
/// saying why — a limit is not called damage — and nothing panics.
#[test]
fn hostile_pdfs_are_refused_saying_why_without_a_panic() {
    match read_any("bomb.pdf", &files::pdf_content_bomb(256)) {
        Err(ImportError::Invalid { at, detail, .. }) => {
            assert_eq!(at, "страница 1");
            assert!(detail.contains("16 MB"), "{detail}");
        }
        other => panic!("a content bomb: {:?}", other.err()),
    }
    // Within a smaller unpacked limit the same file is refused by that limit, named.
    let small = planmon::import::budget::ReadLimits {
        unpacked_bytes: 4 << 20,
        ..planmon::import::budget::ReadLimits::DEFAULT
    };
    let bomb = planmon::import::read::read_document_within(
        "bomb.pdf",
        &files::pdf_content_bomb(256),
        &small,
    );
    assert_eq!(limit_of(bomb), Some(Limit::UnpackedBytes));
    match read_any("words.pdf", &files::pdf_many_words(1_000_000)) {
        // The page's stream, operations or the file's glyphs, whichever limit comes first.
        Err(ImportError::Invalid { at, detail, .. }) => {
            assert!(at == "страница 1" || at == "целият файл", "{at}");
            assert!(
                ["16 MB", "операции", "знака текст"]
                    .iter()
                    .any(|w| detail.contains(w)),
                "{detail}"
            );
        }
        other => panic!("a million words: {:?}", other.err()),
    }
    for (name, bytes) in [
        ("nested.pdf", files::pdf_nested_arrays(100_000)),
        ("loop.pdf", files::pdf_page_tree_loop()),
    ] {
        match read_any(name, &bytes) {
            Err(ImportError::Corrupt { detail, .. }) => assert!(!detail.is_empty(), "{name}"),
            other => panic!("{name}: {:?}", other.err()),
        }
    }
}

/// A word of half a million letters (a 1 KB file) is read as text like any other; what is kept
/// of the document's words stays linear in its length.
#[test]
fn a_pdf_word_of_half_a_million_letters_is_read_without_exhausting_memory() {
    let bytes = files::pdf_long_word(500_000);
    assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    match read_any("long-word.pdf", &bytes) {
        Ok(_) | Err(ImportError::Invalid { .. } | ImportError::OverBudget { .. }) => {}
        Err(other) => panic!("a long word: {other}"),
    }
}

#[test]
fn a_spreadsheet_whose_cell_references_overflow_is_refused_as_corrupt_not_a_panic() {
    let e = read_any("r.xlsx", &files::cell_reference_overflow()).expect_err("refused");
    assert!(matches!(e, ImportError::Corrupt { .. }), "{e}");
}

/// A workbook shaped as the template of `round`/`institution`, with a cell at XFD1048576 on
/// every sheet.
fn far_template(round: i64, institution: i64) -> Vec<u8> {
    let mut wb = Workbook::new();
    for name in ["Мерки", "Индикатори", "planmon"] {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("name");
        match name {
            "Мерки" => ws.write_string(3, 0, "Ключ (не променяйте)").expect("w"),
            "Индикатори" => ws.write_string(0, 6, "Стойност").expect("w"),
            _ => {
                ws.write_string(0, 1, "planmon-report-template/1")
                    .expect("w");
                ws.write_number(1, 1, round as f64).expect("w");
                ws.write_number(2, 1, institution as f64).expect("w")
            }
        };
        ws.write_string(1_048_575, 16_383, "x").expect("xfd");
    }
    wb.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn a_template_with_a_cell_at_xfd1048576_through_a_submission_link_is_answered() {
    let app = TestApp::spawn().await;
    let (_, round_id) = open_round_by_form(&app).await;
    let (link, u) = issue_link(&app, round_id).await;
    for bytes in [
        far_template(round_id, u.institution_id),
        files::far_cells_xlsx(&["planmon", "Мерки", "Индикатори"]),
    ] {
        let started = Instant::now();
        let r = post_multipart(
            &app,
            &format!("{link}/upload"),
            None,
            &[],
            Some(("x.xlsx", &bytes)),
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(
            r.status.is_client_error() || r.status.is_success() || r.status.is_redirection(),
            "{}: {}",
            r.status,
            r.body
        );
    }
    assert_eq!(get(&app, &link, None).await.status, StatusCode::OK);
}

/// Peak resident memory (KB) of `planmon inspect FILE`, its exit code and its error output.
fn inspect_peak(dir: &std::path::Path, h: &Hostile) -> (u64, Option<i32>, String) {
    let path = dir.join(h.name);
    std::fs::write(&path, &h.bytes).expect("write");
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak-kb=%M"])
        .arg(env!("CARGO_BIN_EXE_planmon"))
        .arg("inspect")
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run planmon inspect under /usr/bin/time");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let kb = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak-kb="))
        .next_back()
        .and_then(|v| v.trim().parse().ok())
        .expect("peak from /usr/bin/time");
    (kb, out.status.code(), stderr)
}

#[test]
fn every_hostile_file_is_read_or_refused_by_planmon_inspect_under_300_mb() {
    let dir = tempfile::tempdir().expect("dir");
    let mut report = Vec::new();
    for h in files::all() {
        let started = Instant::now();
        let (kb, code, stderr) = inspect_peak(dir.path(), &h);
        let took = started.elapsed();
        let said = stderr
            .lines()
            .find(|l| !l.starts_with("peak-kb="))
            .unwrap_or("");
        report.push(format!(
            "{:<28} {:>9} B  peak {:>4} MB  exit {:?}  {:.1} s  {said}",
            h.name,
            h.bytes.len(),
            kb / 1024,
            code,
            took.as_secs_f64()
        ));
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: no crash (exit {code:?}): {stderr}",
            h.name
        );
        assert!(
            kb < 300 * 1024,
            "{}: peak {} MB: {stderr}",
            h.name,
            kb / 1024
        );
        if code == Some(1) {
            assert!(
                stderr.contains("надхвърля ограничението") || stderr.contains("грешка"),
                "{}: {stderr}",
                h.name
            );
        }
    }
    eprintln!("{}", report.join("\n"));
}

#[tokio::test]
async fn a_panic_in_a_handler_is_answered_with_the_500_page_not_a_dropped_connection() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    async fn boom() -> &'static str {
        panic!("a handler bug")
    }
    let app = axum::Router::new()
        .route("/boom", axum::routing::get(boom))
        .layer(planmon::server::catch_panic());
    let r = app
        .oneshot(Request::get("/boom").body(Body::empty()).expect("request"))
        .await
        .expect("answered");
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = r.into_body().collect().await.expect("body").to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("Възникна вътрешна грешка"), "{body}");
    assert!(!body.contains("a handler bug"), "details stay in the log");
}

#[tokio::test]
async fn an_upload_over_budget_is_refused_on_the_import_page_naming_the_limit() {
    let app = TestApp::spawn().await;
    let r = app
        .request(crate::helpers::upload_request(
            "вложени.html",
            &files::nested_tables_html(5000),
            "",
            true,
        ))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(
        r.body.contains(
            "вложени.html: файлът надхвърля ограничението за обработка (до 256 нива на влагане)"
        ),
        "{}",
        r.body
    );
    let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM import_drafts")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(drafts, 0, "nothing stored");
}

#[tokio::test]
async fn the_operator_s_limits_decide_what_an_upload_may_make_the_reader_do() {
    // A plan well within the default budget, over a budget of eight nesting levels.
    let app = TestApp::spawn_with(|c| c.limits.depth = 8).await;
    let r = app
        .request(crate::helpers::upload_request(
            "вложени.html",
            &files::nested_tables_html(20),
            "",
            true,
        ))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("до 8 нива на влагане"), "{}", r.body);
    let default = TestApp::spawn().await;
    let r = default
        .request(crate::helpers::upload_request(
            "вложени.html",
            &files::nested_tables_html(20),
            "",
            true,
        ))
        .await;
    assert_ne!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
}

/// A `planmon serve` process on its own SQLite database, spoken to over TCP as a script does
/// (the administration token), so its peak memory can be read from `/proc`.
struct Server {
    child: std::process::Child,
    addr: String,
    _dir: tempfile::TempDir,
}

const SERVER_TOKEN: &str = "rss-test-token";

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_planmon"))
            .args(["serve", "--addr", &addr])
            .env("PLANMON_DATA_DIR", dir.path())
            .env("PLANMON_DATABASE_URL", "")
            .env("PLANMON_ADMIN_TOKEN", SERVER_TOKEN)
            .env("PLANMON_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start planmon serve");
        let server = Server {
            child,
            addr,
            _dir: dir,
        };
        let started = Instant::now();
        while server.send("GET /healthz", &[], b"").is_none() {
            assert!(started.elapsed() < Duration::from_secs(60), "server starts");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// Sends one request (`"METHOD /path"`, extra headers, body) and returns the status and
    /// the response; `None` when the server cannot be reached.
    fn send(&self, line: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<(u16, Vec<u8>)> {
        use std::io::Read;
        let mut s = std::net::TcpStream::connect(&self.addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(120))).ok()?;
        let mut head = format!(
            "{line} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: Bearer {SERVER_TOKEN}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).ok()?;
        s.write_all(body).ok()?;
        let mut out = Vec::new();
        s.read_to_end(&mut out).ok()?;
        let status = std::str::from_utf8(out.get(9..12)?).ok()?.parse().ok()?;
        Some((status, out))
    }

    /// Peak resident memory since the last reset, in KB, then resets it.
    fn take_peak_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("server status");
        let kb = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        // "5" resets the peak to the current size (proc(5), clear_refs).
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
        kb
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

use std::io::Write as _;

/// The largest plan the budget lets through: `ReadLimits::measures` measures, as plan JSON.
fn largest_plan_json() -> Vec<u8> {
    let mut plan = crate::helpers::sample_plan();
    let limit = planmon::import::budget::ReadLimits::DEFAULT.measures as usize;
    let model = plan.measures().next().cloned().expect("a measure");
    let per_objective = limit / plan.priorities.len();
    for (p, priority) in plan.priorities.iter_mut().enumerate() {
        for objective in priority.objectives.iter_mut().take(1) {
            objective.measures = (0..per_objective)
                .map(|i| {
                    let mut m = model.clone();
                    m.key = format!("p{p}m{i}");
                    m.code = Some(format!("{}.{}", p + 1, i + 1));
                    m.tasks = vec![format!("Дейност {i} с описание, което се повтаря. ").repeat(8)];
                    m
                })
                .collect();
        }
    }
    serde_json::to_vec(&plan).expect("plan JSON")
}

/// Issue 18: the server's peak resident memory stays under 300 MB for any single upload up to
/// the size limit — each hostile file and the largest plan the budget admits, each uploaded to
/// the import of a fresh server and, when it becomes a draft, its review page rendered.
#[test]
fn the_running_server_stays_under_300_mb_for_every_hostile_upload_and_its_review_page() {
    let mut uploads = files::all();
    uploads.push(Hostile {
        name: "largest-plan.json",
        bytes: largest_plan_json(),
    });
    let mut report = Vec::new();
    for h in uploads {
        // Each upload on a server of its own: the peak of one upload, not what the allocator
        // kept of the uploads before it (glibc keeps freed memory in per-thread arenas).
        let server = Server::start();
        let baseline = server.take_peak_kb();
        let (content_type, body) =
            crate::helpers::multipart(&[("municipality", "")], Some((h.name, &h.bytes)));
        let (status, answer) = server
            .send(
                "POST /admin/import",
                &[("Content-Type", content_type.as_str())],
                &body,
            )
            .unwrap_or_else(|| panic!("{}: the server answers", h.name));
        assert!(status < 500, "{}: answered {status}", h.name);
        let answer = String::from_utf8_lossy(&answer);
        let review = answer
            .lines()
            .find_map(|l| {
                l.strip_prefix("location: ")
                    .or(l.strip_prefix("Location: "))
            })
            .map(|l| l.trim().to_string());
        if let Some(review) = &review {
            let (status, page) = server
                .send(&format!("GET {review}"), &[], b"")
                .unwrap_or_else(|| panic!("{}: the review page answers", h.name));
            assert_eq!(status, 200, "{}: review page", h.name);
            assert!(page.len() > 1000);
        }
        let kb = server.take_peak_kb();
        report.push(format!(
            "{:<30} {:>9} B  answered {status}  review {}  peak {:>4} MB (idle {} MB)",
            h.name,
            h.bytes.len(),
            review.is_some(),
            kb / 1024,
            baseline / 1024
        ));
        let limit_mb = 300;
        assert!(kb < limit_mb * 1024, "{}: peak {} MB", h.name, kb / 1024);
        assert!(
            server.send("GET /healthz", &[], b"").is_some(),
            "{}: the server is still up",
            h.name
        );
    }
    eprintln!("{}", report.join("\n"));
}
