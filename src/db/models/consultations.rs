//! Rows of consultations (calls such as the VNG one for best practices) and the municipalities'
//! submissions to them, with the link tables for target groups, aspects, asked municipalities
//! and the actions a practice led to.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    consultation_aspects, consultation_municipalities, consultation_target_groups, consultations,
    submission_actions, submission_aspects, submission_target_groups, submissions,
};

/// A call for input with a deadline (a UTC instant, shown in `time_zone`).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub question: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub deadline_at: NaiveDateTime,
    pub time_zone: String,
    pub max_submissions: i32,
    pub contact_name: String,
    pub contact_email: String,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub reopened_until: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultations)]
pub struct NewConsultation<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub question: &'a str,
    pub deadline_at: NaiveDateTime,
    pub time_zone: &'a str,
    pub max_submissions: i32,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultation_target_groups)]
pub struct NewConsultationTargetGroup {
    pub consultation_id: i64,
    pub target_group_id: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultation_aspects)]
pub struct NewConsultationAspect {
    pub consultation_id: i64,
    pub aspect_id: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultation_municipalities)]
pub struct NewConsultationMunicipality {
    pub consultation_id: i64,
    pub municipality_id: i64,
}

/// One practice a municipality puts forward; `rank` 1..N within its municipality.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = submissions)]
pub struct Submission {
    pub id: i64,
    pub consultation_id: i64,
    pub municipality_id: i64,
    pub rank: i32,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub stage: String,
    pub lobby_needed: bool,
    pub lobby_note: String,
    pub contact: String,
    pub late: bool,
    pub accepted_by: Option<i64>,
    pub created_by: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = submissions)]
pub struct NewSubmission<'a> {
    pub consultation_id: i64,
    pub municipality_id: i64,
    pub rank: i32,
    pub title: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub stage: &'a str,
    pub lobby_needed: bool,
    pub lobby_note: &'a str,
    pub contact: &'a str,
    pub late: bool,
    pub accepted_by: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = submission_target_groups)]
pub struct NewSubmissionTargetGroup {
    pub submission_id: i64,
    pub target_group_id: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = submission_aspects)]
pub struct NewSubmissionAspect {
    pub submission_id: i64,
    pub aspect_id: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = submission_actions)]
pub struct NewSubmissionAction {
    pub submission_id: i64,
    pub action_id: i64,
}
