//! Test helpers: a fresh database per test on SQLite or PostgreSQL, and the real application
//! started on a free port.

use std::path::{Path, PathBuf};

use diesel::Connection;
use versnelling::config::{Settings, SettingsBuilder, TEST_TOML};
use versnelling::db::{self, DbConnection};

/// The environment variable naming a PostgreSQL server the tests may create databases on,
/// as a URL of a role with CREATEDB, e.g. postgres://versnelling:versnelling@127.0.0.1:5432/postgres
pub const POSTGRES_ENV: &str = "VERSNELLING_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: String,
    pub data_dir: PathBuf,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates an empty database; `None` when PostgreSQL is asked for but not configured
    /// (outside CI only: with CI=true a missing PostgreSQL fails the test).
    pub fn create(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let data_dir = dir.path().join("data");
        match backend {
            Backend::Sqlite => Some(Self {
                url: format!("sqlite://{}", data_dir.join("test.db").display()),
                data_dir,
                _dir: dir,
                postgres: None,
            }),
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let name = format!("vt_{}", random_suffix());
                let mut admin = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|err| {
                    panic!("cannot reach PostgreSQL at {POSTGRES_ENV}: {err}")
                });
                diesel::RunQueryDsl::execute(
                    diesel::sql_query(format!("CREATE DATABASE {name}")),
                    &mut admin,
                )
                .expect("create test database");
                let url = replace_database(&admin_url, &name);
                Some(Self {
                    url,
                    data_dir,
                    _dir: dir,
                    postgres: Some((admin_url, name)),
                })
            }
        }
    }

    pub fn connect(&self) -> DbConnection {
        let settings = self.settings();
        let url = settings.database_url().expect("valid url");
        std::fs::create_dir_all(&self.data_dir).expect("data dir");
        db::ConnectionManager::new(url, &settings.database)
            .establish()
            .expect("connect")
    }

    /// The test settings pointed at this database and a temporary data directory.
    pub fn settings(&self) -> Settings {
        let mut builder = SettingsBuilder::new()
            .and_then(|b| b.add_toml("config/test.toml", TEST_TOML))
            .expect("test settings");
        builder
            .set(&["database".into(), "url".into()], &self.url, "test")
            .expect("url");
        builder
            .set(
                &["data".into(), "dir".into()],
                &self.data_dir.to_string_lossy(),
                "test",
            )
            .expect("data dir");
        builder.build().expect("test settings")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ = diesel::RunQueryDsl::execute(
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                    &mut admin,
                );
            }
        }
    }
}

/// The PostgreSQL admin URL, or `None` with a message when it is not set outside CI.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but {POSTGRES_ENV} is not set: PostgreSQL tests must run in CI");
            }
            eprintln!("skipped: PostgreSQL test; set {POSTGRES_ENV} to run it (see README)");
            None
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

pub fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random");
    hex::encode(bytes)
}

/// Declares a test that runs once on SQLite and once on PostgreSQL:
/// `both_backends!(fn name(db: TestDatabase) { ... });` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(#[$meta:meta])* fn $name:ident($db:ident : TestDatabase) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let $db = $crate::support::TestDatabase::create($crate::support::Backend::Sqlite)
                    .expect("sqlite");
                $body
            }
            #[test]
            fn postgres() {
                let Some($db) =
                    $crate::support::TestDatabase::create($crate::support::Backend::Postgres)
                else {
                    return;
                };
                $body
            }
        }
    };
}
