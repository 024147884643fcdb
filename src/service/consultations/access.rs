//! Who reads and writes a municipality's submissions, and when (see the rules in the module
//! comment of `consultations`): the policy's scope first, then the drafts and deadline rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::time::{closed_error, is_open, spoken, zone_of};
use crate::auth::policy::Owner;
use crate::db::DbConnection;
use crate::db::models::Consultation;
use crate::db::schema::consultation_municipalities;
use crate::domain::{MunicipalityId, Role};
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::service::actions::Authorize;

fn owner(municipality_id: i64) -> Owner {
    Owner {
        ministry: None,
        municipality: Some(MunicipalityId::from(municipality_id)),
    }
}

/// The read rule: the policy's scope first (a municipality reads its own), then the drafts
/// rule: before the call closes only admins and the municipality itself read submissions.
pub(super) fn authorize_read(
    consultation: &Consultation,
    municipality_id: i64,
    role: Role,
    authorize: Authorize,
    now: NaiveDateTime,
) -> Result<()> {
    authorize(owner(municipality_id))?;
    drafts_rule(consultation, role, now)
}

pub(super) fn drafts_rule(
    consultation: &Consultation,
    role: Role,
    now: NaiveDateTime,
) -> Result<()> {
    if !matches!(role, Role::Admin | Role::Municipality) && is_open(consultation, now) {
        return Err(Error::Forbidden(Msg::DraftsUntilClosed {
            consultation: consultation.code.clone(),
            deadline: spoken(consultation.deadline_at, zone_of(consultation)),
        }));
    }
    Ok(())
}

/// The write rule: the policy's scope, the municipality must be asked, and (but for admins)
/// the call must be open.
pub(super) fn authorize_write(
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
        return Err(Error::Forbidden(Msg::NotAsked {
            consultation: consultation.code.clone(),
        }));
    }
    if role != Role::Admin && !is_open(consultation, now) {
        return Err(closed_error(consultation));
    }
    Ok(())
}
