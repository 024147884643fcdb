//! Progress roll-ups: the stoplicht counts, weighted progress, milestones against the cut-off,
//! indicators against target and the deviation from the original and the current plan, for a
//! group of actions. Pure: the facts come in, the numbers go out.
//!
//! The lesson of the Rijks ICT-dashboard (DOMAIN.md) is built in: lateness is measured against
//! the original plan as well as the current one, so re-planning cannot turn an action green.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::ActionStatus;

/// What a roll-up needs to know about one action at the moment asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFacts {
    pub id: i64,
    pub status: ActionStatus,
    pub percent_complete: i32,
    pub budget_cents: Option<i64>,
    pub original_end: NaiveDate,
    pub current_end: NaiveDate,
    pub last_update_at: Option<NaiveDateTime>,
    pub milestones: Vec<MilestoneFacts>,
    pub indicators: Vec<IndicatorFacts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneFacts {
    pub due: NaiveDate,
    pub original_due: NaiveDate,
    pub done: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorFacts {
    pub baseline: f64,
    pub target: f64,
    pub latest: Option<f64>,
}

/// The moment and the rules of a roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollupRules {
    /// The date the state is for (today, or the as-of date).
    pub today: NaiveDate,
    /// Milestones due on or before this date count ("before the period's cut-off").
    pub cut_off: NaiveDate,
    /// An action without an update for this long is stale.
    pub stale_after: Duration,
    /// The instant `today` stands for, to measure staleness.
    pub now: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusCounts {
    pub not_started: u32,
    pub on_track: u32,
    pub at_risk: u32,
    pub off_track: u32,
    pub completed: u32,
    pub discontinued: u32,
}

impl StatusCounts {
    /// Counts one action with `status`.
    pub fn add(&mut self, status: ActionStatus) {
        self.add_many(status, 1);
    }

    /// Counts `n` actions with `status`.
    pub fn add_many(&mut self, status: ActionStatus, n: u32) {
        match status {
            ActionStatus::NotStarted => self.not_started += n,
            ActionStatus::OnTrack => self.on_track += n,
            ActionStatus::AtRisk => self.at_risk += n,
            ActionStatus::OffTrack => self.off_track += n,
            ActionStatus::Completed => self.completed += n,
            ActionStatus::Discontinued => self.discontinued += n,
        }
    }

    /// Adds another group's counts to these.
    pub fn add_all(&mut self, other: &StatusCounts) {
        self.not_started += other.not_started;
        self.on_track += other.on_track;
        self.at_risk += other.at_risk;
        self.off_track += other.off_track;
        self.completed += other.completed;
        self.discontinued += other.discontinued;
    }

    pub fn total(&self) -> u32 {
        self.not_started
            + self.on_track
            + self.at_risk
            + self.off_track
            + self.completed
            + self.discontinued
    }

    /// The worst colour present, for a stoplicht cell: rood over oranje over groen.
    pub fn worst(&self) -> Option<ActionStatus> {
        [
            (self.off_track, ActionStatus::OffTrack),
            (self.at_risk, ActionStatus::AtRisk),
            (self.on_track, ActionStatus::OnTrack),
            (self.not_started, ActionStatus::NotStarted),
            (self.completed, ActionStatus::Completed),
            (self.discontinued, ActionStatus::Discontinued),
        ]
        .into_iter()
        .find(|(count, _)| *count > 0)
        .map(|(_, status)| status)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MilestoneStats {
    /// Due on or before the cut-off (by their current due date).
    pub due: u32,
    /// Of those, done (on any date up to today).
    pub met: u32,
    /// Done on or before their current due date.
    pub met_on_time: u32,
    /// Done after their due date, or still open past it.
    pub late: u32,
    /// Still open past their due date today.
    pub overdue: u32,
    /// Moved to a later date than first planned.
    pub rescheduled: u32,
    /// met_on_time / due, in percent; none when nothing was due.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorStats {
    pub total: u32,
    /// The latest value reached the target.
    pub reached: u32,
    /// Moved from the baseline towards the target, not there yet.
    pub progressing: u32,
    /// At or behind the baseline.
    pub not_progressing: u32,
    pub no_values: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DeviationStats {
    /// Not completed (nor stopped) and past the end date of the original plan.
    pub late_against_original: u32,
    /// Not completed (nor stopped) and past the end date of the plan in force.
    pub late_against_current: u32,
    /// Re-planned to a later end date than originally planned.
    pub replanned_later: u32,
    /// Mean days the current end date lies after the original one, over all actions.
    pub mean_slip_days: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rollup {
    pub key: String,
    pub actions: u32,
    pub statuses: StatusCounts,
    /// Share of actions on schedule (groen or completed) among those that count
    /// (all but not started and stopped), in percent.
    pub on_schedule_percent: Option<f64>,
    /// Percent complete weighted by budget when every action has one, else the plain mean;
    /// stopped actions do not count.
    pub weighted_percent_complete: Option<f64>,
    pub milestones: MilestoneStats,
    pub indicators: IndicatorStats,
    pub deviation: DeviationStats,
    /// No progress update for longer than the stale limit (or never).
    pub stale: u32,
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| round1(f64::from(part) * 100.0 / f64::from(whole)))
}

/// Rolls up one group of actions.
pub fn rollup_group(key: &str, actions: &[&ActionFacts], rules: &RollupRules) -> Rollup {
    let mut statuses = StatusCounts::default();
    let mut milestones = MilestoneStats::default();
    let mut indicators = IndicatorStats::default();
    let mut deviation = DeviationStats::default();
    let mut stale = 0;
    let mut slip_total = 0i64;
    for action in actions {
        statuses.add(action.status);
        let open = !matches!(
            action.status,
            ActionStatus::Completed | ActionStatus::Discontinued
        );
        slip_total += deviation.add(action, open, rules);
        if open
            && action
                .last_update_at
                .is_none_or(|at| rules.now - at > rules.stale_after)
        {
            stale += 1;
        }
        for m in &action.milestones {
            milestones.add(m, rules);
        }
        for i in &action.indicators {
            indicators.add(i);
        }
    }
    milestones.on_time_rate = percent(milestones.met_on_time, milestones.due);
    let count = u32::try_from(actions.len()).unwrap_or(u32::MAX);
    if count > 0 {
        deviation.mean_slip_days = round1(slip_total as f64 / f64::from(count));
    }
    let counted = statuses.total() - statuses.not_started - statuses.discontinued;
    Rollup {
        key: key.to_string(),
        actions: count,
        statuses,
        on_schedule_percent: percent(statuses.on_track + statuses.completed, counted),
        weighted_percent_complete: weighted_percent(actions),
        milestones,
        indicators,
        deviation,
        stale,
    }
}

impl DeviationStats {
    /// Counts one action against its original and current plan; its slip in days.
    fn add(&mut self, action: &ActionFacts, open: bool, rules: &RollupRules) -> i64 {
        if open && rules.today > action.original_end {
            self.late_against_original += 1;
        }
        if open && rules.today > action.current_end {
            self.late_against_current += 1;
        }
        let slip = (action.current_end - action.original_end).num_days();
        if slip > 0 {
            self.replanned_later += 1;
        }
        slip
    }
}

impl MilestoneStats {
    /// Counts one milestone: rescheduled, and when due by the cut-off, met (on time or late)
    /// or overdue.
    fn add(&mut self, m: &MilestoneFacts, rules: &RollupRules) {
        if m.due > m.original_due {
            self.rescheduled += 1;
        }
        if m.due > rules.cut_off {
            return;
        }
        self.due += 1;
        match m.done {
            Some(done) => {
                self.met += 1;
                if done <= m.due {
                    self.met_on_time += 1;
                } else {
                    self.late += 1;
                }
            }
            None if rules.today > m.due => {
                self.overdue += 1;
                self.late += 1;
            }
            None => {}
        }
    }
}

impl IndicatorStats {
    /// Counts one indicator by how far its latest value moved from the baseline to the target.
    fn add(&mut self, i: &IndicatorFacts) {
        self.total += 1;
        let span = i.target - i.baseline;
        match i.latest {
            None => self.no_values += 1,
            Some(value) => {
                let moved = value - i.baseline;
                if span.abs() < f64::EPSILON || moved / span >= 1.0 {
                    self.reached += 1;
                } else if moved / span > 0.0 {
                    self.progressing += 1;
                } else {
                    self.not_progressing += 1;
                }
            }
        }
    }
}

fn weighted_percent(actions: &[&ActionFacts]) -> Option<f64> {
    let counting: Vec<&&ActionFacts> = actions
        .iter()
        .filter(|a| a.status != ActionStatus::Discontinued)
        .collect();
    if counting.is_empty() {
        return None;
    }
    let budgets: Option<Vec<i64>> = counting
        .iter()
        .map(|a| a.budget_cents.filter(|b| *b > 0))
        .collect();
    let value = match budgets {
        Some(budgets) => {
            let total: i64 = budgets.iter().sum();
            let done: f64 = counting
                .iter()
                .zip(&budgets)
                .map(|(a, b)| *b as f64 * f64::from(a.percent_complete))
                .sum();
            done / total as f64
        }
        None => {
            counting
                .iter()
                .map(|a| f64::from(a.percent_complete))
                .sum::<f64>()
                / counting.len() as f64
        }
    };
    Some(round1(value))
}

/// Rolls up actions grouped by a key (area code, ministry code, …), groups sorted by key, plus
/// the total over all of them under the key `""`.
pub fn rollup<'a>(
    actions: impl IntoIterator<Item = (String, &'a ActionFacts)>,
    rules: &RollupRules,
) -> (Vec<Rollup>, Rollup) {
    let mut groups: BTreeMap<String, Vec<&ActionFacts>> = BTreeMap::new();
    let mut everything = Vec::new();
    let mut counted = std::collections::HashSet::new();
    for (key, action) in actions {
        // An action can fall in several groups (target groups); the total counts it once.
        if counted.insert(action.id) {
            everything.push(action);
        }
        groups.entry(key).or_default().push(action);
    }
    let rolled = groups
        .iter()
        .map(|(key, group)| rollup_group(key, group, rules))
        .collect();
    (rolled, rollup_group("", &everything, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn rules() -> RollupRules {
        RollupRules {
            today: date("2021-03-31"),
            cut_off: date("2021-03-31"),
            stale_after: Duration::weeks(6),
            now: date("2021-03-31").and_hms_opt(22, 0, 0).unwrap(),
        }
    }

    fn action(id: i64, status: ActionStatus, percent: i32, budget: Option<i64>) -> ActionFacts {
        ActionFacts {
            id,
            status,
            percent_complete: percent,
            budget_cents: budget,
            original_end: date("2021-06-30"),
            current_end: date("2021-06-30"),
            last_update_at: Some(date("2021-03-15").and_hms_opt(9, 0, 0).unwrap()),
            milestones: vec![],
            indicators: vec![],
        }
    }

    #[test]
    fn statuses_are_counted_and_on_schedule_leaves_out_not_started_and_stopped() {
        let actions = [
            action(1, ActionStatus::OnTrack, 50, None),
            action(2, ActionStatus::AtRisk, 20, None),
            action(3, ActionStatus::Completed, 100, None),
            action(4, ActionStatus::NotStarted, 0, None),
            action(5, ActionStatus::Discontinued, 10, None),
        ];
        let refs: Vec<&ActionFacts> = actions.iter().collect();
        let r = rollup_group("x", &refs, &rules());
        assert_eq!(r.statuses.total(), 5);
        assert_eq!(
            (
                r.statuses.on_track,
                r.statuses.at_risk,
                r.statuses.completed
            ),
            (1, 1, 1)
        );
        // groen + afgerond of groen, oranje, afgerond: 2 of 3.
        assert_eq!(r.on_schedule_percent, Some(66.7));
        // Mean of 50, 20, 100, 0 (the stopped one does not count).
        assert_eq!(r.weighted_percent_complete, Some(42.5));
        assert_eq!(r.statuses.worst(), Some(ActionStatus::AtRisk));
    }

    #[test]
    fn percent_complete_is_weighted_by_budget_when_every_action_has_one() {
        let actions = [
            action(1, ActionStatus::OnTrack, 100, Some(300)),
            action(2, ActionStatus::OnTrack, 0, Some(100)),
        ];
        let refs: Vec<&ActionFacts> = actions.iter().collect();
        assert_eq!(
            rollup_group("x", &refs, &rules()).weighted_percent_complete,
            Some(75.0)
        );
    }

    #[test]
    fn milestones_count_against_the_cut_off_and_lateness() {
        let mut a = action(1, ActionStatus::OnTrack, 50, None);
        a.milestones = vec![
            MilestoneFacts {
                due: date("2021-02-01"),
                original_due: date("2021-02-01"),
                done: Some(date("2021-01-30")),
            },
            MilestoneFacts {
                due: date("2021-03-01"),
                original_due: date("2021-02-15"),
                done: Some(date("2021-03-05")),
            },
            MilestoneFacts {
                due: date("2021-03-10"),
                original_due: date("2021-03-10"),
                done: None,
            },
            MilestoneFacts {
                due: date("2021-05-01"),
                original_due: date("2021-05-01"),
                done: None,
            },
        ];
        let r = rollup_group("x", &[&a], &rules());
        assert_eq!(
            r.milestones.due, 3,
            "the May milestone is after the cut-off"
        );
        assert_eq!(r.milestones.met, 2);
        assert_eq!(r.milestones.met_on_time, 1);
        assert_eq!(r.milestones.late, 2);
        assert_eq!(r.milestones.overdue, 1);
        assert_eq!(r.milestones.rescheduled, 1);
        assert_eq!(r.milestones.on_time_rate, Some(33.3));
    }

    #[test]
    fn re_planning_does_not_hide_lateness_against_the_original_plan() {
        let mut a = action(1, ActionStatus::OnTrack, 60, None);
        a.original_end = date("2021-03-01");
        a.current_end = date("2021-09-01");
        let r = rollup_group("x", &[&a], &rules());
        assert_eq!(r.deviation.late_against_original, 1);
        assert_eq!(r.deviation.late_against_current, 0);
        assert_eq!(r.deviation.replanned_later, 1);
        assert_eq!(r.deviation.mean_slip_days, 184.0);
    }

    #[test]
    fn indicators_and_stale_actions_are_counted() {
        let mut a = action(1, ActionStatus::OnTrack, 60, None);
        a.last_update_at = Some(date("2021-01-01").and_hms_opt(9, 0, 0).unwrap());
        a.indicators = vec![
            IndicatorFacts {
                baseline: 100.0,
                target: 50.0,
                latest: Some(40.0),
            },
            IndicatorFacts {
                baseline: 0.0,
                target: 10.0,
                latest: Some(4.0),
            },
            IndicatorFacts {
                baseline: 0.0,
                target: 10.0,
                latest: Some(-1.0),
            },
            IndicatorFacts {
                baseline: 0.0,
                target: 10.0,
                latest: None,
            },
        ];
        let mut never = action(2, ActionStatus::NotStarted, 0, None);
        never.last_update_at = None;
        let done = {
            let mut d = action(3, ActionStatus::Completed, 100, None);
            d.last_update_at = None;
            d
        };
        let r = rollup_group("x", &[&a, &never, &done], &rules());
        assert_eq!(
            (
                r.indicators.reached,
                r.indicators.progressing,
                r.indicators.not_progressing,
                r.indicators.no_values
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(r.stale, 2, "completed actions are never stale");
    }

    #[test]
    fn groups_are_sorted_and_the_total_counts_each_action_once() {
        let a = action(1, ActionStatus::OnTrack, 10, None);
        let b = action(2, ActionStatus::OffTrack, 10, None);
        let (groups, total) = rollup(
            vec![
                ("youth".to_string(), &a),
                ("debts".to_string(), &a),
                ("youth".to_string(), &b),
            ],
            &rules(),
        );
        assert_eq!(
            groups.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(),
            ["debts", "youth"]
        );
        assert_eq!(groups[1].actions, 2);
        assert_eq!(total.actions, 2);
        assert_eq!(total.statuses.worst(), Some(ActionStatus::OffTrack));
    }
}
