//! Sign-off of a report period per ministry. Each ministry marks its updates for the period
//! complete ("ingediend"), the programme office approves them ("vastgesteld"), and either can
//! reopen: a ministry its own submission while it is not yet approved, the programme office any
//! sign-off. The trail is append-only (`period_signoffs`); the state of a ministry is its latest
//! step. Once the period's report is published the sign-offs are closed.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::policy::Owner;
use crate::db::models::{NewPeriodSignoff, PeriodSignoff, ReportPeriod};
use crate::db::schema::{ministries, period_signoffs, reports, users};
use crate::db::{self, DbConnection};
use crate::domain::{MinistryId, ReportState, Role, SignoffState};
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Msg};
use crate::service::actions::{Authorize, MAX_NOTE};
use crate::service::audit::{self, Actor};
use crate::service::progress::{self, ProgressQuery, Readiness};
use crate::service::validate;

/// A sign-off step: the new state and why.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffInput {
    /// `submitted` (ingediend, by the ministry or an admin), `approved` (vastgesteld, admins) or
    /// `reopened` (heropend).
    pub state: SignoffState,
    /// Required to reopen, and to submit while actions still lack an update in the period.
    #[serde(default)]
    pub note: String,
}

/// One step of the trail.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SignoffJson {
    pub id: i64,
    pub period: String,
    pub ministry: String,
    pub state: SignoffState,
    /// The Dutch word: ingediend, vastgesteld, heropend.
    pub state_nl: &'static str,
    pub note: String,
    pub user: Option<String>,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: NaiveDateTime,
}

/// The trail of a period and the state per ministry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignoffOverview {
    pub period: String,
    /// Every step, oldest first.
    pub items: Vec<SignoffJson>,
    pub total: usize,
    /// Per ministry (by code) its latest step; ministries without one are absent.
    pub current: BTreeMap<String, SignoffJson>,
    /// Every ministry's sign-off is approved.
    pub complete: bool,
}

pub fn find_period(conn: &mut DbConnection, code: &str) -> Result<ReportPeriod> {
    crate::service::reference::period_by_name(conn, code)?
        .ok_or_else(|| Error::not_found_code(Label::Period, code))
}

fn to_json(
    period: &ReportPeriod,
    ministry_codes: &BTreeMap<i64, String>,
    (row, user): (PeriodSignoff, Option<String>),
) -> Result<SignoffJson> {
    let state: SignoffState = row.state.parse().map_err(Error::internal)?;
    Ok(SignoffJson {
        id: row.id,
        period: period.code.clone(),
        ministry: ministry_codes
            .get(&row.ministry_id)
            .cloned()
            .unwrap_or_default(),
        state,
        state_nl: state.label_nl(),
        note: row.note,
        user,
        recorded_at: row.recorded_at,
    })
}

fn ministry_codes(conn: &mut DbConnection) -> Result<BTreeMap<i64, String>> {
    Ok(ministries::table
        .select((ministries::id, ministries::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// The trail of a period recorded before `before` (everything when `None`), oldest first.
pub fn trail_of(
    conn: &mut DbConnection,
    period: &ReportPeriod,
    before: Option<NaiveDateTime>,
) -> Result<Vec<SignoffJson>> {
    let codes = ministry_codes(conn)?;
    let mut query = period_signoffs::table
        .left_join(users::table)
        .filter(period_signoffs::report_period_id.eq(period.id))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(period_signoffs::recorded_at.lt(before));
    }
    query
        .order((
            period_signoffs::recorded_at.asc(),
            period_signoffs::id.asc(),
        ))
        .select((PeriodSignoff::as_select(), users::username.nullable()))
        .load::<(PeriodSignoff, Option<String>)>(conn)?
        .into_iter()
        .map(|pair| to_json(period, &codes, pair))
        .collect()
}

/// Each ministry's latest step, by ministry code.
pub fn current_of(trail: &[SignoffJson]) -> BTreeMap<String, SignoffJson> {
    let mut current = BTreeMap::new();
    for step in trail {
        current.insert(step.ministry.clone(), step.clone());
    }
    current
}

/// `GET /api/v1/periods/{code}/signoffs`.
pub fn overview(conn: &mut DbConnection, code: &str) -> Result<SignoffOverview> {
    let period = find_period(conn, code)?;
    let items = trail_of(conn, &period, None)?;
    let current = current_of(&items);
    let ministries = ministry_codes(conn)?;
    let complete = !ministries.is_empty()
        && ministries.values().all(|code| {
            current
                .get(code)
                .is_some_and(|s| s.state == SignoffState::Approved)
        });
    Ok(SignoffOverview {
        period: period.code,
        total: items.len(),
        items,
        current,
        complete,
    })
}

/// The readiness of a period: per ministry its actions, those without an update in the period,
/// and its sign-off.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodReadiness {
    pub period: String,
    pub name: String,
    pub cut_off: chrono::NaiveDate,
    /// The moment the state is for: the end of the cut-off day (Europe/Amsterdam), or now when
    /// that is still to come.
    #[serde(serialize_with = "crate::json::utc")]
    pub as_of: NaiveDateTime,
    pub ministries: Vec<Readiness>,
    /// Actions without an update in the period, over all ministries.
    pub missing: u32,
    /// Every ministry has been approved (vastgesteld).
    pub complete: bool,
}

/// `GET /api/v1/periods/{code}/readiness`.
pub fn readiness(conn: &mut DbConnection, code: &str) -> Result<PeriodReadiness> {
    let period = find_period(conn, code)?;
    let report = progress::report(
        conn,
        &ProgressQuery {
            period: Some(period.code.clone()),
            group_by: Some("ministry".into()),
            ..Default::default()
        },
    )?;
    let missing = report.readiness.iter().map(|r| r.actions - r.ready).sum();
    let complete = !report.readiness.is_empty()
        && report
            .readiness
            .iter()
            .all(|r| r.signoff.as_deref() == Some(SignoffState::Approved.as_str()));
    Ok(PeriodReadiness {
        period: period.code,
        name: period.name,
        cut_off: period.cut_off,
        as_of: report.as_of.min(db::now()),
        ministries: report.readiness,
        missing,
        complete,
    })
}

/// A 409 once the period's report is published: its sign-offs are closed.
fn refuse_when_published(conn: &mut DbConnection, period: &ReportPeriod) -> Result<()> {
    let published: i64 = reports::table
        .filter(reports::report_period_id.eq(period.id))
        .filter(reports::state.eq(ReportState::Published.as_str()))
        .count()
        .get_result(conn)?;
    if published > 0 {
        return Err(Error::Conflict {
            message: Msg::SignoffClosed {
                period: period.code.clone(),
            },
            field: None,
        });
    }
    Ok(())
}

/// The ministry's latest sign-off step in the period, if it took one.
fn latest_state(
    conn: &mut DbConnection,
    period: &ReportPeriod,
    ministry_id: i64,
) -> Result<Option<SignoffState>> {
    let latest: Option<String> = period_signoffs::table
        .filter(period_signoffs::report_period_id.eq(period.id))
        .filter(period_signoffs::ministry_id.eq(ministry_id))
        .order((
            period_signoffs::recorded_at.desc(),
            period_signoffs::id.desc(),
        ))
        .select(period_signoffs::state)
        .first(conn)
        .optional()?;
    latest
        .map(|s| s.parse())
        .transpose()
        .map_err(Error::internal)
}

/// Records a sign-off step for `ministry_code` in the period. A ministry submits and withdraws
/// its own (`authorize` checks the scope); only admins approve and reopen an approval.
pub fn sign_off(
    conn: &mut DbConnection,
    actor: &Actor,
    role: Role,
    code: &str,
    ministry_code: &str,
    input: &SignoffInput,
    authorize: Authorize,
) -> Result<SignoffJson> {
    let period = find_period(conn, code)?;
    let ministry_id: i64 = ministries::table
        .filter(ministries::code.eq(ministry_code))
        .select(ministries::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found_code(Label::Ministry, ministry_code))?;
    authorize(Owner {
        ministry: Some(MinistryId::from(ministry_id)),
        municipality: None,
    })?;
    let note = input.note.trim();
    let mut errors = Vec::new();
    validate::text("note", note, 0, MAX_NOTE, &mut errors);
    validate::check(errors)?;
    if input.state == SignoffState::Approved && role != Role::Admin {
        return Err(Error::Forbidden(Msg::SignoffApproveAdmin));
    }
    // Readiness is read before the write transaction: it is a roll-up of the whole period.
    let missing = if input.state == SignoffState::Submitted {
        let readiness = readiness(conn, code)?;
        readiness
            .ministries
            .iter()
            .find(|r| r.ministry == ministry_code)
            .map(|r| r.actions - r.ready)
            .unwrap_or(0)
    } else {
        0
    };
    db::write_transaction(conn, |conn| {
        refuse_when_published(conn, &period)?;
        let latest = latest_state(conn, &period, ministry_id)?;
        check_transition(role, latest, input.state, ministry_code)?;
        let mut errors = Vec::new();
        if input.state == SignoffState::Reopened && note.is_empty() {
            errors.push(FieldError::new("note", Msg::SignoffReopenReason));
        }
        if missing > 0 && note.is_empty() {
            errors.push(FieldError::new(
                "note",
                Msg::SignoffMissingUpdates {
                    missing,
                    ministry: ministry_code.to_string(),
                },
            ));
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let row: PeriodSignoff = diesel::insert_into(period_signoffs::table)
            .values(NewPeriodSignoff {
                report_period_id: period.id,
                ministry_id,
                state: input.state.as_str(),
                note,
                user_id: actor.user_id,
                recorded_at: db::now(),
            })
            .returning(period_signoffs::all_columns)
            .get_result(conn)?;
        let codes = ministry_codes(conn)?;
        let step = to_json(&period, &codes, (row, Some(actor.name.clone())))?;
        audit::record(
            conn,
            actor,
            "period.signoff",
            "period",
            Some(&period.code),
            latest
                .map(|s| serde_json::json!({"ministry": ministry_code, "state": s}))
                .as_ref(),
            Some(&step),
        )?;
        Ok(step)
    })
}

/// Which steps may follow which, for whom.
fn check_transition(
    role: Role,
    latest: Option<SignoffState>,
    next: SignoffState,
    ministry: &str,
) -> Result<()> {
    use SignoffState::{Approved, Reopened, Submitted};
    let ministry = ministry.to_string();
    let conflict = |message: Msg| Err(Error::conflict("state", message));
    match (latest, next) {
        (None | Some(Reopened), Submitted) => Ok(()),
        (Some(Submitted), Submitted) => conflict(Msg::SignoffAlreadySubmitted { ministry }),
        (Some(Approved), Submitted) => conflict(Msg::SignoffApprovedAlready { ministry }),
        (Some(Submitted), Approved) => Ok(()),
        (Some(Approved), Approved) => conflict(Msg::SignoffAlreadyApproved { ministry }),
        (None | Some(Reopened), Approved) => conflict(Msg::SignoffNotSubmitted { ministry }),
        (Some(Submitted), Reopened) => Ok(()),
        (Some(Approved), Reopened) if role == Role::Admin => Ok(()),
        (Some(Approved), Reopened) => Err(Error::Forbidden(Msg::SignoffReopenApprovedAdmin)),
        (None | Some(Reopened), Reopened) => conflict(Msg::SignoffNothingToReopen { ministry }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SignoffState::{Approved, Reopened, Submitted};

    #[test]
    fn a_ministry_submits_and_withdraws_the_programme_office_approves_and_reopens() {
        let ok = |role, latest, next| check_transition(role, latest, next, "SZW").is_ok();
        assert!(ok(Role::Ministry, None, Submitted));
        assert!(ok(Role::Ministry, Some(Reopened), Submitted));
        assert!(ok(Role::Ministry, Some(Submitted), Reopened));
        assert!(ok(Role::Admin, Some(Submitted), Approved));
        assert!(ok(Role::Admin, Some(Approved), Reopened));
        assert!(!ok(Role::Ministry, Some(Approved), Reopened));
        assert!(!ok(Role::Admin, None, Approved));
        assert!(!ok(Role::Ministry, Some(Submitted), Submitted));
        assert!(!ok(Role::Admin, Some(Approved), Approved));
        assert!(!ok(Role::Admin, None, Reopened));
        assert!(matches!(
            check_transition(Role::Ministry, Some(Approved), Reopened, "SZW"),
            Err(Error::Forbidden(_))
        ));
    }
}
