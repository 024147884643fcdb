//! Indicators: measurable results of an action with a baseline value, a target and dated values.
//! Values are appended, never changed; a correction is a new value for the same date.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::models::{Indicator, IndicatorValue, NewIndicator, NewIndicatorValue};
use crate::db::schema::{indicator_values, indicators, users};
use crate::db::versions::{self, Then};
use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::domain::{ActionId, IndicatorId, dates};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{self, Authorize, MAX_NOTE, MAX_TITLE};
use crate::service::audit::{self, Actor};
use crate::service::change::{self, Change};
use crate::service::codes::{Codes, check};
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ValueJson {
    pub id: i64,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub note: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct IndicatorJson {
    pub id: i64,
    pub action_id: i64,
    pub name: String,
    pub unit: String,
    /// `increase` or `decrease`: which way is better.
    pub direction: String,
    pub baseline_value: f64,
    pub target_value: f64,
    pub target_date: Option<NaiveDate>,
    /// The latest measurement known at the moment asked for (by measurement date).
    pub latest: Option<ValueJson>,
    /// Share of the way from baseline to target reached by the latest value, 0–100 (can exceed).
    pub progress_percent: Option<f64>,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::json::utc_option")]
    pub as_of: Option<NaiveDateTime>,
}

/// How far `value` went from `baseline` towards `target`, in percent.
pub fn progress_percent(baseline: f64, target: f64, value: f64) -> Option<f64> {
    let span = target - baseline;
    if span.abs() < f64::EPSILON {
        return None;
    }
    Some(((value - baseline) / span * 1000.0).round() / 10.0)
}

fn values_of(
    conn: &mut DbConnection,
    indicator_ids: &[i64],
    as_of: Option<AsOf>,
) -> QueryResult<Vec<(IndicatorValue, Option<String>)>> {
    let mut out = Vec::new();
    for chunk in indicator_ids.chunks(5_000) {
        let mut query = indicator_values::table
            .left_join(users::table)
            .filter(indicator_values::indicator_id.eq_any(chunk))
            .into_boxed();
        if let Some(as_of) = as_of {
            query = query.filter(indicator_values::recorded_at.lt(as_of.before));
        }
        out.extend(
            query
                .order((
                    indicator_values::measured_on.asc(),
                    indicator_values::recorded_at.asc(),
                    indicator_values::id.asc(),
                ))
                .select((IndicatorValue::as_select(), users::username.nullable()))
                .load::<(IndicatorValue, Option<String>)>(conn)?,
        );
    }
    Ok(out)
}

fn value_json((v, by): (IndicatorValue, Option<String>)) -> ValueJson {
    ValueJson {
        id: v.id,
        measured_on: v.measured_on,
        value: v.value,
        note: v.note,
        recorded_at: v.recorded_at,
        recorded_by: by,
    }
}

/// An indicator described as it was: its versioned fields (see `db::versions::TRACKED`).
fn describe_as_then(indicator: &mut Indicator, state: &serde_json::Map<String, serde_json::Value>) {
    let number = |field: &str| state.get(field).and_then(serde_json::Value::as_f64);
    if let Some(name) = versions::text(state, "name") {
        indicator.name = name;
    }
    if let Some(unit) = versions::text(state, "unit") {
        indicator.unit = unit;
    }
    if let Some(direction) = versions::text(state, "direction") {
        indicator.direction = direction;
    }
    if let Some(value) = number("baseline_value") {
        indicator.baseline_value = value;
    }
    if let Some(value) = number("target_value") {
        indicator.target_value = value;
    }
    if let Some(date) = versions::date(state, "target_date") {
        indicator.target_date = date;
    }
}

fn to_json(
    conn: &mut DbConnection,
    rows: Vec<Indicator>,
    as_of: Option<AsOf>,
) -> Result<Vec<IndicatorJson>> {
    let ids: Vec<i64> = rows.iter().map(|i| i.id).collect();
    // Ordered by measurement date, then recording: per indicator the last is the newest
    // measurement, a correction for the same date winning over the original.
    let mut latest_of: std::collections::HashMap<i64, (IndicatorValue, Option<String>)> =
        Default::default();
    for (value, by) in values_of(conn, &ids, as_of)? {
        latest_of.insert(value.indicator_id, (value, by));
    }
    let described = match as_of {
        Some(as_of) => {
            let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
            versions::states(conn, "indicator", Some(&keys), as_of.before)?
        }
        None => Default::default(),
    };
    Ok(rows
        .into_iter()
        .filter(|i| as_of.is_none_or(|a| a.includes(i.created_at)))
        .filter_map(|mut i| {
            match described.get(&i.id.to_string()) {
                Some(Then::Absent) => return None,
                Some(Then::State(state)) => describe_as_then(&mut i, state),
                Some(Then::AsCreated) | None => {}
            }
            Some(i)
        })
        .map(|i| {
            let latest = latest_of.remove(&i.id).map(value_json);
            IndicatorJson {
                progress_percent: latest
                    .as_ref()
                    .and_then(|l| progress_percent(i.baseline_value, i.target_value, l.value)),
                id: i.id,
                action_id: i.action_id,
                name: i.name,
                unit: i.unit,
                direction: i.direction,
                baseline_value: i.baseline_value,
                target_value: i.target_value,
                target_date: i.target_date,
                latest,
                version: i.version,
                as_of: as_of.map(|a| a.before - chrono::Duration::microseconds(1)),
            }
        })
        .collect())
}

pub fn list(
    conn: &mut DbConnection,
    action_id: ActionId,
    as_of: Option<AsOf>,
) -> Result<Vec<IndicatorJson>> {
    actions::get(conn, action_id, None)?;
    let rows = indicators::table
        .filter(indicators::action_id.eq(action_id.get()))
        .order(indicators::id.asc())
        .select(Indicator::as_select())
        .load(conn)?;
    to_json(conn, rows, as_of)
}

fn load(conn: &mut DbConnection, id: i64) -> Result<Indicator> {
    indicators::table
        .find(id)
        .select(Indicator::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(Label::Indicator, id))
}

pub fn get(conn: &mut DbConnection, id: IndicatorId, as_of: Option<AsOf>) -> Result<IndicatorJson> {
    let id = id.get();
    let row = load(conn, id)?;
    to_json(conn, vec![row], as_of)?.pop().ok_or_else(|| {
        Error::NotFound(Msg::NotFoundThen {
            kind: Label::Indicator,
            id: id.to_string(),
        })
    })
}

pub fn values(
    conn: &mut DbConnection,
    id: IndicatorId,
    as_of: Option<AsOf>,
) -> Result<Vec<ValueJson>> {
    let id = id.get();
    load(conn, id)?;
    Ok(values_of(conn, &[id], as_of)?
        .into_iter()
        .map(value_json)
        .collect())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    pub name: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub baseline_value: Option<f64>,
    pub target_value: Option<f64>,
    pub target_date: Option<NaiveDate>,
    /// Why: required when a change moves the target value or the target date; shown in the
    /// indicator's history.
    pub reason: Option<String>,
}

fn check_input(input: &IndicatorInput, creating: bool, errors: &mut Vec<FieldError>) {
    match &input.name {
        Some(name) => validate::text("name", name, 1, MAX_TITLE, errors),
        None if creating => errors.push(FieldError::new("name", Msg::Required)),
        None => {}
    }
    if let Some(unit) = &input.unit {
        validate::text("unit", unit, 0, 50, errors);
    }
    if let Some(direction) = &input.direction
        && direction != "increase"
        && direction != "decrease"
    {
        errors.push(FieldError::new("direction", Msg::DirectionIncreaseDecrease));
    }
    for (field, value) in [
        ("baseline_value", input.baseline_value),
        ("target_value", input.target_value),
    ] {
        match value {
            Some(v) if !v.is_finite() => errors.push(FieldError::new(field, Msg::Number)),
            None if creating => errors.push(FieldError::new(field, Msg::Required)),
            _ => {}
        }
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    action_id: ActionId,
    input: &IndicatorInput,
    authorize: Authorize,
) -> Result<IndicatorJson> {
    let codes = Codes::load(conn)?;
    authorize(actions::owner(conn, &codes, action_id)?)?;
    let mut errors = Vec::new();
    check_input(input, true, &mut errors);
    check(errors)?;
    let id = db::write_transaction(conn, |conn| -> Result<i64> {
        let now = db::now();
        let row: Indicator = diesel::insert_into(indicators::table)
            .values(NewIndicator {
                action_id: action_id.get(),
                name: input.name.as_deref().unwrap_or_default().trim(),
                unit: input.unit.as_deref().unwrap_or_default().trim(),
                direction: input.direction.as_deref().unwrap_or("increase"),
                baseline_value: input.baseline_value.unwrap_or_default(),
                target_value: input.target_value.unwrap_or_default(),
                target_date: input.target_date,
                created_at: now,
                updated_at: now,
            })
            .returning(indicators::all_columns)
            .get_result(conn)?;
        audit::record::<(), _>(
            conn,
            actor,
            "indicator.create",
            "indicator",
            Some(&row.id.to_string()),
            None,
            Some(&row),
        )?;
        Ok(row.id)
    })?;
    get(conn, IndicatorId::from(id), None)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: IndicatorId,
    expected_version: i64,
    input: &IndicatorInput,
    authorize: Authorize,
) -> Result<IndicatorJson> {
    let id = id.get();
    let codes = Codes::load(conn)?;
    let row = load(conn, id)?;
    authorize(actions::owner(conn, &codes, ActionId::from(row.action_id))?)?;
    let mut errors = Vec::new();
    check_input(input, false, &mut errors);
    let reason = input.reason.as_deref().map(str::trim).unwrap_or("");
    validate::text("reason", reason, 0, MAX_NOTE, &mut errors);
    let moves_target = input
        .target_value
        .is_some_and(|v| v.to_bits() != row.target_value.to_bits())
        || input
            .target_date
            .is_some_and(|d| Some(d) != row.target_date);
    if moves_target && reason.is_empty() {
        errors.push(FieldError::new("reason", Msg::ReasonRequired));
    }
    check(errors)?;
    let change = Change {
        operation: "indicator.update",
        entity: "indicator",
        id: &id.to_string(),
        expected: expected_version,
        reason,
    };
    let after = change::versioned(
        conn,
        actor,
        change,
        |conn| load(conn, id),
        |_, _| Ok(()),
        |conn, before| {
            Ok(diesel::update(
                indicators::table
                    .filter(indicators::id.eq(id))
                    .filter(indicators::version.eq(expected_version)),
            )
            .set((
                indicators::name.eq(input.name.as_deref().map(str::trim).unwrap_or(&before.name)),
                indicators::unit.eq(input.unit.as_deref().map(str::trim).unwrap_or(&before.unit)),
                indicators::direction.eq(input.direction.as_deref().unwrap_or(&before.direction)),
                indicators::baseline_value
                    .eq(input.baseline_value.unwrap_or(before.baseline_value)),
                indicators::target_value.eq(input.target_value.unwrap_or(before.target_value)),
                indicators::target_date.eq(input.target_date.or(before.target_date)),
                indicators::updated_at.eq(db::now()),
                indicators::version.eq(expected_version + 1),
            ))
            .returning(indicators::all_columns)
            .get_result(conn)
            .optional()?)
        },
    )?;
    to_json(conn, vec![after], None)?
        .pop()
        .ok_or_else(|| Error::not_found(Label::Indicator, id))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueInput {
    pub measured_on: NaiveDate,
    pub value: f64,
    #[serde(default)]
    pub note: String,
}

/// Records a measured value. Ministries for their actions, municipalities for their areas.
pub fn add_value(
    conn: &mut DbConnection,
    actor: &Actor,
    id: IndicatorId,
    input: &ValueInput,
    authorize: Authorize,
) -> Result<ValueJson> {
    let id = id.get();
    let codes = Codes::load(conn)?;
    let row = load(conn, id)?;
    authorize(actions::owner(conn, &codes, ActionId::from(row.action_id))?)?;
    let mut errors = Vec::new();
    if !input.value.is_finite() {
        errors.push(FieldError::new("value", Msg::Number));
    }
    if input.measured_on > dates::amsterdam_date(db::now()) {
        errors.push(FieldError::new("measured_on", Msg::NotInFuture));
    }
    if chrono::Datelike::year(&input.measured_on) < *validate::YEARS.start() {
        errors.push(FieldError::new(
            "measured_on",
            Msg::YearFrom {
                from: i64::from(*validate::YEARS.start()),
            },
        ));
    }
    validate::text("note", &input.note, 0, MAX_NOTE, &mut errors);
    check(errors)?;
    db::write_transaction(conn, |conn| {
        let value: IndicatorValue = diesel::insert_into(indicator_values::table)
            .values(NewIndicatorValue {
                indicator_id: id,
                measured_on: input.measured_on,
                value: input.value,
                note: &input.note,
                recorded_at: db::now(),
                recorded_by: actor.user_id,
            })
            .returning(indicator_values::all_columns)
            .get_result(conn)?;
        audit::record::<(), _>(
            conn,
            actor,
            "indicator.value",
            "indicator",
            Some(&id.to_string()),
            None,
            Some(&value),
        )?;
        Ok(value_json((value, Some(actor.name.clone()))))
    })
}

/// The indicators of many actions at once (roll-ups, reports), with their latest value `as_of`.
pub fn for_actions(
    conn: &mut DbConnection,
    action_ids: &[i64],
    as_of: Option<AsOf>,
) -> Result<std::collections::HashMap<i64, Vec<IndicatorJson>>> {
    let mut rows = Vec::new();
    for chunk in action_ids.chunks(5_000) {
        rows.extend(
            indicators::table
                .filter(indicators::action_id.eq_any(chunk))
                .order(indicators::id.asc())
                .select(Indicator::as_select())
                .load(conn)?,
        );
    }
    let mut by_action: std::collections::HashMap<i64, Vec<IndicatorJson>> = Default::default();
    for indicator in to_json(conn, rows, as_of)? {
        by_action
            .entry(indicator.action_id)
            .or_default()
            .push(indicator);
    }
    Ok(by_action)
}

/// The values of many indicators at once (reports), recorded before `as_of`, per indicator by
/// measurement date (a correction for the same date after the value it corrects).
pub fn values_for(
    conn: &mut DbConnection,
    indicator_ids: &[i64],
    as_of: Option<AsOf>,
) -> Result<std::collections::HashMap<i64, Vec<ValueJson>>> {
    let mut by_indicator: std::collections::HashMap<i64, Vec<ValueJson>> = Default::default();
    for pair in values_of(conn, indicator_ids, as_of)? {
        let indicator_id = pair.0.indicator_id;
        by_indicator
            .entry(indicator_id)
            .or_default()
            .push(value_json(pair));
    }
    Ok(by_indicator)
}
