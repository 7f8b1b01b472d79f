//! Year on year: the same figures for every closed round of a multi-year plan.

use super::money::spent_on;
use super::reporting::reporting_rate;
use super::status::{StatusCounts, breakdown, measure_statuses};
use crate::money::{Currency, Money, Total};
use crate::snapshot::RoundSnapshot;

#[derive(Debug, Clone, PartialEq)]
pub struct YearPoint {
    pub year: i32,
    pub counts: StatusCounts,
    pub spent: Money,
    pub received: usize,
    pub assignments: usize,
}

/// One point per round, oldest first.
pub fn year_on_year(rounds: &[RoundSnapshot]) -> Vec<YearPoint> {
    let mut points: Vec<YearPoint> = rounds
        .iter()
        .map(|r| {
            let statuses = measure_statuses(r);
            let mut spent = Total::new(Currency::Bgn);
            r.plan
                .measures()
                .for_each(|m| spent.add(spent_on(r, &m.key)));
            let rate = reporting_rate(r);
            YearPoint {
                year: r.year,
                counts: breakdown(&r.plan, &statuses).plan,
                spent: spent.money(),
                received: rate.received,
                assignments: rate.assignments,
            }
        })
        .collect();
    points.sort_by_key(|p| p.year);
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::{UpdateExt, round, update};
    use crate::snapshot::ReportedStatus::{Completed, InProgress};

    #[test]
    fn each_closed_round_is_one_year_in_order() {
        let mut y2025 = round(
            &["m1", "m2"],
            vec![
                update("m1", "A", Some(Completed)).spent("ДБ", 100),
                update("m2", "A", Some(Completed)),
            ],
        );
        y2025.year = 2025;
        let y2024 = round(
            &["m1", "m2"],
            vec![update("m1", "A", Some(InProgress)).spent("ДБ", 50)],
        );
        let points = year_on_year(&[y2025, y2024]);
        assert_eq!(
            points.iter().map(|p| p.year).collect::<Vec<_>>(),
            [2024, 2025]
        );
        assert_eq!(points[0].counts.no_report, 1);
        assert_eq!(points[1].counts.get(Completed), 2);
        assert_eq!(points[0].spent, Money::whole(50, Currency::Bgn));
        assert_eq!((points[0].received, points[0].assignments), (1, 2));
    }
}
