//! Typed ids of the main entities, so that passing an action's id where a milestone's is meant
//! is a compile error. They serialize as the bare number (the JSON and the OpenAPI document say
//! `integer`, as before); database rows keep `i64` and convert at the service boundary.
//!
//! ```compile_fail
//! # use versnelling::domain::{ActionId, MilestoneId};
//! fn milestone(id: MilestoneId) -> i64 {
//!     id.get()
//! }
//! milestone(ActionId::from(7)); // an action's id is not a milestone's
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// Defines an id newtype over `i64`: `get`, `From<i64>`, `Display`, transparent serde, and an
/// integer schema.
macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The number, for a database row or a URL.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

id_type! {
    /// A versnellingsactie: the work in one area.
    ActionId;
    MilestoneId;
    IndicatorId;
    UserId;
    /// A generated progress report.
    ReportId;
    /// A municipality's submission to a consultation.
    SubmissionId;
    /// A personal API token.
    ApiTokenId;
    MinistryId;
    MunicipalityId;
    /// One of the urban renewal areas.
    AreaId;
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn an_id_is_the_bare_number_in_json_and_in_the_schema() {
        let id = ActionId::from(42);
        assert_eq!(id.get(), 42);
        assert_eq!(id.to_string(), "42");
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<ActionId>("42").unwrap(), id);
        let schema = serde_json::to_value(ActionId::schema()).unwrap();
        let number = serde_json::to_value(i64::schema()).unwrap();
        assert_eq!(schema["type"], number["type"]);
        assert_eq!(schema["format"], number["format"]);
    }
}
