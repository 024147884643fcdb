//! How times appear in JSON: stored times are naive UTC; the API shows them as RFC 3339 with
//! `Z`, so no client has to guess their zone.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

/// `2021-03-31T18:00:00.123456Z`.
pub fn utc_string(at: &NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn utc<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&utc_string(at))
}

pub fn utc_option<S: Serializer>(
    at: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&utc_string(at)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_carry_their_zone() {
        let at = chrono::NaiveDate::from_ymd_opt(2021, 3, 31)
            .unwrap()
            .and_hms_micro_opt(18, 0, 0, 120)
            .unwrap();
        assert_eq!(super::utc_string(&at), "2021-03-31T18:00:00.000120Z");
        let whole = chrono::NaiveDate::from_ymd_opt(2021, 3, 31)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap();
        assert_eq!(super::utc_string(&whole), "2021-03-31T18:00:00Z");
    }
}
