//! `keys`: rotating and listing the keys that sign access tokens.

use super::args::KeysCommand;
use super::{describe, operator, read, write};
use crate::config::Settings;
use crate::db;
use crate::service::signing_keys;

pub(super) fn run(settings: &Settings, command: KeysCommand) -> Result<(), String> {
    match command {
        KeysCommand::Rotate { drop_old } => rotate(settings, drop_old),
        KeysCommand::List => list(settings),
    }
}

fn rotate(settings: &Settings, drop_old: bool) -> Result<(), String> {
    if !settings.auth.jwt_secret.is_empty() {
        return Err(
            "auth.jwt_secret is set in the configuration, and a configured key wins over \
                    the keys in the database: change the secret there (on every instance), or \
                    remove it to use the keys in the database"
                .into(),
        );
    }
    let actor = operator();
    let rotation = write(settings, |conn| {
        db::write_transaction(conn, |conn| {
            signing_keys::rotate(conn, &actor, db::now(), drop_old)
                .map_err(crate::error::Error::from)
        })
        .map_err(describe)
    })?;
    println!("new signing key {}", rotation.kid);
    if !rotation.retired.is_empty() {
        println!(
            "retired {}: it verifies the tokens it signed until they expire",
            rotation.retired.join(", ")
        );
    }
    if !rotation.dropped.is_empty() {
        println!(
            "deleted {}: the tokens they signed are refused within {} seconds",
            rotation.dropped.join(", "),
            crate::auth::jwt::RELOAD_SECONDS
        );
    }
    println!(
        "every running instance signs with the new key within {} seconds",
        crate::auth::jwt::RELOAD_SECONDS
    );
    Ok(())
}

fn list(settings: &Settings) -> Result<(), String> {
    let keys = read(settings, |conn| {
        signing_keys::list(conn).map_err(|err| describe(err.into()))
    })?;
    if !settings.auth.jwt_secret.is_empty() {
        println!(
            "auth.jwt_secret is configured: it signs and verifies every token; these keys are not used"
        );
    }
    if keys.is_empty() {
        println!("no signing keys yet: the first start of the service makes one");
    }
    for key in keys {
        let created = key.created_at.format("%Y-%m-%d %H:%M:%S");
        match key.retired_at {
            None => println!("{}  created {created} UTC  current", key.kid),
            Some(retired) => println!(
                "{}  created {created} UTC  retired {} UTC",
                key.kid,
                retired.format("%Y-%m-%d %H:%M:%S")
            ),
        }
    }
    Ok(())
}
