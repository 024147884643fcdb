//! The note for the cabinet, from the overview: Markdown (also typeset as a PDF) and a workbook.

use std::fmt::Write as _;

use chrono::NaiveDateTime;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};
use serde::Deserialize;

use super::access::drafts_rule;
use super::calls::load_consultation;
use super::overview::{CellJson, OverviewJson, PracticeJson, build_overview};
use super::tags::{Kind, Stage};
use super::time::{spoken, zone_of};
use crate::db::models::Consultation;
use crate::db::{self, DbConnection};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::i18n::Msg;

/// Formats of the note. PDF follows with the reports' renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteFormat {
    /// Markdown, to paste into a cabinet note.
    Md,
    /// A workbook: one row per practice per cell, typed columns, frozen header.
    Xlsx,
    /// The Markdown note typeset as a PDF (A4, page numbers).
    Pdf,
}

impl NoteFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Md => "text/markdown; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Md => "md",
            Self::Xlsx => "xlsx",
            Self::Pdf => "pdf",
        }
    }
}

impl std::str::FromStr for NoteFormat {
    type Err = Msg;

    fn from_str(value: &str) -> std::result::Result<Self, Msg> {
        match value {
            "md" | "markdown" => Ok(Self::Md),
            "xlsx" => Ok(Self::Xlsx),
            "pdf" => Ok(Self::Pdf),
            other => Err(Msg::NoteFormat {
                value: other.to_string(),
            }),
        }
    }
}

/// The note, under the same read rule as the overview.
pub fn export(
    conn: &mut DbConnection,
    code: &str,
    format: NoteFormat,
    role: Role,
    now: NaiveDateTime,
) -> Result<Vec<u8>> {
    let consultation = load_consultation(conn, code)?;
    drafts_rule(&consultation, role, now)?;
    render(conn, consultation, format, now)
}

/// The note for the command line (`versnelling consultation export`): no caller, no rule.
pub fn export_note(conn: &mut DbConnection, code: &str, format: NoteFormat) -> Result<Vec<u8>> {
    let consultation = load_consultation(conn, code)?;
    render(conn, consultation, format, db::now())
}

fn render(
    conn: &mut DbConnection,
    consultation: Consultation,
    format: NoteFormat,
    now: NaiveDateTime,
) -> Result<Vec<u8>> {
    let zone = zone_of(&consultation);
    let deadline = spoken(consultation.deadline_at, zone);
    let overview = build_overview(conn, consultation, now)?;
    match format {
        NoteFormat::Md => Ok(markdown(&overview, &deadline).into_bytes()),
        NoteFormat::Xlsx => xlsx(&overview, now),
        NoteFormat::Pdf => {
            let note = markdown(&overview, &deadline);
            let blocks = crate::reports::pdf::from_markdown(&note);
            Ok(crate::reports::pdf::render(
                &overview.consultation.title,
                &blocks,
            ))
        }
    }
}

/// Escapes what Markdown would read as markup in running text.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The note: per target group, per aspect, the practices by rank, with municipality, kind,
/// stage and lobby. In Dutch: it goes into a cabinet note.
fn markdown(overview: &OverviewJson, deadline: &str) -> String {
    let mut out = String::new();
    write_intro(&mut out, overview, deadline);
    for row in &overview.grid {
        let _ = writeln!(out, "## {}\n", md_escape(&row.target_group_name));
        for cell in &row.cells {
            write_cell(&mut out, cell);
        }
    }
    out.push_str("## Respons per gemeente\n\n| Gemeente | Inzendingen | Waarvan na de termijn |\n|---|---:|---:|\n");
    for r in &overview.responses {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md_escape(&r.name),
            r.submissions,
            r.late
        );
    }
    out
}

/// The title, the question and a sentence on the response.
fn write_intro(out: &mut String, overview: &OverviewJson, deadline: &str) {
    let c = &overview.consultation;
    let _ = writeln!(out, "# {}\n", md_escape(&c.title));
    if !c.question.trim().is_empty() {
        for line in c.question.trim().lines() {
            let _ = writeln!(out, "> {}", md_escape(line));
        }
        out.push('\n');
    }
    let late: usize = overview.responses.iter().map(|r| r.late).sum();
    let _ = writeln!(
        out,
        "Reactietermijn tot {deadline}. {} van de {} gevraagde gemeenten reageerden ({:.0}%), met {} inzendingen{}.\n",
        overview.municipalities_responded,
        overview.municipalities_asked,
        overview.response_rate * 100.0,
        overview.submissions,
        if late > 0 {
            format!(", waarvan {late} na de termijn")
        } else {
            String::new()
        }
    );
}

/// An aspect's heading and its practices.
fn write_cell(out: &mut String, cell: &CellJson) {
    let _ = writeln!(out, "### {}\n", md_escape(&cell.aspect_name));
    if cell.practices.is_empty() {
        out.push_str("_Geen inzendingen._\n\n");
        return;
    }
    for p in &cell.practices {
        write_practice(out, p);
    }
    out.push('\n');
}

/// A practice as a list item: title and facts, then its description and lobby.
fn write_practice(out: &mut String, p: &PracticeJson) {
    let mut facts = vec![
        format!("{} (nr. {})", md_escape(&p.municipality_name), p.rank),
        Kind::label_nl(&p.kind).to_string(),
        Stage::label_nl(&p.stage).to_string(),
    ];
    if p.late {
        facts.push("na de termijn ingediend".into());
    }
    let _ = writeln!(out, "- **{}** — {}", md_escape(&p.title), facts.join(" · "));
    for line in p
        .description
        .trim()
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let _ = writeln!(out, "  {}", md_escape(line.trim()));
    }
    if p.lobby_needed {
        let _ = writeln!(out, "  _Lobby:_ {}", md_escape(p.lobby_note.trim()));
    }
}

fn xlsx_error(err: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("cannot write the workbook: {err}"))
}

const NOTE_COLUMNS: [&str; 13] = [
    "Doelgroep",
    "Aspect",
    "Gemeente",
    "Rang",
    "Titel",
    "Omschrijving",
    "Soort",
    "Fase",
    "Lobby nodig",
    "Lobby",
    "Contact",
    "Na de termijn",
    "Acties",
];

/// One sheet "Praktijken": a row per practice per cell, grouped like the note, typed columns,
/// a bold frozen header with an autofilter; a second sheet "Respons".
fn xlsx(overview: &OverviewJson, created: NaiveDateTime) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&overview.consultation.title)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    write_practices_sheet(workbook.add_worksheet(), overview, &bold)?;
    write_responses_sheet(workbook.add_worksheet(), overview, &bold)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// The sheet "Praktijken".
fn write_practices_sheet(
    sheet: &mut Worksheet,
    overview: &OverviewJson,
    bold: &Format,
) -> Result<()> {
    sheet.set_name("Praktijken").map_err(xlsx_error)?;
    for (col, name) in (0u16..).zip(NOTE_COLUMNS) {
        sheet
            .write_string_with_format(0, col, name, bold)
            .map_err(xlsx_error)?;
    }
    let mut row = 0u32;
    for group in &overview.grid {
        for cell in &group.cells {
            for p in &cell.practices {
                row += 1;
                write_practice_row(sheet, row, &group.target_group_name, cell, p)?;
            }
        }
    }
    for (col, width) in (0u16..).zip([28, 28, 16, 6, 40, 60, 26, 18, 12, 40, 24, 14, 12]) {
        sheet.set_column_width(col, width).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet.autofilter(0, 0, row, 12).map_err(xlsx_error)?;
    Ok(())
}

/// One practice in one cell, in the columns of `NOTE_COLUMNS`; empty texts stay empty cells.
fn write_practice_row(
    sheet: &mut Worksheet,
    row: u32,
    target_group_name: &str,
    cell: &CellJson,
    p: &PracticeJson,
) -> Result<()> {
    let actions = p
        .action_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let texts = [
        (0, target_group_name),
        (1, cell.aspect_name.as_str()),
        (2, p.municipality_name.as_str()),
        (4, p.title.as_str()),
        (5, p.description.as_str()),
        (6, Kind::label_nl(&p.kind)),
        (7, Stage::label_nl(&p.stage)),
        (9, p.lobby_note.as_str()),
        (10, p.contact.as_str()),
        (12, actions.as_str()),
    ];
    for (col, text) in texts {
        if !text.is_empty() {
            sheet.write_string(row, col, text).map_err(xlsx_error)?;
        }
    }
    sheet
        .write_number(row, 3, f64::from(p.rank))
        .map_err(xlsx_error)?;
    sheet
        .write_boolean(row, 8, p.lobby_needed)
        .map_err(xlsx_error)?;
    sheet.write_boolean(row, 11, p.late).map_err(xlsx_error)?;
    Ok(())
}

/// The sheet "Respons": per asked municipality its submissions, late ones, and whether it
/// responded.
fn write_responses_sheet(
    responses: &mut Worksheet,
    overview: &OverviewJson,
    bold: &Format,
) -> Result<()> {
    responses.set_name("Respons").map_err(xlsx_error)?;
    for (col, name) in (0u16..).zip(["Gemeente", "Inzendingen", "Na de termijn", "Gereageerd"]) {
        responses
            .write_string_with_format(0, col, name, bold)
            .map_err(xlsx_error)?;
    }
    for (row, r) in (1u32..).zip(&overview.responses) {
        responses
            .write_string(row, 0, &r.name)
            .map_err(xlsx_error)?;
        responses
            .write_number(row, 1, r.submissions as f64)
            .map_err(xlsx_error)?;
        responses
            .write_number(row, 2, r.late as f64)
            .map_err(xlsx_error)?;
        responses
            .write_boolean(row, 3, r.responded)
            .map_err(xlsx_error)?;
    }
    responses.set_column_width(0, 20).map_err(xlsx_error)?;
    responses.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_cannot_add_structure() {
        assert_eq!(
            md_escape("# *vet* [link](x)"),
            "\\# \\*vet\\* \\[link\\](x)"
        );
    }
}
