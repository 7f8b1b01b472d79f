//! The plan out of what was read: header data (labelled rows win over the text), measures
//! finished (see [`super::measure`]), warnings for what the document does not state.

use super::{Builder, header, measure};
use crate::import::document::{Document, Location};
use crate::import::{
    ImportOptions, ImportOutcome, ImportWarning, Recognised, SourceFormat, WarningKind,
};
use crate::plan::{NationalArea, Plan};

impl Builder {
    pub(super) fn finish(
        mut self,
        doc: Document,
        format: SourceFormat,
        options: &ImportOptions,
    ) -> ImportOutcome {
        let recognised = self.recognised();
        let mut warnings = std::mem::take(&mut self.warnings);
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

    fn recognised(&self) -> Recognised {
        let texts = &self.header_texts;
        let mut title = None;
        if let Some(i) = texts
            .iter()
            .position(|t| t.to_lowercase().starts_with("план за действие"))
        {
            let mut parts = vec![header::sentence_case(&texts[i])];
            for next in texts.iter().skip(i + 1).take(2) {
                if header::period_in(&parts.join(" ")).is_some() {
                    break;
                }
                let lowerish = next.chars().next().is_some_and(char::is_lowercase);
                let caps = header::sentence_case(next) != *next;
                if lowerish || caps {
                    let s = header::sentence_case(next);
                    let s = if caps {
                        let mut c = s.chars();
                        c.next()
                            .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    } else {
                        s
                    };
                    parts.push(s);
                } else {
                    break;
                }
            }
            let joined = parts.join(" ");
            // "… 2021-2023 г. (ПЛАН ЗА ДЕЙСТВИЕ)": the heading repeating what it is.
            let joined = joined
                .strip_suffix("(план за действие)")
                .map_or(joined.clone(), |t| t.trim_end().to_string());
            title = Some(joined);
        }
        let period = title.as_deref().and_then(header::period_in).or_else(|| {
            texts
                .iter()
                .filter(|t| !header::about_strategy(t))
                .find_map(|t| header::period_in(t))
        });
        let municipality = title
            .as_deref()
            .and_then(header::municipality_in)
            .or_else(|| texts.iter().find_map(|t| header::municipality_in(t)));
        let adoption = texts.iter().find_map(|t| header::adoption_in(t));
        let l = self.labelled.clone();
        Recognised {
            municipality: l.municipality.or(municipality),
            title: l.title.or(title),
            period: l.period.or(period),
            adoption: l.adoption.or(adoption),
        }
    }
}
