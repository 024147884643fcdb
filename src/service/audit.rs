//! The audit log: who changed what, when, with the state before and after.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::models::NewAuditEntry;
use crate::db::schema::audit_log;
use crate::db::{self, DbConnection};

/// Who performs a write: a user, or the system itself (CLI, seeding).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// The operator at the command line or the program itself.
    pub fn system(name: &str) -> Self {
        Self { user_id: None, name: name.to_string(), request_id: None }
    }
}

/// Records one write; call inside the write's own transaction.
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    operation: &str,
    entity_type: &str,
    entity_id: Option<&str>,
    before: Option<&B>,
    after: Option<&A>,
) -> QueryResult<()> {
    let before = before.and_then(|b| serde_json::to_string(b).ok());
    let after = after.and_then(|a| serde_json::to_string(a).ok());
    diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            recorded_at: db::now(),
            user_id: actor.user_id,
            actor: &actor.name,
            operation,
            entity_type,
            entity_id,
            before_json: before.as_deref(),
            after_json: after.as_deref(),
            request_id: actor.request_id.as_deref(),
        })
        .execute(conn)
        .map(|_| ())
}
