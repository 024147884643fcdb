//! Reference data: areas, municipalities, ministries, themes, target groups, aspects, periods.
//! One generic handler per kind of request ([`list`], [`get`], [`create`], [`update`]) over
//! the kinds of `service::reference`; the functions below only name the route for the OpenAPI
//! document and call them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::api::extract::{Json, Query, if_match};
use crate::api::guard::request_id;
use crate::api::respond::tagged;
use crate::api::tracking::AsOfQuery;
use crate::auth::AuthUser;
use crate::error::{Error, FieldError};
use crate::i18n::Msg;
use crate::service::actions;
use crate::service::reference::{
    self as service, AreaJson, Areas, Aspects, Listed, Managed, Ministries, MinistryJson,
    Municipalities, MunicipalityJson, NamedJson, PeriodJson, Periods, TargetGroups, Themes,
};
use crate::state::AppState;

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 500;

/// `limit` and `offset` of every list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Page {
    /// (limit, offset) within bounds, or the parameter at fault.
    pub fn bounds(&self) -> Result<(i64, i64), Error> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        let offset = self.offset.unwrap_or(0);
        let mut errors = Vec::new();
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(FieldError::new(
                "limit",
                Msg::Between {
                    min: 1,
                    max: MAX_LIMIT,
                },
            ));
        }
        if offset < 0 {
            errors.push(FieldError::new("offset", Msg::NotNegative));
        }
        if errors.is_empty() {
            Ok((limit, offset))
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// The envelope of every list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// `limit`, `offset` and `as_of` of a list of reference data.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReferenceQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// A date (the end of that day, Europe/Amsterdam) or a date-time: the rows as they were
    /// then (names, dates), without those that did not exist yet. A future moment means now.
    pub as_of: Option<String>,
}

/// One page of a whole list, with the list's length: for lists known only after a replay.
pub fn page_of<T>(all: Vec<T>, limit: i64, offset: i64) -> (Vec<T>, i64) {
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let page = all
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    (page, total)
}

/// A page of a kind of reference data, now or as of a moment.
pub async fn list<K: Listed>(
    state: web::Data<AppState>,
    query: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    let ReferenceQuery {
        limit,
        offset,
        as_of,
    } = query.0;
    let (limit, offset) = Page { limit, offset }.bounds()?;
    let Some(as_of) = actions::as_of_param(as_of.as_deref())? else {
        let (items, total) = state.read(move |conn| K::list(conn, limit, offset)).await?;
        return Ok(HttpResponse::Ok().json(List {
            items,
            total,
            limit,
            offset,
        }));
    };
    let (items, total) = state
        .read(move |conn| {
            let (all, _) = K::list(conn, i64::MAX, 0)?;
            let then = service::as_of_json(conn, K::ENTITY, all, as_of)?;
            Ok(page_of(then, limit, offset))
        })
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items,
        total,
        limit,
        offset,
    }))
}

/// One row of a kind of reference data by its code, with its ETag; as of a moment when asked.
pub async fn get<K: Managed>(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let Some(as_of) = actions::as_of_param(query.0.as_of.as_deref())? else {
        let (json, version) = state.read(move |conn| K::get(conn, &code)).await?;
        return Ok(tagged(StatusCode::OK, version, json));
    };
    let json = state
        .read(move |conn| {
            let (json, _) = K::get(conn, &code)?;
            let then = service::as_of_json(conn, K::ENTITY, vec![json], as_of)?
                .pop()
                .ok_or_else(|| {
                    Error::NotFound(Msg::NotFoundThen {
                        kind: K::LABEL,
                        id: code.clone(),
                    })
                })?;
            Ok(then)
        })
        .await?;
    // A past state carries no ETag: a change is based on the version now.
    Ok(HttpResponse::Ok().json(json))
}

/// A new row of a kind of reference data. Admins.
pub async fn create<K: Managed>(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<K::New>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let (json, version) = state
        .write(move |conn| K::create(conn, &actor, &body.0))
        .await?;
    Ok(tagged(StatusCode::CREATED, version, json))
}

/// A change of a row of a kind of reference data; needs If-Match. Admins.
pub async fn update<K: Managed>(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<K::Change>,
) -> Result<HttpResponse, Error> {
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let (json, version) = state
        .write(move |conn| K::update(conn, &actor, &code, expected, &body.0))
        .await?;
    Ok(tagged(StatusCode::OK, version, json))
}

/// GET /api/v1/areas — the urban renewal areas, by name. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/areas",
    tag = "areas",
    params(ReferenceQuery),
    responses((status = 200, description = "The areas by name", body = List<AreaJson>)),
)]
pub async fn list_areas(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<Areas>(state, page).await
}

/// GET /api/v1/areas/{code} — one area, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/areas/{code}",
    tag = "areas",
    params(("code" = String, Path, description = "Area code, e.g. `rotterdam-zuid`"), AsOfQuery),
    responses((status = 200, description = "The area, now or as of a moment", body = AreaJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such area")),
)]
pub async fn get_area(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    get::<Areas>(state, code, query).await
}

/// GET /api/v1/municipalities — municipalities with the codes of their areas. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities",
    tag = "municipalities",
    params(ReferenceQuery),
    responses((status = 200, description = "Municipalities by name, with their area codes", body = List<MunicipalityJson>)),
)]
pub async fn list_municipalities(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<Municipalities>(state, page).await
}

/// GET /api/v1/ministries — the ministries. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/ministries",
    tag = "ministries",
    params(ReferenceQuery),
    responses((status = 200, description = "The ministries", body = List<MinistryJson>)),
)]
pub async fn list_ministries(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<Ministries>(state, page).await
}

/// GET /api/v1/themes — the themes of the actions. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/themes",
    tag = "themes",
    params(ReferenceQuery),
    responses((status = 200, description = "The themes", body = List<NamedJson>)),
)]
pub async fn list_themes(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<Themes>(state, page).await
}

/// GET /api/v1/target-groups — the target groups of the VNG call. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/target-groups",
    tag = "target-groups",
    params(ReferenceQuery),
    responses((status = 200, description = "The target groups", body = List<NamedJson>)),
)]
pub async fn list_target_groups(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<TargetGroups>(state, page).await
}

/// GET /api/v1/aspects — the aspects of the VNG call. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/aspects",
    tag = "aspects",
    params(ReferenceQuery),
    responses((status = 200, description = "The aspects", body = List<NamedJson>)),
)]
pub async fn list_aspects(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<Aspects>(state, page).await
}

/// GET /api/v1/periods — report periods, by cut-off. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/periods",
    tag = "periods",
    params(ReferenceQuery),
    responses((status = 200, description = "Report periods by cut-off", body = List<PeriodJson>)),
)]
pub async fn list_periods(
    state: web::Data<AppState>,
    page: Query<ReferenceQuery>,
) -> Result<HttpResponse, Error> {
    list::<Periods>(state, page).await
}

/// POST /api/v1/areas — add an area (as four joined in 2022). Admins.
#[utoipa::path(
    post,
    path = "/api/v1/areas",
    tag = "areas",
    responses((status = 201, description = "Created", body = AreaJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 409, description = "The code is in use")),
)]
pub async fn create_area(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<service::NewAreaInput>,
) -> Result<HttpResponse, Error> {
    create::<Areas>(state, req, user, body).await
}

/// PATCH /api/v1/areas/{code} — change an area's name, position or focus date; needs If-Match. Admins.
#[utoipa::path(
    patch,
    path = "/api/v1/areas/{code}",
    tag = "areas",
    params(("code" = String, Path, description = "Area code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = AreaJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such area")),
)]
pub async fn update_area(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<service::AreaChange>,
) -> Result<HttpResponse, Error> {
    update::<Areas>(state, req, user, code, body).await
}

/// POST /api/v1/municipalities — add a municipality. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/municipalities",
    tag = "municipalities",
    responses((status = 201, description = "Created", body = MunicipalityJson), (status = 409, description = "The code is in use")),
)]
pub async fn create_municipality(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<service::NewMunicipalityInput>,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(request_id(&req));
    let created = state
        .write(move |conn| Municipalities::create(conn, &actor, &body.0))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// GET /api/v1/ministries/{code} — one ministry, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/ministries/{code}",
    tag = "ministries",
    params(("code" = String, Path, description = "Ministry code, e.g. `BZK`"), AsOfQuery),
    responses((status = 200, description = "The ministry, now or as of a moment", body = MinistryJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such ministry")),
)]
pub async fn get_ministry(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    get::<Ministries>(state, code, query).await
}

/// POST /api/v1/ministries — add a ministry. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/ministries",
    tag = "ministries",
    responses((status = 201, description = "Created", body = MinistryJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 409, description = "The code is in use")),
)]
pub async fn create_ministry(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<service::MinistryInput>,
) -> Result<HttpResponse, Error> {
    create::<Ministries>(state, req, user, body).await
}

/// PATCH /api/v1/ministries/{code} — rename a ministry; needs If-Match. Admins.
#[utoipa::path(
    patch,
    path = "/api/v1/ministries/{code}",
    tag = "ministries",
    params(("code" = String, Path, description = "Ministry code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = MinistryJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such ministry")),
)]
pub async fn update_ministry(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<service::MinistryInput>,
) -> Result<HttpResponse, Error> {
    update::<Ministries>(state, req, user, code, body).await
}

/// GET /api/v1/themes/{code} — one theme, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/themes/{code}",
    tag = "themes",
    params(("code" = String, Path, description = "Theme code, e.g. `housing`"), AsOfQuery),
    responses((status = 200, description = "The theme, now or as of a moment", body = NamedJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such theme")),
)]
pub async fn get_theme(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    get::<Themes>(state, code, query).await
}

/// POST /api/v1/themes — add a theme ("aanvullende maatregelen"). Admins.
#[utoipa::path(
    post,
    path = "/api/v1/themes",
    tag = "themes",
    responses((status = 201, description = "Created", body = NamedJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 409, description = "The code is in use")),
)]
pub async fn create_theme(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<service::ThemeInput>,
) -> Result<HttpResponse, Error> {
    create::<Themes>(state, req, user, body).await
}

/// PATCH /api/v1/themes/{code} — change a theme's names or description; needs If-Match. Admins.
#[utoipa::path(
    patch,
    path = "/api/v1/themes/{code}",
    tag = "themes",
    params(("code" = String, Path, description = "Theme code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = NamedJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such theme")),
)]
pub async fn update_theme(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<service::ThemeInput>,
) -> Result<HttpResponse, Error> {
    update::<Themes>(state, req, user, code, body).await
}

/// GET /api/v1/periods/{code} — one report period, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/periods/{code}",
    tag = "periods",
    params(("code" = String, Path, description = "Period code, e.g. `voorjaar-2021`"), AsOfQuery),
    responses((status = 200, description = "The period, now or as of a moment", body = PeriodJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such period")),
)]
pub async fn get_period(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: Query<AsOfQuery>,
) -> Result<HttpResponse, Error> {
    get::<Periods>(state, code, query).await
}

/// POST /api/v1/periods — add a report period. Admins.
#[utoipa::path(
    post,
    path = "/api/v1/periods",
    tag = "periods",
    responses((status = 201, description = "Created", body = PeriodJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 409, description = "The code is in use")),
)]
pub async fn create_period(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: Json<service::PeriodInput>,
) -> Result<HttpResponse, Error> {
    create::<Periods>(state, req, user, body).await
}

/// PATCH /api/v1/periods/{code} — change a period's name or dates; needs If-Match. Admins.
#[utoipa::path(
    patch,
    path = "/api/v1/periods/{code}",
    tag = "periods",
    params(("code" = String, Path, description = "Period code"), ("If-Match" = String, Header, description = "The `ETag` of the version the change is based on")),
    responses((status = 200, description = "Changed", body = PeriodJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such period")),
)]
pub async fn update_period(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<service::PeriodInput>,
) -> Result<HttpResponse, Error> {
    update::<Periods>(state, req, user, code, body).await
}
