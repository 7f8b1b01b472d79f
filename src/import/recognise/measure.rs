//! A measure's cells → the plan's measure fields: lists, names, period, money, indicators.

use super::RawMeasure;
use super::amount;
use super::columns::Col;
use super::split;
use crate::import::document::Location;
use crate::import::{ImportWarning, WarningKind};
use crate::money::Currency;
use crate::plan::{
    Indicator, Measure, MeasurePeriod, NationalArea, Objective, Plan, Priority, Unplaced, YearRange,
};
use crate::registry::AliasIndex;
use std::collections::HashSet;

/// The built-in registry's institutions and sources, read once.
static KNOWN: std::sync::LazyLock<AliasIndex> = std::sync::LazyLock::new(|| {
    crate::registry::builtin()
        .map(|b| {
            let mut all = b.institutions;
            all.extend(b.sources);
            AliasIndex::from_entries(&all)
        })
        .unwrap_or_default()
});

/// Turns raw measures into plan measures, collecting unplaced text and warnings on the way.
pub(super) struct Finisher {
    known: &'static AliasIndex,
    ordinal: usize,
    unplaced: Vec<Unplaced>,
    /// Warnings with the ordinal of the measure they concern (keys are assigned afterwards).
    warnings: Vec<(usize, ImportWarning)>,
    new_names: HashSet<String>,
    years: Vec<i32>,
}

impl Finisher {
    pub fn new() -> Finisher {
        Finisher {
            known: &KNOWN,
            ordinal: 0,
            unplaced: Vec::new(),
            warnings: Vec::new(),
            new_names: HashSet::new(),
            years: Vec::new(),
        }
    }

    pub fn priority(
        &mut self,
        number: Option<u32>,
        title: &str,
        operational_objective: Option<String>,
        objectives: Vec<(Option<String>, String, Vec<RawMeasure>)>,
    ) -> Priority {
        Priority {
            number,
            title: title.to_string(),
            national_area: NationalArea::from_title(title),
            operational_objective,
            objectives: objectives
                .into_iter()
                .map(|(code, title, measures)| Objective {
                    code,
                    title,
                    measures: measures.iter().map(|m| self.measure(m)).collect(),
                })
                .collect(),
        }
    }

    /// The years the measures' periods span, when the header gives none.
    pub fn years(&self) -> Option<YearRange> {
        Some(YearRange {
            from: *self.years.iter().min()?,
            to: *self.years.iter().max()?,
        })
    }

    pub fn into_parts(self, plan: &Plan) -> (Vec<Unplaced>, Vec<ImportWarning>) {
        let keys: Vec<String> = plan.measures().map(|m| m.key.clone()).collect();
        let warnings = self
            .warnings
            .into_iter()
            .map(|(i, mut w)| {
                w.measure_key = keys.get(i).cloned();
                w
            })
            .collect();
        (self.unplaced, warnings)
    }

    fn warn(&mut self, kind: WarningKind, at: &Location, message: String) {
        self.warnings
            .push((self.ordinal, ImportWarning::new(kind, at, message)));
    }

    fn unplace(&mut self, at: &Location, text: &str) {
        self.warn(
            WarningKind::Unplaced,
            at,
            format!("текстът не е разпознат като част от мярката: „{text}“"),
        );
        self.unplaced.push(Unplaced {
            location: at.describe_bg(),
            text: text.to_string(),
        });
    }

    fn names(&mut self, lines: &[String], at: &Location, what: &str) -> Vec<String> {
        let items = split::name_items(lines, self.known);
        for name in &items {
            if self.known.lookup(name).is_none() && self.new_names.insert(name.clone()) {
                self.warn(
                    WarningKind::NewName,
                    at,
                    format!("{what} „{name}“ не е в регистъра: ще бъде предложено ново име"),
                );
            }
        }
        items
    }

    fn measure(&mut self, raw: &RawMeasure) -> Measure {
        let at = raw.at.clone();
        let joined = |c: Col| {
            let t = raw.lines(c).join(" ");
            let t = t.trim().to_string();
            (!t.is_empty()).then_some(t)
        };
        let period = joined(Col::Period).map(|t| MeasurePeriod::parse(&t));
        if let Some(p) = &period {
            self.years.extend(p.from);
            self.years.extend(p.to);
        }
        let mut amounts = Vec::new();
        // A currency column gives the unit of the bare numbers beside it, line by line (one
        // line for all of them).
        let currencies: Vec<Option<Currency>> = raw
            .lines(Col::Currency)
            .iter()
            .map(|c| Currency::parse(c))
            .collect();
        for line in raw.lines(Col::Currency) {
            if Currency::parse(&line).is_none() && !line.trim().is_empty() {
                self.unplace(&at, &line);
            }
        }
        let mut bare = 0usize;
        for line in raw.lines(Col::Amount) {
            let t = line.trim();
            if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '–' | '—' | '.')) {
                continue;
            }
            let found = amount::amounts_with_unit(t);
            if !found.is_empty() {
                for f in found {
                    let mut a = f.amount;
                    a.text = Some(t.to_string());
                    amounts.push(a);
                }
            } else if let Some(mut a) = amount::bare_amount(t) {
                a.text = Some(t.to_string());
                let unit = match currencies.as_slice() {
                    [one] => *one,
                    many => many.get(bare).copied().flatten(),
                };
                bare += 1;
                if let Some(currency) = unit {
                    a.currency = currency;
                    a.unit_missing = false;
                    amounts.push(a);
                    continue;
                }
                self.warn(
                    WarningKind::UnitMissing,
                    &at,
                    format!("сумата „{t}“ е без валута: приета е в лева"),
                );
                amounts.push(a);
            } else {
                self.unplace(&at, t);
            }
        }
        let mut source_lines = Vec::new();
        for line in raw
            .lines(Col::Source)
            .into_iter()
            .chain(raw.lines(Col::Financing))
        {
            let found = amount::amounts_with_unit(&line);
            let mut rest = String::new();
            let mut pos = 0;
            for f in found {
                rest.push_str(&line[pos..f.start]);
                pos = f.end;
                let mut a = f.amount;
                a.text = Some(line[f.start..f.end].trim().to_string());
                amounts.push(a);
            }
            rest.push_str(&line[pos..]);
            let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
            if !rest.is_empty() {
                source_lines.push(rest);
            }
        }
        let institutions = self.names(&raw.lines(Col::Institution), &at, "институцията");
        let funding_sources = self.names(&source_lines, &at, "източникът");
        let names = split::indicator_items(&raw.lines(Col::Indicator));
        let current = split::value_items(&raw.lines(Col::Current));
        let target = split::value_items(&raw.lines(Col::Target));
        let mut indicators: Vec<Indicator> = names
            .into_iter()
            .map(|name| Indicator {
                key: String::new(),
                name,
                kind: None,
                unit: None,
                cumulative: false,
                baseline: None,
                baseline_year: None,
                target: None,
                target_year: None,
            })
            .collect();
        self.pair(&mut indicators, current, &at, true);
        self.pair(&mut indicators, target, &at, false);
        for line in raw.lines(Col::Other) {
            self.unplace(&at, &line);
        }
        self.ordinal += 1;
        Measure {
            key: String::new(),
            code: joined(Col::Code),
            tasks: split::list_items(&raw.lines(Col::Task)),
            activities: split::list_items(&raw.lines(Col::Activity)),
            institutions,
            period,
            status: joined(Col::Status),
            amounts,
            funding_sources,
            indicators,
        }
    }

    /// Current or target values paired with the indicators by position; values left over join
    /// the last indicator's value, and values without any indicator are unplaced.
    fn pair(
        &mut self,
        indicators: &mut [Indicator],
        values: Vec<String>,
        at: &Location,
        current: bool,
    ) {
        if indicators.is_empty() {
            for v in values {
                self.unplace(at, &v);
            }
            return;
        }
        let n = indicators.len();
        for (i, v) in values.into_iter().enumerate() {
            let ind = &mut indicators[i.min(n - 1)];
            let slot = if current {
                &mut ind.baseline
            } else {
                &mut ind.target
            };
            *slot = Some(match slot.take() {
                Some(prev) => format!("{prev} {v}"),
                None => v,
            });
        }
    }
}
