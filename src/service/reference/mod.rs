//! Administration of reference data: areas (more can join, as four did in 2022), municipalities,
//! ministries, themes ("aanvullende maatregelen") and report periods.

mod kinds;

pub use kinds::*;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::models::{Area, Ministry, ReportPeriod, Theme};
use crate::db::schema::{areas, ministries, municipalities, report_periods, themes};
use crate::db::versions::{self, Then};
use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::audit::{self, Actor};
use crate::service::change::{self, Change};
use crate::service::validate;
use std::collections::HashMap;

/// The refusal of a period code that does not exist, in a question that names a period.
pub fn unknown_period(code: &str) -> Error {
    Error::validation(
        "period",
        Msg::Unknown {
            kind: Label::Period,
            value: code.to_string(),
        },
    )
}

/// The report period `text` names: its code, or its code or name in any case and spacing
/// (`Voorjaar 2021` is `voorjaar-2021`).
pub fn period_by_name(
    conn: &mut DbConnection,
    text: &str,
) -> Result<Option<crate::db::models::ReportPeriod>> {
    use crate::db::models::ReportPeriod;
    use crate::db::schema::report_periods;
    use crate::domain::names::key;
    let exact = report_periods::table
        .filter(report_periods::code.eq(text.trim()))
        .select(ReportPeriod::as_select())
        .first(conn)
        .optional()?;
    if exact.is_some() {
        return Ok(exact);
    }
    let wanted = key(text);
    Ok(report_periods::table
        .order(report_periods::cut_off.asc())
        .select(ReportPeriod::as_select())
        .load(conn)?
        .into_iter()
        .find(|p| !wanted.is_empty() && (key(&p.code) == wanted || key(&p.name) == wanted)))
}

/// The report period `text` names, or a refusal of the field `period` listing every period.
pub fn find_period(conn: &mut DbConnection, text: &str) -> Result<crate::db::models::ReportPeriod> {
    use crate::db::schema::report_periods;
    if let Some(period) = period_by_name(conn, text)? {
        return Ok(period);
    }
    let valid = report_periods::table
        .order(report_periods::cut_off.asc())
        .select((report_periods::code, report_periods::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(code, name)| crate::domain::Choice::new(code, name.clone(), name))
        .collect();
    Err(Error::validation(
        "period",
        Msg::UnknownChoice {
            kind: Label::Period,
            value: text.to_string(),
            valid,
        },
    ))
}

fn conflict_on<'a>(
    field: &'static str,
    code: &'a str,
) -> impl FnOnce(diesel::result::Error) -> Error + 'a {
    move |err| match Error::from(err) {
        Error::Conflict { .. } => Error::conflict(
            field,
            Msg::InUse {
                value: code.to_string(),
            },
        ),
        other => other,
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAreaInput {
    pub code: String,
    pub name: String,
    /// Municipality code.
    pub municipality: String,
    pub latitude: f64,
    pub longitude: f64,
    pub focus_since: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaChange {
    pub name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub focus_since: Option<NaiveDate>,
}

fn check_coordinates(latitude: Option<f64>, longitude: Option<f64>, errors: &mut Vec<FieldError>) {
    if latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        errors.push(FieldError::new(
            "latitude",
            Msg::Between { min: -90, max: 90 },
        ));
    }
    if longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        errors.push(FieldError::new(
            "longitude",
            Msg::Between {
                min: -180,
                max: 180,
            },
        ));
    }
}

pub fn create_area(conn: &mut DbConnection, actor: &Actor, input: &NewAreaInput) -> Result<Area> {
    let mut errors = Vec::new();
    validate::slug("code", &input.code, 80, &mut errors);
    validate::text("name", &input.name, 1, 200, &mut errors);
    check_coordinates(Some(input.latitude), Some(input.longitude), &mut errors);
    validate::check(errors)?;
    db::write_transaction(conn, |conn| {
        let municipality_id: i64 = municipalities::table
            .filter(municipalities::code.eq(&input.municipality))
            .select(municipalities::id)
            .first(conn)
            .optional()?
            .ok_or_else(|| {
                Error::validation(
                    "municipality",
                    Msg::Unknown {
                        kind: Label::Municipality,
                        value: input.municipality.clone(),
                    },
                )
            })?;
        let now = db::now();
        let area: Area = diesel::insert_into(areas::table)
            .values((
                areas::code.eq(&input.code),
                areas::name.eq(input.name.trim()),
                areas::municipality_id.eq(municipality_id),
                areas::latitude.eq(input.latitude),
                areas::longitude.eq(input.longitude),
                areas::focus_since.eq(input.focus_since.unwrap_or_else(|| now.date())),
                areas::created_at.eq(now),
                areas::updated_at.eq(now),
            ))
            .returning(areas::all_columns)
            .get_result(conn)
            .map_err(conflict_on("code", &input.code))?;
        audit::record::<(), _>(
            conn,
            actor,
            "area.create",
            "area",
            Some(&area.code),
            None,
            Some(&area),
        )?;
        Ok(area)
    })
}

pub fn update_area(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected: i64,
    change_of: &AreaChange,
) -> Result<Area> {
    let mut errors = Vec::new();
    if let Some(name) = &change_of.name {
        validate::text("name", name, 1, 200, &mut errors);
    }
    check_coordinates(change_of.latitude, change_of.longitude, &mut errors);
    validate::check(errors)?;
    let change = Change {
        operation: "area.update",
        entity: "area",
        id: code,
        expected,
        reason: "",
    };
    change::versioned(
        conn,
        actor,
        change,
        |conn| {
            areas::table
                .filter(areas::code.eq(code))
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Area, code))
        },
        |_, _| Ok(()),
        |conn, before: &Area| {
            Ok(diesel::update(
                areas::table
                    .find(before.id)
                    .filter(areas::version.eq(expected)),
            )
            .set((
                areas::name.eq(change_of
                    .name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.name)),
                areas::latitude.eq(change_of.latitude.unwrap_or(before.latitude)),
                areas::longitude.eq(change_of.longitude.unwrap_or(before.longitude)),
                areas::focus_since.eq(change_of.focus_since.unwrap_or(before.focus_since)),
                areas::updated_at.eq(db::now()),
                areas::version.eq(expected + 1),
            ))
            .returning(areas::all_columns)
            .get_result(conn)
            .optional()?)
        },
    )
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMunicipalityInput {
    pub code: String,
    pub name: String,
    pub province: String,
}

pub fn create_municipality(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &NewMunicipalityInput,
) -> Result<crate::db::models::Municipality> {
    let mut errors = Vec::new();
    validate::slug("code", &input.code, 80, &mut errors);
    validate::text("name", &input.name, 1, 200, &mut errors);
    validate::text("province", &input.province, 1, 100, &mut errors);
    validate::check(errors)?;
    db::write_transaction(conn, |conn| {
        let row: crate::db::models::Municipality = diesel::insert_into(municipalities::table)
            .values((
                municipalities::code.eq(&input.code),
                municipalities::name.eq(input.name.trim()),
                municipalities::province.eq(input.province.trim()),
                municipalities::created_at.eq(db::now()),
            ))
            .returning(municipalities::all_columns)
            .get_result(conn)
            .map_err(conflict_on("code", &input.code))?;
        audit::record::<(), _>(
            conn,
            actor,
            "municipality.create",
            "municipality",
            Some(&row.code),
            None,
            Some(&row),
        )?;
        Ok(row)
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinistryInput {
    pub code: Option<String>,
    pub name: Option<String>,
}

pub fn create_ministry(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &MinistryInput,
) -> Result<Ministry> {
    let mut errors = Vec::new();
    let code = input.code.clone().unwrap_or_default();
    if !(1..=20).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        errors.push(FieldError::new("code", Msg::MinistryCode));
    }
    validate::text(
        "name",
        input.name.as_deref().unwrap_or_default(),
        1,
        200,
        &mut errors,
    );
    validate::check(errors)?;
    db::write_transaction(conn, |conn| {
        let now = db::now();
        let row: Ministry = diesel::insert_into(ministries::table)
            .values((
                ministries::code.eq(&code),
                ministries::name.eq(input.name.as_deref().unwrap_or_default().trim()),
                ministries::created_at.eq(now),
                ministries::updated_at.eq(now),
            ))
            .returning(ministries::all_columns)
            .get_result(conn)
            .map_err(conflict_on("code", &code))?;
        audit::record::<(), _>(
            conn,
            actor,
            "ministry.create",
            "ministry",
            Some(&row.code),
            None,
            Some(&row),
        )?;
        Ok(row)
    })
}

pub fn update_ministry(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected: i64,
    input: &MinistryInput,
) -> Result<Ministry> {
    let mut errors = Vec::new();
    if input.code.is_some() {
        errors.push(FieldError::new("code", Msg::CannotChange));
    }
    if let Some(name) = &input.name {
        validate::text("name", name, 1, 200, &mut errors);
    }
    validate::check(errors)?;
    let change = Change {
        operation: "ministry.update",
        entity: "ministry",
        id: code,
        expected,
        reason: "",
    };
    change::versioned(
        conn,
        actor,
        change,
        |conn| {
            ministries::table
                .filter(ministries::code.eq(code))
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Ministry, code))
        },
        |_, _| Ok(()),
        |conn, before: &Ministry| {
            Ok(diesel::update(
                ministries::table
                    .find(before.id)
                    .filter(ministries::version.eq(expected)),
            )
            .set((
                ministries::name.eq(input.name.as_deref().map(str::trim).unwrap_or(&before.name)),
                ministries::updated_at.eq(db::now()),
                ministries::version.eq(expected + 1),
            ))
            .returning(ministries::all_columns)
            .get_result(conn)
            .optional()?)
        },
    )
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeInput {
    pub code: Option<String>,
    pub name_nl: Option<String>,
    pub name_en: Option<String>,
    pub description: Option<String>,
}

pub fn create_theme(conn: &mut DbConnection, actor: &Actor, input: &ThemeInput) -> Result<Theme> {
    let mut errors = Vec::new();
    let code = input.code.clone().unwrap_or_default();
    validate::slug("code", &code, 80, &mut errors);
    validate::text(
        "name_nl",
        input.name_nl.as_deref().unwrap_or_default(),
        1,
        200,
        &mut errors,
    );
    validate::text(
        "name_en",
        input.name_en.as_deref().unwrap_or_default(),
        1,
        200,
        &mut errors,
    );
    validate::check(errors)?;
    db::write_transaction(conn, |conn| {
        let now = db::now();
        let row: Theme = diesel::insert_into(themes::table)
            .values((
                themes::code.eq(&code),
                themes::name_nl.eq(input.name_nl.as_deref().unwrap_or_default().trim()),
                themes::name_en.eq(input.name_en.as_deref().unwrap_or_default().trim()),
                themes::description.eq(input.description.as_deref().unwrap_or_default()),
                themes::created_at.eq(now),
                themes::updated_at.eq(now),
            ))
            .returning(themes::all_columns)
            .get_result(conn)
            .map_err(conflict_on("code", &code))?;
        audit::record::<(), _>(
            conn,
            actor,
            "theme.create",
            "theme",
            Some(&row.code),
            None,
            Some(&row),
        )?;
        Ok(row)
    })
}

pub fn update_theme(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected: i64,
    input: &ThemeInput,
) -> Result<Theme> {
    let mut errors = Vec::new();
    if input.code.is_some() {
        errors.push(FieldError::new("code", Msg::CannotChange));
    }
    for (field, value) in [("name_nl", &input.name_nl), ("name_en", &input.name_en)] {
        if let Some(value) = value {
            validate::text(field, value, 1, 200, &mut errors);
        }
    }
    validate::check(errors)?;
    let change = Change {
        operation: "theme.update",
        entity: "theme",
        id: code,
        expected,
        reason: "",
    };
    change::versioned(
        conn,
        actor,
        change,
        |conn| {
            themes::table
                .filter(themes::code.eq(code))
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Theme, code))
        },
        |_, _| Ok(()),
        |conn, before: &Theme| {
            Ok(diesel::update(
                themes::table
                    .find(before.id)
                    .filter(themes::version.eq(expected)),
            )
            .set((
                themes::name_nl.eq(input
                    .name_nl
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.name_nl)),
                themes::name_en.eq(input
                    .name_en
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.name_en)),
                themes::description.eq(input.description.as_deref().unwrap_or(&before.description)),
                themes::updated_at.eq(db::now()),
                themes::version.eq(expected + 1),
            ))
            .returning(themes::all_columns)
            .get_result(conn)
            .optional()?)
        },
    )
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    pub code: Option<String>,
    pub name: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub cut_off: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
}

fn check_period_dates(
    starts_on: Option<NaiveDate>,
    cut_off: NaiveDate,
    due_date: Option<NaiveDate>,
    errors: &mut Vec<FieldError>,
) {
    if starts_on.is_some_and(|s| s > cut_off) {
        errors.push(FieldError::new("starts_on", Msg::NotAfterCutOff));
    }
    if due_date.is_some_and(|d| d < cut_off) {
        errors.push(FieldError::new("due_date", Msg::NotBeforeCutOff));
    }
}

pub fn create_period(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &PeriodInput,
) -> Result<ReportPeriod> {
    let mut errors = Vec::new();
    let code = input.code.clone().unwrap_or_default();
    validate::slug("code", &code, 80, &mut errors);
    validate::text(
        "name",
        input.name.as_deref().unwrap_or_default(),
        1,
        200,
        &mut errors,
    );
    match input.cut_off {
        Some(cut_off) => check_period_dates(input.starts_on, cut_off, input.due_date, &mut errors),
        None => errors.push(FieldError::new("cut_off", Msg::Required)),
    }
    validate::check(errors)?;
    let cut_off = input
        .cut_off
        .ok_or_else(|| Error::validation("cut_off", Msg::Required))?;
    db::write_transaction(conn, |conn| {
        let now = db::now();
        let row: ReportPeriod = diesel::insert_into(report_periods::table)
            .values((
                report_periods::code.eq(&code),
                report_periods::name.eq(input.name.as_deref().unwrap_or_default().trim()),
                report_periods::starts_on.eq(input.starts_on),
                report_periods::cut_off.eq(cut_off),
                report_periods::due_date.eq(input.due_date),
                report_periods::created_at.eq(now),
                report_periods::updated_at.eq(now),
            ))
            .returning(report_periods::all_columns)
            .get_result(conn)
            .map_err(conflict_on("code", &code))?;
        audit::record::<(), _>(
            conn,
            actor,
            "period.create",
            "period",
            Some(&row.code),
            None,
            Some(&row),
        )?;
        Ok(row)
    })
}

pub fn update_period(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected: i64,
    input: &PeriodInput,
) -> Result<ReportPeriod> {
    let mut errors = Vec::new();
    if input.code.is_some() {
        errors.push(FieldError::new("code", Msg::CannotChange));
    }
    if let Some(name) = &input.name {
        validate::text("name", name, 1, 200, &mut errors);
    }
    validate::check(errors)?;
    let change = Change {
        operation: "period.update",
        entity: "period",
        id: code,
        expected,
        reason: "",
    };
    change::versioned(
        conn,
        actor,
        change,
        |conn| {
            report_periods::table
                .filter(report_periods::code.eq(code))
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::not_found_code(Label::Period, code))
        },
        |_, _| Ok(()),
        |conn, before: &ReportPeriod| {
            // The dates are checked as they will be: the new ones with the kept ones.
            let starts_on = input.starts_on.or(before.starts_on);
            let cut_off = input.cut_off.unwrap_or(before.cut_off);
            let due_date = input.due_date.or(before.due_date);
            let mut errors = Vec::new();
            check_period_dates(starts_on, cut_off, due_date, &mut errors);
            validate::check(errors)?;
            Ok(diesel::update(
                report_periods::table
                    .find(before.id)
                    .filter(report_periods::version.eq(expected)),
            )
            .set((
                report_periods::name.eq(input
                    .name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.name)),
                report_periods::starts_on.eq(starts_on),
                report_periods::cut_off.eq(cut_off),
                report_periods::due_date.eq(due_date),
                report_periods::updated_at.eq(db::now()),
                report_periods::version.eq(expected + 1),
            ))
            .returning(report_periods::all_columns)
            .get_result(conn)
            .optional()?)
        },
    )
}

/// The names of reference rows by code, in both languages where they have two, for pages.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// area code → (name, municipality name, province)
    pub areas: std::collections::BTreeMap<String, (String, String, String)>,
    /// theme code → (Dutch, English), in the themes' order
    pub themes: Vec<(String, String, String)>,
    /// ministry code → name
    pub ministries: std::collections::BTreeMap<String, String>,
    /// municipality code → name
    pub municipalities: std::collections::BTreeMap<String, String>,
    /// target group code → (Dutch, English)
    pub target_groups: Vec<(String, String, String)>,
    /// aspect code → (Dutch, English)
    pub aspects: Vec<(String, String, String)>,
}

impl Names {
    pub fn load(conn: &mut DbConnection) -> Result<Self> {
        use crate::db::schema::{aspects, target_groups};
        let areas = areas::table
            .inner_join(municipalities::table)
            .select((
                areas::code,
                areas::name,
                municipalities::name,
                municipalities::province,
            ))
            .load::<(String, String, String, String)>(conn)?
            .into_iter()
            .map(|(code, name, municipality, province)| (code, (name, municipality, province)))
            .collect();
        Ok(Self {
            areas,
            themes: themes::table
                .order(themes::id.asc())
                .select((themes::code, themes::name_nl, themes::name_en))
                .load(conn)?,
            ministries: ministries::table
                .select((ministries::code, ministries::name))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect(),
            municipalities: municipalities::table
                .select((municipalities::code, municipalities::name))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect(),
            target_groups: target_groups::table
                .order(target_groups::id.asc())
                .select((
                    target_groups::code,
                    target_groups::name_nl,
                    target_groups::name_en,
                ))
                .load(conn)?,
            aspects: aspects::table
                .order(aspects::id.asc())
                .select((aspects::code, aspects::name_nl, aspects::name_en))
                .load(conn)?,
        })
    }

    /// The names as they were at `as_of` (None: as they are): areas, municipalities, provinces,
    /// ministries and themes from their versions; a row without versions keeps its name.
    pub fn at(mut self, conn: &mut DbConnection, as_of: Option<AsOf>) -> Result<Self> {
        let Some(as_of) = as_of else {
            return Ok(self);
        };
        let states = |conn: &mut DbConnection, kind| -> Result<HashMap<String, Then>> {
            Ok(versions::states(conn, kind, None, as_of.before)?)
        };
        let named = |states: &HashMap<String, Then>, code: &str, field: &str| match states.get(code)
        {
            Some(Then::State(state)) => versions::text(state, field),
            _ => None,
        };
        let municipality_states = states(conn, "municipality")?;
        let old_municipality: HashMap<String, String> = self
            .municipalities
            .iter_mut()
            .map(|(code, name)| {
                let now = name.clone();
                if let Some(then) = named(&municipality_states, code, "name") {
                    *name = then;
                }
                (now, name.clone())
            })
            .collect();
        let area_states = states(conn, "area")?;
        for (code, (name, municipality, _)) in &mut self.areas {
            if let Some(then) = named(&area_states, code, "name") {
                *name = then;
            }
            if let Some(then) = old_municipality.get(municipality.as_str()) {
                *municipality = then.clone();
            }
        }
        let ministry_states = states(conn, "ministry")?;
        for (code, name) in &mut self.ministries {
            if let Some(then) = named(&ministry_states, code, "name") {
                *name = then;
            }
        }
        let theme_states = states(conn, "theme")?;
        for (code, nl, en) in &mut self.themes {
            if let Some(then) = named(&theme_states, code, "name_nl") {
                *nl = then;
            }
            if let Some(then) = named(&theme_states, code, "name_en") {
                *en = then;
            }
        }
        Ok(self)
    }

    pub fn area(&self, code: &str) -> String {
        self.areas
            .get(code)
            .map(|(name, ..)| name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    pub fn ministry(&self, code: &str) -> String {
        self.ministries
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// A name from one of the two-language lists, in Dutch or English.
    pub fn pick(list: &[(String, String, String)], code: &str, english: bool) -> String {
        list.iter()
            .find(|(c, ..)| c == code)
            .map(|(_, nl, en)| if english { en.clone() } else { nl.clone() })
            .unwrap_or_else(|| code.to_string())
    }
}

/// Every report period, by cut-off.
pub fn periods(conn: &mut DbConnection) -> Result<Vec<ReportPeriod>> {
    Ok(report_periods::table
        .order((report_periods::cut_off.asc(), report_periods::id.asc()))
        .select(ReportPeriod::as_select())
        .load(conn)?)
}
