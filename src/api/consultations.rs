//! Consultations such as the VNG call for best practices: the call (admins), the
//! municipalities' ranked submissions, the overview for the working group and the note.
//! Who reads and writes what, and when, is explained in `service::consultations`.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::api::extract::{Json, Query, etag, if_match};
use crate::api::guard::request_id;
use crate::api::reference::{List, Page};
use crate::api::respond::{Items, checker, items, tagged};
use crate::auth::AuthUser;
use crate::auth::policy::Operation;
use crate::db;
use crate::domain::SubmissionId;
use crate::error::Error;
use crate::service::consultations::{
    self, ConsultationChange, ConsultationInput, LinkInput, NoteFormat, OrderInput, ReopenInput,
    SubmissionChange, SubmissionInput,
};
use crate::state::AppState;

// ---- consultations ----

/// GET /api/v1/consultations — the calls, the latest deadline first. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/consultations",
    tag = "consultations",
    params(Page),
    responses((status = 200, description = "The consultations", body = List<consultations::ConsultationJson>)),
)]
pub async fn list(state: web::Data<AppState>, page: Query<Page>) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let (items, total) = state
        .read(move |conn| consultations::list(conn, limit, offset, db::now()))
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items,
        total,
        limit,
        offset,
    }))
}

/// GET /api/v1/consultations/{code} — one call: question, deadline (local and UTC), who is
/// asked; with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{code}",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code")),
    responses((status = 200, description = "The consultation", body = consultations::ConsultationJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such consultation")),
)]
pub async fn get(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let consultation = state
        .read(move |conn| consultations::get(conn, &code, db::now()))
        .await?;
    Ok(tagged(StatusCode::OK, consultation.version, &consultation))
}

/// POST /api/v1/consultations — a new call; the deadline in Europe/Amsterdam local time. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/consultations",
    tag = "consultations",
    request_body = ConsultationInput,
    responses((status = 201, description = "Created", body = consultations::ConsultationJson, headers(("Location" = String, description = "The URL of the new resource"), ("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 409, description = "The code is in use"), (status = 422, description = "A field is wrong, e.g. a deadline the clocks skip or pass twice")),
)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<ConsultationInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let consultation = state
        .write(move |conn| consultations::create(conn, &actor, &body.0, db::now()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/consultations/{}", consultation.code),
        ))
        .insert_header(("ETag", etag(consultation.version)))
        .json(consultation))
}

/// PATCH /api/v1/consultations/{code} — change the call (lists replace); If-Match. Admins.
#[utoipa::path(
    patch,
    path = "/api/v1/consultations/{code}",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    request_body = ConsultationChange,
    responses((status = 200, description = "Changed", body = consultations::ConsultationJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such consultation"), (status = 409, description = "Submissions use what would be removed")),
)]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<ConsultationChange>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let consultation = state
        .write(move |conn| consultations::update(conn, &actor, &code, expected, &body.0, db::now()))
        .await?;
    Ok(tagged(StatusCode::OK, consultation.version, &consultation))
}

/// POST /api/v1/consultations/{code}/reopen — accept submissions (marked late) until a local
/// date-time; If-Match. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/consultations/{code}/reopen",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    request_body = ReopenInput,
    responses((status = 200, description = "Reopened", body = consultations::ConsultationJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such consultation"), (status = 422, description = "`until` is not after now and the deadline")),
)]
pub async fn reopen(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<ReopenInput>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let consultation = state
        .write(move |conn| consultations::reopen(conn, &actor, &code, expected, &body.0, db::now()))
        .await?;
    Ok(tagged(StatusCode::OK, consultation.version, &consultation))
}

/// GET /api/v1/consultations/{code}/overview — target group × aspect with counts and practices,
/// and the response per asked municipality. Admins at any time; ministries once the call closed.
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{code}/overview",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code")),
    responses((status = 200, description = "The overview", body = consultations::OverviewJson), (status = 403, description = "Before the deadline only admins see the drafts"), (status = 404, description = "No such consultation")),
)]
pub async fn overview(
    state: web::Data<AppState>,
    user: AuthUser,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let role = user.role;
    let overview = state
        .read(move |conn| consultations::overview(conn, &code, role, db::now()))
        .await?;
    Ok(HttpResponse::Ok().json(overview))
}

/// The format of the note.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `md` (default), `pdf` or `xlsx`.
    pub format: Option<String>,
}

/// GET /api/v1/consultations/{code}/export?format=md|pdf|xlsx — the note for the cabinet, grouped
/// by target group and aspect, as an attachment. Admins at any time; ministries once closed.
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{code}/export",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code"), ExportQuery),
    responses(
        (status = 200, description = "The note (`Content-Disposition: attachment`)",
            content((String = "text/markdown; charset=utf-8"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Before the deadline only admins see the drafts"),
        (status = 404, description = "No such consultation"),
        (status = 422, description = "An unknown format (PDF is not available yet)"),
    ),
)]
pub async fn export(
    state: web::Data<AppState>,
    user: AuthUser,
    code: web::Path<String>,
    query: Query<ExportQuery>,
) -> Result<HttpResponse, Error> {
    let format: NoteFormat = query
        .0
        .format
        .as_deref()
        .unwrap_or("md")
        .parse()
        .map_err(|message| Error::validation("format", message))?;
    let code = code.into_inner();
    let file_name = format!("{code}.{}", format.extension());
    let role = user.role;
    let _slot = state.render_slot().await?;
    let bytes = state
        .read(move |conn| consultations::export(conn, &code, format, role, db::now()))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes))
}

// ---- submissions ----

/// GET /api/v1/consultations/{code}/municipalities/{municipality}/submissions — a municipality's
/// submissions by rank. Admins; the municipality itself; ministries once the call closed.
#[utoipa::path(
    get,
    path = "/api/v1/consultations/{code}/municipalities/{municipality}/submissions",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code"), ("municipality" = String, Path, description = "Municipality code")),
    responses((status = 200, description = "The submissions by rank", body = Items<consultations::SubmissionJson>), (status = 403, description = "Another municipality's, or drafts before the deadline"), (status = 404, description = "No such consultation or municipality")),
)]
pub async fn list_submissions(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (code, municipality) = path.into_inner();
    let role = user.role;
    let check = checker(&user, Operation::ReadSubmissions);
    let submissions = state
        .read(move |conn| {
            consultations::list_submissions(conn, &code, &municipality, role, &check, db::now())
        })
        .await?;
    Ok(items(submissions))
}

/// POST /api/v1/consultations/{code}/municipalities/{municipality}/submissions — a new
/// submission with the next rank. The municipality while the call is open; admins at any time
/// (after the deadline that is a late acceptance, marked `late`).
#[utoipa::path(
    post,
    path = "/api/v1/consultations/{code}/municipalities/{municipality}/submissions",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code"), ("municipality" = String, Path, description = "Municipality code")),
    request_body = SubmissionInput,
    responses((status = 201, description = "Created", body = consultations::SubmissionJson, headers(("Location" = String, description = "The URL of the new resource"), ("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Another municipality, or one not asked"), (status = 409, description = "The call is closed (the message names the deadline), or the maximum is reached")),
)]
pub async fn create_submission(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: Json<SubmissionInput>,
) -> Result<HttpResponse, Error> {
    let (code, municipality) = path.into_inner();
    let actor = user.actor(request_id(&req));
    let role = user.role;
    let check = checker(&user, Operation::WriteSubmission);
    let submission = state
        .write(move |conn| {
            consultations::create_submission(
                conn,
                &actor,
                &code,
                &municipality,
                &body.0,
                role,
                &check,
                db::now(),
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/submissions/{}", submission.id)))
        .insert_header(("ETag", etag(submission.version)))
        .json(submission))
}

/// PUT /api/v1/consultations/{code}/municipalities/{municipality}/submissions/order — re-rank:
/// every submission id once, the first choice first; all or nothing. As for creating.
#[utoipa::path(
    put,
    path = "/api/v1/consultations/{code}/municipalities/{municipality}/submissions/order",
    tag = "consultations",
    params(("code" = String, Path, description = "Consultation code"), ("municipality" = String, Path, description = "Municipality code")),
    request_body = OrderInput,
    responses((status = 200, description = "The submissions in their new order", body = Items<consultations::SubmissionJson>), (status = 403, description = "Another municipality, or one not asked"), (status = 409, description = "The call is closed"), (status = 422, description = "The list is not exactly the municipality's submissions")),
)]
pub async fn reorder(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: Json<OrderInput>,
) -> Result<HttpResponse, Error> {
    let (code, municipality) = path.into_inner();
    let actor = user.actor(request_id(&req));
    let role = user.role;
    let check = checker(&user, Operation::WriteSubmission);
    let submissions = state
        .write(move |conn| {
            consultations::reorder(
                conn,
                &actor,
                &code,
                &municipality,
                &body.0,
                role,
                &check,
                db::now(),
            )
        })
        .await?;
    Ok(items(submissions))
}

/// GET /api/v1/submissions/{id} — one submission with its ETag. As for the list.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{id}",
    tag = "consultations",
    params(("id" = i64, Path, description = "Submission id")),
    responses((status = 200, description = "The submission", body = consultations::SubmissionJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Another municipality's, or a draft before the deadline"), (status = 404, description = "No such submission")),
)]
pub async fn get_submission(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<SubmissionId>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let role = user.role;
    let check = checker(&user, Operation::ReadSubmissions);
    let submission = state
        .read(move |conn| consultations::get_submission(conn, id, role, &check, db::now()))
        .await?;
    Ok(tagged(StatusCode::OK, submission.version, &submission))
}

/// PATCH /api/v1/submissions/{id} — change a submission; If-Match. The municipality while the
/// call is open; admins at any time.
#[utoipa::path(
    patch,
    path = "/api/v1/submissions/{id}",
    tag = "consultations",
    params(("id" = i64, Path, description = "Submission id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    request_body = SubmissionChange,
    responses((status = 200, description = "Changed", body = consultations::SubmissionJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Another municipality's"), (status = 404, description = "No such submission"), (status = 409, description = "The call is closed (the message names the deadline)")),
)]
pub async fn update_submission(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<SubmissionId>,
    body: Json<SubmissionChange>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let id = id.into_inner();
    let role = user.role;
    let check = checker(&user, Operation::WriteSubmission);
    let submission = state
        .write(move |conn| {
            consultations::update_submission(
                conn,
                &actor,
                id,
                expected,
                &body.0,
                role,
                &check,
                db::now(),
            )
        })
        .await?;
    Ok(tagged(StatusCode::OK, submission.version, &submission))
}

/// PUT /api/v1/submissions/{id}/actions — the actions that follow from a practice (the full
/// set). Admins.
#[utoipa::path(
    put,
    path = "/api/v1/submissions/{id}/actions",
    tag = "consultations",
    params(("id" = i64, Path, description = "Submission id")),
    request_body = LinkInput,
    responses((status = 200, description = "Linked", body = consultations::SubmissionJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such submission"), (status = 422, description = "An unknown action")),
)]
pub async fn link_actions(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<SubmissionId>,
    body: Json<LinkInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let id = id.into_inner();
    let submission = state
        .write(move |conn| consultations::link_actions(conn, &actor, id, &body.0, db::now()))
        .await?;
    Ok(tagged(StatusCode::OK, submission.version, &submission))
}
