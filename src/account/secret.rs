//! Passwords: argon2id hashes and generated passwords. Random tokens and their digests are in
//! `crate::token`.

use super::AccountError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// argon2id with the library's defaults (19 MiB, 2 passes, 1 lane: the OWASP baseline).
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes a password into a PHC string (`$argon2id$v=19$…`). Slow on purpose: call it from
/// `spawn_blocking` in request handlers.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut salt_bytes = [0u8; 16];
    fill_random(&mut salt_bytes)?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// The id of the account a login opens: the password is right and the account active.
/// `account` is (id, active, stored hash) when the e-mail is known. Exactly one argon2 check
/// either way (an unknown e-mail is checked against a hash of a password nobody has), so a
/// wrong e-mail takes as long to refuse as a wrong password. Slow: call from `spawn_blocking`.
pub fn check_login(account: Option<(i64, bool, &str)>, password: &str) -> Option<i64> {
    check_login_with(account, password, verify_password)
}

fn check_login_with(
    account: Option<(i64, bool, &str)>,
    password: &str,
    verify: impl Fn(&str, &str) -> bool,
) -> Option<i64> {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("planmon-dummy-password").unwrap_or_default());
    match account {
        Some((id, active, hash)) => (verify(password, hash) && active).then_some(id),
        None => {
            let _ = verify(password, &DUMMY);
            None
        }
    }
}

fn fill_random(buf: &mut [u8]) -> Result<(), AccountError> {
    getrandom::fill(buf).map_err(|e| AccountError::Hash(format!("random: {e}")))
}

/// A generated password of 20 characters from an alphabet without look-alikes (0/O, 1/l/I).
pub fn generate_password() -> Result<String, AccountError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    fill_random(&mut bytes)?;
    // 256 % 57 leaves a bias under 0.5% per character: irrelevant at 20 characters.
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_checks_one_password_whether_the_account_exists_or_not() {
        let right = hash_password("right").expect("hash");
        for (account, password, opens) in [
            (None, "right", None),
            (Some((7, true, right.as_str())), "wrong", None),
            (Some((7, false, right.as_str())), "right", None),
            (Some((7, true, right.as_str())), "right", Some(7)),
        ] {
            let checks = std::cell::Cell::new(0);
            let got = check_login_with(account, password, |p, h| {
                checks.set(checks.get() + 1);
                verify_password(p, h)
            });
            assert_eq!(got, opens, "{account:?} {password}");
            assert_eq!(checks.get(), 1, "{account:?} {password}");
        }
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("дълга фраза за вход").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify_password("дълга фраза за вход", &h));
        assert!(!verify_password("друга фраза за вход", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_salt() {
        let a = hash_password("еднаква парола").expect("hash");
        let b = hash_password("еднаква парола").expect("hash");
        assert_ne!(a, b);
    }

    #[test]
    fn generated_passwords_are_long_enough_and_differ() {
        let a = generate_password().expect("password");
        assert_eq!(a.chars().count(), 20);
        assert!(super::super::check_new_password(&a).is_ok());
        assert_ne!(a, generate_password().expect("password"));
    }
}
