//! Extractors whose errors are problem+json naming the field at fault.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::{Error, FieldError};
use crate::i18n::Msg;

/// Largest query string accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;

/// Query parameters deserialized with the failing parameter named. Query structs use
/// `#[serde(deny_unknown_fields)]`, so a misspelt filter is an error rather than ignored.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, Error> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::BadRequest(Msg::QueryTooLong {
            max: MAX_QUERY_BYTES,
        }));
    }
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let message = err.inner().to_string();
        // Unknown parameters are reported by serde at the top level; name them.
        let field = if path == "." {
            message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
                .unwrap_or("query")
                .to_string()
        } else {
            path
        };
        Error::Validation(vec![FieldError::new(
            field,
            crate::error::serde_msg(&message),
        )])
    })
}

/// A JSON body deserialized with the failing field named. Body structs use
/// `#[serde(deny_unknown_fields)]`; the body size limit is `server.max_body_bytes`.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || v.ends_with("+json")
            });
        let limit = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .map(|state| state.settings.server.max_body_bytes)
            .unwrap_or(1 << 20);
        let body = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(Error::BadRequest(Msg::BodyNotJson));
            }
            let bytes = body
                .await
                .map_err(|err| match err.as_response_error().status_code() {
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE => {
                        Error::PayloadTooLarge(Msg::BodyTooLarge { max: limit })
                    }
                    _ => Error::BadRequest(Msg::BodyUnreadable),
                })?;
            if bytes.len() > limit {
                return Err(Error::PayloadTooLarge(Msg::BodyTooLarge { max: limit }));
            }
            parse_json(&bytes).map(Json)
        })
    }
}

/// Deserializes JSON, naming the field at fault (`milestones[2].due_date`, or the unknown field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = crate::db::one_line(&inner.to_string());
        // serde_json appends " at line L column C"; the field name says more.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        if inner.is_syntax() || inner.is_eof() {
            return Error::BadRequest(Msg::BodyInvalidJson { detail: message });
        }
        // The path names the failing field, an unknown one included; a missing field is
        // reported at its parent.
        let field = match message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            Some(missing) if path == "." => missing.to_string(),
            Some(missing) => format!("{path}.{missing}"),
            None if path == "." => "body".to_string(),
            None => path,
        };
        Error::Validation(vec![FieldError::new(
            field,
            crate::error::serde_msg(&message),
        )])
    })?;
    deserializer
        .end()
        .map_err(|_| Error::BadRequest(Msg::BodyTrailingData))?;
    Ok(value)
}

/// The ETag of a resource at a version.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// The version a change is based on, from `If-Match`: 428 when missing, 412 when it cannot be
/// the current version (a malformed or wildcard tag).
pub fn if_match(req: &HttpRequest) -> Result<i64, Error> {
    let value = req
        .headers()
        .get(actix_web::http::header::IF_MATCH)
        .ok_or(Error::PreconditionRequired)?
        .to_str()
        .map_err(|_| Error::PreconditionFailed)?
        .trim();
    value
        .trim_start_matches("W/")
        .strip_prefix("\"v")
        .and_then(|rest| rest.strip_suffix('"'))
        .and_then(|n| n.parse().ok())
        .ok_or(Error::PreconditionFailed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Params {
        limit: Option<u32>,
    }

    #[test]
    fn a_bad_parameter_is_named() {
        let Err(Error::Validation(errors)) = parse_query::<Params>("limit=ten") else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "limit");
        let Err(Error::Validation(errors)) = parse_query::<Params>("limt=10") else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "limt");
        assert_eq!(parse_query::<Params>("limit=10").unwrap().limit, Some(10));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        percent: u8,
    }

    fn field_of(json: &str) -> String {
        match parse_json::<Body>(json.as_bytes()) {
            Err(Error::Validation(errors)) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn json_errors_name_the_field_at_fault() {
        assert_eq!(field_of(r#"{"name": 3}"#), "name");
        assert_eq!(field_of(r#"{"name": "x", "extra": 1}"#), "extra");
        assert_eq!(field_of(r#"{}"#), "name");
        assert_eq!(
            field_of(r#"{"name": "x", "inner": {"percent": 300}}"#),
            "inner.percent"
        );
        assert_eq!(
            field_of(r#"{"name": "x", "inner": {"pct": 3}}"#),
            "inner.pct"
        );
        assert!(matches!(
            parse_json::<Body>(b"{\"name\": "),
            Err(Error::BadRequest(_))
        ));
        assert!(matches!(
            parse_json::<Body>(b"{\"name\": \"x\"} []"),
            Err(Error::BadRequest(_))
        ));
    }

    #[test]
    fn serde_messages_become_codes() {
        use crate::error::serde_msg;
        assert_eq!(serde_msg("missing field `title`"), Msg::Required);
        assert_eq!(
            serde_msg("unknown field `titel`, expected one of `title`, `note`"),
            Msg::UnknownField
        );
        assert_eq!(
            serde_msg("unknown variant `green`, expected one of `on_track`, `at_risk`"),
            Msg::OneOf {
                value: "green".into(),
                valid: crate::domain::Choice::codes(&["on_track", "at_risk"])
            }
        );
    }

    #[test]
    fn if_match_versions_parse() {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("If-Match", "\"v12\""))
            .to_http_request();
        assert_eq!(if_match(&req).unwrap(), 12);
        let req = actix_web::test::TestRequest::default().to_http_request();
        assert!(matches!(if_match(&req), Err(Error::PreconditionRequired)));
        let req = actix_web::test::TestRequest::default()
            .insert_header(("If-Match", "*"))
            .to_http_request();
        assert!(matches!(if_match(&req), Err(Error::PreconditionFailed)));
    }
}
