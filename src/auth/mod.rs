//! Authentication and authorisation: password hashing, access JWTs, opaque refresh and API
//! tokens, login throttling, the authenticated user, and the one permission policy.

pub mod jwt;
pub mod password;
pub mod policy;
pub mod throttle;
pub mod tokens;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{api_tokens, revoked_access_tokens};
use crate::db::{self, DbConnection};
use crate::domain::{ApiTokenId, MinistryId, MunicipalityId, Role, UserId};
use crate::error::Error;
use crate::i18n::Msg;
use jwt::{JwtKeys, TokenError};

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credential {
    /// An access token from `/auth/token` or `/auth/refresh`, of the login `family` (empty
    /// for tokens issued before logins were tracked).
    AccessToken {
        jti: String,
        expires_at: i64,
        #[serde(skip)]
        family: String,
    },
    /// A personal API token.
    ApiToken { id: ApiTokenId },
    /// A browser session (the dashboard).
    Session,
    /// The operator at the command line, acting as this user (`import actions --as`).
    Console,
}

/// The logged-in user of a request, with the role and scope they have now.
#[derive(Debug, Clone, Serialize)]
pub struct AuthUser {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub ministry_id: Option<MinistryId>,
    pub municipality_id: Option<MunicipalityId>,
    /// A read-only API token: no write operation, whatever the role allows.
    pub read_only: bool,
    pub credential: Credential,
}

/// Who performs a write: a user, or the system itself (CLI, seeding).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// The operator at the command line or the program itself.
    pub fn system(name: &str) -> Self {
        Self {
            user_id: None,
            name: name.to_string(),
            request_id: None,
        }
    }
}

impl AuthUser {
    /// The name recorded in the audit log.
    pub fn actor(&self, request_id: Option<String>) -> Actor {
        Actor {
            user_id: Some(self.id.get()),
            name: self.username.clone(),
            request_id,
        }
    }
}

/// (id, user id, access, expires at, revoked at, last used at)
type ApiTokenRow = (
    i64,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

type UserRow = (i64, String, String, Option<i64>, Option<i64>, bool, i64);

/// The user, whether access token `jti` or its login (`family`) is revoked (`""` for none: no
/// access token has an empty jti, `verify` refuses those), and the data version, in one statement: on PostgreSQL
/// each statement is a round trip, and this is on the path of every request. One statement also
/// sees one snapshot, so the three agree. By primary key, so at most one row: `get_result`, not
/// `first` — on SQLite a statement with `LIMIT ?` (what `first` adds) is compiled again every
/// time it is run (callgrind, bench/RESULTS.md).
fn load_user_checked(
    conn: &mut DbConnection,
    user_id: i64,
    jti: &str,
    family: &str,
) -> Result<Option<(UserRow, bool, i64)>, Error> {
    use crate::db::users_with_data_version as u;
    let family = if family.is_empty() {
        String::new()
    } else {
        tokens::family_revocation(family)
    };
    let revoked = diesel::dsl::exists(
        revoked_access_tokens::table
            .filter(revoked_access_tokens::jti.eq_any([jti.to_string(), family])),
    );
    Ok(u::table
        .find(user_id)
        .select((
            (
                u::id,
                u::username,
                u::role,
                u::ministry_id,
                u::municipality_id,
                u::disabled,
                u::auth_epoch,
            ),
            revoked,
            u::data_version,
        ))
        .get_result::<(UserRow, bool, i64)>(conn)
        .optional()?)
}

fn to_auth_user(row: UserRow, read_only: bool, credential: Credential) -> Result<AuthUser, Error> {
    let (id, username, role, ministry_id, municipality_id, _, _) = row;
    let role = role.parse::<Role>().map_err(Error::internal)?;
    Ok(AuthUser {
        id: UserId::from(id),
        username,
        role,
        ministry_id: ministry_id.map(MinistryId::from),
        municipality_id: municipality_id.map(MunicipalityId::from),
        read_only,
        credential,
    })
}

/// A user as the policy sees them, for the command line acting on their behalf: refused when
/// the account does not exist or is disabled, as a login would be.
pub fn load_user(
    conn: &mut DbConnection,
    user_id: UserId,
    credential: Credential,
) -> Result<AuthUser, Error> {
    let (row, _, _) = load_user_checked(conn, user_id.get(), "", "")?
        .ok_or_else(|| Error::not_found(crate::i18n::Label::User, user_id.get()))?;
    if row.5 {
        return Err(Error::Forbidden(Msg::AccountDisabled));
    }
    to_auth_user(row, false, credential)
}

/// A note that a credential was used, recorded through the write path after the read that
/// found it (at most once a minute per credential, so reads do not turn into a write each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    ApiToken(i64),
    WebSession(i64),
}

/// Records a [`Touch`]: when an API token was last used, when a dashboard session was last
/// seen (its idle timeout counts from there).
pub fn touch(conn: &mut DbConnection, touch: Touch) -> Result<(), Error> {
    use crate::db::schema::web_sessions;
    let now = db::now();
    match touch {
        Touch::ApiToken(id) => diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(conn)?,
        Touch::WebSession(id) => diesel::update(web_sessions::table.find(id))
            .set(web_sessions::last_seen_at.eq(now))
            .execute(conn)?,
    };
    Ok(())
}

/// Whether a credential last used at `last` is due a [`Touch`].
pub fn due_a_touch(last: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    last.is_none_or(|at| now - at > chrono::Duration::minutes(1))
}

/// Who a request is from: the user, the data version read in the same statement (see
/// [`crate::db::DataVersion`]), and a [`Touch`] to record when one is due.
pub type Authenticated = (AuthUser, i64, Option<Touch>);

/// Resolves a bearer token (an access JWT or a personal API token) to the user it stands for.
/// A read: blocking, call it off the async workers.
pub fn authenticate(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    token: &str,
) -> Result<Authenticated, Error> {
    if token.starts_with(tokens::API_TOKEN_PREFIX) {
        return authenticate_api_token(conn, token);
    }
    let claims = keys.verify(conn, token).map_err(|err| match err {
        TokenError::Expired => Error::Unauthorized(Msg::AccessTokenExpired),
        TokenError::NotYetValid | TokenError::Invalid => {
            Error::Unauthorized(Msg::AccessTokenInvalid)
        }
    })?;
    let user_id: i64 = claims
        .sub
        .parse()
        .map_err(|_| Error::Unauthorized(Msg::AccessTokenInvalid))?;
    let (row, revoked, version) = load_user_checked(conn, user_id, &claims.jti, &claims.fam)?
        .ok_or_else(|| Error::Unauthorized(Msg::AccessTokenInvalid))?;
    if row.5 {
        return Err(Error::Unauthorized(Msg::AccountDisabled));
    }
    if row.6 != claims.epoch || revoked {
        return Err(Error::Unauthorized(Msg::AccessTokenRevoked));
    }
    let user = to_auth_user(
        row,
        false,
        Credential::AccessToken {
            jti: claims.jti,
            expires_at: claims.exp,
            family: claims.fam,
        },
    )?;
    Ok((user, version, None))
}

fn authenticate_api_token(conn: &mut DbConnection, token: &str) -> Result<Authenticated, Error> {
    let found: Option<ApiTokenRow> = api_tokens::table
        .filter(api_tokens::token_hash.eq(tokens::hash(token)))
        .select((
            api_tokens::id,
            api_tokens::user_id,
            api_tokens::access,
            api_tokens::expires_at,
            api_tokens::revoked_at,
            api_tokens::last_used_at,
        ))
        .get_result(conn)
        .optional()?;
    let (token_id, user_id, access, expires_at, revoked_at, last_used_at) =
        found.ok_or_else(|| Error::Unauthorized(Msg::ApiTokenInvalid))?;
    let now = db::now();
    if revoked_at.is_some() {
        return Err(Error::Unauthorized(Msg::ApiTokenRevoked));
    }
    if expires_at.is_some_and(|at| at <= now) {
        return Err(Error::Unauthorized(Msg::ApiTokenExpired));
    }
    let (row, _, version) = load_user_checked(conn, user_id, "", "")?
        .ok_or_else(|| Error::Unauthorized(Msg::ApiTokenInvalid))?;
    if row.5 {
        return Err(Error::Unauthorized(Msg::AccountDisabled));
    }
    let touch = due_a_touch(last_used_at, now).then_some(Touch::ApiToken(token_id));
    let user = to_auth_user(
        row,
        access != "read_write",
        Credential::ApiToken {
            id: ApiTokenId::from(token_id),
        },
    )?;
    Ok((user, version, touch))
}
