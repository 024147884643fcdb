//! The keys that sign access tokens, kept in the database so every instance on it signs and
//! verifies with the same keys (table `signing_keys`, migration `2026-12-03-000013`).
//!
//! One key is current; `versnelling keys rotate` retires it and starts a new one. A retired key
//! keeps verifying the tokens it signed until they expire, and is then deleted by the scheduled
//! cleanup. A configured `auth.jwt_secret` wins over all of this (`JwtKeys::configured`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::jwt::{self, KeyStore, StoredKey};
use crate::config::Secret;
use crate::db::schema::signing_keys;
use crate::db::{self, DbConnection};
use crate::service::audit::{self, Actor};

/// The lock every change to the keys takes (PostgreSQL; SQLite's writer is one at a time).
const LOCK: &str = "versnelling:signing-keys";

type KeyRow = (String, String, Option<NaiveDateTime>);

fn stored(row: KeyRow) -> StoredKey {
    let (kid, secret, retired_at) = row;
    StoredKey {
        kid,
        secret: Secret::new(secret),
        retired_at,
    }
}

impl KeyStore for DbConnection {
    fn signing_keys(&mut self) -> Result<Vec<StoredKey>, String> {
        let rows: Vec<KeyRow> = signing_keys::table
            .select((
                signing_keys::kid,
                signing_keys::secret,
                signing_keys::retired_at,
            ))
            .load(self)
            .map_err(|err| db::one_line(&err.to_string()))?;
        Ok(rows.into_iter().map(stored).collect())
    }

    fn signing_key(&mut self, kid: &str) -> Result<Option<StoredKey>, String> {
        let row: Option<KeyRow> = signing_keys::table
            .find(kid)
            .select((
                signing_keys::kid,
                signing_keys::secret,
                signing_keys::retired_at,
            ))
            .first(self)
            .optional()
            .map_err(|err| db::one_line(&err.to_string()))?;
        Ok(row.map(stored))
    }
}

/// A key as an operator sees it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    pub kid: String,
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rotation {
    /// The new current key.
    pub kid: String,
    /// Keys retired now: they verify their tokens until those expire.
    pub retired: Vec<String>,
    /// Keys deleted now (`--drop-old`): their tokens are refused within
    /// [`jwt::RELOAD_SECONDS`] on every instance.
    pub dropped: Vec<String>,
}

fn new_key(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<String> {
    let mut id = [0u8; 8];
    let mut secret = [0u8; 64];
    getrandom::fill(&mut id)
        .and_then(|()| getrandom::fill(&mut secret))
        .map_err(|err| diesel::result::Error::QueryBuilderError(err.to_string().into()))?;
    let kid = hex::encode(id);
    diesel::insert_into(signing_keys::table)
        .values((
            signing_keys::kid.eq(&kid),
            signing_keys::secret.eq(hex::encode(secret)),
            signing_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(kid)
}

/// Makes sure there is a current key (the first start of the first instance makes one; two
/// instances starting at once make one between them). Answers the key id when it made one.
/// A write: call it in a write transaction.
pub fn ensure_current(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Option<String>> {
    db::lock_named(conn, LOCK)?;
    let current: i64 = signing_keys::table
        .filter(signing_keys::retired_at.is_null())
        .count()
        .get_result(conn)?;
    if current > 0 {
        return Ok(None);
    }
    let kid = new_key(conn, now)?;
    audit::record(
        conn,
        &Actor::system("startup"),
        "signing_key.create",
        "signing_key",
        Some(&kid),
        None::<&()>,
        None::<&()>,
    )?;
    Ok(Some(kid))
}

/// Retires the current key and starts a new one; with `drop_old`, every older key is deleted
/// (after a key may have leaked: every access token signed before is refused, and users
/// refresh or log in again). A write: call it in a write transaction.
pub fn rotate(
    conn: &mut DbConnection,
    actor: &Actor,
    now: NaiveDateTime,
    drop_old: bool,
) -> QueryResult<Rotation> {
    db::lock_named(conn, LOCK)?;
    let retired: Vec<String> = signing_keys::table
        .filter(signing_keys::retired_at.is_null())
        .select(signing_keys::kid)
        .load(conn)?;
    diesel::update(signing_keys::table.filter(signing_keys::retired_at.is_null()))
        .set(signing_keys::retired_at.eq(now))
        .execute(conn)?;
    let dropped: Vec<String> = if drop_old {
        let all: Vec<String> = signing_keys::table
            .select(signing_keys::kid)
            .order(signing_keys::created_at.asc())
            .load(conn)?;
        diesel::delete(signing_keys::table).execute(conn)?;
        all
    } else {
        Vec::new()
    };
    let kid = new_key(conn, now)?;
    let rotation = Rotation {
        kid,
        retired: if drop_old { Vec::new() } else { retired },
        dropped,
    };
    audit::record(
        conn,
        actor,
        "signing_key.rotate",
        "signing_key",
        Some(&rotation.kid),
        None::<&()>,
        Some(&rotation),
    )?;
    Ok(rotation)
}

/// Deletes the retired keys whose last token has expired: retired longer ago than a token
/// lives, plus the time instances take to learn of the new key, plus the clock leeway.
pub fn delete_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    token_lifetime_seconds: i64,
) -> QueryResult<usize> {
    let kept = token_lifetime_seconds + jwt::RELOAD_SECONDS + 2 * jwt::leeway_seconds();
    let before = now - chrono::Duration::seconds(kept);
    db::lock_named(conn, LOCK)?;
    diesel::delete(signing_keys::table.filter(signing_keys::retired_at.lt(before))).execute(conn)
}

/// The keys, oldest first, without their secrets.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<KeyInfo>> {
    let rows: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> = signing_keys::table
        .select((
            signing_keys::kid,
            signing_keys::created_at,
            signing_keys::retired_at,
        ))
        .order((signing_keys::created_at.asc(), signing_keys::kid.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kid, created_at, retired_at)| KeyInfo {
            kid,
            created_at,
            retired_at,
        })
        .collect())
}
