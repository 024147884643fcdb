//! Rows of the reporting: ministries' sign-offs per period (append-only) and generated reports
//! with their files.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{period_signoffs, reports};

/// One step in a ministry's sign-off of a period: submitted, approved or reopened.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = period_signoffs)]
pub struct PeriodSignoff {
    pub id: i64,
    pub report_period_id: i64,
    pub ministry_id: i64,
    pub state: String,
    pub note: String,
    pub user_id: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = period_signoffs)]
pub struct NewPeriodSignoff<'a> {
    pub report_period_id: i64,
    pub ministry_id: i64,
    pub state: &'a str,
    pub note: &'a str,
    pub user_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// A generated report: the snapshot of its period as of `as_of`, a draft or published.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i64,
    pub report_period_id: i64,
    pub state: String,
    pub as_of: NaiveDateTime,
    pub content_hash: String,
    /// The summary's roll-up as JSON (the snapshot itself is read only where it is needed).
    pub totals_json: Option<String>,
    pub generated_at: NaiveDateTime,
    pub generated_by: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<i64>,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = reports)]
pub struct NewReport<'a> {
    pub report_period_id: i64,
    pub state: &'a str,
    pub as_of: NaiveDateTime,
    pub content_hash: &'a str,
    pub snapshot_json: &'a str,
    pub totals_json: &'a str,
    pub generated_at: NaiveDateTime,
    pub generated_by: Option<i64>,
    /// The renderers that drew its files (`reports::RENDERER_VERSION`).
    pub renderer_version: i32,
}
