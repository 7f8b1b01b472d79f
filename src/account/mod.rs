//! Accounts and roles: who may do what, where. Pure rules here; SQL in `store.rs`, pages in
//! `pages.rs`, password hashing and random tokens in `secret.rs`. The request side (sessions,
//! the `CurrentUser` extractor, CSRF) lives in `web::auth`.
//!
//! A user holds role grants; each grant is a [`Role`] over a [`Scope`]. A permission is
//! allowed on a target scope when some grant's role includes the permission and the grant's
//! scope covers the target:
//!
//! | role | scope | may |
//! |---|---|---|
//! | administrator | global | everything |
//! | coordinator | municipality | plans, rounds, submission links, updates on behalf of institutions, the annual report (narrative, adoption, publishing), the audit log |
//! | reviewer | municipality | read updates, approve or return them; approve or return the annual report |
//! | reporter | institution in a municipality | read and submit its own updates |
//!
//! District and national scopes are stored already and cover nothing yet, so they can be granted
//! once their pages exist without a new schema.

pub mod admin;
pub mod cli;
pub mod demo;
pub mod pages;
pub mod secret;
pub mod store;

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Coordinator,
    Reviewer,
    Reporter,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Coordinator,
        Role::Reviewer,
        Role::Reporter,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Coordinator => "coordinator",
            Role::Reviewer => "reviewer",
            Role::Reporter => "reporter",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The message key of the role's Bulgarian/English name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Administrator => "role.administrator",
            Role::Coordinator => "role.coordinator",
            Role::Reviewer => "role.reviewer",
            Role::Reporter => "role.reporter",
        }
    }

    /// What the role allows inside the scope it is granted on.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Administrator => true,
            Role::Coordinator => matches!(
                p,
                ManagePlans
                    | ManageRounds
                    | ManageLinks
                    | ViewUpdates
                    | SubmitUpdates
                    | ViewAudit
                    | ManageReports
            ),
            Role::Reviewer => matches!(p, ViewUpdates | ReviewUpdates | ApproveReports),
            Role::Reporter => matches!(p, ViewUpdates | SubmitUpdates),
        }
    }

    /// The kind of scope the role is granted on.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Administrator => ScopeKind::Global,
            Role::Coordinator | Role::Reviewer => ScopeKind::Municipality,
            Role::Reporter => ScopeKind::Institution,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create users, grant and revoke roles.
    ManageUsers,
    /// Import, edit and version plans.
    ManagePlans,
    /// Open, edit and close reporting rounds; assign measures to institutions.
    ManageRounds,
    /// Create and revoke submission links; send reminders.
    ManageLinks,
    /// Read the updates of a round.
    ViewUpdates,
    /// Write and submit updates (an institution's own, or on its behalf).
    SubmitUpdates,
    /// Approve or return submitted updates.
    ReviewUpdates,
    /// Read the audit log.
    ViewAudit,
    /// Write the annual report's narrative, submit it, record the council's adoption, publish
    /// it, start a correction.
    ManageReports,
    /// Approve the annual report for the monitoring body, or return it.
    ApproveReports,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Global,
    National,
    District,
    Municipality,
    Institution,
}

impl ScopeKind {
    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Global => "global",
            ScopeKind::National => "national",
            ScopeKind::District => "district",
            ScopeKind::Municipality => "municipality",
            ScopeKind::Institution => "institution",
        }
    }
}

/// Where a grant applies, or what a request touches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Everything (administrators).
    Global,
    /// Reserved for national roll-up roles; covers nothing yet.
    National,
    /// Reserved for district roles (`municipalities.district`); covers nothing yet.
    District(String),
    Municipality(i64),
    /// One responsible institution's work in one municipality.
    Institution {
        municipality: i64,
        institution: i64,
    },
}

impl Scope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Global => ScopeKind::Global,
            Scope::National => ScopeKind::National,
            Scope::District(_) => ScopeKind::District,
            Scope::Municipality(_) => ScopeKind::Municipality,
            Scope::Institution { .. } => ScopeKind::Institution,
        }
    }

    /// The text that makes a grant unique: "global", "m:3", "m:3:i:7", "d:NAME", "national".
    pub fn key(&self) -> String {
        match self {
            Scope::Global => "global".into(),
            Scope::National => "national".into(),
            Scope::District(d) => format!("d:{d}"),
            Scope::Municipality(m) => format!("m:{m}"),
            Scope::Institution {
                municipality,
                institution,
            } => format!("m:{municipality}:i:{institution}"),
        }
    }

    pub fn municipality(&self) -> Option<i64> {
        match self {
            Scope::Municipality(m)
            | Scope::Institution {
                municipality: m, ..
            } => Some(*m),
            _ => None,
        }
    }

    /// Whether a grant on `self` reaches `target`.
    pub fn covers(&self, target: &Scope) -> bool {
        match (self, target) {
            (Scope::Global, _) => true,
            (Scope::Municipality(m), t) => t.municipality() == Some(*m),
            (Scope::Institution { .. }, t) => self == t,
            // District and national grants get their meaning with their pages.
            (Scope::National | Scope::District(_), _) => false,
        }
    }
}

/// One role over one scope, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: i64,
    pub role: Role,
    pub scope: Scope,
}

impl Grant {
    pub fn allows(&self, p: Permission, target: &Scope) -> bool {
        self.role.allows(p) && self.scope.covers(target)
    }
}

/// Whether any of `grants` allows `p` on `target`.
pub fn can(grants: &[Grant], p: Permission, target: &Scope) -> bool {
    grants.iter().any(|g| g.allows(p, target))
}

/// The municipalities where `p` is allowed: `None` means all of them (a global grant).
pub fn municipalities_with(grants: &[Grant], p: Permission) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    for g in grants.iter().filter(|g| g.role.allows(p)) {
        match &g.scope {
            Scope::Global => return None,
            s => {
                if let Some(m) = s.municipality()
                    && matches!(s, Scope::Municipality(_))
                    && !out.contains(&m)
                {
                    out.push(m);
                }
            }
        }
    }
    Some(out)
}

/// The scope a role is granted on, from the choices of a form or the command line.
pub fn scope_for(
    role: Role,
    municipality: Option<i64>,
    institution: Option<i64>,
) -> Result<Scope, AccountError> {
    let mismatch = |needs| AccountError::ScopeMismatch {
        role: role.code().into(),
        needs,
    };
    match role.scope_kind() {
        ScopeKind::Municipality => municipality
            .map(Scope::Municipality)
            .ok_or_else(|| mismatch("община")),
        ScopeKind::Institution => match (municipality, institution) {
            (Some(m), Some(i)) => Ok(Scope::Institution {
                municipality: m,
                institution: i,
            }),
            _ => Err(mismatch("община и институция")),
        },
        _ => Ok(Scope::Global),
    }
}

/// Failed logins tolerated per account (since its last success) within [`THROTTLE_MINUTES`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed logins tolerated from one address within [`THROTTLE_MINUTES`].
pub const MAX_FAILURES_PER_IP: i64 = 20;
pub const THROTTLE_MINUTES: i64 = 15;

/// Whether a login must be refused without checking the password: `f` counts the attempts of
/// the window including this one, so the first `MAX_…` are checked.
pub fn throttled(f: store::RecentFailures) -> bool {
    f.for_account > MAX_FAILURES_PER_ACCOUNT || f.from_ip > MAX_FAILURES_PER_IP
}

/// A login name: an e-mail address, trimmed and in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for Email {
    type Error = AccountError;

    fn try_from(text: &str) -> Result<Email, AccountError> {
        let e = text.trim().to_lowercase();
        let ok = e.len() <= 254
            && !e.chars().any(char::is_whitespace)
            && e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
            });
        if ok {
            Ok(Email(e))
        } else {
            Err(AccountError::BadEmail(text.trim().to_string()))
        }
    }
}

/// Shortest password accepted; passphrases are welcome (no composition rules, NIST 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted, so hashing stays cheap for the server.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password: length only.
pub fn check_new_password(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(AccountError::PasswordTooShort)
    } else if n > MAX_PASSWORD_CHARS {
        Err(AccountError::PasswordTooLong)
    } else {
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("„{0}“ не е валиден адрес на електронна поща")]
    BadEmail(String),
    #[error("паролата трябва да е поне {MIN_PASSWORD_CHARS} знака")]
    PasswordTooShort,
    #[error("паролата трябва да е най-много {MAX_PASSWORD_CHARS} знака")]
    PasswordTooLong,
    #[error("вече има потребител с адрес {0}")]
    EmailTaken(String),
    #[error("няма потребител {0}")]
    NoSuchUser(String),
    #[error("няма община „{0}“")]
    NoSuchMunicipality(String),
    #[error("няма институция „{0}“ в регистъра")]
    NoSuchInstitution(String),
    #[error("ролята „{role}“ изисква {needs}")]
    ScopeMismatch { role: String, needs: &'static str },
    #[error("непозната роля „{0}“: очаква се administrator, coordinator, reviewer или reporter")]
    UnknownRole(String),
    #[error("грешка при хеширане на паролата: {0}")]
    Hash(String),
    #[error("грешка в базата данни: {0}")]
    Sql(#[from] sqlx::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, scope: Scope) -> Grant {
        Grant { id: 1, role, scope }
    }

    #[test]
    fn administrator_may_do_everything_everywhere() {
        let g = [grant(Role::Administrator, Scope::Global)];
        assert!(can(&g, Permission::ManageUsers, &Scope::Global));
        assert!(can(&g, Permission::ViewAudit, &Scope::Municipality(9)));
        assert_eq!(municipalities_with(&g, Permission::ViewAudit), None);
    }

    #[test]
    fn coordinator_acts_only_in_its_own_municipality() {
        let g = [grant(Role::Coordinator, Scope::Municipality(1))];
        assert!(can(&g, Permission::ViewAudit, &Scope::Municipality(1)));
        assert!(!can(&g, Permission::ViewAudit, &Scope::Municipality(2)));
        assert!(can(
            &g,
            Permission::SubmitUpdates,
            &Scope::Institution {
                municipality: 1,
                institution: 5
            }
        ));
        assert!(!can(&g, Permission::ManageUsers, &Scope::Global));
        assert!(!can(&g, Permission::ReviewUpdates, &Scope::Municipality(1)));
        assert_eq!(
            municipalities_with(&g, Permission::ViewAudit),
            Some(vec![1])
        );
    }

    #[test]
    fn reviewer_reviews_but_does_not_edit_values() {
        let g = [grant(Role::Reviewer, Scope::Municipality(1))];
        assert!(can(&g, Permission::ReviewUpdates, &Scope::Municipality(1)));
        assert!(!can(&g, Permission::SubmitUpdates, &Scope::Municipality(1)));
        assert!(!can(&g, Permission::ViewAudit, &Scope::Municipality(1)));
    }

    #[test]
    fn reporter_reaches_only_its_own_institution_in_its_municipality() {
        let own = Scope::Institution {
            municipality: 1,
            institution: 5,
        };
        let g = [grant(Role::Reporter, own.clone())];
        assert!(can(&g, Permission::SubmitUpdates, &own));
        let other_institution = Scope::Institution {
            municipality: 1,
            institution: 6,
        };
        let same_institution_elsewhere = Scope::Institution {
            municipality: 2,
            institution: 5,
        };
        assert!(!can(&g, Permission::SubmitUpdates, &other_institution));
        assert!(!can(
            &g,
            Permission::SubmitUpdates,
            &same_institution_elsewhere
        ));
        assert!(!can(&g, Permission::ViewUpdates, &Scope::Municipality(1)));
        assert_eq!(
            municipalities_with(&g, Permission::ViewUpdates),
            Some(vec![])
        );
    }

    #[test]
    fn district_and_national_grants_cover_nothing_yet() {
        let g = [
            grant(Role::Coordinator, Scope::District("Пловдив".into())),
            grant(Role::Reviewer, Scope::National),
        ];
        assert!(!can(&g, Permission::ViewUpdates, &Scope::Municipality(1)));
    }

    #[test]
    fn roles_take_the_scope_they_are_granted_on() {
        assert_eq!(
            scope_for(Role::Administrator, Some(1), None).ok(),
            Some(Scope::Global)
        );
        assert_eq!(
            scope_for(Role::Reviewer, Some(1), Some(2)).ok(),
            Some(Scope::Municipality(1))
        );
        assert!(scope_for(Role::Coordinator, None, None).is_err());
        assert!(scope_for(Role::Reporter, Some(1), None).is_err());
    }

    #[test]
    fn throttling_starts_at_the_limits() {
        let f = |a, i| store::RecentFailures {
            for_account: a,
            from_ip: i,
        };
        assert!(!throttled(f(MAX_FAILURES_PER_ACCOUNT, 1)));
        assert!(throttled(f(MAX_FAILURES_PER_ACCOUNT + 1, 1)));
        assert!(!throttled(f(1, MAX_FAILURES_PER_IP)));
        assert!(throttled(f(1, MAX_FAILURES_PER_IP + 1)));
    }

    #[test]
    fn scope_keys_are_distinct_per_scope() {
        assert_eq!(Scope::Municipality(3).key(), "m:3");
        assert_eq!(
            Scope::Institution {
                municipality: 3,
                institution: 7
            }
            .key(),
            "m:3:i:7"
        );
        assert_eq!(Scope::District("Пловдив".into()).key(), "d:Пловдив");
    }

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            Email::try_from("  Ana@Obshtina.BG ")
                .map(|e| e.to_string())
                .ok(),
            Some("ana@obshtina.bg".to_string())
        );
        for bad in ["", "ana", "ana@", "@x.bg", "a b@x.bg", "ana@localhost"] {
            assert!(Email::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_passwords_are_checked_by_length_only() {
        assert!(check_new_password("кратка").is_err());
        assert!(check_new_password("дълга фраза за вход").is_ok());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }
}
