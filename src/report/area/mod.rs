//! The annual monitoring report of a district or of the nation (issue 13): compiled from the
//! municipalities' approved data of closed rounds of one year, counted under the tree in force
//! that year (`rollup`), by the six national priority areas, with who has not reported and who
//! was marked as not reporting, money planned vs spent and indicators by kind, plus the level's
//! own plans and the narrative its coordinator wrote. Pure: [`AreaInputs`] (what is frozen at
//! approval) and a [`Narrative`] in, the printed [`Document`] out, which the shared renderers
//! (`html`, `docx`, `pdf`) print. `store` keeps versions and their workflow, `pages` shows them.

pub mod adopt_pages;
pub mod adoption;
pub mod charts;
pub mod exempt;
pub mod inputs;
pub mod pages;
pub mod store;
mod tables;
mod text;
pub mod views;

use super::Narrative;
use super::blocks::{Block, Document, Run, SAMPLE_NOTE, TitlePage};
use crate::money::Currency;
use crate::plan::NationalArea;
use crate::rollup::{AREA_SLOTS, Purse, Totals};
use serde::{Deserialize, Serialize};
use tables::{
    annex_national, annex_sources, annex_units, indicator_table, reporting_table, status_table,
    units_in_area,
};
use text::w;

/// The code of the nation as an area (a district's is its ЕКАТТЕ code).
pub const NATION: &str = "BG";

/// A district or the nation, as `area_reports.area` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    District,
    Nation,
}

impl Level {
    pub fn of(area: &str) -> Level {
        if area == NATION {
            Level::Nation
        } else {
            Level::District
        }
    }
}

/// One unit below the level: a municipality of a district, a district of the nation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    /// Municipalities it stands for (1 for a municipality).
    pub members: usize,
    /// Of those, with a municipal plan in force in the year.
    pub with_plan: usize,
    /// With a closed round of the year (their approved data are counted).
    pub reporting: usize,
    /// Marked as not reporting for the year, with a reason.
    pub exempt: usize,
    /// With a plan in force, no closed round and no mark: they have not reported.
    pub missing: usize,
    /// A municipality's standing (Bulgarian label); a district's annual report state.
    pub state: String,
    /// Why a municipality (or, in the national report, a district) was marked as not
    /// reporting.
    pub reason: Option<String>,
    /// A district's report of the year is adopted (the national report waits for it).
    #[serde(default)]
    pub report_adopted: bool,
    pub totals: Totals,
}

impl Unit {
    /// Whether the level's approval waits for this unit: a municipality with a plan in force
    /// that neither closed its round nor was marked; a district with municipal plans in force
    /// whose report is not adopted and that was not marked.
    pub fn holds_up(&self, level: Level) -> bool {
        match level {
            Level::District => self.missing > 0,
            Level::Nation => self.with_plan > 0 && !self.report_adopted && self.reason.is_none(),
        }
    }
}

/// A plan of the level itself (the district's strategy, the national plan) in force in the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnPlan {
    pub title: String,
    pub period: String,
    /// Its closed round of the year, if any (approved data only).
    pub totals: Option<Totals>,
}

/// Everything the report is compiled from; frozen at approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaInputs {
    pub level: Level,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub units: Vec<Unit>,
    /// The sum of the units (the roll-up of the level).
    pub totals: Totals,
    pub own_plans: Vec<OwnPlan>,
    /// The names of the national indicators in [`Totals::national`], by their reference.
    #[serde(default)]
    pub national_names: std::collections::BTreeMap<String, String>,
}

impl AreaInputs {
    /// Municipalities below the level that had to report and have not (no mark either).
    pub fn missing(&self) -> usize {
        self.units.iter().map(|u| u.missing).sum()
    }

    /// The units the approval waits for ([`Unit::holds_up`]).
    pub fn waiting(&self) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| u.holds_up(self.level))
            .collect()
    }

    /// Whether any figure comes from generated sample rounds (demo data).
    pub fn sample(&self) -> bool {
        self.totals.demo_rounds > 0
            || self
                .own_plans
                .iter()
                .any(|p| p.totals.as_ref().is_some_and(|t| t.demo_rounds > 0))
    }

    /// "област Пловдив", "Република България".
    pub fn place_name(&self) -> String {
        self.place_name_in(crate::i18n::Tr::default())
    }

    /// [`AreaInputs::place_name`] in the language of `tr`.
    pub fn place_name_in(&self, tr: crate::i18n::Tr) -> String {
        match (self.level, tr.lang) {
            (Level::District, crate::i18n::Lang::Bg) => format!("област {}", self.name),
            (Level::District, crate::i18n::Lang::En) => {
                format!("the district of {}", tr.place(&self.name))
            }
            (Level::Nation, crate::i18n::Lang::Bg) => "Република България".into(),
            (Level::Nation, crate::i18n::Lang::En) => "the Republic of Bulgaria".into(),
        }
    }

    fn unit_word(&self, tr: crate::i18n::Tr) -> (String, String) {
        match self.level {
            Level::District => (
                w(tr, "Община", "Municipality"),
                w(tr, "Общини", "Municipalities"),
            ),
            Level::Nation => (w(tr, "Област", "District"), w(tr, "Области", "Districts")),
        }
    }
}

/// The body that adopts the report.
pub fn adopting_body(level: Level) -> &'static str {
    match level {
        Level::District => {
            "Областният съвет за сътрудничество по етническите и интеграционните въпроси"
        }
        Level::Nation => {
            "Националният съвет за сътрудничество по етническите и интеграционните въпроси"
        }
    }
}

/// The title of the report of `name` for `year`.
pub fn title(level: Level, name: &str, year: i32) -> String {
    match level {
        Level::District => format!(
            "Годишен доклад за наблюдението на изпълнението на интеграционните политики в област {name} през {year} г."
        ),
        Level::Nation => format!(
            "Национален годишен доклад за наблюдението на изпълнението на Националната стратегия за равенство, приобщаване и участие на ромите през {year} г."
        ),
    }
}

/// Money of a purse as "1 000 лв. (511,29 €)": in the currency of the year first, the other at
/// the fixed rate.
pub fn money(p: &Purse, year: i32) -> String {
    money_in(p, year, crate::i18n::Tr::default())
}

/// [`money`] in the language of `tr`.
pub fn money_in(p: &Purse, year: i32, tr: crate::i18n::Tr) -> String {
    let (first, second) = if year >= 2026 {
        (Currency::Eur, Currency::Bgn)
    } else {
        (Currency::Bgn, Currency::Eur)
    };
    format!(
        "{} ({})",
        tr.money(p.in_currency(first)),
        tr.money(p.in_currency(second))
    )
}

/// The title of area slot `i` (the six national areas, then measures of none).
pub fn slot_title(i: usize) -> String {
    slot_title_in(crate::i18n::Tr::default(), i)
}

/// [`slot_title`] in the page's language.
pub fn slot_title_in(tr: crate::i18n::Tr, i: usize) -> String {
    NationalArea::ALL.get(i).map_or_else(
        || tr.t("area.outside").to_string(),
        |a| a.title(tr.lang).to_string(),
    )
}

/// The report as the renderers print it. `state_line` says its state ("проект", "одобрен …",
/// "приет с Решение № …").
pub fn document(inputs: &AreaInputs, narrative: &Narrative, state_line: String) -> Document {
    document_in(inputs, narrative, state_line, crate::i18n::Tr::default())
}

/// [`document`] in the language of `tr` (the report's page in English shows its blocks in
/// English; the documents kept at adoption are Bulgarian).
pub fn document_in(
    inputs: &AreaInputs,
    narrative: &Narrative,
    state_line: String,
    tr: crate::i18n::Tr,
) -> Document {
    let title = title(inputs.level, &inputs.name, inputs.year);
    let issuer = match inputs.level {
        Level::District => format!("Областна администрация {}", inputs.name),
        Level::Nation => "Република България".to_string(),
    };
    Document {
        header: format!("{} · {} г.", issuer, inputs.year),
        description: format!(
            "Обобщени одобрени данни на общините за {} г. {}",
            inputs.year, state_line
        ),
        author: issuer.clone(),
        blocks: blocks(inputs, narrative, issuer, title.clone(), state_line, tr),
        title,
    }
}

fn paras(ps: &[String]) -> impl Iterator<Item = Block> + '_ {
    ps.iter()
        .map(|p| Block::Paragraph(vec![Run::plain(p.clone())]))
}

fn heading(level: u8, text: impl Into<String>) -> Block {
    Block::Heading {
        level,
        text: text.into(),
    }
}

fn or_generated(edited: &str, generated: Vec<String>) -> Vec<String> {
    let p = super::paragraphs(edited);
    if p.is_empty() { generated } else { p }
}

fn blocks(
    inputs: &AreaInputs,
    narrative: &Narrative,
    issuer: String,
    title: String,
    state: String,
    tr: crate::i18n::Tr,
) -> Vec<Block> {
    let t = &inputs.totals;
    let (one, many) = inputs.unit_word(tr);
    let one = one.as_str();
    let mut out = vec![
        Block::TitlePage(TitlePage {
            issuer,
            title,
            plan: format!(
                "Обобщение на одобрените данни на общините от приключилите отчетни периоди за {} г.",
                inputs.year
            ),
            adoption: format!("{} приема доклада.", adopting_body(inputs.level)),
            state,
            sample: inputs.sample().then(|| SAMPLE_NOTE.to_string()),
        }),
        Block::PageBreak,
        Block::Contents,
        Block::PageBreak,
        heading(1, w(tr, "1. Въведение", "1. Introduction")),
    ];
    out.extend(paras(&or_generated(
        &narrative.introduction,
        text::introduction(inputs, tr),
    )));
    out.push(heading(
        1,
        w(tr, "2. Обобщение за годината", "2. The year in brief"),
    ));
    out.extend(paras(&text::summary(inputs, tr)));
    out.extend(
        text::figures(inputs, tr)
            .into_iter()
            .map(|(k, v)| Block::Paragraph(vec![Run::bold(format!("{k}: ")), Run::plain(v)])),
    );
    out.push(Block::Table(status_table(
        &w(
            tr,
            "Мерки по статус за годината",
            "Measures by status for the year",
        ),
        &t.all.measures,
        tr,
    )));
    if t.all.measures.total() > 0 {
        out.push(Block::Figure {
            number: 1,
            chart: charts::status(inputs, tr),
        });
        out.push(Block::Figure {
            number: 2,
            chart: charts::money(inputs, tr),
        });
    }
    out.push(heading(
        1,
        w(
            tr,
            "3. По приоритетни области на националната стратегия",
            "3. By priority area of the national strategy",
        ),
    ));
    for i in 0..AREA_SLOTS {
        let f = &t.areas[i];
        if i == AREA_SLOTS - 1 && f.measures.total() == 0 {
            continue;
        }
        out.push(heading(2, format!("3.{}. {}", i + 1, slot_title_in(tr, i))));
        out.extend(paras(&or_generated(
            narrative.priorities.get(&i).map_or("", String::as_str),
            text::area_summary(inputs, i, tr),
        )));
        if f.measures.total() > 0 {
            let area = slot_title_in(tr, i);
            out.push(Block::Table(status_table(
                &format!("{area}: {}", w(tr, "мерки по статус", "measures by status")),
                &f.measures,
                tr,
            )));
            out.push(Block::Table(indicator_table(
                &format!(
                    "{area}: {}",
                    w(tr, "индикатори по вид", "indicators by kind")
                ),
                f,
                tr,
            )));
            out.push(Block::Table(units_in_area(inputs, i, one, tr)));
        }
    }
    out.push(Block::PageBreak);
    out.push(heading(
        1,
        format!(
            "4. {}: {}",
            w(tr, "Отчитане", "Reporting"),
            many.to_lowercase()
        ),
    ));
    out.extend(paras(&text::reporting_text(inputs, tr)));
    out.push(Block::Table(reporting_table(inputs, one, tr)));
    out.push(heading(2, w(tr, "Не са отчели", "Have not reported")));
    out.push(list_or(
        text::missing(inputs, tr),
        &w(
            tr,
            "Няма общини с план в сила, които не са отчели.",
            "No municipality with a plan in force has failed to report.",
        ),
    ));
    out.push(heading(
        2,
        w(
            tr,
            "Отбелязани като неотчитащи се",
            "Marked as not reporting",
        ),
    ));
    out.push(list_or(
        text::exempt(inputs, tr),
        &w(
            tr,
            "Няма общини, отбелязани като неотчитащи се.",
            "No municipality is marked as not reporting.",
        ),
    ));
    out.push(heading(1, w(tr, "5. Собствен план", "5. Own plan")));
    out.extend(paras(&text::own_plans(inputs, tr)));
    out.push(heading(
        1,
        w(
            tr,
            "6. Изводи и препоръки",
            "6. Conclusions and recommendations",
        ),
    ));
    out.push(heading(2, w(tr, "Изводи", "Conclusions")));
    out.extend(paras(&or_generated(
        &narrative.conclusions,
        text::conclusions(inputs, tr),
    )));
    out.push(heading(2, w(tr, "Препоръки", "Recommendations")));
    out.push(Block::List {
        ordered: true,
        items: or_generated(
            &narrative.recommendations,
            text::recommendations(inputs, tr),
        ),
    });
    out.push(Block::PageBreak);
    out.push(heading(1, w(tr, "Приложения", "Annexes")));
    out.push(Block::Table(annex_units(inputs, one, tr)));
    out.push(Block::Table(annex_sources(inputs, tr)));
    if !t.national.is_empty() {
        out.push(Block::Table(annex_national(inputs, tr)));
    }
    out
}

#[cfg(test)]
mod tests;

/// A bulleted list of `items`, or the sentence `none` when there are none.
fn list_or(items: Vec<String>, none: &str) -> Block {
    if items.is_empty() {
        Block::Paragraph(vec![Run::plain(none.to_string())])
    } else {
        Block::List {
            ordered: false,
            items,
        }
    }
}
