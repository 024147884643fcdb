//! `backup` and `restore`: a consistent copy of the database, and putting one back.

use std::path::Path;

use super::{describe, write};
use crate::config::Settings;
use crate::service::backup;

/// `backup`: writes the copy to `out`, which must not exist yet. It changes nothing in the
/// database, yet runs on the write path: SQLite's `VACUUM INTO` writes the copy through the
/// connection, which a connection marked for reading (`PRAGMA query_only`) refuses.
pub(super) fn backup(settings: &Settings, out: &Path) -> Result<(), String> {
    let summary = write(settings, |conn| {
        let url = settings.database_url().map_err(|e| e.to_string())?;
        backup::backup(conn, &url, out).map_err(describe)
    })?;
    println!(
        "backed up {} tables to {} ({} bytes)",
        summary.tables,
        summary.path.display(),
        summary.bytes
    );
    Ok(())
}

/// `restore`: replaces the database's content with the backup in `file`.
pub(super) fn restore(settings: &Settings, file: &Path) -> Result<(), String> {
    let tables = write(settings, |conn| {
        let url = settings.database_url().map_err(|e| e.to_string())?;
        backup::restore(conn, &url, file).map_err(describe)
    })?;
    println!("restored {tables} tables from {}", file.display());
    Ok(())
}
