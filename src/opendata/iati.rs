//! IATI 2.03 activities (`/data/iati/activities.xml`, per plan `/data/iati/plans/{id}.xml`),
//! written with quick-xml: one activity per municipal plan (hierarchy 3) under an activity per
//! district (2) and a national one (1), linked both ways with `related-activity`; the plan's
//! objectives as results (type 2, outcome) with their measures' indicators: baseline, target
//! and the actual value of each year from approved updates of closed rounds; the responsible
//! institutions as implementing organisations; the planned amounts as the budget.
//! Validated against the official XSD in CI (scripts/iati-validate.sh).

use super::PlanSource;
use crate::money::{Currency, Total};
use crate::plan::IndicatorKind;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use sha2::{Digest, Sha256};
use std::io;

/// The reporting organisation (configurable, `[open_data]`).
pub struct ReportingOrg<'a> {
    pub reference: &'a str,
    pub name: &'a str,
    /// OrganisationType code, e.g. "10" (government).
    pub org_type: &'a str,
}

/// Codes used, from the IATI 2.03 codelists (checked against them in CI).
pub mod codes {
    /// RelatedActivityType: parent, child.
    pub const PARENT: &str = "1";
    pub const CHILD: &str = "2";
    /// OrganisationRole: extending, implementing.
    pub const EXTENDING: &str = "3";
    pub const IMPLEMENTING: &str = "4";
    /// ActivityDateType: planned start, planned end.
    pub const PLANNED_START: &str = "1";
    pub const PLANNED_END: &str = "3";
    /// ActivityStatus: pipeline, implementation, finalisation.
    pub const PIPELINE: &str = "1";
    pub const IMPLEMENTATION: &str = "2";
    pub const FINALISATION: &str = "3";
    /// ResultType: outcome.
    pub const OUTCOME: &str = "2";
    /// IndicatorMeasure: unit, percentage, qualitative.
    pub const UNIT: &str = "1";
    pub const PERCENTAGE: &str = "2";
    pub const QUALITATIVE: &str = "5";
    /// BudgetType original, BudgetStatus indicative.
    pub const ORIGINAL: &str = "1";
    pub const INDICATIVE: &str = "1";
    /// OrganisationType: local government.
    pub const LOCAL_GOVERNMENT: &str = "11";
    /// Country: Bulgaria.
    pub const BULGARIA: &str = "BG";
}

type W = Writer<Vec<u8>>;

fn narrative(w: &mut W, tag: &str, text: &str) -> io::Result<()> {
    w.create_element(tag).write_inner_content(|w| {
        w.create_element("narrative")
            .write_text_content(BytesText::new(text))?;
        Ok(())
    })?;
    Ok(())
}

fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..4])
}

pub fn plan_identifier(org: &ReportingOrg<'_>, id: i64) -> String {
    format!("{}-plan-{id}", org.reference)
}

fn district_identifier(org: &ReportingOrg<'_>, district: &str) -> String {
    format!("{}-district-{}", org.reference, short_hash(district))
}

fn national_identifier(org: &ReportingOrg<'_>) -> String {
    format!("{}-national", org.reference)
}

fn reporting_org(w: &mut W, org: &ReportingOrg<'_>) -> io::Result<()> {
    w.create_element("reporting-org")
        .with_attribute(("ref", org.reference))
        .with_attribute(("type", org.org_type))
        .write_inner_content(|w| {
            w.create_element("narrative")
                .write_text_content(BytesText::new(org.name))?;
            Ok(())
        })?;
    Ok(())
}

fn status_for(from: i32, to: i32, this_year: i32) -> &'static str {
    if this_year < from {
        codes::PIPELINE
    } else if this_year <= to {
        codes::IMPLEMENTATION
    } else {
        codes::FINALISATION
    }
}

fn dates(w: &mut W, from: i32, to: i32) -> io::Result<()> {
    for (kind, date) in [
        (codes::PLANNED_START, format!("{from}-01-01")),
        (codes::PLANNED_END, format!("{to}-12-31")),
    ] {
        w.create_element("activity-date")
            .with_attribute(("iso-date", date.as_str()))
            .with_attribute(("type", kind))
            .write_empty()?;
    }
    Ok(())
}

fn related(w: &mut W, reference: &str, kind: &str) -> io::Result<()> {
    w.create_element("related-activity")
        .with_attribute(("ref", reference))
        .with_attribute(("type", kind))
        .write_empty()?;
    Ok(())
}

/// An umbrella activity (national or district level) over its children.
struct Umbrella<'a> {
    identifier: String,
    title: String,
    hierarchy: &'a str,
    parent: Option<String>,
    children: Vec<String>,
    from: i32,
    to: i32,
}

fn umbrella(w: &mut W, org: &ReportingOrg<'_>, u: &Umbrella<'_>, year: i32) -> io::Result<()> {
    w.create_element("iati-activity")
        .with_attribute(("default-currency", "BGN"))
        .with_attribute(("hierarchy", u.hierarchy))
        .write_inner_content(|w| {
            w.create_element("iati-identifier")
                .write_text_content(BytesText::new(&u.identifier))?;
            reporting_org(w, org)?;
            narrative(w, "title", &u.title)?;
            narrative(
                w,
                "description",
                "Общинските планове за действие за интегриране на ромите и други уязвими групи \
                 (Национална стратегия 2021-2030), обединени по ниво.",
            )?;
            w.create_element("participating-org")
                .with_attribute(("ref", org.reference))
                .with_attribute(("role", codes::EXTENDING))
                .with_attribute(("type", org.org_type))
                .write_inner_content(|w| {
                    w.create_element("narrative")
                        .write_text_content(BytesText::new(org.name))?;
                    Ok(())
                })?;
            w.create_element("activity-status")
                .with_attribute(("code", status_for(u.from, u.to, year)))
                .write_empty()?;
            dates(w, u.from, u.to)?;
            w.create_element("recipient-country")
                .with_attribute(("code", codes::BULGARIA))
                .write_empty()?;
            if let Some(p) = &u.parent {
                related(w, p, codes::PARENT)?;
            }
            for c in &u.children {
                related(w, c, codes::CHILD)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn measure_code(kind: Option<IndicatorKind>) -> &'static str {
    match kind {
        Some(IndicatorKind::Percent) => codes::PERCENTAGE,
        Some(IndicatorKind::YesNo | IndicatorKind::Text) => codes::QUALITATIVE,
        Some(IndicatorKind::Number) | None => codes::UNIT,
    }
}

fn period(w: &mut W, year: i32, target: Option<&str>, actual: Option<&str>) -> io::Result<()> {
    w.create_element("period").write_inner_content(|w| {
        w.create_element("period-start")
            .with_attribute(("iso-date", format!("{year}-01-01").as_str()))
            .write_empty()?;
        w.create_element("period-end")
            .with_attribute(("iso-date", format!("{year}-12-31").as_str()))
            .write_empty()?;
        if let Some(t) = target {
            w.create_element("target")
                .with_attribute(("value", t))
                .write_empty()?;
        }
        if let Some(a) = actual {
            w.create_element("actual")
                .with_attribute(("value", a))
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

fn plan_activity(
    w: &mut W,
    org: &ReportingOrg<'_>,
    p: &PlanSource<'_>,
    parent: &str,
    year: i32,
) -> io::Result<()> {
    let plan = p.plan;
    let (from, to) = (plan.period.from, plan.period.to);
    w.create_element("iati-activity")
        .with_attribute(("last-updated-datetime", p.updated_at))
        .with_attribute(("xml:lang", "bg"))
        .with_attribute(("default-currency", "BGN"))
        .with_attribute(("hierarchy", "3"))
        .write_inner_content(|w| {
            w.create_element("iati-identifier")
                .write_text_content(BytesText::new(&plan_identifier(org, p.id)))?;
            reporting_org(w, org)?;
            narrative(w, "title", &plan.title)?;
            narrative(
                w,
                "description",
                &format!(
                    "План за действие на Община {} за периода {from}-{to}: {} мерки.",
                    plan.municipality,
                    plan.measures().count()
                ),
            )?;
            let municipality = format!("Община {}", plan.municipality);
            w.create_element("participating-org")
                .with_attribute(("role", codes::EXTENDING))
                .with_attribute(("type", codes::LOCAL_GOVERNMENT))
                .write_inner_content(|w| {
                    w.create_element("narrative")
                        .write_text_content(BytesText::new(&municipality))?;
                    Ok(())
                })?;
            let mut seen: Vec<&str> = Vec::new();
            for name in plan.measures().flat_map(|m| &m.institutions) {
                if seen.contains(&name.as_str()) {
                    continue;
                }
                seen.push(name);
                w.create_element("participating-org")
                    .with_attribute(("role", codes::IMPLEMENTING))
                    .write_inner_content(|w| {
                        w.create_element("narrative")
                            .write_text_content(BytesText::new(name))?;
                        Ok(())
                    })?;
            }
            w.create_element("activity-status")
                .with_attribute(("code", status_for(from, to, year)))
                .write_empty()?;
            dates(w, from, to)?;
            w.create_element("recipient-country")
                .with_attribute(("code", codes::BULGARIA))
                .write_empty()?;
            let mut total = Total::new(Currency::Bgn);
            for a in plan.measures().flat_map(|m| &m.amounts) {
                if a.is_summable() {
                    total.add(a.money());
                }
            }
            w.create_element("budget")
                .with_attribute(("type", codes::ORIGINAL))
                .with_attribute(("status", codes::INDICATIVE))
                .write_inner_content(|w| {
                    w.create_element("period-start")
                        .with_attribute(("iso-date", format!("{from}-01-01").as_str()))
                        .write_empty()?;
                    w.create_element("period-end")
                        .with_attribute(("iso-date", format!("{to}-12-31").as_str()))
                        .write_empty()?;
                    w.create_element("value")
                        .with_attribute(("currency", "BGN"))
                        .with_attribute(("value-date", format!("{from}-01-01").as_str()))
                        .write_text_content(BytesText::new(&total.money().to_decimal_string()))?;
                    Ok(())
                })?;
            related(w, parent, codes::PARENT)?;
            for pr in &plan.priorities {
                for o in &pr.objectives {
                    if o.measures.iter().all(|m| m.indicators.is_empty()) {
                        continue;
                    }
                    result(w, p, o)?;
                }
            }
            Ok(())
        })?;
    Ok(())
}

fn result(w: &mut W, p: &PlanSource<'_>, o: &crate::plan::Objective) -> io::Result<()> {
    let plan = p.plan;
    w.create_element("result")
        .with_attribute(("type", codes::OUTCOME))
        .write_inner_content(|w| {
            narrative(w, "title", &o.title)?;
            for m in &o.measures {
                for ind in &m.indicators {
                    let title = format!("{} ({}): {}", ind.name, m.key, m.headline());
                    w.create_element("indicator")
                        .with_attribute(("measure", measure_code(ind.kind)))
                        .write_inner_content(|w| {
                            narrative(w, "title", &title)?;
                            if let Some(b) = &ind.baseline {
                                let year = ind.baseline_year.unwrap_or(plan.period.from);
                                w.create_element("baseline")
                                    .with_attribute(("year", year.to_string().as_str()))
                                    .with_attribute(("value", b.as_str()))
                                    .write_empty()?;
                            }
                            let target_year = ind.target_year.unwrap_or(plan.period.to);
                            let mut years: Vec<i32> = p.rounds.iter().map(|s| s.year).collect();
                            if ind.target.is_some() {
                                years.push(target_year);
                            }
                            years.sort_unstable();
                            years.dedup();
                            for y in years {
                                let actual = p
                                    .rounds
                                    .iter()
                                    .find(|s| s.year == y)
                                    .and_then(|s| super::year_value(s, &m.key, &ind.key))
                                    .map(|v| super::value_text(&v));
                                let target = ind.target.as_deref().filter(|_| y == target_year);
                                if target.is_some() || actual.is_some() {
                                    period(w, y, target, actual.as_deref())?;
                                }
                            }
                            Ok(())
                        })?;
                }
            }
            Ok(())
        })?;
    Ok(())
}

/// The activities file for the given plans; `year` is the current year (activity status).
pub fn activities(
    org: &ReportingOrg<'_>,
    plans: &[PlanSource<'_>],
    generated: &str,
    year: i32,
) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let national = national_identifier(org);
    let mut districts: Vec<&str> = plans
        .iter()
        .map(|p| p.plan.district.as_deref().unwrap_or("-"))
        .collect();
    districts.sort_unstable();
    districts.dedup();
    let span = |ps: &mut dyn Iterator<Item = &PlanSource<'_>>| {
        ps.fold((i32::MAX, i32::MIN), |(a, b), p| {
            (a.min(p.plan.period.from), b.max(p.plan.period.to))
        })
    };
    w.create_element("iati-activities")
        .with_attribute(("version", "2.03"))
        .with_attribute(("generated-datetime", generated))
        .write_inner_content(|w| {
            if plans.is_empty() {
                return Ok(());
            }
            let (from, to) = span(&mut plans.iter());
            umbrella(
                w,
                org,
                &Umbrella {
                    identifier: national.clone(),
                    title:
                        "Общински планове за действие за интегриране на ромите – национално ниво"
                            .into(),
                    hierarchy: "1",
                    parent: None,
                    children: districts
                        .iter()
                        .map(|d| district_identifier(org, d))
                        .collect(),
                    from,
                    to,
                },
                year,
            )?;
            for d in &districts {
                let of_district =
                    |p: &&PlanSource<'_>| p.plan.district.as_deref().unwrap_or("-") == *d;
                let (from, to) = span(&mut plans.iter().filter(of_district));
                umbrella(
                    w,
                    org,
                    &Umbrella {
                        identifier: district_identifier(org, d),
                        title: format!("Общински планове за действие – област {d}"),
                        hierarchy: "2",
                        parent: Some(national.clone()),
                        children: plans
                            .iter()
                            .filter(of_district)
                            .map(|p| plan_identifier(org, p.id))
                            .collect(),
                        from,
                        to,
                    },
                    year,
                )?;
            }
            for p in plans {
                let district = p.plan.district.as_deref().unwrap_or("-");
                plan_activity(w, org, p, &district_identifier(org, district), year)?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::sample::sample_round;

    #[test]
    fn a_plan_becomes_an_activity_under_its_district_and_the_nation() {
        let plan = crate::plan::format::parse_plan_json(include_str!(
            "../../tests/fixtures/plans/sample.plan.json"
        ))
        .expect("fixture");
        let snap = sample_round(5, 1, &plan, 2024);
        let org = ReportingOrg {
            reference: "BG-TEST",
            name: "Тест",
            org_type: "10",
        };
        let src = [PlanSource {
            id: 5,
            version: 1,
            updated_at: "2025-01-01T00:00:00Z",
            plan: &plan,
            rounds: vec![&snap],
        }];
        let xml =
            String::from_utf8(activities(&org, &src, "2025-01-02T00:00:00Z", 2025).expect("xml"))
                .expect("utf-8");
        assert_eq!(xml.matches("<iati-activity ").count(), 3);
        assert!(xml.contains("<iati-identifier>BG-TEST-plan-5</iati-identifier>"));
        assert!(xml.contains("<related-activity ref=\"BG-TEST-national\" type=\"1\"/>"));
        assert!(xml.contains("role=\"4\""), "implementing organisations");
        assert!(xml.contains("<narrative>РУО на МОН</narrative>"));
        // One result per objective with indicators: the second health objective has none.
        assert_eq!(xml.matches("<result ").count(), 2);
        assert!(xml.contains("<baseline year=\"2023\" value=\"120\"/>"));
        assert!(xml.contains("<target value=\"300\"/>"));
        // 15000 BGN + 2000 EUR (3911.66) + 3000 BGN; the per-school amount is left out.
        assert!(xml.contains(">21911.66</value>"), "{xml}");
    }
}
