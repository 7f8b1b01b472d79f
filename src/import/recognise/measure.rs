//! A measure's cells → the plan's measure fields: lists, names, period, money, indicators.

use super::RawMeasure;
use super::amount;
use super::columns::{self, Col};
use super::roles;
use super::split;
use super::values;
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
        let no_sources = raw
            .lines(Col::Source)
            .iter()
            .chain(&raw.lines(Col::Financing))
            .all(|l| l.chars().all(|c| matches!(c, '-' | '–' | '—' | ' ')));
        let mut bare = 0usize;
        let mut words_in_amounts = Vec::new();
        for line in raw.lines(Col::Amount) {
            // A year's column: "2025: 1 000" is the amount for 2025, kept as written.
            let (year, t) = match line.split_once(": ") {
                Some((y, rest)) if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => {
                    (Some(y), rest.trim())
                }
                _ => (None, line.trim()),
            };
            let written = |t: &str| match year {
                Some(y) => format!("{y}: {t}"),
                None => t.to_string(),
            };
            if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '–' | '—' | '.')) {
                continue;
            }
            let found = amount::amounts_with_unit(t);
            let words = raw.sources_in_amounts && has_words_beside(t, &found);
            if !found.is_empty() && !words {
                for f in found {
                    let mut a = f.amount;
                    a.text = Some(written(t));
                    amounts.push(a);
                }
            } else if let Some(mut a) = amount::bare_amount(t) {
                a.text = Some(written(t));
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
            } else if raw.sources_in_amounts
                || self.known.lookup(t).is_some()
                || (no_sources && speaks_of_financing(t))
            {
                // Words in the money column of a table without a column of sources ("В
                // рамките на бюджета", "20 000 лв., НП"), a source's known name ("Не са
                // необходими" is "Без финансиране"), or words about the financing of a
                // measure whose sources are not stated ("по бюджета на общината", "не
                // изисква средства"): read as financing, money and source. (Beside the
                // sources they only say them again, "По проекти" beside "Проекти", and are
                // kept apart as unplaced text.)
                words_in_amounts.push(t.to_string());
            } else {
                self.unplace(&at, t);
            }
        }
        let mut source_lines = Vec::new();
        for line in raw
            .lines(Col::Source)
            .into_iter()
            .chain(raw.lines(Col::Financing))
            .chain(words_in_amounts)
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
            // What separated the money from its source ("20 000 лв., НП", "5 000 лв. – ПВУ").
            let rest = rest.trim_matches([',', ';', ':', '-', '–', '—', ' ']);
            if !rest.is_empty() {
                source_lines.push(rest.to_string());
            }
        }
        // The lead and its partners, without the roles written beside their names.
        let institution_lines: Vec<String> = raw
            .lines(Col::Institution)
            .iter()
            .map(|l| roles::without_roles(l))
            .collect();
        let institutions = self.names(&institution_lines, &at, "институцията");
        let funding_sources = self.names(&source_lines, &at, "източникът");
        // Values written in the indicator's own cell ("Базова стойност: 50", "Целева
        // стойност: 80") are its baseline and target when the table has no column for them.
        let mut indicator_lines = Vec::new();
        let (mut inline_current, mut inline_target) = (Vec::new(), Vec::new());
        for line in raw.lines(Col::Indicator) {
            let labelled = line.split_once(':').and_then(|(label, value)| {
                let value = value.trim();
                let words = label.split_whitespace().count();
                (words <= 3 && !value.is_empty())
                    .then(|| columns::classify(label).map(|c| (c, value.to_string())))
                    .flatten()
            });
            match labelled {
                Some((Col::Current, v)) => inline_current.push(v),
                Some((Col::Target, v)) => inline_target.push(v),
                _ => indicator_lines.push(line),
            }
        }
        let names = split::indicator_items(&indicator_lines);
        let mut current = split::value_items(&raw.lines(Col::Current));
        let mut target = split::value_items(&raw.lines(Col::Target));
        if current.is_empty() {
            current = inline_current;
        }
        if target.is_empty() {
            target = inline_target;
        }
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
        // Without columns of values, "Брой деца (базова 10, целева 20)" states them on the
        // indicator's own line.
        if current.is_empty() && target.is_empty() {
            for ind in &mut indicators {
                if let Some((name, baseline, target)) = values::stated_values(&ind.name) {
                    ind.name = name;
                    ind.baseline = baseline;
                    ind.target = target;
                }
            }
        }
        // Without a column of targets, "Брой деца – 150" states its target after a dash.
        if target.is_empty() {
            for ind in &mut indicators {
                if let Some((name, value)) = split::stated_target(&ind.name) {
                    ind.target = Some(value.to_string());
                    ind.name = name.to_string();
                }
            }
        }
        self.pair(&mut indicators, current, &at, true);
        self.pair(&mut indicators, target, &at, false);
        // Units paired with the indicators by position; units left over join the last one's.
        let units = split::value_items(&raw.lines(Col::Unit));
        let n = indicators.len();
        for (i, u) in units.into_iter().enumerate() {
            match indicators.get_mut(i.min(n.saturating_sub(1))) {
                Some(ind) => {
                    let joined = format!("{} {u}", ind.unit.take().unwrap_or_default());
                    ind.unit = Some(joined.trim().to_string());
                }
                None => self.unplace(&at, &u),
            }
        }
        for line in raw.lines(Col::Other) {
            self.unplace(&at, &line);
        }
        self.ordinal += 1;
        let mut code = joined(Col::Code).map(|c| code_without_label(&c));
        let mut activity_lines = raw.lines(Col::Activity);
        // Without a code column, a code of two levels or more opening the activity ("1.2.
        // Обучение …") is the measure's code.
        // Several activities numbered under the measure ("1.1.1. …", "1.1.2. …") keep their
        // numbers, and the measure's code is what they share.
        let mut activities = split::list_items(&activity_lines);
        if code.is_none() {
            if let Some(shared) = split::shared_code(&activities) {
                code = Some(shared);
            } else if let Some(first) = activity_lines.first_mut()
                && let Some((c, rest)) = split::leading_code(first)
            {
                code = Some(c.to_string());
                *first = rest.to_string();
                activities = split::list_items(&activity_lines);
            }
        }
        Measure {
            key: String::new(),
            code,
            tasks: split::list_items(&raw.lines(Col::Task)),
            activities,
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

/// The code in a code column without the word written before it ("Мярка 1.1", "М 1.2",
/// "Дейност 2.1." → "1.1", "1.2", "2.1.").
fn code_without_label(text: &str) -> String {
    let t = text.trim();
    let rest = t.trim_start_matches(|c: char| c.is_alphabetic() || matches!(c, '.' | '№' | ' '));
    let label = &t[..t.len() - rest.len()];
    if !label.is_empty() && label.chars().count() <= 10 && columns::is_code(rest) {
        rest.to_string()
    } else {
        t.to_string()
    }
}

/// Words about how a measure is financed, written in its money column instead of an amount:
/// they name a budget, means, financing, a programme or a project.
fn speaks_of_financing(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "бюджет",
        "средства",
        "финанс",
        "програм",
        "проект",
        "разход",
        "безвъзмезд",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether a money cell names a source beside its amounts ("20 000 лв., Национална
/// програма", "5 000 лв. – ПВУ"): a word in capitals or capitalised besides the amounts.
/// Lowercase words ("годишно", "на училище", "на стойност") stay the amount's own text.
fn has_words_beside(text: &str, found: &[amount::Found]) -> bool {
    let mut pos = 0;
    let mut rest = String::new();
    for f in found {
        rest.push_str(&text[pos..f.start]);
        rest.push(' ');
        pos = f.end;
    }
    rest.push_str(&text[pos..]);
    rest.split_whitespace()
        .filter_map(|w| {
            w.trim_start_matches(['(', '„', '"', '–', '-'])
                .chars()
                .next()
        })
        .any(char::is_uppercase)
}
