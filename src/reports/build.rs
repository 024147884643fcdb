//! Builds the report model of a period from the database, as recorded before a moment.
//!
//! The state comes from the append-only history (progress updates, plans, milestone events,
//! indicator values, notes) through the as-of reads of the services, and the descriptive fields
//! (titles, names, targets) from their versions (`db::versions`). Everything counts by the time
//! it was recorded, so a report built again later, from history, says the same thing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::models::{Baseline, LocalNote, ReportPeriod};
use crate::db::schema::{
    areas, baselines, indicators, local_notes, milestone_events, ministries, municipalities,
    programmes, progress_updates, report_periods, reports, themes,
};
use crate::db::versions::{self, Then};
use crate::domain::asof::AsOf;
use crate::domain::rollup::{self, DeviationStats, Rollup};
use crate::domain::{ActionStatus, ReportState, dates};
use crate::error::{Error, Result};
use crate::service::actions::{ActionFilter, ActionJson};
use crate::service::charts::{self, ChartData, ChartNames};
use crate::service::codes::Codes;
use crate::service::indicators::{self as indicator_service, IndicatorJson, ValueJson};
use crate::service::milestones::MilestoneJson;
use crate::service::progress::{self, DEFAULT_STALE_WEEKS, Facts, GroupBy};
use crate::service::signoffs;
use serde_json::Map;

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

/// What every entity of a type was at the report's moment, by key; one first recorded later as it was
/// first recorded (see `db::versions::then_or_first`).
fn described(conn: &mut DbConnection, kind: &str, when: When) -> Result<HashMap<String, Then>> {
    Ok(versions::states_or_first(
        conn,
        kind,
        None,
        when.before,
        when.known,
    )?)
}

/// The moment a report describes (`before`: recorded strictly before it) and when it was made
/// (`known`): reference data recorded in between is named as first recorded.
#[derive(Debug, Clone, Copy)]
struct When {
    before: NaiveDateTime,
    known: NaiveDateTime,
}

/// The versioned fields of `key` then; `None` for an entity unchanged since it was created
/// (its row says it), and an `Err(())` for one that did not exist.
fn state_of<'a>(
    states: &'a HashMap<String, Then>,
    key: &str,
) -> std::result::Result<Option<&'a Map<String, Value>>, ()> {
    match states.get(key) {
        Some(Then::Absent) => Err(()),
        Some(Then::State(state)) => Ok(Some(state)),
        Some(Then::AsCreated) | None => Ok(None),
    }
}

fn text_of(state: Option<&Map<String, Value>>, field: &str) -> Option<String> {
    state.and_then(|s| versions::text(s, field))
}

fn date_of(state: Option<&Map<String, Value>>, field: &str) -> Option<Option<NaiveDate>> {
    state.and_then(|s| versions::date(s, field))
}

fn id_of(state: Option<&Map<String, Value>>, field: &str) -> Option<i64> {
    state.and_then(|s| s.get(field)).and_then(Value::as_i64)
}

fn number_of(state: Option<&Map<String, Value>>, field: &str) -> Option<f64> {
    state.and_then(|s| s.get(field)).and_then(Value::as_f64)
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

    /// Reads the names as they were at the report's moment.
    fn load(conn: &mut DbConnection, when: When) -> Result<Self> {
        let areas = load_areas(conn, when)?;
        let ministries = load_ministries(conn, when)?;
        let (themes, theme_codes) = load_themes(conn, when)?;
        let programmes = load_programmes(conn, when, &theme_codes)?;
        Ok(Self {
            areas,
            ministries,
            themes,
            programmes,
        })
    }
}

/// The areas as they were, by code, with their municipality and province.
fn load_areas(conn: &mut DbConnection, when: When) -> Result<BTreeMap<String, AreaName>> {
    let municipality_rows: Vec<(i64, String, String, String)> = municipalities::table
        .select((
            municipalities::id,
            municipalities::code,
            municipalities::name,
            municipalities::province,
        ))
        .load(conn)?;
    let municipality_states = described(conn, "municipality", when)?;
    let municipality: HashMap<i64, (String, String)> = municipality_rows
        .into_iter()
        .map(|(id, code, name, province)| {
            let state = state_of(&municipality_states, &code).ok().flatten();
            (
                id,
                (
                    text_of(state, "name").unwrap_or(name),
                    text_of(state, "province").unwrap_or(province),
                ),
            )
        })
        .collect();
    let states = described(conn, "area", when)?;
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
        let Ok(state) = state_of(&states, &code) else {
            continue;
        };
        let municipality_id = id_of(state, "municipality_id").unwrap_or(municipality_id);
        let (municipality_name, province) = municipality
            .get(&municipality_id)
            .cloned()
            .unwrap_or_default();
        area_map.insert(
            code,
            AreaName {
                name: text_of(state, "name").unwrap_or(name),
                municipality: municipality_name,
                province,
                latitude: number_of(state, "latitude").unwrap_or(lat),
                longitude: number_of(state, "longitude").unwrap_or(lon),
                focus_since: date_of(state, "focus_since").flatten().unwrap_or(focus),
            },
        );
    }
    Ok(area_map)
}

/// The ministries' codes and names as they were, in their table order.
fn load_ministries(conn: &mut DbConnection, when: When) -> Result<Vec<(String, String)>> {
    let states = described(conn, "ministry", when)?;
    let ministry_rows: Vec<(String, String)> = ministries::table
        .order(ministries::id.asc())
        .select((ministries::code, ministries::name))
        .load(conn)?;
    Ok(ministry_rows
        .into_iter()
        .filter_map(|(code, name)| {
            let state = state_of(&states, &code).ok()?;
            let name = text_of(state, "name").unwrap_or(name);
            Some((code, name))
        })
        .collect())
}

/// The themes as they were (code, Dutch name, description) in their table order, and the
/// theme code of each theme id.
type ThemeList = (Vec<(String, String, String)>, HashMap<i64, String>);

/// Reads the themes as they were, and their codes by id.
fn load_themes(conn: &mut DbConnection, when: When) -> Result<ThemeList> {
    let states = described(conn, "theme", when)?;
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
        .filter_map(|(_, code, name, description)| {
            let state = state_of(&states, &code).ok()?;
            Some((
                code,
                text_of(state, "name_nl").unwrap_or(name),
                text_of(state, "description").unwrap_or(description),
            ))
        })
        .collect();
    Ok((theme_list, theme_codes))
}

/// The programmes as they were, by code: (title, description, theme code, lead ministry code).
fn load_programmes(
    conn: &mut DbConnection,
    when: When,
    theme_codes: &HashMap<i64, String>,
) -> Result<BTreeMap<String, (String, String, String, String)>> {
    let ministry_codes: HashMap<i64, String> = ministries::table
        .select((ministries::id, ministries::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let states = described(conn, "programme", when)?;
    let programme_rows: Vec<(String, String, String, i64, i64)> = programmes::table
        .select((
            programmes::code,
            programmes::title,
            programmes::description,
            programmes::theme_id,
            programmes::lead_ministry_id,
        ))
        .load(conn)?;
    Ok(programme_rows
        .into_iter()
        .filter_map(|(code, title, description, theme_id, lead_id)| {
            let state = state_of(&states, &code).ok()?;
            let theme_id = id_of(state, "theme_id").unwrap_or(theme_id);
            let lead_id = id_of(state, "lead_ministry_id").unwrap_or(lead_id);
            Some((
                code,
                (
                    text_of(state, "title").unwrap_or(title),
                    text_of(state, "description").unwrap_or(description),
                    theme_codes.get(&theme_id).cloned().unwrap_or_default(),
                    ministry_codes.get(&lead_id).cloned().unwrap_or_default(),
                ),
            ))
        })
        .collect())
}

/// The period as it was, from its row and its versions.
fn period_as_of(conn: &mut DbConnection, code: &str, when: When) -> Result<PeriodInfo> {
    let row: ReportPeriod = report_periods::table
        .filter(report_periods::code.eq(code))
        .select(ReportPeriod::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| crate::service::reference::unknown_period(code))?;
    let states = versions::states_or_first(
        conn,
        "period",
        Some(&[code.to_string()]),
        when.before,
        when.known,
    )?;
    let state = state_of(&states, code).ok().flatten();
    Ok(PeriodInfo {
        code: row.code,
        name: text_of(state, "name").unwrap_or(row.name),
        starts_on: date_of(state, "starts_on").unwrap_or(row.starts_on),
        cut_off: date_of(state, "cut_off").flatten().unwrap_or(row.cut_off),
        due_date: date_of(state, "due_date").unwrap_or(row.due_date),
    })
}

/// The state a report shows: as recorded before its moment, described as it was then.
struct State {
    period: PeriodInfo,
    facts: Facts,
    names: Names,
    /// The indicators of each action, by action id.
    indicators: HashMap<i64, Vec<IndicatorJson>>,
    /// The values of each indicator, by indicator id.
    values: HashMap<i64, Vec<ValueJson>>,
    /// The day each indicator was created, by indicator id: where its trend starts.
    created_on: HashMap<i64, NaiveDate>,
}

impl State {
    /// Reads the state of period `code` at `moment`.
    fn load(conn: &mut DbConnection, code: &str, moment: Moment) -> Result<Self> {
        let as_of = moment.as_of;
        let when = When {
            before: as_of.before,
            known: moment.known_at,
        };
        let period = period_as_of(conn, code, when)?;
        let as_of_text = format!("{}Z", moment.last_instant().format("%Y-%m-%dT%H:%M:%S%.6f"));
        let mut facts = progress::load_facts(
            conn,
            &ActionFilter::default(),
            Some(code),
            Some(&as_of_text),
        )?;
        // The period as it was decides what counts as due.
        facts.cut_off = period.cut_off;
        let names = Names::load(conn, when)?;
        facts.actions.sort_by(|a, b| {
            (names.area(&a.area), &a.title, a.id).cmp(&(names.area(&b.area), &b.title, b.id))
        });
        let ids: Vec<i64> = facts.actions.iter().map(|a| a.id).collect();
        let milestones = std::mem::take(&mut facts.milestones);
        let indicators = indicator_service::for_actions(conn, &ids, Some(as_of))?;
        facts.milestones = milestones;
        let indicator_ids: Vec<i64> = indicators.values().flatten().map(|i| i.id).collect();
        let values = indicator_service::values_for(conn, &indicator_ids, Some(as_of))?;
        let created_on = indicators_created_on(conn, &indicator_ids)?;
        Ok(Self {
            period,
            facts,
            names,
            indicators,
            values,
            created_on,
        })
    }
}

/// The day (in the Netherlands) each indicator was created.
fn indicators_created_on(
    conn: &mut DbConnection,
    indicator_ids: &[i64],
) -> Result<HashMap<i64, NaiveDate>> {
    let mut created_on = HashMap::new();
    for chunk in indicator_ids.chunks(5_000) {
        for (id, at) in indicators::table
            .filter(indicators::id.eq_any(chunk))
            .select((indicators::id, indicators::created_at))
            .load::<(i64, NaiveDateTime)>(conn)?
        {
            created_on.insert(id, dates::amsterdam_date(at));
        }
    }
    Ok(created_on)
}

/// What the sections are built from: the state, read-only, with the lines every section uses.
struct Context<'a> {
    facts: &'a Facts,
    names: &'a Names,
    period: &'a PeriodInfo,
    /// The start of the period (UTC), for "in the period".
    from: NaiveDateTime,
    /// The actions by id.
    by_id: HashMap<i64, &'a ActionJson>,
    indicators: &'a HashMap<i64, Vec<IndicatorJson>>,
    values: &'a HashMap<i64, Vec<ValueJson>>,
    created_on: &'a HashMap<i64, NaiveDate>,
}

impl<'a> Context<'a> {
    /// The context of a state.
    fn new(state: &'a State) -> Self {
        let start = state
            .period
            .starts_on
            .unwrap_or(crate::domain::asof::NO_START);
        Self {
            facts: &state.facts,
            names: &state.names,
            period: &state.period,
            from: AsOf::start_of_day(start).before,
            by_id: state.facts.actions.iter().map(|a| (a.id, a)).collect(),
            indicators: &state.indicators,
            values: &state.values,
            created_on: &state.created_on,
        }
    }

    /// The actions of a theme, in report order.
    fn actions_of_theme(&self, theme: &str) -> Vec<&'a ActionJson> {
        self.facts
            .actions
            .iter()
            .filter(|a| a.theme == theme)
            .collect()
    }

    /// An action's milestones.
    fn milestones_of(&self, action_id: i64) -> impl Iterator<Item = &'a MilestoneJson> + use<'a> {
        self.facts.milestones.get(&action_id).into_iter().flatten()
    }

    /// An action's indicators.
    fn indicators_of(&self, action_id: i64) -> impl Iterator<Item = &'a IndicatorJson> + use<'a> {
        self.indicators.get(&action_id).into_iter().flatten()
    }

    /// Where a theme comes in the themes' table order (unknown themes last).
    fn theme_position(&self, theme: &str) -> usize {
        self.names
            .themes
            .iter()
            .position(|(c, ..)| c == theme)
            .unwrap_or(usize::MAX)
    }
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
        } else if let (Some(a), Some(b)) =
            (from.and_then(ActionStatus::colour_rank), to.colour_rank())
        {
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
    as_of: AsOf,
) -> Result<Vec<Correction>> {
    let mut found = milestone_corrections(conn, ctx, previous, view, as_of)?;
    found.extend(indicator_corrections(conn, ctx, previous, view)?);
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

/// Milestones whose completion by the previous cut-off was recorded (or undone) after that
/// report was made.
fn milestone_corrections(
    conn: &mut DbConnection,
    ctx: &Context<'_>,
    previous: &PreviousReport,
    view: &PublishedView,
    as_of: AsOf,
) -> Result<Vec<Correction>> {
    let window_start = previous.as_of + Duration::microseconds(1);
    let prev_cut_off = previous.period.cut_off;
    let changed_at = milestones_changed(conn, ctx, window_start, as_of)?;
    let shown: HashMap<i64, Option<NaiveDate>> = view
        .annex
        .milestones
        .iter()
        .map(|m| (m.id, m.done_on))
        .collect();
    let mut found = Vec::new();
    // In id order: the facts are a map, and corrections that sort alike (same area, action
    // title, milestone title and day) must come out the same in every build of the report.
    let mut milestones: Vec<_> = ctx.facts.milestones.values().flatten().collect();
    milestones.sort_by_key(|m| m.id);
    for m in milestones {
        let Some(at) = changed_at.get(&m.id) else {
            continue;
        };
        let Some(action) = ctx.by_id.get(&m.action_id) else {
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
                recorded_on: dates::amsterdam_date(*at),
            });
        }
    }
    Ok(found)
}

/// The last moment each milestone's events changed between `window_start` and `as_of`.
fn milestones_changed(
    conn: &mut DbConnection,
    ctx: &Context<'_>,
    window_start: NaiveDateTime,
    as_of: AsOf,
) -> Result<HashMap<i64, NaiveDateTime>> {
    let milestone_ids: Vec<i64> = ctx
        .facts
        .milestones
        .values()
        .flatten()
        .map(|m| m.id)
        .collect();
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
    Ok(changed_at)
}

/// Indicators with a value measured by the previous cut-off but recorded after that report
/// was made.
fn indicator_corrections(
    conn: &mut DbConnection,
    ctx: &Context<'_>,
    previous: &PreviousReport,
    view: &PublishedView,
) -> Result<Vec<Correction>> {
    let window_start = previous.as_of + Duration::microseconds(1);
    let prev_cut_off = previous.period.cut_off;
    let shown: HashMap<i64, Option<DatedValue>> = view
        .annex
        .indicators
        .iter()
        .map(|i| (i.id, i.latest))
        .collect();
    let indicator_actions = indicator_actions(conn, ctx)?;
    let names: HashMap<i64, String> = view
        .annex
        .indicators
        .iter()
        .map(|i| (i.id, i.name.clone()))
        .collect();
    let mut ids: Vec<&i64> = ctx.values.keys().collect();
    ids.sort();
    let mut found = Vec::new();
    for id in ids {
        let list = &ctx.values[id];
        let late: Vec<&ValueJson> = list
            .iter()
            .filter(|v| v.recorded_at >= window_start && v.measured_on <= prev_cut_off)
            .collect();
        let Some(last_late) = late.iter().map(|v| v.recorded_at).max() else {
            continue;
        };
        let Some(action) = indicator_actions.get(id).and_then(|a| ctx.by_id.get(a)) else {
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
                recorded_on: dates::amsterdam_date(last_late),
            });
        }
    }
    Ok(found)
}

/// The action of each indicator that has values.
fn indicator_actions(conn: &mut DbConnection, ctx: &Context<'_>) -> Result<HashMap<i64, i64>> {
    let ids: Vec<i64> = ctx.values.keys().copied().collect();
    let mut map = HashMap::new();
    for chunk in ids.chunks(5_000) {
        map.extend(
            indicators::table
                .filter(indicators::id.eq_any(chunk))
                .select((indicators::id, indicators::action_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(map)
}

/// Builds the model of period `code` at `moment`.
pub fn build(conn: &mut DbConnection, code: &str, moment: Moment) -> Result<ReportModel> {
    let last = moment.last_instant();
    let state = State::load(conn, code, moment)?;
    let ctx = Context::new(&state);
    let history = History::load(conn, &ctx, moment.as_of)?;
    let codes = Codes::load(conn)?;

    let (_, total) = state.facts.rollup(GroupBy::Area, DEFAULT_STALE_WEEKS);
    let themes = themes_present(&ctx);
    let per_theme = theme_counts(&ctx, &themes);
    let previous = previous_report(conn, state.period.cut_off, moment.known_at)?;
    let summary_changes = previous
        .as_ref()
        .map(|(_, view)| changes(&state.facts, &state.names, view));
    let theme_sections = themes.iter().map(|t| theme_section(&ctx, t)).collect();
    let areas = areas_in_report(&ctx);
    let area_sections = areas
        .iter()
        .map(|(code, area)| area_section(&ctx, &history, &codes, code, area))
        .collect();
    let ministry_sections = ministry_sections(conn, &ctx, code, moment.known_at)?;
    let explanation_list = explanations(&ctx, &history);
    let deviation_list = deviations(&ctx, &history.plans, total.deviation);
    let correction_list = match &previous {
        Some((prev, view)) => corrections(conn, &ctx, prev, view, moment.as_of)?,
        None => Vec::new(),
    };
    let overview = overview_charts(&ctx, &areas, &themes)?;
    let annex = annex(&ctx, &history)?;

    Ok(ReportModel {
        model_version: MODEL_VERSION,
        title: "Voortgangsrapportage versnellingsacties".into(),
        as_of: last,
        as_of_date: dates::amsterdam_date(last),
        previous: previous.map(|(p, _)| p),
        summary: Summary {
            total,
            per_theme,
            changes: summary_changes,
        },
        themes: theme_sections,
        areas: area_sections,
        ministries: ministry_sections,
        explanations: explanation_list,
        deviations: deviation_list,
        corrections: correction_list,
        charts: overview,
        annex,
        period: state.period,
    })
}

/// A progress update as the sections quote it: action id, recorded at, id, status, percent
/// complete, note.
type UpdateRow = (i64, NaiveDateTime, i64, String, i32, String);

/// History the sections quote: updates (all, for notes), plans, local notes of the period.
struct History {
    /// By recording time.
    updates: Vec<UpdateRow>,
    /// By action, in the order recorded.
    plans: Vec<Baseline>,
    /// By recording time.
    notes: Vec<LocalNote>,
}

impl History {
    /// Reads the history of the actions in `ctx` recorded before `as_of`.
    fn load(conn: &mut DbConnection, ctx: &Context<'_>, as_of: AsOf) -> Result<Self> {
        let ids: Vec<i64> = ctx.facts.actions.iter().map(|a| a.id).collect();
        let mut updates: Vec<UpdateRow> = Vec::new();
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
                    .load::<UpdateRow>(conn)?,
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
        plans.sort_by_key(|p| (p.action_id, p.recorded_at, p.id));
        let notes: Vec<LocalNote> = local_notes::table
            .filter(local_notes::recorded_at.lt(as_of.before))
            .filter(local_notes::recorded_at.ge(ctx.from))
            .order((local_notes::recorded_at.asc(), local_notes::id.asc()))
            .select(LocalNote::as_select())
            .load(conn)?;
        Ok(Self {
            updates,
            plans,
            notes,
        })
    }
}

/// The themes that have actions, in their table order: (code, name, description).
fn themes_present<'a>(ctx: &Context<'a>) -> Vec<&'a (String, String, String)> {
    let theme_codes: BTreeSet<&str> = ctx.facts.actions.iter().map(|a| a.theme.as_str()).collect();
    ctx.names
        .themes
        .iter()
        .filter(|(code, ..)| theme_codes.contains(code.as_str()))
        .collect()
}

/// The summary's roll-up per theme.
fn theme_counts(ctx: &Context<'_>, themes: &[&(String, String, String)]) -> Vec<ThemeCount> {
    themes
        .iter()
        .map(|(code, name, _)| ThemeCount {
            theme: code.clone(),
            name: name.clone(),
            rollup: ctx.rollup_of(&ctx.actions_of_theme(code)),
        })
        .collect()
}

/// A theme's chapter: what it wanted to achieve, what was done and what it cost.
fn theme_section(
    ctx: &Context<'_>,
    (code, name, description): &(String, String, String),
) -> ThemeSection {
    let actions = ctx.actions_of_theme(code);
    let mut goals = Vec::new();
    let mut milestones_met = Vec::new();
    let mut completed = Vec::new();
    for action in &actions {
        for indicator in ctx.indicators_of(action.id) {
            goals.push(ctx.indicator_line(indicator, action));
        }
        for m in ctx.milestones_of(action.id) {
            if m.done_on.is_some_and(|d| ctx.in_period(d)) {
                milestones_met.push(ctx.milestone_line(m, action));
            }
        }
        if action.status == ActionStatus::Completed
            && action.last_update_at.is_some_and(|at| at >= ctx.from)
        {
            completed.push(ctx.line(action));
        }
    }
    milestones_met.sort_by(|a, b| (a.done_on, &a.area, a.id).cmp(&(b.done_on, &b.area, b.id)));
    ThemeSection {
        code: code.clone(),
        name: name.clone(),
        description: description.clone(),
        programmes: programmes_of_theme(ctx, code, &actions),
        goals,
        rollup: ctx.rollup_of(&actions),
        milestones_met,
        completed,
        budget: budget_of(&actions),
    }
}

/// The programmes of a theme that have actions, by code.
fn programmes_of_theme(
    ctx: &Context<'_>,
    theme_code: &str,
    actions: &[&ActionJson],
) -> Vec<ProgrammeInfo> {
    let mut programmes: Vec<ProgrammeInfo> = ctx
        .names
        .programmes
        .iter()
        .filter(|(_, (_, _, theme, _))| theme == theme_code)
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
    programmes
}

/// The budgets of actions, in the current and the original plans.
fn budget_of(actions: &[&ActionJson]) -> Budget {
    let mut budget = Budget::default();
    for action in actions {
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
    budget
}

/// The areas in the report, by name: those with actions and those in focus by the cut-off.
fn areas_in_report<'a>(ctx: &Context<'a>) -> Vec<(&'a String, &'a AreaName)> {
    let area_codes: BTreeSet<&str> = ctx.facts.actions.iter().map(|a| a.area.as_str()).collect();
    let mut area_list: Vec<(&String, &AreaName)> = ctx
        .names
        .areas
        .iter()
        .filter(|(code, a)| {
            area_codes.contains(code.as_str()) || a.focus_since <= ctx.period.cut_off
        })
        .collect();
    area_list.sort_by(|a, b| (&a.1.name, a.0).cmp(&(&b.1.name, b.0)));
    area_list
}

/// An area's chapter: its actions, milestones, indicators, local notes and charts.
fn area_section(
    ctx: &Context<'_>,
    history: &History,
    codes: &Codes,
    code: &str,
    area: &AreaName,
) -> AreaSection {
    let mut actions: Vec<&ActionJson> = ctx
        .facts
        .actions
        .iter()
        .filter(|a| a.area == code)
        .collect();
    actions.sort_by(|a, b| {
        (ctx.theme_position(&a.theme), &a.title, a.id).cmp(&(
            ctx.theme_position(&b.theme),
            &b.title,
            b.id,
        ))
    });
    let mut milestone_lines = Vec::new();
    let mut indicator_lines = Vec::new();
    for action in &actions {
        for m in ctx.milestones_of(action.id) {
            milestone_lines.push(ctx.milestone_line(m, action));
        }
        for i in ctx.indicators_of(action.id) {
            indicator_lines.push(ctx.indicator_line(i, action));
        }
    }
    milestone_lines.sort_by_key(|m| (m.due, m.id));
    let charts_of_area = area_charts(ctx, code, &area.name, &actions, indicator_lines.len());
    AreaSection {
        code: code.to_string(),
        name: area.name.clone(),
        municipality: area.municipality.clone(),
        province: area.province.clone(),
        rollup: ctx.rollup_of(&actions),
        actions: actions.iter().map(|a| ctx.line(a)).collect(),
        milestones: milestone_lines,
        indicators: indicator_lines,
        notes: area_notes(ctx, history, codes, code),
        charts: charts_of_area,
    }
}

/// An area's charts: its milestones' burn-up, and a trend per indicator unless it has too many.
fn area_charts(
    ctx: &Context<'_>,
    code: &str,
    name: &str,
    actions: &[&ActionJson],
    indicator_count: usize,
) -> Vec<Chart> {
    let mut charts_of_area = Vec::new();
    let area_milestones: Vec<&MilestoneJson> = actions
        .iter()
        .flat_map(|a| ctx.milestones_of(a.id))
        .collect();
    if !area_milestones.is_empty() {
        charts_of_area.push(Chart {
            id: format!("mijlpalen-{code}"),
            title: format!("Mijlpalen in {name}"),
            width: AREA_CHART.0,
            height: AREA_CHART.1,
            data: match charts::burnup_data(area_milestones.into_iter(), ctx.period.cut_off) {
                ChartData::MilestonesBurnup(mut data) => {
                    data.title = Some(format!("Mijlpalen in {name}: gepland en behaald"));
                    ChartData::MilestonesBurnup(data)
                }
                other => other,
            },
        });
    }
    if indicator_count <= INDICATOR_CHARTS_PER_AREA {
        for action in actions {
            for i in ctx.indicators_of(action.id) {
                let list = ctx.values.get(&i.id).map(Vec::as_slice).unwrap_or(&[]);
                let created = ctx
                    .created_on
                    .get(&i.id)
                    .copied()
                    .unwrap_or(ctx.period.cut_off);
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
    charts_of_area
}

/// The local notes of an area in the period, with the action each is about.
fn area_notes(ctx: &Context<'_>, history: &History, codes: &Codes, code: &str) -> Vec<DatedNote> {
    history
        .notes
        .iter()
        .filter(|n| codes.area(n.area_id) == code)
        .map(|n| DatedNote {
            on: dates::amsterdam_date(n.recorded_at),
            text: n.body.clone(),
            action: n
                .action_id
                .and_then(|id| ctx.by_id.get(&id))
                .map(|a| a.title.clone()),
        })
        .collect()
}

/// A chapter per ministry with actions, with its sign-off as known at `known_at`.
fn ministry_sections(
    conn: &mut DbConnection,
    ctx: &Context<'_>,
    code: &str,
    known_at: NaiveDateTime,
) -> Result<Vec<MinistrySection>> {
    let period_row: ReportPeriod = report_periods::table
        .filter(report_periods::code.eq(code))
        .select(ReportPeriod::as_select())
        .first(conn)?;
    let signoff_now = signoffs::current_of(&signoffs::trail_of(conn, &period_row, Some(known_at))?);
    let facts = ctx.facts;
    Ok(ctx
        .names
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
                    on: dates::amsterdam_date(s.recorded_at),
                    by: s.user.clone(),
                }),
                actions: actions.iter().map(|a| ctx.line(a)).collect(),
            }
        })
        .collect())
}

/// Every non-green action explained from its notes, bad news first.
fn explanations(ctx: &Context<'_>, history: &History) -> Vec<Explanation> {
    let mut explanations: Vec<Explanation> = ctx
        .facts
        .actions
        .iter()
        .filter(|action| action.status.needs_note())
        .map(|action| Explanation {
            action: ctx.line(action),
            notes: explanation_notes(ctx, history, action.id),
        })
        .collect();
    explanations.sort_by(|a, b| {
        (
            a.action.status.severity(),
            &a.action.area,
            &a.action.title,
            a.action.id,
        )
            .cmp(&(
                b.action.status.severity(),
                &b.action.area,
                &b.action.title,
                b.action.id,
            ))
    });
    explanations
}

/// The notes that explain an action, newest first: its update notes and local notes of the
/// period, or else the last update note before it.
fn explanation_notes(ctx: &Context<'_>, history: &History, action_id: i64) -> Vec<DatedNote> {
    let note = |at: NaiveDateTime, text: &str| {
        (
            at,
            DatedNote {
                on: dates::amsterdam_date(at),
                text: text.to_string(),
                action: None,
            },
        )
    };
    let mut dated: Vec<(NaiveDateTime, DatedNote)> = history
        .updates
        .iter()
        .filter(|u| u.0 == action_id && u.1 >= ctx.from && !u.5.trim().is_empty())
        .map(|u| note(u.1, &u.5))
        .chain(
            history
                .notes
                .iter()
                .filter(|n| n.action_id == Some(action_id))
                .map(|n| note(n.recorded_at, &n.body)),
        )
        .collect();
    if dated.is_empty() {
        // Set before the period: the note that explained it then.
        if let Some(u) = history
            .updates
            .iter()
            .rev()
            .find(|u| u.0 == action_id && !u.5.trim().is_empty())
        {
            dated.push(note(u.1, &u.5));
        }
    }
    dated.sort_by_key(|n| std::cmp::Reverse(n.0));
    dated.into_iter().map(|(_, n)| n).collect()
}

/// Deviations against the original and the current plan, the largest slip first.
fn deviations(ctx: &Context<'_>, plans: &[Baseline], total: DeviationStats) -> Deviations {
    let mut rows: Vec<DeviationRow> = ctx
        .facts
        .actions
        .iter()
        .filter_map(|action| deviation_row(ctx, plans, action))
        .collect();
    rows.sort_by(|a, b| {
        (std::cmp::Reverse(a.slip_days), &a.action.area, a.action.id).cmp(&(
            std::cmp::Reverse(b.slip_days),
            &b.action.area,
            b.action.id,
        ))
    });
    Deviations { total, rows }
}

/// An action's deviation from its plans, if it is late against either or was moved.
fn deviation_row(
    ctx: &Context<'_>,
    plans: &[Baseline],
    action: &ActionJson,
) -> Option<DeviationRow> {
    let today = ctx.facts.today;
    let line = ctx.line(action);
    let open = !matches!(
        action.status,
        ActionStatus::Completed | ActionStatus::Discontinued
    );
    let slip_days = (line.planned_end - line.original_end).num_days();
    let late_against_original = open && today > line.original_end;
    let late_against_current = open && today > line.planned_end;
    if slip_days == 0 && !late_against_original && !late_against_current {
        return None;
    }
    // Every plan after the original, in the order recorded, but those the upgrade made from old
    // budget edits (they were not plans when earlier reports were made).
    let replans = plans
        .iter()
        .filter(|p| p.action_id == action.id && !p.from_budget_edit)
        .skip(1)
        .map(|p| Replan {
            seq: p.seq,
            on: dates::amsterdam_date(p.recorded_at),
            planned_end: p.planned_end,
            reason: p.reason.clone(),
        })
        .collect();
    Some(DeviationRow {
        action: line,
        slip_days,
        late_against_original,
        late_against_current,
        replans,
    })
}

/// The national charts, with the names of the areas and themes as they were.
fn overview_charts(
    ctx: &Context<'_>,
    areas: &[(&String, &AreaName)],
    themes: &[&(String, String, String)],
) -> Result<Vec<Chart>> {
    let chart_names = ChartNames {
        areas: areas
            .iter()
            .map(|(code, a)| ((*code).clone(), a.name.clone(), a.latitude, a.longitude))
            .collect(),
        themes: themes
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
            data: charts::overview_data(chart, ctx.facts, &chart_names)?,
        });
    }
    Ok(overview)
}

/// The annex: every number.
fn annex(ctx: &Context<'_>, history: &History) -> Result<Annex> {
    let mut annex = Annex::default();
    for action in &ctx.facts.actions {
        annex.actions.push(annex_action(ctx, action));
        annex
            .milestones
            .extend(ctx.milestones_of(action.id).map(annex_milestone));
        for i in ctx.indicators_of(action.id) {
            annex.indicators.push(annex_indicator(i));
            for v in ctx.values.get(&i.id).into_iter().flatten() {
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
    annex.updates = annex_updates(ctx, &history.updates)?;
    // A plan the migration to versioned history made from an edit of an action's own budget
    // was not a plan when reports before it were made: its budget counts, its line does not.
    annex.plans = history
        .plans
        .iter()
        .filter(|p| !p.from_budget_edit)
        .map(annex_plan)
        .collect();
    Ok(annex)
}

/// An action in the annex, with every descriptive field.
fn annex_action(ctx: &Context<'_>, action: &ActionJson) -> AnnexAction {
    let original = action.original_plan.as_ref();
    let area = ctx.names.areas.get(&action.area);
    AnnexAction {
        id: action.id,
        title: action.title.clone(),
        description: action.description.clone(),
        area: action.area.clone(),
        area_name: ctx.names.area(&action.area),
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
    }
}

/// A milestone in the annex.
fn annex_milestone(m: &MilestoneJson) -> AnnexMilestone {
    AnnexMilestone {
        id: m.id,
        action_id: m.action_id,
        title: m.title.clone(),
        report_period: m.report_period.clone(),
        original_due: m.original_due_date,
        due: m.due_date,
        done_on: m.done_on,
        late: m.late,
    }
}

/// An indicator in the annex, with its latest value.
fn annex_indicator(i: &IndicatorJson) -> AnnexIndicator {
    AnnexIndicator {
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
    }
}

/// The progress updates of the period, of the actions in the report.
fn annex_updates(ctx: &Context<'_>, updates: &[UpdateRow]) -> Result<Vec<AnnexUpdate>> {
    let mut annex_updates = Vec::new();
    for (action_id, recorded_at, _, status, percent, note) in updates {
        if *recorded_at < ctx.from || !ctx.by_id.contains_key(action_id) {
            continue;
        }
        annex_updates.push(AnnexUpdate {
            action_id: *action_id,
            recorded_at: *recorded_at,
            status: status.parse().map_err(Error::internal)?,
            percent_complete: *percent,
            note: note.clone(),
        });
    }
    Ok(annex_updates)
}

/// A plan in the annex.
fn annex_plan(p: &Baseline) -> AnnexPlan {
    AnnexPlan {
        action_id: p.action_id,
        seq: p.seq,
        planned_start: p.planned_start,
        planned_end: p.planned_end,
        budget_cents: p.budget_cents,
        reason: p.reason.clone(),
        recorded_at: p.recorded_at,
    }
}
