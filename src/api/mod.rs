//! The HTTP API: the route table, problem+json errors, extractors. Handlers are thin: extract,
//! call a service or query, answer. Every route is registered with the operation the policy
//! knows it by; the guard authenticates and checks the role before the handler runs.

pub mod audit;
pub mod auth;
pub mod client;
pub mod consultations;
pub mod export;
pub mod extract;
pub mod guard;
pub mod health;
pub mod openapi;
pub mod problem;
pub mod progress;
pub mod reference;
pub mod reports;
pub mod respond;
pub mod tracking;
pub mod users;

use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, guard as method, web};

use crate::auth::policy::Operation;
use crate::error::Error;
use crate::i18n::Msg;

/// Who a route answers: API clients (Bearer token, problem+json; in the OpenAPI document),
/// browsers (the dashboard's session cookie and CSRF token, HTML pages, a redirect to the login
/// page), or anyone (the dashboard's static files: no session, no state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Api,
    Page,
    Asset,
}

/// One row of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: Operation,
    pub kind: RouteKind,
}

macro_rules! route_table {
    ($($(#[$kind:ident])? $method:ident $path:literal $operation:ident => $handler:path;)*) => {
        /// Every route, its method, the operation the policy guards it with, and its kind.
        pub const ROUTES: &[RouteSpec] = &[
            $(RouteSpec {
                method: stringify!($method),
                path: $path,
                operation: Operation::$operation,
                kind: route_table!(@kind $($kind)?),
            },)*
        ];

        /// Registers the route table.
        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(
                cfg.service(
                    web::resource($path)
                        .guard(route_table!(@guard $method))
                        .route(web::route().to($handler).wrap(from_fn(|req, next| {
                            guard::route_guard(route_table!(@kind $($kind)?), Operation::$operation, req, next)
                        }))),
                );
            )*
        }
    };
    (@kind) => { RouteKind::Api };
    (@kind page) => { RouteKind::Page };
    (@kind asset) => { RouteKind::Asset };
    (@guard GET) => { method::Get() };
    (@guard POST) => { method::Post() };
    (@guard PUT) => { method::Put() };
    (@guard PATCH) => { method::Patch() };
    (@guard DELETE) => { method::Delete() };
}

route_table! {
    GET "/healthz" Public => health::healthz;
    GET "/readyz" Public => health::readyz;
    GET "/metrics" Public => health::metrics;
    GET "/api/v1/openapi.json" Public => openapi::document;
    GET "/api/docs" Public => openapi::docs;
    GET "/api/docs/{file}" Public => openapi::docs_file;

    POST "/api/v1/auth/token" Public => auth::token;
    POST "/api/v1/auth/refresh" Public => auth::refresh;
    POST "/api/v1/auth/logout" WriteOwnAccount => auth::logout;
    GET "/api/v1/me" ReadOwnAccount => auth::me;
    POST "/api/v1/me/password" WriteOwnAccount => auth::change_password;
    GET "/api/v1/me/tokens" ReadOwnAccount => auth::list_my_tokens;
    POST "/api/v1/me/tokens" WriteOwnAccount => auth::create_my_token;
    DELETE "/api/v1/me/tokens/{id}" WriteOwnAccount => auth::revoke_my_token;

    GET "/api/v1/users" ManageUsers => users::list;
    POST "/api/v1/users" ManageUsers => users::create;
    GET "/api/v1/users/{id}" ManageUsers => users::get;
    PATCH "/api/v1/users/{id}" ManageUsers => users::update;
    PUT "/api/v1/users/{id}/password" ManageUsers => users::set_password;
    GET "/api/v1/users/{id}/tokens" ManageUsers => users::list_tokens;
    DELETE "/api/v1/users/{id}/tokens/{token_id}" ManageUsers => users::revoke_token;
    GET "/api/v1/audit" ReadAudit => audit::list;

    GET "/api/v1/areas" ReadReference => reference::list_areas;
    POST "/api/v1/areas" ManageReference => reference::create_area;
    GET "/api/v1/areas/{code}" ReadReference => reference::get_area;
    PATCH "/api/v1/areas/{code}" ManageReference => reference::update_area;
    GET "/api/v1/municipalities" ReadReference => reference::list_municipalities;
    POST "/api/v1/municipalities" ManageReference => reference::create_municipality;
    GET "/api/v1/ministries" ReadReference => reference::list_ministries;
    POST "/api/v1/ministries" ManageReference => reference::create_ministry;
    GET "/api/v1/ministries/{code}" ReadReference => reference::get_ministry;
    PATCH "/api/v1/ministries/{code}" ManageReference => reference::update_ministry;
    GET "/api/v1/themes" ReadReference => reference::list_themes;
    POST "/api/v1/themes" ManageReference => reference::create_theme;
    GET "/api/v1/themes/{code}" ReadReference => reference::get_theme;
    PATCH "/api/v1/themes/{code}" ManageReference => reference::update_theme;
    GET "/api/v1/target-groups" ReadReference => reference::list_target_groups;
    GET "/api/v1/aspects" ReadReference => reference::list_aspects;
    GET "/api/v1/periods" ReadReference => reference::list_periods;
    POST "/api/v1/periods" ManageReference => reference::create_period;
    GET "/api/v1/periods/{code}" ReadReference => reference::get_period;
    PATCH "/api/v1/periods/{code}" ManageReference => reference::update_period;
    GET "/api/v1/periods/{code}/readiness" ReadTracking => reports::readiness;
    GET "/api/v1/periods/{code}/signoffs" ReadTracking => reports::list_signoffs;
    POST "/api/v1/periods/{code}/signoffs/{ministry}" SignOffPeriod => reports::sign_off;

    GET "/api/v1/programmes" ReadTracking => tracking::list_programmes;
    POST "/api/v1/programmes" ManageProgrammes => tracking::create_programme;
    GET "/api/v1/programmes/{code}" ReadTracking => tracking::get_programme;
    PATCH "/api/v1/programmes/{code}" ManageProgrammes => tracking::update_programme;

    GET "/api/v1/actions" ReadTracking => tracking::list_actions;
    POST "/api/v1/actions" WriteAction => tracking::create_action;
    POST "/api/v1/actions/bulk-updates" WriteAction => tracking::bulk_updates;
    GET "/api/v1/actions/export" ReadTracking => export::export_actions;
    GET "/api/v1/actions/{id}" ReadTracking => tracking::get_action;
    PATCH "/api/v1/actions/{id}" WriteAction => tracking::update_action;
    GET "/api/v1/actions/{id}/history" ReadTracking => tracking::action_history;
    GET "/api/v1/actions/{id}/updates" ReadTracking => tracking::list_updates;
    POST "/api/v1/actions/{id}/updates" WriteAction => tracking::add_update;
    GET "/api/v1/actions/{id}/baselines" ReadTracking => tracking::list_baselines;
    POST "/api/v1/actions/{id}/baselines" WriteAction => tracking::replan;
    GET "/api/v1/actions/{id}/milestones" ReadTracking => tracking::list_milestones;
    POST "/api/v1/actions/{id}/milestones" WriteAction => tracking::create_milestone;
    GET "/api/v1/actions/{id}/indicators" ReadTracking => tracking::list_indicators;
    POST "/api/v1/actions/{id}/indicators" WriteAction => tracking::create_indicator;

    GET "/api/v1/milestones/{id}" ReadTracking => tracking::get_milestone;
    PATCH "/api/v1/milestones/{id}" WriteAction => tracking::update_milestone;
    GET "/api/v1/milestones/{id}/events" ReadTracking => tracking::milestone_events;
    POST "/api/v1/milestones/{id}/reschedule" WriteAction => tracking::reschedule_milestone;
    POST "/api/v1/milestones/{id}/complete" WriteAction => tracking::complete_milestone;
    POST "/api/v1/milestones/{id}/reopen" WriteAction => tracking::reopen_milestone;

    GET "/api/v1/indicators/{id}" ReadTracking => tracking::get_indicator;
    PATCH "/api/v1/indicators/{id}" WriteAction => tracking::update_indicator;
    GET "/api/v1/indicators/{id}/values" ReadTracking => tracking::list_values;
    POST "/api/v1/indicators/{id}/values" RecordIndicatorValue => tracking::add_value;

    GET "/api/v1/progress" ReadTracking => progress::progress;
    GET "/api/v1/charts/{file}" ReadTracking => progress::chart;

    GET "/api/v1/reports" ReadReports => reports::list_reports;
    POST "/api/v1/reports" ManageReports => reports::generate_report;
    GET "/api/v1/reports/{id}" ReadReports => reports::get_report;
    GET "/api/v1/reports/{id}/files/{format}" ReadReports => reports::report_file;
    POST "/api/v1/reports/{id}/publish" ManageReports => reports::publish_report;

    GET "/api/v1/areas/{code}/notes" ReadTracking => tracking::list_notes;
    POST "/api/v1/areas/{code}/notes" WriteLocalNote => tracking::create_note;

    GET "/api/v1/consultations" ReadConsultations => consultations::list;
    POST "/api/v1/consultations" ManageConsultations => consultations::create;
    GET "/api/v1/consultations/{code}" ReadConsultations => consultations::get;
    PATCH "/api/v1/consultations/{code}" ManageConsultations => consultations::update;
    POST "/api/v1/consultations/{code}/reopen" ManageConsultations => consultations::reopen;
    GET "/api/v1/consultations/{code}/overview" ReadConsultationResults => consultations::overview;
    GET "/api/v1/consultations/{code}/export" ReadConsultationResults => consultations::export;
    GET "/api/v1/consultations/{code}/municipalities/{municipality}/submissions" ReadSubmissions => consultations::list_submissions;
    POST "/api/v1/consultations/{code}/municipalities/{municipality}/submissions" WriteSubmission => consultations::create_submission;
    PUT "/api/v1/consultations/{code}/municipalities/{municipality}/submissions/order" WriteSubmission => consultations::reorder;
    GET "/api/v1/submissions/{id}" ReadSubmissions => consultations::get_submission;
    PATCH "/api/v1/submissions/{id}" WriteSubmission => consultations::update_submission;
    PUT "/api/v1/submissions/{id}/actions" ManageConsultations => consultations::link_actions;

    // The dashboard (src/web): HTML pages for browsers, guarded by the session cookie.
    #[asset] GET "/static/{file}" Public => crate::web::assets::file;
    #[page] GET "/" ReadTracking => crate::web::overview::show;
    #[page] GET "/inloggen" Public => crate::web::login::form;
    #[page] POST "/inloggen" Public => crate::web::login::submit;
    #[page] POST "/uitloggen" WriteOwnAccount => crate::web::login::logout;
    #[page] POST "/taal" Public => crate::web::login::language;
    #[page] GET "/grafieken/{file}" ReadTracking => progress::chart;
    #[page] GET "/export/acties" ReadTracking => export::export_actions;
    #[page] GET "/gebieden/{code}" ReadTracking => crate::web::area::show;
    #[page] GET "/ministeries/{code}" ReadTracking => crate::web::ministry::show;
    #[page] GET "/acties/{id}" ReadTracking => crate::web::action::show;
    #[page] POST "/acties/{id}/voortgang" WriteAction => crate::web::action::post_progress;
    #[page] POST "/mijlpalen/{id}/afronden" WriteAction => crate::web::action::complete_milestone;
    #[page] GET "/raadplegingen" ReadConsultations => crate::web::consultation::list;
    #[page] GET "/raadplegingen/{code}" ReadConsultations => crate::web::consultation::show;
    #[page] POST "/raadplegingen/{code}/inzendingen" WriteSubmission => crate::web::consultation::submit;
    #[page] POST "/raadplegingen/{code}/volgorde" WriteSubmission => crate::web::consultation::reorder;
    #[page] POST "/ministeries/{code}/afronding" SignOffPeriod => crate::web::reports::sign_off;
    #[page] GET "/rapportages" ReadReports => crate::web::reports::list;
    #[page] POST "/rapportages" ManageReports => crate::web::reports::generate;
    #[page] GET "/rapportages/{id}/bestanden/{format}" ReadReports => reports::report_file;
    #[page] POST "/rapportages/{id}/publiceren" ManageReports => crate::web::reports::publish;
    #[page] GET "/beheer" ManageUsers => crate::web::admin::users;
    #[page] POST "/beheer/gebruikers" ManageUsers => crate::web::admin::create_user;
    #[page] GET "/beheer/gebruikers/{id}" ManageUsers => crate::web::admin::user;
    #[page] POST "/beheer/gebruikers/{id}/status" ManageUsers => crate::web::admin::set_disabled;
    #[page] POST "/beheer/gebruikers/{id}/tokens/{token_id}/intrekken" ManageUsers => crate::web::admin::revoke_token;
    #[page] GET "/beheer/perioden" ManageReference => crate::web::admin::periods;
    #[page] POST "/beheer/perioden" ManageReference => crate::web::admin::create_period;
    #[page] GET "/beheer/gebieden" ManageReference => crate::web::admin::areas;
    #[page] POST "/beheer/gebieden" ManageReference => crate::web::admin::create_area;
}

/// Answers unknown URLs with a problem+json 404, and a known URL with the wrong method with 405.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let allowed: Vec<&str> = ROUTES
        .iter()
        .filter(|route| actix_router::ResourceDef::new(route.path).is_match(path))
        .map(|route| route.method)
        .collect();
    if !allowed.is_empty() {
        let mut response = Error::MethodNotAllowed(allowed.join(", ")).respond(api_language(&req));
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
            response
                .headers_mut()
                .insert(actix_web::http::header::ALLOW, value);
        }
        return response;
    }
    let lang = api_language(&req);
    Error::NotFound(Msg::NoResource {
        path: path.to_string(),
    })
    .respond(lang)
}

/// Turns actix's own JSON extractor errors into problem+json (our handlers use `extract::Json`).
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |err, _req| {
            use actix_web::error::JsonPayloadError;
            let error = match &err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => {
                    Error::BadRequest(Msg::BodyTooLarge { max: limit })
                }
                JsonPayloadError::ContentType => Error::BadRequest(Msg::BodyNotJson),
                JsonPayloadError::Deserialize(inner) => Error::validation(
                    "body",
                    crate::error::serde_msg(&crate::db::one_line(&inner.to_string())),
                ),
                _ => Error::BadRequest(Msg::BodyUnreadable),
            };
            error.into()
        })
}

/// A path segment that does not parse (`/users/abc`) is a 404: there is no such resource.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, req| {
        Error::NotFound(Msg::NoResource {
            path: req.path().to_string(),
        })
        .into()
    })
}

/// The language of an API answer: Dutch when `Accept-Language` prefers it, else English.
pub fn api_language(req: &HttpRequest) -> crate::i18n::Lang {
    req.headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::i18n::Lang::from_accept_language)
        .unwrap_or(crate::i18n::Lang::En)
}
