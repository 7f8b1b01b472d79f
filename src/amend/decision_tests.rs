//! Unit tests of `amend::decision`: reading amending decisions.

use super::*;

fn kinds(r: &Reading) -> Vec<(&str, Option<&str>)> {
    r.proposed
        .iter()
        .map(|p| {
            let k = match &p.change {
                Change::SetAmounts { .. } => "amounts",
                Change::SetPeriod { .. } => "period",
                Change::SetInstitutions { .. } => "institutions",
                Change::SetSources { .. } => "sources",
                Change::SetText { .. } => "text",
                Change::Drop { .. } => "drop",
                Change::Add { .. } => "add",
            };
            (k, p.change.measure())
        })
        .collect()
}

#[test]
fn a_numbered_decision_gives_one_proposal_per_change_with_its_source_sentence() {
    let text = "На основание чл. 21, ал. 1, т. 12 от ЗМСМА Общинският съвет РЕШИ:\n\
        1. В мярка 2.3 сумата се изменя на 20 000 лв.\n\
        2. Създава се нова мярка 2.4 „Летни училища по математика“ с отговорна институция \
        Община Пловдив, срок 2023-2024 г., финансиране 5 000 лв.\n\
        3. Мярка 4.1 отпада.";
    let r = read(text);
    assert_eq!(
        kinds(&r),
        [
            ("amounts", Some("2.3")),
            ("add", None),
            ("drop", Some("4.1"))
        ]
    );
    assert_eq!(
        r.proposed[0].source,
        "В мярка 2.3 сумата се изменя на 20 000 лв."
    );
    let Change::SetAmounts { amounts, .. } = &r.proposed[0].change else {
        panic!("amounts expected")
    };
    assert_eq!(amounts[0].minor, 2_000_000);
    let Change::Add {
        code,
        text,
        institutions,
        period,
        amounts,
        ..
    } = &r.proposed[1].change
    else {
        panic!("add expected")
    };
    assert_eq!(code.as_deref(), Some("2.4"));
    assert_eq!(text, "Летни училища по математика");
    assert_eq!(institutions, &["Община Пловдив"]);
    assert_eq!(period.as_ref().and_then(|p| p.to), Some(2024));
    assert_eq!(amounts[0].minor, 500_000);
}

#[test]
fn other_verb_forms_and_numbering_styles_are_recognised() {
    let text = "§ 1. Сумата по мярка № 1.2. се променя от 10 000 лв. на 12 500,50 лв.;\n\
        § 2. Срокът за изпълнение на дейност 3 става 2024 г.;\n\
        § 3. Отменят се мерки 5.1, 5.2 и 5.3;\n\
        § 4. Отговорните институции по мярка 2.1.1 се заменят с: РУО, МОН и НПО;\n\
        § 5. Текстът на мярка 6 се изменя така: „Кампании за здравна профилактика“.\n\
        § 6. Добавя се мярка 7.2 в цел 7: Обучение на медиатори, срок 2024 г.";
    let r = read(text);
    assert_eq!(
        kinds(&r),
        [
            ("amounts", Some("1.2")),
            ("period", Some("3")),
            ("drop", Some("5.1")),
            ("drop", Some("5.2")),
            ("drop", Some("5.3")),
            ("institutions", Some("2.1.1")),
            ("text", Some("6")),
            ("add", None),
        ]
    );
    let Change::SetAmounts { amounts, .. } = &r.proposed[0].change else {
        panic!()
    };
    assert_eq!(amounts[0].minor, 1_250_050);
    let Change::SetInstitutions { institutions, .. } = &r.proposed[5].change else {
        panic!()
    };
    assert_eq!(institutions, &["РУО", "МОН", "НПО"]);
    let Change::Add {
        objective, text, ..
    } = &r.proposed[7].change
    else {
        panic!()
    };
    assert_eq!(objective.as_deref(), Some("7"));
    assert_eq!(text, "Обучение на медиатори");
}

#[test]
fn a_sentence_naming_a_measure_that_is_not_understood_is_shown_not_guessed() {
    let r = read("Мярка 3.3 се обсъжда на следващо заседание.\nПредседател: подпис");
    assert!(r.proposed.is_empty());
    assert_eq!(
        r.not_understood,
        ["Мярка 3.3 се обсъжда на следващо заседание."]
    );
}

#[test]
fn dotted_numbers_and_abbreviations_do_not_split_sentences() {
    let s = sentences("Мярка 4.1. отпада. В мярка 2.3 сумата става 1 000 лв. от ДБ.");
    assert_eq!(
        s,
        [
            "Мярка 4.1. отпада.",
            "В мярка 2.3 сумата става 1 000 лв. от ДБ."
        ]
    );
}
