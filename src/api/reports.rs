//! Report periods' readiness and sign-off, and the periodic progress reports.

use actix_web::http::StatusCode;
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::api::extract::{Json, Query, if_match};
use crate::api::guard::request_id;
use crate::api::respond::{Items, checker, items, tagged};
use crate::auth::AuthUser;
use crate::auth::policy::{self, Access, Operation};
use crate::db;
use crate::domain::ReportId;
use crate::error::Error;
use crate::service::reports;
use crate::service::signoffs::{self, SignoffInput};
use crate::state::AppState;

/// GET /api/v1/periods/{code}/readiness — per ministry its actions, those without a progress
/// update in the period (listed), and its sign-off. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/periods/{code}/readiness",
    tag = "periods",
    params(("code" = String, Path, description = "Period code, e.g. `voorjaar-2021`")),
    responses((status = 200, description = "Readiness per ministry", body = signoffs::PeriodReadiness), (status = 404, description = "No such period")),
)]
pub async fn readiness(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let readiness = state
        .read(move |conn| signoffs::readiness(conn, &code))
        .await?;
    Ok(HttpResponse::Ok().json(readiness))
}

/// GET /api/v1/periods/{code}/signoffs — the sign-off trail of a period and each ministry's
/// latest step. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/periods/{code}/signoffs",
    tag = "periods",
    params(("code" = String, Path, description = "Period code")),
    responses((status = 200, description = "The trail and the state per ministry", body = signoffs::SignoffOverview), (status = 404, description = "No such period")),
)]
pub async fn list_signoffs(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let overview = state
        .read(move |conn| signoffs::overview(conn, &code))
        .await?;
    Ok(HttpResponse::Ok().json(overview))
}

/// POST /api/v1/periods/{code}/signoffs/{ministry} — a sign-off step `{"state", "note"}`:
/// `submitted` (ingediend) by the ministry itself or an admin, `approved` (vastgesteld) by an
/// admin, `reopened` by an admin or (before approval) the ministry. Steps are appended, and a
/// step that does not follow from the current state is a 409, so no If-Match is needed.
#[utoipa::path(
    post,
    path = "/api/v1/periods/{code}/signoffs/{ministry}",
    tag = "periods",
    params(("code" = String, Path, description = "Period code"), ("ministry" = String, Path, description = "Ministry code, e.g. `SZW`")),
    request_body = SignoffInput,
    responses((status = 201, description = "Recorded", body = signoffs::SignoffJson), (status = 403, description = "Another ministry's, or a step only admins take"), (status = 404, description = "No such period or ministry"), (status = 409, description = "The step does not follow from the current state, or the report is published"), (status = 422, description = "A note is needed")),
)]
pub async fn sign_off(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: Json<SignoffInput>,
) -> Result<HttpResponse, Error> {
    let (code, ministry) = path.into_inner();
    let actor = user.actor(request_id(&req));
    let role = user.role;
    let check = checker(&user, Operation::SignOffPeriod);
    let step = state
        .write(move |conn| {
            signoffs::sign_off(conn, &actor, role, &code, &ministry, &body.0, &check)
        })
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(step))
}

/// The filter of the report list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// A period code: only its reports.
    pub period: Option<String>,
}

/// Whether the caller sees drafts (admins and ministries) or only published reports.
fn sees_drafts(user: &AuthUser) -> bool {
    policy::access(user.role, Operation::ReadReports) == Access::All
}

/// GET /api/v1/reports?period= — the progress reports, newest first. Admins and ministries see
/// drafts too; municipalities and viewers only published reports.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "reports",
    params(ReportQuery),
    responses((status = 200, description = "The reports", body = Items<reports::ReportJson>), (status = 422, description = "An unknown period")),
)]
pub async fn list_reports(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<ReportQuery>,
) -> Result<HttpResponse, Error> {
    let drafts = sees_drafts(&user);
    let period = query.0.period;
    let list = state
        .read(move |conn| reports::list(conn, period.as_deref(), drafts))
        .await?;
    Ok(items(list))
}

/// POST /api/v1/reports — generate a draft of a period `{"period": "voorjaar-2021"}`: the
/// snapshot as of its cut-off (or now, before it) in every format, stored; it replaces an
/// earlier draft of the period. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "reports",
    request_body = reports::GenerateInput,
    responses((status = 201, description = "The draft", body = reports::ReportJson, headers(("ETag" = String, description = "The version, for `If-Match` when publishing"), ("Location" = String, description = "The report"))), (status = 409, description = "The period's report is published"), (status = 422, description = "An unknown period"), (status = 503, description = "Every render slot is busy")),
)]
pub async fn generate_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<reports::GenerateInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let period = body.0.period;
    let _slot = state.render_slot().await?;
    let report = state
        .write_long(move |conn| {
            reports::generate(conn, &actor, &period, db::now(), &mut |_, _, _| {})
        })
        .await?;
    let mut response = tagged(StatusCode::CREATED, report.version, &report);
    if let Ok(location) =
        actix_web::http::header::HeaderValue::from_str(&format!("/api/v1/reports/{}", report.id))
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::LOCATION, location);
    }
    Ok(response)
}

/// GET /api/v1/reports/{id} — a report with its files, totals and ETag. A draft is not found
/// for municipalities and viewers.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, description = "The report", body = reports::ReportJson, headers(("ETag" = String, description = "The version, for `If-Match`"))), (status = 404, description = "No such report (or a draft the caller may not see)")),
)]
pub async fn get_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ReportId>,
) -> Result<HttpResponse, Error> {
    let drafts = sees_drafts(&user);
    let id = id.into_inner();
    let report = state
        .read(move |conn| reports::get(conn, id, drafts))
        .await?;
    Ok(tagged(StatusCode::OK, report.version, &report))
}

/// GET /api/v1/reports/{id}/files/{format} — the report as `pdf`, `html`, `xlsx`, `csv` or
/// `md`, as an attachment `voortgangsrapportage-PERIOD.FORMAT`. Drafts as for the report.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}/files/{format}",
    tag = "reports",
    params(("id" = i64, Path, description = "Report id"), ("format" = String, Path, description = "`pdf`, `html`, `xlsx`, `csv` or `md`")),
    responses(
        (status = 200, description = "The file (`Content-Disposition: attachment`)", headers(("ETag" = String, description = "The file's SHA-256")),
            content((String = "application/pdf"), (String = "text/html; charset=utf-8"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv; charset=utf-8"), (String = "text/markdown; charset=utf-8"))),
        (status = 404, description = "No such report or format"),
    ),
)]
pub async fn report_file(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(ReportId, String)>,
) -> Result<HttpResponse, Error> {
    let drafts = sees_drafts(&user);
    let (id, format) = path.into_inner();
    let (format, file_name, bytes) = state
        .read(move |conn| reports::file(conn, id, &format, drafts))
        .await?;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((CONTENT_TYPE, format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((ETAG, format!("\"{}\"", crate::reports::sha256(&bytes))))
        .insert_header((CACHE_CONTROL, "private, no-cache"));
    if format == crate::reports::Format::Html {
        // Opened from here, the report's own inline styles and charts may apply; nothing else.
        response.insert_header((
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ));
    }
    Ok(response.body(bytes))
}

/// POST /api/v1/reports/{id}/publish — publish a draft; needs If-Match. Its cut-off must have
/// passed and every ministry in it be approved (vastgesteld). One published report per period,
/// which never changes: corrections appear in the next period's report. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/publish",
    tag = "reports",
    params(("id" = i64, Path, description = "Report id"), ("If-Match" = String, Header, description = "The `ETag` of the draft")),
    responses((status = 200, description = "Published", body = reports::ReportJson, headers(("ETag" = String, description = "The version"))), (status = 404, description = "No such report"), (status = 409, description = "Already published, made before the cut-off, or not every ministry approved"), (status = 412, description = "Stale If-Match"), (status = 428, description = "If-Match missing")),
)]
pub async fn publish_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<ReportId>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let id = id.into_inner();
    let report = state
        .write(move |conn| reports::publish(conn, &actor, id, expected, db::now()))
        .await?;
    Ok(tagged(StatusCode::OK, report.version, &report))
}
