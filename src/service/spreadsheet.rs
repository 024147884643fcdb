//! Spreadsheets of actions: the import behind `versnelling import actions FILE` reads the lists
//! ministries keep (CSV or XLSX) and creates every action in one transaction, or none; the export
//! writes the actions with their state (now or as of a date) as CSV, XLSX or JSON.
//!
//! # The import file
//!
//! One header row, then one action per row (empty rows are skipped). Column names are matched
//! in English or Dutch, regardless of case, spaces, hyphens, underscores and signs such as `(€)`
//! (`Begroting (€)` is `begroting`):
//!
//! | column          | also                                    | value                                          |
//! |-----------------|-----------------------------------------|------------------------------------------------|
//! | `title`         | `titel`                                 | required                                       |
//! | `description`   | `omschrijving`, `beschrijving`          |                                                |
//! | `area`          | `gebied`                                | required; area code (`rotterdam-zuid`) or name |
//! | `ministry`      | `ministerie`                            | required; `BZK`, `SZW`, `OCW`, `VWS`, `JenV` or name |
//! | `theme`         | `thema`                                 | required; theme code or Dutch or English name  |
//! | `programme`     | `programma`, `program`                  | programme code or title                        |
//! | `target_groups` | `doelgroepen`, `doelgroep`, `target_group` | codes or names separated by `,` or `;`      |
//! | `responsible`   | `verantwoordelijke`                     |                                                |
//! | `budget`        | `begroting`, `budget_euro`, `budget_eur` | euros: `12500`, `12.500,50`, `12500.50`       |
//! | `budget_cents`  |                                         | whole cents (instead of `budget`)              |
//! | `planned_start` | `geplande_start`, `start`, `startdatum` | required; `2021-03-31`, `31-03-2021` or a date cell |
//! | `planned_end`   | `gepland_einde`, `eind`, `einde`, `einddatum`, `end` | required; as `planned_start`      |
//!
//! Codes and names match regardless of case, spaces and hyphens (`Den Haag Zuidwest` is
//! `den-haag-zuidwest`, `Schuldenproblematiek` is `debt`); an unknown one is refused with the
//! valid values. Beside `area`, `theme`, `programme` and `target_groups` a file may have their
//! codes in a column of their own (`gebiedscode`/`area_code`, `themacode`, `programmacode`,
//! `doelgroepcodes`), as the export for people writes them: then the codes count and the names
//! are ignored. Any other column is an error for the whole file, so a misspelt column is never
//! silently dropped. A CSV is UTF-8 (a BOM is allowed) with `,`, `;` or tab between cells,
//! whichever the header line uses most. In a budget, a lone `.` or `,` followed by exactly three
//! digits groups thousands (`12.500` is twelve thousand five hundred euros, as a Dutch reader
//! means it); with one or two digits after it, it is the decimal separator. More than two
//! decimals is an error.
//!
//! # Limits
//!
//! Whatever the file, reading it stays within the limits below (constants in this module, listed
//! in the README), and a file past one is refused with one error that names it, before anything
//! is written: at most 10 MB; for a workbook (XLSX, a zip) at most 256 parts, each unpacking to
//! at most 32 MB and all together to 64 MB as counted while unpacking, no DOCTYPE (XML
//! entities), no XML tag or text over 1 MB, at most 440,000 shared texts and cell styles that
//! stay small (`workbook_check`); cells only within A1:AN11000 (a workbook's `<dimension>` too),
//! at most 10,000 rows of actions (reading stops at the next one), no cell over 40,000 bytes and
//! at most 32 MB of text in all. A workbook's sheet is read cell by cell (`xlsx_reader`), a CSV
//! field by field (`csv_reader`). Old Excel files (.xls) are refused with the advice to save them
//! as .xlsx or CSV.
//!
//! # Round trip
//!
//! The export comes in two kinds. The plain CSV (for programs, the API's default) uses the
//! import's English column names and codes, commas and decimal points. The export for people
//! (`people`: every workbook, and a CSV asked for in a language) names the columns and the
//! areas, themes, programmes, target groups and statuses in the reader's language, with the
//! codes in columns of their own; a Dutch CSV is for Dutch Excel (`;`, a BOM, decimal commas).
//! Both add export-only columns (id, municipality, original end, status, percent complete, last
//! update, version). The importer knows these and ignores them (the report lists them): an
//! import always creates new actions with baseline 1, not started; state changes go through
//! progress updates. So every export imports again as copies of the same actions, also after
//! Dutch Excel saved it. A CSV export prefixes text that starts with `=`, `+`, `-` or `@` with
//! `'`, so a spreadsheet program does not run it as a formula; the importer removes that prefix
//! again.

mod csv_reader;
mod people;
mod table;
mod workbook_check;
mod xlsx_reader;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use serde::{Deserialize, Serialize};

use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::domain::lang::plain_euros;
use crate::domain::names::key;
use crate::domain::{ActionId, Lang, MAX_NOTE};
use crate::error::{Error, FieldError, Result};
use crate::i18n::Msg;
use crate::service::actions::{self, ActionFilter, ActionJson, Authorize, NewActionInput};
use crate::service::audit::Actor;
use crate::service::codes::{Codes, Kind};
use table::{Cell, Table, TableRow};

// Import limits: whatever the file, reading it stays within these (issue 18). The README's
// import section lists them.

/// The largest import file, in bytes (10 MB): refused before anything of it is parsed.
pub const MAX_FILE_BYTES: usize = 10 << 20;

/// The most action rows one import takes; reading stops at the row after them.
pub const MAX_ROWS: usize = 10_000;

/// The last row of a sheet an import reads: the header, [`MAX_ROWS`] actions and room for
/// blank rows and notes. A cell further down, or a `<dimension>` reaching it, is refused.
pub const MAX_SHEET_ROWS: usize = MAX_ROWS + 1_000;

/// The most columns an import reads (A to AN): an export's 18 and room for a few of one's own.
pub const MAX_COLUMNS: usize = 40;

/// The longest cell, in bytes: [`MAX_NOTE`] characters of up to four bytes each, so any cell
/// an action could hold is read (and one too long gets its row problem, not this refusal).
pub const MAX_CELL_BYTES: usize = 4 * MAX_NOTE;

/// All cells' text together, in bytes: a workbook's shared texts are stored once but may fill
/// every cell.
pub const MAX_TEXT_BYTES: usize = 32 << 20;

/// The most parts (zip entries) of a workbook; one of the import's has about a dozen.
pub const MAX_WORKBOOK_PARTS: usize = 256;

/// The most one part of a workbook unpacks to, counted as it is unpacked.
pub const MAX_PART_BYTES: u64 = 32 << 20;

/// The most all parts of a workbook unpack to together.
pub const MAX_UNPACKED_BYTES: u64 = 64 << 20;

/// The longest tag, comment or run of text in a workbook's XML, in bytes.
pub const MAX_XML_TOKEN_BYTES: usize = 1 << 20;

/// The most shared texts of a workbook: one per cell an import reads.
pub const MAX_SHARED_STRINGS: usize = MAX_SHEET_ROWS * MAX_COLUMNS;

/// What copies of a workbook's cell styles may take, in bytes (calamine copies a style's font
/// and number format into each style).
pub const MAX_STYLE_BYTES: usize = 32 << 20;

/// The most sheets and defined names in one part of a workbook: calamine keeps a record of
/// each (620,000 sheets in 30 MB of XML took 166 MB); a list of actions has one sheet and a
/// few names.
pub const MAX_WORKBOOK_ENTRIES: usize = 1_000;

/// The most relationships in one part: a sheet's hyperlinks are relationships too, so one per
/// row an import reads, and some.
pub const MAX_RELATIONSHIPS: usize = MAX_SHEET_ROWS + 1_000;

/// The sheet an import prefers and an export writes.
pub const SHEET_NAME: &str = "Acties";

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

/// A field of a new action that a column fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Title,
    Description,
    Area,
    Ministry,
    Theme,
    Programme,
    TargetGroups,
    Responsible,
    Budget,
    BudgetCents,
    PlannedStart,
    PlannedEnd,
}

/// Each field with its accepted column names, the English one first. Names match by
/// [`key`]: case, spaces, hyphens, underscores and signs such as `(€)` do not count.
const IMPORT_COLUMNS: &[(Field, &[&str])] = &[
    (Field::Title, &["title", "titel"]),
    (
        Field::Description,
        &["description", "omschrijving", "beschrijving"],
    ),
    (Field::Area, &["area", "gebied"]),
    (Field::Ministry, &["ministry", "ministerie"]),
    (Field::Theme, &["theme", "thema"]),
    (Field::Programme, &["programme", "programma", "program"]),
    (
        Field::TargetGroups,
        &["target_groups", "doelgroepen", "doelgroep", "target_group"],
    ),
    (Field::Responsible, &["responsible", "verantwoordelijke"]),
    (
        Field::Budget,
        &["budget", "begroting", "budget_euro", "budget_eur"],
    ),
    (Field::BudgetCents, &["budget_cents"]),
    (
        Field::PlannedStart,
        &["planned_start", "geplande_start", "start", "startdatum"],
    ),
    (
        Field::PlannedEnd,
        &[
            "planned_end",
            "gepland_einde",
            "geplande_eind",
            "eind",
            "einde",
            "einddatum",
            "end",
        ],
    ),
];

/// Columns with the codes of a field whose own column may hold names (the export for people
/// writes both). When a file has both, the codes count and the names are ignored.
const CODE_COLUMNS: &[(Field, &[&str])] = &[
    (Field::Area, &["area_code", "gebiedscode"]),
    (Field::Theme, &["theme_code", "themacode"]),
    (Field::Programme, &["programme_code", "programmacode"]),
    (
        Field::TargetGroups,
        &["target_group_codes", "doelgroepcodes"],
    ),
];

const REQUIRED: &[Field] = &[
    Field::Title,
    Field::Area,
    Field::Ministry,
    Field::Theme,
    Field::PlannedStart,
    Field::PlannedEnd,
];

/// Columns an export adds, in English and Dutch; an import ignores them.
const EXPORT_ONLY_COLUMNS: &[&str] = &[
    "id",
    "municipality",
    "gemeente",
    "municipality_code",
    "gemeentecode",
    "original_planned_end",
    "oorspronkelijk_einde",
    "oorspronkelijke_eind",
    "status",
    "status_code",
    "statuscode",
    "percent_complete",
    "complete",
    "gereed",
    "voortgang",
    "last_update_at",
    "last_update",
    "laatste_update",
    "version",
    "versie",
];

/// The columns of the plain export, in order.
const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "title",
    "description",
    "area",
    "municipality",
    "ministry",
    "theme",
    "programme",
    "target_groups",
    "responsible",
    "budget",
    "planned_start",
    "planned_end",
    "original_planned_end",
    "status",
    "percent_complete",
    "last_update_at",
    "version",
];

impl Field {
    fn names(self) -> &'static [&'static str] {
        IMPORT_COLUMNS
            .iter()
            .find(|(field, _)| *field == self)
            .map(|(_, names)| *names)
            .unwrap_or(&[])
    }

    /// The English column name.
    fn name(self) -> &'static str {
        self.names().first().copied().unwrap_or("")
    }

    /// The field of `NewActionInput` it fills, as the action service names it in its errors.
    fn input_field(self) -> &'static str {
        match self {
            Field::Budget | Field::BudgetCents => "budget_cents",
            other => other.name(),
        }
    }
}

/// Whether a column name is one of `accepted` (`Planned Start`, `planned-start` and
/// ` PLANNED_START ` are all `planned_start`; `Begroting (€)` is `begroting`).
fn is_one_of(name_key: &str, accepted: &[&str]) -> bool {
    accepted.iter().any(|a| key(a) == name_key)
}

/// Excel's name of a column: A … Z, AA, AB, …
fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rest).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// What one column of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Field(Field),
    /// The names of a field whose codes are in a column of their own: they count where a row's
    /// code is empty.
    NamesOf(Field),
    /// An export-only column.
    Ignored,
    /// No name in the header row: it must stay empty.
    Unnamed,
}

/// Which column of the file fills which field.
#[derive(Debug)]
struct Layout {
    /// Per column of the file, in order.
    columns: Vec<Column>,
    /// The header as the file writes it (trimmed).
    header: Vec<String>,
    /// Each field's column name as the file writes it (the report speaks the user's words).
    names: HashMap<Field, String>,
    /// The columns of names of the fields that have a column of codes too, as the file names
    /// them.
    beside_codes: HashMap<Field, String>,
    /// Export-only columns, as the file names them.
    ignored: Vec<String>,
}

/// The problems of a header as a whole: unknown columns, the budget twice, required ones
/// missing.
fn check_columns(
    names: &HashMap<Field, String>,
    unknown: Vec<String>,
    problems: &mut Vec<FieldError>,
) {
    if !unknown.is_empty() {
        let known: Vec<String> = IMPORT_COLUMNS
            .iter()
            .map(|(_, names)| names.join("/"))
            .collect();
        problems.push(FieldError::new(
            "columns",
            Msg::UnknownColumns { unknown, known },
        ));
    }
    if let (Some(euros), Some(cents)) = (names.get(&Field::Budget), names.get(&Field::BudgetCents))
    {
        problems.push(FieldError::new(
            "columns",
            Msg::BudgetTwice {
                euros: euros.clone(),
                cents: cents.clone(),
            },
        ));
    }
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|field| !names.contains_key(field))
        .map(|field| format!("`{}`", field.names().join("`/`")))
        .collect();
    if !missing.is_empty() {
        problems.push(FieldError::new("columns", Msg::MissingColumns { missing }));
    }
}

impl Layout {
    fn from_header(header: &[String]) -> Result<Self> {
        let mut columns = Vec::with_capacity(header.len());
        let mut names: HashMap<Field, String> = HashMap::new();
        // The columns of codes found, by field: (position, name as written).
        let mut code_columns: HashMap<Field, (usize, String)> = HashMap::new();
        let mut ignored = Vec::new();
        let mut beside_codes = HashMap::new();
        let mut unknown = Vec::new();
        let mut problems = Vec::new();
        let mut seen = |field: Field, shown: &str, taken: Option<&String>| {
            if let Some(earlier) = taken {
                problems.push(FieldError::new(
                    "columns",
                    Msg::ColumnTwice {
                        earlier: earlier.clone(),
                        shown: shown.to_string(),
                        field: field.name().to_string(),
                    },
                ));
            }
        };
        for (position, raw) in header.iter().enumerate() {
            let shown = raw.trim().trim_start_matches('\u{feff}').trim();
            if shown.is_empty() {
                columns.push(Column::Unnamed);
                continue;
            }
            let name_key = key(shown);
            let field_of = |table: &[(Field, &[&str])]| {
                table
                    .iter()
                    .find(|(_, accepted)| is_one_of(&name_key, accepted))
                    .map(|(field, _)| *field)
            };
            if let Some(field) = field_of(IMPORT_COLUMNS) {
                seen(field, shown, names.get(&field));
                names.entry(field).or_insert_with(|| shown.to_string());
                columns.push(Column::Field(field));
            } else if let Some(field) = field_of(CODE_COLUMNS) {
                seen(field, shown, code_columns.get(&field).map(|(_, n)| n));
                code_columns
                    .entry(field)
                    .or_insert_with(|| (position, shown.to_string()));
                columns.push(Column::Field(field));
            } else if is_one_of(&name_key, EXPORT_ONLY_COLUMNS) {
                ignored.push(shown.to_string());
                columns.push(Column::Ignored);
            } else {
                unknown.push(format!("`{shown}`"));
                columns.push(Column::Unnamed);
            }
        }
        // Codes beside names: a row's code fills the field, its name where the code is empty.
        let mut code_columns: Vec<_> = code_columns.into_iter().collect();
        code_columns.sort_by_key(|(_, (position, _))| *position);
        for (field, (position, shown)) in code_columns {
            if let Some(name_column) = names.insert(field, shown) {
                for (index, column) in columns.iter_mut().enumerate() {
                    if *column == Column::Field(field) && index != position {
                        *column = Column::NamesOf(field);
                    }
                }
                beside_codes.insert(field, name_column);
            }
        }
        check_columns(&names, unknown, &mut problems);
        if problems.is_empty() {
            Ok(Self {
                columns,
                header: header
                    .iter()
                    .map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string())
                    .collect(),
                names,
                beside_codes,
                ignored,
            })
        } else {
            Err(Error::Validation(problems))
        }
    }

    /// The column name of a field as the file writes it.
    fn name(&self, field: Field) -> String {
        self.names
            .get(&field)
            .cloned()
            .unwrap_or_else(|| field.name().to_string())
    }

    /// Where a column of the report is in the file, to list a row's problems left to right.
    fn position(&self, column: &str) -> usize {
        self.header
            .iter()
            .position(|name| name == column)
            .unwrap_or(usize::MAX)
    }

    /// The column name for an error of the action service about `input_field`.
    fn name_of_input_field(&self, input_field: &str) -> String {
        let base = input_field.split('.').next().unwrap_or(input_field);
        if base == "budget_cents" {
            return self
                .names
                .get(&Field::BudgetCents)
                .cloned()
                .unwrap_or_else(|| self.name(Field::Budget));
        }
        IMPORT_COLUMNS
            .iter()
            .find(|(field, _)| field.name() == base)
            .map(|(field, _)| self.name(*field))
            .unwrap_or_else(|| base.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a file into rows of cells
// ---------------------------------------------------------------------------------------------

fn file_error(message: Msg) -> Error {
    Error::Validation(vec![FieldError::new("file", message)])
}

/// Refuses an import file larger than [`MAX_FILE_BYTES`], before anything of it is read. The
/// command line checks the length it read (at most one byte more); [`parse_file`] checks again.
pub fn check_file_size(bytes: usize) -> Result<()> {
    if bytes > MAX_FILE_BYTES {
        return Err(file_error(Msg::FileTooLarge {
            max_mb: MAX_FILE_BYTES >> 20,
        }));
    }
    Ok(())
}

/// An XLSX workbook (a zip) by its magic bytes.
fn is_zip(data: &[u8]) -> bool {
    data.starts_with(b"PK\x03\x04")
}

/// An old Excel workbook (.xls, a compound file) by its magic bytes.
fn is_old_excel(data: &[u8]) -> bool {
    data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The rows of an import file: an XLSX workbook by its magic bytes, anything else as CSV.
fn read_table(data: &[u8]) -> Result<Table> {
    check_file_size(data.len())?;
    if is_zip(data) {
        xlsx_reader::read_workbook(data)
    } else if is_old_excel(data) {
        Err(file_error(Msg::FileOldExcel))
    } else {
        csv_reader::read_csv(data)
    }
}

// ---------------------------------------------------------------------------------------------
// Cell values
// ---------------------------------------------------------------------------------------------

/// Characters a spreadsheet program reads as the start of a formula.
fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Removes the `'` an export puts before formula-like text.
fn unescape(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest.to_string(),
        _ => text.to_string(),
    }
}

/// Protects text against formula injection when a CSV is opened in a spreadsheet program.
pub fn escape(text: &str) -> String {
    if starts_like_formula(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The text of a cell; numbers and dates as they would be typed.
fn text_of(cell: &Cell) -> std::result::Result<Option<String>, Msg> {
    Ok(match cell {
        Cell::Empty => None,
        Cell::Text(text) => Some(unescape(text)),
        Cell::Int(value) => Some(value.to_string()),
        Cell::Float(value) => Some(value.to_string()),
        Cell::DateTime(value) if value.time() == chrono::NaiveTime::MIN => {
            Some(value.date().to_string())
        }
        Cell::DateTime(value) => Some(value.format("%Y-%m-%d %H:%M:%S").to_string()),
        Cell::Bool(value) => Some(if *value { "TRUE" } else { "FALSE" }.to_string()),
        Cell::Error(error) => {
            return Err(Msg::CellError {
                error: error.clone(),
            });
        }
    })
}

/// `2021-03-31` (also with a time after it), `31-03-2021` or `31-3-2021`.
fn parse_date_text(text: &str) -> std::result::Result<NaiveDate, Msg> {
    let text = text.trim();
    // An ISO date-time (from an ODS or a database dump): the date part counts.
    let date_part = match text.get(..10) {
        Some(date) if text.len() > 10 && text[10..].starts_with(['T', ' ']) => date,
        _ => text,
    };
    let parts: Vec<&str> = date_part.split('-').collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric {
        return Err(Msg::NotADate {
            text: text.to_string(),
        });
    }
    let number = |p: &str| p.parse::<u32>().ok();
    let (year, month, day) = if parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        (parts[2], parts[1], parts[0])
    } else {
        return Err(Msg::NotADate {
            text: text.to_string(),
        });
    };
    let year = number(year).and_then(|y| i32::try_from(y).ok());
    match (year, number(month), number(day)) {
        (Some(year), Some(month), Some(day)) => NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| Msg::NotACalendarDay {
                text: text.to_string(),
            }),
        _ => Err(Msg::NotADate {
            text: text.to_string(),
        }),
    }
}

fn date_of(cell: &Cell) -> std::result::Result<Option<NaiveDate>, Msg> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(text) => parse_date_text(text).map(Some),
        Cell::DateTime(value) => Ok(Some(value.date())),
        Cell::Int(_) | Cell::Float(_) => Err(Msg::NumberNotDate),
        Cell::Bool(_) => Err(Msg::CellNotDate),
        Cell::Error(error) => Err(Msg::CellError {
            error: error.clone(),
        }),
    }
}

/// Which of `.` and `,` separates the cents in `digits`, if any: the last of two different
/// ones; a single one followed by one or two digits; none when it groups thousands.
fn decimal_separator(
    digits: &str,
    not_an_amount: &dyn Fn() -> Msg,
    too_many_decimals: &dyn Fn() -> Msg,
) -> std::result::Result<Option<char>, Msg> {
    let dots = digits.matches('.').count();
    let commas = digits.matches(',').count();
    Ok(match (dots, commas) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let (separator, count) = if dots > 0 { ('.', dots) } else { (',', commas) };
            let after = digits.rsplit(separator).next().unwrap_or("");
            if count == 1 && (1..=2).contains(&after.len()) {
                Some(separator)
            } else if after.len() == 3 {
                None
            } else if count == 1 {
                return Err(too_many_decimals());
            } else {
                return Err(not_an_amount());
            }
        }
        _ => {
            let last_dot = digits.rfind('.').unwrap_or(0);
            let last_comma = digits.rfind(',').unwrap_or(0);
            Some(if last_dot > last_comma { '.' } else { ',' })
        }
    })
}

/// Euros as written by people: `12500`, `12.500`, `12.500,50`, `12,500.50`, `€ 1.250,-`.
fn euros_to_cents(text: &str) -> std::result::Result<i64, Msg> {
    let shown = text.trim();
    let not_an_amount = || Msg::NotAnAmount {
        text: shown.to_string(),
    };
    let too_many_decimals = || Msg::TooManyDecimals {
        text: shown.to_string(),
    };
    let mut cleaned: String = shown.chars().filter(|c| !c.is_whitespace()).collect();
    for symbol in ["€", "EUR", "eur", "Eur"] {
        if let Some(rest) = cleaned.strip_prefix(symbol) {
            cleaned = rest.to_string();
        }
        if let Some(rest) = cleaned.strip_suffix(symbol) {
            cleaned = rest.to_string();
        }
    }
    // `1.250,-`: whole euros, as on Dutch invoices.
    for suffix in [",-", ".-", ",--", ".--"] {
        if let Some(rest) = cleaned.strip_suffix(suffix) {
            cleaned = rest.to_string();
        }
    }
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(not_an_amount());
    }
    let decimal_separator = decimal_separator(digits, &not_an_amount, &too_many_decimals)?;
    let (whole, fraction) = match decimal_separator {
        Some(separator) => match digits.rsplit_once(separator) {
            Some((whole, fraction)) => (whole, fraction),
            None => (digits, ""),
        },
        None => (digits, ""),
    };
    if fraction.contains(['.', ',']) {
        return Err(not_an_amount());
    }
    if fraction.len() > 2 {
        return Err(too_many_decimals());
    }
    // The whole part: plain digits, or groups of three after a first group of one to three.
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && (whole.contains('.') != whole.contains(',')));
    if whole.is_empty() || !grouped_well {
        return Err(not_an_amount());
    }
    let too_large = || Msg::AmountTooLarge {
        text: shown.to_string(),
    };
    let mut cents: i64 = 0;
    for digit in groups.concat().bytes() {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(digit - b'0')))
            .ok_or_else(too_large)?;
    }
    cents = cents.checked_mul(100).ok_or_else(too_large)?;
    let fraction_cents = match fraction.len() {
        0 => 0,
        1 => i64::from(fraction.as_bytes()[0] - b'0') * 10,
        _ => fraction.parse::<i64>().map_err(|_| not_an_amount())?,
    };
    cents = cents.checked_add(fraction_cents).ok_or_else(too_large)?;
    Ok(if negative { -cents } else { cents })
}

/// A number cell in euros: floating point only here, rounded to cents and checked.
fn float_euros_to_cents(value: f64) -> std::result::Result<i64, Msg> {
    let scaled = value * 100.0;
    if !scaled.is_finite() || scaled.abs() > 9.0e15 {
        return Err(Msg::AmountTooLarge {
            text: value.to_string(),
        });
    }
    let cents = scaled.round();
    // A binary fraction is never exact: allow its rounding error, not a third decimal.
    let tolerance = 1e-6_f64.max(scaled.abs() * f64::EPSILON * 4.0);
    if (scaled - cents).abs() > tolerance {
        return Err(Msg::TooManyDecimals {
            text: value.to_string(),
        });
    }
    // Whole and below 9e15, checked above: the cast is exact.
    Ok(cents as i64)
}

fn budget_of(cell: &Cell) -> std::result::Result<Option<i64>, Msg> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(text) => euros_to_cents(text).map(Some),
        Cell::Int(value) => value
            .checked_mul(100)
            .map(Some)
            .ok_or_else(|| Msg::AmountTooLarge {
                text: value.to_string(),
            }),
        Cell::Float(value) => float_euros_to_cents(*value).map(Some),
        Cell::DateTime(_) | Cell::Bool(_) => Err(Msg::CellNotAmount),
        Cell::Error(error) => Err(Msg::CellError {
            error: error.clone(),
        }),
    }
}

fn cents_of(cell: &Cell) -> std::result::Result<Option<i64>, Msg> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(text) => {
            let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            digits
                .parse::<i64>()
                .map(Some)
                .map_err(|_| Msg::NotWholeCents { text: text.clone() })
        }
        Cell::Int(value) => Ok(Some(*value)),
        // Whole and below 9e15: the cast is exact.
        Cell::Float(value) if value.fract() == 0.0 && value.abs() < 9.0e15 => {
            Ok(Some(*value as i64))
        }
        Cell::Float(_) | Cell::DateTime(_) | Cell::Bool(_) => Err(Msg::WholeCents),
        Cell::Error(error) => Err(Msg::CellError {
            error: error.clone(),
        }),
    }
}

/// The code a cell's code or name stands for (`bzk` is `BZK`, `Den Haag Zuidwest` is
/// `den-haag-zuidwest`, `Schuldenproblematiek` is `debt`), or the text itself, which the
/// action service then refuses with the valid values.
fn canonical(codes: &Codes, kind: Kind, value: &str) -> String {
    codes
        .code_of(kind, value)
        .map_or_else(|| value.trim().to_string(), str::to_string)
}

// ---------------------------------------------------------------------------------------------
// Validation and import
// ---------------------------------------------------------------------------------------------

/// One problem in one cell (or row) of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The row number as the spreadsheet shows it; the header is row 1.
    pub row: usize,
    /// The column as the file names it; empty when the problem is with the row as a whole.
    pub column: String,
    #[serde(serialize_with = "english")]
    pub message: Msg,
}

/// A problem's message in English, for the JSON of the command line.
fn english<S: serde::Serializer>(msg: &Msg, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(&msg.to_string())
}

/// What an import did or would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Rows with an action in them.
    pub rows: usize,
    pub dry_run: bool,
    /// The ids of the actions created; empty unless the import was written.
    pub created: Vec<ActionId>,
    /// Every problem of every row; when there is any, nothing was written.
    pub problems: Vec<RowProblem>,
    /// Export-only columns the import ignored, as the file names them.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    /// No row has a problem.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// How many rows have at least one problem.
    pub fn bad_rows(&self) -> usize {
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len()
    }

    /// The problems as field errors (`rows.3.gebied`), for a problem+json answer.
    pub fn field_errors(&self) -> Vec<FieldError> {
        self.problems
            .iter()
            .map(|p| {
                let field = if p.column.is_empty() {
                    format!("rows.{}", p.row)
                } else {
                    format!("rows.{}.{}", p.row, p.column)
                };
                FieldError::new(field, p.message.clone())
            })
            .collect()
    }
}

/// A row turned into the service's input, with what was wrong on the way.
struct Draft {
    number: usize,
    input: NewActionInput,
    problems: Vec<RowProblem>,
    /// Input fields already reported: the service's errors about them would only repeat it
    /// (their value in `input` is a stand-in).
    reported: Vec<&'static str>,
}

/// The date that stands in for a date that did not parse, so the rest of the row is still
/// checked: the day of the cabinet letter.
fn stand_in_date() -> NaiveDate {
    crate::seed::reference::programme_start()
}

/// The dates of a row, once read.
#[derive(Default)]
struct Dates {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

/// Puts one cell's value into the input, or says what is wrong with it.
fn fill(
    input: &mut NewActionInput,
    dates: &mut Dates,
    field: Field,
    cell: &Cell,
    codes: &Codes,
) -> std::result::Result<(), Msg> {
    let text = || text_of(cell);
    match field {
        Field::Title => input.title = text()?.unwrap_or_default(),
        Field::Description => input.description = text()?.unwrap_or_default(),
        Field::Responsible => input.responsible = text()?.unwrap_or_default(),
        Field::Area => {
            input.area = text()?
                .map(|v| canonical(codes, Kind::Area, &v))
                .unwrap_or_default();
        }
        Field::Ministry => {
            input.ministry = text()?
                .map(|v| canonical(codes, Kind::Ministry, &v))
                .unwrap_or_default();
        }
        Field::Theme => {
            input.theme = text()?
                .map(|v| canonical(codes, Kind::Theme, &v))
                .unwrap_or_default();
        }
        Field::Programme => {
            input.programme = text()?.map(|v| canonical(codes, Kind::Programme, &v));
        }
        Field::TargetGroups => {
            input.target_groups = text()?
                .map(|v| {
                    v.split([',', ';'])
                        .map(str::trim)
                        .filter(|code| !code.is_empty())
                        .map(|code| canonical(codes, Kind::TargetGroup, code))
                        .collect()
                })
                .unwrap_or_default();
        }
        Field::Budget => input.budget_cents = budget_of(cell)?,
        Field::BudgetCents => input.budget_cents = cents_of(cell)?,
        Field::PlannedStart => dates.start = date_of(cell)?,
        Field::PlannedEnd => dates.end = date_of(cell)?,
    }
    Ok(())
}

/// The value of a field that has a column of codes and one of names, as the input holds it.
fn coded_value(input: &NewActionInput, field: Field) -> Vec<String> {
    match field {
        Field::Area => vec![input.area.clone()],
        Field::Theme => vec![input.theme.clone()],
        Field::Programme => input.programme.iter().cloned().collect(),
        Field::TargetGroups => input.target_groups.clone(),
        _ => Vec::new(),
    }
}

/// A row's name of a field whose code column is empty fills the field; a name that says other
/// than the row's code is a problem (the row was edited in one column and not the other).
fn names_where_codes_are_empty(
    draft: &mut Draft,
    layout: &Layout,
    codes: &Codes,
    field: Field,
    cell: &Cell,
) {
    if draft.reported.contains(&field.input_field()) {
        return;
    }
    let by_code = coded_value(&draft.input, field);
    let mut by_name = draft.input.clone();
    let mut dates = Dates::default();
    let column = layout
        .beside_codes
        .get(&field)
        .cloned()
        .unwrap_or_else(|| field.name().to_string());
    let problem = match fill(&mut by_name, &mut dates, field, cell, codes) {
        Err(message) => Some(message),
        Ok(()) if by_code.iter().all(String::is_empty) => {
            draft.input = by_name;
            None
        }
        Ok(()) if coded_value(&by_name, field) == by_code => None,
        Ok(()) => Some(Msg::NameAndCodeDiffer {
            name: text_of(cell).ok().flatten().unwrap_or_default(),
            code: by_code.join("; "),
            code_column: layout.name(field),
        }),
    };
    if let Some(message) = problem {
        draft.problems.push(RowProblem {
            row: draft.number,
            column,
            message,
        });
        draft.reported.push(field.input_field());
    }
}

fn parse_row(row: &TableRow, layout: &Layout, codes: &Codes) -> Draft {
    let mut draft = Draft {
        number: row.number,
        input: NewActionInput {
            title: String::new(),
            description: String::new(),
            area: String::new(),
            ministry: String::new(),
            theme: String::new(),
            programme: None,
            target_groups: Vec::new(),
            responsible: String::new(),
            budget_cents: None,
            planned_start: stand_in_date(),
            planned_end: stand_in_date(),
        },
        problems: Vec::new(),
        reported: Vec::new(),
    };
    let mut dates = Dates::default();
    let mut names_beside_codes = Vec::new();
    for (index, cell) in row.cells.iter().enumerate() {
        match layout
            .columns
            .get(index)
            .copied()
            .unwrap_or(Column::Unnamed)
        {
            Column::Field(field) => {
                if let Err(message) = fill(&mut draft.input, &mut dates, field, cell, codes) {
                    draft.problems.push(RowProblem {
                        row: row.number,
                        column: layout.name(field),
                        message,
                    });
                    draft.reported.push(field.input_field());
                }
            }
            Column::NamesOf(field) if *cell != Cell::Empty => {
                names_beside_codes.push((field, cell))
            }
            Column::NamesOf(_) | Column::Ignored => {}
            Column::Unnamed if *cell == Cell::Empty => {}
            Column::Unnamed => draft.problems.push(RowProblem {
                row: row.number,
                column: format!("column {}", column_letter(index)),
                message: Msg::UnnamedColumn,
            }),
        }
    }
    for (field, cell) in names_beside_codes {
        names_where_codes_are_empty(&mut draft, layout, codes, field, cell);
    }
    // A required cell that is empty (or missing at the end of a short CSV line).
    for field in REQUIRED {
        if draft.reported.contains(&field.input_field()) {
            continue;
        }
        let empty = match field {
            Field::Title => draft.input.title.trim().is_empty(),
            Field::Area => draft.input.area.is_empty(),
            Field::Ministry => draft.input.ministry.is_empty(),
            Field::Theme => draft.input.theme.is_empty(),
            Field::PlannedStart => dates.start.is_none(),
            Field::PlannedEnd => dates.end.is_none(),
            _ => false,
        };
        if empty {
            draft.problems.push(RowProblem {
                row: row.number,
                column: layout.name(*field),
                message: Msg::CellEmptyRequired,
            });
            draft.reported.push(field.input_field());
        }
    }
    // A date that is missing or bad takes the other one, so the order of the dates is only
    // reported when both are real.
    draft.input.planned_start = dates.start.or(dates.end).unwrap_or_else(stand_in_date);
    draft.input.planned_end = dates.end.or(dates.start).unwrap_or_else(stand_in_date);
    draft
}

/// How an import transaction ends early: rolled back with a report, or failed.
enum Abort {
    Rollback(ImportReport),
    Failed(Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(err: diesel::result::Error) -> Self {
        Abort::Failed(err.into())
    }
}

/// Imports the actions of a spreadsheet (CSV or XLSX bytes): every row is checked with the
/// action service, in one transaction that commits only when every row is good and this is not
/// a dry run. File-level problems (unreadable file, unknown or missing columns) are an error;
/// row problems are in the report, all of them, with nothing written.
/// An import file read and checked row by row, before anything touches the database.
pub struct ParsedImport {
    drafts: Vec<Draft>,
    layout: Layout,
}

impl ParsedImport {
    /// The action rows found below the header.
    pub fn rows(&self) -> usize {
        self.drafts.len()
    }

    /// What is wrong with the rows, as far as the file alone tells.
    pub fn problems(&self) -> impl Iterator<Item = &RowProblem> {
        self.drafts.iter().flat_map(|draft| draft.problems.iter())
    }
}

/// Reads an import file (CSV or XLSX, any bytes) into checked rows: the file-level error names
/// what is wrong with the file; row problems stay with their rows. No database access, so the
/// fuzz target `import_file` calls it with arbitrary input.
pub fn parse_file(data: &[u8], codes: &Codes) -> Result<ParsedImport> {
    let table = read_table(data)?;
    let layout = Layout::from_header(&table.header)?;
    if table.rows.is_empty() {
        return Err(file_error(Msg::FileNoActions));
    }
    let drafts = table
        .rows
        .iter()
        .map(|row| parse_row(row, &layout, codes))
        .collect();
    Ok(ParsedImport { drafts, layout })
}

pub fn import_actions(
    conn: &mut DbConnection,
    data: &[u8],
    dry_run: bool,
    actor: &Actor,
    authorize: Authorize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport> {
    let codes = Codes::load(conn)?;
    let ParsedImport { drafts, layout } = parse_file(data, &codes)?;
    let total = drafts.len();
    progress(0, total);
    let outcome = db::write_transaction(conn, |conn| -> std::result::Result<ImportReport, Abort> {
        let mut problems = Vec::new();
        let mut created = Vec::new();
        for (index, draft) in drafts.into_iter().enumerate() {
            problems.extend(draft.problems);
            match actions::create(conn, actor, &draft.input, authorize) {
                Ok(action) => created.push(ActionId::from(action.id)),
                Err(Error::Validation(errors)) => {
                    for error in errors {
                        let base = error.field.split('.').next().unwrap_or(&error.field);
                        if draft.reported.contains(&base) {
                            continue;
                        }
                        problems.push(RowProblem {
                            row: draft.number,
                            column: layout.name_of_input_field(&error.field),
                            message: error.msg,
                        });
                    }
                }
                // The row cannot be written as it is (not allowed, or refused by the database).
                Err(
                    error @ (Error::Forbidden(_)
                    | Error::Conflict { .. }
                    | Error::BadRequest(_)
                    | Error::NotFound(_)),
                ) => {
                    problems.push(RowProblem {
                        row: draft.number,
                        column: String::new(),
                        message: error.message(),
                    });
                }
                Err(other) => return Err(Abort::Failed(other)),
            }
            progress(index + 1, total);
        }
        problems.sort_by_key(|p: &RowProblem| (p.row, layout.position(&p.column)));
        let mut report = ImportReport {
            rows: total,
            dry_run,
            created: Vec::new(),
            problems,
            ignored_columns: layout.ignored.clone(),
        };
        if report.is_ok() && !dry_run {
            report.created = created;
            Ok(report)
        } else {
            Err(Abort::Rollback(report))
        }
    });
    match outcome {
        Ok(report) | Err(Abort::Rollback(report)) => Ok(report),
        Err(Abort::Failed(error)) => Err(error),
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(value: &str) -> std::result::Result<Self, String> {
        match value.trim().to_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            "json" => Ok(ExportFormat::Json),
            _ => Err(format!("unknown format `{value}`; use csv, xlsx or json")),
        }
    }
}

/// An export in memory.
#[derive(Debug, Clone)]
pub struct Export {
    pub bytes: Vec<u8>,
    /// How many actions it holds.
    pub actions: usize,
    /// The moment it shows, when one was asked for.
    pub as_of: Option<AsOf>,
}

/// Every action that matches `filter` (paging ignored), with its state now or as of
/// `filter.as_of`, as a file. The same data gives the same bytes.
///
/// With a language the file is for people: names in that language beside the codes, and a CSV
/// as a spreadsheet in that language reads it (Dutch: `;`, a BOM, decimal commas). Without
/// one, a CSV is plain (commas, codes, English column names) and a workbook is Dutch.
pub fn export_actions(
    conn: &mut DbConnection,
    filter: &ActionFilter,
    format: ExportFormat,
    lang: Option<Lang>,
) -> Result<Export> {
    let as_of = actions::as_of_param(filter.as_of.as_deref())?;
    let items = actions::all(conn, filter)?;
    let bytes = match (format, lang) {
        (ExportFormat::Csv, None) => write_csv(&items)?,
        (ExportFormat::Csv, Some(lang)) => people::csv(&items, &Codes::load(conn)?, lang)?,
        (ExportFormat::Xlsx, lang) => people::xlsx(
            &items,
            &Codes::load(conn)?,
            lang.unwrap_or(Lang::Nl),
            document_time(&items, as_of),
        )?,
        (ExportFormat::Json, _) => write_json(&items)?,
    };
    Ok(Export {
        bytes,
        actions: items.len(),
        as_of,
    })
}

/// `acties-2021-03-31.csv`: the day of the moment shown, or today, in Europe/Amsterdam.
pub fn file_name(format: ExportFormat, as_of: Option<AsOf>) -> String {
    let day = match as_of {
        Some(as_of) => amsterdam_date(as_of.before - chrono::Duration::microseconds(1)),
        None => Utc::now().with_timezone(&Amsterdam).date_naive(),
    };
    format!("acties-{day}.{}", format.extension())
}

fn amsterdam_date(utc: NaiveDateTime) -> NaiveDate {
    Utc.from_utc_datetime(&utc)
        .with_timezone(&Amsterdam)
        .date_naive()
}

/// The creation time written into an XLSX: the moment shown, or the latest change in the data,
/// so the same data gives the same bytes (never "now").
fn document_time(items: &[ActionJson], as_of: Option<AsOf>) -> NaiveDateTime {
    if let Some(as_of) = as_of {
        return as_of.before - chrono::Duration::microseconds(1);
    }
    items
        .iter()
        .flat_map(|a| [Some(a.updated_at), a.last_update_at])
        .flatten()
        .max()
        .unwrap_or_else(|| stand_in_date().and_time(chrono::NaiveTime::MIN))
}

fn utc_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn write_csv(items: &[ActionJson]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(EXPORT_COLUMNS)
        .map_err(Error::internal)?;
    for a in items {
        let record = [
            a.id.to_string(),
            escape(&a.title),
            escape(&a.description),
            a.area.clone(),
            a.municipality.clone(),
            a.ministry.clone(),
            a.theme.clone(),
            a.programme.clone().unwrap_or_default(),
            a.target_groups.join(", "),
            escape(&a.responsible),
            a.budget_cents
                .map(|cents| plain_euros(cents, '.'))
                .unwrap_or_default(),
            a.planned_start.to_string(),
            a.planned_end.to_string(),
            a.original_plan
                .as_ref()
                .map(|p| p.planned_end.to_string())
                .unwrap_or_default(),
            a.status.as_str().to_string(),
            a.percent_complete.to_string(),
            a.last_update_at.map(utc_text).unwrap_or_default(),
            a.version.to_string(),
        ];
        writer.write_record(&record).map_err(Error::internal)?;
    }
    writer
        .into_inner()
        .map_err(|err| Error::internal(err.to_string()))
}

/// A JSON export: every matching action, without paging.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportJson<'a> {
    pub items: &'a [ActionJson],
    pub total: usize,
}

fn write_json(items: &[ActionJson]) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&ExportJson {
        items,
        total: items.len(),
    })
    .map_err(Error::internal)?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_in_dutch_and_english_notation_become_exact_cents() {
        for (text, cents) in [
            ("12500", 1_250_000),
            ("12.500", 1_250_000),
            ("12.500,50", 1_250_050),
            ("12500,5", 1_250_050),
            ("12500.50", 1_250_050),
            ("12,500.50", 1_250_050),
            ("1.000.000", 100_000_000),
            ("€ 1.250,-", 125_000),
            ("0,99", 99),
            ("EUR 7", 700),
            ("-5", -500),
        ] {
            assert_eq!(euros_to_cents(text), Ok(cents), "{text}");
        }
        for text in [
            "veel",
            "12,50,5",
            "1.2345",
            "12.500,505",
            "1,2.3",
            "",
            "12.50.500",
            "--3",
        ] {
            assert!(euros_to_cents(text).is_err(), "{text}");
        }
        assert!(euros_to_cents("12.345").is_ok_and(|c| c == 1_234_500));
        assert_eq!(
            euros_to_cents("99999999999999999999"),
            Err(Msg::AmountTooLarge {
                text: "99999999999999999999".into()
            })
        );
    }

    #[test]
    fn number_cells_in_euros_round_to_cents_or_are_refused() {
        assert_eq!(float_euros_to_cents(12500.5), Ok(1_250_050));
        assert_eq!(float_euros_to_cents(0.29), Ok(29));
        assert_eq!(float_euros_to_cents(1_234_567.89), Ok(123_456_789));
        assert!(float_euros_to_cents(1.234).is_err());
        assert!(float_euros_to_cents(f64::NAN).is_err());
    }

    #[test]
    fn dates_are_iso_or_dutch() {
        let day = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        assert_eq!(parse_date_text("2021-03-31"), Ok(day));
        assert_eq!(parse_date_text("31-03-2021"), Ok(day));
        assert_eq!(parse_date_text("31-3-2021"), Ok(day));
        assert_eq!(parse_date_text("2021-03-31T00:00:00"), Ok(day));
        assert_eq!(
            parse_date_text("31-02-2021"),
            Err(Msg::NotACalendarDay {
                text: "31-02-2021".into()
            })
        );
        for text in ["31/03/2021", "31-03-21", "morgen", "2021-3", "03-31-2021x"] {
            assert!(parse_date_text(text).is_err(), "{text}");
        }
    }

    #[test]
    fn column_names_match_in_either_language_and_any_case() {
        let header: Vec<String> = [
            "Titel",
            "GEBIED",
            "Ministerie",
            "thema",
            "Planned Start",
            "planned-end",
            "status",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let layout = Layout::from_header(&header).unwrap();
        assert_eq!(layout.columns[4], Column::Field(Field::PlannedStart));
        assert_eq!(layout.columns[5], Column::Field(Field::PlannedEnd));
        assert_eq!(layout.columns[6], Column::Ignored);
        assert_eq!(layout.ignored, vec!["status".to_string()]);
        assert_eq!(layout.name_of_input_field("planned_start"), "Planned Start");

        let header: Vec<String> = ["titl", "area"].iter().map(|s| s.to_string()).collect();
        let Err(Error::Validation(errors)) = Layout::from_header(&header) else {
            panic!("expected a validation error");
        };
        let Msg::UnknownColumns { unknown, .. } = &errors[0].msg else {
            panic!("expected an unknown column: {errors:?}");
        };
        assert_eq!(unknown, &["`titl`".to_string()]);
        assert!(
            errors[1].msg.to_string().contains("`title`/`titel`"),
            "{errors:?}"
        );
    }

    #[test]
    fn codes_match_regardless_of_case_and_spacing_and_names_count_as_codes() {
        let codes = Codes::reference();
        assert_eq!(
            canonical(&codes, Kind::Area, "Den Haag Zuidwest"),
            "den-haag-zuidwest"
        );
        assert_eq!(canonical(&codes, Kind::Ministry, "jenv"), "JenV");
        assert_eq!(
            canonical(&codes, Kind::Theme, "Schuldenproblematiek"),
            "debt"
        );
        assert_eq!(canonical(&codes, Kind::Area, " atlantis "), "atlantis");
    }

    #[test]
    fn a_name_counts_where_its_code_is_empty_and_a_name_that_differs_from_its_code_is_refused() {
        let file = "Titel;Gebied;Gebiedscode;Ministerie;Thema;Themacode;Start;Eind\n\
            Alleen namen;Den Haag Zuidwest;;SZW;Schuldenproblematiek;;2021-01-01;2021-12-31\n\
            Beide gelijk;Rotterdam-Zuid;rotterdam-zuid;SZW;Schuldenproblematiek;debt;2021-01-01;2021-12-31\n\
            Thema gewijzigd;Rotterdam-Zuid;rotterdam-zuid;SZW;Jongeren;debt;2021-01-01;2021-12-31\n";
        let parsed = parse_file(file.as_bytes(), &Codes::reference()).expect("a readable file");
        let drafts = &parsed.drafts;
        assert_eq!(drafts[0].input.area, "den-haag-zuidwest");
        assert_eq!(drafts[0].input.theme, "debt");
        assert!(drafts[0].problems.is_empty(), "{:?}", drafts[0].problems);
        assert_eq!(drafts[1].input.theme, "debt");
        assert!(drafts[1].problems.is_empty(), "{:?}", drafts[1].problems);
        let problems: Vec<_> = parsed.problems().collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].row, problems[0].column.as_str()), (4, "Thema"));
        assert!(matches!(problems[0].message, Msg::NameAndCodeDiffer { .. }));
    }

    #[test]
    fn dutch_headers_of_the_report_and_the_export_are_columns() {
        let header: Vec<String> = [
            "Titel",
            "Gebied",
            "Gebiedscode",
            "Ministerie",
            "Thema",
            "Themacode",
            "Begroting (€)",
            "Geplande start",
            "Gepland einde",
            "Status",
            "Gereed (%)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let layout = Layout::from_header(&header).expect("every column known");
        assert_eq!(layout.columns[1], Column::NamesOf(Field::Area));
        assert_eq!(layout.columns[2], Column::Field(Field::Area));
        assert_eq!(layout.columns[4], Column::NamesOf(Field::Theme));
        assert_eq!(layout.columns[6], Column::Field(Field::Budget));
        assert_eq!(layout.name(Field::Area), "Gebiedscode");
        assert_eq!(layout.ignored, ["Status", "Gereed (%)"]);
    }

    #[test]
    fn formula_like_text_is_escaped_for_csv_and_unescaped_on_import() {
        assert_eq!(escape("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(unescape(&escape("-5 jongeren")), "-5 jongeren");
        assert_eq!(unescape("'gewoon"), "'gewoon");
        assert_eq!(escape("gewoon"), "gewoon");
    }

    #[test]
    fn columns_are_lettered_as_in_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    /// Regression (cargo-fuzz, `import_file`): a header ended by a lone '\r' made the next
    /// record row 1 again, so its problems pointed at the header.
    #[test]
    fn rows_after_a_carriage_return_line_end_keep_counting() {
        let file = b"\xef\xbb\xbftitle\tarea\tministry\ttheme\tplanned_start\tplanned_end\rbudget_cents\n=cmd\tgroningen-noord\tOCW\teducation\t2022-03-01\t2021-06-30\t100\n";
        let parsed = parse_file(file, &Codes::reference()).expect("a readable file");
        assert_eq!(parsed.rows(), 2);
        let rows: Vec<usize> = parsed.problems().map(|p| p.row).collect();
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|row| *row >= 2), "{rows:?}");
        assert!(rows.contains(&3), "the second data row is row 3: {rows:?}");
    }

    /// The reference codes stand in for the database in checks like this one.
    #[test]
    fn a_clean_file_parses_against_the_reference_codes() {
        let file = b"title,area,ministry,theme,planned_start,planned_end\nSchuldhulp,rotterdam-zuid,SZW,debt,2021-01-01,2021-12-31\n";
        let parsed = parse_file(file, &Codes::reference()).expect("a readable file");
        assert_eq!(parsed.rows(), 1);
        assert_eq!(parsed.problems().count(), 0);
    }
}
