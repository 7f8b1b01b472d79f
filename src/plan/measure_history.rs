//! A measure's yearly history for its public page (issue 17): for every closed round, what the
//! institutions reported on the measure once approved (status, what was done, money spent,
//! indicator values against baseline and target, public evidence links), and the plan versions
//! whose changes touched the measure. Read from the frozen round snapshots and the plan's
//! versions; shaped purely for the page in its language.

use super::diff::{ChangeKind, diff};
use super::store::{self, StoreError};
use crate::analytics::format::number;
use crate::analytics::indicators::combine_year;
use crate::db::Db;
use crate::i18n::{Lang, Tr};
use crate::money::Total;
use crate::snapshot::store::{Origin, list_snapshots};
use crate::snapshot::{ReviewState, RoundSnapshot, Value};

/// One institution's approved report on the measure in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    pub institution: String,
    pub status: String,
    pub narrative: String,
    /// The money spent in the report's first currency; `None` when none was reported.
    pub spent: Option<String>,
    pub evidence: Vec<EvidenceLink>,
}

/// A piece of evidence the public may follow: a web address, never a stored file.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceLink {
    pub title: String,
    pub url: String,
}

/// An indicator's value in one year beside its baseline and target as the plan stated them then.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub name: String,
    pub baseline: String,
    pub value: String,
    pub target: String,
}

/// One year with a closed round.
#[derive(Debug, Clone, PartialEq)]
pub struct YearView {
    pub year: i32,
    /// Generated demonstration data (`snapshot::sample`), not real reports.
    pub sample: bool,
    /// Approved reports only; empty when none was approved.
    pub reports: Vec<ReportView>,
    pub indicators: Vec<IndicatorRow>,
}

/// A plan version whose changes touched the measure.
#[derive(Debug, Clone, PartialEq)]
pub struct AmendmentView {
    pub version: i64,
    /// The council act in the page's language, when the version has one.
    pub act: Option<String>,
    pub effective: String,
    /// Message key of what happened to the measure (`amend.change.*`).
    pub change: &'static str,
    pub diff_href: String,
}

/// Everything the measure page shows of the measure's history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MeasureHistory {
    /// Oldest year first.
    pub years: Vec<YearView>,
    /// Newest version first.
    pub amendments: Vec<AmendmentView>,
}

/// The history of measure `key` of plan `plan_id`.
pub async fn load(db: &Db, plan_id: i64, key: &str, tr: Tr) -> Result<MeasureHistory, StoreError> {
    let stored = list_snapshots(db, plan_id).await?;
    let samples: Vec<i32> = stored
        .iter()
        .filter(|s| s.origin == Origin::Sample)
        .map(|s| s.snapshot.year)
        .collect();
    let snaps: Vec<RoundSnapshot> = stored.into_iter().map(|s| s.snapshot).collect();
    let infos = store::versions(db, plan_id).await?;
    let mut versions = Vec::with_capacity(infos.len());
    for info in infos {
        if let Some(plan) = store::load_version(db, plan_id, info.version).await? {
            versions.push((info, plan));
        }
    }
    let mut amendments = Vec::new();
    // Newest first: the version before is the next one in the list.
    for pair in versions.windows(2) {
        let [(info, after), (before_info, before)] = pair else {
            continue;
        };
        let Some(change) = diff(before, after)
            .measures
            .into_iter()
            .find(|c| c.key == key)
        else {
            continue;
        };
        amendments.push(AmendmentView {
            version: info.version,
            act: info.act.as_ref().map(|a| a.title(tr)),
            effective: tr.date(&info.effective_from),
            change: change_key(change.kind),
            diff_href: format!(
                "/plans/{plan_id}/diff?from={}&to={}",
                before_info.version, info.version
            ),
        });
    }
    let mut years = years(&snaps, key, tr);
    for y in &mut years {
        y.sample = samples.contains(&y.year);
    }
    Ok(MeasureHistory { years, amendments })
}

fn change_key(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "amend.change.added",
        ChangeKind::Dropped => "amend.change.dropped",
        ChangeKind::Moved => "amend.change.moved",
        ChangeKind::Changed => "amend.change.changed",
    }
}

/// Every closed round in which the plan had the measure, oldest first, with the approved
/// reports on it (drafts, submitted and returned updates are left out).
pub fn years(snaps: &[RoundSnapshot], key: &str, tr: Tr) -> Vec<YearView> {
    let mut out: Vec<YearView> = snaps.iter().filter_map(|s| year(s, key, tr)).collect();
    out.sort_by_key(|y| y.year);
    out
}

fn year(snap: &RoundSnapshot, key: &str, tr: Tr) -> Option<YearView> {
    let measure = snap.plan.measures().find(|m| m.key == key)?;
    let approved: Vec<_> = snap
        .updates
        .iter()
        .filter(|u| u.measure_key == key && u.state == ReviewState::Approved)
        .collect();
    let reports = approved
        .iter()
        .map(|u| ReportView {
            institution: u.institution.clone(),
            status: match (u.status, tr.lang) {
                (Some(s), Lang::Bg) => s.label_bg().to_string(),
                (Some(s), Lang::En) => s.label_en().to_string(),
                (None, _) => tr.t("history.no_status").to_string(),
            },
            narrative: u.narrative.trim().to_string(),
            spent: u.spent.first().map(|first| {
                let mut total = Total::new(first.currency);
                for s in &u.spent {
                    total.add(s.money());
                }
                tr.money(total.money())
            }),
            evidence: u
                .evidence
                .iter()
                .filter_map(|e| {
                    let url = e.url.as_deref()?;
                    (url.starts_with("https://") || url.starts_with("http://")).then(|| {
                        EvidenceLink {
                            title: if e.title.trim().is_empty() {
                                url.to_string()
                            } else {
                                e.title.clone()
                            },
                            url: url.to_string(),
                        }
                    })
                })
                .collect(),
        })
        .collect();
    let indicators = measure
        .indicators
        .iter()
        .map(|ind| {
            let value = combine_year(
                approved
                    .iter()
                    .flat_map(|u| u.values.iter())
                    .filter(|v| v.indicator_key == ind.key)
                    .map(|v| &v.value),
            );
            IndicatorRow {
                name: ind.name.clone(),
                baseline: ind.baseline.clone().unwrap_or_else(|| "—".into()),
                value: value.map_or_else(|| "—".into(), |v| value_text(&v, tr)),
                target: ind.target.clone().unwrap_or_else(|| "—".into()),
            }
        })
        .collect();
    Some(YearView {
        year: snap.year,
        sample: false,
        reports,
        indicators,
    })
}

/// A number in the page's language: "1 250,5" or "1,250.5".
fn number_in(v: f64, tr: Tr) -> String {
    let bg = number(v);
    match tr.lang {
        Lang::Bg => bg,
        Lang::En => bg.replace(',', ".").replace('\u{a0}', ","),
    }
}

/// A reported value in the page's language: "45 % (9 от 20)", "45% (9 of 20)", "да", "yes".
pub fn value_text(v: &Value, tr: Tr) -> String {
    match v {
        Value::Number { value } => number_in(*value, tr),
        Value::Ratio {
            numerator,
            denominator,
        } if *denominator > 0.0 => {
            let share = number_in(numerator / denominator * 100.0, tr);
            let (n, d) = (number_in(*numerator, tr), number_in(*denominator, tr));
            match tr.lang {
                Lang::Bg => format!("{share}\u{a0}% ({n} от {d})"),
                Lang::En => format!("{share}% ({n} of {d})"),
            }
        }
        Value::Ratio { .. } => "—".into(),
        Value::YesNo { value: true } => tr.t("mon.yes").to_string(),
        Value::YesNo { value: false } => tr.t("history.no").to_string(),
        Value::Text { value } => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_the_page_language() {
        let r = Value::Ratio {
            numerator: 9.0,
            denominator: 20.0,
        };
        assert_eq!(value_text(&r, Tr::new(Lang::Bg)), "45\u{a0}% (9 от 20)");
        assert_eq!(value_text(&r, Tr::new(Lang::En)), "45% (9 of 20)");
        let n = Value::Number { value: 1250.5 };
        assert_eq!(value_text(&n, Tr::new(Lang::En)), "1,250.5");
        let no = Value::YesNo { value: false };
        assert_eq!(value_text(&no, Tr::new(Lang::Bg)), "не");
        assert_eq!(value_text(&no, Tr::new(Lang::En)), "no");
    }

    #[test]
    fn only_approved_reports_count_and_stored_files_are_never_links() {
        use crate::analytics::testing::{UpdateExt, indicator, measure, plan_of, round_of, update};
        use crate::plan::IndicatorKind;
        use crate::snapshot::{Evidence, ReportedStatus};
        let mut m = measure("m1");
        m.indicators
            .push(indicator("i1", IndicatorKind::Number, "120", "300"));
        let mut done = update("m1", "A", Some(ReportedStatus::InProgress))
            .value("i1", Value::Number { value: 150.0 })
            .spent("", 2_000);
        done.narrative = "Проведени срещи".into();
        done.evidence = vec![
            Evidence {
                title: "Снимки".into(),
                url: Some("https://example.org/snimki".into()),
                file_name: None,
                media_type: None,
                size: None,
                sha256: None,
            },
            Evidence {
                title: "Протокол".into(),
                url: None,
                file_name: Some("protokol-vatreshen.pdf".into()),
                media_type: Some("application/pdf".into()),
                size: Some(10),
                sha256: Some("ab".into()),
            },
        ];
        let draft = update("m1", "B", Some(ReportedStatus::Completed))
            .value("i1", Value::Number { value: 999.0 })
            .draft();
        let snap = round_of(plan_of(vec![m]), vec![done, draft]);
        let years = years(&[snap], "m1", Tr::new(Lang::Bg));
        assert_eq!(years.len(), 1);
        let y = &years[0];
        assert_eq!(y.reports.len(), 1, "the draft is left out");
        assert_eq!(y.reports[0].status, "в процес на изпълнение");
        assert_eq!(y.reports[0].spent.as_deref(), Some("2\u{a0}000 лв."));
        assert_eq!(
            y.reports[0].evidence,
            vec![EvidenceLink {
                title: "Снимки".into(),
                url: "https://example.org/snimki".into()
            }]
        );
        assert_eq!(y.indicators[0].value, "150");
        assert_eq!(y.indicators[0].baseline, "120");
        assert_eq!(y.indicators[0].target, "300");
    }

    #[test]
    fn a_round_whose_plan_lacked_the_measure_is_not_a_year_of_its_history() {
        let snap = crate::analytics::testing::round(&["m1"], vec![]);
        assert!(years(std::slice::from_ref(&snap), "m9", Tr::new(Lang::Bg)).is_empty());
        let shown = years(&[snap], "m1", Tr::new(Lang::Bg));
        assert_eq!(shown.len(), 1);
        assert!(shown[0].reports.is_empty());
    }
}
