//! `/api/v1/openapi.json` (also at `/api/openapi.json`) and `/api/docs`: the reference page for
//! people, rendered by our own template from the same document, with no outside resources and
//! no script. Texts of the document written "Български / English" show the reader's language.

use super::openapi;
use crate::i18n::{Lang, Tr};
use crate::web::{AppError, AppState, cache, render};
use askama::Template;
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(document))
        .route("/api/openapi.json", get(document))
        .route("/api/docs", get(page))
        .route_layer(axum::middleware::from_fn(cache::conditional))
}

async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::json(),
    )
        .into_response()
}

/// The part of a "Български / English" text in the reader's language (the whole text when it
/// has one language).
fn pick(text: &str, lang: Lang) -> String {
    let split = if text.contains("\n\n") {
        text.split_once("\n\n")
    } else {
        text.split_once(" / ")
    };
    match (split, lang) {
        (Some((bg, _)), Lang::Bg) => bg.trim().to_string(),
        (Some((_, en)), Lang::En) => en.trim().to_string(),
        (None, _) => text.trim().to_string(),
    }
}

/// A schema as a short name: `Plan`, `[PlanSummaryJson]`, `string`, `integer | null`.
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(items) = schema.get("items") {
        return format!("[{}]", type_name(items));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            return list.iter().map(type_name).collect::<Vec<_>>().join(" | ");
        }
    }
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "object".into(),
    }
}

/// The schema of the JSON content of a request body or a response, as a name.
fn content_type_name(v: &Value) -> Option<String> {
    let content = v.get("content")?.as_object()?;
    let (_, media) = content.iter().next()?;
    media.get("schema").map(type_name)
}

struct ParamView {
    name: String,
    location: String,
    required: bool,
    schema: String,
    description: String,
}

struct ResponseView {
    status: String,
    description: String,
    schema: Option<String>,
}

struct OperationView {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    needs_token: bool,
    params: Vec<ParamView>,
    body: Option<String>,
    responses: Vec<ResponseView>,
}

struct TagView {
    name: String,
    description: String,
    operations: Vec<OperationView>,
}

struct SchemaView {
    name: String,
    json: String,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    tr: Tr,
    title: String,
    version: String,
    description: String,
    tags: Vec<TagView>,
    schemas: Vec<SchemaView>,
}

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn operations(doc: &Value, lang: Lang) -> Vec<(String, OperationView)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| ParamView {
                    name: text(p, "name"),
                    location: text(p, "in"),
                    required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    schema: p.get("schema").map(type_name).unwrap_or_default(),
                    description: pick(&text(p, "description"), lang),
                })
                .collect();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(status, r)| ResponseView {
                    status: status.clone(),
                    description: pick(&text(r, "description"), lang),
                    schema: content_type_name(r),
                })
                .collect();
            let tag = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("api")
                .to_string();
            let anchor: String = format!("{method}{path}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            out.push((
                tag,
                OperationView {
                    anchor: format!("op-{anchor}"),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: pick(&text(op, "summary"), lang),
                    description: pick(&text(op, "description"), lang),
                    needs_token: op.get("security").is_some(),
                    params,
                    body: op.get("requestBody").and_then(content_type_name),
                    responses,
                },
            ));
        }
    }
    out
}

async fn page(tr: Tr) -> Result<Html<String>, AppError> {
    let doc: Value = serde_json::from_str(openapi::json())
        .map_err(|e| AppError::Internal(format!("openapi: {e}")))?;
    let info = doc.get("info").cloned().unwrap_or_default();
    let mut tags: Vec<TagView> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| TagView {
            name: text(t, "name"),
            description: pick(&text(t, "description"), tr.lang),
            operations: Vec::new(),
        })
        .collect();
    for (tag, op) in operations(&doc, tr.lang) {
        match tags.iter_mut().find(|t| t.name == tag) {
            Some(t) => t.operations.push(op),
            None => tags.push(TagView {
                name: tag.clone(),
                description: String::new(),
                operations: vec![op],
            }),
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| SchemaView {
            name: name.clone(),
            json: serde_json::to_string_pretty(s).unwrap_or_default(),
        })
        .collect();
    render(&DocsPage {
        tr,
        title: text(&info, "title"),
        version: text(&info, "version"),
        description: pick(&text(&info, "description"), tr.lang),
        tags,
        schemas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_texts_show_the_readers_language() {
        assert_eq!(pick("Един план / One plan", Lang::Bg), "Един план");
        assert_eq!(pick("Един план / One plan", Lang::En), "One plan");
        assert_eq!(pick("Абзац.\n\nParagraph.", Lang::En), "Paragraph.");
        assert_eq!(pick("само едно", Lang::En), "само едно");
    }

    #[test]
    fn schemas_are_named_by_their_reference_or_type() {
        let v: Value =
            serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Plan"}});
        assert_eq!(type_name(&v), "[Plan]");
        let v: Value = serde_json::json!({"type": ["integer", "null"]});
        assert_eq!(type_name(&v), "integer | null");
    }
}
