//! Logging in and out of the dashboard, and the language switch.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::api::auth::throttled_login;
use crate::error::Error;
use crate::i18n::Msg;
use crate::service::web_sessions;
use crate::state::AppState;
use crate::web::form::{FormFields, Problems};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::session::{
    LANG_COOKIE, WebContext, cookie, csrf_cookie_name, removal, session_cookie_name,
};
use crate::web::{local_path, render, see_other, with_notice};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    problems: Problems,
    username: String,
    next: String,
}

fn login_page(ctx: &WebContext, problems: Problems, username: String, next: String) -> LoginPage {
    LoginPage {
        l: Layout::new(ctx, ctx.lang.texts().login_title),
        problems,
        username,
        next,
    }
}

/// GET /inloggen — the login form. Anyone; a logged-in user goes on to the overview.
pub async fn form(ctx: WebContext, req: HttpRequest) -> Result<HttpResponse, Error> {
    let next = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned());
    let next = local_path(next.as_deref(), "/");
    if ctx.session.is_some() {
        return Ok(see_other(&next));
    }
    render(
        StatusCode::OK,
        &login_page(&ctx, Problems::default(), String::new(), next),
    )
}

/// POST /inloggen — check the password (throttled like the API), open a session, set its
/// cookie and go on. Anyone.
pub async fn submit(
    state: web::Data<AppState>,
    ctx: WebContext,
    req: HttpRequest,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let username = fields.text("username").trim().to_string();
    let password = fields.text("password");
    let next = local_path(fields.get("next"), "/");
    let t = ctx.lang.texts();
    if username.is_empty() || username.len() > 200 || password.len() > 1024 {
        return render(
            StatusCode::UNAUTHORIZED,
            &login_page(&ctx, Problems::general(t.login_failed), username, next),
        );
    }
    let settings = state.settings.web.clone();
    let name = username.clone();
    let request_id = ctx.request_id.clone();
    let result = throttled_login(&state, &req, &name, password).await;
    let verified = match result {
        Ok(verified) => verified,
        Err(Error::Unauthorized(_)) => {
            return render(
                StatusCode::UNAUTHORIZED,
                &login_page(&ctx, Problems::general(t.login_failed), username, next),
            );
        }
        Err(Error::TooManyRequests {
            retry_after_seconds,
        }) => {
            let mut response = render(
                StatusCode::TOO_MANY_REQUESTS,
                &login_page(
                    &ctx,
                    Problems::general(
                        Msg::TooManyRequests {
                            seconds: retry_after_seconds,
                        }
                        .text(ctx.lang),
                    ),
                    username,
                    next,
                ),
            )?;
            if let Ok(value) = header::HeaderValue::from_str(&retry_after_seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
        Err(other) => return Err(other),
    };
    let (user_id, name, epoch) = verified;
    let opened = state
        .write(move |conn| web_sessions::open(conn, &settings, user_id, &name, epoch, request_id))
        .await?;
    let secure = ctx.secure_cookies;
    let mut response = see_other(&next);
    response
        .add_cookie(&cookie(
            session_cookie_name(secure),
            opened.cookie_value,
            secure,
        ))
        .map_err(Error::internal)?;
    // The visitor's CSRF cookie is replaced by the session's token.
    response
        .add_removal_cookie(&removal(csrf_cookie_name(secure), secure))
        .map_err(Error::internal)?;
    Ok(response)
}

/// POST /uitloggen — end the session and forget its cookie. Any logged-in user.
pub async fn logout(state: web::Data<AppState>, ctx: WebContext) -> Result<HttpResponse, Error> {
    if let Some(session) = ctx.session.clone() {
        let request_id = ctx.request_id.clone();
        state
            .write(move |conn| web_sessions::close(conn, &session, request_id))
            .await?;
    }
    let secure = ctx.secure_cookies;
    let mut response = see_other(&with_notice("/inloggen", "uitgelogd"));
    response
        .add_removal_cookie(&removal(session_cookie_name(secure), secure))
        .map_err(Error::internal)?;
    Ok(response)
}

/// POST /taal — choose Dutch or English (a cookie for a year) and return to the page. Anyone.
pub async fn language(ctx: WebContext, fields: FormFields) -> Result<HttpResponse, Error> {
    let lang = fields
        .get("lang")
        .and_then(Lang::from_code)
        .ok_or_else(|| {
            Error::validation(
                "lang",
                Msg::OneOf {
                    value: fields.text("lang"),
                    valid: crate::domain::Choice::codes(&["nl", "en"]),
                },
            )
        })?;
    let next = local_path(fields.get("next"), "/");
    let mut response = see_other(&next);
    let mut lang_cookie = cookie(LANG_COOKIE, lang.code().to_string(), ctx.secure_cookies);
    lang_cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    response.add_cookie(&lang_cookie).map_err(Error::internal)?;
    Ok(response)
}
