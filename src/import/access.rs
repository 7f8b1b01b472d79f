//! Who may import plans on the web, as the policy says (`Action::ImportPlan`): an
//! administrator (account, or the administration token) for any municipality, a coordinator
//! for the municipalities of their grants only, as a new plan or a new version of one of their
//! plans. This module only gathers what the policy needs (the municipality's place by name).

use crate::policy::{Action, Kind, Place, Principal};
use crate::web::auth::CurrentUser;
use crate::web::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// The importer of a request and where they may import.
#[derive(Debug, Clone)]
pub struct Importer {
    pub principal: Principal,
    /// The logged-in user; None for the administration token.
    pub user: Option<CurrentUser>,
    /// Every known municipality: name → (id, place).
    places: HashMap<String, Place>,
    /// The names of the municipalities of the importer's grants, in grant order.
    own: Vec<String>,
}

impl Importer {
    /// Whether a plan of the municipality named `name` may be imported (a name not known yet
    /// is a new municipality).
    pub fn may_import_for(&self, name: &str) -> bool {
        let place = self.places.get(name.trim()).cloned();
        self.principal.may(&Action::ImportPlan(place))
    }

    /// The refusal for a plan of another municipality, in Bulgarian.
    pub fn refusal(&self, name: &str) -> String {
        format!(
            "Можете да внасяте планове само на община {}, а този план е на община „{}“.",
            self.own.join(", "),
            name.trim()
        )
    }
}

impl FromRequestParts<AppState> for Importer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(principal) = Principal::from_request_parts(parts, state).await;
        let user = parts.extensions.get::<CurrentUser>().cloned();
        if !principal.is_known() {
            // A browser without an account is sent to the login page, and back afterwards.
            return Err(match CurrentUser::from_request_parts(parts, state).await {
                Err(login) if parts.method == axum::http::Method::GET => login.into_response(),
                _ => AppError::Unauthorized.into_response(),
            });
        }
        Importer::of(state, principal, user)
            .await
            .map_err(IntoResponse::into_response)
    }
}

impl Importer {
    /// The importer `principal` (with its `user`, if a person) is; 403 when it may import
    /// nowhere.
    pub async fn of(
        state: &AppState,
        principal: Principal,
        user: Option<CurrentUser>,
    ) -> Result<Importer, AppError> {
        let reach = principal.reach(Kind::ImportPlan);
        if reach.is_empty() {
            return Err(AppError::Forbidden);
        }
        let rows = municipalities(state).await?;
        let own = reach
            .municipalities
            .iter()
            .filter_map(|m| rows.iter().find(|(id, ..)| id == m))
            .map(|(_, name, _)| name.clone())
            .collect();
        let places = rows
            .into_iter()
            .map(|(id, name, district)| (name, Place::new(id, district)))
            .collect();
        Ok(Importer {
            principal,
            user,
            places,
            own,
        })
    }
}

async fn municipalities(state: &AppState) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as(concat!(
        "SELECT mu.id, mu.name, ",
        crate::district_code_sql!(now),
        " FROM municipalities mu ORDER BY mu.id"
    ))
    .fetch_all(&state.db.pool)
    .await
}

/// The name of the municipality of stored plan `id`, if there is such a plan.
pub async fn plan_municipality(state: &AppState, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT mu.name FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await
}
