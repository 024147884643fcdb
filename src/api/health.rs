//! Liveness, readiness and Prometheus metrics: for operators and load balancers, no login.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::db;
use crate::error::Error;
use crate::state::AppState;

/// GET /healthz — the process is up. Anyone.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses((status = 200, description = "The process is up", body = crate::api::openapi::HealthStatus)),
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// GET /readyz — the database answers. Anyone.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses((status = 200, description = "The database answers", body = crate::api::openapi::HealthStatus), (status = 503, description = "The database is not reachable")),
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    state
        .read(|conn| db::ping(conn).map_err(|err| Error::Unavailable(err.to_string())))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ready" })))
}

/// GET /metrics — Prometheus text format. Anyone who can reach the port.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain; version=0.0.4")),
)]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.state();
    let mut body = state
        .metrics
        .render(pool.connections, pool.idle_connections);
    body.push_str(&state.cache.render_metrics());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}
