//! The plan out of what was read: header data (labelled rows win over the text), measures
//! finished (see [`super::measure`]), warnings for what the document does not state.

use super::{Builder, identity, measure};
use crate::import::document::{Document, Location};
use crate::import::{
    FoundAt, ImportOptions, ImportOutcome, ImportWarning, Recognised, SourceFormat, WarningKind,
};
use crate::plan::{NationalArea, Plan};

impl Builder {
    pub(super) fn finish(
        mut self,
        doc: Document,
        format: SourceFormat,
        options: &ImportOptions,
    ) -> ImportOutcome {
        let (recognised, unofficial) = self.recognised();
        let mut warnings = std::mem::take(&mut self.warnings);
        if let (true, Some(m)) = (unofficial, &recognised.municipality) {
            warnings.push(ImportWarning::new(
                WarningKind::Other,
                &Location::default(),
                format!(
                    "общината „{m}“ не е сред общините на класификатора ЕКАТТЕ: проверете името"
                ),
            ));
        }
        let measures_found = self
            .priorities
            .iter()
            .any(|p| p.objectives.iter().any(|o| !o.measures.is_empty()));
        if recognised.adoption.is_none() {
            warnings.push(ImportWarning::new(
                WarningKind::MissingMetadata,
                &Location::default(),
                "документът не посочва решение на общинския съвет за приемане на плана",
            ));
        }
        if !measures_found {
            return ImportOutcome {
                format,
                recognised,
                plan: None,
                warnings,
                document: doc,
            };
        }
        let municipality = options
            .municipality
            .clone()
            .or_else(|| recognised.municipality.clone())
            .unwrap_or_else(|| {
                warnings.push(ImportWarning::new(
                    WarningKind::MissingMetadata,
                    &Location::default(),
                    "общината не е посочена в документа",
                ));
                "Неизвестна община".to_string()
            });
        let title = recognised.title.clone().unwrap_or_else(|| {
            warnings.push(ImportWarning::new(
                WarningKind::MissingMetadata,
                &Location::default(),
                "заглавието на плана не е намерено",
            ));
            "План за действие".to_string()
        });
        let mut ctx = measure::Finisher::new();
        let mut plan_priorities = Vec::new();
        for p in std::mem::take(&mut self.priorities) {
            plan_priorities.push(
                ctx.priority(
                    p.number,
                    &p.title,
                    p.operational_objective,
                    p.objectives
                        .into_iter()
                        .map(|o| (o.code, o.title, o.measures))
                        .collect(),
                ),
            );
        }
        // A heading naming an area that opened no measures, where another priority of the
        // same area holds them (a list of the areas before the table), is not a priority.
        let has_measures =
            |p: &crate::plan::Priority| p.objectives.iter().any(|o| !o.measures.is_empty());
        let filled: Vec<NationalArea> = plan_priorities
            .iter()
            .filter(|p| has_measures(p))
            .filter_map(|p| p.national_area)
            .collect();
        plan_priorities
            .retain(|p| has_measures(p) || p.national_area.is_none_or(|a| !filled.contains(&a)));
        let period = recognised
            .period
            .or_else(|| ctx.years())
            .unwrap_or_else(|| {
                warnings.push(ImportWarning::new(
                    WarningKind::MissingMetadata,
                    &Location::default(),
                    "периодът на плана не е намерен",
                ));
                crate::plan::YearRange {
                    from: 2021,
                    to: 2021,
                }
            });
        if recognised.period.is_none() {
            warnings.push(ImportWarning::new(
                WarningKind::MissingMetadata,
                &Location::default(),
                "периодът на плана не е посочен в заглавието; взет е от сроковете на мерките",
            ));
        }
        let mut plan = Plan::new(&municipality, &title, period);
        plan.adoption = recognised.adoption.clone();
        plan.priorities = plan_priorities;
        plan.assign_keys();
        let (mut unplaced, mut more) = ctx.into_parts(&plan);
        self.unplaced.append(&mut unplaced);
        warnings.append(&mut more);
        plan.unplaced = std::mem::take(&mut self.unplaced);
        for p in &mut plan.priorities {
            if p.national_area.is_none() {
                p.national_area = NationalArea::from_title(&p.title);
            }
        }
        ImportOutcome {
            format,
            recognised,
            plan: Some(plan),
            warnings,
            document: doc,
        }
    }

    /// The header data: labelled rows (planmon's template) win over what the texts state.
    /// And whether the municipality is named as written, not found in the tree.
    fn recognised(&self) -> (Recognised, bool) {
        let id = identity::identify(&self.header_texts);
        let unofficial = id.unofficial && self.labelled.municipality.is_none();
        let at = |f: &Location| Some(f.describe_bg());
        let l = self.labelled.clone();
        let labelled = "таблицата с данни за плана".to_string();
        let mut found = FoundAt::default();
        let pick =
            |mine: Option<String>, text: Option<(String, Location)>, slot: &mut Option<String>| {
                match (mine, text) {
                    (Some(v), _) => {
                        *slot = Some(labelled.clone());
                        Some(v)
                    }
                    (None, Some((v, where_))) => {
                        *slot = at(&where_);
                        Some(v)
                    }
                    (None, None) => None,
                }
            };
        let municipality = pick(
            l.municipality,
            id.municipality.map(|f| (f.value, f.at)),
            &mut found.municipality,
        );
        let title = pick(l.title, id.title.map(|f| (f.value, f.at)), &mut found.title);
        let period = match (l.period, id.period) {
            (Some(p), _) => {
                found.period = Some(labelled.clone());
                Some(p)
            }
            (None, Some(f)) => {
                found.period = at(&f.at);
                Some(f.value)
            }
            (None, None) => None,
        };
        let adoption = match (l.adoption, id.adoption) {
            (Some(a), _) => {
                found.adoption = Some(labelled.clone());
                Some(a)
            }
            (None, Some(f)) => {
                found.adoption = at(&f.at);
                Some(f.value)
            }
            (None, None) => None,
        };
        let recognised = Recognised {
            municipality,
            title,
            period,
            adoption,
            found,
        };
        (recognised, unofficial)
    }
}
