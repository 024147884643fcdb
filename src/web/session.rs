//! The page guard: finds the browser session from its cookie, checks the CSRF token (and the
//! `Origin`) of every POST before anything else happens, applies the policy's role check, and
//! turns errors into HTML pages in the reader's language. Every page route runs through it.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use subtle::ConstantTimeEq;

use crate::auth::AuthUser;
use crate::auth::policy::{self, Operation};
use crate::auth::tokens;
use crate::db::DbConnection;
use crate::db::schema::{areas, ministries};
use crate::domain::{MinistryId, MunicipalityId, Role};
use crate::error::Error;
use crate::service::web_sessions::{self, WebSession};
use crate::state::AppState;
use crate::telemetry::RequestId;
use crate::web::form::FormFields;
use crate::web::i18n::Lang;
use crate::web::layout::{ErrorPage, Layout};

/// The cookie of the session; `__Host-` when Secure is on (no Domain, Path=/, HTTPS only).
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-vm_session"
    } else {
        "vm_session"
    }
}

/// The CSRF cookie of visitors without a session (the login and language forms).
pub fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-vm_csrf" } else { "vm_csrf" }
}

/// The language cookie set by the language switch.
pub const LANG_COOKIE: &str = "vm_lang";

/// The form field of the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// A cookie with the flags every cookie of the dashboard has.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(name, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// What the caller's scope is called, for the navigation.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// A ministry user's ministry: (code, name).
    pub ministry: Option<(String, String)>,
    /// A municipality user's areas: (code, name).
    pub areas: Vec<(String, String)>,
    /// A municipality user's municipality code.
    pub municipality: Option<String>,
}

/// Everything a page needs to know about the request: language, session, CSRF token, path.
#[derive(Debug, Clone)]
pub struct WebContext {
    pub lang: Lang,
    pub csrf: String,
    pub session: Option<WebSession>,
    pub scope: Scope,
    /// The path and query of this request, to come back to.
    pub path: String,
    /// A notice key from `?melding=` (after a successful POST).
    pub notice: Option<String>,
    pub request_id: Option<String>,
    pub secure_cookies: bool,
}

impl WebContext {
    pub fn user(&self) -> Option<&AuthUser> {
        self.session.as_ref().map(|s| &s.user)
    }
}

impl FromRequest for WebContext {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<WebContext>()
                .cloned()
                .ok_or_else(|| Error::internal("a page handler ran without the page guard")),
        )
    }
}

/// The language: the switch's cookie, else the browser's first preference of nl or en, else
/// Dutch.
fn language(req: &ServiceRequest) -> Lang {
    if let Some(lang) = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
    {
        return lang;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::Nl)
}

fn load_scope(conn: &mut DbConnection, user: &AuthUser) -> Result<Scope, Error> {
    let mut scope = Scope::default();
    match user.role {
        Role::Ministry => {
            if let Some(id) = user.ministry_id.map(MinistryId::get) {
                scope.ministry = ministries::table
                    .find(id)
                    .select((ministries::code, ministries::name))
                    .get_result(conn)
                    .optional()?;
            }
        }
        Role::Municipality => {
            if let Some(id) = user.municipality_id.map(MunicipalityId::get) {
                scope.areas = areas::table
                    .filter(areas::municipality_id.eq(id))
                    .order(areas::name.asc())
                    .select((areas::code, areas::name))
                    .load(conn)?;
                scope.municipality = crate::db::schema::municipalities::table
                    .find(id)
                    .select(crate::db::schema::municipalities::code)
                    .get_result(conn)
                    .optional()?;
            }
        }
        Role::Admin | Role::Viewer => {}
    }
    Ok(scope)
}

fn tokens_match(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

/// Builds the error page for `error` in the reader's language; no internal detail is shown.
pub fn error_page(ctx: &WebContext, error: &Error) -> HttpResponse {
    let status = actix_web::ResponseError::status_code(error);
    if status.is_server_error() {
        tracing::error!(error = %error, "page failed");
    }
    let t = ctx.lang.texts();
    let message = match error {
        Error::Forbidden(_) => t.error_forbidden,
        Error::NotFound(_) => t.error_not_found,
        Error::PreconditionFailed => t.error_stale,
        Error::TooManyRequests { .. } => t.error_too_many,
        Error::Busy { .. } | Error::Unavailable(_) => t.error_busy,
        Error::Validation(_)
        | Error::BadRequest(_)
        | Error::PayloadTooLarge(_)
        | Error::HeadersTooLarge(_) => t.error_bad_request,
        _ => t.error_internal,
    };
    page_with_status(ctx, status, message)
}

fn page_with_status(ctx: &WebContext, status: StatusCode, message: &'static str) -> HttpResponse {
    let t = ctx.lang.texts();
    let title = match status {
        StatusCode::FORBIDDEN => t.error_forbidden_title,
        StatusCode::NOT_FOUND => t.error_not_found_title,
        _ => t.error_title,
    };
    let page = ErrorPage {
        l: Layout::new(ctx, title),
        message,
        status: status.as_u16(),
    };
    match crate::web::render(status, &page) {
        Ok(response) => response,
        Err(_) => HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(message),
    }
}

/// Headers of every page answer (the chart images and static files set their own cache rules).
fn finish(
    mut response: ServiceResponse<BoxBody>,
    new_csrf_cookie: Option<Cookie<'static>>,
) -> ServiceResponse<BoxBody> {
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(crate::web::PAGE_CSP),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    headers.insert(
        header::VARY,
        header::HeaderValue::from_static("Cookie, Accept-Language"),
    );
    // Pages send their origin to themselves (so the Origin check of forms sees it) and nothing
    // to other sites; the API keeps `no-referrer`.
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    if let Some(cookie) = new_csrf_cookie
        && let Ok(value) = header::HeaderValue::from_str(&cookie.to_string())
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The session of a request (recording its use when due) and its scope, if it has one.
async fn session_of(
    state: &AppState,
    req: &ServiceRequest,
) -> Result<(Option<WebSession>, Scope), Error> {
    let secure = state.settings.web.secure_cookies;
    let Some(value) = req
        .cookie(session_cookie_name(secure))
        .map(|c| c.value().to_string())
    else {
        return Ok((None, Scope::default()));
    };
    let settings = state.settings.web.clone();
    let found = state
        .read(move |conn| {
            let Some(session) = web_sessions::find(conn, &settings, &value)? else {
                return Ok(None);
            };
            let scope = load_scope(conn, &session.user)?;
            Ok(Some((session, scope)))
        })
        .await?;
    Ok(match found {
        Some((session, scope)) => {
            state.record_use(session.touch);
            (Some(session), scope)
        }
        None => (None, Scope::default()),
    })
}

/// What a page knows of its request, and a CSRF cookie to set for a visitor without one.
async fn context(
    state: &AppState,
    req: &ServiceRequest,
) -> Result<(WebContext, Option<Cookie<'static>>), Error> {
    let secure = state.settings.web.secure_cookies;
    let (session, scope) = session_of(state, req).await?;
    // Visitors without a session get a CSRF token in a cookie of their own (double submit).
    let mut new_csrf_cookie = None;
    let csrf: String = match &session {
        Some(session) => session.csrf_token.clone(),
        None => match req.cookie(csrf_cookie_name(secure)) {
            Some(c) if c.value().len() == 64 => c.value().to_string(),
            _ => {
                let token = tokens::random_secret();
                new_csrf_cookie = Some(cookie(csrf_cookie_name(secure), token.clone(), secure));
                token
            }
        },
    };
    let path = match req.query_string() {
        "" => req.path().to_string(),
        query => format!("{}?{query}", req.path()),
    };
    let notice = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "melding")
        .map(|(_, v)| v.into_owned())
        .filter(|v| v.len() <= 40);
    let ctx = WebContext {
        lang: language(req),
        csrf,
        session,
        scope,
        path,
        notice,
        request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        secure_cookies: secure,
    };
    Ok((ctx, new_csrf_cookie))
}

/// The guard of every page route: session, CSRF, policy, HTML errors.
pub async fn guard(
    operation: Operation,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| Error::internal("application state missing"))?;
    let (ctx, new_csrf_cookie) = context(&state, &req).await?;
    let csrf = ctx.csrf.clone();
    let (http_req, payload) = req.into_parts();
    let early = check_request(&ctx, operation, &http_req, payload, &csrf).await;
    if let Some(response) = early {
        return Ok(finish(
            ServiceResponse::new(http_req, response),
            new_csrf_cookie,
        ));
    }
    http_req.extensions_mut().insert(ctx.clone());
    let req = ServiceRequest::from_parts(http_req, Payload::None);
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            // Only errors from before the handler land here; they carry no request.
            tracing::error!(error = %error, "page service failed");
            return Err(error);
        }
    };
    // A handler's error (answered as problem+json by the error type) becomes an HTML page.
    if let Some(error) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<Error>())
    {
        let page = error_page(&ctx, error);
        let (req, _) = response.into_parts();
        return Ok(finish(ServiceResponse::new(req, page), new_csrf_cookie));
    }
    Ok(finish(response, new_csrf_cookie))
}

/// The checks before a page handler runs: for a POST the origin and the CSRF token (first, so a
/// forged request learns nothing and changes nothing), then the session and the policy's role
/// check. Returns the answer when the request goes no further.
async fn check_request(
    ctx: &WebContext,
    operation: Operation,
    http_req: &HttpRequest,
    payload: Payload,
    csrf: &str,
) -> Option<HttpResponse> {
    let t = ctx.lang.texts();
    if http_req.method() != Method::GET && http_req.method() != Method::HEAD {
        if cross_origin_parts(http_req) {
            tracing::warn!(
                origin = ?http_req.headers().get(header::ORIGIN),
                "refused a form posted from another site"
            );
            return Some(page_with_status(ctx, StatusCode::FORBIDDEN, t.error_csrf));
        }
        let mut payload = payload;
        let body = match web::Bytes::from_request(http_req, &mut payload).await {
            Ok(body) => body,
            Err(_) => {
                return Some(error_page(
                    ctx,
                    &Error::PayloadTooLarge(crate::i18n::Msg::FormTooLarge),
                ));
            }
        };
        let fields = FormFields::parse(&body);
        let sent = fields.get(CSRF_FIELD).unwrap_or_default();
        if !tokens_match(sent, csrf) {
            tracing::warn!(
                sent = !sent.is_empty(),
                session = ctx.session.is_some(),
                "refused a form without the right CSRF token"
            );
            return Some(page_with_status(ctx, StatusCode::FORBIDDEN, t.error_csrf));
        }
        http_req.extensions_mut().insert(fields);
    }
    if operation != Operation::Public {
        let Some(user) = ctx.user().cloned() else {
            let target = if http_req.method() == Method::GET {
                format!(
                    "/inloggen?next={}",
                    form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>()
                )
            } else {
                "/inloggen".to_string()
            };
            return Some(crate::web::see_other(&target));
        };
        if let Err(error) = policy::authorize(&user, operation) {
            return Some(error_page(ctx, &error));
        }
        http_req.extensions_mut().insert(user);
    }
    None
}

/// A POST from another site: its `Origin` (when the browser sends one) or `Sec-Fetch-Site`
/// says so.
fn cross_origin_parts(req: &HttpRequest) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let info = req.connection_info();
    let expected = format!("{}://{}", info.scheme(), info.host());
    origin.to_str().map_or(true, |origin| origin != expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_compare_whole() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abd", "abc"));
        assert!(!tokens_match("ab", "abc"));
        assert!(!tokens_match("", ""));
    }
}
