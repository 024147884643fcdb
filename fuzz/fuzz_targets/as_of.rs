//! `as_of` moments and consultation deadlines are typed by people: a date, a date-time with or
//! without an offset, a local time in Europe/Amsterdam. Any text must parse or be refused with a
//! message, never panic; a parsed moment prints back as a moment that parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use versnelling::domain::asof::{AsOf, within_years};
use versnelling::service::consultations::parse_local;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(as_of) = AsOf::parse(text)
        && within_years(as_of.before)
    {
        let again = format!("{}Z", as_of.before.format("%Y-%m-%dT%H:%M:%S%.f"));
        let reparsed = AsOf::parse(&again).expect("a printed moment parses");
        assert_eq!(
            reparsed.before,
            as_of.before + chrono::Duration::microseconds(1)
        );
    }
    let _ = parse_local("deadline", text, chrono_tz::Europe::Amsterdam);
});
