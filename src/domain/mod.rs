//! Rules of the programme without IO: the codes of statuses and roles, and (with later issues)
//! the stoplicht roll-up, progress maths and as-of reconstruction.

pub mod asof;
pub mod dates;
pub mod ids;
pub mod lang;
pub mod names;
pub mod rollup;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use ids::{
    ActionId, ApiTokenId, AreaId, IndicatorId, MilestoneId, MinistryId, MunicipalityId, ReportId,
    SubmissionId, UserId,
};
pub use lang::Lang;
pub use names::{Choice, Named};

/// Defines a closed set of codes stored as text, with parsing, display and serde.
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] #[schema(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(value: &str) -> Result<Self, UnknownCode> {
                match value {
                    $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode {
                        value: value.to_string(),
                        expected: Self::CODES,
                        choices: Vec::new(),
                    }),
                }
            }
        }
    };
}

/// A code that is not one of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value `{value}`, expected one of: {}", expected.join(", "))]
pub struct UnknownCode {
    pub value: String,
    pub expected: &'static [&'static str],
    /// The codes with their names, when the value was looked up by name.
    pub choices: Vec<Choice>,
}

code_enum! {
    /// The status of an action. In Dutch reports a stoplicht (traffic light): groen, oranje, rood.
    pub enum ActionStatus {
        NotStarted = "not_started",
        /// groen: op schema
        OnTrack = "on_track",
        /// oranje: knelpunten, maar haalbaar
        AtRisk = "at_risk",
        /// rood: wordt niet gehaald
        OffTrack = "off_track",
        Completed = "completed",
        Discontinued = "discontinued",
    }
}

/// The percentages an action can be complete.
pub const PERCENT: std::ops::RangeInclusive<i32> = 0..=100;

/// The longest title of an action, milestone, programme or indicator, in characters.
pub const MAX_TITLE: usize = 300;

/// The longest note or description, in characters.
pub const MAX_NOTE: usize = 10_000;

impl ActionStatus {
    /// Oranje, rood and gestopt are explained in reports from their notes: a progress update
    /// with one of them needs a note.
    pub fn needs_note(self) -> bool {
        matches!(self, Self::AtRisk | Self::OffTrack | Self::Discontinued)
    }

    /// The stoplicht word of a status (`groen`, `green`), shown as text beside every colour.
    pub fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::NotStarted, Lang::Nl) => "niet gestart",
            (Self::NotStarted, Lang::En) => "not started",
            (Self::OnTrack, Lang::Nl) => "groen",
            (Self::OnTrack, Lang::En) => "green",
            (Self::AtRisk, Lang::Nl) => "oranje",
            (Self::AtRisk, Lang::En) => "amber",
            (Self::OffTrack, Lang::Nl) => "rood",
            (Self::OffTrack, Lang::En) => "red",
            (Self::Completed, Lang::Nl) => "afgerond",
            (Self::Completed, Lang::En) => "completed",
            (Self::Discontinued, Lang::Nl) => "gestopt",
            (Self::Discontinued, Lang::En) => "stopped",
        }
    }

    /// The order of reading: bad news first (rood, oranje, gestopt, niet gestart, groen,
    /// afgerond).
    pub fn severity(self) -> u8 {
        match self {
            Self::OffTrack => 0,
            Self::AtRisk => 1,
            Self::Discontinued => 2,
            Self::NotStarted => 3,
            Self::OnTrack => 4,
            Self::Completed => 5,
        }
    }

    /// How good a stoplicht colour is, for "improved" and "worsened": groen 2, oranje 1,
    /// rood 0; none for the statuses that are no colour.
    pub fn colour_rank(self) -> Option<u8> {
        match self {
            Self::OnTrack => Some(2),
            Self::AtRisk => Some(1),
            Self::OffTrack => Some(0),
            _ => None,
        }
    }

    /// The Dutch label with its meaning, as the report's legend gives it.
    pub fn label_nl(self) -> &'static str {
        match self {
            Self::NotStarted => "niet gestart",
            Self::OnTrack => "groen — op schema",
            Self::AtRisk => "oranje — knelpunten, maar haalbaar",
            Self::OffTrack => "rood — wordt niet gehaald",
            Self::Completed => "afgerond",
            Self::Discontinued => "gestopt",
        }
    }
}

code_enum! {
    /// What a user is; ministry and municipality users are scoped to one ministry or municipality.
    pub enum Role {
        Admin = "admin",
        Ministry = "ministry",
        Municipality = "municipality",
        Viewer = "viewer",
    }
}

code_enum! {
    /// A ministry's sign-off of a report period: it marks its updates complete ("ingediend"),
    /// the programme office approves them ("vastgesteld"), or either reopens them.
    pub enum SignoffState {
        Submitted = "submitted",
        Approved = "approved",
        Reopened = "reopened",
    }
}

impl SignoffState {
    /// The Dutch word used in reports and pages.
    pub fn label_nl(self) -> &'static str {
        match self {
            Self::Submitted => "ingediend",
            Self::Approved => "vastgesteld",
            Self::Reopened => "heropend",
        }
    }
}

code_enum! {
    /// A generated progress report: a draft, or published (immutable).
    pub enum ReportState {
        Draft = "draft",
        Published = "published",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_list_the_choices() {
        for status in ActionStatus::ALL {
            assert_eq!(status.as_str().parse::<ActionStatus>(), Ok(*status));
        }
        let err = "green".parse::<ActionStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown value `green`, expected one of: not_started, on_track, at_risk, off_track, completed, discontinued"
        );
        assert_eq!(
            serde_json::to_string(&Role::Municipality).unwrap(),
            "\"municipality\""
        );
    }
}
