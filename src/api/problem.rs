//! problem+json (RFC 9457) responses for every error. Database and internal errors are logged
//! with their detail and answered with a fixed text.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::{Error, FieldError};

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<crate::api::openapi::FieldErrorSchema>)]
    pub errors: Vec<FieldError>,
}

impl Error {
    fn type_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Error::Validation(_) => ("/problems/validation-error", "Invalid input"),
            Error::BadRequest(_) => ("/problems/bad-request", "Bad request"),
            Error::NotFound(_) => ("/problems/not-found", "Not found"),
            Error::PayloadTooLarge(_) => ("/problems/payload-too-large", "Request body too large"),
            Error::Conflict { .. } => ("/problems/conflict", "Conflict"),
            Error::Unauthorized(_) => ("/problems/unauthorized", "Authentication required"),
            Error::Forbidden(_) => ("/problems/forbidden", "Forbidden"),
            Error::PreconditionFailed => {
                ("/problems/precondition-failed", "Changed by someone else")
            }
            Error::PreconditionRequired => ("/problems/precondition-required", "If-Match required"),
            Error::MethodNotAllowed(_) => ("/problems/method-not-allowed", "Method not allowed"),
            Error::TooManyRequests { .. } => ("/problems/too-many-requests", "Too many requests"),
            Error::Unavailable(_) => ("/problems/unavailable", "Service unavailable"),
            Error::Busy { .. } => ("/problems/busy", "Busy"),
            Error::Database(_) | Error::Internal(_) => {
                ("/problems/internal-error", "Internal error")
            }
        }
    }

    pub fn problem(&self) -> Problem {
        let (kind, title) = self.type_and_title();
        let (detail, errors) = match self {
            Error::Validation(errors) => {
                let detail = match errors.as_slice() {
                    [one] => format!("{}: {}", one.field, one.message),
                    _ => format!("{} fields are not valid", errors.len()),
                };
                (detail, errors.clone())
            }
            Error::Conflict {
                message,
                field: Some(field),
            } => (
                message.clone(),
                vec![FieldError::new(field.clone(), message.clone())],
            ),
            Error::Database(_) | Error::Internal(_) => (
                "The server could not complete the request. It has been logged.".into(),
                vec![],
            ),
            Error::Unavailable(_) => (
                "The database is not reachable at the moment.".into(),
                vec![],
            ),
            other => (other.to_string(), vec![]),
        };
        Problem {
            kind,
            title,
            status: self.status_code().as_u16(),
            detail,
            errors,
        }
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Error::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Error::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable(_) | Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Error::Database(err) => tracing::error!(error = %err, "database error"),
            Error::Internal(err) => tracing::error!(error = %err, "internal error"),
            Error::Unavailable(err) => tracing::warn!(error = %err, "unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)));
        if let Error::TooManyRequests {
            retry_after_seconds,
        }
        | Error::Busy {
            retry_after_seconds,
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if let Error::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(self.problem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_show_their_detail() {
        let err = Error::Internal("/secret/path: SQL syntax near SELECT".into());
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("secret"));
        assert!(!problem.detail.contains("SELECT"));
    }

    #[test]
    fn validation_problems_name_the_field() {
        let problem = Error::validation("limit", "must be between 1 and 500").problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "limit");
        assert_eq!(problem.detail, "limit: must be between 1 and 500");
    }
}
