//! Browser sessions of the dashboard, kept in the database. The cookie carries a random id of
//! which only the SHA-256 is stored; each session has its own CSRF token. A session ends on
//! logout, after `web.session_idle_minutes` without a request, after `web.session_max_hours`,
//! and at once when its user is disabled or their role, scope or password changes (the user's
//! `auth_epoch` moves on, and `revoke_all` marks the rows).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::{AuthUser, Credential, tokens};
use crate::config::WebSettings;
use crate::db::schema::{users, web_sessions};
use crate::db::{self, DbConnection};
use crate::domain::{MinistryId, MunicipalityId, Role, UserId};
use crate::error::{Error, Result};
use crate::service::audit::{self, Actor};

/// A session found from its cookie.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub id: i64,
    pub user: AuthUser,
    /// The synchroniser token every form of this session must carry.
    pub csrf_token: String,
    /// That the session's use is due to be recorded (its idle timeout counts from there).
    pub touch: Option<crate::auth::Touch>,
}

/// A session just opened: the cookie value (shown once, never stored) and the CSRF token.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub cookie_value: String,
    pub csrf_token: String,
}

/// Opens a session for a user whose password was just checked, with its audit row.
pub fn open(
    conn: &mut DbConnection,
    settings: &WebSettings,
    user_id: i64,
    username: &str,
    auth_epoch: i64,
    request_id: Option<String>,
) -> Result<OpenedSession> {
    let cookie_value = tokens::random_secret();
    let csrf_token = tokens::random_secret();
    let now = db::now();
    db::write_transaction(conn, |conn| -> Result<()> {
        diesel::insert_into(web_sessions::table)
            .values((
                web_sessions::session_hash.eq(tokens::hash(&cookie_value)),
                web_sessions::user_id.eq(user_id),
                web_sessions::csrf_token.eq(&csrf_token),
                web_sessions::auth_epoch.eq(auth_epoch),
                web_sessions::created_at.eq(now),
                web_sessions::last_seen_at.eq(now),
                web_sessions::expires_at.eq(now + Duration::hours(settings.session_max_hours)),
            ))
            .execute(conn)?;
        // Sessions that ended long ago are of no further use.
        diesel::delete(
            web_sessions::table
                .filter(web_sessions::user_id.eq(user_id))
                .filter(web_sessions::expires_at.lt(now - Duration::days(1))),
        )
        .execute(conn)?;
        audit::record::<(), _>(
            conn,
            &Actor {
                user_id: Some(user_id),
                name: username.to_string(),
                request_id: request_id.clone(),
            },
            "auth.login",
            "user",
            Some(&user_id.to_string()),
            None,
            Some(&serde_json::json!({"via": "dashboard"})),
        )?;
        Ok(())
    })?;
    Ok(OpenedSession {
        cookie_value,
        csrf_token,
    })
}

type SessionRow = (
    i64,
    String,
    i64,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// (id, username, role, ministry, municipality, disabled, auth epoch)
type UserRow = (i64, String, String, Option<i64>, Option<i64>, bool, i64);

/// The live session a cookie stands for, or none (unknown, expired, idle too long, revoked, or
/// its user disabled or changed). A read: the session says when its use is due to be recorded.
pub fn find(
    conn: &mut DbConnection,
    settings: &WebSettings,
    cookie_value: &str,
) -> Result<Option<WebSession>> {
    if cookie_value.is_empty() || cookie_value.len() > 128 {
        return Ok(None);
    }
    let found: Option<SessionRow> = web_sessions::table
        .filter(web_sessions::session_hash.eq(tokens::hash(cookie_value)))
        .select((
            web_sessions::id,
            web_sessions::csrf_token,
            web_sessions::auth_epoch,
            web_sessions::last_seen_at,
            web_sessions::expires_at,
            web_sessions::revoked_at,
        ))
        .get_result(conn)
        .optional()?;
    let Some((id, csrf_token, epoch, last_seen_at, expires_at, revoked_at)) = found else {
        return Ok(None);
    };
    let now = db::now();
    let idle = Duration::minutes(settings.session_idle_minutes);
    if revoked_at.is_some() || expires_at <= now || now - last_seen_at > idle {
        return Ok(None);
    }
    let user: Option<UserRow> = web_sessions::table
        .inner_join(users::table)
        .filter(web_sessions::id.eq(id))
        .select((
            users::id,
            users::username,
            users::role,
            users::ministry_id,
            users::municipality_id,
            users::disabled,
            users::auth_epoch,
        ))
        .get_result(conn)
        .optional()?;
    let Some((user_id, username, role, ministry_id, municipality_id, disabled, user_epoch)) = user
    else {
        return Ok(None);
    };
    if disabled || user_epoch != epoch {
        return Ok(None);
    }
    let touch = crate::auth::due_a_touch(Some(last_seen_at), now)
        .then_some(crate::auth::Touch::WebSession(id));
    Ok(Some(WebSession {
        id,
        user: AuthUser {
            id: UserId::from(user_id),
            username,
            role: role.parse::<Role>().map_err(Error::internal)?,
            ministry_id: ministry_id.map(MinistryId::from),
            municipality_id: municipality_id.map(MunicipalityId::from),
            read_only: false,
            credential: Credential::Session,
        },
        csrf_token,
        touch,
    }))
}

/// Ends one session (logout), with its audit row.
pub fn close(
    conn: &mut DbConnection,
    session: &WebSession,
    request_id: Option<String>,
) -> Result<()> {
    db::write_transaction(conn, |conn| -> Result<()> {
        diesel::update(web_sessions::table.find(session.id))
            .set(web_sessions::revoked_at.eq(db::now()))
            .execute(conn)?;
        audit::record::<(), _>(
            conn,
            &session.user.actor(request_id.clone()),
            "auth.logout",
            "user",
            Some(&session.user.id.to_string()),
            None,
            Some(&serde_json::json!({"via": "dashboard"})),
        )?;
        Ok(())
    })
}

/// Marks every live session of a user revoked; part of `sessions::revoke_all_tokens`.
pub fn revoke_all(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user_id))
            .filter(web_sessions::revoked_at.is_null()),
    )
    .set(web_sessions::revoked_at.eq(now))
    .execute(conn)
}
