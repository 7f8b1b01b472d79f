//! Who is asking about which round: a staff visitor (an account with a role, or the
//! administration token) or the holder of a personal submission link, resolved into one
//! [`Ctx`] that every reporting handler takes as an extractor, so staff pages
//! (`/rounds/{rid}/…`) and link pages (`/s/{token}/…`) share one handler per action.

use super::links;
use super::store::{self, MonitoringError, RoundRow};
use crate::audit::{Actor, Event};
use crate::policy::{Action, Link, Principal};
use crate::web::auth::{CsrfToken, CurrentUser};
use crate::web::{AppError, AppState, parse_id};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// Who is asking about which round, and the address prefix of its pages.
pub struct Ctx {
    pub round: RoundRow,
    pub who: Principal,
    /// How the visitor appears in the round's history (an e-mail, "link:7").
    pub by: String,
    /// "/rounds/3" or "/s/TOKEN".
    pub base: String,
    /// The institution a submission link speaks for.
    pub link_institution: Option<i64>,
    pub csrf: String,
    /// Who the audit log names for changes made here.
    pub audit: Actor,
}

impl Ctx {
    /// The audit event of a change to this round, which the store records inside the change's
    /// transaction.
    pub fn event(&self, action: &str, entity: &str, id: i64, after: serde_json::Value) -> Event {
        Event::new(self.audit.clone(), action, entity, id)
            .municipality(self.round.municipality_id)
            .after(&after)
    }

    /// Whether the policy allows `action` to this visitor.
    pub fn may(&self, action: &Action) -> bool {
        self.who.may(action)
    }

    /// 403 unless the policy allows `action`.
    pub fn require(&self, action: &Action) -> Result<(), AppError> {
        Ok(self.who.require(action)?)
    }

    pub fn manage(&self) -> Action {
        Action::ManageRound(self.round.record())
    }

    pub fn review(&self) -> Action {
        Action::ReviewUpdates(self.round.record())
    }

    pub fn oversee(&self) -> Action {
        Action::OverseeRound(self.round.record())
    }

    pub fn view(&self, institution: i64) -> Action {
        Action::ViewUpdates {
            round: self.round.record(),
            institution,
        }
    }

    pub fn edit(&self, institution: i64) -> Action {
        Action::EditUpdates {
            round: self.round.record(),
            institution,
        }
    }

    /// The institution a page is about: the link's own, else the one the staff path names
    /// (`/rounds/{rid}/institutions/{iid}`).
    pub fn institution(&self, iid: Option<&str>) -> Result<i64, AppError> {
        match self.link_institution {
            Some(own) => Ok(own),
            None => parse_id(iid.unwrap_or_default(), "институция"),
        }
    }

    /// The institutions this visitor speaks for in the round.
    pub fn own_institutions(&self) -> Vec<i64> {
        self.who.institutions_in(&self.round.record())
    }
}

/// A visitor of the staff pages (an account or the administration token): who they are to the
/// policy, the form token of their session, and how the history and the audit log name them.
pub struct Staff {
    pub who: Principal,
    pub by: String,
    pub csrf: String,
    pub audit: Actor,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = parts.extensions.get::<CurrentUser>().cloned();
        let Ok(who) = Principal::from_request_parts(parts, state).await;
        let (by, audit) = match (&who, &user) {
            (Principal::Token, _) => (
                "администратор (API)".to_string(),
                Actor {
                    label: "администратор (API)".into(),
                    ..Actor::system()
                },
            ),
            (Principal::User(grants), Some(u)) if !grants.is_empty() => {
                (u.email.clone(), u.actor())
            }
            // Logged in without any role.
            (_, Some(_)) => return Err(AppError::Forbidden.into_response()),
            // Not logged in: the login page, then back here.
            (_, None) => {
                return Err(match CurrentUser::from_request_parts(parts, state).await {
                    Err(login) => login.into_response(),
                    Ok(_) => AppError::Forbidden.into_response(),
                });
            }
        };
        let csrf = CsrfToken::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Staff {
            who,
            by,
            csrf: csrf.value().to_string(),
            audit,
        })
    }
}

/// The visitor the path names: the holder of the link on `/s/{token}/…`, else a staff visitor
/// on `/rounds/{rid}/…` (see [`staff_ctx`] and [`link_ctx`]).
impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let param = |name: &str| {
            params
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        let ctx = match (param("token"), param("rid")) {
            (Some(token), _) => link_ctx(state, &token).await,
            (None, rid) => {
                let staff = Staff::from_request_parts(parts, state).await?;
                staff_ctx(state, staff, &rid.unwrap_or_default()).await
            }
        };
        ctx.map_err(IntoResponse::into_response)
    }
}

/// The path of an institution's pages: the staff path names the institution
/// (`/rounds/{rid}/institutions/{iid}`), a link implies its own ([`Ctx::institution`]).
#[derive(serde::Deserialize)]
pub struct InstitutionAt {
    pub iid: Option<String>,
}

async fn load_round(state: &AppState, rid: &str) -> Result<RoundRow, AppError> {
    let id = parse_id(rid, "отчетен кръг")?;
    store::get_round(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Няма отчетен кръг с номер {id}.")))
}

/// A staff visitor on a round: anyone who may see some of it; otherwise "not found", so ids of
/// other municipalities' rounds reveal nothing.
async fn staff_ctx(state: &AppState, staff: Staff, rid: &str) -> Result<Ctx, AppError> {
    let round = load_round(state, rid).await?;
    let ctx = Ctx {
        base: format!("/rounds/{}", round.id),
        round,
        who: staff.who,
        by: staff.by,
        link_institution: None,
        csrf: staff.csrf,
        audit: staff.audit,
    };
    if !ctx.may(&ctx.oversee()) && ctx.own_institutions().is_empty() {
        return Err(AppError::not_found(format!(
            "Няма отчетен кръг с номер {rid}."
        )));
    }
    Ok(ctx)
}

/// The visitor of a personal submission link: valid only while the round is open and the link
/// is not revoked.
async fn link_ctx(state: &AppState, token: &str) -> Result<Ctx, AppError> {
    let invalid = || {
        AppError::not_found(
            "Тази връзка за подаване на отчет не е валидна: отменена е или отчетният кръг е приключил. \
             Обърнете се към координатора в общината.",
        )
    };
    let Some((link_id, round_id, institution_id)) = links::resolve(&state.db, token).await? else {
        // A link of a closed round says so (issue 17: closed links show as closed everywhere).
        return Err(match links::closed_round_of(&state.db, token).await? {
            Some(year) => AppError::NotFound(format!(
                "Отчетният кръг за {year} г. е приключен: тази връзка вече не приема отчети. \
                 Обърнете се към координатора в общината, ако нещо липсва."
            )),
            None => invalid(),
        });
    };
    let round = store::get_round(&state.db, round_id)
        .await?
        .ok_or_else(invalid)?;
    Ok(Ctx {
        base: format!("/s/{token}"),
        who: Principal::Link(Link {
            link_id,
            round_id,
            institution_id,
        }),
        by: format!("link:{link_id}"),
        round,
        link_institution: Some(institution_id),
        // The form token of link pages is derived from the link (the pages' only credential).
        csrf: crate::web::auth::link_csrf(token),
        audit: Actor::link(link_id, &format!("институция {institution_id}"), None),
    })
}

impl From<MonitoringError> for AppError {
    fn from(e: MonitoringError) -> AppError {
        match e {
            MonitoringError::NotFound(m) => AppError::NotFound(m),
            MonitoringError::Refused(m) => AppError::BadRequest(m),
            MonitoringError::Workflow(w) if w.is_conflict() => AppError::Conflict(w.to_string()),
            // A missing field (a reason, a status) rather than the record's state: 422.
            MonitoringError::Workflow(w) => AppError::Invalid {
                message: w.to_string(),
                fields: Vec::new(),
            },
            other => AppError::Internal(other.to_string()),
        }
    }
}
