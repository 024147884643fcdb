//! "As of": the state of the tracked facts at a past moment, rebuilt from append-only history.
//! A moment is given as a date (the end of that day in Europe/Amsterdam, as report cut-offs are)
//! or a date-time (UTC unless it carries an offset). A moment in the future means now.
//!
//! Time axes: everything counts from the moment it was *recorded* — descriptions (their
//! versions), plans, progress updates, milestone events, indicator values, notes. A fact's own
//! date (a value's `measured_on`, a milestone's `done_on`) orders and labels it but never makes
//! it count earlier, so an entry back-dated after a report was published does not change what
//! that report says.

use super::dates::TIME_ZONE as Amsterdam;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use super::ActionStatus;

/// The years a moment typed by a person may name (`as_of`, deadlines). chrono reads years like
/// `-3` or `+262143`, which no programme means and whose arithmetic overflows (found by fuzzing).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Whether `at` lies in [`YEARS`].
pub fn within_years(at: NaiveDateTime) -> bool {
    YEARS.contains(&chrono::Datelike::year(&at))
}

/// A moment in the past: history recorded strictly before `before` (UTC) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AsOf {
    pub before: NaiveDateTime,
}

/// The start of a period without a start date: before anything the monitor can hold, yet a
/// date both backends store (PostgreSQL has no room for chrono's `NaiveDate::MIN`).
pub const NO_START: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

impl AsOf {
    /// The beginning of `date` in Europe/Amsterdam (the end of the day before).
    pub fn start_of_day(date: NaiveDate) -> Self {
        Self::end_of_day(date.pred_opt().unwrap_or(date))
    }

    /// Everything recorded up to and including `at` (UTC).
    pub fn at(at: NaiveDateTime) -> Self {
        Self {
            before: at + Duration::microseconds(1),
        }
    }

    /// The end of `date` in Europe/Amsterdam.
    pub fn end_of_day(date: NaiveDate) -> Self {
        let next = date.succ_opt().unwrap_or(date);
        let midnight = next.and_time(NaiveTime::MIN);
        // Midnight exists on every Dutch day (DST changes happen at 02:00/03:00).
        let local = Amsterdam
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or(midnight);
        Self { before: local }
    }

    /// Parses `2021-03-31`, `2021-03-31T18:00:00` (UTC), `2021-03-31T18:00:00Z` or with an offset.
    /// Years are limited to [`YEARS`].
    pub fn parse(value: &str) -> Result<Self, AsOfError> {
        let value = value.trim();
        let parsed = if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Some((date.and_time(NaiveTime::MIN), Self::end_of_day(date)))
        } else if let Ok(with_offset) = DateTime::parse_from_rfc3339(value) {
            let at = with_offset.naive_utc();
            Some((at, Self::at(at)))
        } else {
            [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M:%S%.f",
            ]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
            .map(|at| (at, Self::at(at)))
        };
        match parsed {
            Some((at, as_of)) if within_years(at) => Ok(as_of),
            Some(_) => Err(AsOfError::Years),
            None => Err(AsOfError::Form),
        }
    }

    /// A moment after `now` means now: nothing is recorded after now yet, and the answer must
    /// not change when something is (a date-only `as_of` of today ends tonight).
    pub fn not_after(self, now: NaiveDateTime) -> Self {
        self.min(Self::at(now))
    }

    pub fn includes(&self, recorded_at: NaiveDateTime) -> bool {
        recorded_at < self.before
    }
}

/// Why a moment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOfError {
    /// Not a date or a date-time.
    Form,
    /// Outside [`YEARS`].
    Years,
}

/// One progress update, as far as the state is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressPoint {
    pub id: i64,
    pub recorded_at: NaiveDateTime,
    pub status: ActionStatus,
    pub percent_complete: i32,
}

/// The state after replaying history up to a moment: the latest update recorded before it (ties
/// on time broken by id, the order they were written), or "not started, 0 %" when none.
pub fn progress_at(
    history: &[ProgressPoint],
    as_of: Option<AsOf>,
) -> (ActionStatus, i32, Option<NaiveDateTime>) {
    history
        .iter()
        .filter(|p| as_of.is_none_or(|a| a.includes(p.recorded_at)))
        .max_by_key(|p| (p.recorded_at, p.id))
        .map(|p| (p.status, p.percent_complete, Some(p.recorded_at)))
        .unwrap_or((ActionStatus::NotStarted, 0, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (cargo-fuzz, `as_of`): `-03-3-31` was read as 31 March of the year -3.
    #[test]
    fn moments_outside_the_years_people_mean_are_refused() {
        for text in [
            "-03-3-31",
            "+262143-12-31",
            "1899-12-31",
            "10000-01-01T00:00:00",
        ] {
            let err = AsOf::parse(text).expect_err(text);
            assert!(
                matches!(err, AsOfError::Years | AsOfError::Form),
                "{text}: {err:?}"
            );
        }
        assert!(AsOf::parse("1900-01-01").is_ok());
        assert!(AsOf::parse("9999-12-31T23:59:59Z").is_ok());
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_date_means_the_end_of_that_day_in_amsterdam() {
        // Winter: UTC+1. The end of 31 Jan is 31 Jan 23:00 UTC.
        let winter = AsOf::parse("2021-01-31").unwrap();
        assert_eq!(winter.before, at("2021-01-31 23:00:00"));
        // Summer: UTC+2.
        let summer = AsOf::parse("2021-03-31").unwrap();
        assert_eq!(summer.before, at("2021-03-31 22:00:00"));
        assert!(summer.includes(at("2021-03-31 21:59:59")));
        assert!(!summer.includes(at("2021-03-31 22:00:00")));
        // The DST change day itself (28 March 2021) ends at 22:00 UTC too.
        assert_eq!(
            AsOf::parse("2021-03-28").unwrap().before,
            at("2021-03-28 22:00:00")
        );
    }

    #[test]
    fn date_times_are_utc_unless_they_carry_an_offset() {
        let plain = AsOf::parse("2021-03-01T12:00:00").unwrap();
        assert!(plain.includes(at("2021-03-01 12:00:00")));
        assert!(!plain.includes(at("2021-03-01 12:00:01")));
        let offset = AsOf::parse("2021-03-01T12:00:00+01:00").unwrap();
        assert!(offset.includes(at("2021-03-01 11:00:00")));
        assert!(!offset.includes(at("2021-03-01 11:00:01")));
        assert!(AsOf::parse("2021-02-30").is_err());
        assert!(AsOf::parse("yesterday").is_err());
    }

    #[test]
    fn progress_at_takes_the_latest_update_before_the_moment() {
        let history = [
            ProgressPoint {
                id: 1,
                recorded_at: at("2020-11-01 10:00:00"),
                status: ActionStatus::OnTrack,
                percent_complete: 10,
            },
            ProgressPoint {
                id: 3,
                recorded_at: at("2021-01-01 10:00:00"),
                status: ActionStatus::AtRisk,
                percent_complete: 30,
            },
            ProgressPoint {
                id: 2,
                recorded_at: at("2021-01-01 10:00:00"),
                status: ActionStatus::OnTrack,
                percent_complete: 20,
            },
        ];
        assert_eq!(
            progress_at(&history, Some(AsOf::parse("2020-10-31").unwrap())).0,
            ActionStatus::NotStarted
        );
        assert_eq!(
            progress_at(&history, Some(AsOf::parse("2020-12-31").unwrap())).1,
            10
        );
        // Same time: the later write (higher id) wins.
        assert_eq!(progress_at(&history, None).0, ActionStatus::AtRisk);
    }
}
