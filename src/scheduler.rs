//! Work the service does on a schedule — automatic drafts and the cleanup of expired signing
//! keys now, reminders and the outbox later — run once over all instances on one database.
//!
//! Every instance runs the same loop for every job. Before a run the instance claims the job in
//! the database (table `scheduled_jobs`, one row per job), and only the instance holding the
//! claim runs it:
//! - PostgreSQL: a session advisory lock on the job, taken with `pg_try_advisory_lock` on a
//!   connection of its own (with TCP keepalives) that is held for the whole run. It ends with
//!   that connection, so an instance that dies mid-run frees the job at once (one whose host
//!   vanished, within about a minute).
//! - SQLite: the claim is a lease (`lease_until`) written in a `BEGIN IMMEDIATE` transaction:
//!   SQLite lets one writer in at a time, so two instances cannot both take it. The lease is
//!   extended while the run goes on; an instance that dies mid-run holds the job until its
//!   lease ends.
//!
//! Under the claim the row says when the job last started, over all instances: a job that ran
//! less than its interval ago is not due, so a job runs once per interval however many
//! instances there are. The row also counts the runs and keeps the last error and instance.
//!
//! A later feature adds a job by adding a [`Job`] to [`jobs`]; nothing else needs to know.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::config::DatabaseSettings;
use crate::db::schema::scheduled_jobs as sj;
use crate::db::writer::Writer;
use crate::db::{self, ConnectionManager, DatabaseUrl, DbConnection, Pool};
use crate::error::Error;
use crate::state::AppState;
use futures_util::future::{Either, select};

/// What a run says about itself when it succeeds (logged), or why it failed (logged and kept).
pub type Outcome = Result<String, String>;

/// The work of a job: a future made afresh for every run.
pub type Work = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

/// A job: a name (its row and its lock), how often it runs over all instances, and how long a
/// run may hold the job on SQLite before another instance presumes its instance dead.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
    pub lease: Duration,
    pub work: Work,
}

impl Job {
    pub fn new<F, Fut>(name: &'static str, every: Duration, lease: Duration, work: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        Self {
            name,
            every,
            lease,
            work: Arc::new(move || Box::pin(work())),
        }
    }
}

/// The jobs of this service, as the settings have them.
pub fn jobs(state: &AppState) -> Vec<Job> {
    let mut jobs = Vec::new();
    if state.settings.reports.auto_draft {
        let state = state.clone();
        jobs.push(Job::new(
            "auto-draft",
            Duration::from_secs(state.settings.reports.auto_draft_check_seconds),
            Duration::from_secs(30 * 60),
            move || auto_draft(state.clone()),
        ));
    }
    let keys = state.clone();
    jobs.push(Job::new(
        "expired-signing-keys",
        Duration::from_secs(15 * 60),
        Duration::from_secs(5 * 60),
        move || delete_expired_keys(keys.clone()),
    ));
    jobs
}

/// Generates a draft report for every period whose cut-off has passed and that has none yet,
/// through the render cap: the job `auto-draft`.
async fn auto_draft(state: AppState) -> Outcome {
    let periods = state
        .read(|conn| crate::service::reports::periods_due_for_a_draft(conn, db::now()))
        .await
        .map_err(|err| format!("could not check for periods due a draft: {err}"))?;
    let mut failed = Vec::new();
    let mut made = 0;
    for period in periods {
        let generated = match state.render_slot().await {
            Ok(_slot) => {
                let code = period.clone();
                state
                    .write_long(move |conn| {
                        crate::service::reports::generate(
                            conn,
                            &crate::service::audit::Actor::system("auto-draft"),
                            &code,
                            db::now(),
                            &mut |_, _, _| {},
                        )
                    })
                    .await
            }
            Err(err) => Err(err),
        };
        match generated {
            Ok(report) => {
                made += 1;
                tracing::info!(
                    period,
                    report = report.id.get(),
                    "generated a draft report: the period's cut-off has passed"
                );
            }
            Err(err) => failed.push(format!("{period}: {err}")),
        }
    }
    if failed.is_empty() {
        Ok(format!("{made} draft reports generated"))
    } else {
        Err(format!(
            "{made} draft reports generated; could not generate {}",
            failed.join("; ")
        ))
    }
}

async fn delete_expired_keys(state: AppState) -> Outcome {
    let lifetime = state.jwt.lifetime_seconds();
    let deleted = state
        .write(move |conn| {
            db::write_transaction(conn, |conn| {
                crate::service::signing_keys::delete_expired(conn, db::now(), lifetime)
                    .map_err(Error::from)
            })
        })
        .await
        .map_err(|err| err.to_string())?;
    Ok(format!("{deleted} expired signing keys deleted"))
}

/// What an instance found when it tried to claim a job.
pub enum Claim {
    /// It holds the job: run it, then [`Runner::finish`].
    Run(Held),
    /// The job ran less than its interval ago; it is due at `next`.
    NotDue { next: NaiveDateTime },
    /// Another instance is running it.
    Busy,
}

/// A claimed job. On PostgreSQL it holds the connection with the advisory lock; dropping it
/// closes that connection, which frees the lock even when `finish` never ran.
pub struct Held {
    lock: Option<DbConnection>,
    started_at: NaiveDateTime,
}

/// Claims and runs the jobs of one instance.
#[derive(Clone)]
pub struct Runner {
    pool: Pool,
    url: DatabaseUrl,
    database: DatabaseSettings,
    /// The name this instance writes into `last_instance`: host, process and a random part
    /// (two instances in one process, as in the tests, differ too).
    instance: String,
}

fn lock_key(job: &str) -> String {
    format!("versnelling:job:{job}")
}

impl Runner {
    pub fn new(pool: Pool, url: DatabaseUrl, database: DatabaseSettings) -> Self {
        Self {
            pool,
            url,
            database,
            instance: instance_name(),
        }
    }

    /// The job's row, before anything is locked: a job that is not due (or, on SQLite, that
    /// another instance runs) costs this one read and no connection of its own.
    fn peek(&self, job: &Job, now: NaiveDateTime) -> Result<Option<Claim>, Error> {
        let mut conn = self.pool.get()?;
        crate::db::writer::reading(&mut conn)?;
        let row: Option<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = sj::table
            .find(job.name)
            .select((sj::last_started_at, sj::lease_until))
            .first(&mut conn)
            .optional()?;
        let Some((last_started, lease_until)) = row else {
            return Ok(None);
        };
        decide(job, now, last_started, lease_until, self.leased())
    }

    /// SQLite: runs are claimed by a lease; PostgreSQL: by an advisory lock.
    fn leased(&self) -> bool {
        matches!(self.url, DatabaseUrl::Sqlite(_))
    }

    /// A connection of its own for the advisory lock, which the server drops (and so frees the
    /// lock) within about a minute when the instance's host vanishes: the server's TCP
    /// keepalives and user timeout for this session (by default it would wait two hours).
    fn lock_connection(&self) -> Result<DbConnection, Error> {
        let mut conn = ConnectionManager::new(self.url.clone(), &self.database)
            .establish()
            .map_err(Error::internal)?;
        let DbConnection::Postgresql(pg) = &mut conn else {
            return Err(Error::internal("an advisory lock needs PostgreSQL"));
        };
        diesel::connection::SimpleConnection::batch_execute(
            pg,
            "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; \
             SET tcp_keepalives_count = 3; SET tcp_user_timeout = 60000",
        )?;
        Ok(conn)
    }

    /// Tries to claim `job` at `now`. Blocking: call it off the async workers.
    pub fn claim(&self, job: &Job, now: NaiveDateTime) -> Result<Claim, Error> {
        if let Some(answer) = self.peek(job, now)? {
            return Ok(answer);
        }
        let lock = if self.leased() {
            None
        } else {
            let mut conn = self.lock_connection()?;
            let DbConnection::Postgresql(pg) = &mut conn else {
                return Err(Error::internal("an advisory lock needs PostgreSQL"));
            };
            let taken: Taken =
                diesel::sql_query("SELECT pg_try_advisory_lock(hashtext($1)) AS taken")
                    .bind::<diesel::sql_types::Text, _>(lock_key(job.name))
                    .get_result(pg)?;
            if !taken.taken {
                return Ok(Claim::Busy);
            }
            Some(conn)
        };
        let leased = self.leased();
        let lease = chrono::Duration::from_std(job.lease).map_err(Error::internal)?;
        let claim = Writer::direct(self.pool.clone()).write_blocking(|conn| {
            db::write_transaction(conn, |conn| -> Result<Claim, Error> {
                crate::with_backend!(&mut *conn, |inner| diesel::insert_into(sj::table)
                    .values(sj::name.eq(job.name))
                    .on_conflict(sj::name)
                    .do_nothing()
                    .execute(inner))?;
                let (last_started, lease_until): (Option<NaiveDateTime>, Option<NaiveDateTime>) =
                    sj::table
                        .find(job.name)
                        .select((sj::last_started_at, sj::lease_until))
                        .first(conn)?;
                if let Some(answer) = decide(job, now, last_started, lease_until, leased)? {
                    return Ok(answer);
                }
                diesel::update(sj::table.find(job.name))
                    .set((
                        sj::runs.eq(sj::runs + 1),
                        sj::last_started_at.eq(now),
                        sj::last_instance.eq(&self.instance),
                        sj::lease_until.eq(now + lease),
                    ))
                    .execute(conn)?;
                Ok(Claim::Run(Held {
                    lock: None,
                    started_at: now,
                }))
            })
        })?;
        Ok(match claim {
            Claim::Run(held) => Claim::Run(Held { lock, ..held }),
            other => other,
        })
    }

    /// Extends the lease of a run under way (SQLite), so a run longer than its lease is not
    /// taken for dead. Blocking.
    pub fn renew(&self, job: &Job, started_at: NaiveDateTime) -> Result<(), Error> {
        let lease = chrono::Duration::from_std(job.lease).map_err(Error::internal)?;
        Writer::direct(self.pool.clone()).write_blocking(|conn| {
            db::write_transaction(conn, |conn| -> Result<(), Error> {
                let renewed = diesel::update(sj::table.find(job.name))
                    .filter(sj::last_instance.eq(&self.instance))
                    .filter(sj::last_started_at.eq(started_at))
                    .set(sj::lease_until.eq(db::now() + lease))
                    .execute(conn)?;
                if renewed == 0 {
                    tracing::warn!(
                        job = job.name,
                        "the run lost its lease: another instance may be running the job too"
                    );
                }
                Ok(())
            })
        })
    }

    /// Records how a run ended and gives the job free, trying a few times when the database
    /// is busy (SQLite: a long write holds it). Blocking.
    pub fn finish(&self, job: &Job, held: Held, outcome: &Outcome) -> Result<(), Error> {
        let error = outcome.as_ref().err().map(|err| truncate(err, 2_000));
        let mut recorded = Ok(());
        for attempt in 0..5u32 {
            recorded = Writer::direct(self.pool.clone()).write_blocking(|conn| {
                db::write_transaction(conn, |conn| -> Result<(), Error> {
                    diesel::update(sj::table.find(job.name))
                        .filter(sj::last_instance.eq(&self.instance))
                        .filter(sj::last_started_at.eq(held.started_at))
                        .set((
                            sj::last_finished_at.eq(db::now()),
                            sj::last_error.eq(error.clone()),
                            sj::lease_until.eq(None::<NaiveDateTime>),
                        ))
                        .execute(conn)?;
                    Ok(())
                })
            });
            if recorded.is_ok() || attempt == 4 {
                break;
            }
            std::thread::sleep(Duration::from_millis(200 << attempt));
        }
        if let Some(DbConnection::Postgresql(mut pg)) = held.lock {
            // Closing the connection (at the end of this block) frees the lock as well;
            // unlocking first says so plainly.
            let _ = diesel::sql_query("SELECT pg_advisory_unlock(hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(lock_key(job.name))
                .execute(&mut pg);
        }
        recorded
    }

    /// Runs the work of a claimed job as a task of its own (a panic ends the run, not this
    /// instance's loop), extending its lease a few times per lease while it runs.
    async fn run_held(&self, job: &Job, held: &Held) -> Outcome {
        let mut task = actix_web::rt::spawn((job.work)());
        let renew_every = (job.lease / 3).max(Duration::from_millis(100));
        loop {
            let tick = Box::pin(actix_web::rt::time::sleep(renew_every));
            match select(&mut task, tick).await {
                Either::Left((joined, _)) => {
                    return joined.unwrap_or_else(|err| Err(format!("the run stopped: {err}")));
                }
                Either::Right(_) => {
                    let runner = self.clone();
                    let (renewing, started_at) = (job.clone(), held.started_at);
                    let renewed =
                        actix_web::web::block(move || runner.renew(&renewing, started_at)).await;
                    if !matches!(renewed, Ok(Ok(()))) {
                        tracing::warn!(job = job.name, "could not extend the lease of a run");
                    }
                }
            }
        }
    }

    /// Claims `job` and runs it when this instance got it. Answers how long to wait before
    /// trying again.
    pub async fn run_once(&self, job: &Job) -> Duration {
        let every = job.every;
        let runner = self.clone();
        let claiming = job.clone();
        let claim = actix_web::web::block(move || runner.claim(&claiming, db::now())).await;
        let claim = match claim {
            Ok(Ok(claim)) => claim,
            Ok(Err(err)) => return self.retry_after_error(job, &err.to_string()),
            Err(err) => return self.retry_after_error(job, &err.to_string()),
        };
        match claim {
            Claim::Run(held) => {
                let outcome = if held.lock.is_some() {
                    // PostgreSQL: the lock holds for as long as the run takes.
                    actix_web::rt::spawn((job.work)())
                        .await
                        .unwrap_or_else(|err| Err(format!("the run stopped: {err}")))
                } else {
                    self.run_held(job, &held).await
                };
                match &outcome {
                    Ok(said) => tracing::info!(job = job.name, instance = %self.instance, "{said}"),
                    Err(err) => {
                        tracing::warn!(job = job.name, instance = %self.instance, error = %err, "the job failed")
                    }
                }
                let runner = self.clone();
                let finishing = job.clone();
                let finished =
                    actix_web::web::block(move || runner.finish(&finishing, held, &outcome)).await;
                match finished {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => {
                        tracing::warn!(job = job.name, error = %err, "could not record the end of a run")
                    }
                    Err(err) => {
                        tracing::warn!(job = job.name, error = %err, "could not record the end of a run")
                    }
                }
                every
            }
            Claim::NotDue { next } => (next - db::now()).to_std().unwrap_or(Duration::ZERO).clamp(
                Duration::from_millis(100),
                every.max(Duration::from_millis(100)),
            ),
            // The instance running it started it just now or earlier: it is due again an
            // interval after that at the earliest.
            Claim::Busy => every,
        }
    }

    fn retry_after_error(&self, job: &Job, err: &str) -> Duration {
        tracing::warn!(job = job.name, error = %err, "could not claim the job");
        job.every.min(Duration::from_secs(30))
    }

    /// Runs every job on its own loop until the process ends: the first try at once.
    pub fn start(self, jobs: Vec<Job>) {
        for job in jobs {
            let runner = self.clone();
            actix_web::rt::spawn(async move {
                loop {
                    let wait = runner.run_once(&job).await;
                    // (Never a busy loop, whatever a job's interval.)
                    actix_web::rt::time::sleep(wait.max(Duration::from_millis(100))).await;
                }
            });
        }
    }
}

/// Whether a job whose row says this may be claimed at `now`: `None` when it may, else why
/// not.
fn decide(
    job: &Job,
    now: NaiveDateTime,
    last_started: Option<NaiveDateTime>,
    lease_until: Option<NaiveDateTime>,
    leased: bool,
) -> Result<Option<Claim>, Error> {
    if leased && lease_until.is_some_and(|until| until > now) {
        return Ok(Some(Claim::Busy));
    }
    let every = chrono::Duration::from_std(job.every).map_err(Error::internal)?;
    match last_started.and_then(|at| at.checked_add_signed(every)) {
        Some(next) if next > now => Ok(Some(Claim::NotDue { next })),
        _ => Ok(None),
    }
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    taken: bool,
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|host| host.trim().to_string())
        .filter(|host| !host.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    let mut random = [0u8; 3];
    let suffix = getrandom::fill(&mut random)
        .map(|()| hex::encode(random))
        .unwrap_or_default();
    format!("{host}:{}:{suffix}", std::process::id())
}
