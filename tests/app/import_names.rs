//! New names on the import review: for each institution or funding source not in the
//! registry, the coordinator adds it as a new entry or maps it to an entry already there; the
//! choice is applied in the saving transaction. On SQLite and PostgreSQL.

use crate::helpers::TestApp;
use crate::helpers::{count, get_admin, post_form, upload};
use axum::http::StatusCode;

const PLAN: &str = "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово за периода 2024-2026 г.\n\nПриоритет 1 Образование\n\nЦели\tЗадачи\tДейности\tОтговорна институция\tСрок\tСредства\tИзточник\tИндикатори\n1. Достъп до образование\tЗадача\tРемонт на училището\tНова агенция за всичко, Друга нова служба\t2024 г.\t200 000 лв.\tОбщински бюджет\tБрой ремонтирани училища\n";

/// The review page's new names: (index, name, kind) from its hidden fields.
fn new_names(page: &str) -> Vec<(String, String, String)> {
    let re = regex::Regex::new(
        r#"name="nn\.(\d+)\.name" value="([^"]*)"><input type="hidden" name="nn\.\d+\.kind" value="([a-z]+)""#,
    )
    .expect("pattern");
    re.captures_iter(page)
        .map(|c| (c[1].to_string(), c[2].to_string(), c[3].to_string()))
        .collect()
}

fn index_of(names: &[(String, String, String)], name: &str) -> String {
    names
        .iter()
        .find(|(_, n, _)| n == name)
        .map(|(i, _, _)| i.clone())
        .unwrap_or_else(|| panic!("{name} not proposed: {names:?}"))
}

const HEADER: [(&str, &str); 6] = [
    ("municipality", "Тестово"),
    ("title", "План за действие на Община Тестово"),
    ("period_from", "2024"),
    ("period_to", "2026"),
    ("target", "new"),
    ("adoption_date", ""),
];

async fn institution_named(app: &TestApp, name: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT id FROM institutions WHERE name = $1")
        .bind(name)
        .fetch_optional(&app.db.pool)
        .await
        .expect("institution")
}

#[tokio::test]
async fn each_new_name_is_added_to_the_registry_or_mapped_to_an_entry_already_there() {
    let app = TestApp::spawn().await;
    let review = upload(&app, "тестово.txt", PLAN.as_bytes()).await;
    let page = app.request(get_admin(&review)).await;
    assert_eq!(page.status, StatusCode::OK);
    let names = new_names(&page.body);
    let agency = index_of(&names, "Нова агенция за всичко");
    let service = index_of(&names, "Друга нова служба");
    // The registry's entries are offered for each name.
    let (existing, existing_name): (i64, String) =
        sqlx::query_as("SELECT id, name FROM institutions ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .expect("a built-in institution");
    assert!(
        page.body.contains(&format!(
            "<option value=\"{existing}\">{existing_name}</option>"
        )),
        "the registry is offered"
    );

    // The agency is another spelling of an institution in the registry; the service is new.
    let to_agency = format!("nn.{agency}.to");
    let to_service = format!("nn.{service}.to");
    let existing_id = existing.to_string();
    let mut fields: Vec<(&str, &str)> = HEADER.to_vec();
    let mut hidden = Vec::new();
    for (i, name, kind) in &names {
        hidden.push((format!("nn.{i}.name"), name.clone()));
        hidden.push((format!("nn.{i}.kind"), kind.clone()));
    }
    fields.extend(hidden.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    fields.push((to_agency.as_str(), existing_id.as_str()));
    fields.push((to_service.as_str(), "new"));
    let r = app.request(post_form(&review, &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The measure keeps the names as written; the agency links to the chosen entry.
    let links: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, institution_id FROM measure_institutions ORDER BY position")
            .fetch_all(&app.db.pool)
            .await
            .expect("links");
    let service_id = institution_named(&app, "Друга нова служба")
        .await
        .expect("the service is a registry entry of its own");
    assert_eq!(
        links,
        vec![
            ("Нова агенция за всичко".to_string(), existing),
            ("Друга нова служба".to_string(), service_id),
        ]
    );
    assert_eq!(
        institution_named(&app, "Нова агенция за всичко").await,
        None,
        "a mapped name is not an entry of its own"
    );
    // The next plan naming the agency finds it in the registry.
    let mut conn = app.db.pool.acquire().await.expect("connection");
    assert_eq!(
        planmon::registry::store::find(
            &mut conn,
            planmon::registry::RegistryKind::Institution,
            "НОВА АГЕНЦИЯ ЗА ВСИЧКО"
        )
        .await
        .expect("find"),
        Some(existing)
    );
    drop(conn);
    let events: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, entity_id, after_json FROM audit_events WHERE action = 'registry.alias'",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1, existing.to_string());
    assert!(
        events[0]
            .2
            .as_deref()
            .is_some_and(|a| a.contains("Нова агенция за всичко"))
    );
}

#[tokio::test]
async fn a_wrong_or_vanished_registry_choice_is_named_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let review = upload(&app, "тестово.txt", PLAN.as_bytes()).await;
    let page = app.request(get_admin(&review)).await;
    let names = new_names(&page.body);
    let agency = index_of(&names, "Нова агенция за всичко");
    let (name_field, kind_field, to_field) = (
        format!("nn.{agency}.name"),
        format!("nn.{agency}.kind"),
        format!("nn.{agency}.to"),
    );
    for (choice, says) in [
        (
            "не е номер",
            "„Нова агенция за всичко“: изберете от списъка.",
        ),
        (
            "999999",
            "„Нова агенция за всичко“: избраният запис вече не е в регистъра.",
        ),
    ] {
        let mut fields: Vec<(&str, &str)> = HEADER.to_vec();
        fields.push((name_field.as_str(), "Нова агенция за всичко"));
        fields.push((kind_field.as_str(), "institution"));
        fields.push((to_field.as_str(), choice));
        let r = app.request(post_form(&review, &fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{choice}");
        assert!(r.body.contains(says), "{choice}: {says} not in the page");
        assert!(r.body.contains(&format!("id=\"{to_field}-error\"")));
        assert_eq!(app.plan_count().await, 0);
        assert_eq!(count(&app, "import_drafts").await, 1, "the draft stays");
        assert_eq!(institution_named(&app, "Друга нова служба").await, None);
    }
}

/// A regional structure written with its place in different spellings ("РУ-Казанлък",
/// "РУ- Казанлък", "РУ на МВР гр. Казанлък") is one registry entry, named as the registry
/// names that structure.
#[tokio::test]
async fn the_spellings_of_a_regional_structure_with_its_place_are_one_institution() {
    use planmon::registry::{RegistryKind, store};
    let app = TestApp::spawn().await;
    let mut conn = app.db.pool.acquire().await.expect("connection");
    let first = store::resolve(&mut conn, RegistryKind::Institution, "РУ-Казанлък")
        .await
        .expect("resolve");
    for spelling in ["РУ- Казанлък", "РУ на МВР гр. Казанлък", "РУП Казанлък"]
    {
        let id = store::resolve(&mut conn, RegistryKind::Institution, spelling)
            .await
            .expect("resolve");
        assert_eq!(id, first, "{spelling}");
    }
    let name: String = sqlx::query_scalar("SELECT name FROM institutions WHERE id = $1")
        .bind(first)
        .fetch_one(&mut *conn)
        .await
        .expect("entry");
    assert_eq!(name, "Районно управление на МВР – Казанлък");
    let other = store::resolve(&mut conn, RegistryKind::Institution, "РУ-Сливен")
        .await
        .expect("resolve");
    assert_ne!(other, first);
}
