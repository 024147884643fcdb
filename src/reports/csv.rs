//! The report as CSV: one row per action with its state on the peildatum, its deviation from
//! both plans, its milestones and the toelichting of a non-green status. Written for Dutch
//! Excel, as the report is Dutch (renderer version 2; version 1 wrote commas and decimal
//! points): UTF-8 with a byte order mark, `;` between cells, a decimal comma, ISO dates, names
//! beside their codes; text that a spreadsheet would read as a formula gets a `'`. Open data
//! (for programs) stays comma-separated.

use std::collections::HashMap;

use super::model::ReportModel;
use crate::domain::Lang;
use crate::domain::dates::amsterdam;
use crate::domain::lang::plain_euros;
use crate::error::{Error, Result};
use crate::service::spreadsheet::escape;

pub const COLUMNS: &[&str] = &[
    "Nr",
    "Actie",
    "Gebied",
    "Gebiedscode",
    "Gemeente",
    "Ministerie",
    "Thema",
    "Themacode",
    "Programmacode",
    "Doelgroepcodes",
    "Verantwoordelijke",
    "Stoplicht",
    "Stoplichtcode",
    "Gereed (%)",
    "Begroting (€)",
    "Oorspronkelijke start",
    "Oorspronkelijk einde",
    "Start",
    "Einde",
    "Verschoven (dagen)",
    "Mijlpalen tot peildatum",
    "Mijlpalen behaald",
    "Laatste melding",
    "Toelichting",
];

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
    let theme_names: HashMap<&str, &str> = model
        .themes
        .iter()
        .map(|t| (t.code.as_str(), t.name.as_str()))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(COLUMNS).map_err(Error::internal)?;
    for a in &model.annex.actions {
        let (milestones_due, milestones_met) = due.get(&a.id).copied().unwrap_or_default();
        let record = [
            a.id.to_string(),
            escape(&a.title),
            escape(&a.area_name),
            a.area.clone(),
            escape(&a.municipality),
            a.ministry.clone(),
            escape(
                theme_names
                    .get(a.theme.as_str())
                    .copied()
                    .unwrap_or(&a.theme),
            ),
            a.theme.clone(),
            a.programme.clone().unwrap_or_default(),
            a.target_groups.join("; "),
            escape(&a.responsible),
            a.status.word(Lang::Nl).to_string(),
            a.status.as_str().to_string(),
            a.percent_complete.to_string(),
            a.budget_cents
                .map(|cents| plain_euros(cents, ','))
                .unwrap_or_default(),
            a.original_start.to_string(),
            a.original_end.to_string(),
            a.planned_start.to_string(),
            a.planned_end.to_string(),
            (a.planned_end - a.original_end).num_days().to_string(),
            milestones_due.to_string(),
            milestones_met.to_string(),
            a.last_update_at
                .map(|t| amsterdam(t).format("%Y-%m-%d %H:%M").to_string())
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
