//! Users: creation with validated scope; the full lifecycle comes with the auth issue.

use diesel::prelude::*;
use serde::Serialize;

use crate::auth::password;
use crate::db::models::{NewUser, User};
use crate::db::schema::{ministries, municipalities, users};
use crate::db::{self, DbConnection};
use crate::domain::{Named, Role, UserId};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::audit::{self, Actor};
use crate::service::codes::{self, Codes, Kind};
use crate::service::validate;

/// What is needed to create a user.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub role: String,
    /// Ministry code (`BZK`, `SZW`, …), for role `ministry`.
    pub ministry: Option<String>,
    /// Municipality code or name (`den-haag` or `Den Haag`), for role `municipality`.
    pub municipality: Option<String>,
    pub password: String,
}

/// A user as shown to others: never the password hash.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub ministry: Option<String>,
    pub municipality: Option<String>,
    pub disabled: bool,
}

/// Usernames: 3–64 characters of letters, digits and `. _ - @`.
pub fn validate_username(username: &str) -> std::result::Result<(), Msg> {
    let length = username.chars().count();
    if !(3..=64).contains(&length) {
        return Err(Msg::Length { min: 3, max: 64 });
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(Msg::Username);
    }
    Ok(())
}

/// Checks a new user's name, role, password and scope, naming every field at fault; the role.
fn check_new_user(input: &NewUserInput) -> Result<Role> {
    let mut errors = Vec::new();
    if let Err(message) = validate_username(&input.username) {
        errors.push(FieldError::new("username", message));
    }
    let role = match Role::from_name(&input.role) {
        Ok(role) => Some(role),
        Err(err) => {
            errors.push(FieldError::new("role", Msg::from(err)));
            None
        }
    };
    if let Err(err) =
        password::check_strength(&input.password, &[&input.username, &input.display_name])
    {
        errors.push(FieldError::new("password", err));
    }
    match (role, &input.ministry, &input.municipality) {
        (Some(Role::Ministry), None, _) => errors.push(FieldError::new(
            "ministry",
            Msg::ScopeNeeded {
                kind: Label::Ministry,
            },
        )),
        (Some(Role::Municipality), _, None) => errors.push(FieldError::new(
            "municipality",
            Msg::ScopeNeeded {
                kind: Label::Municipality,
            },
        )),
        (Some(role), Some(_), _) if role != Role::Ministry => errors.push(FieldError::new(
            "ministry",
            Msg::ScopeNotForRole {
                kind: Label::Ministry,
            },
        )),
        (Some(role), _, Some(_)) if role != Role::Municipality => errors.push(FieldError::new(
            "municipality",
            Msg::ScopeNotForRole {
                kind: Label::Municipality,
            },
        )),
        _ => {}
    }
    validate::check(errors)?;
    role.ok_or_else(|| Error::validation("role", Msg::Required))
}

/// Creates a user; the password is hashed here (blocking, tens of milliseconds).
pub fn create_user(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &NewUserInput,
) -> Result<UserSummary> {
    let role = check_new_user(input)?;
    let password_hash = password::hash(&input.password).map_err(Error::internal)?;

    db::write_transaction(conn, |conn| {
        let ministry = match &input.ministry {
            Some(text) => Some(scope_code(conn, Kind::Ministry, "ministry", text)?),
            None => None,
        };
        let municipality = match &input.municipality {
            Some(text) => Some(scope_code(conn, Kind::Municipality, "municipality", text)?),
            None => None,
        };
        let now = db::now();
        let key = input.username.to_lowercase();
        let user: User = diesel::insert_into(users::table)
            .values(NewUser {
                username: &input.username,
                username_key: &key,
                display_name: &input.display_name,
                password_hash: &password_hash,
                role: role.as_str(),
                ministry_id: ministry.as_ref().map(|(id, _)| *id),
                municipality_id: municipality.as_ref().map(|(id, _)| *id),
                created_at: now,
                updated_at: now,
            })
            .returning(users::all_columns)
            .get_result(conn)
            .map_err(|err| match Error::from(err) {
                Error::Conflict { .. } => Error::conflict(
                    "username",
                    Msg::UsernameTaken {
                        username: input.username.clone(),
                    },
                ),
                other => other,
            })?;
        let summary = UserSummary {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role,
            ministry: ministry.map(|(_, code)| code),
            municipality: municipality.map(|(_, code)| code),
            disabled: user.disabled,
        };
        audit::record::<(), _>(
            conn,
            actor,
            "user.create",
            "user",
            Some(&summary.id.to_string()),
            None,
            Some(&summary),
        )?;
        Ok(summary)
    })
}

/// How many users exist (serve prints how to create the first admin when there are none).
pub fn count(conn: &mut DbConnection) -> Result<i64> {
    Ok(users::table.count().get_result(conn)?)
}

type SummaryRow = (
    i64,
    String,
    String,
    String,
    bool,
    Option<String>,
    Option<String>,
);

fn summaries(
    conn: &mut DbConnection,
    filter_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<UserSummary>> {
    let mut query = users::table
        .left_join(ministries::table)
        .left_join(municipalities::table)
        .select((
            users::id,
            users::username,
            users::display_name,
            users::role,
            users::disabled,
            ministries::code.nullable(),
            municipalities::code.nullable(),
        ))
        .order(users::username_key.asc())
        .limit(limit)
        .offset(offset)
        .into_boxed();
    if let Some(id) = filter_id {
        query = query.filter(users::id.eq(id));
    }
    query
        .load::<SummaryRow>(conn)?
        .into_iter()
        .map(
            |(id, username, display_name, role, disabled, ministry, municipality)| {
                Ok(UserSummary {
                    id,
                    username,
                    display_name,
                    role: role.parse().map_err(Error::internal)?,
                    ministry,
                    municipality,
                    disabled,
                })
            },
        )
        .collect()
}

/// One user as others see it.
pub fn get(conn: &mut DbConnection, id: UserId) -> Result<(UserSummary, i64)> {
    let id = id.get();
    let summary = summaries(conn, Some(id), 1, 0)?
        .pop()
        .ok_or_else(|| Error::not_found(Label::User, id))?;
    let version = users::table.find(id).select(users::version).first(conn)?;
    Ok((summary, version))
}

/// Users by username, a page at a time, with the total.
pub fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<UserSummary>, i64)> {
    let total = users::table.count().get_result(conn)?;
    Ok((summaries(conn, None, limit, offset)?, total))
}

/// The id of a username (any case).
pub fn id_by_username(conn: &mut DbConnection, username: &str) -> Result<UserId> {
    users::table
        .filter(users::username_key.eq(username.to_lowercase()))
        .select(users::id)
        .first::<i64>(conn)
        .optional()?
        .map(UserId::from)
        .ok_or_else(|| Error::not_found_code(Label::User, username))
}

/// A change to a user; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// Ministry code; required when the role becomes `ministry`.
    pub ministry: Option<String>,
    /// Municipality code or name; required when the role becomes `municipality`.
    pub municipality: Option<String>,
    pub disabled: Option<bool>,
}

/// The id and code of the ministry or municipality `text` names (a code or a name, in any
/// case), or a refusal of `field` that lists the valid ones.
fn scope_code(
    conn: &mut DbConnection,
    kind: Kind,
    field: &str,
    text: &str,
) -> Result<(i64, String)> {
    let codes = Codes::load(conn)?;
    match codes.find(kind, text) {
        Some(id) => {
            let code = match kind {
                Kind::Ministry => codes.ministry(id),
                _ => codes.municipality(id),
            };
            Ok((id, code.to_string()))
        }
        None => Err(Error::validation(
            field,
            codes::unknown_msg(&codes, kind, text),
        )),
    }
}

fn lookup_ministry(conn: &mut DbConnection, text: &str) -> Result<i64> {
    scope_code(conn, Kind::Ministry, "ministry", text).map(|(id, _)| id)
}

fn lookup_municipality(conn: &mut DbConnection, text: &str) -> Result<i64> {
    scope_code(conn, Kind::Municipality, "municipality", text).map(|(id, _)| id)
}

/// One scope (a ministry or a municipality) after a change: the one `given` when the role
/// has this kind of scope (`needed`), else the `current` one; refused when the role needs one
/// and there is none, or does not take one and one is given.
fn one_scope(
    conn: &mut DbConnection,
    (needed, kind, field): (bool, Label, &str),
    given: Option<&String>,
    current: Option<i64>,
    lookup: fn(&mut DbConnection, &str) -> Result<i64>,
) -> Result<Option<i64>> {
    match (needed, given) {
        (true, Some(value)) => Ok(Some(lookup(conn, value)?)),
        (true, None) => current
            .map(Some)
            .ok_or_else(|| Error::validation(field, Msg::ScopeNeeded { kind })),
        (false, Some(_)) => Err(Error::validation(field, Msg::ScopeNotForRole { kind })),
        (false, None) => Ok(None),
    }
}

/// The scope a user has after a change to `role`: (ministry id, municipality id). A scope
/// only the role has; a role that needs one keeps the current one unless the change names one.
fn scope_after(
    conn: &mut DbConnection,
    role: Role,
    change: &UserChange,
    current: &User,
) -> Result<(Option<i64>, Option<i64>)> {
    let ministry_id = one_scope(
        conn,
        (role == Role::Ministry, Label::Ministry, "ministry"),
        change.ministry.as_ref(),
        current.ministry_id,
        lookup_ministry,
    )?;
    let municipality_id = one_scope(
        conn,
        (
            role == Role::Municipality,
            Label::Municipality,
            "municipality",
        ),
        change.municipality.as_ref(),
        current.municipality_id,
        lookup_municipality,
    )?;
    Ok((ministry_id, municipality_id))
}

/// The ids of the active admins, locked until the transaction ends, so two changes that each
/// leave one admin cannot both pass. PostgreSQL: `SELECT … FOR UPDATE`; a writer that waited
/// for the lock sees the other's change (a row no longer an active admin drops out). SQLite
/// needs nothing: `BEGIN IMMEDIATE` already keeps every other writer out.
fn active_admins_locked(conn: &mut DbConnection) -> Result<Vec<i64>> {
    let query = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .order(users::id.asc());
    if let DbConnection::Postgresql(pg) = conn {
        return Ok(query.for_update().load(pg)?);
    }
    Ok(query.load(conn)?)
}

/// The rules of an account change every interface shares: nobody disables their own account
/// or changes their own role (the command line's operator is no user, so may), and no change
/// leaves the programme without an active admin. Counted in the change's own transaction.
fn check_account_change(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &User,
    role: Role,
    disabled: bool,
) -> Result<()> {
    let disabling = disabled && !current.disabled;
    let role_changes = role.as_str() != current.role;
    if actor.user_id == Some(current.id) {
        if disabling {
            return Err(Error::conflict("disabled", Msg::CannotDisableYourself));
        }
        if role_changes {
            return Err(Error::conflict("role", Msg::CannotChangeOwnRole));
        }
    }
    let was_active_admin = current.role == Role::Admin.as_str() && !current.disabled;
    let stays_active_admin = role == Role::Admin && !disabled;
    if was_active_admin && !stays_active_admin {
        let others = active_admins_locked(conn)?
            .into_iter()
            .filter(|id| *id != current.id)
            .count();
        if others == 0 {
            let field = if disabling { "disabled" } else { "role" };
            return Err(Error::conflict(
                field,
                Msg::LastActiveAdmin {
                    username: current.username.clone(),
                },
            ));
        }
    }
    Ok(())
}

fn check_display_name(change: &UserChange) -> Result<()> {
    if change
        .display_name
        .as_ref()
        .is_some_and(|name| name.chars().count() > 200)
    {
        return Err(Error::validation("display_name", Msg::TooLong { max: 200 }));
    }
    Ok(())
}

/// Changes a user at `expected_version` (412 when someone changed it first), under the rules
/// of `check_account_change`. A change of role, scope or a disable revokes every token of the
/// user at once.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: UserId,
    expected_version: Option<i64>,
    change: &UserChange,
) -> Result<(UserSummary, i64)> {
    check_display_name(change)?;
    let new_role = match &change.role {
        Some(role) => {
            Some(Role::from_name(role).map_err(|e| Error::validation("role", Msg::from(e)))?)
        }
        None => None,
    };
    db::write_transaction(conn, |conn| {
        let current: User = users::table
            .find(id.get())
            .first(conn)
            .optional()?
            .ok_or_else(|| Error::not_found(Label::User, id))?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(Error::PreconditionFailed);
        }
        let (before, _) = get(conn, id)?;
        let role = match new_role {
            Some(role) => role,
            None => current.role.parse::<Role>().map_err(Error::internal)?,
        };
        let (ministry_id, municipality_id) = scope_after(conn, role, change, &current)?;
        let disabled = change.disabled.unwrap_or(current.disabled);
        check_account_change(conn, actor, &current, role, disabled)?;
        let rights_changed = role.as_str() != current.role
            || ministry_id != current.ministry_id
            || municipality_id != current.municipality_id
            || (disabled && !current.disabled);
        let updated = diesel::update(
            users::table
                .filter(users::id.eq(id.get()))
                .filter(users::version.eq(current.version)),
        )
        .set((
            users::display_name.eq(change
                .display_name
                .as_deref()
                .unwrap_or(&current.display_name)),
            users::role.eq(role.as_str()),
            users::ministry_id.eq(ministry_id),
            users::municipality_id.eq(municipality_id),
            users::disabled.eq(disabled),
            users::updated_at.eq(db::now()),
            users::version.eq(current.version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::PreconditionFailed);
        }
        if rights_changed {
            crate::service::sessions::revoke_all_tokens(conn, id.get())?;
        }
        let (after, version) = get(conn, id)?;
        audit::record(
            conn,
            actor,
            "user.update",
            "user",
            Some(&id.to_string()),
            Some(&before),
            Some(&after),
        )?;
        Ok((after, version))
    })
}

/// Sets a new password and revokes every token of the user. The password must be strong
/// enough for this user (`password::check_strength` with their username and name).
pub fn set_password(
    conn: &mut DbConnection,
    actor: &Actor,
    id: UserId,
    new_password: &str,
) -> Result<()> {
    store_password(conn, actor, id, new_password, "password")
}

/// Checks, hashes and stores a new password; `field` names it in the error.
fn store_password(
    conn: &mut DbConnection,
    actor: &Actor,
    id: UserId,
    new_password: &str,
    field: &str,
) -> Result<()> {
    let id = id.get();
    let (username, display_name): (String, String) = users::table
        .find(id)
        .select((users::username, users::display_name))
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(Label::User, id))?;
    password::check_strength(new_password, &[&username, &display_name])
        .map_err(|e| Error::validation(field, e))?;
    let hash = password::hash(new_password).map_err(Error::internal)?;
    db::write_transaction(conn, |conn| {
        let updated = diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(&hash),
                users::updated_at.eq(db::now()),
                users::version.eq(users::version + 1),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(Error::not_found(Label::User, id));
        }
        crate::service::sessions::revoke_all_tokens(conn, id)?;
        audit::record::<(), ()>(
            conn,
            actor,
            "user.set_password",
            "user",
            Some(&id.to_string()),
            None,
            None,
        )?;
        Ok(())
    })
}

/// Checks the caller's current password before they set a new one: a read.
pub fn check_current_password(conn: &mut DbConnection, id: UserId, current: &str) -> Result<()> {
    let hash: String = users::table
        .find(id.get())
        .select(users::password_hash)
        .first(conn)?;
    if password::verify(current, &hash) {
        Ok(())
    } else {
        Err(Error::validation(
            "current_password",
            Msg::NotCurrentPassword,
        ))
    }
}

/// Sets the caller's own new password, once [`check_current_password`] has accepted the
/// current one (a read, under the login throttle): a write, so no hash to verify here.
pub fn set_own_password(
    conn: &mut DbConnection,
    actor: &Actor,
    id: UserId,
    new_password: &str,
) -> Result<()> {
    store_password(conn, actor, id, new_password, "new_password")
}
