//! Short-lived access tokens: HS256 JWTs with a pinned algorithm, a key id (`kid`) naming the
//! signing key, and validated `iss`, `aud`, `exp`, `nbf`, `iat`, `jti`. The keys are shared by
//! every instance through the database (`service::signing_keys`), unless `auth.jwt_secret` is set.
//! The role and scope are not in the token: they are read from the database on every request,
//! so a change takes effect at once.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock, TryLockError};
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

/// How long an instance waits before it tries again to read keys it could not read.
const RETRY_AFTER_FAILURE: std::time::Duration = std::time::Duration::from_secs(1);

/// Whether a key id has the form this service gives them: 16 hex digits (a key in the
/// database) or [`CONFIGURED_KID`]. Anything else is refused before any lookup.
fn well_formed(kid: &str) -> bool {
    kid == CONFIGURED_KID
        || (kid.len() == 16
            && kid
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

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
    /// Every key.
    fn signing_keys(&mut self) -> Result<Vec<StoredKey>, String>;
    /// One key, by its id.
    fn signing_key(&mut self, kid: &str) -> Result<Option<StoredKey>, String>;
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
    /// Held while the keys are read, so one request reads them and the others go on with the
    /// keys they have; it keeps when the last read failed.
    reloading: Mutex<Option<Instant>>,
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
            reloading: Mutex::new(None),
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

    /// Reads the keys again, unless another request is reading them (then this one goes on
    /// with the keys there are) or a read failed less than [`RETRY_AFTER_FAILURE`] ago. Only
    /// when there are no keys yet does it wait for the read under way. A failure leaves the
    /// keys as they were (and is logged): tokens keep working while the database is away.
    pub fn reload(&self, store: &mut dyn KeyStore) {
        let empty = self.ring.read().map_or(true, |ring| ring.keys.is_empty());
        let mut failed_at = if empty {
            self.reloading
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        } else {
            match self.reloading.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            }
        };
        if failed_at.is_some_and(|at| at.elapsed() < RETRY_AFTER_FAILURE) {
            return;
        }
        // Another request may have read them while this one waited.
        if empty && self.ring.read().is_ok_and(|ring| !ring.keys.is_empty()) {
            return;
        }
        match store.signing_keys() {
            Ok(stored) => {
                *failed_at = None;
                let mut fresh = Ring::from_stored(stored);
                fresh.loaded = Some(Instant::now());
                let mut ring = self.ring.write().unwrap_or_else(PoisonError::into_inner);
                let dropped = ring.keys.keys().any(|kid| !fresh.keys.contains_key(kid));
                *ring = fresh;
                drop(ring);
                if dropped {
                    self.verified
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clear();
                }
            }
            Err(err) => {
                *failed_at = Some(Instant::now());
                tracing::warn!(error = %err, "could not read the signing keys");
            }
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

    /// A key id this instance does not know: a key another instance just started, or a
    /// forgery. Only that key is looked up (by its primary key); when it exists, the keys are
    /// read again (by this request, or by the one already reading them), so this instance
    /// signs with the newest too.
    fn learn(&self, store: &mut dyn KeyStore, kid: &str) {
        if self.configured || kid == CONFIGURED_KID {
            return;
        }
        match store.signing_key(kid) {
            Ok(Some(_)) => self.reload(store),
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "could not look up a signing key"),
        }
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
            .filter(|kid| well_formed(kid))
            .ok_or(TokenError::Invalid)?;
        if !self.knows(&kid) {
            self.learn(store, &kid);
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

    /// Keys in a list, and how often they were read, all or one.
    #[derive(Default)]
    struct Keys {
        stored: Vec<StoredKey>,
        reads: usize,
        lookups: usize,
    }

    impl KeyStore for Keys {
        fn signing_keys(&mut self) -> Result<Vec<StoredKey>, String> {
            self.reads += 1;
            Ok(self.stored.clone())
        }
        fn signing_key(&mut self, kid: &str) -> Result<Option<StoredKey>, String> {
            self.lookups += 1;
            Ok(self.stored.iter().find(|key| key.kid == kid).cloned())
        }
    }

    const ONE: &str = "0000000000000001";
    const TWO: &str = "0000000000000002";

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
            stored: vec![key(ONE, None)],
            ..Keys::default()
        };
        let keys = JwtKeys::shared(&settings());
        let before_rotation = rotated - chrono::Duration::seconds(10);
        let (before, _) = keys.issue(&mut store, 7, 1, "f", before_rotation).unwrap();
        assert_eq!(store.reads, 1);
        // Rotated on another instance: ONE retired, TWO current.
        store.stored = vec![key(ONE, Some(rotated.naive_utc())), key(TWO, None)];
        let other = JwtKeys::shared(&settings());
        let (after, _) = other.issue(&mut store, 7, 1, "f", now).unwrap();
        assert_eq!(
            jsonwebtoken::decode_header(&after).unwrap().kid.as_deref(),
            Some(TWO)
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
            stored: vec![key(ONE, None)],
            ..Keys::default()
        };
        let (forged, _) = JwtKeys::shared(&settings())
            .issue(&mut only_old, 7, 1, "f", now)
            .unwrap();
        assert_eq!(keys.verify(&mut store, &forged), Err(TokenError::Invalid));
        // A dropped key verifies nothing, even a token this instance remembered.
        store.stored = vec![key(TWO, None)];
        keys.reload(&mut store);
        assert_eq!(keys.verify(&mut store, &before), Err(TokenError::Invalid));
        assert!(keys.verify(&mut store, &after).is_ok());
    }

    #[test]
    fn an_unknown_key_id_costs_one_lookup_and_a_malformed_one_none() {
        let mut store = Keys {
            stored: vec![key(ONE, None)],
            ..Keys::default()
        };
        let keys = JwtKeys::shared(&settings());
        let mut elsewhere = Keys {
            stored: vec![key("00000000000000ff", None)],
            ..Keys::default()
        };
        let (token, _) = JwtKeys::shared(&settings())
            .issue(&mut elsewhere, 7, 1, "f", Utc::now())
            .unwrap();
        for _ in 0..5 {
            assert_eq!(keys.verify(&mut store, &token), Err(TokenError::Invalid));
        }
        assert_eq!(store.reads, 1, "only the first read of all keys");
        assert_eq!(store.lookups, 5, "one lookup of the one key per token");
        // Key ids this service never makes are refused before any lookup.
        let (_, claims) = keys.issue(&mut store, 7, 1, "f", Utc::now()).unwrap();
        for kid in [
            "x".repeat(10_000),
            "ONE".into(),
            CONFIGURED_KID.into(),
            String::new(),
        ] {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(kid);
            let forged = jsonwebtoken::encode(
                &header,
                &claims,
                &EncodingKey::from_secret(b"0000000000000001-a-secret-that-is-long-enough"),
            )
            .unwrap();
            assert_eq!(keys.verify(&mut store, &forged), Err(TokenError::Invalid));
        }
        assert_eq!((store.reads, store.lookups), (1, 5));
    }

    #[test]
    fn a_failed_read_keeps_the_keys_and_is_not_retried_on_every_request() {
        struct Failing(usize);
        impl KeyStore for Failing {
            fn signing_keys(&mut self) -> Result<Vec<StoredKey>, String> {
                self.0 += 1;
                Err("the database is away".into())
            }
            fn signing_key(&mut self, _: &str) -> Result<Option<StoredKey>, String> {
                Err("the database is away".into())
            }
        }
        let mut store = Keys {
            stored: vec![key(ONE, None)],
            ..Keys::default()
        };
        let keys = JwtKeys::shared(&settings());
        let (token, _) = keys.issue(&mut store, 7, 1, "f", Utc::now()).unwrap();
        // The keys are stale; the database fails: the keys read before still verify.
        if let Ok(mut ring) = keys.ring.write() {
            ring.loaded = Some(Instant::now() - std::time::Duration::from_secs(60));
        }
        let mut failing = Failing(0);
        for _ in 0..20 {
            assert!(keys.verify(&mut failing, &token).is_ok());
        }
        assert_eq!(
            failing.0, 1,
            "tried once, then again after a second at the earliest"
        );
    }
}
