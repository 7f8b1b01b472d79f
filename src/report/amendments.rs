//! The plan's version the report is on and the amendments of its year (pure): a sentence at the
//! head of the summary and an annex listing them, so every renderer shows them as it shows the
//! other summary paragraphs and annexes.

use crate::analytics::charts::DataTable;
use serde::{Deserialize, Serialize};

/// An amendment of the plan in force from a day of the report's year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAmendment {
    pub version: i64,
    /// "Решение № 12, протокол № 3 от 29.06.2023 г."
    pub act: String,
    /// ISO date.
    pub effective_from: String,
    pub reason: String,
    /// "1 нови, 1 отпаднали, 0 преместени, 1 изменени мерки".
    pub changes: String,
}

/// Names version `version` of the plan at the head of the summary and, when the plan was
/// amended in `year`, lists the amendments in an annex.
pub fn add_to(report: &mut super::Report, version: i64, amendments: &[PlanAmendment]) {
    let year = report.year;
    let mut line =
        format!("Докладът се отнася за версия {version} на плана, действаща през {year} г.");
    match amendments.len() {
        0 => line.push_str(&format!(" През {year} г. планът не е изменян.")),
        n => line.push_str(&format!(
            " През {year} г. планът е изменен {n} {} с решение на общинския съвет (вижте приложение „Изменения на плана през {year} г.“).",
            if n == 1 { "път" } else { "пъти" }
        )),
    }
    report.summary.insert(0, line);
    if amendments.is_empty() {
        return;
    }
    report.annexes.push(DataTable {
        caption: format!("Изменения на плана през {year} г."),
        headers: [
            "Версия",
            "Решение на общинския съвет",
            "В сила от",
            "Мотиви",
            "Промени",
        ]
        .map(String::from)
        .to_vec(),
        rows: amendments
            .iter()
            .map(|a| {
                vec![
                    a.version.to_string(),
                    a.act.clone(),
                    crate::dates::display_bg(&a.effective_from),
                    a.reason.clone(),
                    a.changes.clone(),
                ]
            })
            .collect(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::format::parse_plan_json;
    use crate::report::{Narrative, build};
    use crate::snapshot::sample::sample_round;

    fn report() -> crate::report::Report {
        let plan = parse_plan_json(include_str!("../../tests/fixtures/plans/sample.plan.json"))
            .expect("plan");
        build(
            &sample_round(1, 2, &plan, 2025),
            &[],
            &Narrative::default(),
            String::new(),
            false,
            &|s| s.to_string(),
        )
    }

    #[test]
    fn a_report_on_an_amended_year_names_its_version_and_lists_the_amendments() {
        let mut r = report();
        let annexes = r.annexes.len();
        let a = PlanAmendment {
            version: 2,
            act: "Решение № 118, протокол № 9 от 26.06.2025 г.".into(),
            effective_from: "2025-06-26".into(),
            reason: "нови мерки".into(),
            changes: "1 нови мерки".into(),
        };
        add_to(&mut r, 2, &[a]);
        assert!(r.summary[0].starts_with("Докладът се отнася за версия 2 на плана"));
        assert!(r.summary[0].contains("изменен 1 път"));
        let annex = r.annexes.last().expect("annex");
        assert_eq!(r.annexes.len(), annexes + 1);
        assert_eq!(annex.caption, "Изменения на плана през 2025 г.");
        assert_eq!(annex.rows[0][2], "26.06.2025 г.");
    }

    #[test]
    fn a_year_without_amendments_says_so_and_adds_no_annex() {
        let mut r = report();
        let annexes = r.annexes.len();
        add_to(&mut r, 1, &[]);
        assert!(r.summary[0].contains("не е изменян"));
        assert_eq!(r.annexes.len(), annexes);
    }
}
