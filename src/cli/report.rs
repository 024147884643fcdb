//! `report`: a period's progress report written as files — the published one when there is
//! one, else a new draft (published at once with `--publish`) — or with `--verify` the stored
//! report checked against a rebuild from history.

use std::path::Path;

use super::progress::Progress;
use super::{describe, read, write};
use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::domain::ReportState;
use crate::reports::Format as ReportFormat;
use crate::service::reports::{self, ReportJson};

pub(super) fn run(
    settings: &Settings,
    period: &str,
    format: &str,
    out: &Path,
    publish: bool,
    verify: bool,
) -> Result<(), String> {
    let formats = ReportFormat::parse_list(format).map_err(|e| format!("--format: {e}"))?;
    if verify {
        return read(settings, |conn| verify_period(conn, period));
    }
    // A period without a published report gets a new draft: the command may write.
    let report = write(settings, |conn| {
        let report = published_or_new_draft(conn, period, publish)?;
        write_files(conn, &report, &formats, out)?;
        Ok(report)
    })?;
    println!(
        "as of {} UTC, content hash {}",
        report.as_of.format("%Y-%m-%d %H:%M:%S"),
        report.content_hash
    );
    Ok(())
}

/// The period's stored reports, drafts included.
fn stored(conn: &mut DbConnection, period: &str) -> Result<Vec<ReportJson>, String> {
    reports::list(conn, Some(period), true).map_err(describe)
}

fn published(stored: &[ReportJson]) -> Option<&ReportJson> {
    stored.iter().find(|r| r.state == ReportState::Published)
}

/// `--verify`: the period's published report, else its first stored one, checked.
fn verify_period(conn: &mut DbConnection, period: &str) -> Result<(), String> {
    let stored = stored(conn, period)?;
    let report = published(&stored)
        .or(stored.first())
        .ok_or_else(|| format!("period `{period}` has no report to verify"))?;
    verify_report(conn, report)
}

/// The period's published report (which `--publish` cannot change), else a new draft.
fn published_or_new_draft(
    conn: &mut DbConnection,
    period: &str,
    publish: bool,
) -> Result<ReportJson, String> {
    let stored = stored(conn, period)?;
    match published(&stored) {
        Some(report) if publish => Err(format!(
            "period `{period}` already has a published report ({}); it cannot change",
            report.id
        )),
        Some(report) => {
            println!(
                "period `{period}` is published: writing report {}",
                report.id
            );
            Ok(report.clone())
        }
        None => new_draft(conn, period, publish),
    }
}

/// Checks the stored report in three named steps and says what each found.
fn verify_report(conn: &mut DbConnection, report: &ReportJson) -> Result<(), String> {
    let bar = Progress::new("verifying");
    bar.step(&format!("rebuilding report {} from history", report.id));
    let outcome = reports::verify(conn, report.id);
    bar.clear();
    let outcome = outcome.map_err(describe)?;
    for line in verification_lines(&outcome) {
        println!("{line}");
    }
    if let reports::SnapshotCheck::OtherSchema { stored, .. } = outcome.snapshot {
        return Err(format!(
            "report {} cannot be checked against history by this binary: its snapshot has schema {stored}; use a release that builds that schema",
            report.id
        ));
    }
    if !outcome.nothing_differs() {
        return Err(format!(
            "report {} does not verify: see the checks above",
            report.id
        ));
    }
    println!(
        "report {} ({}) verifies: its files are as stored and history gives the same content",
        report.id, report.content_hash
    );
    Ok(())
}

/// The three checks as the terminal shows them.
pub(crate) fn verification_lines(outcome: &reports::Verification) -> Vec<String> {
    let mut lines = Vec::new();
    let altered: Vec<String> = outcome
        .stored_files
        .iter()
        .filter(|(_, same)| !same)
        .map(|(format, _)| format.to_string())
        .collect();
    lines.push(if altered.is_empty() {
        format!(
            "1. stored files: ok ({} files match their published SHA-256)",
            outcome.stored_files.len()
        )
    } else {
        format!(
            "1. stored files: ALTERED ({} no longer match their published SHA-256)",
            altered.join(", ")
        )
    });
    lines.push(match &outcome.snapshot {
        reports::SnapshotCheck::Same { hash } => {
            format!("2. snapshot from history: ok (the same content, {hash})")
        }
        reports::SnapshotCheck::Differs { stored, rebuilt } => format!(
            "2. snapshot from history: DIFFERS (stored {stored}, history now gives {rebuilt})"
        ),
        reports::SnapshotCheck::OtherSchema { stored, current } => format!(
            "2. snapshot from history: not compared (the stored snapshot has schema {stored}, this binary builds {current})"
        ),
    });
    lines.push(match &outcome.redrawn {
        reports::RedrawCheck::Drawn(files) => {
            let differ: Vec<String> = files
                .iter()
                .filter(|(_, same)| !same)
                .map(|(format, _)| format.to_string())
                .collect();
            if differ.is_empty() {
                format!("3. files drawn again: ok ({} files, byte for byte)", files.len())
            } else {
                format!("3. files drawn again: DIFFER ({})", differ.join(", "))
            }
        }
        reports::RedrawCheck::OtherRenderer { stored, current } => format!(
            "3. files drawn again: not drawn (drawn by renderer {stored}, this binary has {current})"
        ),
        reports::RedrawCheck::Skipped => {
            "3. files drawn again: not drawn (the snapshot differs)".to_string()
        }
    });
    lines
}

/// A new draft of the period, as `POST /api/v1/reports` makes it; published when asked.
fn new_draft(conn: &mut DbConnection, period: &str, publish: bool) -> Result<ReportJson, String> {
    let bar = Progress::new(&format!("report {period}"));
    let draft = reports::generate(
        conn,
        &super::operator(),
        period,
        db::now(),
        &mut |done, total, what| bar.count(done as u64, total as u64, "steps", what),
    );
    bar.finish();
    let mut draft = draft.map_err(describe)?;
    if publish {
        draft = reports::publish(conn, &super::operator(), draft.id, draft.version, db::now())
            .map_err(describe)?;
        println!("published report {} of `{period}`", draft.id);
    } else {
        println!("generated draft report {} of `{period}`", draft.id);
    }
    Ok(draft)
}

/// The report's stored files in `formats`, into `out` (created when missing).
fn write_files(
    conn: &mut DbConnection,
    report: &ReportJson,
    formats: &[ReportFormat],
    out: &Path,
) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for format in formats {
        let (_, name, bytes) =
            reports::file(conn, report.id, format.as_str(), true).map_err(describe)?;
        let path = out.join(&name);
        std::fs::write(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
