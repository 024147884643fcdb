//! The route guard: authenticates the caller and applies the policy's role check before a
//! handler runs. Every route in the table is wrapped in one, with its operation.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::auth::policy::{self, Operation};
use crate::auth::{self, AuthUser};
use crate::error::Error;
use crate::i18n::{Lang, Msg};
use crate::state::AppState;
use crate::telemetry::RequestId;

/// The bearer token of a request, if it has a well-formed one.
pub fn bearer_token(headers: &HeaderMap) -> Result<String, Error> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or(Error::Unauthorized(Msg::LoginRequired))?
        .to_str()
        .map_err(|_| Error::Unauthorized(Msg::AuthorizationInvalid))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(Error::Unauthorized(Msg::AuthorizationInvalid))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.len() > 4096 {
        return Err(Error::Unauthorized(Msg::UseBearer));
    }
    Ok(token.to_string())
}

/// The guard of a route of the table: the API's (Bearer token) or the dashboard's (session).
pub async fn route_guard(
    kind: crate::api::RouteKind,
    operation: Operation,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    match kind {
        crate::api::RouteKind::Api => guard(operation, req, next).await,
        crate::api::RouteKind::Page => crate::web::session::guard(operation, req, next).await,
        crate::api::RouteKind::Asset => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
    }
}

/// Authenticates and authorises a request for `operation` (public operations pass untouched)
/// and answers errors in the caller's language (`Accept-Language`; English by default).
pub async fn guard(
    operation: Operation,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = crate::api::api_language(req.request());
    if operation != Operation::Public
        && let Err(error) = authenticate(operation, &req).await
    {
        let (http_req, _) = req.into_parts();
        return Ok(ServiceResponse::new(http_req, error.respond(lang)));
    }
    let response = next.call(req).await?.map_into_boxed_body();
    if lang == Lang::En {
        return Ok(response);
    }
    // The error type answered in English; answer again in the caller's language.
    match response
        .response()
        .error()
        .and_then(|e| e.as_error::<Error>())
    {
        Some(error) => {
            let answer = error.answer(lang);
            let (http_req, _) = response.into_parts();
            Ok(ServiceResponse::new(http_req, answer))
        }
        None => Ok(response),
    }
}

/// Puts the caller and the data version the guard read into the request, or says why not.
async fn authenticate(operation: Operation, req: &ServiceRequest) -> Result<(), Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| Error::internal("application state missing"))?;
    let token = bearer_token(req.headers())?;
    let keys = state.jwt.clone();
    let (user, version, touch) = state
        .read(move |conn| auth::authenticate(conn, &keys, &token))
        .await?;
    state.record_use(touch);
    policy::authorize(&user, operation)?;
    req.extensions_mut().insert(user);
    req.extensions_mut().insert(crate::db::DataVersion(version));
    Ok(())
}

/// The user the guard authenticated.
impl FromRequest for AuthUser {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<AuthUser>()
                .cloned()
                .ok_or_else(|| Error::internal("a handler asked for the user on a public route")),
        )
    }
}

/// The request id, for the audit log.
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}
