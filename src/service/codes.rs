//! The codes of reference rows by id and back, loaded once per request: the API speaks in codes
//! (`rotterdam-zuid`, `BZK`, `housing`), the tables in ids.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{areas, ministries, municipalities, programmes, target_groups, themes};
use crate::error::{FieldError, Result};
use crate::i18n::{Label, Msg};

#[derive(Debug, Default, Clone)]
pub struct Codes {
    /// area id → (code, municipality id)
    pub areas: HashMap<i64, (String, i64)>,
    pub municipalities: HashMap<i64, String>,
    pub ministries: HashMap<i64, String>,
    pub themes: HashMap<i64, String>,
    pub programmes: HashMap<i64, String>,
    pub target_groups: HashMap<i64, String>,
}

fn reverse(map: &HashMap<i64, String>, code: &str) -> Option<i64> {
    map.iter()
        .find(|(_, c)| c.as_str() == code)
        .map(|(id, _)| *id)
}

impl Codes {
    /// The seeded reference codes (the 16 areas, their municipalities, the ministries, themes
    /// and target groups) with ids numbered from 1 in seed order, no programmes: for checking
    /// input without a database (the fuzz targets).
    pub fn reference() -> Self {
        use crate::seed::reference::{AREAS, MINISTRIES, MUNICIPALITIES, TARGET_GROUPS, THEMES};
        let numbered = |codes: Vec<&str>| {
            (1..)
                .zip(codes)
                .map(|(id, code)| (id, code.to_string()))
                .collect::<HashMap<i64, String>>()
        };
        let municipalities = numbered(MUNICIPALITIES.iter().map(|m| m.code).collect());
        let areas = (1..)
            .zip(AREAS)
            .map(|(id, area)| {
                let municipality = reverse(&municipalities, area.municipality).unwrap_or(0);
                (id, (area.code.to_string(), municipality))
            })
            .collect();
        Self {
            areas,
            municipalities,
            ministries: numbered(MINISTRIES.iter().map(|(code, _)| *code).collect()),
            themes: numbered(THEMES.iter().map(|(code, ..)| *code).collect()),
            programmes: HashMap::new(),
            target_groups: numbered(TARGET_GROUPS.iter().map(|(code, ..)| *code).collect()),
        }
    }

    pub fn load(conn: &mut DbConnection) -> Result<Self> {
        let areas = areas::table
            .select((areas::id, areas::code, areas::municipality_id))
            .load::<(i64, String, i64)>(conn)?
            .into_iter()
            .map(|(id, code, municipality)| (id, (code, municipality)))
            .collect();
        let pairs = |rows: Vec<(i64, String)>| rows.into_iter().collect::<HashMap<_, _>>();
        Ok(Self {
            areas,
            municipalities: pairs(
                municipalities::table
                    .select((municipalities::id, municipalities::code))
                    .load(conn)?,
            ),
            ministries: pairs(
                ministries::table
                    .select((ministries::id, ministries::code))
                    .load(conn)?,
            ),
            themes: pairs(
                themes::table
                    .select((themes::id, themes::code))
                    .load(conn)?,
            ),
            programmes: pairs(
                programmes::table
                    .select((programmes::id, programmes::code))
                    .load(conn)?,
            ),
            target_groups: pairs(
                target_groups::table
                    .select((target_groups::id, target_groups::code))
                    .load(conn)?,
            ),
        })
    }

    pub fn area(&self, id: i64) -> &str {
        self.areas
            .get(&id)
            .map(|(code, _)| code.as_str())
            .unwrap_or("")
    }

    pub fn area_municipality(&self, area_id: i64) -> Option<i64> {
        self.areas
            .get(&area_id)
            .map(|(_, municipality)| *municipality)
    }

    pub fn municipality(&self, id: i64) -> &str {
        self.municipalities
            .get(&id)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn ministry(&self, id: i64) -> &str {
        self.ministries.get(&id).map(String::as_str).unwrap_or("")
    }

    pub fn theme(&self, id: i64) -> &str {
        self.themes.get(&id).map(String::as_str).unwrap_or("")
    }

    pub fn programme(&self, id: i64) -> &str {
        self.programmes.get(&id).map(String::as_str).unwrap_or("")
    }

    pub fn target_group(&self, id: i64) -> &str {
        self.target_groups
            .get(&id)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn area_id(&self, code: &str) -> Option<i64> {
        self.areas
            .iter()
            .find(|(_, (c, _))| c == code)
            .map(|(id, _)| *id)
    }

    pub fn municipality_id(&self, code: &str) -> Option<i64> {
        reverse(&self.municipalities, code)
    }

    pub fn ministry_id(&self, code: &str) -> Option<i64> {
        reverse(&self.ministries, code)
    }

    pub fn theme_id(&self, code: &str) -> Option<i64> {
        reverse(&self.themes, code)
    }

    pub fn programme_id(&self, code: &str) -> Option<i64> {
        reverse(&self.programmes, code)
    }

    pub fn target_group_id(&self, code: &str) -> Option<i64> {
        reverse(&self.target_groups, code)
    }
}

/// Resolves a code with `lookup`, or records "unknown KIND `code`" against `field`.
pub fn resolve(
    field: &str,
    kind: Label,
    code: &str,
    lookup: impl Fn(&str) -> Option<i64>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let found = lookup(code);
    if found.is_none() {
        errors.push(FieldError::new(
            field,
            Msg::Unknown {
                kind,
                value: code.to_string(),
            },
        ));
    }
    found
}

/// Resolves a comma-separated list of codes (`?status=on_track,at_risk`).
pub fn resolve_list(
    field: &str,
    kind: Label,
    codes: &str,
    lookup: impl Fn(&str) -> Option<i64>,
    errors: &mut Vec<FieldError>,
) -> Vec<i64> {
    codes
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .filter_map(|code| resolve(field, kind, code, &lookup, errors))
        .collect()
}

pub use crate::service::validate::check;
