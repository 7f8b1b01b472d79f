//! Where each municipality stands in a year, for the district and national dashboards: no
//! plan in force, a plan without a round, a round open (with its reporting rate), a round
//! closed, the annual report adopted, published. The late ones come first. Pure; `store.rs`
//! reads the facts, `pages.rs` (public) and `staff.rs` (dashboards) show them with the roll-up,
//! both from `views.rs` (the year shown, the tables of figures) and `national.rs`.

pub mod national;
pub mod pages;
pub mod staff;
pub mod store;
pub mod views;

/// A municipality's standing in a year, from the least to the most advanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    NoPlan,
    PlanWithoutRound,
    /// Received reports out of those expected.
    RoundOpen {
        received: i64,
        expected: i64,
    },
    RoundClosed,
    ReportAdopted,
    Published,
}

impl Standing {
    /// The key of its label in `locales/messages.toml`.
    pub fn label_key(self) -> &'static str {
        match self {
            Standing::NoPlan => "overview.no_plan",
            Standing::PlanWithoutRound => "overview.no_round",
            Standing::RoundOpen { .. } => "overview.round_open",
            Standing::RoundClosed => "overview.round_closed",
            Standing::ReportAdopted => "overview.report_adopted",
            Standing::Published => "overview.published",
        }
    }

    /// Reports received out of expected, as "12 / 40", while a round is open.
    pub fn rate(self) -> Option<String> {
        match self {
            Standing::RoundOpen { received, expected } => Some(format!("{received} / {expected}")),
            _ => None,
        }
    }

    /// Its position from least to most advanced (for sorting and counting).
    pub fn rank(self) -> usize {
        match self {
            Standing::NoPlan => 0,
            Standing::PlanWithoutRound => 1,
            Standing::RoundOpen { .. } => 2,
            Standing::RoundClosed => 3,
            Standing::ReportAdopted => 4,
            Standing::Published => 5,
        }
    }
}

/// Where a plan's owner sits in the tree today, for the links up from its pages: the
/// municipality's code (none for a district's own plan), its district and the nation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpLinks {
    pub municipality_code: Option<String>,
    pub district_code: String,
    pub district_name: String,
}

/// The label keys of the standings in rank order.
pub const STANDINGS: [&str; 6] = [
    "overview.no_plan",
    "overview.no_round",
    "overview.round_open",
    "overview.round_closed",
    "overview.report_adopted",
    "overview.published",
];

/// What is known about one plan in force in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFacts {
    /// `Some((received, expected))` while its round of the year is open.
    pub open_round: Option<(i64, i64)>,
    pub closed: bool,
    /// The most advanced state of its annual reports for the year ("adopted", "published").
    pub report: Option<String>,
}

/// The standing of a municipality from its plans in force: the most advanced of them.
pub fn standing(plans: &[PlanFacts]) -> Standing {
    plans
        .iter()
        .map(|p| match (p.report.as_deref(), p.closed, p.open_round) {
            (Some("published"), ..) => Standing::Published,
            (Some("adopted"), ..) => Standing::ReportAdopted,
            (_, true, _) => Standing::RoundClosed,
            (_, false, Some((received, expected))) => Standing::RoundOpen { received, expected },
            _ => Standing::PlanWithoutRound,
        })
        .max()
        .unwrap_or(Standing::NoPlan)
}

/// How many municipalities stand at each rank.
pub fn counts<'a>(standings: impl IntoIterator<Item = &'a Standing>) -> [usize; 6] {
    let mut out = [0; 6];
    for s in standings {
        out[s.rank()] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_municipality_without_a_plan_in_force_stands_first() {
        assert_eq!(standing(&[]), Standing::NoPlan);
        assert_eq!(
            standing(&[PlanFacts::default()]),
            Standing::PlanWithoutRound
        );
    }

    #[test]
    fn the_most_advanced_plan_gives_the_standing() {
        let open = PlanFacts {
            open_round: Some((3, 10)),
            ..PlanFacts::default()
        };
        let published = PlanFacts {
            closed: true,
            report: Some("published".into()),
            ..PlanFacts::default()
        };
        assert_eq!(
            standing(std::slice::from_ref(&open)).rate().as_deref(),
            Some("3 / 10")
        );
        assert_eq!(standing(&[open, published]), Standing::Published);
        let draft_report = PlanFacts {
            closed: true,
            report: Some("draft".into()),
            ..PlanFacts::default()
        };
        assert_eq!(standing(&[draft_report]), Standing::RoundClosed);
    }

    #[test]
    fn late_ones_sort_first() {
        let mut s = vec![Standing::Published, Standing::NoPlan, Standing::RoundClosed];
        s.sort();
        assert_eq!(s[0], Standing::NoPlan);
        assert_eq!(counts(&s), [1, 0, 0, 1, 0, 1]);
    }
}
