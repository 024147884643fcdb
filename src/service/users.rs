//! Users: creation with validated scope; the full lifecycle comes with the auth issue.

use diesel::prelude::*;
use serde::Serialize;

use crate::auth::password;
use crate::db::models::{NewUser, User};
use crate::db::schema::{ministries, municipalities, users};
use crate::db::{self, DbConnection};
use crate::domain::Role;
use crate::error::{Error, FieldError, Result};
use crate::service::audit::{self, Actor};

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Ministry code (`BZK`, `SZW`, …), for role `ministry`.
    pub ministry: Option<String>,
    /// Municipality code or name (`den-haag` or `Den Haag`), for role `municipality`.
    pub municipality: Option<String>,
    pub password: String,
}

/// A user as shown to others: never the password hash.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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
pub fn validate_username(username: &str) -> std::result::Result<(), String> {
    let length = username.chars().count();
    if !(3..=64).contains(&length) {
        return Err("must be 3 to 64 characters".into());
    }
    if !username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
        return Err("may contain only letters, digits and . _ - @".into());
    }
    Ok(())
}

/// Creates a user; the password is hashed here (blocking, tens of milliseconds).
pub fn create_user(conn: &mut DbConnection, actor: &Actor, input: &NewUserInput) -> Result<UserSummary> {
    let mut errors = Vec::new();
    if let Err(message) = validate_username(&input.username) {
        errors.push(FieldError::new("username", message));
    }
    let role = match input.role.parse::<Role>() {
        Ok(role) => Some(role),
        Err(err) => {
            errors.push(FieldError::new("role", err.to_string()));
            None
        }
    };
    if let Err(err) = password::check_strength(&input.password) {
        errors.push(FieldError::new("password", err.to_string()));
    }
    match (role, &input.ministry, &input.municipality) {
        (Some(Role::Ministry), None, _) => {
            errors.push(FieldError::new("ministry", "a ministry user needs a ministry"))
        }
        (Some(Role::Municipality), _, None) => {
            errors.push(FieldError::new("municipality", "a municipality user needs a municipality"))
        }
        (Some(role), Some(_), _) if role != Role::Ministry => {
            errors.push(FieldError::new("ministry", "only ministry users have a ministry"))
        }
        (Some(role), _, Some(_)) if role != Role::Municipality => errors
            .push(FieldError::new("municipality", "only municipality users have a municipality")),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let role = role.ok_or_else(|| Error::validation("role", "missing"))?;
    let password_hash = password::hash(&input.password).map_err(Error::internal)?;

    db::write_transaction(conn, |conn| {
        let ministry = match &input.ministry {
            Some(code) => Some(
                ministries::table
                    .filter(ministries::code.eq(code))
                    .select((ministries::id, ministries::code))
                    .first::<(i64, String)>(conn)
                    .optional()?
                    .ok_or_else(|| {
                        Error::validation("ministry", format!("unknown ministry `{code}`"))
                    })?,
            ),
            None => None,
        };
        let municipality = match &input.municipality {
            Some(name) => Some(
                municipalities::table
                    .filter(municipalities::code.eq(name).or(municipalities::name.eq(name)))
                    .select((municipalities::id, municipalities::code))
                    .first::<(i64, String)>(conn)
                    .optional()?
                    .ok_or_else(|| {
                        Error::validation("municipality", format!("unknown municipality `{name}`"))
                    })?,
            ),
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
                Error::Conflict { .. } => Error::Conflict {
                    message: format!("the username `{}` is taken", input.username),
                    field: Some("username".into()),
                },
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
