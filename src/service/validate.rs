//! The checks of input that every service shares: text lengths, plausible years, codes. Each
//! adds a coded message for its field to the list a service collects before it refuses the
//! input as a whole ([`check`]).

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, FieldError, Result};
use crate::i18n::Msg;

/// The years a planned or recorded date may lie in: a typo such as 0221 or 20201 is refused.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Turns collected field errors into a validation error.
pub fn check(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// A text of `min` to `max` characters, not counting the spaces around it; with `min` 0 only
/// the maximum counts.
pub fn text(field: &str, value: &str, min: usize, max: usize, errors: &mut Vec<FieldError>) {
    let length = value.trim().chars().count();
    if length < min || length > max {
        let msg = if min == 0 {
            Msg::TooLong { max }
        } else {
            Msg::Length { min, max }
        };
        errors.push(FieldError::new(field, msg));
    }
}

/// A date in [`YEARS`].
pub fn year(field: &str, date: NaiveDate, errors: &mut Vec<FieldError>) {
    if !YEARS.contains(&date.year()) {
        errors.push(FieldError::new(
            field,
            Msg::Years {
                from: i64::from(*YEARS.start()),
                to: i64::from(*YEARS.end()),
            },
        ));
    }
}

/// A code as the API uses it: 1 to `max` lower-case letters, digits and dashes, not starting or
/// ending with a dash (`rotterdam-zuid`).
pub fn slug(field: &str, code: &str, max: usize, errors: &mut Vec<FieldError>) {
    let ok = (1..=max).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-')
        && !code.ends_with('-');
    if !ok {
        errors.push(FieldError::new(field, Msg::Slug { max }));
    }
}

/// An amount (euro cents, a count) that may not be negative.
pub fn not_negative(field: &str, value: Option<i64>, errors: &mut Vec<FieldError>) {
    if value.is_some_and(|v| v < 0) {
        errors.push(FieldError::new(field, Msg::NotNegative));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_measured_in_characters_without_the_spaces_around_them() {
        let mut errors = Vec::new();
        text("title", "  Ölçü  ", 1, 4, &mut errors);
        assert!(errors.is_empty());
        text("title", "   ", 1, 4, &mut errors);
        text("note", "abcde", 0, 4, &mut errors);
        assert_eq!(errors[0].msg, Msg::Length { min: 1, max: 4 });
        assert_eq!(errors[1].msg, Msg::TooLong { max: 4 });
    }

    #[test]
    fn codes_are_lower_case_slugs() {
        let mut errors = Vec::new();
        slug("code", "rotterdam-zuid", 80, &mut errors);
        assert!(errors.is_empty());
        for bad in ["", "-a", "a-", "Rotterdam", "a b"] {
            slug("code", bad, 80, &mut errors);
        }
        assert_eq!(errors.len(), 5);
    }
}
