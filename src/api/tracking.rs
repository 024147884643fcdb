//! What is tracked: programmes, actions with their progress history and plans, milestones,
//! indicators and local notes. Reads take `as_of`; changes need `If-Match`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::api::extract::{Json, Query, etag, if_match};
use crate::api::guard::request_id;
use crate::api::reference::{List, Page};
use crate::api::respond::{Items, checker, items, tagged};
use crate::auth::AuthUser;
use crate::auth::policy::Operation;
use crate::domain::{ActionId, IndicatorId, MilestoneId};
use crate::error::Error;
use crate::service::actions::{
    self, ActionChange, ActionFilter, BulkUpdate, NewActionInput, ProgressInput, ReplanInput,
};
use crate::service::cache::Freshness;
use crate::service::indicators::{self, IndicatorInput, ValueInput};
use crate::service::milestones::{
    self, Change, CompleteInput, DescribeInput, NewMilestoneInput, ReopenInput, RescheduleInput,
};
use crate::service::notes::{self, NoteInput};
use crate::service::programmes::{self, ProgrammeInput};
use crate::state::AppState;

/// Only `as_of`, for reads of one resource.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    pub as_of: Option<String>,
}

// ---- programmes ----

/// GET /api/v1/programmes — the national programmes. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/programmes",
    tag = "programmes",
    params(crate::api::reference::ReferenceQuery),
    responses((status = 200, description = "The programmes", body = List<crate::service::programmes::ProgrammeJson>)),
)]
pub async fn list_programmes(
    state: web::Data<AppState>,
    query: Query<crate::api::reference::ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    let crate::api::reference::ReferenceQuery {
        limit,
        offset,
        as_of,
    } = query.0;
    let (limit, offset) = Page { limit, offset }.bounds()?;
    let as_of = actions::as_of_param(as_of.as_deref())?;
    let (items, total) = state
        .read(move |conn| match as_of {
            None => programmes::list(conn, limit, offset),
            Some(as_of) => Ok(crate::api::reference::page_of(
                programmes::as_of(conn, None, as_of)?,
                limit,
                offset,
            )),
        })
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items,
        total,
        limit,
        offset,
    }))
}

/// GET /api/v1/programmes/{code} — one programme, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{code}",
    tag = "programmes",
    params(("code" = String, Path, description = "Programme code"), AsOfQuery),
    responses((status = 200, description = "The programme, now or as of a moment (its title and description then)", body = crate::service::programmes::ProgrammeJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such programme")),
)]
pub async fn get_programme(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let Some(as_of) = actions::as_of_param(query.0.as_of.as_deref())? else {
        let programme = state.read(move |conn| programmes::get(conn, &code)).await?;
        return Ok(tagged(StatusCode::OK, programme.version, &programme));
    };
    let programme = state
        .read(move |conn| {
            programmes::as_of(conn, Some(&code), as_of)?
                .pop()
                .ok_or_else(|| {
                    Error::NotFound(crate::i18n::Msg::NotFoundThen {
                        kind: crate::i18n::Label::Programme,
                        id: code.clone(),
                    })
                })
        })
        .await?;
    // A past state carries no ETag: a change is based on the version now.
    Ok(HttpResponse::Ok().json(programme))
}

/// POST /api/v1/programmes — a new programme. Admins; ministries for programmes they lead.
#[utoipa::path(
    post,
    path = "/api/v1/programmes",
    tag = "programmes",
    responses((status = 201, description = "Created", body = crate::service::programmes::ProgrammeJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "A ministry may only create programmes it leads"), (status = 409, description = "The code is in use")),
)]
pub async fn create_programme(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<ProgrammeInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::ManageProgrammes);
    let programme = state
        .write(move |conn| programmes::create(conn, &actor, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::CREATED, programme.version, &programme))
}

/// PATCH /api/v1/programmes/{code} — change title, description or theme; If-Match. Admins; the lead ministry.
#[utoipa::path(
    patch,
    path = "/api/v1/programmes/{code}",
    tag = "programmes",
    params(("code" = String, Path, description = "Programme code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = crate::service::programmes::ProgrammeJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Only the lead ministry (or an admin) may change it"), (status = 404, description = "No such programme")),
)]
pub async fn update_programme(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<ProgrammeInput>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::ManageProgrammes);
    let code = code.into_inner();
    let programme = state
        .write(move |conn| programmes::update(conn, &actor, &code, expected, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::OK, programme.version, &programme))
}

// ---- actions ----

/// GET /api/v1/actions — actions filtered by area, municipality, ministry, theme, target_group,
/// status, programme (comma-separated codes) and free text `q`; `sort`, `limit`, `offset`,
/// `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions",
    tag = "actions",
    params(ActionFilter),
    responses((status = 200, description = "Matching actions", body = List<crate::service::actions::ActionJson>)),
)]
pub async fn list_actions(
    state: web::Data<AppState>,
    req: HttpRequest,
    filter: Query<ActionFilter>,
) -> Result<HttpResponse, Error> {
    let filter = filter.0;
    let (limit, offset) = Page {
        limit: filter.limit,
        offset: filter.offset,
    }
    .bounds()?;
    // A list depends on the data and the question only (`as_of` is explicit or absent).
    let key = format!("actions?{}", req.query_string());
    let body = state
        .cached(&req, key, Freshness::Data, move |conn| {
            let (items, total) = actions::list(conn, &filter, limit, offset)?;
            serde_json::to_vec(&List {
                items,
                total,
                limit,
                offset,
            })
            .map_err(Error::internal)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

/// GET /api/v1/actions/{id} — one action, now or `as_of`, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id"), AsOfQuery),
    responses((status = 200, description = "The action, now or as of a moment", body = crate::service::actions::ActionJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such action (at that moment)")),
)]
pub async fn get_action(
    state: web::Data<AppState>,
    id: web::Path<ActionId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    let action = state
        .read(move |conn| actions::get(conn, id, as_of))
        .await?;
    // A past state carries no ETag: a change is based on the version now.
    if as_of.is_some() {
        return Ok(HttpResponse::Ok().json(action));
    }
    Ok(tagged(StatusCode::OK, action.version, &action))
}

/// GET /api/v1/actions/{id}/history — every change of the action's fields (title, description,
/// responsible, theme, programme, target groups, budget, planned dates), oldest first, with
/// when, by whom and why. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}/history",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id")),
    responses((status = 200, description = "The changes, oldest first", body = Vec<crate::service::history::FieldChange>), (status = 404, description = "No such action")),
)]
pub async fn action_history(
    state: web::Data<AppState>,
    id: web::Path<ActionId>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let changes = state
        .read(move |conn| crate::service::history::action_fields(conn, id))
        .await?;
    Ok(HttpResponse::Ok().json(changes))
}

/// POST /api/v1/actions — a new action with its original plan. Admins; ministries for their own.
#[utoipa::path(
    post,
    path = "/api/v1/actions",
    tag = "actions",
    responses((status = 201, description = "Created with its original plan", body = crate::service::actions::ActionJson, headers(("Location" = String, description = "The URL of the new resource"), ("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "A ministry may only create its own actions")),
)]
pub async fn create_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<NewActionInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let action = state
        .write(move |conn| actions::create(conn, &actor, &body.0, &check))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/actions/{}", action.id)))
        .insert_header(("ETag", etag(action.version)))
        .json(action))
}

/// PATCH /api/v1/actions/{id} — change title, description, responsible, budget, theme,
/// programme, target groups; If-Match. Admins; the action's ministry.
#[utoipa::path(
    patch,
    path = "/api/v1/actions/{id}",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = crate::service::actions::ActionJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such action")),
)]
pub async fn update_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<ActionId>,
    body: Json<ActionChange>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let id = id.into_inner();
    let action = state
        .write(move |conn| actions::update(conn, &actor, id, expected, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::OK, action.version, &action))
}

/// GET /api/v1/actions/{id}/updates — the progress history, oldest first, up to `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}/updates",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id"), AsOfQuery),
    responses((status = 200, description = "Progress updates, oldest first", body = Items<crate::service::actions::ProgressJson>), (status = 404, description = "No such action")),
)]
pub async fn list_updates(
    state: web::Data<AppState>,
    id: web::Path<ActionId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    Ok(items(
        state
            .read(move |conn| actions::history(conn, id, as_of))
            .await?,
    ))
}

/// POST /api/v1/actions/{id}/updates — append a progress update (status, percent_complete,
/// note); with If-Match only when still current. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/actions/{id}/updates",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id"), ("If-Match" = Option<String>, Header, description = "Optional: the action's `ETag`; the update is refused (412) when the action changed since")),
    responses((status = 201, description = "Appended; the ETag is the action's new version", body = crate::service::actions::ProgressJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such action")),
)]
pub async fn add_update(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<ActionId>,
    body: Json<ProgressInput>,
) -> Result<HttpResponse, Error> {
    let expected = match if_match(&req) {
        Ok(version) => Some(version),
        Err(Error::PreconditionRequired) => None,
        Err(other) => return Err(other),
    };
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let id = id.into_inner();
    let (update, version) = state
        .write(move |conn| actions::add_progress(conn, &actor, id, expected, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::CREATED, version, &update))
}

/// POST /api/v1/actions/bulk-updates — many progress updates in one go, all or none, with the
/// errors of every item. Admins; ministries for their own actions.
#[utoipa::path(
    post,
    path = "/api/v1/actions/bulk-updates",
    tag = "actions",
    responses((status = 200, description = "All updates appended", body = Items<crate::service::actions::ProgressJson>), (status = 403, description = "An item's action is not the caller's ministry's"), (status = 422, description = "Nothing was appended; `errors` names every item at fault, e.g. `items[3].note`")),
)]
pub async fn bulk_updates(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<BulkUpdate>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let done = state
        .write(move |conn| actions::bulk_progress(conn, &actor, &body.0, &check))
        .await?;
    Ok(items(done))
}

/// GET /api/v1/actions/{id}/baselines — the plans, the original first, up to `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}/baselines",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id"), AsOfQuery),
    responses((status = 200, description = "The plans, the original first", body = Items<crate::service::actions::PlanJson>), (status = 404, description = "No such action")),
)]
pub async fn list_baselines(
    state: web::Data<AppState>,
    id: web::Path<ActionId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    Ok(items(
        state
            .read(move |conn| actions::plans(conn, id, as_of))
            .await?,
    ))
}

/// POST /api/v1/actions/{id}/baselines — re-plan (the original plan stays); If-Match. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/actions/{id}/baselines",
    tag = "actions",
    params(("id" = i64, Path, description = "Action id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 201, description = "Re-planned; the ETag is the action's new version", body = crate::service::actions::PlanJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such action")),
)]
pub async fn replan(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<ActionId>,
    body: Json<ReplanInput>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let id = id.into_inner();
    let (plan, version) = state
        .write(move |conn| actions::replan(conn, &actor, id, expected, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::CREATED, version, &plan))
}

// ---- milestones ----

/// GET /api/v1/actions/{id}/milestones — by due date, as they stood `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}/milestones",
    tag = "milestones",
    params(("id" = i64, Path, description = "Action id"), AsOfQuery),
    responses((status = 200, description = "Milestones by due date", body = Items<crate::service::milestones::MilestoneJson>), (status = 404, description = "No such action")),
)]
pub async fn list_milestones(
    state: web::Data<AppState>,
    id: web::Path<ActionId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    Ok(items(
        state
            .read(move |conn| milestones::list(conn, id, as_of))
            .await?,
    ))
}

/// POST /api/v1/actions/{id}/milestones — a new milestone. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/actions/{id}/milestones",
    tag = "milestones",
    params(("id" = i64, Path, description = "Action id")),
    responses((status = 201, description = "Created", body = crate::service::milestones::MilestoneJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such action")),
)]
pub async fn create_milestone(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<ActionId>,
    body: Json<NewMilestoneInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let id = id.into_inner();
    let milestone = state
        .write(move |conn| milestones::create(conn, &actor, id, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::CREATED, milestone.version, &milestone))
}

/// GET /api/v1/milestones/{id} — one milestone, now or `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/milestones/{id}",
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id"), AsOfQuery),
    responses((status = 200, description = "The milestone", body = crate::service::milestones::MilestoneJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such milestone")),
)]
pub async fn get_milestone(
    state: web::Data<AppState>,
    id: web::Path<MilestoneId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    let milestone = state
        .read(move |conn| milestones::get(conn, id, as_of))
        .await?;
    // A past state carries no ETag: a change is based on the version now.
    if as_of.is_some() {
        return Ok(HttpResponse::Ok().json(milestone));
    }
    Ok(tagged(StatusCode::OK, milestone.version, &milestone))
}

/// GET /api/v1/milestones/{id}/events — its history: created, rescheduled, completed, reopened. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/milestones/{id}/events",
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id")),
    responses((status = 200, description = "Its events, oldest first", body = Items<crate::service::milestones::EventJson>), (status = 404, description = "No such milestone")),
)]
pub async fn milestone_events(
    state: web::Data<AppState>,
    id: web::Path<MilestoneId>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    Ok(items(
        state.read(move |conn| milestones::events(conn, id)).await?,
    ))
}

async fn change_milestone(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: MilestoneId,
    change: Change,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let milestone = state
        .write(move |conn| milestones::change(conn, &actor, id, expected, &change, &check))
        .await?;
    Ok(tagged(StatusCode::OK, milestone.version, &milestone))
}

/// PATCH /api/v1/milestones/{id} — title, description, report period; If-Match. Admins; the action's ministry.
#[utoipa::path(
    patch,
    path = "/api/v1/milestones/{id}",
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = crate::service::milestones::MilestoneJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such milestone")),
)]
pub async fn update_milestone(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<MilestoneId>,
    body: Json<DescribeInput>,
) -> Result<HttpResponse, Error> {
    let DescribeInput {
        title,
        description,
        report_period,
    } = body.0;
    change_milestone(
        state,
        req,
        user,
        id.into_inner(),
        Change::Describe {
            title,
            description,
            report_period,
        },
    )
    .await
}

/// POST /api/v1/milestones/{id}/reschedule — a new due date with the reason; If-Match. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/milestones/{id}/reschedule",
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Rescheduled", body = crate::service::milestones::MilestoneJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such milestone"), (status = 409, description = "The milestone is done: reopen it first")),
)]
pub async fn reschedule_milestone(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<MilestoneId>,
    body: Json<RescheduleInput>,
) -> Result<HttpResponse, Error> {
    let RescheduleInput { due_date, note } = body.0;
    change_milestone(
        state,
        req,
        user,
        id.into_inner(),
        Change::Reschedule { due_date, note },
    )
    .await
}

/// POST /api/v1/milestones/{id}/complete — done on a date; If-Match. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/milestones/{id}/complete",
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Done", body = crate::service::milestones::MilestoneJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such milestone"), (status = 409, description = "The milestone is already done")),
)]
pub async fn complete_milestone(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<MilestoneId>,
    body: Json<CompleteInput>,
) -> Result<HttpResponse, Error> {
    let CompleteInput { done_on, note } = body.0;
    change_milestone(
        state,
        req,
        user,
        id.into_inner(),
        Change::Complete { done_on, note },
    )
    .await
}

/// POST /api/v1/milestones/{id}/reopen — not done after all, with the reason; If-Match. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/milestones/{id}/reopen",
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Reopened", body = crate::service::milestones::MilestoneJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such milestone"), (status = 409, description = "The milestone is not done")),
)]
pub async fn reopen_milestone(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<MilestoneId>,
    body: Json<ReopenInput>,
) -> Result<HttpResponse, Error> {
    let ReopenInput { note } = body.0;
    change_milestone(state, req, user, id.into_inner(), Change::Reopen { note }).await
}

// ---- indicators ----

/// GET /api/v1/actions/{id}/indicators — with their latest value `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}/indicators",
    tag = "indicators",
    params(("id" = i64, Path, description = "Action id"), AsOfQuery),
    responses((status = 200, description = "Indicators with their latest value", body = Items<crate::service::indicators::IndicatorJson>), (status = 404, description = "No such action")),
)]
pub async fn list_indicators(
    state: web::Data<AppState>,
    id: web::Path<ActionId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    Ok(items(
        state
            .read(move |conn| indicators::list(conn, id, as_of))
            .await?,
    ))
}

/// POST /api/v1/actions/{id}/indicators — a new indicator. Admins; the action's ministry.
#[utoipa::path(
    post,
    path = "/api/v1/actions/{id}/indicators",
    tag = "indicators",
    params(("id" = i64, Path, description = "Action id")),
    responses((status = 201, description = "Created", body = crate::service::indicators::IndicatorJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such action")),
)]
pub async fn create_indicator(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<ActionId>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let id = id.into_inner();
    let indicator = state
        .write(move |conn| indicators::create(conn, &actor, id, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::CREATED, indicator.version, &indicator))
}

/// GET /api/v1/indicators/{id} — one indicator, now or `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/indicators/{id}",
    tag = "indicators",
    params(("id" = i64, Path, description = "Indicator id"), AsOfQuery),
    responses((status = 200, description = "The indicator", body = crate::service::indicators::IndicatorJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such indicator")),
)]
pub async fn get_indicator(
    state: web::Data<AppState>,
    id: web::Path<IndicatorId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    let indicator = state
        .read(move |conn| indicators::get(conn, id, as_of))
        .await?;
    // A past state carries no ETag: a change is based on the version now.
    if as_of.is_some() {
        return Ok(HttpResponse::Ok().json(indicator));
    }
    Ok(tagged(StatusCode::OK, indicator.version, &indicator))
}

/// PATCH /api/v1/indicators/{id} — name, unit, direction, baseline, target; If-Match. Admins; the action's ministry.
#[utoipa::path(
    patch,
    path = "/api/v1/indicators/{id}",
    tag = "indicators",
    params(("id" = i64, Path, description = "Indicator id"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = crate::service::indicators::IndicatorJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 403, description = "Not the action's ministry"), (status = 404, description = "No such indicator")),
)]
pub async fn update_indicator(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<IndicatorId>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteAction);
    let id = id.into_inner();
    let indicator = state
        .write(move |conn| indicators::update(conn, &actor, id, expected, &body.0, &check))
        .await?;
    Ok(tagged(StatusCode::OK, indicator.version, &indicator))
}

/// GET /api/v1/indicators/{id}/values — measurements by date, as recorded up to `as_of`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/indicators/{id}/values",
    tag = "indicators",
    params(("id" = i64, Path, description = "Indicator id"), AsOfQuery),
    responses((status = 200, description = "Measurements by date", body = Items<crate::service::indicators::ValueJson>), (status = 404, description = "No such indicator")),
)]
pub async fn list_values(
    state: web::Data<AppState>,
    id: web::Path<IndicatorId>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    Ok(items(
        state
            .read(move |conn| indicators::values(conn, id, as_of))
            .await?,
    ))
}

/// POST /api/v1/indicators/{id}/values — a measurement. Admins; the action's ministry; the area's municipality.
#[utoipa::path(
    post,
    path = "/api/v1/indicators/{id}/values",
    tag = "indicators",
    params(("id" = i64, Path, description = "Indicator id")),
    responses((status = 201, description = "Recorded", body = crate::service::indicators::ValueJson), (status = 403, description = "Neither the action's ministry nor the area's municipality"), (status = 404, description = "No such indicator")),
)]
pub async fn add_value(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    id: web::Path<IndicatorId>,
    body: Json<ValueInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::RecordIndicatorValue);
    let id = id.into_inner();
    let value = state
        .write(move |conn| indicators::add_value(conn, &actor, id, &body.0, &check))
        .await?;
    Ok(HttpResponse::Created().json(value))
}

// ---- local notes ----

/// GET /api/v1/areas/{code}/notes — the municipality's notes on an area, newest first. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/areas/{code}/notes",
    tag = "areas",
    params(("code" = String, Path, description = "Area code"), AsOfQuery),
    responses((status = 200, description = "The notes, newest first", body = Items<crate::service::notes::NoteJson>), (status = 404, description = "No such area")),
)]
pub async fn list_notes(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let as_of = actions::as_of_param(query.0.as_of.as_deref())?;
    Ok(items(
        state
            .read(move |conn| notes::list(conn, &code, as_of))
            .await?,
    ))
}

/// POST /api/v1/areas/{code}/notes — a local note. Admins; the area's municipality.
#[utoipa::path(
    post,
    path = "/api/v1/areas/{code}/notes",
    tag = "areas",
    params(("code" = String, Path, description = "Area code")),
    responses((status = 201, description = "Created", body = crate::service::notes::NoteJson), (status = 403, description = "Not the area's municipality"), (status = 404, description = "No such area")),
)]
pub async fn create_note(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<NoteInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let check = checker(&user, Operation::WriteLocalNote);
    let code = code.into_inner();
    let note = state
        .write(move |conn| notes::create(conn, &actor, &code, &body.0, &check))
        .await?;
    Ok(HttpResponse::Created().json(note))
}
