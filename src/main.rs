//! The `versnelling` command line: parses arguments and calls into the library.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use versnelling::config::{Overrides, Settings};
use versnelling::service::audit::Actor;
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
    /// Seed the reference data; with --demo also a living demo programme with users.
    Seed {
        /// Add demo programmes, actions, progress history and one user per role and scope.
        #[arg(long)]
        demo: bool,
    },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
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
        Command::Seed { demo } => {
            let pool = open(&settings)?;
            if demo {
                seed_demo(&pool)?;
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
    }
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
    let show_progress = std::io::stderr().is_terminal();
    let mut progress = |step: &str| {
        if show_progress {
            eprint!("\r\x1b[2Kseeding demo: {step}");
        }
    };
    let summary = seed::demo::seed_demo(&mut conn, &mut progress).map_err(describe)?;
    if show_progress {
        eprintln!();
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
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
