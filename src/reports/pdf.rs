//! A small PDF writer, without dependencies beyond a deflater: A4 pages in the PDF standard fonts
//! Helvetica and Helvetica-Bold (WinAnsi encoding covers Dutch: ë, é, ï, â, …), page footers
//! "Pagina X van Y", and for reports a cover, a table of contents with page numbers and links
//! (laid out twice: the second pass knows where every heading landed), headings as bookmarks,
//! tables with column widths, wrapped cells and a header row repeated on every page, and charts
//! embedded as images (the PNG's compressed rows go in as they are, with the PNG predictor).
//!
//! No timestamps but the one given, no random ids: the same input gives the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::document::{Doc, Item, Table};
use crate::error::{Error, Result};

// ---------------------------------------------------------------------------------------------
// Fonts and text
// ---------------------------------------------------------------------------------------------

const PAGE_WIDTH: f64 = 595.28;
const PAGE_HEIGHT: f64 = 841.89;
const MARGIN: f64 = 56.0;
const TOP: f64 = PAGE_HEIGHT - 58.0;
const BOTTOM: f64 = 62.0;
const TEXT_WIDTH: f64 = PAGE_WIDTH - 2.0 * MARGIN;

/// Helvetica's advance widths (per 1000 em) for ASCII 32..=126, from its AFM metrics.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The WinAnsi byte of a character; accented letters map to themselves (Latin-1), a few
/// typographic characters to their WinAnsi slots, anything else to '?'.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '→' => b'>',
        _ => b'?',
    }
}

/// The width of a character in thousandths of the font size; accented letters take their base
/// letter's width (close enough for wrapping), bold is a little wider.
fn width(c: char, bold: bool) -> f64 {
    let base = match c {
        ' '..='~' => HELVETICA[(c as usize) - 32],
        'à'..='å' | 'è'..='ë' | 'ò'..='ö' | 'ù'..='ü' | 'ñ' | 'ç' => 556,
        'ì'..='ï' => 278,
        'À'..='Å' | 'È'..='Ë' | 'Ò'..='Ö' | 'Ù'..='Ü' => 722,
        '€' | '–' | '•' => 556,
        '—' | '…' => 1000,
        _ => 556,
    };
    f64::from(base) * if bold { 1.08 } else { 1.0 }
}

fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().map(|c| width(c, bold)).sum::<f64>() * size / 1000.0
}

/// Breaks text into lines no wider than `max` points; a word wider than a line is cut.
fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, bold) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than the line (a long code or URL) is broken where it must.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if text_width(&piece, size, bold) > max && piece.chars().count() > 1 {
                let last = piece.pop().unwrap_or(c);
                lines.push(std::mem::take(&mut piece));
                piece.push(last);
            }
        }
        line = piece;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shortens text to fit `max` points, ending in "…".
fn truncate(text: &str, size: f64, bold: bool, max: f64) -> String {
    if text_width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&format!("{out}{c}…"), size, bold) > max {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

fn pdf_string(text: &str) -> String {
    let mut out = String::from("(");
    for c in text.chars() {
        match win_ansi(c) {
            b'(' => out.push_str("\\("),
            b')' => out.push_str("\\)"),
            b'\\' => out.push_str("\\\\"),
            byte if byte < 0x80 => out.push(char::from(byte)),
            byte => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// A text string for metadata and bookmarks: UTF-16BE with a byte order mark, as hex.
fn pdf_text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/// A PNG's pixels as a PDF image: 8-bit RGB, not interlaced; its zlib data is used as is.
/// Cloning shares the data (both layout passes place the same images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngImage {
    pub width: u32,
    pub height: u32,
    data: std::sync::Arc<[u8]>,
}

/// Reads the chunks of a PNG. Only what our chart renderer writes is accepted: 8-bit RGB
/// without alpha or interlacing.
pub fn parse_png(png: &[u8]) -> Result<PngImage> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let bad = |why: &str| Error::internal(format!("chart PNG: {why}"));
    let mut rest = png
        .strip_prefix(SIGNATURE)
        .ok_or_else(|| bad("no PNG signature"))?;
    let mut header = None;
    let mut data = Vec::new();
    while rest.len() >= 12 {
        let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = &rest[4..8];
        let body = rest
            .get(8..8 + length)
            .ok_or_else(|| bad("a chunk is cut short"))?;
        match kind {
            b"IHDR" if length == 13 => header = Some(body.to_vec()),
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        rest = rest
            .get(12 + length..)
            .ok_or_else(|| bad("a chunk is cut short"))?;
    }
    let header = header.ok_or_else(|| bad("no IHDR chunk"))?;
    let width = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    let height = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    let (bit_depth, colour_type, interlace) = (header[8], header[9], header[12]);
    if bit_depth != 8 || colour_type != 2 || interlace != 0 {
        return Err(bad(&format!(
            "expected 8-bit RGB without interlacing, got depth {bit_depth}, colour type {colour_type}, interlace {interlace}"
        )));
    }
    if data.is_empty() || width == 0 || height == 0 {
        return Err(bad("no image data"));
    }
    Ok(PngImage {
        width,
        height,
        data: data.into(),
    })
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
struct Colour(f64, f64, f64);

const INK: Colour = Colour(0.1, 0.1, 0.1);
const MUTED: Colour = Colour(0.38, 0.38, 0.38);
const ACCENT: Colour = Colour(0.082, 0.259, 0.451);
const WHITE: Colour = Colour(1.0, 1.0, 1.0);
const RULE: Colour = Colour(0.75, 0.75, 0.75);
const BAND: Colour = Colour(0.93, 0.94, 0.96);

#[derive(Debug, Default)]
struct Page {
    content: String,
    /// The content, deflated, once the page is full: a report of thousands of pages does not
    /// keep them all as text.
    packed: Option<Vec<u8>>,
    /// Images drawn on the page, by index into the document's images.
    images: Vec<usize>,
    /// (rect, anchor) of links to headings.
    links: Vec<([f64; 4], String)>,
    /// Pages without a footer (the cover).
    bare: bool,
    /// Something was drawn on it (also when only measuring, with no content written).
    drawn: bool,
}

impl Page {
    fn pack(&mut self) {
        if self.packed.is_none() {
            self.packed = Some(deflate(self.content.as_bytes()));
            self.content = String::new();
        }
    }
}

/// Where a heading landed: for the contents, bookmarks and links.
#[derive(Debug, Clone, PartialEq)]
struct Mark {
    anchor: String,
    title: String,
    level: u8,
    page: usize,
    y: f64,
}

struct Layout {
    pages: Vec<Page>,
    y: f64,
    marks: Vec<Mark>,
    images: Vec<PngImage>,
    /// Only where things land (the first pass, for the page numbers of the contents): no page
    /// content is written, which for a report of thousands of pages is most of the work.
    measure_only: bool,
}

impl Layout {
    fn new(measure_only: bool) -> Self {
        Self {
            pages: vec![Page::default()],
            y: TOP,
            marks: Vec::new(),
            images: Vec::new(),
            measure_only,
        }
    }

    /// The current page's content to draw on, or `None` when only measuring.
    fn draw(&mut self) -> Option<&mut String> {
        let measure_only = self.measure_only;
        let page = self.page();
        page.drawn = true;
        (!measure_only).then_some(&mut page.content)
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn page_is_empty(&self) -> bool {
        self.pages
            .last()
            .is_none_or(|p| !p.drawn && p.images.is_empty())
    }

    fn new_page(&mut self) {
        // (a measuring pass has no content to pack)
        if !self.measure_only
            && let Some(full) = self.pages.last_mut()
        {
            full.pack();
        }
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Makes room for `height` points, on a new page when needed.
    fn ensure(&mut self, height: f64) {
        if self.y - height < BOTTOM && !self.page_is_empty() {
            self.new_page();
        }
    }

    fn text(&mut self, x: f64, y: f64, size: f64, bold: bool, colour: Colour, text: &str) {
        let Colour(r, g, b) = colour;
        let font = if bold { "F2" } else { "F1" };
        let Some(content) = self.draw() else { return };
        let _ = writeln!(
            content,
            "{r:.3} {g:.3} {b:.3} rg BT /{font} {size:.1} Tf {x:.2} {y:.2} Td {} Tj ET",
            pdf_string(text)
        );
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, colour: Colour) {
        let Colour(r, g, b) = colour;
        let Some(content) = self.draw() else { return };
        let _ = writeln!(
            content,
            "{r:.3} {g:.3} {b:.3} rg {x:.2} {y:.2} {w:.2} {h:.2} re f"
        );
    }

    fn rule(&mut self, x1: f64, x2: f64, y: f64, width: f64, colour: Colour) {
        let Colour(r, g, b) = colour;
        let Some(content) = self.draw() else { return };
        let _ = writeln!(
            content,
            "{r:.3} {g:.3} {b:.3} RG {width:.2} w {x1:.2} {y:.2} m {x2:.2} {y:.2} l S"
        );
    }

    /// Wrapped text in the text column, from the current position.
    fn lines(&mut self, text: &str, size: f64, bold: bool, colour: Colour, indent: f64) {
        let leading = size * 1.35;
        for line in wrap(text, size, bold, TEXT_WIDTH - indent) {
            self.ensure(leading);
            self.y -= leading;
            let y = self.y;
            self.text(MARGIN + indent, y, size, bold, colour, &line);
        }
    }

    fn heading(&mut self, level: u8, text: &str, anchor: &str, chapter_page: bool) {
        let (size, before, colour) = match level {
            1 => (17.0, 0.0, ACCENT),
            2 => (13.0, 16.0, ACCENT),
            _ => (11.0, 10.0, INK),
        };
        if level == 1 && chapter_page && !self.page_is_empty() {
            self.new_page();
        }
        let lines = wrap(text, size, true, TEXT_WIDTH);
        let leading = size * 1.3;
        // Keep the heading with a few lines of what follows.
        self.ensure(before + leading * lines.len() as f64 + 40.0);
        if !self.page_is_empty() {
            self.y -= before;
        }
        let top = self.y;
        for line in &lines {
            self.y -= leading;
            let y = self.y;
            self.text(MARGIN, y, size, true, colour, line);
        }
        if level == 1 {
            self.y -= 6.0;
            let y = self.y;
            self.rule(MARGIN, PAGE_WIDTH - MARGIN, y, 1.2, ACCENT);
            self.y -= 6.0;
        } else {
            self.y -= 3.0;
        }
        if !anchor.is_empty() {
            let page = self.pages.len() - 1;
            self.marks.push(Mark {
                anchor: anchor.to_string(),
                title: text.to_string(),
                level,
                page,
                y: top,
            });
        }
    }

    fn paragraph(&mut self, text: &str) {
        self.y -= 4.0;
        self.lines(text, 10.0, false, INK, 0.0);
    }

    fn bullet(&mut self, text: &str) {
        let size = 10.0;
        let leading = size * 1.35;
        self.y -= 2.0;
        for (i, line) in wrap(text, size, false, TEXT_WIDTH - 14.0)
            .into_iter()
            .enumerate()
        {
            self.ensure(leading);
            self.y -= leading;
            let y = self.y;
            if i == 0 {
                self.text(MARGIN + 3.0, y, size, false, ACCENT, "•");
            }
            self.text(MARGIN + 14.0, y, size, false, INK, &line);
        }
    }

    fn table(&mut self, table: &Table) {
        const SIZE: f64 = 7.6;
        const PAD: f64 = 2.6;
        const MAX_LINES: usize = 8;
        let leading = SIZE * 1.28;
        let total: f64 = table.columns.iter().map(|c| c.width.max(0.1)).sum();
        let widths: Vec<f64> = table
            .columns
            .iter()
            .map(|c| c.width.max(0.1) / total * TEXT_WIDTH)
            .collect();
        let cells = |row: &[String], bold: bool| -> Vec<Vec<String>> {
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    let mut lines = wrap(text, SIZE, bold, w - 2.0 * PAD);
                    if lines.len() > MAX_LINES {
                        lines.truncate(MAX_LINES);
                        if let Some(last) = lines.last_mut() {
                            *last = truncate(&format!("{last} …"), SIZE, bold, w - 2.0 * PAD);
                        }
                    }
                    lines
                })
                .collect()
        };
        let height = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64 * leading + 2.0 * PAD
        };
        let headers: Vec<String> = table.columns.iter().map(|c| c.header.clone()).collect();
        let header_cells = cells(&headers, true);
        let header_height = height(&header_cells);
        let rows: Vec<Vec<Vec<String>>> = table.rows.iter().map(|r| cells(r, false)).collect();
        let first_height = rows.first().map(|r| height(r)).unwrap_or(0.0);
        if let Some(caption) = &table.caption {
            self.ensure(16.0 + header_height + first_height);
            self.y -= 6.0;
            self.lines(caption, 9.5, true, INK, 0.0);
        }
        self.y -= 5.0;
        self.ensure(header_height + first_height);
        let draw_row = |layout: &mut Layout, cells: &[Vec<String>], bold: bool, band: bool| {
            let h = height(cells);
            let top = layout.y;
            if band {
                layout.rect(MARGIN, top - h, TEXT_WIDTH, h, BAND);
            }
            let mut x = MARGIN;
            for (i, lines) in cells.iter().enumerate() {
                let numeric = table.columns.get(i).is_some_and(|c| c.numeric);
                for (n, line) in lines.iter().enumerate() {
                    let y = top - PAD - leading * (n as f64 + 1.0) + 1.8;
                    let tx = if numeric {
                        x + widths[i] - PAD - text_width(line, SIZE, bold)
                    } else {
                        x + PAD
                    };
                    layout.text(tx, y, SIZE, bold, INK, line);
                }
                x += widths[i];
            }
            layout.y = top - h;
            let y = layout.y;
            layout.rule(MARGIN, PAGE_WIDTH - MARGIN, y, 0.4, RULE);
        };
        draw_row(self, &header_cells, true, true);
        for row in &rows {
            if self.y - height(row) < BOTTOM {
                self.new_page();
                draw_row(self, &header_cells, true, true);
            }
            draw_row(self, row, false, false);
        }
        self.y -= 4.0;
    }

    fn image(&mut self, caption: &str, png: PngImage) {
        let w = TEXT_WIDTH;
        let h = w * f64::from(png.height) / f64::from(png.width);
        let h = h.min(TOP - BOTTOM - 30.0);
        let w = h * f64::from(png.width) / f64::from(png.height);
        self.ensure(h + 28.0);
        self.y -= 8.0;
        self.lines(caption, 9.5, true, INK, 0.0);
        self.y -= 4.0 + h;
        let index = self.images.len();
        self.images.push(png);
        let y = self.y;
        let x = MARGIN + (TEXT_WIDTH - w) / 2.0;
        self.page().images.push(index);
        if let Some(content) = self.draw() {
            let _ = writeln!(
                content,
                "q {w:.2} 0 0 {h:.2} {x:.2} {y:.2} cm /Im{index} Do Q"
            );
        }
        self.y -= 6.0;
    }
}

// ---------------------------------------------------------------------------------------------
// Writing the file
// ---------------------------------------------------------------------------------------------

/// What the document's information dictionary says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub title: String,
    /// Left in every footer.
    pub footer: String,
    pub author: String,
    pub subject: String,
    /// `D:YYYYMMDDHHmmSSZ`-style moment, or none; never the time of writing.
    pub created: Option<chrono::NaiveDateTime>,
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// The file's numbered objects, written out as they come (a report of thousands of pages is
/// not held twice), with their offsets for the cross-reference table.
struct Objects {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Objects {
    fn new() -> Self {
        Self {
            out: b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            offsets: Vec::new(),
        }
    }

    /// How many objects there are so far.
    fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Writes the next object from its parts.
    fn push_parts(&mut self, parts: &[&[u8]]) {
        self.offsets.push(self.out.len());
        let number = self.offsets.len();
        self.out
            .extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        for part in parts {
            self.out.extend_from_slice(part);
        }
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn push(&mut self, object: impl AsRef<[u8]>) {
        self.push_parts(&[object.as_ref()]);
    }

    /// The cross-reference table and trailer, and the file.
    fn finish(mut self) -> Vec<u8> {
        let xref = self.out.len();
        let count = self.offsets.len() + 1;
        let mut trailer = format!("xref\n0 {count}\n0000000000 65535 f \n");
        for offset in &self.offsets {
            let _ = writeln!(trailer, "{offset:010} 00000 n ");
        }
        let _ = write!(
            trailer,
            "trailer\n<< /Size {count} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out.extend_from_slice(trailer.as_bytes());
        self.out
    }
}

/// The numbers of the file's objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, 6 outlines,
/// then images, then per page three (the page, its content, its footer, which needs the page
/// count), then the bookmarks.
struct Numbering {
    first_image: usize,
    first_page: usize,
    first_outline: usize,
    /// How many pages there are.
    pages: usize,
}

impl Numbering {
    /// The numbering of a file with `images` images and `pages` pages.
    fn new(images: usize, pages: usize) -> Self {
        let first_image = 7;
        let first_page = first_image + images;
        Self {
            first_image,
            first_page,
            first_outline: first_page + 3 * pages,
            pages,
        }
    }

    /// The page object of page `i` (its content and footer follow it).
    fn page(&self, i: usize) -> usize {
        self.first_page + 3 * i
    }

    /// The bookmark object of the `i`-th outline mark.
    fn outline(&self, i: usize) -> usize {
        self.first_outline + i
    }

    /// A link destination: the top of a heading on its page.
    fn dest(&self, mark: &Mark) -> String {
        format!(
            "[{} 0 R /XYZ 0 {:.2} 0]",
            self.page(mark.page),
            mark.y + 4.0
        )
    }
}

/// The bookmark tree: chapters (by index into the outline marks) with their sections.
type BookmarkTree = Vec<(usize, Vec<usize>)>;

/// Writes the laid-out pages as a PDF file: head, images, pages, bookmarks, cross-references.
fn write_file(layout: Layout, meta: &Meta) -> Vec<u8> {
    let Layout {
        pages,
        marks,
        images,
        ..
    } = layout;
    let numbering = Numbering::new(images.len(), pages.len());
    let mut objects = Objects::new();
    let outline_marks: Vec<&Mark> = marks.iter().filter(|m| m.level <= 2).collect();
    let tree = bookmark_tree(&outline_marks);
    write_head(&mut objects, &numbering, meta, &outline_marks, &tree);
    write_images(&mut objects, images);
    let anchors: HashMap<&str, &Mark> = marks.iter().map(|m| (m.anchor.as_str(), m)).collect();
    for (number, page) in pages.into_iter().enumerate() {
        write_page(&mut objects, &numbering, meta, &anchors, number, page);
    }
    write_bookmarks(&mut objects, &numbering, &outline_marks, &tree);
    objects.finish()
}

/// Bookmarks: chapters with their sections under them (a section before any chapter is one).
fn bookmark_tree(outline_marks: &[&Mark]) -> BookmarkTree {
    let mut tree: BookmarkTree = Vec::new();
    for (i, mark) in outline_marks.iter().enumerate() {
        if mark.level == 1 || tree.is_empty() {
            tree.push((i, Vec::new()));
        } else if let Some(last) = tree.last_mut() {
            last.1.push(i);
        }
    }
    tree
}

/// Objects 1 to 6: the catalog, the page tree, the two fonts, the information dictionary and
/// the root of the bookmarks.
fn write_head(
    objects: &mut Objects,
    numbering: &Numbering,
    meta: &Meta,
    outline_marks: &[&Mark],
    tree: &BookmarkTree,
) {
    objects.push(
        format!(
            "<< /Type /Catalog /Pages 2 0 R /Lang (nl-NL){} >>",
            if outline_marks.is_empty() {
                String::new()
            } else {
                " /Outlines 6 0 R /PageMode /UseOutlines".to_string()
            }
        )
        .into_bytes(),
    );
    let count = numbering.pages;
    let kids: Vec<String> = (0..count)
        .map(|i| format!("{} 0 R", numbering.page(i)))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {count} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    objects
        .push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    );
    let mut info = format!(
        "<< /Title {} /Author {} /Subject {} /Creator (Versnellingsmonitor) /Producer (Versnellingsmonitor)",
        pdf_text_string(&meta.title),
        pdf_text_string(&meta.author),
        pdf_text_string(&meta.subject)
    );
    if let Some(at) = meta.created {
        let stamp = at.format("D:%Y%m%d%H%M%SZ");
        let _ = write!(info, " /CreationDate ({stamp}) /ModDate ({stamp})");
    }
    info.push_str(" >>");
    objects.push(info.into_bytes());
    if outline_marks.is_empty() {
        objects.push(b"<< /Type /Outlines /Count 0 >>");
    } else {
        let first = tree.first().map(|t| t.0).unwrap_or(0);
        let last = tree.last().map(|t| t.0).unwrap_or(0);
        objects.push(
            format!(
                "<< /Type /Outlines /First {} 0 R /Last {} 0 R /Count {} >>",
                numbering.outline(first),
                numbering.outline(last),
                tree.len()
            )
            .into_bytes(),
        );
    }
}

/// The images, each once, as they were compressed in the PNG; dropped once written.
fn write_images(objects: &mut Objects, images: Vec<PngImage>) {
    for image in &images {
        let head = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 \
             /BitsPerComponent 8 /Columns {w} >> /Length {} >>\nstream\n",
            image.data.len(),
            w = image.width,
            h = image.height
        );
        objects.push_parts(&[head.as_bytes(), &image.data, b"\nendstream"]);
    }
}

/// A page's three objects: the page with its resources and links, its content, its footer.
fn write_page(
    objects: &mut Objects,
    numbering: &Numbering,
    meta: &Meta,
    anchors: &HashMap<&str, &Mark>,
    number: usize,
    mut page: Page,
) {
    page.pack();
    let footer_content = if page.bare {
        String::new()
    } else {
        footer(meta, number, numbering.pages)
    };
    objects.push(page_object(numbering, anchors, number, &page).into_bytes());
    let packed = page.packed.unwrap_or_default();
    let head = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        packed.len()
    );
    objects.push_parts(&[head.as_bytes(), &packed, b"\nendstream"]);
    // The footer is two short lines: not worth a compressor per page.
    let head = format!("<< /Length {} >>\nstream\n", footer_content.len());
    objects.push_parts(&[head.as_bytes(), footer_content.as_bytes(), b"\nendstream"]);
}

/// The footer of page `number` of `count`: "Pagina X van Y" on the right, the document's footer
/// text on the left.
fn footer(meta: &Meta, number: usize, count: usize) -> String {
    let mut footer_content = String::new();
    let footer = format!("Pagina {} van {count}", number + 1);
    let Colour(r, g, b) = MUTED;
    let _ = writeln!(
        footer_content,
        "{r:.3} {g:.3} {b:.3} rg BT /F1 8 Tf {:.2} 32 Td {} Tj ET",
        PAGE_WIDTH - MARGIN - text_width(&footer, 8.0, false),
        pdf_string(&footer)
    );
    let left = truncate(&meta.footer, 8.0, false, TEXT_WIDTH - 90.0);
    let _ = writeln!(
        footer_content,
        "{r:.3} {g:.3} {b:.3} rg BT /F1 8 Tf {MARGIN:.2} 32 Td {} Tj ET",
        pdf_string(&left)
    );
    footer_content
}

/// The page dictionary: its fonts and images, its two content streams and its links.
fn page_object(
    numbering: &Numbering,
    anchors: &HashMap<&str, &Mark>,
    number: usize,
    page: &Page,
) -> String {
    let xobjects: Vec<String> = page
        .images
        .iter()
        .map(|i| format!("/Im{i} {} 0 R", numbering.first_image + i))
        .collect();
    let annots: Vec<String> = page
        .links
        .iter()
        .filter_map(|(rect, anchor)| {
            anchors.get(anchor.as_str()).map(|mark| {
                format!(
                    "<< /Type /Annot /Subtype /Link /Rect [{:.2} {:.2} {:.2} {:.2}] /Border [0 0 0] /Dest {} >>",
                    rect[0],
                    rect[1],
                    rect[2],
                    rect[3],
                    numbering.dest(mark)
                )
            })
        })
        .collect();
    let mut resources = String::from("/Font << /F1 3 0 R /F2 4 0 R >>");
    if !xobjects.is_empty() {
        let _ = write!(resources, " /XObject << {} >>", xobjects.join(" "));
    }
    let mut page_object = format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
         /Resources << {resources} >> /Contents [{} 0 R {} 0 R]",
        numbering.page(number) + 1,
        numbering.page(number) + 2
    );
    if !annots.is_empty() {
        let _ = write!(page_object, " /Annots [{}]", annots.join(" "));
    }
    page_object.push_str(" >>");
    page_object
}

/// The bookmarks, a chapter and then its sections, in document order (their numbering).
fn write_bookmarks(
    objects: &mut Objects,
    numbering: &Numbering,
    outline_marks: &[&Mark],
    tree: &BookmarkTree,
) {
    for (position, (chapter, sections)) in tree.iter().enumerate() {
        let mark = outline_marks[*chapter];
        let mut object = format!(
            "<< /Title {} /Parent 6 0 R /Dest {}",
            pdf_text_string(&mark.title),
            numbering.dest(mark)
        );
        if position > 0 {
            let _ = write!(
                object,
                " /Prev {} 0 R",
                numbering.outline(tree[position - 1].0)
            );
        }
        if let Some(next) = tree.get(position + 1) {
            let _ = write!(object, " /Next {} 0 R", numbering.outline(next.0));
        }
        if let (Some(first), Some(last)) = (sections.first(), sections.last()) {
            let _ = write!(
                object,
                " /First {} 0 R /Last {} 0 R /Count -{}",
                numbering.outline(*first),
                numbering.outline(*last),
                sections.len()
            );
        }
        object.push_str(" >>");
        // Bookmarks are numbered in document order, so they are written in that order.
        let mut all = vec![(*chapter, object)];
        all.extend(section_bookmarks(
            numbering,
            outline_marks,
            *chapter,
            sections,
        ));
        all.sort_by_key(|(i, _)| *i);
        for (i, object) in all {
            debug_assert_eq!(objects.len() + 1, numbering.outline(i));
            objects.push(object.into_bytes());
        }
    }
}

/// The bookmarks of a chapter's sections, each with its number.
fn section_bookmarks(
    numbering: &Numbering,
    outline_marks: &[&Mark],
    chapter: usize,
    sections: &[usize],
) -> Vec<(usize, String)> {
    let mut section_objects = Vec::new();
    for (n, section) in sections.iter().enumerate() {
        let mark = outline_marks[*section];
        let mut object = format!(
            "<< /Title {} /Parent {} 0 R /Dest {}",
            pdf_text_string(&mark.title),
            numbering.outline(chapter),
            numbering.dest(mark)
        );
        if n > 0 {
            let _ = write!(object, " /Prev {} 0 R", numbering.outline(sections[n - 1]));
        }
        if let Some(next) = sections.get(n + 1) {
            let _ = write!(object, " /Next {} 0 R", numbering.outline(*next));
        }
        object.push_str(" >>");
        section_objects.push((*section, object));
    }
    section_objects
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

fn cover(layout: &mut Layout, doc: &Doc) {
    layout.page().bare = true;
    layout.rect(0.0, PAGE_HEIGHT - 290.0, PAGE_WIDTH, 290.0, ACCENT);
    let mut y = PAGE_HEIGHT - 120.0;
    for line in wrap(&doc.title, 26.0, true, TEXT_WIDTH) {
        layout.text(MARGIN, y, 26.0, true, WHITE, &line);
        y -= 32.0;
    }
    y -= 6.0;
    layout.text(MARGIN, y, 19.0, false, WHITE, &doc.subtitle);
    let mut y = PAGE_HEIGHT - 340.0;
    for line in &doc.cover {
        for part in wrap(line, 12.0, false, TEXT_WIDTH) {
            layout.text(MARGIN, y, 12.0, false, INK, &part);
            y -= 18.0;
        }
    }
    layout.text(
        MARGIN,
        70.0,
        9.0,
        false,
        MUTED,
        "Versnellingsacties sociale impact coronacrisis in de stedelijke vernieuwingsgebieden",
    );
}

/// The contents pages: every chapter and section with its page, each line a link.
fn contents(layout: &mut Layout, doc: &Doc, pages: &HashMap<String, usize>) {
    layout.new_page();
    layout.heading(1, "Inhoud", "", false);
    for item in &doc.items {
        let Item::Heading(h) = item else { continue };
        if h.level > 2 {
            continue;
        }
        let (size, bold, indent) = if h.level == 1 {
            (10.5, true, 0.0)
        } else {
            (9.5, false, 16.0)
        };
        let leading = size * 1.55;
        layout.ensure(leading);
        layout.y -= leading;
        let y = layout.y;
        let number = pages
            .get(&h.anchor)
            .map(|p| (p + 1).to_string())
            .unwrap_or_else(|| "000".into());
        let number_width = text_width(&number, size, bold);
        let title = truncate(&h.text(), size, bold, TEXT_WIDTH - indent - 40.0);
        let title_width = text_width(&title, size, bold);
        layout.text(MARGIN + indent, y, size, bold, INK, &title);
        let dots_from = MARGIN + indent + title_width + 4.0;
        let dots_to = PAGE_WIDTH - MARGIN - number_width - 4.0;
        let dot = text_width(". ", size, false);
        if dots_to > dots_from + dot {
            let count = ((dots_to - dots_from) / dot).floor() as usize;
            let dots = ". ".repeat(count);
            let start = dots_to - text_width(&dots, size, false);
            layout.text(start, y, size, false, MUTED, &dots);
        }
        layout.text(
            PAGE_WIDTH - MARGIN - number_width,
            y,
            size,
            bold,
            INK,
            &number,
        );
        layout.page().links.push((
            [MARGIN, y - 3.0, PAGE_WIDTH - MARGIN, y + size],
            h.anchor.clone(),
        ));
    }
}

fn lay_out_report(
    doc: &Doc,
    pages: &HashMap<String, usize>,
    charts: &HashMap<String, PngImage>,
    measure_only: bool,
) -> Result<Layout> {
    let mut layout = Layout::new(measure_only);
    cover(&mut layout, doc);
    contents(&mut layout, doc, pages);
    for item in &doc.items {
        match item {
            Item::Heading(h) => layout.heading(h.level, &h.text(), &h.anchor, true),
            Item::Paragraph(text) => layout.paragraph(text),
            Item::Bullets(items) => {
                layout.y -= 2.0;
                for item in items {
                    layout.bullet(item);
                }
            }
            Item::Table(table) => layout.table(table),
            Item::Chart(chart, _) => {
                let png = charts
                    .get(&chart.id)
                    .cloned()
                    .ok_or_else(|| Error::internal(format!("chart {} not drawn", chart.id)))?;
                layout.image(&chart.title, png);
            }
        }
    }
    Ok(layout)
}

/// The report as PDF: cover, contents with page numbers, the chapters, charts as images.
pub fn render_report(doc: &Doc, meta: &Meta) -> Result<Vec<u8>> {
    let mut charts = HashMap::new();
    for item in &doc.items {
        if let Item::Chart(chart, _) = item
            && !charts.contains_key(&chart.id)
        {
            let png = chart.data.render(
                versnelling_charts::Format::Png,
                versnelling_charts::Size {
                    width: chart.width,
                    height: chart.height,
                },
                // Reports are Dutch.
                versnelling_charts::Lang::Nl,
            )?;
            charts.insert(chart.id.clone(), parse_png(&png)?);
        }
    }
    // First pass, measuring only: where does every heading land? The contents have as many
    // lines either way, so the second pass puts every heading on the same page and can print
    // its number.
    let first = lay_out_report(doc, &HashMap::new(), &charts, true)?;
    let pages: HashMap<String, usize> = first
        .marks
        .iter()
        .map(|m| (m.anchor.clone(), m.page))
        .collect();
    let first_pages: Vec<usize> = first.marks.iter().map(|m| m.page).collect();
    drop(first);
    let second = lay_out_report(doc, &pages, &charts, false)?;
    drop(charts);
    debug_assert_eq!(
        second.marks.iter().map(|m| m.page).collect::<Vec<_>>(),
        first_pages
    );
    Ok(write_file(second, meta))
}

// ---------------------------------------------------------------------------------------------
// Notes (the consultation note): simple blocks
// ---------------------------------------------------------------------------------------------

/// A piece of a text document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    /// Level 1 (a section) or 2 (a subsection).
    Heading(u8, String),
    Paragraph(String),
    Bullet(String),
    /// A row of a table, cells shown side by side.
    Row(Vec<String>),
}

/// Writes the blocks as a PDF document with `title` in its metadata and page footers.
pub fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    let mut layout = Layout::new(false);
    for block in blocks {
        match block {
            Block::Title(text) => {
                let lines = wrap(text, 20.0, true, TEXT_WIDTH);
                for line in lines {
                    layout.ensure(27.0);
                    layout.y -= 27.0;
                    let y = layout.y;
                    layout.text(MARGIN, y, 20.0, true, INK, &line);
                }
                layout.y -= 6.0;
            }
            Block::Heading(level, text) => layout.heading(level + 1, text, "", false),
            Block::Paragraph(text) => layout.paragraph(text),
            Block::Bullet(text) => layout.bullet(text),
            Block::Row(cells) => {
                layout.y -= 1.0;
                layout.lines(&cells.join("  ·  "), 9.5, false, INK, 0.0);
            }
        }
    }
    write_file(
        layout,
        &Meta {
            title: title.to_string(),
            footer: title.to_string(),
            author: String::new(),
            subject: String::new(),
            created: None,
        },
    )
}

/// Turns the Markdown the program writes (headings, bullets, tables, paragraphs, with `\`
/// escapes and `**`/`_` emphasis) into blocks.
pub fn from_markdown(markdown: &str) -> Vec<Block> {
    let clean = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                }
                '*' | '`' => {}
                '_' if out.is_empty()
                    || out.ends_with(' ')
                    || chars
                        .peek()
                        .is_none_or(|n| *n == ' ' || *n == '.' || *n == ',') => {}
                c => out.push(c),
            }
        }
        out.trim().to_string()
    };
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, blocks: &mut Vec<Block>| {
        if !paragraph.trim().is_empty() {
            blocks.push(Block::Paragraph(clean(paragraph)));
        }
        paragraph.clear();
    };
    for line in markdown.lines() {
        // A quotation reads as a plain paragraph on paper.
        let trimmed = line.trim();
        let trimmed = trimmed.strip_prefix("> ").unwrap_or(trimmed);
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else if let Some(text) = trimmed.strip_prefix("### ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(2, clean(text)));
        } else if let Some(text) = trimmed.strip_prefix("## ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(1, clean(text)));
        } else if let Some(text) = trimmed.strip_prefix("# ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Title(clean(text)));
        } else if let Some(text) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Bullet(clean(text)));
        } else if trimmed.starts_with('|') {
            flush(&mut paragraph, &mut blocks);
            if trimmed
                .chars()
                .all(|ch| matches!(ch, '|' | '-' | ':' | ' '))
            {
                continue;
            }
            let cells: Vec<String> = trimmed
                .trim_matches('|')
                .split(" | ")
                .map(|c| clean(c.trim_matches('|')))
                .collect();
            blocks.push(Block::Row(cells));
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::document::{Column, Heading};

    fn inflated_contents(pdf: &[u8]) -> String {
        // Every content stream (deflated or not; no images), one after the other.
        let mut out = String::new();
        let mut rest = pdf;
        while let Some(start) = find(rest, b">>\nstream\n") {
            // the stream's whole dictionary: from the start of its object
            let dict_start = rest[..start]
                .windows(4)
                .rposition(|w| w == b"obj\n")
                .unwrap_or(0);
            let dict = &rest[dict_start..start];
            let body = &rest[start + 10..];
            let end = find(body, b"\nendstream").unwrap_or(body.len());
            if find(dict, b"/Subtype /Image").is_none() {
                if find(dict, b"/FlateDecode").is_some() {
                    if let Ok(data) = miniz_oxide::inflate::decompress_to_vec_zlib(&body[..end]) {
                        out.push_str(&String::from_utf8_lossy(&data));
                    }
                } else {
                    out.push_str(&String::from_utf8_lossy(&body[..end]));
                }
            }
            rest = &body[end..];
        }
        out
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn the_same_blocks_give_the_same_bytes_and_a_wellformed_file() {
        let blocks = vec![
            Block::Title("Notitie".into()),
            Block::Heading(1, "Jongeren".into()),
            Block::Paragraph(
                "Fryslân en Coördinatie (met haakjes) en een \\ schuine streep.".into(),
            ),
        ];
        let a = render("Notitie", &blocks);
        assert_eq!(a, render("Notitie", &blocks));
        let text = String::from_utf8_lossy(&a);
        assert!(text.starts_with("%PDF-1.5"));
        assert!(text.ends_with("%%EOF\n"));
        let contents = inflated_contents(&a);
        assert!(contents.contains("Frysl\\342n"), "â is WinAnsi 0xE2");
        assert!(contents.contains("\\(met haakjes\\)"));
        assert!(contents.contains("Pagina 1 van 1"));
    }

    #[test]
    fn long_documents_wrap_and_break_into_numbered_pages() {
        let blocks: Vec<Block> = (0..200)
            .map(|i| Block::Paragraph(format!("Alinea {i}: {}", "woord ".repeat(40))))
            .collect();
        let pdf = render("Lang", &blocks);
        let pages = String::from_utf8_lossy(&pdf)
            .matches("/Type /Page ")
            .count();
        assert!(pages > 5, "{pages}");
        assert!(inflated_contents(&pdf).contains(&format!("Pagina {pages} van {pages}")));
    }

    #[test]
    fn markdown_becomes_blocks_without_its_markup() {
        let blocks = from_markdown(
            "# Titel\n\n## Jongeren\n\n- **Rotterdam** (1): Huiswerk\\_klas\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTekst\nverder.",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Title("Titel".into()),
                Block::Heading(1, "Jongeren".into()),
                Block::Bullet("Rotterdam (1): Huiswerk_klas".into()),
                Block::Row(vec!["a".into(), "b".into()]),
                Block::Row(vec!["1".into(), "2".into()]),
                Block::Paragraph("Tekst verder.".into()),
            ]
        );
    }

    #[test]
    fn long_words_are_cut_to_fit_and_titles_shortened() {
        let lines = wrap(&"x".repeat(300), 10.0, false, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 10.0, false) <= 100.0));
        let short = truncate("Een heel lange titel die niet past", 10.0, false, 60.0);
        assert!(short.ends_with('…') && text_width(&short, 10.0, false) <= 60.0);
    }

    fn report_doc(rows: usize) -> Doc {
        let mut items = Vec::new();
        for chapter in 1..=3 {
            items.push(Item::Heading(Heading {
                level: 1,
                number: chapter.to_string(),
                title: format!("Hoofdstuk {chapter}"),
                anchor: format!("h-{chapter}"),
            }));
            items.push(Item::Heading(Heading {
                level: 2,
                number: format!("{chapter}.1"),
                title: "Paragraaf".into(),
                anchor: format!("h-{chapter}-1"),
            }));
            items.push(Item::Table(Table {
                caption: Some("Tabel".into()),
                columns: vec![
                    Column {
                        header: "Naam".into(),
                        width: 3.0,
                        numeric: false,
                    },
                    Column {
                        header: "Aantal".into(),
                        width: 1.0,
                        numeric: true,
                    },
                ],
                rows: (0..rows)
                    .map(|i| vec![format!("Rij {i} in Fryslân"), i.to_string()])
                    .collect(),
            }));
        }
        Doc {
            title: "Rapport".into(),
            subtitle: "Voorjaar".into(),
            cover: vec!["Stand per 31 maart 2021".into()],
            items,
        }
    }

    #[test]
    fn reports_get_contents_with_page_numbers_bookmarks_and_repeated_table_headers() {
        let doc = report_doc(120);
        let meta = Meta {
            title: "Rapport".into(),
            footer: "Rapport — Voorjaar".into(),
            author: "Programmabureau".into(),
            subject: "Stand".into(),
            created: chrono::NaiveDate::from_ymd_opt(2021, 3, 31)
                .and_then(|d| d.and_hms_opt(21, 59, 59)),
        };
        let pdf = render_report(&doc, &meta).unwrap();
        assert_eq!(pdf, render_report(&doc, &meta).unwrap(), "deterministic");
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/CreationDate (D:20210331215959Z)"));
        assert!(raw.contains("/Type /Outlines /First"));
        assert_eq!(
            raw.matches("/Subtype /Link").count(),
            6,
            "a link per contents line"
        );
        let contents = inflated_contents(&pdf);
        // The header row is repeated on every page a table runs over.
        let pages = raw.matches("/Type /Page ").count();
        assert!(contents.matches("(Aantal) Tj").count() > 3, "{pages} pages");
        assert!(contents.contains("(Inhoud) Tj"));
        assert!(
            !contents.contains("(000) Tj"),
            "every contents line has its page"
        );
        assert!(contents.contains(&format!("(Pagina 2 van {pages}) Tj")));
        assert!(
            !contents.contains("(Pagina 1 van"),
            "the cover has no footer"
        );
    }

    #[test]
    fn only_rgb_pngs_are_embedded() {
        let data = versnelling_charts::map(
            &versnelling_charts::demo::map(),
            versnelling_charts::Format::Png,
            versnelling_charts::Size::DEFAULT,
            versnelling_charts::Lang::Nl,
        )
        .unwrap();
        let image = parse_png(&data).unwrap();
        assert_eq!((image.width, image.height), (1000, 650));
        assert!(parse_png(b"GIF89a").is_err());
    }
}
