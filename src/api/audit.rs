//! The audit log (admins).

use actix_web::{HttpResponse, web};

use crate::api::extract::Query;
use crate::api::reference::{List, Page};
use crate::error::Error;
use crate::service::audit::{self, AuditFilter};
use crate::state::AppState;

/// GET /api/v1/audit — who changed what, newest first; filters `user_id`, `actor`, `operation`,
/// `entity_type`, `entity_id`, `from`, `to` (UTC date-times), `limit`, `offset`. Admins.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    operation_id = "list_audit",
    params(AuditFilter),
    responses((status = 200, description = "Audit entries, newest first", body = List<crate::service::audit::AuditEntry>)),
)]
pub async fn list(
    state: web::Data<AppState>,
    filter: Query<AuditFilter>,
) -> Result<HttpResponse, Error> {
    let filter = filter.0;
    let (limit, offset) = Page {
        limit: filter.limit,
        offset: filter.offset,
    }
    .bounds()?;
    let (items, total) = state
        .read(move |conn| Ok(audit::list(conn, &filter, limit, offset)?))
        .await?;
    Ok(HttpResponse::Ok().json(List {
        items,
        total,
        limit,
        offset,
    }))
}
