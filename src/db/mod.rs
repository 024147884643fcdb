//! The database layer: one connection type for SQLite and PostgreSQL, the pool, migrations and
//! transactions. Nothing here knows HTTP.

pub mod group_commit;
pub mod models;
pub mod schema;
pub mod schema_gen;
pub mod versions;
pub mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{
    AnsiTransactionManager, Connection, SimpleConnection, TransactionManager,
};
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{DatabaseSettings, SqliteSynchronous};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection type for both backends. SQLite comes last: diesel tries variants in order and
/// SQLite accepts any string as a path (we pick the variant from the URL scheme ourselves anyway).
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Runs the same diesel code on whichever backend `conn` holds; for what the shared connection
/// cannot express (upserts, multi-row inserts).
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$inner:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($inner) => $body,
            $crate::db::DbConnection::Sqlite($inner) => $body,
        }
    };
}

/// Which backend a URL names.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` and `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "sqlite:// needs a file path, e.g. sqlite://data/versnelling.db".into(),
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        let scheme = url
            .split_once("://")
            .map(|(scheme, _)| scheme)
            .unwrap_or("");
        if scheme.is_empty() {
            Err("is not a URL: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE".into())
        } else {
            Err(format!(
                "unknown database URL scheme `{scheme}`: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE"
            ))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Shows the URL without its password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => {
                let rest = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
                match rest.rsplit_once('@') {
                    Some((credentials, host)) => {
                        let user = credentials.split(':').next().unwrap_or("");
                        write!(f, "postgres://{user}:***@{host}")
                    }
                    None => write!(f, "postgres://{rest}"),
                }
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Opens connections for the pool and sets each one up (SQLite pragmas, PostgreSQL timeout).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    connect_timeout_seconds: u64,
    busy_timeout_ms: u32,
    synchronous: SqliteSynchronous,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl, settings: &DatabaseSettings) -> Self {
        Self {
            url,
            connect_timeout_seconds: settings.connect_timeout_seconds,
            busy_timeout_ms: settings.sqlite_busy_timeout_ms,
            synchronous: settings.sqlite_synchronous,
        }
    }

    pub fn establish(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                let synchronous = match self.synchronous {
                    SqliteSynchronous::Full => "FULL",
                    SqliteSynchronous::Normal => "NORMAL",
                };
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;",
                    self.busy_timeout_ms
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let url = if url.contains("connect_timeout=") {
                    url.clone()
                } else {
                    let separator = if url.contains('?') { '&' } else { '?' };
                    format!(
                        "{url}{separator}connect_timeout={}",
                        self.connect_timeout_seconds
                    )
                };
                let mut conn = PgConnection::establish(&url)?;
                conn.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgresql(conn))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.establish().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        with_backend!(conn, |inner| inner.ping()).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        with_backend!(conn, |inner| inner.is_broken())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {url}: {message}")]
    Connect { url: String, message: String },
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    #[error("cannot build the connection pool: {0}")]
    Pool(String),
}

/// Connects once directly (so a bad URL or an unreachable server is reported as it is), then
/// builds the pool.
pub fn connect(url: &DatabaseUrl, settings: &DatabaseSettings) -> Result<Pool, DbSetupError> {
    if let DatabaseUrl::Sqlite(path) = url {
        ensure_parent_dir(path)?;
    }
    let manager = ConnectionManager::new(url.clone(), settings);
    manager.establish().map_err(|err| DbSetupError::Connect {
        url: url.to_string(),
        message: one_line(&err.to_string()),
    })?;
    if let DatabaseUrl::Sqlite(path) = url {
        keep_private(path);
    }
    r2d2::Pool::builder()
        .max_size(settings.pool_size)
        // A file cannot go away under an open SQLite connection, so checking it before every
        // use (a statement per checkout) buys nothing; a PostgreSQL connection is checked,
        // since the server may have closed it, and diesel does not notice a dead connection
        // (it would stay in the pool, failing every request that gets it).
        .test_on_check_out(matches!(url, DatabaseUrl::Postgres(_)))
        .connection_timeout(Duration::from_secs(settings.connect_timeout_seconds))
        .build(manager)
        .map_err(|err| DbSetupError::Pool(one_line(&err.to_string())))
}

/// Makes a SQLite database file (and its `-wal` and `-shm` files) readable and writable by
/// this user only: it holds password hashes and the signing keys. Unix only; a file that
/// cannot be changed is logged, not refused.
fn keep_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let file = PathBuf::from(file);
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            if meta.permissions().mode() & 0o077 == 0 {
                continue;
            }
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Ok(()) => {
                    tracing::info!(path = %file.display(), "made the database file private (0600)")
                }
                Err(err) => {
                    tracing::warn!(path = %file.display(), error = %err, "others may read the database file")
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn ensure_parent_dir(path: &Path) -> Result<(), DbSetupError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            std::fs::create_dir_all(parent).map_err(|source| DbSetupError::Directory {
                path: parent.to_path_buf(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// libpq's messages run over several lines; our errors are one line each.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Applies every pending migration of the connection's backend, then the data migrations they
/// left to do (`versions::complete_data_migrations`); returns how many schema migrations ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, DbSetupError> {
    let applied = match conn {
        DbConnection::Sqlite(inner) => inner
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
        DbConnection::Postgresql(inner) => inner
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    let applied = applied.map_err(|err| DbSetupError::Migrate(one_line(&err.to_string())))?;
    let data = versions::complete_data_migrations(conn)
        .map_err(|err| DbSetupError::Migrate(one_line(&err.to_string())))?;
    if !data.is_empty() {
        tracing::info!(data_migrations = ?data, "data migrated");
    }
    Ok(applied)
}

/// Reverts every migration (used by tests that check each `down.sql` reverses its `up.sql`).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<usize, DbSetupError> {
    let reverted = match conn {
        DbConnection::Sqlite(inner) => inner
            .revert_all_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
        DbConnection::Postgresql(inner) => inner
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    reverted.map_err(|err| DbSetupError::Migrate(one_line(&err.to_string())))
}

/// Reverts the newest migration (used by tests of a migration that fills in data).
pub fn revert_last_migration(conn: &mut DbConnection) -> Result<(), DbSetupError> {
    let reverted = match conn {
        DbConnection::Sqlite(inner) => inner.revert_last_migration(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Postgresql(inner) => {
            inner.revert_last_migration(POSTGRES_MIGRATIONS).map(|_| ())
        }
    };
    reverted.map_err(|err| DbSetupError::Migrate(one_line(&err.to_string())))
}

type MultiTransactionManager = <DbConnection as Connection>::TransactionManager;

/// Runs `f` in a transaction meant for writing. On SQLite it takes the write lock at the start
/// (`BEGIN IMMEDIATE`), so two writers queue on busy_timeout instead of one failing half-way
/// when it upgrades a read lock. Inside another transaction it becomes a savepoint, so service
/// functions compose (an import creates many actions in one transaction).
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth = with_backend!(&mut *conn, |inner| {
        AnsiTransactionManager::transaction_manager_status_mut(inner).transaction_depth()
    })?;
    if depth.is_some() {
        return conn.transaction(f);
    }
    match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgresql(inner) => AnsiTransactionManager::begin_transaction(inner)?,
    }
    match f(conn) {
        Ok(value) => {
            MultiTransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => match MultiTransactionManager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(err),
            Err(rollback_error) => Err(rollback_error.into()),
        },
    }
}

/// Takes a named lock until the transaction ends: on PostgreSQL a transaction-scoped advisory
/// lock on the name, so two writers that must not interleave (two instances making the first
/// signing key, a refresh racing a revocation) wait for each other. SQLite needs nothing:
/// `BEGIN IMMEDIATE` already keeps every other writer out.
pub fn lock_named(conn: &mut DbConnection, name: &str) -> diesel::QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(name)
            .execute(pg)?;
    }
    Ok(())
}

/// Locks the rows of `table` with these ids until the transaction ends (PostgreSQL: `SELECT …
/// FOR UPDATE`, in id order so two lockers cannot deadlock), so a read-then-write based on them
/// cannot race another writer. SQLite needs nothing: `BEGIN IMMEDIATE` already keeps every
/// other writer out.
pub fn lock_rows(
    conn: &mut DbConnection,
    table: &'static str,
    ids: &[i64],
) -> diesel::QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query(format!(
            "SELECT id FROM {table} WHERE id = ANY($1) ORDER BY id FOR UPDATE"
        ))
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
        .execute(pg)?;
    }
    Ok(())
}

/// The current time as stored: UTC, naive, microsecond precision (what PostgreSQL keeps), so
/// a value read back equals the value written.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// The version of the tracked data: it grows with every committed change to a table that
/// cached answers read (triggers of migration `2026-12-01-000009_data_version` raise it in the
/// writing transaction), by this process, another instance on the same database, the CLI or
/// plain SQL. Caches (`service::cache`) key their entries by it.
/// The data version as the route guard read it while authenticating a request, kept in the
/// request's extensions: a cached answer for it is served without another trip to the database.
/// Read before the handler computes anything, so an answer computed afterwards holds data at
/// least that new, and a write the caller made before this request is already counted in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataVersion(pub i64);

diesel::table! {
    /// The view `data_version_total` (migration `2026-12-02-000010`): the shards' sum. Views
    /// are not in `schema.rs`, which lists tables only.
    data_version_total (n) {
        n -> BigInt,
    }
}

diesel::table! {
    /// The view `users_with_data_version`: each user's row as the route guard reads it, with
    /// the data version, so one statement answers both.
    users_with_data_version (id) {
        id -> BigInt,
        username -> Text,
        role -> Text,
        ministry_id -> Nullable<BigInt>,
        municipality_id -> Nullable<BigInt>,
        disabled -> Bool,
        auth_epoch -> BigInt,
        data_version -> BigInt,
    }
}

mod version_joins {
    use super::schema::revoked_access_tokens;
    use super::users_with_data_version;
    diesel::allow_tables_to_appear_in_same_query!(users_with_data_version, revoked_access_tokens);
}

pub fn data_version(conn: &mut DbConnection) -> diesel::QueryResult<i64> {
    use diesel::prelude::*;
    data_version_total::table
        .select(data_version_total::n)
        .get_result(conn)
}

/// A boxed SQL fragment with one bound moment in the middle: `HEAD ? TAIL`. The as-of reads
/// use it for correlated subqueries diesel's DSL cannot express ("the latest row before").
pub fn sql_at<QS, ST>(
    head: &str,
    before: NaiveDateTime,
    tail: &str,
) -> Box<dyn diesel::BoxableExpression<QS, MultiBackend, SqlType = ST>>
where
    ST: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType + Send + 'static,
{
    Box::new(
        diesel::dsl::sql::<ST>(head)
            .bind::<diesel::sql_types::Timestamp, _>(before)
            .sql(tail),
    )
}

/// Checks that the database answers.
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("data/x.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("/tmp/x.db"))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/d").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(
            DatabaseUrl::parse("mysql://h/d")
                .unwrap_err()
                .contains("`mysql`")
        );
        assert!(DatabaseUrl::parse("data/x.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn a_displayed_url_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://app:hunter2@db.example:5432/vm").unwrap();
        assert_eq!(url.to_string(), "postgres://app:***@db.example:5432/vm");
    }
}
