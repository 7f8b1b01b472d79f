//! Who may import plans on the web: an administrator (account, or the administration token)
//! for any municipality; a coordinator (`Permission::ManagePlans` on a municipality) for the
//! municipalities of their grants only, as a new plan or a new version of one of their plans.

use crate::account::Permission;
use crate::web::admin::Admin;
use crate::web::auth::CurrentUser;
use crate::web::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// The importer of a request and where they may import.
#[derive(Debug, Clone)]
pub struct Importer {
    /// The logged-in user; None for the administration token.
    pub user: Option<CurrentUser>,
    /// None: every municipality; else the names of the municipalities they may import for.
    pub municipalities: Option<Vec<String>>,
}

impl Importer {
    /// Whether a plan of the municipality named `name` may be imported.
    pub fn may_import_for(&self, name: &str) -> bool {
        self.municipalities
            .as_ref()
            .is_none_or(|m| m.iter().any(|n| n == name.trim()))
    }

    /// The refusal for a plan of another municipality, in Bulgarian.
    pub fn refusal(&self, name: &str) -> String {
        let own = self
            .municipalities
            .as_ref()
            .map(|m| m.join(", "))
            .unwrap_or_default();
        format!(
            "Можете да внасяте планове само на община {own}, а този план е на община „{}“.",
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
        let user = parts.extensions.get::<CurrentUser>().cloned();
        if let Some(u) = &user {
            match u.municipalities_with(Permission::ManagePlans) {
                None => {
                    return Ok(Importer {
                        user,
                        municipalities: None,
                    });
                }
                Some(ids) if !ids.is_empty() => {
                    let names = municipality_names(state, &ids)
                        .await
                        .map_err(|e| AppError::from(e).into_response())?;
                    return Ok(Importer {
                        user,
                        municipalities: Some(names),
                    });
                }
                Some(_) => {}
            }
        }
        // Otherwise only the administration token opens the pages; a logged-in user without
        // the right is refused rather than sent to the token's login form.
        match Admin::from_request_parts(parts, state).await {
            Ok(_) => Ok(Importer {
                user,
                municipalities: None,
            }),
            Err(_) if user.is_some() => Err(AppError::Forbidden.into_response()),
            Err(refused) => Err(refused),
        }
    }
}

async fn municipality_names(state: &AppState, ids: &[i64]) -> sqlx::Result<Vec<String>> {
    let mut names = Vec::new();
    for id in ids {
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM municipalities WHERE id = $1")
                .bind(id)
                .fetch_optional(&state.db.pool)
                .await?;
        names.extend(name);
    }
    Ok(names)
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
