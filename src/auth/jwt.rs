//! Short-lived access tokens: HS256 JWTs with a pinned algorithm and validated `iss`, `aud`,
//! `exp`, `nbf`, `iat`, `jti`. The role and scope are not in the token: they are read from the
//! database on every request, so a change takes effect at once.

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::{AuthSettings, Secret};

/// Seconds of clock difference tolerated between servers.
pub const LEEWAY_SECONDS: u64 = 30;

/// [`LEEWAY_SECONDS`] as a signed number, for date arithmetic.
pub fn leeway_seconds() -> i64 {
    i64::try_from(LEEWAY_SECONDS).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    /// The user's auth epoch when the token was issued; bumping it voids every older token.
    pub epoch: i64,
    /// The login (refresh-token family) the token belongs to: ending the login — logging out
    /// with its refresh token, or a refresh token presented twice — voids it at once.
    #[serde(default)]
    pub fam: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token is not valid")]
    Invalid,
}

/// Tokens whose signature has been checked, with their claims: a client sends the same token
/// with every request for its whole lifetime, and checking an HMAC each time was a sixth of a
/// cached read's work. Only the signature is remembered; the time claims are checked on every
/// use, and revocation is looked up in the database as before.
const VERIFIED_CAPACITY: usize = 4_096;

pub struct JwtKeys {
    verified: std::sync::Mutex<std::collections::HashMap<String, Claims>>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    lifetime_seconds: i64,
}

impl JwtKeys {
    pub fn new(secret: &Secret, settings: &AuthSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Self {
            verified: std::sync::Mutex::new(std::collections::HashMap::new()),
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            lifetime_seconds: settings.access_token_minutes * 60,
        }
    }

    pub fn lifetime_seconds(&self) -> i64 {
        self.lifetime_seconds
    }

    /// Issues an access token for a user.
    pub fn issue(
        &self,
        user_id: i64,
        epoch: i64,
        family: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, Claims), TokenError> {
        let iat = now.timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            exp: iat + self.lifetime_seconds,
            nbf: iat,
            iat,
            jti: super::tokens::random_id(),
            epoch,
            fam: family.to_string(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)?;
        Ok((token, claims))
    }

    /// Verifies signature, algorithm and claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let remembered = self
            .verified
            .lock()
            .ok()
            .and_then(|verified| verified.get(token).cloned());
        let now = Utc::now().timestamp();
        let claims = match remembered {
            Some(claims) => {
                Self::check_times(&claims, now)?;
                claims
            }
            None => {
                let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
                    .map_err(|err| match err.kind() {
                        ErrorKind::ExpiredSignature => TokenError::Expired,
                        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                        _ => TokenError::Invalid,
                    })?;
                let claims = data.claims;
                Self::check_times(&claims, now)?;
                if let Ok(mut verified) = self.verified.lock() {
                    if verified.len() >= VERIFIED_CAPACITY {
                        // Forget them all: the busy clients' tokens come back with one check each.
                        verified.clear();
                    }
                    verified.insert(token.to_string(), claims.clone());
                }
                claims
            }
        };
        Ok(claims)
    }

    /// The time claims (the library checks exp and nbf when it decodes; a remembered token
    /// is checked here on every use) and iat, which the library does not check: a token
    /// issued in the future is not accepted.
    fn check_times(claims: &Claims, now: i64) -> Result<(), TokenError> {
        let leeway = LEEWAY_SECONDS as i64;
        if claims.exp < now - leeway {
            return Err(TokenError::Expired);
        }
        if claims.nbf > now + leeway {
            return Err(TokenError::NotYetValid);
        }
        if claims.iat > now + leeway || claims.jti.is_empty() {
            return Err(TokenError::Invalid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SettingsBuilder;

    fn keys(secret: &str) -> JwtKeys {
        let settings = SettingsBuilder::new().unwrap().build().unwrap();
        JwtKeys::new(&Secret::new(secret), &settings.auth)
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let a = keys("a-secret-that-is-long-enough-for-hs256!!");
        let b = keys("another-secret-that-is-long-enough-too!!");
        let (token, claims) = a.issue(7, 3, "f", Utc::now()).unwrap();
        assert_eq!(a.verify(&token).unwrap(), claims);
        assert_eq!(claims.sub, "7");
        assert_eq!(b.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn a_remembered_token_is_still_checked_for_its_time_and_key() {
        let a = keys("a-secret-that-is-long-enough-for-hs256!!");
        let (token, claims) = a.issue(7, 3, "f", Utc::now()).unwrap();
        assert_eq!(a.verify(&token).unwrap(), claims);
        // The second use comes from memory: same claims, the times checked again.
        assert_eq!(a.verify(&token).unwrap(), claims);
        assert_eq!(
            JwtKeys::check_times(&claims, claims.exp + LEEWAY_SECONDS as i64 + 1),
            Err(TokenError::Expired)
        );
        // A token with a changed payload is not the remembered string: checked in full.
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        parts[1].insert(0, 'e');
        assert_eq!(a.verify(&parts.join(".")), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_and_future_tokens_are_refused() {
        let a = keys("a-secret-that-is-long-enough-for-hs256!!");
        let (old, _) = a
            .issue(7, 1, "f", Utc::now() - chrono::Duration::hours(2))
            .unwrap();
        assert_eq!(a.verify(&old), Err(TokenError::Expired));
        let (future, _) = a
            .issue(7, 1, "f", Utc::now() + chrono::Duration::hours(1))
            .unwrap();
        assert_eq!(a.verify(&future), Err(TokenError::NotYetValid));
    }
}
