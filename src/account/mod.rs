//! Accounts: users, their role grants (a [`Role`] over a [`Scope`]), e-mail and password
//! rules, login throttling. SQL in `store.rs`, pages in `pages.rs`, password hashing in
//! `secret.rs`. What a role allows on which records is decided in `crate::policy` only; the
//! request side (sessions, the `CurrentUser` extractor, CSRF) lives in `web::auth`.

pub mod admin;
pub mod cli;
pub mod demo;
pub mod pages;
pub mod secret;
pub mod store;
pub mod views;

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Coordinator,
    Reviewer,
    Reporter,
    DistrictCoordinator,
    DistrictReviewer,
    NationalCoordinator,
    NationalViewer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Administrator,
        Role::Coordinator,
        Role::Reviewer,
        Role::Reporter,
        Role::DistrictCoordinator,
        Role::DistrictReviewer,
        Role::NationalCoordinator,
        Role::NationalViewer,
    ];

    /// The roles the user administration form grants (its scope choices are municipalities
    /// and institutions; district and national grants come with the districts' data).
    pub const IN_FORM: [Role; 8] = [
        Role::Administrator,
        Role::Coordinator,
        Role::Reviewer,
        Role::Reporter,
        Role::DistrictCoordinator,
        Role::DistrictReviewer,
        Role::NationalCoordinator,
        Role::NationalViewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Coordinator => "coordinator",
            Role::Reviewer => "reviewer",
            Role::Reporter => "reporter",
            Role::DistrictCoordinator => "district_coordinator",
            Role::DistrictReviewer => "district_reviewer",
            Role::NationalCoordinator => "national_coordinator",
            Role::NationalViewer => "national_viewer",
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
            Role::DistrictCoordinator => "role.district_coordinator",
            Role::DistrictReviewer => "role.district_reviewer",
            Role::NationalCoordinator => "role.national_coordinator",
            Role::NationalViewer => "role.national_viewer",
        }
    }

    /// The kind of scope the role is granted on.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Administrator => ScopeKind::Global,
            Role::Coordinator | Role::Reviewer => ScopeKind::Municipality,
            Role::Reporter => ScopeKind::Institution,
            Role::DistrictCoordinator | Role::DistrictReviewer => ScopeKind::District,
            Role::NationalCoordinator | Role::NationalViewer => ScopeKind::National,
        }
    }
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
    /// Every municipality (national roles).
    National,
    /// The municipalities of one district, by its ЕКАТТЕ code (`PDV`), under the tree in force.
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
}

/// One role over one scope, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: i64,
    pub role: Role,
    pub scope: Scope,
}

/// The scope a role is granted on, from the choices of a form or the command line.
pub fn scope_for(
    role: Role,
    municipality: Option<i64>,
    institution: Option<i64>,
    district: Option<&str>,
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
        ScopeKind::District => district
            .map(str::trim)
            .and_then(|d| crate::territory::tree().district(d))
            .map(|d| Scope::District(d.code.clone()))
            .ok_or_else(|| mismatch("област")),
        ScopeKind::National => Ok(Scope::National),
        ScopeKind::Global => Ok(Scope::Global),
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

    #[test]
    fn roles_take_the_scope_they_are_granted_on() {
        assert_eq!(
            scope_for(Role::Administrator, Some(1), None, None).ok(),
            Some(Scope::Global)
        );
        assert_eq!(
            scope_for(Role::Reviewer, Some(1), Some(2), None).ok(),
            Some(Scope::Municipality(1))
        );
        assert!(scope_for(Role::Coordinator, None, None, None).is_err());
        assert!(scope_for(Role::Reporter, Some(1), None, None).is_err());
        assert!(scope_for(Role::DistrictReviewer, Some(1), None, None).is_err());
        assert!(scope_for(Role::DistrictReviewer, None, None, Some("XXX")).is_err());
        assert_eq!(
            scope_for(Role::DistrictReviewer, None, None, Some("PDV")).ok(),
            Some(Scope::District("PDV".into()))
        );
        assert_eq!(
            scope_for(Role::NationalViewer, None, None, None).ok(),
            Some(Scope::National)
        );
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
        assert_eq!(Scope::District("PDV".into()).key(), "d:PDV");
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
