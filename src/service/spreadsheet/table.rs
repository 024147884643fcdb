//! The rows of cells an import reads, built cell by cell within the import limits: whatever the
//! file, the table never holds more rows, columns or text than those limits allow, and reading
//! stops at the first cell beyond them.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::{
    MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_ROWS, MAX_TEXT_BYTES, column_letter, text_of,
};
use crate::domain::MAX_NOTE;
use crate::i18n::Msg;

/// A cell as read: a CSV gives text only, a workbook typed values.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
    /// A formula error such as `#N/A`.
    Error(String),
}

/// Text as a cell: trimmed, and empty when nothing is left.
pub(super) fn text_cell(value: &str) -> Cell {
    let value = value.trim();
    if value.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value.to_string())
    }
}

#[derive(Debug)]
pub(super) struct TableRow {
    /// The row number the user sees in their spreadsheet (the header is row 1 when it is first).
    pub number: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub(super) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<TableRow>,
}

/// A cell's name as a spreadsheet shows it: `row` counts from 1, `column` from 0 (`B7`).
pub(super) fn cell_name(row: usize, column: usize) -> String {
    format!("{}{row}", column_letter(column))
}

/// The last cell an import reads (`AN11000`).
pub(super) fn last_cell() -> String {
    cell_name(MAX_SHEET_ROWS, MAX_COLUMNS - 1)
}

/// The non-empty cells read so far, by row number: the first row is the header.
#[derive(Debug, Default)]
pub(super) struct TableBuilder {
    rows: BTreeMap<usize, Vec<Cell>>,
    text_bytes: usize,
}

impl TableBuilder {
    /// Refuses a cell beyond the last row or column an import reads; `row` counts from 1,
    /// `column` from 0.
    pub fn check_position(row: usize, column: usize) -> Result<(), Msg> {
        if row == 0 || row > MAX_SHEET_ROWS || column >= MAX_COLUMNS {
            return Err(Msg::CellBeyondLimits {
                cell: cell_name(row, column),
                last: last_cell(),
            });
        }
        Ok(())
    }

    /// Refuses text of `bytes` bytes for a cell before it is copied: longer than any cell of an
    /// action, or more than all cells together may hold.
    pub fn check_text(&mut self, row: usize, column: usize, bytes: usize) -> Result<(), Msg> {
        if bytes > MAX_CELL_BYTES {
            return Err(Msg::CellTooLong {
                cell: cell_name(row, column),
                bytes: MAX_CELL_BYTES,
                max: MAX_NOTE,
            });
        }
        self.text_bytes += bytes;
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(Msg::FileTooMuchText {
                max_mb: MAX_TEXT_BYTES >> 20,
            });
        }
        Ok(())
    }

    /// Keeps a non-empty cell at its place (checked with [`Self::check_position`] first).
    /// Refuses the row after the header and [`MAX_ROWS`] rows of actions: reading stops there.
    pub fn put(&mut self, row: usize, column: usize, cell: Cell) -> Result<(), Msg> {
        if cell == Cell::Empty {
            return Ok(());
        }
        Self::check_position(row, column)?;
        if !self.rows.contains_key(&row) && self.rows.len() > MAX_ROWS {
            return Err(Msg::FileRowsOverLimit { max: MAX_ROWS });
        }
        let cells = self.rows.entry(row).or_default();
        if cells.len() <= column {
            cells.resize(column + 1, Cell::Empty);
        }
        cells[column] = cell;
        Ok(())
    }

    /// The header (the first row with a value) and the rows below it; `None` when no cell has a
    /// value.
    pub fn finish(self) -> Option<Table> {
        let mut rows = self.rows.into_iter();
        let (_, header) = rows.next()?;
        let header = header
            .iter()
            .map(|cell| text_of(cell).ok().flatten().unwrap_or_default())
            .collect();
        let rows = rows
            .map(|(number, cells)| TableRow { number, cells })
            .collect();
        Some(Table { header, rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_beyond_the_last_row_or_column_are_refused() {
        assert_eq!(last_cell(), "AN11000");
        assert!(TableBuilder::check_position(MAX_SHEET_ROWS, MAX_COLUMNS - 1).is_ok());
        for (row, column) in [(MAX_SHEET_ROWS + 1, 0), (1, MAX_COLUMNS), (0, 0)] {
            assert!(matches!(
                TableBuilder::check_position(row, column),
                Err(Msg::CellBeyondLimits { .. })
            ));
        }
    }

    #[test]
    fn the_row_after_the_header_and_the_most_rows_is_refused() {
        let mut table = TableBuilder::default();
        for row in 1..=MAX_ROWS + 1 {
            table.put(row, 0, Cell::Int(1)).unwrap();
        }
        // More cells in a row already read are fine; a new row is not.
        table.put(MAX_ROWS + 1, 1, Cell::Int(2)).unwrap();
        table.put(MAX_ROWS + 2, 0, Cell::Empty).unwrap();
        assert_eq!(
            table.put(MAX_ROWS + 2, 0, Cell::Int(3)),
            Err(Msg::FileRowsOverLimit { max: MAX_ROWS })
        );
        let table = table.finish().unwrap();
        assert_eq!(table.rows.len(), MAX_ROWS);
        assert_eq!(table.rows[0].number, 2);
    }

    #[test]
    fn text_is_refused_by_the_cell_and_by_the_sheet() {
        let mut table = TableBuilder::default();
        assert!(matches!(
            table.check_text(7, 1, MAX_CELL_BYTES + 1),
            Err(Msg::CellTooLong { cell, .. }) if cell == "B7"
        ));
        let mut refused = None;
        for row in 1..=MAX_TEXT_BYTES / MAX_CELL_BYTES + 1 {
            if let Err(msg) = table.check_text(row, 0, MAX_CELL_BYTES) {
                refused = Some(msg);
                break;
            }
        }
        assert!(matches!(refused, Some(Msg::FileTooMuchText { max_mb: 32 })));
    }
}
