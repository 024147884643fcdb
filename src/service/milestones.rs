//! Milestones of an action: created, rescheduled (the original due date is kept), completed on a
//! date, reopened. Every change appends an event with the state after it, so the milestones of
//! any past moment can be rebuilt.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::models::{Milestone, MilestoneEvent, NewMilestone, NewMilestoneEvent};
use crate::db::schema::{milestone_events, milestones, report_periods, users};
use crate::db::versions::{self, Then};
use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::domain::{ActionId, MilestoneId, dates};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{self, Authorize, MAX_NOTE, MAX_TITLE};
use crate::service::audit::{self, Actor};
use crate::service::change::{Change as VersionedChange, versioned};
use crate::service::codes::{Codes, check};
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct MilestoneJson {
    pub id: i64,
    pub action_id: i64,
    pub title: String,
    pub description: String,
    /// The report period it counts for.
    pub report_period: Option<String>,
    pub original_due_date: NaiveDate,
    pub due_date: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// Done after its due date, or still open past it at the moment asked for.
    pub late: bool,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::json::utc_option")]
    pub as_of: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct EventJson {
    pub kind: String,
    pub due_date: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub note: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<String>,
}

fn periods(conn: &mut DbConnection) -> QueryResult<HashMap<i64, String>> {
    Ok(report_periods::table
        .select((report_periods::id, report_periods::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

fn period_id(
    conn: &mut DbConnection,
    code: &str,
    errors: &mut Vec<FieldError>,
) -> QueryResult<Option<i64>> {
    let id = report_periods::table
        .filter(report_periods::code.eq(code))
        .select(report_periods::id)
        .first(conn)
        .optional()?;
    if id.is_none() {
        errors.push(FieldError::new(
            "report_period",
            Msg::Unknown {
                kind: Label::Period,
                value: code.to_string(),
            },
        ));
    }
    Ok(id)
}

/// The date "today" is at a moment, in the Netherlands.
fn today_at(as_of: Option<AsOf>) -> NaiveDate {
    let instant = as_of
        .map(|a| a.before - chrono::Duration::microseconds(1))
        .unwrap_or_else(db::now);
    dates::amsterdam_date(instant)
}

/// Builds the JSON of milestones, replaying their events up to `as_of` when given.
fn to_json(
    conn: &mut DbConnection,
    rows: Vec<Milestone>,
    as_of: Option<AsOf>,
) -> Result<Vec<MilestoneJson>> {
    let periods = periods(conn)?;
    let mut state: HashMap<i64, (NaiveDate, Option<NaiveDate>)> = HashMap::new();
    if let Some(as_of) = as_of {
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        for chunk in ids.chunks(5_000) {
            let events: Vec<MilestoneEvent> = milestone_events::table
                .filter(milestone_events::milestone_id.eq_any(chunk))
                .filter(milestone_events::recorded_at.lt(as_of.before))
                .order((
                    milestone_events::recorded_at.asc(),
                    milestone_events::id.asc(),
                ))
                .select(MilestoneEvent::as_select())
                .load(conn)?;
            for event in events {
                state.insert(event.milestone_id, (event.due_date, event.done_on));
            }
        }
    }
    let described = match as_of {
        Some(as_of) => {
            let keys: Vec<String> = rows.iter().map(|m| m.id.to_string()).collect();
            versions::states(conn, "milestone", Some(&keys), as_of.before)?
        }
        None => Default::default(),
    };
    let today = today_at(as_of);
    Ok(rows
        .into_iter()
        .filter(|m| as_of.is_none_or(|a| a.includes(m.created_at)))
        .filter_map(|mut m| {
            match described.get(&m.id.to_string()) {
                Some(Then::Absent) => return None,
                Some(Then::State(state)) => {
                    if let Some(title) = versions::text(state, "title") {
                        m.title = title;
                    }
                    if let Some(description) = versions::text(state, "description") {
                        m.description = description;
                    }
                    if let Some(period) = state.get("report_period_id") {
                        m.report_period_id = period.as_i64();
                    }
                }
                Some(Then::AsCreated) | None => {}
            }
            Some(m)
        })
        .map(|m| {
            let (due_date, done_on) = match as_of {
                Some(_) => state
                    .get(&m.id)
                    .copied()
                    .unwrap_or((m.original_due_date, None)),
                None => (m.due_date, m.done_on),
            };
            let late = match done_on {
                Some(done) => done > due_date,
                None => today > due_date,
            };
            MilestoneJson {
                id: m.id,
                action_id: m.action_id,
                title: m.title,
                description: m.description,
                report_period: m.report_period_id.and_then(|p| periods.get(&p).cloned()),
                original_due_date: m.original_due_date,
                due_date,
                done_on,
                late,
                created_at: m.created_at,
                version: m.version,
                as_of: as_of.map(|a| a.before - chrono::Duration::microseconds(1)),
            }
        })
        .collect())
}

/// The milestones of an action, by due date.
pub fn list(
    conn: &mut DbConnection,
    action_id: ActionId,
    as_of: Option<AsOf>,
) -> Result<Vec<MilestoneJson>> {
    actions::get(conn, action_id, None)?;
    let rows: Vec<Milestone> = milestones::table
        .filter(milestones::action_id.eq(action_id.get()))
        .order((milestones::due_date.asc(), milestones::id.asc()))
        .select(Milestone::as_select())
        .load(conn)?;
    let mut items = to_json(conn, rows, as_of)?;
    items.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.id.cmp(&b.id)));
    Ok(items)
}

fn load(conn: &mut DbConnection, id: i64) -> Result<Milestone> {
    milestones::table
        .find(id)
        .select(Milestone::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(Label::Milestone, id))
}

pub fn get(conn: &mut DbConnection, id: MilestoneId, as_of: Option<AsOf>) -> Result<MilestoneJson> {
    let id = id.get();
    let row = load(conn, id)?;
    to_json(conn, vec![row], as_of)?.pop().ok_or_else(|| {
        Error::NotFound(Msg::NotFoundThen {
            kind: Label::Milestone,
            id: id.to_string(),
        })
    })
}

pub fn events(conn: &mut DbConnection, id: MilestoneId) -> Result<Vec<EventJson>> {
    let id = id.get();
    load(conn, id)?;
    Ok(milestone_events::table
        .left_join(users::table)
        .filter(milestone_events::milestone_id.eq(id))
        .order((
            milestone_events::recorded_at.asc(),
            milestone_events::id.asc(),
        ))
        .select((MilestoneEvent::as_select(), users::username.nullable()))
        .load::<(MilestoneEvent, Option<String>)>(conn)?
        .into_iter()
        .map(|(e, by)| EventJson {
            kind: e.kind,
            due_date: e.due_date,
            done_on: e.done_on,
            note: e.note,
            recorded_at: e.recorded_at,
            recorded_by: by,
        })
        .collect())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMilestoneInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub due_date: NaiveDate,
    /// Report period code, e.g. `voorjaar-2021`.
    pub report_period: Option<String>,
}

fn record_event(
    conn: &mut DbConnection,
    actor: &Actor,
    milestone_id: i64,
    kind: &str,
    (due_date, done_on): (NaiveDate, Option<NaiveDate>),
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(milestone_events::table)
        .values(NewMilestoneEvent {
            milestone_id,
            kind,
            due_date,
            done_on,
            note,
            recorded_at: at,
            recorded_by: actor.user_id,
        })
        .execute(conn)
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    action_id: ActionId,
    input: &NewMilestoneInput,
    authorize: Authorize,
) -> Result<MilestoneJson> {
    let codes = Codes::load(conn)?;
    let owner = actions::owner(conn, &codes, action_id)?;
    authorize(owner)?;
    let mut errors = Vec::new();
    validate::text("title", &input.title, 1, MAX_TITLE, &mut errors);
    validate::text("description", &input.description, 0, MAX_NOTE, &mut errors);
    validate::year("due_date", input.due_date, &mut errors);
    let period = match &input.report_period {
        Some(code) => period_id(conn, code, &mut errors)?,
        None => None,
    };
    check(errors)?;
    let id = db::write_transaction(conn, |conn| -> Result<i64> {
        let now = db::now();
        let milestone: Milestone = diesel::insert_into(milestones::table)
            .values(NewMilestone {
                action_id: action_id.get(),
                title: input.title.trim(),
                description: &input.description,
                report_period_id: period,
                original_due_date: input.due_date,
                due_date: input.due_date,
                done_on: None,
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
            })
            .returning(milestones::all_columns)
            .get_result(conn)?;
        record_event(
            conn,
            actor,
            milestone.id,
            "created",
            (input.due_date, None),
            "",
            now,
        )?;
        audit::record::<(), _>(
            conn,
            actor,
            "milestone.create",
            "milestone",
            Some(&milestone.id.to_string()),
            None,
            Some(&milestone),
        )?;
        Ok(milestone.id)
    })?;
    get(conn, MilestoneId::from(id), None)
}

/// A change of a milestone: metadata, a new due date, completion or reopening.
#[derive(Debug, Clone)]
pub enum Change {
    Describe {
        title: Option<String>,
        description: Option<String>,
        report_period: Option<String>,
    },
    Reschedule {
        due_date: NaiveDate,
        note: String,
    },
    Complete {
        done_on: NaiveDate,
        note: String,
    },
    Reopen {
        note: String,
    },
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribeInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub report_period: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    pub due_date: NaiveDate,
    /// Why: reports explain re-planning.
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteInput {
    pub done_on: NaiveDate,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    pub note: String,
}

/// A milestone's changeable state: title, description, report period, due date, done date.
type MilestoneState = (String, String, Option<i64>, NaiveDate, Option<NaiveDate>);

/// Checks a change's input; the id of the report period it names, if it names one.
fn check_change(conn: &mut DbConnection, change: &Change) -> Result<Option<i64>> {
    let mut errors = Vec::new();
    let mut period = None;
    match change {
        Change::Describe {
            title,
            description,
            report_period,
        } => {
            if let Some(title) = title {
                validate::text("title", title, 1, MAX_TITLE, &mut errors);
            }
            if let Some(description) = description {
                validate::text("description", description, 0, MAX_NOTE, &mut errors);
            }
            if let Some(code) = report_period {
                period = period_id(conn, code, &mut errors)?;
            }
        }
        Change::Reschedule { due_date, note } => {
            validate::year("due_date", *due_date, &mut errors);
            if note.trim().is_empty() {
                errors.push(FieldError::new("note", Msg::MilestoneMoveReason));
            }
            validate::text("note", note, 0, MAX_NOTE, &mut errors);
        }
        Change::Complete { done_on, note } => {
            validate::year("done_on", *done_on, &mut errors);
            if *done_on > today_at(None) {
                errors.push(FieldError::new("done_on", Msg::NotInFuture));
            }
            validate::text("note", note, 0, MAX_NOTE, &mut errors);
        }
        Change::Reopen { note } => {
            if note.trim().is_empty() {
                errors.push(FieldError::new("note", Msg::MilestoneReopenReason));
            }
            validate::text("note", note, 0, MAX_NOTE, &mut errors);
        }
    }
    check(errors)?;
    Ok(period)
}

/// What a milestone becomes by a change (title, description, period, due date, done date),
/// with the event of a reschedule, completion or reopening recorded.
fn next_state(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Milestone,
    change: &Change,
    period: Option<i64>,
    now: NaiveDateTime,
) -> Result<MilestoneState> {
    let (event, due_date, done_on, note) = match change {
        Change::Describe {
            title,
            description,
            report_period,
        } => {
            return Ok((
                title
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.title)
                    .to_string(),
                description
                    .clone()
                    .unwrap_or_else(|| before.description.clone()),
                if report_period.is_some() {
                    period
                } else {
                    before.report_period_id
                },
                before.due_date,
                before.done_on,
            ));
        }
        Change::Reschedule { due_date, note } => {
            if before.done_on.is_some() {
                return Err(Error::conflict("due_date", Msg::MilestoneDoneReopenFirst));
            }
            ("rescheduled", *due_date, None, note)
        }
        Change::Complete { done_on, note } => {
            if before.done_on.is_some() {
                return Err(Error::Conflict {
                    message: Msg::MilestoneAlreadyDone,
                    field: None,
                });
            }
            ("completed", before.due_date, Some(*done_on), note)
        }
        Change::Reopen { note } => {
            if before.done_on.is_none() {
                return Err(Error::Conflict {
                    message: Msg::MilestoneNotDone,
                    field: None,
                });
            }
            ("reopened", before.due_date, None, note)
        }
    };
    record_event(
        conn,
        actor,
        before.id,
        event,
        (due_date, done_on),
        note,
        now,
    )?;
    Ok((
        before.title.clone(),
        before.description.clone(),
        before.report_period_id,
        due_date,
        done_on,
    ))
}

/// Applies a change at `expected_version` (412 when the milestone moved on).
pub fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    id: MilestoneId,
    expected_version: i64,
    change: &Change,
    authorize: Authorize,
) -> Result<MilestoneJson> {
    let id = id.get();
    let codes = Codes::load(conn)?;
    let row = load(conn, id)?;
    authorize(actions::owner(conn, &codes, ActionId::from(row.action_id))?)?;
    let period = check_change(conn, change)?;
    let operation = match change {
        Change::Describe { .. } => "milestone.update",
        Change::Reschedule { .. } => "milestone.reschedule",
        Change::Complete { .. } => "milestone.complete",
        Change::Reopen { .. } => "milestone.reopen",
    };
    let step = VersionedChange {
        operation,
        entity: "milestone",
        id: &id.to_string(),
        expected: expected_version,
        reason: "",
    };
    let after = versioned(
        conn,
        actor,
        step,
        |conn| load(conn, id),
        |_, _| Ok(()),
        |conn, before| {
            let now = db::now();
            let (title, description, report_period_id, due_date, done_on) =
                next_state(conn, actor, before, change, period, now)?;
            let updated = diesel::update(
                milestones::table
                    .filter(milestones::id.eq(id))
                    .filter(milestones::version.eq(expected_version)),
            )
            .set((
                milestones::title.eq(&title),
                milestones::description.eq(&description),
                milestones::report_period_id.eq(report_period_id),
                milestones::due_date.eq(due_date),
                milestones::done_on.eq(done_on),
                milestones::updated_at.eq(now),
                milestones::version.eq(expected_version + 1),
            ))
            .execute(conn)?;
            if updated == 0 {
                return Ok(None);
            }
            load(conn, id).map(Some)
        },
    )?;
    to_json(conn, vec![after], None)?
        .pop()
        .ok_or_else(|| Error::not_found(Label::Milestone, id))
}

/// The milestones of many actions at once (roll-ups, reports), as they stood `as_of`.
pub fn for_actions(
    conn: &mut DbConnection,
    action_ids: &[i64],
    as_of: Option<AsOf>,
) -> Result<HashMap<i64, Vec<MilestoneJson>>> {
    let mut rows = Vec::new();
    for chunk in action_ids.chunks(5_000) {
        rows.extend(
            milestones::table
                .filter(milestones::action_id.eq_any(chunk))
                .order((milestones::action_id.asc(), milestones::id.asc()))
                .select(Milestone::as_select())
                .load(conn)?,
        );
    }
    let mut by_action: HashMap<i64, Vec<MilestoneJson>> = HashMap::new();
    for milestone in to_json(conn, rows, as_of)? {
        by_action
            .entry(milestone.action_id)
            .or_default()
            .push(milestone);
    }
    Ok(by_action)
}
