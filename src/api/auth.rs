//! Logging in and out, refreshing tokens, the caller's own account and API tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::api::client;
use crate::api::extract::Json;
use crate::api::guard::request_id;
use crate::auth::AuthUser;
use crate::auth::policy::{self, Access, Operation, POLICY};
use crate::auth::throttle;
use crate::domain::ApiTokenId;
use crate::error::Error;
use crate::i18n::Msg;
use crate::service::{api_tokens, sessions, users};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Runs a password check for `username` under the login throttle ([`throttle`]): the attempt
/// is counted first, in a write shared by every instance (429 with Retry-After when this
/// username or client address must wait); then `check` runs in a read (a hash takes tens of
/// milliseconds, which a batch of writes should not wait for); a success takes the attempt
/// back. Used by logging in (API and dashboard) and by changing one's own password.
pub async fn throttled<T, F>(
    state: &AppState,
    req: &HttpRequest,
    username: &str,
    check: F,
) -> Result<T, Error>
where
    F: FnOnce(&mut crate::db::DbConnection) -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    let server = &state.settings.server;
    let address = client::of_request(req, &server.trusted_proxies, server.forwarded_header);
    let rules = state.throttle;
    let (name, at) = (username.to_string(), address.clone());
    let admitted = state
        .write(move |conn| throttle::admit(conn, &rules, &name, &at))
        .await;
    let keys = match admitted {
        Ok(keys) => keys,
        Err(err) => {
            if let Error::TooManyRequests {
                retry_after_seconds,
            } = &err
            {
                tracing::info!(%address, retry_after_seconds, "password check throttled");
            }
            return Err(err);
        }
    };
    let result = state.read(check).await;
    match &result {
        Ok(_) => {
            state
                .write(move |conn| throttle::succeeded(conn, &keys))
                .await?;
        }
        Err(Error::Unauthorized(_) | Error::Validation(_)) => {
            tracing::info!(%address, "wrong password");
        }
        Err(_) => {}
    }
    result
}

/// Checks a username and password under the login throttle, for the API and the dashboard
/// alike; the caller then opens the session.
pub async fn throttled_login(
    state: &AppState,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> Result<sessions::Verified, Error> {
    let name = username.to_string();
    throttled(state, req, username, move |conn| {
        sessions::verify_credentials(conn, &name, &password)
    })
    .await
}

/// POST /api/v1/auth/token — log in with username and password. Anyone; throttled.
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    operation_id = "create_token",
    responses((status = 200, description = "Logged in: an access token and a refresh token", body = crate::service::sessions::TokenPair), (status = 401, description = "Wrong username or password, or the account is disabled"), (status = 429, description = "Too many failed logins for this username or address", headers(("Retry-After" = u64, description = "Seconds to wait")))),
)]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, Error> {
    let LoginRequest { username, password } = body.0;
    if username.len() > 200 || password.len() > 1024 {
        return Err(Error::Unauthorized(Msg::WrongCredentials));
    }
    let keys = state.jwt.clone();
    let refresh_days = state.settings.auth.refresh_token_days;
    let verified = throttled_login(&state, &req, &username, password).await?;
    let pair = state
        .write(move |conn| sessions::login(conn, &keys, refresh_days, verified))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(pair))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// POST /api/v1/auth/refresh — exchange a refresh token for a new pair. Anyone with one.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    operation_id = "refresh_token",
    responses((status = 200, description = "A new token pair; the refresh token sent is used up", body = crate::service::sessions::TokenPair), (status = 401, description = "The refresh token is unknown, expired, used or revoked")),
)]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, Error> {
    let keys = state.jwt.clone();
    let refresh_days = state.settings.auth.refresh_token_days;
    let token = body.0.refresh_token;
    let pair = state
        .write(move |conn| sessions::refresh(conn, &keys, refresh_days, &token))
        .await?
        .into_result()?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(pair))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    pub refresh_token: Option<String>,
}

/// POST /api/v1/auth/logout — revoke this access token (and the refresh token's family). Any user.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    request_body(content = Option<LogoutRequest>, description = "Optional: a refresh token to revoke with its family"),
    responses((status = 204, description = "Logged out")),
)]
pub async fn logout(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Option<Json<LogoutRequest>>,
) -> Result<HttpResponse, Error> {
    let refresh_token = body.and_then(|b| b.0.refresh_token);
    let keys = state.jwt.clone();
    state
        .write(move |conn| sessions::logout(conn, &keys, &user, refresh_token.as_deref()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: users::UserSummary,
    /// What the caller may do: each operation with its reach (`all`, `own_ministry`, …).
    pub permissions: Vec<Permission>,
    pub read_only: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Permission {
    pub operation: Operation,
    pub access: Access,
}

/// GET /api/v1/me — who am I, and what may I do. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    operation_id = "get_me",
    responses((status = 200, description = "The caller and what they may do", body = Me)),
)]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, Error> {
    let id = user.id;
    let (summary, _) = state.read(move |conn| users::get(conn, id)).await?;
    let permissions = POLICY
        .iter()
        .filter(|(op, ..)| *op != Operation::Public)
        .map(|(op, ..)| (op, policy::access(user.role, *op)))
        .filter(|(op, access)| {
            *access != Access::Denied && !(user.read_only && policy::writes(**op))
        })
        .map(|(op, access)| Permission {
            operation: *op,
            access,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Me {
        user: summary,
        permissions,
        read_only: user.read_only,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// POST /api/v1/me/password — change my password; every token of mine is revoked. Any user.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "me",
    responses((status = 204, description = "Changed; every token of the caller is revoked"), (status = 403, description = "Logged in with an API token or a read-only token: log in with your password")),
)]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, Error> {
    if user.read_only || matches!(user.credential, crate::auth::Credential::ApiToken { .. }) {
        return Err(Error::Forbidden(Msg::PasswordLoginToChange));
    }
    let actor = user.actor(request_id(&req));
    let PasswordChange {
        current_password,
        new_password,
    } = body.0;
    // The current password is checked like a login: throttled, and in a read, so guessing it
    // with a stolen access token is as slow as guessing at the login, and never holds up the
    // writes of others.
    let id = user.id;
    throttled(&state, &req, &user.username, move |conn| {
        users::check_current_password(conn, id, &current_password)
    })
    .await?;
    state
        .write(move |conn| users::set_own_password(conn, &actor, id, &new_password))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// GET /api/v1/me/tokens — my API tokens (never their secrets). Any user.
#[utoipa::path(
    get,
    path = "/api/v1/me/tokens",
    tag = "me",
    responses((status = 200, description = "The caller's API tokens (never their secrets)", body = crate::api::openapi::ApiTokenList)),
)]
pub async fn list_my_tokens(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, Error> {
    let items = state
        .read(move |conn| api_tokens::list(conn, user.id))
        .await?;
    let total = items.len();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "total": total })))
}

/// POST /api/v1/me/tokens — create an API token; its secret is in this answer only. Any user
/// logged in with a password (an API token cannot make more tokens).
#[utoipa::path(
    post,
    path = "/api/v1/me/tokens",
    tag = "me",
    responses((status = 201, description = "Created; `token` is shown in this answer only", body = crate::service::api_tokens::CreatedApiToken), (status = 403, description = "An API token cannot create API tokens")),
)]
pub async fn create_my_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<api_tokens::NewApiToken>,
) -> Result<HttpResponse, Error> {
    if matches!(user.credential, crate::auth::Credential::ApiToken { .. }) {
        return Err(Error::Forbidden(Msg::ApiTokenCannotMakeTokens));
    }
    let actor = user.actor(request_id(&req));
    let created = state
        .write(move |conn| api_tokens::create(conn, &actor, user.id, &body.0))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(created))
}

/// DELETE /api/v1/me/tokens/{id} — revoke one of my API tokens. Any user.
#[utoipa::path(
    delete,
    path = "/api/v1/me/tokens/{id}",
    tag = "me",
    params(("id" = i64, Path, description = "API token id")),
    responses((status = 200, description = "Revoked", body = crate::service::api_tokens::ApiTokenJson), (status = 404, description = "No such token of the caller")),
)]
pub async fn revoke_my_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<ApiTokenId>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let token_id = path.into_inner();
    let revoked = state
        .write(move |conn| api_tokens::revoke(conn, &actor, user.id, token_id))
        .await?;
    Ok(HttpResponse::Ok().json(revoked))
}
