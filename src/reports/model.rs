//! The report model: everything a progress report says, as plain data, built from the database
//! as of the period's cut-off (see [`super::build`]). Every renderer takes only this model, and
//! the model is the snapshot a published report keeps: its canonical JSON is hashed.
//!
//! It holds no "now", no database versions and no maps with a random order, so the same history
//! gives the same model, byte for byte.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::rollup::Rollup;
use crate::domain::{ActionStatus, Lang, SignoffState};
use crate::service::charts::ChartData;

/// Raised when the model's shape changes, so an old snapshot is read with care.
pub const MODEL_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportModel {
    pub model_version: u32,
    /// "Voortgangsrapportage versnellingsacties".
    pub title: String,
    pub period: PeriodInfo,
    /// The last moment whose records count (UTC): the end of the cut-off day in
    /// Europe/Amsterdam, or the moment a draft was made before that.
    #[serde(serialize_with = "crate::json::utc")]
    pub as_of: NaiveDateTime,
    /// The date of that moment in the Netherlands ("stand per").
    pub as_of_date: NaiveDate,
    /// The report this one is compared with, when an earlier period has a published one.
    pub previous: Option<PreviousReport>,
    pub summary: Summary,
    pub themes: Vec<ThemeSection>,
    pub areas: Vec<AreaSection>,
    pub ministries: Vec<MinistrySection>,
    /// Every oranje, rood or stopped action with its notes.
    pub explanations: Vec<Explanation>,
    pub deviations: Deviations,
    /// What the previous report showed that turned out otherwise.
    pub corrections: Vec<Correction>,
    /// The national overview charts.
    pub charts: Vec<Chart>,
    pub annex: Annex,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub code: String,
    pub name: String,
    pub starts_on: Option<NaiveDate>,
    pub cut_off: NaiveDate,
    pub due_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviousReport {
    pub report_id: i64,
    pub period: PeriodInfo,
    #[serde(serialize_with = "crate::json::utc")]
    pub as_of: NaiveDateTime,
    pub content_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub total: Rollup,
    pub per_theme: Vec<ThemeCount>,
    /// Since the previous report; none for the first.
    pub changes: Option<Changes>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeCount {
    pub theme: String,
    pub name: String,
    pub rollup: Rollup,
}

/// Actions whose stoplicht moved since the previous report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// From rood to oranje or groen, or from oranje to groen.
    pub improved: Vec<StatusChange>,
    /// From groen to oranje or rood, or from oranje to rood.
    pub worsened: Vec<StatusChange>,
    /// Not started (or not there) then, under way or done now.
    pub started: Vec<StatusChange>,
    /// Completed since.
    pub finished: Vec<StatusChange>,
    /// Stopped since.
    pub stopped: Vec<StatusChange>,
    /// Actions the previous report did not have.
    pub new_actions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub action_id: i64,
    pub title: String,
    pub area: String,
    pub ministry: String,
    /// None: the action was not in the previous report.
    pub from: Option<ActionStatus>,
    pub to: ActionStatus,
}

/// Per theme: what we wanted to achieve, what we did, what it cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeSection {
    pub code: String,
    pub name: String,
    /// Wat wilden we bereiken: the theme's aim, its programmes and the indicators' targets.
    pub description: String,
    pub programmes: Vec<ProgrammeInfo>,
    pub goals: Vec<IndicatorLine>,
    pub rollup: Rollup,
    /// Wat hebben we gedaan: milestones reached and actions completed in the period.
    pub milestones_met: Vec<MilestoneLine>,
    pub completed: Vec<ActionLine>,
    /// Wat heeft het gekost: the budgets of the theme's actions (the monitor records budgets,
    /// not spending).
    pub budget: Budget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeInfo {
    pub code: String,
    pub title: String,
    pub description: String,
    pub lead_ministry: String,
    pub actions: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// In the plans in force, euro cents.
    pub current_cents: i64,
    /// In the original plans, euro cents.
    pub original_cents: i64,
    pub actions_with_budget: u32,
    pub actions_without_budget: u32,
}

/// A section for an area's mayor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaSection {
    pub code: String,
    pub name: String,
    pub municipality: String,
    pub province: String,
    pub rollup: Rollup,
    pub actions: Vec<ActionLine>,
    pub milestones: Vec<MilestoneLine>,
    pub indicators: Vec<IndicatorLine>,
    /// Local notes recorded in the period.
    pub notes: Vec<DatedNote>,
    pub charts: Vec<Chart>,
}

/// A table per ministry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinistrySection {
    pub code: String,
    pub name: String,
    pub rollup: Rollup,
    pub signoff: Option<SignoffLine>,
    pub actions: Vec<ActionLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignoffLine {
    pub state: SignoffState,
    pub on: NaiveDate,
    pub by: Option<String>,
}

/// An action as the sections list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionLine {
    pub id: i64,
    pub title: String,
    pub area: String,
    pub ministry: String,
    pub theme: String,
    pub status: ActionStatus,
    pub percent_complete: i32,
    pub original_end: NaiveDate,
    pub planned_end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneLine {
    pub id: i64,
    pub action_id: i64,
    pub action: String,
    pub area: String,
    pub title: String,
    pub original_due: NaiveDate,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorLine {
    pub id: i64,
    pub action_id: i64,
    pub action: String,
    pub area: String,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub target_date: Option<NaiveDate>,
    pub latest: Option<f64>,
    pub measured_on: Option<NaiveDate>,
    pub progress_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedNote {
    pub on: NaiveDate,
    pub text: String,
    /// The action the note is about, if any.
    pub action: Option<String>,
}

/// A non-green action and why, from its notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub action: ActionLine,
    /// The notes of its updates in the period and local notes on it, newest first.
    pub notes: Vec<DatedNote>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deviations {
    pub total: crate::domain::rollup::DeviationStats,
    /// Actions late against either plan, or re-planned.
    pub rows: Vec<DeviationRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviationRow {
    pub action: ActionLine,
    /// Days the plan in force ends after the original plan.
    pub slip_days: i64,
    pub late_against_original: bool,
    pub late_against_current: bool,
    /// The re-plannings after the original, with their reasons.
    pub replans: Vec<Replan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replan {
    pub seq: i32,
    pub on: NaiveDate,
    pub planned_end: NaiveDate,
    pub reason: String,
}

/// A fact the previous report showed differently, learnt after it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub action_id: i64,
    pub action: String,
    pub area: String,
    /// The milestone's title or the indicator's name.
    pub subject: String,
    pub kind: CorrectionKind,
    /// The day the correction was recorded (Europe/Amsterdam).
    pub recorded_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorrectionKind {
    /// A milestone's completion as of the previous cut-off.
    Milestone {
        previous_done: Option<NaiveDate>,
        corrected_done: Option<NaiveDate>,
    },
    /// An indicator's latest value as of the previous cut-off.
    Indicator {
        previous: Option<DatedValue>,
        corrected: Option<DatedValue>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DatedValue {
    pub on: NaiveDate,
    pub value: f64,
}

/// A chart: its data (drawn by the renderers) and size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// A name fit for a file: `areas-status`, `milestones-rotterdam-zuid`, `indicator-17`.
    pub id: String,
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub data: ChartData,
}

/// Every number the report rests on, one table each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Annex {
    pub actions: Vec<AnnexAction>,
    pub milestones: Vec<AnnexMilestone>,
    pub indicators: Vec<AnnexIndicator>,
    pub indicator_values: Vec<AnnexValue>,
    /// The progress updates recorded in the period.
    pub updates: Vec<AnnexUpdate>,
    /// Every plan (baseline) of the actions, the original first.
    pub plans: Vec<AnnexPlan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexAction {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub area: String,
    pub area_name: String,
    pub municipality: String,
    pub ministry: String,
    pub theme: String,
    pub programme: Option<String>,
    pub target_groups: Vec<String>,
    pub responsible: String,
    pub budget_cents: Option<i64>,
    pub original_start: NaiveDate,
    pub original_end: NaiveDate,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub status: ActionStatus,
    pub percent_complete: i32,
    pub last_update_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexMilestone {
    pub id: i64,
    pub action_id: i64,
    pub title: String,
    pub report_period: Option<String>,
    pub original_due: NaiveDate,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnexIndicator {
    pub id: i64,
    pub action_id: i64,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub baseline: f64,
    pub target: f64,
    pub target_date: Option<NaiveDate>,
    pub latest: Option<DatedValue>,
    pub progress_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnexValue {
    pub indicator_id: i64,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexUpdate {
    pub action_id: i64,
    pub recorded_at: NaiveDateTime,
    pub status: ActionStatus,
    pub percent_complete: i32,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexPlan {
    pub action_id: i64,
    pub seq: i32,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub budget_cents: Option<i64>,
    pub reason: String,
    pub recorded_at: NaiveDateTime,
}

/// What a later report reads back from a published snapshot: the annex, to compare states and
/// find corrections. Unknown fields are ignored, so older snapshots stay readable.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublishedView {
    #[serde(default)]
    pub period: Option<PeriodInfo>,
    #[serde(default)]
    pub annex: Annex,
}

/// What publishing reads back from a stored snapshot: the ministries in the report, and nothing
/// else (a generated programme's snapshot is hundreds of megabytes; as a `serde_json::Value`
/// several gigabytes). Unknown fields are skipped.
#[derive(Debug, Deserialize)]
pub struct SnapshotMinistries {
    pub ministries: Vec<CodeOnly>,
}

#[derive(Debug, Deserialize)]
pub struct CodeOnly {
    pub code: String,
}

/// Euro cents the Dutch way: € 1.250.000,50 (cents only when there are any).
pub fn euros_nl(cents: i64) -> String {
    Lang::Nl.euros_exact(cents)
}

/// A number the Dutch way, with a decimal comma and at most `decimals` decimals.
pub fn number_nl(value: f64, decimals: usize) -> String {
    Lang::Nl.decimal(value, decimals)
}

/// A percentage or a dash.
pub fn percent_nl(value: Option<f64>) -> String {
    value
        .map(|v| format!("{} %", number_nl(v, 1)))
        .unwrap_or_else(|| "–".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_dates_amounts_and_numbers() {
        let date = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        assert_eq!(Lang::Nl.date(date), "31 maart 2021");
        assert_eq!(euros_nl(125_000_050), "€ 1.250.000,50");
        assert_eq!(euros_nl(100), "€ 1");
        assert_eq!(euros_nl(-99_900), "€ -999");
        assert_eq!(number_nl(66.66, 1), "66,7");
        assert_eq!(number_nl(40.0, 1), "40");
        assert_eq!(percent_nl(None), "–");
        assert_eq!(percent_nl(Some(50.0)), "50 %");
    }
}
