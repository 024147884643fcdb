//! Builds the report model of a period from the database, as recorded before a moment.
//!
//! The state comes from the append-only history (progress updates, plans, milestone events,
//! indicator values, notes) through the as-of reads of the services. Descriptive fields that are
//! changed in place (an action's title or budget, an area's name) are taken from the audit log:
//! the "before" image of the first change after the moment, when there is one. So a report
//! built again later, from history, says the same thing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::models::{Baseline, LocalNote, ReportPeriod};
use crate::db::schema::{
    areas, audit_log, baselines, indicators, local_notes, milestone_events, ministries,
    municipalities, programmes, progress_updates, report_periods, reports, themes,
};
use crate::domain::asof::AsOf;
use crate::domain::rollup::{self, Rollup};
use crate::domain::{ActionStatus, ReportState};
use crate::error::{Error, Result};
use crate::service::actions::{ActionFilter, ActionJson};
use crate::service::charts::{self, ChartData, ChartNames};
use crate::service::codes::Codes;
use crate::service::indicators::{self as indicator_service, IndicatorJson, ValueJson};
use crate::service::milestones::MilestoneJson;
use crate::service::progress::{self, DEFAULT_STALE_WEEKS, Facts, GroupBy};
use crate::service::signoffs;

use super::model::*;

/// When a report is made: the state as of `as_of`, and what the programme office knew at
/// `known_at` — the ministries' sign-offs and earlier published reports, which follow the
/// cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub as_of: AsOf,
    pub known_at: NaiveDateTime,
}

impl Moment {
    /// The moment of a report made `now`: the end of the cut-off day (Europe/Amsterdam), or
    /// `now` while that is still to come.
    pub fn for_period(cut_off: NaiveDate, now: NaiveDateTime) -> Self {
        let end = AsOf::end_of_day(cut_off);
        Self {
            as_of: if end.before <= now {
                end
            } else {
                AsOf::at(now)
            },
            known_at: now,
        }
    }

    /// The last instant that counts.
    pub fn last_instant(&self) -> NaiveDateTime {
        self.as_of.before - Duration::microseconds(1)
    }
}

/// The chart sizes in a report.
const OVERVIEW: (u32, u32) = (1000, 650);
const AREA_CHART: (u32, u32) = (900, 450);
/// An area with more indicators than this gets no trend chart per indicator: its table and
/// summary say it all, and a chapter of hundreds of charts (a generated programme has ~140 per
/// area) is neither readable nor cheap to draw. The demo programme has at most 10 in an area.
pub const INDICATOR_CHARTS_PER_AREA: usize = 12;

/// The first "before" image per entity of changes recorded at or after `since`.
fn before_images(
    conn: &mut DbConnection,
    entity_type: &str,
    operations: &[&str],
    since: NaiveDateTime,
) -> Result<HashMap<String, (String, Value)>> {
    let rows: Vec<(Option<String>, String, Option<String>)> = audit_log::table
        .filter(audit_log::entity_type.eq(entity_type))
        .filter(audit_log::operation.eq_any(operations))
        .filter(audit_log::recorded_at.ge(since))
        .order((audit_log::recorded_at.asc(), audit_log::id.asc()))
        .select((
            audit_log::entity_id,
            audit_log::operation,
            audit_log::before_json,
        ))
        .load(conn)?;
    let mut first = HashMap::new();
    for (id, operation, before) in rows {
        let Some(id) = id else { continue };
        // Only the first image of an entity counts: the later ones are not parsed.
        if let std::collections::hash_map::Entry::Vacant(entry) = first.entry(id) {
            let before = before
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .unwrap_or(Value::Null);
            entry.insert((operation, before));
        }
    }
    Ok(first)
}

fn text_of(image: &Value, field: &str) -> Option<String> {
    image.get(field).and_then(Value::as_str).map(str::to_string)
}

fn date_of(image: &Value, field: &str) -> Option<Option<NaiveDate>> {
    image
        .get(field)
        .map(|v| v.as_str().and_then(|s| s.parse().ok()))
}

/// An area as it was.
struct AreaName {
    name: String,
    municipality: String,
    province: String,
    latitude: f64,
    longitude: f64,
    focus_since: NaiveDate,
}

/// Reference names as they were: areas, municipalities, ministries, themes, programmes.
struct Names {
    /// by code
    areas: BTreeMap<String, AreaName>,
    /// code → name, in their table order
    ministries: Vec<(String, String)>,
    /// code → (Dutch name, description), in their table order
    themes: Vec<(String, String, String)>,
    /// code → (title, description, theme code, lead ministry code)
    programmes: BTreeMap<String, (String, String, String, String)>,
}

impl Names {
    fn area(&self, code: &str) -> String {
        self.areas
            .get(code)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    fn theme(&self, code: &str) -> String {
        self.themes
            .iter()
            .find(|(c, ..)| c == code)
            .map(|(_, name, _)| name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    fn load(conn: &mut DbConnection, since: NaiveDateTime) -> Result<Self> {
        let municipality_rows: Vec<(i64, String, String)> = municipalities::table
            .select((
                municipalities::id,
                municipalities::name,
                municipalities::province,
            ))
            .load(conn)?;
        let municipality: HashMap<i64, (String, String)> = municipality_rows
            .into_iter()
            .map(|(id, name, province)| (id, (name, province)))
            .collect();
        let images = before_images(conn, "area", &["area.update"], since)?;
        let mut area_map = BTreeMap::new();
        let area_rows: Vec<(String, String, i64, f64, f64, NaiveDate)> = areas::table
            .select((
                areas::code,
                areas::name,
                areas::municipality_id,
                areas::latitude,
                areas::longitude,
                areas::focus_since,
            ))
            .load(conn)?;
        for (code, name, municipality_id, lat, lon, focus) in area_rows {
            let image = images.get(&code).map(|(_, v)| v).unwrap_or(&Value::Null);
            let (municipality_name, province) = municipality
                .get(&municipality_id)
                .cloned()
                .unwrap_or_default();
            area_map.insert(
                code,
                AreaName {
                    name: text_of(image, "name").unwrap_or(name),
                    municipality: municipality_name,
                    province,
                    latitude: image.get("latitude").and_then(Value::as_f64).unwrap_or(lat),
                    longitude: image
                        .get("longitude")
                        .and_then(Value::as_f64)
                        .unwrap_or(lon),
                    focus_since: date_of(image, "focus_since").flatten().unwrap_or(focus),
                },
            );
        }
        let images = before_images(conn, "ministry", &["ministry.update"], since)?;
        let ministry_rows: Vec<(String, String)> = ministries::table
            .order(ministries::id.asc())
            .select((ministries::code, ministries::name))
            .load(conn)?;
        let ministry_list = ministry_rows
            .into_iter()
            .map(|(code, name)| {
                let name = images
                    .get(&code)
                    .and_then(|(_, v)| text_of(v, "name"))
                    .unwrap_or(name);
                (code, name)
            })
            .collect();
        let images = before_images(conn, "theme", &["theme.update"], since)?;
        let theme_rows: Vec<(i64, String, String, String)> = themes::table
            .order(themes::id.asc())
            .select((
                themes::id,
                themes::code,
                themes::name_nl,
                themes::description,
            ))
            .load(conn)?;
        let theme_codes: HashMap<i64, String> = theme_rows
            .iter()
            .map(|(id, code, ..)| (*id, code.clone()))
            .collect();
        let theme_list = theme_rows
            .into_iter()
            .map(|(_, code, name, description)| {
                let image = images.get(&code).map(|(_, v)| v).unwrap_or(&Value::Null);
                (
                    code,
                    text_of(image, "name_nl").unwrap_or(name),
                    text_of(image, "description").unwrap_or(description),
                )
            })
            .collect();
        let ministry_codes: HashMap<i64, String> = ministries::table
            .select((ministries::id, ministries::code))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let images = before_images(conn, "programme", &["programme.update"], since)?;
        let programme_rows: Vec<(String, String, String, i64, i64)> = programmes::table
            .select((
                programmes::code,
                programmes::title,
                programmes::description,
                programmes::theme_id,
                programmes::lead_ministry_id,
            ))
            .load(conn)?;
        let programme_map = programme_rows
            .into_iter()
            .map(|(code, title, description, theme_id, lead_id)| {
                let image = images.get(&code).map(|(_, v)| v).unwrap_or(&Value::Null);
                let theme_id = image
                    .get("theme_id")
                    .and_then(Value::as_i64)
                    .unwrap_or(theme_id);
                (
                    code,
                    (
                        text_of(image, "title").unwrap_or(title),
                        text_of(image, "description").unwrap_or(description),
                        theme_codes.get(&theme_id).cloned().unwrap_or_default(),
                        ministry_codes.get(&lead_id).cloned().unwrap_or_default(),
                    ),
                )
            })
            .collect();
        Ok(Self {
            areas: area_map,
            ministries: ministry_list,
            themes: theme_list,
            programmes: programme_map,
        })
    }
}

/// The period as it was, from its row and the audit log.
fn period_as_of(conn: &mut DbConnection, code: &str, since: NaiveDateTime) -> Result<PeriodInfo> {
    let row: ReportPeriod = report_periods::table
        .filter(report_periods::code.eq(code))
        .select(ReportPeriod::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| crate::service::reference::unknown_period(code))?;
    let images = before_images(conn, "period", &["period.update"], since)?;
    let image = images.get(code).map(|(_, v)| v).unwrap_or(&Value::Null);
    Ok(PeriodInfo {
        code: row.code,
        name: text_of(image, "name").unwrap_or(row.name),
        starts_on: date_of(image, "starts_on").unwrap_or(row.starts_on),
        cut_off: date_of(image, "cut_off").flatten().unwrap_or(row.cut_off),
        due_date: date_of(image, "due_date").unwrap_or(row.due_date),
    })
}

/// Puts back what the actions said at the moment: title, description, responsible, theme,
/// programme, target groups and budget.
fn restore_actions(conn: &mut DbConnection, facts: &mut Facts, since: NaiveDateTime) -> Result<()> {
    let images = before_images(conn, "action", &["action.update", "action.replan"], since)?;
    let updates = before_images(conn, "action", &["action.update"], since)?;
    for action in &mut facts.actions {
        let key = action.id.to_string();
        if let Some((_, image)) = updates.get(&key) {
            if let Some(title) = text_of(image, "title") {
                action.title = title;
            }
            if let Some(description) = text_of(image, "description") {
                action.description = description;
            }
            if let Some(responsible) = text_of(image, "responsible") {
                action.responsible = responsible;
            }
            if let Some(theme) = text_of(image, "theme") {
                action.theme = theme;
            }
            if let Some(programme) = image.get("programme") {
                action.programme = programme.as_str().map(str::to_string);
            }
            if let Some(groups) = image.get("target_groups").and_then(Value::as_array) {
                action.target_groups = groups
                    .iter()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect();
            }
        }
        // The budget changes by editing (before image) or by re-planning (the plan then in force).
        match images.get(&key) {
            Some((operation, image)) if operation == "action.update" => {
                action.budget_cents = image.get("budget_cents").and_then(Value::as_i64);
            }
            Some(_) => {
                action.budget_cents = action
                    .current_plan
                    .as_ref()
                    .and_then(|p| p.budget_cents)
                    .or(action.budget_cents);
            }
            None => {}
        }
        if let Some(f) = facts.facts.get_mut(&action.id) {
            f.budget_cents = action.budget_cents;
        }
    }
    Ok(())
}

/// Milestones and indicators as they were described at the moment.
fn restore_milestones_and_indicators(
    conn: &mut DbConnection,
    milestones: &mut HashMap<i64, Vec<MilestoneJson>>,
    indicators_by_action: &mut HashMap<i64, Vec<IndicatorJson>>,
    since: NaiveDateTime,
) -> Result<()> {
    let images = before_images(conn, "milestone", &["milestone.update"], since)?;
    for milestone in milestones.values_mut().flatten() {
        if let Some((_, image)) = images.get(&milestone.id.to_string()) {
            if let Some(title) = text_of(image, "title") {
                milestone.title = title;
            }
            if let Some(description) = text_of(image, "description") {
                milestone.description = description;
            }
        }
    }
    let images = before_images(conn, "indicator", &["indicator.update"], since)?;
    for indicator in indicators_by_action.values_mut().flatten() {
        if let Some((_, image)) = images.get(&indicator.id.to_string()) {
            if let Some(name) = text_of(image, "name") {
                indicator.name = name;
            }
            if let Some(unit) = text_of(image, "unit") {
                indicator.unit = unit;
            }
            if let Some(direction) = text_of(image, "direction") {
                indicator.direction = direction;
            }
            if let Some(v) = image.get("baseline_value").and_then(Value::as_f64) {
                indicator.baseline_value = v;
            }
            if let Some(v) = image.get("target_value").and_then(Value::as_f64) {
                indicator.target_value = v;
            }
            if let Some(date) = date_of(image, "target_date") {
                indicator.target_date = date;
            }
            indicator.progress_percent = indicator.latest.as_ref().and_then(|l| {
                indicator_service::progress_percent(
                    indicator.baseline_value,
                    indicator.target_value,
                    l.value,
                )
            });
        }
    }
    Ok(())
}

/// Bad news first: rood, oranje, gestopt, then the rest.
fn severity(status: ActionStatus) -> u8 {
    match status {
        ActionStatus::OffTrack => 0,
        ActionStatus::AtRisk => 1,
        ActionStatus::Discontinued => 2,
        ActionStatus::NotStarted => 3,
        ActionStatus::OnTrack => 4,
        ActionStatus::Completed => 5,
    }
}

/// How good a status is, for "improved" and "worsened": groen 2, oranje 1, rood 0.
fn colour_rank(status: ActionStatus) -> Option<u8> {
    match status {
        ActionStatus::OnTrack => Some(2),
        ActionStatus::AtRisk => Some(1),
        ActionStatus::OffTrack => Some(0),
        _ => None,
    }
}

fn dutch_date(at: NaiveDateTime) -> NaiveDate {
    crate::domain::dates::amsterdam_date(at)
}

struct Context<'a> {
    facts: &'a Facts,
    names: &'a Names,
    period: &'a PeriodInfo,
    /// The start of the period (UTC), for "in the period".
    from: NaiveDateTime,
}

impl Context<'_> {
    fn line(&self, a: &ActionJson) -> ActionLine {
        let original_end = a
            .original_plan
            .as_ref()
            .map(|p| p.planned_end)
            .unwrap_or(a.planned_end);
        ActionLine {
            id: a.id,
            title: a.title.clone(),
            area: self.names.area(&a.area),
            ministry: a.ministry.clone(),
            theme: self.names.theme(&a.theme),
            status: a.status,
            percent_complete: a.percent_complete,
            original_end,
            planned_end: a.planned_end,
        }
    }

    fn rollup_of(&self, actions: &[&ActionJson]) -> Rollup {
        let facts: Vec<&rollup::ActionFacts> = actions
            .iter()
            .filter_map(|a| self.facts.facts.get(&a.id))
            .collect();
        rollup::rollup_group("", &facts, &self.facts.rules(DEFAULT_STALE_WEEKS))
    }

    fn in_period(&self, date: NaiveDate) -> bool {
        self.period.starts_on.is_none_or(|s| date >= s) && date <= self.period.cut_off
    }

    fn milestone_line(&self, m: &MilestoneJson, action: &ActionJson) -> MilestoneLine {
        MilestoneLine {
            id: m.id,
            action_id: m.action_id,
            action: action.title.clone(),
            area: self.names.area(&action.area),
            title: m.title.clone(),
            original_due: m.original_due_date,
            due: m.due_date,
            done_on: m.done_on,
            late: m.late,
        }
    }

    fn indicator_line(&self, i: &IndicatorJson, action: &ActionJson) -> IndicatorLine {
        IndicatorLine {
            id: i.id,
            action_id: i.action_id,
            action: action.title.clone(),
            area: self.names.area(&action.area),
            name: i.name.clone(),
            unit: i.unit.clone(),
            baseline: i.baseline_value,
            target: i.target_value,
            target_date: i.target_date,
            latest: i.latest.as_ref().map(|l| l.value),
            measured_on: i.latest.as_ref().map(|l| l.measured_on),
            progress_percent: i.progress_percent,
        }
    }
}

/// The previous published report: the latest one of an earlier period (by cut-off) that was
/// published before `known_at`.
fn previous_report(
    conn: &mut DbConnection,
    cut_off: NaiveDate,
    known_at: NaiveDateTime,
) -> Result<Option<(PreviousReport, PublishedView)>> {
    let found: Option<(i64, String, NaiveDateTime, String, String)> = reports::table
        .inner_join(report_periods::table)
        .filter(reports::state.eq(ReportState::Published.as_str()))
        .filter(reports::published_at.lt(known_at))
        .filter(report_periods::cut_off.lt(cut_off))
        .order((
            report_periods::cut_off.desc(),
            reports::published_at.desc(),
            reports::id.desc(),
        ))
        .select((
            reports::id,
            report_periods::code,
            reports::as_of,
            reports::content_hash,
            reports::snapshot_json,
        ))
        .first(conn)
        .optional()?;
    let Some((id, code, as_of, hash, snapshot)) = found else {
        return Ok(None);
    };
    let view: PublishedView = serde_json::from_str(&snapshot)
        .map_err(|err| Error::internal(format!("report {id}'s snapshot cannot be read: {err}")))?;
    let period: PeriodInfo = view
        .period
        .clone()
        .ok_or_else(|| Error::internal(format!("report {id}'s snapshot has no period ({code})")))?;
    Ok(Some((
        PreviousReport {
            report_id: id,
            period,
            as_of,
            content_hash: hash,
        },
        view,
    )))
}

fn changes(facts: &Facts, names: &Names, previous: &PublishedView) -> Changes {
    let before: HashMap<i64, ActionStatus> = previous
        .annex
        .actions
        .iter()
        .map(|a| (a.id, a.status))
        .collect();
    let mut changes = Changes::default();
    for action in &facts.actions {
        let from = before.get(&action.id).copied();
        let to = action.status;
        if from.is_none() {
            changes.new_actions += 1;
        }
        if from == Some(to) {
            continue;
        }
        let change = StatusChange {
            action_id: action.id,
            title: action.title.clone(),
            area: names.area(&action.area),
            ministry: action.ministry.clone(),
            from,
            to,
        };
        let was_idle = from.is_none_or(|f| f == ActionStatus::NotStarted);
        if to == ActionStatus::Completed {
            changes.finished.push(change);
        } else if to == ActionStatus::Discontinued {
            changes.stopped.push(change);
        } else if was_idle && to != ActionStatus::NotStarted {
            changes.started.push(change);
        } else if let (Some(a), Some(b)) = (from.and_then(colour_rank), colour_rank(to)) {
            if b > a {
                changes.improved.push(change);
            } else {
                changes.worsened.push(change);
            }
        }
    }
    for list in [
        &mut changes.improved,
        &mut changes.worsened,
        &mut changes.started,
        &mut changes.finished,
        &mut changes.stopped,
    ] {
        list.sort_by(|a, b| {
            (&a.area, &a.title, a.action_id).cmp(&(&b.area, &b.title, b.action_id))
        });
    }
    changes
}

/// Facts recorded after the previous report's moment that change what it showed as of its
/// cut-off: a milestone done (or undone) by then, an indicator value measured by then.
fn corrections(
    conn: &mut DbConnection,
    ctx: &Context<'_>,
    previous: &PreviousReport,
    view: &PublishedView,
    milestones: &HashMap<i64, Vec<MilestoneJson>>,
    values: &HashMap<i64, Vec<ValueJson>>,
    as_of: AsOf,
) -> Result<Vec<Correction>> {
    let window_start = previous.as_of + Duration::microseconds(1);
    let prev_cut_off = previous.period.cut_off;
    let actions: HashMap<i64, &ActionJson> = ctx.facts.actions.iter().map(|a| (a.id, a)).collect();
    let mut found = Vec::new();

    let milestone_ids: Vec<i64> = milestones.values().flatten().map(|m| m.id).collect();
    let mut changed_at: HashMap<i64, NaiveDateTime> = HashMap::new();
    for chunk in milestone_ids.chunks(5_000) {
        let rows: Vec<(i64, NaiveDateTime)> = milestone_events::table
            .filter(milestone_events::milestone_id.eq_any(chunk))
            .filter(milestone_events::recorded_at.ge(window_start))
            .filter(milestone_events::recorded_at.lt(as_of.before))
            .select((
                milestone_events::milestone_id,
                milestone_events::recorded_at,
            ))
            .load(conn)?;
        for (id, at) in rows {
            let entry = changed_at.entry(id).or_insert(at);
            *entry = (*entry).max(at);
        }
    }
    let shown: HashMap<i64, Option<NaiveDate>> = view
        .annex
        .milestones
        .iter()
        .map(|m| (m.id, m.done_on))
        .collect();
    for m in milestones.values().flatten() {
        let Some(at) = changed_at.get(&m.id) else {
            continue;
        };
        let Some(action) = actions.get(&m.action_id) else {
            continue;
        };
        let known_now = m.done_on.filter(|d| *d <= prev_cut_off);
        let previous_done = match shown.get(&m.id) {
            Some(done) => *done,
            // Not in the previous report: only a completion dated before its cut-off is news.
            None if known_now.is_some() => None,
            None => continue,
        };
        if previous_done != known_now {
            found.push(Correction {
                action_id: m.action_id,
                action: action.title.clone(),
                area: ctx.names.area(&action.area),
                subject: m.title.clone(),
                kind: CorrectionKind::Milestone {
                    previous_done,
                    corrected_done: known_now,
                },
                recorded_on: dutch_date(*at),
            });
        }
    }

    let shown: HashMap<i64, Option<DatedValue>> = view
        .annex
        .indicators
        .iter()
        .map(|i| (i.id, i.latest))
        .collect();
    let indicator_actions: HashMap<i64, i64> = {
        let ids: Vec<i64> = values.keys().copied().collect();
        let mut map = HashMap::new();
        for chunk in ids.chunks(5_000) {
            map.extend(
                indicators::table
                    .filter(indicators::id.eq_any(chunk))
                    .select((indicators::id, indicators::action_id))
                    .load::<(i64, i64)>(conn)?,
            );
        }
        map
    };
    let names: HashMap<i64, String> = view
        .annex
        .indicators
        .iter()
        .map(|i| (i.id, i.name.clone()))
        .collect();
    let mut ids: Vec<&i64> = values.keys().collect();
    ids.sort();
    for id in ids {
        let list = &values[id];
        let late: Vec<&ValueJson> = list
            .iter()
            .filter(|v| v.recorded_at >= window_start && v.measured_on <= prev_cut_off)
            .collect();
        let Some(last_late) = late.iter().map(|v| v.recorded_at).max() else {
            continue;
        };
        let Some(action) = indicator_actions.get(id).and_then(|a| actions.get(a)) else {
            continue;
        };
        // The values are ordered by measurement, then recording: the last one up to the
        // previous cut-off is what that report would show now.
        let known_now = list
            .iter()
            .rfind(|v| v.measured_on <= prev_cut_off)
            .map(|v| DatedValue {
                on: v.measured_on,
                value: v.value,
            });
        let previous_value = shown.get(id).copied().flatten();
        if previous_value != known_now {
            found.push(Correction {
                action_id: action.id,
                action: action.title.clone(),
                area: ctx.names.area(&action.area),
                subject: names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("indicator {id}")),
                kind: CorrectionKind::Indicator {
                    previous: previous_value,
                    corrected: known_now,
                },
                recorded_on: dutch_date(last_late),
            });
        }
    }
    found.sort_by(|a, b| {
        (&a.area, &a.action, &a.subject, a.recorded_on).cmp(&(
            &b.area,
            &b.action,
            &b.subject,
            b.recorded_on,
        ))
    });
    Ok(found)
}

/// Builds the model of period `code` at `moment`.
pub fn build(conn: &mut DbConnection, code: &str, moment: Moment) -> Result<ReportModel> {
    let as_of = moment.as_of;
    let last = moment.last_instant();
    let period = period_as_of(conn, code, as_of.before)?;
    let as_of_text = format!("{}Z", last.format("%Y-%m-%dT%H:%M:%S%.6f"));
    let mut facts = progress::load_facts(
        conn,
        &ActionFilter::default(),
        Some(code),
        Some(&as_of_text),
    )?;
    // The period as it was decides what counts as due.
    facts.cut_off = period.cut_off;
    restore_actions(conn, &mut facts, as_of.before)?;
    let names = Names::load(conn, as_of.before)?;
    facts.actions.sort_by(|a, b| {
        (names.area(&a.area), &a.title, a.id).cmp(&(names.area(&b.area), &b.title, b.id))
    });
    let ids: Vec<i64> = facts.actions.iter().map(|a| a.id).collect();
    let mut milestones = std::mem::take(&mut facts.milestones);
    let mut indicators_by_action = indicator_service::for_actions(conn, &ids, Some(as_of))?;
    restore_milestones_and_indicators(
        conn,
        &mut milestones,
        &mut indicators_by_action,
        as_of.before,
    )?;
    facts.milestones = milestones;
    let indicator_ids: Vec<i64> = indicators_by_action
        .values()
        .flatten()
        .map(|i| i.id)
        .collect();
    let values = indicator_service::values_for(conn, &indicator_ids, Some(as_of))?;
    let mut created_on: HashMap<i64, NaiveDate> = HashMap::new();
    for chunk in indicator_ids.chunks(5_000) {
        for (id, at) in indicators::table
            .filter(indicators::id.eq_any(chunk))
            .select((indicators::id, indicators::created_at))
            .load::<(i64, NaiveDateTime)>(conn)?
        {
            created_on.insert(id, dutch_date(at));
        }
    }

    let from = AsOf::start_of_day(period.starts_on.unwrap_or(crate::domain::asof::NO_START)).before;
    let ctx = Context {
        facts: &facts,
        names: &names,
        period: &period,
        from,
    };
    let by_id: HashMap<i64, &ActionJson> = facts.actions.iter().map(|a| (a.id, a)).collect();

    // History the sections quote: updates (all, for notes), plans, local notes.
    let mut updates: Vec<(i64, NaiveDateTime, i64, String, i32, String)> = Vec::new();
    let mut plans: Vec<Baseline> = Vec::new();
    for chunk in ids.chunks(5_000) {
        updates.extend(
            progress_updates::table
                .filter(progress_updates::action_id.eq_any(chunk))
                .filter(progress_updates::recorded_at.lt(as_of.before))
                .select((
                    progress_updates::action_id,
                    progress_updates::recorded_at,
                    progress_updates::id,
                    progress_updates::status,
                    progress_updates::percent_complete,
                    progress_updates::note,
                ))
                .load::<(i64, NaiveDateTime, i64, String, i32, String)>(conn)?,
        );
        plans.extend(
            baselines::table
                .filter(baselines::action_id.eq_any(chunk))
                .filter(baselines::recorded_at.lt(as_of.before))
                .select(Baseline::as_select())
                .load(conn)?,
        );
    }
    updates.sort_by_key(|u| (u.1, u.2));
    plans.sort_by_key(|p| (p.action_id, p.seq));
    let notes: Vec<LocalNote> = local_notes::table
        .filter(local_notes::recorded_at.lt(as_of.before))
        .filter(local_notes::recorded_at.ge(from))
        .order((local_notes::recorded_at.asc(), local_notes::id.asc()))
        .select(LocalNote::as_select())
        .load(conn)?;

    let codes = Codes::load(conn)?;

    // Summary.
    let (_, total) = facts.rollup(GroupBy::Area, DEFAULT_STALE_WEEKS);
    let theme_codes: BTreeSet<&str> = facts.actions.iter().map(|a| a.theme.as_str()).collect();
    let themes_present: Vec<&(String, String, String)> = names
        .themes
        .iter()
        .filter(|(code, ..)| theme_codes.contains(code.as_str()))
        .collect();
    let actions_of_theme = |theme: &str| -> Vec<&ActionJson> {
        facts.actions.iter().filter(|a| a.theme == theme).collect()
    };
    let per_theme = themes_present
        .iter()
        .map(|(code, name, _)| ThemeCount {
            theme: code.clone(),
            name: name.clone(),
            rollup: ctx.rollup_of(&actions_of_theme(code)),
        })
        .collect();
    let previous = previous_report(conn, period.cut_off, moment.known_at)?;
    let summary_changes = previous
        .as_ref()
        .map(|(_, view)| changes(&facts, &names, view));

    // Per theme.
    let mut theme_sections = Vec::new();
    for (code, name, description) in &themes_present {
        let actions = actions_of_theme(code);
        let mut programmes: Vec<ProgrammeInfo> = names
            .programmes
            .iter()
            .filter(|(_, (_, _, theme, _))| theme == code)
            .map(|(p, (title, description, _, lead))| ProgrammeInfo {
                code: p.clone(),
                title: title.clone(),
                description: description.clone(),
                lead_ministry: lead.clone(),
                actions: u32::try_from(
                    actions
                        .iter()
                        .filter(|a| a.programme.as_deref() == Some(p.as_str()))
                        .count(),
                )
                .unwrap_or(u32::MAX),
            })
            .filter(|p| p.actions > 0)
            .collect();
        programmes.sort_by(|a, b| a.code.cmp(&b.code));
        let mut goals = Vec::new();
        let mut milestones_met = Vec::new();
        let mut completed = Vec::new();
        let mut budget = Budget::default();
        for action in &actions {
            for indicator in indicators_by_action.get(&action.id).into_iter().flatten() {
                goals.push(ctx.indicator_line(indicator, action));
            }
            for m in facts.milestones.get(&action.id).into_iter().flatten() {
                if m.done_on.is_some_and(|d| ctx.in_period(d)) {
                    milestones_met.push(ctx.milestone_line(m, action));
                }
            }
            if action.status == ActionStatus::Completed
                && action.last_update_at.is_some_and(|at| at >= ctx.from)
            {
                completed.push(ctx.line(action));
            }
            match action.budget_cents {
                Some(cents) => {
                    budget.current_cents += cents;
                    budget.actions_with_budget += 1;
                }
                None => budget.actions_without_budget += 1,
            }
            budget.original_cents += action
                .original_plan
                .as_ref()
                .and_then(|p| p.budget_cents)
                .or(action.budget_cents)
                .unwrap_or(0);
        }
        milestones_met.sort_by(|a, b| (a.done_on, &a.area, a.id).cmp(&(b.done_on, &b.area, b.id)));
        theme_sections.push(ThemeSection {
            code: code.clone(),
            name: name.clone(),
            description: description.clone(),
            programmes,
            goals,
            rollup: ctx.rollup_of(&actions),
            milestones_met,
            completed,
            budget,
        });
    }

    // Per area.
    let area_codes: BTreeSet<&str> = facts.actions.iter().map(|a| a.area.as_str()).collect();
    let mut area_list: Vec<(&String, &AreaName)> = names
        .areas
        .iter()
        .filter(|(code, a)| area_codes.contains(code.as_str()) || a.focus_since <= period.cut_off)
        .collect();
    area_list.sort_by(|a, b| (&a.1.name, a.0).cmp(&(&b.1.name, b.0)));
    let theme_order = |theme: &str| {
        names
            .themes
            .iter()
            .position(|(c, ..)| c == theme)
            .unwrap_or(usize::MAX)
    };
    let mut area_sections = Vec::new();
    for (code, area) in &area_list {
        let (name, municipality, province) = (&area.name, &area.municipality, &area.province);
        let mut actions: Vec<&ActionJson> =
            facts.actions.iter().filter(|a| &a.area == *code).collect();
        actions.sort_by(|a, b| {
            (theme_order(&a.theme), &a.title, a.id).cmp(&(theme_order(&b.theme), &b.title, b.id))
        });
        let mut milestone_lines = Vec::new();
        let mut indicator_lines = Vec::new();
        let mut charts_of_area = Vec::new();
        let mut area_milestones = Vec::new();
        for action in &actions {
            for m in facts.milestones.get(&action.id).into_iter().flatten() {
                milestone_lines.push(ctx.milestone_line(m, action));
                area_milestones.push(m);
            }
            for i in indicators_by_action.get(&action.id).into_iter().flatten() {
                indicator_lines.push(ctx.indicator_line(i, action));
            }
        }
        milestone_lines.sort_by_key(|m| (m.due, m.id));
        if !area_milestones.is_empty() {
            charts_of_area.push(Chart {
                id: format!("mijlpalen-{code}"),
                title: format!("Mijlpalen in {name}"),
                width: AREA_CHART.0,
                height: AREA_CHART.1,
                data: match charts::burnup_data(area_milestones.into_iter(), period.cut_off) {
                    ChartData::MilestonesBurnup(mut data) => {
                        data.title = Some(format!("Mijlpalen in {name}: gepland en behaald"));
                        ChartData::MilestonesBurnup(data)
                    }
                    other => other,
                },
            });
        }
        if indicator_lines.len() <= INDICATOR_CHARTS_PER_AREA {
            for action in &actions {
                for i in indicators_by_action.get(&action.id).into_iter().flatten() {
                    let list = values.get(&i.id).map(Vec::as_slice).unwrap_or(&[]);
                    let created = created_on.get(&i.id).copied().unwrap_or(period.cut_off);
                    charts_of_area.push(Chart {
                        id: format!("indicator-{}", i.id),
                        title: format!("{} ({})", i.name, action.title),
                        width: AREA_CHART.0,
                        height: AREA_CHART.1,
                        data: charts::indicator_trend_data(i, list, created),
                    });
                }
            }
        }
        let area_notes = notes
            .iter()
            .filter(|n| codes.area(n.area_id) == code.as_str())
            .map(|n| DatedNote {
                on: dutch_date(n.recorded_at),
                text: n.body.clone(),
                action: n
                    .action_id
                    .and_then(|id| by_id.get(&id))
                    .map(|a| a.title.clone()),
            })
            .collect();
        area_sections.push(AreaSection {
            code: (*code).clone(),
            name: name.clone(),
            municipality: municipality.clone(),
            province: province.clone(),
            rollup: ctx.rollup_of(&actions),
            actions: actions.iter().map(|a| ctx.line(a)).collect(),
            milestones: milestone_lines,
            indicators: indicator_lines,
            notes: area_notes,
            charts: charts_of_area,
        });
    }

    // Per ministry, with its sign-off as known.
    let period_row: ReportPeriod = report_periods::table
        .filter(report_periods::code.eq(code))
        .select(ReportPeriod::as_select())
        .first(conn)?;
    let signoff_now = signoffs::current_of(&signoffs::trail_of(
        conn,
        &period_row,
        Some(moment.known_at),
    )?);
    let ministry_sections = names
        .ministries
        .iter()
        .filter(|(m, _)| facts.actions.iter().any(|a| &a.ministry == m))
        .map(|(m, name)| {
            let actions: Vec<&ActionJson> =
                facts.actions.iter().filter(|a| &a.ministry == m).collect();
            MinistrySection {
                code: m.clone(),
                name: name.clone(),
                rollup: ctx.rollup_of(&actions),
                signoff: signoff_now.get(m).map(|s| SignoffLine {
                    state: s.state,
                    on: dutch_date(s.recorded_at),
                    by: s.user.clone(),
                }),
                actions: actions.iter().map(|a| ctx.line(a)).collect(),
            }
        })
        .collect();

    // Every non-green action explained from its notes.
    let mut explanations = Vec::new();
    for action in &facts.actions {
        if !super::document::needs_explanation(action.status) {
            continue;
        }
        let mut dated: Vec<(NaiveDateTime, DatedNote)> = updates
            .iter()
            .filter(|u| u.0 == action.id && u.1 >= from && !u.5.trim().is_empty())
            .map(|u| {
                (
                    u.1,
                    DatedNote {
                        on: dutch_date(u.1),
                        text: u.5.clone(),
                        action: None,
                    },
                )
            })
            .chain(
                notes
                    .iter()
                    .filter(|n| n.action_id == Some(action.id))
                    .map(|n| {
                        (
                            n.recorded_at,
                            DatedNote {
                                on: dutch_date(n.recorded_at),
                                text: n.body.clone(),
                                action: None,
                            },
                        )
                    }),
            )
            .collect();
        if dated.is_empty() {
            // Set before the period: the note that explained it then.
            if let Some(u) = updates
                .iter()
                .rev()
                .find(|u| u.0 == action.id && !u.5.trim().is_empty())
            {
                dated.push((
                    u.1,
                    DatedNote {
                        on: dutch_date(u.1),
                        text: u.5.clone(),
                        action: None,
                    },
                ));
            }
        }
        dated.sort_by_key(|n| std::cmp::Reverse(n.0));
        explanations.push(Explanation {
            action: ctx.line(action),
            notes: dated.into_iter().map(|(_, n)| n).collect(),
        });
    }
    explanations.sort_by(|a, b| {
        (
            severity(a.action.status),
            &a.action.area,
            &a.action.title,
            a.action.id,
        )
            .cmp(&(
                severity(b.action.status),
                &b.action.area,
                &b.action.title,
                b.action.id,
            ))
    });

    // Deviations against the original and the current plan.
    let today = facts.today;
    let mut rows = Vec::new();
    for action in &facts.actions {
        let line = ctx.line(action);
        let open = !matches!(
            action.status,
            ActionStatus::Completed | ActionStatus::Discontinued
        );
        let slip_days = (line.planned_end - line.original_end).num_days();
        let late_against_original = open && today > line.original_end;
        let late_against_current = open && today > line.planned_end;
        if slip_days == 0 && !late_against_original && !late_against_current {
            continue;
        }
        let replans = plans
            .iter()
            .filter(|p| p.action_id == action.id && p.seq > 1)
            .map(|p| Replan {
                seq: p.seq,
                on: dutch_date(p.recorded_at),
                planned_end: p.planned_end,
                reason: p.reason.clone(),
            })
            .collect();
        rows.push(DeviationRow {
            action: line,
            slip_days,
            late_against_original,
            late_against_current,
            replans,
        });
    }
    rows.sort_by(|a, b| {
        (std::cmp::Reverse(a.slip_days), &a.action.area, a.action.id).cmp(&(
            std::cmp::Reverse(b.slip_days),
            &b.action.area,
            b.action.id,
        ))
    });
    let deviations = Deviations {
        total: total.deviation,
        rows,
    };

    let correction_list = match &previous {
        Some((prev, view)) => {
            corrections(conn, &ctx, prev, view, &facts.milestones, &values, as_of)?
        }
        None => Vec::new(),
    };

    // National charts, with the names as they were.
    let chart_names = ChartNames {
        areas: area_list
            .iter()
            .map(|(code, a)| ((*code).clone(), a.name.clone(), a.latitude, a.longitude))
            .collect(),
        themes: themes_present
            .iter()
            .map(|(code, name, _)| (code.clone(), name.clone()))
            .collect(),
    };
    let mut overview = Vec::new();
    for (chart, title) in [
        ("areas-status", "Voortgang per gebied"),
        ("ministry-status", "Voortgang per ministerie"),
        ("area-theme-matrix", "Stoplicht per gebied en thema"),
        ("milestones-burnup", "Mijlpalen: gepland en behaald"),
        ("map", "De gebieden op de kaart"),
    ] {
        overview.push(Chart {
            id: chart.to_string(),
            title: title.to_string(),
            width: OVERVIEW.0,
            height: OVERVIEW.1,
            data: charts::overview_data(chart, &facts, &chart_names)?,
        });
    }

    // The annex: every number.
    let mut annex = Annex::default();
    for action in &facts.actions {
        let original = action.original_plan.as_ref();
        let area = names.areas.get(&action.area);
        annex.actions.push(AnnexAction {
            id: action.id,
            title: action.title.clone(),
            description: action.description.clone(),
            area: action.area.clone(),
            area_name: names.area(&action.area),
            municipality: area.map(|a| a.municipality.clone()).unwrap_or_default(),
            ministry: action.ministry.clone(),
            theme: action.theme.clone(),
            programme: action.programme.clone(),
            target_groups: action.target_groups.clone(),
            responsible: action.responsible.clone(),
            budget_cents: action.budget_cents,
            original_start: original
                .map(|p| p.planned_start)
                .unwrap_or(action.planned_start),
            original_end: original
                .map(|p| p.planned_end)
                .unwrap_or(action.planned_end),
            planned_start: action.planned_start,
            planned_end: action.planned_end,
            status: action.status,
            percent_complete: action.percent_complete,
            last_update_at: action.last_update_at,
        });
        for m in facts.milestones.get(&action.id).into_iter().flatten() {
            annex.milestones.push(AnnexMilestone {
                id: m.id,
                action_id: m.action_id,
                title: m.title.clone(),
                report_period: m.report_period.clone(),
                original_due: m.original_due_date,
                due: m.due_date,
                done_on: m.done_on,
                late: m.late,
            });
        }
        for i in indicators_by_action.get(&action.id).into_iter().flatten() {
            annex.indicators.push(AnnexIndicator {
                id: i.id,
                action_id: i.action_id,
                name: i.name.clone(),
                unit: i.unit.clone(),
                direction: i.direction.clone(),
                baseline: i.baseline_value,
                target: i.target_value,
                target_date: i.target_date,
                latest: i.latest.as_ref().map(|l| DatedValue {
                    on: l.measured_on,
                    value: l.value,
                }),
                progress_percent: i.progress_percent,
            });
            for v in values.get(&i.id).into_iter().flatten() {
                annex.indicator_values.push(AnnexValue {
                    indicator_id: i.id,
                    measured_on: v.measured_on,
                    value: v.value,
                    note: v.note.clone(),
                    recorded_at: v.recorded_at,
                });
            }
        }
    }
    annex.milestones.sort_by_key(|m| (m.action_id, m.due, m.id));
    annex.indicators.sort_by_key(|i| (i.action_id, i.id));
    for (action_id, recorded_at, _, status, percent, note) in &updates {
        if *recorded_at < from || !by_id.contains_key(action_id) {
            continue;
        }
        annex.updates.push(AnnexUpdate {
            action_id: *action_id,
            recorded_at: *recorded_at,
            status: status.parse().map_err(Error::internal)?,
            percent_complete: *percent,
            note: note.clone(),
        });
    }
    for p in &plans {
        annex.plans.push(AnnexPlan {
            action_id: p.action_id,
            seq: p.seq,
            planned_start: p.planned_start,
            planned_end: p.planned_end,
            budget_cents: p.budget_cents,
            reason: p.reason.clone(),
            recorded_at: p.recorded_at,
        });
    }

    Ok(ReportModel {
        model_version: MODEL_VERSION,
        title: "Voortgangsrapportage versnellingsacties".into(),
        as_of: last,
        as_of_date: dutch_date(last),
        previous: previous.map(|(p, _)| p),
        summary: Summary {
            total,
            per_theme,
            changes: summary_changes,
        },
        themes: theme_sections,
        areas: area_sections,
        ministries: ministry_sections,
        explanations,
        deviations,
        corrections: correction_list,
        charts: overview,
        annex,
        period,
    })
}
