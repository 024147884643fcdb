//! Group commit for SQLite: many acknowledged writes per fsync.
//!
//! With `synchronous = FULL` every SQLite commit waits for the disk (one fsync of the WAL, about
//! a millisecond on this machine), and SQLite has one writer at a time, so writes one by one top
//! out near a thousand per second however many clients wait. Here one writer thread takes every
//! write that is waiting, runs each in its own savepoint inside one transaction, commits once,
//! and only then answers all of them. Nothing changes for a single client (a batch of one is an
//! ordinary transaction), and durability stays FULL: a write is acknowledged only after the
//! commit that holds it is on disk.
//!
//! A write that fails rolls back its own savepoint and gets its own error; the others in the
//! batch go on. If the commit itself fails, every write of the batch gets that error and none is
//! acknowledged. A write that panics aborts its whole batch (its savepoint might be half done),
//! and every write in that batch is answered with an error: nothing unacknowledged is kept, and
//! nothing acknowledged is lost.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use crate::db::{self, DbConnection, Pool};
use crate::error::Error;

/// What a write hands back to be called once its batch's fate is known.
type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A write: run on the batch's connection, or refused (`None`) when there is none.
type Job = Box<dyn FnOnce(Option<&mut DbConnection>) -> Deliver + Send>;

/// The most writes committed together.
pub const MAX_BATCH: usize = 256;
/// Writes that may wait for the writer before new ones are refused as busy.
const QUEUE: usize = 4_096;

pub struct GroupCommit {
    jobs: mpsc::SyncSender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread on `pool`. It ends when the last handle is dropped.
    pub fn start(pool: Pool) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
        std::thread::Builder::new()
            .name("sqlite-group-commit".into())
            .spawn(move || writer(pool, queue))?;
        Ok(Self { jobs })
    }

    /// Runs `work` in the next batch and answers once that batch is committed.
    pub async fn write<T, F>(&self, work: F) -> Result<T, Error>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T, Error>>();
        let job: Job = Box::new(move |conn| {
            let outcome = match conn {
                Some(conn) => db::write_transaction(conn, work),
                None => Err(Error::Unavailable(
                    "no database connection for the write; nothing was changed".into(),
                )),
            };
            Box::new(move |commit: Result<(), String>| {
                let result = match commit {
                    Ok(()) => outcome,
                    Err(message) => Err(Error::internal(message)),
                };
                // The client may have gone; its write is committed all the same.
                let _ = answer.send(result);
            })
        });
        self.jobs.try_send(job).map_err(|err| match err {
            mpsc::TrySendError::Full(_) => Error::Busy {
                retry_after_seconds: 1,
            },
            mpsc::TrySendError::Disconnected(_) => Error::internal("the SQLite writer has stopped"),
        })?;
        answered
            .await
            .map_err(|_| Error::internal("a write's batch was abandoned"))?
    }
}

fn writer(pool: Pool, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&pool, batch);
    }
}

fn run_batch(pool: &Pool, batch: Vec<Job>) {
    let size = batch.len();
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(err) => {
            // None of the writes ran: each is answered "unavailable" (503), not a crash.
            tracing::error!(error = %err, writes = size, "no database connection for a group commit");
            for job in batch {
                job(None)(Ok(()));
            }
            return;
        }
    };
    let mut deliveries: Vec<Deliver> = Vec::with_capacity(size);
    let result = db::write_transaction(&mut conn, |conn| -> Result<(), Error> {
        for job in batch {
            match std::panic::catch_unwind(AssertUnwindSafe(|| job(Some(conn)))) {
                Ok(deliver) => deliveries.push(deliver),
                Err(_) => {
                    return Err(Error::internal(
                        "a write panicked; its batch was rolled back",
                    ));
                }
            }
        }
        Ok(())
    });
    let commit = result.map_err(|err| {
        tracing::error!(error = %err, writes = size, "a group commit failed; none of its writes is acknowledged");
        "the write could not be committed".to_string()
    });
    for deliver in deliveries {
        deliver(commit.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DatabaseSettings, Secret, SqliteSynchronous};
    use crate::db::DatabaseUrl;

    #[test]
    fn a_write_without_a_free_connection_is_answered_unavailable_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = DatabaseUrl::Sqlite(dir.path().join("gc.db"));
        let settings = DatabaseSettings {
            url: Secret::new(url.to_string()),
            pool_size: 1,
            connect_timeout_seconds: 1,
            sqlite_busy_timeout_ms: 1_000,
            sqlite_synchronous: SqliteSynchronous::Full,
            sqlite_group_commit: true,
        };
        let pool = db::connect(&url, &settings).expect("pool");
        let group = GroupCommit::start(pool.clone()).expect("writer");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let create = |conn: &mut DbConnection| -> Result<usize, Error> {
            use diesel::RunQueryDsl;
            Ok(diesel::sql_query("CREATE TABLE t (x INTEGER)").execute(conn)?)
        };
        // The only connection is taken: the writer cannot get one within the timeout.
        let held = pool.get().expect("the one connection");
        let refused = runtime.block_on(group.write(create));
        assert!(matches!(refused, Err(Error::Unavailable(_))), "{refused:?}");
        drop(held);
        // Nothing ran, so the same write now succeeds (the table did not exist).
        runtime
            .block_on(group.write(create))
            .expect("the write once a connection is free");
    }
}
