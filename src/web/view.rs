//! View models: what the templates show, already in words and in the reader's language, built
//! from what the services answer.

use chrono::NaiveDate;

use crate::domain::ActionStatus;
use crate::domain::rollup::Rollup;
use crate::service::actions::{ActionJson, ProgressJson, RecentUpdate};
use crate::service::indicators::IndicatorJson;
use crate::service::milestones::MilestoneJson;
use crate::service::reference::Names;
use crate::web::chart::ChartView;
use crate::web::i18n::Lang;

/// A status with its word: templates show `<span class="status s-CODE">WORD</span>`.
#[derive(Debug, Clone)]
pub struct StatusView {
    pub code: &'static str,
    pub label: &'static str,
}

impl StatusView {
    pub fn new(lang: Lang, status: ActionStatus) -> Self {
        Self {
            code: status.as_str(),
            label: lang.status(status),
        }
    }

    fn parse(lang: Lang, code: &str) -> Self {
        code.parse::<ActionStatus>()
            .map(|s| Self::new(lang, s))
            .unwrap_or(Self {
                code: "not_started",
                label: "?",
            })
    }
}

/// One row of a roll-up table (the text alternative of the status charts).
#[derive(Debug, Clone)]
pub struct RollupRow {
    pub label: String,
    pub href: Option<String>,
    pub actions: u32,
    /// Counts in the order of `ActionStatus::ALL`.
    pub counts: Vec<u32>,
    pub on_schedule: String,
    pub percent: String,
}

impl RollupRow {
    pub fn new(lang: Lang, rollup: &Rollup, label: String, href: Option<String>) -> Self {
        let s = &rollup.statuses;
        Self {
            label,
            href,
            actions: rollup.actions,
            counts: vec![
                s.not_started,
                s.on_track,
                s.at_risk,
                s.off_track,
                s.completed,
                s.discontinued,
            ],
            on_schedule: lang.percent(rollup.on_schedule_percent),
            percent: lang.percent(rollup.weighted_percent_complete),
        }
    }

    /// A row of a group without actions.
    pub fn empty(lang: Lang, label: String, href: Option<String>) -> Self {
        Self {
            label,
            href,
            actions: 0,
            counts: vec![0; ActionStatus::ALL.len()],
            on_schedule: lang.percent(None),
            percent: lang.percent(None),
        }
    }

    /// The rows of a roll-up, one per known group (by `groups`: key, label, link).
    pub fn for_groups(
        lang: Lang,
        rollups: &[Rollup],
        groups: impl IntoIterator<Item = (String, String, Option<String>)>,
    ) -> Vec<Self> {
        groups
            .into_iter()
            .map(
                |(key, label, href)| match rollups.iter().find(|r| r.key == key) {
                    Some(rollup) => Self::new(lang, rollup, label, href),
                    None => Self::empty(lang, label, href),
                },
            )
            .collect()
    }
}

/// An action in a list.
#[derive(Debug, Clone)]
pub struct ActionRow {
    pub id: i64,
    pub title: String,
    /// The second column: the ministry (on area pages) or the area (on ministry pages).
    pub second: String,
    pub status: StatusView,
    pub percent: i32,
    pub planned_end: String,
    /// The original end date, when the plan in force ends on another day.
    pub original_end: Option<String>,
    pub version: i64,
    /// Whether the caller may post progress on it (the policy's object check).
    pub can_write: bool,
    /// Prefix of the ids of its form fields.
    pub prefix: String,
}

impl ActionRow {
    pub fn new(lang: Lang, action: &ActionJson, second: String, can_write: bool) -> Self {
        let original = action.original_plan.as_ref().map(|p| p.planned_end);
        Self {
            id: action.id,
            title: action.title.clone(),
            second,
            status: StatusView::new(lang, action.status),
            percent: action.percent_complete,
            planned_end: lang.date(action.planned_end),
            original_end: original
                .filter(|end| *end != action.planned_end)
                .map(|end| lang.date(end)),
            version: action.version,
            can_write,
            prefix: format!("a{}-", action.id),
        }
    }
}

/// A progress update in a timeline.
#[derive(Debug, Clone)]
pub struct UpdateRow {
    pub when: String,
    pub iso: String,
    pub author: Option<String>,
    pub action_id: i64,
    pub action_title: String,
    pub area: String,
    pub status: StatusView,
    pub percent: i32,
    pub note: String,
}

impl UpdateRow {
    pub fn new(lang: Lang, update: &ProgressJson, action_title: &str, area: String) -> Self {
        Self {
            when: lang.date_time(update.recorded_at),
            iso: format!("{}Z", update.recorded_at.format("%Y-%m-%dT%H:%M:%S")),
            author: update.author.clone(),
            action_id: update.action_id,
            action_title: action_title.to_string(),
            area,
            status: StatusView::parse(lang, &update.status),
            percent: update.percent_complete,
            note: update.note.clone(),
        }
    }

    pub fn recent(lang: Lang, names: &Names, recent: &RecentUpdate) -> Self {
        Self::new(
            lang,
            &recent.update,
            &recent.action_title,
            names.area(&recent.area),
        )
    }
}

/// A milestone in a list, with the completion form when the caller may complete it.
#[derive(Debug, Clone)]
pub struct MilestoneRow {
    pub id: i64,
    pub title: String,
    pub action_id: i64,
    pub action_title: String,
    pub due: String,
    pub due_date: NaiveDate,
    pub original_due: Option<String>,
    pub state: String,
    pub open: bool,
    pub version: i64,
    pub can_complete: bool,
}

impl MilestoneRow {
    pub fn new(
        lang: Lang,
        milestone: &MilestoneJson,
        action_title: &str,
        today: NaiveDate,
        can_write: bool,
    ) -> Self {
        let t = lang.texts();
        let state = match milestone.done_on {
            Some(done) if milestone.late => {
                format!("{} {}", t.milestone_done_late, lang.date(done))
            }
            Some(done) => format!("{} {}", t.milestone_done, lang.date(done)),
            None if milestone.due_date < today => t.milestone_overdue.to_string(),
            None => t.milestone_open.to_string(),
        };
        Self {
            id: milestone.id,
            title: milestone.title.clone(),
            action_id: milestone.action_id,
            action_title: action_title.to_string(),
            due: lang.date(milestone.due_date),
            due_date: milestone.due_date,
            original_due: (milestone.original_due_date != milestone.due_date)
                .then(|| lang.date(milestone.original_due_date)),
            state,
            open: milestone.done_on.is_none(),
            version: milestone.version,
            can_complete: can_write && milestone.done_on.is_none(),
        }
    }
}

/// An indicator with its numbers.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub action_id: i64,
    pub action_title: String,
    pub baseline: String,
    pub latest: String,
    pub target: String,
    pub target_date: Option<String>,
    pub progress: String,
    /// (date, value) of every measurement, oldest first (the chart's text alternative).
    pub values: Vec<(String, String)>,
    /// Its trend chart, on the pages that show one.
    pub trend: Option<ChartView>,
}

impl IndicatorRow {
    pub fn new(lang: Lang, indicator: &IndicatorJson, action_title: &str) -> Self {
        Self {
            id: indicator.id,
            name: indicator.name.clone(),
            unit: indicator.unit.clone(),
            action_id: indicator.action_id,
            action_title: action_title.to_string(),
            baseline: lang.number(indicator.baseline_value),
            latest: indicator
                .latest
                .as_ref()
                .map_or_else(|| "–".to_string(), |v| lang.number(v.value)),
            target: lang.number(indicator.target_value),
            target_date: indicator.target_date.map(|d| lang.date(d)),
            progress: lang.percent(indicator.progress_percent),
            values: Vec::new(),
            trend: None,
        }
    }
}

/// A choice in a select list or a set of checkboxes.
#[derive(Debug, Clone)]
pub struct OptionView {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// The number of actions per status of a list of actions, in the order of `ActionStatus::ALL`.
pub fn worst_of(statuses: &[ActionStatus]) -> Option<ActionStatus> {
    let mut counts = crate::domain::rollup::StatusCounts::default();
    for status in statuses {
        counts.add(*status);
    }
    counts.worst()
}
