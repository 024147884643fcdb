//! Integration tests, in one binary so they link once. Each test gets its own database.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail the test with a message when their setup fails"
)]
#![expect(
    clippy::too_many_lines,
    reason = "a test reads as one scenario, from setup to the last assertion"
)]

mod support;

mod accounts;
mod architecture;
mod auth;
mod backup;
mod browser;
mod cli;
mod consultations;
mod crash;
mod demo;
mod history;
mod instances;
mod openapi;
mod policy;
mod progress;
mod reference;
mod reports;
mod requests;
mod scale;
mod schema;
mod security;
mod spreadsheet;
mod spreadsheet_limits;
mod tracking;
mod web;
