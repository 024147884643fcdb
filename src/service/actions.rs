//! Actions: the work in one area, with its append-only progress history and its baselines.
//! Reads take an optional `as_of` and then rebuild the state from history; without it they use
//! the cached current state on the action row, which every write keeps in step.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::{Deserialize, Serialize};

use crate::auth::policy::Owner;
use crate::db::models::{
    Action, Baseline, NewAction, NewBaseline, NewProgressUpdate, ProgressUpdate,
};
use crate::db::schema::{action_target_groups, actions, baselines, progress_updates};
use crate::db::versions::{self, Then};
use crate::db::{self, DbConnection};
use crate::domain::asof::{AsOf, ProgressPoint, progress_at};
use crate::domain::rollup::StatusCounts;
use crate::domain::{self, ActionId, ActionStatus, MinistryId, MunicipalityId, Named};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::audit::{self, Actor};
use crate::service::change::{self, Change, Versioned};
use crate::service::codes::{Codes, Kind, check, resolve, resolve_list};
use crate::service::validate;

/// Checks that the caller may change an object of this owner (the policy's object check).
pub type Authorize<'a> = &'a dyn Fn(Owner) -> Result<()>;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

pub use crate::domain::{MAX_NOTE, MAX_TITLE};

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct PlanJson {
    pub seq: i32,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub budget_cents: Option<i64>,
    pub target_note: String,
    pub reason: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

impl From<&Baseline> for PlanJson {
    fn from(b: &Baseline) -> Self {
        Self {
            seq: b.seq,
            planned_start: b.planned_start,
            planned_end: b.planned_end,
            budget_cents: b.budget_cents,
            target_note: b.target_note.clone(),
            reason: b.reason.clone(),
            recorded_at: b.recorded_at,
        }
    }
}

/// An action as the API shows it: codes, not ids; the state now, or as of a moment.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ActionJson {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub area: String,
    pub municipality: String,
    pub ministry: String,
    pub theme: String,
    pub programme: Option<String>,
    pub target_groups: Vec<String>,
    pub responsible: String,
    pub budget_cents: Option<i64>,
    /// The dates of the plan in force (the latest baseline at the moment asked for).
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub status: ActionStatus,
    pub percent_complete: i32,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub last_update_at: Option<NaiveDateTime>,
    /// The first plan, never rewritten: deviations are shown against it as well.
    pub original_plan: Option<PlanJson>,
    /// The plan in force.
    pub current_plan: Option<PlanJson>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
    /// The moment this state is for, when asked for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::json::utc_option")]
    pub as_of: Option<NaiveDateTime>,
}

impl ActionJson {
    pub fn owner(&self, codes: &Codes) -> Owner {
        Owner {
            ministry: codes.ministry_id(&self.ministry).map(MinistryId::from),
            municipality: codes
                .municipality_id(&self.municipality)
                .map(MunicipalityId::from),
        }
    }
}

impl Versioned for ActionJson {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The owner of an action row, for the policy.
pub fn owner_of(action: &Action, codes: &Codes) -> Owner {
    Owner {
        ministry: Some(MinistryId::from(action.ministry_id)),
        municipality: codes
            .area_municipality(action.area_id)
            .map(MunicipalityId::from),
    }
}

/// The same as [`owner_of`] with one lookup instead of every code list, for the writes that
/// touch one action (a progress update: the code lists were a fifth of its work).
fn owner_in(conn: &mut DbConnection, action: &Action) -> Result<Owner> {
    let municipality_id = crate::db::schema::areas::table
        .find(action.area_id)
        .select(crate::db::schema::areas::municipality_id)
        .get_result::<i64>(conn)
        .optional()?;
    Ok(Owner {
        ministry: Some(MinistryId::from(action.ministry_id)),
        municipality: municipality_id.map(MunicipalityId::from),
    })
}

/// Filters, sort and paging of the action list. Lists of codes are comma-separated; a code may
/// be given as its Dutch or English name, in any case (`szw`, `rood`, `Schuldenproblematiek`);
/// an unknown one is refused (422) with the valid values.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionFilter {
    /// Area codes or names (`rotterdam-zuid`, `Den Haag Zuidwest`).
    pub area: Option<String>,
    /// Municipality codes or names.
    pub municipality: Option<String>,
    /// Ministry codes (`BZK`, `szw`) or names.
    pub ministry: Option<String>,
    /// Theme codes or Dutch or English names (`debt`, `Schuldenproblematiek`).
    pub theme: Option<String>,
    /// Target group codes or names.
    pub target_group: Option<String>,
    /// Statuses (`off_track`) or their words (`rood`, `red`, `niet gestart`).
    pub status: Option<String>,
    /// Programme codes or titles.
    pub programme: Option<String>,
    /// Free text, matched in title, description and responsible (case-insensitive).
    pub q: Option<String>,
    /// `id`, `title`, `area`, `status`, `percent_complete`, `planned_end`, `updated_at`;
    /// a leading `-` sorts descending.
    pub sort: Option<String>,
    /// A date (end of that day, Europe/Amsterdam) or a date-time.
    pub as_of: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Id,
    Title,
    Area,
    Status,
    Percent,
    PlannedEnd,
    UpdatedAt,
}

struct ResolvedFilter {
    areas: Option<Vec<i64>>,
    ministries: Option<Vec<i64>>,
    themes: Option<Vec<i64>>,
    target_groups: Option<Vec<i64>>,
    programmes: Option<Vec<i64>>,
    statuses: Option<Vec<ActionStatus>>,
    q: Option<String>,
    sort: SortKey,
    descending: bool,
    as_of: Option<AsOf>,
}

fn parse_as_of(value: Option<&str>, errors: &mut Vec<FieldError>) -> Option<AsOf> {
    value.and_then(|v| match AsOf::parse(v) {
        Ok(as_of) => Some(as_of.not_after(db::now())),
        Err(message) => {
            errors.push(FieldError::new("as_of", message));
            None
        }
    })
}

/// Parses an `as_of` query value, naming the parameter when it is bad.
pub fn as_of_param(value: Option<&str>) -> Result<Option<AsOf>> {
    let mut errors = Vec::new();
    let as_of = parse_as_of(value, &mut errors);
    check(errors)?;
    Ok(as_of)
}

/// Checks a filter against the codes without touching the database: the error names every bad
/// field. Lists check their filters this way first; the fuzz target feeds it arbitrary queries.
pub fn validate_filter(filter: &ActionFilter, codes: &Codes) -> Result<()> {
    resolve_filter(filter, codes).map(|_| ())
}

/// The areas a filter asks for: by `area`, narrowed to (or else all of) the areas of the
/// municipalities in `municipality`.
fn resolve_areas(
    filter: &ActionFilter,
    codes: &Codes,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<i64>> {
    let mut areas = filter
        .area
        .as_deref()
        .map(|v| resolve_list("area", Kind::Area, v, codes, errors));
    if let Some(municipality_codes) = &filter.municipality {
        let municipalities = resolve_list(
            "municipality",
            Kind::Municipality,
            municipality_codes,
            codes,
            errors,
        );
        let in_municipalities: Vec<i64> = codes
            .areas
            .iter()
            .filter(|(_, (_, m))| municipalities.contains(m))
            .map(|(id, _)| *id)
            .collect();
        areas = Some(match areas {
            Some(chosen) => chosen
                .into_iter()
                .filter(|a| in_municipalities.contains(a))
                .collect(),
            None => in_municipalities,
        });
    }
    areas
}

/// The statuses of a comma-separated `status` filter.
fn resolve_statuses(
    value: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<ActionStatus>> {
    value.map(|value| {
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .filter_map(|s| match ActionStatus::from_name(s) {
                Ok(status) => Some(status),
                Err(err) => {
                    errors.push(FieldError::new("status", Msg::from(err)));
                    None
                }
            })
            .collect()
    })
}

/// The sort key of `sort` (`id` by default; `-` before it for descending).
fn resolve_sort(value: Option<&str>, errors: &mut Vec<FieldError>) -> (SortKey, bool) {
    let text = value.unwrap_or("id");
    let (descending, key) = match text.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, text),
    };
    let sort = match key {
        "id" => SortKey::Id,
        "title" => SortKey::Title,
        "area" => SortKey::Area,
        "status" => SortKey::Status,
        "percent_complete" => SortKey::Percent,
        "planned_end" => SortKey::PlannedEnd,
        "updated_at" => SortKey::UpdatedAt,
        _ => {
            errors.push(FieldError::new("sort", Msg::SortKey));
            SortKey::Id
        }
    };
    (sort, descending)
}

fn resolve_filter(filter: &ActionFilter, codes: &Codes) -> Result<ResolvedFilter> {
    let mut errors = Vec::new();
    let list = |field: &str, value: &Option<String>, kind: Kind, errors: &mut Vec<FieldError>| {
        value
            .as_deref()
            .map(|v| resolve_list(field, kind, v, codes, errors))
    };
    let areas = resolve_areas(filter, codes, &mut errors);
    let ministries = list("ministry", &filter.ministry, Kind::Ministry, &mut errors);
    let themes = list("theme", &filter.theme, Kind::Theme, &mut errors);
    let target_groups = list(
        "target_group",
        &filter.target_group,
        Kind::TargetGroup,
        &mut errors,
    );
    let programmes = list("programme", &filter.programme, Kind::Programme, &mut errors);
    let statuses = resolve_statuses(filter.status.as_deref(), &mut errors);
    let q = filter
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string);
    if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        errors.push(FieldError::new("q", Msg::TooLong { max: 200 }));
    }
    let (sort, descending) = resolve_sort(filter.sort.as_deref(), &mut errors);
    let as_of = parse_as_of(filter.as_of.as_deref(), &mut errors);
    check(errors)?;
    Ok(ResolvedFilter {
        areas,
        ministries,
        themes,
        target_groups,
        programmes,
        statuses,
        q,
        sort,
        descending,
        as_of,
    })
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

type BoxedActions<'a> = actions::BoxedQuery<'a, crate::db::MultiBackend>;
/// A condition on the actions table, boxed so the same filter goes into differently shaped
/// queries (a page of rows, counts grouped per cell).
type ActionPredicate =
    Box<dyn BoxableExpression<actions::table, crate::db::MultiBackend, SqlType = Bool>>;

/// The SQL part of the filter (everything but an as-of status), as one condition; `None`
/// when it lets every action through.
/// The filter in SQL. `now`: the rows say what the actions are now, so every part applies;
/// otherwise only what never changes (area, ministry) and existence do, and [`matches_then`]
/// applies the rest to the actions as they were.
fn predicate(filter: &ResolvedFilter, now: bool) -> Option<ActionPredicate> {
    let mut parts: Vec<ActionPredicate> = Vec::new();
    if let Some(ids) = &filter.areas {
        parts.push(Box::new(actions::area_id.eq_any(ids.clone())));
    }
    if let Some(ids) = &filter.ministries {
        parts.push(Box::new(actions::ministry_id.eq_any(ids.clone())));
    }
    if let Some(as_of) = filter.as_of {
        parts.push(Box::new(actions::created_at.lt(as_of.before)));
    }
    if !now {
        return parts
            .into_iter()
            .reduce(|all, next| Box::new(all.and(next)));
    }
    if let Some(ids) = &filter.themes {
        parts.push(Box::new(actions::theme_id.eq_any(ids.clone())));
    }
    if let Some(ids) = &filter.programmes {
        // NULL is in no list: assuming it away changes the type, not the answer.
        parts.push(Box::new(
            actions::programme_id.assume_not_null().eq_any(ids.clone()),
        ));
    }
    if let Some(ids) = &filter.target_groups {
        let tagged = action_target_groups::table
            .filter(action_target_groups::target_group_id.eq_any(ids.clone()))
            .select(action_target_groups::action_id);
        parts.push(Box::new(actions::id.eq_any(tagged)));
    }
    if let Some(q) = &filter.q {
        let pattern = escape_like(q);
        parts.push(Box::new(
            lower(actions::title)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(actions::description)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(actions::responsible).like(pattern).escape('\\')),
        ));
    }
    if let Some(statuses) = &filter.statuses {
        let codes: Vec<&'static str> = statuses.iter().map(|s| s.as_str()).collect();
        parts.push(Box::new(actions::status.eq_any(codes)));
    }
    parts
        .into_iter()
        .reduce(|all, next| Box::new(all.and(next)))
}

/// The actions matching the SQL part of the filter.
fn filtered(filter: &ResolvedFilter, now: bool) -> BoxedActions<'static> {
    let query = actions::table.into_boxed();
    match predicate(filter, now) {
        Some(condition) => query.filter(condition),
        None => query,
    }
}

fn sorted(query: BoxedActions<'static>, sort: SortKey, descending: bool) -> BoxedActions<'static> {
    macro_rules! by {
        ($column:expr) => {
            if descending {
                query.order(($column.desc(), actions::id.desc()))
            } else {
                query.order(($column.asc(), actions::id.asc()))
            }
        };
    }
    match sort {
        SortKey::Id => {
            if descending {
                query.order(actions::id.desc())
            } else {
                query.order(actions::id.asc())
            }
        }
        SortKey::Title => by!(actions::title),
        SortKey::Area => by!(actions::area_id),
        SortKey::Status => by!(actions::status),
        SortKey::Percent => by!(actions::percent_complete),
        SortKey::PlannedEnd => by!(actions::planned_end),
        SortKey::UpdatedAt => by!(actions::updated_at),
    }
}

/// Runs `f` over `ids` in chunks small enough for either backend's bind-parameter limit.
fn in_chunks<T>(
    ids: &[i64],
    mut f: impl FnMut(&[i64]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(5_000) {
        out.extend(f(chunk)?);
    }
    Ok(out)
}

/// The target group codes of the actions `ids`.
fn target_groups_of(
    conn: &mut DbConnection,
    codes: &Codes,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>> {
    let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
    for (action_id, group_id) in in_chunks(ids, |chunk| {
        action_target_groups::table
            .filter(action_target_groups::action_id.eq_any(chunk))
            .select((
                action_target_groups::action_id,
                action_target_groups::target_group_id,
            ))
            .load::<(i64, i64)>(conn)
    })? {
        groups
            .entry(action_id)
            .or_default()
            .push(codes.target_group(group_id).to_string());
    }
    Ok(groups)
}

/// The plans of the actions `ids` recorded before `as_of`, in the order they were recorded
/// (which is their `seq` order, but for plans made from old budget edits): the original first,
/// the one in force last.
fn plans_of(
    conn: &mut DbConnection,
    ids: &[i64],
    as_of: Option<AsOf>,
) -> Result<HashMap<i64, Vec<Baseline>>> {
    let mut plans: HashMap<i64, Vec<Baseline>> = HashMap::new();
    for baseline in in_chunks(ids, |chunk| {
        let mut query = baselines::table
            .filter(baselines::action_id.eq_any(chunk))
            .into_boxed();
        if let Some(as_of) = as_of {
            query = query.filter(baselines::recorded_at.lt(as_of.before));
        }
        query
            .order((baselines::action_id, baselines::recorded_at, baselines::id))
            .select(Baseline::as_select())
            .load(conn)
    })? {
        plans.entry(baseline.action_id).or_default().push(baseline);
    }
    Ok(plans)
}

/// The progress updates of the actions `ids` recorded before `as_of`.
fn history_of(
    conn: &mut DbConnection,
    ids: &[i64],
    as_of: AsOf,
) -> Result<HashMap<i64, Vec<ProgressPoint>>> {
    let mut history: HashMap<i64, Vec<ProgressPoint>> = HashMap::new();
    for (id, action_id, recorded_at, status, percent) in in_chunks(ids, |chunk| {
        progress_updates::table
            .filter(progress_updates::action_id.eq_any(chunk))
            .filter(progress_updates::recorded_at.lt(as_of.before))
            .select((
                progress_updates::id,
                progress_updates::action_id,
                progress_updates::recorded_at,
                progress_updates::status,
                progress_updates::percent_complete,
            ))
            .load::<(i64, i64, NaiveDateTime, String, i32)>(conn)
    })? {
        let status = status.parse().map_err(Error::internal)?;
        history.entry(action_id).or_default().push(ProgressPoint {
            id,
            recorded_at,
            status,
            percent_complete: percent,
        });
    }
    Ok(history)
}

/// Turns action rows into their JSON, at a moment or now. Loads the related rows in a few
/// queries for all actions together.
pub fn to_json(
    conn: &mut DbConnection,
    codes: &Codes,
    rows: Vec<Action>,
    as_of: Option<AsOf>,
) -> Result<Vec<ActionJson>> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let mut groups = target_groups_of(conn, codes, &ids)?;
    let mut plans = plans_of(conn, &ids, as_of)?;
    let history = match as_of {
        Some(as_of) => history_of(conn, &ids, as_of)?,
        None => HashMap::new(),
    };
    described_then(conn, rows, as_of)?
        .into_iter()
        .map(|(action, then)| {
            let plans = plans.remove(&action.id).unwrap_or_default();
            let original = plans.first().map(PlanJson::from);
            let current = plans.last().map(PlanJson::from);
            let (status, percent_complete, last_update_at) = match as_of {
                Some(as_of) => progress_at(
                    history.get(&action.id).map(Vec::as_slice).unwrap_or(&[]),
                    Some(as_of),
                ),
                None => (
                    action.status.parse().map_err(Error::internal)?,
                    action.percent_complete,
                    action.last_update_at,
                ),
            };
            let (planned_start, planned_end) = current
                .as_ref()
                .map(|p| (p.planned_start, p.planned_end))
                .unwrap_or((action.planned_start, action.planned_end));
            let mut target_groups = groups.remove(&action.id).unwrap_or_default();
            target_groups.sort();
            let mut json = ActionJson {
                id: action.id,
                area: codes.area(action.area_id).to_string(),
                municipality: codes
                    .area_municipality(action.area_id)
                    .map(|m| codes.municipality(m).to_string())
                    .unwrap_or_default(),
                ministry: codes.ministry(action.ministry_id).to_string(),
                theme: codes.theme(action.theme_id).to_string(),
                programme: action.programme_id.map(|p| codes.programme(p).to_string()),
                target_groups,
                title: action.title,
                description: action.description,
                responsible: action.responsible,
                // One budget: the plan's in force (the row keeps a copy of it, for sorting).
                budget_cents: current
                    .as_ref()
                    .map_or(action.budget_cents, |p| p.budget_cents),
                planned_start,
                planned_end,
                status,
                percent_complete,
                last_update_at,
                original_plan: original,
                current_plan: current,
                created_at: action.created_at,
                updated_at: action.updated_at,
                version: action.version,
                as_of: as_of.map(|a| a.before - chrono::Duration::microseconds(1)),
            };
            if let Some(state) = then {
                describe_as_then(&mut json, &state);
            }
            Ok(json)
        })
        .collect()
}

/// The versioned fields of an action at a moment.
type Described = serde_json::Map<String, serde_json::Value>;

/// The actions that existed at `as_of`, each with its versioned fields then when they differ
/// from its row (all of them, with `None`, without a moment).
fn described_then(
    conn: &mut DbConnection,
    rows: Vec<Action>,
    as_of: Option<AsOf>,
) -> Result<Vec<(Action, Option<Described>)>> {
    let Some(as_of) = as_of else {
        return Ok(rows.into_iter().map(|row| (row, None)).collect());
    };
    let keys: Vec<String> = rows.iter().map(|a| a.id.to_string()).collect();
    let mut described = versions::states(conn, "action", Some(&keys), as_of.before)?;
    Ok(rows
        .into_iter()
        .filter(|action| as_of.includes(action.created_at))
        .filter_map(|action| match described.remove(&action.id.to_string()) {
            Some(Then::Absent) => None,
            Some(Then::State(state)) => Some((action, Some(state))),
            Some(Then::AsCreated) | None => Some((action, None)),
        })
        .collect())
}

/// An action described as it was: its versioned fields (see `db::versions::TRACKED`).
fn describe_as_then(action: &mut ActionJson, state: &serde_json::Map<String, serde_json::Value>) {
    let text = |field: &str| versions::text(state, field);
    if let Some(title) = text("title") {
        action.title = title;
    }
    if let Some(description) = text("description") {
        action.description = description;
    }
    if let Some(responsible) = text("responsible") {
        action.responsible = responsible;
    }
    if let Some(theme) = text("theme") {
        action.theme = theme;
    }
    if let Some(programme) = state.get("programme") {
        action.programme = programme.as_str().map(str::to_string);
    }
    if let Some(groups) = state
        .get("target_groups")
        .and_then(serde_json::Value::as_array)
    {
        let mut groups: Vec<String> = groups
            .iter()
            .filter_map(|g| g.as_str().map(str::to_string))
            .collect();
        groups.sort();
        action.target_groups = groups;
    }
}

fn compare(a: &ActionJson, b: &ActionJson, key: SortKey) -> std::cmp::Ordering {
    match key {
        SortKey::Id => a.id.cmp(&b.id),
        SortKey::Title => a.title.cmp(&b.title),
        SortKey::Area => a.area.cmp(&b.area),
        SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
        SortKey::Percent => a.percent_complete.cmp(&b.percent_complete),
        SortKey::PlannedEnd => a.planned_end.cmp(&b.planned_end),
        SortKey::UpdatedAt => a.updated_at.cmp(&b.updated_at),
    }
    .then(a.id.cmp(&b.id))
}

/// A page of actions with the total that match.
pub fn list(
    conn: &mut DbConnection,
    filter: &ActionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ActionJson>, i64)> {
    let codes = Codes::load(conn)?;
    let resolved = resolve_filter(filter, &codes)?;
    match resolved.as_of {
        None => {
            let total = filtered(&resolved, true).count().get_result(conn)?;
            let rows: Vec<Action> = sorted(
                filtered(&resolved, true),
                resolved.sort,
                resolved.descending,
            )
            .limit(limit)
            .offset(offset)
            .select(Action::as_select())
            .load(conn)?;
            Ok((to_json(conn, &codes, rows, None)?, total))
        }
        Some(as_of) => {
            let items = replayed(conn, &codes, &resolved, as_of)?;
            let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let page = items
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(0))
                .take(usize::try_from(limit).unwrap_or(0))
                .collect();
            Ok((page, total))
        }
    }
}

/// Whether an action as it was matches the parts of the filter that can change: its status,
/// theme, programme, target groups and texts.
fn matches_then(filter: &ResolvedFilter, codes: &Codes, action: &ActionJson) -> bool {
    let named = |ids: &Option<Vec<i64>>, name: &dyn Fn(i64) -> String, value: Option<&str>| {
        ids.as_ref()
            .is_none_or(|ids| value.is_some_and(|v| ids.iter().any(|id| name(*id) == v)))
    };
    let q = filter.q.as_ref().is_none_or(|q| {
        let q = q.to_lowercase();
        [&action.title, &action.description, &action.responsible]
            .iter()
            .any(|text| text.to_lowercase().contains(&q))
    });
    let groups = filter.target_groups.as_ref().is_none_or(|ids| {
        ids.iter().any(|id| {
            let code = codes.target_group(*id);
            action.target_groups.iter().any(|g| g == code)
        })
    });
    filter
        .statuses
        .as_ref()
        .is_none_or(|s| s.contains(&action.status))
        && named(
            &filter.themes,
            &|id| codes.theme(id).to_string(),
            Some(&action.theme),
        )
        && named(
            &filter.programmes,
            &|id| codes.programme(id).to_string(),
            action.programme.as_deref(),
        )
        && groups
        && q
}

/// Every action that matched at a moment, sorted: the status then is known only after
/// replaying history, so filtering by status, sorting and paging happen here.
fn replayed(
    conn: &mut DbConnection,
    codes: &Codes,
    resolved: &ResolvedFilter,
    as_of: AsOf,
) -> Result<Vec<ActionJson>> {
    let rows: Vec<Action> = filtered(resolved, false)
        .select(Action::as_select())
        .load(conn)?;
    let mut items = to_json(conn, codes, rows, Some(as_of))?;
    items.retain(|a| matches_then(resolved, codes, a));
    items.sort_by(|a, b| compare(a, b, resolved.sort));
    if resolved.descending {
        items.reverse();
    }
    Ok(items)
}

/// Every action that matches, without paging (exports, roll-ups).
pub fn all(conn: &mut DbConnection, filter: &ActionFilter) -> Result<Vec<ActionJson>> {
    let codes = Codes::load(conn)?;
    let resolved = resolve_filter(filter, &codes)?;
    if let Some(as_of) = resolved.as_of {
        // One replay for everything, not one per page.
        return replayed(conn, &codes, &resolved, as_of);
    }
    // One query for the rows (paging with OFFSET would scan the skipped rows again for every
    // page), then their related rows a chunk at a time.
    let rows: Vec<Action> = sorted(
        filtered(&resolved, true),
        resolved.sort,
        resolved.descending,
    )
    .select(Action::as_select())
    .load(conn)?;
    to_json(conn, &codes, rows, None)
}

/// Status counts per (area, ministry, theme) code.
pub type StatusCells = BTreeMap<(String, String, String), StatusCounts>;
/// A milestone's (original due, due, done) dates.
pub type MilestoneDates = (NaiveDate, NaiveDate, Option<NaiveDate>);

/// The matching actions now, counted per (area, ministry, theme) code and status, and with
/// `with_milestones` their milestones' dates: what the overview charts draw, read as five
/// columns per action and three per milestone instead of every action in full.
pub fn chart_rows(
    conn: &mut DbConnection,
    filter: &ActionFilter,
    with_milestones: bool,
) -> Result<(StatusCells, Vec<MilestoneDates>)> {
    use crate::db::schema::milestones;
    let codes = Codes::load(conn)?;
    let resolved = resolve_filter(filter, &codes)?;
    if resolved.as_of.is_some() {
        return Err(Error::internal("chart_rows is for now, not a moment"));
    }
    // Counted by the database: a few thousand cells come back instead of a row per action.
    let mut counted = actions::table
        .group_by((
            actions::area_id,
            actions::ministry_id,
            actions::theme_id,
            actions::status,
        ))
        .select((
            actions::area_id,
            actions::ministry_id,
            actions::theme_id,
            actions::status,
            diesel::dsl::count_star(),
        ))
        .into_boxed();
    if let Some(condition) = predicate(&resolved, true) {
        counted = counted.filter(condition);
    }
    let rows: Vec<(i64, i64, i64, String, i64)> = counted.load(conn)?;
    let name = |map: &HashMap<i64, String>, id: i64| map.get(&id).cloned().unwrap_or_default();
    let mut by_id: HashMap<(i64, i64, i64), StatusCounts> = HashMap::new();
    for (area, ministry, theme, status, count) in &rows {
        let status: ActionStatus = status.parse().map_err(Error::internal)?;
        by_id
            .entry((*area, *ministry, *theme))
            .or_default()
            .add_many(status, u32::try_from(*count).map_err(Error::internal)?);
    }
    let cells = by_id
        .into_iter()
        .map(|((area, ministry, theme), counts)| {
            let area = codes
                .areas
                .get(&area)
                .map(|(code, _)| code.clone())
                .unwrap_or_default();
            (
                (
                    area,
                    name(&codes.ministries, ministry),
                    name(&codes.themes, theme),
                ),
                counts,
            )
        })
        .collect();
    if !with_milestones {
        return Ok((cells, Vec::new()));
    }
    // Only the ids: a boxed query for the multi-backend connection cannot be a subquery.
    let ids: Vec<i64> = filtered(&resolved, true).select(actions::id).load(conn)?;
    let dates = in_chunks(&ids, |chunk| {
        milestones::table
            .filter(milestones::action_id.eq_any(chunk))
            .select((
                milestones::original_due_date,
                milestones::due_date,
                milestones::done_on,
            ))
            .load(conn)
    })?;
    Ok((cells, dates))
}

fn load_row(conn: &mut DbConnection, id: i64) -> Result<Action> {
    actions::table
        .find(id)
        .select(Action::as_select())
        .get_result(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(Label::Action, id))
}

/// One action, now or as of a moment (404 when it did not exist yet).
pub fn get(conn: &mut DbConnection, id: ActionId, as_of: Option<AsOf>) -> Result<ActionJson> {
    let id = id.get();
    let codes = Codes::load(conn)?;
    let row = load_row(conn, id)?;
    if as_of.is_some_and(|a| !a.includes(row.created_at)) {
        return Err(Error::NotFound(Msg::NotFoundThen {
            kind: Label::Action,
            id: id.to_string(),
        }));
    }
    to_json(conn, &codes, vec![row], as_of)?
        .pop()
        .ok_or_else(|| {
            Error::NotFound(Msg::NotFoundThen {
                kind: Label::Action,
                id: id.to_string(),
            })
        })
}

/// A new action and its original plan.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActionInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Area code.
    pub area: String,
    /// Ministry code: the ministry that leads the action.
    pub ministry: String,
    /// Theme code.
    pub theme: String,
    /// Programme code.
    pub programme: Option<String>,
    #[serde(default)]
    pub target_groups: Vec<String>,
    #[serde(default)]
    pub responsible: String,
    pub budget_cents: Option<i64>,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
}

fn check_plan(start: NaiveDate, end: NaiveDate, budget: Option<i64>, errors: &mut Vec<FieldError>) {
    if end < start {
        errors.push(FieldError::new("planned_end", Msg::EndBeforeStart));
    }
    validate::not_negative("budget_cents", budget, errors);
    validate::year("planned_start", start, errors);
    validate::year("planned_end", end, errors);
}

fn target_group_ids(codes: &Codes, groups: &[String], errors: &mut Vec<FieldError>) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, code) in groups.iter().enumerate() {
        if let Some(id) = resolve(
            &format!("target_groups.{i}"),
            Kind::TargetGroup,
            code,
            codes,
            errors,
        ) && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

fn set_target_groups(conn: &mut DbConnection, action_id: i64, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(
        action_target_groups::table.filter(action_target_groups::action_id.eq(action_id)),
    )
    .execute(conn)?;
    for id in ids {
        diesel::insert_into(action_target_groups::table)
            .values((
                action_target_groups::action_id.eq(action_id),
                action_target_groups::target_group_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The ids a new action's codes stand for, once its input passed every check.
struct Resolved {
    area_id: i64,
    ministry_id: i64,
    theme_id: i64,
    programme_id: Option<i64>,
    groups: Vec<i64>,
}

/// Checks a new action's input and resolves its codes, naming every field at fault.
fn check_new(codes: &Codes, input: &NewActionInput) -> Result<Resolved> {
    let mut errors = Vec::new();
    validate::text("title", &input.title, 1, MAX_TITLE, &mut errors);
    validate::text("description", &input.description, 0, MAX_NOTE, &mut errors);
    validate::text("responsible", &input.responsible, 0, 200, &mut errors);
    let area_id = resolve("area", Kind::Area, &input.area, codes, &mut errors);
    let ministry_id = resolve(
        "ministry",
        Kind::Ministry,
        &input.ministry,
        codes,
        &mut errors,
    );
    let theme_id = resolve("theme", Kind::Theme, &input.theme, codes, &mut errors);
    let programme_id = input
        .programme
        .as_deref()
        .and_then(|p| resolve("programme", Kind::Programme, p, codes, &mut errors));
    let groups = target_group_ids(codes, &input.target_groups, &mut errors);
    check_plan(
        input.planned_start,
        input.planned_end,
        input.budget_cents,
        &mut errors,
    );
    check(errors)?;
    let (Some(area_id), Some(ministry_id), Some(theme_id)) = (area_id, ministry_id, theme_id)
    else {
        return Err(Error::internal("codes resolved without error but missing"));
    };
    Ok(Resolved {
        area_id,
        ministry_id,
        theme_id,
        programme_id,
        groups,
    })
}

/// Creates an action with its original plan (baseline 1), after `authorize` agreed to its owner.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &NewActionInput,
    authorize: Authorize,
) -> Result<ActionJson> {
    let codes = Codes::load(conn)?;
    let Resolved {
        area_id,
        ministry_id,
        theme_id,
        programme_id,
        groups,
    } = check_new(&codes, input)?;
    authorize(Owner {
        ministry: Some(MinistryId::from(ministry_id)),
        municipality: codes.area_municipality(area_id).map(MunicipalityId::from),
    })?;
    let id = db::write_transaction(conn, |conn| -> Result<i64> {
        let now = db::now();
        let action: Action = diesel::insert_into(actions::table)
            .values(NewAction {
                area_id,
                programme_id,
                theme_id,
                ministry_id,
                title: input.title.trim(),
                description: &input.description,
                responsible: input.responsible.trim(),
                budget_cents: input.budget_cents,
                planned_start: input.planned_start,
                planned_end: input.planned_end,
                status: ActionStatus::NotStarted.as_str(),
                percent_complete: 0,
                last_update_at: None,
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
            })
            .returning(actions::all_columns)
            .get_result(conn)?;
        set_target_groups(conn, action.id, &groups)?;
        diesel::insert_into(baselines::table)
            .values(NewBaseline {
                action_id: action.id,
                seq: 1,
                planned_start: input.planned_start,
                planned_end: input.planned_end,
                budget_cents: input.budget_cents,
                target_note: "",
                reason: "oorspronkelijke planning",
                recorded_at: now,
                recorded_by: actor.user_id,
            })
            .execute(conn)?;
        let after = to_json(conn, &codes, vec![action], None)?;
        audit::record::<(), _>(
            conn,
            actor,
            "action.create",
            "action",
            Some(&after[0].id.to_string()),
            None,
            after.first(),
        )?;
        Ok(after[0].id)
    })?;
    get(conn, ActionId::from(id), None)
}

/// A change to an action's description. Plans change by re-planning, status by progress updates.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub responsible: Option<String>,
    /// A new budget: the plan in force is continued with it, as a new plan (`reason` required).
    pub budget_cents: Option<i64>,
    /// Why: required with a new budget, and kept with the new plan.
    pub reason: Option<String>,
    pub theme: Option<String>,
    /// Programme code, or an empty string for none.
    pub programme: Option<String>,
    pub target_groups: Option<Vec<String>>,
    // Named so a client that tries gets told where these change instead of "unknown field".
    #[schema(ignore)]
    pub planned_start: Option<serde_json::Value>,
    #[schema(ignore)]
    pub planned_end: Option<serde_json::Value>,
    #[schema(ignore)]
    pub status: Option<serde_json::Value>,
    #[schema(ignore)]
    pub percent_complete: Option<serde_json::Value>,
    #[schema(ignore)]
    pub area: Option<serde_json::Value>,
    #[schema(ignore)]
    pub ministry: Option<serde_json::Value>,
}

/// The texts and the budget of a change, where it has them.
fn check_change_texts(change: &ActionChange, errors: &mut Vec<FieldError>) {
    if let Some(title) = &change.title {
        validate::text("title", title, 1, MAX_TITLE, errors);
    }
    if let Some(description) = &change.description {
        validate::text("description", description, 0, MAX_NOTE, errors);
    }
    if let Some(responsible) = &change.responsible {
        validate::text("responsible", responsible, 0, 200, errors);
    }
    validate::not_negative("budget_cents", change.budget_cents, errors);
    if let Some(reason) = &change.reason {
        validate::text("reason", reason, 0, MAX_NOTE, errors);
    }
}

/// A change may not touch what has a way of its own (the plan: a re-plan; the status: a
/// progress update) or what is fixed (the area, the ministry).
fn refuse_fixed_fields(id: i64, change: &ActionChange, errors: &mut Vec<FieldError>) {
    for (field, value, message) in [
        (
            "planned_start",
            &change.planned_start,
            Msg::ReplanInstead { id },
        ),
        (
            "planned_end",
            &change.planned_end,
            Msg::ReplanInstead { id },
        ),
        ("status", &change.status, Msg::ProgressInstead { id }),
        (
            "percent_complete",
            &change.percent_complete,
            Msg::ProgressInstead { id },
        ),
        ("area", &change.area, Msg::AreaFixed),
        ("ministry", &change.ministry, Msg::MinistryFixed),
    ] {
        if value.is_some() {
            errors.push(FieldError::new(field, message));
        }
    }
}

/// The ids a change's codes stand for — theme, programme (`Some(None)`: none), target groups —
/// once the change passed every check.
type ChangedIds = (Option<i64>, Option<Option<i64>>, Option<Vec<i64>>);

/// Checks a change and resolves its codes, naming every field at fault.
fn check_change(codes: &Codes, id: i64, change: &ActionChange) -> Result<ChangedIds> {
    let mut errors = Vec::new();
    refuse_fixed_fields(id, change, &mut errors);
    check_change_texts(change, &mut errors);
    let theme_id = change
        .theme
        .as_deref()
        .and_then(|t| resolve("theme", Kind::Theme, t, codes, &mut errors));
    let programme_id = match change.programme.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(p) => resolve("programme", Kind::Programme, p, codes, &mut errors).map(Some),
    };
    let groups = change
        .target_groups
        .as_ref()
        .map(|g| target_group_ids(codes, g, &mut errors));
    check(errors)?;
    Ok((theme_id, programme_id, groups))
}

/// Changes an action at `expected_version` (412 when it moved on).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: ActionId,
    expected_version: i64,
    change: &ActionChange,
    authorize: Authorize,
) -> Result<ActionJson> {
    let id = id.get();
    let codes = Codes::load(conn)?;
    let (theme_id, programme_id, groups) = check_change(&codes, id, change)?;
    let load = |conn: &mut DbConnection| {
        let row = load_row(conn, id)?;
        to_json(conn, &codes, vec![row], None)?
            .pop()
            .ok_or_else(|| Error::not_found(Label::Action, id))
    };
    let step = Change {
        operation: "action.update",
        entity: "action",
        id: &id.to_string(),
        expected: expected_version,
        reason: "",
    };
    change::versioned(
        conn,
        actor,
        step,
        load,
        |_, before| authorize(before.owner(&codes)),
        |conn, _| {
            let row = load_row(conn, id)?;
            let now = db::now();
            let budget = match change.budget_cents {
                Some(budget) => continue_plan_with_budget(conn, actor, id, budget, change, now)?,
                None => row.budget_cents,
            };
            let updated = diesel::update(
                actions::table
                    .filter(actions::id.eq(id))
                    .filter(actions::version.eq(expected_version)),
            )
            .set((
                actions::title.eq(change.title.as_deref().map(str::trim).unwrap_or(&row.title)),
                actions::description.eq(change.description.as_deref().unwrap_or(&row.description)),
                actions::responsible.eq(change
                    .responsible
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&row.responsible)),
                actions::budget_cents.eq(budget),
                actions::theme_id.eq(theme_id.unwrap_or(row.theme_id)),
                actions::programme_id.eq(programme_id.unwrap_or(row.programme_id)),
                actions::updated_at.eq(now),
                actions::version.eq(expected_version + 1),
            ))
            .execute(conn)?;
            if updated == 0 {
                return Ok(None);
            }
            if let Some(groups) = &groups {
                set_target_groups(conn, id, groups)?;
            }
            load(conn).map(Some)
        },
    )
}

/// A progress update: the new status, percentage and a note.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    pub status: ActionStatus,
    pub percent_complete: i32,
    #[serde(default)]
    pub note: String,
}

fn check_progress(input: &ProgressInput, prefix: &str, errors: &mut Vec<FieldError>) {
    if !domain::PERCENT.contains(&input.percent_complete) {
        errors.push(FieldError::new(
            format!("{prefix}percent_complete"),
            Msg::Between {
                min: i64::from(*domain::PERCENT.start()),
                max: i64::from(*domain::PERCENT.end()),
            },
        ));
    } else if input.status == ActionStatus::Completed && input.percent_complete != 100 {
        errors.push(FieldError::new(
            format!("{prefix}percent_complete"),
            Msg::CompletedIs100,
        ));
    }
    validate::text(&format!("{prefix}note"), &input.note, 0, MAX_NOTE, errors);
    // Non-green statuses are explained in reports from their notes: ask for one.
    if input.status.needs_note() && input.note.trim().is_empty() {
        errors.push(FieldError::new(format!("{prefix}note"), Msg::NoteRequired));
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ProgressJson {
    pub id: i64,
    pub action_id: i64,
    pub status: String,
    pub percent_complete: i32,
    pub note: String,
    pub author: Option<String>,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

/// Appends one update inside an open transaction; returns it.
fn append_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &Action,
    input: &ProgressInput,
) -> Result<ProgressUpdate> {
    let now = db::now();
    let update: ProgressUpdate = diesel::insert_into(progress_updates::table)
        .values(NewProgressUpdate {
            action_id: row.id,
            status: input.status.as_str(),
            percent_complete: input.percent_complete,
            note: &input.note,
            author_id: actor.user_id,
            recorded_at: now,
        })
        .returning(progress_updates::all_columns)
        .get_result(conn)?;
    let changed = diesel::update(
        actions::table
            .filter(actions::id.eq(row.id))
            .filter(actions::version.eq(row.version)),
    )
    .set((
        actions::status.eq(input.status.as_str()),
        actions::percent_complete.eq(input.percent_complete),
        actions::last_update_at.eq(now),
        actions::updated_at.eq(now),
        actions::version.eq(row.version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(Error::PreconditionFailed);
    }
    audit::record(
        conn,
        actor,
        "action.progress",
        "action",
        Some(&row.id.to_string()),
        Some(&serde_json::json!({"status": row.status, "percent_complete": row.percent_complete})),
        Some(
            &serde_json::json!({"status": input.status, "percent_complete": input.percent_complete, "note": input.note}),
        ),
    )?;
    Ok(update)
}

/// Appends a progress update; with `expected_version` it must still be current (412 otherwise).
pub fn add_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    id: ActionId,
    expected_version: Option<i64>,
    input: &ProgressInput,
    authorize: Authorize,
) -> Result<(ProgressJson, i64)> {
    let id = id.get();
    let mut errors = Vec::new();
    check_progress(input, "", &mut errors);
    check(errors)?;
    db::write_transaction(conn, |conn| {
        // Without If-Match two updates at once are both meant: the second waits for the first
        // instead of finding the version changed under it.
        db::lock_rows(conn, "actions", &[id])?;
        let row = load_row(conn, id)?;
        authorize(owner_in(conn, &row)?)?;
        if expected_version.is_some_and(|v| v != row.version) {
            return Err(Error::PreconditionFailed);
        }
        let update = append_progress(conn, actor, &row, input)?;
        Ok((
            ProgressJson {
                id: update.id,
                action_id: update.action_id,
                status: update.status,
                percent_complete: update.percent_complete,
                note: update.note,
                author: Some(actor.name.clone()),
                recorded_at: update.recorded_at,
            },
            row.version + 1,
        ))
    })
}

/// An action's progress history, oldest first, up to a moment.
pub fn history(
    conn: &mut DbConnection,
    id: ActionId,
    as_of: Option<AsOf>,
) -> Result<Vec<ProgressJson>> {
    let id = id.get();
    load_row(conn, id)?;
    let mut query = progress_updates::table
        .left_join(crate::db::schema::users::table)
        .filter(progress_updates::action_id.eq(id))
        .into_boxed();
    if let Some(as_of) = as_of {
        query = query.filter(progress_updates::recorded_at.lt(as_of.before));
    }
    Ok(query
        .order((
            progress_updates::recorded_at.asc(),
            progress_updates::id.asc(),
        ))
        .select((
            ProgressUpdate::as_select(),
            crate::db::schema::users::username.nullable(),
        ))
        .load::<(ProgressUpdate, Option<String>)>(conn)?
        .into_iter()
        .map(|(u, author)| ProgressJson {
            id: u.id,
            action_id: u.action_id,
            status: u.status,
            percent_complete: u.percent_complete,
            note: u.note,
            author,
            recorded_at: u.recorded_at,
        })
        .collect())
}

/// One item of a bulk period update.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkItem {
    #[schema(value_type = i64)]
    pub action_id: ActionId,
    /// The version the client last saw; the item fails when the action changed since.
    pub version: Option<i64>,
    #[serde(flatten)]
    pub progress: ProgressInput,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkUpdate {
    pub items: Vec<BulkItem>,
}

pub const MAX_BULK_ITEMS: usize = 1_000;

/// Applies many progress updates at once: all of them, or (with every item's errors) none.
pub fn bulk_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    bulk: &BulkUpdate,
    authorize: Authorize,
) -> Result<Vec<ProgressJson>> {
    let mut errors = Vec::new();
    if bulk.items.is_empty() || bulk.items.len() > MAX_BULK_ITEMS {
        errors.push(FieldError::new(
            "items",
            Msg::BulkItems {
                max: MAX_BULK_ITEMS,
            },
        ));
    }
    for (i, item) in bulk.items.iter().enumerate() {
        check_progress(&item.progress, &format!("items.{i}."), &mut errors);
        if bulk.items[..i]
            .iter()
            .any(|earlier| earlier.action_id == item.action_id)
        {
            errors.push(FieldError::new(
                format!("items.{i}.action_id"),
                Msg::BulkTwice,
            ));
        }
    }
    check(errors)?;
    let codes = Codes::load(conn)?;
    db::write_transaction(conn, |conn| {
        let ids: Vec<i64> = bulk.items.iter().map(|item| item.action_id.get()).collect();
        db::lock_rows(conn, "actions", &ids)?;
        let mut errors = Vec::new();
        let mut done = Vec::new();
        for (i, item) in bulk.items.iter().enumerate() {
            let field = format!("items.{i}.action_id");
            let row = match actions::table
                .find(item.action_id.get())
                .select(Action::as_select())
                .get_result(conn)
                .optional()?
            {
                Some(row) => row,
                None => {
                    errors.push(FieldError::new(
                        field,
                        Msg::NotFound {
                            kind: Label::Action,
                            id: item.action_id.to_string(),
                        },
                    ));
                    continue;
                }
            };
            if let Err(err) = authorize(owner_of(&row, &codes)) {
                errors.push(FieldError::new(field, err.message()));
                continue;
            }
            if item.version.is_some_and(|v| v != row.version) {
                errors.push(FieldError::new(
                    format!("items.{i}.version"),
                    Msg::BulkStale {
                        version: item.version.unwrap_or_default(),
                        current: row.version,
                    },
                ));
                continue;
            }
            let update = append_progress(conn, actor, &row, &item.progress)?;
            done.push(ProgressJson {
                id: update.id,
                action_id: update.action_id,
                status: update.status,
                percent_complete: update.percent_complete,
                note: update.note,
                author: Some(actor.name.clone()),
                recorded_at: update.recorded_at,
            });
        }
        if errors.is_empty() {
            Ok(done)
        } else {
            Err(Error::Validation(errors))
        }
    })
}

/// Re-planning: a new baseline (the original stays), with the reason.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplanInput {
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub budget_cents: Option<i64>,
    #[serde(default)]
    pub target_note: String,
    pub reason: String,
}

/// The plans of an action (baseline 1 the original), up to a moment.
pub fn plans(conn: &mut DbConnection, id: ActionId, as_of: Option<AsOf>) -> Result<Vec<PlanJson>> {
    let id = id.get();
    load_row(conn, id)?;
    let mut query = baselines::table
        .filter(baselines::action_id.eq(id))
        .into_boxed();
    if let Some(as_of) = as_of {
        query = query.filter(baselines::recorded_at.lt(as_of.before));
    }
    Ok(query
        .order((baselines::recorded_at.asc(), baselines::id.asc()))
        .select(Baseline::as_select())
        .load(conn)?
        .iter()
        .map(PlanJson::from)
        .collect())
}

/// A plan to add to an action's plans.
struct NewPlan<'a> {
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    budget_cents: Option<i64>,
    target_note: &'a str,
    reason: &'a str,
}

/// Adds a plan after the action's latest; the plan in force from `now`.
fn add_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    action_id: i64,
    plan: NewPlan<'_>,
    now: NaiveDateTime,
) -> Result<Baseline> {
    let (last, latest): (Option<i32>, Option<NaiveDateTime>) = baselines::table
        .filter(baselines::action_id.eq(action_id))
        .select((
            diesel::dsl::max(baselines::seq),
            diesel::dsl::max(baselines::recorded_at),
        ))
        .first(conn)?;
    let last = last.unwrap_or(0);
    // Plans are in force in the order recorded: a clock that stepped back (another instance's,
    // an NTP correction) must not put the new plan before the one in force.
    let now = match latest {
        Some(latest) if latest >= now => latest + chrono::Duration::microseconds(1),
        _ => now,
    };
    Ok(diesel::insert_into(baselines::table)
        .values(NewBaseline {
            action_id,
            seq: last + 1,
            planned_start: plan.planned_start,
            planned_end: plan.planned_end,
            budget_cents: plan.budget_cents,
            target_note: plan.target_note,
            reason: plan.reason,
            recorded_at: now,
            recorded_by: actor.user_id,
        })
        .returning(baselines::all_columns)
        .get_result(conn)?)
}

/// A new budget: the plan in force continued with it, with the change's reason (required), unless
/// it already has that budget. Returns the budget.
fn continue_plan_with_budget(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    budget: i64,
    change: &ActionChange,
    now: NaiveDateTime,
) -> Result<Option<i64>> {
    let plan =
        plan_in_force(conn, id)?.ok_or_else(|| Error::internal("an action without a plan"))?;
    if plan.budget_cents == Some(budget) {
        return Ok(Some(budget));
    }
    let reason = change.reason.as_deref().map(str::trim).unwrap_or("");
    if reason.is_empty() {
        check(vec![FieldError::new("reason", Msg::ReasonRequired)])?;
    }
    add_plan(
        conn,
        actor,
        id,
        NewPlan {
            planned_start: plan.planned_start,
            planned_end: plan.planned_end,
            budget_cents: Some(budget),
            target_note: &plan.target_note,
            reason,
        },
        now,
    )?;
    Ok(Some(budget))
}

/// The plan in force now: the latest.
fn plan_in_force(conn: &mut DbConnection, action_id: i64) -> Result<Option<Baseline>> {
    Ok(baselines::table
        .filter(baselines::action_id.eq(action_id))
        .order((baselines::recorded_at.desc(), baselines::id.desc()))
        .select(Baseline::as_select())
        .first(conn)
        .optional()?)
}

pub fn replan(
    conn: &mut DbConnection,
    actor: &Actor,
    id: ActionId,
    expected_version: i64,
    input: &ReplanInput,
    authorize: Authorize,
) -> Result<(PlanJson, i64)> {
    let id = id.get();
    let mut errors = Vec::new();
    check_plan(
        input.planned_start,
        input.planned_end,
        input.budget_cents,
        &mut errors,
    );
    validate::text("reason", &input.reason, 1, MAX_NOTE, &mut errors);
    validate::text("target_note", &input.target_note, 0, MAX_NOTE, &mut errors);
    check(errors)?;
    let codes = Codes::load(conn)?;
    db::write_transaction(conn, |conn| {
        let row = load_row(conn, id)?;
        authorize(owner_of(&row, &codes))?;
        if row.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        let now = db::now();
        let baseline = add_plan(
            conn,
            actor,
            id,
            NewPlan {
                planned_start: input.planned_start,
                planned_end: input.planned_end,
                budget_cents: input.budget_cents.or(row.budget_cents),
                target_note: &input.target_note,
                reason: input.reason.trim(),
            },
            now,
        )?;
        let changed = diesel::update(
            actions::table
                .filter(actions::id.eq(id))
                .filter(actions::version.eq(expected_version)),
        )
        .set((
            actions::planned_start.eq(input.planned_start),
            actions::planned_end.eq(input.planned_end),
            actions::budget_cents.eq(baseline.budget_cents),
            actions::updated_at.eq(now),
            actions::version.eq(expected_version + 1),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(Error::PreconditionFailed);
        }
        let plan = PlanJson::from(&baseline);
        audit::record::<(), _>(
            conn,
            actor,
            "action.replan",
            "action",
            Some(&id.to_string()),
            None,
            Some(&plan),
        )?;
        Ok((plan, expected_version + 1))
    })
}

/// The owner of an action by id (for checks on its milestones and indicators).
pub fn owner(conn: &mut DbConnection, codes: &Codes, id: ActionId) -> Result<Owner> {
    Ok(owner_of(&load_row(conn, id.get())?, codes))
}

/// A progress update with what its action is, for lists over many actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentUpdate {
    pub update: ProgressJson,
    pub action_title: String,
    /// The area's code.
    pub area: String,
}

/// The latest progress updates over every action, or those of one area or one ministry (by
/// code), newest first: what changed; with `as_of`, those recorded before it.
pub fn recent_updates(
    conn: &mut DbConnection,
    area: Option<&str>,
    ministry: Option<&str>,
    as_of: Option<AsOf>,
    limit: i64,
) -> Result<Vec<RecentUpdate>> {
    use crate::db::schema::{areas, ministries, users};
    let mut query = progress_updates::table
        .inner_join(
            actions::table
                .inner_join(areas::table)
                .inner_join(ministries::table),
        )
        .left_join(users::table.on(progress_updates::author_id.eq(users::id.nullable())))
        .into_boxed();
    if let Some(area) = area {
        query = query.filter(areas::code.eq(area.to_string()));
    }
    if let Some(ministry) = ministry {
        query = query.filter(ministries::code.eq(ministry.to_string()));
    }
    if let Some(as_of) = as_of {
        query = query.filter(progress_updates::recorded_at.lt(as_of.before));
    }
    Ok(query
        .order((
            progress_updates::recorded_at.desc(),
            progress_updates::id.desc(),
        ))
        .limit(limit.clamp(1, 500))
        .select((
            ProgressUpdate::as_select(),
            users::username.nullable(),
            actions::title,
            areas::code,
        ))
        .load::<(ProgressUpdate, Option<String>, String, String)>(conn)?
        .into_iter()
        .map(|(u, author, action_title, area)| RecentUpdate {
            update: ProgressJson {
                id: u.id,
                action_id: u.action_id,
                status: u.status,
                percent_complete: u.percent_complete,
                note: u.note,
                author,
                recorded_at: u.recorded_at,
            },
            action_title,
            area,
        })
        .collect())
}
