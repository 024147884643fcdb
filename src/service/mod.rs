//! Service functions: each owns its transaction and writes its audit row with the change.

pub mod actions;
pub mod api_tokens;
pub mod audit;
pub mod backup;
pub mod cache;
pub mod change;
pub mod charts;
pub mod codes;
pub mod consultations;
pub mod history;
pub mod indicators;
pub mod milestones;
pub mod notes;
pub mod programmes;
pub mod progress;
pub mod reference;
pub mod reports;
pub mod sessions;
pub mod signing_keys;
pub mod signoffs;
pub mod spreadsheet;
pub mod users;
pub mod validate;
pub mod web_sessions;
