//! The tags of a practice (kind and stage), and the reference tables a consultation's target
//! groups, aspects and municipalities come from, with the resolution of their codes.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::db::schema::{aspects, municipalities, target_groups};
use crate::error::FieldError;
use crate::i18n::{Label, Msg};

/// Kind of practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An existing best practice.
    ExistingPractice,
    /// A new course of action ("handelingsperspectief").
    NewCourse,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExistingPractice => "existing_practice",
            Self::NewCourse => "new_course",
        }
    }

    pub(super) fn label_nl(code: &str) -> &'static str {
        match code {
            "existing_practice" => "bestaande praktijk",
            _ => "nieuw handelingsperspectief",
        }
    }
}

/// Where the practice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Already under way.
    UnderWay,
    /// Wanted in the short term.
    ShortTerm,
    /// Wanted in the medium term.
    MediumTerm,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnderWay => "under_way",
            Self::ShortTerm => "short_term",
            Self::MediumTerm => "medium_term",
        }
    }

    pub(super) fn label_nl(code: &str) -> &'static str {
        match code {
            "under_way" => "in gang gezet",
            "short_term" => "korte termijn",
            _ => "middellange termijn",
        }
    }
}

/// A reference table as (id, code, Dutch name), ordered by id.
pub(super) type Tags = Vec<(i64, String, String)>;

pub(super) fn all_target_groups(conn: &mut DbConnection) -> QueryResult<Tags> {
    target_groups::table
        .order(target_groups::id.asc())
        .select((
            target_groups::id,
            target_groups::code,
            target_groups::name_nl,
        ))
        .load(conn)
}

pub(super) fn all_aspects(conn: &mut DbConnection) -> QueryResult<Tags> {
    aspects::table
        .order(aspects::id.asc())
        .select((aspects::id, aspects::code, aspects::name_nl))
        .load(conn)
}

pub(super) fn all_municipalities(conn: &mut DbConnection) -> QueryResult<Tags> {
    municipalities::table
        .order(municipalities::id.asc())
        .select((
            municipalities::id,
            municipalities::code,
            municipalities::name,
        ))
        .load(conn)
}

pub(super) fn code_of(tags: &Tags, id: i64) -> String {
    tags.iter()
        .find(|(i, ..)| *i == id)
        .map(|(_, code, _)| code.clone())
        .unwrap_or_default()
}

/// The three reference tables, each loaded once per request.
pub(super) struct Reference {
    pub(super) target_groups: Tags,
    pub(super) aspects: Tags,
    pub(super) municipalities: Tags,
}

impl Reference {
    pub(super) fn load(conn: &mut DbConnection) -> QueryResult<Self> {
        Ok(Self {
            target_groups: all_target_groups(conn)?,
            aspects: all_aspects(conn)?,
            municipalities: all_municipalities(conn)?,
        })
    }
}

/// Resolves a list of codes against `known` (limited to `allowed` ids when given), recording
/// `field.N` for every unknown or disallowed code and `field` for an empty or repeated list.
pub(super) fn resolve_codes(
    field: &str,
    kind: Label,
    codes: &[String],
    known: &Tags,
    allowed: Option<&[i64]>,
    errors: &mut Vec<FieldError>,
) -> Vec<i64> {
    if codes.is_empty() {
        errors.push(FieldError::new(field, Msg::ChooseAtLeastOne { kind }));
    }
    let mut ids = Vec::new();
    for (index, code) in codes.iter().enumerate() {
        match known.iter().find(|(_, c, _)| c == code) {
            Some((id, ..)) if allowed.is_none_or(|allowed| allowed.contains(id)) => {
                if ids.contains(id) {
                    errors.push(FieldError::new(
                        format!("{field}.{index}"),
                        Msg::ListedTwice {
                            value: code.clone(),
                        },
                    ));
                } else {
                    ids.push(*id);
                }
            }
            Some(_) => errors.push(FieldError::new(
                format!("{field}.{index}"),
                Msg::NotInConsultation {
                    kind,
                    value: code.clone(),
                },
            )),
            None => errors.push(FieldError::new(
                format!("{field}.{index}"),
                Msg::Unknown {
                    kind,
                    value: code.clone(),
                },
            )),
        }
    }
    ids.sort_unstable();
    ids
}
