//! Dates of the programme: instants are stored in UTC, while deadlines, cut-offs and the days
//! people see are those of the Netherlands (Europe/Amsterdam).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// The time zone of the programme.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// A stored UTC instant as the time in the Netherlands.
pub fn amsterdam(utc: NaiveDateTime) -> DateTime<Tz> {
    TIME_ZONE.from_utc_datetime(&utc)
}

/// The date in the Netherlands at a stored UTC instant.
pub fn amsterdam_date(utc: NaiveDateTime) -> NaiveDate {
    amsterdam(utc).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_evening_in_utc_is_the_next_day_in_the_netherlands() {
        let utc = NaiveDate::from_ymd_opt(2021, 3, 31)
            .unwrap()
            .and_hms_opt(22, 30, 0)
            .unwrap();
        assert_eq!(
            amsterdam_date(utc),
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap()
        );
        let winter = NaiveDate::from_ymd_opt(2021, 1, 31)
            .unwrap()
            .and_hms_opt(22, 30, 0)
            .unwrap();
        assert_eq!(
            amsterdam_date(winter),
            NaiveDate::from_ymd_opt(2021, 1, 31).unwrap()
        );
    }
}
