//! User administration (admins): accounts, roles and scopes, passwords, their API tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::api::extract::{Json, Query, etag, if_match};
use crate::api::guard::request_id;
use crate::api::reference::{List, Page};
use crate::auth::AuthUser;
use crate::domain::{ApiTokenId, UserId};
use crate::error::Error;
use crate::service::api_tokens;
use crate::service::users::{self, NewUserInput, UserChange};
use crate::state::AppState;

/// GET /api/v1/users — every user. Admins.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    operation_id = "list_users",
    params(Page),
    responses((status = 200, description = "Users by username", body = List<crate::service::users::UserSummary>)),
)]
pub async fn list(state: web::Data<AppState>, page: Query<Page>) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let (items, total) = state
        .read(move |conn| users::list(conn, limit, offset))
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items,
        total,
        limit,
        offset,
    }))
}

/// POST /api/v1/users — create a user. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    operation_id = "create_user",
    responses((status = 201, description = "Created", body = crate::service::users::UserSummary, headers(("Location" = String, description = "The URL of the new resource"), ("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 409, description = "The username is taken")),
)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<NewUserInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let input = body.0;
    let created = state
        .write(move |conn| users::create_user(conn, &actor, &input))
        .await?;
    let id = created.id;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{id}")))
        .insert_header(("ETag", etag(1)))
        .json(created))
}

/// GET /api/v1/users/{id} — one user, with its ETag. Admins.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    operation_id = "get_user",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The user", body = crate::service::users::UserSummary, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such user")),
)]
pub async fn get(
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, Error> {
    let id = path.into_inner();
    let (user, version) = state.read(move |conn| users::get(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(version)))
        .json(user))
}

/// PATCH /api/v1/users/{id} — change name, role, scope or disable; needs If-Match. Admins, but
/// not their own role or state (`users::update` holds the rules).
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    operation_id = "update_user",
    params(("id" = i64, Path, description = "User id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = crate::service::users::UserSummary, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such user"), (status = 409, description = "Nobody disables their own account or changes their own role, and the last active admin stays one (the field at fault in `errors`)")),
)]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<UserId>,
    body: Json<UserChange>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let id = path.into_inner();
    let actor = user.actor(request_id(&req));
    let (updated, version) = state
        .write(move |conn| users::update(conn, &actor, id, Some(expected), &body.0))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(version)))
        .json(updated))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    pub password: String,
}

/// PUT /api/v1/users/{id}/password — set a user's password; revokes their tokens. Admins.
#[utoipa::path(
    put,
    path = "/api/v1/users/{id}/password",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Set; the user's tokens are revoked"), (status = 404, description = "No such user")),
)]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<UserId>,
    body: Json<SetPassword>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let id = path.into_inner();
    state
        .write(move |conn| users::set_password(conn, &actor, id, &body.0.password))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// GET /api/v1/users/{id}/tokens — a user's API tokens. Admins.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}/tokens",
    tag = "users",
    operation_id = "list_user_tokens",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The user's API tokens", body = crate::api::openapi::ApiTokenList), (status = 404, description = "No such user")),
)]
pub async fn list_tokens(
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, Error> {
    let id = path.into_inner();
    let items = state
        .read(move |conn| {
            users::get(conn, id)?;
            api_tokens::list(conn, id)
        })
        .await?;
    let total = items.len();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "total": total })))
}

/// DELETE /api/v1/users/{id}/tokens/{token_id} — revoke a user's API token. Admins.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}/tokens/{token_id}",
    tag = "users",
    operation_id = "revoke_user_token",
    params(("id" = i64, Path, description = "User id"), ("token_id" = i64, Path, description = "API token id")),
    responses((status = 200, description = "Revoked", body = crate::service::api_tokens::ApiTokenJson), (status = 404, description = "No such user or token")),
)]
pub async fn revoke_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<(UserId, ApiTokenId)>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let (id, token_id) = path.into_inner();
    let revoked = state
        .write(move |conn| api_tokens::revoke(conn, &actor, id, token_id))
        .await?;
    Ok(HttpResponse::Ok().json(revoked))
}
