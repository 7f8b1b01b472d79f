//! The review of an import before it is saved (pure): the draft kept between upload and save,
//! the source as the review page shows it with each warning next to its row, and the edits a
//! coordinator makes in the review form.

use super::document::{Block, Document};
use super::{ImportOutcome, ImportWarning, Recognised, SourceFormat, WarningKind};
use crate::forms::FieldError;
use crate::i18n::Tr;
use crate::plan::views::{money, objective_heading, priority_heading};
use crate::plan::{Adoption, MeasurePeriod, Plan, YearRange};
use serde::{Deserialize, Serialize};

/// A file read and recognised, waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub file_name: String,
    pub format: SourceFormat,
    pub recognised: Recognised,
    pub plan: Plan,
    pub warnings: Vec<ImportWarning>,
    /// The document as read, one item per heading, paragraph or table row.
    pub source: Vec<SourceItem>,
    /// The plan this import replaces as a new version, when chosen at upload.
    pub target: Option<i64>,
}

/// One heading, paragraph or table row of the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceItem {
    /// Where it is, in Bulgarian, as warnings name it ("таблица 3, ред 131").
    pub at: String,
    pub heading: bool,
    /// A paragraph's text, or the cells of a row (each cell's lines joined by new lines).
    pub cells: Vec<String>,
}

impl Draft {
    /// The draft of an import; None when the document holds no measure table.
    pub fn new(file_name: &str, out: ImportOutcome, target: Option<i64>) -> Option<Draft> {
        let plan = out.plan?;
        Some(Draft {
            file_name: file_name.to_string(),
            format: out.format,
            recognised: out.recognised,
            plan,
            warnings: out.warnings,
            source: source_items(&out.document),
            target,
        })
    }
}

fn source_items(doc: &Document) -> Vec<SourceItem> {
    let mut items = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, at, .. } | Block::Paragraph { text, at } => {
                items.push(SourceItem {
                    at: at.describe_bg(),
                    heading: matches!(block, Block::Heading { .. }),
                    cells: vec![text.clone()],
                })
            }
            Block::Table(t) => items.extend(t.rows.iter().map(|r| SourceItem {
                at: r.at.describe_bg(),
                heading: false,
                cells: r.cells.iter().map(|c| c.lines.join("\n")).collect(),
            })),
        }
    }
    items
}

/// Whether a warning located at `warning_at` concerns the source item at `item_at`: the same
/// place, or a column of it.
fn concerns(warning_at: &str, item_at: &str) -> bool {
    warning_at == item_at
        || warning_at
            .strip_prefix(item_at)
            .is_some_and(|rest| rest.starts_with(", колона"))
}

/// A warning as the review shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningView {
    pub kind: &'static str,
    pub at: String,
    pub message: String,
}

fn warning_view(w: &ImportWarning) -> WarningView {
    WarningView {
        kind: kind_code(w.kind),
        at: w.at.clone(),
        message: w.message.clone(),
    }
}

fn kind_code(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::ShiftedColumns => "shifted_columns",
        WarningKind::UnitMissing => "unit_missing",
        WarningKind::Unplaced => "unplaced",
        WarningKind::NewName => "new_name",
        WarningKind::MissingMetadata => "missing_metadata",
        WarningKind::JoinedRow => "joined_row",
        WarningKind::Ocr => "ocr",
        WarningKind::Other => "other",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceRowView {
    pub at: String,
    pub heading: bool,
    pub cells: Vec<String>,
    pub warnings: Vec<WarningView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRow {
    pub key: String,
    pub code: String,
    pub tasks: Vec<String>,
    pub activities: String,
    pub institutions: String,
    pub period: String,
    pub status: String,
    pub amounts: Vec<String>,
    pub sources: Vec<String>,
    pub indicators: Vec<String>,
    pub warnings: Vec<WarningView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveRows {
    pub heading: String,
    pub measures: Vec<MeasureRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriorityRows {
    pub heading: String,
    pub area: Option<&'static str>,
    pub objectives: Vec<ObjectiveRows>,
}

/// What the review page shows: the structure, the source, and the warnings placed by them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewView {
    pub priorities: Vec<PriorityRows>,
    pub source: Vec<SourceRowView>,
    /// Warnings about the document as a whole, not about one of its rows or measures (missing
    /// metadata). The others are shown next to their source row and their measure.
    pub general: Vec<WarningView>,
    /// Institution and source names not in the registry.
    pub new_names: Vec<super::names::NewName>,
}

pub fn review_view(draft: &Draft) -> ReviewView {
    let mut placed = vec![false; draft.warnings.len()];
    let source = draft
        .source
        .iter()
        .map(|item| {
            let mut warnings = Vec::new();
            for (i, w) in draft.warnings.iter().enumerate() {
                if concerns(&w.at, &item.at) {
                    warnings.push(warning_view(w));
                    placed[i] = true;
                }
            }
            SourceRowView {
                at: item.at.clone(),
                heading: item.heading,
                cells: item.cells.clone(),
                warnings,
            }
        })
        .collect();
    let measure_warnings = |key: &str| -> Vec<WarningView> {
        draft
            .warnings
            .iter()
            .filter(|w| w.measure_key.as_deref() == Some(key))
            .map(warning_view)
            .collect()
    };
    // Measures without a number of their own are named by their place in the plan ("№ 7"), as
    // on the plan's pages, never by an internal key.
    let mut ordinal = 0;
    let priorities = draft
        .plan
        .priorities
        .iter()
        .enumerate()
        .map(|(i, p)| PriorityRows {
            heading: priority_heading(p, i, Tr::default()).to_string(),
            area: p.national_area.map(|a| a.title_bg()),
            objectives: p
                .objectives
                .iter()
                .map(|o| ObjectiveRows {
                    heading: objective_heading(o, Tr::default()).to_string(),
                    measures: o
                        .measures
                        .iter()
                        .map(|m| MeasureRow {
                            key: m.key.clone(),
                            code: {
                                ordinal += 1;
                                m.code.clone().unwrap_or_else(|| format!("№ {ordinal}"))
                            },
                            tasks: m.tasks.clone(),
                            activities: m.activities.join("\n"),
                            institutions: m.institutions.join("\n"),
                            period: m
                                .period
                                .as_ref()
                                .map(|p| p.text.clone())
                                .unwrap_or_default(),
                            status: m.status.clone().unwrap_or_default(),
                            amounts: m.amounts.iter().map(amount_text).collect(),
                            sources: m.funding_sources.clone(),
                            indicators: m.indicators.iter().map(indicator_text).collect(),
                            warnings: measure_warnings(&m.key),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let general = draft
        .warnings
        .iter()
        .zip(&placed)
        .filter(|(w, placed)| !**placed && w.measure_key.is_none())
        .map(|(w, _)| warning_view(w))
        .collect();
    ReviewView {
        priorities,
        source,
        general,
        new_names: super::names::new_names(draft),
    }
}

fn amount_text(a: &crate::plan::Amount) -> String {
    let mut text = money(a.minor, a.currency);
    if let Some(q) = &a.qualifier {
        text.push(' ');
        text.push_str(q);
    }
    if a.unit_missing {
        text.push_str(" (без посочена валута)");
    }
    text
}

fn indicator_text(i: &crate::plan::Indicator) -> String {
    match (&i.baseline, &i.target) {
        (None, None) => i.name.clone(),
        (b, t) => format!(
            "{} (текуща: {}; целева: {})",
            i.name,
            b.as_deref().unwrap_or("—"),
            t.as_deref().unwrap_or("—")
        ),
    }
}

/// The text between „ and “ in a message.
pub(super) fn quoted(message: &str) -> Option<String> {
    let start = message.find('„')? + '„'.len_utf8();
    let len = message[start..].find('“')?;
    Some(message[start..start + len].to_string())
}

/// The header fields of the review form, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetaForm {
    pub municipality: String,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    pub decision_number: String,
    pub protocol_number: String,
    pub adoption_date: String,
    pub adoption_body: String,
    /// "new", or the id of the plan this import becomes a new version of.
    pub target: String,
    /// The choices for the new names as sent (`nn.N.…`, see `names::read_name_choices`).
    pub names: Vec<(usize, super::names::NameChoice)>,
}

impl MetaForm {
    pub fn of(plan: &Plan, target: Option<i64>) -> MetaForm {
        let a = plan.adoption.clone().unwrap_or_default();
        MetaForm {
            municipality: plan.municipality.clone(),
            title: plan.title.clone(),
            period_from: year_text(plan.period.from),
            period_to: year_text(plan.period.to),
            decision_number: a.decision_number.unwrap_or_default(),
            protocol_number: a.protocol_number.unwrap_or_default(),
            adoption_date: a.date.unwrap_or_default(),
            adoption_body: a.body.unwrap_or_default(),
            target: target.map_or_else(|| "new".into(), |t| t.to_string()),
            names: Vec::new(),
        }
    }
}

fn year_text(y: i32) -> String {
    if y > 0 { y.to_string() } else { String::new() }
}

/// Where the reviewed plan is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    NewPlan,
    NewVersionOf(i64),
}

/// The submitted review form: the header fields and the per-measure fields
/// (`m.KEY.activities`, `m.KEY.institutions`, `m.KEY.period`, `m.KEY.status`).
pub fn read_form(fields: &[(String, String)]) -> (MetaForm, Vec<(String, String, String)>) {
    let mut meta = MetaForm::default();
    let mut measures = Vec::new();
    for (name, value) in fields {
        let value = value.replace("\r\n", "\n");
        let slot = match name.as_str() {
            "municipality" => &mut meta.municipality,
            "title" => &mut meta.title,
            "period_from" => &mut meta.period_from,
            "period_to" => &mut meta.period_to,
            "decision_number" => &mut meta.decision_number,
            "protocol_number" => &mut meta.protocol_number,
            "adoption_date" => &mut meta.adoption_date,
            "adoption_body" => &mut meta.adoption_body,
            "target" => &mut meta.target,
            other => {
                if let Some(rest) = other.strip_prefix("m.")
                    && let Some((key, field)) = rest.rsplit_once('.')
                {
                    measures.push((key.to_string(), field.to_string(), value));
                }
                continue;
            }
        };
        *slot = value;
    }
    (meta, measures)
}

fn year(text: &str, field: &str) -> Result<i32, FieldError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| FieldError::new(field, "Въведете година с четири цифри, например 2024."))
}

/// "2024-02-28", "28.02.2024" or "28.02.2024 г." → "2024-02-28".
fn iso_date(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches("г.").trim();
    if crate::dates::parse_iso_date(t).is_ok() {
        return Some(t.to_string());
    }
    let parts: Vec<&str> = t.split('.').map(str::trim).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let iso = format!("{y:0>4}-{m:0>2}-{d:0>2}");
    crate::dates::parse_iso_date(&iso).ok().map(|_| iso)
}

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Applies the review form to the draft's plan: the measure fields, then the header fields.
pub fn apply(
    plan: &mut Plan,
    meta: &MetaForm,
    measures: &[(String, String, String)],
) -> Result<Target, Vec<FieldError>> {
    apply_measures(plan, measures);
    apply_meta(plan, meta)
}

/// Applies the header fields, or says which are wrong (and changes nothing).
pub fn apply_meta(plan: &mut Plan, meta: &MetaForm) -> Result<Target, Vec<FieldError>> {
    let mut errors = Vec::new();
    if meta.municipality.trim().is_empty() {
        errors.push(FieldError::new("municipality", "Въведете общината."));
    }
    if meta.title.trim().is_empty() {
        errors.push(FieldError::new(
            "title",
            "Въведете наименованието на плана.",
        ));
    }
    let from = year(&meta.period_from, "period_from").map_err(|e| errors.push(e));
    let to = year(&meta.period_to, "period_to").map_err(|e| errors.push(e));
    if let (Ok(f), Ok(t)) = (from, to)
        && f > t
    {
        errors.push(FieldError::new(
            "period_to",
            "Краят на периода е преди началото му.",
        ));
    }
    let date = match opt(&meta.adoption_date) {
        None => None,
        Some(d) => match iso_date(&d) {
            Some(iso) => Some(iso),
            None => {
                errors.push(FieldError::new(
                    "adoption_date",
                    "Въведете датата във вида ДД.ММ.ГГГГ, например 28.02.2024.",
                ));
                None
            }
        },
    };
    let target = match meta.target.trim() {
        "" | "new" => Target::NewPlan,
        t => match t.parse::<i64>() {
            Ok(id) if id > 0 => Target::NewVersionOf(id),
            _ => {
                errors.push(FieldError::new("target", "Изберете план от списъка."));
                Target::NewPlan
            }
        },
    };
    let (Ok(from), Ok(to), true) = (from, to, errors.is_empty()) else {
        return Err(errors);
    };
    plan.municipality = meta.municipality.trim().to_string();
    plan.title = meta.title.trim().to_string();
    plan.period = YearRange { from, to };
    let adoption = Adoption {
        decision_number: opt(&meta.decision_number),
        protocol_number: opt(&meta.protocol_number),
        date,
        body: opt(&meta.adoption_body),
    };
    plan.adoption = (adoption != Adoption::default()).then_some(adoption);
    Ok(target)
}

/// Applies the per-measure fields. A field is changed only when its text differs from what the
/// page showed, so an untouched form keeps the plan as recognised.
pub fn apply_measures(plan: &mut Plan, measures: &[(String, String, String)]) {
    for m in plan.measures_mut() {
        for (_, field, value) in measures.iter().filter(|(k, _, _)| *k == m.key) {
            match field.as_str() {
                "activities" if *value != m.activities.join("\n") => m.activities = lines(value),
                "institutions" if *value != m.institutions.join("\n") => {
                    m.institutions = lines(value)
                }
                "period" => {
                    let shown = m.period.as_ref().map(|p| p.text.as_str()).unwrap_or("");
                    if value != shown {
                        m.period = opt(value).map(|t| MeasurePeriod::parse(&t));
                    }
                }
                "status" if value.as_str() != m.status.as_deref().unwrap_or("") => {
                    m.status = opt(value)
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        let text = "ПЛАН ЗА ДЕЙСТВИЕ\nна Община Тестово за периода 2024-2026 г.\n\nПриоритет 1 Образование\n\nЦели\tЗадачи\tДейности\tОтговорна институция\tСрок\tСредства\tИзточник\tИндикатори\n1. Цел\tЗадача\tРемонт\tНова агенция за всичко\t2024 г.\t200 000\tОбщински бюджет\tБрой\n";
        let out = crate::import::load::import_bytes(
            "t.txt",
            text.as_bytes(),
            &crate::import::ImportOptions::default(),
        )
        .expect("imports");
        Draft::new("t.txt", out, None).expect("a plan")
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn warnings_are_placed_by_their_row_or_their_measure() {
        let d = draft();
        let v = review_view(&d);
        let m = &v.priorities[0].objectives[0].measures[0];
        assert!(m.warnings.iter().any(|w| w.kind == "new_name"), "{m:?}");
        let row = v
            .source
            .iter()
            .find(|r| r.cells.iter().any(|c| c == "Ремонт"))
            .expect("the measure row");
        assert!(
            row.warnings.iter().any(|w| w.kind == "unit_missing"),
            "{row:?} / {:?}",
            d.warnings
        );
        assert_eq!(v.new_names[0].name, "Нова агенция за всичко");
        assert_eq!(
            v.new_names[0].kind,
            crate::registry::RegistryKind::Institution
        );
    }

    #[test]
    fn a_column_of_a_row_concerns_the_row_but_a_longer_row_number_does_not() {
        assert!(concerns("ред 3, колона 2", "ред 3"));
        assert!(concerns("ред 3", "ред 3"));
        assert!(!concerns("ред 32", "ред 3"));
    }

    #[test]
    fn an_untouched_form_keeps_the_plan_as_recognised() {
        let d = draft();
        let meta = MetaForm::of(&d.plan, None);
        let v = review_view(&d);
        let m = &v.priorities[0].objectives[0].measures[0];
        let mut plan = d.plan.clone();
        let fields = vec![
            (m.key.clone(), "activities".into(), m.activities.clone()),
            (m.key.clone(), "institutions".into(), m.institutions.clone()),
            (m.key.clone(), "period".into(), m.period.clone()),
            (m.key.clone(), "status".into(), m.status.clone()),
        ];
        assert_eq!(apply(&mut plan, &meta, &fields), Ok(Target::NewPlan));
        assert_eq!(plan, d.plan);
    }

    #[test]
    fn edited_fields_change_the_plan_and_bad_ones_are_named() {
        let d = draft();
        let key = d.plan.measures().next().expect("measure").key.clone();
        let (meta, measures) = read_form(&form(&[
            ("municipality", "Тестово"),
            ("title", "План"),
            ("period_from", "2024"),
            ("period_to", "2026"),
            ("decision_number", "12"),
            ("adoption_date", "28.02.2024 г."),
            ("target", "7"),
            (&format!("m.{key}.institutions"), "Община Тестово\r\nНПО"),
            (&format!("m.{key}.status"), "Текущ"),
        ]));
        let mut plan = d.plan.clone();
        assert_eq!(
            apply(&mut plan, &meta, &measures),
            Ok(Target::NewVersionOf(7))
        );
        let a = plan.adoption.as_ref().expect("adoption");
        assert_eq!(a.date.as_deref(), Some("2024-02-28"));
        let m = plan.measures().next().expect("measure");
        assert_eq!(m.institutions, ["Община Тестово", "НПО"]);
        assert_eq!(m.status.as_deref(), Some("Текущ"));

        let bad = MetaForm {
            period_from: "2026".into(),
            period_to: "2024".into(),
            adoption_date: "вчера".into(),
            ..MetaForm::default()
        };
        let errors = apply(&mut plan.clone(), &bad, &[]).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["municipality", "title", "period_to", "adoption_date"]
        );
    }
}
