//! What every request handler shares: the pool, the settings, metrics.

use std::sync::Arc;

use actix_web::{HttpMessage, HttpRequest, web};

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle;
use crate::config::Settings;
use crate::db::writer::{self, Writer};
use crate::db::{self, DbConnection, Pool};
use crate::error::Error;
use crate::service::cache::{AnswerCache, Freshness, KeyedLocks};
use crate::telemetry::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// Signs and verifies access tokens, with the configured or generated key.
    pub jwt: Arc<JwtKeys>,
    /// Login throttling (its counts live in the database).
    pub throttle: throttle::Rules,
    /// Slots for CPU-heavy renders (charts, exports), so they cannot starve everything else.
    pub renders: Arc<tokio::sync::Semaphore>,
    /// Roll-ups, action lists and charts, keyed by the data version.
    pub cache: Arc<AnswerCache>,
    /// One computation per cache key at a time: the others wait and take its answer.
    pub computing: Arc<KeyedLocks>,
    /// The one write path: every write of every request runs through it.
    pub writer: Writer,
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

    /// Waits up to `server.render_wait_seconds` for the lock of `key` when the cache is on (see
    /// [`KeyedLocks`]); `None` when it is off, for then nothing is gained by waiting. Used by
    /// [`AppState::cached`] and by the charts, which wait for a render slot after it.
    pub async fn computing_lock(
        &self,
        key: &str,
    ) -> Result<Option<tokio::sync::OwnedMutexGuard<()>>, Error> {
        if !self.cache.enabled() {
            return Ok(None);
        }
        let wait = std::time::Duration::from_secs(self.settings.server.render_wait_seconds);
        match tokio::time::timeout(wait, self.computing.lock(key)).await {
            Ok(guard) => Ok(Some(guard)),
            Err(_) => Err(Error::Busy {
                retry_after_seconds: self.settings.server.render_wait_seconds.max(1),
            }),
        }
    }

    /// Runs a read on the blocking thread pool with a pooled connection. Writes go through
    /// [`AppState::write`]: in debug builds the connection refuses them.
    pub async fn read<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            writer::reading(&mut conn)?;
            work(&mut conn)
        })
        .await
        .map_err(|err| Error::internal(format!("blocking task failed: {err}")))?
    }

    /// Runs a write through the one write path ([`Writer::write`]).
    pub async fn write<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        self.writer.write(work).await
    }

    /// Records that a credential was used, through the write path, without making the request
    /// wait for it: a failure is logged and the next request tries again.
    pub fn record_use(&self, touch: Option<crate::auth::Touch>) {
        let Some(touch) = touch else { return };
        let state = self.clone();
        actix_web::rt::spawn(async move {
            if let Err(err) = state
                .write(move |conn| crate::auth::touch(conn, touch))
                .await
            {
                tracing::warn!(error = %err, "could not record the use of a credential");
            }
        });
    }

    /// Runs a long write (a report, an import) through the one write path, on a connection
    /// of its own ([`Writer::write_long`]).
    pub async fn write_long<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        self.writer.write_long(work).await
    }

    /// The answer under `key` for the current data version, computed by `compute` (and kept)
    /// when there is none. `key` must hold everything the answer depends on besides the data
    /// (and, for [`Freshness::Clock`], the time).
    pub async fn cached<F>(
        &self,
        req: &HttpRequest,
        key: String,
        freshness: Freshness,
        compute: F,
    ) -> Result<web::Bytes, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<Vec<u8>, Error> + Send + 'static,
    {
        let cache = self.cache.clone();
        if !cache.enabled() {
            return self
                .read(move |conn| compute(conn).map(web::Bytes::from))
                .await;
        }
        let known = known_version(req);
        if let Some(version) = known
            && let Some(hit) = cache.get(&key, version)
        {
            return Ok(hit);
        }
        // Many requests for one new answer (after a write) wait here; the first computes it,
        // the others take it instead of computing it alongside, each with its own copy of the
        // data (a roll-up of the whole programme reads every action).
        let waiting_since = std::time::Instant::now();
        let _computing = self.computing_lock(&key).await?;
        if let Some(version) = known
            && let Some(hit) = cache.stored_after(&key, version, waiting_since)
        {
            return Ok(hit);
        }
        self.read(move |conn| {
            // Read before computing: the answer holds data at least this new.
            let version = match known {
                Some(version) => version,
                None => {
                    let version = db::data_version(conn)?;
                    if let Some(hit) = cache.get(&key, version) {
                        return Ok(hit);
                    }
                    version
                }
            };
            let body = web::Bytes::from(compute(conn)?);
            cache.put(key, version, freshness, body.clone());
            Ok(body)
        })
        .await
    }

    /// The cached answer under `key` if there is one for the current data version, with that
    /// version; for answers computed in two steps (charts wait for a render slot first).
    pub async fn cache_lookup(
        &self,
        req: &HttpRequest,
        key: String,
    ) -> Result<(i64, Option<web::Bytes>), Error> {
        let cache = self.cache.clone();
        if let Some(version) = known_version(req) {
            return Ok((version, cache.get(&key, version)));
        }
        self.read(move |conn| {
            let version = db::data_version(conn)?;
            Ok((version, cache.get(&key, version)))
        })
        .await
    }
}

/// The data version the route guard read for this request, if it read one.
fn known_version(req: &HttpRequest) -> Option<i64> {
    req.extensions().get::<db::DataVersion>().map(|v| v.0)
}
