//! Posted forms: the fields the page guard read (after checking the CSRF token), and per-field
//! errors in the reader's language for the templates.

use std::collections::BTreeMap;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::error::{Error, FieldError};
use crate::i18n::Msg;
use crate::web::i18n::Lang;

/// The fields of an `application/x-www-form-urlencoded` body, in order (a field may repeat,
/// as checkboxes do).
#[derive(Debug, Clone, Default)]
pub struct FormFields {
    pub pairs: Vec<(String, String)>,
}

impl FormFields {
    pub fn parse(body: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a field, or empty.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A whole number, or a field error saying what is expected.
    pub fn integer(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
        let value = self.get(name).unwrap_or_default().trim();
        match value.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(name, Msg::WholeNumber));
                None
            }
        }
    }

    /// A date `YYYY-MM-DD` (what `<input type=date>` sends), or a field error.
    pub fn date(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<chrono::NaiveDate> {
        let value = self.get(name).unwrap_or_default().trim();
        match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new(name, Msg::Date));
                None
            }
        }
    }

    /// The version a form was made from (its hidden `version` field, the ETag of the API).
    pub fn version(&self) -> Result<i64, Error> {
        self.get("version")
            .and_then(|v| v.trim().parse().ok())
            .ok_or(Error::PreconditionRequired)
    }
}

impl FromRequest for FormFields {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<FormFields>()
                .cloned()
                .ok_or(Error::BadRequest(Msg::FormExpected)),
        )
    }
}

/// Field errors of a form, in the reader's language, by field name; empty when all is well.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub fields: BTreeMap<String, String>,
    /// A problem of the whole form (someone else changed it, the call closed, …).
    pub general: Option<String>,
}

impl Problems {
    pub fn from_fields(lang: Lang, errors: &[FieldError]) -> Self {
        let mut fields = BTreeMap::new();
        for error in errors {
            // The API names list items `field[0]`; the form has one field.
            let field = error
                .field
                .split(['[', '.'])
                .next()
                .unwrap_or(&error.field)
                .to_string();
            fields.entry(field).or_insert_with(|| error.msg.text(lang));
        }
        Self {
            fields,
            general: None,
        }
    }

    pub fn general(message: impl Into<String>) -> Self {
        Self {
            fields: BTreeMap::new(),
            general: Some(message.into()),
        }
    }

    /// Turns the answer of a service into problems to show with the form, or passes on an
    /// error that is not about the input (403, 404, 500 …).
    pub fn from_error(lang: Lang, error: Error) -> Result<Self, Error> {
        match &error {
            Error::Validation(_) | Error::Conflict { field: Some(_), .. } => {
                Ok(Self::from_fields(lang, &error.fields()))
            }
            Error::PreconditionFailed | Error::PreconditionRequired => {
                Ok(Self::general(lang.texts().stale_form))
            }
            Error::Conflict { message, .. } | Error::BadRequest(message) => {
                Ok(Self::general(message.text(lang)))
            }
            _ => Err(error),
        }
    }

    /// The status of a page that shows a refused form again: 422 for bad fields, 409 for a
    /// refused step of the whole form.
    pub fn status(&self) -> actix_web::http::StatusCode {
        if self.fields.is_empty() {
            actix_web::http::StatusCode::CONFLICT
        } else {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_none()
    }

    /// The message of a field, for the template.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// Every message, for the error summary: (field, message).
    pub fn summary(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}
