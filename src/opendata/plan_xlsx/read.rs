//! Reading the plan workbook back (`super::write` made it): the importer calls [`is_export`]
//! and [`read`]; every wrong value is refused with its sheet, row and column, in Bulgarian.

use super::{
    AMOUNT_COLS, AMOUNTS, INDICATOR_COLS, INDICATORS, LEVEL_OBJECTIVE, LEVEL_PRIORITY, MARKER,
    MEASURE_COLS, MEASURES, PLAN, STRUCTURE, STRUCTURE_COLS, UNPLACED, UNPLACED_COLS, YES,
};
use crate::import::document::{Block, Document, Row, Table};
use crate::money::{Currency, Money};
use crate::plan::{
    Adoption, Amount, Indicator, IndicatorKind, Measure, MeasurePeriod, NationalArea, Objective,
    Plan, Priority, SourceDocument, Unplaced, YearRange,
};

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
