//! Action lists take their filters from the query string (`area=…&status=…&as_of=…`): any
//! query must parse into a filter or a field error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use versnelling::api::extract::parse_query;
use versnelling::error::Error;
use versnelling::service::actions::{ActionFilter, validate_filter};
use versnelling::service::codes::Codes;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let codes = Codes::reference();
    match parse_query::<ActionFilter>(query) {
        Ok(filter) => match validate_filter(&filter, &codes) {
            Ok(()) | Err(Error::Validation(_)) => {}
            Err(other) => panic!("a filter gave {other:?}, not a validation error"),
        },
        Err(Error::Validation(errors)) => assert!(!errors.is_empty()),
        Err(Error::BadRequest(_)) => {}
        Err(other) => panic!("a query gave {other:?}"),
    }
});
