//! `/plans/{id}/parents`: the plans a plan implements, named by whoever may
//! ([`Action::SetParents`] on the plan's place: its coordinator, the district's or the national
//! coordinator). A municipal plan names a plan of its district and a national plan; a district
//! plan a national plan; a national plan has none above it.

use super::store::{self, Candidate};
use super::{Level, pick_parents};
use crate::forms::Feedback;
use crate::i18n::Tr;
use crate::plan::store::StoredPlan;
use crate::policy::Action;
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}/parents", get(page).post(save))
}

/// One choice of a select: the plan's id ("" for none), its words, whether chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "levels/parents.html")]
struct ParentsPage {
    tr: Tr,
    csrf: CsrfToken,
    feedback: Feedback,
    plan_id: i64,
    title: String,
    /// The plan's level (label key).
    level_key: &'static str,
    /// Empty for a national plan (nothing above it); for a district plan, empty as well.
    district: Vec<Choice>,
    /// The district the plan's municipality belongs to, for the district select's label.
    district_name: Option<String>,
    national: Vec<Choice>,
}

/// What the form knows about the plan: its level, its current parents and the candidates.
struct Setting {
    sp: Arc<StoredPlan>,
    level: Level,
    district_code: Option<String>,
    current: store::PlanLevel,
    district: Vec<Candidate>,
    national: Vec<Candidate>,
}

async fn setting(state: &AppState, user: &CurrentUser, id: &str) -> Result<Setting, AppError> {
    let sp = state.plan_at(id).await?;
    let place = state.place_of(sp.id).await?;
    user.require(&Action::SetParents(place.clone()))?;
    let mut conn = state.db.pool.acquire().await?;
    let current = store::plan_level(&mut conn, sp.id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма план с номер {}.", sp.id)))?;
    drop(conn);
    let level = Level::parse(&current.level).unwrap_or(Level::Municipal);
    let district = match level {
        Level::Municipal => {
            store::candidates(&state.db, Level::District, place.district.as_deref()).await?
        }
        _ => Vec::new(),
    };
    let national = match level {
        Level::National => Vec::new(),
        _ => store::candidates(&state.db, Level::National, None).await?,
    };
    Ok(Setting {
        sp,
        level,
        district_code: place.district,
        current,
        district,
        national,
    })
}

fn choices(tr: Tr, all: &[Candidate], chosen: Option<i64>) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: tr.t("parents.none").to_string(),
        selected: chosen.is_none(),
    }];
    out.extend(all.iter().map(|c| Choice {
        value: c.id.to_string(),
        label: format!("{} ({}–{})", c.title, c.period_from, c.period_to),
        selected: chosen == Some(c.id),
    }));
    out
}

async fn district_name(state: &AppState, code: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(code) = code else { return Ok(None) };
    Ok(
        sqlx::query_scalar("SELECT name FROM districts WHERE code = $1")
            .bind(code)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(crate::plan::store::StoreError::from)?,
    )
}

async fn show(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    s: &Setting,
    chosen: (Option<i64>, Option<i64>),
    feedback: Feedback,
) -> Result<ParentsPage, AppError> {
    Ok(ParentsPage {
        tr,
        csrf,
        feedback,
        plan_id: s.sp.id,
        title: s.sp.plan.title.clone(),
        level_key: match s.level {
            Level::National => "parents.level_national",
            Level::District => "parents.level_district",
            Level::Municipal => "parents.level_municipal",
        },
        district: if s.level == Level::Municipal {
            choices(tr, &s.district, chosen.0)
        } else {
            Vec::new()
        },
        district_name: district_name(state, s.district_code.as_deref()).await?,
        national: if s.level == Level::National {
            Vec::new()
        } else {
            choices(tr, &s.national, chosen.1)
        },
    })
}

async fn page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = setting(&state, &user, &id).await?;
    let chosen = (s.current.district_plan_id, s.current.national_plan_id);
    Ok(render(&show(&state, tr, csrf, &s, chosen, Feedback::default()).await?)?.into_response())
}

#[derive(Deserialize)]
struct ParentsForm {
    #[serde(default)]
    district_plan: String,
    #[serde(default)]
    national_plan: String,
}

async fn save(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ParentsForm>,
) -> Result<Response, AppError> {
    let s = setting(&state, &user, &id).await?;
    if s.level == Level::National {
        return Err(AppError::Conflict(
            "Националният план не изпълнява план на по-горно ниво.".into(),
        ));
    }
    let ids = |c: &[Candidate]| c.iter().map(|c| c.id).collect::<Vec<_>>();
    let picked = pick_parents(
        s.level,
        &form.district_plan,
        &form.national_plan,
        &ids(&s.district),
        &ids(&s.national),
    );
    let (district, national) = match picked {
        Ok(p) => p,
        Err(errors) => {
            let chosen = (
                form.district_plan.trim().parse().ok(),
                form.national_plan.trim().parse().ok(),
            );
            let page = show(
                &state,
                tr,
                csrf,
                &s,
                chosen,
                Feedback::fields(errors).titled("parents.refused"),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let mut tx = state.db.pool.begin().await?;
    store::set_parents(
        &mut tx,
        s.sp.id,
        district,
        national,
        s.current.demo != 0,
        &user.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/plans/{}/links", s.sp.id)).into_response())
}
