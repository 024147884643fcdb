//! Versioned history of the descriptive facts: one mechanism for every entity a report or an
//! as-of read describes.
//!
//! Every write records an audit row with the entity's state before and after
//! (`service::audit::record`); for the entity types in [`TRACKED`] that same call hands both
//! images to [`capture`], which keeps the fields listed there and appends a row to `versions`
//! when they differ from the entity's latest version. So a field is versioned by naming it
//! here, not by code in each service. Facts with a history of their own (progress updates,
//! plans with their budget and dates, milestone events, indicator values) are not repeated.
//!
//! The time axis is the recorded time: a version holds from the moment it was written. An
//! entity without any version row has not changed since it was created (every change through
//! the write path adds one), so its row is its state since `created_at`.
//!
//! Databases from before this mechanism get their versions from the audit log's images, replayed
//! through the same [`capture`] once, right after the migration that made the table
//! ([`complete_data_migrations`]); that step also merges the two budgets an action had (its own
//! and its plan's) into its plans.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Map, Value};

use super::DbConnection;
use super::schema::{audit_log, baselines, data_migrations, versions};

/// The entity types with versions, and the fields of the audit image that are versioned.
/// An image that lacks any of them (a progress update's, a plan's) is not a description of the
/// entity and is passed over.
pub const TRACKED: &[(&str, &[&str])] = &[
    (
        "action",
        &[
            "title",
            "description",
            "responsible",
            "theme",
            "programme",
            "target_groups",
        ],
    ),
    (
        "indicator",
        &[
            "name",
            "unit",
            "direction",
            "baseline_value",
            "target_value",
            "target_date",
        ],
    ),
    ("milestone", &["title", "description", "report_period_id"]),
    (
        "area",
        &[
            "name",
            "municipality_id",
            "latitude",
            "longitude",
            "focus_since",
        ],
    ),
    ("municipality", &["name", "province"]),
    ("ministry", &["name"]),
    ("theme", &["name_nl", "name_en", "description"]),
    (
        "programme",
        &["title", "description", "theme_id", "lead_ministry_id"],
    ),
    ("period", &["name", "starts_on", "cut_off", "due_date"]),
];

/// The entity types that exist from their `created_at` (reads as of an earlier moment do not
/// find them); the others are described from the start until a version says otherwise.
const DATED: [&str; 3] = ["action", "indicator", "milestone"];

/// The versioned fields of `entity_type`, when it has versions.
pub fn fields_of(entity_type: &str) -> Option<&'static [&'static str]> {
    TRACKED
        .iter()
        .find(|(kind, _)| *kind == entity_type)
        .map(|(_, fields)| *fields)
}

/// The versioned fields of an audit image, when it has all of them.
pub fn project(fields: &[&str], image: &Value) -> Option<Map<String, Value>> {
    let object = image.as_object()?;
    fields
        .iter()
        .map(|field| {
            object
                .get(*field)
                .map(|v| ((*field).to_string(), v.clone()))
        })
        .collect()
}

/// The start of everything, for an entity whose creation time is unknown.
fn origin() -> NaiveDateTime {
    crate::domain::asof::NO_START.and_time(chrono::NaiveTime::MIN)
}

/// When the entity of an image was created, as the image says (`created_at`).
fn created_at(image: &Value) -> Option<NaiveDateTime> {
    let text = image.get("created_at")?.as_str()?;
    let text = text.trim_end_matches('Z');
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()
}

/// One write of an entity, as the audit log records it.
#[derive(Debug, Clone, Copy)]
pub struct Write<'a> {
    pub entity_type: &'a str,
    pub entity_key: &'a str,
    pub operation: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
    pub reason: &'a str,
    pub audit_id: Option<i64>,
}

/// The newest version of an entity: its state (None: removed).
fn latest(
    conn: &mut DbConnection,
    entity_type: &str,
    entity_key: &str,
) -> QueryResult<Option<Option<String>>> {
    versions::table
        .filter(versions::entity_type.eq(entity_type))
        .filter(versions::entity_key.eq(entity_key))
        .order((versions::recorded_at.desc(), versions::id.desc()))
        .select(versions::state_json)
        .first::<Option<String>>(conn)
        .optional()
}

/// Appends a version of the entity of `write`; `by_writer`: recorded by the writer (not for the
/// state before an entity's first recorded change, whose author is unknown).
fn insert(
    conn: &mut DbConnection,
    write: &Write<'_>,
    recorded_at: NaiveDateTime,
    state: Option<&Map<String, Value>>,
    reason: &str,
    by_writer: bool,
) -> QueryResult<()> {
    let state = state.map(|s| Value::Object(s.clone()).to_string());
    diesel::insert_into(versions::table)
        .values((
            versions::entity_type.eq(write.entity_type),
            versions::entity_key.eq(write.entity_key),
            versions::recorded_at.eq(recorded_at),
            versions::state_json.eq(state),
            versions::reason.eq(reason),
            versions::recorded_by.eq(write.recorded_by.filter(|_| by_writer)),
            versions::audit_id.eq(write.audit_id.filter(|_| by_writer)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records the versioned fields of one write, inside the write's transaction: a new version
/// when they changed, a tombstone when the entity was removed (`*.delete` without an after
/// image). The first change of an entity that has no version yet also records the state
/// before it, from the moment the entity was created.
pub fn capture(conn: &mut DbConnection, write: &Write<'_>) -> QueryResult<()> {
    let Some(fields) = fields_of(write.entity_type) else {
        return Ok(());
    };
    let before = write.before.and_then(|image| project(fields, image));
    let after = write.after.and_then(|image| project(fields, image));
    let removed = write.after.is_none() && write.operation.ends_with(".delete");
    if after.is_none() && !removed {
        return Ok(());
    }
    let newest = latest(conn, write.entity_type, write.entity_key)?;
    if newest.is_none()
        && let Some(before) = &before
    {
        if after.as_ref() == Some(before) {
            return Ok(());
        }
        // Tracked work exists from its creation; reference data (names of areas, ministries,
        // themes, programmes, periods) is described from the start, as reports always read it.
        let since = if DATED.contains(&write.entity_type) {
            write
                .before
                .and_then(created_at)
                .filter(|at| *at < write.recorded_at)
                .unwrap_or_else(origin)
        } else {
            origin()
        };
        insert(conn, write, since, Some(before), "", false)?;
    }
    let current = match &newest {
        Some(Some(text)) => serde_json::from_str::<Map<String, Value>>(text).ok(),
        _ => None,
    };
    let unchanged = match (&newest, &after) {
        (Some(None), None) => true,
        (Some(Some(_)), Some(after)) => current.as_ref() == Some(after),
        _ => false,
    };
    if unchanged {
        return Ok(());
    }
    insert(
        conn,
        write,
        write.recorded_at,
        after.as_ref(),
        write.reason.trim(),
        true,
    )
}

/// What an entity was at a moment.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    /// It has no versions: unchanged since it was created; its row says what it is.
    AsCreated,
    /// Its versioned fields then.
    State(Map<String, Value>),
    /// It did not exist then (not yet recorded, or removed).
    Absent,
}

/// One version row.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct VersionRow {
    pub id: i64,
    pub entity_key: String,
    pub recorded_at: NaiveDateTime,
    pub state_json: Option<String>,
    pub reason: String,
    pub recorded_by: Option<i64>,
}

impl VersionRow {
    pub fn state(&self) -> Option<Map<String, Value>> {
        self.state_json
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
    }
}

/// Every version of the entities `keys` of a type (all of the type when `keys` is None), in
/// order per key.
pub fn history(
    conn: &mut DbConnection,
    entity_type: &str,
    keys: Option<&[String]>,
) -> QueryResult<BTreeMap<String, Vec<VersionRow>>> {
    let select = (
        versions::id,
        versions::entity_key,
        versions::recorded_at,
        versions::state_json,
        versions::reason,
        versions::recorded_by,
    );
    let mut rows: Vec<VersionRow> = Vec::new();
    match keys {
        None => {
            rows = versions::table
                .filter(versions::entity_type.eq(entity_type))
                .select(select)
                .load(conn)?;
        }
        Some(keys) => {
            for chunk in keys.chunks(5_000) {
                rows.extend(
                    versions::table
                        .filter(versions::entity_type.eq(entity_type))
                        .filter(versions::entity_key.eq_any(chunk))
                        .select(select)
                        .load::<VersionRow>(conn)?,
                );
            }
        }
    }
    let mut by_key: BTreeMap<String, Vec<VersionRow>> = BTreeMap::new();
    for row in rows {
        by_key.entry(row.entity_key.clone()).or_default().push(row);
    }
    for list in by_key.values_mut() {
        list.sort_by_key(|v| (v.recorded_at, v.id));
    }
    Ok(by_key)
}

/// The state from a key's versions recorded strictly before `before`.
pub fn then(versions: Option<&Vec<VersionRow>>, before: NaiveDateTime) -> Then {
    let Some(versions) = versions.filter(|v| !v.is_empty()) else {
        return Then::AsCreated;
    };
    match versions.iter().rev().find(|v| v.recorded_at < before) {
        Some(version) => version.state().map_or(Then::Absent, Then::State),
        None => Then::Absent,
    }
}

/// As [`then`], but an entity first recorded after `before` and before `known` reads as it was
/// first recorded; a removal (a tombstone) or a first record at or after `known` leaves it out.
/// Reports describe the programme's frame this way — areas, ministries, themes, programmes,
/// periods — as they always named every one that existed when they were made (`known`), as it was
/// at their moment.
pub fn then_or_first(
    versions: Option<&Vec<VersionRow>>,
    before: NaiveDateTime,
    known: NaiveDateTime,
) -> Then {
    match (then(versions, before), versions.and_then(|v| v.first())) {
        (Then::Absent, Some(first)) if first.recorded_at >= before && first.recorded_at < known => {
            first.state().map_or(Then::Absent, Then::State)
        }
        (then, _) => then,
    }
}

/// What the entities `keys` of a type were before `before`; a key without versions is
/// [`Then::AsCreated`].
pub fn states(
    conn: &mut DbConnection,
    entity_type: &str,
    keys: Option<&[String]>,
    before: NaiveDateTime,
) -> QueryResult<HashMap<String, Then>> {
    states_by(conn, entity_type, keys, |list| then(list, before))
}

/// [`states`] by [`then_or_first`].
pub fn states_or_first(
    conn: &mut DbConnection,
    entity_type: &str,
    keys: Option<&[String]>,
    before: NaiveDateTime,
    known: NaiveDateTime,
) -> QueryResult<HashMap<String, Then>> {
    states_by(conn, entity_type, keys, |list| {
        then_or_first(list, before, known)
    })
}

fn states_by(
    conn: &mut DbConnection,
    entity_type: &str,
    keys: Option<&[String]>,
    pick: impl Fn(Option<&Vec<VersionRow>>) -> Then,
) -> QueryResult<HashMap<String, Then>> {
    let all = history(conn, entity_type, keys)?;
    let mut out: HashMap<String, Then> = all
        .iter()
        .map(|(key, list)| (key.clone(), pick(Some(list))))
        .collect();
    if let Some(keys) = keys {
        for key in keys {
            out.entry(key.clone()).or_insert(Then::AsCreated);
        }
    }
    Ok(out)
}

/// Text of a versioned field.
pub fn text(state: &Map<String, Value>, field: &str) -> Option<String> {
    state.get(field).and_then(Value::as_str).map(str::to_string)
}

/// A date of a versioned field: `Some(None)` when it is null.
pub fn date(state: &Map<String, Value>, field: &str) -> Option<Option<NaiveDate>> {
    state
        .get(field)
        .map(|v| v.as_str().and_then(|s| s.parse().ok()))
}

/// The data migrations that have not run yet, in the order their migrations made them.
fn pending(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    data_migrations::table
        .filter(data_migrations::done_at.is_null())
        .order(data_migrations::name.asc())
        .select(data_migrations::name)
        .load(conn)
}

/// Runs the data migrations a schema migration left to do (called by `run_migrations`, in its
/// own transaction, under a lock: instances started at once take turns and the later ones find
/// the work done), and returns their names.
pub fn complete_data_migrations(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    super::write_transaction(conn, |conn| {
        super::lock_named(conn, "versnelling:data-migrations")?;
        let names = pending(conn)?;
        for name in &names {
            if name.as_str() == "versions" {
                versions_from_audit(conn)?;
            }
            diesel::update(data_migrations::table.filter(data_migrations::name.eq(name)))
                .set(data_migrations::done_at.eq(super::now()))
                .execute(conn)?;
        }
        Ok(names)
    })
}

/// An audit row as the replay reads it.
type AuditImage = (
    i64,
    NaiveDateTime,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Replays the audit log's images through [`capture`], oldest first, and turns every edit of an
/// action's own budget into a plan (see [`budget_to_plan`]).
fn versions_from_audit(conn: &mut DbConnection) -> QueryResult<()> {
    let types: Vec<&str> = TRACKED.iter().map(|(kind, _)| *kind).collect();
    let mut last_id = 0_i64;
    loop {
        // A page at a time: an audit log can be long.
        let rows: Vec<AuditImage> = audit_log::table
            .filter(audit_log::id.gt(last_id))
            .filter(audit_log::entity_type.eq_any(&types))
            .order(audit_log::id.asc())
            .limit(2_000)
            .select((
                audit_log::id,
                audit_log::recorded_at,
                audit_log::user_id,
                audit_log::entity_type,
                audit_log::operation,
                audit_log::entity_id,
                audit_log::before_json,
                audit_log::after_json,
            ))
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        last_id = last.0;
        for (id, recorded_at, user_id, entity_type, operation, key, before, after) in rows {
            let Some(key) = key else { continue };
            let before = before.and_then(|t| serde_json::from_str::<Value>(&t).ok());
            let after = after.and_then(|t| serde_json::from_str::<Value>(&t).ok());
            let write = Write {
                entity_type: &entity_type,
                entity_key: &key,
                operation: &operation,
                before: before.as_ref(),
                after: after.as_ref(),
                recorded_at,
                recorded_by: user_id,
                reason: "",
                audit_id: Some(id),
            };
            capture(conn, &write)?;
            if operation == "action.update"
                && let (Some(before), Some(after)) = (&before, &after)
                && let Ok(action_id) = key.parse::<i64>()
            {
                budget_to_plan(conn, action_id, before, after, &write)?;
            }
        }
    }
    Ok(())
}

/// Before versioned history an action had a budget of its own beside its plans' budgets, and an
/// edit changed only its own. Such an edit becomes a plan recorded at the same moment: the plan
/// then in force with the new budget (marked `from_budget_edit`, numbered after the action's
/// last plan; plans are in force in the order they were recorded), so the plan in force at any
/// moment carries the budget the action had then. Nothing when the plan then in force has that
/// budget already (a second run makes no second plan). Returns whether it made one.
fn budget_to_plan(
    conn: &mut DbConnection,
    action_id: i64,
    before: &Value,
    after: &Value,
    write: &Write<'_>,
) -> QueryResult<bool> {
    let budget = |image: &Value| image.get("budget_cents").and_then(Value::as_i64);
    if budget(before) == budget(after) || after.get("budget_cents").is_none() {
        return Ok(false);
    }
    let in_force: Option<(NaiveDate, NaiveDate, String, Option<i64>)> = baselines::table
        .filter(baselines::action_id.eq(action_id))
        .filter(baselines::recorded_at.le(write.recorded_at))
        .order((baselines::recorded_at.desc(), baselines::id.desc()))
        .select((
            baselines::planned_start,
            baselines::planned_end,
            baselines::target_note,
            baselines::budget_cents,
        ))
        .first(conn)
        .optional()?;
    let Some((start, end, target_note, budget_then)) = in_force else {
        return Ok(false);
    };
    if budget_then == budget(after) {
        return Ok(false);
    }
    let last: i32 = baselines::table
        .filter(baselines::action_id.eq(action_id))
        .select(diesel::dsl::max(baselines::seq))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0);
    diesel::insert_into(baselines::table)
        .values((
            baselines::action_id.eq(action_id),
            baselines::seq.eq(last + 1),
            baselines::planned_start.eq(start),
            baselines::planned_end.eq(end),
            baselines::budget_cents.eq(budget(after)),
            baselines::target_note.eq(target_note),
            baselines::reason.eq(BUDGET_EDIT_REASON),
            baselines::recorded_at.eq(write.recorded_at),
            baselines::recorded_by.eq(write.recorded_by),
            baselines::from_budget_edit.eq(true),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The reason of a plan made from an edit of an action's own budget.
pub const BUDGET_EDIT_REASON: &str = "Begroting gewijzigd (vóór de versiegeschiedenis)";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_image_without_every_versioned_field_is_not_a_description() {
        let fields = fields_of("action").unwrap();
        let progress = json!({"status": "on_track", "percent_complete": 10});
        assert_eq!(project(fields, &progress), None);
        let full = json!({
            "id": 1, "title": "T", "description": "", "responsible": "", "theme": "housing",
            "programme": null, "target_groups": ["youth"], "status": "on_track"
        });
        let kept = project(fields, &full).unwrap();
        assert_eq!(kept.len(), 6);
        assert!(!kept.contains_key("status"));
        assert!(fields_of("user").is_none());
    }

    fn row(id: i64, at: &str, state: Option<&str>) -> VersionRow {
        VersionRow {
            id,
            entity_key: "1".into(),
            recorded_at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap(),
            state_json: state.map(str::to_string),
            reason: String::new(),
            recorded_by: None,
        }
    }

    #[test]
    fn the_state_then_is_the_newest_version_before_the_moment() {
        let at = |s| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let list = vec![
            row(1, "2021-01-01 10:00:00", Some(r#"{"name":"a"}"#)),
            row(2, "2021-02-01 10:00:00", Some(r#"{"name":"b"}"#)),
            row(3, "2021-03-01 10:00:00", None),
        ];
        assert_eq!(then(Some(&list), at("2020-12-31 00:00:00")), Then::Absent);
        let Then::State(state) = then(Some(&list), at("2021-02-01 10:00:01")) else {
            panic!("a state");
        };
        assert_eq!(text(&state, "name").as_deref(), Some("b"));
        // Strictly before: a version recorded at the moment itself does not count yet.
        let Then::State(state) = then(Some(&list), at("2021-02-01 10:00:00")) else {
            panic!("a state");
        };
        assert_eq!(text(&state, "name").as_deref(), Some("a"));
        assert_eq!(then(Some(&list), at("2021-04-01 00:00:00")), Then::Absent);
        assert_eq!(then(None, at("2021-04-01 00:00:00")), Then::AsCreated);
        // Reports: before its first version an entity reads as first recorded; removed, it is
        // gone.
        let known = at("2021-06-01 00:00:00");
        let Then::State(first) = then_or_first(Some(&list), at("2020-12-31 00:00:00"), known)
        else {
            panic!("the first state");
        };
        assert_eq!(text(&first, "name").as_deref(), Some("a"));
        assert_eq!(
            then_or_first(Some(&list), at("2021-04-01 00:00:00"), known),
            Then::Absent
        );
        // Not yet recorded when the report was made: left out.
        assert_eq!(
            then_or_first(
                Some(&list),
                at("2020-12-31 00:00:00"),
                at("2021-01-01 00:00:00")
            ),
            Then::Absent
        );
    }
}
