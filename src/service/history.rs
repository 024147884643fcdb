//! The history of an action's fields, as its page and `GET /api/v1/actions/{id}/history` show
//! it: every change of a versioned field (from `db::versions`) and of its plan (budget and
//! dates, from the plans), each with when, by whom and why.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::models::Baseline;
use crate::db::schema::{baselines, users};
use crate::db::versions;
use crate::domain::ActionId;
use crate::error::Result;
use crate::service::actions;

/// One change of one field.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldChange {
    /// `title`, `description`, `responsible`, `theme`, `programme`, `target_groups`,
    /// `budget_cents`, `planned_start` or `planned_end`.
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

/// Every change of the action's fields, oldest first; the first state of each field counts as a
/// change from null at the moment it was recorded.
pub fn action_fields(conn: &mut DbConnection, id: ActionId) -> Result<Vec<FieldChange>> {
    let current = actions::get(conn, id, None)?;
    let key = id.get().to_string();
    let rows = versions::history(conn, "action", Some(std::slice::from_ref(&key)))?
        .remove(&key)
        .unwrap_or_default();
    let plans: Vec<Baseline> = baselines::table
        .filter(baselines::action_id.eq(id.get()))
        .order((baselines::recorded_at.asc(), baselines::id.asc()))
        .select(Baseline::as_select())
        .load(conn)?;
    let mut who: Vec<i64> = rows.iter().filter_map(|r| r.recorded_by).collect();
    who.extend(plans.iter().filter_map(|p| p.recorded_by));
    who.sort_unstable();
    who.dedup();
    let names = usernames(conn, &who)?;
    let by = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    let mut changes = if rows.is_empty() {
        // Without versions the action is as it was created.
        let state = serde_json::to_value(&current).map_err(crate::error::Error::internal)?;
        let state = state.as_object().cloned().unwrap_or_default();
        described(&[(current.created_at, state, String::new(), None)])
    } else {
        described(
            &rows
                .iter()
                .map(|row| {
                    let state = row.state().unwrap_or_default();
                    (
                        row.recorded_at,
                        state,
                        row.reason.clone(),
                        by(row.recorded_by),
                    )
                })
                .collect::<Vec<_>>(),
        )
    };
    changes.extend(planned(&plans, &by));
    changes.sort_by_key(|c| c.recorded_at);
    Ok(changes)
}

/// A state of the versioned fields: when, the fields, why, by whom.
type Described = (
    NaiveDateTime,
    serde_json::Map<String, Value>,
    String,
    Option<String>,
);

/// The changes of the versioned fields from one state to the next.
fn described(states: &[Described]) -> Vec<FieldChange> {
    let fields = versions::fields_of("action").unwrap_or(&[]);
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
fn planned(plans: &[Baseline], by: &dyn Fn(Option<i64>) -> Option<String>) -> Vec<FieldChange> {
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
