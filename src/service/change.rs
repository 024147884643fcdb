//! The one way to change a versioned row: load it, let the caller's check see its owner,
//! refuse a change made from another version (If-Match, 412), apply the change with the
//! version raised, and record the state before and after in the audit log — all in one
//! transaction. The audit row feeds the versioned history (`db::versions`); later work that must
//! see every change (the audit chain, the outbox) hooks in here.

use serde::Serialize;

use crate::db::{self, DbConnection};
use crate::error::{Error, Result};
use crate::service::audit::{self, Actor};

/// A row whose changes are based on a version (the ETag of the API, the hidden `version` of a
/// form).
pub trait Versioned: Serialize {
    fn version(&self) -> i64;
}

macro_rules! versioned {
    ($($model:ty),* $(,)?) => {
        $(impl Versioned for $model {
            fn version(&self) -> i64 {
                self.version
            }
        })*
    };
}

versioned!(
    crate::db::models::Area,
    crate::db::models::Ministry,
    crate::db::models::Theme,
    crate::db::models::ReportPeriod,
    crate::db::models::Programme,
    crate::db::models::Action,
    crate::db::models::Milestone,
    crate::db::models::Indicator,
    crate::db::models::Consultation,
    crate::db::models::Submission,
);

/// What a change is, for the audit log, and the version it was made from.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The audit operation, e.g. `programme.update`.
    pub operation: &'a str,
    /// The audit entity type, e.g. `programme`.
    pub entity: &'a str,
    /// The entity's id or code as the audit log names it.
    pub id: &'a str,
    /// The version the change was made from.
    pub expected: i64,
    /// Why, when the change needs a reason; kept with the version it makes.
    pub reason: &'a str,
}

/// Runs `change` on the row `load` finds: `authorize` sees it first (the policy's object
/// check), a row at another version is refused with 412, and `apply` writes the new state with
/// the version raised — returning `None` when no row matched the expected version (someone
/// else changed it in between), which is a 412 too. Both states go to the audit log.
pub fn versioned<R: Versioned>(
    conn: &mut DbConnection,
    actor: &Actor,
    change: Change<'_>,
    load: impl FnOnce(&mut DbConnection) -> Result<R>,
    authorize: impl FnOnce(&mut DbConnection, &R) -> Result<()>,
    apply: impl FnOnce(&mut DbConnection, &R) -> Result<Option<R>>,
) -> Result<R> {
    db::write_transaction(conn, |conn| {
        let before = load(conn)?;
        authorize(conn, &before)?;
        if before.version() != change.expected {
            return Err(Error::PreconditionFailed);
        }
        let after = apply(conn, &before)?.ok_or(Error::PreconditionFailed)?;
        audit::record_because(
            conn,
            actor,
            audit::Entry {
                operation: change.operation,
                entity_type: change.entity,
                entity_id: Some(change.id),
                reason: change.reason,
            },
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
}
