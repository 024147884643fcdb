//! Liveness, readiness and Prometheus metrics: for operators and load balancers, no login.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::db;
use crate::error::Error;
use crate::state::AppState;

/// GET /healthz — the process is up. Anyone.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// GET /readyz — the database answers. Anyone.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    state
        .db(|conn| db::ping(conn).map_err(|err| Error::Unavailable(err.to_string())))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ready" })))
}

/// GET /metrics — Prometheus text format. Anyone who can reach the port.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.state();
    let body = state
        .metrics
        .render(pool.connections, pool.idle_connections);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}
