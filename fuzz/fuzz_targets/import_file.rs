//! The spreadsheet import reads files people upload: any bytes, as CSV or XLSX. It must answer
//! with a file error or checked rows, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use versnelling::service::codes::Codes;
use versnelling::service::spreadsheet;

fuzz_target!(|data: &[u8]| {
    let codes = Codes::reference();
    if let Ok(parsed) = spreadsheet::parse_file(data, &codes) {
        // Every row problem names a row below the header.
        assert!(parsed.problems().all(|problem| problem.row >= 2));
    }
});
