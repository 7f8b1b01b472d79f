//! The recogniser's rules, each on a small synthetic document.

use super::recognise;
use crate::import::text::read_text;
use crate::import::{ImportOptions, ImportOutcome, SourceFormat, WarningKind};
use crate::plan::Measure;

const HEADER: &str =
    "Цели\tЗадачи\tДейности\tОтговорна институция\tСрок\tСредства\tИзточник\tИндикатори\n";

fn run(text: &str) -> ImportOutcome {
    let doc = read_text(text.as_bytes()).expect("reads");
    recognise(&doc, SourceFormat::Text, &ImportOptions::default())
}

fn doc(rows: &str) -> String {
    format!(
        "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово за периода 2024-2026 г.\n\nПриоритет 1 Образование\n\n{HEADER}{rows}"
    )
}

fn measures(out: &ImportOutcome) -> Vec<Measure> {
    out.plan
        .as_ref()
        .expect("plan")
        .measures()
        .cloned()
        .collect()
}

#[test]
fn a_row_missing_its_money_cell_is_put_back_and_flagged() {
    let out = run(&doc(
        "1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024-2026 г.\tОбщински бюджет\tБрой деца\n",
    ));
    let m = &measures(&out)[0];
    assert_eq!(m.funding_sources, vec!["Общински бюджет"]);
    assert_eq!(m.indicators[0].name, "Брой деца");
    assert!(m.amounts.is_empty());
    assert!(
        out.warnings
            .iter()
            .any(|w| w.kind == WarningKind::ShiftedColumns)
    );
}

#[test]
fn a_row_continued_after_a_page_break_is_joined() {
    let out = run(&doc(
        "1. Цел\t1. Ремонти на подземната\tРемонт\tОбщина Тестово,\t2024 г.\t10 000 лв.\tПроекти\tИзпълнение на\n\n\nПЛАН ЗА ДЕЙСТВИЕ\n\n\tинфраструктура\t\tМРРБ\t\t\t\tсроковете\n",
    ));
    let ms = measures(&out);
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].tasks, vec!["Ремонти на подземната инфраструктура"]);
    assert_eq!(ms[0].institutions, vec!["Община Тестово", "МРРБ"]);
    assert_eq!(ms[0].indicators[0].name, "Изпълнение на сроковете");
    assert!(
        out.warnings
            .iter()
            .any(|w| w.kind == WarningKind::JoinedRow)
    );
}

#[test]
fn a_bare_number_is_taken_as_leva_and_flagged() {
    let out = run(&doc(
        "1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024 г.\t200 000\tПроекти\tБрой\n",
    ));
    let a = &measures(&out)[0].amounts[0];
    assert_eq!(a.minor, 20_000_000);
    assert!(a.unit_missing);
    assert!(
        out.warnings
            .iter()
            .any(|w| w.kind == WarningKind::UnitMissing)
    );
}

#[test]
fn empty_merged_cells_are_not_filled_from_the_row_above() {
    let out = run(&doc(
        "1. Цел\tЗадача\tДейност А\tОбщина Тестово\t2024 г.\t-\tПроекти\tБрой А\n\t\tДейност Б\t\t\t\t\tБрой Б\n\t\tДейност В\tНПО\t\t\t\tБрой В\n",
    ));
    let ms = measures(&out);
    assert_eq!(
        ms.len(),
        2,
        "the second row has no institution or money: it continues"
    );
    assert_eq!(ms[1].tasks, Vec::<String>::new());
    assert_eq!(ms[1].period, None);
    assert_eq!(ms[1].institutions, vec!["НПО"]);
}

#[test]
fn a_document_without_a_measure_table_gives_no_plan_but_its_header() {
    let out = run(
        "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово за периода 2024-2026 г.\n\nПриет с Решение № 12 по Протокол № 3 от 28.02.2024 г. на Общински съвет Тестово.\n",
    );
    assert!(out.plan.is_none());
    assert_eq!(out.recognised.municipality.as_deref(), Some("Тестово"));
    let a = out.recognised.adoption.expect("adoption");
    assert_eq!(a.decision_number.as_deref(), Some("12"));
    assert_eq!(a.date.as_deref(), Some("2024-02-28"));
}

#[test]
fn a_council_of_ministers_decision_and_the_strategy_period_are_not_the_plans() {
    let out = run(&format!(
        "Национална стратегия 2021-2030, Решение № 278 на Министерски съвет от 05.05.2022 г.\n\n{}",
        doc("1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024 г.\t-\tПроекти\tБрой\n")
    ));
    assert_eq!(out.recognised.adoption, None);
    let plan = out.plan.expect("plan");
    assert_eq!((plan.period.from, plan.period.to), (2024, 2026));
}

#[test]
fn an_unknown_layout_is_read_by_its_column_names() {
    let text = "Община Тестово\n\nМерки\tСрок\tОтговорни институции\tФинансиране\tПоказатели\tЦелева стойност\nОбучение на учители\t2025\tРУО, Училища\t1,5 мил. лв. Общински бюджет\tБрой учители\t40\n";
    let out = run(text);
    let m = &measures(&out)[0];
    assert_eq!(m.activities, vec!["Обучение на учители"]);
    assert_eq!(m.institutions, vec!["РУО", "Училища"]);
    assert_eq!(m.amounts[0].minor, 150_000_000);
    assert_eq!(m.funding_sources, vec!["Общински бюджет"]);
    assert_eq!(m.indicators[0].target.as_deref(), Some("40"));
}

#[test]
fn words_about_financing_in_the_money_column_are_the_source_when_no_source_is_stated() {
    let out = run(&doc(
        "1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024 г.\tпо бюджета на общината\t-\tБрой\n\
         1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024 г.\tпо проекти\tПроекти\tБрой\n",
    ));
    let all = measures(&out);
    assert!(all[0].amounts.is_empty());
    assert_eq!(all[0].funding_sources, vec!["по бюджета на общината"]);
    // Beside a source they only say it again: kept apart, not added.
    assert_eq!(all[1].funding_sources, vec!["Проекти"]);
    let plan = out.plan.expect("plan");
    let texts: Vec<&str> = plan.unplaced.iter().map(|u| u.text.as_str()).collect();
    assert_eq!(texts, ["по проекти"]);
}

#[test]
fn text_outside_the_plan_structure_is_kept_as_unplaced() {
    let out = run(&doc(
        "1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024 г.\tвиж приложение 3\tПроекти\tБрой\n\nЗабележка: планът е отворен документ.\n",
    ));
    let plan = out.plan.expect("plan");
    let texts: Vec<&str> = plan.unplaced.iter().map(|u| u.text.as_str()).collect();
    assert!(texts.contains(&"виж приложение 3"), "{texts:?}");
    assert!(texts.contains(&"Забележка: планът е отворен документ."));
    assert!(out.warnings.iter().any(|w| w.kind == WarningKind::Unplaced));
}

/// A sheet as a spreadsheet reader gives it: one table, every row padded to the same width.
fn sheet(rows: &[&[&str]]) -> crate::import::document::Document {
    use crate::import::document::{Block, Cell, Document, Location, Row, Table};
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            cells: (0..width)
                .map(|j| Cell::text(r.get(j).copied().unwrap_or("")))
                .collect(),
            at: Location {
                sheet: Some("План".into()),
                row: Some(i + 1),
                ..Location::default()
            },
        })
        .collect();
    Document {
        blocks: vec![Block::Table(Table {
            rows,
            at: Location::default(),
        })],
        ..Document::default()
    }
}

#[test]
fn one_cell_sheet_rows_are_read_as_the_header_and_priority_headings() {
    let doc = sheet(&[
        &["ПЛАН ЗА ДЕЙСТВИЕ"],
        &["на Община Тестово за периода 2024-2026 г."],
        &["Приоритет 1 Образование"],
        &["Цели", "Задачи", "Дейности", "Отговорна институция", "Срок"],
        &["1. Цел", "Задача", "Ремонт", "Община Тестово", "2024 г."],
        &["Приоритет 2 Здравеопазване"],
        &["Цели", "Задачи", "Дейности", "Отговорна институция", "Срок"],
        &["1. Цел", "Задача", "Беседи", "Община Тестово", "2025 г."],
    ]);
    let out = recognise(&doc, SourceFormat::Xlsx, &ImportOptions::default());
    let plan = out.plan.expect("plan");
    assert_eq!(plan.municipality, "Тестово");
    assert_eq!(plan.period.from, 2024);
    let titles: Vec<&str> = plan.priorities.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Образование", "Здравеопазване"]);
    assert!(plan.unplaced.is_empty(), "{:?}", plan.unplaced);
}

#[test]
fn a_merged_header_cell_covers_the_columns_it_spans() {
    use crate::import::document::{Block, Cell, Document, Location, Row, Table};
    let row = |cells: Vec<Cell>| Row {
        cells,
        at: Location::default(),
    };
    let t = |s: &str| Cell::text(s);
    let doc = Document {
        blocks: vec![
            Block::Paragraph {
                text: "ПЛАН ЗА ДЕЙСТВИЕ на Община Тестово 2024-2026 г.".into(),
                at: Location::line(1),
            },
            Block::Table(Table {
                rows: vec![
                    row(vec![
                        t("Дейности"),
                        t("Отговорна институция"),
                        Cell {
                            col_span: 2,
                            ..t("Финансиране")
                        },
                        t("Индикатори"),
                    ]),
                    row(vec![t(""), t(""), t("Средства"), t("Източник"), t("")]),
                    row(vec![
                        t("Ремонт"),
                        t("Община Тестово"),
                        t("15 000 лв."),
                        t("Общински бюджет"),
                        t("Брой училища"),
                    ]),
                ],
                at: Location::default(),
            }),
        ],
        ..Document::default()
    };
    let out = recognise(&doc, SourceFormat::Docx, &ImportOptions::default());
    let m = &measures(&out)[0];
    assert_eq!(m.funding_sources, vec!["Общински бюджет"]);
    assert_eq!(m.indicators[0].name, "Брой училища");
    assert_eq!(m.amounts[0].minor, 1_500_000);
}

#[test]
fn notes_after_a_blank_row_of_a_sheet_are_text_not_part_of_the_last_measure() {
    use crate::import::document::Block;
    let mut doc = sheet(&[
        &["ПЛАН ЗА ДЕЙСТВИЕ"],
        &["на Община Тестово за периода 2024-2026 г."],
        &["Приоритет 1 Образование"],
        &["Цели", "Задачи", "Дейности", "Отговорна институция", "Срок"],
        &["1. Цел", "Задача", "Ремонт", "Община Тестово", "2024 г."],
    ]);
    // After a blank row, the reader starts a new table.
    let notes = sheet(&[
        &["1 При удължаване на епидемичната обстановка стойностите подлежат на промяна."],
        &["III. Механизми за мониторинг и оценка"],
    ]);
    doc.blocks.extend(notes.blocks);
    for format in [SourceFormat::Xlsx, SourceFormat::Csv] {
        let out = recognise(&doc, format, &ImportOptions::default());
        let ms = measures(&out);
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].activities, ["Ремонт"]);
        assert_eq!(ms[0].code, None);
        let unplaced: Vec<&str> = out
            .plan
            .as_ref()
            .expect("plan")
            .unplaced
            .iter()
            .map(|u| u.text.as_str())
            .collect();
        assert_eq!(unplaced.len(), 2, "{unplaced:?}");
        assert!(unplaced[1].starts_with("III. Механизми"));
    }
    assert!(matches!(doc.blocks.last(), Some(Block::Table(_))));
}

#[test]
fn the_repaired_document_has_one_row_per_measure_with_every_cell_in_its_column() {
    use crate::import::document::Block;
    let text = doc(concat!(
        "1. Цел\tЗадача\tДейност\tОбщина Тестово\t2024-2026 г.\tОбщински бюджет\tБрой деца\n",
        "\t1. Ремонти на подземната\tРемонт\tОбщина Тестово,\t2024 г.\t10 000 лв.\tПроекти\tИзпълнение на\n",
        "\n\nПЛАН ЗА ДЕЙСТВИЕ\n\n",
        "\tинфраструктура\t\tМРРБ\t\t\t\tсроковете\n",
    ));
    let source = read_text(text.as_bytes()).expect("reads");
    let repaired = super::repaired(&source, SourceFormat::Text);
    let rows: Vec<Vec<String>> = repaired
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| &t.rows)
        .map(|r| r.cells.iter().map(|c| c.lines.join(" | ")).collect())
        .collect();
    // The header, and two measures: the continuation after the page break is gone.
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][5], "", "no money: the source moves to its column");
    assert_eq!(rows[1][6], "Общински бюджет");
    assert_eq!(rows[1][7], "Брой деца");
    assert_eq!(rows[2][1], "1. Ремонти на подземната инфраструктура");
    assert_eq!(rows[2][3], "Община Тестово, МРРБ");
    assert_eq!(rows[2][7], "Изпълнение на сроковете");
    // Read back as a spreadsheet, it is the same plan.
    let again = recognise(&repaired, SourceFormat::Xlsx, &ImportOptions::default());
    assert_eq!(measures(&again), measures(&run(&text)));
}

#[test]
fn the_furniture_key_keeps_only_letters_lowercased_in_any_script() {
    let generic = |t: &str| -> String {
        t.chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect()
    };
    for t in [
        "ПЛАН ЗА ДЕЙСТВИЕ — стр. 3",
        "Ѝ Ѐ Ё ЂЈ ӨҮ Äß Plan 2021",
        "  12.05.2022 г., № 7/1 ",
        "",
    ] {
        assert_eq!(super::furniture_key(t), generic(t), "{t}");
    }
}

#[test]
fn an_objective_named_between_an_areas_heading_and_its_table_is_the_tables_objective() {
    let out = run(
        "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово за периода 2024-2026 г.\n\n1. ОБРАЗОВАНИЕ\n\nЦел 1: Равен достъп до детска градина\n\nДейност\tОтговорна институция\tСрок\tИндикатор\nЛетни занимания\tОбщина Тестово\t2024 г.\tБрой деца\n",
    );
    let plan = out.plan.expect("plan");
    assert_eq!(plan.priorities.len(), 1, "{:?}", plan.priorities);
    let p = &plan.priorities[0];
    assert_eq!(p.title, "ОБРАЗОВАНИЕ");
    assert_eq!(p.objectives.len(), 1);
    assert_eq!(p.objectives[0].code.as_deref(), Some("1"));
    assert_eq!(p.objectives[0].title, "Равен достъп до детска градина");
    assert_eq!(p.objectives[0].measures.len(), 1);
}
