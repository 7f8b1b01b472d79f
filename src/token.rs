//! Random tokens and their digests, for every module: sessions, CSRF, submission links, the
//! administration token. 32 random bytes shown as 64 hex digits; the database keeps only their
//! SHA-256, so a copy of it opens nothing; comparisons take the same time wherever the texts
//! differ.

use crate::files::sha256_hex;

/// A fresh token: 256 bits from the operating system's generator, as 64 hex digits.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Whether text can be a token at all (checked before touching the database).
pub fn looks_valid(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_stored_as_digests() {
        let a = random_token().expect("token");
        let b = random_token().expect("token");
        assert!(looks_valid(&a) && looks_valid(&b));
        assert_ne!(a, b);
        assert!(looks_valid(&token_hash(&a)));
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert!(!looks_valid("../etc/passwd"));
    }

    #[test]
    fn tokens_compare_equal_only_when_identical() {
        assert!(tokens_equal("abc", "abc"));
        assert!(!tokens_equal("abc", "abd"));
        assert!(!tokens_equal("abc", "abcd"));
        assert!(!tokens_equal("", "a"));
    }
}
