//! National programmes ("versnellingsacties") with a theme and a lead ministry; actions in the
//! areas belong to them.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::policy::Owner;
use crate::db::models::{NewProgramme, Programme};
use crate::db::schema::{actions, programmes};
use crate::db::versions::{self, Then};
use crate::db::{self, DbConnection};
use crate::domain::MinistryId;
use crate::domain::asof::AsOf;
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{Authorize, MAX_NOTE, MAX_TITLE};
use crate::service::audit::{self, Actor};
use crate::service::change::{self, Change};
use crate::service::codes::{Codes, Kind, check, resolve};
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ProgrammeJson {
    pub code: String,
    pub title: String,
    pub description: String,
    pub theme: String,
    pub lead_ministry: String,
    /// How many actions in the areas belong to it.
    pub actions: i64,
    pub version: i64,
}

fn to_json(conn: &mut DbConnection, codes: &Codes, p: Programme) -> Result<ProgrammeJson> {
    let count = actions::table
        .filter(actions::programme_id.eq(p.id))
        .count()
        .get_result(conn)?;
    Ok(ProgrammeJson {
        theme: codes.theme(p.theme_id).to_string(),
        lead_ministry: codes.ministry(p.lead_ministry_id).to_string(),
        code: p.code,
        title: p.title,
        description: p.description,
        actions: count,
        version: p.version,
    })
}

pub fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> Result<(Vec<ProgrammeJson>, i64)> {
    let codes = Codes::load(conn)?;
    let total = programmes::table.count().get_result(conn)?;
    let rows: Vec<Programme> = programmes::table
        .order(programmes::code.asc())
        .limit(limit)
        .offset(offset)
        .select(Programme::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|p| to_json(conn, &codes, p))
        .collect::<Result<_>>()?;
    Ok((items, total))
}

fn load(conn: &mut DbConnection, code: &str) -> Result<Programme> {
    programmes::table
        .filter(programmes::code.eq(code))
        .select(Programme::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found_code(Label::Programme, code))
}

pub fn get(conn: &mut DbConnection, code: &str) -> Result<ProgrammeJson> {
    let codes = Codes::load(conn)?;
    let row = load(conn, code)?;
    to_json(conn, &codes, row)
}

/// The programmes as they were before `as_of` (title, description, theme, lead ministry from
/// their versions), by code, without those that did not exist yet; `code` picks one. The count
/// of actions is today's.
pub fn as_of(
    conn: &mut DbConnection,
    code: Option<&str>,
    as_of: AsOf,
) -> Result<Vec<ProgrammeJson>> {
    let codes = Codes::load(conn)?;
    let mut query = programmes::table.into_boxed();
    if let Some(code) = code {
        query = query.filter(programmes::code.eq(code.to_string()));
    }
    let rows: Vec<Programme> = query
        .order(programmes::code.asc())
        .select(Programme::as_select())
        .load(conn)?;
    let keys: Vec<String> = rows.iter().map(|p| p.code.clone()).collect();
    let states = versions::states(conn, "programme", Some(&keys), as_of.before)?;
    let mut out = Vec::new();
    for mut row in rows {
        match states.get(&row.code) {
            Some(Then::Absent) => continue,
            Some(Then::State(state)) => {
                let id = |field: &str| state.get(field).and_then(serde_json::Value::as_i64);
                row.title = versions::text(state, "title").unwrap_or(row.title);
                row.description = versions::text(state, "description").unwrap_or(row.description);
                row.theme_id = id("theme_id").unwrap_or(row.theme_id);
                row.lead_ministry_id = id("lead_ministry_id").unwrap_or(row.lead_ministry_id);
            }
            Some(Then::AsCreated) | None => {
                if !as_of.includes(row.created_at) {
                    continue;
                }
            }
        }
        out.push(to_json(conn, &codes, row)?);
    }
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub theme: Option<String>,
    pub lead_ministry: Option<String>,
}

fn check_texts(input: &ProgrammeInput, creating: bool, errors: &mut Vec<FieldError>) {
    match &input.title {
        Some(title) => validate::text("title", title, 1, MAX_TITLE, errors),
        None if creating => errors.push(FieldError::new("title", Msg::Required)),
        None => {}
    }
    if let Some(description) = &input.description {
        validate::text("description", description, 0, MAX_NOTE, errors);
    }
}

/// Creates a programme; a ministry user may create those its own ministry leads.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &ProgrammeInput,
    authorize: Authorize,
) -> Result<ProgrammeJson> {
    let codes = Codes::load(conn)?;
    let mut errors = Vec::new();
    let code = input.code.clone().unwrap_or_default();
    validate::slug("code", &code, 80, &mut errors);
    check_texts(input, true, &mut errors);
    let theme = match &input.theme {
        Some(t) => resolve("theme", Kind::Theme, t, &codes, &mut errors),
        None => {
            errors.push(FieldError::new("theme", Msg::Required));
            None
        }
    };
    let ministry = match &input.lead_ministry {
        Some(m) => resolve("lead_ministry", Kind::Ministry, m, &codes, &mut errors),
        None => {
            errors.push(FieldError::new("lead_ministry", Msg::Required));
            None
        }
    };
    check(errors)?;
    let (Some(theme_id), Some(lead_ministry_id)) = (theme, ministry) else {
        return Err(Error::internal("codes resolved without error but missing"));
    };
    authorize(Owner {
        ministry: Some(MinistryId::from(lead_ministry_id)),
        municipality: None,
    })?;
    db::write_transaction(conn, |conn| {
        let now = db::now();
        let row: Programme = diesel::insert_into(programmes::table)
            .values(NewProgramme {
                code: &code,
                title: input.title.as_deref().unwrap_or_default().trim(),
                description: input.description.as_deref().unwrap_or_default(),
                theme_id,
                lead_ministry_id,
                created_at: now,
                updated_at: now,
            })
            .returning(programmes::all_columns)
            .get_result(conn)
            .map_err(|err| match Error::from(err) {
                Error::Conflict { .. } => Error::conflict(
                    "code",
                    Msg::InUse {
                        value: code.clone(),
                    },
                ),
                other => other,
            })?;
        audit::record::<(), _>(
            conn,
            actor,
            "programme.create",
            "programme",
            Some(&row.code),
            None,
            Some(&row),
        )?;
        to_json(conn, &codes, row)
    })
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected_version: i64,
    input: &ProgrammeInput,
    authorize: Authorize,
) -> Result<ProgrammeJson> {
    let codes = Codes::load(conn)?;
    let mut errors = Vec::new();
    if input.code.is_some() {
        errors.push(FieldError::new("code", Msg::CannotChange));
    }
    if input.lead_ministry.is_some() {
        errors.push(FieldError::new("lead_ministry", Msg::ProgrammeLeadFixed));
    }
    check_texts(input, false, &mut errors);
    let theme = input
        .theme
        .as_deref()
        .and_then(|t| resolve("theme", Kind::Theme, t, &codes, &mut errors));
    check(errors)?;
    let change = Change {
        operation: "programme.update",
        entity: "programme",
        id: code,
        expected: expected_version,
        reason: "",
    };
    let after = change::versioned(
        conn,
        actor,
        change,
        |conn| load(conn, code),
        |_, before| {
            authorize(Owner {
                ministry: Some(MinistryId::from(before.lead_ministry_id)),
                municipality: None,
            })
        },
        |conn, before| {
            Ok(diesel::update(
                programmes::table
                    .filter(programmes::id.eq(before.id))
                    .filter(programmes::version.eq(expected_version)),
            )
            .set((
                programmes::title.eq(input
                    .title
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&before.title)),
                programmes::description
                    .eq(input.description.as_deref().unwrap_or(&before.description)),
                programmes::theme_id.eq(theme.unwrap_or(before.theme_id)),
                programmes::updated_at.eq(db::now()),
                programmes::version.eq(expected_version + 1),
            ))
            .returning(programmes::all_columns)
            .get_result(conn)
            .optional()?)
        },
    )?;
    to_json(conn, &codes, after)
}
