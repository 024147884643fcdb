//! The report as CSV: one row per action with its state on the peildatum, its deviation from
//! both plans, its milestones and the toelichting of a non-green status. UTF-8, comma, ISO dates,
//! numbers with a decimal point; text that a spreadsheet would read as a formula gets a `'`.

use std::collections::HashMap;

use super::model::ReportModel;
use crate::domain::Lang;
use crate::error::{Error, Result};
use crate::service::spreadsheet::escape;

pub const COLUMNS: &[&str] = &[
    "nr",
    "actie",
    "gebied_code",
    "gebied",
    "gemeente",
    "ministerie",
    "thema",
    "programma",
    "doelgroepen",
    "verantwoordelijke",
    "stoplicht",
    "stoplicht_nl",
    "voortgang_procent",
    "begroting_euro",
    "start_oorspronkelijk",
    "einde_oorspronkelijk",
    "start",
    "einde",
    "verschoven_dagen",
    "mijlpalen_tot_peildatum",
    "mijlpalen_behaald",
    "laatste_melding",
    "toelichting",
];

/// `1250050` cents is `12500.50`.
fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

pub fn render(model: &ReportModel) -> Result<Vec<u8>> {
    let explanations: HashMap<i64, String> = model
        .explanations
        .iter()
        .filter_map(|e| e.notes.first().map(|n| (e.action.id, n.text.clone())))
        .collect();
    let mut due: HashMap<i64, (u32, u32)> = HashMap::new();
    for m in &model.annex.milestones {
        if m.due <= model.period.cut_off {
            let entry = due.entry(m.action_id).or_default();
            entry.0 += 1;
            if m.done_on.is_some() {
                entry.1 += 1;
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(Error::internal)?;
    for a in &model.annex.actions {
        let (milestones_due, milestones_met) = due.get(&a.id).copied().unwrap_or_default();
        let record = [
            a.id.to_string(),
            escape(&a.title),
            a.area.clone(),
            escape(&a.area_name),
            escape(&a.municipality),
            a.ministry.clone(),
            a.theme.clone(),
            a.programme.clone().unwrap_or_default(),
            a.target_groups.join(", "),
            escape(&a.responsible),
            a.status.as_str().to_string(),
            a.status.word(Lang::Nl).to_string(),
            a.percent_complete.to_string(),
            a.budget_cents.map(euros).unwrap_or_default(),
            a.original_start.to_string(),
            a.original_end.to_string(),
            a.planned_start.to_string(),
            a.planned_end.to_string(),
            (a.planned_end - a.original_end).num_days().to_string(),
            milestones_due.to_string(),
            milestones_met.to_string(),
            a.last_update_at
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
            explanations
                .get(&a.id)
                .map(|t| escape(t))
                .unwrap_or_default(),
        ];
        writer.write_record(&record).map_err(Error::internal)?;
    }
    writer
        .into_inner()
        .map_err(|err| Error::internal(err.to_string()))
}
