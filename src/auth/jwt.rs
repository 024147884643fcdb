//! Short-lived access tokens: HS256 JWTs with a pinned algorithm, a key id (`kid`) naming the
//! signing key, and validated `iss`, `aud`, `exp`, `nbf`, `iat`, `jti`. The keys are shared by
//! every instance through the database (`service::signing_keys`), unless `auth.jwt_secret` is set.
//! The role and scope are not in the token: they are read from the database on every request,
//! so a change takes effect at once.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Instant;

use chrono::{DateTime, NaiveDateTime, Utc};
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

/// Tokens whose signature has been checked, with their claims and key: a client sends the
/// same token with every request for its whole lifetime, and checking an HMAC each time was a
/// sixth of a cached read's work. Only the signature is remembered; the time claims and the
/// key are checked on every use, and revocation is looked up in the database as before.
const VERIFIED_CAPACITY: usize = 4_096;

/// How often an instance reads the signing keys again: within this time after `versnelling
/// keys rotate` every instance signs with the new key (and one that sees a token of a key it
/// does not know yet reads them at once).
pub const RELOAD_SECONDS: i64 = 30;

/// How soon an unknown key id may make an instance read the keys again (forged key ids must
/// not turn every request into a query).
const UNKNOWN_KID_SPACING: std::time::Duration = std::time::Duration::from_secs(1);

/// The key id of a configured `auth.jwt_secret`.
pub const CONFIGURED_KID: &str = "configured";

/// A signing key as stored: its id, its secret, and since when it is retired (a retired key
/// verifies only tokens issued before the instances could have learnt of its successor).
#[derive(Clone)]
pub struct StoredKey {
    pub kid: String,
    pub secret: Secret,
    pub retired_at: Option<NaiveDateTime>,
}

/// Where the keys come from: the database (`service::signing_keys`), or a list in unit tests.
pub trait KeyStore {
    fn signing_keys(&mut self) -> Result<Vec<StoredKey>, String>;
}

struct Key {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The latest `iat` a token of this key may carry: `None` for the current key.
    issued_until: Option<i64>,
}

#[derive(Default)]
struct Ring {
    current: Option<String>,
    keys: HashMap<String, Key>,
    /// When the keys were last read; `None` before the first read.
    loaded: Option<Instant>,
    /// When an unknown key id last made this instance read them.
    unknown_reload: Option<Instant>,
}

impl Ring {
    fn from_stored(stored: Vec<StoredKey>) -> Self {
        let mut ring = Ring::default();
        for key in stored {
            let secret = key.secret.expose().as_bytes();
            let issued_until = key
                .retired_at
                .map(|retired| retired.and_utc().timestamp() + RELOAD_SECONDS + leeway_seconds());
            if issued_until.is_none() {
                ring.current = Some(key.kid.clone());
            }
            ring.keys.insert(
                key.kid,
                Key {
                    encoding: EncodingKey::from_secret(secret),
                    decoding: DecodingKey::from_secret(secret),
                    issued_until,
                },
            );
        }
        ring
    }
}

pub struct JwtKeys {
    verified: Mutex<HashMap<String, (String, Claims)>>,
    ring: RwLock<Ring>,
    /// A configured `auth.jwt_secret`: one key, never read from the database.
    configured: bool,
    validation: Validation,
    issuer: String,
    audience: String,
    lifetime_seconds: i64,
}

impl JwtKeys {
    fn with_ring(ring: Ring, configured: bool, settings: &AuthSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Self {
            verified: Mutex::new(HashMap::new()),
            ring: RwLock::new(ring),
            configured,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            lifetime_seconds: settings.access_token_minutes * 60,
        }
    }

    /// One key from the configuration (`auth.jwt_secret`), with the key id
    /// [`CONFIGURED_KID`]; it wins over the keys in the database.
    pub fn configured(secret: &Secret, settings: &AuthSettings) -> Self {
        let ring = Ring::from_stored(vec![StoredKey {
            kid: CONFIGURED_KID.into(),
            secret: secret.clone(),
            retired_at: None,
        }]);
        Self::with_ring(ring, true, settings)
    }

    /// The keys in the database, read on first use and again every [`RELOAD_SECONDS`].
    pub fn shared(settings: &AuthSettings) -> Self {
        Self::with_ring(Ring::default(), false, settings)
    }

    pub fn lifetime_seconds(&self) -> i64 {
        self.lifetime_seconds
    }

    /// Reads the keys again. A failure leaves the keys as they were (and is logged): tokens
    /// keep working while the database is briefly away.
    fn reload(&self, store: &mut dyn KeyStore) {
        match store.signing_keys() {
            Ok(stored) => {
                let mut fresh = Ring::from_stored(stored);
                fresh.loaded = Some(Instant::now());
                let Ok(mut ring) = self.ring.write() else {
                    return;
                };
                fresh.unknown_reload = ring.unknown_reload;
                let dropped = ring.keys.keys().any(|kid| !fresh.keys.contains_key(kid));
                *ring = fresh;
                drop(ring);
                if dropped && let Ok(mut verified) = self.verified.lock() {
                    verified.clear();
                }
            }
            Err(err) => tracing::warn!(error = %err, "could not read the signing keys"),
        }
    }

    /// Reads the keys when they were never read or not for [`RELOAD_SECONDS`].
    fn refresh_if_stale(&self, store: &mut dyn KeyStore) {
        if self.configured {
            return;
        }
        let stale = self.ring.read().map_or(true, |ring| {
            ring.loaded
                .is_none_or(|at| at.elapsed().as_secs() >= RELOAD_SECONDS.unsigned_abs())
        });
        if stale {
            self.reload(store);
        }
    }

    /// Reads the keys for a key id this instance does not know (a key another instance just
    /// started), at most once per [`UNKNOWN_KID_SPACING`].
    fn reload_for_unknown(&self, store: &mut dyn KeyStore) {
        if self.configured {
            return;
        }
        {
            let Ok(mut ring) = self.ring.write() else {
                return;
            };
            if ring
                .unknown_reload
                .is_some_and(|at| at.elapsed() < UNKNOWN_KID_SPACING)
            {
                return;
            }
            ring.unknown_reload = Some(Instant::now());
        }
        self.reload(store);
    }

    /// The key id tokens are signed with now, if there is a key.
    pub fn current_kid(&self, store: &mut dyn KeyStore) -> Option<String> {
        self.refresh_if_stale(store);
        self.ring.read().ok().and_then(|ring| ring.current.clone())
    }

    /// Issues an access token for a user, signed with the current key and naming it.
    pub fn issue(
        &self,
        store: &mut dyn KeyStore,
        user_id: i64,
        epoch: i64,
        family: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, Claims), TokenError> {
        self.refresh_if_stale(store);
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
        let ring = self.ring.read().map_err(|_| TokenError::Invalid)?;
        let Some((kid, key)) = ring
            .current
            .as_ref()
            .and_then(|kid| ring.keys.get(kid).map(|key| (kid, key)))
        else {
            tracing::error!("there is no signing key: tokens cannot be issued");
            return Err(TokenError::Invalid);
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|_| TokenError::Invalid)?;
        Ok((token, claims))
    }

    /// Verifies the key, signature, algorithm and claims.
    pub fn verify(&self, store: &mut dyn KeyStore, token: &str) -> Result<Claims, TokenError> {
        self.refresh_if_stale(store);
        let now = Utc::now().timestamp();
        let remembered = self
            .verified
            .lock()
            .ok()
            .and_then(|verified| verified.get(token).cloned());
        if let Some((kid, claims)) = remembered {
            self.check_key(&kid, &claims)?;
            self.check_times(&claims, now)?;
            return Ok(claims);
        }
        let kid = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Invalid)?
            .kid
            .ok_or(TokenError::Invalid)?;
        if !self.knows(&kid) {
            self.reload_for_unknown(store);
        }
        let claims = {
            let ring = self.ring.read().map_err(|_| TokenError::Invalid)?;
            let key = ring.keys.get(&kid).ok_or(TokenError::Invalid)?;
            jsonwebtoken::decode::<Claims>(token, &key.decoding, &self.validation)
                .map_err(|err| match err.kind() {
                    ErrorKind::ExpiredSignature => TokenError::Expired,
                    ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                    _ => TokenError::Invalid,
                })?
                .claims
        };
        self.check_key(&kid, &claims)?;
        self.check_times(&claims, now)?;
        if let Ok(mut verified) = self.verified.lock() {
            if verified.len() >= VERIFIED_CAPACITY {
                // Forget them all: the busy clients' tokens come back with one check each.
                verified.clear();
            }
            verified.insert(token.to_string(), (kid, claims.clone()));
        }
        Ok(claims)
    }

    fn knows(&self, kid: &str) -> bool {
        self.ring
            .read()
            .is_ok_and(|ring| ring.keys.contains_key(kid))
    }

    /// The token's key is still known, and a retired key signed it before the instances could
    /// have learnt of its successor: a retired key cannot make new tokens, even in the hands
    /// of whoever copied it.
    fn check_key(&self, kid: &str, claims: &Claims) -> Result<(), TokenError> {
        let ring = self.ring.read().map_err(|_| TokenError::Invalid)?;
        let key = ring.keys.get(kid).ok_or(TokenError::Invalid)?;
        match key.issued_until {
            Some(until) if claims.iat > until => Err(TokenError::Invalid),
            _ => Ok(()),
        }
    }

    /// The time claims (the library checks exp and nbf when it decodes; a remembered token
    /// is checked here on every use) and iat, which the library does not check: a token
    /// issued in the future is not accepted, nor one that lives longer than tokens are issued
    /// for.
    fn check_times(&self, claims: &Claims, now: i64) -> Result<(), TokenError> {
        let leeway = leeway_seconds();
        if claims.exp < now - leeway {
            return Err(TokenError::Expired);
        }
        if claims.nbf > now + leeway {
            return Err(TokenError::NotYetValid);
        }
        if claims.iat > now + leeway
            || claims.jti.is_empty()
            || claims.exp.saturating_sub(claims.iat) > self.lifetime_seconds + leeway
        {
            return Err(TokenError::Invalid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SettingsBuilder;

    /// Keys in a list, and how often they were read.
    #[derive(Default)]
    struct Keys {
        stored: Vec<StoredKey>,
        reads: usize,
    }

    impl KeyStore for Keys {
        fn signing_keys(&mut self) -> Result<Vec<StoredKey>, String> {
            self.reads += 1;
            Ok(self.stored.clone())
        }
    }

    fn key(kid: &str, retired_at: Option<NaiveDateTime>) -> StoredKey {
        StoredKey {
            kid: kid.into(),
            secret: Secret::new(format!("{kid}-a-secret-that-is-long-enough-for-hs256")),
            retired_at,
        }
    }

    fn settings() -> AuthSettings {
        SettingsBuilder::new().unwrap().build().unwrap().auth
    }

    fn configured(secret: &str) -> JwtKeys {
        JwtKeys::configured(&Secret::new(secret), &settings())
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let mut none = Keys::default();
        let a = configured("a-secret-that-is-long-enough-for-hs256!!");
        let b = configured("another-secret-that-is-long-enough-too!!");
        let (token, claims) = a.issue(&mut none, 7, 3, "f", Utc::now()).unwrap();
        assert_eq!(a.verify(&mut none, &token).unwrap(), claims);
        assert_eq!(claims.sub, "7");
        assert_eq!(b.verify(&mut none, &token), Err(TokenError::Invalid));
        assert_eq!(none.reads, 0, "a configured key never reads the database");
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(CONFIGURED_KID));
    }

    #[test]
    fn a_remembered_token_is_still_checked_for_its_time_and_key() {
        let mut none = Keys::default();
        let a = configured("a-secret-that-is-long-enough-for-hs256!!");
        let (token, claims) = a.issue(&mut none, 7, 3, "f", Utc::now()).unwrap();
        assert_eq!(a.verify(&mut none, &token).unwrap(), claims);
        // The second use comes from memory: same claims, the times checked again.
        assert_eq!(a.verify(&mut none, &token).unwrap(), claims);
        assert_eq!(
            a.check_times(&claims, claims.exp + leeway_seconds() + 1),
            Err(TokenError::Expired)
        );
        // A token with a changed payload is not the remembered string: checked in full.
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        parts[1].insert(0, 'e');
        assert_eq!(
            a.verify(&mut none, &parts.join(".")),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn expired_and_future_tokens_are_refused() {
        let mut none = Keys::default();
        let a = configured("a-secret-that-is-long-enough-for-hs256!!");
        let (old, _) = a
            .issue(
                &mut none,
                7,
                1,
                "f",
                Utc::now() - chrono::Duration::hours(2),
            )
            .unwrap();
        assert_eq!(a.verify(&mut none, &old), Err(TokenError::Expired));
        let (future, _) = a
            .issue(
                &mut none,
                7,
                1,
                "f",
                Utc::now() + chrono::Duration::hours(1),
            )
            .unwrap();
        assert_eq!(a.verify(&mut none, &future), Err(TokenError::NotYetValid));
    }

    #[test]
    fn a_token_without_a_key_id_or_living_too_long_is_refused() {
        let mut none = Keys::default();
        let secret = "a-secret-that-is-long-enough-for-hs256!!";
        let a = configured(secret);
        let (_, mut claims) = a.issue(&mut none, 7, 1, "f", Utc::now()).unwrap();
        let sign = |header: &Header, claims: &Claims| {
            jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret.as_bytes()))
                .unwrap()
        };
        let no_kid = sign(&Header::new(Algorithm::HS256), &claims);
        assert_eq!(a.verify(&mut none, &no_kid), Err(TokenError::Invalid));
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(CONFIGURED_KID.into());
        assert!(a.verify(&mut none, &sign(&header, &claims)).is_ok());
        claims.exp = claims.iat + a.lifetime_seconds() * 10;
        claims.jti = "another".into();
        assert_eq!(
            a.verify(&mut none, &sign(&header, &claims)),
            Err(TokenError::Invalid),
            "a token valid for ten times the lifetime"
        );
    }

    #[test]
    fn after_a_rotation_old_tokens_verify_and_a_retired_key_cannot_make_new_ones() {
        let now = Utc::now();
        let rotated = now - chrono::Duration::seconds(100);
        let mut store = Keys {
            stored: vec![key("one", None)],
            reads: 0,
        };
        let keys = JwtKeys::shared(&settings());
        let before_rotation = rotated - chrono::Duration::seconds(10);
        let (before, _) = keys.issue(&mut store, 7, 1, "f", before_rotation).unwrap();
        assert_eq!(store.reads, 1);
        // Rotated on another instance: "one" retired, "two" current.
        store.stored = vec![key("one", Some(rotated.naive_utc())), key("two", None)];
        let other = JwtKeys::shared(&settings());
        let (after, _) = other.issue(&mut store, 7, 1, "f", now).unwrap();
        assert_eq!(
            jsonwebtoken::decode_header(&after).unwrap().kid.as_deref(),
            Some("two")
        );
        // A token of the new key makes this instance read the keys at once.
        assert!(
            keys.verify(&mut store, &after).is_ok(),
            "the new key's token"
        );
        assert_eq!(store.reads, 3);
        assert!(
            keys.verify(&mut store, &before).is_ok(),
            "the old key's token"
        );
        // Whoever copied the retired key cannot sign a token of today with it.
        let mut only_old = Keys {
            stored: vec![key("one", None)],
            reads: 0,
        };
        let (forged, _) = JwtKeys::shared(&settings())
            .issue(&mut only_old, 7, 1, "f", now)
            .unwrap();
        assert_eq!(keys.verify(&mut store, &forged), Err(TokenError::Invalid));
        // A dropped key verifies nothing, even a token this instance remembered.
        store.stored = vec![key("two", None)];
        keys.reload(&mut store);
        assert_eq!(keys.verify(&mut store, &before), Err(TokenError::Invalid));
        assert!(keys.verify(&mut store, &after).is_ok());
    }

    #[test]
    fn unknown_key_ids_read_the_keys_at_most_once_a_second() {
        let mut store = Keys {
            stored: vec![key("one", None)],
            reads: 0,
        };
        let keys = JwtKeys::shared(&settings());
        let strange = JwtKeys::shared(&settings());
        let mut elsewhere = Keys {
            stored: vec![key("elsewhere", None)],
            reads: 0,
        };
        let (token, _) = strange
            .issue(&mut elsewhere, 7, 1, "f", Utc::now())
            .unwrap();
        for _ in 0..50 {
            assert_eq!(keys.verify(&mut store, &token), Err(TokenError::Invalid));
        }
        assert_eq!(
            store.reads, 2,
            "the first read and one for the unknown key id"
        );
    }
}
