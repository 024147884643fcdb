//! Report periods' readiness and sign-off, and the periodic progress reports.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::extract::Json;
use crate::api::guard::request_id;
use crate::api::respond::checker;
use crate::auth::AuthUser;
use crate::auth::policy::Operation;
use crate::error::Error;
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
        .db(move |conn| signoffs::readiness(conn, &code))
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
        .db(move |conn| signoffs::overview(conn, &code))
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
        .db(move |conn| signoffs::sign_off(conn, &actor, role, &code, &ministry, &body.0, &check))
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(step))
}
