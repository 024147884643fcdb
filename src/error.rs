//! The one error type of the application. Variants follow HTTP meaning; `api::problem` turns
//! them into problem+json responses. Database and unexpected errors keep their detail for the
//! log and never show it to a client.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

/// A problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field at fault, as a dotted path (`milestones.2.due_date`) or the query parameter name.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the input is not valid")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{message}")]
    Conflict {
        message: String,
        field: Option<String>,
    },
    #[error("authentication required")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("the resource was changed by someone else; reload it and try again")]
    PreconditionFailed,
    #[error("this change needs an If-Match header with the resource's current ETag")]
    PreconditionRequired,
    #[error("this URL does not take this method; it takes {0}")]
    MethodNotAllowed(String),
    #[error("too many attempts; try again in {retry_after_seconds} seconds")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("the service is unavailable: {0}")]
    Unavailable(String),
    #[error("the server is busy rendering; try again in {retry_after_seconds} seconds")]
    Busy { retry_after_seconds: u64 },
    #[error("database error: {0}")]
    Database(DieselError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<DieselError> for Error {
    /// Constraint violations become client errors naming the field; the rest stays internal.
    fn from(err: DieselError) -> Self {
        match &err {
            DieselError::NotFound => Error::NotFound("the resource".into()),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let field = unique_violation_field(
                    info.message(),
                    info.constraint_name(),
                    info.table_name(),
                );
                Error::Conflict {
                    message: match &field {
                        Some(field) => format!("another record already has this {field}"),
                        None => "another record already has these values".into(),
                    },
                    field,
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Error::Conflict {
                    message: "the record refers to, or is referred to by, another record".into(),
                    field: None,
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, _) => {
                Error::BadRequest("a value is outside what the database allows".into())
            }
            _ => Error::Database(err),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Error::Unavailable(format!("no database connection: {err}"))
    }
}

/// Finds the column of a unique violation: SQLite says `UNIQUE constraint failed: users.username_key`,
/// PostgreSQL names the constraint `users_username_key_key` (table_columns_key).
fn unique_violation_field(
    message: &str,
    constraint: Option<&str>,
    table: Option<&str>,
) -> Option<String> {
    if let Some(rest) = message.strip_prefix("UNIQUE constraint failed: ") {
        let columns: Vec<&str> = rest
            .split(", ")
            .filter_map(|c| c.split_once('.').map(|(_, col)| col))
            .collect();
        return columns.last().map(|c| c.to_string());
    }
    let constraint = constraint?;
    let columns = constraint.strip_suffix("_key")?;
    let columns = table
        .and_then(|table| columns.strip_prefix(table)?.strip_prefix('_'))
        .unwrap_or(columns);
    Some(columns.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_name_their_column_on_both_backends() {
        assert_eq!(
            unique_violation_field("UNIQUE constraint failed: users.username_key", None, None)
                .as_deref(),
            Some("username_key")
        );
        assert_eq!(
            unique_violation_field(
                "duplicate",
                Some("report_periods_code_key"),
                Some("report_periods")
            )
            .as_deref(),
            Some("code")
        );
    }
}
