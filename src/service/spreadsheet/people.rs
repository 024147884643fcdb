//! The export for people: column names and values in the reader's language, with the codes in
//! columns of their own; as a workbook, or as CSV the way a spreadsheet in that language opens
//! it. Dutch Excel reads a CSV with `;` between cells, a byte order mark (else it guesses the
//! wrong encoding) and a decimal comma; English Excel with `,` and a decimal point. Every column
//! name is one the import knows, so the file imports again unchanged.

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use super::escape;
use crate::domain::Lang;
use crate::domain::dates::amsterdam;
use crate::domain::lang::plain_euros;
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::service::actions::ActionJson;
use crate::service::codes::{Codes, Kind};

/// What one cell of the export holds.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Empty,
    Text(String),
    /// A count or an id: a whole number.
    Whole(i64),
    /// Euro cents, written as euros.
    Euros(i64),
    Date(NaiveDate),
    /// A stored UTC instant, written as the time in the Netherlands.
    Moment(NaiveDateTime),
}

/// One action as the columns see it.
struct Row<'a> {
    action: &'a ActionJson,
    codes: &'a Codes,
    lang: Lang,
}

impl Row<'_> {
    fn name(&self, kind: Kind, code: &str) -> Value {
        Value::Text(self.codes.name_of(kind, code, self.lang))
    }

    fn text(text: &str) -> Value {
        if text.is_empty() {
            Value::Empty
        } else {
            Value::Text(text.to_string())
        }
    }
}

/// A column: its name in each language, its width in a workbook, and its cell.
struct Column {
    nl: &'static str,
    en: &'static str,
    width: usize,
    cell: fn(&Row) -> Value,
}

impl Column {
    fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nl => self.nl,
            Lang::En => self.en,
        }
    }
}

/// The columns, in order. The names are the import's (`IMPORT_COLUMNS`, `CODE_COLUMNS` and
/// `EXPORT_ONLY_COLUMNS` in the parent module); a test reads every one back.
const COLUMNS: &[Column] = &[
    Column {
        nl: "ID",
        en: "ID",
        width: 8,
        cell: |r| Value::Whole(r.action.id),
    },
    Column {
        nl: "Titel",
        en: "Title",
        width: 40,
        cell: |r| Row::text(&r.action.title),
    },
    Column {
        nl: "Omschrijving",
        en: "Description",
        width: 50,
        cell: |r| Row::text(&r.action.description),
    },
    Column {
        nl: "Gebied",
        en: "Area",
        width: 26,
        cell: |r| r.name(Kind::Area, &r.action.area),
    },
    Column {
        nl: "Gebiedscode",
        en: "Area code",
        width: 22,
        cell: |r| Row::text(&r.action.area),
    },
    Column {
        nl: "Gemeente",
        en: "Municipality",
        width: 16,
        cell: |r| r.name(Kind::Municipality, &r.action.municipality),
    },
    Column {
        nl: "Ministerie",
        en: "Ministry",
        width: 11,
        cell: |r| Row::text(&r.action.ministry),
    },
    Column {
        nl: "Thema",
        en: "Theme",
        width: 30,
        cell: |r| r.name(Kind::Theme, &r.action.theme),
    },
    Column {
        nl: "Themacode",
        en: "Theme code",
        width: 12,
        cell: |r| Row::text(&r.action.theme),
    },
    Column {
        nl: "Programma",
        en: "Programme",
        width: 30,
        cell: |r| {
            r.action
                .programme
                .as_deref()
                .map_or(Value::Empty, |code| r.name(Kind::Programme, code))
        },
    },
    Column {
        nl: "Programmacode",
        en: "Programme code",
        width: 16,
        cell: |r| Row::text(r.action.programme.as_deref().unwrap_or("")),
    },
    Column {
        nl: "Doelgroepen",
        en: "Target groups",
        width: 40,
        cell: |r| {
            let names: Vec<String> = r
                .action
                .target_groups
                .iter()
                .map(|code| r.codes.name_of(Kind::TargetGroup, code, r.lang))
                .collect();
            Row::text(&names.join("; "))
        },
    },
    Column {
        nl: "Doelgroepcodes",
        en: "Target group codes",
        width: 18,
        cell: |r| Row::text(&r.action.target_groups.join("; ")),
    },
    Column {
        nl: "Verantwoordelijke",
        en: "Responsible",
        width: 24,
        cell: |r| Row::text(&r.action.responsible),
    },
    Column {
        nl: "Begroting (€)",
        en: "Budget (€)",
        width: 16,
        cell: |r| r.action.budget_cents.map_or(Value::Empty, Value::Euros),
    },
    Column {
        nl: "Geplande start",
        en: "Planned start",
        width: 14,
        cell: |r| Value::Date(r.action.planned_start),
    },
    Column {
        nl: "Gepland einde",
        en: "Planned end",
        width: 14,
        cell: |r| Value::Date(r.action.planned_end),
    },
    Column {
        nl: "Oorspronkelijk einde",
        en: "Original planned end",
        width: 14,
        cell: |r| {
            r.action
                .original_plan
                .as_ref()
                .map_or(Value::Empty, |plan| Value::Date(plan.planned_end))
        },
    },
    Column {
        nl: "Status",
        en: "Status",
        width: 14,
        cell: |r| Value::Text(r.action.status.word(r.lang).to_string()),
    },
    Column {
        nl: "Statuscode",
        en: "Status code",
        width: 14,
        cell: |r| Value::Text(r.action.status.as_str().to_string()),
    },
    Column {
        nl: "Gereed (%)",
        en: "Complete (%)",
        width: 11,
        cell: |r| Value::Whole(i64::from(r.action.percent_complete)),
    },
    Column {
        nl: "Laatste update",
        en: "Last update",
        width: 18,
        cell: |r| r.action.last_update_at.map_or(Value::Empty, Value::Moment),
    },
    Column {
        nl: "Versie",
        en: "Version",
        width: 9,
        cell: |r| Value::Whole(r.action.version),
    },
];

/// How a CSV for a spreadsheet in `lang` separates cells and decimals.
fn separators(lang: Lang) -> (u8, char) {
    match lang {
        Lang::Nl => (b';', ','),
        Lang::En => (b',', '.'),
    }
}

fn csv_text(value: &Value, decimal: char) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(text) => escape(text),
        Value::Whole(n) => n.to_string(),
        Value::Euros(cents) => plain_euros(*cents, decimal),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        Value::Moment(utc) => amsterdam(*utc).format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The actions as CSV for a spreadsheet in `lang` (UTF-8 with a byte order mark).
pub(super) fn csv(items: &[ActionJson], codes: &Codes, lang: Lang) -> Result<Vec<u8>> {
    let (delimiter, decimal) = separators(lang);
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(&mut bytes);
    writer
        .write_record(COLUMNS.iter().map(|c| c.name(lang)))
        .map_err(Error::internal)?;
    for action in items {
        let row = Row {
            action,
            codes,
            lang,
        };
        writer
            .write_record(COLUMNS.iter().map(|c| csv_text(&(c.cell)(&row), decimal)))
            .map_err(Error::internal)?;
    }
    writer.flush().map_err(Error::internal)?;
    drop(writer);
    Ok(bytes)
}

fn xlsx_error(err: XlsxError) -> Error {
    Error::internal(format!("cannot write the workbook: {err}"))
}

/// The number formats of a workbook's cells.
struct Formats {
    date: Format,
    moment: Format,
    euros: Format,
}

impl Formats {
    fn new(lang: Lang) -> Self {
        // Format codes are the same in every Excel; the separators shown are the reader's.
        let date = match lang {
            Lang::Nl => "dd-mm-yyyy",
            Lang::En => "yyyy-mm-dd",
        };
        Self {
            date: Format::new().set_num_format(date),
            moment: Format::new().set_num_format(format!("{date} hh:mm")),
            euros: Format::new().set_num_format("#,##0.00"),
        }
    }
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    match value {
        Value::Empty => {}
        Value::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        // Ids, versions and percentages are far below 2^53: exact as numbers in a sheet.
        Value::Whole(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        // The nearest double to the exact amount reads back as the same cents (the import's
        // `float_euros_to_cents`).
        Value::Euros(cents) => {
            sheet.write_number_with_format(row, col, *cents as f64 / 100.0, &formats.euros)?;
        }
        Value::Date(date) => {
            sheet.write_date_with_format(row, col, *date, &formats.date)?;
        }
        Value::Moment(utc) => {
            let local = amsterdam(*utc).naive_local();
            sheet.write_datetime_with_format(row, col, local, &formats.moment)?;
        }
    }
    Ok(())
}

/// The actions as one sheet ("Acties" / "Actions"): typed cells, a bold frozen header with an
/// autofilter, widths to fit. `created` is written as the document's time, so the same data
/// gives the same bytes.
pub(super) fn xlsx(
    items: &[ActionJson],
    codes: &Codes,
    lang: Lang,
    created: NaiveDateTime,
) -> Result<Vec<u8>> {
    const MAX_DATA_ROWS: usize = 1_048_575;
    if items.len() > MAX_DATA_ROWS {
        return Err(Error::BadRequest(Msg::TooManyForXlsx {
            count: items.len(),
        }));
    }
    let (title, sheet_name) = match lang {
        Lang::Nl => ("Versnellingsacties", super::SHEET_NAME),
        Lang::En => ("Acceleration actions", "Actions"),
    };
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(xlsx_error)?;
    let bold = Format::new().set_bold().set_text_wrap();
    let formats = Formats::new(lang);
    for (col, column) in (0u16..).zip(COLUMNS) {
        sheet
            .write_string_with_format(0, col, column.name(lang), &bold)
            .map_err(xlsx_error)?;
        let width = column.width.max(column.name(lang).chars().count()) + 2;
        sheet
            .set_column_width(col, u32::try_from(width).unwrap_or(60))
            .map_err(xlsx_error)?;
    }
    for (row_number, action) in (1u32..).zip(items) {
        let row = Row {
            action,
            codes,
            lang,
        };
        for (col, column) in (0u16..).zip(COLUMNS) {
            write_cell(sheet, row_number, col, &(column.cell)(&row), &formats)
                .map_err(xlsx_error)?;
        }
    }
    let last_row = u32::try_from(items.len()).map_err(Error::internal)?;
    let last_col = u16::try_from(COLUMNS.len() - 1).map_err(Error::internal)?;
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet
        .autofilter(0, 0, last_row, last_col)
        .map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_the_readers_decimal_separator_and_no_grouping() {
        assert_eq!(plain_euros(1_250_050, ','), "12500,50");
        assert_eq!(plain_euros(-5, '.'), "-0.05");
        assert_eq!(plain_euros(100_000_000, ','), "1000000,00");
    }

    #[test]
    fn every_column_name_is_one_the_import_reads() {
        for lang in [Lang::Nl, Lang::En] {
            let header: Vec<String> = COLUMNS.iter().map(|c| c.name(lang).to_string()).collect();
            let layout = super::super::Layout::from_header(&header)
                .unwrap_or_else(|e| panic!("{lang:?}: {e:?}"));
            use super::super::{Column, Field};
            let expected = [
                (1, Column::Field(Field::Title)),
                (2, Column::Field(Field::Description)),
                (3, Column::NamesOf(Field::Area)),
                (4, Column::Field(Field::Area)),
                (6, Column::Field(Field::Ministry)),
                (7, Column::NamesOf(Field::Theme)),
                (8, Column::Field(Field::Theme)),
                (9, Column::NamesOf(Field::Programme)),
                (10, Column::Field(Field::Programme)),
                (11, Column::NamesOf(Field::TargetGroups)),
                (12, Column::Field(Field::TargetGroups)),
                (13, Column::Field(Field::Responsible)),
                (14, Column::Field(Field::Budget)),
                (15, Column::Field(Field::PlannedStart)),
                (16, Column::Field(Field::PlannedEnd)),
            ];
            for (index, column) in expected {
                assert_eq!(layout.columns[index], column, "{lang:?}: {}", header[index]);
            }
            let ignored = [0, 5, 17, 18, 19, 20, 21, 22];
            for index in ignored {
                assert_eq!(layout.columns[index], Column::Ignored, "{}", header[index]);
            }
            assert_eq!(expected.len() + ignored.len(), COLUMNS.len());
        }
    }
}
