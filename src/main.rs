//! The `versnelling` command line: parses arguments and calls into the library.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use versnelling::auth::policy::Owner;
use versnelling::config::{Overrides, Settings};
use versnelling::reports::Format as ReportFormat;
use versnelling::service::actions::ActionFilter;
use versnelling::service::audit::Actor;
use versnelling::service::backup;
use versnelling::service::charts::{self, ChartQuery};
use versnelling::service::consultations::{self, NoteFormat};
use versnelling::service::reports;
use versnelling::service::spreadsheet::{self, ExportFormat, RowProblem};
use versnelling::service::users::{self, NewUserInput, UserChange};
use versnelling::startup::{self, Application};
use versnelling::{db, seed, telemetry};

#[derive(Parser)]
#[command(
    name = "versnelling",
    version,
    about = "Versnellingsmonitor: tracks the acceleration actions in the urban renewal areas",
    long_about = None
)]
struct Cli {
    /// A TOML file with settings that override the built-in defaults (see config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, global = true, value_name = "ADDR")]
    bind: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
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
    },
}

#[derive(Subcommand)]
enum ConsultationCommand {
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
enum ImportCommand {
    /// Create the actions of a spreadsheet (.xlsx or .csv): every row, or none when any row is bad.
    Actions {
        /// The spreadsheet: .xlsx (the sheet "Acties" or the first) or .csv (UTF-8, `,` or `;`).
        file: PathBuf,
        /// Check every row against the database and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Record the actions in the audit log as created by this user (default: the system
        /// actor "import").
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: Option<String>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Write the actions with their state (now or --as-of a date) to a file.
    Actions {
        /// csv, xlsx or json.
        #[arg(long, value_parser = ["csv", "xlsx", "json"])]
        format: String,
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
        /// Statuses, comma-separated: not_started, on_track, at_risk, off_track, completed, discontinued.
        #[arg(long)]
        status: Option<String>,
        /// The state at the end of this date (Europe/Amsterdam) or at this date-time.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
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

fn main() -> ExitCode {
    versnelling::init_process();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
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
        Command::Seed { demo, scale } => {
            let pool = open(&settings)?;
            if demo {
                seed_demo(&pool)?;
            } else if let Some(n) = scale {
                seed_scale(&pool, n)?;
            } else {
                println!("reference data is present ({})", display_url(&settings));
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            username,
            role,
            ministry,
            municipality,
            display_name,
            password_stdin: _,
        }) => {
            let password = read_password()?;
            let pool = open(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let user = users::create_user(
                &mut conn,
                &Actor::system("cli"),
                &NewUserInput {
                    username,
                    display_name,
                    role,
                    ministry,
                    municipality,
                    password,
                },
            )
            .map_err(describe)?;
            println!(
                "created user `{}` (id {}, role {}{})",
                user.username,
                user.id,
                user.role,
                user.ministry
                    .or(user.municipality)
                    .map(|s| format!(", scope {s}"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        Command::User(command) => manage_user(&settings, command),
        Command::Import(ImportCommand::Actions {
            file,
            dry_run,
            as_user,
        }) => import_actions(&settings, &file, dry_run, as_user.as_deref()),
        Command::Export(ExportCommand::Actions {
            format,
            out,
            area,
            municipality,
            ministry,
            theme,
            target_group,
            programme,
            status,
            as_of,
        }) => {
            let format = format.parse::<ExportFormat>()?;
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
            export_actions(&settings, format, &out, &filter)
        }
        Command::Backup { out } => {
            let pool = open(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let url = settings.database_url().map_err(|e| e.to_string())?;
            let summary = backup::backup(&mut conn, &url, &out).map_err(describe)?;
            println!(
                "backed up {} tables to {} ({} bytes)",
                summary.tables,
                summary.path.display(),
                summary.bytes
            );
            Ok(())
        }
        Command::Restore { file, yes: _ } => {
            let pool = open(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let url = settings.database_url().map_err(|e| e.to_string())?;
            let tables = backup::restore(&mut conn, &url, &file).map_err(describe)?;
            println!("restored {tables} tables from {}", file.display());
            Ok(())
        }
        Command::Consultation(ConsultationCommand::Export { code, format, out }) => {
            let pool = open(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let bytes = consultations::export_note(&mut conn, &code, format).map_err(describe)?;
            std::fs::write(&out, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!(
                "wrote the note of `{code}` to {} ({} bytes)",
                out.display(),
                bytes.len()
            );
            Ok(())
        }
        Command::Report {
            period,
            format,
            out,
            publish,
            verify,
        } => {
            let formats =
                ReportFormat::parse_list(&format).map_err(|e| format!("--format: {e}"))?;
            write_report(&settings, &period, &formats, &out, publish, verify)
        }
        Command::Charts {
            out,
            period,
            as_of,
            area,
            ministry,
            theme,
        } => {
            let query = ChartQuery {
                period,
                as_of,
                area,
                ministry,
                theme,
                ..Default::default()
            };
            write_charts(&settings, &out, &query)
        }
    }
}

/// `charts`: every chart of the selection into a directory, with progress on a terminal.
fn write_charts(
    settings: &Settings,
    out: &std::path::Path,
    query: &ChartQuery,
) -> Result<(), String> {
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let bar = Progress::new("rendering charts");
    let files = charts::render_all(&mut conn, query, &mut |done, total| {
        bar.count(done as u64, total as u64, "charts", "")
    });
    bar.finish();
    let files = files.map_err(describe)?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for (name, bytes) in &files {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("wrote {} charts to {}", files.len(), out.display());
    Ok(())
}

/// `import actions`: the whole file or nothing, with a report of every bad row.
fn import_actions(
    settings: &Settings,
    file: &Path,
    dry_run: bool,
    as_user: Option<&str>,
) -> Result<(), String> {
    let data = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let actor = match as_user {
        Some(username) => {
            let id = users::id_by_username(&mut conn, username).map_err(describe)?;
            let (user, _) = users::get(&mut conn, id).map_err(describe)?;
            Actor {
                user_id: Some(id),
                name: user.username,
                request_id: None,
            }
        }
        None => Actor::system("import"),
    };
    // The operator at the console may create any action.
    let allow_all = |_: Owner| Ok(());
    let bar = Progress::new("checking rows");
    let mut progress = |done: usize, total: usize| bar.count(done as u64, total as u64, "rows", "");
    let outcome =
        spreadsheet::import_actions(&mut conn, &data, dry_run, &actor, &allow_all, &mut progress);
    bar.clear();
    let report = outcome.map_err(|e| format!("{}: {}", file.display(), describe(e)))?;
    if !report.ignored_columns.is_empty() {
        println!(
            "ignored the export-only columns {}",
            report.ignored_columns.join(", ")
        );
    }
    if !report.is_ok() {
        print_problems(&report.problems);
        return Err(format!(
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
        ));
    }
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
    Ok(())
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

/// `export actions`: the file is written whole or not at all.
fn export_actions(
    settings: &Settings,
    format: ExportFormat,
    out: &Path,
    filter: &ActionFilter,
) -> Result<(), String> {
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let export = spreadsheet::export_actions(&mut conn, filter, format).map_err(describe)?;
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

/// The user subcommands other than `add`.
fn manage_user(settings: &Settings, command: UserCommand) -> Result<(), String> {
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let actor = Actor::system("cli");
    let change = |conn: &mut db::PooledConnection, username: &str, change: UserChange| {
        let id = users::id_by_username(conn, username).map_err(describe)?;
        users::update(conn, &actor, id, None, &change).map_err(describe)
    };
    match command {
        UserCommand::Add { .. } => Err("internal: add is handled above".into()),
        UserCommand::List => {
            let (items, total) = users::list(&mut conn, 10_000, 0).map_err(describe)?;
            println!("{:<28} {:<14} {:<14} state", "username", "role", "scope");
            for user in &items {
                let scope = user
                    .ministry
                    .as_deref()
                    .or(user.municipality.as_deref())
                    .unwrap_or("-");
                let state = if user.disabled { "disabled" } else { "active" };
                println!(
                    "{:<28} {:<14} {:<14} {state}",
                    user.username, user.role, scope
                );
            }
            println!("{total} users");
            Ok(())
        }
        UserCommand::Disable { username } => {
            change(
                &mut conn,
                &username,
                UserChange {
                    disabled: Some(true),
                    ..Default::default()
                },
            )?;
            println!("disabled `{username}`; their tokens are revoked");
            Ok(())
        }
        UserCommand::Enable { username } => {
            change(
                &mut conn,
                &username,
                UserChange {
                    disabled: Some(false),
                    ..Default::default()
                },
            )?;
            println!("enabled `{username}`");
            Ok(())
        }
        UserCommand::SetPassword {
            username,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let id = users::id_by_username(&mut conn, &username).map_err(describe)?;
            users::set_password(&mut conn, &actor, id, &password).map_err(describe)?;
            println!("password of `{username}` changed; their tokens are revoked");
            Ok(())
        }
        UserCommand::SetRole {
            username,
            role,
            ministry,
            municipality,
        } => {
            let (user, _) = change(
                &mut conn,
                &username,
                UserChange {
                    role: Some(role),
                    ministry,
                    municipality,
                    ..Default::default()
                },
            )?;
            println!(
                "`{username}` is now {}; their tokens are revoked",
                user.role
            );
            Ok(())
        }
    }
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

fn seed_demo(pool: &db::Pool) -> Result<(), String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let bar = Progress::new("seeding demo");
    let summary = seed::demo::seed_demo(&mut conn, &mut |step: &str| bar.step(step));
    bar.finish();
    let summary = summary.map_err(describe)?;
    if consultations::seed_vng_call(&mut conn).map_err(describe)? {
        println!("the VNG call for best practices (vng-top5-2020) is in the consultations");
    }
    println!(
        "demo seeded: {} programmes, {} actions, {} milestones, {} progress updates, {} indicators with {} values",
        summary.programmes,
        summary.actions,
        summary.milestones,
        summary.progress_updates,
        summary.indicators,
        summary.indicator_values
    );
    println!();
    println!("Demo users — these passwords are shown only now:");
    println!("{:<28} {:<14} {:<12} password", "username", "role", "scope");
    for user in &summary.users {
        println!(
            "{:<28} {:<14} {:<12} {}",
            user.username,
            user.role,
            user.scope.as_deref().unwrap_or("-"),
            user.password
        );
    }
    Ok(())
}

/// `seed --scale N`: a progress bar on a terminal, a summary line on stdout.
fn seed_scale(pool: &db::Pool, n: u32) -> Result<(), String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let config = seed::scale::ScaleConfig::for_scale(n);
    let bar = Progress::new(&format!("seeding scale {n}"));
    let outcome = seed::scale::seed_scale(&mut conn, &config, &mut |done, total| {
        bar.count(done, total, "actions", "")
    });
    bar.finish();
    let summary = outcome.map_err(describe)?;
    println!(
        "scale {n} seeded in {:.1} s: {} areas, {} programmes, {} actions, {} baselines, {} milestones with {} events, {} progress updates, {} indicators with {} values",
        summary.elapsed_seconds,
        summary.areas,
        summary.programmes,
        summary.actions,
        summary.baselines,
        summary.milestones,
        summary.milestone_events,
        summary.progress_updates,
        summary.indicators,
        summary.indicator_values
    );
    Ok(())
}

/// Progress of a long task on standard error, shown only on a terminal: a step name, or a bar
/// with counts, percentage and elapsed time.
struct Progress {
    show: bool,
    label: String,
    started: std::time::Instant,
}

impl Progress {
    fn new(label: &str) -> Self {
        Self {
            show: std::io::stderr().is_terminal(),
            label: label.to_string(),
            started: std::time::Instant::now(),
        }
    }

    /// "seeding demo: area 3/16".
    fn step(&self, step: &str) {
        if self.show {
            eprint!("\r\x1b[2K{}: {step}", self.label);
        }
    }

    /// "rendering charts: [#####     ] 12/40 charts (30%), 2 s — what".
    fn count(&self, done: u64, total: u64, unit: &str, what: &str) {
        if !self.show {
            return;
        }
        const WIDTH: u64 = 30;
        let filled = (done.min(total) * WIDTH)
            .checked_div(total)
            .unwrap_or(WIDTH) as usize;
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(" — {what}")
        };
        eprint!(
            "\r\x1b[2K{}: [{}{}] {done}/{total} {unit} ({percent}%), {:.0} s{what}",
            self.label,
            "#".repeat(filled),
            " ".repeat(WIDTH as usize - filled),
            self.started.elapsed().as_secs_f64()
        );
    }

    /// Ends the line the progress was on.
    fn finish(&self) {
        if self.show {
            eprintln!();
        }
    }

    /// Removes the progress line.
    fn clear(&self) {
        if self.show {
            eprint!("\r\x1b[2K");
        }
    }
}

/// `report`: the period's published report, or a new draft (optionally published), written
/// as files; or with `verify` the stored report checked against a rebuild from history.
fn write_report(
    settings: &Settings,
    period: &str,
    formats: &[ReportFormat],
    out: &Path,
    publish: bool,
    verify: bool,
) -> Result<(), String> {
    let pool = open(settings)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let stored = reports::list(&mut conn, Some(period), true).map_err(describe)?;
    let published = stored
        .iter()
        .find(|r| r.state == versnelling::domain::ReportState::Published);
    if verify {
        let report = published
            .or(stored.first())
            .ok_or_else(|| format!("period `{period}` has no report to verify"))?;
        let bar = Progress::new("verifying");
        bar.step(&format!("rebuilding report {} from history", report.id));
        let outcome = reports::verify(&mut conn, report.id);
        bar.clear();
        let outcome = outcome.map_err(describe)?;
        for (format, same) in &outcome.files {
            println!("{format}: {}", if *same { "identical" } else { "DIFFERS" });
        }
        if !outcome.identical() {
            return Err(format!(
                "report {} built again from history differs from the stored one",
                report.id
            ));
        }
        println!(
            "report {} ({}) is identical when built again from history",
            report.id, report.content_hash
        );
        return Ok(());
    }
    let report = match published {
        Some(report) if publish => {
            return Err(format!(
                "period `{period}` already has a published report ({}); it cannot change",
                report.id
            ));
        }
        Some(report) => {
            println!(
                "period `{period}` is published: writing report {}",
                report.id
            );
            report.clone()
        }
        None => {
            let bar = Progress::new(&format!("report {period}"));
            let draft = reports::generate(
                &mut conn,
                &Actor::system("cli"),
                period,
                db::now(),
                &mut |done, total, what| bar.count(done as u64, total as u64, "steps", what),
            );
            bar.finish();
            let mut draft = draft.map_err(describe)?;
            if publish {
                draft = reports::publish(
                    &mut conn,
                    &Actor::system("cli"),
                    draft.id,
                    draft.version,
                    db::now(),
                )
                .map_err(describe)?;
                println!("published report {} of `{period}`", draft.id);
            } else {
                println!("generated draft report {} of `{period}`", draft.id);
            }
            draft
        }
    };
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for format in formats {
        let (_, name, bytes) =
            reports::file(&mut conn, report.id, format.as_str(), true).map_err(describe)?;
        let path = out.join(&name);
        std::fs::write(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    println!(
        "as of {} UTC, content hash {}",
        report.as_of.format("%Y-%m-%d %H:%M:%S"),
        report.content_hash
    );
    Ok(())
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
fn describe(err: versnelling::error::Error) -> String {
    match err {
        versnelling::error::Error::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.msg))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
