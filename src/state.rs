//! What every request handler shares: the pool, the settings, metrics.

use std::sync::Arc;

use actix_web::web;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::{DbConnection, Pool};
use crate::error::Error;
use crate::telemetry::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// Signs and verifies access tokens, with the configured or generated key.
    pub jwt: Arc<JwtKeys>,
    pub throttle: Arc<LoginThrottle>,
    /// Slots for CPU-heavy renders (charts, exports), so they cannot starve everything else.
    pub renders: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Waits up to `server.render_wait_seconds` for a render slot; the slot is held until the
    /// returned permit is dropped. Busy (503 with Retry-After) when none frees up in time.
    pub async fn render_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Error> {
        let wait = std::time::Duration::from_secs(self.settings.server.render_wait_seconds);
        match tokio::time::timeout(wait, self.renders.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(Error::internal("the render semaphore was closed")),
            Err(_) => Err(Error::Busy {
                retry_after_seconds: self.settings.server.render_wait_seconds.max(1),
            }),
        }
    }

    /// Runs blocking database work on the blocking thread pool with a pooled connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|err| Error::internal(format!("blocking task failed: {err}")))?
    }
}
