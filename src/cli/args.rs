//! The command line's arguments (clap): global options and one subcommand per command group.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::service::consultations::NoteFormat;

#[derive(Parser)]
#[command(
    name = "versnelling",
    version,
    about = "Versnellingsmonitor: tracks the acceleration actions in the urban renewal areas",
    long_about = None
)]
pub struct Cli {
    /// A TOML file with settings that override the built-in defaults (see config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, global = true, value_name = "ADDR")]
    pub bind: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start the web service (the default): migrates and seeds reference data on first start.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Seed the reference data; with --demo also a living demo programme with users, with
    /// --scale N a large generated programme for load tests.
    Seed {
        /// Add demo programmes, actions, progress history and one user per role and scope.
        #[arg(long)]
        demo: bool,
        /// Generate a large programme for load tests: min(342, 16×N) areas (the 16 real ones,
        /// then generated municipalities), 1,000×N actions, each with ~20 progress updates,
        /// ~3 milestones with events, a baseline (some re-planned) and for half of them an
        /// indicator with ~5 values. --scale 100 ≈ 342 areas, 100,000 actions, 2,000,000
        /// updates. Refused when programmes or actions exist.
        #[arg(long, value_name = "N", conflicts_with = "demo",
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        scale: Option<u32>,
    },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// The keys that sign access tokens, shared by every instance through the database.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Import data from a spreadsheet.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Write a consistent copy of the database to a new file, while the service runs
    /// (SQLite: VACUUM INTO; PostgreSQL: pg_dump's custom format).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the database's content with a backup's (SQLite: in one transaction, online;
    /// PostgreSQL: pg_restore --clean --single-transaction).
    Restore {
        /// A file written by `versnelling backup`.
        file: PathBuf,
        /// Confirm that the current content may be replaced.
        #[arg(long, required = true)]
        yes: bool,
    },
    /// Consultations such as the VNG call for best practices.
    #[command(subcommand)]
    Consultation(ConsultationCommand),
    /// Write the progress report of a period: the published one when there is one, else a new
    /// draft (stored, as `POST /api/v1/reports` makes it). Files are named
    /// voortgangsrapportage-PERIOD.FORMAT.
    Report {
        /// Period code, e.g. voorjaar-2021.
        #[arg(long)]
        period: String,
        /// Formats, comma-separated: pdf, html, xlsx, csv, md.
        #[arg(long, default_value = "pdf,html,xlsx,csv,md")]
        format: String,
        /// The directory to write to (created when missing).
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Publish the new draft (every ministry's sign-off must be approved).
        #[arg(long)]
        publish: bool,
        /// Build the period's stored report again from history and compare it byte for byte;
        /// fails when anything differs.
        #[arg(long, conflicts_with = "publish")]
        verify: bool,
    },
    /// Write every chart (SVG and PNG) for a period or moment into a directory.
    Charts {
        /// The directory to write to (created when missing).
        #[arg(long, default_value = "charts")]
        out: PathBuf,
        /// A report period code, e.g. voorjaar-2021: the state as of its cut-off.
        #[arg(long)]
        period: Option<String>,
        /// A date or date-time instead of (or before) the period's cut-off.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        ministry: Option<String>,
        #[arg(long)]
        theme: Option<String>,
        /// The language of the charts' texts; in English the themes have their English names.
        #[arg(long, default_value = "nl", value_parser = ["nl", "en"], ignore_case = true)]
        lang: String,
    },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Start a new signing key. Every instance signs with it within 30 seconds; the old key
    /// keeps verifying the tokens it signed until they expire.
    Rotate {
        /// Delete the old keys at once (after a key may have leaked): every access token
        /// signed before is refused within 30 seconds, and users refresh or log in again.
        #[arg(long)]
        drop_old: bool,
    },
    /// List the keys (never their secrets): id, created, retired.
    List,
}

#[derive(Subcommand)]
pub enum ConsultationCommand {
    /// Write a consultation's note, grouped by target group and aspect, for a cabinet note.
    Export {
        /// Consultation code, e.g. vng-top5-2020.
        code: String,
        /// md, pdf or xlsx.
        #[arg(long, default_value = "md")]
        format: NoteFormat,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Create the actions of a spreadsheet (.xlsx or .csv): every row, or none when any row is bad.
    Actions {
        /// The spreadsheet: .xlsx (the sheet "Acties" or the first) or .csv (UTF-8, `,` or `;`).
        file: PathBuf,
        /// Check every row against the database and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create the actions as this user: only rows the user may create through the API are
        /// accepted (a ministry user: its own ministry's), and the audit log names them.
        /// Without it the audit log names the operator (`cli:` and the login name here).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write the actions with their state (now or --as-of a date) to a file.
    Actions {
        /// csv, xlsx or json.
        #[arg(long, value_parser = ["csv", "xlsx", "json"], ignore_case = true)]
        format: String,
        /// nl or en: the language of the file's column names and names. A Dutch CSV is for
        /// Dutch Excel (`;` between cells, a BOM, decimal commas). Default: the locale
        /// (VERSNELLING_LANG, LC_ALL, LC_MESSAGES or LANG starting with `en` is English), else
        /// Dutch.
        #[arg(long, value_parser = ["nl", "en"], ignore_case = true, conflicts_with = "plain")]
        lang: Option<String>,
        /// A CSV for programs instead of people: commas, codes only and English column names,
        /// as the API gives by default.
        #[arg(long)]
        plain: bool,
        /// The file to write; `-` writes to standard output.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Area codes, comma-separated (e.g. rotterdam-zuid,den-haag-zuidwest).
        #[arg(long)]
        area: Option<String>,
        /// Municipality codes, comma-separated.
        #[arg(long)]
        municipality: Option<String>,
        /// Ministry codes, comma-separated: BZK, SZW, OCW, VWS, JenV.
        #[arg(long)]
        ministry: Option<String>,
        /// Theme codes, comma-separated.
        #[arg(long)]
        theme: Option<String>,
        /// Target group codes, comma-separated.
        #[arg(long)]
        target_group: Option<String>,
        /// Programme codes, comma-separated.
        #[arg(long)]
        programme: Option<String>,
        /// Statuses, comma-separated: not_started, on_track, at_risk, off_track, completed, discontinued, or their words (rood, oranje, groen, red, …).
        #[arg(long)]
        status: Option<String>,
        /// The state at the end of this date (Europe/Amsterdam) or at this date-time.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input (never from the command line).
    Add {
        #[arg(long)]
        username: String,
        /// admin, ministry, municipality or viewer.
        #[arg(long)]
        role: String,
        /// Ministry code for a ministry user: BZK, SZW, OCW, VWS or JenV.
        #[arg(long)]
        ministry: Option<String>,
        /// Municipality (code or name) for a municipality user, e.g. "Den Haag".
        #[arg(long)]
        municipality: Option<String>,
        /// Name shown in the audit log and on pages.
        #[arg(long, default_value = "")]
        display_name: String,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users with their role and scope.
    List,
    /// Disable a user: they cannot log in, and every token of theirs stops working at once.
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Set a user's password from standard input; revokes their tokens.
    SetPassword {
        username: String,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Change a user's role (and scope); revokes their tokens.
    SetRole {
        username: String,
        /// admin, ministry, municipality or viewer.
        #[arg(long)]
        role: String,
        #[arg(long)]
        ministry: Option<String>,
        #[arg(long)]
        municipality: Option<String>,
    },
}
