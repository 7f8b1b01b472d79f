//! The audit log as people read it: who did what to which record, in local time, with the
//! values before and after as labelled fields (the raw JSON stays one click away).

use super::Actor;
use super::names::Names;
use super::store::StoredEvent;
use crate::i18n::Tr;

/// One event, shaped for the page.
pub struct EventView {
    /// ISO time for `<time datetime>`.
    pub at: String,
    /// Bulgarian local time (Europe/Sofia), as people read it.
    pub at_local: String,
    /// What happened, as a sentence: "Мария Петрова одобри отчета на РУО Пловдив за мярка 2.3".
    pub sentence: Vec<Part>,
    /// The sentence is the plain "who: action", the record said after it.
    pub generic: bool,
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

pub fn event_view(tr: Tr, e: StoredEvent, names: &Names) -> EventView {
    let kind = label(tr, "audit.entity", &e.entity_type);
    let entity = match &e.entity_id {
        Some(id) => format!("{kind} {id}"),
        None => kind,
    };
    let (sentence, generic) = sentence(tr, &e, names);
    EventView {
        at_local: crate::dates::display_local(&e.at),
        sentence,
        generic,
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

/// A piece of an event's sentence: the interface's words, or a name as the records write it
/// (the template marks a name in Bulgarian letters `lang="bg"` on English pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub name: bool,
}

fn words(text: impl Into<String>) -> Part {
    Part {
        text: text.into(),
        name: false,
    }
}

fn name(text: impl Into<String>) -> Part {
    Part {
        text: text.into(),
        name: true,
    }
}

/// The message `key` with its `{place}`s filled by parts; `None` when the message is missing or
/// a place has no value (the caller says the event more plainly).
fn say(tr: Tr, key: &str, places: &[(&str, Vec<Part>)]) -> Option<Vec<Part>> {
    let text = tr.t(key);
    if text == key {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        if open > 0 {
            out.push(words(&rest[..open]));
        }
        let place = &rest[open + 1..close];
        let (_, value) = places.iter().find(|(p, _)| *p == place)?;
        out.extend(value.iter().cloned());
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(words(rest));
    }
    Some(out)
}

/// Who did it: a person by name, an institution through its link, planmon itself.
fn who(tr: Tr, e: &StoredEvent, names: &Names) -> Vec<Part> {
    match e.actor_kind.as_str() {
        "user" => {
            let shown = e.actor_user_id.and_then(|id| names.users.get(&id));
            vec![name(shown.unwrap_or(&e.actor_label).as_str())]
        }
        "link" => match Actor::link_id(&e.actor_label).and_then(|id| names.links.get(&id)) {
            Some(institution) => {
                let places = [("institution", vec![name(institution.as_str())])];
                say(tr, "audit.who.link", &places).unwrap_or_default()
            }
            None => vec![words(tr.t("audit.who.some_link"))],
        },
        "cli" => vec![words(tr.t("audit.who.cli"))],
        "token" => vec![words(tr.t("audit.who.token"))],
        _ if e.actor_label == Actor::system().label => vec![words(tr.t("audit.who.system"))],
        // A failed login names the e-mail tried.
        _ => vec![name(e.actor_label.as_str())],
    }
}

/// The value of `field` in what the event recorded after (else before), as text.
fn recorded(e: &StoredEvent, field: &str) -> Option<String> {
    [e.after.as_deref(), e.before.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .find_map(|v| match v.get(field)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

/// The event as a sentence in the reader's language, with the names of its records resolved
/// where `names` has them; `true` with it when the action has no sentence of its own (or a name
/// it needs is unknown) and it reads "who: action", the record to be said after it.
pub fn sentence(tr: Tr, e: &StoredEvent, names: &Names) -> (Vec<Part>, bool) {
    let mut places: Vec<(&str, Vec<Part>)> = vec![
        ("who", who(tr, e, names)),
        ("action", vec![words(action_label(tr, &e.action))]),
    ];
    if let Some(u) = names.update_of(e) {
        places.push(("institution", vec![name(u.institution.as_str())]));
        places.push(("year", vec![words(u.year.to_string())]));
        if let Some(n) = names.numbers.get(&(u.plan_id, u.measure_key.clone())) {
            places.push(("measure", vec![words(n.as_str())]));
        }
    }
    let id = super::names::entity_number(e);
    let found =
        |map: &std::collections::HashMap<i64, String>| id.and_then(|i| map.get(&i)).cloned();
    let year = |map: &std::collections::HashMap<i64, i64>| id.and_then(|i| map.get(&i)).copied();
    match e.entity_type.as_str() {
        "submission_link" => {
            if let Some(i) = found(&names.links) {
                places.push(("institution", vec![name(i)]));
            }
        }
        "user" => {
            if let Some(u) = id.and_then(|i| names.users.get(&i)) {
                places.push(("user", vec![name(u.as_str())]));
            }
        }
        "plan" => {
            if let Some(t) = found(&names.plans) {
                places.push(("plan", vec![name(t)]));
            }
        }
        kind => {
            let years = match kind {
                "round" => year(&names.round_years),
                "annual_report" => year(&names.report_years),
                "area_report" => year(&names.area_report_years),
                _ => None,
            };
            if let Some(y) = years {
                places.push(("year", vec![words(y.to_string())]));
            }
        }
    }
    if let Some(owner) = &e.municipality {
        places.push(("owner", vec![name(owner.as_str())]));
    }
    // What the event recorded, where the record itself does not say it (a mark's year, the
    // name added to the registry).
    for (field, as_name) in [("year", false), ("alias", true)] {
        if places.iter().any(|(p, _)| *p == field) {
            continue;
        }
        if let Some(v) = recorded(e, field) {
            places.push((field, vec![if as_name { name(v) } else { words(v) }]));
        }
    }
    match say(tr, &format!("audit.say.{}", e.action), &places) {
        Some(said) => (said, false),
        None => (say(tr, "audit.say.any", &places).unwrap_or_default(), true),
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

    fn event(action: &str, entity: &str, owner: &str, after: &str) -> StoredEvent {
        StoredEvent {
            id: 1,
            at: "2025-03-14T10:00:00Z".into(),
            actor_kind: "user".into(),
            actor_user_id: None,
            actor_label: "Мария Петрова".into(),
            action: action.into(),
            entity_type: entity.into(),
            entity_id: Some("5".into()),
            municipality_id: Some(9),
            municipality: Some(owner.into()),
            before: None,
            after: Some(after.into()),
            ip: None,
        }
    }

    fn text(tr: Tr, e: &StoredEvent, names: &Names) -> String {
        let (said, generic) = sentence(tr, e, names);
        assert!(!generic, "{} has a sentence of its own", e.action);
        said.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn the_events_of_district_and_national_reports_name_their_area_and_year() {
        let mut names = Names::default();
        names.area_report_years.insert(5, 2024);
        let approved = event("area_report.approve", "area_report", "Област Смолян", "{}");
        assert_eq!(
            text(Tr::new(Lang::Bg), &approved, &names),
            "Мария Петрова одобри доклада на Област Смолян за 2024 г."
        );
        assert_eq!(
            text(Tr::new(Lang::En), &approved, &names),
            "Мария Петрова approved the report of Област Смолян for 2024"
        );
        let marked = event(
            "reporting.exempt_district",
            "district",
            "Област Смолян",
            r#"{"district":"SML","year":2024,"reason":"няма планове"}"#,
        );
        assert_eq!(
            text(Tr::new(Lang::Bg), &marked, &Names::default()),
            "Мария Петрова отбеляза Област Смолян като неотчитаща се в националния доклад за 2024 г."
        );
        let alias = event(
            "registry.alias",
            "institution",
            "Община Мадан",
            r#"{"alias":"РУО","plan":3}"#,
        );
        assert_eq!(
            text(Tr::new(Lang::En), &alias, &Names::default()),
            "Мария Петрова added “РУО” as another name in the registry"
        );
    }

    #[test]
    fn a_sentence_fills_its_places_and_gives_up_when_one_is_unknown() {
        let tr = Tr::new(Lang::Bg);
        let places = [
            ("who", vec![name("Мария Петрова")]),
            ("institution", vec![name("РУО Пловдив")]),
            ("measure", vec![words("2.3.")]),
        ];
        let said = say(tr, "audit.say.update.approve", &places).expect("said");
        let text: String = said.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            text,
            "Мария Петрова одобри отчета на РУО Пловдив за мярка 2.3."
        );
        assert!(said[0].name && !said[1].name, "{said:?}");
        assert_eq!(say(tr, "audit.say.update.approve", &places[..2]), None);
        assert_eq!(say(tr, "audit.say.no.such", &places), None);
        assert_eq!(
            Actor::link_id(&Actor::link(42, "РУО", None).label),
            Some(42)
        );
        assert_eq!(Actor::link_id("admin@test.example"), None);
    }
}
