//! The browser dashboard: server-rendered pages (askama, auto-escaping) for the people of the
//! programme, in Dutch by default and in English. Pages sit in the one route table
//! (`api::routes`) like the API, with a policy operation each; the page guard
//! ([`session::guard`]) authenticates the session cookie, checks the CSRF token of every POST
//! and applies the same policy. Handlers call the same service functions as the API.
//!
//! Adding a page: a handler in one of the modules below, a template in `templates/`, a row in
//! the route table, an entry in [`layout::nav`] when it belongs in the navigation, and a row in
//! the browser test's page list (`tests/it/browser.rs`).

pub mod action;
pub mod admin;
pub mod area;
pub mod as_of;
pub mod assets;
pub mod chart;
pub mod consultation;
pub mod downloads;
pub mod field_history;
pub mod form;
pub mod i18n;
pub mod layout;
pub mod login;
pub mod ministry;
pub mod overview;
pub mod reports;
pub mod session;
pub mod view;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::error::Error;

/// The Content-Security-Policy of pages: scripts, styles and images from this origin only; no
/// inline script or style (so no `style=` attribute either), no frames, forms post here only.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Renders a page with its status. Render errors are logged and answered with a fixed body.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, Error> {
    let html = page
        .render()
        .map_err(|err| Error::internal(format!("template: {err}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Renders a page with 200 OK.
pub fn ok(page: &impl Template) -> Result<HttpResponse, Error> {
    render(StatusCode::OK, page)
}

/// 303 See Other: where a browser goes after a successful POST (post/redirect/get).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A local path to return to after a form: only paths on this site (`/…`, not `//host`).
pub fn local_path(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && path.len() <= 1000 =>
        {
            path.to_string()
        }
        _ => fallback.to_string(),
    }
}

/// Adds a notice key (`?melding=…`) to a local path, for the page after a redirect.
pub fn with_notice(path: &str, notice: &str) -> String {
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path, None),
    };
    let separator = if path.contains('?') { '&' } else { '?' };
    match fragment {
        Some(fragment) => format!("{path}{separator}melding={notice}#{fragment}"),
        None => format!("{path}{separator}melding={notice}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/acties/3"), "/"), "/acties/3");
        assert_eq!(local_path(Some("//evil.example/x"), "/"), "/");
        assert_eq!(local_path(Some("https://evil.example/"), "/"), "/");
        assert_eq!(local_path(Some("/\\evil.example"), "/"), "/");
        assert_eq!(local_path(None, "/x"), "/x");
        assert_eq!(
            with_notice("/acties/3#voortgang", "opgeslagen"),
            "/acties/3?melding=opgeslagen#voortgang"
        );
        assert_eq!(with_notice("/?a=1", "x"), "/?a=1&melding=x");
    }
}
