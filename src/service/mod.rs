//! Service functions: each owns its transaction and writes its audit row with the change.

pub mod audit;
pub mod users;
