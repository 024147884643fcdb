//! Progress roll-ups over actions: grouped by area, municipality, ministry, theme, programme or
//! target group, now or as of a moment, with milestones counted against a period's cut-off and
//! each ministry's readiness for the period's report.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::models::ReportPeriod;
use crate::db::schema::progress_updates;
use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::domain::rollup::{
    self, ActionFacts, IndicatorFacts, MilestoneFacts, Rollup, RollupRules,
};
use crate::domain::{SignoffState, dates};
use crate::error::{FieldError, Result};
use crate::i18n::Msg;
use crate::service::actions::{self, ActionFilter, ActionJson};
use crate::service::codes::{Codes, check};
use crate::service::reference::find_period;
use crate::service::{indicators, milestones, signoffs};

/// Weeks without an update after which an action counts as stale, unless asked otherwise.
pub const DEFAULT_STALE_WEEKS: i64 = 6;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProgressQuery {
    /// `area` (default), `municipality`, `ministry`, `theme`, `programme` or `target_group`.
    pub group_by: Option<String>,
    /// A report period code: milestones count up to its cut-off, and the state is as of the
    /// cut-off unless `as_of` says otherwise.
    pub period: Option<String>,
    pub as_of: Option<String>,
    pub stale_weeks: Option<i64>,
    pub area: Option<String>,
    pub municipality: Option<String>,
    pub ministry: Option<String>,
    pub theme: Option<String>,
    pub target_group: Option<String>,
    pub status: Option<String>,
    pub programme: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Area,
    Municipality,
    Ministry,
    Theme,
    Programme,
    TargetGroup,
}

impl GroupBy {
    fn parse(value: Option<&str>, errors: &mut Vec<FieldError>) -> Self {
        match value.unwrap_or("area") {
            "area" => Self::Area,
            "municipality" => Self::Municipality,
            "ministry" => Self::Ministry,
            "theme" => Self::Theme,
            "programme" => Self::Programme,
            "target_group" => Self::TargetGroup,
            _ => {
                errors.push(FieldError::new("group_by", Msg::GroupBy));
                Self::Area
            }
        }
    }

    fn keys(self, action: &ActionJson) -> Vec<String> {
        match self {
            Self::Area => vec![action.area.clone()],
            Self::Municipality => vec![action.municipality.clone()],
            Self::Ministry => vec![action.ministry.clone()],
            Self::Theme => vec![action.theme.clone()],
            Self::Programme => vec![
                action
                    .programme
                    .clone()
                    .unwrap_or_else(|| "(geen programma)".into()),
            ],
            Self::TargetGroup if action.target_groups.is_empty() => vec!["(geen doelgroep)".into()],
            Self::TargetGroup => action.target_groups.clone(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Municipality => "municipality",
            Self::Ministry => "ministry",
            Self::Theme => "theme",
            Self::Programme => "programme",
            Self::TargetGroup => "target_group",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Readiness {
    pub ministry: String,
    pub actions: u32,
    /// Actions with a progress update recorded in the period (start to cut-off), or finished
    /// before it began.
    pub ready: u32,
    /// The actions still without an update in the period.
    pub missing: Vec<i64>,
    /// The same actions with what identifies them, for the readiness view.
    pub missing_actions: Vec<MissingAction>,
    /// The ministry's sign-off for the period: `submitted` (ingediend), `approved`
    /// (vastgesteld) or none (not yet, or reopened).
    pub signoff: Option<String>,
    /// When and by whom the latest sign-off step was recorded (a reopening included).
    #[serde(serialize_with = "crate::json::utc_option")]
    pub signoff_at: Option<NaiveDateTime>,
    pub signoff_by: Option<String>,
}

/// An action without a progress update in the period.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct MissingAction {
    pub id: i64,
    pub title: String,
    pub area: String,
    pub theme: String,
    pub status: crate::domain::ActionStatus,
    /// The latest update before the cut-off, if there was one (before the period began).
    #[serde(serialize_with = "crate::json::utc_option")]
    pub last_update_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ProgressReport {
    pub group_by: &'static str,
    pub period: Option<String>,
    pub cut_off: NaiveDate,
    /// The moment the state is for (UTC).
    #[serde(serialize_with = "crate::json::utc")]
    pub as_of: NaiveDateTime,
    pub stale_weeks: i64,
    pub groups: Vec<Rollup>,
    pub total: Rollup,
    /// Per ministry, with a period only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readiness: Vec<Readiness>,
}

/// The actions and their facts a roll-up or chart works from.
pub struct Facts {
    pub actions: Vec<ActionJson>,
    pub facts: HashMap<i64, ActionFacts>,
    pub milestones: HashMap<i64, Vec<milestones::MilestoneJson>>,
    pub as_of: AsOf,
    pub today: NaiveDate,
    pub cut_off: NaiveDate,
    pub period: Option<ReportPeriod>,
}

/// Loads the actions that match with everything a roll-up needs, as of the moment asked for:
/// `as_of`, else the period's cut-off, else now.
pub fn load_facts(
    conn: &mut DbConnection,
    filter: &ActionFilter,
    period: Option<&str>,
    as_of: Option<&str>,
) -> Result<Facts> {
    let mut errors = Vec::new();
    let as_of = match as_of.map(AsOf::parse) {
        Some(Ok(as_of)) => Some(as_of.not_after(db::now())),
        Some(Err(message)) => {
            errors.push(FieldError::new("as_of", message));
            None
        }
        None => None,
    };
    check(errors)?;
    let period = period.map(|code| find_period(conn, code)).transpose()?;
    let asked = as_of;
    let as_of = as_of
        .or_else(|| period.as_ref().map(|p| AsOf::end_of_day(p.cut_off)))
        .unwrap_or_else(|| AsOf::at(db::now()));
    let moment = as_of.before - Duration::microseconds(1);
    let today = dates::amsterdam_date(moment);
    let cut_off = period.as_ref().map(|p| p.cut_off).unwrap_or(today);
    let mut filter = filter.clone();
    // A moment in the past is rebuilt from history. Now is what the tables hold: the same
    // answer, without replaying every update.
    let replay = asked.is_some() || period.is_some();
    let history_at = replay.then_some(as_of);
    filter.as_of = replay.then(|| format!("{}Z", moment.format("%Y-%m-%dT%H:%M:%S%.6f")));
    let actions = actions::all(conn, &filter)?;
    let ids: Vec<i64> = actions.iter().map(|a| a.id).collect();
    let milestones = milestones::for_actions(conn, &ids, history_at)?;
    let mut indicators = indicators::for_actions(conn, &ids, history_at)?;
    let facts = actions
        .iter()
        .map(|a| {
            let facts = ActionFacts {
                id: a.id,
                status: a.status,
                percent_complete: a.percent_complete,
                budget_cents: a.budget_cents,
                original_end: a
                    .original_plan
                    .as_ref()
                    .map(|p| p.planned_end)
                    .unwrap_or(a.planned_end),
                current_end: a.planned_end,
                last_update_at: a.last_update_at,
                milestones: milestones
                    .get(&a.id)
                    .map(|ms| {
                        ms.iter()
                            .map(|m| MilestoneFacts {
                                due: m.due_date,
                                original_due: m.original_due_date,
                                done: m.done_on,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                indicators: indicators
                    .remove(&a.id)
                    .map(|is| {
                        is.iter()
                            .map(|i| IndicatorFacts {
                                baseline: i.baseline_value,
                                target: i.target_value,
                                latest: i.latest.as_ref().map(|l| l.value),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            (a.id, facts)
        })
        .collect();
    Ok(Facts {
        actions,
        facts,
        milestones,
        as_of,
        today,
        cut_off,
        period,
    })
}

impl Facts {
    pub fn rules(&self, stale_weeks: i64) -> RollupRules {
        RollupRules {
            today: self.today,
            cut_off: self.cut_off,
            stale_after: Duration::weeks(stale_weeks),
            now: self.as_of.before - Duration::microseconds(1),
        }
    }

    /// Roll-ups grouped as asked, and the total.
    pub fn rollup(&self, group_by: GroupBy, stale_weeks: i64) -> (Vec<Rollup>, Rollup) {
        let pairs = self.actions.iter().flat_map(|a| {
            let facts = self.facts.get(&a.id);
            group_by
                .keys(a)
                .into_iter()
                .filter_map(move |key| facts.map(|f| (key, f)))
        });
        rollup::rollup(pairs, &self.rules(stale_weeks))
    }
}

/// Per ministry: how many of its actions have an update in the period, and its sign-off as
/// recorded before `signoffs_before` (sign-offs follow the cut-off, so this is usually now).
fn readiness(
    conn: &mut DbConnection,
    codes: &Codes,
    facts: &Facts,
    period: &ReportPeriod,
    signoffs_before: NaiveDateTime,
) -> Result<Vec<Readiness>> {
    let from = AsOf::start_of_day(period.starts_on.unwrap_or(crate::domain::asof::NO_START)).before;
    let until = facts
        .as_of
        .before
        .min(AsOf::end_of_day(period.cut_off).before);
    let ids: Vec<i64> = facts.actions.iter().map(|a| a.id).collect();
    let mut updated = std::collections::HashSet::new();
    for chunk in ids.chunks(5_000) {
        updated.extend(
            progress_updates::table
                .filter(progress_updates::action_id.eq_any(chunk))
                .filter(progress_updates::recorded_at.ge(from))
                .filter(progress_updates::recorded_at.lt(until))
                .select(progress_updates::action_id)
                .distinct()
                .load::<i64>(conn)?,
        );
    }
    let signoffs = signoffs::current_of(&signoffs::trail_of(conn, period, Some(signoffs_before))?);
    let mut by_ministry: std::collections::BTreeMap<String, Readiness> = codes
        .ministries
        .values()
        .map(|code| {
            let latest = signoffs.get(code);
            (
                code.clone(),
                Readiness {
                    ministry: code.clone(),
                    actions: 0,
                    ready: 0,
                    missing: vec![],
                    missing_actions: vec![],
                    signoff: latest
                        .filter(|s| s.state != SignoffState::Reopened)
                        .map(|s| s.state.as_str().to_string()),
                    signoff_at: latest.map(|s| s.recorded_at),
                    signoff_by: latest.and_then(|s| s.user.clone()),
                },
            )
        })
        .collect();
    for action in &facts.actions {
        if let Some(entry) = by_ministry.get_mut(&action.ministry) {
            entry.actions += 1;
            // Finished before the period began: nothing new to report.
            let finished_before = matches!(
                action.status,
                crate::domain::ActionStatus::Completed | crate::domain::ActionStatus::Discontinued
            ) && action.last_update_at.is_some_and(|at| at < from);
            if updated.contains(&action.id) || finished_before {
                entry.ready += 1;
            } else {
                entry.missing.push(action.id);
                entry.missing_actions.push(MissingAction {
                    id: action.id,
                    title: action.title.clone(),
                    area: action.area.clone(),
                    theme: action.theme.clone(),
                    status: action.status,
                    last_update_at: action.last_update_at,
                });
            }
        }
    }
    Ok(by_ministry.into_values().collect())
}

/// The roll-up `GET /api/v1/progress` answers.
pub fn report(conn: &mut DbConnection, query: &ProgressQuery) -> Result<ProgressReport> {
    let mut errors = Vec::new();
    let group_by = GroupBy::parse(query.group_by.as_deref(), &mut errors);
    let stale_weeks = query.stale_weeks.unwrap_or(DEFAULT_STALE_WEEKS);
    if !(1..=104).contains(&stale_weeks) {
        errors.push(FieldError::new(
            "stale_weeks",
            Msg::Between { min: 1, max: 104 },
        ));
    }
    check(errors)?;
    let filter = ActionFilter {
        area: query.area.clone(),
        municipality: query.municipality.clone(),
        ministry: query.ministry.clone(),
        theme: query.theme.clone(),
        target_group: query.target_group.clone(),
        status: query.status.clone(),
        programme: query.programme.clone(),
        ..Default::default()
    };
    let facts = load_facts(
        conn,
        &filter,
        query.period.as_deref(),
        query.as_of.as_deref(),
    )?;
    let (groups, total) = facts.rollup(group_by, stale_weeks);
    let readiness = match &facts.period {
        Some(period) => {
            let codes = Codes::load(conn)?;
            // An explicit moment shows the sign-offs of then; otherwise those of now.
            let signoffs_before = match query.as_of {
                Some(_) => facts.as_of.before,
                None => AsOf::at(db::now()).before,
            };
            readiness(conn, &codes, &facts, period, signoffs_before)?
        }
        None => Vec::new(),
    };
    Ok(ProgressReport {
        group_by: group_by.as_str(),
        period: facts.period.as_ref().map(|p| p.code.clone()),
        cut_off: facts.cut_off,
        as_of: facts.as_of.before - Duration::microseconds(1),
        stale_weeks,
        groups,
        total,
        readiness,
    })
}
