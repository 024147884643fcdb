//! The history of an action's fields, as its page and `GET /api/v1/actions/{id}/history` show
//! it: every change of a versioned field (from `db::versions`) of the action and of its
//! indicators and milestones, and of its plan (budget and dates, from the plans), each with
//! when, by whom and why.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::models::Baseline;
use crate::db::schema::{baselines, indicators, milestones, report_periods, users};
use crate::db::versions;
use crate::domain::ActionId;
use crate::error::Result;
use crate::service::actions;

/// One change of one field.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldChange {
    /// Whose field: `action`, or one of its `indicator`s or `milestone`s.
    pub kind: String,
    /// Its id.
    pub id: i64,
    /// Its title or name now, to tell indicators and milestones apart.
    pub name: String,
    /// Of an action: `title`, `description`, `responsible`, `theme`, `programme`,
    /// `target_groups`, `budget_cents`, `planned_start`, `planned_end`; of an indicator: `name`,
    /// `unit`, `direction`, `baseline_value`, `target_value`, `target_date`; of a milestone:
    /// `title`, `description`, `report_period` (its code).
    pub field: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
    /// The value before; null for the first.
    #[schema(value_type = Option<serde_json::Value>)]
    pub from: Value,
    #[schema(value_type = Option<serde_json::Value>)]
    pub to: Value,
    /// Why (a plan's reason; empty where none was asked).
    pub reason: String,
    /// Who, by user name (none for a change made by the system or the migration).
    pub by: Option<String>,
}

fn usernames(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Every change of the action's fields and of its indicators' and milestones', oldest first; the
/// first state of each field counts as a change from null at the moment it was recorded.
pub fn action_fields(conn: &mut DbConnection, id: ActionId) -> Result<Vec<FieldChange>> {
    let current = actions::get(conn, id, None)?;
    let plans: Vec<Baseline> = baselines::table
        .filter(baselines::action_id.eq(id.get()))
        .order((baselines::recorded_at.asc(), baselines::id.asc()))
        .select(Baseline::as_select())
        .load(conn)?;
    let subjects = subjects_of(conn, id, &current.title)?;
    let mut rows = Vec::new();
    for kind in ["action", "indicator", "milestone"] {
        let keys: Vec<String> = subjects
            .iter()
            .filter(|s| s.0 == kind)
            .map(|s| s.1.to_string())
            .collect();
        rows.extend(
            versions::history(conn, kind, Some(&keys))?
                .into_values()
                .flatten()
                .map(|row| (kind, row)),
        );
    }
    let mut who: Vec<i64> = rows.iter().filter_map(|(_, r)| r.recorded_by).collect();
    who.extend(plans.iter().filter_map(|p| p.recorded_by));
    who.sort_unstable();
    who.dedup();
    let names = usernames(conn, &who)?;
    let by = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    let mut changes = Vec::new();
    for subject in &subjects {
        let (kind, key) = (subject.0, subject.1.to_string());
        let states: Vec<Described> = rows
            .iter()
            .filter(|(k, row)| *k == kind && row.entity_key == key)
            .map(|(_, row)| {
                let state = row.state().unwrap_or_default();
                (
                    row.recorded_at,
                    state,
                    row.reason.clone(),
                    by(row.recorded_by),
                )
            })
            .collect();
        if kind == "action" && states.is_empty() {
            // Without versions the action is as it was created.
            let state = serde_json::to_value(&current).map_err(crate::error::Error::internal)?;
            let state = state.as_object().cloned().unwrap_or_default();
            changes.extend(described(
                subject,
                &[(current.created_at, state, String::new(), None)],
            ));
        } else {
            changes.extend(described(subject, &states));
        }
    }
    changes.extend(planned(&subjects[0], &plans, &by));
    periods_by_code(conn, &mut changes)?;
    changes.sort_by_key(|c| c.recorded_at);
    Ok(changes)
}

/// The action, its indicators and its milestones, by their names now.
fn subjects_of(conn: &mut DbConnection, id: ActionId, title: &str) -> Result<Vec<Subject>> {
    let indicator_names: Vec<(i64, String)> = indicators::table
        .filter(indicators::action_id.eq(id.get()))
        .order(indicators::id.asc())
        .select((indicators::id, indicators::name))
        .load(conn)?;
    let milestone_titles: Vec<(i64, String)> = milestones::table
        .filter(milestones::action_id.eq(id.get()))
        .order(milestones::id.asc())
        .select((milestones::id, milestones::title))
        .load(conn)?;
    Ok(std::iter::once(("action", id.get(), title.to_string()))
        .chain(
            indicator_names
                .into_iter()
                .map(|(i, n)| ("indicator", i, n)),
        )
        .chain(
            milestone_titles
                .into_iter()
                .map(|(i, n)| ("milestone", i, n)),
        )
        .collect())
}

/// A milestone's period by its code, as everywhere else.
fn periods_by_code(conn: &mut DbConnection, changes: &mut [FieldChange]) -> Result<()> {
    let periods: HashMap<i64, String> = report_periods::table
        .select((report_periods::id, report_periods::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    for change in changes.iter_mut().filter(|c| c.field == "report_period_id") {
        change.field = "report_period".into();
        for value in [&mut change.from, &mut change.to] {
            if let Some(code) = value.as_i64().and_then(|id| periods.get(&id)) {
                *value = Value::from(code.clone());
            }
        }
    }
    Ok(())
}

/// Whose fields: (kind, id, title or name now).
type Subject = (&'static str, i64, String);

/// A state of the versioned fields: when, the fields, why, by whom.
type Described = (
    NaiveDateTime,
    serde_json::Map<String, Value>,
    String,
    Option<String>,
);

/// The changes of the versioned fields from one state to the next.
fn described(subject: &Subject, states: &[Described]) -> Vec<FieldChange> {
    let fields = versions::fields_of(subject.0).unwrap_or(&[]);
    let mut changes = Vec::new();
    let mut previous: Option<&serde_json::Map<String, Value>> = None;
    for (at, state, reason, by) in states {
        for field in fields {
            let before = previous
                .and_then(|p| p.get(*field).cloned())
                .unwrap_or(Value::Null);
            let after = state.get(*field).cloned().unwrap_or(Value::Null);
            if previous.is_none() || before != after {
                changes.push(FieldChange {
                    kind: subject.0.to_string(),
                    id: subject.1,
                    name: subject.2.clone(),
                    field: (*field).to_string(),
                    recorded_at: *at,
                    from: before,
                    to: after,
                    reason: reason.clone(),
                    by: by.clone(),
                });
            }
        }
        previous = Some(state);
    }
    changes
}

/// The changes of the budget and the dates from one plan to the next.
fn planned(
    subject: &Subject,
    plans: &[Baseline],
    by: &dyn Fn(Option<i64>) -> Option<String>,
) -> Vec<FieldChange> {
    let values = |p: Option<&Baseline>| -> [(&'static str, Value); 3] {
        let date = |d: Option<NaiveDate>| d.map_or(Value::Null, |d| Value::from(d.to_string()));
        [
            (
                "budget_cents",
                p.and_then(|p| p.budget_cents)
                    .map_or(Value::Null, Value::from),
            ),
            ("planned_start", date(p.map(|p| p.planned_start))),
            ("planned_end", date(p.map(|p| p.planned_end))),
        ]
    };
    let mut changes = Vec::new();
    let mut last: Option<&Baseline> = None;
    for plan in plans {
        for ((field, before), (_, after)) in values(last).into_iter().zip(values(Some(plan))) {
            if last.is_none() || before != after {
                changes.push(FieldChange {
                    kind: subject.0.to_string(),
                    id: subject.1,
                    name: subject.2.clone(),
                    field: field.to_string(),
                    recorded_at: plan.recorded_at,
                    from: before,
                    to: after,
                    reason: plan.reason.clone(),
                    by: by(plan.recorded_by),
                });
            }
        }
        last = Some(plan);
    }
    changes
}
