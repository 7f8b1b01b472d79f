//! Open data: the datasets anyone may download from `/data` (plans, measures, indicators,
//! progress per year, roll-ups per district and for the nation) built purely from plans and
//! frozen rounds, their CSV, XLSX and JSON writers, and formula-injection neutralisation. See
//! docs/datasets.md.

pub mod csv;
pub mod dcat;
pub mod iati;
pub mod json;
pub mod names;
pub mod pages;
pub mod plan_xlsx;
pub mod rollups;
pub mod store;
pub mod xlsx;

use crate::analytics::indicators::combine_year;
use crate::money::{Currency, Money, Total};
use crate::plan::Plan;
use crate::rollup::Rollup;
use crate::snapshot::{ReviewState, RoundSnapshot, Value};

/// The datasets, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Plans,
    Measures,
    Indicators,
    Progress,
    /// The roll-up per district (`rollups`).
    Districts,
    /// The national roll-up (`rollups`).
    National,
}

impl Dataset {
    pub const ALL: [Dataset; 6] = [
        Dataset::Plans,
        Dataset::Measures,
        Dataset::Indicators,
        Dataset::Progress,
        Dataset::Districts,
        Dataset::National,
    ];

    /// The file name stem and identifier: "plans", "measures" …
    pub fn code(self) -> &'static str {
        match self {
            Dataset::Plans => "plans",
            Dataset::Measures => "measures",
            Dataset::Indicators => "indicators",
            Dataset::Progress => "progress",
            Dataset::Districts => "districts",
            Dataset::National => "national",
        }
    }

    pub fn from_code(code: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The dataset's columns, in order; each is described by `data.col.<name>` in
    /// locales/messages.toml and in docs/datasets.md.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Dataset::Plans => &[
                "plan_id",
                "municipality",
                "district",
                "title",
                "period_from",
                "period_to",
                "decision_number",
                "protocol_number",
                "adoption_date",
                "version",
                "updated_at",
                "priorities",
                "objectives",
                "measures",
                "indicators",
                "planned_bgn",
                "planned_eur",
                "url",
            ],
            Dataset::Measures => &[
                "plan_id",
                "municipality",
                "measure_key",
                "measure_code",
                "priority_number",
                "priority",
                "national_area",
                "objective_code",
                "objective",
                "tasks",
                "activities",
                "institutions",
                "period",
                "period_from",
                "period_to",
                "declared_status",
                "planned_bgn",
                "planned_eur",
                "amounts",
                "funding_sources",
                "url",
            ],
            Dataset::Indicators => &[
                "plan_id",
                "municipality",
                "measure_key",
                "indicator_key",
                "indicator",
                "kind",
                "unit",
                "cumulative",
                "baseline",
                "baseline_year",
                "target",
                "target_year",
                "year",
                "value",
                "value_number",
            ],
            Dataset::Progress => &[
                "plan_id",
                "municipality",
                "year",
                "measure_key",
                "measure_code",
                "institution",
                "status",
                "status_label",
                "spent_bgn",
                "spent_eur",
                "people_reached",
                "indicator_values",
                "approved_at",
            ],
            Dataset::Districts => &rollups::DISTRICT_COLUMNS,
            Dataset::National => rollups::NATIONAL_COLUMNS,
        }
    }

    /// Whether the dataset is read from closed rounds (and changes when one closes).
    pub fn uses_rounds(self) -> bool {
        !matches!(self, Dataset::Plans | Dataset::Measures)
    }

    /// Whether it has a part per plan (`/data/plans/{id}/…`); the roll-ups add plans up.
    pub fn per_plan(self) -> bool {
        !matches!(self, Dataset::Districts | Dataset::National)
    }
}

/// One cell, typed so each format writes it as what it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// Several values (activities, institutions): a JSON array, one per line in CSV and XLSX.
    List(Vec<String>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Exact money in minor units, written as decimal text with two decimals.
    Money(i64),
}

impl Cell {
    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }

    fn opt_int(n: Option<i64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Int)
    }

    /// The cell as text for CSV (and for XLSX text cells), not yet neutralised.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::List(items) => items.join("\n"),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) => f.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Money(minor) => Money::new(*minor, Currency::Bgn).to_decimal_string(),
        }
    }
}

/// A dataset's rows under its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub dataset: Dataset,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn columns(&self) -> &'static [&'static str] {
        self.dataset.columns()
    }
}

/// Text a spreadsheet could take for a formula (`=`, `+`, `-`, `@`, tab, carriage return at
/// the start) gets a leading apostrophe, so opening the file never runs anything.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Whether a spreadsheet could read `text` as a formula.
pub fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A plan as the datasets see it.
#[derive(Debug, Clone)]
pub struct PlanSource<'a> {
    pub id: i64,
    pub version: i64,
    pub updated_at: &'a str,
    pub plan: &'a Plan,
    /// The frozen snapshots of the plan's closed rounds, oldest year first (samples left out).
    pub rounds: Vec<&'a RoundSnapshot>,
}

/// The rows of `dataset` for the given plans, the roll-ups from each year's roll-up of them
/// (`rollups::year_rollup`).
pub fn build(dataset: Dataset, plans: &[PlanSource<'_>], rollups: &[Rollup]) -> Table {
    let rows = match dataset {
        Dataset::Plans => plans.iter().map(plan_row).collect(),
        Dataset::Measures => plans.iter().flat_map(measure_rows).collect(),
        Dataset::Indicators => plans.iter().flat_map(indicator_rows).collect(),
        Dataset::Progress => plans.iter().flat_map(progress_rows).collect(),
        Dataset::Districts | Dataset::National => rollups::rows(dataset, rollups),
    };
    Table { dataset, rows }
}

/// Planned money of amounts that add into totals, in BGN and in EUR.
fn planned<'a>(amounts: impl IntoIterator<Item = &'a crate::plan::Amount>) -> (Cell, Cell) {
    let mut bgn = Total::new(Currency::Bgn);
    let mut eur = Total::new(Currency::Eur);
    for a in amounts.into_iter().filter(|a| a.is_summable()) {
        bgn.add(a.money());
        eur.add(a.money());
    }
    (
        Cell::Money(bgn.money().minor),
        Cell::Money(eur.money().minor),
    )
}

fn plan_row(p: &PlanSource<'_>) -> Vec<Cell> {
    let plan = p.plan;
    let adoption = plan.adoption.as_ref();
    let counts = crate::plan::rules::counts(plan);
    let (bgn, eur) = planned(plan.measures().flat_map(|m| &m.amounts));
    vec![
        Cell::Int(p.id),
        Cell::text(&plan.municipality),
        Cell::opt_text(plan.district.as_deref()),
        Cell::text(&plan.title),
        Cell::Int(plan.period.from.into()),
        Cell::Int(plan.period.to.into()),
        Cell::opt_text(adoption.and_then(|a| a.decision_number.as_deref())),
        Cell::opt_text(adoption.and_then(|a| a.protocol_number.as_deref())),
        Cell::opt_text(adoption.and_then(|a| a.date.as_deref())),
        Cell::Int(p.version),
        Cell::text(p.updated_at),
        Cell::Int(counts.priorities as i64),
        Cell::Int(counts.objectives as i64),
        Cell::Int(counts.measures as i64),
        Cell::Int(counts.indicators as i64),
        bgn,
        eur,
        Cell::Text(format!("/plans/{}", p.id)),
    ]
}

fn measure_rows(p: &PlanSource<'_>) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for pr in &p.plan.priorities {
        for o in &pr.objectives {
            for m in &o.measures {
                let (bgn, eur) = planned(&m.amounts);
                let amounts = m
                    .amounts
                    .iter()
                    .map(|a| {
                        let mut s =
                            format!("{} {}", a.money().to_decimal_string(), a.currency.code());
                        if let Some(q) = &a.qualifier {
                            s.push(' ');
                            s.push_str(q);
                        }
                        s
                    })
                    .collect();
                rows.push(vec![
                    Cell::Int(p.id),
                    Cell::text(&p.plan.municipality),
                    Cell::text(&m.key),
                    Cell::opt_text(m.code.as_deref()),
                    Cell::opt_int(pr.number.map(i64::from)),
                    Cell::text(&pr.title),
                    Cell::opt_text(pr.national_area.map(|a| a.code())),
                    Cell::opt_text(o.code.as_deref()),
                    Cell::text(&o.title),
                    Cell::List(m.tasks.clone()),
                    Cell::List(m.activities.clone()),
                    Cell::List(m.institutions.clone()),
                    Cell::opt_text(m.period.as_ref().map(|x| x.text.as_str())),
                    Cell::opt_int(m.period.as_ref().and_then(|x| x.from).map(i64::from)),
                    Cell::opt_int(m.period.as_ref().and_then(|x| x.to).map(i64::from)),
                    Cell::opt_text(m.status.as_deref()),
                    bgn,
                    eur,
                    Cell::List(amounts),
                    Cell::List(m.funding_sources.clone()),
                    Cell::Text(format!("/plans/{}/measures/{}", p.id, m.key)),
                ]);
            }
        }
    }
    rows
}

/// The approved updates of a round: only data a reviewer has accepted is published.
fn approved(snap: &RoundSnapshot) -> impl Iterator<Item = &crate::snapshot::MeasureUpdate> {
    snap.updates
        .iter()
        .filter(|u| u.state == ReviewState::Approved)
}

/// A value as text: numbers without a needless ".0", ratios as "n/d".
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::Number { value } => number_text(*value),
        Value::Ratio {
            numerator,
            denominator,
        } => format!("{}/{}", number_text(*numerator), number_text(*denominator)),
        Value::YesNo { value } => if *value { "да" } else { "не" }.to_string(),
        Value::Text { value } => value.clone(),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// The year's value of one indicator from the approved updates of a round, combined over
/// institutions by the indicator maths of `analytics`.
pub fn year_value(snap: &RoundSnapshot, measure: &str, indicator: &str) -> Option<Value> {
    combine_year(
        approved(snap)
            .filter(|u| u.measure_key == measure)
            .flat_map(|u| &u.values)
            .filter(|v| v.indicator_key == indicator)
            .map(|v| &v.value),
    )
}

fn indicator_rows(p: &PlanSource<'_>) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for m in p.plan.measures() {
        for ind in &m.indicators {
            let head = vec![
                Cell::Int(p.id),
                Cell::text(&p.plan.municipality),
                Cell::text(&m.key),
                Cell::text(&ind.key),
                Cell::text(&ind.name),
                Cell::opt_text(ind.kind.map(kind_code)),
                Cell::opt_text(ind.unit.as_deref()),
                Cell::Bool(ind.cumulative),
                Cell::opt_text(ind.baseline.as_deref()),
                Cell::opt_int(ind.baseline_year.map(i64::from)),
                Cell::opt_text(ind.target.as_deref()),
                Cell::opt_int(ind.target_year.map(i64::from)),
            ];
            let yearly: Vec<(i32, Value)> = p
                .rounds
                .iter()
                .filter_map(|s| Some((s.year, year_value(s, &m.key, &ind.key)?)))
                .collect();
            if yearly.is_empty() {
                let mut row = head.clone();
                row.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
                rows.push(row);
            }
            for (year, v) in yearly {
                let mut row = head.clone();
                row.extend([
                    Cell::Int(year.into()),
                    Cell::Text(value_text(&v)),
                    crate::analytics::indicators::numeric(&v).map_or(Cell::Empty, Cell::Float),
                ]);
                rows.push(row);
            }
        }
    }
    rows
}

pub fn kind_code(k: crate::plan::IndicatorKind) -> &'static str {
    use crate::plan::IndicatorKind as K;
    match k {
        K::Number => "number",
        K::Percent => "percent",
        K::YesNo => "yes_no",
        K::Text => "text",
    }
}

fn progress_rows(p: &PlanSource<'_>) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for snap in &p.rounds {
        let code_of = |key: &str| {
            snap.plan
                .measures()
                .find(|m| m.key == key)
                .and_then(|m| m.code.clone())
        };
        for u in approved(snap) {
            let mut bgn = Total::new(Currency::Bgn);
            let mut eur = Total::new(Currency::Eur);
            for s in &u.spent {
                bgn.add(s.money());
                eur.add(s.money());
            }
            let values = u
                .values
                .iter()
                .map(|v| format!("{}={}", v.indicator_key, value_text(&v.value)))
                .collect();
            rows.push(vec![
                Cell::Int(p.id),
                Cell::text(&p.plan.municipality),
                Cell::Int(snap.year.into()),
                Cell::text(&u.measure_key),
                Cell::opt_text(code_of(&u.measure_key).as_deref()),
                Cell::text(&u.institution),
                Cell::opt_text(u.status.map(|s| s.code())),
                Cell::opt_text(u.status.map(|s| s.label_bg())),
                Cell::Money(bgn.money().minor),
                Cell::Money(eur.money().minor),
                Cell::opt_int(u.people_reached.and_then(|n| i64::try_from(n).ok())),
                Cell::List(values),
                Cell::opt_text(u.approved_at.as_deref()),
            ]);
        }
    }
    rows
}

#[cfg(test)]
mod tests;
