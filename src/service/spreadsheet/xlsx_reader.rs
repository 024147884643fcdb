//! An XLSX import file read cell by cell: the zip is checked first ([`super::workbook_check`]),
//! then calamine streams the sheet's cells (`worksheet_cells_reader`) and the rows are built
//! here, within the import limits. calamine's dense `Range` is never built: a sheet with cells
//! at A1 and XFD1048576 would make it allocate 16384 × 1048576 cells.

use std::io::Cursor;

use calamine::{DataRef, Dimensions, Reader, Xlsx, XlsxError};

use super::table::{Cell, Table, TableBuilder, cell_name, last_cell, text_cell};
use super::{MAX_COLUMNS, MAX_SHEET_ROWS, file_error, workbook_check};
use crate::db;
use crate::error::Result;
use crate::i18n::Msg;

/// The sheet an import reads: `Acties` or `Actions` when there is one, else the first.
fn choose_sheet(names: &[String]) -> Option<String> {
    names
        .iter()
        .find(|name| matches!(name.trim().to_lowercase().as_str(), "acties" | "actions"))
        .or_else(|| names.first())
        .cloned()
}

/// Reads the import's sheet of an XLSX workbook into a table: the first row with a value is
/// the header.
pub(super) fn read_workbook(data: &[u8]) -> Result<Table> {
    workbook_check::check(data).map_err(file_error)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(data)).map_err(|err| {
        file_error(Msg::FileNotWorkbook {
            detail: db::one_line(&err.to_string()),
        })
    })?;
    let sheet =
        choose_sheet(&workbook.sheet_names()).ok_or_else(|| file_error(Msg::FileNoSheets))?;
    let unreadable = |err: XlsxError| {
        file_error(Msg::SheetUnreadable {
            sheet: sheet.clone(),
            detail: db::one_line(&err.to_string()),
        })
    };
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(unreadable)?;
    check_dimension(&sheet, cells.dimensions()).map_err(file_error)?;
    let mut table = TableBuilder::default();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize + 1, column as usize);
        // Every cell the sheet names, even an empty one, lies within the limits.
        TableBuilder::check_position(row, column).map_err(file_error)?;
        let value = cell.get_value();
        if let Some(bytes) = text_bytes(value) {
            table.check_text(row, column, bytes).map_err(file_error)?;
        }
        table
            .put(row, column, workbook_cell(value))
            .map_err(file_error)?;
    }
    table
        .finish()
        .ok_or_else(|| file_error(Msg::SheetEmpty { sheet }))
}

/// Refuses a sheet whose `<dimension>` (the range it says it uses) reaches beyond the last
/// cell an import reads.
fn check_dimension(sheet: &str, dimensions: Dimensions) -> std::result::Result<(), Msg> {
    let (start, end) = (dimensions.start, dimensions.end);
    let beyond = [start, end]
        .iter()
        .any(|&(row, column)| row as usize >= MAX_SHEET_ROWS || column as usize >= MAX_COLUMNS);
    if beyond {
        let name = |(row, column): (u32, u32)| cell_name(row as usize + 1, column as usize);
        return Err(Msg::SheetBeyondLimits {
            sheet: sheet.to_string(),
            dimension: format!("{}:{}", name(start), name(end)),
            last: last_cell(),
        });
    }
    Ok(())
}

/// The length of a cell's text, to check before it is copied.
fn text_bytes(value: &DataRef<'_>) -> Option<usize> {
    match value {
        DataRef::SharedString(text) => Some(text.len()),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            Some(text.len())
        }
        _ => None,
    }
}

fn workbook_cell(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(text) => text_cell(text),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            text_cell(text)
        }
        DataRef::Int(value) => Cell::Int(*value),
        DataRef::Float(value) => Cell::Float(*value),
        DataRef::Bool(value) => Cell::Bool(*value),
        DataRef::DateTime(value) if value.is_datetime() => value
            .as_datetime()
            .map(Cell::DateTime)
            .unwrap_or_else(|| Cell::Float(value.as_f64())),
        DataRef::DateTime(value) => Cell::Float(value.as_f64()),
        DataRef::Error(error) => Cell::Error(error.to_string()),
    }
}
