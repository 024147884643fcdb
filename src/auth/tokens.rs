//! Opaque tokens: refresh tokens and personal API tokens. Only their SHA-256 is stored.

use sha2::{Digest, Sha256};

/// Personal API tokens start with this, so they are recognisable (and findable by secret scanners).
pub const API_TOKEN_PREFIX: &str = "vmpat_";
/// Refresh tokens start with this.
pub const REFRESH_TOKEN_PREFIX: &str = "vmrt_";

/// 32 random bytes, hex: 256 bits, not guessable.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    // getrandom only fails when the OS has no entropy source; a zero token would then be refused
    // by its uniqueness constraint rather than silently reused.
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

/// 16 random bytes, hex: ids such as a JWT's `jti` or a refresh-token family.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

/// The key under which the access tokens of login `family` are revoked, beside the `jti`s of
/// single tokens (which are hex, so the two cannot meet).
pub fn family_revocation(family: &str) -> String {
    format!("fam:{family}")
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_refresh_token() -> String {
    format!("{REFRESH_TOKEN_PREFIX}{}", random_secret())
}

pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_secret())
}

/// The part of an API token shown in lists so its owner can tell tokens apart.
pub fn display_prefix(token: &str) -> String {
    token.chars().take(API_TOKEN_PREFIX.len() + 6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let a = new_api_token();
        let b = new_api_token();
        assert_ne!(a, b);
        assert!(a.starts_with(API_TOKEN_PREFIX));
        assert_eq!(a.len(), API_TOKEN_PREFIX.len() + 64);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
        assert_eq!(display_prefix(&a).len(), API_TOKEN_PREFIX.len() + 6);
    }
}
