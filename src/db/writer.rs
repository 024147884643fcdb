//! The one write path. Every change to the database — from the API, the dashboard, the command
//! line or the service's own background work — runs through a [`Writer`]: with SQLite's group
//! commit (when it is on) for ordinary writes, on a connection of its own for long ones. Service
//! functions still own their transactions; the writer decides where and how they run, and is
//! the one place that later work (versioning, the audit chain, the outbox) hooks into.
//!
//! Reads run on connections marked read-only in debug builds ([`reading`]), so a write that
//! bypasses the writer fails in the tests instead of slipping through.

use std::sync::Arc;

use crate::db::group_commit::GroupCommit;
use crate::db::{DbConnection, Pool};
use crate::error::Error;

/// Runs writes; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    pool: Pool,
    /// SQLite's group commit (`database.sqlite_group_commit`); none on PostgreSQL, whose server
    /// groups concurrent commits itself.
    group: Option<Arc<GroupCommit>>,
}

impl Writer {
    /// Writes on `pool`, grouped by `group` when there is one.
    pub fn new(pool: Pool, group: Option<Arc<GroupCommit>>) -> Self {
        Self { pool, group }
    }

    /// Writes straight on `pool`, one at a time: the command line and tests.
    pub fn direct(pool: Pool) -> Self {
        Self { pool, group: None }
    }

    /// Runs an ordinary write: with group commit in the next batch, answered once the batch
    /// is on disk; otherwise on a pooled connection off the async workers. `work` opens its
    /// own transaction as always (inside a batch it becomes a savepoint).
    pub async fn write<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        match &self.group {
            Some(group) => group.write(work).await,
            None => self.write_long(work).await,
        }
    }

    /// Runs a write that takes long (a report, an import) on a connection of its own, so it
    /// does not hold up the other writes of a batch.
    pub async fn write_long<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let writer = self.clone();
        actix_web::web::block(move || writer.write_blocking(work))
            .await
            .map_err(|err| Error::internal(format!("blocking task failed: {err}")))?
    }

    /// Runs a write on this thread: for the command line and background threads.
    pub fn write_blocking<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error>,
    {
        let mut conn = self.pool.get()?;
        writing(&mut conn)?;
        work(&mut conn)
    }
}

/// Marks a connection for writing. Debug builds only: in release it costs nothing.
pub fn writing(conn: &mut DbConnection) -> Result<(), Error> {
    query_only(conn, false)
}

/// Marks a connection for reading only: in debug builds SQLite then refuses any write on it
/// ("attempt to write a readonly database"), which shows a write that bypassed the writer.
pub fn reading(conn: &mut DbConnection) -> Result<(), Error> {
    query_only(conn, true)
}

#[cfg(debug_assertions)]
fn query_only(conn: &mut DbConnection, on: bool) -> Result<(), Error> {
    use diesel::connection::SimpleConnection;
    if let DbConnection::Sqlite(sqlite) = conn {
        let pragma = if on {
            "PRAGMA query_only = 1"
        } else {
            "PRAGMA query_only = 0"
        };
        sqlite.batch_execute(pragma)?;
    }
    Ok(())
}

#[cfg(not(debug_assertions))]
fn query_only(_conn: &mut DbConnection, _on: bool) -> Result<(), Error> {
    Ok(())
}
