//! Row structs (`Queryable`) and insertables (`New…`) for the tables. Ids are i64 on both backends.
//! Reference data and users here; what is tracked per action in `tracking`.

mod consultations;
mod reports;
mod tracking;
pub use consultations::*;
pub use reports::*;
pub use tracking::*;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{
    areas, aspects, audit_log, ministries, municipalities, report_periods, target_groups, themes,
    users,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = municipalities)]
pub struct Municipality {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub province: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = municipalities)]
pub struct NewMunicipality<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub province: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = areas)]
pub struct Area {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub municipality_id: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub focus_since: NaiveDate,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = areas)]
pub struct NewArea<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub municipality_id: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub focus_since: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = ministries)]
pub struct Ministry {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = ministries)]
pub struct NewMinistry<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = themes)]
pub struct Theme {
    pub id: i64,
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub description: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = themes)]
pub struct NewTheme<'a> {
    pub code: &'a str,
    pub name_nl: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = target_groups)]
pub struct TargetGroup {
    pub id: i64,
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = aspects)]
pub struct Aspect {
    pub id: i64,
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub description: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = aspects)]
pub struct NewAspect<'a> {
    pub code: &'a str,
    pub name_nl: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = target_groups)]
pub struct NewTargetGroup<'a> {
    pub code: &'a str,
    pub name_nl: &'a str,
    pub name_en: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = report_periods)]
pub struct ReportPeriod {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub starts_on: Option<NaiveDate>,
    pub cut_off: NaiveDate,
    pub due_date: Option<NaiveDate>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = report_periods)]
pub struct NewReportPeriod<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub starts_on: Option<NaiveDate>,
    pub cut_off: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub username_key: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub ministry_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub disabled: bool,
    pub auth_epoch: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub username_key: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub ministry_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub recorded_at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub actor: &'a str,
    pub operation: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<&'a str>,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    pub request_id: Option<&'a str>,
}
