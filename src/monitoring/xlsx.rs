//! The spreadsheet template of one institution in one round: sheet „Мерки“ (one row per
//! measure: status, people reached, money spent, what was done), sheet „Индикатори“ (one row
//! per indicator value) and a hidden sheet naming the round and institution, so a template of
//! another round or institution is refused. Reading gives, per measure, the same named fields
//! as the web form, each with the cell it came from.

use crate::import::ImportError;
use crate::import::budget::{ReadBudget, ReadLimits};
use crate::import::sheet::{SparseSheet, check_shared_strings, xlsx_cells};
use crate::plan::{IndicatorKind, Measure};
use crate::snapshot::ReportedStatus;
use calamine::{Data, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, XlsxError};
use std::collections::HashMap;
use std::io::Cursor;

pub const TEMPLATE_FORMAT: &str = "planmon-report-template/1";
pub const MEASURES_SHEET: &str = "Мерки";
pub const INDICATORS_SHEET: &str = "Индикатори";
const META_SHEET: &str = "planmon";
/// 0-based row of the column headers on „Мерки“.
const MEASURES_HEADER: u32 = 3;

const MEASURE_COLUMNS: [(&str, f64); 8] = [
    ("Ключ (не променяйте)", 10.0),
    ("Мярка", 50.0),
    ("Състояние на изпълнение", 24.0),
    ("Обхванати лица (общ брой)", 14.0),
    ("Изразходвани средства", 16.0),
    ("Валута (BGN/EUR)", 10.0),
    ("Източник на финансиране", 24.0),
    ("Какво е направено", 60.0),
];
const INDICATOR_COLUMNS: [(&str, f64); 9] = [
    ("Ключ на мярката", 10.0),
    ("Ключ на индикатора", 10.0),
    ("Мярка", 30.0),
    ("Индикатор", 45.0),
    ("Вид стойност", 14.0),
    ("Цел", 14.0),
    ("Стойност", 14.0),
    ("Числител (за %)", 12.0),
    ("Знаменател (за %)", 12.0),
];

/// One measure of the template, with what is stored so far.
pub struct TemplateItem<'a> {
    pub measure: &'a Measure,
    pub label: String,
    /// Current field values (as `update_view::stored_fields` gives them).
    pub fields: Vec<(String, String)>,
}

/// Who and what the template is for.
pub struct TemplateHeader<'a> {
    pub round_id: i64,
    pub institution_id: i64,
    pub institution: &'a str,
    pub plan_title: &'a str,
    pub year: i64,
    pub deadline: &'a str,
}

fn kind_label(kind: Option<IndicatorKind>) -> &'static str {
    match kind {
        Some(IndicatorKind::Number) => "число",
        Some(IndicatorKind::Percent) => "процент",
        Some(IndicatorKind::YesNo) => "да/не",
        Some(IndicatorKind::Text) => "текст",
        None => "число или текст",
    }
}

pub fn write_template(
    h: &TemplateHeader<'_>,
    items: &[TemplateItem<'_>],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    let statuses: Vec<&str> = ReportedStatus::ALL.iter().map(|s| s.label_bg()).collect();

    let ms = wb.add_worksheet();
    ms.set_name(MEASURES_SHEET)?;
    ms.write_string_with_format(
        0,
        0,
        format!(
            "Отчет на {} за {} г. — {}",
            h.institution, h.year, h.plan_title
        ),
        &title,
    )?;
    ms.write_string(
        1,
        0,
        format!(
            "Срок: {}. Попълнете по един ред за всяка мярка; стойностите на индикаторите са в лист „{INDICATORS_SHEET}“. Суми само с цифри.",
            h.deadline
        ),
    )?;
    for (c, (name, width)) in MEASURE_COLUMNS.iter().enumerate() {
        ms.set_column_width(c as u16, *width)?;
        ms.write_string_with_format(MEASURES_HEADER, c as u16, *name, &header)?;
    }
    ms.set_freeze_panes(MEASURES_HEADER + 1, 0)?;
    for (i, item) in items.iter().enumerate() {
        let row = MEASURES_HEADER + 1 + i as u32;
        let f: HashMap<&str, &str> = item
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let get = |k: &str| f.get(k).copied().unwrap_or_default();
        let status = ReportedStatus::from_code(get("status"))
            .map(|s| s.label_bg())
            .unwrap_or_default();
        ms.write_string(row, 0, &item.measure.key)?;
        ms.write_string_with_format(
            row,
            1,
            format!("{} {}", item.label, item.measure.headline()),
            &wrap,
        )?;
        ms.write_string(row, 2, status)?;
        ms.write_string(row, 3, get("people_reached"))?;
        ms.write_string(row, 4, get("spent.0.amount"))?;
        ms.write_string(row, 5, get("spent.0.currency"))?;
        ms.write_string(row, 6, get("spent.0.source"))?;
        ms.write_string_with_format(row, 7, get("narrative"), &wrap)?;
    }
    if !items.is_empty() {
        let last = MEASURES_HEADER + items.len() as u32;
        let v = DataValidation::new()
            .allow_list_strings(&statuses)?
            .ignore_blank(true);
        ms.add_data_validation(MEASURES_HEADER + 1, 2, last, 2, &v)?;
        let c = DataValidation::new()
            .allow_list_strings(&["BGN", "EUR"])?
            .ignore_blank(true);
        ms.add_data_validation(MEASURES_HEADER + 1, 5, last, 5, &c)?;
    }

    let is = wb.add_worksheet();
    is.set_name(INDICATORS_SHEET)?;
    for (c, (name, width)) in INDICATOR_COLUMNS.iter().enumerate() {
        is.set_column_width(c as u16, *width)?;
        is.write_string_with_format(0, c as u16, *name, &header)?;
    }
    is.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    for item in items {
        let f: HashMap<&str, &str> = item
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for ind in &item.measure.indicators {
            let get = |p: &str| {
                f.get(format!("{p}.{}", ind.key).as_str())
                    .copied()
                    .unwrap_or_default()
            };
            is.write_string(row, 0, &item.measure.key)?;
            is.write_string(row, 1, &ind.key)?;
            is.write_string(row, 2, &item.label)?;
            is.write_string_with_format(row, 3, &ind.name, &wrap)?;
            is.write_string(row, 4, kind_label(ind.kind))?;
            is.write_string(row, 5, ind.target.as_deref().unwrap_or_default())?;
            is.write_string(row, 6, get("value"))?;
            is.write_string(row, 7, get("num"))?;
            is.write_string(row, 8, get("den"))?;
            row += 1;
        }
    }

    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET)?;
    meta.write_string(0, 0, "format")?;
    meta.write_string(0, 1, TEMPLATE_FORMAT)?;
    meta.write_string(1, 0, "round")?;
    meta.write_number(1, 1, h.round_id as f64)?;
    meta.write_string(2, 0, "institution")?;
    meta.write_number(2, 1, h.institution_id as f64)?;
    meta.set_hidden(true);
    wb.save_to_buffer()
}

/// A cell of the uploaded workbook, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub sheet: &'static str,
    /// 1-based, as spreadsheets show it.
    pub row: u32,
    pub col: u16,
}

impl CellRef {
    /// "лист „Мерки“, ред 5, колона C (Състояние на изпълнение)"
    pub fn describe(&self) -> String {
        let header = match self.sheet {
            MEASURES_SHEET => MEASURE_COLUMNS.get(self.col as usize).map(|c| c.0),
            _ => INDICATOR_COLUMNS.get(self.col as usize).map(|c| c.0),
        }
        .unwrap_or_default();
        format!(
            "лист „{}“, ред {}, колона {} ({header})",
            self.sheet,
            self.row,
            column_letter(self.col)
        )
    }
}

pub fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The fields one measure's rows give, and where each came from.
#[derive(Debug, Default)]
pub struct SheetMeasure {
    pub measure_key: String,
    /// Row on „Мерки“ (1-based).
    pub row: u32,
    pub fields: Vec<(String, String)>,
    pub cells: HashMap<String, CellRef>,
}

impl SheetMeasure {
    /// Whether the institution wrote anything for this measure.
    pub fn has_data(&self) -> bool {
        self.fields.iter().any(|(_, v)| !v.trim().is_empty())
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("Файлът не е таблица XLSX или е повреден.")]
    NotXlsx,
    #[error(
        "Това не е таблицата за отчет на тази институция в този отчетен кръг. Изтеглете таблицата от страницата на институцията и попълнете нея."
    )]
    WrongTemplate,
    #[error("{0}")]
    Cells(String),
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Bool(b) => if *b { "да" } else { "не" }.into(),
        Data::Float(f) => super::format_number(*f).replace(',', "."),
        other => other.to_string(),
    }
}

fn cell(sheet: &SparseSheet, row: u32, col: u32) -> String {
    sheet.get(&(row, col)).cloned().unwrap_or_default()
}

/// The name an over-budget template is refused under.
const UPLOAD_NAME: &str = "Таблицата";

fn over_budget(e: ImportError) -> SheetError {
    SheetError::Cells(e.to_string())
}

/// The cells present on one sheet of the template, read sparsely within the budget.
fn sheet<RS: std::io::Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    budget: &mut ReadBudget,
) -> Result<SparseSheet, SheetError> {
    xlsx_cells(wb, name, budget, text)
        .map_err(|_| SheetError::WrongTemplate)?
        .map_err(over_budget)
}

/// Reads an uploaded template of round `round_id` and institution `institution_id`, within
/// the readers' budget `limits` (the configuration's): cells are read as present, never by the
/// declared dimension of a sheet.
pub fn read_template(
    bytes: &[u8],
    round_id: i64,
    institution_id: i64,
    limits: ReadLimits,
) -> Result<Vec<SheetMeasure>, SheetError> {
    let mut budget = ReadBudget::new(UPLOAD_NAME, limits);
    budget
        .check_file_size(bytes.len())
        .and_then(|()| budget.check_zip_directory(bytes))
        .and_then(|()| budget.scan_zip(bytes))
        .and_then(|()| check_shared_strings(bytes, &budget))
        .map_err(over_budget)?;
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| SheetError::NotXlsx)?;
    let meta = sheet(&mut wb, META_SHEET, &mut budget)?;
    let number = |r: u32| cell(&meta, r, 1).parse::<f64>().ok().map(|v| v as i64);
    if cell(&meta, 0, 1) != TEMPLATE_FORMAT
        || number(1) != Some(round_id)
        || number(2) != Some(institution_id)
    {
        return Err(SheetError::WrongTemplate);
    }
    let ms = sheet(&mut wb, MEASURES_SHEET, &mut budget)?;
    let is = sheet(&mut wb, INDICATORS_SHEET, &mut budget)?;
    if cell(&ms, MEASURES_HEADER, 0) != MEASURE_COLUMNS[0].0
        || cell(&is, 0, 6) != INDICATOR_COLUMNS[6].0
    {
        return Err(SheetError::WrongTemplate);
    }
    let mut out: Vec<SheetMeasure> = Vec::new();
    // Rows with something in the key column, as present in the file.
    let keyed = |s: &SparseSheet, from: u32| -> Vec<u32> {
        s.keys()
            .filter(|&&(r, c)| c == 0 && r >= from)
            .map(|&(r, _)| r)
            .collect()
    };
    for r in keyed(&ms, MEASURES_HEADER + 1) {
        let key = cell(&ms, r, 0);
        if key.is_empty() {
            continue;
        }
        let mut m = SheetMeasure {
            measure_key: key,
            row: r + 1,
            ..SheetMeasure::default()
        };
        for (field, col) in [
            ("status", 2u16),
            ("people_reached", 3),
            ("spent.0.amount", 4),
            ("spent.0.currency", 5),
            ("spent.0.source", 6),
            ("narrative", 7),
        ] {
            m.fields
                .push((field.to_string(), cell(&ms, r, u32::from(col))));
            m.cells.insert(
                field.to_string(),
                CellRef {
                    sheet: MEASURES_SHEET,
                    row: r + 1,
                    col,
                },
            );
        }
        out.push(m);
    }
    // The first row of each key, as a lookup rather than a search per indicator row.
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, m) in out.iter().enumerate() {
        first.entry(m.measure_key.clone()).or_insert(i);
    }
    for r in keyed(&is, 1) {
        let (key, ind) = (cell(&is, r, 0), cell(&is, r, 1));
        if key.is_empty() || ind.is_empty() {
            continue;
        }
        let Some(m) = first.get(&key).and_then(|&i| out.get_mut(i)) else {
            return Err(SheetError::Cells(format!(
                "{}: мярка „{key}“ няма ред в лист „{MEASURES_SHEET}“.",
                CellRef {
                    sheet: INDICATORS_SHEET,
                    row: r + 1,
                    col: 0
                }
                .describe()
            )));
        };
        for (prefix, col) in [("value", 6u16), ("num", 7), ("den", 8)] {
            let field = format!("{prefix}.{ind}");
            m.fields.push((field.clone(), cell(&is, r, u32::from(col))));
            m.cells.insert(
                field,
                CellRef {
                    sheet: INDICATORS_SHEET,
                    row: r + 1,
                    col,
                },
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_spreadsheets() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn a_cell_is_described_in_bulgarian_with_its_column_name() {
        let c = CellRef {
            sheet: MEASURES_SHEET,
            row: 5,
            col: 2,
        };
        assert_eq!(
            c.describe(),
            "лист „Мерки“, ред 5, колона C (Състояние на изпълнение)"
        );
    }

    #[test]
    fn a_file_that_is_not_a_spreadsheet_is_refused() {
        assert_eq!(
            read_template(b"not a zip", 1, 1, ReadLimits::DEFAULT).unwrap_err(),
            SheetError::NotXlsx
        );
    }
}
