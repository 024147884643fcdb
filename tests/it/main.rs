//! Integration tests, in one binary so they link once. Each test gets its own database.

mod support;

mod schema;
