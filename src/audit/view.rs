//! The audit log as people read it: who did what to which record, in local time, with the
//! values before and after as labelled fields (the raw JSON stays one click away).

use super::store::StoredEvent;
use crate::i18n::Tr;

/// One event, shaped for the page.
pub struct EventView {
    /// ISO time for `<time datetime>`.
    pub at: String,
    /// Bulgarian local time (Europe/Sofia), as people read it.
    pub at_local: String,
    pub actor: String,
    pub action: String,
    /// What the event touched, in words ("годишен доклад 12"), and its page when it has one.
    pub entity: String,
    pub entity_href: Option<String>,
    pub municipality: Option<String>,
    pub before: Vec<(String, String)>,
    pub after: Vec<(String, String)>,
    pub raw_before: Option<String>,
    pub raw_after: Option<String>,
    pub ip: Option<String>,
}

/// A key's label: its translation when the interface knows the key, else the key.
fn label(tr: Tr, prefix: &str, key: &str) -> String {
    let k = format!("{prefix}.{key}");
    let t = tr.t(&k);
    if t == k {
        key.to_string()
    } else {
        t.to_string()
    }
}

pub fn action_label(tr: Tr, action: &str) -> String {
    label(tr, "audit.action", action)
}

/// The page of a record, for the kinds that have one.
fn entity_href(kind: &str, id: &str) -> Option<String> {
    let path = match kind {
        "plan" => "plans",
        "round" => "rounds",
        "annual_report" => "reports",
        "area_report" => "area-reports",
        _ => return None,
    };
    id.parse::<i64>().ok().map(|n| format!("/{path}/{n}"))
}

/// A JSON value as a short text: strings as they are, yes/no in words, lists joined.
fn value_text(tr: Tr, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => tr.t(if *b { "audit.yes" } else { "audit.no" }).into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| value_text(tr, i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => v.to_string(),
    }
}

/// The fields of a stored before/after value, labelled; a value that is not an object is one
/// field named "value".
pub fn fields(tr: Tr, json: Option<&str>) -> Vec<(String, String)> {
    let Some(text) = json else {
        return Vec::new();
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (label(tr, "audit.field", k), value_text(tr, v)))
            .collect(),
        Ok(v) => vec![(tr.t("audit.field.value").to_string(), value_text(tr, &v))],
        Err(_) => vec![(tr.t("audit.field.value").to_string(), text.to_string())],
    }
}

pub fn event_view(tr: Tr, e: StoredEvent) -> EventView {
    let kind = label(tr, "audit.entity", &e.entity_type);
    let entity = match &e.entity_id {
        Some(id) => format!("{kind} {id}"),
        None => kind,
    };
    EventView {
        at_local: crate::dates::display_local(&e.at),
        actor: e.actor_label,
        action: action_label(tr, &e.action),
        entity_href: e
            .entity_id
            .as_deref()
            .and_then(|id| entity_href(&e.entity_type, id)),
        entity,
        municipality: e.municipality,
        before: fields(tr, e.before.as_deref()),
        after: fields(tr, e.after.as_deref()),
        raw_before: e.before,
        raw_after: e.after,
        ip: e.ip,
        at: e.at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn stored_values_read_as_labelled_fields_with_words_for_yes_and_no() {
        let tr = Tr::new(Lang::Bg);
        let f = fields(
            tr,
            Some(r#"{"state":"approved","year":2024,"reminder":true,"updates":[3,4],"odd":null}"#),
        );
        assert!(
            f.contains(&("Година".to_string(), "2024".to_string())),
            "{f:?}"
        );
        assert!(
            f.contains(&("Напомняне".to_string(), "да".to_string())),
            "{f:?}"
        );
        assert!(
            f.contains(&("Актуализации".to_string(), "3, 4".to_string())),
            "{f:?}"
        );
        assert!(f.contains(&("odd".to_string(), "—".to_string())), "{f:?}");
        assert_eq!(
            fields(tr, Some("not json")),
            vec![("Стойност".into(), "not json".into())]
        );
        assert!(fields(tr, None).is_empty());
    }

    #[test]
    fn records_with_a_page_link_to_it() {
        assert_eq!(
            entity_href("annual_report", "12").as_deref(),
            Some("/reports/12")
        );
        assert_eq!(entity_href("round", "3").as_deref(), Some("/rounds/3"));
        assert_eq!(entity_href("user", "3"), None);
        assert_eq!(entity_href("plan", "x"), None);
    }
}
