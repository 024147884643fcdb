//! The one error type of the application. Variants follow HTTP meaning; `api::problem` turns
//! them into problem+json responses. Database and unexpected errors keep their detail for the
//! log and never show it to a client.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::i18n::{Label, Lang, Msg};

/// A problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field at fault, as a dotted path (`milestones.2.due_date`) or the query parameter name.
    pub field: String,
    pub msg: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, msg: impl Into<Msg>) -> Self {
        Self {
            field: field.into(),
            msg: msg.into(),
        }
    }
}

impl std::fmt::Display for Msg {
    /// English, for logs and the command line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A message is an error where one is wanted: a parser's (the command line's `--format`).
impl std::error::Error for Msg {}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the input is not valid: {}", field_summary(.0))]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(Msg),
    #[error("{0}")]
    NotFound(Msg),
    #[error("{0}")]
    PayloadTooLarge(Msg),
    /// The request's headers add up to more than `server.max_header_bytes` (431).
    #[error("{0}")]
    HeadersTooLarge(Msg),
    #[error("{message}")]
    Conflict { message: Msg, field: Option<String> },
    #[error("{0}")]
    Unauthorized(Msg),
    #[error("{0}")]
    Forbidden(Msg),
    #[error("{}", Msg::Stale)]
    PreconditionFailed,
    #[error("{}", Msg::IfMatchRequired)]
    PreconditionRequired,
    #[error("this URL does not take this method; it takes {0}")]
    MethodNotAllowed(String),
    #[error("too many attempts; try again in {retry_after_seconds} seconds")]
    TooManyRequests { retry_after_seconds: u64 },
    /// The detail is for the log; the client is told the service is unavailable.
    #[error("the service is unavailable: {0}")]
    Unavailable(String),
    #[error("the server is busy rendering; try again in {retry_after_seconds} seconds")]
    Busy { retry_after_seconds: u64 },
    #[error("database error: {0}")]
    Database(DieselError),
    /// The detail is for the log; the client gets a fixed text.
    #[error("internal error: {0}")]
    Internal(String),
}

fn field_summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.msg))
        .collect::<Vec<_>>()
        .join("; ")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn validation(field: impl Into<String>, msg: impl Into<Msg>) -> Self {
        Self::Validation(vec![FieldError::new(field, msg)])
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }

    /// No `kind` with this id: `action 7 not found`.
    pub fn not_found(kind: Label, id: impl std::fmt::Display) -> Self {
        Self::NotFound(Msg::NotFound {
            kind,
            id: id.to_string(),
        })
    }

    /// No `kind` with this code: ``area `atlantis` not found``.
    pub fn not_found_code(kind: Label, code: &str) -> Self {
        Self::NotFound(Msg::NotFound {
            kind,
            id: format!("`{code}`"),
        })
    }

    /// A refused step that concerns one field.
    pub fn conflict(field: impl Into<String>, message: Msg) -> Self {
        Self::Conflict {
            message,
            field: Some(field.into()),
        }
    }

    /// The message of the whole error, as a reader sees it in one line.
    pub fn message(&self) -> Msg {
        match self {
            Error::Validation(errors) => match errors.as_slice() {
                [one] => one.msg.clone(),
                _ => Msg::InvalidFields {
                    count: errors.len(),
                },
            },
            Error::BadRequest(msg)
            | Error::NotFound(msg)
            | Error::PayloadTooLarge(msg)
            | Error::HeadersTooLarge(msg)
            | Error::Conflict { message: msg, .. }
            | Error::Unauthorized(msg)
            | Error::Forbidden(msg) => msg.clone(),
            Error::PreconditionFailed => Msg::Stale,
            Error::PreconditionRequired => Msg::IfMatchRequired,
            Error::MethodNotAllowed(allowed) => Msg::MethodNotAllowed {
                allowed: allowed.clone(),
            },
            Error::TooManyRequests {
                retry_after_seconds,
            } => Msg::TooManyRequests {
                seconds: *retry_after_seconds,
            },
            Error::Unavailable(_) => Msg::Unavailable,
            Error::Busy {
                retry_after_seconds,
            } => Msg::Busy {
                seconds: *retry_after_seconds,
            },
            Error::Database(_) | Error::Internal(_) => Msg::Internal,
        }
    }

    /// The problems per field: a validation's, or a conflict's that names its field.
    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            Error::Validation(errors) => errors.clone(),
            Error::Conflict {
                message,
                field: Some(field),
            } => vec![FieldError::new(field.clone(), message.clone())],
            _ => Vec::new(),
        }
    }
}

/// The valid values of a closed set with their names, when `codes` are those of one.
fn named_choices(codes: &[&str]) -> Vec<crate::domain::Choice> {
    use crate::domain::{ActionStatus, Choice, Named, Role};
    if codes == ActionStatus::CODES {
        ActionStatus::choices()
    } else if codes == Role::CODES {
        Role::choices()
    } else {
        Choice::codes(codes)
    }
}

/// What serde said of a field, as a message: a missing field is required, an unknown one is no
/// field of the request, an unknown code lists the valid ones; anything else (a wrong type, a
/// number out of range) keeps serde's words.
pub fn serde_msg(message: &str) -> Msg {
    if message.starts_with("missing field `") {
        return Msg::Required;
    }
    if message.starts_with("unknown field `") {
        return Msg::UnknownField;
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once('`')
    {
        if value.is_empty() {
            return Msg::Required;
        }
        let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return Msg::OneOf {
            value: value.to_string(),
            valid: named_choices(&valid),
        };
    }
    // What the parsers of numbers and dates say (std, chrono), for a field of that type.
    if message.contains("invalid digit")
        || message.contains("cannot parse integer")
        || message.contains("number too large")
        || message.contains("number too small")
    {
        return Msg::WholeNumber;
    }
    if message.contains("invalid float literal") {
        return Msg::Number;
    }
    if message.contains("input contains invalid characters")
        || message.contains("premature end of input")
        || message.contains("input is out of range")
        || message.contains("trailing input")
        || message.contains("input is not enough for unique date")
    {
        return Msg::Date;
    }
    Msg::InvalidValue {
        detail: message.to_string(),
    }
}

impl From<DieselError> for Error {
    /// Constraint violations become client errors naming the field; the rest stays internal.
    fn from(err: DieselError) -> Self {
        match &err {
            DieselError::NotFound => Error::NotFound(Msg::NoRecord),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let field = unique_violation_field(
                    info.message(),
                    info.constraint_name(),
                    info.table_name(),
                );
                Error::Conflict {
                    message: match field {
                        Some(_) => Msg::Duplicate,
                        None => Msg::DuplicateRecord,
                    },
                    field,
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Error::Conflict {
                    message: Msg::Referenced,
                    field: None,
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, _) => {
                Error::BadRequest(Msg::OutsideDatabaseRange)
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
