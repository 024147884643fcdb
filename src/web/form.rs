//! Posted forms: the fields the page guard read (after checking the CSRF token), and per-field
//! errors in the reader's language for the templates.

use std::collections::BTreeMap;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::error::{Error, FieldError};
use crate::i18n::Msg;
use crate::web::i18n::Lang;

/// Fields every form of the dashboard may carry besides its input: the CSRF token, where to
/// go next, and the version the form was made from.
const FORM_OWN: &[&str] = &["csrf", "next", "version"];

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

    /// The form as the API's input type `T`, validated like a request body: every field but the
    /// form's own (`csrf`, `next`, `version`), repeated fields (checkboxes) as lists, an empty
    /// field as absent. A field that does not parse is named with a coded message.
    pub fn input<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.pairs {
            // An empty field is a field left open: absent, as in a JSON body without it.
            if !FORM_OWN.contains(&name.as_str()) && !value.trim().is_empty() {
                body.append_pair(name, value);
            }
        }
        let body = body.finish();
        let deserializer = serde_html_form::Deserializer::from_bytes(body.as_bytes());
        serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let field = err.path().to_string();
            let message = err.inner().to_string();
            // A missing field is reported at the top: name it.
            let field = match message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                Some(missing) => missing.to_string(),
                None if field == "." => "form".to_string(),
                None => field,
            };
            Error::validation(field, crate::error::serde_msg(&message))
        })
    }

    /// The same fields without `names`: those of the page, not of the input.
    pub fn without(&self, names: &[&str]) -> Self {
        let pairs = self
            .pairs
            .iter()
            .filter(|(name, _)| !names.contains(&name.as_str()))
            .cloned()
            .collect();
        Self { pairs }
    }

    /// The same fields with a decimal comma read as a point in `names` (Dutch people type
    /// `51,9`).
    pub fn decimal_comma(&self, names: &[&str]) -> Self {
        let pairs = self
            .pairs
            .iter()
            .map(|(name, value)| {
                let value = if names.contains(&name.as_str()) {
                    value.trim().replace(',', ".")
                } else {
                    value.clone()
                };
                (name.clone(), value)
            })
            .collect();
        Self { pairs }
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
