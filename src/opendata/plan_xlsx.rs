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

use crate::import::document::{Block, Document, Row, Table};
use crate::money::{Currency, Money};
use crate::plan::{
    Adoption, Amount, Indicator, IndicatorKind, Measure, MeasurePeriod, NationalArea, Objective,
    Plan, Priority, SourceDocument, Unplaced, YearRange,
};
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
        let f = if super::starts_like_formula(s) {
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
    let mut wb = Workbook::new();
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
                    i.kind.map(super::kind_code).unwrap_or_default().into(),
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

/// Whether a document read from a spreadsheet is this export.
pub fn is_export(doc: &Document) -> bool {
    sheet_rows(doc, PLAN)
        .first()
        .is_some_and(|r| r.cells.get(1).is_some_and(|c| c.joined() == MARKER))
}

/// The rows of a sheet, in order, over all its tables.
fn sheet_rows<'a>(doc: &'a Document, sheet: &str) -> Vec<&'a Row> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .filter(|t: &&Table| {
            t.rows
                .first()
                .is_some_and(|r| r.at.sheet.as_deref() == Some(sheet))
        })
        .flat_map(|t| &t.rows)
        .collect()
}

/// Where something is, for errors: "лист „Мерки“, ред 4, колона „Ключ“".
fn at(row: &Row, column: &str) -> String {
    let sheet = row.at.sheet.as_deref().unwrap_or("?");
    let line = row
        .at
        .line
        .map(|l| l.to_string())
        .unwrap_or_else(|| "?".into());
    format!("лист „{sheet}“, ред {line}, колона „{column}“")
}

/// A data sheet: its header row maps names to positions.
struct Sheet<'a> {
    rows: Vec<&'a Row>,
    cols: Vec<String>,
}

impl<'a> Sheet<'a> {
    fn new(doc: &'a Document, name: &str, expected: &[&str]) -> Result<Sheet<'a>, String> {
        let mut rows = sheet_rows(doc, name);
        if rows.is_empty() {
            return Err(format!("липсва лист „{name}“"));
        }
        let header = rows.remove(0);
        let cols: Vec<String> = header.cells.iter().map(|c| c.joined()).collect();
        for e in expected {
            if !cols.iter().any(|c| c == e) {
                return Err(format!("в лист „{name}“ липсва колона „{e}“"));
            }
        }
        Ok(Sheet { rows, cols })
    }

    /// The cell's text with its lines joined by line breaks; empty when absent.
    fn get(&self, row: &Row, col: &str) -> String {
        self.cols
            .iter()
            .position(|c| c == col)
            .and_then(|i| row.cells.get(i))
            .map(|c| c.lines.join("\n"))
            .unwrap_or_default()
    }

    fn opt(&self, row: &Row, col: &str) -> Option<String> {
        Some(self.get(row, col)).filter(|s| !s.is_empty())
    }

    fn list(&self, row: &Row, col: &str) -> Vec<String> {
        self.cols
            .iter()
            .position(|c| c == col)
            .and_then(|i| row.cells.get(i))
            .map(|c| c.lines.clone())
            .unwrap_or_default()
    }

    fn flag(&self, row: &Row, col: &str) -> Result<bool, String> {
        match self.get(row, col).to_lowercase().as_str() {
            "" | "не" => Ok(false),
            "да" => Ok(true),
            other => Err(format!("{}: „{other}“ не е „да“ или празно", at(row, col))),
        }
    }

    fn year(&self, row: &Row, col: &str) -> Result<Option<i32>, String> {
        let s = self.get(row, col);
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| format!("{}: „{s}“ не е година", at(row, col)))
    }

    fn number(&self, row: &Row, col: &str) -> Result<usize, String> {
        let s = self.get(row, col);
        s.parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{}: „{s}“ не е пореден номер", at(row, col)))
    }
}

/// Reads the export back into a plan; errors name the sheet, row and column, in Bulgarian.
pub fn read(doc: &Document) -> Result<Plan, String> {
    let head = sheet_rows(doc, PLAN);
    let value = |label: &str| -> Vec<String> {
        head.iter()
            .filter(|r| r.cells.first().is_some_and(|c| c.joined() == label))
            .map(|r| {
                r.cells
                    .get(1)
                    .map(|c| c.lines.join("\n"))
                    .unwrap_or_default()
            })
            .collect()
    };
    let one = |label: &str| value(label).into_iter().next().filter(|s| !s.is_empty());
    let required =
        |label: &str| one(label).ok_or_else(|| format!("лист „{PLAN}“: липсва „{label}“"));
    let year = |label: &str| -> Result<i32, String> {
        let s = required(label)?;
        s.parse()
            .map_err(|_| format!("лист „{PLAN}“, „{label}“: „{s}“ не е година"))
    };
    let yes = |label: &str| one(label).is_some_and(|s| s.to_lowercase() == YES);
    let mut plan = Plan::new(
        &required("Община")?,
        &required("Наименование")?,
        YearRange {
            from: year("Период от")?,
            to: year("Период до")?,
        },
    );
    plan.district = one("Област");
    plan.adoption = yes("Приет").then(|| Adoption {
        decision_number: one("Решение №"),
        protocol_number: one("Протокол №"),
        date: one("Дата на приемане"),
        body: one("Приел орган"),
    });
    plan.source = yes("Изходен документ").then(|| SourceDocument {
        file_name: one("Файл"),
        format: one("Формат на файла"),
        sha256: one("SHA-256 на файла"),
    });
    plan.notes = value("Бележка");

    let st = Sheet::new(doc, STRUCTURE, &STRUCTURE_COLS[..3])?;
    for row in &st.rows {
        let level = st.get(row, "Ниво");
        let title = st.get(row, "Наименование");
        match level.as_str() {
            LEVEL_PRIORITY => {
                let number = st.opt(row, "Номер");
                let area = st.opt(row, "Национална област");
                plan.priorities.push(Priority {
                    number: match number {
                        None => None,
                        Some(n) => Some(
                            n.parse()
                                .map_err(|_| format!("{}: „{n}“ не е число", at(row, "Номер")))?,
                        ),
                    },
                    title,
                    national_area: match area {
                        None => None,
                        Some(a) => Some(NationalArea::from_code(&a).ok_or_else(|| {
                            format!(
                                "{}: „{a}“ не е национална област (education, health, \
                                 employment, housing, rule_of_law, culture)",
                                at(row, "Национална област")
                            )
                        })?),
                    },
                    operational_objective: st.opt(row, "Оперативна цел"),
                    objectives: Vec::new(),
                });
            }
            LEVEL_OBJECTIVE => {
                let p = plan
                    .priorities
                    .last_mut()
                    .ok_or_else(|| format!("{}: цел преди първия приоритет", at(row, "Ниво")))?;
                p.objectives.push(Objective {
                    code: st.opt(row, "Номер"),
                    title,
                    measures: Vec::new(),
                });
            }
            other => {
                return Err(format!(
                    "{}: „{other}“ — очаква се „{LEVEL_PRIORITY}“ или „{LEVEL_OBJECTIVE}“",
                    at(row, "Ниво")
                ));
            }
        }
    }

    let ms = Sheet::new(doc, MEASURES, &MEASURE_COLS)?;
    for row in &ms.rows {
        let pi = ms.number(row, "Приоритет №")?;
        let oi = ms.number(row, "Цел №")?;
        let objective = plan
            .priorities
            .get_mut(pi - 1)
            .and_then(|p| p.objectives.get_mut(oi - 1))
            .ok_or_else(|| {
                format!(
                    "{}: няма цел {oi} на приоритет {pi} в лист „{STRUCTURE}“",
                    at(row, "Цел №")
                )
            })?;
        let text = ms.get(row, "Срок");
        let (from, to) = (ms.year(row, "Срок от")?, ms.year(row, "Срок до")?);
        objective.measures.push(Measure {
            key: ms.get(row, "Ключ"),
            code: ms.opt(row, "Код"),
            tasks: ms.list(row, "Задачи"),
            activities: ms.list(row, "Дейности"),
            institutions: ms.list(row, "Отговорни институции"),
            period: (!text.is_empty() || from.is_some() || to.is_some()).then_some(MeasurePeriod {
                text,
                from,
                to,
            }),
            status: ms.opt(row, "Статус"),
            amounts: Vec::new(),
            funding_sources: ms.list(row, "Източници на финансиране"),
            indicators: Vec::new(),
        });
    }
    let find = |plan: &mut Plan, sheet: &Sheet<'_>, row: &Row| -> Result<usize, String> {
        let key = sheet.get(row, "Мярка");
        plan.measures()
            .position(|m| m.key == key)
            .ok_or_else(|| format!("{}: няма мярка с ключ „{key}“", at(row, "Мярка")))
    };

    let am = Sheet::new(doc, AMOUNTS, &AMOUNT_COLS[..3])?;
    for row in &am.rows {
        let idx = find(&mut plan, &am, row)?;
        let code = am.get(row, "Валута");
        let currency = Currency::parse(&code)
            .ok_or_else(|| format!("{}: „{code}“ не е BGN или EUR", at(row, "Валута")))?;
        let text = am.get(row, "Стойност");
        let money = Money::parse_decimal(&text, currency)
            .map_err(|e| format!("{}: „{text}“: {e}", at(row, "Стойност")))?;
        let amount = Amount {
            minor: money.minor,
            currency,
            qualifier: am.opt(row, "Уточнение"),
            unit_missing: am.flag(row, "Без валута в източника")?,
            text: am.opt(row, "Както е написано"),
        };
        if let Some(m) = plan.measures_mut().nth(idx) {
            m.amounts.push(amount);
        }
    }

    let ind = Sheet::new(doc, INDICATORS, &INDICATOR_COLS[..3])?;
    for row in &ind.rows {
        let idx = find(&mut plan, &ind, row)?;
        let kind = match ind.opt(row, "Вид") {
            None => None,
            Some(k) => Some(match k.as_str() {
                "number" => IndicatorKind::Number,
                "percent" => IndicatorKind::Percent,
                "yes_no" => IndicatorKind::YesNo,
                "text" => IndicatorKind::Text,
                other => {
                    return Err(format!(
                        "{}: „{other}“ — очаква се number, percent, yes_no или text",
                        at(row, "Вид")
                    ));
                }
            }),
        };
        let indicator = Indicator {
            key: ind.get(row, "Ключ"),
            name: ind.get(row, "Наименование"),
            kind,
            unit: ind.opt(row, "Мерна единица"),
            cumulative: ind.flag(row, "Натрупващ")?,
            baseline: ind.opt(row, "Базова стойност"),
            baseline_year: ind.year(row, "Година на базовата")?,
            target: ind.opt(row, "Целева стойност"),
            target_year: ind.year(row, "Година на целевата")?,
        };
        if let Some(m) = plan.measures_mut().nth(idx) {
            m.indicators.push(indicator);
        }
    }

    if let Ok(un) = Sheet::new(doc, UNPLACED, &UNPLACED_COLS) {
        for row in &un.rows {
            plan.unplaced.push(Unplaced {
                location: un.get(row, "Място"),
                text: un.get(row, "Текст"),
            });
        }
    }
    plan.assign_keys();
    Ok(plan)
}
