//! The one permission policy: a table of operation × role → access. Every route is registered
//! with an operation (see `api::routes`), the guard checks the role level before the handler
//! runs, and handlers check objects against the caller's scope with [`authorize_object`].
//!
//! 401 means "who are you?" (no, bad or revoked credentials). 403 means "you may not": the
//! caller is known and the object exists but is outside their role or scope. 404 means the object
//! does not exist. Existence is not hidden: every logged-in user may read the tracked data, so a
//! 404 for an object someone may not change would only confuse.

use serde::Serialize;

use super::AuthUser;
use crate::domain::{MinistryId, MunicipalityId, Role};
use crate::error::Error;
use crate::i18n::Msg;

/// What a route does, for the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// No login: health, token endpoints.
    Public,
    /// Any logged-in user, about themselves: `/me`, the list of their own API tokens.
    ReadOwnAccount,
    /// Any logged-in user, on their own account: their password, creating and revoking their
    /// own API tokens, logging out. A write: a read-only API token may not do it.
    WriteOwnAccount,
    /// Reference data: areas, municipalities, ministries, themes, target groups, aspects, periods.
    ReadReference,
    /// Create and change reference data.
    ManageReference,
    /// Users and their tokens.
    ManageUsers,
    /// The audit log.
    ReadAudit,
    /// Programmes, actions, their history, milestones, indicators, notes; exports.
    ReadTracking,
    /// Create and change programmes (a ministry: those it leads).
    ManageProgrammes,
    /// Create and change actions, post progress, re-plan, milestones, indicators
    /// (a ministry: its own actions).
    WriteAction,
    /// Record an indicator's value (a ministry for its actions, a municipality in its areas).
    RecordIndicatorValue,
    /// Local notes on an area (a municipality: its own areas).
    WriteLocalNote,
    /// Consultations (calls such as the VNG one for best practices): the question, deadline and
    /// who is asked. Not the submissions.
    ReadConsultations,
    /// Create and change consultations, reopen them, link submissions to actions.
    ManageConsultations,
    /// Read a municipality's submissions (a municipality: its own). Before the deadline they are
    /// drafts: ministries read them only once the call has closed.
    ReadSubmissions,
    /// Create, change and re-rank submissions (a municipality: its own, while the call is open;
    /// admins at any time, which after the deadline is a late acceptance).
    WriteSubmission,
    /// The overview and the note of a consultation: admins at any time, ministries (the
    /// working group's departments) once the call has closed.
    ReadConsultationResults,
    /// A ministry's sign-off of a report period: a ministry submits (ingediend) and withdraws
    /// its own; admins (the programme office) also approve (vastgesteld) and reopen.
    SignOffPeriod,
    /// Generated progress reports and their files. Admins and ministries (who review the draft
    /// before it goes to parliament) see drafts; municipalities and viewers published reports only.
    ReadReports,
    /// Generate report drafts and publish them (the programme office).
    ManageReports,
}

/// How far an operation reaches for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Denied,
    /// Every object.
    All,
    /// Objects of the caller's own ministry.
    OwnMinistry,
    /// Objects in the caller's own municipality (and so its areas).
    OwnMunicipality,
    /// Only what has been published (reports); drafts do not exist for the caller.
    PublishedOnly,
}

use Access::{All, Denied, OwnMinistry, OwnMunicipality, PublishedOnly};

/// One row per operation: (operation, writes?, [admin, ministry, municipality, viewer]).
pub const POLICY: &[(Operation, bool, [Access; 4])] = &[
    (Operation::Public, false, [All, All, All, All]),
    (Operation::ReadOwnAccount, false, [All, All, All, All]),
    (Operation::WriteOwnAccount, true, [All, All, All, All]),
    (Operation::ReadReference, false, [All, All, All, All]),
    (
        Operation::ManageReference,
        true,
        [All, Denied, Denied, Denied],
    ),
    (Operation::ManageUsers, true, [All, Denied, Denied, Denied]),
    (Operation::ReadAudit, false, [All, Denied, Denied, Denied]),
    (Operation::ReadTracking, false, [All, All, All, All]),
    (
        Operation::ManageProgrammes,
        true,
        [All, OwnMinistry, Denied, Denied],
    ),
    (
        Operation::WriteAction,
        true,
        [All, OwnMinistry, Denied, Denied],
    ),
    (
        Operation::RecordIndicatorValue,
        true,
        [All, OwnMinistry, OwnMunicipality, Denied],
    ),
    (
        Operation::WriteLocalNote,
        true,
        [All, Denied, OwnMunicipality, Denied],
    ),
    (Operation::ReadConsultations, false, [All, All, All, All]),
    (
        Operation::ManageConsultations,
        true,
        [All, Denied, Denied, Denied],
    ),
    (
        Operation::ReadSubmissions,
        false,
        [All, All, OwnMunicipality, Denied],
    ),
    (
        Operation::WriteSubmission,
        true,
        [All, Denied, OwnMunicipality, Denied],
    ),
    (
        Operation::ReadConsultationResults,
        false,
        [All, All, Denied, Denied],
    ),
    (
        Operation::SignOffPeriod,
        true,
        [All, OwnMinistry, Denied, Denied],
    ),
    (
        Operation::ReadReports,
        false,
        [All, All, PublishedOnly, PublishedOnly],
    ),
    (
        Operation::ManageReports,
        true,
        [All, Denied, Denied, Denied],
    ),
];

fn row(operation: Operation) -> Option<&'static (Operation, bool, [Access; 4])> {
    POLICY.iter().find(|(op, ..)| *op == operation)
}

fn role_index(role: Role) -> usize {
    match role {
        Role::Admin => 0,
        Role::Ministry => 1,
        Role::Municipality => 2,
        Role::Viewer => 3,
    }
}

/// The access a role has to an operation. An operation without a row is denied.
pub fn access(role: Role, operation: Operation) -> Access {
    row(operation)
        .map(|(_, _, access)| access[role_index(role)])
        .unwrap_or(Denied)
}

/// Whether an operation changes data (read-only API tokens may not perform it).
pub fn writes(operation: Operation) -> bool {
    row(operation).map(|(_, writes, _)| *writes).unwrap_or(true)
}

/// The role-level check the route guard makes before a handler runs.
pub fn authorize(user: &AuthUser, operation: Operation) -> Result<Access, Error> {
    let access = access(user.role, operation);
    if access == Denied {
        return Err(Error::Forbidden(Msg::RoleMayNot {
            role: user.role.into(),
        }));
    }
    if writes(operation) && user.read_only {
        return Err(Error::Forbidden(Msg::ApiTokenReadOnly));
    }
    Ok(access)
}

/// Whose an object is, for the scope check. A municipality's id does not fit where the
/// ministry goes:
///
/// ```compile_fail
/// # use versnelling::auth::policy::Owner;
/// # use versnelling::domain::MunicipalityId;
/// let owner = Owner {
///     ministry: Some(MunicipalityId::from(3)),
///     municipality: None,
/// };
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Owner {
    pub ministry: Option<MinistryId>,
    pub municipality: Option<MunicipalityId>,
}

/// The object-level check: the caller's access to this operation must reach the object's owner.
pub fn authorize_object(user: &AuthUser, operation: Operation, owner: Owner) -> Result<(), Error> {
    let allowed = match authorize(user, operation)? {
        Access::All => true,
        Access::OwnMinistry => user.ministry_id.is_some() && user.ministry_id == owner.ministry,
        Access::OwnMunicipality => {
            user.municipality_id.is_some() && user.municipality_id == owner.municipality
        }
        // Published material has no owner; the service hides the unpublished.
        Access::PublishedOnly => true,
        Access::Denied => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(Msg::OtherScope))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_exactly_one_row() {
        for (operation, ..) in POLICY {
            assert_eq!(
                POLICY.iter().filter(|(op, ..)| op == operation).count(),
                1,
                "{operation:?}"
            );
        }
    }

    #[test]
    fn ministries_write_their_own_actions_and_municipalities_their_own_areas() {
        assert_eq!(access(Role::Ministry, Operation::WriteAction), OwnMinistry);
        assert_eq!(access(Role::Municipality, Operation::WriteAction), Denied);
        assert_eq!(
            access(Role::Municipality, Operation::RecordIndicatorValue),
            OwnMunicipality
        );
        assert_eq!(access(Role::Viewer, Operation::ReadTracking), All);
        for role in [
            Role::Admin,
            Role::Ministry,
            Role::Municipality,
            Role::Viewer,
        ] {
            assert_ne!(access(role, Operation::WriteLocalNote), OwnMinistry);
        }
    }

    #[test]
    fn drafts_are_for_the_programme_office_and_the_ministries() {
        assert_eq!(access(Role::Admin, Operation::ReadReports), All);
        assert_eq!(access(Role::Ministry, Operation::ReadReports), All);
        assert_eq!(
            access(Role::Municipality, Operation::ReadReports),
            PublishedOnly
        );
        assert_eq!(access(Role::Viewer, Operation::ReadReports), PublishedOnly);
        assert_eq!(access(Role::Ministry, Operation::ManageReports), Denied);
        assert_eq!(
            access(Role::Ministry, Operation::SignOffPeriod),
            OwnMinistry
        );
        assert_eq!(access(Role::Municipality, Operation::SignOffPeriod), Denied);
    }

    #[test]
    fn only_admins_manage_users_reference_data_and_read_the_audit_log() {
        for op in [
            Operation::ManageUsers,
            Operation::ManageReference,
            Operation::ReadAudit,
        ] {
            assert_eq!(access(Role::Admin, op), All);
            for role in [Role::Ministry, Role::Municipality, Role::Viewer] {
                assert_eq!(access(role, op), Denied, "{role:?} {op:?}");
            }
        }
    }
}
