//! A CSV import file read field by field (csv-core), within the import limits: a field longer
//! than a cell may be is refused when the field buffer fills, not after it has been collected,
//! and reading stops at the row after the most an import takes.

use csv_core::{ReadFieldResult, ReaderBuilder};

use super::table::{Cell, Table, TableBuilder, cell_name, text_cell};
use super::{MAX_CELL_BYTES, file_error};
use crate::domain::MAX_NOTE;
use crate::error::Result;
use crate::i18n::Msg;

/// The delimiter the header line uses most: `;` (Dutch Excel), `,` or tab.
pub(super) fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                for (delimiter, count) in &mut counts {
                    if c == *delimiter {
                        *count += 1;
                    }
                }
            }
            _ => {}
        }
    }
    // The first of the highest wins, so a tie between `;` and `,` is `;`: commas turn up in text.
    let best = counts.iter().fold(
        (b',', 0),
        |best, &(d, n)| if n > best.1 { (d, n) } else { best },
    );
    best.0
}

/// Where the record being read is, as a spreadsheet would number it.
#[derive(Debug)]
struct RowNumbers {
    /// The reader's line (counted by '\n') where the record starts.
    line: u64,
    /// Lines inside quoted cells so far: a spreadsheet shows such a record as one row.
    extra_lines: usize,
    /// The row number of the record before.
    previous: usize,
}

impl RowNumbers {
    /// The row number of a record starting now.
    fn start(&mut self) -> usize {
        let line = usize::try_from(self.line).unwrap_or(usize::MAX);
        // The reader counts lines by '\n' only; a record ended by a lone '\r' (old Mac line
        // ends) is still the next row, so a row number never repeats (found by fuzzing).
        let number = line.saturating_sub(self.extra_lines).max(self.previous + 1);
        self.previous = number;
        number
    }
}

/// The text of a CSV: UTF-8 (a BOM allowed), or else Windows-1252, the encoding Excel saves a
/// "CSV (gescheiden door lijstscheidingsteken)" in on a Dutch or English Windows. A file with
/// NUL bytes is no text at all.
fn decode(data: &[u8]) -> Result<std::borrow::Cow<'_, str>> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    match std::str::from_utf8(data) {
        Ok(text) => Ok(text.into()),
        Err(_) if !data.contains(&0) => Ok(encoding_rs::WINDOWS_1252.decode(data).0),
        Err(err) => {
            let line = data[..err.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Err(file_error(Msg::FileNotUtf8 { line }))
        }
    }
}

/// Reads a CSV (UTF-8 or Windows-1252) into a table: the first record with a value is the
/// header.
pub(super) fn read_csv(data: &[u8]) -> Result<Table> {
    let text = decode(data)?;
    let text = text.as_ref();
    let mut reader = ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .build();
    let mut input = text.as_bytes();
    // One byte more than a cell may hold: a full buffer is a field too long.
    let mut field = vec![0u8; MAX_CELL_BYTES + 1];
    let mut filled = 0;
    let mut table = TableBuilder::default();
    let mut numbers = RowNumbers {
        line: reader.line(),
        extra_lines: 0,
        previous: 0,
    };
    let mut row = numbers.start();
    let mut column = 0;
    loop {
        let (result, read, written) = reader.read_field(input, &mut field[filled..]);
        input = &input[read..];
        filled += written;
        match result {
            // All input is given at once: the next call, with none left, ends the last field.
            ReadFieldResult::InputEmpty => {}
            ReadFieldResult::OutputFull => {
                return Err(file_error(Msg::CellTooLong {
                    cell: cell_name(row, column),
                    bytes: MAX_CELL_BYTES,
                    max: MAX_NOTE,
                }));
            }
            ReadFieldResult::Field { record_end } => {
                let value = String::from_utf8_lossy(&field[..filled]);
                filled = 0;
                numbers.extra_lines += value.matches('\n').count();
                let cell = text_cell(&value);
                if let Cell::Text(text) = &cell {
                    table
                        .check_text(row, column, text.len())
                        .map_err(file_error)?;
                }
                table.put(row, column, cell).map_err(file_error)?;
                column += 1;
                if record_end {
                    numbers.line = reader.line();
                    row = numbers.start();
                    column = 0;
                }
            }
            ReadFieldResult::End => break,
        }
    }
    table.finish().ok_or_else(|| file_error(Msg::FileEmpty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_line_decides_the_delimiter() {
        assert_eq!(detect_delimiter("titel;gebied;eind\nA, B;x;y"), b';');
        assert_eq!(detect_delimiter("title,area,\"a;b\"\n"), b',');
        assert_eq!(detect_delimiter("title\tarea\n"), b'\t');
        assert_eq!(detect_delimiter("title\n"), b',');
    }
}
