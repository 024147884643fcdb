//! Reference data: areas, municipalities, ministries, themes, target groups, aspects, periods.
//! Read-only here; administration comes with the auth issue.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::extract::{Json, Query, etag, if_match};
use crate::api::guard::request_id;
use crate::api::respond::tagged;
use crate::auth::AuthUser;
use crate::db::models::{Area, Aspect, Ministry, Municipality, ReportPeriod, TargetGroup, Theme};
use crate::db::schema::{
    areas, aspects, ministries, municipalities, report_periods, target_groups, themes,
};
use crate::error::{Error, FieldError};
use crate::i18n::{Label, Msg};
use crate::service::reference as service;
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MunicipalityRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AreaJson {
    pub code: String,
    pub name: String,
    pub municipality: MunicipalityRef,
    pub province: String,
    pub latitude: f64,
    pub longitude: f64,
    pub focus_since: NaiveDate,
}

fn area_json(area: Area, municipality: &Municipality) -> AreaJson {
    AreaJson {
        code: area.code,
        name: area.name,
        municipality: MunicipalityRef {
            code: municipality.code.clone(),
            name: municipality.name.clone(),
        },
        province: municipality.province.clone(),
        latitude: area.latitude,
        longitude: area.longitude,
        focus_since: area.focus_since,
    }
}

/// GET /api/v1/areas — the urban renewal areas, by name. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/areas",
    tag = "areas",
    params(Page),
    responses((status = 200, description = "The areas by name", body = List<AreaJson>)),
)]
pub async fn list_areas(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = areas::table.count().get_result(conn)?;
            let rows: Vec<(Area, Municipality)> = areas::table
                .inner_join(municipalities::table)
                .select((Area::as_select(), Municipality::as_select()))
                .order(areas::name.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?;
            let items = rows.into_iter().map(|(a, m)| area_json(a, &m)).collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// GET /api/v1/areas/{code} — one area, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/areas/{code}",
    tag = "areas",
    params(("code" = String, Path, description = "Area code, e.g. `rotterdam-zuid`")),
    responses((status = 200, description = "The area", body = AreaJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such area")),
)]
pub async fn get_area(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let (area, version) = state.read(move |conn| load_area(conn, &code)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(version)))
        .json(area))
}

fn load_area(conn: &mut crate::db::DbConnection, code: &str) -> Result<(AreaJson, i64), Error> {
    let row: Option<(Area, Municipality)> = areas::table
        .inner_join(municipalities::table)
        .filter(areas::code.eq(code))
        .select((Area::as_select(), Municipality::as_select()))
        .first(conn)
        .optional()?;
    row.map(|(a, m)| {
        let version = a.version;
        (area_json(a, &m), version)
    })
    .ok_or_else(|| Error::not_found_code(Label::Area, code))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MunicipalityJson {
    pub code: String,
    pub name: String,
    pub province: String,
    pub areas: Vec<String>,
}

/// GET /api/v1/municipalities — municipalities with the codes of their areas. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities",
    tag = "municipalities",
    params(Page),
    responses((status = 200, description = "Municipalities by name, with their area codes", body = List<MunicipalityJson>)),
)]
pub async fn list_municipalities(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = municipalities::table.count().get_result(conn)?;
            let rows: Vec<Municipality> = municipalities::table
                .select(Municipality::as_select())
                .order(municipalities::name.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?;
            let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
            let mut area_codes: HashMap<i64, Vec<String>> = HashMap::new();
            for (municipality_id, code) in areas::table
                .filter(areas::municipality_id.eq_any(&ids))
                .select((areas::municipality_id, areas::code))
                .order(areas::code.asc())
                .load::<(i64, String)>(conn)?
            {
                area_codes.entry(municipality_id).or_default().push(code);
            }
            let items = rows
                .into_iter()
                .map(|m| MunicipalityJson {
                    areas: area_codes.remove(&m.id).unwrap_or_default(),
                    code: m.code,
                    name: m.name,
                    province: m.province,
                })
                .collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MinistryJson {
    pub code: String,
    pub name: String,
}

/// GET /api/v1/ministries — the ministries. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/ministries",
    tag = "ministries",
    params(Page),
    responses((status = 200, description = "The ministries", body = List<MinistryJson>)),
)]
pub async fn list_ministries(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = ministries::table.count().get_result(conn)?;
            let items = ministries::table
                .select(Ministry::as_select())
                .order(ministries::id.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?
                .into_iter()
                .map(ministry_json)
                .collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NamedJson {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// GET /api/v1/themes — the themes of the actions. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/themes",
    tag = "themes",
    params(Page),
    responses((status = 200, description = "The themes", body = List<NamedJson>)),
)]
pub async fn list_themes(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = themes::table.count().get_result(conn)?;
            let items = themes::table
                .select(Theme::as_select())
                .order(themes::id.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?
                .into_iter()
                .map(theme_json)
                .collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// GET /api/v1/target-groups — the target groups of the VNG call. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/target-groups",
    tag = "target-groups",
    params(Page),
    responses((status = 200, description = "The target groups", body = List<NamedJson>)),
)]
pub async fn list_target_groups(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = target_groups::table.count().get_result(conn)?;
            let items = target_groups::table
                .select(TargetGroup::as_select())
                .order(target_groups::id.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?
                .into_iter()
                .map(|t| NamedJson {
                    code: t.code,
                    name_nl: t.name_nl,
                    name_en: t.name_en,
                    description: None,
                })
                .collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// GET /api/v1/aspects — the aspects of the VNG call. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/aspects",
    tag = "aspects",
    params(Page),
    responses((status = 200, description = "The aspects", body = List<NamedJson>)),
)]
pub async fn list_aspects(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = aspects::table.count().get_result(conn)?;
            let items = aspects::table
                .select(Aspect::as_select())
                .order(aspects::id.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?
                .into_iter()
                .map(|a| NamedJson {
                    code: a.code,
                    name_nl: a.name_nl,
                    name_en: a.name_en,
                    description: Some(a.description),
                })
                .collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodJson {
    pub code: String,
    pub name: String,
    pub starts_on: Option<NaiveDate>,
    pub cut_off: NaiveDate,
    pub due_date: Option<NaiveDate>,
}

/// GET /api/v1/periods — report periods, by cut-off. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/periods",
    tag = "periods",
    params(Page),
    responses((status = 200, description = "Report periods by cut-off", body = List<PeriodJson>)),
)]
pub async fn list_periods(
    state: web::Data<AppState>,
    page: Query<Page>,
) -> Result<HttpResponse, Error> {
    let (limit, offset) = page.0.bounds()?;
    let list = state
        .read(move |conn| {
            let total = report_periods::table.count().get_result(conn)?;
            let items = report_periods::table
                .select(ReportPeriod::as_select())
                .order(report_periods::cut_off.asc())
                .limit(limit)
                .offset(offset)
                .load(conn)?
                .into_iter()
                .map(period_json)
                .collect();
            Ok(List {
                items,
                total,
                limit,
                offset,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

fn ministry_json(m: Ministry) -> MinistryJson {
    MinistryJson {
        code: m.code,
        name: m.name,
    }
}

fn theme_json(t: Theme) -> NamedJson {
    NamedJson {
        code: t.code,
        name_nl: t.name_nl,
        name_en: t.name_en,
        description: Some(t.description),
    }
}

fn period_json(p: ReportPeriod) -> PeriodJson {
    PeriodJson {
        code: p.code,
        name: p.name,
        starts_on: p.starts_on,
        cut_off: p.cut_off,
        due_date: p.due_date,
    }
}

use actix_web::http::StatusCode;

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
    let actor = user.actor(request_id(&req));
    let (area, version) = state
        .write(move |conn| {
            let area = service::create_area(conn, &actor, &body.0)?;
            load_area(conn, &area.code)
        })
        .await?;
    Ok(tagged(StatusCode::CREATED, version, area))
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
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let (area, version) = state
        .write(move |conn| {
            service::update_area(conn, &actor, &code, expected, &body.0)?;
            load_area(conn, &code)
        })
        .await?;
    Ok(tagged(StatusCode::OK, version, area))
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
    let m = state
        .write(move |conn| service::create_municipality(conn, &actor, &body.0))
        .await?;
    Ok(HttpResponse::Created().json(MunicipalityJson {
        code: m.code,
        name: m.name,
        province: m.province,
        areas: vec![],
    }))
}

/// GET /api/v1/ministries/{code} — one ministry, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/ministries/{code}",
    tag = "ministries",
    params(("code" = String, Path, description = "Ministry code, e.g. `BZK`")),
    responses((status = 200, description = "The ministry", body = MinistryJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such ministry")),
)]
pub async fn get_ministry(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let m: Ministry = state
        .read(move |conn| {
            ministries::table
                .filter(ministries::code.eq(&code))
                .select(Ministry::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Ministry, &code))
        })
        .await?;
    Ok(tagged(StatusCode::OK, m.version, ministry_json(m)))
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
    let actor = user.actor(request_id(&req));
    let m = state
        .write(move |conn| service::create_ministry(conn, &actor, &body.0))
        .await?;
    Ok(tagged(StatusCode::CREATED, m.version, ministry_json(m)))
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
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let m = state
        .write(move |conn| service::update_ministry(conn, &actor, &code, expected, &body.0))
        .await?;
    Ok(tagged(StatusCode::OK, m.version, ministry_json(m)))
}

/// GET /api/v1/themes/{code} — one theme, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/themes/{code}",
    tag = "themes",
    params(("code" = String, Path, description = "Theme code, e.g. `housing`")),
    responses((status = 200, description = "The theme", body = NamedJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such theme")),
)]
pub async fn get_theme(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let t: Theme = state
        .read(move |conn| {
            themes::table
                .filter(themes::code.eq(&code))
                .select(Theme::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Theme, &code))
        })
        .await?;
    Ok(tagged(StatusCode::OK, t.version, theme_json(t)))
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
    let actor = user.actor(request_id(&req));
    let t = state
        .write(move |conn| service::create_theme(conn, &actor, &body.0))
        .await?;
    Ok(tagged(StatusCode::CREATED, t.version, theme_json(t)))
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
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let t = state
        .write(move |conn| service::update_theme(conn, &actor, &code, expected, &body.0))
        .await?;
    Ok(tagged(StatusCode::OK, t.version, theme_json(t)))
}

/// GET /api/v1/periods/{code} — one report period, with its ETag. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/periods/{code}",
    tag = "periods",
    params(("code" = String, Path, description = "Period code, e.g. `voorjaar-2021`")),
    responses((status = 200, description = "The period", body = PeriodJson, headers(("ETag" = String, description = "The version of the resource, for `If-Match`"))), (status = 404, description = "No such period")),
)]
pub async fn get_period(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let p: ReportPeriod = state
        .read(move |conn| {
            report_periods::table
                .filter(report_periods::code.eq(&code))
                .select(ReportPeriod::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Period, &code))
        })
        .await?;
    Ok(tagged(StatusCode::OK, p.version, period_json(p)))
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
    let actor = user.actor(request_id(&req));
    let p = state
        .write(move |conn| service::create_period(conn, &actor, &body.0))
        .await?;
    Ok(tagged(StatusCode::CREATED, p.version, period_json(p)))
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
    let expected = if_match(&req)?;
    let actor = user.actor(request_id(&req));
    let code = code.into_inner();
    let p = state
        .write(move |conn| service::update_period(conn, &actor, &code, expected, &body.0))
        .await?;
    Ok(tagged(StatusCode::OK, p.version, period_json(p)))
}
