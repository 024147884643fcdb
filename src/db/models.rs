//! Row structs.
