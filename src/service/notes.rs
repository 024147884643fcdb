//! Local notes: what a municipality records about progress in its area, next to the ministries'
//! updates. Append-only.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::policy::Owner;
use crate::db::models::{LocalNote, NewLocalNote};
use crate::db::schema::{actions, areas, local_notes, users};
use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::domain::{ActionId, AreaId, MunicipalityId};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{Authorize, MAX_NOTE};
use crate::service::audit::{self, Actor};
use crate::service::codes::check;
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct NoteJson {
    pub id: i64,
    pub area: String,
    pub action_id: Option<i64>,
    pub body: String,
    pub author: Option<String>,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub body: String,
    /// An action in the same area the note is about.
    #[schema(value_type = Option<i64>)]
    pub action_id: Option<ActionId>,
}

/// The area of a code, and the municipality it lies in.
fn area(conn: &mut DbConnection, code: &str) -> Result<(AreaId, MunicipalityId)> {
    areas::table
        .filter(areas::code.eq(code))
        .select((areas::id, areas::municipality_id))
        .first::<(i64, i64)>(conn)
        .optional()?
        .map(|(area, municipality)| (AreaId::from(area), MunicipalityId::from(municipality)))
        .ok_or_else(|| Error::not_found_code(Label::Area, code))
}

/// The notes on an area, newest first.
pub fn list(conn: &mut DbConnection, code: &str, as_of: Option<AsOf>) -> Result<Vec<NoteJson>> {
    let (area_id, _) = area(conn, code)?;
    let mut query = local_notes::table
        .left_join(users::table)
        .filter(local_notes::area_id.eq(area_id.get()))
        .into_boxed();
    if let Some(as_of) = as_of {
        query = query.filter(local_notes::recorded_at.lt(as_of.before));
    }
    Ok(query
        .order((local_notes::recorded_at.desc(), local_notes::id.desc()))
        .select((LocalNote::as_select(), users::username.nullable()))
        .load::<(LocalNote, Option<String>)>(conn)?
        .into_iter()
        .map(|(n, author)| NoteJson {
            id: n.id,
            area: code.to_string(),
            action_id: n.action_id,
            body: n.body,
            author,
            recorded_at: n.recorded_at,
        })
        .collect())
}

/// Adds a note to an area; a municipality user only to its own areas.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    input: &NoteInput,
    authorize: Authorize,
) -> Result<NoteJson> {
    let (area_id, municipality_id) = area(conn, code)?;
    authorize(Owner {
        ministry: None,
        municipality: Some(municipality_id),
    })?;
    let mut errors = Vec::new();
    validate::text("body", &input.body, 1, MAX_NOTE, &mut errors);
    if let Some(action_id) = input.action_id {
        let action_area: Option<i64> = actions::table
            .find(action_id.get())
            .select(actions::area_id)
            .first(conn)
            .optional()?;
        if action_area != Some(area_id.get()) {
            errors.push(FieldError::new(
                "action_id",
                Msg::NotInArea {
                    action: action_id.get(),
                    area: code.to_string(),
                },
            ));
        }
    }
    check(errors)?;
    db::write_transaction(conn, |conn| {
        let note: LocalNote = diesel::insert_into(local_notes::table)
            .values(NewLocalNote {
                area_id: area_id.get(),
                action_id: input.action_id.map(ActionId::get),
                body: input.body.trim(),
                author_id: actor.user_id,
                recorded_at: db::now(),
            })
            .returning(local_notes::all_columns)
            .get_result(conn)?;
        audit::record::<(), _>(
            conn,
            actor,
            "note.create",
            "local_note",
            Some(&note.id.to_string()),
            None,
            Some(&note),
        )?;
        Ok(NoteJson {
            id: note.id,
            area: code.to_string(),
            action_id: note.action_id,
            body: note.body,
            author: Some(actor.name.clone()),
            recorded_at: note.recorded_at,
        })
    })
}
