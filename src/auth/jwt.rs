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

pub struct JwtKeys {
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
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)?;
        Ok((token, claims))
    }

    /// Verifies signature, algorithm and claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                _ => TokenError::Invalid,
            })?;
        let claims = data.claims;
        // iat is not checked by the library: a token issued in the future is not accepted.
        let now = Utc::now().timestamp();
        if claims.iat > now + LEEWAY_SECONDS as i64 || claims.jti.is_empty() {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
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
        let (token, claims) = a.issue(7, 3, Utc::now()).unwrap();
        assert_eq!(a.verify(&token).unwrap(), claims);
        assert_eq!(claims.sub, "7");
        assert_eq!(b.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_and_future_tokens_are_refused() {
        let a = keys("a-secret-that-is-long-enough-for-hs256!!");
        let (old, _) = a
            .issue(7, 1, Utc::now() - chrono::Duration::hours(2))
            .unwrap();
        assert_eq!(a.verify(&old), Err(TokenError::Expired));
        let (future, _) = a
            .issue(7, 1, Utc::now() + chrono::Duration::hours(1))
            .unwrap();
        assert_eq!(a.verify(&future), Err(TokenError::NotYetValid));
    }
}
