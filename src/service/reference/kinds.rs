//! Reference data as the API shows it, one kind at a time: a page of the list, one row by its
//! code, a new one, a change. The handlers are generic over [`Listed`] and [`Managed`], so every
//! kind answers the same way.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::DbConnection;
use crate::db::models::{Area, Aspect, Ministry, Municipality, ReportPeriod, TargetGroup, Theme};
use crate::db::schema::{
    areas, aspects, ministries, municipalities, report_periods, target_groups, themes,
};
use crate::db::versions::{self, Then};
use crate::domain::asof::AsOf;
use crate::error::{Error, Result};
use crate::i18n::Label;
use crate::service::audit::Actor;
use crate::service::change::Versioned;
use serde_json::Value;

/// A kind of reference data that can be listed, a page at a time.
pub trait Listed {
    type Json: Serialize + Send + 'static;
    /// The entity type of its versions (`db::versions::TRACKED`), when its rows have them.
    const ENTITY: Option<&'static str>;
    /// One page, in the kind's order, with the total.
    fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<Self::Json>, i64)>;
}

/// A kind of reference data the programme office manages by code, with versions.
pub trait Managed: Listed {
    /// What the kind is called in messages.
    const LABEL: Label;
    type New: DeserializeOwned + Send + 'static;
    type Change: DeserializeOwned + Send + 'static;
    /// One row by code, with its version.
    fn get(conn: &mut DbConnection, code: &str) -> Result<(Self::Json, i64)>;
    fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        input: &Self::New,
    ) -> Result<(Self::Json, i64)>;
    fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        code: &str,
        expected: i64,
        change: &Self::Change,
    ) -> Result<(Self::Json, i64)>;
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MunicipalityRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AreaJson {
    pub code: String,
    pub name: String,
    pub municipality: MunicipalityRef,
    pub province: String,
    pub latitude: f64,
    pub longitude: f64,
    pub focus_since: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MunicipalityJson {
    pub code: String,
    pub name: String,
    pub province: String,
    pub areas: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MinistryJson {
    pub code: String,
    pub name: String,
}

/// A theme, target group or aspect: a code with a Dutch and an English name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NamedJson {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodJson {
    pub code: String,
    pub name: String,
    pub starts_on: Option<NaiveDate>,
    pub cut_off: NaiveDate,
    pub due_date: Option<NaiveDate>,
}

/// The urban renewal areas, by name.
pub struct Areas;
/// The municipalities, by name, with the codes of their areas.
pub struct Municipalities;
/// The ministries, in seed order.
pub struct Ministries;
/// The themes of the actions.
pub struct Themes;
/// The target groups of the VNG call.
pub struct TargetGroups;
/// The aspects of the VNG call.
pub struct Aspects;
/// The report periods, by cut-off.
pub struct Periods;

fn area_json(area: Area, municipality: &Municipality) -> AreaJson {
    AreaJson {
        code: area.code,
        name: area.name,
        municipality: MunicipalityRef {
            code: municipality.code.clone(),
            name: municipality.name.clone(),
        },
        province: municipality.province.clone(),
        latitude: area.latitude,
        longitude: area.longitude,
        focus_since: area.focus_since,
    }
}

fn ministry_json(m: Ministry) -> MinistryJson {
    MinistryJson {
        code: m.code,
        name: m.name,
    }
}

fn theme_json(t: Theme) -> NamedJson {
    NamedJson {
        code: t.code,
        name_nl: t.name_nl,
        name_en: t.name_en,
        description: Some(t.description),
    }
}

fn period_json(p: ReportPeriod) -> PeriodJson {
    PeriodJson {
        code: p.code,
        name: p.name,
        starts_on: p.starts_on,
        cut_off: p.cut_off,
        due_date: p.due_date,
    }
}

impl Listed for Areas {
    const ENTITY: Option<&'static str> = Some("area");
    type Json = AreaJson;
    fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<AreaJson>, i64)> {
        let total = areas::table.count().get_result(conn)?;
        let rows: Vec<(Area, Municipality)> = areas::table
            .inner_join(municipalities::table)
            .select((Area::as_select(), Municipality::as_select()))
            .order(areas::name.asc())
            .limit(limit)
            .offset(offset)
            .load(conn)?;
        let items = rows.into_iter().map(|(a, m)| area_json(a, &m)).collect();
        Ok((items, total))
    }
}

impl Managed for Areas {
    const LABEL: Label = Label::Area;
    type New = super::NewAreaInput;
    type Change = super::AreaChange;

    fn get(conn: &mut DbConnection, code: &str) -> Result<(AreaJson, i64)> {
        let row: Option<(Area, Municipality)> = areas::table
            .inner_join(municipalities::table)
            .filter(areas::code.eq(code))
            .select((Area::as_select(), Municipality::as_select()))
            .first(conn)
            .optional()?;
        row.map(|(a, m)| {
            let version = a.version;
            (area_json(a, &m), version)
        })
        .ok_or_else(|| Error::not_found_code(Label::Area, code))
    }

    fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        input: &Self::New,
    ) -> Result<(AreaJson, i64)> {
        let area = super::create_area(conn, actor, input)?;
        Self::get(conn, &area.code)
    }

    fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        code: &str,
        expected: i64,
        change: &Self::Change,
    ) -> Result<(AreaJson, i64)> {
        super::update_area(conn, actor, code, expected, change)?;
        Self::get(conn, code)
    }
}

impl Listed for Municipalities {
    const ENTITY: Option<&'static str> = Some("municipality");
    type Json = MunicipalityJson;
    fn list(
        conn: &mut DbConnection,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<MunicipalityJson>, i64)> {
        let total = municipalities::table.count().get_result(conn)?;
        let rows: Vec<Municipality> = municipalities::table
            .select(Municipality::as_select())
            .order(municipalities::name.asc())
            .limit(limit)
            .offset(offset)
            .load(conn)?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut area_codes: HashMap<i64, Vec<String>> = HashMap::new();
        for (municipality_id, code) in areas::table
            .filter(areas::municipality_id.eq_any(&ids))
            .select((areas::municipality_id, areas::code))
            .order(areas::code.asc())
            .load::<(i64, String)>(conn)?
        {
            area_codes.entry(municipality_id).or_default().push(code);
        }
        let items = rows
            .into_iter()
            .map(|m| MunicipalityJson {
                areas: area_codes.remove(&m.id).unwrap_or_default(),
                code: m.code,
                name: m.name,
                province: m.province,
            })
            .collect();
        Ok((items, total))
    }
}

impl Municipalities {
    /// A new municipality, without areas yet.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        input: &super::NewMunicipalityInput,
    ) -> Result<MunicipalityJson> {
        let m = super::create_municipality(conn, actor, input)?;
        Ok(MunicipalityJson {
            code: m.code,
            name: m.name,
            province: m.province,
            areas: vec![],
        })
    }
}

/// A row as JSON, with its version.
fn with_version<R: Versioned, J>(row: R, json: impl FnOnce(R) -> J) -> (J, i64) {
    let version = row.version();
    (json(row), version)
}

/// A row found by code, as JSON with its version, or a 404 naming the kind.
fn by_code<R: Versioned, J>(
    found: Option<R>,
    kind: Label,
    code: &str,
    json: impl FnOnce(R) -> J,
) -> Result<(J, i64)> {
    let row = found.ok_or_else(|| Error::not_found_code(kind, code))?;
    Ok(with_version(row, json))
}

impl Listed for TargetGroups {
    const ENTITY: Option<&'static str> = None;
    type Json = NamedJson;
    fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<NamedJson>, i64)> {
        let total = target_groups::table.count().get_result(conn)?;
        let rows: Vec<TargetGroup> = target_groups::table
            .select(TargetGroup::as_select())
            .order(target_groups::id.asc())
            .limit(limit)
            .offset(offset)
            .load(conn)?;
        let items = rows
            .into_iter()
            .map(|t| NamedJson {
                code: t.code,
                name_nl: t.name_nl,
                name_en: t.name_en,
                description: None,
            })
            .collect();
        Ok((items, total))
    }
}

impl Listed for Aspects {
    const ENTITY: Option<&'static str> = None;
    type Json = NamedJson;
    fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<NamedJson>, i64)> {
        let total = aspects::table.count().get_result(conn)?;
        let rows: Vec<Aspect> = aspects::table
            .select(Aspect::as_select())
            .order(aspects::id.asc())
            .limit(limit)
            .offset(offset)
            .load(conn)?;
        let items = rows
            .into_iter()
            .map(|a| NamedJson {
                code: a.code,
                name_nl: a.name_nl,
                name_en: a.name_en,
                description: Some(a.description),
            })
            .collect();
        Ok((items, total))
    }
}

/// A kind whose rows are their own JSON, managed by code through the write functions of the
/// module: listed in `order`, found by code, created and changed.
macro_rules! managed_by_code {
    ($kind:ty, $entity:literal, $row:ty, $json:ty, $table:ident, $order:expr, $label:expr,
     $to_json:path, $input:ty, $create:path, $update:path) => {
        impl Listed for $kind {
            const ENTITY: Option<&'static str> = Some($entity);
            type Json = $json;
            fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<$json>, i64)> {
                let total = $table::table.count().get_result(conn)?;
                let rows: Vec<$row> = $table::table
                    .select(<$row>::as_select())
                    .order($order)
                    .limit(limit)
                    .offset(offset)
                    .load(conn)?;
                Ok((rows.into_iter().map($to_json).collect(), total))
            }
        }

        impl Managed for $kind {
            const LABEL: Label = $label;
            type New = $input;
            type Change = $input;

            fn get(conn: &mut DbConnection, code: &str) -> Result<($json, i64)> {
                let found = $table::table
                    .filter($table::code.eq(code))
                    .select(<$row>::as_select())
                    .first(conn)
                    .optional()?;
                by_code(found, $label, code, $to_json)
            }

            fn create(
                conn: &mut DbConnection,
                actor: &Actor,
                input: &$input,
            ) -> Result<($json, i64)> {
                Ok(with_version($create(conn, actor, input)?, $to_json))
            }

            fn update(
                conn: &mut DbConnection,
                actor: &Actor,
                code: &str,
                expected: i64,
                change: &$input,
            ) -> Result<($json, i64)> {
                Ok(with_version(
                    $update(conn, actor, code, expected, change)?,
                    $to_json,
                ))
            }
        }
    };
}

managed_by_code!(
    Ministries,
    "ministry",
    Ministry,
    MinistryJson,
    ministries,
    ministries::id.asc(),
    Label::Ministry,
    ministry_json,
    super::MinistryInput,
    super::create_ministry,
    super::update_ministry
);

managed_by_code!(
    Themes,
    "theme",
    Theme,
    NamedJson,
    themes,
    themes::id.asc(),
    Label::Theme,
    theme_json,
    super::ThemeInput,
    super::create_theme,
    super::update_theme
);

managed_by_code!(
    Periods,
    "period",
    ReportPeriod,
    PeriodJson,
    report_periods,
    report_periods::cut_off.asc(),
    Label::Period,
    period_json,
    super::PeriodInput,
    super::create_period,
    super::update_period
);

/// Rows of reference data as they were before `as_of`: each one's versioned fields (see
/// `db::versions::TRACKED`) put over the same fields of its JSON, an area's municipality named as
/// it was too; rows that did not exist then are left out. Without versions a kind is as it is.
pub fn as_of_json<T: Serialize>(
    conn: &mut DbConnection,
    entity: Option<&str>,
    items: Vec<T>,
    as_of: AsOf,
) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    let states = match entity {
        Some(entity) => versions::states(conn, entity, None, as_of.before)?,
        None => HashMap::new(),
    };
    let municipalities = if entity == Some("area") {
        versions::states(conn, "municipality", None, as_of.before)?
    } else {
        HashMap::new()
    };
    for item in items {
        let mut json = serde_json::to_value(&item).map_err(Error::internal)?;
        let code = json
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match states.get(&code) {
            Some(Then::Absent) => continue,
            Some(Then::State(state)) => overlay(&mut json, state),
            Some(Then::AsCreated) | None => {}
        }
        if let Some(municipality) = json.get_mut("municipality") {
            let code = municipality
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if let Some(Then::State(state)) = municipalities.get(&code) {
                overlay(municipality, state);
            }
        }
        out.push(json);
    }
    Ok(out)
}

/// Puts the versioned fields over the fields of the same name.
fn overlay(json: &mut Value, state: &serde_json::Map<String, Value>) {
    if let Some(object) = json.as_object_mut() {
        for (field, value) in state {
            if let Some(slot) = object.get_mut(field) {
                *slot = value.clone();
            }
        }
    }
}
