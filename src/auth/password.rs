//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::i18n::Msg;

/// Shortest password accepted (NIST SP 800-63B asks for at least 8; we ask a little more).
pub const MIN_PASSWORD_LENGTH: usize = 10;
pub const MAX_PASSWORD_LENGTH: usize = 1024;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("password must be at least {MIN_PASSWORD_LENGTH} characters")]
    TooShort,
    #[error("password must be at most {MAX_PASSWORD_LENGTH} characters")]
    TooLong,
    #[error("password hashing failed")]
    Hash,
}

impl From<PasswordError> for Msg {
    fn from(err: PasswordError) -> Self {
        match err {
            PasswordError::TooShort => Msg::PasswordTooShort {
                min: MIN_PASSWORD_LENGTH,
            },
            PasswordError::TooLong => Msg::PasswordTooLong {
                max: MAX_PASSWORD_LENGTH,
            },
            PasswordError::Hash => Msg::Internal,
        }
    }
}

/// Checks a new password against the rules.
pub fn check_strength(password: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        Err(PasswordError::TooShort)
    } else if length > MAX_PASSWORD_LENGTH {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Blocking: ~20–80 ms.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_strength(password)?;
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| PasswordError::Hash)
}

/// True when `password` matches `stored`. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, for equal-time checks of unknown usernames.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        let _ = getrandom::fill(&mut bytes);
        hash(&hex::encode(bytes)).unwrap_or_default()
    })
}

/// A random password for generated accounts (demo users): 20 characters, no look-alikes.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    let _ = getrandom::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
        assert_eq!(generate().len(), 20);
    }
}
