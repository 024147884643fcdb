//! The consultation calls themselves: reading, creating and changing them (deadline, maximum,
//! target groups, aspects and municipalities asked), and reopening one after its deadline.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::submissions::{Loaded, submissions_of};
use super::tags::{Reference, code_of, resolve_codes};
use super::time::{Moment, is_open, moment, parse_local, spoken, zone_of};
use super::{DEFAULT_MAX_SUBMISSIONS, MAX_CODE, MAX_MAX_SUBMISSIONS, MAX_SHORT, TIME_ZONE};
use crate::db::models::{
    Consultation, NewConsultation, NewConsultationAspect, NewConsultationMunicipality,
    NewConsultationTargetGroup,
};
use crate::db::schema::{
    consultation_aspects, consultation_municipalities, consultation_target_groups, consultations,
};
use crate::db::{self, DbConnection};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{MAX_NOTE, MAX_TITLE};
use crate::service::audit::{self, Actor};
use crate::service::codes::check;
use crate::service::validate;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ConsultationJson {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub question: String,
    /// The deadline, in local time and UTC; from this instant on the call is closed.
    pub deadline: Moment,
    pub time_zone: String,
    /// When an admin reopened the call: submissions are accepted (and marked late) until then.
    pub reopened_until: Option<Moment>,
    /// Whether submissions are accepted now.
    pub open: bool,
    pub max_submissions: i32,
    pub target_groups: Vec<String>,
    pub aspects: Vec<String>,
    /// The municipalities asked.
    pub municipalities: Vec<String>,
    pub contact_name: String,
    pub contact_email: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc")]
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// The target groups, aspects and municipalities of a consultation, as ids.
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    pub(super) target_groups: Vec<i64>,
    pub(super) aspects: Vec<i64>,
    pub(super) municipalities: Vec<i64>,
}

pub(super) fn scope(conn: &mut DbConnection, id: i64) -> QueryResult<Scope> {
    Ok(Scope {
        target_groups: consultation_target_groups::table
            .filter(consultation_target_groups::consultation_id.eq(id))
            .order(consultation_target_groups::target_group_id.asc())
            .select(consultation_target_groups::target_group_id)
            .load(conn)?,
        aspects: consultation_aspects::table
            .filter(consultation_aspects::consultation_id.eq(id))
            .order(consultation_aspects::aspect_id.asc())
            .select(consultation_aspects::aspect_id)
            .load(conn)?,
        municipalities: consultation_municipalities::table
            .filter(consultation_municipalities::consultation_id.eq(id))
            .order(consultation_municipalities::municipality_id.asc())
            .select(consultation_municipalities::municipality_id)
            .load(conn)?,
    })
}

pub(super) fn load_consultation(conn: &mut DbConnection, code: &str) -> Result<Consultation> {
    consultations::table
        .filter(consultations::code.eq(code))
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found_code(Label::Consultation, code))
}

pub(super) fn consultation_json(
    conn: &mut DbConnection,
    row: Consultation,
    now: NaiveDateTime,
) -> Result<ConsultationJson> {
    let scope = scope(conn, row.id)?;
    let reference = Reference::load(conn)?;
    let zone = zone_of(&row);
    let mut municipalities: Vec<String> = scope
        .municipalities
        .iter()
        .map(|id| code_of(&reference.municipalities, *id))
        .collect();
    municipalities.sort();
    Ok(ConsultationJson {
        id: row.id,
        open: is_open(&row, now),
        deadline: moment(row.deadline_at, zone),
        reopened_until: row.reopened_until.map(|at| moment(at, zone)),
        target_groups: scope
            .target_groups
            .iter()
            .map(|id| code_of(&reference.target_groups, *id))
            .collect(),
        aspects: scope
            .aspects
            .iter()
            .map(|id| code_of(&reference.aspects, *id))
            .collect(),
        municipalities,
        code: row.code,
        title: row.title,
        question: row.question,
        time_zone: row.time_zone,
        max_submissions: row.max_submissions,
        contact_name: row.contact_name,
        contact_email: row.contact_email,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    })
}

pub fn get(conn: &mut DbConnection, code: &str, now: NaiveDateTime) -> Result<ConsultationJson> {
    let row = load_consultation(conn, code)?;
    consultation_json(conn, row, now)
}

/// The consultations, the latest deadline first.
pub fn list(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
    now: NaiveDateTime,
) -> Result<(Vec<ConsultationJson>, i64)> {
    let total = consultations::table.count().get_result(conn)?;
    let rows: Vec<Consultation> = consultations::table
        .order((consultations::deadline_at.desc(), consultations::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(Consultation::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| consultation_json(conn, row, now))
        .collect::<Result<_>>()?;
    Ok((items, total))
}

/// A new consultation. Admins.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    /// Lower-case letters, digits and hyphens, e.g. `vng-top5-2020`.
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub question: String,
    /// Europe/Amsterdam local date-time (`2020-05-06T18:00:00`) or with an offset.
    pub deadline: String,
    /// At most this many submissions per municipality (default 5).
    pub max_submissions: Option<i32>,
    /// Target group codes (`youth`, `families`, `debts`).
    pub target_groups: Vec<String>,
    /// Aspect codes (`protection`, `collaboration`, `ownership`).
    pub aspects: Vec<String>,
    /// Codes of the municipalities asked.
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: String,
}

/// A change of a consultation; absent fields stay. Lists replace the old ones.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationChange {
    pub title: Option<String>,
    pub question: Option<String>,
    pub deadline: Option<String>,
    pub max_submissions: Option<i32>,
    pub target_groups: Option<Vec<String>>,
    pub aspects: Option<Vec<String>>,
    pub municipalities: Option<Vec<String>>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

fn check_code(code: &str, errors: &mut Vec<FieldError>) {
    validate::slug("code", code, MAX_CODE, errors);
}

fn check_max(max: i32, errors: &mut Vec<FieldError>) {
    if !(1..=MAX_MAX_SUBMISSIONS).contains(&max) {
        errors.push(FieldError::new(
            "max_submissions",
            Msg::Between {
                min: 1,
                max: i64::from(MAX_MAX_SUBMISSIONS),
            },
        ));
    }
}

fn check_email(email: &str, errors: &mut Vec<FieldError>) {
    validate::text("contact_email", email, 0, MAX_SHORT, errors);
    if !email.is_empty() && !email.contains('@') {
        errors.push(FieldError::new("contact_email", Msg::Email));
    }
}

fn replace_scope(conn: &mut DbConnection, id: i64, scope: &Scope) -> QueryResult<()> {
    diesel::delete(
        consultation_target_groups::table
            .filter(consultation_target_groups::consultation_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(
        consultation_aspects::table.filter(consultation_aspects::consultation_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(
        consultation_municipalities::table
            .filter(consultation_municipalities::consultation_id.eq(id)),
    )
    .execute(conn)?;
    for target_group_id in &scope.target_groups {
        diesel::insert_into(consultation_target_groups::table)
            .values(NewConsultationTargetGroup {
                consultation_id: id,
                target_group_id: *target_group_id,
            })
            .execute(conn)?;
    }
    for aspect_id in &scope.aspects {
        diesel::insert_into(consultation_aspects::table)
            .values(NewConsultationAspect {
                consultation_id: id,
                aspect_id: *aspect_id,
            })
            .execute(conn)?;
    }
    for municipality_id in &scope.municipalities {
        diesel::insert_into(consultation_municipalities::table)
            .values(NewConsultationMunicipality {
                consultation_id: id,
                municipality_id: *municipality_id,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// A call's fields once checked: the deadline in UTC, the maximum, the scope as ids.
struct Checked {
    deadline_at: NaiveDateTime,
    max_submissions: i32,
    scope: Scope,
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &ConsultationInput,
    now: NaiveDateTime,
) -> Result<ConsultationJson> {
    let checked = check_input(conn, input)?;
    let code = db::write_transaction(conn, |conn| insert(conn, actor, input, &checked, now))?;
    get(conn, &code, now)
}

/// Checks every field of a new call, naming each one at fault.
fn check_input(conn: &mut DbConnection, input: &ConsultationInput) -> Result<Checked> {
    let reference = Reference::load(conn)?;
    let mut errors = Vec::new();
    check_code(&input.code, &mut errors);
    validate::text("title", &input.title, 1, MAX_TITLE, &mut errors);
    validate::text("question", &input.question, 0, MAX_NOTE, &mut errors);
    let deadline = parse_local("deadline", &input.deadline, TIME_ZONE)
        .map_err(|e| errors.push(e))
        .ok();
    let max = input.max_submissions.unwrap_or(DEFAULT_MAX_SUBMISSIONS);
    check_max(max, &mut errors);
    let scope = Scope {
        target_groups: resolve_codes(
            "target_groups",
            Label::TargetGroup,
            &input.target_groups,
            &reference.target_groups,
            None,
            &mut errors,
        ),
        aspects: resolve_codes(
            "aspects",
            Label::Aspect,
            &input.aspects,
            &reference.aspects,
            None,
            &mut errors,
        ),
        municipalities: resolve_codes(
            "municipalities",
            Label::Municipality,
            &input.municipalities,
            &reference.municipalities,
            None,
            &mut errors,
        ),
    };
    validate::text(
        "contact_name",
        &input.contact_name,
        0,
        MAX_SHORT,
        &mut errors,
    );
    check_email(&input.contact_email, &mut errors);
    check(errors)?;
    let Some(deadline_at) = deadline else {
        return Err(Error::validation("deadline", Msg::Required));
    };
    Ok(Checked {
        deadline_at,
        max_submissions: max,
        scope,
    })
}

/// Writes a checked new call with its scope and audit row; returns its code.
fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &ConsultationInput,
    checked: &Checked,
    now: NaiveDateTime,
) -> Result<String> {
    let row: Consultation = diesel::insert_into(consultations::table)
        .values(NewConsultation {
            code: &input.code,
            title: input.title.trim(),
            question: &input.question,
            deadline_at: checked.deadline_at,
            time_zone: TIME_ZONE.name(),
            max_submissions: checked.max_submissions,
            contact_name: input.contact_name.trim(),
            contact_email: input.contact_email.trim(),
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        })
        .returning(consultations::all_columns)
        .get_result(conn)?;
    replace_scope(conn, row.id, &checked.scope)?;
    let json = consultation_json(conn, row, now)?;
    audit::record::<(), _>(
        conn,
        actor,
        "consultation.create",
        "consultation",
        Some(&json.code),
        None,
        Some(&json),
    )?;
    Ok(json.code)
}

/// Changes a consultation at `expected_version`. Removing a target group, aspect or municipality
/// that submissions use, or lowering the maximum below what a municipality has, is a 409.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected_version: i64,
    change: &ConsultationChange,
    now: NaiveDateTime,
) -> Result<ConsultationJson> {
    let row = load_consultation(conn, code)?;
    let reference = Reference::load(conn)?;
    let checked = check_change(conn, &row, change, &reference)?;
    db::write_transaction(conn, |conn| {
        let before = load_consultation(conn, code)?;
        let before = consultation_json(conn, before, now)?;
        if before.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        let in_use = submissions_of(conn, row.id, None)?;
        refuse_a_maximum_below_use(&in_use, checked.max_submissions, &reference)?;
        refuse_removing_what_is_used(&in_use, &checked.scope, &reference)?;
        write_change(conn, &row, expected_version, change, &checked, now)?;
        replace_scope(conn, row.id, &checked.scope)?;
        let after = load_consultation(conn, code)?;
        let after = consultation_json(conn, after, now)?;
        audit::record(
            conn,
            actor,
            "consultation.update",
            "consultation",
            Some(code),
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}

/// Checks the fields a change gives; what it leaves out stays as `row` has it.
fn check_change(
    conn: &mut DbConnection,
    row: &Consultation,
    change: &ConsultationChange,
    reference: &Reference,
) -> Result<Checked> {
    let mut errors = Vec::new();
    if let Some(title) = &change.title {
        validate::text("title", title, 1, MAX_TITLE, &mut errors);
    }
    if let Some(question) = &change.question {
        validate::text("question", question, 0, MAX_NOTE, &mut errors);
    }
    let deadline = match &change.deadline {
        Some(text) => parse_local("deadline", text, zone_of(row))
            .map_err(|e| errors.push(e))
            .ok(),
        None => Some(row.deadline_at),
    };
    if let Some(max) = change.max_submissions {
        check_max(max, &mut errors);
    }
    let old = scope(conn, row.id)?;
    let scope = Scope {
        target_groups: match &change.target_groups {
            Some(codes) => resolve_codes(
                "target_groups",
                Label::TargetGroup,
                codes,
                &reference.target_groups,
                None,
                &mut errors,
            ),
            None => old.target_groups.clone(),
        },
        aspects: match &change.aspects {
            Some(codes) => resolve_codes(
                "aspects",
                Label::Aspect,
                codes,
                &reference.aspects,
                None,
                &mut errors,
            ),
            None => old.aspects.clone(),
        },
        municipalities: match &change.municipalities {
            Some(codes) => resolve_codes(
                "municipalities",
                Label::Municipality,
                codes,
                &reference.municipalities,
                None,
                &mut errors,
            ),
            None => old.municipalities.clone(),
        },
    };
    if let Some(name) = &change.contact_name {
        validate::text("contact_name", name, 0, MAX_SHORT, &mut errors);
    }
    if let Some(email) = &change.contact_email {
        check_email(email, &mut errors);
    }
    check(errors)?;
    Ok(Checked {
        deadline_at: deadline.unwrap_or(row.deadline_at),
        max_submissions: change.max_submissions.unwrap_or(row.max_submissions),
        scope,
    })
}

/// A 409 when a municipality already has more submissions than the new maximum.
fn refuse_a_maximum_below_use(in_use: &[Loaded], max: i32, reference: &Reference) -> Result<()> {
    let counts = in_use
        .iter()
        .fold(HashMap::<i64, i32>::new(), |mut counts, s| {
            *counts.entry(s.row.municipality_id).or_default() += 1;
            counts
        });
    if let Some((municipality, count)) = counts.iter().find(|(_, count)| **count > max) {
        return Err(Error::conflict(
            "max_submissions",
            Msg::MaxBelowCount {
                municipality: code_of(&reference.municipalities, *municipality),
                count: usize::try_from(*count).unwrap_or_default(),
            },
        ));
    }
    Ok(())
}

/// A 409 when the new scope leaves out a municipality, target group or aspect a submission uses.
fn refuse_removing_what_is_used(
    in_use: &[Loaded],
    scope: &Scope,
    reference: &Reference,
) -> Result<()> {
    for s in in_use {
        let missing = if !scope.municipalities.contains(&s.row.municipality_id) {
            Some((
                "municipalities",
                code_of(&reference.municipalities, s.row.municipality_id),
            ))
        } else if let Some(id) = s
            .target_groups
            .iter()
            .find(|id| !scope.target_groups.contains(id))
        {
            Some(("target_groups", code_of(&reference.target_groups, *id)))
        } else {
            s.aspects
                .iter()
                .find(|id| !scope.aspects.contains(id))
                .map(|id| ("aspects", code_of(&reference.aspects, *id)))
        };
        if let Some((field, code)) = missing {
            return Err(Error::conflict(
                field,
                Msg::TagInUse {
                    submission: s.row.id,
                    code: code.to_string(),
                },
            ));
        }
    }
    Ok(())
}

/// Writes the call's own columns at `expected_version` (412 when someone was first).
fn write_change(
    conn: &mut DbConnection,
    row: &Consultation,
    expected_version: i64,
    change: &ConsultationChange,
    checked: &Checked,
    now: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(
        consultations::table
            .filter(consultations::id.eq(row.id))
            .filter(consultations::version.eq(expected_version)),
    )
    .set((
        consultations::title.eq(change.title.as_deref().map(str::trim).unwrap_or(&row.title)),
        consultations::question.eq(change.question.as_deref().unwrap_or(&row.question)),
        consultations::deadline_at.eq(checked.deadline_at),
        consultations::max_submissions.eq(checked.max_submissions),
        consultations::contact_name.eq(change
            .contact_name
            .as_deref()
            .map(str::trim)
            .unwrap_or(&row.contact_name)),
        consultations::contact_email.eq(change
            .contact_email
            .as_deref()
            .map(str::trim)
            .unwrap_or(&row.contact_email)),
        consultations::updated_at.eq(now),
        consultations::version.eq(expected_version + 1),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::PreconditionFailed);
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    /// Europe/Amsterdam local date-time (or with an offset) until which submissions are accepted.
    pub until: String,
}

/// Reopens a call until an instant after both now and the deadline; what is submitted in the
/// meantime is marked late.
pub fn reopen(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    expected_version: i64,
    input: &ReopenInput,
    now: NaiveDateTime,
) -> Result<ConsultationJson> {
    let row = load_consultation(conn, code)?;
    let zone = zone_of(&row);
    let until = parse_local("until", &input.until, zone).map_err(|e| Error::Validation(vec![e]))?;
    if until <= now || until <= row.deadline_at {
        return Err(Error::validation(
            "until",
            Msg::ReopenUntil {
                deadline: spoken(row.deadline_at, zone),
            },
        ));
    }
    db::write_transaction(conn, |conn| {
        let before = load_consultation(conn, code)?;
        if before.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        let updated = diesel::update(
            consultations::table
                .filter(consultations::id.eq(row.id))
                .filter(consultations::version.eq(expected_version)),
        )
        .set((
            consultations::reopened_until.eq(Some(until)),
            consultations::updated_at.eq(now),
            consultations::version.eq(expected_version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::PreconditionFailed);
        }
        let after = load_consultation(conn, code)?;
        audit::record(
            conn,
            actor,
            "consultation.reopen",
            "consultation",
            Some(code),
            Some(&before),
            Some(&after),
        )?;
        consultation_json(conn, after, now)
    })
}
