//! Personal API tokens for machine clients: named, read or read-write, optionally expiring,
//! shown once and stored as a hash. A token acts with its user's role and scope as they are at
//! each use, so it never has more rights than its user has now.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::tokens;
use crate::db::schema::api_tokens;
use crate::db::{self, DbConnection};
use crate::domain::{ApiTokenId, UserId};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::audit::{self, Actor};
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ApiTokenJson {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    /// `read` or `read_write`.
    pub access: String,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub expires_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub last_used_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    pub name: String,
    /// `read` (default) or `read_write`.
    #[serde(default = "default_access")]
    pub access: String,
    /// Days until the token expires (1–730); absent for no expiry.
    pub expires_in_days: Option<i64>,
}

fn default_access() -> String {
    "read".into()
}

/// The token as created: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedApiToken {
    #[serde(flatten)]
    pub info: ApiTokenJson,
    pub token: String,
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn to_json(row: Row) -> ApiTokenJson {
    let (id, name, prefix, access, expires_at, created_at, last_used_at, revoked_at) = row;
    ApiTokenJson {
        id,
        name,
        prefix,
        access,
        expires_at,
        created_at,
        last_used_at,
        revoked_at,
    }
}

fn columns() -> (
    api_tokens::id,
    api_tokens::name,
    api_tokens::prefix,
    api_tokens::access,
    api_tokens::expires_at,
    api_tokens::created_at,
    api_tokens::last_used_at,
    api_tokens::revoked_at,
) {
    (
        api_tokens::id,
        api_tokens::name,
        api_tokens::prefix,
        api_tokens::access,
        api_tokens::expires_at,
        api_tokens::created_at,
        api_tokens::last_used_at,
        api_tokens::revoked_at,
    )
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: UserId,
    input: &NewApiToken,
) -> Result<CreatedApiToken> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    validate::text("name", name, 1, 100, &mut errors);
    if input.access != "read" && input.access != "read_write" {
        errors.push(FieldError::new(
            "access",
            Msg::OneOf {
                value: input.access.clone(),
                valid: crate::domain::Choice::codes(&["read", "read_write"]),
            },
        ));
    }
    if input
        .expires_in_days
        .is_some_and(|d| !(1..=730).contains(&d))
    {
        errors.push(FieldError::new(
            "expires_in_days",
            Msg::Between { min: 1, max: 730 },
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let token = tokens::new_api_token();
    db::write_transaction(conn, |conn| {
        let now = db::now();
        let row: Row = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(user_id.get()),
                api_tokens::name.eq(name),
                api_tokens::prefix.eq(tokens::display_prefix(&token)),
                api_tokens::token_hash.eq(tokens::hash(&token)),
                api_tokens::access.eq(&input.access),
                api_tokens::expires_at.eq(input
                    .expires_in_days
                    .map(|d| now + chrono::Duration::days(d))),
                api_tokens::created_at.eq(now),
            ))
            .returning(columns())
            .get_result(conn)
            .map_err(|err| match Error::from(err) {
                Error::Conflict { .. } => Error::Conflict {
                    message: Msg::ApiTokenNameTaken {
                        name: name.to_string(),
                    },
                    field: Some("name".into()),
                },
                other => other,
            })?;
        let info = to_json(row);
        audit::record::<(), _>(
            conn,
            actor,
            "api_token.create",
            "api_token",
            Some(&info.id.to_string()),
            None,
            Some(&info),
        )?;
        Ok(CreatedApiToken {
            info,
            token: token.clone(),
        })
    })
}

pub fn list(conn: &mut DbConnection, user_id: UserId) -> Result<Vec<ApiTokenJson>> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id.get()))
        .select(columns())
        .order(api_tokens::id.asc())
        .load::<Row>(conn)?
        .into_iter()
        .map(to_json)
        .collect())
}

/// Revokes a token of `user_id`; revoking twice is harmless.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: UserId,
    token_id: ApiTokenId,
) -> Result<ApiTokenJson> {
    let (user_id, token_id) = (user_id.get(), token_id.get());
    db::write_transaction(conn, |conn| {
        let before: Row = api_tokens::table
            .filter(api_tokens::id.eq(token_id))
            .filter(api_tokens::user_id.eq(user_id))
            .select(columns())
            .first(conn)
            .optional()?
            .ok_or_else(|| Error::not_found(Label::ApiToken, token_id))?;
        let before = to_json(before);
        diesel::update(
            api_tokens::table
                .find(token_id)
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(db::now()))
        .execute(conn)?;
        let after = to_json(
            api_tokens::table
                .find(token_id)
                .select(columns())
                .first(conn)?,
        );
        audit::record(
            conn,
            actor,
            "api_token.revoke",
            "api_token",
            Some(&token_id.to_string()),
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}
