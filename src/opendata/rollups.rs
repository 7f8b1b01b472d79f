//! The roll-up datasets: per district and for the nation, one row per year and national
//! priority area (`all` first, the whole level), added up by `rollup` from the same closed
//! rounds as the progress dataset (generated samples left out; approved data only, which
//! `rollup::round_totals` already keeps to). Pure: rounds and the tree in, rows out.

use super::{Cell, Dataset, PlanSource};
use crate::money::Currency;
use crate::rollup::{
    AREA_SLOTS, Figures, PlacedRound, Purse, Rollup, Totals, YearTree, api::slot_area, roll_up,
    round_totals,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

/// The columns every roll-up row has after those naming its level.
const FIGURES: [&str; 32] = [
    "year",
    "priority_area",
    "priority_area_title",
    "municipalities",
    "municipalities_reporting",
    "rounds",
    "reports_expected",
    "reports_received",
    "reports_approved",
    "reports_late",
    "measures",
    "measures_completed",
    "measures_in_progress",
    "measures_partial",
    "measures_not_done",
    "measures_dropped",
    "measures_upcoming",
    "measures_not_reported",
    "planned_bgn",
    "planned_eur",
    "spent_bgn",
    "spent_eur",
    "people_reached",
    "indicator_numbers",
    "indicator_number_sum",
    "indicator_cumulatives",
    "indicator_cumulative_sum",
    "indicator_percentages",
    "indicator_numerator",
    "indicator_denominator",
    "indicator_yes",
    "indicator_no",
];

pub(super) static DISTRICT_COLUMNS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| [&["district_code", "district"][..], &FIGURES[..]].concat());

pub(super) const NATIONAL_COLUMNS: &[&str] = &FIGURES;

/// The years with a closed round among the plans, oldest first.
pub fn years(plans: &[PlanSource<'_>]) -> BTreeSet<i32> {
    plans
        .iter()
        .flat_map(|p| p.rounds.iter().map(|s| s.year))
        .collect()
}

/// The year's roll-up of the plans' closed rounds under the tree in force then. `codes`: the
/// official code of each municipal plan's municipality; plans without one (a district's or the
/// nation's own plan, a municipality outside the official tree) are not added up.
pub fn year_rollup(
    year: i32,
    tree: &YearTree,
    plans: &[PlanSource<'_>],
    codes: &HashMap<i64, String>,
) -> Rollup {
    // The datasets give no money by source: sources need not be matched to the registry.
    let as_written = |s: &str| s.trim().to_string();
    let rounds: Vec<PlacedRound> = plans
        .iter()
        .filter_map(|p| Some((p, codes.get(&p.id)?)))
        .flat_map(|(p, code)| {
            p.rounds
                .iter()
                .filter(|s| s.year == year)
                .map(|s| PlacedRound {
                    municipality: code.clone(),
                    plan_id: p.id,
                    totals: round_totals(s, &as_written),
                })
        })
        .collect();
    roll_up(year, tree, &rounds)
}

/// The rows of a roll-up dataset.
pub fn rows(dataset: Dataset, rollups: &[Rollup]) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for r in rollups {
        match dataset {
            Dataset::Districts => {
                for d in &r.districts {
                    let head = [Cell::text(&d.code), Cell::text(&d.name)];
                    let counts = (d.municipalities.len(), d.reporting());
                    level_rows(&mut rows, &head, r.year, counts, &d.totals);
                }
            }
            Dataset::National => {
                let counts = r.districts.iter().fold((0, 0), |(all, rep), d| {
                    (all + d.municipalities.len(), rep + d.reporting())
                });
                level_rows(&mut rows, &[], r.year, counts, &r.totals);
            }
            _ => {}
        }
    }
    rows
}

fn count(n: impl TryInto<i64>) -> Cell {
    n.try_into().map_or(Cell::Empty, Cell::Int)
}

/// A level's rows: the whole level (`all`, with who reported), then each priority area.
fn level_rows(
    rows: &mut Vec<Vec<Cell>>,
    head: &[Cell],
    year: i32,
    (municipalities, reporting): (usize, usize),
    t: &Totals,
) {
    let mut all = head.to_vec();
    all.extend([
        Cell::Int(year.into()),
        Cell::text("all"),
        Cell::text("Всички приоритети"),
        count(municipalities),
        count(reporting),
        count(t.rounds),
        count(t.reporting.expected),
        count(t.reporting.received),
        count(t.reporting.approved),
        count(t.reporting.late),
    ]);
    all.extend(figures(&t.all));
    rows.push(all);
    for slot in 0..AREA_SLOTS {
        let area = slot_area(slot);
        let f = &t.areas[slot];
        if area.is_none() && f.measures.total() == 0 {
            continue;
        }
        let mut row = head.to_vec();
        row.extend([
            Cell::Int(year.into()),
            Cell::text(area.map_or("none", |a| a.code())),
            Cell::text(area.map_or("Без национален приоритет", |a| {
                a.title_bg()
            })),
        ]);
        // Who had to report and who did is counted per level, not per area.
        row.extend(std::iter::repeat_n(Cell::Empty, 7));
        row.extend(figures(f));
        rows.push(row);
    }
}

fn money(p: &Purse) -> [Cell; 2] {
    [
        Cell::Money(p.in_currency(Currency::Bgn).minor),
        Cell::Money(p.in_currency(Currency::Eur).minor),
    ]
}

/// From `measures` to `indicator_no`.
fn figures(f: &Figures) -> Vec<Cell> {
    let mut cells = vec![count(f.measures.total())];
    cells.extend(f.measures.rows().into_iter().map(|(_, n)| count(n)));
    cells.extend(money(&f.money.planned));
    cells.extend(money(&f.money.spent));
    let i = &f.indicators;
    cells.extend([
        count(f.people_reached),
        count(i.numbers),
        Cell::Float(i.number_sum),
        count(i.cumulatives),
        Cell::Float(i.cumulative_sum),
        count(i.percentages),
        Cell::Float(i.numerator),
        Cell::Float(i.denominator),
        count(i.yes),
        count(i.no),
    ]);
    cells
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::rollup::Member;
    use crate::snapshot::sample::sample_round;

    /// The 2024 roll-up of `plans` in a country of one district (PDV) with two municipalities,
    /// the first plan's municipality among them.
    pub fn one_district_rollup(plans: &[PlanSource<'_>]) -> Rollup {
        let tree = YearTree {
            districts: vec![("PDV".into(), "Пловдив".into())],
            municipalities: vec![
                Member {
                    code: "PDV22".into(),
                    name: "Пловдив".into(),
                    district: "PDV".into(),
                },
                Member {
                    code: "PDV01".into(),
                    name: "Асеновград".into(),
                    district: "PDV".into(),
                },
            ],
        };
        let codes = plans
            .iter()
            .take(1)
            .map(|p| (p.id, "PDV22".into()))
            .collect();
        year_rollup(2024, &tree, plans, &codes)
    }

    fn plan() -> crate::plan::Plan {
        crate::plan::format::parse_plan_json(include_str!(
            "../../tests/fixtures/plans/sample.plan.json"
        ))
        .expect("fixture")
    }

    fn col(d: Dataset, name: &str) -> usize {
        d.columns().iter().position(|c| *c == name).expect("column")
    }

    #[test]
    fn the_national_rows_are_the_district_rows_without_the_district() {
        let plan = plan();
        let snap = sample_round(7, 1, &plan, 2024);
        let other = sample_round(8, 1, &plan, 2024);
        let sources = [
            PlanSource {
                id: 7,
                version: 1,
                updated_at: "x",
                plan: &plan,
                rounds: vec![&snap],
            },
            // No official code: not added up anywhere.
            PlanSource {
                id: 8,
                version: 1,
                updated_at: "x",
                plan: &plan,
                rounds: vec![&other],
            },
        ];
        let r = [one_district_rollup(&sources)];
        let districts = rows(Dataset::Districts, &r);
        let national = rows(Dataset::National, &r);
        assert_eq!(districts.len(), national.len());
        for (d, n) in districts.iter().zip(&national) {
            assert_eq!(&d[2..], &n[..]);
        }
        let all = &national[0];
        assert_eq!(
            all[col(Dataset::National, "priority_area")],
            Cell::text("all")
        );
        assert_eq!(all[col(Dataset::National, "municipalities")], Cell::Int(2));
        assert_eq!(
            all[col(Dataset::National, "municipalities_reporting")],
            Cell::Int(1)
        );
        assert_eq!(all[col(Dataset::National, "rounds")], Cell::Int(1));
        let measures = col(Dataset::National, "measures");
        assert_eq!(all[measures], count(plan.measures().count()));
        // The areas add up to the whole.
        let by_area: i64 = national[1..]
            .iter()
            .map(|row| match row[measures] {
                Cell::Int(n) => n,
                _ => 0,
            })
            .sum();
        assert_eq!(all[measures], Cell::Int(by_area));
        assert!(
            national[1..]
                .iter()
                .all(|row| row[col(Dataset::National, "rounds")] == Cell::Empty)
        );
    }

    #[test]
    fn only_approved_reports_reach_a_roll_up() {
        let plan = plan();
        let mut snap = sample_round(7, 1, &plan, 2024);
        for u in &mut snap.updates {
            u.state = crate::snapshot::ReviewState::Submitted;
        }
        let sources = [PlanSource {
            id: 7,
            version: 1,
            updated_at: "x",
            plan: &plan,
            rounds: vec![&snap],
        }];
        let national = rows(Dataset::National, &[one_district_rollup(&sources)]);
        let all = &national[0];
        assert_eq!(
            all[col(Dataset::National, "reports_approved")],
            Cell::Int(0)
        );
        assert_eq!(all[col(Dataset::National, "people_reached")], Cell::Int(0));
        assert_eq!(all[col(Dataset::National, "spent_bgn")], Cell::Money(0));
        assert_eq!(
            all[col(Dataset::National, "measures_not_reported")],
            all[col(Dataset::National, "measures")]
        );
    }
}
