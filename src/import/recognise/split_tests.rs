//! Tests of [`super`]: cells split into items, names, values and codes.
use super::*;

#[test]
fn a_name_wrapped_before_its_dash_is_one_name_but_a_list_after_dashes_is_not() {
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        dashed_lines_joined(&lines(&["Училищата, РУО", "– Пловдив"])),
        lines(&["Училищата, РУО – Пловдив"])
    );
    assert_eq!(
        dashed_lines_joined(&lines(&["– Община", "– РУО"])),
        lines(&["– Община", "– РУО"])
    );
    assert_eq!(
        dashed_lines_joined(&lines(&["Община,", "- НПО"])),
        lines(&["Община,", "- НПО"])
    );
}

#[test]
fn a_value_after_a_dash_ending_an_indicator_is_its_target_but_a_range_of_years_is_not() {
    assert_eq!(stated_target("Брой деца – 150"), Some(("Брой деца", "150")));
    assert_eq!(stated_target("Обхват: 95%"), Some(("Обхват", "95%")));
    assert_eq!(
        stated_target("Асфалтирани улици – 2 км"),
        Some(("Асфалтирани улици", "2 км"))
    );
    assert_eq!(stated_target("Операции по ПРЧР 2021-2027 г."), None);
    assert_eq!(stated_target("Брой деца-участници"), None);
    assert_eq!(stated_target("Брой кампании – по една годишно"), None);
    assert_eq!(stated_target("Изпълнени мерки - 3 от 5 до края"), None);
}

fn l(s: &[&str]) -> Vec<String> {
    s.iter().map(|x| (*x).to_string()).collect()
}

fn known() -> AliasIndex {
    let b = crate::registry::builtin().expect("registry");
    let mut all = b.institutions.clone();
    all.extend(b.sources.clone());
    AliasIndex::from_entries(&all)
}

#[test]
fn numbered_items_are_split_and_markers_removed() {
    assert_eq!(
        list_items(&l(&["1. Първо нещо; 2. Второ нещо в 4 махали. 3. Трето"])),
        vec!["Първо нещо;", "Второ нещо в 4 махали.", "Трето"]
    );
}

#[test]
fn dash_bullets_glued_to_words_split_but_spaced_dashes_do_not() {
    assert_eq!(
        list_items(&l(&[
            "-семеен консултинг -Интеграция на деца",
            "Заетост - различни форми."
        ])),
        vec![
            "семеен консултинг",
            "Интеграция на деца",
            "Заетост - различни форми."
        ]
    );
}

#[test]
fn sentences_split_but_abbreviations_do_not() {
    assert_eq!(
        list_items(&l(&[
            "Ремонт в гр. Казанлък. Обучение на ученици, вкл. от групи."
        ])),
        vec![
            "Ремонт в гр. Казанлък.",
            "Обучение на ученици, вкл. от групи."
        ]
    );
}

#[test]
fn several_count_statements_are_several_indicators() {
    assert_eq!(
        indicator_items(&l(&["Брой консултации беседи, Бр. прегледи"])),
        vec!["Брой консултации беседи,", "Бр. прегледи"]
    );
    assert_eq!(
        indicator_items(&l(&["Бр. проведени мероприятия и брой участници"])),
        vec!["Бр. проведени мероприятия и брой участници"]
    );
    assert_eq!(
        indicator_items(&l(&["Брой лица, от тях в:", "- заетост;", "- обучение."])),
        vec!["Брой лица, от тях в: - заетост; - обучение."]
    );
}

#[test]
fn names_split_on_separators_and_flattened_breaks_but_not_on_and() {
    let k = known();
    assert_eq!(
        name_items(&l(&["Община Пловдив АСП; МОН Проекти"]), &k),
        vec!["Община Пловдив", "АСП", "МОН", "Проекти"]
    );
    assert_eq!(
        name_items(
            &l(&["НПО и Община Пловдив, РУО МОН, Здравни Медиатори"]),
            &k
        ),
        vec!["НПО и Община Пловдив", "РУО МОН", "Здравни Медиатори"]
    );
    assert_eq!(
        name_items(
            &l(&["Община Казанлък/ МКБППМН РУО ДСП РУ на МВР Училища Детски градини"]),
            &k
        ),
        vec![
            "Община Казанлък/ МКБППМН",
            "РУО",
            "ДСП",
            "РУ на МВР",
            "Училища",
            "Детски градини"
        ]
    );
}
