//! English is complete: every public page reached from the home page, read in English, has no
//! Bulgarian interface text. Bulgarian content (plan titles, measures, names as documents write
//! them) is allowed only inside an element marked `lang="bg"`, as screen readers need it.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::Request;
use scraper::{ElementRef, Html, Node};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How many pages of one shape (digits and keys replaced) the crawl reads: enough to see every
/// template with varied data, few enough to stay quick.
const PER_SHAPE: usize = 3;
const MAX_PAGES: usize = 400;

fn shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|seg| {
            if seg.chars().any(|c| c.is_ascii_digit()) {
                "#"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Whether the element or one of its ancestors says its text is Bulgarian.
fn marked_bulgarian(el: ElementRef<'_>) -> bool {
    std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .find_map(|e| e.value().attr("lang"))
        .is_some_and(|l| l.starts_with("bg"))
}

/// The Bulgarian text of a page not marked as Bulgarian, and the same-site links it has.
pub(crate) fn read_page(html: &str) -> (Vec<String>, Vec<String>) {
    let doc = Html::parse_document(html);
    let mut unmarked = Vec::new();
    let mut links = Vec::new();
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Text(t) if t.chars().any(is_cyrillic) => {
                let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
                    continue;
                };
                // The document title names the page's content as it is (a plan's own title);
                // code samples are not interface text; a chart's drawn labels are not read
                // (the chart is an image named by its title and description, which count).
                let head_title = parent.value().name() == "title"
                    && parent
                        .parent()
                        .and_then(ElementRef::wrap)
                        .is_some_and(|p| p.value().name() == "head");
                if head_title
                    || matches!(
                        parent.value().name(),
                        "script" | "style" | "code" | "pre" | "text"
                    )
                    || marked_bulgarian(parent)
                {
                    continue;
                }
                unmarked.push(t.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            Node::Element(e) => {
                for attr in ["title", "aria-label", "alt", "placeholder"] {
                    if let Some(v) = e.attr(attr)
                        && v.chars().any(is_cyrillic)
                        && !ElementRef::wrap(node).is_some_and(marked_bulgarian)
                    {
                        unmarked.push(format!("[{attr}] {v}"));
                    }
                }
                if e.name() == "a"
                    && let Some(href) = e.attr("href")
                    && href.starts_with('/')
                    && !href.starts_with("//")
                {
                    links.push(href.split('#').next().unwrap_or(href).to_string());
                }
            }
            _ => {}
        }
    }
    (unmarked, links)
}

async fn get_english(app: &TestApp, path: &str, cookie: &str) -> crate::helpers::TestResponse {
    let cookie = if cookie.is_empty() {
        "lang=en".to_string()
    } else {
        format!("{cookie}; lang=en")
    };
    app.request(
        Request::get(path)
            .header("cookie", cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Links a crawl does not follow: other languages, files, signing out, downloads.
fn skipped(path: &str) -> bool {
    [
        "/lang/",
        "/static/",
        "/logout",
        "/admin/logout",
        "/api/v1",
        "/healthz",
    ]
    .iter()
    .any(|p| path.starts_with(p))
        || path.contains("/download")
        || path.contains("/evidence/")
        || [
            ".json", ".xlsx", ".docx", ".pdf", ".csv", ".xml", ".zip", ".txt", ".png",
        ]
        .iter()
        .any(|ext| path.split('?').next().unwrap_or(path).ends_with(ext))
}

/// Crawls the site in English from `start` with `cookie` (a signed-in person's, or none);
/// (pages read, each Bulgarian text not marked lang="bg" → (first page, times)).
async fn crawl(
    app: &TestApp,
    start: &[&str],
    cookie: &str,
    unchecked: &[&str],
) -> (usize, BTreeMap<String, (String, usize)>) {
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut seen = BTreeSet::new();
    let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        if pages >= MAX_PAGES || !seen.insert(path.clone()) {
            continue;
        }
        let n = per_shape.entry(shape(&path)).or_default();
        if *n >= PER_SHAPE || skipped(&path) {
            continue;
        }
        *n += 1;
        let r = get_english(app, &path, cookie).await;
        if !r.content_type.starts_with("text/html") || !r.status.is_success() {
            continue;
        }
        pages += 1;
        assert!(
            r.body.contains("<html lang=\"en\""),
            "{path} is not in English"
        );
        let (mut unmarked, links) = read_page(&r.body);
        if unchecked
            .iter()
            .any(|p| path.starts_with(p) || shape(&path).contains(p))
        {
            unmarked.clear();
        }
        for text in unmarked {
            found.entry(text).or_insert((path.clone(), 0)).1 += 1;
        }
        queue.extend(links.into_iter().filter(|l| !seen.contains(l)));
    }
    (pages, found)
}

fn report(found: &BTreeMap<String, (String, usize)>) -> Vec<String> {
    found
        .iter()
        .map(|(text, (page, n))| format!("{n:>4}× {text:?} (first on {page})"))
        .collect()
}

async fn demo_app() -> (TestApp, Vec<i64>) {
    let app = TestApp::spawn().await;
    let ids = planmon::demo::load(&app.db).await.expect("demo plans");
    planmon::amend::demo::load(&app.db, &app.state.config.data_dir, &ids)
        .await
        .expect("demo amendment");
    planmon::demo::load_sample_rounds(&app.db, &ids)
        .await
        .expect("sample rounds");
    (app, ids)
}

#[tokio::test]
async fn english_public_pages_have_no_bulgarian_interface_text() {
    let (app, ids) = demo_app().await;
    planmon::demo::load_report_drafts(&app.db, &ids)
        .await
        .expect("report drafts");
    // A published report, so the crawl reads the report as a publication too.
    assert!(
        planmon::demo::publish_sample_report(&app.db, &app.state.config.data_dir, &ids)
            .await
            .expect("published report")
    );
    let (pages, found) = crawl(&app, &["/"], "", &[]).await;
    assert!(pages > 20, "the crawl reached only {pages} pages");
    let report = report(&found);
    assert!(
        report.is_empty(),
        "{} Bulgarian texts not marked lang=\"bg\" on {pages} English pages:\n{}",
        report.len(),
        report.join("\n")
    );
}

/// Staff pages whose English is not complete yet (issue 17), crawled for their links but not
/// checked: the amendment editor, the annual report's workspace and the links to a higher-level
/// plan still show the plan's and the report's own words unmarked. Remove an entry once its
/// pages pass.
const STAFF_PENDING: &[&str] = &["/amend", "/reports/#", "/plans/#/links"];

/// Staff pages too, as each demo role sees them (the demo's accounts, open rounds and report
/// drafts, as `serve --demo` makes them): the plan's own words stay marked lang="bg".
#[tokio::test]
async fn english_staff_pages_have_no_bulgarian_interface_text() {
    let (app, ids) = demo_app().await;
    let logins = planmon::account::demo::accounts(&app.db)
        .await
        .expect("demo accounts");
    planmon::monitoring::demo::load(&app.db, &ids)
        .await
        .expect("demo rounds");
    planmon::demo::load_report_drafts(&app.db, &ids)
        .await
        .expect("report drafts");
    let mut all: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut kinds = BTreeSet::new();
    for login in &logins {
        // One account of each kind: admin@, koordinator.*, zveno.*, institucia1.*
        let kind = login
            .email
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string();
        if !kinds.insert(kind.clone()) {
            continue;
        }
        let session = app.login(&login.email, &login.password).await;
        let start = [
            "/work",
            "/account",
            "/rounds",
            "/audit",
            "/admin/users",
            "/admin/import",
        ];
        let (pages, found) = crawl(&app, &start, &session.cookie, STAFF_PENDING).await;
        assert!(pages > 3, "as {kind} the crawl reached only {pages} pages");
        for (text, (page, n)) in found {
            all.entry(text)
                .or_insert((format!("{page} as {kind}"), 0))
                .1 += n;
        }
    }
    assert_eq!(kinds.len(), 4, "demo roles: {kinds:?}");
    let report = report(&all);
    assert!(
        report.is_empty(),
        "{} Bulgarian texts not marked lang=\"bg\" on English staff pages:\n{}",
        report.len(),
        report.join("\n")
    );
}

/// A refusal a staff form says is in the page's language too (the round form's deadline).
#[tokio::test]
async fn the_round_form_refuses_in_english_on_english_pages() {
    let app = TestApp::spawn().await;
    let plan_id = app.create_plan(&crate::helpers::sample_plan()).await;
    let mut coordinator = app
        .staff_of_plan(plan_id, planmon::account::Role::Coordinator)
        .await;
    coordinator.cookie = format!("{}; lang=en", coordinator.cookie);
    let path = format!("/plans/{plan_id}/rounds");
    for (fields, said) in [
        (vec![("year", "2024")], "give the reporting deadline"),
        (
            vec![("year", "2024"), ("deadline", "31.03.2025")],
            "is not a date",
        ),
        (vec![("year", "две")], "is not a year"),
    ] {
        let r = app.post_form(&path, &coordinator, &fields).await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(said), "{said}: {}", r.body);
        let (unmarked, _) = read_page(&r.body);
        let unmarked: Vec<_> = unmarked.iter().filter(|t| !t.contains("две")).collect();
        assert!(unmarked.is_empty(), "{unmarked:?}");
    }
}

/// An open round with one update, and the administrator's session with English pages.
async fn update_in_english() -> (
    TestApp,
    i64,
    planmon::monitoring::store::UpdateRow,
    crate::helpers::Session,
) {
    let app = TestApp::spawn().await;
    let (_, round_id) = crate::helpers::open_round_by_form(&app).await;
    let (_, u) = crate::helpers::issue_link(&app, round_id).await;
    let mut admin = app.admin_session().await;
    admin.cookie = format!("{}; lang=en", admin.cookie);
    (app, round_id, u, admin)
}

/// A refused evidence file is said in the page's language (`files::accept` through `Tr::say`).
#[tokio::test]
async fn a_refused_evidence_file_is_said_in_english_on_english_pages() {
    let (app, round_id, u, admin) = update_in_english().await;
    let path = format!("/rounds/{round_id}/updates/{}/evidence", u.id);
    let r = crate::helpers::post_multipart(
        &app,
        &path,
        &admin,
        &[("status", "in_progress")],
        Some(("programa.exe", b"MZ\x90\x00 not evidence")),
    )
    .await;
    assert_eq!(
        r.status,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.body
    );
    assert!(
        r.body.contains("“exe” files are not accepted"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("не се приемат"));
}

/// The update form's refusals (`monitoring::input`) are said in the page's language.
#[tokio::test]
async fn the_update_form_refuses_in_english_on_english_pages() {
    let (app, round_id, u, admin) = update_in_english().await;
    let path = format!("/rounds/{round_id}/updates/{}", u.id);
    let r = app
        .post_form(
            &path,
            &admin,
            &[
                ("status", "горе-долу"),
                ("people_reached", "много"),
                ("spent.0.source", "Общински бюджет"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.body
    );
    for said in [
        "is not one of the possible statuses",
        "is not a whole non-negative number (of people)",
        "Enter the amount spent.",
    ] {
        assert!(r.body.contains(said), "{said}: {}", r.body);
    }
    assert!(!r.body.contains("Въведете изразходваната сума."));
}
