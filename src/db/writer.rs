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

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;

    use super::*;
    use crate::config::{DatabaseSettings, Secret, SqliteSynchronous};
    use crate::db::DatabaseUrl;

    fn pool_in(dir: &std::path::Path) -> Pool {
        let url = DatabaseUrl::Sqlite(dir.join("writer.db"));
        let settings = DatabaseSettings {
            url: Secret::new(url.to_string()),
            pool_size: 1,
            connect_timeout_seconds: 5,
            sqlite_busy_timeout_ms: 5_000,
            sqlite_synchronous: SqliteSynchronous::Normal,
            sqlite_group_commit: false,
        };
        crate::db::connect(&url, &settings).expect("pool")
    }

    /// The guard of the one write path: a connection handed out for reading refuses a write,
    /// and the writer takes the same connection back for writing. (Debug builds only: release
    /// builds skip the guard.)
    #[cfg(debug_assertions)]
    #[test]
    fn a_read_connection_refuses_writes_and_the_writer_takes_it_back() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pool = pool_in(dir.path());
        {
            let mut conn = pool.get().expect("connection");
            conn.batch_execute("CREATE TABLE t (x INTEGER)")
                .expect("table");
            reading(&mut conn).expect("mark for reading");
            let refused = conn.batch_execute("INSERT INTO t VALUES (1)");
            assert!(
                refused.is_err(),
                "a write on a read connection went through"
            );
        }
        // The pool has one connection: the writer gets the one just marked for reading.
        let written = Writer::direct(pool.clone())
            .write_blocking(|conn| Ok(conn.batch_execute("INSERT INTO t VALUES (2)")?));
        assert!(written.is_ok(), "{written:?}");
    }
}
