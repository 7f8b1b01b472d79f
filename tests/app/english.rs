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

async fn get_english(app: &TestApp, path: &str) -> crate::helpers::TestResponse {
    app.request(
        Request::get(path)
            .header("cookie", "lang=en")
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn english_public_pages_have_no_bulgarian_interface_text() {
    let app = TestApp::spawn().await;
    let ids = planmon::demo::load(&app.db).await.expect("demo plans");
    planmon::amend::demo::load(&app.db, &app.state.config.data_dir, &ids)
        .await
        .expect("demo amendment");
    planmon::demo::load_sample_rounds(&app.db, &ids)
        .await
        .expect("sample rounds");
    planmon::demo::load_report_drafts(&app.db, &ids)
        .await
        .expect("report drafts");
    // A published report, so the crawl reads the report as a publication too.
    assert!(
        planmon::demo::publish_sample_report(&app.db, &app.state.config.data_dir, &ids)
            .await
            .expect("published report")
    );

    let mut queue = VecDeque::from(["/".to_string()]);
    let mut seen = BTreeSet::new();
    let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
    // Text → the first page it was seen on and how often.
    let mut found: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        if pages >= MAX_PAGES || !seen.insert(path.clone()) {
            continue;
        }
        let n = per_shape.entry(shape(&path)).or_default();
        // A report's documents (its HTML among them) are the report's Bulgarian text, not
        // pages of the site.
        if *n >= PER_SHAPE
            || path.starts_with("/lang/")
            || path.starts_with("/static/")
            || path.contains("/download/")
        {
            continue;
        }
        *n += 1;
        let r = get_english(&app, &path).await;
        if !r.content_type.starts_with("text/html") || !r.status.is_success() {
            continue;
        }
        pages += 1;
        assert!(
            r.body.contains("<html lang=\"en\""),
            "{path} is not in English"
        );
        let (unmarked, links) = read_page(&r.body);
        for text in unmarked {
            found.entry(text).or_insert((path.clone(), 0)).1 += 1;
        }
        queue.extend(links.into_iter().filter(|l| !seen.contains(l)));
    }
    assert!(pages > 20, "the crawl reached only {pages} pages");
    let report: Vec<String> = found
        .iter()
        .map(|(text, (page, n))| format!("{n:>4}× {text:?} (first on {page})"))
        .collect();
    assert!(
        report.is_empty(),
        "{} Bulgarian texts not marked lang=\"bg\" on {pages} English pages:\n{}",
        report.len(),
        report.join("\n")
    );
}
