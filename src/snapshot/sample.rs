//! A deterministic, realistic sample round: what a closed reporting round of a plan might look
//! like, for demo data and benchmarks, until real rounds exist. The same plan and year always
//! give the same round; nothing is random.
//!
//! Plausibility rules: statuses follow each measure's period against the year; indicator values
//! lie between baseline and target, in proportion to the elapsed part of the plan; money spent
//! never exceeds the measure's planned money for a year; about one institution in ten does not
//! report, and about one report in six comes after the deadline.

use super::{
    Assignment, IndicatorValue, MeasureUpdate, ReportedStatus, ReviewState, RoundSnapshot,
    SNAPSHOT_FORMAT_V1, Spent, Value,
};
use crate::analytics::values::{effective_kind, parse_number, parse_yes_no};
use crate::money::{Currency, Total};
use crate::plan::{Indicator, IndicatorKind, Measure, Plan};

/// The sample round of `plan` for `year`, with institution names as written in the plan.
pub fn sample_round(plan_id: i64, plan_version: i64, plan: &Plan, year: i32) -> RoundSnapshot {
    sample_round_with(plan_id, plan_version, plan, year, &|name| {
        name.trim().to_string()
    })
}

/// The sample round, with each institution name mapped through `canonical` (the registry), so
/// co-responsible institutions written two ways count as one.
pub fn sample_round_with(
    plan_id: i64,
    plan_version: i64,
    plan: &Plan,
    year: i32,
    canonical: &dyn Fn(&str) -> String,
) -> RoundSnapshot {
    let next = year + 1;
    let deadline = format!("{next}-01-31");
    let mut assignments = Vec::new();
    let mut updates = Vec::new();
    let elapsed = elapsed_share(plan, year);
    for m in plan.measures() {
        let mut institutions: Vec<String> = m
            .institutions
            .iter()
            .map(|n| canonical(n))
            .filter(|n| !n.is_empty())
            .collect();
        if institutions.is_empty() {
            institutions.push(format!("Община {}", plan.municipality));
        }
        let mut seen = std::collections::HashSet::new();
        institutions.retain(|n| seen.insert(n.clone()));
        let measure_status = measure_status(plan, m, year);
        let mut money_reported = false;
        for inst in institutions {
            assignments.push(Assignment {
                measure_key: m.key.clone(),
                institution: inst.clone(),
            });
            let u = Dice::new(&[&m.key, &inst, &year.to_string()]);
            let silent = Dice::new(&[&inst, &year.to_string(), "silent"]).chance(0.12);
            if silent || u.at(1).chance(0.05) {
                continue; // no report received
            }
            if u.at(2).chance(0.03) {
                updates.push(blank_update(m, &inst, ReviewState::Draft));
                continue;
            }
            let status = if u.at(3).chance(0.1) {
                ReportedStatus::ALL[u.at(4).below(ReportedStatus::ALL.len())]
            } else {
                measure_status
            };
            let late = u.at(5).chance(0.17);
            let day = 8 + u.at(6).below(if late { 20 } else { 23 });
            let submitted_at = if late {
                format!("{next}-02-{day:02}T10:{:02}:00Z", u.at(7).below(60))
            } else {
                format!("{next}-01-{day:02}T10:{:02}:00Z", u.at(7).below(60))
            };
            let roll = u.at(8).unit();
            let state = if roll < 0.85 {
                ReviewState::Approved
            } else if roll < 0.95 {
                ReviewState::Submitted
            } else {
                ReviewState::Returned
            };
            let approved_at = (state == ReviewState::Approved)
                .then(|| format!("{next}-03-{:02}T14:00:00Z", 1 + u.at(9).below(10)));
            let active = !matches!(status, ReportedStatus::Upcoming | ReportedStatus::Dropped);
            let values = if active {
                m.indicators
                    .iter()
                    .map(|ind| IndicatorValue {
                        indicator_key: ind.key.clone(),
                        value: sample_value(ind, status, elapsed, &u.at(10).with(&ind.key)),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let spent = if active && !money_reported {
                money_reported = true;
                in_currency_of(year, sample_spent(plan, m, status, &u.at(11)))
            } else {
                Vec::new()
            };
            let people_reached =
                (active && u.at(12).chance(0.6)).then(|| 10 + u.at(13).below(290) as u64);
            updates.push(MeasureUpdate {
                measure_key: m.key.clone(),
                institution: inst,
                state,
                status: Some(status),
                values,
                spent,
                people_reached,
                narrative: narrative(status, year, &u.at(14)),
                evidence: Vec::new(),
                submitted_at: Some(submitted_at),
                approved_at,
            });
        }
    }
    RoundSnapshot {
        format: SNAPSHOT_FORMAT_V1.to_string(),
        plan_id,
        plan_version,
        plan: plan.clone(),
        year,
        deadline: Some(deadline),
        opened_at: Some(format!("{next}-01-05T09:00:00Z")),
        closed_at: Some(format!("{next}-03-15T16:00:00Z")),
        assignments,
        updates,
    }
}

fn blank_update(m: &Measure, inst: &str, state: ReviewState) -> MeasureUpdate {
    MeasureUpdate {
        measure_key: m.key.clone(),
        institution: inst.to_string(),
        state,
        status: None,
        values: Vec::new(),
        spent: Vec::new(),
        people_reached: None,
        narrative: String::new(),
        evidence: Vec::new(),
        submitted_at: None,
        approved_at: None,
    }
}

/// How much of the plan's period has passed by the end of `year`, from 0 to 1.
fn elapsed_share(plan: &Plan, year: i32) -> f64 {
    let span = f64::from((plan.period.to - plan.period.from + 1).max(1));
    (f64::from(year - plan.period.from + 1) / span).clamp(0.0, 1.0)
}

/// The status most institutions report for a measure, from its period against the year.
fn measure_status(plan: &Plan, m: &Measure, year: i32) -> ReportedStatus {
    let from = m
        .period
        .as_ref()
        .and_then(|p| p.from)
        .unwrap_or(plan.period.from);
    let to = m
        .period
        .as_ref()
        .and_then(|p| p.to)
        .unwrap_or(plan.period.to);
    let r = Dice::new(&[&m.key, &year.to_string(), "status"]).unit();
    use ReportedStatus::*;
    let table: &[(f64, ReportedStatus)] = if from > year {
        &[(0.8, Upcoming), (1.0, InProgress)]
    } else if to < year {
        &[(0.7, Completed), (0.9, NotDone), (1.0, Dropped)]
    } else if to == year {
        &[
            (0.55, Completed),
            (0.8, Partial),
            (0.9, NotDone),
            (1.0, InProgress),
        ]
    } else {
        &[
            (0.7, InProgress),
            (0.85, Partial),
            (0.92, Completed),
            (0.97, NotDone),
            (1.0, Dropped),
        ]
    };
    table
        .iter()
        .find(|(limit, _)| r < *limit)
        .map_or(InProgress, |(_, s)| *s)
}

/// How far along the way from baseline to target a reported value is, by status.
fn progress_share(status: ReportedStatus, elapsed: f64, d: &Dice) -> f64 {
    let noise = d.at(1).unit() * 0.3 - 0.15;
    let base = match status {
        ReportedStatus::Completed => 0.9 + d.at(2).unit() * 0.1,
        ReportedStatus::NotDone => 0.05,
        ReportedStatus::Partial => elapsed * 0.6,
        _ => elapsed,
    };
    (base + noise).clamp(0.0, 1.0)
}

fn sample_value(ind: &Indicator, status: ReportedStatus, elapsed: f64, d: &Dice) -> Value {
    let share = progress_share(status, elapsed, d);
    let baseline = ind.baseline.as_deref().and_then(parse_number);
    let target = ind.target.as_deref().and_then(parse_number);
    match effective_kind(ind) {
        IndicatorKind::Number => {
            let (b, t) = match (baseline, target) {
                (Some(b), Some(t)) => (b, t),
                (Some(b), None) => (b, b * 1.5 + 10.0),
                (None, Some(t)) => (0.0, t),
                (None, None) => (0.0, 20.0 + d.at(3).below(180) as f64),
            };
            Value::Number {
                value: (b + (t - b) * share).round(),
            }
        }
        IndicatorKind::Percent => {
            let b = baseline.unwrap_or(40.0).clamp(0.0, 100.0);
            let t = target.unwrap_or(b + 20.0).clamp(0.0, 100.0);
            let pct = b + (t - b) * share;
            let denominator = (40 + d.at(4).below(360)) as f64;
            Value::Ratio {
                numerator: (pct / 100.0 * denominator).round(),
                denominator,
            }
        }
        IndicatorKind::YesNo => {
            let goal = ind.target.as_deref().and_then(parse_yes_no).unwrap_or(true);
            Value::YesNo {
                value: if share >= 0.5 { goal } else { !goal },
            }
        }
        IndicatorKind::Text => Value::Text {
            value: match status {
                ReportedStatus::Completed => "постигнато".into(),
                ReportedStatus::NotDone => "не е постигнато".into(),
                _ => "в процес на постигане".into(),
            },
        },
    }
}

/// Money spent in the year: a share of the measure's yearly planned money, split over its
/// sources. Nothing for measures without planned money.
fn sample_spent(plan: &Plan, m: &Measure, status: ReportedStatus, d: &Dice) -> Vec<Spent> {
    let mut planned = Total::new(Currency::Bgn);
    for a in m.amounts.iter().filter(|a| a.is_summable()) {
        planned.add(a.money());
    }
    let from = m
        .period
        .as_ref()
        .and_then(|p| p.from)
        .unwrap_or(plan.period.from);
    let to = m
        .period
        .as_ref()
        .and_then(|p| p.to)
        .unwrap_or(plan.period.to);
    let years = i128::from((to.min(plan.period.to) - from.max(plan.period.from) + 1).max(1));
    let yearly = planned.minor / years;
    if yearly <= 0 {
        return Vec::new();
    }
    let share = match status {
        ReportedStatus::NotDone => 0.0,
        ReportedStatus::Partial => 0.2 + d.at(1).unit() * 0.4,
        _ => 0.4 + d.at(1).unit() * 0.6,
    };
    // Whole leva, rounded down, so the sum never exceeds the planned share.
    let total = ((yearly as f64 * share) as i64 / 100) * 100;
    if total <= 0 {
        return Vec::new();
    }
    let sources: Vec<Option<String>> = match m.funding_sources.as_slice() {
        [] => vec![None],
        [one] => vec![Some(one.clone())],
        [first, second, ..] => vec![Some(first.clone()), Some(second.clone())],
    };
    let first = if sources.len() == 2 {
        (total * 7 / 10 / 100) * 100
    } else {
        total
    };
    let parts = [first, total - first];
    sources
        .into_iter()
        .zip(parts)
        .filter(|(_, minor)| *minor > 0)
        .map(|(source, minor)| Spent {
            source,
            minor,
            currency: Currency::Bgn,
        })
        .collect()
}

/// Money is reported in leva up to 2025 and in euro from 2026 (converted at the fixed rate).
fn in_currency_of(year: i32, spent: Vec<Spent>) -> Vec<Spent> {
    let currency = if year >= 2026 {
        Currency::Eur
    } else {
        Currency::Bgn
    };
    spent
        .into_iter()
        .map(|s| Spent {
            minor: s.money().convert(currency).minor,
            currency,
            ..s
        })
        .collect()
}

fn narrative(status: ReportedStatus, year: i32, d: &Dice) -> String {
    let options: &[&str] = match status {
        ReportedStatus::Completed => &[
            "Дейността е изпълнена изцяло през {y} г. в съответствие с плана.",
            "Предвидените мероприятия са проведени; целевата група е обхваната.",
        ],
        ReportedStatus::InProgress => &[
            "Дейността продължава през {y} г.; проведени са планираните за годината мероприятия.",
            "Изпълнението е в ход съгласно графика; част от мероприятията предстоят.",
        ],
        ReportedStatus::Partial => &[
            "Дейността е изпълнена частично поради недостиг на средства и персонал.",
            "Проведена е част от мероприятията; останалите са пренесени за следващата година.",
        ],
        ReportedStatus::NotDone => &[
            "Дейността не е изпълнена през {y} г. поради липса на финансиране.",
            "Не са проведени мероприятия; необходимо е преразглеждане на дейността.",
        ],
        ReportedStatus::Dropped => &["Дейността отпада поради промяна в нормативната уредба."],
        ReportedStatus::Upcoming => &["Изпълнението на дейността предстои в следващите години."],
    };
    options[d.below(options.len())].replace("{y}", &year.to_string())
}

/// A deterministic die: a 64-bit hash of some labels, rolled further by `at`.
#[derive(Debug, Clone, Copy)]
struct Dice(u64);

impl Dice {
    fn new(parts: &[&str]) -> Dice {
        // FNV-1a over the parts, separated so ("ab","c") and ("a","bc") differ.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Dice(mix(h))
    }

    fn at(self, n: u64) -> Dice {
        Dice(mix(self.0 ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
    }

    fn with(self, label: &str) -> Dice {
        Dice(mix(self.0 ^ Dice::new(&[label]).0))
    }

    /// A number in [0, 1).
    fn unit(self) -> f64 {
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(self, p: f64) -> bool {
        self.unit() < p
    }

    /// A whole number in [0, n).
    fn below(self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0 % n as u64) as usize
        }
    }
}

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::format::parse_plan_json;

    fn plan() -> Plan {
        parse_plan_json(include_str!("../../tests/fixtures/plans/sample.plan.json"))
            .expect("sample plan")
    }

    fn seed_plans() -> Vec<Plan> {
        crate::demo::seed_plans().expect("seed plans")
    }

    #[test]
    fn the_same_plan_and_year_give_the_same_round() {
        let p = plan();
        assert_eq!(sample_round(1, 1, &p, 2022), sample_round(1, 1, &p, 2022));
        assert_ne!(
            sample_round(1, 1, &p, 2022).updates,
            sample_round(1, 1, &p, 2023).updates
        );
    }

    #[test]
    fn every_measure_institution_is_assigned_once() {
        for p in seed_plans() {
            let r = sample_round(1, 1, &p, p.period.from);
            let mut seen = std::collections::HashSet::new();
            for a in &r.assignments {
                assert!(seen.insert((&a.measure_key, &a.institution)), "{a:?}");
            }
            for m in p.measures() {
                assert!(r.assignments.iter().any(|a| a.measure_key == m.key));
            }
        }
    }

    #[test]
    fn money_spent_never_exceeds_the_planned_money_of_the_measure() {
        for p in seed_plans() {
            for year in p.period.from..=p.period.to {
                let r = sample_round(1, 1, &p, year);
                for m in p.measures() {
                    let mut planned = Total::new(Currency::Bgn);
                    m.amounts
                        .iter()
                        .filter(|a| a.is_summable())
                        .for_each(|a| planned.add(a.money()));
                    let spent: i64 = r
                        .updates
                        .iter()
                        .filter(|u| u.measure_key == m.key)
                        .flat_map(|u| &u.spent)
                        .map(|s| s.minor)
                        .sum();
                    assert!(i128::from(spent) <= planned.minor, "{} {year}", m.key);
                }
            }
        }
    }

    #[test]
    fn some_institutions_do_not_report_and_some_report_late() {
        let p = &seed_plans()[1];
        let r = sample_round(1, 1, p, p.period.from);
        let received = r.updates.iter().filter(|u| u.state.is_received()).count();
        assert!(received < r.assignments.len(), "everyone reported");
        assert!(received * 10 > r.assignments.len() * 6, "too few reported");
        let deadline = r.deadline.as_deref();
        let late = r
            .updates
            .iter()
            .filter(|u| u.on_time(deadline) == Some(false))
            .count();
        assert!(late > 0 && late * 3 < received, "late {late} of {received}");
    }

    #[test]
    fn number_values_lie_between_baseline_and_target() {
        let p = plan();
        let r = sample_round(1, 1, &p, p.period.to);
        let mut checked = 0;
        for u in &r.updates {
            for v in &u.values {
                let ind = p
                    .measures()
                    .flat_map(|m| &m.indicators)
                    .find(|i| i.key == v.indicator_key && i.baseline.is_some());
                let (Some(ind), Value::Number { value }) = (ind, &v.value) else {
                    continue;
                };
                let b = ind.baseline.as_deref().and_then(parse_number);
                let t = ind.target.as_deref().and_then(parse_number);
                if let (Some(b), Some(t)) = (b, t) {
                    assert!(b.min(t) <= *value && *value <= b.max(t), "{value} {b} {t}");
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 0,
            "the sample plan has indicators with baseline and target"
        );
    }

    #[test]
    fn a_sample_round_survives_json() {
        let p = plan();
        let r = sample_round(7, 2, &p, 2022);
        let json = serde_json::to_string(&r).expect("json");
        let back: RoundSnapshot = serde_json::from_str(&json).expect("back");
        assert_eq!(back, r);
    }
}
