//! The report's annex as a workbook: a sheet per table, typed cells (numbers, dates,
//! percentages, euros), a bold frozen header row with an autofilter. Byte-stable: the document
//! time is the report's moment, and nothing else in the file depends on when it is written.

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use super::model::*;
use crate::domain::Lang;
use crate::domain::dates::amsterdam_date;
use crate::domain::rollup::Rollup;
use crate::error::{Error, Result};

enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// A share in percent (50.0 is 50 %), written as the fraction with a percent format.
    Percent(f64),
    Euros(i64),
    Empty,
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn date(value: Option<NaiveDate>) -> Cell {
    value.map(Cell::Date).unwrap_or(Cell::Empty)
}

fn percent(value: Option<f64>) -> Cell {
    value.map(Cell::Percent).unwrap_or(Cell::Empty)
}

fn euros(value: Option<i64>) -> Cell {
    value.map(Cell::Euros).unwrap_or(Cell::Empty)
}

fn number(value: Option<f64>) -> Cell {
    value.map(Cell::Number).unwrap_or(Cell::Empty)
}

fn int(value: impl Into<i64>) -> Cell {
    Cell::Int(value.into())
}

fn yes_no(value: bool) -> Cell {
    text(if value { "ja" } else { "nee" })
}

struct Sheet {
    name: &'static str,
    /// (header, width in characters)
    columns: Vec<(&'static str, u16)>,
    rows: Vec<Vec<Cell>>,
}

struct Formats {
    header: Format,
    date: Format,
    date_time: Format,
    percent: Format,
    euros: Format,
    number: Format,
}

fn xlsx_error(err: XlsxError) -> Error {
    Error::internal(format!("cannot write the workbook: {err}"))
}

fn write_sheet(sheet: &mut Worksheet, data: &Sheet, formats: &Formats) -> Result<()> {
    sheet.set_name(data.name).map_err(xlsx_error)?;
    for (col, (header, width)) in data.columns.iter().enumerate() {
        let col = u16::try_from(col).map_err(Error::internal)?;
        sheet
            .write_string_with_format(0, col, *header, &formats.header)
            .map_err(xlsx_error)?;
        sheet
            .set_column_width(col, f64::from(*width))
            .map_err(xlsx_error)?;
    }
    for (index, row) in data.rows.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(Error::internal)?;
        for (col, cell) in row.iter().enumerate() {
            let c = u16::try_from(col).map_err(Error::internal)?;
            match cell {
                Cell::Text(value) if !value.is_empty() => {
                    sheet.write_string(r, c, value).map_err(xlsx_error)?;
                }
                // Ids and counts are far below 2^53: exact as numbers.
                Cell::Int(value) => {
                    sheet
                        .write_number(r, c, *value as f64)
                        .map_err(xlsx_error)?;
                }
                Cell::Number(value) => {
                    sheet
                        .write_number_with_format(r, c, *value, &formats.number)
                        .map_err(xlsx_error)?;
                }
                Cell::Date(value) => {
                    sheet
                        .write_date_with_format(r, c, *value, &formats.date)
                        .map_err(xlsx_error)?;
                }
                Cell::DateTime(value) => {
                    sheet
                        .write_datetime_with_format(r, c, *value, &formats.date_time)
                        .map_err(xlsx_error)?;
                }
                Cell::Percent(value) => {
                    sheet
                        .write_number_with_format(r, c, value / 100.0, &formats.percent)
                        .map_err(xlsx_error)?;
                }
                Cell::Euros(cents) => {
                    sheet
                        .write_number_with_format(r, c, *cents as f64 / 100.0, &formats.euros)
                        .map_err(xlsx_error)?;
                }
                Cell::Text(_) | Cell::Empty => {}
            }
        }
    }
    let last_row = u32::try_from(data.rows.len()).map_err(Error::internal)?;
    let last_col = u16::try_from(data.columns.len().saturating_sub(1)).map_err(Error::internal)?;
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet
        .autofilter(0, 0, last_row, last_col)
        .map_err(xlsx_error)?;
    Ok(())
}

const STATUS_HEADERS: [(&str, u16); 6] = [
    ("Groen", 8),
    ("Oranje", 8),
    ("Rood", 8),
    ("Afgerond", 10),
    ("Niet gestart", 12),
    ("Gestopt", 9),
];

fn status_cells(rollup: &Rollup) -> Vec<Cell> {
    let s = &rollup.statuses;
    vec![
        int(rollup.actions),
        int(s.on_track),
        int(s.at_risk),
        int(s.off_track),
        int(s.completed),
        int(s.not_started),
        int(s.discontinued),
        percent(rollup.on_schedule_percent),
        percent(rollup.weighted_percent_complete),
        int(rollup.milestones.due),
        int(rollup.milestones.met),
        int(rollup.milestones.late),
        int(rollup.deviation.late_against_original),
        int(rollup.deviation.late_against_current),
    ]
}

fn status_columns(first: Vec<(&'static str, u16)>) -> Vec<(&'static str, u16)> {
    let mut columns = first;
    columns.push(("Acties", 8));
    columns.extend(STATUS_HEADERS);
    columns.extend([
        ("Op schema", 11),
        ("Gewogen voortgang", 12),
        ("Mijlpalen tot peildatum", 12),
        ("Mijlpalen behaald", 11),
        ("Mijlpalen te laat", 11),
        ("Te laat t.o.v. oorspronkelijk", 14),
        ("Te laat t.o.v. huidig", 12),
    ]);
    columns
}

/// The sheets of the workbook, in their order.
fn sheets(model: &ReportModel) -> Vec<Sheet> {
    vec![
        about_sheet(model),
        themes_sheet(model),
        areas_sheet(model),
        ministries_sheet(model),
        actions_sheet(&model.annex),
        milestones_sheet(&model.annex),
        indicators_sheet(&model.annex),
        values_sheet(&model.annex),
        updates_sheet(&model.annex),
        plans_sheet(&model.annex),
        explanations_sheet(model),
        deviations_sheet(model),
        changes_sheet(model),
        corrections_sheet(model),
    ]
}

/// Sheet "Rapportage": what the report is about and when it was made.
fn about_sheet(model: &ReportModel) -> Sheet {
    let cut_off = model.period.cut_off;
    let mut about = vec![
        vec![text("Rapportage"), text(model.title.clone())],
        vec![text("Periode"), text(model.period.name.clone())],
        vec![text("Periodecode"), text(model.period.code.clone())],
        vec![text("Begin periode"), date(model.period.starts_on)],
        vec![text("Peildatum"), Cell::Date(cut_off)],
        vec![text("Stand per"), Cell::Date(model.as_of_date)],
        vec![text("Stand per (UTC)"), Cell::DateTime(model.as_of)],
    ];
    if let Some(previous) = &model.previous {
        about.push(vec![
            text("Vorige rapportage"),
            text(previous.period.name.clone()),
        ]);
        about.push(vec![
            text("Vorige peildatum"),
            Cell::Date(previous.period.cut_off),
        ]);
    }
    Sheet {
        name: "Rapportage",
        columns: vec![("Gegeven", 22), ("Waarde", 48)],
        rows: about,
    }
}

/// Sheet "Per thema": the roll-up and budgets per theme, with the total.
fn themes_sheet(model: &ReportModel) -> Sheet {
    let mut rows: Vec<Vec<Cell>> = model
        .themes
        .iter()
        .map(|t| {
            let mut row = vec![text(t.code.clone()), text(t.name.clone())];
            row.extend(status_cells(&t.rollup));
            row.extend([
                Cell::Euros(t.budget.current_cents),
                Cell::Euros(t.budget.original_cents),
            ]);
            row
        })
        .collect();
    let mut total = vec![text(""), text("Totaal")];
    total.extend(status_cells(&model.summary.total));
    total.extend([
        Cell::Euros(model.themes.iter().map(|t| t.budget.current_cents).sum()),
        Cell::Euros(model.themes.iter().map(|t| t.budget.original_cents).sum()),
    ]);
    rows.push(total);
    let mut columns = status_columns(vec![("Thema", 12), ("Naam", 32)]);
    columns.extend([("Begroot (huidig)", 16), ("Begroot (oorspronkelijk)", 16)]);
    Sheet {
        name: "Per thema",
        columns,
        rows,
    }
}

/// Sheet "Per gebied": the roll-up per area.
fn areas_sheet(model: &ReportModel) -> Sheet {
    Sheet {
        name: "Per gebied",
        columns: status_columns(vec![
            ("Gebied", 24),
            ("Naam", 28),
            ("Gemeente", 16),
            ("Provincie", 14),
        ]),
        rows: model
            .areas
            .iter()
            .map(|a| {
                let mut row = vec![
                    text(a.code.clone()),
                    text(a.name.clone()),
                    text(a.municipality.clone()),
                    text(a.province.clone()),
                ];
                row.extend(status_cells(&a.rollup));
                row
            })
            .collect(),
    }
}

/// Sheet "Per ministerie": the sign-off and roll-up per ministry.
fn ministries_sheet(model: &ReportModel) -> Sheet {
    let mut columns = vec![
        ("Ministerie", 11),
        ("Naam", 40),
        ("Aanlevering", 12),
        ("Datum aanlevering", 14),
    ];
    columns.extend(status_columns(vec![]));
    Sheet {
        name: "Per ministerie",
        columns,
        rows: model
            .ministries
            .iter()
            .map(|m| {
                let mut row = vec![
                    text(m.code.clone()),
                    text(m.name.clone()),
                    text(
                        m.signoff
                            .as_ref()
                            .map(|s| s.state.label_nl())
                            .unwrap_or("niet ingediend"),
                    ),
                    date(m.signoff.as_ref().map(|s| s.on)),
                ];
                row.extend(status_cells(&m.rollup));
                row
            })
            .collect(),
    }
}

/// Sheet "Acties": every action with every field.
fn actions_sheet(a: &Annex) -> Sheet {
    Sheet {
        name: "Acties",
        columns: vec![
            ("Nr", 7),
            ("Actie", 40),
            ("Omschrijving", 50),
            ("Gebied", 22),
            ("Gebiedsnaam", 26),
            ("Gemeente", 14),
            ("Ministerie", 10),
            ("Thema", 12),
            ("Programma", 18),
            ("Doelgroepen", 22),
            ("Verantwoordelijke", 22),
            ("Stoplicht", 12),
            ("Voortgang", 10),
            ("Begroting", 15),
            ("Start oorspronkelijk", 13),
            ("Einde oorspronkelijk", 13),
            ("Start", 12),
            ("Einde", 12),
            ("Verschoven (dagen)", 11),
            ("Laatste melding", 18),
        ],
        rows: a
            .actions
            .iter()
            .map(|x| {
                vec![
                    int(x.id),
                    text(x.title.clone()),
                    text(x.description.clone()),
                    text(x.area.clone()),
                    text(x.area_name.clone()),
                    text(x.municipality.clone()),
                    text(x.ministry.clone()),
                    text(x.theme.clone()),
                    text(x.programme.clone().unwrap_or_default()),
                    text(x.target_groups.join(", ")),
                    text(x.responsible.clone()),
                    text(x.status.word(Lang::Nl)),
                    Cell::Percent(f64::from(x.percent_complete)),
                    euros(x.budget_cents),
                    Cell::Date(x.original_start),
                    Cell::Date(x.original_end),
                    Cell::Date(x.planned_start),
                    Cell::Date(x.planned_end),
                    int((x.planned_end - x.original_end).num_days()),
                    x.last_update_at.map(Cell::DateTime).unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
    }
}

/// Sheet "Mijlpalen": every milestone.
fn milestones_sheet(a: &Annex) -> Sheet {
    Sheet {
        name: "Mijlpalen",
        columns: vec![
            ("Nr", 7),
            ("Actie", 7),
            ("Mijlpaal", 40),
            ("Periode", 14),
            ("Gepland oorspronkelijk", 13),
            ("Gepland", 12),
            ("Behaald", 12),
            ("Te laat", 8),
        ],
        rows: a
            .milestones
            .iter()
            .map(|m| {
                vec![
                    int(m.id),
                    int(m.action_id),
                    text(m.title.clone()),
                    text(m.report_period.clone().unwrap_or_default()),
                    Cell::Date(m.original_due),
                    Cell::Date(m.due),
                    date(m.done_on),
                    yes_no(m.late),
                ]
            })
            .collect(),
    }
}

/// Sheet "Indicatoren": every indicator with its latest value.
fn indicators_sheet(a: &Annex) -> Sheet {
    Sheet {
        name: "Indicatoren",
        columns: vec![
            ("Nr", 7),
            ("Actie", 7),
            ("Indicator", 40),
            ("Eenheid", 12),
            ("Richting", 10),
            ("Nulmeting", 11),
            ("Doel", 10),
            ("Doel per", 12),
            ("Laatste waarde", 12),
            ("Gemeten op", 12),
            ("Van nulmeting naar doel", 12),
        ],
        rows: a
            .indicators
            .iter()
            .map(|i| {
                vec![
                    int(i.id),
                    int(i.action_id),
                    text(i.name.clone()),
                    text(i.unit.clone()),
                    text(i.direction.clone()),
                    Cell::Number(i.baseline),
                    Cell::Number(i.target),
                    date(i.target_date),
                    number(i.latest.map(|l| l.value)),
                    date(i.latest.map(|l| l.on)),
                    percent(i.progress_percent),
                ]
            })
            .collect(),
    }
}

/// Sheet "Metingen": every measurement.
fn values_sheet(a: &Annex) -> Sheet {
    Sheet {
        name: "Metingen",
        columns: vec![
            ("Indicator", 9),
            ("Gemeten op", 12),
            ("Waarde", 10),
            ("Toelichting", 50),
            ("Vastgelegd (UTC)", 18),
        ],
        rows: a
            .indicator_values
            .iter()
            .map(|v| {
                vec![
                    int(v.indicator_id),
                    Cell::Date(v.measured_on),
                    Cell::Number(v.value),
                    text(v.note.clone()),
                    Cell::DateTime(v.recorded_at),
                ]
            })
            .collect(),
    }
}

/// Sheet "Voortgangsmeldingen": the progress updates of the period.
fn updates_sheet(a: &Annex) -> Sheet {
    Sheet {
        name: "Voortgangsmeldingen",
        columns: vec![
            ("Actie", 7),
            ("Vastgelegd (UTC)", 18),
            ("Stoplicht", 12),
            ("Voortgang", 10),
            ("Toelichting", 60),
        ],
        rows: a
            .updates
            .iter()
            .map(|u| {
                vec![
                    int(u.action_id),
                    Cell::DateTime(u.recorded_at),
                    text(u.status.word(Lang::Nl)),
                    Cell::Percent(f64::from(u.percent_complete)),
                    text(u.note.clone()),
                ]
            })
            .collect(),
    }
}

/// Sheet "Planningen": every plan of every action.
fn plans_sheet(a: &Annex) -> Sheet {
    Sheet {
        name: "Planningen",
        columns: vec![
            ("Actie", 7),
            ("Versie", 7),
            ("Start", 12),
            ("Einde", 12),
            ("Begroting", 15),
            ("Reden", 40),
            ("Vastgelegd (UTC)", 18),
        ],
        rows: a
            .plans
            .iter()
            .map(|p| {
                vec![
                    int(p.action_id),
                    int(p.seq),
                    Cell::Date(p.planned_start),
                    Cell::Date(p.planned_end),
                    euros(p.budget_cents),
                    text(p.reason.clone()),
                    Cell::DateTime(p.recorded_at),
                ]
            })
            .collect(),
    }
}

/// Sheet "Toelichting": a row per note of each non-green action (one empty row without notes).
fn explanations_sheet(model: &ReportModel) -> Sheet {
    Sheet {
        name: "Toelichting",
        columns: vec![
            ("Actie", 7),
            ("Titel", 36),
            ("Gebied", 22),
            ("Ministerie", 10),
            ("Stoplicht", 10),
            ("Datum", 12),
            ("Toelichting", 60),
        ],
        rows: model
            .explanations
            .iter()
            .flat_map(|e| {
                let notes: Vec<Option<&DatedNote>> = if e.notes.is_empty() {
                    vec![None]
                } else {
                    e.notes.iter().map(Some).collect()
                };
                notes.into_iter().map(move |n| {
                    vec![
                        int(e.action.id),
                        text(e.action.title.clone()),
                        text(e.action.area.clone()),
                        text(e.action.ministry.clone()),
                        text(e.action.status.word(Lang::Nl)),
                        date(n.map(|n| n.on)),
                        text(n.map(|n| n.text.clone()).unwrap_or_default()),
                    ]
                })
            })
            .collect(),
    }
}

/// Sheet "Afwijkingen": the actions late against either plan, or re-planned.
fn deviations_sheet(model: &ReportModel) -> Sheet {
    Sheet {
        name: "Afwijkingen",
        columns: vec![
            ("Actie", 7),
            ("Titel", 36),
            ("Gebied", 22),
            ("Einde oorspronkelijk", 13),
            ("Einde huidig", 12),
            ("Verschoven (dagen)", 11),
            ("Te laat t.o.v. oorspronkelijk", 14),
            ("Te laat t.o.v. huidig", 12),
            ("Herplanningen", 50),
        ],
        rows: model
            .deviations
            .rows
            .iter()
            .map(|r| {
                vec![
                    int(r.action.id),
                    text(r.action.title.clone()),
                    text(r.action.area.clone()),
                    Cell::Date(r.action.original_end),
                    Cell::Date(r.action.planned_end),
                    int(r.slip_days),
                    yes_no(r.late_against_original),
                    yes_no(r.late_against_current),
                    text(
                        r.replans
                            .iter()
                            .map(|p| format!("{}: {}", p.on, p.reason))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                ]
            })
            .collect(),
    }
}

/// Sheet "Wijzigingen": the status changes since the previous report, by kind.
fn changes_sheet(model: &ReportModel) -> Sheet {
    let mut changes = Vec::new();
    if let Some(c) = &model.summary.changes {
        for (kind, list) in [
            ("verbeterd", &c.improved),
            ("verslechterd", &c.worsened),
            ("gestart", &c.started),
            ("afgerond", &c.finished),
            ("gestopt", &c.stopped),
        ] {
            for change in list {
                changes.push(vec![
                    text(kind),
                    int(change.action_id),
                    text(change.title.clone()),
                    text(change.area.clone()),
                    text(change.from.map(|s| s.word(Lang::Nl)).unwrap_or("nieuw")),
                    text(change.to.word(Lang::Nl)),
                ]);
            }
        }
    }
    Sheet {
        name: "Wijzigingen",
        columns: vec![
            ("Soort", 12),
            ("Actie", 7),
            ("Titel", 36),
            ("Gebied", 22),
            ("Was", 12),
            ("Is", 12),
        ],
        rows: changes,
    }
}

/// Sheet "Correcties": corrections to the previous report's numbers.
fn corrections_sheet(model: &ReportModel) -> Sheet {
    Sheet {
        name: "Correcties",
        columns: vec![
            ("Actie", 7),
            ("Titel", 36),
            ("Gebied", 22),
            ("Onderwerp", 36),
            ("Soort", 11),
            ("Was (datum)", 12),
            ("Was (waarde)", 11),
            ("Wordt (datum)", 12),
            ("Wordt (waarde)", 11),
            ("Vastgelegd", 12),
        ],
        rows: model
            .corrections
            .iter()
            .map(|c| {
                let (kind, was_on, was, now_on, now) = match &c.kind {
                    CorrectionKind::Milestone {
                        previous_done,
                        corrected_done,
                    } => ("mijlpaal", *previous_done, None, *corrected_done, None),
                    CorrectionKind::Indicator {
                        previous,
                        corrected,
                    } => (
                        "indicator",
                        previous.map(|v| v.on),
                        previous.map(|v| v.value),
                        corrected.map(|v| v.on),
                        corrected.map(|v| v.value),
                    ),
                };
                vec![
                    int(c.action_id),
                    text(c.action.clone()),
                    text(c.area.clone()),
                    text(c.subject.clone()),
                    text(kind),
                    date(was_on),
                    number(was),
                    date(now_on),
                    number(now),
                    Cell::Date(c.recorded_on),
                ]
            })
            .collect(),
    }
}

pub fn render(model: &ReportModel) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: {}", model.title, model.period.name))
            .set_subject(format!("Stand per {}", amsterdam_date(model.as_of)))
            .set_author("Programmabureau versnellingsacties")
            .set_company("Ministerie van BZK")
            .set_creation_datetime(&model.as_of),
    );
    let formats = Formats {
        header: Format::new().set_bold().set_text_wrap(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        percent: Format::new().set_num_format("0.0%"),
        euros: Format::new().set_num_format("€ #,##0.00"),
        number: Format::new().set_num_format("#,##0.##"),
    };
    for data in sheets(model) {
        let sheet = workbook.add_worksheet();
        write_sheet(sheet, &data, &formats)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}
