//! The working group's overview of a closed call: target group × aspect with the practices in
//! each cell, and the response per asked municipality.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::access::drafts_rule;
use super::calls::{ConsultationJson, Scope, consultation_json, load_consultation, scope};
use super::submissions::{Loaded, submissions_of};
use super::tags::{Reference, Tags, code_of};
use crate::db::DbConnection;
use crate::db::models::Consultation;
use crate::domain::Role;
use crate::error::Result;

/// One practice in a cell of the grid.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct PracticeJson {
    pub id: i64,
    pub municipality: String,
    pub municipality_name: String,
    pub rank: i32,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub stage: String,
    pub lobby_needed: bool,
    pub lobby_note: String,
    pub contact: String,
    pub late: bool,
    pub action_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct CellJson {
    pub aspect: String,
    pub aspect_name: String,
    pub count: usize,
    /// By rank, then municipality.
    pub practices: Vec<PracticeJson>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RowJson {
    pub target_group: String,
    pub target_group_name: String,
    pub cells: Vec<CellJson>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ResponseJson {
    pub municipality: String,
    pub name: String,
    pub submissions: usize,
    pub late: usize,
    pub responded: bool,
}

/// The working group's view: target group × aspect with counts and practices (a practice with
/// two groups and two aspects is in four cells, so cells add up to more than `submissions`),
/// and the response per asked municipality.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct OverviewJson {
    pub consultation: ConsultationJson,
    pub submissions: usize,
    pub grid: Vec<RowJson>,
    pub responses: Vec<ResponseJson>,
    pub municipalities_asked: usize,
    pub municipalities_responded: usize,
    /// Responded ÷ asked, 0 to 1.
    pub response_rate: f64,
}

pub(super) fn build_overview(
    conn: &mut DbConnection,
    consultation: Consultation,
    now: NaiveDateTime,
) -> Result<OverviewJson> {
    let scope = scope(conn, consultation.id)?;
    let reference = Reference::load(conn)?;
    let loaded = submissions_of(conn, consultation.id, None)?;
    let grid = grid(&loaded, &scope, &reference);
    let responses = responses(&loaded, &scope, &reference.municipalities);
    let asked = responses.len();
    let responded = responses.iter().filter(|r| r.responded).count();
    Ok(OverviewJson {
        consultation: consultation_json(conn, consultation, now)?,
        submissions: loaded.len(),
        grid,
        responses,
        municipalities_asked: asked,
        municipalities_responded: responded,
        response_rate: if asked == 0 {
            0.0
        } else {
            responded as f64 / asked as f64
        },
    })
}

/// A municipality's name.
fn name_of(places: &Tags, id: i64) -> String {
    places
        .iter()
        .find(|(i, ..)| *i == id)
        .map(|(_, _, name)| name.clone())
        .unwrap_or_default()
}

fn practice(s: &Loaded, places: &Tags) -> PracticeJson {
    PracticeJson {
        id: s.row.id,
        municipality: code_of(places, s.row.municipality_id),
        municipality_name: name_of(places, s.row.municipality_id),
        rank: s.row.rank,
        title: s.row.title.clone(),
        description: s.row.description.clone(),
        kind: s.row.kind.clone(),
        stage: s.row.stage.clone(),
        lobby_needed: s.row.lobby_needed,
        lobby_note: s.row.lobby_note.clone(),
        contact: s.row.contact.clone(),
        late: s.row.late,
        action_ids: s.actions.clone(),
    }
}

/// A row per target group of the call, a cell per aspect of the call.
fn grid(loaded: &[Loaded], scope: &Scope, reference: &Reference) -> Vec<RowJson> {
    let mut grid = Vec::new();
    for (group_id, group_code, group_name) in reference
        .target_groups
        .iter()
        .filter(|(id, ..)| scope.target_groups.contains(id))
    {
        let mut cells = Vec::new();
        for (aspect_id, aspect_code, aspect_name) in reference
            .aspects
            .iter()
            .filter(|(id, ..)| scope.aspects.contains(id))
        {
            let mut practices: Vec<PracticeJson> = loaded
                .iter()
                .filter(|s| s.target_groups.contains(group_id) && s.aspects.contains(aspect_id))
                .map(|s| practice(s, &reference.municipalities))
                .collect();
            practices.sort_by(|a, b| {
                a.rank
                    .cmp(&b.rank)
                    .then_with(|| a.municipality_name.cmp(&b.municipality_name))
                    .then(a.id.cmp(&b.id))
            });
            cells.push(CellJson {
                aspect: aspect_code.clone(),
                aspect_name: aspect_name.clone(),
                count: practices.len(),
                practices,
            });
        }
        grid.push(RowJson {
            target_group: group_code.clone(),
            target_group_name: group_name.clone(),
            cells,
        });
    }
    grid
}

/// Per asked municipality, by name: its submissions, how many of them late.
fn responses(loaded: &[Loaded], scope: &Scope, places: &Tags) -> Vec<ResponseJson> {
    let mut per_municipality: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    for s in loaded {
        let entry = per_municipality.entry(s.row.municipality_id).or_default();
        entry.0 += 1;
        entry.1 += usize::from(s.row.late);
    }
    let mut responses: Vec<ResponseJson> = scope
        .municipalities
        .iter()
        .map(|id| {
            let (count, late) = per_municipality.get(id).copied().unwrap_or_default();
            ResponseJson {
                municipality: code_of(places, *id),
                name: name_of(places, *id),
                submissions: count,
                late,
                responded: count > 0,
            }
        })
        .collect();
    responses.sort_by(|a, b| a.name.cmp(&b.name));
    responses
}

/// The overview. Admins at any time; ministries once the call is closed (see the module comment).
pub fn overview(
    conn: &mut DbConnection,
    code: &str,
    role: Role,
    now: NaiveDateTime,
) -> Result<OverviewJson> {
    let consultation = load_consultation(conn, code)?;
    drafts_rule(&consultation, role, now)?;
    build_overview(conn, consultation, now)
}
