//! Deadlines: given in Europe/Amsterdam local time (or with an offset), stored as UTC instants,
//! shown in both; whether a call is open at a moment, and the refusal when it is not.

use chrono::{DateTime, LocalResult, NaiveDateTime, SubsecRound, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use super::TIME_ZONE;
use crate::db::models::Consultation;
use crate::error::{Error, FieldError};
use crate::i18n::Msg;

/// An instant shown in both the call's zone and UTC.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Moment {
    /// Local time with its offset, e.g. `2020-05-06T18:00:00+02:00`.
    pub local: String,
    /// The same instant in UTC, e.g. `2020-05-06T16:00:00Z`.
    pub utc: String,
}

pub(super) fn zone_of(consultation: &Consultation) -> Tz {
    consultation.time_zone.parse().unwrap_or(TIME_ZONE)
}

pub(super) fn moment(at: NaiveDateTime, zone: Tz) -> Moment {
    Moment {
        local: zone
            .from_utc_datetime(&at)
            .format("%Y-%m-%dT%H:%M:%S%.f%:z")
            .to_string(),
        utc: at.and_utc().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
    }
}

/// "2020-05-06 18:00:00 Europe/Amsterdam (16:00:00 UTC)", for messages and the note.
pub(super) fn spoken(at: NaiveDateTime, zone: Tz) -> String {
    let local = zone.from_utc_datetime(&at);
    format!(
        "{} {zone} ({} UTC)",
        local.format("%Y-%m-%d %H:%M:%S"),
        at.format("%H:%M:%S")
    )
}

/// Parses a local date-time in `zone` (`2020-05-06T18:00:00`, seconds optional) or an RFC 3339
/// date-time with an offset, into a UTC instant. A local time the clocks skip (spring) or pass
/// twice (autumn) is refused with a message saying so.
pub fn parse_local(
    field: &str,
    text: &str,
    zone: Tz,
) -> std::result::Result<NaiveDateTime, FieldError> {
    let text = text.trim();
    let at = if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        with_offset.naive_utc()
    } else {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
            .map_err(|_| {
                FieldError::new(
                    field,
                    Msg::LocalDateTime {
                        zone: zone.to_string(),
                    },
                )
            })?;
        match zone.from_local_datetime(&local) {
            LocalResult::Single(at) => at.naive_utc(),
            LocalResult::Ambiguous(first, second) => {
                return Err(FieldError::new(
                    field,
                    Msg::TimeTwice {
                        local: local.to_string(),
                        zone: zone.to_string(),
                        first: first.format("%:z").to_string(),
                        second: second.format("%:z").to_string(),
                    },
                ));
            }
            LocalResult::None => {
                return Err(FieldError::new(
                    field,
                    Msg::TimeSkipped {
                        local: local.to_string(),
                        zone: zone.to_string(),
                    },
                ));
            }
        }
    };
    let mut errors = Vec::new();
    crate::service::validate::year(field, at.date(), &mut errors);
    if let Some(error) = errors.pop() {
        return Err(error);
    }
    Ok(at.trunc_subsecs(6))
}

/// Whether submissions are accepted at `now`: before the deadline, or within a reopening.
pub fn is_open(consultation: &Consultation, now: NaiveDateTime) -> bool {
    now < consultation.deadline_at || consultation.reopened_until.is_some_and(|until| now < until)
}

pub(super) fn closed_error(consultation: &Consultation) -> Error {
    let zone = zone_of(consultation);
    let code = consultation.code.clone();
    let deadline = spoken(consultation.deadline_at, zone);
    let message = match consultation.reopened_until {
        Some(until) => Msg::ConsultationClosedReopened {
            consultation: code,
            deadline,
            until: spoken(until, zone),
        },
        None => Msg::ConsultationClosed {
            consultation: code,
            deadline,
        },
    };
    Error::Conflict {
        message,
        field: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
    }

    #[test]
    fn local_deadlines_become_utc_across_daylight_saving() {
        // Summer time (CEST, +02:00) and winter time (CET, +01:00).
        assert_eq!(
            parse_local("deadline", "2020-05-06T18:00:00", TIME_ZONE).unwrap(),
            utc("2020-05-06T16:00:00")
        );
        assert_eq!(
            parse_local("deadline", "2021-01-15T18:00", TIME_ZONE).unwrap(),
            utc("2021-01-15T17:00:00")
        );
        // The day the clocks go forward: 18:00 is already summer time.
        assert_eq!(
            parse_local("deadline", "2021-03-28T18:00:00", TIME_ZONE).unwrap(),
            utc("2021-03-28T16:00:00")
        );
        assert_eq!(
            parse_local("deadline", "2021-03-28T18:00:00+02:00", TIME_ZONE).unwrap(),
            utc("2021-03-28T16:00:00")
        );
        assert_eq!(
            parse_local("deadline", "2021-03-28T16:00:00Z", TIME_ZONE).unwrap(),
            utc("2021-03-28T16:00:00")
        );
        let skipped = parse_local("deadline", "2021-03-28T02:30:00", TIME_ZONE).unwrap_err();
        assert!(
            skipped.msg.to_string().contains("does not exist"),
            "{:?}",
            skipped.msg
        );
        let twice = parse_local("deadline", "2020-10-25T02:30:00", TIME_ZONE).unwrap_err();
        assert!(
            twice.msg.to_string().contains("+02:00 or +01:00"),
            "{:?}",
            twice.msg
        );
        assert_eq!(
            parse_local("deadline", "2020-10-25T02:30:00+01:00", TIME_ZONE).unwrap(),
            utc("2020-10-25T01:30:00")
        );
        assert_eq!(
            parse_local("deadline", "6 mei 18:00", TIME_ZONE)
                .unwrap_err()
                .field,
            "deadline"
        );
    }

    #[test]
    fn moments_show_local_time_and_utc() {
        let shown = moment(utc("2021-03-28T16:00:00"), TIME_ZONE);
        assert_eq!(shown.local, "2021-03-28T18:00:00+02:00");
        assert_eq!(shown.utc, "2021-03-28T16:00:00Z");
        assert_eq!(
            spoken(utc("2021-01-15T17:00:00"), TIME_ZONE),
            "2021-01-15 18:00:00 Europe/Amsterdam (17:00:00 UTC)"
        );
    }
}
