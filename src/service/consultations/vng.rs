//! The VNG call for best practices of May 2020 (seed 000), created on request of the demo.

use diesel::prelude::*;

use super::DEFAULT_MAX_SUBMISSIONS;
use super::calls::{ConsultationInput, create};
use super::tags::{Tags, all_aspects, all_municipalities, all_target_groups};
use crate::db::schema::consultations;
use crate::db::{self, DbConnection};
use crate::error::Result;
use crate::service::audit::Actor;

/// The code of the VNG call of May 2020 (seed 000).
pub const VNG_CALL: &str = "vng-top5-2020";

/// Creates the VNG call for best practices of May 2020 (seed 000) when it is missing: the
/// question, the deadline of 6 May 2020 18:00 local time, the three target groups and aspects
/// and the 15 municipalities of the urban renewal areas. Returns whether it was created.
pub fn seed_vng_call(conn: &mut DbConnection) -> Result<bool> {
    let exists = consultations::table
        .filter(consultations::code.eq(VNG_CALL))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    let codes = |tags: Tags| {
        tags.into_iter()
            .map(|(_, code, _)| code)
            .collect::<Vec<_>>()
    };
    let input = ConsultationInput {
        code: VNG_CALL.into(),
        title: "Top 5 best practices en handelingsperspectieven sociale impact coronacrisis".into(),
        question: "Welke top 5 van bestaande best practices en/of nieuwe handelingsperspectieven zijn er op lokaal niveau \
            om de sociale impact voor deze groepen zo goed mogelijk op te vangen? De focus ligt daarbij op reeds in gang \
            gezette acties of acties die gemeenten op korte tot middellange termijn willen realiseren (lobby) en die door \
            de coronacrisis wellicht versneld kunnen plaatsvinden."
            .into(),
        deadline: "2020-05-06T18:00:00".into(),
        max_submissions: Some(DEFAULT_MAX_SUBMISSIONS),
        target_groups: codes(all_target_groups(conn)?),
        aspects: codes(all_aspects(conn)?),
        municipalities: codes(all_municipalities(conn)?),
        contact_name: "VNG, werkgroep Sociale Impact Coronacrisis".into(),
        contact_email: String::new(),
    };
    create(conn, &Actor::system("seed"), &input, db::now())?;
    Ok(true)
}
