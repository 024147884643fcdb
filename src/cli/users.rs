//! `user`: adding, listing, disabling and enabling users, setting a password or a role; the
//! password always from standard input.

use super::args::UserCommand;
use super::{describe, read, read_password, write};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::service::audit::Actor;
use crate::service::users::{self, NewUserInput, UserChange, UserSummary};

pub(super) fn run(settings: &Settings, command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add {
            username,
            role,
            ministry,
            municipality,
            display_name,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let input = NewUserInput {
                username,
                display_name,
                role,
                ministry,
                municipality,
                password,
            };
            write(settings, |conn| add(conn, &input))
        }
        UserCommand::List => read(settings, list),
        UserCommand::Disable { username } => {
            write(settings, |conn| set_disabled(conn, &username, true))?;
            println!("disabled `{username}`; their tokens are revoked");
            Ok(())
        }
        UserCommand::Enable { username } => {
            write(settings, |conn| set_disabled(conn, &username, false))?;
            println!("enabled `{username}`");
            Ok(())
        }
        UserCommand::SetPassword {
            username,
            password_stdin: _,
        } => write(settings, |conn| set_password(conn, &username)),
        UserCommand::SetRole {
            username,
            role,
            ministry,
            municipality,
        } => {
            let change = UserChange {
                role: Some(role),
                ministry,
                municipality,
                ..Default::default()
            };
            let (user, _) = write(settings, |conn| change_user(conn, &username, change))?;
            println!(
                "`{username}` is now {}; their tokens are revoked",
                user.role
            );
            Ok(())
        }
    }
}

/// The operator at the console.
fn actor() -> Actor {
    super::operator()
}

/// `user add`.
fn add(conn: &mut DbConnection, input: &NewUserInput) -> Result<(), String> {
    let user = users::create_user(conn, &actor(), input).map_err(describe)?;
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

/// `user list`: a table of username, role, scope and state.
fn list(conn: &mut DbConnection) -> Result<(), String> {
    let (items, total) = users::list(conn, 10_000, 0).map_err(describe)?;
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

fn set_disabled(conn: &mut DbConnection, username: &str, disabled: bool) -> Result<(), String> {
    let change = UserChange {
        disabled: Some(disabled),
        ..Default::default()
    };
    change_user(conn, username, change)?;
    Ok(())
}

/// `user set-password`: the password is read once the database is open.
fn set_password(conn: &mut DbConnection, username: &str) -> Result<(), String> {
    let password = read_password()?;
    let id = users::id_by_username(conn, username).map_err(describe)?;
    users::set_password(conn, &actor(), id, &password).map_err(describe)?;
    println!("password of `{username}` changed; their tokens are revoked");
    Ok(())
}

fn change_user(
    conn: &mut DbConnection,
    username: &str,
    change: UserChange,
) -> Result<(UserSummary, i64), String> {
    let id = users::id_by_username(conn, username).map_err(describe)?;
    users::update(conn, &actor(), id, None, &change).map_err(describe)
}
