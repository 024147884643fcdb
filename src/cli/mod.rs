//! The commands of the `versnelling` binary: `main.rs` parses the arguments (`args`) and calls
//! `run`, which opens what the command needs and hands it to the command group's file. Every
//! command prints what it did on standard output and fails with one line for standard error.
//! A command that changes the database does it through the one write path ([`write`]), as the
//! server does; a command that only reads gets a connection that refuses writes ([`read`]).

pub mod args;
mod backup;
mod charts;
mod consultation;
mod keys;
mod progress;
mod report;
mod seed;
mod spreadsheet;
mod users;

use std::io::Read;

use crate::config::{Overrides, Settings};
use crate::db::DbConnection;
use crate::db::writer::{self, Writer};
use crate::domain::Lang;
use crate::service::audit::Actor;
use crate::service::charts::ChartQuery;
use crate::startup::{self, Application};
use crate::{db, telemetry};
use args::{Cli, Command};

/// The operator at the console, as the audit log names them: `cli:` and their login name on
/// this machine (from sudo, else the login shell's), so a change made here is traceable too.
pub(crate) fn operator() -> Actor {
    let name = ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string());
    let name: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
    Actor::system(&format!("cli:{name}"))
}

/// The language of the files the command line writes for people: `VERSNELLING_LANG`, else the
/// locale (`LC_ALL`, `LC_MESSAGES`, `LANG`; `en_GB.UTF-8` is English), else Dutch, the
/// programme's language.
pub(crate) fn locale_lang() -> Lang {
    ["VERSNELLING_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .and_then(|value| Lang::from_code(&value.get(..2)?.to_ascii_lowercase()))
        .unwrap_or(Lang::Nl)
}

/// Runs the command of `cli` (`serve` when none is given).
pub fn run(cli: Cli) -> Result<(), String> {
    let overrides = Overrides {
        database_url: cli.database_url,
        bind: cli.bind,
    };
    let settings = Settings::load(cli.config.as_deref(), &overrides).map_err(|e| e.to_string())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            telemetry::init_logging(&settings.log);
            serve(settings)
        }
        Command::Migrate => {
            open(&settings)?;
            println!("database is up to date ({})", display_url(&settings));
            Ok(())
        }
        Command::Seed { demo, scale } => seed::seed(&settings, demo, scale),
        Command::User(command) => users::run(&settings, command),
        Command::Keys(command) => keys::run(&settings, command),
        Command::Import(command) => spreadsheet::import(&settings, command),
        Command::Export(command) => spreadsheet::export(&settings, command),
        Command::Backup { out } => backup::backup(&settings, &out),
        Command::Restore { file, yes: _ } => backup::restore(&settings, &file),
        Command::Consultation(command) => consultation::run(&settings, command),
        Command::Report {
            period,
            format,
            out,
            publish,
            verify,
        } => report::run(&settings, &period, &format, &out, publish, verify),
        Command::Charts {
            out,
            period,
            as_of,
            area,
            ministry,
            theme,
            lang,
        } => {
            let query = ChartQuery {
                period,
                as_of,
                area,
                ministry,
                theme,
                lang: Some(lang),
                ..Default::default()
            };
            charts::write(&settings, &out, &query)
        }
    }
}

fn serve(settings: Settings) -> Result<(), String> {
    let runtime = actix_web::rt::System::new();
    runtime.block_on(async move {
        let app = Application::build(settings)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(address = %app.address(), "Versnellingsmonitor is listening");
        app.run_until_stopped()
            .await
            .map_err(|e| format!("server stopped: {e}"))
    })
}

fn display_url(settings: &Settings) -> String {
    settings
        .database_url()
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// Prepares the data directory and opens, migrates and seeds the database.
fn open(settings: &Settings) -> Result<db::Pool, String> {
    startup::prepare_data_dir(&settings.data.dir).map_err(|e| e.to_string())?;
    startup::open_database(settings).map_err(|e| e.to_string())
}

/// Opens the database and runs `work` through the one write path ([`Writer::write_blocking`]).
/// `work` answers with the command's own error line (service errors through [`describe`]); a
/// failure of the writer itself (no connection) is described the same way.
fn write<T>(
    settings: &Settings,
    work: impl FnOnce(&mut DbConnection) -> Result<T, String>,
) -> Result<T, String> {
    let writer = Writer::direct(open(settings)?);
    writer
        .write_blocking(|conn| Ok(work(conn)))
        .map_err(describe)?
}

/// Opens the database and runs `work` on a connection marked for reading: in debug builds a
/// write slipping into a read command fails instead of bypassing the write path.
fn read<T>(
    settings: &Settings,
    work: impl FnOnce(&mut DbConnection) -> Result<T, String>,
) -> Result<T, String> {
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    writer::reading(&mut conn).map_err(describe)?;
    work(&mut conn)
}

/// Reads a password from standard input: the first line, without its line ending.
fn read_password() -> Result<String, String> {
    let mut input = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = input.lines().next().unwrap_or_default().to_string();
    if password.is_empty() {
        return Err("no password on standard input (use --password-stdin and pipe it in)".into());
    }
    Ok(password)
}

/// One line for an application error, with the fields at fault.
fn describe(err: crate::error::Error) -> String {
    match err {
        crate::error::Error::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.msg))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
