//! Hostile import files (issue 18): each is built here, small, and refused with its own error
//! before it costs more than the import limits allow; nothing is written.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::Workbook;
use versnelling::error::Error;
use versnelling::i18n::Msg;
use versnelling::service::codes::Codes;
use versnelling::service::spreadsheet::{self, MAX_FILE_BYTES, MAX_ROWS};
use zip::write::SimpleFileOptions;
use zip::{ZipArchive, ZipWriter};

use crate::both_backends;
use crate::spreadsheet::{action_count, audit_count, migrated, try_import, versnelling};

const SHEET: &str = "xl/worksheets/sheet1.xml";
const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

/// The one file-level error `parse_file` answers for `data`.
fn refusal(data: &[u8]) -> Msg {
    match spreadsheet::parse_file(data, &Codes::reference()) {
        Err(Error::Validation(errors)) => {
            assert_eq!(errors.len(), 1, "one error per file: {errors:?}");
            assert_eq!(errors[0].field, "file");
            errors[0].msg.clone()
        }
        Err(other) => panic!("expected a file error, got {other:?}"),
        Ok(parsed) => panic!("accepted, with {} rows", parsed.rows()),
    }
}

/// A workbook as rust_xlsxwriter writes it (sheet `Acties`, a header row), with the parts
/// `replace` names left out and `add` writing parts of its own.
fn workbook_with(replace: &[&str], add: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Acties").unwrap();
    sheet.write_string(0, 0, "title").unwrap();
    let original = workbook.save_to_buffer().unwrap();
    let mut archive = ZipArchive::new(Cursor::new(original)).unwrap();
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let part = archive.by_index(index).unwrap();
        let name = part.name().unwrap().into_owned();
        if !replace.contains(&name.as_str()) {
            zip.raw_copy_file(part).unwrap();
        }
    }
    add(&mut zip);
    zip.finish().unwrap().into_inner()
}

fn add_part(zip: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str, content: &[u8]) {
    zip.start_file(name, SimpleFileOptions::default()).unwrap();
    zip.write_all(content).unwrap();
}

/// A workbook whose sheet is `sheet_data` (rows of cells), with a `<dimension>` when given.
fn workbook_with_sheet(dimension: Option<&str>, sheet_data: &str) -> Vec<u8> {
    let dimension = dimension
        .map(|range| format!("<dimension ref=\"{range}\"/>"))
        .unwrap_or_default();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         {dimension}<sheetData>{sheet_data}</sheetData></worksheet>"
    );
    workbook_with(&[SHEET], |zip| add_part(zip, SHEET, xml.as_bytes()))
}

/// A cell with inline text.
fn text_cell(reference: &str, text: &str) -> String {
    format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

#[test]
fn a_sparse_sheet_is_refused_by_its_dimension_before_a_cell_is_read() {
    let cells = format!(
        "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
        text_cell("A1", "title"),
        text_cell("XFD1048576", "x")
    );
    let sparse = workbook_with_sheet(Some("A1:XFD1048576"), &cells);
    assert!(sparse.len() < 8_000, "{} bytes", sparse.len());
    assert_eq!(
        refusal(&sparse),
        Msg::SheetBeyondLimits {
            sheet: "Acties".into(),
            dimension: "A1:XFD1048576".into(),
            last: "AN11000".into(),
        }
    );
}

#[test]
fn a_cell_beyond_the_last_row_or_column_is_refused_where_it_is() {
    for (reference, row) in [("XFD1048576", 1_048_576), ("A11001", 11_001), ("AO2", 2)] {
        let cells = format!(
            "<row r=\"1\">{}</row><row r=\"{row}\">{}</row>",
            text_cell("A1", "title"),
            text_cell(reference, "x")
        );
        // No dimension, or one that understates the sheet: the cells themselves count.
        for dimension in [None, Some("A1")] {
            assert_eq!(
                refusal(&workbook_with_sheet(dimension, &cells)),
                Msg::CellBeyondLimits {
                    cell: reference.into(),
                    last: "AN11000".into(),
                },
                "{reference}, dimension {dimension:?}"
            );
        }
    }
}

#[test]
fn a_deflate_bomb_is_refused_by_what_it_unpacks_to() {
    // 200 MB of zeros deflate to about 200 kB; the declared sizes are the true ones here (the
    // unit tests of `workbook_check` make them lie).
    let zeros = |zip: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str| {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        std::io::copy(&mut std::io::repeat(0).take(200 << 20), zip).unwrap();
    };
    let in_a_picture = workbook_with(&[], |zip| zeros(zip, "xl/media/image1.png"));
    assert!(in_a_picture.len() < 1 << 20, "{} bytes", in_a_picture.len());
    assert_eq!(
        refusal(&in_a_picture),
        Msg::WorkbookPartTooLarge {
            part: "xl/media/image1.png".into(),
            max_mb: 32,
        }
    );
    // In the sheet's XML the zeros are one endless text, refused after the first megabyte.
    let in_the_sheet = workbook_with(&[SHEET], |zip| zeros(zip, SHEET));
    assert_eq!(
        refusal(&in_the_sheet),
        Msg::WorkbookTokenTooLong {
            part: SHEET.into(),
            max_kb: 1024,
        }
    );
}

/// "Billion laughs": ten levels of ten references each.
fn laughing_doctype() -> String {
    let mut doctype = String::from("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
    for level in 1..10 {
        let below = format!("&lol{};", level - 1).repeat(10);
        doctype.push_str(&format!("<!ENTITY lol{level} \"{below}\">"));
    }
    doctype.push(']');
    doctype.push('>');
    doctype
}

fn laughing_shared_strings() -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}\
         <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\">\
         <si><t>&lol9;</t></si></sst>",
        laughing_doctype()
    )
    .into_bytes()
}

#[test]
fn nested_xml_entities_are_refused_and_never_expanded() {
    let laughing = workbook_with(&[SHARED_STRINGS], |zip| {
        add_part(zip, SHARED_STRINGS, &laughing_shared_strings());
    });
    assert_eq!(
        refusal(&laughing),
        Msg::WorkbookDoctype {
            part: SHARED_STRINGS.into(),
        }
    );
    let sheet = format!(
        "<?xml version=\"1.0\"?>{}<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>",
        laughing_doctype()
    );
    let laughing_sheet = workbook_with(&[SHEET], |zip| add_part(zip, SHEET, sheet.as_bytes()));
    assert_eq!(
        refusal(&laughing_sheet),
        Msg::WorkbookDoctype { part: SHEET.into() }
    );
}

/// Without the check, calamine (quick-xml) does not expand the entities either: it fails on
/// the first reference it does not know, having allocated nothing of the billion.
#[test]
fn calamine_itself_fails_on_a_custom_entity_instead_of_expanding_it() {
    use calamine::{Reader, Xlsx};
    let laughing = workbook_with(&[SHARED_STRINGS], |zip| {
        add_part(zip, SHARED_STRINGS, &laughing_shared_strings());
    });
    let Err(error) = Xlsx::new(Cursor::new(laughing)) else {
        panic!("calamine read the laughing shared strings");
    };
    assert!(error.to_string().contains("&lol9;"), "{error}");

    let sheet = format!(
        "<?xml version=\"1.0\"?>{}<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>",
        laughing_doctype()
    );
    let laughing_sheet = workbook_with(&[SHEET], |zip| add_part(zip, SHEET, sheet.as_bytes()));
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(laughing_sheet)).unwrap();
    let error = workbook.worksheet_range("Acties").unwrap_err();
    assert!(error.to_string().contains("&lol9;"), "{error}");
}

#[test]
fn a_unique_count_of_billions_is_refused_before_calamine_reserves_room_for_it() {
    let strings = b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"2000000000\"><si><t>title</t></si></sst>";
    let reserving = workbook_with(&[SHARED_STRINGS], |zip| {
        add_part(zip, SHARED_STRINGS, strings);
    });
    assert_eq!(
        refusal(&reserving),
        Msg::WorkbookTooManyTexts { max: 440_000 }
    );
}

#[test]
fn one_shared_text_in_every_cell_is_refused_by_the_sheets_text_limit() {
    // 39 kB of text, stored once, named by 40 cells a row.
    let strings = format!(
        "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"1\"><si><t>{}</t></si></sst>",
        "x".repeat(39_000)
    );
    let mut rows = String::new();
    for row in 1..=30 {
        rows.push_str(&format!("<row r=\"{row}\">"));
        for column in 0..40u8 {
            let letter = if column < 26 {
                char::from(b'A' + column).to_string()
            } else {
                format!("A{}", char::from(b'A' + column - 26))
            };
            rows.push_str(&format!("<c r=\"{letter}{row}\" t=\"s\"><v>0</v></c>"));
        }
        rows.push_str("</row>");
    }
    let sheet = format!(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"
    );
    let amplifying = workbook_with(&[SHARED_STRINGS, SHEET], |zip| {
        add_part(zip, SHARED_STRINGS, strings.as_bytes());
        add_part(zip, SHEET, sheet.as_bytes());
    });
    assert_eq!(refusal(&amplifying), Msg::FileTooMuchText { max_mb: 32 });
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_parsed() {
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(MAX_FILE_BYTES + 1, b'x');
    assert_eq!(refusal(&big), Msg::FileTooLarge { max_mb: 10 });
    big[..4].copy_from_slice(b"titl");
    assert_eq!(refusal(&big), Msg::FileTooLarge { max_mb: 10 });
}

const HEADER: &str = "title,area,ministry,theme,planned_start,planned_end\n";
const ROW: &str = "Schuldhulp,rotterdam-zuid,SZW,debt,2021-01-01,2021-12-31\n";

#[test]
fn a_csv_of_more_rows_than_an_import_takes_is_refused_at_the_row_after_them() {
    let most = format!("{HEADER}{}", ROW.repeat(MAX_ROWS));
    let parsed = spreadsheet::parse_file(most.as_bytes(), &Codes::reference()).unwrap();
    assert_eq!(parsed.rows(), MAX_ROWS);
    let one_more = format!("{most}{ROW}");
    assert_eq!(
        refusal(one_more.as_bytes()),
        Msg::FileRowsOverLimit { max: MAX_ROWS }
    );
}

#[test]
fn a_workbook_of_more_rows_than_an_import_takes_is_refused_at_the_row_after_them() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Acties").unwrap();
    sheet.write_string(0, 0, "title").unwrap();
    for row in 1..=u32::try_from(MAX_ROWS).unwrap() + 1 {
        sheet.write_string(row, 0, "Schuldhulp").unwrap();
    }
    assert_eq!(
        refusal(&workbook.save_to_buffer().unwrap()),
        Msg::FileRowsOverLimit { max: MAX_ROWS }
    );
}

#[test]
fn a_csv_field_longer_than_any_value_or_a_row_too_wide_is_refused() {
    let long = format!("{HEADER}A,{}\n", "x".repeat(40_001));
    assert_eq!(
        refusal(long.as_bytes()),
        Msg::CellTooLong {
            cell: "B2".into(),
            bytes: 40_000,
            max: 10_000,
        }
    );
    let wide = format!("{HEADER}{}\n", "x,".repeat(41));
    assert_eq!(
        refusal(wide.as_bytes()),
        Msg::CellBeyondLimits {
            cell: "AO2".into(),
            last: "AN11000".into(),
        }
    );
    // Empty fields cost nothing, however many.
    let trailing = format!("{HEADER}{}{}\n", ROW.trim_end(), ",".repeat(100_000));
    assert!(spreadsheet::parse_file(trailing.as_bytes(), &Codes::reference()).is_ok());
}

#[test]
fn an_old_excel_file_is_refused_with_advice() {
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    assert_eq!(refusal(&xls), Msg::FileOldExcel);
    assert!(Msg::FileOldExcel.to_string().contains(".xlsx"));
}

both_backends!(
    fn a_hostile_file_is_refused_with_one_error_and_nothing_written(database: TestDatabase) {
        let mut conn = migrated(&database);
        let audit_before = audit_count(&mut conn);
        let sparse = workbook_with_sheet(Some("A1:XFD1048576"), &text_cell("XFD1048576", "x"));
        let Err(Error::Validation(errors)) = try_import(&mut conn, &sparse, false) else {
            panic!("expected a file error");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].msg.code(), "sheet_beyond_limits");
        assert_eq!(action_count(&mut conn), 0);
        assert_eq!(audit_count(&mut conn), audit_before);
    }
);

#[test]
fn the_cli_refuses_a_file_over_the_size_limit_before_it_opens_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("groot.csv");
    let mut big = HEADER.as_bytes().to_vec();
    big.resize(MAX_FILE_BYTES + 1, b'x');
    std::fs::write(&file, big).unwrap();
    let output = versnelling(dir.path())
        .args(["import", "actions", "groot.csv", "--dry-run"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        stderr.trim_end(),
        "error: groot.csv: file: is larger than 10 MB, the most one import reads; split the list over several files"
    );
    assert!(
        !dir.path().join("data").exists(),
        "the database was not opened (nor made)"
    );
}

/// calamine computes a reference's row and column in `u32` without checking: the release build
/// wraps, and the test build behaves the same (`overflow-checks` off for calamine in
/// Cargo.toml), so an absurd reference is refused or read, never a panic.
#[test]
fn absurd_cell_references_are_no_panic() {
    for (dimension, cells) in [
        (
            None,
            "<row r=\"1\"><c r=\"AAAAAAAAAAAAAAAAAAAA1\"><v>1</v></c></row>",
        ),
        (None, "<row r=\"99999999999999\"><c><v>1</v></c></row>"),
        (None, "<row><c r=\"A99999999999999\"><v>1</v></c></row>"),
        (Some("B2:A1"), "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"),
        (Some("A0:ZZZZZZZZZZZ0"), ""),
    ] {
        let workbook = workbook_with_sheet(dimension, cells);
        let _ = spreadsheet::parse_file(&workbook, &Codes::reference());
    }
}

#[test]
fn a_workbook_of_more_sheets_than_the_limit_is_refused_before_calamine_keeps_a_record_of_each() {
    let sheets: String = (0..=spreadsheet::MAX_WORKBOOK_ENTRIES)
        .map(|i| format!("<sheet name=\"S{i}\" sheetId=\"{}\" r:id=\"rId1\"/>", i + 2))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <sheets><sheet name=\"Acties\" sheetId=\"1\" r:id=\"rId1\"/>{sheets}</sheets></workbook>"
    );
    let many = workbook_with(&["xl/workbook.xml"], |zip| {
        add_part(zip, "xl/workbook.xml", xml.as_bytes());
    });
    assert_eq!(
        refusal(&many),
        Msg::WorkbookTooManyEntries {
            part: "xl/workbook.xml".into(),
            max: spreadsheet::MAX_WORKBOOK_ENTRIES,
        }
    );
}
