//! Demo accounts for `serve --demo`: an administrator, a coordinator and a reviewer per
//! municipality, a reporter for the two institutions with most measures in each. Marked as
//! demo; their random passwords are set anew at every demo start and printed once.
//! Accounts that are not demo accounts are never touched.

use super::secret::{generate_password, hash_password};
use super::{Email, Role, Scope, store};
use crate::audit::{Actor, Event};
use crate::db::Db;
use crate::registry::slugify;

/// One demo login, to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub role: String,
    pub password: String,
}

/// The demo domain: `.example` is reserved, so no mail ever leaves for it.
const DOMAIN: &str = "demo.planmon.example";

/// Creates (or refreshes) the demo accounts for the municipalities in the database.
pub async fn accounts(db: &Db) -> anyhow::Result<Vec<DemoLogin>> {
    let mut wanted: Vec<(String, String, Role, Scope)> = vec![(
        format!("admin@{DOMAIN}"),
        "администратор".into(),
        Role::Administrator,
        Scope::Global,
    )];
    for (m, name) in store::municipalities(db).await? {
        let slug = slugify(&name);
        wanted.push((
            format!("koordinator.{slug}@{DOMAIN}"),
            format!("координатор, Община {name}"),
            Role::Coordinator,
            Scope::Municipality(m),
        ));
        wanted.push((
            format!("zveno.{slug}@{DOMAIN}"),
            format!("звено за мониторинг, Община {name}"),
            Role::Reviewer,
            Scope::Municipality(m),
        ));
        let busiest: Vec<(i64, String)> = sqlx::query_as(
            "SELECT i.id, i.name FROM institutions i \
             JOIN measure_institutions mi ON mi.institution_id = i.id \
             JOIN measures ms ON ms.id = mi.measure_id \
             JOIN plans p ON p.id = ms.plan_id \
             WHERE p.municipality_id = $1 \
             GROUP BY i.id, i.name ORDER BY COUNT(*) DESC, i.name LIMIT 2",
        )
        .bind(m)
        .fetch_all(&db.pool)
        .await?;
        for (n, (institution, iname)) in busiest.into_iter().enumerate() {
            wanted.push((
                format!("institucia{}.{slug}@{DOMAIN}", n + 1),
                format!("{iname}, Община {name}"),
                Role::Reporter,
                Scope::Institution {
                    municipality: m,
                    institution,
                },
            ));
        }
    }
    let mut out = Vec::new();
    for (email, label, role, scope) in wanted {
        let email = Email::try_from(email.as_str())?;
        let password = generate_password()?;
        let hash = hash_password(&password)?;
        let mut tx = db.pool.begin().await?;
        let existing: Option<(i64, i64)> =
            sqlx::query_as("SELECT id, demo FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let id = match existing {
            Some((_, 0)) => continue,
            Some((id, _)) => {
                store::set_password(&mut tx, id, &hash, None).await?;
                id
            }
            None => {
                let id = store::create_user(&mut tx, &email, &label, &hash, true).await?;
                Event::new(Actor::system(), "user.create", "user", id)
                    .after(&serde_json::json!({"email": email.as_str(), "demo": true}))
                    .record(&mut *tx)
                    .await?;
                id
            }
        };
        store::add_grant(&mut tx, id, role, &scope).await?;
        tx.commit().await?;
        out.push(DemoLogin {
            email: email.to_string(),
            role: label,
            password,
        });
    }
    Ok(out)
}
