//! Reporting rounds for machines: read a round and its updates, write an institution's update,
//! submit it, record a review decision. The same policy (`crate::policy`), the same reading of
//! the input (`monitoring::input::parse_update`, from the JSON turned into the form's fields)
//! and the same store functions with their audit events in the change's transaction
//! (`monitoring::store`) as the pages; only the shape of the answer differs.

use super::rounds_json::{
    DecisionJson, ReviewJson, RoundJson, UpdateInputJson, UpdateJson, UpdateSummaryJson, json_field,
};
use crate::audit::{Actor, ActorKind, Event};
use crate::monitoring::input::parse_update;
use crate::monitoring::store::{self, MonitoringError, RoundRow, UpdateRow};
use crate::monitoring::views::find_measure;
use crate::monitoring::{Action as Step, State as UpdateState, UpdateInput};
use crate::policy::{Action, Principal};
use crate::web::auth::{CurrentUser, client_ip};
use crate::web::error::ErrorBody;
use crate::web::{ApiError, AppError, AppState, cache, parse_id};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rounds/{id}", get(round))
        .route(
            "/api/v1/rounds/{id}/updates/{measure}/{institution}",
            get(update).put(save),
        )
        .route(
            "/api/v1/rounds/{id}/updates/{measure}/{institution}/submit",
            post(submit),
        )
        .route(
            "/api/v1/rounds/{id}/updates/{measure}/{institution}/review",
            post(review),
        )
        .route_layer(axum::middleware::from_fn(cache::conditional))
}

/// The round endpoints in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(round, update, save, submit, review),
    components(schemas(
        RoundJson,
        UpdateJson,
        UpdateSummaryJson,
        UpdateInputJson,
        ReviewJson,
        super::rounds_json::ValueJson,
        super::rounds_json::RatioJson,
        super::rounds_json::SpentJson,
        super::rounds_json::StatusJson,
        super::rounds_json::UpdateStateJson,
        super::rounds_json::RoundStateJson,
        super::rounds_json::DecisionJson
    ))
)]
pub struct RoundsApi;

/// Who calls, as the policy, the round's history and the audit log know them.
pub struct Caller {
    pub who: Principal,
    pub by: String,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(who) = Principal::from_request_parts(parts, state).await;
        let ip = client_ip(&parts.extensions);
        let (by, actor) = match &who {
            Principal::Token => ("администратор (API)".to_string(), Actor::admin_token(ip)),
            Principal::Machine(m) => {
                let label = format!("API ключ {}", m.token_id);
                let actor = Actor {
                    kind: ActorKind::Token,
                    user_id: None,
                    label: label.clone(),
                    ip,
                };
                (label, actor)
            }
            Principal::User(_) => match parts.extensions.get::<CurrentUser>() {
                Some(u) => (u.email.clone(), u.actor()),
                None => return Err(ApiError(AppError::Unauthorized)),
            },
            Principal::Anonymous | Principal::Link(_) => {
                return Err(ApiError(AppError::Unauthorized));
            }
        };
        Ok(Caller { who, by, actor })
    }
}

/// The round, when the caller may see some of it; otherwise "not found" (ids of other
/// municipalities' rounds reveal nothing).
pub(super) async fn visible_round(
    state: &AppState,
    c: &Caller,
    id: &str,
) -> Result<RoundRow, AppError> {
    let rid = parse_id(id, "отчетен кръг")?;
    let hidden = || AppError::not_found(format!("Няма отчетен кръг с номер {rid}."));
    let round = store::get_round(&state.db, rid).await?.ok_or_else(hidden)?;
    let record = round.record();
    if c.who.may(&Action::OverseeRound(record.clone()))
        || !c.who.institutions_in(&record).is_empty()
    {
        Ok(round)
    } else {
        Err(hidden())
    }
}

/// The update of `measure` by `institution` in the round, when the caller may see it.
async fn visible_update(
    state: &AppState,
    c: &Caller,
    round: &RoundRow,
    measure: &str,
    institution: &str,
) -> Result<UpdateRow, AppError> {
    let iid = parse_id(institution, "институция")?;
    let hidden = || {
        AppError::not_found(format!(
            "В този кръг няма отчет на институция {iid} по мярка „{measure}“."
        ))
    };
    if !c.who.may(&view(round, iid)) {
        return Err(hidden());
    }
    store::updates(&state.db, round.id, Some(iid))
        .await?
        .into_iter()
        .find(|u| u.measure_key == measure)
        .ok_or_else(hidden)
}

fn view(round: &RoundRow, institution: i64) -> Action {
    Action::ViewUpdates {
        round: round.record(),
        institution,
    }
}

/// `/api/v1/rounds/{id}/updates/{measure}/{institution}…`.
#[derive(serde::Deserialize)]
pub struct UpdateAt {
    id: String,
    measure: String,
    institution: String,
}

/// The round and the update a path names, when the caller may see them (else 404).
pub(super) async fn visible(
    state: &AppState,
    c: &Caller,
    at: &UpdateAt,
) -> Result<(RoundRow, UpdateRow), AppError> {
    let round = visible_round(state, c, &at.id).await?;
    let u = visible_update(state, c, &round, &at.measure, &at.institution).await?;
    Ok((round, u))
}

/// The round and the update a path names, when the caller may change the update (else 403).
pub(super) async fn editable(
    state: &AppState,
    c: &Caller,
    at: &UpdateAt,
) -> Result<(RoundRow, UpdateRow), AppError> {
    let (round, u) = visible(state, c, at).await?;
    c.who.require(&edit(&round, u.institution_id))?;
    Ok((round, u))
}

pub(super) fn edit(round: &RoundRow, institution: i64) -> Action {
    Action::EditUpdates {
        round: round.record(),
        institution,
    }
}

/// A refusal of monitoring as the API answers it: the record's state 409, a missing field 422.
pub(super) fn refused(e: MonitoringError) -> AppError {
    match e {
        MonitoringError::Workflow(w) if w.is_conflict() => AppError::Conflict(w.to_string()),
        MonitoringError::Workflow(w) => AppError::Invalid {
            message: w.to_string(),
            fields: vec![("status".into(), w.to_string())],
        },
        MonitoringError::Refused(m) => AppError::Invalid {
            message: m,
            fields: Vec::new(),
        },
        MonitoringError::NotFound(m) => AppError::NotFound(m),
        other => AppError::from(other),
    }
}

/// The update as it is now stored, as JSON.
async fn answer(state: &AppState, round: &RoundRow, id: i64) -> Result<Response, ApiError> {
    let u = store::get_update(&state.db, round.id, id)
        .await?
        .ok_or_else(|| AppError::not_found("Отчетът вече не съществува."))?;
    Ok(Json(UpdateJson::from(&u)).into_response())
}

fn event(c: &Caller, round: &RoundRow, action: &str, id: i64, after: serde_json::Value) -> Event {
    Event::new(c.actor.clone(), action, "update", id)
        .municipality(round.municipality_id)
        .after(&after)
}

pub(super) const ID: &str = "Номерът на кръга / The round's id";
pub(super) const MEASURE: &str = "Ключът на мярката / The measure's key";
pub(super) const INSTITUTION: &str = "Номерът на институцията / The institution's id";

/// A round with the updates the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/rounds/{id}",
    tag = "rounds",
    summary = "Отчетен кръг / A reporting round",
    params(("id" = i64, Path, description = ID, minimum = 1)),
    security(("token" = [])),
    responses(
        (status = 200, description = "Кръгът / The round", body = RoundJson),
        (status = 304, description = "Непроменен / Not modified"),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Невалиден ключ / Wrong token", body = ErrorBody),
        (status = 404, description = "Няма такъв кръг за вас / No such round for you", body = ErrorBody),
    )
)]
pub async fn round(
    State(state): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let round = visible_round(&state, &c, &id).await?;
    let updates = store::updates(&state.db, round.id, None)
        .await?
        .iter()
        .filter(|u| c.who.may(&view(&round, u.institution_id)))
        .map(UpdateSummaryJson::of)
        .collect();
    Ok(Json(RoundJson::of(&round, updates)).into_response())
}

/// One institution's update on one measure.
#[utoipa::path(
    get,
    path = "/api/v1/rounds/{id}/updates/{measure}/{institution}",
    tag = "rounds",
    summary = "Отчет на институция по мярка / An institution's update on a measure",
    params(
        ("id" = i64, Path, description = ID, minimum = 1),
        ("measure" = String, Path, description = MEASURE),
        ("institution" = i64, Path, description = INSTITUTION, minimum = 1),
    ),
    security(("token" = [])),
    responses(
        (status = 200, description = "Отчетът / The update", body = UpdateJson),
        (status = 304, description = "Непроменен / Not modified"),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Невалиден ключ / Wrong token", body = ErrorBody),
        (status = 404, description = "Няма такъв отчет за вас / No such update for you", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    c: Caller,
    Path(at): Path<UpdateAt>,
) -> Result<Response, ApiError> {
    let (_, u) = visible(&state, &c, &at).await?;
    Ok(Json(UpdateJson::from(&u)).into_response())
}

/// Reads the JSON body; a body that is not the schema is a 422 naming where.
/// `what` names the expected content in the message ("отчет", "решение").
fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes, what: &str) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        let message = format!("Съдържанието не е {what} във вид JSON: {}", e.inner());
        AppError::Invalid {
            fields: vec![(if at == "." { "body".into() } else { at }, message.clone())],
            message,
        }
    })
}

/// Writes the update's values (what is sent replaces what was saved), without submitting.
#[utoipa::path(
    put,
    path = "/api/v1/rounds/{id}/updates/{measure}/{institution}",
    tag = "rounds",
    summary = "Запис на отчет / Save an update",
    description = "Същата проверка и същият ход като формуляра: грешките по полета са 422, \
                   подаден или одобрен отчет и приключен кръг — 409.\n\nThe same checks and \
                   workflow as the form: field errors are 422, a submitted or approved update \
                   and a closed round 409.",
    params(
        ("id" = i64, Path, description = ID, minimum = 1),
        ("measure" = String, Path, description = MEASURE),
        ("institution" = i64, Path, description = INSTITUTION, minimum = 1),
    ),
    request_body = UpdateInputJson,
    security(("token" = [])),
    responses(
        (status = 200, description = "Записаният отчет / The saved update", body = UpdateJson),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Ключът не е за тази институция / The token is not for this institution", body = ErrorBody),
        (status = 404, description = "Няма такъв отчет за вас / No such update for you", body = ErrorBody),
        (status = 409, description = "Отчетът или кръгът не позволява промяна / The update or round allows no change", body = ErrorBody),
        (status = 422, description = "Грешки по полета / Field errors", body = ErrorBody),
    )
)]
pub async fn save(
    State(state): State<AppState>,
    c: Caller,
    Path(at): Path<UpdateAt>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (round, u) = editable(&state, &c, &at).await?;
    let input: UpdateInputJson = body(&bytes, "отчет")?;
    let sp = state.plan(round.plan_id).await?;
    let m = sp
        .as_ref()
        .and_then(|s| find_measure(&s.plan, &u.measure_key))
        .ok_or_else(|| AppError::not_found("Мярката вече не е в плана."))?;
    let fields = input.fields();
    let mut errors = input.shape_errors();
    let parsed = parse_update(m, round.year as i32, &fields, crate::i18n::Tr::default());
    if let Err(e) = &parsed {
        errors.extend(
            e.0.iter()
                .map(|f| (json_field(&f.field), f.message.clone())),
        );
    }
    let parsed = match parsed {
        Ok(p) if errors.is_empty() => p,
        _ => {
            return Err(ApiError(AppError::Invalid {
                message: "Отчетът има грешки в полетата.".into(),
                fields: errors,
            }));
        }
    };
    let status = fields
        .iter()
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.clone());
    store::save_update(&state.db, round.id, u.id, &parsed, false, &c.by, |s| {
        let after = serde_json::json!({"state": s.code(), "status": status});
        Some(event(&c, &round, "update.save", u.id, after))
    })
    .await
    .map_err(refused)?;
    answer(&state, &round, u.id).await
}

/// Hands the saved update in for review.
#[utoipa::path(
    post,
    path = "/api/v1/rounds/{id}/updates/{measure}/{institution}/submit",
    tag = "rounds",
    summary = "Подаване за преглед / Submit for review",
    params(
        ("id" = i64, Path, description = ID, minimum = 1),
        ("measure" = String, Path, description = MEASURE),
        ("institution" = i64, Path, description = INSTITUTION, minimum = 1),
    ),
    security(("token" = [])),
    responses(
        (status = 200, description = "Подаденият отчет / The submitted update", body = UpdateJson),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Ключът не е за тази институция / The token is not for this institution", body = ErrorBody),
        (status = 404, description = "Няма такъв отчет за вас / No such update for you", body = ErrorBody),
        (status = 409, description = "Вече подаден или кръгът е приключен / Already submitted or the round is closed", body = ErrorBody),
        (status = 422, description = "Липсва състояние на изпълнение / No status given", body = ErrorBody),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    c: Caller,
    Path(at): Path<UpdateAt>,
) -> Result<Response, ApiError> {
    let (round, u) = editable(&state, &c, &at).await?;
    let input = UpdateInput {
        status: u.status,
        values: u.values.clone(),
        spent: u.spent.clone(),
        people_reached: u.people_reached,
        narrative: u.narrative.clone(),
    };
    store::save_update(&state.db, round.id, u.id, &input, true, &c.by, |s| {
        let action = match s {
            UpdateState::Resubmitted => "update.resubmit",
            _ => "update.submit",
        };
        let after = serde_json::json!({"state": s.code(), "status": u.status.map(|x| x.code())});
        Some(event(&c, &round, action, u.id, after))
    })
    .await
    .map_err(refused)?;
    answer(&state, &round, u.id).await
}

/// Approves a submitted update or returns it with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/rounds/{id}/updates/{measure}/{institution}/review",
    tag = "rounds",
    summary = "Решение по отчет / A review decision",
    params(
        ("id" = i64, Path, description = ID, minimum = 1),
        ("measure" = String, Path, description = MEASURE),
        ("institution" = i64, Path, description = INSTITUTION, minimum = 1),
    ),
    request_body = ReviewJson,
    security(("token" = [])),
    responses(
        (status = 200, description = "Прегледаният отчет / The reviewed update", body = UpdateJson),
        (status = 401, description = "Без API ключ / No API token", body = ErrorBody),
        (status = 403, description = "Ключът не е на проверяващ / Not a reviewer's token", body = ErrorBody),
        (status = 404, description = "Няма такъв отчет за вас / No such update for you", body = ErrorBody),
        (status = 409, description = "Отчетът не е подаден / The update is not submitted", body = ErrorBody),
        (status = 422, description = "Липсва причина за връщане / No reason to return", body = ErrorBody),
    )
)]
pub async fn review(
    State(state): State<AppState>,
    c: Caller,
    Path(at): Path<UpdateAt>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (round, u) = visible(&state, &c, &at).await?;
    c.who.require(&Action::ReviewUpdates(round.record()))?;
    let decision: ReviewJson = body(&bytes, "решение")?;
    let step = match decision.decision {
        DecisionJson::Approve => Step::Approve,
        DecisionJson::Return => Step::Return {
            reason: decision.reason.clone().unwrap_or_default(),
        },
    };
    let result = store::review(&state.db, round.id, u.id, &step, &c.by, |to| {
        let (name, reason) = match &step {
            Step::Return { reason } => ("update.return", Some(reason.clone())),
            _ => ("update.approve", None),
        };
        let after = serde_json::json!({"state": to.code(), "reason": reason});
        Some(event(&c, &round, name, u.id, after))
    })
    .await;
    match result {
        Ok(_) => answer(&state, &round, u.id).await,
        Err(MonitoringError::Workflow(w)) if !w.is_conflict() => Err(ApiError(AppError::Invalid {
            message: w.to_string(),
            fields: vec![("reason".into(), w.to_string())],
        })),
        Err(e) => Err(ApiError(refused(e))),
    }
}
