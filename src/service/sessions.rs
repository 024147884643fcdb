//! Logging in, refreshing and logging out. Refresh tokens rotate on every use; presenting a used
//! one again means it was stolen, and the whole family (every token of that login) is revoked.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::jwt::{self, JwtKeys};
use crate::auth::{AuthUser, Credential, password, tokens};
use crate::db::schema::{refresh_tokens, revoked_access_tokens, users};
use crate::db::{self, DbConnection};
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::service::audit::{self, Actor};

/// What `/auth/token` and `/auth/refresh` answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the access token is valid.
    pub expires_in: i64,
    pub refresh_token: String,
    /// Seconds the refresh token is valid.
    pub refresh_expires_in: i64,
}

fn wrong_credentials() -> Error {
    Error::Unauthorized(Msg::WrongCredentials)
}

fn invalid_refresh() -> Error {
    Error::Unauthorized(Msg::RefreshInvalid)
}

/// A user whose password was just checked: (id, username, auth epoch).
pub type Verified = (i64, String, i64);

/// Checks a username and password; the one password check of the API and the dashboard. The
/// password is verified against a dummy hash when the user does not exist, so timing does not
/// tell. Disabled accounts are refused like a wrong password.
pub fn verify_credentials(
    conn: &mut DbConnection,
    username: &str,
    password: &str,
) -> Result<Verified> {
    let found: Option<(i64, String, String, bool, i64)> = users::table
        .filter(users::username_key.eq(username.to_lowercase()))
        .select((
            users::id,
            users::username,
            users::password_hash,
            users::disabled,
            users::auth_epoch,
        ))
        .first(conn)
        .optional()?;
    let Some((user_id, name, hash, disabled, epoch)) = found else {
        password::verify(password, password::dummy_hash());
        return Err(wrong_credentials());
    };
    if !password::verify(password, &hash) || disabled {
        return Err(wrong_credentials());
    }
    Ok((user_id, name, epoch))
}

/// Opens a new token family for a user whose password [`verify_credentials`] accepted.
pub fn login(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    refresh_days: i64,
    (user_id, name, epoch): Verified,
) -> Result<TokenPair> {
    db::write_transaction(conn, |conn| {
        let pair = issue_pair(
            conn,
            keys,
            refresh_days,
            user_id,
            epoch,
            &tokens::random_id(),
        )?;
        audit::record::<(), _>(
            conn,
            &Actor {
                user_id: Some(user_id),
                name: name.clone(),
                request_id: None,
            },
            "auth.login",
            "user",
            Some(&user_id.to_string()),
            None,
            None::<&()>,
        )?;
        Ok(pair)
    })
}

fn issue_pair(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    refresh_days: i64,
    user_id: i64,
    epoch: i64,
    family: &str,
) -> Result<TokenPair> {
    let now = db::now();
    let refresh_token = tokens::new_refresh_token();
    let refresh_lifetime = chrono::Duration::days(refresh_days);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(tokens::hash(&refresh_token)),
            refresh_tokens::auth_epoch.eq(epoch),
            refresh_tokens::issued_at.eq(now),
            refresh_tokens::expires_at.eq(now + refresh_lifetime),
        ))
        .execute(conn)?;
    let (access_token, _) = keys
        .issue(conn, user_id, epoch, family, Utc::now())
        .map_err(Error::internal)?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer",
        expires_in: keys.lifetime_seconds(),
        refresh_token,
        refresh_expires_in: refresh_lifetime.num_seconds(),
    })
}

/// What became of a refresh token. A reuse revokes the token's family and must be committed
/// even though the caller is refused, so it is an outcome, not an error: in a batch of the
/// group commit an error rolls back everything its write did.
pub enum RefreshOutcome {
    Rotated(TokenPair),
    Reused,
    Refused,
}

impl RefreshOutcome {
    /// The new pair, or 401 for a token that is used up, unknown or expired.
    pub fn into_result(self) -> Result<TokenPair> {
        match self {
            RefreshOutcome::Rotated(pair) => Ok(pair),
            RefreshOutcome::Reused => {
                tracing::warn!("a used refresh token was presented again; its family is revoked");
                Err(invalid_refresh())
            }
            RefreshOutcome::Refused => Err(invalid_refresh()),
        }
    }
}

type RefreshRow = (
    i64,
    i64,
    String,
    i64,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Exchanges a refresh token for a new pair. A token presented twice revokes its family.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    refresh_days: i64,
    token: &str,
) -> Result<RefreshOutcome> {
    db::write_transaction(conn, |conn| -> Result<RefreshOutcome> {
        let found: Option<RefreshRow> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(tokens::hash(token)))
            .select((
                refresh_tokens::id,
                refresh_tokens::user_id,
                refresh_tokens::family,
                refresh_tokens::auth_epoch,
                refresh_tokens::expires_at,
                refresh_tokens::used_at,
                refresh_tokens::revoked_at,
            ))
            .first(conn)
            .optional()?;
        let Some((id, user_id, family, epoch, expires_at, _, _)) = found else {
            return Ok(RefreshOutcome::Refused);
        };
        // Read the token's state again under the login's lock: a logout or a reuse detected
        // meanwhile has then either finished (and is seen) or waits for this refresh.
        lock_family(conn, &family)?;
        let (used_at, revoked_at): (Option<NaiveDateTime>, Option<NaiveDateTime>) =
            refresh_tokens::table
                .find(id)
                .select((refresh_tokens::used_at, refresh_tokens::revoked_at))
                .first(conn)?;
        let now = db::now();
        if used_at.is_some() || revoked_at.is_some() {
            revoke_family(conn, keys, &family, now)?;
            return Ok(RefreshOutcome::Reused);
        }
        if expires_at <= now {
            return Ok(RefreshOutcome::Refused);
        }
        let user: Option<(bool, i64)> = users::table
            .find(user_id)
            .select((users::disabled, users::auth_epoch))
            .first(conn)
            .optional()?;
        if user != Some((false, epoch)) {
            return Ok(RefreshOutcome::Refused);
        }
        // Only one of two simultaneous uses can mark the token used; the other is a reuse.
        let marked = diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::id.eq(id))
                .filter(refresh_tokens::used_at.is_null())
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)?;
        if marked == 0 {
            revoke_family(conn, keys, &family, now)?;
            return Ok(RefreshOutcome::Reused);
        }
        Ok(RefreshOutcome::Rotated(issue_pair(
            conn,
            keys,
            refresh_days,
            user_id,
            epoch,
            &family,
        )?))
    })
}

/// How long a revocation must be kept: as long as a token issued now could still be accepted.
fn revocation_kept_until(keys: &JwtKeys, now: NaiveDateTime) -> NaiveDateTime {
    now + chrono::Duration::seconds(keys.lifetime_seconds() + jwt::leeway_seconds())
}

/// Serialises the changes to one login on PostgreSQL (a transaction-scoped advisory lock on
/// the family), so a refresh cannot slip a new refresh token past a revocation running at the
/// same moment. SQLite needs nothing: `BEGIN IMMEDIATE` already keeps other writers out.
fn lock_family(conn: &mut DbConnection, family: &str) -> QueryResult<()> {
    db::lock_named(conn, family)
}

/// Ends a login: its refresh tokens are revoked, and so are the access tokens issued with them.
fn revoke_family(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    family: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    lock_family(conn, family)?;
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    let revocation = (
        revoked_access_tokens::jti.eq(tokens::family_revocation(family)),
        revoked_access_tokens::expires_at.eq(revocation_kept_until(keys, now)),
    );
    crate::with_backend!(&mut *conn, |inner| diesel::insert_into(
        revoked_access_tokens::table
    )
    .values(revocation)
    .on_conflict(revoked_access_tokens::jti)
    .do_nothing()
    .execute(inner))?;
    Ok(())
}

/// Revokes the caller's access token and, when given, the refresh token's family.
pub fn logout(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    user: &AuthUser,
    refresh_token: Option<&str>,
) -> Result<()> {
    db::write_transaction(conn, |conn| {
        let now = db::now();
        if let Credential::AccessToken {
            jti,
            expires_at,
            family,
        } = &user.credential
        {
            // Logging out ends the login the token belongs to, refresh token included.
            if !family.is_empty() {
                revoke_family(conn, keys, family, now)?;
            }
            let expires_at = chrono::DateTime::from_timestamp(*expires_at, 0)
                .map(|t| t.naive_utc())
                .unwrap_or(now);
            diesel::insert_into(revoked_access_tokens::table)
                .values((
                    revoked_access_tokens::jti.eq(jti),
                    revoked_access_tokens::expires_at.eq(expires_at),
                ))
                .execute(conn)?;
        }
        if let Some(token) = refresh_token {
            let family: Option<String> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(tokens::hash(token)))
                .filter(refresh_tokens::user_id.eq(user.id.get()))
                .select(refresh_tokens::family)
                .first(conn)
                .optional()?;
            if let Some(family) = family {
                revoke_family(conn, keys, &family, now)?;
            }
        }
        // Revocations of tokens that are refused anyway, leeway included, are no longer needed.
        let refused_anyway = now - chrono::Duration::seconds(jwt::leeway_seconds());
        diesel::delete(
            revoked_access_tokens::table
                .filter(revoked_access_tokens::expires_at.lt(refused_anyway)),
        )
        .execute(conn)?;
        audit::record::<(), ()>(
            conn,
            &user.actor(None),
            "auth.logout",
            "user",
            Some(&user.id.to_string()),
            None,
            None,
        )?;
        Ok(())
    })
}

/// Voids every access and refresh token of a user (on disable, role, scope or password change)
/// and revokes their API tokens and browser sessions. Call inside the change's transaction.
pub fn revoke_all_tokens(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    let now = db::now();
    diesel::update(users::table.find(user_id))
        .set(users::auth_epoch.eq(users::auth_epoch + 1))
        .execute(conn)?;
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    diesel::update(
        crate::db::schema::api_tokens::table
            .filter(crate::db::schema::api_tokens::user_id.eq(user_id))
            .filter(crate::db::schema::api_tokens::revoked_at.is_null()),
    )
    .set(crate::db::schema::api_tokens::revoked_at.eq(now))
    .execute(conn)?;
    crate::service::web_sessions::revoke_all(conn, user_id, now)?;
    Ok(())
}
