//! A large, realistic programme for load and performance work: `versnelling seed --scale N`.
//!
//! The scale factor N maps to:
//! - areas: min(342, 16 × N) — the 16 real urban renewal areas first, then generated
//!   municipalities with one area each ("Zanddijk 017" / "Wijk Noord Zanddijk 017", code
//!   `gemeente-017` / `wijk-017`) at coordinates inside the Netherlands' bounding box;
//! - actions: 1,000 × N, spread evenly over those areas (action i goes to area i mod areas);
//! - per action: 16–24 progress updates (about 20), 2–4 milestones (about 3) with their events
//!   (created, sometimes rescheduled, often completed), one baseline (seq 1) and for about one
//!   action in five a re-planning (seq 2), and for half of the actions one indicator with 4–6
//!   values;
//! - five national programmes (one per theme), once.
//!
//! So `--scale 100` gives 342 areas, 100,000 actions and about 2,000,000 progress updates.
//!
//! Everything is derived from a seeded splitmix64, so every run gives the same data. The rows are
//! written with multi-row INSERTs on the inner connection (`with_backend!`), one transaction per
//! batch of actions, so progress is visible and memory stays bounded. Cached columns are written
//! consistent with their history, as the demo does: an action's status, percent and
//! `last_update_at` are its latest progress update's, its planned dates and budget its latest
//! baseline's, a milestone's dates those of its latest event. History is recorded between
//! October 2020 and the end of 2021 and an action's percent never goes down.
//!
//! Ids of actions, milestones and indicators are assigned here (after the current maximum, under
//! the write lock) so children can refer to them without reading them back; on PostgreSQL the
//! identity sequences are moved past them after every batch. The run refuses to start when any
//! programme or action exists. A failure part-way leaves the batches committed so far.

use super::rng::{Rng, add_days, day, round_percent, round_to, spread};
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::models::{NewArea, NewMunicipality, NewProgramme};
use crate::db::schema::{
    action_target_groups, actions, areas, baselines, indicator_values, indicators,
    milestone_events, milestones, ministries, municipalities, programmes, progress_updates,
    report_periods, target_groups, themes,
};
use crate::db::{self, DbConnection};
use crate::domain::ActionStatus;
use crate::error::{Error, Result};
use crate::seed::reference::{AREAS, seed_reference};
use crate::service::audit::{self, Actor};
use crate::with_backend;

/// The seed of the PRNG.
const SEED: u64 = 0x0005_CA1E_2020_1008;
/// At most this many areas: the number of Dutch municipalities in 2021.
pub const MAX_AREAS: usize = 342;
/// Actions per unit of scale.
pub const ACTIONS_PER_SCALE: usize = 1_000;
/// Areas per unit of scale (the 16 real ones at scale 1).
pub const AREAS_PER_SCALE: usize = 16;
/// Actions written per transaction.
const ACTIONS_PER_BATCH: usize = 500;
/// Rows per INSERT: at most 18 columns × 500 = 9,000 bind parameters, well within SQLite's
/// 32,766 and PostgreSQL's 65,535.
const ROWS_PER_INSERT: usize = 500;
const REPORT_PERIOD: &str = "voorjaar-2021";

/// How big a generated programme is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleConfig {
    pub areas: usize,
    pub actions: usize,
}

impl ScaleConfig {
    /// The documented mapping of `--scale N`: min(342, 16 N) areas and 1,000 N actions.
    pub fn for_scale(n: u32) -> Self {
        let n = n.max(1) as usize;
        Self {
            areas: (AREAS_PER_SCALE * n).min(MAX_AREAS),
            actions: ACTIONS_PER_SCALE * n,
        }
    }
}

/// What a run wrote.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct ScaleSummary {
    pub municipalities_added: usize,
    pub areas_added: usize,
    pub areas: usize,
    pub programmes: usize,
    pub actions: usize,
    pub action_target_groups: usize,
    pub baselines: usize,
    pub milestones: usize,
    pub milestone_events: usize,
    pub progress_updates: usize,
    pub indicators: usize,
    pub indicator_values: usize,
    pub elapsed_seconds: f64,
}

/// Generates `config` into a migrated database; `progress(done, total)` is called with the
/// number of actions written after every committed batch. Refuses with a conflict, changing
/// nothing, when any programme or action exists.
pub fn seed_scale(
    conn: &mut DbConnection,
    config: &ScaleConfig,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ScaleSummary> {
    let started = Instant::now();
    seed_reference(conn)?;
    let total = config.actions as u64;
    progress(0, total);
    let mut summary = db::write_transaction(conn, |conn| setup(conn, config))?;
    let refs = load_references(conn, config)?;
    let mut rng = Rng(SEED);
    let mut done = 0usize;
    while done < config.actions {
        let count = ACTIONS_PER_BATCH.min(config.actions - done);
        let counts =
            db::write_transaction(conn, |conn| write_batch(conn, &refs, &mut rng, done, count))?;
        summary.add(&counts);
        done += count;
        progress(done as u64, total);
    }
    summary.areas = refs.areas.len();
    summary.elapsed_seconds = started.elapsed().as_secs_f64();
    let actor = Actor::system("seed");
    db::write_transaction(conn, |conn| {
        audit::record::<(), _>(
            conn,
            &actor,
            "scale.seed",
            "programme",
            None,
            None,
            Some(&summary),
        )
    })?;
    Ok(summary)
}

impl ScaleSummary {
    fn add(&mut self, other: &ScaleSummary) {
        self.actions += other.actions;
        self.action_target_groups += other.action_target_groups;
        self.baselines += other.baselines;
        self.milestones += other.milestones;
        self.milestone_events += other.milestone_events;
        self.progress_updates += other.progress_updates;
        self.indicators += other.indicators;
        self.indicator_values += other.indicator_values;
    }
}

fn already_present() -> Error {
    Error::Conflict {
        message: crate::i18n::Msg::ScaleDataPresent,
        field: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Setup: the refusal check, generated municipalities and areas, the programmes

const PROVINCES: [&str; 12] = [
    "Groningen",
    "Fryslân",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
];
const STEMS: [&str; 12] = [
    "Zand", "Berg", "Holt", "Wester", "Ooster", "Mid", "Ven", "Hoorn", "Bree", "Dal", "Linde",
    "Wold",
];
const SUFFIXES: [&str; 11] = [
    "dijk", "veen", "wijk", "hoven", "horst", "broek", "lo", "meer", "rode", "sum", "dam",
];
const DISTRICTS: [&str; 8] = [
    "Wijk Noord",
    "Wijk Zuid",
    "Wijk Oost",
    "Wijk West",
    "Oud-Centrum",
    "Nieuw-Zuid",
    "De Velden",
    "Stationskwartier",
];

/// The generated municipality and area number `number` (17 and up).
struct GeneratedArea {
    municipality_code: String,
    municipality_name: String,
    province: &'static str,
    code: String,
    name: String,
    latitude: f64,
    longitude: f64,
}

fn generated_area(number: usize) -> GeneratedArea {
    let mut rng = Rng(SEED ^ (number as u64).wrapping_mul(0x9E37_79B9));
    let stem = rng.pick(&STEMS);
    let suffix = rng.pick(&SUFFIXES);
    let municipality_name = format!("{stem}{suffix} {number:03}");
    GeneratedArea {
        municipality_code: format!("gemeente-{number:03}"),
        province: rng.pick(&PROVINCES),
        code: format!("wijk-{number:03}"),
        name: format!("{} {municipality_name}", rng.pick(&DISTRICTS)),
        municipality_name,
        // the bounding box of the Netherlands
        latitude: round_to(rng.float(50.76, 53.46), 4),
        longitude: round_to(rng.float(3.37, 7.20), 4),
    }
}

struct ProgrammeSeed {
    code: &'static str,
    theme: &'static str,
    ministry: &'static str,
    title: &'static str,
}

const PROGRAMMES: [ProgrammeSeed; 5] = [
    ProgrammeSeed {
        code: "versnelling-huisvesting",
        theme: "housing",
        ministry: "BZK",
        title: "Versnellingsactie huisvesting kwetsbare groepen",
    },
    ProgrammeSeed {
        code: "versnelling-schulden",
        theme: "debt",
        ministry: "SZW",
        title: "Versnellingsactie schulden: vroegsignalering en doorbraakmethode",
    },
    ProgrammeSeed {
        code: "versnelling-onderwijs",
        theme: "education",
        ministry: "OCW",
        title: "Versnellingsactie onderwijsachterstanden",
    },
    ProgrammeSeed {
        code: "versnelling-jongeren",
        theme: "youth",
        ministry: "VWS",
        title: "Versnellingsactie activiteitenaanbod jongeren",
    },
    ProgrammeSeed {
        code: "versnelling-werk",
        theme: "employment",
        ministry: "SZW",
        title: "Versnellingsactie voorkomen werkloosheid",
    },
];

fn setup(conn: &mut DbConnection, config: &ScaleConfig) -> Result<ScaleSummary> {
    let programmes_present: i64 = programmes::table.count().get_result(conn)?;
    let actions_present: i64 = actions::table.count().get_result(conn)?;
    if programmes_present > 0 || actions_present > 0 {
        return Err(already_present());
    }
    let now = db::now();
    let mut summary = ScaleSummary::default();
    add_generated_areas(conn, config, now, &mut summary)?;
    add_programmes(conn, &mut summary)?;
    Ok(summary)
}

/// The generated municipalities and areas beyond the 16 real ones, those still missing.
fn add_generated_areas(
    conn: &mut DbConnection,
    config: &ScaleConfig,
    now: NaiveDateTime,
    summary: &mut ScaleSummary,
) -> Result<()> {
    let have_municipalities: std::collections::HashSet<String> = municipalities::table
        .select(municipalities::code)
        .load(conn)?
        .into_iter()
        .collect();
    let have_areas: std::collections::HashSet<String> = areas::table
        .select(areas::code)
        .load(conn)?
        .into_iter()
        .collect();
    let focus_since = crate::seed::reference::programme_start();
    for number in (AREAS.len() + 1)..=config.areas {
        let area = generated_area(number);
        let municipality_id: i64 = if have_municipalities.contains(&area.municipality_code) {
            municipalities::table
                .filter(municipalities::code.eq(&area.municipality_code))
                .select(municipalities::id)
                .first(conn)?
        } else {
            summary.municipalities_added += 1;
            diesel::insert_into(municipalities::table)
                .values(NewMunicipality {
                    code: &area.municipality_code,
                    name: &area.municipality_name,
                    province: area.province,
                    created_at: now,
                })
                .returning(municipalities::id)
                .get_result(conn)?
        };
        if !have_areas.contains(&area.code) {
            summary.areas_added += 1;
            diesel::insert_into(areas::table)
                .values(NewArea {
                    code: &area.code,
                    name: &area.name,
                    municipality_id,
                    latitude: area.latitude,
                    longitude: area.longitude,
                    focus_since,
                    created_at: now,
                    updated_at: now,
                })
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The five national programmes, one per theme.
fn add_programmes(conn: &mut DbConnection, summary: &mut ScaleSummary) -> Result<()> {
    let theme_ids = code_map(
        themes::table
            .select((themes::code, themes::id))
            .load(conn)?,
    );
    let ministry_ids = code_map(
        ministries::table
            .select((ministries::code, ministries::id))
            .load(conn)?,
    );
    let at = day(2020, 10, 8).and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN));
    for programme in &PROGRAMMES {
        diesel::insert_into(programmes::table)
            .values(NewProgramme {
                code: programme.code,
                title: programme.title,
                description: "Versnellingsactie in alle gemeenten (gegenereerde schaaldata).",
                theme_id: id_of(&theme_ids, programme.theme)?,
                lead_ministry_id: id_of(&ministry_ids, programme.ministry)?,
                created_at: at,
                updated_at: at,
            })
            .execute(conn)?;
        summary.programmes += 1;
    }
    Ok(())
}

fn code_map(rows: Vec<(String, i64)>) -> std::collections::HashMap<String, i64> {
    rows.into_iter().collect()
}

fn id_of(ids: &std::collections::HashMap<String, i64>, code: &str) -> Result<i64> {
    ids.get(code)
        .copied()
        .ok_or_else(|| Error::Internal(format!("seed --scale needs `{code}`, which is missing")))
}

struct AreaRef {
    id: i64,
    name: String,
    municipality: String,
}

struct References {
    areas: Vec<AreaRef>,
    /// Per theme in `THEME_ORDER`: (theme id, programme id).
    themes: Vec<(i64, i64)>,
    ministries: std::collections::HashMap<String, i64>,
    target_groups: std::collections::HashMap<String, i64>,
    report_period: i64,
}

fn load_references(conn: &mut DbConnection, config: &ScaleConfig) -> Result<References> {
    let rows: Vec<(String, i64, String, String)> = areas::table
        .inner_join(municipalities::table)
        .select((areas::code, areas::id, areas::name, municipalities::name))
        .load(conn)?;
    let by_code: std::collections::HashMap<String, (i64, String, String)> = rows
        .into_iter()
        .map(|(code, id, name, municipality)| (code, (id, name, municipality)))
        .collect();
    let codes = AREAS
        .iter()
        .map(|area| area.code.to_string())
        .chain(((AREAS.len() + 1)..=config.areas.max(AREAS.len())).map(|n| generated_area(n).code));
    let mut area_refs = Vec::with_capacity(config.areas);
    for code in codes.take(config.areas.max(1)) {
        let (id, name, municipality) = by_code
            .get(&code)
            .cloned()
            .ok_or_else(|| Error::Internal(format!("area `{code}` is missing")))?;
        area_refs.push(AreaRef {
            id,
            name,
            municipality,
        });
    }
    let theme_ids = code_map(
        themes::table
            .select((themes::code, themes::id))
            .load(conn)?,
    );
    let programme_ids: std::collections::HashMap<String, i64> = programmes::table
        .inner_join(themes::table)
        .select((themes::code, programmes::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let mut theme_refs = Vec::with_capacity(THEME_ORDER.len());
    for theme in THEME_ORDER {
        theme_refs.push((id_of(&theme_ids, theme)?, id_of(&programme_ids, theme)?));
    }
    let report_period = report_periods::table
        .filter(report_periods::code.eq(REPORT_PERIOD))
        .select(report_periods::id)
        .first::<i64>(conn)?;
    Ok(References {
        areas: area_refs,
        themes: theme_refs,
        ministries: code_map(
            ministries::table
                .select((ministries::code, ministries::id))
                .load(conn)?,
        ),
        target_groups: code_map(
            target_groups::table
                .select((target_groups::code, target_groups::id))
                .load(conn)?,
        ),
        report_period,
    })
}

// ---------------------------------------------------------------------------------------------
// Rows, with ids assigned here; `None` is written as NULL so every row has the same shape and
// a batch is one INSERT on SQLite too.

#[derive(Insertable)]
#[diesel(table_name = actions, treat_none_as_default_value = false)]
struct ActionRow {
    id: i64,
    area_id: i64,
    programme_id: Option<i64>,
    theme_id: i64,
    ministry_id: i64,
    title: String,
    description: String,
    responsible: String,
    budget_cents: Option<i64>,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    status: &'static str,
    percent_complete: i32,
    last_update_at: Option<NaiveDateTime>,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = action_target_groups)]
struct TargetGroupRow {
    action_id: i64,
    target_group_id: i64,
}

#[derive(Insertable)]
#[diesel(table_name = baselines, treat_none_as_default_value = false)]
struct BaselineRow {
    action_id: i64,
    seq: i32,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    budget_cents: Option<i64>,
    target_note: &'static str,
    reason: &'static str,
    recorded_at: NaiveDateTime,
    recorded_by: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = milestones, treat_none_as_default_value = false)]
struct MilestoneRow {
    id: i64,
    action_id: i64,
    title: &'static str,
    description: String,
    report_period_id: Option<i64>,
    original_due_date: NaiveDate,
    due_date: NaiveDate,
    done_on: Option<NaiveDate>,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = milestone_events, treat_none_as_default_value = false)]
struct EventRow {
    milestone_id: i64,
    kind: &'static str,
    due_date: NaiveDate,
    done_on: Option<NaiveDate>,
    note: &'static str,
    recorded_at: NaiveDateTime,
    recorded_by: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = progress_updates, treat_none_as_default_value = false)]
struct UpdateRow {
    action_id: i64,
    status: &'static str,
    percent_complete: i32,
    note: String,
    author_id: Option<i64>,
    recorded_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = indicators, treat_none_as_default_value = false)]
struct IndicatorRow {
    id: i64,
    action_id: i64,
    name: &'static str,
    unit: &'static str,
    direction: &'static str,
    baseline_value: f64,
    target_value: f64,
    target_date: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = indicator_values, treat_none_as_default_value = false)]
struct ValueRow {
    indicator_id: i64,
    measured_on: NaiveDate,
    value: f64,
    note: &'static str,
    recorded_at: NaiveDateTime,
    recorded_by: Option<i64>,
}

#[derive(Default)]
struct Batch {
    actions: Vec<ActionRow>,
    target_groups: Vec<TargetGroupRow>,
    baselines: Vec<BaselineRow>,
    milestones: Vec<MilestoneRow>,
    events: Vec<EventRow>,
    updates: Vec<UpdateRow>,
    indicators: Vec<IndicatorRow>,
    values: Vec<ValueRow>,
}

/// Inserts `rows` in multi-row INSERTs of at most `ROWS_PER_INSERT` rows.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(ROWS_PER_INSERT) {
            with_backend!(&mut *$conn, |inner| diesel::insert_into($table)
                .values(chunk)
                .execute(inner))?;
        }
    };
}

fn write_batch(
    conn: &mut DbConnection,
    refs: &References,
    rng: &mut Rng,
    first: usize,
    count: usize,
) -> Result<ScaleSummary> {
    if let DbConnection::Postgresql(_) = conn {
        // ids are assigned here: keep other writers out of these tables until the commit
        diesel::sql_query("LOCK TABLE actions, milestones, indicators IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)?;
    }
    let first_action_id = max_id(conn, IdTable::Actions)? + 1;
    let mut next_milestone = max_id(conn, IdTable::Milestones)? + 1;
    let mut next_indicator = max_id(conn, IdTable::Indicators)? + 1;

    let mut batch = Batch::default();
    for (action_id, index) in (first_action_id..).zip(first..first + count) {
        let area = &refs.areas[index % refs.areas.len()];
        plan_action(
            rng,
            refs,
            area,
            &mut batch,
            action_id,
            &mut next_milestone,
            &mut next_indicator,
        )?;
    }

    insert_all!(conn, actions::table, batch.actions);
    insert_all!(conn, action_target_groups::table, batch.target_groups);
    insert_all!(conn, baselines::table, batch.baselines);
    insert_all!(conn, milestones::table, batch.milestones);
    insert_all!(conn, milestone_events::table, batch.events);
    insert_all!(conn, progress_updates::table, batch.updates);
    insert_all!(conn, indicators::table, batch.indicators);
    insert_all!(conn, indicator_values::table, batch.values);

    if let DbConnection::Postgresql(_) = conn {
        for table in ["actions", "milestones", "indicators"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .execute(conn)?;
        }
    }
    Ok(ScaleSummary {
        actions: batch.actions.len(),
        action_target_groups: batch.target_groups.len(),
        baselines: batch.baselines.len(),
        milestones: batch.milestones.len(),
        milestone_events: batch.events.len(),
        progress_updates: batch.updates.len(),
        indicators: batch.indicators.len(),
        indicator_values: batch.values.len(),
        ..ScaleSummary::default()
    })
}

enum IdTable {
    Actions,
    Milestones,
    Indicators,
}

fn max_id(conn: &mut DbConnection, table: IdTable) -> Result<i64> {
    use diesel::dsl::max;
    let found: Option<i64> = match table {
        IdTable::Actions => actions::table.select(max(actions::id)).first(conn)?,
        IdTable::Milestones => milestones::table.select(max(milestones::id)).first(conn)?,
        IdTable::Indicators => indicators::table.select(max(indicators::id)).first(conn)?,
    };
    Ok(found.unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------
// What an action is made of

const THEME_ORDER: [&str; 5] = ["housing", "debt", "education", "youth", "employment"];

struct Template {
    /// Index into `THEME_ORDER`.
    theme: usize,
    ministry: &'static str,
    title: &'static str,
    description: &'static str,
    responsible: &'static str,
    target_groups: &'static [&'static str],
    budget_k: (i64, i64),
    milestones: [&'static str; 4],
    indicator: (&'static str, &'static str, &'static str, f64, f64),
}

const TEMPLATES: [Template; 10] = [
    Template {
        theme: 0,
        ministry: "BZK",
        title: "Flexwoningen voor spoedzoekers in {gebied}",
        description: "Tijdelijke woningen in {gebied} voor spoedzoekers en uitstromers uit de opvang, \
            samen met de woningcorporaties in {gemeente}.",
        responsible: "Programmamanager wonen, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (400, 2500),
        milestones: [
            "Locaties aangewezen met de corporaties",
            "Omgevingsvergunning verleend",
            "Eerste flexwoningen opgeleverd",
            "Alle flexwoningen bewoond",
        ],
        indicator: (
            "Opgeleverde flexwoningen",
            "woningen",
            "increase",
            0.0,
            40.0,
        ),
    },
    Template {
        theme: 0,
        ministry: "VWS",
        title: "Uitstroom uit opvang en beschermd wonen in {gebied}",
        description: "Versnelde doorstroom van de maatschappelijke opvang naar een eigen woning in \
            {gebied}, met ambulante begeleiding.",
        responsible: "Beleidsadviseur maatschappelijke opvang, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (250, 1200),
        milestones: [
            "Convenant uitstroom getekend",
            "Begeleidingsteam compleet",
            "Eerste 25 uitstromers gehuisvest",
            "Evaluatie doorstroomafspraken",
        ],
        indicator: (
            "Gemiddelde verblijfsduur in de opvang",
            "maanden",
            "decrease",
            10.0,
            5.0,
        ),
    },
    Template {
        theme: 1,
        ministry: "SZW",
        title: "Vroegsignalering van betalingsachterstanden in {gebied}",
        description: "Signalen van woningcorporaties, energie- en zorgverzekeraars leiden binnen \
            vijf werkdagen tot een huisbezoek in {gebied}.",
        responsible: "Teamleider schuldhulpverlening, gemeente {gemeente}",
        target_groups: &["debts", "families"],
        budget_k: (150, 700),
        milestones: [
            "Convenant met de signaalpartners",
            "Eerste huisbezoeken afgelegd",
            "Werkwijze geëvalueerd",
            "Structurele inbedding",
        ],
        indicator: (
            "Huishoudens bereikt na een signaal",
            "huishoudens",
            "increase",
            20.0,
            300.0,
        ),
    },
    Template {
        theme: 1,
        ministry: "SZW",
        title: "Doorbraakmethode schulden in {gebied}",
        description: "Professionals in {gebied} krijgen mandaat en budget om een vastgelopen \
            schuldsituatie in één keer te doorbreken.",
        responsible: "Projectleider doorbraakmethode, gemeente {gemeente}",
        target_groups: &["debts"],
        budget_k: (200, 900),
        milestones: [
            "Professionals getraind",
            "Doorbraakbudget beschikbaar",
            "Eerste 50 doorbraken",
            "Tussenevaluatie",
        ],
        indicator: ("Wachttijd schuldhulp", "weken", "decrease", 12.0, 4.0),
    },
    Template {
        theme: 2,
        ministry: "OCW",
        title: "Zomerschool en extra lestijd in {gebied}",
        description: "Extra lestijd en een zomerschool voor leerlingen in {gebied} met een \
            achterstand door de schoolsluiting.",
        responsible: "Beleidsadviseur onderwijs, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (300, 1500),
        milestones: [
            "Scholen aangesloten",
            "Zomerschool gehouden",
            "Tussenmeting leerresultaten",
            "Eindmeting leerresultaten",
        ],
        indicator: (
            "Deelnemende leerlingen",
            "leerlingen",
            "increase",
            0.0,
            400.0,
        ),
    },
    Template {
        theme: 2,
        ministry: "OCW",
        title: "Brugfunctionarissen tussen school en gezin in {gebied}",
        description: "Brugfunctionarissen verbinden scholen in {gebied} met gezinnen die de school \
            moeilijk bereikt.",
        responsible: "Coördinator onderwijs en gezin, gemeente {gemeente}",
        target_groups: &["youth", "families"],
        budget_k: (150, 600),
        milestones: [
            "Brugfunctionarissen aangesteld",
            "Alle scholen bereikt",
            "Evaluatie met ouders",
            "Besluit over voortzetting",
        ],
        indicator: ("Verzuim", "%", "decrease", 6.0, 3.0),
    },
    Template {
        theme: 3,
        ministry: "VWS",
        title: "Meer jongerenwerk en sport in {gebied}",
        description: "Uitbreiding van jongerenwerk, sport en cultuur in {gebied}, ook in de avonden \
            en weekenden.",
        responsible: "Teamleider jongerenwerk, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (200, 1000),
        milestones: [
            "Extra jongerenwerkers gestart",
            "Avondprogramma draait",
            "Zomerprogramma gehouden",
            "Evaluatie met jongeren",
        ],
        indicator: ("Bereikte jongeren", "jongeren", "increase", 50.0, 400.0),
    },
    Template {
        theme: 3,
        ministry: "JenV",
        title: "Perspectief voor jongeren op het randje in {gebied}",
        description: "Een persoonlijke aanpak voor jongeren in {gebied} die dreigen af te glijden \
            naar overlast en criminaliteit.",
        responsible: "Regisseur veiligheid en jeugd, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (250, 1200),
        milestones: [
            "Casusoverleg gestart",
            "Mentoren gekoppeld",
            "Tussenevaluatie",
            "Aanpak geborgd",
        ],
        indicator: (
            "Jongeren met een persoonlijk plan",
            "jongeren",
            "increase",
            0.0,
            80.0,
        ),
    },
    Template {
        theme: 4,
        ministry: "SZW",
        title: "Van werk naar werk in {gebied}",
        description: "Het regionale mobiliteitsteam begeleidt inwoners van {gebied} die hun baan \
            dreigen te verliezen naar ander werk.",
        responsible: "Accountmanager werkgeversservicepunt, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (300, 1400),
        milestones: [
            "Mobiliteitsteam ingericht",
            "Eerste 100 inwoners begeleid",
            "Omscholing gestart",
            "Evaluatie",
        ],
        indicator: (
            "Begeleid naar nieuw werk",
            "personen",
            "increase",
            0.0,
            150.0,
        ),
    },
    Template {
        theme: 4,
        ministry: "OCW",
        title: "Omscholing naar kansberoepen in {gebied}",
        description: "Omscholing van inwoners van {gebied} naar zorg, techniek en onderwijs, met \
            behoud van uitkering.",
        responsible: "Projectleider leren en werken, gemeente {gemeente}",
        target_groups: &["youth", "debts"],
        budget_k: (200, 1100),
        milestones: [
            "Opleiders gecontracteerd",
            "Eerste groep gestart",
            "Eerste groep gediplomeerd",
            "Tweede groep gestart",
        ],
        indicator: ("Jeugdwerkloosheid", "%", "decrease", 12.0, 8.0),
    },
];

const NOTES_NOT_STARTED: [&str; 2] = [
    "Nog niet gestart: de voorbereiding loopt.",
    "Nog niet gestart: het plan van aanpak wordt afgestemd met de partners.",
];
const NOTES_ON_TRACK: [&str; 4] = [
    "Op schema: {pct}% gereed.",
    "Loopt volgens plan ({pct}%); de partners zijn tevreden over de samenwerking.",
    "Op koers met {pct}%; de doelgroep wordt goed bereikt.",
    "Voortgang {pct}%, geen knelpunten.",
];
const NOTES_AT_RISK: [&str; 3] = [
    "Knelpunten: personeelstekort bij de uitvoerders; {pct}% gereed.",
    "Vertraging door de coronamaatregelen; {pct}% gereed, einddatum nog haalbaar.",
    "Oranje: de doelgroep is moeilijk te bereiken; {pct}% gereed.",
];
const NOTES_OFF_TRACK: [&str; 2] = [
    "Rood: de einddatum wordt niet gehaald; {pct}% gereed.",
    "Rood: financiering van partners valt weg; {pct}% gereed.",
];
const NOTES_COMPLETED: [&str; 2] = [
    "Afgerond: alle afspraken uit het plan van aanpak zijn uitgevoerd.",
    "Afgerond en overgedragen aan de staande organisatie.",
];
const NOTES_DISCONTINUED: [&str; 1] =
    ["Gestopt: de aanpak is opgegaan in een bredere aanpak van de gemeente."];

const TARGET_NOTE: &str = "Resultaat volgens het plan van aanpak.";
const REASON_ORIGINAL: &str = "Oorspronkelijk plan bij de start van de versnellingsactie.";
const REASON_REPLAN: &str = "Later gereed door de coronamaatregelen; doel ongewijzigd.";
const EVENT_CREATED: &str = "Mijlpaal vastgelegd bij de start.";
const EVENT_RESCHEDULED: &str = "Verschoven door vertraging bij een partner.";
const EVENT_COMPLETED: &str = "Gehaald.";
const VALUE_NOTE: &str = "Meting van de gemeente.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    Silent,
    OnTrack,
    AtRisk,
    OffTrack,
    Completed,
    Discontinued,
}

impl Course {
    fn choose(rng: &mut Rng) -> Self {
        match rng.int(0, 99) {
            0..=2 => Self::Silent,
            3..=52 => Self::OnTrack,
            53..=70 => Self::AtRisk,
            71..=81 => Self::OffTrack,
            82..=97 => Self::Completed,
            _ => Self::Discontinued,
        }
    }

    fn performance(self) -> f64 {
        match self {
            Self::Silent => 0.0,
            Self::OnTrack => 1.0,
            Self::AtRisk => 0.7,
            Self::OffTrack => 0.4,
            Self::Completed => 1.05,
            Self::Discontinued => 0.35,
        }
    }
}

/// The last day with history.
fn horizon() -> NaiveDate {
    day(2021, 12, 31)
}

fn fill(text: &str, area: &AreaRef) -> String {
    text.replace("{gebied}", &area.name)
        .replace("{gemeente}", &area.municipality)
}

/// What the steps of an action's plan share: its template and area, its story, and its dates
/// and budget as first planned and as re-planned.
struct Schedule<'a> {
    action_id: i64,
    template: &'a Template,
    area: &'a AreaRef,
    course: Course,
    created_day: NaiveDate,
    created_at: NaiveDateTime,
    start: NaiveDate,
    original_end: NaiveDate,
    budget: i64,
    /// When the action was re-planned, with its new end and budget.
    replanning: Option<(NaiveDateTime, NaiveDate, i64)>,
}

impl Schedule<'_> {
    /// The planned end as it stood at `at`.
    fn plan_end_at(&self, at: NaiveDateTime) -> NaiveDate {
        match self.replanning {
            Some((replan_at, new_end, _)) if at >= replan_at => new_end,
            _ => self.original_end,
        }
    }

    /// The end and budget of the latest baseline.
    fn current(&self) -> (NaiveDate, i64) {
        match self.replanning {
            Some((_, end, budget)) => (end, budget),
            None => (self.original_end, self.budget),
        }
    }
}

/// One action with its whole history, added to `batch`. The order of the steps is the order
/// of the PRNG's draws: changing it changes every generated programme.
fn plan_action(
    rng: &mut Rng,
    refs: &References,
    area: &AreaRef,
    batch: &mut Batch,
    action_id: i64,
    next_milestone: &mut i64,
    next_indicator: &mut i64,
) -> Result<()> {
    let template = &TEMPLATES[rng.index(TEMPLATES.len())];
    let course = Course::choose(rng);
    let schedule = plan_baselines(rng, batch, action_id, template, area, course);
    let first_update = batch.updates.len();
    plan_updates(rng, batch, &schedule);
    let latest = batch.updates[first_update..].last();
    let activity_end = match (course, latest) {
        (Course::Completed | Course::Discontinued, Some(update)) => update.recorded_at.date(),
        _ => horizon(),
    };
    plan_milestones(
        rng,
        batch,
        &schedule,
        activity_end,
        refs.report_period,
        next_milestone,
    );

    // an indicator for about half of the actions
    if course != Course::Silent && rng.chance(0.5) {
        let indicator_id = *next_indicator;
        *next_indicator += 1;
        plan_indicator(rng, batch, &schedule, activity_end, indicator_id);
    }
    push_action(refs, batch, &schedule, first_update)
}

/// The dates and budget as first planned (baseline 1) and, for some, a re-planning
/// (baseline 2).
fn plan_baselines<'a>(
    rng: &mut Rng,
    batch: &mut Batch,
    action_id: i64,
    template: &'a Template,
    area: &'a AreaRef,
    course: Course,
) -> Schedule<'a> {
    let created_day = rng.working_day(day(2020, 10, 12), day(2020, 11, 27));
    let created_at = rng.office_time(created_day);
    let start = rng.date(day(2020, 10, 15), day(2021, 3, 31));
    let original_end = add_days(start, rng.int(200, 450)).min(day(2021, 12, 31));
    let original_end = original_end.max(add_days(start, 60));
    let budget = rng.int(template.budget_k.0, template.budget_k.1) * 100_000;

    batch.baselines.push(BaselineRow {
        action_id,
        seq: 1,
        planned_start: start,
        planned_end: original_end,
        budget_cents: Some(budget),
        target_note: TARGET_NOTE,
        reason: REASON_ORIGINAL,
        recorded_at: created_at,
        recorded_by: None,
    });
    let replanning = if course != Course::Silent && rng.chance(0.2) {
        let replan_day = rng.working_day(day(2021, 3, 1), day(2021, 9, 30));
        let replan_at = rng.office_time(replan_day);
        let new_end = add_days(original_end, rng.int(30, 120));
        let new_budget = if rng.chance(0.3) {
            budget + rng.int(1, 5) * 500_000
        } else {
            budget
        };
        batch.baselines.push(BaselineRow {
            action_id,
            seq: 2,
            planned_start: start,
            planned_end: new_end,
            budget_cents: Some(new_budget),
            target_note: TARGET_NOTE,
            reason: REASON_REPLAN,
            recorded_at: replan_at,
            recorded_by: None,
        });
        Some((replan_at, new_end, new_budget))
    } else {
        None
    };
    Schedule {
        action_id,
        template,
        area,
        course,
        created_day,
        created_at,
        start,
        original_end,
        budget,
        replanning,
    }
}

/// The progress history: 16–24 updates from just after creation to the last day of activity,
/// the status following the action's course, the percent never going down.
fn plan_updates(rng: &mut Rng, batch: &mut Batch, schedule: &Schedule) {
    let course = schedule.course;
    let (current_end, _) = schedule.current();
    let window_start = add_days(schedule.created_day, 4);
    let final_day = match course {
        Course::Completed => current_end.min(horizon()).max(add_days(window_start, 120)),
        Course::Discontinued => rng.date(day(2021, 6, 1), horizon()),
        _ => horizon(),
    };
    if course == Course::Silent {
        return;
    }
    let count = rng.int(16, 24) as usize;
    let days = spread(rng, window_start, final_day, count);
    let mut previous_at = NaiveDateTime::MIN;
    let mut previous_percent = 0;
    for (index, on) in days.into_iter().enumerate() {
        let recorded_at = after(previous_at, rng.office_time(on));
        let mut status = course_status(course, index, count);
        if on < schedule.start && matches!(status, ActionStatus::OnTrack | ActionStatus::AtRisk) {
            status = ActionStatus::NotStarted;
        }
        let plan_end = schedule.plan_end_at(recorded_at);
        let duration = (plan_end - schedule.start).num_days().max(1) as f64;
        let fraction = ((on - schedule.start).num_days() as f64 / duration).clamp(0.0, 1.0);
        let percent = percent_for(rng, status, fraction, previous_percent);
        let note = rng
            .pick(notes_for(status))
            .replace("{pct}", &percent.to_string());
        batch.updates.push(UpdateRow {
            action_id: schedule.action_id,
            status: status.as_str(),
            percent_complete: percent,
            note,
            author_id: None,
            recorded_at,
        });
        previous_at = recorded_at;
        previous_percent = percent;
    }
}

/// The status of update `index` of `count` in an action's story (before any "not started").
fn course_status(course: Course, index: usize, count: usize) -> ActionStatus {
    let last = index + 1 == count;
    match course {
        Course::Silent | Course::OnTrack => ActionStatus::OnTrack,
        Course::AtRisk if index * 3 >= count * 2 => ActionStatus::AtRisk,
        Course::AtRisk => ActionStatus::OnTrack,
        Course::OffTrack if last => ActionStatus::OffTrack,
        Course::OffTrack if index + 3 >= count => ActionStatus::AtRisk,
        Course::OffTrack => ActionStatus::OnTrack,
        Course::Completed if last => ActionStatus::Completed,
        Course::Completed => ActionStatus::OnTrack,
        Course::Discontinued if last => ActionStatus::Discontinued,
        Course::Discontinued if index + 3 >= count => ActionStatus::AtRisk,
        Course::Discontinued => ActionStatus::OnTrack,
    }
}

/// The percent complete of an update: `fraction` of the planned time has passed; below 95
/// unless completed, never below the previous update's.
fn percent_for(rng: &mut Rng, status: ActionStatus, fraction: f64, previous_percent: i32) -> i32 {
    let percent = match status {
        ActionStatus::NotStarted | ActionStatus::Discontinued => previous_percent,
        ActionStatus::OnTrack => round_percent(100.0 * fraction * rng.float(0.9, 1.1)).max(5),
        ActionStatus::AtRisk => round_percent(100.0 * fraction * rng.float(0.6, 0.85)),
        ActionStatus::OffTrack => round_percent(100.0 * fraction * rng.float(0.35, 0.6)),
        ActionStatus::Completed => 100,
    };
    if status == ActionStatus::Completed {
        100
    } else {
        percent.min(95).max(previous_percent)
    }
}

/// The texts an update with `status` picks its note from.
fn notes_for(status: ActionStatus) -> &'static [&'static str] {
    match status {
        ActionStatus::NotStarted => &NOTES_NOT_STARTED,
        ActionStatus::OnTrack => &NOTES_ON_TRACK,
        ActionStatus::AtRisk => &NOTES_AT_RISK,
        ActionStatus::OffTrack => &NOTES_OFF_TRACK,
        ActionStatus::Completed => &NOTES_COMPLETED,
        ActionStatus::Discontinued => &NOTES_DISCONTINUED,
    }
}

/// 2–4 milestones spread over the planned time, each with its events; the row carries the
/// state after its last event.
fn plan_milestones(
    rng: &mut Rng,
    batch: &mut Batch,
    schedule: &Schedule,
    activity_end: NaiveDate,
    report_period: i64,
    next_milestone: &mut i64,
) {
    let (current_end, _) = schedule.current();
    let start = schedule.start;
    let milestone_count = rng.int(2, 4) as usize;
    let dues = spread(
        rng,
        add_days(start, 14),
        current_end.max(add_days(start, 30)),
        milestone_count,
    );
    for (index, original_due) in dues.into_iter().enumerate() {
        let milestone_id = *next_milestone;
        *next_milestone += 1;
        plan_milestone_events(
            rng,
            batch,
            schedule,
            milestone_id,
            original_due,
            activity_end,
        );
        let last = &batch.events[batch.events.len() - 1];
        let (due_date, done_on, updated_at) = (last.due_date, last.done_on, last.recorded_at);
        batch.milestones.push(MilestoneRow {
            id: milestone_id,
            action_id: schedule.action_id,
            title: schedule.template.milestones[index.min(3)],
            description: fill("Mijlpaal van de aanpak in {gebied}.", schedule.area),
            report_period_id: (original_due <= day(2021, 3, 31)).then_some(report_period),
            original_due_date: original_due,
            due_date,
            done_on,
            created_by: None,
            created_at: schedule.created_at,
            updated_at,
        });
    }
}

/// How likely a milestone due within the action's activity is completed.
fn completion_chance(course: Course) -> f64 {
    match course {
        Course::Silent => 0.0,
        Course::OnTrack => 0.9,
        Course::AtRisk => 0.7,
        Course::OffTrack => 0.4,
        Course::Completed => 1.0,
        Course::Discontinued => 0.5,
    }
}

/// A milestone's events: created with the action, sometimes rescheduled, often completed.
fn plan_milestone_events(
    rng: &mut Rng,
    batch: &mut Batch,
    schedule: &Schedule,
    milestone_id: i64,
    original_due: NaiveDate,
    activity_end: NaiveDate,
) {
    let (created_day, created_at) = (schedule.created_day, schedule.created_at);
    batch.events.push(EventRow {
        milestone_id,
        kind: "created",
        due_date: original_due,
        done_on: None,
        note: EVENT_CREATED,
        recorded_at: created_at,
        recorded_by: None,
    });
    let mut due = original_due;
    let mut previous_at = created_at;
    let reschedule_by = add_days(original_due, -1).min(horizon());
    if rng.chance(0.25) && reschedule_by > add_days(created_day, 7) {
        let on = rng.date(add_days(created_day, 7), reschedule_by);
        let at = after(previous_at, rng.office_time(on));
        due = add_days(original_due, rng.int(14, 60));
        batch.events.push(EventRow {
            milestone_id,
            kind: "rescheduled",
            due_date: due,
            done_on: None,
            note: EVENT_RESCHEDULED,
            recorded_at: at,
            recorded_by: None,
        });
        previous_at = at;
    }
    if due <= activity_end && rng.chance(completion_chance(schedule.course)) {
        let done_on = add_days(due, rng.int(-10, 10))
            .min(activity_end)
            .max(add_days(previous_at.date(), 1))
            .min(horizon());
        let at = after(previous_at, rng.office_time(done_on));
        batch.events.push(EventRow {
            milestone_id,
            kind: "completed",
            due_date: due,
            done_on: Some(done_on),
            note: EVENT_COMPLETED,
            recorded_at: at,
            recorded_by: None,
        });
    }
}

/// The template's indicator with 4–6 values that follow the action's course.
fn plan_indicator(
    rng: &mut Rng,
    batch: &mut Batch,
    schedule: &Schedule,
    activity_end: NaiveDate,
    indicator_id: i64,
) {
    let (start, created_at) = (schedule.start, schedule.created_at);
    let (name, unit, direction, baseline, target) = schedule.template.indicator;
    batch.indicators.push(IndicatorRow {
        id: indicator_id,
        action_id: schedule.action_id,
        name,
        unit,
        direction,
        baseline_value: baseline,
        target_value: target,
        target_date: Some(schedule.original_end),
        created_at,
        updated_at: created_at,
    });
    let count = rng.int(4, 6) as usize;
    let from = add_days(schedule.created_day, 7).max(start);
    let to = activity_end.max(add_days(from, 60)).min(horizon());
    let mut previous_at = created_at;
    for measured_on in spread(rng, from, to, count) {
        let fraction = ((measured_on - start).num_days() as f64
            / (schedule.plan_end_at(previous_at) - start)
                .num_days()
                .max(1) as f64)
            .clamp(0.0, 1.0);
        let progress = (fraction * schedule.course.performance() + rng.float(-0.05, 0.05)).max(0.0);
        let value = round_to(baseline + (target - baseline) * progress, 1);
        let recorded_day = add_days(measured_on, rng.int(0, 5)).min(horizon());
        let at = after(previous_at, rng.office_time(recorded_day));
        batch.values.push(ValueRow {
            indicator_id,
            measured_on,
            value,
            note: VALUE_NOTE,
            recorded_at: at,
            recorded_by: None,
        });
        previous_at = at;
    }
}

/// The action row, its cached columns from the rows planned above, and its target groups.
fn push_action(
    refs: &References,
    batch: &mut Batch,
    schedule: &Schedule,
    first_update: usize,
) -> Result<()> {
    let (template, area) = (schedule.template, schedule.area);
    let (current_end, current_budget) = schedule.current();
    let latest = batch.updates[first_update..].last();
    let updated_at = [
        Some(schedule.created_at),
        schedule.replanning.map(|(at, _, _)| at),
        latest.map(|u| u.recorded_at),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(schedule.created_at);
    let (theme_id, programme_id) = refs.themes[template.theme];
    let row = ActionRow {
        id: schedule.action_id,
        area_id: area.id,
        programme_id: Some(programme_id),
        theme_id,
        ministry_id: id_of(&refs.ministries, template.ministry)?,
        title: fill(template.title, area),
        description: fill(template.description, area),
        responsible: fill(template.responsible, area),
        budget_cents: Some(current_budget),
        planned_start: schedule.start,
        planned_end: current_end,
        status: latest
            .map(|u| u.status)
            .unwrap_or(ActionStatus::NotStarted.as_str()),
        percent_complete: latest.map(|u| u.percent_complete).unwrap_or(0),
        last_update_at: latest.map(|u| u.recorded_at),
        created_by: None,
        created_at: schedule.created_at,
        updated_at,
    };
    batch.actions.push(row);
    for code in template.target_groups {
        batch.target_groups.push(TargetGroupRow {
            action_id: schedule.action_id,
            target_group_id: id_of(&refs.target_groups, code)?,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The PRNG and dates

/// `candidate`, or just after `previous` when it would not come later.
fn after(previous: NaiveDateTime, candidate: NaiveDateTime) -> NaiveDateTime {
    if candidate > previous {
        candidate
    } else {
        previous + TimeDelta::minutes(7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_factor_maps_to_areas_and_actions() {
        assert_eq!(
            ScaleConfig::for_scale(1),
            ScaleConfig {
                areas: 16,
                actions: 1_000
            }
        );
        assert_eq!(ScaleConfig::for_scale(2).areas, 32);
        assert_eq!(
            ScaleConfig::for_scale(100),
            ScaleConfig {
                areas: 342,
                actions: 100_000
            }
        );
    }

    #[test]
    fn generated_areas_lie_in_the_netherlands_and_have_unique_codes() {
        let mut codes = std::collections::HashSet::new();
        for number in 17..=MAX_AREAS {
            let area = generated_area(number);
            assert!((50.7..53.6).contains(&area.latitude));
            assert!((3.3..7.3).contains(&area.longitude));
            assert!(codes.insert(area.code));
        }
    }
}
