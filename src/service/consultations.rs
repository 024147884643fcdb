//! Consultations: calls for input such as the VNG call for best practices (seed 000), the
//! municipalities' ranked submissions, the overview for the working group and the note for the
//! cabinet (Markdown, XLSX).
//!
//! The rules, in one place:
//! - The deadline is given as a Europe/Amsterdam local date-time (or with an explicit offset)
//!   and stored as a UTC instant. The call is *closed* from the deadline on (18:00:00 exactly is
//!   closed), unless an admin reopened it until a later instant.
//! - A municipality user writes its own municipality's submissions, only when the municipality
//!   is asked (403 otherwise) and only while the call is open (409 naming the deadline).
//! - Late acceptance: an admin may create, change and re-rank submissions on behalf of a
//!   municipality at any time. A submission created after the original deadline (by an admin,
//!   or by the municipality while the call is reopened) is marked `late`; when an admin created
//!   it, `accepted_by` names the admin.
//! - At most `max_submissions` per municipality, for everyone (409 naming the maximum). Ranks
//!   run 1..N without gaps: a new submission takes N+1; re-ranking takes the full list.
//! - Reading: while the call is open the submissions are drafts, read only by their own
//!   municipality and admins. Once it is closed, ministries (the departments in the working
//!   group) read them too, with the overview and the note; admins read those at any time.
//!   Other municipalities and viewers never read another municipality's submissions.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, LocalResult, NaiveDateTime, SubsecRound, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::policy::Owner;
use crate::db::models::{
    Consultation, NewConsultation, NewConsultationAspect, NewConsultationMunicipality,
    NewConsultationTargetGroup, NewSubmission, NewSubmissionAction, NewSubmissionAspect,
    NewSubmissionTargetGroup, Submission,
};
use crate::db::schema::{
    actions, aspects, consultation_aspects, consultation_municipalities,
    consultation_target_groups, consultations, municipalities, submission_actions,
    submission_aspects, submission_target_groups, submissions, target_groups, users,
};
use crate::db::{self, DbConnection};
use crate::domain::Role;
use crate::error::{Error, FieldError, Result};
use crate::service::actions::{Authorize, MAX_NOTE, MAX_TITLE};
use crate::service::audit::{self, Actor};
use crate::service::codes::check;

/// The zone deadlines are given and shown in.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Amsterdam;
/// The number of submissions per municipality when the call does not say.
pub const DEFAULT_MAX_SUBMISSIONS: i32 = 5;
/// What the table allows.
pub const MAX_MAX_SUBMISSIONS: i32 = 50;
const MAX_CODE: usize = 80;
const MAX_SHORT: usize = 300;

// ---- time ----

/// An instant shown in both the call's zone and UTC.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Moment {
    /// Local time with its offset, e.g. `2020-05-06T18:00:00+02:00`.
    pub local: String,
    /// The same instant in UTC, e.g. `2020-05-06T16:00:00Z`.
    pub utc: String,
}

fn zone_of(consultation: &Consultation) -> Tz {
    consultation.time_zone.parse().unwrap_or(TIME_ZONE)
}

fn moment(at: NaiveDateTime, zone: Tz) -> Moment {
    Moment {
        local: zone
            .from_utc_datetime(&at)
            .format("%Y-%m-%dT%H:%M:%S%.f%:z")
            .to_string(),
        utc: at.and_utc().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
    }
}

/// "2020-05-06 18:00:00 Europe/Amsterdam (16:00:00 UTC)", for messages and the note.
fn spoken(at: NaiveDateTime, zone: Tz) -> String {
    let local = zone.from_utc_datetime(&at);
    format!(
        "{} {zone} ({} UTC)",
        local.format("%Y-%m-%d %H:%M:%S"),
        at.format("%H:%M:%S")
    )
}

/// Parses a local date-time in `zone` (`2020-05-06T18:00:00`, seconds optional) or an RFC 3339
/// date-time with an offset, into a UTC instant. A local time the clocks skip (spring) or pass
/// twice (autumn) is refused with a message saying so.
pub fn parse_local(
    field: &str,
    text: &str,
    zone: Tz,
) -> std::result::Result<NaiveDateTime, FieldError> {
    let text = text.trim();
    let at = if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        with_offset.naive_utc()
    } else {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
            .map_err(|_| {
                FieldError::new(
                    field,
                    format!("must be a local date-time in {zone} like 2020-05-06T18:00:00, or one with an offset like 2020-05-06T18:00:00+02:00"),
                )
            })?;
        match zone.from_local_datetime(&local) {
            LocalResult::Single(at) => at.naive_utc(),
            LocalResult::Ambiguous(first, second) => {
                return Err(FieldError::new(
                    field,
                    format!(
                        "{local} happens twice in {zone} (the clocks go back): give the offset, {} or {}",
                        first.format("%:z"),
                        second.format("%:z")
                    ),
                ));
            }
            LocalResult::None => {
                return Err(FieldError::new(
                    field,
                    format!(
                        "{local} does not exist in {zone} (the clocks go forward): choose another time"
                    ),
                ));
            }
        }
    };
    if !(2000..=2100).contains(&chrono::Datelike::year(&at)) {
        return Err(FieldError::new(
            field,
            "must be between the years 2000 and 2100",
        ));
    }
    Ok(at.trunc_subsecs(6))
}

/// Whether submissions are accepted at `now`: before the deadline, or within a reopening.
pub fn is_open(consultation: &Consultation, now: NaiveDateTime) -> bool {
    now < consultation.deadline_at || consultation.reopened_until.is_some_and(|until| now < until)
}

fn closed_error(consultation: &Consultation) -> Error {
    let zone = zone_of(consultation);
    let mut message = format!(
        "consultation `{}` closed at its deadline, {}; ask the programme office to accept a late submission",
        consultation.code,
        spoken(consultation.deadline_at, zone)
    );
    if let Some(until) = consultation.reopened_until {
        let _ = write!(message, " (it was reopened until {})", spoken(until, zone));
    }
    Error::Conflict {
        message: message.into(),
        field: None,
    }
}

// ---- codes of the tags ----

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

    fn label_nl(code: &str) -> &'static str {
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

    fn label_nl(code: &str) -> &'static str {
        match code {
            "under_way" => "in gang gezet",
            "short_term" => "korte termijn",
            _ => "middellange termijn",
        }
    }
}

/// A reference table as (id, code, Dutch name), ordered by id.
type Tags = Vec<(i64, String, String)>;

fn all_target_groups(conn: &mut DbConnection) -> QueryResult<Tags> {
    target_groups::table
        .order(target_groups::id.asc())
        .select((
            target_groups::id,
            target_groups::code,
            target_groups::name_nl,
        ))
        .load(conn)
}

fn all_aspects(conn: &mut DbConnection) -> QueryResult<Tags> {
    aspects::table
        .order(aspects::id.asc())
        .select((aspects::id, aspects::code, aspects::name_nl))
        .load(conn)
}

fn all_municipalities(conn: &mut DbConnection) -> QueryResult<Tags> {
    municipalities::table
        .order(municipalities::id.asc())
        .select((
            municipalities::id,
            municipalities::code,
            municipalities::name,
        ))
        .load(conn)
}

fn code_of(tags: &Tags, id: i64) -> String {
    tags.iter()
        .find(|(i, ..)| *i == id)
        .map(|(_, code, _)| code.clone())
        .unwrap_or_default()
}

/// Resolves a list of codes against `known` (limited to `allowed` ids when given), recording
/// `field.N` for every unknown or disallowed code and `field` for an empty or repeated list.
fn resolve_codes(
    field: &str,
    kind: &str,
    codes: &[String],
    known: &Tags,
    allowed: Option<&[i64]>,
    errors: &mut Vec<FieldError>,
) -> Vec<i64> {
    if codes.is_empty() {
        errors.push(FieldError::new(field, format!("name at least one {kind}")));
    }
    let mut ids = Vec::new();
    for (index, code) in codes.iter().enumerate() {
        match known.iter().find(|(_, c, _)| c == code) {
            Some((id, ..)) if allowed.is_none_or(|allowed| allowed.contains(id)) => {
                if ids.contains(id) {
                    errors.push(FieldError::new(
                        format!("{field}.{index}"),
                        format!("`{code}` is listed twice"),
                    ));
                } else {
                    ids.push(*id);
                }
            }
            Some(_) => errors.push(FieldError::new(
                format!("{field}.{index}"),
                format!("{kind} `{code}` is not part of this consultation"),
            )),
            None => errors.push(FieldError::new(
                format!("{field}.{index}"),
                format!("unknown {kind} `{code}`"),
            )),
        }
    }
    ids.sort_unstable();
    ids
}

fn check_text(field: &str, text: &str, min: usize, max: usize, errors: &mut Vec<FieldError>) {
    let length = text.trim().chars().count();
    if length < min || text.chars().count() > max {
        let message = if min == 0 {
            format!("must be at most {max} characters")
        } else {
            format!("must be {min} to {max} characters")
        };
        errors.push(FieldError::new(field, message));
    }
}

// ---- consultations ----

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
struct Scope {
    target_groups: Vec<i64>,
    aspects: Vec<i64>,
    municipalities: Vec<i64>,
}

fn scope(conn: &mut DbConnection, id: i64) -> QueryResult<Scope> {
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

fn load_consultation(conn: &mut DbConnection, code: &str) -> Result<Consultation> {
    consultations::table
        .filter(consultations::code.eq(code))
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("consultation `{code}`").into()))
}

fn consultation_json(
    conn: &mut DbConnection,
    row: Consultation,
    now: NaiveDateTime,
) -> Result<ConsultationJson> {
    let scope = scope(conn, row.id)?;
    let (groups, aspects, places) = (
        all_target_groups(conn)?,
        all_aspects(conn)?,
        all_municipalities(conn)?,
    );
    let zone = zone_of(&row);
    let mut municipalities: Vec<String> = scope
        .municipalities
        .iter()
        .map(|id| code_of(&places, *id))
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
            .map(|id| code_of(&groups, *id))
            .collect(),
        aspects: scope
            .aspects
            .iter()
            .map(|id| code_of(&aspects, *id))
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
    let valid = !code.is_empty()
        && code.len() <= MAX_CODE
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        errors.push(FieldError::new(
            "code",
            format!("must be 1 to {MAX_CODE} lower-case letters, digits or hyphens"),
        ));
    }
}

fn check_max(max: i32, errors: &mut Vec<FieldError>) {
    if !(1..=MAX_MAX_SUBMISSIONS).contains(&max) {
        errors.push(FieldError::new(
            "max_submissions",
            format!("must be between 1 and {MAX_MAX_SUBMISSIONS}"),
        ));
    }
}

fn check_email(email: &str, errors: &mut Vec<FieldError>) {
    check_text("contact_email", email, 0, MAX_SHORT, errors);
    if !email.is_empty() && !email.contains('@') {
        errors.push(FieldError::new(
            "contact_email",
            "must be an e-mail address",
        ));
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

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &ConsultationInput,
    now: NaiveDateTime,
) -> Result<ConsultationJson> {
    let (groups, aspects, places) = (
        all_target_groups(conn)?,
        all_aspects(conn)?,
        all_municipalities(conn)?,
    );
    let mut errors = Vec::new();
    check_code(&input.code, &mut errors);
    check_text("title", &input.title, 1, MAX_TITLE, &mut errors);
    check_text("question", &input.question, 0, MAX_NOTE, &mut errors);
    let deadline = parse_local("deadline", &input.deadline, TIME_ZONE)
        .map_err(|e| errors.push(e))
        .ok();
    let max = input.max_submissions.unwrap_or(DEFAULT_MAX_SUBMISSIONS);
    check_max(max, &mut errors);
    let scope = Scope {
        target_groups: resolve_codes(
            "target_groups",
            "target group",
            &input.target_groups,
            &groups,
            None,
            &mut errors,
        ),
        aspects: resolve_codes(
            "aspects",
            "aspect",
            &input.aspects,
            &aspects,
            None,
            &mut errors,
        ),
        municipalities: resolve_codes(
            "municipalities",
            "municipality",
            &input.municipalities,
            &places,
            None,
            &mut errors,
        ),
    };
    check_text(
        "contact_name",
        &input.contact_name,
        0,
        MAX_SHORT,
        &mut errors,
    );
    check_email(&input.contact_email, &mut errors);
    check(errors)?;
    let Some(deadline_at) = deadline else {
        return Err(Error::validation("deadline", "is required"));
    };
    let code = db::write_transaction(conn, |conn| -> Result<String> {
        let row: Consultation = diesel::insert_into(consultations::table)
            .values(NewConsultation {
                code: &input.code,
                title: input.title.trim(),
                question: &input.question,
                deadline_at,
                time_zone: TIME_ZONE.name(),
                max_submissions: max,
                contact_name: input.contact_name.trim(),
                contact_email: input.contact_email.trim(),
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
            })
            .returning(consultations::all_columns)
            .get_result(conn)?;
        replace_scope(conn, row.id, &scope)?;
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
    })?;
    get(conn, &code, now)
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
    let (groups, aspects, places) = (
        all_target_groups(conn)?,
        all_aspects(conn)?,
        all_municipalities(conn)?,
    );
    let mut errors = Vec::new();
    if let Some(title) = &change.title {
        check_text("title", title, 1, MAX_TITLE, &mut errors);
    }
    if let Some(question) = &change.question {
        check_text("question", question, 0, MAX_NOTE, &mut errors);
    }
    let deadline = match &change.deadline {
        Some(text) => parse_local("deadline", text, zone_of(&row))
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
                "target group",
                codes,
                &groups,
                None,
                &mut errors,
            ),
            None => old.target_groups.clone(),
        },
        aspects: match &change.aspects {
            Some(codes) => resolve_codes("aspects", "aspect", codes, &aspects, None, &mut errors),
            None => old.aspects.clone(),
        },
        municipalities: match &change.municipalities {
            Some(codes) => resolve_codes(
                "municipalities",
                "municipality",
                codes,
                &places,
                None,
                &mut errors,
            ),
            None => old.municipalities.clone(),
        },
    };
    if let Some(name) = &change.contact_name {
        check_text("contact_name", name, 0, MAX_SHORT, &mut errors);
    }
    if let Some(email) = &change.contact_email {
        check_email(email, &mut errors);
    }
    check(errors)?;
    let deadline_at = deadline.unwrap_or(row.deadline_at);
    let max = change.max_submissions.unwrap_or(row.max_submissions);
    db::write_transaction(conn, |conn| {
        let before = load_consultation(conn, code)?;
        let before = consultation_json(conn, before, now)?;
        if before.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        let in_use = submissions_of(conn, row.id, None)?;
        let counts = in_use
            .iter()
            .fold(HashMap::<i64, i32>::new(), |mut counts, s| {
                *counts.entry(s.row.municipality_id).or_default() += 1;
                counts
            });
        if let Some((municipality, count)) = counts.iter().find(|(_, count)| **count > max) {
            return Err(Error::Conflict {
                message: format!(
                    "{} already has {count} submissions; the maximum cannot go below that",
                    code_of(&places, *municipality)
                )
                .into(),
                field: Some("max_submissions".into()),
            });
        }
        for s in &in_use {
            let missing = if !scope.municipalities.contains(&s.row.municipality_id) {
                Some(("municipalities", code_of(&places, s.row.municipality_id)))
            } else if let Some(id) = s
                .target_groups
                .iter()
                .find(|id| !scope.target_groups.contains(id))
            {
                Some(("target_groups", code_of(&groups, *id)))
            } else {
                s.aspects
                    .iter()
                    .find(|id| !scope.aspects.contains(id))
                    .map(|id| ("aspects", code_of(&aspects, *id)))
            };
            if let Some((field, code)) = missing {
                return Err(Error::Conflict {
                    message: format!(
                        "submission {} uses `{code}`; it cannot be removed",
                        s.row.id
                    )
                    .into(),
                    field: Some(field.into()),
                });
            }
        }
        let updated = diesel::update(
            consultations::table
                .filter(consultations::id.eq(row.id))
                .filter(consultations::version.eq(expected_version)),
        )
        .set((
            consultations::title.eq(change.title.as_deref().map(str::trim).unwrap_or(&row.title)),
            consultations::question.eq(change.question.as_deref().unwrap_or(&row.question)),
            consultations::deadline_at.eq(deadline_at),
            consultations::max_submissions.eq(max),
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
        replace_scope(conn, row.id, &scope)?;
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
            format!(
                "must be later than now and than the deadline, {}",
                spoken(row.deadline_at, zone)
            ),
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

// ---- submissions ----

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
struct Loaded {
    row: Submission,
    target_groups: Vec<i64>,
    aspects: Vec<i64>,
    actions: Vec<i64>,
    accepted_by: Option<String>,
}

/// The submissions of a consultation (of one municipality when given), by municipality and rank.
fn submissions_of(
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
    let mut groups: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut tags: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut links: HashMap<i64, Vec<i64>> = HashMap::new();
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
            groups.entry(s).or_default().push(g);
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
            tags.entry(s).or_default().push(a);
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
            links.entry(s).or_default().push(a);
        }
    }
    Ok(rows
        .into_iter()
        .map(|(row, accepted_by)| Loaded {
            target_groups: groups.remove(&row.id).unwrap_or_default(),
            aspects: tags.remove(&row.id).unwrap_or_default(),
            actions: links.remove(&row.id).unwrap_or_default(),
            accepted_by,
            row,
        })
        .collect())
}

fn load_submission(conn: &mut DbConnection, id: i64) -> Result<(Submission, Consultation)> {
    submissions::table
        .inner_join(consultations::table)
        .filter(submissions::id.eq(id))
        .select((Submission::as_select(), Consultation::as_select()))
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("submission {id}").into()))
}

fn one(conn: &mut DbConnection, id: i64) -> Result<Loaded> {
    let (row, _) = load_submission(conn, id)?;
    submissions_of(conn, row.consultation_id, Some(row.municipality_id))?
        .into_iter()
        .find(|s| s.row.id == id)
        .ok_or_else(|| Error::NotFound(format!("submission {id}").into()))
}

fn submission_json(
    conn: &mut DbConnection,
    consultation: &str,
    loaded: Vec<Loaded>,
) -> Result<Vec<SubmissionJson>> {
    let (groups, aspects, places) = (
        all_target_groups(conn)?,
        all_aspects(conn)?,
        all_municipalities(conn)?,
    );
    Ok(loaded
        .into_iter()
        .map(|s| SubmissionJson {
            id: s.row.id,
            consultation: consultation.to_string(),
            municipality: code_of(&places, s.row.municipality_id),
            rank: s.row.rank,
            title: s.row.title,
            description: s.row.description,
            target_groups: s
                .target_groups
                .iter()
                .map(|id| code_of(&groups, *id))
                .collect(),
            aspects: s.aspects.iter().map(|id| code_of(&aspects, *id)).collect(),
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
        .ok_or_else(|| Error::NotFound(format!("submission {id}").into()))
}

fn owner(municipality_id: i64) -> Owner {
    Owner {
        ministry_id: None,
        municipality_id: Some(municipality_id),
    }
}

/// The read rule: the policy's scope first (a municipality reads its own), then the drafts
/// rule: before the call closes only admins and the municipality itself read submissions.
fn authorize_read(
    consultation: &Consultation,
    municipality_id: i64,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<()> {
    authorize(owner(municipality_id))?;
    drafts_rule(consultation, role, now)
}

fn drafts_rule(consultation: &Consultation, role: Role, now: NaiveDateTime) -> Result<()> {
    if !matches!(role, Role::Admin | Role::Municipality) && is_open(consultation, now) {
        return Err(Error::Forbidden(
            format!(
                "the submissions are drafts until consultation `{}` closes, {}",
                consultation.code,
                spoken(consultation.deadline_at, zone_of(consultation))
            )
            .into(),
        ));
    }
    Ok(())
}

/// The write rule: the policy's scope, the municipality must be asked, and (but for admins)
/// the call must be open.
fn authorize_write(
    conn: &mut DbConnection,
    consultation: &Consultation,
    municipality_id: i64,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<()> {
    authorize(owner(municipality_id))?;
    let asked = consultation_municipalities::table
        .filter(consultation_municipalities::consultation_id.eq(consultation.id))
        .filter(consultation_municipalities::municipality_id.eq(municipality_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !asked {
        return Err(Error::Forbidden(
            format!(
                "this municipality is not asked in consultation `{}`",
                consultation.code
            )
            .into(),
        ));
    }
    if role != Role::Admin && !is_open(consultation, now) {
        return Err(closed_error(consultation));
    }
    Ok(())
}

fn municipality_id(conn: &mut DbConnection, code: &str) -> Result<i64> {
    municipalities::table
        .filter(municipalities::code.eq(code))
        .select(municipalities::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("municipality `{code}`").into()))
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
    id: i64,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
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
    /// Target group codes, among the consultation's.
    pub target_groups: Vec<String>,
    /// Aspect codes, among the consultation's.
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

fn check_submission(
    title: &str,
    description: &str,
    lobby_needed: bool,
    lobby_note: &str,
    contact: &str,
    errors: &mut Vec<FieldError>,
) {
    check_text("title", title, 1, MAX_TITLE, errors);
    check_text("description", description, 0, MAX_NOTE, errors);
    check_text("lobby_note", lobby_note, 0, MAX_NOTE, errors);
    if lobby_needed && lobby_note.trim().is_empty() {
        errors.push(FieldError::new(
            "lobby_note",
            "say what national help is needed",
        ));
    }
    check_text("contact", contact, 0, MAX_SHORT, errors);
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
    let allowed = scope(conn, consultation.id)?;
    let (groups, aspects) = (all_target_groups(conn)?, all_aspects(conn)?);
    let mut errors = Vec::new();
    check_submission(
        &input.title,
        &input.description,
        input.lobby_needed,
        &input.lobby_note,
        &input.contact,
        &mut errors,
    );
    let group_ids = resolve_codes(
        "target_groups",
        "target group",
        &input.target_groups,
        &groups,
        Some(&allowed.target_groups),
        &mut errors,
    );
    let aspect_ids = resolve_codes(
        "aspects",
        "aspect",
        &input.aspects,
        &aspects,
        Some(&allowed.aspects),
        &mut errors,
    );
    check(errors)?;
    let late = now >= consultation.deadline_at;
    let id = db::write_transaction(conn, |conn| -> Result<i64> {
        let existing: Vec<i32> = submissions::table
            .filter(submissions::consultation_id.eq(consultation.id))
            .filter(submissions::municipality_id.eq(municipality_id))
            .select(submissions::rank)
            .load(conn)?;
        let max = usize::try_from(consultation.max_submissions).unwrap_or(0);
        if existing.len() >= max {
            return Err(Error::Conflict {
                message: format!(
                    "consultation `{code}` takes at most {max} submissions per municipality and {municipality} has {}; change or re-rank one instead",
                    existing.len()
                ).into(),
                field: None,
            });
        }
        // Ranks have no gaps, so the next is N+1; two writers at once meet the unique rank.
        let rank = existing.iter().copied().max().unwrap_or(0) + 1;
        let row: Submission = diesel::insert_into(submissions::table)
            .values(NewSubmission {
                consultation_id: consultation.id,
                municipality_id,
                rank,
                title: input.title.trim(),
                description: &input.description,
                kind: input.kind.as_str(),
                stage: input.stage.as_str(),
                lobby_needed: input.lobby_needed,
                lobby_note: &input.lobby_note,
                contact: input.contact.trim(),
                late,
                accepted_by: if late && role == Role::Admin {
                    actor.user_id
                } else {
                    None
                },
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
            })
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

/// Changes a submission at `expected_version`, under the same rules as creating one.
#[expect(
    clippy::too_many_arguments,
    reason = "the caller's role, scope check and clock are all needed"
)]
pub fn update_submission(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    change: &SubmissionChange,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
    let (row, consultation) = load_submission(conn, id)?;
    authorize_write(
        conn,
        &consultation,
        row.municipality_id,
        role,
        authorize,
        now,
    )?;
    let current = one(conn, id)?;
    let allowed = scope(conn, consultation.id)?;
    let (groups, aspects) = (all_target_groups(conn)?, all_aspects(conn)?);
    let title = change.title.as_deref().unwrap_or(&row.title);
    let description = change.description.as_deref().unwrap_or(&row.description);
    let lobby_needed = change.lobby_needed.unwrap_or(row.lobby_needed);
    let lobby_note = change.lobby_note.as_deref().unwrap_or(&row.lobby_note);
    let contact = change.contact.as_deref().unwrap_or(&row.contact);
    let mut errors = Vec::new();
    check_submission(
        title,
        description,
        lobby_needed,
        lobby_note,
        contact,
        &mut errors,
    );
    let group_ids = match &change.target_groups {
        Some(codes) => resolve_codes(
            "target_groups",
            "target group",
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
            "aspect",
            codes,
            &aspects,
            Some(&allowed.aspects),
            &mut errors,
        ),
        None => current.aspects.clone(),
    };
    check(errors)?;
    let code = consultation.code.clone();
    db::write_transaction(conn, |conn| {
        let before = single(conn, &code, id)?;
        if before.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        let updated = diesel::update(
            submissions::table
                .filter(submissions::id.eq(id))
                .filter(submissions::version.eq(expected_version)),
        )
        .set((
            submissions::title.eq(title.trim()),
            submissions::description.eq(description),
            submissions::kind.eq(change.kind.map(Kind::as_str).unwrap_or(&row.kind)),
            submissions::stage.eq(change.stage.map(Stage::as_str).unwrap_or(&row.stage)),
            submissions::lobby_needed.eq(lobby_needed),
            submissions::lobby_note.eq(lobby_note),
            submissions::contact.eq(contact.trim()),
            submissions::updated_at.eq(now),
            submissions::version.eq(expected_version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::PreconditionFailed);
        }
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

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// Every submission of the municipality, exactly once, the first choice first.
    pub submission_ids: Vec<i64>,
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
        let mut wanted = input.submission_ids.clone();
        wanted.sort_unstable();
        let mut have: Vec<i64> = current.iter().map(|(id, _)| *id).collect();
        have.sort_unstable();
        if wanted != have {
            return Err(Error::validation(
                "submission_ids",
                format!(
                    "must list each of {municipality}'s {} submissions exactly once: {have:?}",
                    have.len()
                ),
            ));
        }
        // Out of the way first (ranks above every current one), then into place: the unique
        // (consultation, municipality, rank) holds after every statement on both backends.
        let offset = current.iter().map(|(_, rank)| *rank).max().unwrap_or(0) + 1;
        let ranks: HashMap<i64, i32> = current.iter().copied().collect();
        let mut moved = Vec::new();
        for (position, id) in input.submission_ids.iter().enumerate() {
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

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The actions that follow from the practice; replaces the earlier links.
    pub action_ids: Vec<i64>,
}

/// Links a practice to the actions that follow from it (the full set). Admins.
pub fn link_actions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &LinkInput,
    now: NaiveDateTime,
) -> Result<SubmissionJson> {
    let (_, consultation) = load_submission(conn, id)?;
    let mut wanted: Vec<i64> = input.action_ids.clone();
    wanted.sort_unstable();
    wanted.dedup();
    let found: HashSet<i64> = actions::table
        .filter(actions::id.eq_any(&wanted))
        .select(actions::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let errors: Vec<FieldError> = input
        .action_ids
        .iter()
        .enumerate()
        .filter(|(_, action)| !found.contains(action))
        .map(|(index, action)| {
            FieldError::new(
                format!("action_ids.{index}"),
                format!("unknown action {action}"),
            )
        })
        .collect();
    check(errors)?;
    let code = consultation.code.clone();
    db::write_transaction(conn, |conn| {
        let before = single(conn, &code, id)?;
        diesel::delete(submission_actions::table.filter(submission_actions::submission_id.eq(id)))
            .execute(conn)?;
        for action_id in &wanted {
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

// ---- overview and note ----

/// One practice in a cell of the grid.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct PracticeJson {
    pub id: i64,
    pub municipality: String,
    pub municipality_name: String,
    pub rank: i32,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub stage: String,
    pub lobby_needed: bool,
    pub lobby_note: String,
    pub contact: String,
    pub late: bool,
    pub action_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct CellJson {
    pub aspect: String,
    pub aspect_name: String,
    pub count: usize,
    /// By rank, then municipality.
    pub practices: Vec<PracticeJson>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RowJson {
    pub target_group: String,
    pub target_group_name: String,
    pub cells: Vec<CellJson>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ResponseJson {
    pub municipality: String,
    pub name: String,
    pub submissions: usize,
    pub late: usize,
    pub responded: bool,
}

/// The working group's view: target group × aspect with counts and practices (a practice with
/// two groups and two aspects is in four cells, so cells add up to more than `submissions`),
/// and the response per asked municipality.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct OverviewJson {
    pub consultation: ConsultationJson,
    pub submissions: usize,
    pub grid: Vec<RowJson>,
    pub responses: Vec<ResponseJson>,
    pub municipalities_asked: usize,
    pub municipalities_responded: usize,
    /// Responded ÷ asked, 0 to 1.
    pub response_rate: f64,
}

fn build_overview(
    conn: &mut DbConnection,
    consultation: Consultation,
    now: NaiveDateTime,
) -> Result<OverviewJson> {
    let scope = scope(conn, consultation.id)?;
    let (groups, aspects, places) = (
        all_target_groups(conn)?,
        all_aspects(conn)?,
        all_municipalities(conn)?,
    );
    let loaded = submissions_of(conn, consultation.id, None)?;
    let name_of = |id: i64| {
        places
            .iter()
            .find(|(i, ..)| *i == id)
            .map(|(_, _, name)| name.clone())
            .unwrap_or_default()
    };
    let practice = |s: &Loaded| PracticeJson {
        id: s.row.id,
        municipality: code_of(&places, s.row.municipality_id),
        municipality_name: name_of(s.row.municipality_id),
        rank: s.row.rank,
        title: s.row.title.clone(),
        description: s.row.description.clone(),
        kind: s.row.kind.clone(),
        stage: s.row.stage.clone(),
        lobby_needed: s.row.lobby_needed,
        lobby_note: s.row.lobby_note.clone(),
        contact: s.row.contact.clone(),
        late: s.row.late,
        action_ids: s.actions.clone(),
    };
    let mut grid = Vec::new();
    for (group_id, group_code, group_name) in groups
        .iter()
        .filter(|(id, ..)| scope.target_groups.contains(id))
    {
        let mut cells = Vec::new();
        for (aspect_id, aspect_code, aspect_name) in
            aspects.iter().filter(|(id, ..)| scope.aspects.contains(id))
        {
            let mut practices: Vec<PracticeJson> = loaded
                .iter()
                .filter(|s| s.target_groups.contains(group_id) && s.aspects.contains(aspect_id))
                .map(practice)
                .collect();
            practices.sort_by(|a, b| {
                a.rank
                    .cmp(&b.rank)
                    .then_with(|| a.municipality_name.cmp(&b.municipality_name))
                    .then(a.id.cmp(&b.id))
            });
            cells.push(CellJson {
                aspect: aspect_code.clone(),
                aspect_name: aspect_name.clone(),
                count: practices.len(),
                practices,
            });
        }
        grid.push(RowJson {
            target_group: group_code.clone(),
            target_group_name: group_name.clone(),
            cells,
        });
    }
    let mut per_municipality: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    for s in &loaded {
        let entry = per_municipality.entry(s.row.municipality_id).or_default();
        entry.0 += 1;
        entry.1 += usize::from(s.row.late);
    }
    let mut responses: Vec<ResponseJson> = scope
        .municipalities
        .iter()
        .map(|id| {
            let (count, late) = per_municipality.get(id).copied().unwrap_or_default();
            ResponseJson {
                municipality: code_of(&places, *id),
                name: name_of(*id),
                submissions: count,
                late,
                responded: count > 0,
            }
        })
        .collect();
    responses.sort_by(|a, b| a.name.cmp(&b.name));
    let asked = responses.len();
    let responded = responses.iter().filter(|r| r.responded).count();
    Ok(OverviewJson {
        consultation: consultation_json(conn, consultation, now)?,
        submissions: loaded.len(),
        grid,
        responses,
        municipalities_asked: asked,
        municipalities_responded: responded,
        response_rate: if asked == 0 {
            0.0
        } else {
            responded as f64 / asked as f64
        },
    })
}

/// The overview. Admins at any time; ministries once the call is closed (see the module comment).
pub fn overview(
    conn: &mut DbConnection,
    code: &str,
    role: Role,
    now: NaiveDateTime,
) -> Result<OverviewJson> {
    let consultation = load_consultation(conn, code)?;
    drafts_rule(&consultation, role, now)?;
    build_overview(conn, consultation, now)
}

/// Formats of the note. PDF follows with the reports' renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteFormat {
    /// Markdown, to paste into a cabinet note.
    Md,
    /// A workbook: one row per practice per cell, typed columns, frozen header.
    Xlsx,
    /// The Markdown note typeset as a PDF (A4, page numbers).
    Pdf,
}

impl NoteFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Md => "text/markdown; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Md => "md",
            Self::Xlsx => "xlsx",
            Self::Pdf => "pdf",
        }
    }
}

impl std::str::FromStr for NoteFormat {
    type Err = String;

    fn from_str(value: &str) -> std::result::Result<Self, String> {
        match value {
            "md" | "markdown" => Ok(Self::Md),
            "xlsx" => Ok(Self::Xlsx),
            "pdf" => Ok(Self::Pdf),
            other => Err(format!(
                "unknown format `{other}`, expected md, pdf or xlsx"
            )),
        }
    }
}

/// The note, under the same read rule as the overview.
pub fn export(
    conn: &mut DbConnection,
    code: &str,
    format: NoteFormat,
    role: Role,
    now: NaiveDateTime,
) -> Result<Vec<u8>> {
    let consultation = load_consultation(conn, code)?;
    drafts_rule(&consultation, role, now)?;
    render(conn, consultation, format, now)
}

/// The note for the command line (`versnelling consultation export`): no caller, no rule.
pub fn export_note(conn: &mut DbConnection, code: &str, format: NoteFormat) -> Result<Vec<u8>> {
    let consultation = load_consultation(conn, code)?;
    render(conn, consultation, format, db::now())
}

fn render(
    conn: &mut DbConnection,
    consultation: Consultation,
    format: NoteFormat,
    now: NaiveDateTime,
) -> Result<Vec<u8>> {
    let zone = zone_of(&consultation);
    let deadline = spoken(consultation.deadline_at, zone);
    let overview = build_overview(conn, consultation, now)?;
    match format {
        NoteFormat::Md => Ok(markdown(&overview, &deadline).into_bytes()),
        NoteFormat::Xlsx => xlsx(&overview, now),
        NoteFormat::Pdf => {
            let note = markdown(&overview, &deadline);
            let blocks = crate::reports::pdf::from_markdown(&note);
            Ok(crate::reports::pdf::render(
                &overview.consultation.title,
                &blocks,
            ))
        }
    }
}

/// Escapes what Markdown would read as markup in running text.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The note: per target group, per aspect, the practices by rank, with municipality, kind,
/// stage and lobby. In Dutch: it goes into a cabinet note.
fn markdown(overview: &OverviewJson, deadline: &str) -> String {
    let c = &overview.consultation;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_escape(&c.title));
    if !c.question.trim().is_empty() {
        for line in c.question.trim().lines() {
            let _ = writeln!(out, "> {}", md_escape(line));
        }
        out.push('\n');
    }
    let late: usize = overview.responses.iter().map(|r| r.late).sum();
    let _ = writeln!(
        out,
        "Reactietermijn tot {deadline}. {} van de {} gevraagde gemeenten reageerden ({:.0}%), met {} inzendingen{}.\n",
        overview.municipalities_responded,
        overview.municipalities_asked,
        overview.response_rate * 100.0,
        overview.submissions,
        if late > 0 {
            format!(", waarvan {late} na de termijn")
        } else {
            String::new()
        }
    );
    for row in &overview.grid {
        let _ = writeln!(out, "## {}\n", md_escape(&row.target_group_name));
        for cell in &row.cells {
            let _ = writeln!(out, "### {}\n", md_escape(&cell.aspect_name));
            if cell.practices.is_empty() {
                out.push_str("_Geen inzendingen._\n\n");
                continue;
            }
            for p in &cell.practices {
                let mut facts = vec![
                    format!("{} (nr. {})", md_escape(&p.municipality_name), p.rank),
                    Kind::label_nl(&p.kind).to_string(),
                    Stage::label_nl(&p.stage).to_string(),
                ];
                if p.late {
                    facts.push("na de termijn ingediend".into());
                }
                let _ = writeln!(out, "- **{}** — {}", md_escape(&p.title), facts.join(" · "));
                for line in p
                    .description
                    .trim()
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                {
                    let _ = writeln!(out, "  {}", md_escape(line.trim()));
                }
                if p.lobby_needed {
                    let _ = writeln!(out, "  _Lobby:_ {}", md_escape(p.lobby_note.trim()));
                }
            }
            out.push('\n');
        }
    }
    out.push_str("## Respons per gemeente\n\n| Gemeente | Inzendingen | Waarvan na de termijn |\n|---|---:|---:|\n");
    for r in &overview.responses {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md_escape(&r.name),
            r.submissions,
            r.late
        );
    }
    out
}

fn xlsx_error(err: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("cannot write the workbook: {err}"))
}

const NOTE_COLUMNS: [&str; 13] = [
    "Doelgroep",
    "Aspect",
    "Gemeente",
    "Rang",
    "Titel",
    "Omschrijving",
    "Soort",
    "Fase",
    "Lobby nodig",
    "Lobby",
    "Contact",
    "Na de termijn",
    "Acties",
];

/// One sheet "Praktijken": a row per practice per cell, grouped like the note, typed columns,
/// a bold frozen header with an autofilter; a second sheet "Respons".
fn xlsx(overview: &OverviewJson, created: NaiveDateTime) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, Format, Workbook};
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&overview.consultation.title)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Praktijken").map_err(xlsx_error)?;
    for (col, name) in (0u16..).zip(NOTE_COLUMNS) {
        sheet
            .write_string_with_format(0, col, name, &bold)
            .map_err(xlsx_error)?;
    }
    let mut row = 0u32;
    for group in &overview.grid {
        for cell in &group.cells {
            for p in &cell.practices {
                row += 1;
                let actions = p
                    .action_ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let texts = [
                    (0, group.target_group_name.as_str()),
                    (1, cell.aspect_name.as_str()),
                    (2, p.municipality_name.as_str()),
                    (4, p.title.as_str()),
                    (5, p.description.as_str()),
                    (6, Kind::label_nl(&p.kind)),
                    (7, Stage::label_nl(&p.stage)),
                    (9, p.lobby_note.as_str()),
                    (10, p.contact.as_str()),
                    (12, actions.as_str()),
                ];
                for (col, text) in texts {
                    if !text.is_empty() {
                        sheet.write_string(row, col, text).map_err(xlsx_error)?;
                    }
                }
                sheet
                    .write_number(row, 3, f64::from(p.rank))
                    .map_err(xlsx_error)?;
                sheet
                    .write_boolean(row, 8, p.lobby_needed)
                    .map_err(xlsx_error)?;
                sheet.write_boolean(row, 11, p.late).map_err(xlsx_error)?;
            }
        }
    }
    for (col, width) in (0u16..).zip([28, 28, 16, 6, 40, 60, 26, 18, 12, 40, 24, 14, 12]) {
        sheet.set_column_width(col, width).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet.autofilter(0, 0, row, 12).map_err(xlsx_error)?;

    let responses = workbook.add_worksheet();
    responses.set_name("Respons").map_err(xlsx_error)?;
    for (col, name) in (0u16..).zip(["Gemeente", "Inzendingen", "Na de termijn", "Gereageerd"]) {
        responses
            .write_string_with_format(0, col, name, &bold)
            .map_err(xlsx_error)?;
    }
    for (row, r) in (1u32..).zip(&overview.responses) {
        responses
            .write_string(row, 0, &r.name)
            .map_err(xlsx_error)?;
        responses
            .write_number(row, 1, r.submissions as f64)
            .map_err(xlsx_error)?;
        responses
            .write_number(row, 2, r.late as f64)
            .map_err(xlsx_error)?;
        responses
            .write_boolean(row, 3, r.responded)
            .map_err(xlsx_error)?;
    }
    responses.set_column_width(0, 20).map_err(xlsx_error)?;
    responses.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

// ---- the VNG call ----

/// The code of the VNG call of May 2020 (seed 000).
pub const VNG_CALL: &str = "vng-top5-2020";

/// Creates the VNG call for best practices of May 2020 (seed 000) when it is missing: the
/// question, the deadline of 6 May 2020 18:00 local time, the three target groups and aspects
/// and the 15 municipalities of the urban renewal areas. Returns whether it was created.
pub fn seed_vng_call(conn: &mut DbConnection) -> Result<bool> {
    let exists = consultations::table
        .filter(consultations::code.eq(VNG_CALL))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    let codes = |tags: Tags| {
        tags.into_iter()
            .map(|(_, code, _)| code)
            .collect::<Vec<_>>()
    };
    let input = ConsultationInput {
        code: VNG_CALL.into(),
        title: "Top 5 best practices en handelingsperspectieven sociale impact coronacrisis".into(),
        question: "Welke top 5 van bestaande best practices en/of nieuwe handelingsperspectieven zijn er op lokaal niveau \
            om de sociale impact voor deze groepen zo goed mogelijk op te vangen? De focus ligt daarbij op reeds in gang \
            gezette acties of acties die gemeenten op korte tot middellange termijn willen realiseren (lobby) en die door \
            de coronacrisis wellicht versneld kunnen plaatsvinden."
            .into(),
        deadline: "2020-05-06T18:00:00".into(),
        max_submissions: Some(DEFAULT_MAX_SUBMISSIONS),
        target_groups: codes(all_target_groups(conn)?),
        aspects: codes(all_aspects(conn)?),
        municipalities: codes(all_municipalities(conn)?),
        contact_name: "VNG, werkgroep Sociale Impact Coronacrisis".into(),
        contact_email: String::new(),
    };
    create(conn, &Actor::system("seed"), &input, db::now())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
    }

    #[test]
    fn local_deadlines_become_utc_across_daylight_saving() {
        // Summer time (CEST, +02:00) and winter time (CET, +01:00).
        assert_eq!(
            parse_local("deadline", "2020-05-06T18:00:00", TIME_ZONE).unwrap(),
            utc("2020-05-06T16:00:00")
        );
        assert_eq!(
            parse_local("deadline", "2021-01-15T18:00", TIME_ZONE).unwrap(),
            utc("2021-01-15T17:00:00")
        );
        // The day the clocks go forward: 18:00 is already summer time.
        assert_eq!(
            parse_local("deadline", "2021-03-28T18:00:00", TIME_ZONE).unwrap(),
            utc("2021-03-28T16:00:00")
        );
        assert_eq!(
            parse_local("deadline", "2021-03-28T18:00:00+02:00", TIME_ZONE).unwrap(),
            utc("2021-03-28T16:00:00")
        );
        assert_eq!(
            parse_local("deadline", "2021-03-28T16:00:00Z", TIME_ZONE).unwrap(),
            utc("2021-03-28T16:00:00")
        );
        let skipped = parse_local("deadline", "2021-03-28T02:30:00", TIME_ZONE).unwrap_err();
        assert!(
            skipped.msg.to_string().contains("does not exist"),
            "{:?}",
            skipped.msg
        );
        let twice = parse_local("deadline", "2020-10-25T02:30:00", TIME_ZONE).unwrap_err();
        assert!(
            twice.msg.to_string().contains("+02:00 or +01:00"),
            "{:?}",
            twice.msg
        );
        assert_eq!(
            parse_local("deadline", "2020-10-25T02:30:00+01:00", TIME_ZONE).unwrap(),
            utc("2020-10-25T01:30:00")
        );
        assert_eq!(
            parse_local("deadline", "6 mei 18:00", TIME_ZONE)
                .unwrap_err()
                .field,
            "deadline"
        );
    }

    #[test]
    fn moments_show_local_time_and_utc() {
        let shown = moment(utc("2021-03-28T16:00:00"), TIME_ZONE);
        assert_eq!(shown.local, "2021-03-28T18:00:00+02:00");
        assert_eq!(shown.utc, "2021-03-28T16:00:00Z");
        assert_eq!(
            spoken(utc("2021-01-15T17:00:00"), TIME_ZONE),
            "2021-01-15 18:00:00 Europe/Amsterdam (17:00:00 UTC)"
        );
    }

    #[test]
    fn markdown_text_cannot_add_structure() {
        assert_eq!(
            md_escape("# *vet* [link](x)"),
            "\\# \\*vet\\* \\[link\\](x)"
        );
    }
}
