//! Service functions: each owns its transaction and writes its audit row with the change.

pub mod api_tokens;
pub mod audit;
pub mod reference;
pub mod sessions;
pub mod users;
