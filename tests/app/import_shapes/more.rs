//! More shapes (tests/fixtures/import/shapes/, made up): a table Word split into tables of
//! which only the first has the header, tables after area headings without a header, a table
//! with no header at all, years standing as the names of money columns, "Финансиране (лв.)"
//! over years, an indicator's baseline and target on its own line, cells merged down over
//! rows, product and result indicators beside partners, roles written beside institutions,
//! money written in words, activities numbered "1.1.1." in one cell, columns in another order,
//! a notes column, Roman numerals after the priority word (Cyrillic І, Ѵ), codes written with
//! a word ("Мярка 1.1") and periods with dates, a row of the columns' numbers under the
//! header, a table without a header holding statuses and values, a target group column,
//! and a workbook with a sheet per area.

use super::{plan, summary};
use crate::helpers::fixture;
use planmon::import::load::import_bytes;
use planmon::import::{ImportOptions, WarningKind};
use planmon::plan::{Measure, Plan};

fn measures(plan: &Plan) -> Vec<&Measure> {
    plan.measures().collect()
}

fn targets(m: &Measure) -> Vec<(&str, Option<&str>, Option<&str>)> {
    m.indicators
        .iter()
        .map(|i| (i.name.as_str(), i.baseline.as_deref(), i.target.as_deref()))
        .collect()
}

#[test]
fn more_shapes_import_with_their_priorities_in_their_areas_every_measure_and_nothing_unplaced() {
    for (file, municipality, areas, count) in [
        (
            "table-continued-without-its-header.html",
            "Самоков",
            "education health housing",
            6,
        ),
        (
            "area-headings-over-tables-without-headers.html",
            "Айтос",
            "education employment culture",
            5,
        ),
        (
            "table-without-a-header-row.html",
            "Котел",
            "education health",
            5,
        ),
        (
            "money-years-as-the-header.html",
            "Харманли",
            "education employment",
            3,
        ),
        (
            "financing-in-leva-over-years.html",
            "Монтана",
            "education housing",
            2,
        ),
        (
            "indicator-values-on-the-indicators-line.html",
            "Перник",
            "education",
            4,
        ),
        (
            "rowspan-objective-and-measure-cells.html",
            "Септември",
            "education health",
            5,
        ),
        (
            "product-and-result-indicators-with-partners.html",
            "Сандански",
            "education employment",
            2,
        ),
        (
            "lead-and-partners-in-one-cell.html",
            "Девня",
            "education health",
            3,
        ),
        ("money-in-words.html", "Кнежа", "education", 5),
        (
            "numbered-activities-in-one-cell.html",
            "Омуртаг",
            "education",
            2,
        ),
        (
            "columns-in-another-order.html",
            "Попово",
            "education rule_of_law",
            3,
        ),
        (
            "roman-numerals-after-the-priority-word.html",
            "Раднево",
            "education health housing culture",
            4,
        ),
        (
            "measure-codes-with-words-and-dated-periods.html",
            "Гълъбово",
            "education employment",
            3,
        ),
        (
            "column-numbers-under-the-header.html",
            "Белово",
            "education employment",
            2,
        ),
        (
            "headerless-table-with-status-and-values.html",
            "Брацигово",
            "education",
            2,
        ),
        (
            "one-sheet-per-priority-area.xlsx",
            "Павликени",
            "education health housing",
            5,
        ),
    ] {
        let got = plan(file);
        assert_eq!(got.municipality, municipality, "{file}");
        let have: Vec<&str> = got
            .priorities
            .iter()
            .map(|p| p.national_area.map_or("?", |a| a.code()))
            .collect();
        assert_eq!(have.join(" "), areas, "{file}");
        assert_eq!(got.measures().count(), count, "{file}");
        assert!(got.unplaced.is_empty(), "{file}: {:?}", got.unplaced);
        for m in got.measures() {
            assert!(!m.institutions.is_empty(), "{file}: {m:?}");
            assert!(!m.indicators.is_empty(), "{file}: {m:?}");
            assert!(
                !m.amounts.is_empty() || !m.funding_sources.is_empty(),
                "{file}: {m:?}"
            );
        }
        let name = file.rsplit_once('.').map_or(file, |(n, _)| n);
        insta::assert_snapshot!(format!("shape_{name}"), summary(&got));
    }
}

#[test]
fn a_table_word_split_goes_on_with_the_columns_of_its_first_part() {
    let got = plan("table-continued-without-its-header.html");
    let all = measures(&got);
    // The first row of the second part goes on with the last measure of the first.
    assert_eq!(
        all[1].activities,
        ["Допълнително обучение по български език за деца, за които българският език не е майчин"]
    );
    assert_eq!(all[2].code.as_deref(), Some("1.3."));
    assert_eq!(all[2].institutions, ["Читалищата"]);
    assert_eq!(all[2].amounts[0].minor, 400_000);
    assert_eq!(all[4].funding_sources, ["Общински бюджет"]);
    // The parts after an area's heading too.
    let got = plan("area-headings-over-tables-without-headers.html");
    let m = measures(&got)[3];
    assert_eq!(m.institutions, ["ДБТ", "работодатели"]);
    assert_eq!(m.period.as_ref().map(|p| p.text.as_str()), Some("2026 г."));
    assert_eq!(m.funding_sources, ["ПРЧР 2021-2027"]);
}

#[test]
fn a_table_without_a_header_row_takes_its_columns_from_the_cells() {
    let got = plan("table-without-a-header-row.html");
    let m = measures(&got)[0];
    assert_eq!(m.code.as_deref(), Some("1.1."));
    assert_eq!(
        m.activities,
        ["Подкрепа за ученици в риск от отпадане чрез допълнителни занимания"]
    );
    assert_eq!(m.institutions, ["Училищата", "РУО – Сливен"]);
    assert_eq!(
        m.period.as_ref().map(|p| (p.from, p.to)),
        Some((Some(2024), Some(2026)))
    );
    assert_eq!(m.amounts[0].minor, 1_500_000);
    assert_eq!(m.funding_sources, ["НП"]);
    assert_eq!(
        m.indicators[0].name,
        "Брой ученици с допълнителни занимания"
    );
}

#[test]
fn a_headerless_tables_bare_numbers_right_of_its_indicators_are_their_values() {
    let got = plan("headerless-table-with-status-and-values.html");
    let all = measures(&got);
    assert_eq!(all[0].code.as_deref(), Some("1.1."));
    assert_eq!(all[0].status.as_deref(), Some("Предстои"));
    assert_eq!(targets(all[0]), [("Брой ученици", Some("20"), Some("45"))]);
    assert_eq!(all[1].funding_sources, ["Без финансиране"]);
}

#[test]
fn a_row_numbering_the_columns_under_the_header_is_no_measure() {
    let got = plan("column-numbers-under-the-header.html");
    let codes: Vec<Option<&str>> = got.measures().map(|m| m.code.as_deref()).collect();
    assert_eq!(codes, [Some("1.1."), Some("2.1.")]);
}

#[test]
fn years_standing_as_the_names_of_money_columns_give_an_amount_a_year() {
    let got = plan("money-years-as-the-header.html");
    let m = measures(&got)[1];
    let amounts: Vec<(i64, Option<&str>)> = m
        .amounts
        .iter()
        .map(|a| (a.minor, a.text.as_deref()))
        .collect();
    assert_eq!(
        amounts,
        [(80_000, Some("2025: 800")), (80_000, Some("2026: 800"))]
    );
    assert_eq!(m.funding_sources, ["Общински бюджет"]);
    // Under "Финансиране (лв.)" the years' amounts are in leva, without a warning.
    let out = import_bytes(
        "financing-in-leva-over-years.html",
        &fixture("shapes/financing-in-leva-over-years.html"),
        &ImportOptions::default(),
    )
    .expect("imports");
    assert!(
        !out.warnings
            .iter()
            .any(|w| w.kind == WarningKind::UnitMissing),
        "{:?}",
        out.warnings
    );
    let plan = out.plan.expect("plan");
    let total: i64 = plan
        .measures()
        .flat_map(|m| &m.amounts)
        .map(|a| a.minor)
        .sum();
    assert_eq!(total, 9_300_000);
}

#[test]
fn indicator_values_written_on_its_own_line_are_its_baseline_and_target() {
    let got = plan("indicator-values-on-the-indicators-line.html");
    let all = measures(&got);
    assert_eq!(targets(all[0]), [("Брой деца", Some("10"), Some("20"))]);
    assert_eq!(
        targets(all[1]),
        [
            ("Брой клубове", Some("2"), Some("5")),
            ("Брой участници", Some("30"), Some("80"))
        ]
    );
    assert_eq!(
        targets(all[2]),
        [("Брой наставници", Some("3"), Some("12"))]
    );
    assert_eq!(
        targets(all[3]),
        [("Дял на отпадналите ученици", Some("4%"), Some("2%"))]
    );
}

#[test]
fn a_cell_merged_down_over_rows_is_each_rows_task_and_institutions_not_its_money() {
    let got = plan("rowspan-objective-and-measure-cells.html");
    let all = measures(&got);
    assert_eq!(all[0].tasks, ["1.1. Обхват в предучилищна възраст"]);
    assert_eq!(all[1].tasks, all[0].tasks);
    assert_eq!(all[4].tasks, ["2.1. Профилактика"]);
    assert_eq!(all[4].institutions, ["РЗИ – Пазарджик", "ОПЛ"]);
    assert_eq!(all[4].amounts[0].minor, 250_000);
    // The objective merged over three rows holds all three.
    assert_eq!(got.priorities[0].objectives.len(), 1);
    assert_eq!(got.priorities[0].objectives[0].measures.len(), 3);
}

#[test]
fn partners_are_institutions_and_roles_beside_the_names_are_not_part_of_them() {
    let got = plan("product-and-result-indicators-with-partners.html");
    let m = measures(&got)[0];
    assert_eq!(m.institutions, ["Училищата", "РУО – Благоевград", "НПО"]);
    assert_eq!(
        targets(m),
        [
            ("Брой проведени занимания", None, Some("120")),
            ("Брой ученици с подобрен успех", None, Some("40"))
        ]
    );
    let got = plan("lead-and-partners-in-one-cell.html");
    let institutions: Vec<&Vec<String>> = got.measures().map(|m| &m.institutions).collect();
    assert_eq!(
        institutions,
        [
            &vec!["Община Девня", "РУО – Варна", "НПО"],
            &vec!["Читалищата", "училищата", "Община Девня"],
            &vec!["РЗИ – Варна", "здравни медиатори"],
        ]
    );
}

#[test]
fn money_written_in_words_is_how_the_measure_is_financed() {
    let got = plan("money-in-words.html");
    let all = measures(&got);
    assert_eq!(all[0].amounts[0].minor, 500_000);
    assert_eq!(all[4].amounts[0].minor, 150_050);
    assert_eq!(all[1].funding_sources, ["в рамките на бюджета"]);
    assert_eq!(all[3].funding_sources, ["по бюджета на общината"]);
    assert_eq!(all[2].funding_sources, ["не изисква средства"]);
    assert!(all[1..4].iter().all(|m| m.amounts.is_empty()));
}

#[test]
fn activities_numbered_in_one_cell_are_the_measures_under_the_code_they_share() {
    let got = plan("numbered-activities-in-one-cell.html");
    let all = measures(&got);
    assert_eq!(all[0].code.as_deref(), Some("1.1."));
    assert_eq!(all[0].tasks, ["1.1. Ограмотяване на възрастни"]);
    assert_eq!(
        all[1].activities,
        [
            "1.2.1. Допълнителни часове по български език",
            "1.2.2. Летни училища",
            "1.2.3. Осигуряване на учебници"
        ]
    );
    assert_eq!(all[1].code.as_deref(), Some("1.2."));
}

#[test]
fn a_notes_column_is_kept_beside_its_row_and_the_rest_is_read() {
    let got = plan("status-and-notes-columns.html");
    let statuses: Vec<Option<&str>> = got.measures().map(|m| m.status.as_deref()).collect();
    assert_eq!(
        statuses,
        [Some("Текущ"), Some("Предстои"), Some("Изпълнява се")]
    );
    // The plan has no place for a note: it is listed with its row, not lost.
    let notes: Vec<(&str, &str)> = got
        .unplaced
        .iter()
        .map(|u| (u.location.as_str(), u.text.as_str()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].0.contains("ред 2"), "{notes:?}");
    assert_eq!(notes[1].1, "Всяка година на 8 април");
    insta::assert_snapshot!("shape_status-and-notes-columns", summary(&got));
}

#[test]
fn a_target_group_column_is_no_target_value() {
    let got = plan("target-group-column.html");
    let m = measures(&got)[0];
    assert_eq!(targets(m), [("Брой деца", None, Some("30"))]);
    // Whom the measure reaches has no place in the plan: listed with its row, not lost.
    let texts: Vec<&str> = got.unplaced.iter().map(|u| u.text.as_str()).collect();
    assert_eq!(texts, ["Деца от 5 до 7 години"]);
}

#[test]
fn roman_numerals_after_the_priority_word_number_the_priority() {
    let got = plan("roman-numerals-after-the-priority-word.html");
    let numbers: Vec<Option<u32>> = got.priorities.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [Some(1), Some(2), Some(4), Some(6)]);
    assert_eq!(got.priorities[2].title, "Жилищни условия");
}

#[test]
fn a_code_written_with_a_word_is_the_code_and_dated_periods_give_their_years() {
    let got = plan("measure-codes-with-words-and-dated-periods.html");
    let codes: Vec<Option<&str>> = got.measures().map(|m| m.code.as_deref()).collect();
    assert_eq!(codes, [Some("1.1"), Some("1.2"), Some("2.1")]);
    let years: Vec<(Option<i32>, Option<i32>)> = got
        .measures()
        .map(|m| m.period.as_ref().map_or((None, None), |p| (p.from, p.to)))
        .collect();
    assert_eq!(
        years,
        [
            (Some(2024), Some(2024)),
            (Some(2025), Some(2025)),
            (Some(2025), Some(2025))
        ]
    );
}

#[test]
fn a_workbook_with_a_sheet_per_area_gives_each_sheet_its_priority() {
    let got = plan("one-sheet-per-priority-area.xlsx");
    let titles: Vec<&str> = got.priorities.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Образование", "Здравеопазване", "Жилищни условия"]);
    assert_eq!(got.priorities[2].objectives[0].measures.len(), 2);
}
