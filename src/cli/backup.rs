//! `backup` and `restore`: a consistent copy of the database, and putting one back.

use std::path::Path;

use super::{describe, open};
use crate::config::Settings;
use crate::service::backup;

/// `backup`: writes the copy to `out`, which must not exist yet.
pub(super) fn backup(settings: &Settings, out: &Path) -> Result<(), String> {
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let url = settings.database_url().map_err(|e| e.to_string())?;
    let summary = backup::backup(&mut conn, &url, out).map_err(describe)?;
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
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let url = settings.database_url().map_err(|e| e.to_string())?;
    let tables = backup::restore(&mut conn, &url, file).map_err(describe)?;
    println!("restored {tables} tables from {}", file.display());
    Ok(())
}
