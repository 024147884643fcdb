//! `charts`: every chart of a selection written into a directory.

use std::path::Path;

use super::progress::Progress;
use super::{describe, read};
use crate::config::Settings;
use crate::service::charts::{self, ChartQuery};

/// `charts`: every chart of the selection into a directory, with progress on a terminal.
pub(super) fn write(settings: &Settings, out: &Path, query: &ChartQuery) -> Result<(), String> {
    let files = read(settings, |conn| {
        let bar = Progress::new("rendering charts");
        let files = charts::render_all(conn, query, &mut |done, total| {
            bar.count(done as u64, total as u64, "charts", "")
        });
        bar.finish();
        files.map_err(describe)
    })?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for (name, bytes) in &files {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("wrote {} charts to {}", files.len(), out.display());
    Ok(())
}
