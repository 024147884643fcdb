//! `import actions` and `export actions`: the actions from and to a spreadsheet (or JSON).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::args::{ExportCommand, ImportCommand};
use super::progress::Progress;
use super::{describe, read, write};
use crate::auth::policy::{self, Operation, Owner};
use crate::auth::{self, AuthUser, Credential};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::domain::Lang;
use crate::service::actions::ActionFilter;
use crate::service::audit::Actor;
use crate::service::spreadsheet::{self, ExportFormat, ImportReport, RowProblem};
use crate::service::users;

pub(super) fn import(settings: &Settings, command: ImportCommand) -> Result<(), String> {
    let ImportCommand::Actions {
        file,
        dry_run,
        as_user,
    } = command;
    import_actions(settings, &file, dry_run, as_user.as_deref())
}

/// `import actions`: the whole file or nothing, with a report of every bad row.
fn import_actions(
    settings: &Settings,
    file: &Path,
    dry_run: bool,
    as_user: Option<&str>,
) -> Result<(), String> {
    let data = read_import_file(file)?;
    // A dry run too: it checks every row by writing it in a transaction it rolls back.
    let report = write(settings, |conn| {
        let (actor, user) = importer(conn, as_user)?;
        // Acting as a user, the import may do what that user may do through the API; the
        // operator at the console on their own may create any action.
        let authorize = |owner: Owner| match &user {
            Some(user) => policy::authorize_object(user, Operation::WriteAction, owner),
            None => Ok(()),
        };
        let bar = Progress::new("checking rows");
        let mut progress =
            |done: usize, total: usize| bar.count(done as u64, total as u64, "rows", "");
        let outcome =
            spreadsheet::import_actions(conn, &data, dry_run, &actor, &authorize, &mut progress);
        bar.clear();
        outcome.map_err(|e| format!("{}: {}", file.display(), describe(e)))
    })?;
    if !report.ignored_columns.is_empty() {
        println!(
            "ignored the export-only columns {}",
            report.ignored_columns.join(", ")
        );
    }
    if !report.is_ok() {
        print_problems(&report.problems);
        return Err(refusal(file, &report, dry_run));
    }
    print_imported(file, &report, dry_run);
    Ok(())
}

/// The bytes of an import file, refused when it is larger than an import reads: no more than
/// one byte past the limit is read, and the database is not opened.
fn read_import_file(file: &Path) -> Result<Vec<u8>, String> {
    let cannot_read = |e: std::io::Error| format!("cannot read {}: {e}", file.display());
    let limit = u64::try_from(spreadsheet::MAX_FILE_BYTES).unwrap_or(u64::MAX);
    let mut data = Vec::new();
    std::fs::File::open(file)
        .and_then(|opened| opened.take(limit + 1).read_to_end(&mut data))
        .map_err(cannot_read)?;
    spreadsheet::check_file_size(data.len())
        .map_err(|e| format!("{}: {}", file.display(), describe(e)))?;
    Ok(data)
}

/// Who creates the actions: the user `--as` names (the audit log names them, the policy
/// decides what they may create), else the operator at the console.
fn importer(
    conn: &mut DbConnection,
    as_user: Option<&str>,
) -> Result<(Actor, Option<AuthUser>), String> {
    Ok(match as_user {
        Some(username) => {
            let id = users::id_by_username(conn, username).map_err(describe)?;
            let user = auth::load_user(conn, id, Credential::Console).map_err(describe)?;
            // The audit row names the user and, where a request id goes, the operator.
            let operator = super::operator().name;
            (user.actor(Some(operator)), Some(user))
        }
        None => (super::operator(), None),
    })
}

/// The error line of a file with bad rows.
fn refusal(file: &Path, report: &ImportReport, dry_run: bool) -> String {
    format!(
        "{}: {} of {} {} problems; nothing was {}",
        file.display(),
        report.bad_rows(),
        report.rows,
        if report.rows == 1 {
            "row has"
        } else {
            "rows have"
        },
        if dry_run {
            "written (dry run)"
        } else {
            "imported"
        }
    )
}

/// What was imported (or would be, in a dry run), with the ids made.
fn print_imported(file: &Path, report: &ImportReport, dry_run: bool) {
    if dry_run {
        println!(
            "dry run: {} would be imported from {}; nothing was written",
            actions(report.rows),
            file.display()
        );
    } else {
        let ids = match (report.created.first(), report.created.last()) {
            (Some(first), Some(last)) if first != last => {
                format!(" (first id {first}, last id {last})")
            }
            (Some(only), _) => format!(" (id {only})"),
            _ => String::new(),
        };
        println!(
            "{} imported from {}{ids}",
            actions(report.created.len()),
            file.display()
        );
    }
}

/// "1 action", "2 actions".
fn actions(count: usize) -> String {
    if count == 1 {
        "1 action".into()
    } else {
        format!("{count} actions")
    }
}

/// The validation report as a table: row, column, problem.
fn print_problems(problems: &[RowProblem]) {
    let width = problems
        .iter()
        .map(|p| p.column.chars().count())
        .chain(["column".len()])
        .max()
        .unwrap_or(6);
    println!("{:>5}  {:<width$}  problem", "row", "column");
    for problem in problems {
        let column = if problem.column.is_empty() {
            "-"
        } else {
            &problem.column
        };
        println!("{:>5}  {column:<width$}  {}", problem.row, problem.message);
    }
}

pub(super) fn export(settings: &Settings, command: ExportCommand) -> Result<(), String> {
    let ExportCommand::Actions {
        format,
        lang,
        plain,
        out,
        area,
        municipality,
        ministry,
        theme,
        target_group,
        programme,
        status,
        as_of,
    } = command;
    let format = format.parse::<ExportFormat>()?;
    if plain && format != ExportFormat::Csv {
        return Err("--plain is for --format csv: a workbook is always for people".into());
    }
    let lang = match (plain, lang.as_deref().and_then(|l| Lang::from_name(l).ok())) {
        (true, _) => None,
        (false, Some(lang)) => Some(lang),
        (false, None) => Some(super::locale_lang()),
    };
    let filter = ActionFilter {
        area,
        municipality,
        ministry,
        theme,
        target_group,
        programme,
        status,
        as_of,
        ..Default::default()
    };
    export_actions(settings, (format, lang), &out, &filter)
}

/// `export actions`: the file is written whole or not at all.
fn export_actions(
    settings: &Settings,
    (format, lang): (ExportFormat, Option<Lang>),
    out: &Path,
    filter: &ActionFilter,
) -> Result<(), String> {
    let export = read(settings, |conn| {
        spreadsheet::export_actions(conn, filter, format, lang).map_err(describe)
    })?;
    if out == Path::new("-") {
        std::io::stdout()
            .write_all(&export.bytes)
            .map_err(|e| format!("cannot write to standard output: {e}"))?;
        eprintln!("exported {}", actions(export.actions));
        return Ok(());
    }
    // Written beside the target and renamed, so a failed write never leaves half a file.
    let mut partial = out.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, &export.bytes)
        .and_then(|()| std::fs::rename(&partial, out))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("cannot write {}: {e}", out.display())
        })?;
    println!("exported {} to {}", actions(export.actions), out.display());
    Ok(())
}
