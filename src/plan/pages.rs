//! Public plan pages: the home page with every municipality's plans, a plan, a measure.

use super::store::{self, PlanListItem, StoredPlan};
use super::views::{self, FinRow, MeasureView, PlanCard, PriorityView};
use super::{Unplaced, format::to_plan_json, rules};
use crate::i18n::Tr;
use crate::money::Currency;
use crate::overview::UpLinks;
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/plans/{id}", get(plan_page))
        .route("/plans/{id}/plan.json", get(plan_json))
        .route("/plans/{id}/measures/{key}", get(measure_page))
}

/// The plans of one owner: the nation, a district or a municipality (`level`).
pub struct MunicipalityGroup {
    pub level: String,
    pub name: String,
    pub district: Option<String>,
    pub demo: bool,
    pub plans: Vec<PlanCard>,
}

#[derive(Template)]
#[template(path = "plan/home.html")]
struct HomePage {
    tr: Tr,
    groups: Vec<MunicipalityGroup>,
    plan_count: usize,
    /// The nation by district in the latest year with a closed round.
    n: crate::overview::national::NationalView,
}

fn group_by_municipality(items: &[PlanListItem], tr: Tr) -> Vec<MunicipalityGroup> {
    let mut groups: Vec<MunicipalityGroup> = Vec::new();
    for p in items {
        match groups.last_mut() {
            Some(g) if g.name == p.municipality && g.level == p.level => {
                g.demo |= p.demo;
                g.plans.push(views::plan_card(p, tr))
            }
            _ => groups.push(MunicipalityGroup {
                level: p.level.clone(),
                name: p.municipality.clone(),
                district: p.district.clone().filter(|_| p.level == "municipal"),
                demo: p.demo,
                plans: vec![views::plan_card(p, tr)],
            }),
        }
    }
    groups
}

async fn home(tr: Tr, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let items = store::list_plans(&state.db).await?;
    let year = crate::overview::views::year_of(&state, None).await?;
    let n = crate::overview::national::load(&state, &tr, year).await?;
    render(&HomePage {
        tr,
        n,
        plan_count: items.len(),
        groups: group_by_municipality(&items, tr),
    })
}

#[derive(Template)]
#[template(path = "plan/plan.html")]
struct PlanPage {
    tr: Tr,
    id: i64,
    title: String,
    municipality: String,
    district: Option<String>,
    period: String,
    adoption: views::AdoptionView,
    version: i64,
    counts: rules::Counts,
    planned_bgn: String,
    planned_eur: String,
    fin_note: views::FinNote,
    priority_rows: Vec<FinRow>,
    source_rows: Vec<FinRow>,
    priorities: Vec<PriorityView>,
    unplaced: Vec<Unplaced>,
    notes: Vec<String>,
    /// When an earlier version is shown: the current version's number.
    current_version: Option<i64>,
    /// The district and the nation above the plan's owner.
    up: Option<UpLinks>,
    /// Whoever may amend the plan (`Action::AmendPlan`) gets the way in, and to the
    /// amendments in preparation: (address, what it is, last changed).
    may_amend: bool,
    drafts: Vec<(String, String, String)>,
}

/// `?version=N` or `?in_force=YYYY-MM-DD`: an earlier version of the plan instead of the
/// current one.
#[derive(Debug, Default, serde::Deserialize)]
pub struct VersionQuery {
    pub version: Option<String>,
    pub in_force: Option<String>,
}

/// The stored plan with version `q` asks for in place of the current one (`None`: current).
async fn as_of(
    state: &AppState,
    sp: &StoredPlan,
    q: &VersionQuery,
) -> Result<Option<StoredPlan>, AppError> {
    let found = if let Some(date) = q.in_force.as_deref() {
        Some(crate::amend::versions::plan_in_force(state, sp.id, date).await?)
    } else if let Some(v) = q.version.as_deref() {
        let n = parse_id(v, "версия")?;
        Some((
            n,
            crate::amend::versions::plan_version(state, sp.id, n).await?,
        ))
    } else {
        None
    };
    Ok(found
        .filter(|(v, _)| *v != sp.version)
        .map(|(version, plan)| {
            let mut alt = sp.clone();
            alt.version = version;
            alt.plan = plan;
            alt
        }))
}

async fn plan_page(
    tr: Tr,
    who: crate::policy::Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Html<axum::body::Bytes>, AppError> {
    let sp = state.plan_at(&id).await?;
    let up = crate::overview::store::up_links(&state.db, sp.id).await?;
    if let Some(alt) = as_of(&state, &sp, &q).await? {
        return render_plan_page(tr, &alt, Some(sp.version), up, None)
            .map(|html| Html(axum::body::Bytes::from(html)));
    }
    // Staff who may amend the plan see the way in; everyone else gets the kept page.
    if who.is_known()
        && let Some(place) = store::place(&state.db, sp.id).await?
        && who.may(&crate::policy::Action::AmendPlan(place))
    {
        let drafts = crate::amend::store::list_drafts(&state.db, sp.id)
            .await?
            .into_iter()
            .map(|d| {
                let what = match &d.file_name {
                    Some(f) => format!("{} ({f})", tr.t("amend.by_decision")),
                    None => tr.t("amend.by_edit").to_string(),
                };
                (
                    d.href(sp.id),
                    what,
                    tr.date(d.updated_at.get(..10).unwrap_or(&d.updated_at)),
                )
            })
            .collect();
        return render_plan_page(tr, &sp, None, up, Some(drafts))
            .map(|html| Html(axum::body::Bytes::from(html)));
    }
    // The links up follow the tree in force, which may change without a new plan revision.
    let key = format!(
        "page:{}:{}",
        tr.lang_code(),
        up.as_ref().map_or("", |u| u.district_code.as_str())
    );
    sp.memo
        .get_or_try(&key, || render_plan_page(tr, &sp, None, up, None))
        .map(Html)
}

fn render_plan_page(
    tr: Tr,
    sp: &StoredPlan,
    current_version: Option<i64>,
    up: Option<UpLinks>,
    drafts: Option<Vec<(String, String, String)>>,
) -> Result<String, AppError> {
    let plan = &sp.plan;
    let bgn = rules::plan_financing(plan, Currency::Bgn);
    let eur = rules::plan_financing(plan, Currency::Eur);
    let page = PlanPage {
        tr,
        id: sp.id,
        title: plan.title.clone(),
        municipality: plan.municipality.clone(),
        district: plan.district.clone(),
        period: tr.period(plan.period.from, plan.period.to),
        adoption: views::adoption_view(plan.adoption.as_ref(), tr),
        version: sp.version,
        counts: rules::counts(plan),
        planned_bgn: views::planned(&bgn, tr),
        planned_eur: views::planned(&eur, tr),
        fin_note: views::plan_fin_note(sp, tr),
        priority_rows: views::priority_fin_rows(sp, tr),
        source_rows: views::source_fin_rows(sp, tr),
        priorities: views::priority_views(sp, tr),
        unplaced: plan.unplaced.clone(),
        notes: plan.notes.clone(),
        current_version,
        up,
        may_amend: drafts.is_some(),
        drafts: drafts.unwrap_or_default(),
    };
    Ok(page.render()?)
}

/// The plan in planmon plan JSON, as a download (open data).
async fn plan_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let sp = state.plan_at(&id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"plan-{}.json\"", sp.id),
            ),
        ],
        sp.memo
            .get_or_try("plan-json", || Ok::<_, AppError>(to_plan_json(&sp.plan)))?,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "plan/measure.html")]
struct MeasurePage {
    tr: Tr,
    plan_id: i64,
    plan_title: String,
    municipality: String,
    priority: views::Heading,
    priority_anchor: String,
    objective: views::Heading,
    m: MeasureView,
    /// For a measure not in the current version: the last version that has it.
    dropped_after: Option<i64>,
    /// The years with a closed round and the amendments that touched the measure.
    history: super::measure_history::MeasureHistory,
    /// Confirmed links to the measures or objectives of the plan it implements.
    parent_links: Vec<crate::levels::views::ParentLink>,
}

async fn measure_page(
    tr: Tr,
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Html<String>, AppError> {
    let current = state.plan_at(&id).await?;
    let alt = as_of(&state, &current, &q).await?;
    let mut sp: &StoredPlan = alt.as_ref().unwrap_or(&current);
    // A dropped measure stays readable: shown as in the last version that had it.
    let mut dropped_after = None;
    let mut last_with = None;
    if !sp.plan.measures().any(|m| m.key == key) {
        for v in store::versions(&state.db, current.id).await? {
            if let Some(plan) = store::load_version(&state.db, current.id, v.version).await?
                && plan.measures().any(|m| m.key == key)
            {
                last_with = Some((v.version, plan));
                break;
            }
        }
    }
    let older = last_with.map(|(version, plan)| {
        dropped_after = Some(version);
        let mut o = (*current).clone();
        o.version = version;
        o.plan = plan;
        o
    });
    if let Some(o) = &older {
        sp = o;
    }
    let history = super::measure_history::load(&state.db, current.id, &key, tr).await?;
    let parent_links = crate::levels::views::measure_links(&state, current.id, &key, tr).await?;
    let mut ordinal = 0;
    for (pi, p) in sp.plan.priorities.iter().enumerate() {
        for o in &p.objectives {
            for m in &o.measures {
                ordinal += 1;
                if m.key == key {
                    return render(&MeasurePage {
                        tr,
                        plan_id: sp.id,
                        plan_title: sp.plan.title.clone(),
                        municipality: sp.plan.municipality.clone(),
                        priority: views::priority_heading(p, pi, tr),
                        priority_anchor: format!("priority-{}", pi + 1),
                        objective: views::objective_heading(o, tr),
                        m: views::measure_view(sp, m, ordinal, tr),
                        dropped_after,
                        history,
                        parent_links,
                    });
                }
            }
        }
    }
    Err(AppError::not_found(format!("В плана няма мярка „{key}“.")))
}
