//! problem+json (RFC 9457) responses for every error. Database and internal errors are logged
//! with their detail and answered with a fixed text.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::Error;
use crate::i18n::{Lang, lookup_title};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// An error as problem+json: `code` and `params` for programs, `title` and `detail` in the
/// reader's language for people.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// What went wrong, as a code that never changes with the wording (`not_found`, `too_long`).
    pub code: &'static str,
    /// The values in the message, by name (`{"max": 200}`).
    #[schema(value_type = Object)]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// The problem with one field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: &'static str,
    #[schema(value_type = Object)]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub message: String,
}

impl Error {
    /// The problem type and the key of its title in the message tables.
    fn type_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Error::Validation(_) => ("/problems/validation-error", "title.validation"),
            Error::BadRequest(_) => ("/problems/bad-request", "title.bad_request"),
            Error::NotFound(_) => ("/problems/not-found", "title.not_found"),
            Error::PayloadTooLarge(_) => ("/problems/payload-too-large", "title.payload_too_large"),
            Error::HeadersTooLarge(_) => ("/problems/headers-too-large", "title.headers_too_large"),
            Error::Conflict { .. } => ("/problems/conflict", "title.conflict"),
            Error::Unauthorized(_) => ("/problems/unauthorized", "title.unauthorized"),
            Error::Forbidden(_) => ("/problems/forbidden", "title.forbidden"),
            Error::PreconditionFailed => {
                ("/problems/precondition-failed", "title.precondition_failed")
            }
            Error::PreconditionRequired => (
                "/problems/precondition-required",
                "title.precondition_required",
            ),
            Error::MethodNotAllowed(_) => {
                ("/problems/method-not-allowed", "title.method_not_allowed")
            }
            Error::TooManyRequests { .. } => {
                ("/problems/too-many-requests", "title.too_many_requests")
            }
            Error::Unavailable(_) => ("/problems/unavailable", "title.unavailable"),
            Error::Busy { .. } => ("/problems/busy", "title.busy"),
            Error::Database(_) | Error::Internal(_) => {
                ("/problems/internal-error", "title.internal")
            }
        }
    }

    /// The problem in `lang`. Database and internal errors keep their detail for the log.
    pub fn problem(&self, lang: Lang) -> Problem {
        let (kind, title) = self.type_and_title();
        let message = self.message();
        let errors: Vec<ProblemField> = self
            .fields()
            .into_iter()
            .map(|e| ProblemField {
                code: e.msg.code(),
                params: e.msg.params_json(),
                message: e.msg.text(lang),
                field: e.field,
            })
            .collect();
        let detail = match (self, errors.as_slice()) {
            (Error::Validation(_), [one]) => format!("{}: {}", one.field, one.message),
            _ => message.text(lang),
        };
        Problem {
            kind,
            title: lookup_title(lang, title),
            status: self.status_code().as_u16(),
            code: message.code(),
            params: message.params_json(),
            detail,
            errors,
        }
    }

    /// The answer to a client: problem+json in `lang`, with the headers the status asks for.
    /// Database, internal and unavailable errors are logged with their detail.
    pub fn respond(&self, lang: Lang) -> HttpResponse {
        match self {
            Error::Database(err) => tracing::error!(error = %err, "database error"),
            Error::Internal(err) => tracing::error!(error = %err, "internal error"),
            Error::Unavailable(err) => tracing::warn!(error = %err, "unavailable"),
            _ => {}
        }
        self.answer(lang)
    }

    /// The answer in another language, for an error that [`Error::respond`] logged already.
    pub fn answer(&self, lang: Lang) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)));
        response.insert_header((header::CONTENT_LANGUAGE, lang.code()));
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
        response.json(self.problem(lang))
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
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

    /// English by default; the route guard answers again in the caller's language
    /// (`Accept-Language`) when that is Dutch.
    fn error_response(&self) -> HttpResponse {
        self.respond(Lang::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_show_their_detail() {
        let err = Error::Internal("/secret/path: SQL syntax near SELECT".into());
        let problem = err.problem(Lang::En);
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("secret"));
        assert!(!problem.detail.contains("SELECT"));
    }

    #[test]
    fn validation_problems_name_the_field() {
        let error = Error::validation("limit", crate::i18n::Msg::Between { min: 1, max: 500 });
        let problem = error.problem(Lang::En);
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "limit");
        assert_eq!(problem.errors[0].code, "between");
        assert_eq!(problem.params["max"], 500);
        assert_eq!(problem.detail, "limit: must be between 1 and 500");
        let dutch = error.problem(Lang::Nl);
        assert_eq!(dutch.detail, "limit: moet tussen 1 en 500 liggen");
        assert_eq!(dutch.title, "Ongeldige invoer");
    }
}
