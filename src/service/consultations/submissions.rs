//! The municipalities' best-practice submissions: reading, creating and changing them, the
//! order of a municipality's list (ranks 1..N without gaps) and the links to the actions that
//! follow from a practice.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::MAX_SHORT;
use super::access::{authorize_read, authorize_write};
use super::calls::{load_consultation, scope};
use super::tags::{Kind, Reference, Stage, all_aspects, all_target_groups, code_of, resolve_codes};
use crate::db::models::{
    Consultation, NewSubmission, NewSubmissionAction, NewSubmissionAspect,
    NewSubmissionTargetGroup, Submission,
};
use crate::db::schema::{
    actions, consultations, municipalities, submission_actions, submission_aspects,
    submission_target_groups, submissions, users,
};
use crate::db::{self, DbConnection};
use crate::domain::{ActionId, Role, SubmissionId};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{Authorize, MAX_NOTE, MAX_TITLE};
use crate::service::audit::{self, Actor};
use crate::service::codes::check;
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct SubmissionJson {
    pub id: i64,
    pub consultation: String,
    pub municipality: String,
    /// 1 is the municipality's first choice.
    pub rank: i32,
    pub title: String,
    pub description: String,
    pub target_groups: Vec<String>,
    pub aspects: Vec<String>,
    pub kind: String,
    pub stage: String,
    /// Whether national help ("lobby") is needed, and what.
    pub lobby_needed: bool,
    pub lobby_note: String,
    pub contact: String,
    /// Created after the original deadline (accepted by an admin, or during a reopening).
    pub late: bool,
    /// The admin who accepted a late submission.
    pub accepted_by: Option<String>,
    /// Actions in the tracker that follow from this practice.
    pub action_ids: Vec<i64>,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A submission row with its tags and links.
#[derive(Debug, Clone)]
pub(super) struct Loaded {
    pub(super) row: Submission,
    pub(super) target_groups: Vec<i64>,
    pub(super) aspects: Vec<i64>,
    pub(super) actions: Vec<i64>,
    accepted_by: Option<String>,
}

/// The submissions of a consultation (of one municipality when given), by municipality and rank.
pub(super) fn submissions_of(
    conn: &mut DbConnection,
    consultation_id: i64,
    municipality_id: Option<i64>,
) -> Result<Vec<Loaded>> {
    let mut query = submissions::table
        .left_join(users::table.on(users::id.nullable().eq(submissions::accepted_by)))
        .filter(submissions::consultation_id.eq(consultation_id))
        .into_boxed();
    if let Some(municipality_id) = municipality_id {
        query = query.filter(submissions::municipality_id.eq(municipality_id));
    }
    let rows: Vec<(Submission, Option<String>)> = query
        .order((submissions::municipality_id.asc(), submissions::rank.asc()))
        .select((Submission::as_select(), users::username.nullable()))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(s, _)| s.id).collect();
    let mut links = load_links(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, accepted_by)| Loaded {
            target_groups: links.target_groups.remove(&row.id).unwrap_or_default(),
            aspects: links.aspects.remove(&row.id).unwrap_or_default(),
            actions: links.actions.remove(&row.id).unwrap_or_default(),
            accepted_by,
            row,
        })
        .collect())
}

/// The target groups, aspects and actions of submissions, by submission id, each ordered.
#[derive(Default)]
struct Links {
    target_groups: HashMap<i64, Vec<i64>>,
    aspects: HashMap<i64, Vec<i64>>,
    actions: HashMap<i64, Vec<i64>>,
}

fn load_links(conn: &mut DbConnection, ids: &[i64]) -> Result<Links> {
    let mut links = Links::default();
    for chunk in ids.chunks(5_000) {
        for (s, g) in submission_target_groups::table
            .filter(submission_target_groups::submission_id.eq_any(chunk))
            .order(submission_target_groups::target_group_id.asc())
            .select((
                submission_target_groups::submission_id,
                submission_target_groups::target_group_id,
            ))
            .load::<(i64, i64)>(conn)?
        {
            links.target_groups.entry(s).or_default().push(g);
        }
        for (s, a) in submission_aspects::table
            .filter(submission_aspects::submission_id.eq_any(chunk))
            .order(submission_aspects::aspect_id.asc())
            .select((
                submission_aspects::submission_id,
                submission_aspects::aspect_id,
            ))
            .load::<(i64, i64)>(conn)?
        {
            links.aspects.entry(s).or_default().push(a);
        }
        for (s, a) in submission_actions::table
            .filter(submission_actions::submission_id.eq_any(chunk))
            .order(submission_actions::action_id.asc())
            .select((
                submission_actions::submission_id,
                submission_actions::action_id,
            ))
            .load::<(i64, i64)>(conn)?
        {
            links.actions.entry(s).or_default().push(a);
        }
    }
    Ok(links)
}

fn load_submission(conn: &mut DbConnection, id: i64) -> Result<(Submission, Consultation)> {
    submissions::table
        .inner_join(consultations::table)
        .filter(submissions::id.eq(id))
        .select((Submission::as_select(), Consultation::as_select()))
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(Label::Submission, id))
}

fn one(conn: &mut DbConnection, id: i64) -> Result<Loaded> {
    let (row, _) = load_submission(conn, id)?;
    submissions_of(conn, row.consultation_id, Some(row.municipality_id))?
        .into_iter()
        .find(|s| s.row.id == id)
        .ok_or_else(|| Error::not_found(Label::Submission, id))
}

fn submission_json(
    conn: &mut DbConnection,
    consultation: &str,
    loaded: Vec<Loaded>,
) -> Result<Vec<SubmissionJson>> {
    let reference = Reference::load(conn)?;
    Ok(loaded
        .into_iter()
        .map(|s| SubmissionJson {
            id: s.row.id,
            consultation: consultation.to_string(),
            municipality: code_of(&reference.municipalities, s.row.municipality_id),
            rank: s.row.rank,
            title: s.row.title,
            description: s.row.description,
            target_groups: s
                .target_groups
                .iter()
                .map(|id| code_of(&reference.target_groups, *id))
                .collect(),
            aspects: s
                .aspects
                .iter()
                .map(|id| code_of(&reference.aspects, *id))
                .collect(),
            kind: s.row.kind,
            stage: s.row.stage,
            lobby_needed: s.row.lobby_needed,
            lobby_note: s.row.lobby_note,
            contact: s.row.contact,
            late: s.row.late,
            accepted_by: s.accepted_by,
            action_ids: s.actions,
            created_at: s.row.created_at,
            updated_at: s.row.updated_at,
            version: s.row.version,
        })
        .collect())
}

fn single(conn: &mut DbConnection, consultation: &str, id: i64) -> Result<SubmissionJson> {
    let loaded = one(conn, id)?;
    submission_json(conn, consultation, vec![loaded])?
        .pop()
        .ok_or_else(|| Error::not_found(Label::Submission, id))
}

fn municipality_id(conn: &mut DbConnection, code: &str) -> Result<i64> {
    municipalities::table
        .filter(municipalities::code.eq(code))
        .select(municipalities::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found_code(Label::Municipality, code))
}

/// The submissions of one municipality to a consultation, by rank.
pub fn list_submissions(
    conn: &mut DbConnection,
    code: &str,
    municipality: &str,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<Vec<SubmissionJson>> {
    let consultation = load_consultation(conn, code)?;
    let municipality_id = municipality_id(conn, municipality)?;
    authorize_read(&consultation, municipality_id, role, authorize, now)?;
    let loaded = submissions_of(conn, consultation.id, Some(municipality_id))?;
    submission_json(conn, code, loaded)
}

pub fn get_submission(
    conn: &mut DbConnection,
    id: SubmissionId,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
    let id = id.get();
    let (row, consultation) = load_submission(conn, id)?;
    authorize_read(&consultation, row.municipality_id, role, authorize, now)?;
    single(conn, &consultation.code, id)
}

/// A new submission; it takes the next rank.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Target group codes, among the consultation's; at least one.
    #[serde(default)]
    pub target_groups: Vec<String>,
    /// Aspect codes, among the consultation's; at least one.
    #[serde(default)]
    pub aspects: Vec<String>,
    pub kind: Kind,
    pub stage: Stage,
    #[serde(default)]
    pub lobby_needed: bool,
    /// What national help is needed; required when `lobby_needed`.
    #[serde(default)]
    pub lobby_note: String,
    #[serde(default)]
    pub contact: String,
}

/// A change of a submission; absent fields stay. The rank changes through the order.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub target_groups: Option<Vec<String>>,
    pub aspects: Option<Vec<String>>,
    pub kind: Option<Kind>,
    pub stage: Option<Stage>,
    pub lobby_needed: Option<bool>,
    pub lobby_note: Option<String>,
    pub contact: Option<String>,
}

/// A submission's own fields as they are to be stored (texts before trimming).
struct Fields<'a> {
    title: &'a str,
    description: &'a str,
    kind: &'a str,
    stage: &'a str,
    lobby_needed: bool,
    lobby_note: &'a str,
    contact: &'a str,
}

impl<'a> Fields<'a> {
    fn of_input(input: &'a SubmissionInput) -> Self {
        Self {
            title: &input.title,
            description: &input.description,
            kind: input.kind.as_str(),
            stage: input.stage.as_str(),
            lobby_needed: input.lobby_needed,
            lobby_note: &input.lobby_note,
            contact: &input.contact,
        }
    }

    /// The change's fields, and the row's where the change leaves them out.
    fn of_change(change: &'a SubmissionChange, row: &'a Submission) -> Self {
        Self {
            title: change.title.as_deref().unwrap_or(&row.title),
            description: change.description.as_deref().unwrap_or(&row.description),
            kind: change.kind.map(Kind::as_str).unwrap_or(&row.kind),
            stage: change.stage.map(Stage::as_str).unwrap_or(&row.stage),
            lobby_needed: change.lobby_needed.unwrap_or(row.lobby_needed),
            lobby_note: change.lobby_note.as_deref().unwrap_or(&row.lobby_note),
            contact: change.contact.as_deref().unwrap_or(&row.contact),
        }
    }
}

fn check_submission(fields: &Fields, errors: &mut Vec<FieldError>) {
    validate::text("title", fields.title, 1, MAX_TITLE, errors);
    validate::text("description", fields.description, 0, MAX_NOTE, errors);
    validate::text("lobby_note", fields.lobby_note, 0, MAX_NOTE, errors);
    if fields.lobby_needed && fields.lobby_note.trim().is_empty() {
        errors.push(FieldError::new("lobby_note", Msg::LobbyNoteRequired));
    }
    validate::text("contact", fields.contact, 0, MAX_SHORT, errors);
}

fn replace_tags(
    conn: &mut DbConnection,
    id: i64,
    target_groups: &[i64],
    aspects: &[i64],
) -> QueryResult<()> {
    diesel::delete(
        submission_target_groups::table.filter(submission_target_groups::submission_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(submission_aspects::table.filter(submission_aspects::submission_id.eq(id)))
        .execute(conn)?;
    for target_group_id in target_groups {
        diesel::insert_into(submission_target_groups::table)
            .values(NewSubmissionTargetGroup {
                submission_id: id,
                target_group_id: *target_group_id,
            })
            .execute(conn)?;
    }
    for aspect_id in aspects {
        diesel::insert_into(submission_aspects::table)
            .values(NewSubmissionAspect {
                submission_id: id,
                aspect_id: *aspect_id,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a submission for `municipality` at `now` (injected, so the deadline can be tested to
/// the microsecond). See the module comment for who may, when, and what is marked late.
#[expect(
    clippy::too_many_arguments,
    reason = "the caller's role, scope check and clock are all needed"
)]
pub fn create_submission(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    municipality: &str,
    input: &SubmissionInput,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
    let consultation = load_consultation(conn, code)?;
    let municipality_id = municipality_id(conn, municipality)?;
    authorize_write(conn, &consultation, municipality_id, role, authorize, now)?;
    let fields = Fields::of_input(input);
    let (group_ids, aspect_ids) = check_new(conn, &consultation, input, &fields)?;
    let late = now >= consultation.deadline_at;
    let new_row = |rank| NewSubmission {
        consultation_id: consultation.id,
        municipality_id,
        rank,
        title: fields.title.trim(),
        description: fields.description,
        kind: fields.kind,
        stage: fields.stage,
        lobby_needed: fields.lobby_needed,
        lobby_note: fields.lobby_note,
        contact: fields.contact.trim(),
        late,
        accepted_by: if late && role == Role::Admin {
            actor.user_id
        } else {
            None
        },
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    let id = db::write_transaction(conn, |conn| -> Result<i64> {
        let rank = next_rank(conn, &consultation, municipality_id, municipality)?;
        let row: Submission = diesel::insert_into(submissions::table)
            .values(new_row(rank))
            .returning(submissions::all_columns)
            .get_result(conn)?;
        replace_tags(conn, row.id, &group_ids, &aspect_ids)?;
        let json = single(conn, code, row.id)?;
        let operation = if late {
            "submission.create_late"
        } else {
            "submission.create"
        };
        audit::record::<(), _>(
            conn,
            actor,
            operation,
            "submission",
            Some(&row.id.to_string()),
            None,
            Some(&json),
        )?;
        Ok(row.id)
    })?;
    single(conn, code, id)
}

/// Checks a new submission's fields and resolves its tags among the consultation's: the target
/// group ids and the aspect ids.
fn check_new(
    conn: &mut DbConnection,
    consultation: &Consultation,
    input: &SubmissionInput,
    fields: &Fields,
) -> Result<(Vec<i64>, Vec<i64>)> {
    let allowed = scope(conn, consultation.id)?;
    let (groups, aspects) = (all_target_groups(conn)?, all_aspects(conn)?);
    let mut errors = Vec::new();
    check_submission(fields, &mut errors);
    let group_ids = resolve_codes(
        "target_groups",
        Label::TargetGroup,
        &input.target_groups,
        &groups,
        Some(&allowed.target_groups),
        &mut errors,
    );
    let aspect_ids = resolve_codes(
        "aspects",
        Label::Aspect,
        &input.aspects,
        &aspects,
        Some(&allowed.aspects),
        &mut errors,
    );
    check(errors)?;
    Ok((group_ids, aspect_ids))
}

/// The rank a new submission of the municipality takes, or a 409 when it has the maximum.
fn next_rank(
    conn: &mut DbConnection,
    consultation: &Consultation,
    municipality_id: i64,
    municipality: &str,
) -> Result<i32> {
    let existing: Vec<i32> = submissions::table
        .filter(submissions::consultation_id.eq(consultation.id))
        .filter(submissions::municipality_id.eq(municipality_id))
        .select(submissions::rank)
        .load(conn)?;
    let max = usize::try_from(consultation.max_submissions).unwrap_or(0);
    if existing.len() >= max {
        return Err(Error::Conflict {
            message: Msg::SubmissionLimit {
                consultation: consultation.code.clone(),
                max,
                municipality: municipality.to_string(),
                count: existing.len(),
            },
            field: None,
        });
    }
    // Ranks have no gaps, so the next is N+1; two writers at once meet the unique rank.
    Ok(existing.iter().copied().max().unwrap_or(0) + 1)
}

/// Changes a submission at `expected_version`, under the same rules as creating one.
#[expect(
    clippy::too_many_arguments,
    reason = "the caller's role, scope check and clock are all needed"
)]
pub fn update_submission(
    conn: &mut DbConnection,
    actor: &Actor,
    id: SubmissionId,
    expected_version: i64,
    change: &SubmissionChange,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
    let id = id.get();
    let (row, consultation) = load_submission(conn, id)?;
    authorize_write(
        conn,
        &consultation,
        row.municipality_id,
        role,
        authorize,
        now,
    )?;
    let fields = Fields::of_change(change, &row);
    let (group_ids, aspect_ids) = check_change(conn, id, &consultation, change, &fields)?;
    let code = consultation.code.clone();
    db::write_transaction(conn, |conn| {
        let before = single(conn, &code, id)?;
        if before.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        write_change(conn, id, expected_version, &fields, now)?;
        replace_tags(conn, id, &group_ids, &aspect_ids)?;
        let after = single(conn, &code, id)?;
        audit::record(
            conn,
            actor,
            "submission.update",
            "submission",
            Some(&id.to_string()),
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}

/// Checks a changed submission's fields and resolves the tags the change gives (the current
/// ones stay otherwise): the target group ids and the aspect ids.
fn check_change(
    conn: &mut DbConnection,
    id: i64,
    consultation: &Consultation,
    change: &SubmissionChange,
    fields: &Fields,
) -> Result<(Vec<i64>, Vec<i64>)> {
    let current = one(conn, id)?;
    let allowed = scope(conn, consultation.id)?;
    let (groups, aspects) = (all_target_groups(conn)?, all_aspects(conn)?);
    let mut errors = Vec::new();
    check_submission(fields, &mut errors);
    let group_ids = match &change.target_groups {
        Some(codes) => resolve_codes(
            "target_groups",
            Label::TargetGroup,
            codes,
            &groups,
            Some(&allowed.target_groups),
            &mut errors,
        ),
        None => current.target_groups.clone(),
    };
    let aspect_ids = match &change.aspects {
        Some(codes) => resolve_codes(
            "aspects",
            Label::Aspect,
            codes,
            &aspects,
            Some(&allowed.aspects),
            &mut errors,
        ),
        None => current.aspects.clone(),
    };
    check(errors)?;
    Ok((group_ids, aspect_ids))
}

/// Writes a submission's own columns at `expected_version` (412 when someone was first).
fn write_change(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i64,
    fields: &Fields,
    now: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(
        submissions::table
            .filter(submissions::id.eq(id))
            .filter(submissions::version.eq(expected_version)),
    )
    .set((
        submissions::title.eq(fields.title.trim()),
        submissions::description.eq(fields.description),
        submissions::kind.eq(fields.kind),
        submissions::stage.eq(fields.stage),
        submissions::lobby_needed.eq(fields.lobby_needed),
        submissions::lobby_note.eq(fields.lobby_note),
        submissions::contact.eq(fields.contact.trim()),
        submissions::updated_at.eq(now),
        submissions::version.eq(expected_version + 1),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::PreconditionFailed);
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// Every submission of the municipality, exactly once, the first choice first.
    #[schema(value_type = Vec<i64>)]
    pub submission_ids: Vec<SubmissionId>,
}

/// Re-ranks a municipality's submissions: the full list in the new order, all or nothing. The
/// full list is the concurrency check: a list made before someone added one does not match.
#[expect(
    clippy::too_many_arguments,
    reason = "the caller's role, scope check and clock are all needed"
)]
pub fn reorder(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    municipality: &str,
    input: &OrderInput,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<Vec<SubmissionJson>> {
    let consultation = load_consultation(conn, code)?;
    let municipality_id = municipality_id(conn, municipality)?;
    authorize_write(conn, &consultation, municipality_id, role, authorize, now)?;
    db::write_transaction(conn, |conn| {
        let current: Vec<(i64, i32)> = submissions::table
            .filter(submissions::consultation_id.eq(consultation.id))
            .filter(submissions::municipality_id.eq(municipality_id))
            .order(submissions::rank.asc())
            .select((submissions::id, submissions::rank))
            .load(conn)?;
        let order: Vec<i64> = input.submission_ids.iter().map(|id| id.get()).collect();
        check_full_list(&order, &current, municipality)?;
        apply_order(conn, &current, &order, now)?;
        let before: Vec<i64> = current.iter().map(|(id, _)| *id).collect();
        audit::record(
            conn,
            actor,
            "submission.reorder",
            "consultation",
            Some(code),
            Some(&before),
            Some(&input.submission_ids),
        )?;
        let loaded = submissions_of(conn, consultation.id, Some(municipality_id))?;
        submission_json(conn, code, loaded)
    })
}

/// A 422 unless `order` lists each of the `current` (id, rank) submissions exactly once.
fn check_full_list(order: &[i64], current: &[(i64, i32)], municipality: &str) -> Result<()> {
    let mut wanted = order.to_vec();
    wanted.sort_unstable();
    let mut have: Vec<i64> = current.iter().map(|(id, _)| *id).collect();
    have.sort_unstable();
    if wanted != have {
        return Err(Error::validation(
            "submission_ids",
            Msg::OrderEachOnce {
                municipality: municipality.to_string(),
                count: have.len(),
                ids: format!("{have:?}"),
            },
        ));
    }
    Ok(())
}

/// Gives each submission its position in `order` as its rank; only those that move change.
fn apply_order(
    conn: &mut DbConnection,
    current: &[(i64, i32)],
    order: &[i64],
    now: NaiveDateTime,
) -> Result<()> {
    // Out of the way first (ranks above every current one), then into place: the unique
    // (consultation, municipality, rank) holds after every statement on both backends.
    let offset = current.iter().map(|(_, rank)| *rank).max().unwrap_or(0) + 1;
    let ranks: HashMap<i64, i32> = current.iter().copied().collect();
    let mut moved = Vec::new();
    for (position, id) in order.iter().enumerate() {
        let rank = i32::try_from(position).map_err(Error::internal)? + 1;
        if ranks.get(id) != Some(&rank) {
            diesel::update(submissions::table.filter(submissions::id.eq(id)))
                .set(submissions::rank.eq(offset + rank))
                .execute(conn)?;
            moved.push((*id, rank));
        }
    }
    for (id, rank) in &moved {
        diesel::update(submissions::table.filter(submissions::id.eq(id)))
            .set((
                submissions::rank.eq(rank),
                submissions::updated_at.eq(now),
                submissions::version.eq(submissions::version + 1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The actions that follow from the practice; replaces the earlier links.
    #[schema(value_type = Vec<i64>)]
    pub action_ids: Vec<ActionId>,
}

/// Links a practice to the actions that follow from it (the full set). Admins.
pub fn link_actions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: SubmissionId,
    input: &LinkInput,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
    let id = id.get();
    let (_, consultation) = load_submission(conn, id)?;
    let wanted = existing_actions(conn, &input.action_ids)?;
    let code = consultation.code.clone();
    db::write_transaction(conn, |conn| {
        let before = single(conn, &code, id)?;
        replace_links(conn, id, &wanted, now)?;
        let after = single(conn, &code, id)?;
        audit::record(
            conn,
            actor,
            "submission.link_actions",
            "submission",
            Some(&id.to_string()),
            Some(&before.action_ids),
            Some(&after.action_ids),
        )?;
        Ok(after)
    })
}

/// The distinct action ids, sorted; a 422 naming each id that is not an action.
fn existing_actions(conn: &mut DbConnection, action_ids: &[ActionId]) -> Result<Vec<i64>> {
    let mut wanted: Vec<i64> = action_ids.iter().map(|id| id.get()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let found: HashSet<i64> = actions::table
        .filter(actions::id.eq_any(&wanted))
        .select(actions::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let errors: Vec<FieldError> = action_ids
        .iter()
        .enumerate()
        .filter(|(_, action)| !found.contains(&action.get()))
        .map(|(index, action)| {
            FieldError::new(
                format!("action_ids.{index}"),
                Msg::Unknown {
                    kind: Label::Action,
                    value: action.to_string(),
                },
            )
        })
        .collect();
    check(errors)?;
    Ok(wanted)
}

/// Replaces a submission's links to actions, as a new version of the submission.
fn replace_links(
    conn: &mut DbConnection,
    id: i64,
    wanted: &[i64],
    now: NaiveDateTime,
) -> Result<()> {
    diesel::delete(submission_actions::table.filter(submission_actions::submission_id.eq(id)))
        .execute(conn)?;
    for action_id in wanted {
        diesel::insert_into(submission_actions::table)
            .values(NewSubmissionAction {
                submission_id: id,
                action_id: *action_id,
            })
            .execute(conn)?;
    }
    diesel::update(submissions::table.filter(submissions::id.eq(id)))
        .set((
            submissions::updated_at.eq(now),
            submissions::version.eq(submissions::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}
