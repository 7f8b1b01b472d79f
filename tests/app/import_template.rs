//! planmon's own spreadsheet template, filled in as a coordinator would, imports as the plan it
//! describes: header data from the label | value rows, one measure per row.

use planmon::import::ImportOptions;
use planmon::import::load::import_bytes;
use planmon::import::template::{COLUMNS, HEADER_FIELDS, HEADER_ROW};
use planmon::money::Currency;
use rust_xlsxwriter::Workbook;

/// A filled-in template: the header values and the measure rows (one string per column).
fn filled(header: [&str; 4], rows: &[[&str; 14]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("План").expect("name");
    for (i, ((label, _), value)) in HEADER_FIELDS.iter().zip(header).enumerate() {
        ws.write_string(i as u32, 0, *label).expect("label");
        ws.write_string(i as u32, 1, value).expect("value");
    }
    for (j, (name, _, _)) in COLUMNS.iter().enumerate() {
        ws.write_string(HEADER_ROW, j as u16, *name)
            .expect("header");
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, text) in row.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(HEADER_ROW + 1 + i as u32, j as u16, *text)
                    .expect("cell");
            }
        }
    }
    // The template's instructions sheet stays in a filled-in file.
    let help = wb.add_worksheet();
    help.set_name(planmon::import::template::INSTRUCTIONS_SHEET)
        .expect("name");
    for (i, (name, _, text)) in COLUMNS.iter().enumerate() {
        help.write_string(i as u32, 0, *name).expect("name");
        help.write_string(i as u32, 1, *text).expect("text");
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn a_filled_in_template_imports_with_its_header_and_measures() {
    let bytes = filled(
        [
            "Община Тестово",
            "План за действие на Община Тестово 2024-2026 г.",
            "2024-2026",
            "Решение № 123, протокол № 7 от 28.03.2024 г.",
        ],
        &[
            [
                "1. Образование",
                "Цел 1. Повишаване на обхвата",
                "Задача А",
                "Ремонт на училището\nЛятно училище",
                "1.1.",
                "Община Тестово, РУО",
                "2024-2026 г.",
                "Текущ",
                "15000",
                "BGN",
                "Общински бюджет",
                "Брой деца\nБрой родители",
                "10\n5",
                "20\n8",
            ],
            [
                "",
                "",
                "",
                "Консултации",
                "1.2.",
                "РУО",
                "2025",
                "Предстои",
                "1000",
                "EUR",
                "Проекти",
                "Брой консултации",
                "0",
                "30",
            ],
            [
                "2. Здравеопазване",
                "Цел 2. Профилактика",
                "",
                "Беседи",
                "2.1.",
                "Здравни медиатори",
                "2024",
                "",
                "",
                "",
                "",
                "Брой беседи",
                "",
                "12",
            ],
        ],
    );
    let out = import_bytes("шаблон.xlsx", &bytes, &ImportOptions::default()).expect("reads");
    let plan = out.plan.expect("a plan");
    assert_eq!(plan.municipality, "Тестово");
    assert_eq!(
        plan.title,
        "План за действие на Община Тестово 2024-2026 г."
    );
    assert_eq!((plan.period.from, plan.period.to), (2024, 2026));
    let a = plan.adoption.clone().expect("adoption");
    assert_eq!(
        (
            a.decision_number.as_deref(),
            a.protocol_number.as_deref(),
            a.date.as_deref()
        ),
        (Some("123"), Some("7"), Some("2024-03-28"))
    );
    let titles: Vec<&str> = plan.priorities.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Образование", "Здравеопазване"]);
    let ms: Vec<_> = plan.measures().collect();
    assert_eq!(ms.len(), 3);
    assert_eq!(ms[0].code.as_deref(), Some("1.1."));
    assert_eq!(ms[0].activities, ["Ремонт на училището", "Лятно училище"]);
    assert_eq!(ms[0].institutions, ["Община Тестово", "РУО"]);
    assert_eq!(ms[0].status.as_deref(), Some("Текущ"));
    assert_eq!(ms[0].amounts[0].minor, 1_500_000);
    assert_eq!(ms[0].amounts[0].currency, Currency::Bgn);
    assert!(
        !ms[0].amounts[0].unit_missing,
        "the Валута column gives the unit"
    );
    assert_eq!(ms[0].indicators.len(), 2);
    assert_eq!(ms[0].indicators[1].baseline.as_deref(), Some("5"));
    assert_eq!(ms[0].indicators[1].target.as_deref(), Some("8"));
    assert_eq!(ms[1].amounts[0].currency, Currency::Eur);
    assert_eq!(ms[1].period.as_ref().and_then(|p| p.from), Some(2025));
    assert_eq!(ms[2].indicators[0].target.as_deref(), Some("12"));
    assert!(plan.unplaced.is_empty(), "{:?}", plan.unplaced);
    assert!(
        !out.warnings
            .iter()
            .any(|w| w.kind == planmon::import::WarningKind::MissingMetadata),
        "{:?}",
        out.warnings
    );
}

#[test]
fn the_empty_template_has_no_measure_table_to_import() {
    let bytes = planmon::import::template::template_xlsx().expect("template");
    let out =
        import_bytes("planmon-template.xlsx", &bytes, &ImportOptions::default()).expect("reads");
    assert!(out.plan.is_none());
}
