//! Indicator progress: baseline → value for the year → target, with the maths each kind needs.
//!
//! - Numbers reported by several institutions for one year add up.
//! - Percentages add their numerators and denominators, never their percentages.
//! - Across years, a cumulative indicator is its last value; any other number or percentage
//!   adds up the years.
//! - Yes/no is "yes" when any institution says yes; text is listed.

use super::values::{effective_kind, parse_number, parse_yes_no};
use crate::plan::{Indicator, IndicatorKind};
use crate::snapshot::{RoundSnapshot, Value};

/// Combines the values institutions reported for one indicator in one year. Values of another
/// type than the first one are left out (they cannot be added to it).
pub fn combine_year<'a>(values: impl IntoIterator<Item = &'a Value>) -> Option<Value> {
    let mut acc: Option<Value> = None;
    for v in values {
        acc = Some(match (acc, v) {
            (None, v) => v.clone(),
            (Some(Value::Number { value: a }), Value::Number { value: b }) => {
                Value::Number { value: a + b }
            }
            (
                Some(Value::Ratio {
                    numerator: n,
                    denominator: d,
                }),
                Value::Ratio {
                    numerator,
                    denominator,
                },
            ) => Value::Ratio {
                numerator: n + numerator,
                denominator: d + denominator,
            },
            (Some(Value::YesNo { value: a }), Value::YesNo { value: b }) => {
                Value::YesNo { value: a || *b }
            }
            (Some(Value::Text { value: a }), Value::Text { value: b }) => {
                if a.split("; ").any(|part| part == b) {
                    Value::Text { value: a }
                } else {
                    Value::Text {
                        value: format!("{a}; {b}"),
                    }
                }
            }
            (Some(other), _) => other,
        });
    }
    acc
}

/// Rolls yearly values (oldest first) up to a value to date.
pub fn to_date(cumulative: bool, yearly: &[Value]) -> Option<Value> {
    let last = yearly.last()?;
    match last {
        Value::Number { .. } | Value::Ratio { .. } if !cumulative => combine_year(yearly),
        _ => Some(last.clone()),
    }
}

/// A value as a number for progress: percentages as 0-100, yes/no as 1/0.
pub fn numeric(v: &Value) -> Option<f64> {
    match v {
        Value::Number { value } => Some(*value),
        Value::Ratio {
            numerator,
            denominator,
        } => (*denominator > 0.0).then(|| numerator / denominator * 100.0),
        Value::YesNo { value } => Some(if *value { 1.0 } else { 0.0 }),
        Value::Text { .. } => None,
    }
}

/// Progress towards the target as a share (1.0 = reached; may exceed 1). Levels (percentages
/// and cumulative numbers) move from the baseline to the target; other numbers count what was
/// achieved towards the target. Yes/no is reached or not. `None` when it cannot be computed.
pub fn progress(ind: &Indicator, value: &Value) -> Option<f64> {
    if let Value::YesNo { value } = value {
        let goal = ind.target.as_deref().and_then(parse_yes_no).unwrap_or(true);
        return Some(if *value == goal { 1.0 } else { 0.0 });
    }
    let v = numeric(value)?;
    let target = ind.target.as_deref().and_then(parse_number)?;
    let baseline = ind.baseline.as_deref().and_then(parse_number);
    let is_level = ind.cumulative || matches!(value, Value::Ratio { .. });
    match baseline {
        Some(b) if is_level => {
            let span = target - b;
            (span.abs() > f64::EPSILON).then(|| (v - b) / span)
        }
        _ => (target.abs() > f64::EPSILON).then(|| v / target),
    }
}

/// One indicator of the round, with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorProgress {
    pub measure_key: String,
    pub indicator: Indicator,
    pub kind: IndicatorKind,
    /// The combined value for the round's year; `None` when nobody reported one.
    pub value: Option<Value>,
    /// Rolled up over the plan's rounds up to this one.
    pub to_date: Option<Value>,
    pub progress: Option<f64>,
    /// (year, combined value) for every round with a value, oldest first.
    pub by_year: Vec<(i32, Value)>,
    /// How many received reports gave a value this year.
    pub reports: usize,
}

/// The combined value of one indicator in one round.
fn round_value(snap: &RoundSnapshot, measure_key: &str, key: &str) -> (Option<Value>, usize) {
    let values: Vec<&Value> = snap
        .updates
        .iter()
        .filter(|u| u.measure_key == measure_key && u.state.is_received())
        .flat_map(|u| u.values.iter())
        .filter(|v| v.indicator_key == key)
        .map(|v| &v.value)
        .collect();
    (combine_year(values.iter().copied()), values.len())
}

/// Progress of every indicator of the round's plan. `history` holds the plan's rounds (in any
/// order; the round itself may be among them); rounds after this one are ignored.
pub fn indicator_progress(
    snap: &RoundSnapshot,
    history: &[RoundSnapshot],
) -> Vec<IndicatorProgress> {
    let mut earlier: Vec<&RoundSnapshot> = history.iter().filter(|h| h.year < snap.year).collect();
    earlier.sort_by_key(|h| h.year);
    let mut out = Vec::new();
    for m in snap.plan.measures() {
        for ind in &m.indicators {
            let (value, reports) = round_value(snap, &m.key, &ind.key);
            let mut by_year: Vec<(i32, Value)> = earlier
                .iter()
                .filter_map(|h| Some((h.year, round_value(h, &m.key, &ind.key).0?)))
                .collect();
            if let Some(v) = &value {
                by_year.push((snap.year, v.clone()));
            }
            let yearly: Vec<Value> = by_year.iter().map(|(_, v)| v.clone()).collect();
            let to_date = to_date(ind.cumulative, &yearly);
            let progress = to_date.as_ref().and_then(|v| progress(ind, v));
            out.push(IndicatorProgress {
                measure_key: m.key.clone(),
                indicator: ind.clone(),
                kind: effective_kind(ind),
                value,
                to_date,
                progress,
                by_year,
                reports,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, indicator, measure, plan_of, round_of, update};
    use crate::snapshot::ReportedStatus::InProgress;

    fn num(v: f64) -> Value {
        Value::Number { value: v }
    }

    fn ratio(n: f64, d: f64) -> Value {
        Value::Ratio {
            numerator: n,
            denominator: d,
        }
    }

    #[test]
    fn percentages_add_numerators_and_denominators_never_percentages() {
        // 9/10 = 90 % and 10/100 = 10 %: the average of percentages would be 50 %.
        let combined = combine_year(&[ratio(9.0, 10.0), ratio(10.0, 100.0)]);
        assert_eq!(combined, Some(ratio(19.0, 110.0)));
        let pct = numeric(&combined.expect("value")).expect("number");
        assert!((pct - 17.27).abs() < 0.01, "{pct}");
    }

    #[test]
    fn numbers_from_several_institutions_add_up() {
        assert_eq!(combine_year(&[num(3.0), num(4.0)]), Some(num(7.0)));
        assert_eq!(combine_year(&[num(3.0), ratio(1.0, 2.0)]), Some(num(3.0)));
        assert_eq!(combine_year(&[]), None);
    }

    #[test]
    fn yes_is_yes_when_any_institution_says_yes_and_texts_are_listed_once() {
        let yn = [Value::YesNo { value: false }, Value::YesNo { value: true }];
        assert_eq!(combine_year(&yn), Some(Value::YesNo { value: true }));
        let t = |s: &str| Value::Text { value: s.into() };
        assert_eq!(combine_year(&[t("а"), t("б"), t("а")]), Some(t("а; б")));
    }

    #[test]
    fn cumulative_indicator_rolls_up_by_last_value() {
        let years = [num(4.0), num(7.0), num(9.0)];
        assert_eq!(to_date(true, &years), Some(num(9.0)));
        assert_eq!(to_date(false, &years), Some(num(20.0)));
        let pcts = [ratio(1.0, 2.0), ratio(3.0, 4.0)];
        assert_eq!(to_date(true, &pcts), Some(ratio(3.0, 4.0)));
        assert_eq!(to_date(false, &pcts), Some(ratio(4.0, 6.0)));
    }

    #[test]
    fn progress_of_a_level_runs_from_baseline_to_target() {
        let mut ind = indicator("i1", IndicatorKind::Percent, "60", "80");
        // 70 % is half way from 60 % to 80 %.
        let p = progress(&ind, &ratio(70.0, 100.0)).expect("progress");
        assert!((p - 0.5).abs() < 1e-9);
        ind = indicator("i1", IndicatorKind::Number, "2", "10");
        ind.cumulative = true;
        assert_eq!(progress(&ind, &num(6.0)), Some(0.5));
    }

    #[test]
    fn progress_of_a_count_is_what_was_achieved_out_of_the_target() {
        let ind = indicator("i1", IndicatorKind::Number, "", "300");
        assert_eq!(progress(&ind, &num(150.0)), Some(0.5));
        let no_target = indicator("i1", IndicatorKind::Number, "5", "");
        assert_eq!(progress(&no_target, &num(150.0)), None);
        let yn = indicator("i1", IndicatorKind::YesNo, "не", "да");
        assert_eq!(progress(&yn, &Value::YesNo { value: true }), Some(1.0));
    }

    #[test]
    fn indicator_history_uses_earlier_rounds_only() {
        let mut m = measure("m1");
        let mut ind = indicator("i1", IndicatorKind::Number, "0", "10");
        ind.cumulative = true;
        m.indicators.push(ind);
        let plan = plan_of(vec![m]);
        let make = |year: i32, v: f64| {
            let mut r = round_of(
                plan.clone(),
                vec![update("m1", "A", Some(InProgress)).value("i1", num(v))],
            );
            r.year = year;
            r
        };
        let history = vec![make(2026, 9.0), make(2024, 2.0), make(2025, 5.0)];
        let p = indicator_progress(&history[2], &history);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].by_year, vec![(2024, num(2.0)), (2025, num(5.0))]);
        assert_eq!(p[0].to_date, Some(num(5.0)));
        assert_eq!(p[0].progress, Some(0.5));
        assert_eq!(p[0].reports, 1);
    }

    #[test]
    fn values_from_drafts_are_not_counted() {
        let mut m = measure("m1");
        m.indicators
            .push(indicator("i1", IndicatorKind::Number, "", "10"));
        let snap = round_of(
            plan_of(vec![m]),
            vec![
                update("m1", "A", Some(InProgress)).value("i1", num(2.0)),
                update("m1", "B", Some(InProgress))
                    .value("i1", num(5.0))
                    .draft(),
            ],
        );
        let p = indicator_progress(&snap, &[]);
        assert_eq!(p[0].value, Some(num(2.0)));
    }
}
