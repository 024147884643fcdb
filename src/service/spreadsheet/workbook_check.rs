//! An XLSX file is a zip of XML parts; this checks one before calamine opens it, so a small
//! file cannot make the reader unpack or hold gigabytes. Every part is unpacked once through a
//! counter of what the decompressor really yields (the sizes a zip declares can lie) and its XML
//! is scanned as it passes, byte by byte, in constant memory:
//!
//! - at most [`MAX_WORKBOOK_PARTS`] parts, each unpacking to at most [`MAX_PART_BYTES`], all of
//!   them to at most [`MAX_UNPACKED_BYTES`];
//! - no DOCTYPE: entity definitions ("billion laughs") have no place in a workbook (quick-xml
//!   expands no custom entity either: calamine fails on the reference, see the tests);
//! - no tag, comment or text longer than [`MAX_XML_TOKEN_BYTES`]: calamine's XML reader holds
//!   each one whole;
//! - at most [`MAX_SHARED_STRINGS`] shared texts (`si`), and no larger `uniqueCount`: calamine
//!   reserves room for that many strings before it reads one;
//! - cell styles (`xf`) whose copies stay small: calamine copies a style's font and number
//!   format into every style that uses them;
//! - at most [`MAX_WORKBOOK_ENTRIES`] sheets and defined names, and [`MAX_RELATIONSHIPS`]
//!   relationships, in a part: calamine keeps a record of each.
//!
//! The counts are upper bounds (a `<si>` inside a comment counts too), so what calamine reads
//! is never more than what was checked.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::{
    MAX_PART_BYTES, MAX_RELATIONSHIPS, MAX_SHARED_STRINGS, MAX_STYLE_BYTES, MAX_UNPACKED_BYTES,
    MAX_WORKBOOK_ENTRIES, MAX_WORKBOOK_PARTS, MAX_XML_TOKEN_BYTES,
};
use crate::db;
use crate::i18n::Msg;

/// What calamine's copies of one cell style may cost beyond its font and number format.
const STYLE_BASE_BYTES: usize = 512;

/// The longest `sst` start tag whose attributes are looked at; a longer one is refused.
const MAX_SST_TAG_BYTES: usize = 4096;

fn not_a_workbook(err: &dyn std::fmt::Display) -> Msg {
    Msg::FileNotWorkbook {
        detail: db::one_line(&err.to_string()),
    }
}

/// Checks the zip and every part of a workbook; the first problem found is the answer.
pub(super) fn check(data: &[u8]) -> Result<(), Msg> {
    let mut archive = ZipArchive::new(Cursor::new(data)).map_err(|e| not_a_workbook(&e))?;
    if archive.len() > MAX_WORKBOOK_PARTS {
        return Err(Msg::WorkbookTooManyParts {
            max: MAX_WORKBOOK_PARTS,
        });
    }
    let mut buffer = vec![0u8; 64 * 1024];
    let mut unpacked = 0;
    for index in 0..archive.len() {
        let part = archive.by_index(index).map_err(|e| not_a_workbook(&e))?;
        let name = String::from_utf8_lossy(part.name_raw()).into_owned();
        let room = MAX_UNPACKED_BYTES - unpacked;
        unpacked += unpack_part(part, &name, room, &mut buffer)?;
    }
    Ok(())
}

/// Whether a part is XML by its name, as a spreadsheet program names it. Other parts
/// (pictures, printer settings) are only counted: a workbook's relationships could still make
/// calamine read one as a sheet, but then it is within [`MAX_PART_BYTES`] and read cell by cell
/// like any sheet.
fn is_xml(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [".xml", ".rels", ".vml"]
        .iter()
        .any(|extension| name.ends_with(extension))
}

/// Unpacks one part, counting and scanning; its size when it is within the limits.
fn unpack_part(mut part: impl Read, name: &str, room: u64, buffer: &mut [u8]) -> Result<u64, Msg> {
    let mut scan = is_xml(name).then(XmlScan::default);
    // As messages show it: a name may be 64 KB long.
    let name: String = name.chars().take(200).collect();
    let name = name.as_str();
    let mut size: u64 = 0;
    loop {
        let read = match part.read(buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(not_a_workbook(&err)),
        };
        size += read as u64;
        if size > MAX_PART_BYTES {
            return Err(Msg::WorkbookPartTooLarge {
                part: name.to_string(),
                max_mb: usize::try_from(MAX_PART_BYTES >> 20).unwrap_or(usize::MAX),
            });
        }
        if size > room {
            return Err(Msg::WorkbookTooLarge {
                max_mb: usize::try_from(MAX_UNPACKED_BYTES >> 20).unwrap_or(usize::MAX),
            });
        }
        if let Some(scan) = &mut scan {
            scan.feed(&buffer[..read])
                .map_err(|refusal| refusal.msg(name))?;
        }
    }
    if let Some(scan) = &scan {
        scan.finish().map_err(|refusal| refusal.msg(name))?;
    }
    Ok(size)
}

/// Why the XML of a part is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Doctype,
    TokenTooLong,
    TooManyTexts,
    StylesTooLarge,
    TooManyEntries,
}

impl Refusal {
    fn msg(self, part: &str) -> Msg {
        match self {
            Refusal::Doctype => Msg::WorkbookDoctype {
                part: part.to_string(),
            },
            Refusal::TokenTooLong => Msg::WorkbookTokenTooLong {
                part: part.to_string(),
                max_kb: MAX_XML_TOKEN_BYTES >> 10,
            },
            Refusal::TooManyTexts => Msg::WorkbookTooManyTexts {
                max: MAX_SHARED_STRINGS,
            },
            Refusal::StylesTooLarge => Msg::WorkbookStylesTooLarge,
            Refusal::TooManyEntries => Msg::WorkbookTooManyEntries {
                part: part.to_string(),
                max: if part.ends_with(".rels") {
                    MAX_RELATIONSHIPS
                } else {
                    MAX_WORKBOOK_ENTRIES
                },
            },
        }
    }
}

/// Where the scanner is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Character data between markup.
    #[default]
    Text,
    /// Just after `<`.
    Open,
    /// The name of a start or end tag.
    Name,
    /// The attributes of a tag.
    Tag,
    /// A quoted attribute value, ended by this quote.
    Quoted(u8),
    /// `<!` or `<?` before it is known which of the kinds below it is.
    Bang,
    /// `<!-- … -->`
    Comment,
    /// `<![CDATA[ … ]]>`
    CData,
    /// `<? … ?>`
    Instruction,
    /// Another `<!…>` declaration.
    Declaration,
}

/// The local names (after any `prefix:`) the scan counts.
const LONGEST_NAME: usize = 16;

/// The scan of one part's XML: a state machine over its bytes.
#[derive(Debug, Default)]
struct XmlScan {
    state: State,
    /// Bytes of the current token: a run of text, a tag, a comment.
    token: usize,
    /// The last two bytes of the current markup, to find `-->`, `]]>`, `?>`.
    last: [u8; 2],
    /// The local name of the current tag, as far as [`LONGEST_NAME`].
    name: Vec<u8>,
    name_too_long: bool,
    closing: bool,
    /// How much of `<!doctype` has been matched.
    doctype: usize,
    /// Start tags seen, to skip the root's (it carries the namespaces).
    elements: usize,
    /// The longest tag after the root.
    longest_tag: usize,
    texts: usize,
    styles: usize,
    /// Sheets and defined names.
    entries: usize,
    relationships: usize,
    /// The attributes of an `sst` tag while it is read.
    sst: Option<Vec<u8>>,
    /// An `sst` tag too long to look at: refused.
    sst_too_long: bool,
}

impl XmlScan {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        for &byte in bytes {
            self.match_doctype(byte)?;
            self.token += 1;
            if self.token > MAX_XML_TOKEN_BYTES {
                return Err(Refusal::TokenTooLong);
            }
            self.step(byte)?;
        }
        Ok(())
    }

    /// Every byte of "<!doctype" differs from the others, so a mismatch restarts the match
    /// (at 1 when the byte is the `<` that starts it).
    fn match_doctype(&mut self, byte: u8) -> Result<(), Refusal> {
        const DOCTYPE: &[u8] = b"<!doctype";
        if byte.to_ascii_lowercase() == DOCTYPE[self.doctype] {
            self.doctype += 1;
            if self.doctype == DOCTYPE.len() {
                return Err(Refusal::Doctype);
            }
        } else {
            self.doctype = usize::from(byte == b'<');
        }
        Ok(())
    }

    fn step(&mut self, byte: u8) -> Result<(), Refusal> {
        match self.state {
            State::Text if byte == b'<' => self.start_markup(),
            State::Text => {}
            State::Open => self.open(byte),
            State::Name => self.name_byte(byte)?,
            State::Tag => self.tag_byte(byte)?,
            State::Quoted(quote) => {
                self.capture(byte);
                if byte == quote {
                    self.state = State::Tag;
                }
            }
            State::Bang => self.bang(byte),
            State::Comment => self.end_markup_after(byte, *b"--", 7),
            State::CData => self.end_markup_after(byte, *b"]]", 12),
            State::Instruction => {
                if byte == b'>' && self.last[1] == b'?' && self.token >= 4 {
                    self.state = State::Text;
                    self.token = 0;
                }
                self.last = [self.last[1], byte];
            }
            State::Declaration => self.step_declaration(byte),
        }
        Ok(())
    }

    /// A `<`: the text before it ends, markup begins (the `<` is its first byte).
    fn start_markup(&mut self) {
        self.state = State::Open;
        self.token = 1;
        self.last = [0, 0];
        self.name.clear();
        self.name_too_long = false;
        self.closing = false;
    }

    fn open(&mut self, byte: u8) {
        match byte {
            b'!' => self.state = State::Bang,
            b'?' => self.state = State::Instruction,
            b'/' => {
                self.closing = true;
                self.state = State::Name;
            }
            _ => {
                self.state = State::Name;
                self.push_name(byte);
            }
        }
    }

    /// After `<!`: `--` starts a comment, `[CDATA[` character data, anything else a
    /// declaration. The bytes after `<!` are kept in `name` until it is known which.
    fn bang(&mut self, byte: u8) {
        const COMMENT: &[u8] = b"--";
        const CDATA: &[u8] = b"[CDATA[";
        self.name.push(byte);
        let prefix = self.name.as_slice();
        if prefix == COMMENT {
            self.state = State::Comment;
        } else if prefix == CDATA {
            self.state = State::CData;
        } else if !COMMENT.starts_with(prefix) && !CDATA.starts_with(prefix) {
            self.state = State::Declaration;
            self.step_declaration(byte);
        }
    }

    fn step_declaration(&mut self, byte: u8) {
        if byte == b'>' {
            self.state = State::Text;
            self.token = 0;
        }
    }

    /// Ends a comment or CDATA section at `>` after `end`, once it is at least `shortest` long
    /// (so the `--` of `<!--` does not end it).
    fn end_markup_after(&mut self, byte: u8, end: [u8; 2], shortest: usize) {
        if byte == b'>' && self.last == end && self.token >= shortest {
            self.state = State::Text;
            self.token = 0;
        }
        self.last = [self.last[1], byte];
    }

    fn push_name(&mut self, byte: u8) {
        if byte == b':' {
            // `x:si` is `si`: only the local name counts.
            self.name.clear();
            self.name_too_long = false;
        } else if self.name.len() < LONGEST_NAME {
            self.name.push(byte);
        } else {
            self.name_too_long = true;
        }
    }

    fn name_byte(&mut self, byte: u8) -> Result<(), Refusal> {
        if byte.is_ascii_whitespace() || byte == b'/' || byte == b'>' {
            self.name_done()?;
            self.state = State::Tag;
            return self.tag_byte(byte);
        }
        self.push_name(byte);
        Ok(())
    }

    /// Counts a start tag by its local name.
    fn name_done(&mut self) -> Result<(), Refusal> {
        if self.closing || self.name_too_long {
            return Ok(());
        }
        self.elements += 1;
        match self.name.as_slice() {
            b"si" => {
                self.texts += 1;
                if self.texts > MAX_SHARED_STRINGS {
                    return Err(Refusal::TooManyTexts);
                }
            }
            b"xf" => self.styles += 1,
            b"sheet" | b"definedName" => {
                self.entries += 1;
                if self.entries > MAX_WORKBOOK_ENTRIES {
                    return Err(Refusal::TooManyEntries);
                }
            }
            b"Relationship" => {
                self.relationships += 1;
                if self.relationships > MAX_RELATIONSHIPS {
                    return Err(Refusal::TooManyEntries);
                }
            }
            b"sst" => self.sst = Some(Vec::new()),
            _ => {}
        }
        Ok(())
    }

    fn tag_byte(&mut self, byte: u8) -> Result<(), Refusal> {
        match byte {
            b'"' | b'\'' => {
                self.capture(byte);
                self.state = State::Quoted(byte);
            }
            b'>' => {
                if self.elements > 1 && !self.closing {
                    self.longest_tag = self.longest_tag.max(self.token);
                }
                if let Some(attributes) = self.sst.take() {
                    if self.sst_too_long {
                        return Err(Refusal::TooManyTexts);
                    }
                    check_sst(&attributes)?;
                }
                self.state = State::Text;
                self.token = 0;
            }
            _ => self.capture(byte),
        }
        Ok(())
    }

    /// Keeps the bytes of an `sst` tag's attributes, as far as [`MAX_SST_TAG_BYTES`].
    fn capture(&mut self, byte: u8) {
        if let Some(attributes) = &mut self.sst {
            if attributes.len() < MAX_SST_TAG_BYTES {
                attributes.push(byte);
            } else {
                self.sst_too_long = true;
            }
        }
    }

    /// What calamine's copies of the styles would cost, checked when the part is read.
    fn finish(&self) -> Result<(), Refusal> {
        let per_style = 2 * self.longest_tag + STYLE_BASE_BYTES;
        if self.styles.saturating_mul(per_style) > MAX_STYLE_BYTES {
            return Err(Refusal::StylesTooLarge);
        }
        Ok(())
    }
}

/// Refuses an `sst` whose `uniqueCount` is more than [`MAX_SHARED_STRINGS`] or not a number.
fn check_sst(attributes: &[u8]) -> Result<(), Refusal> {
    const KEY: &[u8] = b"uniqueCount";
    let mut rest = attributes;
    while let Some(at) = rest.windows(KEY.len()).position(|w| w == KEY) {
        rest = &rest[at + KEY.len()..];
        let value = rest.trim_ascii_start();
        let Some(value) = value.strip_prefix(b"=") else {
            continue;
        };
        let value = value.trim_ascii_start();
        let Some((&quote, value)) = value.split_first() else {
            return Err(Refusal::TooManyTexts);
        };
        let end = value
            .iter()
            .position(|&b| b == quote)
            .unwrap_or(value.len());
        let count = std::str::from_utf8(&value[..end])
            .ok()
            .and_then(|text| text.parse::<usize>().ok());
        if count.is_none_or(|count| count > MAX_SHARED_STRINGS) {
            return Err(Refusal::TooManyTexts);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    use super::*;

    /// Scans `xml` in chunks of `chunk` bytes, as the unpacking hands it over.
    fn scan(xml: &[u8], chunk: usize) -> Result<(), Refusal> {
        let mut scan = XmlScan::default();
        for piece in xml.chunks(chunk) {
            scan.feed(piece)?;
        }
        scan.finish()
    }

    fn scan_whole(xml: &[u8]) -> Result<(), Refusal> {
        scan(xml, 64 * 1024)
    }

    #[test]
    fn a_doctype_is_refused_in_any_case_and_across_chunks() {
        let laughs = b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><sst><si><t>&lol2;</t></si></sst>";
        for chunk in [1, 3, 7, 1024] {
            assert_eq!(scan(laughs, chunk), Err(Refusal::Doctype), "chunk {chunk}");
        }
        assert_eq!(scan_whole(b"<<!doctype x>"), Err(Refusal::Doctype));
        assert_eq!(scan_whole(b"<!-- no <!DOC TYPE here --><a/>"), Ok(()));
    }

    #[test]
    fn no_tag_comment_or_text_may_be_longer_than_the_limit() {
        let long = MAX_XML_TOKEN_BYTES;
        let text = [b"<t>".as_slice(), &vec![b'x'; long], b"</t>"].concat();
        assert_eq!(scan_whole(&text), Err(Refusal::TokenTooLong));
        // A `>` inside a quoted value or a comment does not end it.
        let quoted = [
            b"<numFmt formatCode=\"".as_slice(),
            &vec![b'>'; long],
            b"\"/>",
        ]
        .concat();
        assert_eq!(scan_whole(&quoted), Err(Refusal::TokenTooLong));
        let comment = [b"<!--".as_slice(), &b"a<b>".repeat(long / 4), b"-->"].concat();
        assert_eq!(scan_whole(&comment), Err(Refusal::TokenTooLong));
        let cdata = [b"<![CDATA[".as_slice(), &b"<c/>".repeat(long / 4), b"]]>"].concat();
        assert_eq!(scan_whole(&cdata), Err(Refusal::TokenTooLong));
        // Many short ones are fine.
        let many = b"<c r=\"A1\"><v>1</v></c><!-- x -->".repeat(long / 16);
        assert_eq!(scan_whole(&many), Ok(()));
    }

    #[test]
    fn shared_texts_are_counted_whatever_their_prefix() {
        let mut xml = b"<x:sst xmlns:x=\"urn:x\">".to_vec();
        xml.extend(b"<x:si/>".repeat(MAX_SHARED_STRINGS));
        assert_eq!(scan_whole(&xml), Ok(()));
        xml.extend(b"<si><t>one more</t></si></x:sst>");
        assert_eq!(scan_whole(&xml), Err(Refusal::TooManyTexts));
    }

    #[test]
    fn sheets_names_and_relationships_are_counted_up_to_the_limit() {
        for (entry, max) in [
            (
                "<sheet name=\"S\" sheetId=\"2\" r:id=\"rId1\"/>",
                MAX_WORKBOOK_ENTRIES,
            ),
            (
                "<definedName name=\"n\">Acties!$A$1</definedName>",
                MAX_WORKBOOK_ENTRIES,
            ),
            (
                "<r:Relationship Id=\"rId9\" Target=\"x.xml\"/>",
                MAX_RELATIONSHIPS,
            ),
        ] {
            let mut xml = b"<workbook xmlns:r=\"urn:r\">".to_vec();
            xml.extend(entry.as_bytes().repeat(max));
            assert_eq!(scan_whole(&xml), Ok(()), "{entry}");
            xml.extend(entry.as_bytes());
            assert_eq!(scan_whole(&xml), Err(Refusal::TooManyEntries), "{entry}");
        }
        // Names that only start alike are not counted.
        let mut xml = b"<worksheet>".to_vec();
        xml.extend(b"<sheetView/><sheetPr/>".repeat(2 * MAX_WORKBOOK_ENTRIES));
        assert_eq!(scan_whole(&xml), Ok(()));
    }

    #[test]
    fn a_unique_count_beyond_the_limit_or_not_a_number_is_refused() {
        let sst = |attributes: &str| format!("<?xml version=\"1.0\"?><sst {attributes}></sst>");
        assert_eq!(
            scan_whole(sst("count=\"2\" uniqueCount = '2'").as_bytes()),
            Ok(())
        );
        for attributes in [
            "uniqueCount=\"4000000000\"",
            "count=\"1\" uniqueCount=\"440001\"",
            "uniqueCount=\"lots\"",
            "uniqueCount=\"\"",
        ] {
            assert_eq!(
                scan_whole(sst(attributes).as_bytes()),
                Err(Refusal::TooManyTexts),
                "{attributes}"
            );
        }
        let padded = format!("uniqueCount=\"1\" {}", "a=\"b\" ".repeat(1000));
        assert_eq!(
            scan_whole(sst(&padded).as_bytes()),
            Err(Refusal::TooManyTexts)
        );
    }

    #[test]
    fn styles_whose_copies_would_be_large_are_refused() {
        let styles = |format_code: usize, count: usize| {
            let mut xml =
                b"<styleSheet xmlns=\"urn:x\"><numFmts><numFmt numFmtId=\"164\" formatCode=\""
                    .to_vec();
            xml.extend(vec![b'0'; format_code]);
            xml.extend(b"\"/></numFmts><cellXfs>");
            xml.extend(b"<xf numFmtId=\"164\"/>".repeat(count));
            xml.extend(b"</cellXfs></styleSheet>");
            xml
        };
        assert_eq!(scan_whole(&styles(20, 2_000)), Ok(()));
        assert_eq!(
            scan_whole(&styles(500_000, 40)),
            Err(Refusal::StylesTooLarge)
        );
        assert_eq!(
            scan_whole(&styles(20, 100_000)),
            Err(Refusal::StylesTooLarge)
        );
    }

    /// A zip of `parts`, each a name and bytes `fill` repeated `size` times, deflated.
    fn zip_of(parts: &[(&str, u8, u64)]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, fill, size) in parts {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            std::io::copy(&mut std::io::repeat(*fill).take(*size), &mut zip).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Sets the declared uncompressed size of a one-part zip, in its local header and in the
    /// central directory.
    fn lie_about_size(zip: &mut [u8], size: u32) {
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = zip.windows(4).position(|w| w == signature).unwrap();
            zip[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
        }
    }

    #[test]
    fn a_part_unpacking_beyond_its_limit_is_refused_whatever_size_it_declares() {
        let mut bomb = zip_of(&[("xl/media/image1.png", 0, MAX_PART_BYTES + 1)]);
        assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
        let refused = Err(Msg::WorkbookPartTooLarge {
            part: "xl/media/image1.png".into(),
            max_mb: 32,
        });
        assert_eq!(check(&bomb), refused);
        // Declaring 2 GB changes nothing: what is unpacked is counted.
        lie_about_size(&mut bomb, 0x7FFF_FFFF);
        assert_eq!(check(&bomb), refused);
        // Declaring 100 bytes: the zip reader stops at the declared size by itself.
        lie_about_size(&mut bomb, 100);
        assert!(
            matches!(check(&bomb), Err(Msg::FileNotWorkbook { detail }) if detail.contains("declared")),
            "{:?}",
            check(&bomb)
        );
    }

    #[test]
    fn parts_unpacking_beyond_the_limit_together_are_refused() {
        let part = MAX_UNPACKED_BYTES / 3 + 1;
        let parts = [("a.bin", 1, part), ("b.bin", 1, part), ("c.bin", 1, part)];
        assert_eq!(
            check(&zip_of(&parts)),
            Err(Msg::WorkbookTooLarge { max_mb: 64 })
        );
        assert_eq!(check(&zip_of(&parts[..2])), Ok(()));
    }

    #[test]
    fn a_zip_of_too_many_parts_is_refused() {
        let names: Vec<String> = (0..=MAX_WORKBOOK_PARTS)
            .map(|n| format!("{n}.xml"))
            .collect();
        let parts: Vec<(&str, u8, u64)> = names.iter().map(|n| (n.as_str(), b' ', 1)).collect();
        assert_eq!(
            check(&zip_of(&parts)),
            Err(Msg::WorkbookTooManyParts {
                max: MAX_WORKBOOK_PARTS
            })
        );
        assert_eq!(check(&zip_of(&parts[1..])), Ok(()));
    }

    #[test]
    fn zeros_in_a_sheet_are_refused_as_one_endless_text() {
        let bomb = zip_of(&[("xl/worksheets/sheet1.xml", 0, MAX_PART_BYTES)]);
        assert_eq!(
            check(&bomb),
            Err(Msg::WorkbookTokenTooLong {
                part: "xl/worksheets/sheet1.xml".into(),
                max_kb: 1024
            })
        );
    }

    #[test]
    fn xml_is_scanned_in_parts_named_as_xml_only() {
        assert!(is_xml("xl/worksheets/SHEET1.XML"));
        assert!(is_xml("_rels/.rels"));
        assert!(!is_xml("xl/media/image1.png"));
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/media/image1.png", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<!DOCTYPE is just bytes in a picture")
            .unwrap();
        let zip = zip.finish().unwrap().into_inner();
        assert_eq!(check(&zip), Ok(()));
    }
}
