//! The spreadsheet import reads files people upload: any bytes, as CSV or XLSX. It must answer
//! with a file error or checked rows, never panic, and stay within the import limits.
//!
//! Each input is read twice: as the file itself (CSV, or a workbook when it is a zip), and as
//! the XML of a sheet (and, after a NUL byte, of the shared strings) inside a valid workbook, so
//! the fuzzer reaches the workbook check and the cell-by-cell sheet reader without having to
//! find a zip first.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use versnelling::service::codes::Codes;
use versnelling::service::spreadsheet::{self, MAX_ROWS};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn check(data: &[u8]) {
    let codes = Codes::reference();
    if let Ok(parsed) = spreadsheet::parse_file(data, &codes) {
        // Every row problem names a row below the header, and no more rows are read than an
        // import takes.
        assert!(parsed.problems().all(|problem| problem.row >= 2));
        assert!(parsed.rows() <= MAX_ROWS);
    }
}

/// A workbook whose sheet is `sheet` and whose shared strings are `strings`.
fn workbook(sheet: &[u8], strings: Option<&[u8]>) -> Option<Vec<u8>> {
    let parts: [(&str, String); 4] = [
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"{PKG}\"><Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><sheets><sheet name=\"Acties\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"{PKG}\"><Relationship Id=\"rId1\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
            ),
        ),
        ("[Content_Types].xml", String::new()),
    ];
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, xml) in &parts {
        zip.start_file(*name, stored).ok()?;
        zip.write_all(xml.as_bytes()).ok()?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", stored).ok()?;
    zip.write_all(sheet).ok()?;
    if let Some(strings) = strings {
        zip.start_file("xl/sharedStrings.xml", stored).ok()?;
        zip.write_all(strings).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let (sheet, strings) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    if let Some(wrapped) = workbook(sheet, strings) {
        check(&wrapped);
    }
});
