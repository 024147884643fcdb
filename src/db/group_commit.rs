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
//!
//! Checkpoints (copying the WAL back into the database file, with its own fsync) mostly run on a
//! thread of their own, a passive one every [`CHECKPOINT_EVERY`], which blocks neither readers
//! nor the writer. Under a steady stream of writes a passive checkpoint never catches up with
//! the end of the WAL, and SQLite starts the WAL over only once one has; so the writer keeps an
//! automatic checkpoint of its own, at [`WRITER_CHECKPOINT_PAGES`] (4 × SQLite's default): it
//! finds most pages already copied, and it bounds the WAL (about 16 MB).

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
/// How often the checkpointer copies the WAL back into the database file.
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// WAL pages after which a commit of the writer checkpoints too (SQLite's default is 1,000).
pub const WRITER_CHECKPOINT_PAGES: u32 = 4_000;

pub struct GroupCommit {
    jobs: mpsc::SyncSender<Job>,
    /// Dropped with the group commit, which ends the checkpointer.
    _checkpointer: mpsc::Sender<()>,
}

impl GroupCommit {
    /// Starts the writer thread on `pool`. It ends when the last handle is dropped.
    pub fn start(pool: Pool) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
        std::thread::Builder::new()
            .name("sqlite-group-commit".into())
            .spawn({
                let pool = pool.clone();
                move || writer(pool, queue)
            })?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpointer(pool, stopped))?;
        Ok(Self {
            jobs,
            _checkpointer: stop,
        })
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

/// Runs a passive checkpoint every [`CHECKPOINT_EVERY`] until the group commit is dropped.
fn checkpointer(pool: Pool, stopped: mpsc::Receiver<()>) {
    use diesel::connection::SimpleConnection;
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
        // Only a free connection: a busy pool serves requests first, the next tick tries again.
        let Some(mut conn) = pool.try_get() else {
            continue;
        };
        if let Err(err) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
            tracing::warn!(error = %err, "a WAL checkpoint failed; the next one tries again");
        }
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
    if let Err(err) = crate::db::writer::writing(&mut conn) {
        tracing::error!(error = %err, writes = size, "cannot mark a connection for writing");
        for job in batch {
            job(None)(Ok(()));
        }
        return;
    }
    // The checkpointer thread copies most of the WAL back; this connection's commits only
    // finish the job now and then, which bounds the WAL.
    if let Err(err) = diesel::connection::SimpleConnection::batch_execute(
        &mut *conn,
        &format!("PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}"),
    ) {
        tracing::warn!(error = %err, "cannot set the writer's checkpoint threshold");
    }
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

    /// A pool of `size` connections on a new SQLite file in `dir`.
    fn pool_in(dir: &std::path::Path, size: u32, timeout_seconds: u64) -> Pool {
        let url = DatabaseUrl::Sqlite(dir.join("gc.db"));
        let settings = DatabaseSettings {
            url: Secret::new(url.to_string()),
            pool_size: size,
            connect_timeout_seconds: timeout_seconds,
            sqlite_busy_timeout_ms: 5_000,
            sqlite_synchronous: SqliteSynchronous::Normal,
            sqlite_group_commit: true,
        };
        db::connect(&url, &settings).expect("pool")
    }

    #[test]
    fn a_write_without_a_free_connection_is_answered_unavailable_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pool = pool_in(dir.path(), 1, 1);
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

    #[test]
    fn a_steady_stream_of_writes_keeps_the_wal_bounded_and_every_write() {
        use diesel::RunQueryDsl;
        let dir = tempfile::tempdir().expect("temporary directory");
        let pool = pool_in(dir.path(), 4, 5);
        diesel::sql_query("CREATE TABLE blobs (b BLOB NOT NULL)")
            .execute(&mut pool.get().expect("connection"))
            .expect("table");
        let group = std::sync::Arc::new(GroupCommit::start(pool.clone()).expect("writer"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        // 24,000 rows of 4 kB: about 96 MB through the WAL. Unbounded, the WAL holds all of it;
        // bounded, about 16 MB, more while the writer's checkpoint and the checkpointer's meet
        // (one of them then gives way and the WAL grows until the next one).
        const WRITES: usize = 24_000;
        runtime.block_on(async {
            // A steady stream: 1,000 writes waiting at any time, within the queue's limit.
            let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(1_000));
            let mut tasks = Vec::new();
            for _ in 0..WRITES {
                let group = group.clone();
                let permit = in_flight.clone().acquire_owned().await.expect("permit");
                tasks.push(tokio::spawn(async move {
                    let _permit = permit;
                    group
                        .write(|conn| {
                            Ok(
                                diesel::sql_query("INSERT INTO blobs (b) VALUES (zeroblob(4000))")
                                    .execute(conn)?,
                            )
                        })
                        .await
                }));
            }
            for task in tasks {
                task.await.expect("task").expect("write");
            }
        });
        let wal = std::fs::metadata(dir.path().join("gc.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(
            wal < 48 * 1024 * 1024,
            "the WAL grew to {wal} bytes for 96 MB written"
        );
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows = diesel::sql_query("SELECT COUNT(*) AS n FROM blobs")
            .get_result::<Count>(&mut pool.get().expect("connection"))
            .expect("count");
        assert_eq!(rows.n as usize, WRITES);
    }
}
