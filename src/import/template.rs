//! planmon's own spreadsheet template (XLSX): one row per measure under a header row whose
//! column names the importer recognises, the plan's header data above it, and a second sheet of
//! instructions in Bulgarian. Served at `/import/template.xlsx`; documented in docs/import.md.

use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, XlsxError};

/// The template's columns: name, width, what goes in it.
pub const COLUMNS: [(&str, f64, &str); 14] = [
    (
        "Приоритет",
        22.0,
        "Приоритетната област, напр. „1. Образование“. Повторете я на всеки ред или я оставете празна под първия ред на областта.",
    ),
    (
        "Цел",
        30.0,
        "Целта, към която принадлежи мярката, напр. „Цел 1. Повишаване на обхвата в образованието“.",
    ),
    ("Задача", 30.0, "Задачата (по желание)."),
    (
        "Дейност/Мярка",
        45.0,
        "Какво ще се прави. Няколко дейности в една клетка: всяка на нов ред (Alt+Enter).",
    ),
    ("Код", 8.0, "Номерът на мярката, напр. „1.2.“ (по желание)."),
    (
        "Отговорна институция",
        28.0,
        "Институциите, разделени със запетая или на нови редове.",
    ),
    (
        "Срок",
        12.0,
        "Срокът или периодът, напр. „2024“ или „2024-2026 г.“.",
    ),
    (
        "Статус",
        16.0,
        "Текущ, Изпълнява се, Частично се изпълнява, Предстои или празно.",
    ),
    (
        "Средства",
        14.0,
        "Сумата с цифри, напр. 15000. Няколко суми: всяка на нов ред.",
    ),
    ("Валута", 8.0, "BGN или EUR; празно означава BGN."),
    (
        "Източник на финансиране",
        28.0,
        "Общински бюджет, държавен бюджет, проекти и др., разделени със запетая.",
    ),
    (
        "Индикатор",
        36.0,
        "Индикаторите, всеки на нов ред (Alt+Enter).",
    ),
    (
        "Текуща стойност",
        14.0,
        "Стойността в началото, по един ред за всеки индикатор.",
    ),
    (
        "Целева стойност",
        14.0,
        "Целта, по един ред за всеки индикатор.",
    ),
];

/// The plan's header data, written above the measure table as label | value rows.
pub const HEADER_FIELDS: [(&str, &str); 4] = [
    ("Община", "Името на общината, напр. „Община Пловдив“."),
    (
        "Наименование на плана",
        "Заглавието, както е прието, напр. „План за действие … 2024-2026 г.“.",
    ),
    ("Период", "Годините на плана, напр. „2024-2026“."),
    (
        "Решение на общинския съвет",
        "Номер, протокол и дата на решението за приемане, напр. „Решение № 123, протокол № 7 от 28.03.2024 г.“; празно, ако още не е прието.",
    ),
];

/// The name of the template's sheet of instructions, which the importer leaves out.
pub const INSTRUCTIONS_SHEET: &str = "Указания";

const STATUSES: [&str; 4] = ["Текущ", "Изпълнява се", "Частично се изпълнява", "Предстои"];

/// Rows kept ready for measures, with the status list and wrapping applied.
const MEASURE_ROWS: u32 = 500;

/// The 0-based row of the column header on the plan sheet.
pub const HEADER_ROW: u32 = HEADER_FIELDS.len() as u32 + 1;

pub fn template_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();

    let plan = wb.add_worksheet();
    plan.set_name("План")?;
    for (i, (label, help)) in HEADER_FIELDS.iter().enumerate() {
        plan.write_string_with_format(i as u32, 0, *label, &bold)?;
        plan.insert_note(i as u32, 0, &rust_xlsxwriter::Note::new(*help))?;
    }
    for (col, (name, width, help)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        plan.set_column_width(col, *width)?;
        plan.write_string_with_format(HEADER_ROW, col, *name, &header)?;
        plan.insert_note(HEADER_ROW, col, &rust_xlsxwriter::Note::new(*help))?;
        plan.set_column_format(col, &wrap)?;
    }
    plan.set_freeze_panes(HEADER_ROW + 1, 0)?;
    let status_col = COLUMNS.iter().position(|c| c.0 == "Статус").unwrap_or(7) as u16;
    let validation = DataValidation::new()
        .allow_list_strings(&STATUSES)?
        .ignore_blank(true);
    plan.add_data_validation(
        HEADER_ROW + 1,
        status_col,
        HEADER_ROW + MEASURE_ROWS,
        status_col,
        &validation,
    )?;

    let help = wb.add_worksheet();
    help.set_name(INSTRUCTIONS_SHEET)?;
    help.set_column_width(0, 28)?;
    help.set_column_width(1, 100)?;
    let title = Format::new().set_bold().set_font_size(14);
    let mut row = 0u32;
    help.write_string_with_format(row, 0, "Шаблон на planmon за план за действие", &title)?;
    row += 2;
    for line in [
        "Попълнете листа „План“: най-горе данните за плана, после по един ред за всяка мярка под заглавния ред.",
        "Не преименувайте колоните: planmon ги разпознава по името им. Празните колони са позволени.",
        "Клетки с няколко стойности (дейности, институции, индикатори): всяка стойност на нов ред в клетката (Alt+Enter).",
        "Суми: само цифрите, без „лв.“; валутата в колона „Валута“. Суми на единица (напр. „на училище“) напишете като текст: „100 000 лв. на училище“.",
        "Индикатор, текуща и целева стойност се свързват по ред: първият индикатор с първата стойност и т.н.",
        "Качете попълнения файл в planmon (Администрация → Внос на план); преди запис ще видите какво е разпознато и ще можете да го поправите.",
    ] {
        help.write_string_with_format(row, 1, line, &wrap)?;
        row += 1;
    }
    row += 1;
    help.write_string_with_format(row, 0, "Данни за плана", &bold)?;
    row += 1;
    for (label, text) in HEADER_FIELDS {
        help.write_string_with_format(row, 0, label, &bold)?;
        help.write_string_with_format(row, 1, text, &wrap)?;
        row += 1;
    }
    row += 1;
    help.write_string_with_format(row, 0, "Колони", &bold)?;
    row += 1;
    for (name, _, text) in COLUMNS {
        help.write_string_with_format(row, 0, name, &bold)?;
        help.write_string_with_format(row, 1, text, &wrap)?;
        row += 1;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::Block;
    use crate::import::{SourceFormat, read_document};

    #[test]
    fn the_template_reads_back_with_its_header_row_and_instructions() {
        let bytes = template_xlsx().expect("template writes");
        let (format, doc) = read_document("шаблон.xlsx", &bytes).expect("template reads");
        assert_eq!(format, SourceFormat::Xlsx);
        let tables: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        // The header data, then (after a blank row) the measure table, then the instructions.
        assert!(tables.len() >= 3, "{} tables", tables.len());
        let plan = tables
            .iter()
            .find(|t| {
                t.rows
                    .iter()
                    .any(|r| r.cells.iter().any(|c| c.joined() == "Дейност/Мярка"))
            })
            .expect("the measure table");
        let header = &plan.rows[0];
        assert_eq!(tables[0].rows[0].cells[0].joined(), "Община");
        let names: Vec<String> = header.cells.iter().map(|c| c.joined()).collect();
        let expected: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(names, expected);
        assert_eq!(header.at.line, Some(HEADER_ROW as usize + 1));
        assert_eq!(plan.at.sheet.as_deref(), Some("План"));
    }
}
