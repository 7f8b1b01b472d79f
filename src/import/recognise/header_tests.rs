//! Tests of the header rules on single texts.

use super::*;

#[test]
fn the_plan_period_is_read_from_its_title() {
    assert_eq!(
        period_in("на Община Пловдив … в периода 2022- 2024г."),
        Some(YearRange {
            from: 2022,
            to: 2024
        })
    );
    assert_eq!(
        period_in("2021 г. – 2023 г."),
        Some(YearRange {
            from: 2021,
            to: 2023
        })
    );
}

#[test]
fn two_digits_after_a_year_are_its_second_year_only_where_a_period_ends() {
    let range = |from, to| Some(YearRange { from, to });
    assert_eq!(
        period_in("Община Павликени, 2022 – 23 г."),
        range(2022, 2023)
    );
    assert_eq!(period_in("(2022-24)"), range(2022, 2024));
    assert_eq!(period_in("учебната 2022/2023 година"), range(2022, 2023));
    assert_eq!(period_in("от 2022 - 23 мерки"), None);
    assert_eq!(period_in("2024 – 21 г."), None);
}

#[test]
fn a_plan_of_one_year_is_read_only_from_the_year_its_title_ends_with() {
    let year = |y| Some(YearRange { from: y, to: y });
    assert_eq!(
        one_year_in_title("План за действие на Община X за 2023 г."),
        year(2023)
    );
    assert_eq!(
        one_year_in_title("План за действие за 2024 година"),
        year(2024)
    );
    assert_eq!(
        one_year_in_title("План за действие, приет през 2023 г."),
        None
    );
    assert_eq!(one_year_in_title("План за 2023 г. и 2024 г."), None);
}

#[test]
fn a_date_is_read_with_its_month_in_roman_numerals() {
    assert_eq!(date_in("от 28.IV.2022 г.").as_deref(), Some("2022-04-28"));
    assert_eq!(date_in("от 3. ХІ. 2021").as_deref(), Some("2021-11-03"));
    assert_eq!(date_in("от 3.XIII.2021"), None);
}

#[test]
fn the_municipality_is_read_even_from_letter_spaced_capitals() {
    assert_eq!(
        municipality_in("О Б Щ И Н А К А З А Н Л Ъ К", None).as_deref(),
        Some("Казанлък")
    );
    assert_eq!(
        municipality_in("на Община Пловдив за", None).as_deref(),
        Some("Пловдив")
    );
}

#[test]
fn only_a_municipal_council_decision_is_an_adoption() {
    let a = adoption_in(
        "Приет с Решение № 123, взето с Протокол № 7 от 30.09.2021 г. на Общински съвет - Казанлък",
    )
    .expect("adoption");
    assert_eq!(a.decision_number.as_deref(), Some("123"));
    assert_eq!(a.protocol_number.as_deref(), Some("7"));
    assert_eq!(a.date.as_deref(), Some("2021-09-30"));
    assert!(adoption_in("Решение № 278 на Министерски съвет от 05.05.2022 г.").is_none());
    assert!(adoption_in("Заповед № 5 на кмета на Община X").is_none());
    assert!(adoption_in("ПРОЕКТ ЗА РЕШЕНИЕ: Общински съвет приема").is_none());
}

#[test]
fn a_title_in_capitals_is_put_in_sentence_case() {
    assert_eq!(
        sentence_case("ПЛАН ЗА ДЕЙСТВИЕ НА ОБЩИНА КАЗАНЛЪК"),
        "План за действие на Община Казанлък"
    );
}
