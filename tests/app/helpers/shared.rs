//! Shared by several test files: uploads, forms, fixtures, accessibility basics, the CLI.

use super::*;

pub const BOUNDARY: &str = "planmon-test-boundary";

/// A multipart upload of one file (and the optional municipality field).
pub fn upload_request(
    file_name: &str,
    bytes: &[u8],
    municipality: &str,
    auth: bool,
) -> Request<Body> {
    let mut body = Vec::new();
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(
        format!(
            "\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"municipality\"\r\n\r\n{municipality}\r\n--{BOUNDARY}--\r\n"
        )
        .as_bytes(),
    );
    let mut req = Request::post("/admin/import").header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if auth {
        req = req.header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"));
    }
    req.body(Body::from(body)).expect("request")
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn post_form(path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::from(form_body(fields)))
        .expect("request")
}

pub fn get_admin(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::empty())
        .expect("request")
}

pub async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

/// Uploads a file and returns the review page's path.
pub async fn upload(app: &TestApp, file_name: &str, bytes: &[u8]) -> String {
    let r = app
        .request(upload_request(file_name, bytes, "", true))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().starts_with("/admin/import/"),
        "{}",
        r.location()
    );
    r.location().to_string()
}

pub const SEEDS: [&str; 2] = ["plovdiv-2022-2024", "kazanlak-2021-2023"];

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn seed_text(seed: &str) -> Vec<u8> {
    let path = format!("{}/demo/{seed}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Checks the WCAG basics a page must meet: language, one h1, labelled fields, tables with
/// captions and header cells, a skip link to the main landmark.
pub fn assert_accessible_basics(html: &str) {
    assert!(
        html.contains("<html lang=\"bg\">"),
        "page language is declared"
    );
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1");
    assert!(html.contains("<main id=\"main\""), "main landmark");
    assert!(html.contains("href=\"#main\""), "skip link");
    for part in html
        .split("<input")
        .skip(1)
        .chain(html.split("<select").skip(1))
    {
        // Only the tag itself: a field without an id must not borrow the next element's id.
        let tag = part.split('>').next().unwrap_or_default();
        if let Some(id) = tag.split(" id=\"").nth(1).and_then(|s| s.split('"').next()) {
            assert!(
                html.contains(&format!("<label for=\"{id}\"")),
                "field {id} has a label"
            );
        }
    }
    for table in html.split("<table").skip(1) {
        let table = table.split("</table>").next().unwrap_or_default();
        assert!(table.contains("<caption"), "table has a caption");
        assert!(
            table.contains("<th scope=\"col\""),
            "table has column headers"
        );
    }
}

pub async fn planmon(app: &TestApp, args: &[&str]) -> anyhow::Result<()> {
    let data_dir = app.state.config.data_dir.display().to_string();
    let mut argv = vec![
        "planmon",
        "--database-url",
        app.database_url.as_str(),
        "--data-dir",
        data_dir.as_str(),
    ];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv)?;
    let config = load_config(&cli)?;
    run(cli, config).await
}
