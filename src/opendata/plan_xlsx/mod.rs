//! A whole plan as an editable XLSX workbook (`/data/plans/{id}/plan.xlsx`) and back: every
//! field of planmon plan JSON has a cell, so the file can be edited in a spreadsheet and
//! imported as a new version with nothing lost. The importer recognises the workbook by the
//! first row of its "План" sheet and reads it here, exactly, instead of guessing.
//!
//! Sheets: "План" (label | value), "Структура" (priorities and their objectives, in order),
//! "Мерки", "Суми", "Индикатори", "Неразпределен текст". Cells with several values (tasks,
//! activities, institutions, sources) hold one value per line. Text that a spreadsheet could
//! take for a formula is stored with the quote prefix (Excel's leading apostrophe), so it is
//! shown and read back unchanged and never run.

mod read;

pub use read::{is_export, read};

use crate::plan::Plan;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// The value of the first row of the "План" sheet.
pub const MARKER: &str = "planmon-plan-xlsx/1";

const PLAN: &str = "План";
const STRUCTURE: &str = "Структура";
const MEASURES: &str = "Мерки";
const AMOUNTS: &str = "Суми";
const INDICATORS: &str = "Индикатори";
const UNPLACED: &str = "Неразпределен текст";

const STRUCTURE_COLS: [&str; 5] = [
    "Ниво",
    "Номер",
    "Наименование",
    "Национална област",
    "Оперативна цел",
];
const MEASURE_COLS: [&str; 12] = [
    "Приоритет №",
    "Цел №",
    "Ключ",
    "Код",
    "Задачи",
    "Дейности",
    "Отговорни институции",
    "Срок",
    "Срок от",
    "Срок до",
    "Статус",
    "Източници на финансиране",
];
const AMOUNT_COLS: [&str; 6] = [
    "Мярка",
    "Стойност",
    "Валута",
    "Уточнение",
    "Без валута в източника",
    "Както е написано",
];
const INDICATOR_COLS: [&str; 10] = [
    "Мярка",
    "Ключ",
    "Наименование",
    "Вид",
    "Мерна единица",
    "Натрупващ",
    "Базова стойност",
    "Година на базовата",
    "Целева стойност",
    "Година на целевата",
];
const UNPLACED_COLS: [&str; 2] = ["Място", "Текст"];

const LEVEL_PRIORITY: &str = "приоритет";
const LEVEL_OBJECTIVE: &str = "цел";
const YES: &str = "да";

struct Writer {
    plain: Format,
    quoted: Format,
    bold: Format,
}

impl Writer {
    fn text(&self, ws: &mut Worksheet, r: u32, c: u16, s: &str) -> Result<(), XlsxError> {
        if s.is_empty() {
            return Ok(());
        }
        let f = if crate::opendata::starts_like_formula(s) {
            &self.quoted
        } else {
            &self.plain
        };
        ws.write_string_with_format(r, c, s, f)?;
        Ok(())
    }

    fn row(&self, ws: &mut Worksheet, r: u32, cells: &[String]) -> Result<(), XlsxError> {
        for (c, s) in cells.iter().enumerate() {
            self.text(ws, r, c as u16, s)?;
        }
        Ok(())
    }

    fn sheet<'a>(
        &self,
        wb: &'a mut Workbook,
        name: &str,
        cols: &[&str],
    ) -> Result<&'a mut Worksheet, XlsxError> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (c, h) in cols.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &self.bold)?;
            ws.set_column_width(c as u16, 24)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(ws)
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn opt_year(y: Option<i32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { YES.into() } else { String::new() }
}

fn lines(items: &[String]) -> String {
    items.join("\n")
}

/// The plan as an editable workbook.
pub fn write(plan: &Plan) -> Result<Vec<u8>, XlsxError> {
    let w = Writer {
        plain: Format::new().set_text_wrap(),
        quoted: Format::new().set_text_wrap().set_quote_prefix(),
        bold: Format::new().set_bold(),
    };
    let mut wb = crate::opendata::xlsx::workbook()?;
    {
        let ws = wb.add_worksheet();
        ws.set_name(PLAN)?;
        ws.set_column_width(0, 34)?;
        ws.set_column_width(1, 80)?;
        let a = plan.adoption.as_ref();
        let s = plan.source.as_ref();
        let mut rows: Vec<(&str, String)> = vec![
            ("Формат", MARKER.into()),
            ("Община", plan.municipality.clone()),
            ("Област", opt(&plan.district)),
            ("Наименование", plan.title.clone()),
            ("Период от", plan.period.from.to_string()),
            ("Период до", plan.period.to.to_string()),
            ("Приет", flag(a.is_some())),
            (
                "Решение №",
                a.map(|a| opt(&a.decision_number)).unwrap_or_default(),
            ),
            (
                "Протокол №",
                a.map(|a| opt(&a.protocol_number)).unwrap_or_default(),
            ),
            (
                "Дата на приемане",
                a.map(|a| opt(&a.date)).unwrap_or_default(),
            ),
            ("Приел орган", a.map(|a| opt(&a.body)).unwrap_or_default()),
            ("Изходен документ", flag(s.is_some())),
            ("Файл", s.map(|s| opt(&s.file_name)).unwrap_or_default()),
            (
                "Формат на файла",
                s.map(|s| opt(&s.format)).unwrap_or_default(),
            ),
            (
                "SHA-256 на файла",
                s.map(|s| opt(&s.sha256)).unwrap_or_default(),
            ),
        ];
        rows.extend(plan.notes.iter().map(|n| ("Бележка", n.clone())));
        for (r, (label, value)) in rows.iter().enumerate() {
            ws.write_string_with_format(r as u32, 0, *label, &w.bold)?;
            w.text(ws, r as u32, 1, value)?;
        }
    }
    let ws = w.sheet(&mut wb, STRUCTURE, &STRUCTURE_COLS)?;
    let mut r = 1;
    for p in &plan.priorities {
        w.row(
            ws,
            r,
            &[
                LEVEL_PRIORITY.into(),
                p.number.map(|n| n.to_string()).unwrap_or_default(),
                p.title.clone(),
                p.national_area
                    .map(|a| a.code().to_string())
                    .unwrap_or_default(),
                opt(&p.operational_objective),
            ],
        )?;
        r += 1;
        for o in &p.objectives {
            w.row(
                ws,
                r,
                &[LEVEL_OBJECTIVE.into(), opt(&o.code), o.title.clone()],
            )?;
            r += 1;
        }
    }
    let ws = w.sheet(&mut wb, MEASURES, &MEASURE_COLS)?;
    let mut r = 1;
    for (pi, p) in plan.priorities.iter().enumerate() {
        for (oi, o) in p.objectives.iter().enumerate() {
            for m in &o.measures {
                let period = m.period.as_ref();
                w.row(
                    ws,
                    r,
                    &[
                        (pi + 1).to_string(),
                        (oi + 1).to_string(),
                        m.key.clone(),
                        opt(&m.code),
                        lines(&m.tasks),
                        lines(&m.activities),
                        lines(&m.institutions),
                        period.map(|x| x.text.clone()).unwrap_or_default(),
                        opt_year(period.and_then(|x| x.from)),
                        opt_year(period.and_then(|x| x.to)),
                        opt(&m.status),
                        lines(&m.funding_sources),
                    ],
                )?;
                r += 1;
            }
        }
    }
    let ws = w.sheet(&mut wb, AMOUNTS, &AMOUNT_COLS)?;
    let mut r = 1;
    for m in plan.measures() {
        for a in &m.amounts {
            w.row(
                ws,
                r,
                &[
                    m.key.clone(),
                    a.money().to_decimal_string(),
                    a.currency.code().into(),
                    opt(&a.qualifier),
                    flag(a.unit_missing),
                    opt(&a.text),
                ],
            )?;
            r += 1;
        }
    }
    let ws = w.sheet(&mut wb, INDICATORS, &INDICATOR_COLS)?;
    let mut r = 1;
    for m in plan.measures() {
        for i in &m.indicators {
            w.row(
                ws,
                r,
                &[
                    m.key.clone(),
                    i.key.clone(),
                    i.name.clone(),
                    i.kind
                        .map(crate::opendata::kind_code)
                        .unwrap_or_default()
                        .into(),
                    opt(&i.unit),
                    flag(i.cumulative),
                    opt(&i.baseline),
                    opt_year(i.baseline_year),
                    opt(&i.target),
                    opt_year(i.target_year),
                ],
            )?;
            r += 1;
        }
    }
    let ws = w.sheet(&mut wb, UNPLACED, &UNPLACED_COLS)?;
    for (i, u) in plan.unplaced.iter().enumerate() {
        w.row(ws, i as u32 + 1, &[u.location.clone(), u.text.clone()])?;
    }
    wb.save_to_buffer()
}
