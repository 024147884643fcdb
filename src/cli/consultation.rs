//! `consultation export`: a consultation's note written to a file.

use super::args::ConsultationCommand;
use super::{describe, read};
use crate::config::Settings;
use crate::service::consultations;

pub(super) fn run(settings: &Settings, command: ConsultationCommand) -> Result<(), String> {
    let ConsultationCommand::Export { code, format, out } = command;
    let bytes = read(settings, |conn| {
        consultations::export_note(conn, &code, format).map_err(describe)
    })?;
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "wrote the note of `{code}` to {} ({} bytes)",
        out.display(),
        bytes.len()
    );
    Ok(())
}
