//! Backup and restore, online and consistent.
//!
//! - SQLite: `VACUUM INTO` writes a consistent copy while the service runs; restoring attaches
//!   the copy and replaces every table's rows in one write transaction (other writers wait), so
//!   it too works while the service runs.
//! - PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`
//!   (PostgreSQL's client tools must be installed, in a version not older than the server).
//!
//! A backup is checked before it counts: SQLite's integrity check and the migration versions
//! must match this program's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, SqliteConnection};
use sha2::{Digest, Sha256};

use crate::db::{self, DatabaseUrl, DbConnection, schema_gen};
use crate::error::{Error, Result};
use crate::i18n::Msg;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub tables: usize,
}

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct DigestRow {
    #[diesel(sql_type = BigInt)]
    rows: i64,
    #[diesel(sql_type = Text)]
    content: String,
}

/// An error of reading or writing `path`, for the operator.
fn io(path: &Path, writing: bool) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.display().to_string();
    move |err| {
        let detail = err.to_string();
        Error::BadRequest(if writing {
            Msg::CannotWrite { path, detail }
        } else {
            Msg::CannotRead { path, detail }
        })
    }
}

/// Tables of the running service, not of its content; a backup leaves their rows out and a
/// restore leaves them as they are:
/// - `data_version`, the counter caches are keyed by: a restore must raise it (so no cache
///   anywhere keeps answers of the replaced data), never set it back to the backup's value;
/// - `signing_keys`: a backup holds no key that could sign a token, and a restore never brings
///   back a key that was rotated away (after a leak, say); the instances keep signing with
///   theirs;
/// - `scheduled_jobs`: when the scheduled work last ran, on this database.
pub const SERVICE_TABLES: [&str; 3] = ["data_version", "signing_keys", "scheduled_jobs"];

/// The tables that hold data: all but the [`SERVICE_TABLES`].
fn data_tables(conn: &mut DbConnection) -> Result<Vec<schema_gen::TableInfo>> {
    Ok(schema_gen::introspect(conn)
        .map_err(Error::internal)?
        .into_iter()
        .filter(|table| !SERVICE_TABLES.contains(&table.name.as_str()))
        .collect())
}

/// Takes the signing keys out of a fresh SQLite copy, overwriting their bytes with zeros
/// (secure_delete), and leaves the job history out too.
fn strip_service_state(file: &Path) -> Result<()> {
    let mut copy = SqliteConnection::establish(&file.to_string_lossy()).map_err(Error::internal)?;
    diesel::sql_query("PRAGMA secure_delete = ON").execute(&mut copy)?;
    diesel::sql_query("DELETE FROM signing_keys").execute(&mut copy)?;
    diesel::sql_query("DELETE FROM scheduled_jobs").execute(&mut copy)?;
    // (secure_delete has overwritten the deleted rows with zeros: no VACUUM, which would need
    // as much temporary space as the database.)
    Ok(())
}

/// Creates `path` empty, readable by this user only (a backup holds password hashes).
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop).map_err(io(path, true))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The migration versions a database has run.
fn migrations_of(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(diesel::sql_query(
        "SELECT version AS value FROM __diesel_schema_migrations ORDER BY version",
    )
    .load::<TextRow>(conn)?
    .into_iter()
    .map(|r| r.value)
    .collect())
}

/// Opens a SQLite file and checks it is a sound database of this program's schema version.
fn check_sqlite_file(file: &Path, expected_migrations: &[String]) -> Result<()> {
    if !file.is_file() {
        return Err(Error::BadRequest(Msg::NotAFile {
            path: file.display().to_string(),
        }));
    }
    let mut copy = SqliteConnection::establish(&file.to_string_lossy()).map_err(|err| {
        Error::BadRequest(Msg::NotSqlite {
            path: file.display().to_string(),
            detail: err.to_string(),
        })
    })?;
    let integrity: Vec<TextRow> =
        diesel::sql_query("SELECT integrity_check AS value FROM pragma_integrity_check()")
            .load(&mut copy)
            .map_err(|err| {
                Error::BadRequest(Msg::NotSqlite {
                    path: file.display().to_string(),
                    detail: db::one_line(&err.to_string()),
                })
            })?;
    if integrity.len() != 1 || integrity[0].value != "ok" {
        return Err(Error::BadRequest(Msg::IntegrityCheckFailed {
            path: file.display().to_string(),
        }));
    }
    let versions = migrations_of(&mut copy).map_err(|_| {
        Error::BadRequest(Msg::NotOurDatabase {
            path: file.display().to_string(),
        })
    })?;
    if versions != expected_migrations {
        let last = |versions: &[String]| versions.last().cloned().unwrap_or_else(|| "none".into());
        return Err(Error::BadRequest(Msg::SchemaVersionDiffers {
            path: file.display().to_string(),
            theirs: last(&versions),
            ours: last(expected_migrations),
        }));
    }
    Ok(())
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    output_of(command, what).map(drop)
}

/// What a PostgreSQL client tool wrote to its standard output, or why it failed.
fn output_of(command: &mut Command, what: &str) -> Result<String> {
    let program = command.get_program().to_string_lossy().to_string();
    let output = command.output().map_err(|err| {
        Error::Unavailable(format!(
            "cannot run {program} ({what}): {err}; install PostgreSQL's client tools"
        ))
    })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(Error::BadRequest(Msg::ToolFailed {
            program: format!("{program} ({what})"),
            detail: db::one_line(&String::from_utf8_lossy(&output.stderr)),
        }))
    }
}

/// Writes a consistent copy of the database to `out` (not overwriting an existing file).
pub fn backup(conn: &mut DbConnection, url: &DatabaseUrl, out: &Path) -> Result<BackupSummary> {
    if out.exists() {
        return Err(Error::Conflict {
            message: Msg::FileExists {
                path: out.display().to_string(),
            },
            field: None,
        });
    }
    let partial = out.with_extension("part");
    let _ = std::fs::remove_file(&partial);
    // Made empty with mode 0600 first: VACUUM INTO and pg_dump write into it and keep its mode.
    create_private(&partial)?;
    let written = write_backup(conn, url, &partial);
    if written.is_err() {
        // (it may hold a key before the copy was stripped)
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    std::fs::rename(&partial, out).map_err(io(out, true))?;
    let bytes = std::fs::metadata(out).map_err(io(out, false))?.len();
    let tables = data_tables(conn)?.len();
    Ok(BackupSummary {
        path: out.to_path_buf(),
        bytes,
        tables,
    })
}

fn write_backup(conn: &mut DbConnection, url: &DatabaseUrl, partial: &Path) -> Result<()> {
    match (url, &mut *conn) {
        (DatabaseUrl::Sqlite(_), DbConnection::Sqlite(inner)) => {
            diesel::sql_query("VACUUM INTO ?")
                .bind::<Text, _>(partial.to_string_lossy().to_string())
                .execute(inner)?;
            strip_service_state(partial)?;
            let expected = migrations_of(inner)?;
            check_sqlite_file(partial, &expected)?;
        }
        (DatabaseUrl::Postgres(url), DbConnection::Postgresql(_)) => {
            run(
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--no-privileges"])
                    .args(
                        SERVICE_TABLES[1..]
                            .iter()
                            .map(|t| format!("--exclude-table-data={t}")),
                    )
                    .arg("--file")
                    .arg(partial)
                    .arg(url),
                "backup",
            )?;
        }
        _ => {
            return Err(Error::internal(
                "the connection does not match the database URL",
            ));
        }
    }
    Ok(())
}

/// The migrations applied to this PostgreSQL database, in order.
fn postgres_migrations(conn: &mut DbConnection) -> Result<Vec<String>> {
    let rows: Vec<TextRow> = diesel::sql_query(
        "SELECT version AS value FROM __diesel_schema_migrations ORDER BY version",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

/// The migrations a pg_dump archive was taken at, in order: its rows of
/// `__diesel_schema_migrations`, as pg_restore would copy them.
fn archive_migrations(file: &Path) -> Result<Vec<String>> {
    let text = output_of(
        Command::new("pg_restore")
            .args([
                "--data-only",
                "--table=__diesel_schema_migrations",
                "--file",
                "-",
            ])
            .arg(file),
        "restore",
    )?;
    let mut versions: Vec<String> = text
        .lines()
        .skip_while(|line| !line.starts_with("COPY "))
        .skip(1)
        .take_while(|line| *line != "\\.")
        .filter_map(|line| line.split('\t').next().map(str::to_string))
        .collect();
    versions.sort();
    if versions.is_empty() {
        return Err(Error::BadRequest(Msg::NotOurDatabase {
            path: file.display().to_string(),
        }));
    }
    Ok(versions)
}

/// What pg_restore is to restore of a backup: everything but the service tables (their
/// table, data, keys and indexes stay as they are in this database).
fn restore_list(file: &Path) -> Result<tempfile::NamedTempFile> {
    let listed = output_of(
        Command::new("pg_restore").arg("--list").arg(file),
        "restore",
    )?;
    // A line is `ID; OIDS TYPE SCHEMA [TABLE] NAME OWNER`: the service tables' own objects are
    // named exactly, and the owner (the last word) is never taken for a name.
    let service_objects = [
        "signing_keys",
        "signing_keys_pkey",
        "signing_keys_one_current",
        "scheduled_jobs",
        "scheduled_jobs_pkey",
    ];
    let kept: String = listed
        .lines()
        .filter(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            line.starts_with(';')
                || !words[..words.len().saturating_sub(1)]
                    .iter()
                    .any(|word| service_objects.contains(word))
        })
        .map(|line| format!("{line}\n"))
        .collect();
    // (a file of this user only, removed when dropped)
    let mut list = tempfile::NamedTempFile::new().map_err(Error::internal)?;
    std::io::Write::write_all(&mut list, kept.as_bytes()).map_err(Error::internal)?;
    Ok(list)
}

/// Replaces the database's content with a backup's.
pub fn restore(conn: &mut DbConnection, url: &DatabaseUrl, file: &Path) -> Result<usize> {
    match (url, &mut *conn) {
        (DatabaseUrl::Sqlite(_), DbConnection::Sqlite(inner)) => {
            let expected = migrations_of(inner)?;
            check_sqlite_file(file, &expected)?;
        }
        (DatabaseUrl::Postgres(url), DbConnection::Postgresql(_)) => {
            if !file.is_file() {
                return Err(Error::BadRequest(Msg::NotAFile {
                    path: file.display().to_string(),
                }));
            }
            let ours = postgres_migrations(conn)?;
            let theirs = archive_migrations(file)?;
            if theirs != ours {
                let last =
                    |versions: &[String]| versions.last().cloned().unwrap_or_else(|| "none".into());
                return Err(Error::BadRequest(Msg::SchemaVersionDiffers {
                    path: file.display().to_string(),
                    theirs: last(&theirs),
                    ours: last(&ours),
                }));
            }
            let version_before = db::data_version(conn)?;
            let list = restore_list(file)?;
            run(
                Command::new("pg_restore")
                    .args([
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--no-privileges",
                        "--single-transaction",
                        "--use-list",
                    ])
                    .arg(list.path())
                    .arg("--dbname")
                    .arg(url)
                    .arg(file),
                "restore",
            )?;
            // pg_restore put back the backup's data_version: lift it above every version
            // this database had, so no instance's cache serves answers of the replaced data.
            diesel::sql_query("UPDATE data_version SET n = n + $1 WHERE shard = 0")
                .bind::<BigInt, _>(version_before + 1)
                .execute(conn)?;
            return Ok(data_tables(conn)?.len());
        }
        _ => {
            return Err(Error::internal(
                "the connection does not match the database URL",
            ));
        }
    }
    // data_version is not copied: the triggers raise it with every row replaced.
    let tables = data_tables(conn)?;
    // ATTACH cannot run inside a transaction; the copy itself is one write transaction.
    diesel::sql_query("ATTACH DATABASE ? AS restore_source")
        .bind::<Text, _>(file.to_string_lossy().to_string())
        .execute(conn)?;
    let copied = db::write_transaction(conn, |conn| -> Result<usize> {
        diesel::sql_query("PRAGMA defer_foreign_keys = ON").execute(conn)?;
        for table in &tables {
            diesel::sql_query(format!("DELETE FROM main.{}", quote_ident(&table.name)))
                .execute(conn)?;
        }
        for table in &tables {
            let columns = table
                .columns
                .iter()
                .map(|c| quote_ident(&c.name))
                .collect::<Vec<_>>()
                .join(", ");
            diesel::sql_query(format!(
                "INSERT INTO main.{t} ({columns}) SELECT {columns} FROM restore_source.{t}",
                t = quote_ident(&table.name)
            ))
            .execute(conn)?;
        }
        Ok(tables.len())
    });
    let detached = diesel::sql_query("DETACH DATABASE restore_source").execute(conn);
    let count = copied?;
    detached?;
    Ok(count)
}

/// A digest of every table's rows (count and SHA-256 of the rows in key order), to compare two
/// databases: after a restore it must equal the digest taken when the backup was made.
pub fn digest(conn: &mut DbConnection) -> Result<BTreeMap<String, (i64, String)>> {
    let tables = data_tables(conn)?;
    let mut out = BTreeMap::new();
    for table in tables {
        let order = if table.primary_key.is_empty() {
            "1".to_string()
        } else {
            table
                .primary_key
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let name = quote_ident(&table.name);
        let sql = match conn {
            DbConnection::Sqlite(_) => {
                let row = table
                    .columns
                    .iter()
                    .map(|c| format!("quote({})", quote_ident(&c.name)))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                format!(
                    "SELECT count(*) AS rows, coalesce(group_concat(r, char(10)), '') AS content \
                     FROM (SELECT {row} AS r FROM {name} ORDER BY {order})"
                )
            }
            DbConnection::Postgresql(_) => format!(
                "SELECT count(*)::bigint AS rows, coalesce(string_agg(row_to_json(t)::text, E'\\n' ORDER BY {order}), '') AS content \
                 FROM {name} t"
            ),
        };
        let row: DigestRow = diesel::sql_query(sql).get_result(conn)?;
        out.insert(
            table.name,
            (
                row.rows,
                hex::encode(Sha256::digest(row.content.as_bytes())),
            ),
        );
    }
    Ok(out)
}
