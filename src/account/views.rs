//! Accounts as pages show them: a grant's role and where it applies, by name.

use super::{Grant, Scope, store};
use crate::web::{AppError, AppState};

/// A grant as shown: the role's name and where it applies.
pub struct GrantView {
    pub id: i64,
    pub role_key: &'static str,
    pub scope: String,
}

pub async fn grant_views(state: &AppState, grants: &[Grant]) -> Result<Vec<GrantView>, AppError> {
    let (municipalities, institutions) = store::scope_names(&state.db).await?;
    let name = |map: &std::collections::HashMap<i64, String>, id: &i64| {
        map.get(id).cloned().unwrap_or_else(|| format!("№ {id}"))
    };
    Ok(grants
        .iter()
        .map(|g| GrantView {
            id: g.id,
            role_key: g.role.label_key(),
            scope: match &g.scope {
                Scope::Global => String::new(),
                Scope::National => "национално ниво".into(),
                Scope::District(d) => format!(
                    "област {}",
                    crate::territory::tree()
                        .district(d)
                        .map_or(d.as_str(), |x| x.name.as_str())
                ),
                Scope::Municipality(m) => format!("Община {}", name(&municipalities, m)),
                Scope::Institution {
                    municipality,
                    institution,
                } => format!(
                    "{}, Община {}",
                    name(&institutions, institution),
                    name(&municipalities, municipality)
                ),
            },
        })
        .collect())
}
