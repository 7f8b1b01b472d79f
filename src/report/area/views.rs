//! What the pages of a district's or the nation's report share (`pages.rs`, `adopt_pages.rs`):
//! finding a version and checking who may see or change it, and the version's page with its
//! workflow forms, the districts the national report waits for, and the report's own blocks
//! in the page's language (charts as SVG with their data tables).

use super::store::{self, AreaRow};
use super::{AreaInputs, Level, adopting_body, slot_title_in};
use crate::analytics::charts::{Chart, ChartView};
use crate::dates::display_day;
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::policy::{Action, Area};
use crate::report::adoption::{self, AdoptionForm, Table};
use crate::report::blocks::Block;
use crate::report::store::ReportState;
use crate::rollup::AREA_SLOTS;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id};
use askama::Template;

pub async fn load(state: &AppState, id: &str) -> Result<AreaRow, AppError> {
    let id = parse_id(id, "доклад")?;
    store::get(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма доклад с номер „{id}“.")))
}

/// The version `id` if `user` may see it: a published one for everyone, the others for whoever
/// sees the area's dashboard (404 for the anonymous, 403 for the rest).
pub async fn visible(
    state: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<AreaRow, AppError> {
    let r = load(state, id).await?;
    if r.state() == ReportState::Published {
        return Ok(r);
    }
    match user {
        Some(u) => {
            u.require(&Action::ViewDashboard(r.policy_area()))?;
            Ok(r)
        }
        None => Err(AppError::not_found("Докладът още не е публикуван.")),
    }
}

/// The version `id` after checking that `user` may do `action` to it.
pub async fn acted(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: fn(Area) -> Action,
) -> Result<AreaRow, AppError> {
    let r = load(state, id).await?;
    user.require(&Action::ViewDashboard(r.policy_area()))?;
    user.require(&action(r.policy_area()))?;
    Ok(r)
}

pub struct Field {
    pub name: String,
    pub label: String,
    pub value: String,
}

/// A unit the approval waits for, or one marked as not reporting.
pub struct Waiting {
    pub code: String,
    pub name: String,
    pub reason: Option<String>,
}

/// One block of the report as the page shows it, with its chart drawn.
pub struct Shown {
    pub index: usize,
    pub block: Block,
    pub chart: Option<ChartView>,
}

#[derive(Template)]
#[template(path = "report/area.html")]
pub struct AreaPage {
    pub tr: Tr,
    pub csrf: CsrfToken,
    pub feedback: Feedback,
    pub r: AreaRow,
    pub state: ReportState,
    pub state_line: String,
    pub title: String,
    pub body: &'static str,
    pub dashboard: String,
    pub may_manage: bool,
    pub may_approve: bool,
    pub newest: bool,
    pub nation: bool,
    /// Units the approval waits for: municipalities that have not reported (a district's),
    /// districts without an adopted report (the nation's).
    pub missing: Vec<Waiting>,
    /// Districts marked as not reporting (the nation's draft).
    pub marked: Vec<Waiting>,
    pub fields: Vec<Field>,
    pub versions: Vec<(i64, i64, &'static str)>,
    pub approved_on: Option<String>,
    pub adoption_form: AdoptionForm,
    pub kept: bool,
    /// The report's blocks in the page's language.
    pub blocks: Vec<Shown>,
    /// A published version's text as a publication (`report::publication`, Bulgarian pages;
    /// English pages show [`AreaPage::blocks`] in English).
    pub publication: Option<String>,
}

impl AreaPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.feedback.error(field)
    }
}

fn fields(n: &crate::report::Narrative, tr: Tr) -> Vec<Field> {
    let mut out = vec![Field {
        name: "introduction".into(),
        label: tr.t("report.introduction").into(),
        value: n.introduction.clone(),
    }];
    for i in 0..AREA_SLOTS {
        out.push(Field {
            name: format!("area_{i}"),
            label: format!(
                "{}: {}",
                tr.t("report.priority_summary"),
                slot_title_in(tr, i)
            ),
            value: n.priorities.get(&i).cloned().unwrap_or_default(),
        });
    }
    out.push(Field {
        name: "conclusions".into(),
        label: tr.t("report.conclusions").into(),
        value: n.conclusions.clone(),
    });
    out.push(Field {
        name: "recommendations".into(),
        label: tr.t("report.recommendations").into(),
        value: n.recommendations.clone(),
    });
    out
}

fn dashboard(r: &AreaRow) -> String {
    match r.level() {
        Level::Nation => format!("/dashboard/nation?year={}", r.year),
        Level::District => format!("/dashboard/districts/{}?year={}", r.area, r.year),
    }
}

fn shown(blocks: Vec<Block>) -> Result<Vec<Shown>, AppError> {
    blocks
        .into_iter()
        .enumerate()
        .filter(|(_, b)| !matches!(b, Block::TitlePage(_) | Block::Contents | Block::PageBreak))
        .map(|(index, block)| {
            let chart = match &block {
                Block::Figure { chart, .. } => Some(ChartView::new(Chart::clone(chart))?),
                _ => None,
            };
            Ok(Shown::item(index, block, chart))
        })
        .collect()
}

impl Shown {
    fn item(index: usize, block: Block, chart: Option<ChartView>) -> Shown {
        Shown {
            index,
            block,
            chart,
        }
    }
}

/// The page of version `r` for `user` (`None`: the public), with `feedback` about a refused
/// step and the adoption form as typed.
pub async fn area_page(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    user: Option<&CurrentUser>,
    r: AreaRow,
    feedback: Feedback,
    adoption_form: AdoptionForm,
) -> Result<AreaPage, AppError> {
    let who = user.map(CurrentUser::principal).unwrap_or_default();
    let may_manage = who.may(&Action::ManageAreaReports(r.policy_area()));
    let may_approve = who.may(&Action::ApproveAreaReports(r.policy_area()));
    let staff = who.may(&Action::ViewDashboard(r.policy_area()));
    let all = store::versions(&state.db, &r.area, r.year()).await?;
    let inputs: AreaInputs = store::inputs_of(&state.db, &state.rollups, &r).await?;
    let draft = r.state() == ReportState::Draft;
    let missing = if draft && staff {
        inputs
            .waiting()
            .iter()
            .map(|u| Waiting {
                code: u.code.clone(),
                name: u.name.clone(),
                reason: None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let nation = r.level() == Level::Nation;
    let marked = if draft && staff && nation {
        inputs
            .units
            .iter()
            .filter(|u| u.reason.is_some())
            .map(|u| Waiting {
                code: u.code.clone(),
                name: u.name.clone(),
                reason: u.reason.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let doc = super::document_in(&inputs, &r.narrative(), r.state_line(), tr);
    let publication = if r.state() == ReportState::Published && tr.lang == crate::i18n::Lang::Bg {
        Some(crate::report::publication::render(&doc)?)
    } else {
        None
    };
    let kept = r.state().is_adopted()
        && !adoption::files(&state.db, Table::Area, r.id)
            .await?
            .is_empty();
    Ok(AreaPage {
        tr,
        csrf,
        feedback,
        state: r.state(),
        state_line: r.state_line(),
        title: super::title(r.level(), &r.name, r.year()),
        body: adopting_body(r.level()),
        dashboard: dashboard(&r),
        may_manage,
        may_approve,
        newest: all.first().is_some_and(|n| n.id == r.id),
        nation,
        missing,
        marked,
        fields: fields(&r.narrative(), tr),
        versions: all
            .iter()
            .filter(|v| staff || v.state() == ReportState::Published)
            .map(|v| (v.id, v.version, v.state().label_key()))
            .collect(),
        approved_on: r.approved_at.as_deref().map(display_day),
        adoption_form,
        kept,
        blocks: if publication.is_some() {
            Vec::new()
        } else {
            shown(doc.blocks)?
        },
        publication,
        r,
    })
}
