//! `planmon user add|grant|list`: accounts from the server's command line (the first
//! administrator is created this way; there is no default password anywhere).

use super::secret::{generate_password, hash_password};
use super::{AccountError, Email, Role, Scope, check_new_password, scope_for, store};
use crate::audit::{Actor, Event};
use crate::db::Db;
use crate::registry::RegistryKind;
use anyhow::Context;
use serde_json::json;
use sqlx::AnyConnection;

/// What `user add` and `user grant` were asked to grant.
#[derive(Debug, Clone, Default)]
pub struct RoleRequest {
    pub admin: bool,
    pub role: Option<String>,
    pub municipality: Option<String>,
    pub institution: Option<String>,
    /// A district's code (`PDV`) for district roles.
    pub district: Option<String>,
}

async fn resolve(
    conn: &mut AnyConnection,
    r: &RoleRequest,
) -> anyhow::Result<Option<(Role, Scope)>> {
    let role = match (&r.role, r.admin) {
        (_, true) => Role::Administrator,
        (Some(code), false) => {
            Role::parse(code).ok_or_else(|| AccountError::UnknownRole(code.clone()))?
        }
        (None, false) => return Ok(None),
    };
    let municipality = match &r.municipality {
        Some(name) => Some(
            store::municipality_by_name(&mut *conn, name)
                .await?
                .ok_or_else(|| AccountError::NoSuchMunicipality(name.clone()))?,
        ),
        None => None,
    };
    let institution = match &r.institution {
        Some(name) => Some(
            crate::registry::store::find(&mut *conn, RegistryKind::Institution, name)
                .await?
                .ok_or_else(|| AccountError::NoSuchInstitution(name.clone()))?,
        ),
        None => None,
    };
    Ok(Some((
        role,
        scope_for(role, municipality, institution, r.district.as_deref())?,
    )))
}

async fn grant(
    conn: &mut AnyConnection,
    user_id: i64,
    role: Role,
    scope: &Scope,
) -> anyhow::Result<bool> {
    let Some(grant_id) = store::add_grant(&mut *conn, user_id, role, scope).await? else {
        return Ok(false);
    };
    Event::new(Actor::cli(), "user.grant", "user", user_id)
        .municipality(scope.municipality())
        .after(&json!({"grant": grant_id, "role": role.code(), "scope": scope.key()}))
        .record(&mut *conn)
        .await?;
    Ok(true)
}

/// Creates a user; returns the generated password when none was given (to print once).
pub async fn add(
    db: &Db,
    email: &str,
    name: &str,
    password: Option<String>,
    request: &RoleRequest,
) -> anyhow::Result<Option<String>> {
    let email = Email::try_from(email)?;
    let (password, generated) = match password {
        Some(p) => {
            check_new_password(&p)?;
            (p, false)
        }
        None => (generate_password()?, true),
    };
    let hash = hash_password(&password)?;
    let mut tx = db.pool.begin().await?;
    let role = resolve(&mut tx, request).await?;
    let id = store::create_user(&mut tx, &email, name, &hash, false).await?;
    Event::new(Actor::cli(), "user.create", "user", id)
        .after(&json!({"email": email.as_str(), "name": name.trim()}))
        .record(&mut *tx)
        .await?;
    if let Some((role, scope)) = role {
        grant(&mut tx, id, role, &scope).await?;
    }
    tx.commit().await?;
    Ok(generated.then_some(password))
}

/// Grants a role to an existing user; `false` when it was held already.
pub async fn grant_role(db: &Db, email: &str, request: &RoleRequest) -> anyhow::Result<bool> {
    let email = Email::try_from(email)?;
    let mut tx = db.pool.begin().await?;
    let (user_id, _, _) = store::credentials(db, &email)
        .await?
        .ok_or_else(|| AccountError::NoSuchUser(email.to_string()))?;
    let (role, scope) = resolve(&mut tx, request)
        .await?
        .context("посочете роля: --admin или --role")?;
    let added = grant(&mut tx, user_id, role, &scope).await?;
    tx.commit().await?;
    Ok(added)
}

/// One line per user: e-mail, state, roles.
pub async fn list(db: &Db) -> anyhow::Result<String> {
    let (municipalities, institutions) = store::scope_names(db).await?;
    let mut conn = db.pool.acquire().await?;
    let mut out = String::new();
    for u in store::list_users(db).await? {
        let grants = store::grants(&mut conn, u.id).await?;
        let roles: Vec<String> = grants
            .iter()
            .map(|g| {
                let name = |m: &std::collections::HashMap<i64, String>, id: &i64| {
                    m.get(id).cloned().unwrap_or_else(|| id.to_string())
                };
                match &g.scope {
                    Scope::Municipality(m) => {
                        format!("{} ({})", g.role.code(), name(&municipalities, m))
                    }
                    Scope::Institution {
                        municipality,
                        institution,
                    } => format!(
                        "{} ({}, {})",
                        g.role.code(),
                        name(&institutions, institution),
                        name(&municipalities, municipality)
                    ),
                    _ => g.role.code().to_string(),
                }
            })
            .collect();
        let state = match (u.active, u.demo) {
            (false, _) => " [деактивиран]",
            (true, true) => " [демо]",
            (true, false) => "",
        };
        out.push_str(&format!(
            "{}{}\t{}\n",
            u.email,
            state,
            if roles.is_empty() {
                "без роли".to_string()
            } else {
                roles.join(", ")
            }
        ));
    }
    Ok(out)
}
