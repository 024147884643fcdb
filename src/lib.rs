//! Versnellingsmonitor: tracks the acceleration actions ("versnellingsacties") of the Dutch
//! cabinet and municipalities in the urban renewal areas, and reports their progress.
//!
//! The binary (`src/main.rs`) only parses the command line; everything else lives here so the
//! tests build the very same application.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod json;
pub mod reports;
pub mod scheduler;
pub mod seed;
pub mod service;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;

/// Process-wide set-up every entry point (the CLI, the tests) calls first: initialises OpenSSL,
/// which libpq uses for PostgreSQL connections, without registering its exit-time clean-up.
/// That clean-up races with pool threads still holding TLS connections and crashes the
/// process when it exits (diesel-rs/diesel#3441).
pub fn init_process() {
    openssl::init();
}
