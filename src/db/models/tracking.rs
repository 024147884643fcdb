//! Rows of what is tracked: programmes, actions, baselines, milestones, progress, indicators.
//! History tables (baselines, milestone events, progress updates, indicator values, local notes)
//! are append-only and carry `recorded_at`, so the state on a past date can be rebuilt.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    action_target_groups, actions, baselines, indicator_values, indicators, local_notes,
    milestone_events, milestones, programmes, progress_updates,
};

/// A national acceleration action ("versnellingsactie") with its theme and lead ministry.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = programmes)]
pub struct Programme {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub theme_id: i64,
    pub lead_ministry_id: i64,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = programmes)]
pub struct NewProgramme<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub theme_id: i64,
    pub lead_ministry_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The work in one area. `status`, `percent_complete` and `last_update_at` cache the latest
/// progress update; `planned_start`/`planned_end` those of the latest baseline.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = actions)]
pub struct Action {
    pub id: i64,
    pub area_id: i64,
    pub programme_id: Option<i64>,
    pub theme_id: i64,
    pub ministry_id: i64,
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub budget_cents: Option<i64>,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub status: String,
    pub percent_complete: i32,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub last_update_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A new action; the cached progress columns are set explicitly (a fresh action is
/// `not_started`, 0 %, never updated; an import or the demo can bring its history along).
#[derive(Debug, Insertable)]
#[diesel(table_name = actions)]
pub struct NewAction<'a> {
    pub area_id: i64,
    pub programme_id: Option<i64>,
    pub theme_id: i64,
    pub ministry_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub responsible: &'a str,
    pub budget_cents: Option<i64>,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub status: &'a str,
    pub percent_complete: i32,
    pub last_update_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = action_target_groups)]
#[diesel(primary_key(action_id, target_group_id))]
pub struct ActionTargetGroup {
    pub action_id: i64,
    pub target_group_id: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = action_target_groups)]
pub struct NewActionTargetGroup {
    pub action_id: i64,
    pub target_group_id: i64,
}

/// The plan of an action at a moment; seq 1 is the original plan.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = baselines)]
pub struct Baseline {
    pub id: i64,
    pub action_id: i64,
    pub seq: i32,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub budget_cents: Option<i64>,
    pub target_note: String,
    pub reason: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
    /// Made by the upgrade to versioned history from an edit of the action's own budget.
    pub from_budget_edit: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = baselines)]
pub struct NewBaseline<'a> {
    pub action_id: i64,
    pub seq: i32,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub budget_cents: Option<i64>,
    pub target_note: &'a str,
    pub reason: &'a str,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
}

/// A milestone as it stands after its latest event; `original_due_date` never changes.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = milestones)]
pub struct Milestone {
    pub id: i64,
    pub action_id: i64,
    pub title: String,
    pub description: String,
    pub report_period_id: Option<i64>,
    pub original_due_date: NaiveDate,
    pub due_date: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub created_by: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = milestones)]
pub struct NewMilestone<'a> {
    pub action_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub report_period_id: Option<i64>,
    pub original_due_date: NaiveDate,
    pub due_date: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One change of a milestone (`created`, `rescheduled`, `completed`, `reopened`) with the
/// due date and done date after it.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = milestone_events)]
pub struct MilestoneEvent {
    pub id: i64,
    pub milestone_id: i64,
    pub kind: String,
    pub due_date: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub note: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = milestone_events)]
pub struct NewMilestoneEvent<'a> {
    pub milestone_id: i64,
    pub kind: &'a str,
    pub due_date: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub note: &'a str,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
}

/// One entry of an action's append-only progress history.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = progress_updates)]
pub struct ProgressUpdate {
    pub id: i64,
    pub action_id: i64,
    pub status: String,
    pub percent_complete: i32,
    pub note: String,
    pub author_id: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = progress_updates)]
pub struct NewProgressUpdate<'a> {
    pub action_id: i64,
    pub status: &'a str,
    pub percent_complete: i32,
    pub note: &'a str,
    pub author_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// A municipality's note on its area, optionally on one action.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = local_notes)]
pub struct LocalNote {
    pub id: i64,
    pub area_id: i64,
    pub action_id: Option<i64>,
    pub body: String,
    pub author_id: Option<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = local_notes)]
pub struct NewLocalNote<'a> {
    pub area_id: i64,
    pub action_id: Option<i64>,
    pub body: &'a str,
    pub author_id: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// A measurable result of an action; `direction` is `increase` or `decrease` (which way is better).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = indicators)]
pub struct Indicator {
    pub id: i64,
    pub action_id: i64,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub baseline_value: f64,
    pub target_value: f64,
    pub target_date: Option<NaiveDate>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = indicators)]
pub struct NewIndicator<'a> {
    pub action_id: i64,
    pub name: &'a str,
    pub unit: &'a str,
    pub direction: &'a str,
    pub baseline_value: f64,
    pub target_value: f64,
    pub target_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = indicator_values)]
pub struct IndicatorValue {
    pub id: i64,
    pub indicator_id: i64,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = indicator_values)]
pub struct NewIndicatorValue<'a> {
    pub indicator_id: i64,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: &'a str,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
}
