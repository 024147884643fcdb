//! The OpenAPI document of the JSON API, generated from the handlers' `#[utoipa::path]` attributes
//! and the request and response types, and the interactive docs (Swagger UI, vendored: no CDN).
//! What every operation shares — the bearer scheme and the problem+json errors — is added from the
//! route table by [`Conventions`], so the document says what the guard and the extractors do.

use std::sync::{Arc, LazyLock};

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use utoipa::openapi::path::{Operation as PathOperation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::api::problem::{CONTENT_TYPE as PROBLEM_JSON, Problem};
use crate::api::{
    ROUTES, audit, auth, consultations, export, health, progress, reference, reports, tracking,
    users,
};
use crate::auth::policy::Operation;
use crate::error::Error;
use crate::service::api_tokens::ApiTokenJson;

/// The name of the security scheme in the document.
pub const BEARER: &str = "bearer";

/// Where the document and the docs are served.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
pub const DOCS_PATH: &str = "/api/docs";

const DESCRIPTION: &str = "\
**Versnellingsmonitor** volgt de versnellingsacties van het kabinet (2020) in de zestien \
stedelijke vernieuwingsgebieden: acties per gebied, ministerie en thema, hun voortgang \
(stoplicht), planning, mijlpalen, indicatoren en rapportageperioden.

*English:* the Versnellingsmonitor tracks the cabinet's 2020 acceleration actions in the sixteen \
urban renewal areas: actions per area, ministry and theme, their progress (a traffic light), \
plans, milestones, indicators and report periods.

- **Log in** with `POST /api/v1/auth/token` and send the access token as \
`Authorization: Bearer <token>`; an API token (`vmpat_…`, from `POST /api/v1/me/tokens`) works \
the same way. Every `/api/v1` route except the token endpoints needs one.
- **Errors** are `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, a \
`code` with its `params` (stable, whatever the wording), and `errors` per field for invalid input, \
each with `field`, `code`, `params` and `message`. Texts are Dutch when `Accept-Language` asks for \
it (`nl`), else English; `Content-Language` says which.
- **Changes** to an existing resource need `If-Match` with its `ETag`: 412 when it is stale, 428 \
when it is missing.
- **Lists** answer `{\"items\": [...], \"total\": N}` and take `limit` and `offset`; reads of \
tracked data take `as_of` (a date, end of that day in Europe/Amsterdam, or a UTC date-time).
- **Codes**, not ids: areas by slug (`rotterdam-zuid`), ministries `BZK SZW OCW VWS JenV`, themes \
`housing debt education youth employment`, periods like `voorjaar-2021`.";

/// The OpenAPI document: every route of [`ROUTES`], its schemas, errors and security.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Versnellingsmonitor API",
        version = env!("CARGO_PKG_VERSION"),
        description = DESCRIPTION,
    ),
    paths(
        health::healthz,
        health::readyz,
        health::metrics,
        document,
        docs,
        docs_file,
        auth::token,
        auth::refresh,
        auth::logout,
        auth::me,
        auth::change_password,
        auth::list_my_tokens,
        auth::create_my_token,
        auth::revoke_my_token,
        users::list,
        users::create,
        users::get,
        users::update,
        users::set_password,
        users::list_tokens,
        users::revoke_token,
        audit::list,
        reference::list_areas,
        reference::create_area,
        reference::get_area,
        reference::update_area,
        reference::list_municipalities,
        reference::create_municipality,
        reference::list_ministries,
        reference::create_ministry,
        reference::get_ministry,
        reference::update_ministry,
        reference::list_themes,
        reference::create_theme,
        reference::get_theme,
        reference::update_theme,
        reference::list_target_groups,
        reference::list_aspects,
        reference::list_periods,
        reference::create_period,
        reference::get_period,
        reference::update_period,
        reports::readiness,
        reports::list_signoffs,
        reports::sign_off,
        reports::list_reports,
        reports::generate_report,
        reports::get_report,
        reports::report_file,
        reports::publish_report,
        tracking::list_programmes,
        tracking::create_programme,
        tracking::get_programme,
        tracking::update_programme,
        tracking::list_actions,
        export::export_actions,
        tracking::create_action,
        tracking::bulk_updates,
        tracking::get_action,
        tracking::action_history,
        tracking::update_action,
        tracking::list_updates,
        tracking::add_update,
        tracking::list_baselines,
        tracking::replan,
        tracking::list_milestones,
        tracking::create_milestone,
        tracking::list_indicators,
        tracking::create_indicator,
        tracking::get_milestone,
        tracking::update_milestone,
        tracking::milestone_events,
        tracking::reschedule_milestone,
        tracking::complete_milestone,
        tracking::reopen_milestone,
        tracking::get_indicator,
        tracking::update_indicator,
        tracking::list_values,
        tracking::add_value,
        progress::progress,
        progress::chart,
        consultations::list,
        consultations::get,
        consultations::create,
        consultations::update,
        consultations::reopen,
        consultations::overview,
        consultations::export,
        consultations::list_submissions,
        consultations::create_submission,
        consultations::reorder,
        consultations::get_submission,
        consultations::update_submission,
        consultations::link_actions,
        tracking::list_notes,
        tracking::create_note,
    ),
    components(schemas(Problem, FieldErrorSchema)),
    modifiers(&Conventions),
    tags(
        (name = "health", description = "Liveness, readiness and metrics, for operators. No login."),
        (name = "documentation", description = "This document and the interactive docs. No login."),
        (name = "auth", description = "Logging in and out, refreshing tokens."),
        (name = "me", description = "The caller's own account and API tokens."),
        (name = "users", description = "User administration (admins)."),
        (name = "audit", description = "The audit log of every write (admins)."),
        (name = "areas", description = "The urban renewal areas (stedelijke vernieuwingsgebieden) and their local notes."),
        (name = "municipalities", description = "Municipalities (gemeenten) and their areas."),
        (name = "ministries", description = "The ministries that lead actions."),
        (name = "themes", description = "Themes of the actions: housing, debt, education, youth, employment, and more."),
        (name = "target-groups", description = "Target groups (doelgroepen) of the VNG call."),
        (name = "aspects", description = "Aspects of the VNG call."),
        (name = "periods", description = "Report periods (rapportageperioden) with their cut-off dates."),
        (name = "programmes", description = "National acceleration programmes (versnellingsacties)."),
        (name = "actions", description = "The actions in the areas: progress updates (append-only), plans (baselines), as-of reads."),
        (name = "milestones", description = "Milestones of an action and their history."),
        (name = "indicators", description = "Measurable results of an action and their measured values."),
        (name = "progress", description = "Roll-ups: stoplicht counts, percent complete, milestones, indicators, deviations, readiness per period."),
        (name = "charts", description = "The progress charts as SVG or PNG."),
        (name = "reports", description = "The periodic progress reports (voortgangsrapportages): drafts, publication, files as PDF, HTML, XLSX, CSV and Markdown."),
        (name = "consultations", description = "Calls like the VNG one (uitvraag) and the municipalities' best-practice submissions."),
    )
)]
pub struct ApiDoc;

/// The document (built on each call; the route serves one built at its first request).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The served document, as JSON.
static DOCUMENT: LazyLock<Result<Bytes, String>> = LazyLock::new(|| {
    serde_json::to_vec(&ApiDoc::openapi())
        .map(Bytes::from)
        .map_err(|err| err.to_string())
});

/// GET /api/v1/openapi.json — this API's OpenAPI document. Anyone.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "documentation",
    operation_id = "openapi_document",
    responses((status = 200, description = "The OpenAPI document of this API", body = Object)),
)]
pub async fn document() -> Result<HttpResponse, Error> {
    let body = DOCUMENT
        .as_ref()
        .map_err(|err| Error::internal(err.clone()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body.clone()))
}

/// Swagger UI's settings: this document, no online validator (nothing leaves the host).
static SWAGGER_CONFIG: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        utoipa_swagger_ui::Config::new([DOCUMENT_PATH])
            .validator_url("none")
            .persist_authorization(true)
            .display_request_duration(true)
            .filter(true),
    )
});

/// Everything the docs load comes from this host.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     frame-ancestors 'none'; form-action 'self'";

/// GET /api/docs — the interactive API docs (Swagger UI, served from the binary). Anyone.
#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "documentation",
    operation_id = "api_docs",
    responses((status = 200, description = "Swagger UI", content_type = "text/html", body = String)),
)]
pub async fn docs() -> HttpResponse {
    serve_docs("index.html")
}

/// GET /api/docs/{file} — the scripts and styles of the docs. Anyone.
#[utoipa::path(
    get,
    path = "/api/docs/{file}",
    tag = "documentation",
    operation_id = "api_docs_file",
    params(("file" = String, Path, description = "A file of Swagger UI, e.g. `swagger-ui.css`")),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/javascript"), (String = "text/css"), ("image/png"),
        )),
        (status = 404, description = "No such file"),
    ),
)]
pub async fn docs_file(file: web::Path<String>) -> HttpResponse {
    serve_docs(&file.into_inner())
}

fn serve_docs(file: &str) -> HttpResponse {
    let served = match utoipa_swagger_ui::serve(file, SWAGGER_CONFIG.clone()) {
        Ok(Some(served)) => served,
        Ok(None) => {
            return actix_web::ResponseError::error_response(&Error::NotFound(
                crate::i18n::Msg::NoResource {
                    path: format!("{DOCS_PATH}/{file}"),
                },
            ));
        }
        Err(err) => {
            return actix_web::ResponseError::error_response(&Error::internal(err.to_string()));
        }
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(served.content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if served.gzpipped {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    if file == "index.html" {
        // `/api/docs` and `/api/docs/` are both the index (the app trims trailing slashes):
        // a base URL makes Swagger UI's relative asset links work from either.
        let html = String::from_utf8_lossy(&served.bytes)
            .replacen(
                "<head>",
                &format!("<head>\n    <base href=\"{DOCS_PATH}/\">"),
                1,
            )
            .replacen(
                "<title>Swagger UI</title>",
                "<title>Versnellingsmonitor API</title>",
                1,
            );
        return response.body(html);
    }
    response.body(served.bytes.into_owned())
}

/// A field at fault in a problem (the schema of `crate::error::FieldError`).
#[derive(ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorSchema {
    /// The field at fault, as a dotted path (`items[2].note`) or the query parameter name.
    pub field: String,
    pub message: String,
}

/// The list of API tokens the token endpoints answer.
#[derive(ToSchema)]
pub struct ApiTokenList {
    pub items: Vec<ApiTokenJson>,
    pub total: usize,
}

/// What the health endpoints answer.
#[derive(ToSchema)]
pub struct HealthStatus {
    /// `ok` (the process is up) or `ready` (the database answers).
    #[schema(example = "ok")]
    pub status: String,
}

/// The problem+json responses operations share: (component name, status, description).
const PROBLEMS: &[(&str, u16, &str)] = &[
    (
        "BadRequest",
        400,
        "The request cannot be read: the body is not JSON or not `application/json`, or the \
         query string is too long.",
    ),
    (
        "Unauthorized",
        401,
        "No credential, or a wrong, expired or revoked one. Send `Authorization: Bearer <token>` \
         with an access token (JWT) or an API token (`vmpat_…`).",
    ),
    (
        "Forbidden",
        403,
        "The caller is known, but their role, their scope (ministry or municipality) or a \
         read-only API token does not allow this.",
    ),
    ("NotFound", 404, "There is no such resource."),
    (
        "Conflict",
        409,
        "The change conflicts with what is stored, e.g. a code already in use; `errors` names \
         the field when there is one.",
    ),
    (
        "PreconditionFailed",
        412,
        "`If-Match` does not name the current version: the resource changed since it was read. \
         Read it again and retry.",
    ),
    (
        "PayloadTooLarge",
        413,
        "The request body is larger than the server accepts.",
    ),
    (
        "ValidationFailed",
        422,
        "The input is not valid; `errors` lists every field or query parameter at fault.",
    ),
    (
        "PreconditionRequired",
        428,
        "Changing this resource needs `If-Match` with its `ETag`.",
    ),
    (
        "TooManyRequests",
        429,
        "Too many failed logins; try again after `Retry-After` seconds.",
    ),
    (
        "InternalError",
        500,
        "An unexpected error. It has been logged; its detail is never shown.",
    ),
    (
        "Unavailable",
        503,
        "The database is not reachable at the moment.",
    ),
];

fn problem_content() -> Content {
    Content::new(Some(Ref::from_schema_name("Problem")))
}

/// Adds what the route table and the extractors decide for every operation: the bearer scheme
/// on guarded routes (with 401, 403 and 422), 404 on paths with parameters, 400/413/422 where
/// input is read, 412/428 with `If-Match`, and problem+json as the body of every error response.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or vmpat_ API token")
                    .description(Some(
                        "An access token (JWT) from `POST /api/v1/auth/token`, or an API token \
                         (`vmpat_…`) from `POST /api/v1/me/tokens`.",
                    ))
                    .build(),
            ),
        );
        for (name, _, description) in PROBLEMS {
            let response = utoipa::openapi::ResponseBuilder::new()
                .description(*description)
                .content(PROBLEM_JSON, problem_content())
                .build();
            components
                .responses
                .insert((*name).to_string(), RefOr::T(response));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations_mut(item) {
                let guarded = ROUTES
                    .iter()
                    .find(|route| route.path == path && route.method == method)
                    .is_some_and(|route| route.operation != Operation::Public);
                tidy_summary(method, path, operation);
                apply(path, guarded, operation);
            }
        }
    }
}

fn operations_mut(item: &mut PathItem) -> Vec<(&'static str, &mut PathOperation)> {
    [
        ("GET", item.get.as_mut()),
        ("POST", item.post.as_mut()),
        ("PUT", item.put.as_mut()),
        ("PATCH", item.patch.as_mut()),
        ("DELETE", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
    .collect()
}

fn apply(path: &str, guarded: bool, operation: &mut PathOperation) {
    let parameters: Vec<_> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some(parameter),
            RefOr::Ref(_) => None,
        })
        .collect();
    let in_path = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let in_query = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query);
    let if_match = parameters
        .iter()
        .find(|p| p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("If-Match"))
        .map(|p| p.required == Required::True);
    let body = operation.request_body.is_some();

    let mut add = Vec::new();
    if guarded {
        operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
        // 403 and 422 even where today's policy or handler cannot give them: clients of a
        // guarded route handle both.
        add.extend([401, 403, 422]);
    }
    if in_path {
        add.push(404);
    }
    if in_query || body {
        add.extend([400, 422]);
    }
    if body {
        add.push(413);
    }
    if let Some(required) = if_match {
        add.push(412);
        if required {
            add.push(428);
        }
    }
    if path.starts_with("/api/v1/") {
        add.push(500);
    }

    let responses = &mut operation.responses.responses;
    for status in add {
        if let Some((name, ..)) = PROBLEMS.iter().find(|(_, code, _)| *code == status) {
            responses
                .entry(status.to_string())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
        }
    }
    // An error response described at the handler gets the problem+json body too.
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response
            && is_error(status)
            && response.content.is_empty()
        {
            response
                .content
                .insert(PROBLEM_JSON.to_string(), RefOr::T(problem_content()));
        }
    }
}

/// The handlers' doc comments read "GET /api/v1/x — what it does. Who may call.": the summary
/// becomes "What it does", the description the whole sentence without the method and path.
fn tidy_summary(method: &str, path: &str, operation: &mut PathOperation) {
    let Some(summary) = operation.summary.take() else {
        return;
    };
    let text = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text
        .strip_prefix(&format!("{method} {path} — "))
        .unwrap_or(&text);
    let mut chars = text.chars();
    let text = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => return,
    };
    let first_sentence = text.split(". ").next().unwrap_or(&text);
    operation.summary = Some(first_sentence.trim_end_matches('.').to_string());
    operation.description = Some(match operation.description.take() {
        Some(more) => format!("{text}\n\n{more}"),
        None => text,
    });
}

fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_response_is_known_for_every_status_the_conventions_add() {
        for status in [400, 401, 403, 404, 412, 413, 422, 428, 500] {
            assert!(
                PROBLEMS.iter().any(|(_, code, _)| *code == status),
                "{status}"
            );
        }
    }
}
