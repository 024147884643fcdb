//! Seeding: the reference data on first start, and a living demo programme on request.

pub mod demo;
pub mod reference;
pub mod rng;
pub mod scale;

pub use reference::{SeedCounts, seed_reference};
