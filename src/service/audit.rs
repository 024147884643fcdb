//! The audit log: who changed what, when, with the state before and after.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::models::NewAuditEntry;
use crate::db::schema::audit_log;
use crate::db::{self, DbConnection, versions};

pub use crate::auth::Actor;

/// Records one write; call inside the write's own transaction. The images also feed the
/// versioned history (`db::versions::capture`) of the entity types it tracks.
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    operation: &str,
    entity_type: &str,
    entity_id: Option<&str>,
    before: Option<&B>,
    after: Option<&A>,
) -> QueryResult<()> {
    record_because(
        conn,
        actor,
        Entry {
            operation,
            entity_type,
            entity_id,
            reason: "",
        },
        before,
        after,
    )
}

/// What one audit row names: the operation, the entity and why.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub operation: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<&'a str>,
    /// Why the change was made, kept with the version it makes (a target's, for example).
    pub reason: &'a str,
}

/// [`record`] with a reason.
pub fn record_because<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    entry: Entry<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> QueryResult<()> {
    let before = before.and_then(|b| serde_json::to_value(b).ok());
    let after = after.and_then(|a| serde_json::to_value(a).ok());
    let before_text = before.as_ref().map(ToString::to_string);
    let after_text = after.as_ref().map(ToString::to_string);
    let recorded_at = db::now();
    let id: i64 = diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            recorded_at,
            user_id: actor.user_id,
            actor: &actor.name,
            operation: entry.operation,
            entity_type: entry.entity_type,
            entity_id: entry.entity_id,
            before_json: before_text.as_deref(),
            after_json: after_text.as_deref(),
            request_id: actor.request_id.as_deref(),
        })
        .returning(audit_log::id)
        .get_result(conn)?;
    if let Some(key) = entry.entity_id {
        versions::capture(
            conn,
            &versions::Write {
                entity_type: entry.entity_type,
                entity_key: key,
                operation: entry.operation,
                before: before.as_ref(),
                after: after.as_ref(),
                recorded_at,
                recorded_by: actor.user_id,
                reason: entry.reason,
                audit_id: Some(id),
            },
        )?;
    }
    Ok(())
}

/// One audit row as the API shows it.
#[derive(Debug, Clone, Serialize, diesel::Queryable, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(serialize_with = "crate::json::utc")]
    pub recorded_at: chrono::NaiveDateTime,
    pub user_id: Option<i64>,
    pub actor: String,
    pub operation: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub before: Option<String>,
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub after: Option<String>,
    pub request_id: Option<String>,
}

/// Stored JSON text is shown as JSON, not as a string.
fn as_json<S: serde::Serializer>(value: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    let parsed = value
        .as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
    parsed.serialize(serializer)
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub actor: Option<String>,
    pub operation: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// From this instant (inclusive), UTC.
    pub from: Option<chrono::NaiveDateTime>,
    /// Until this instant (exclusive), UTC.
    pub to: Option<chrono::NaiveDateTime>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The newest entries first, with the total that matches.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let build = || {
        let mut query = audit_log::table.into_boxed();
        if let Some(user_id) = filter.user_id {
            query = query.filter(audit_log::user_id.eq(user_id));
        }
        if let Some(actor) = &filter.actor {
            query = query.filter(audit_log::actor.eq(actor.clone()));
        }
        if let Some(operation) = &filter.operation {
            query = query.filter(audit_log::operation.eq(operation.clone()));
        }
        if let Some(entity_type) = &filter.entity_type {
            query = query.filter(audit_log::entity_type.eq(entity_type.clone()));
        }
        if let Some(entity_id) = &filter.entity_id {
            query = query.filter(audit_log::entity_id.eq(entity_id.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::recorded_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(audit_log::recorded_at.lt(to));
        }
        query
    };
    let total = build().count().get_result(conn)?;
    let items = build()
        .select((
            audit_log::id,
            audit_log::recorded_at,
            audit_log::user_id,
            audit_log::actor,
            audit_log::operation,
            audit_log::entity_type,
            audit_log::entity_id,
            audit_log::before_json,
            audit_log::after_json,
            audit_log::request_id,
        ))
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((items, total))
}
