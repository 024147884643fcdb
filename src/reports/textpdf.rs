//! A small PDF writer for text documents (notes): headings, paragraphs, bullets and table rows,
//! wrapped on A4 pages with page numbers, in the PDF standard fonts Helvetica and
//! Helvetica-Bold (WinAnsi encoding covers Dutch: ë, é, ï, â, …). No dependencies, no
//! timestamps: the same blocks give the same bytes.

use std::fmt::Write as _;

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

const PAGE_WIDTH: f64 = 595.0;
const PAGE_HEIGHT: f64 = 842.0;
const MARGIN: f64 = 56.0;
const BOTTOM: f64 = 60.0;

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

/// Breaks text into lines no wider than `max` points.
fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, bold) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
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

struct Line {
    x: f64,
    y: f64,
    size: f64,
    bold: bool,
    text: String,
}

/// Lays the blocks out on pages.
fn layout(blocks: &[Block]) -> Vec<Vec<Line>> {
    let mut pages: Vec<Vec<Line>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    for block in blocks {
        let (size, bold, before, indent, prefix, text) = match block {
            Block::Title(t) => (20.0, true, 0.0, 0.0, "", t.clone()),
            Block::Heading(1, t) => (15.0, true, 14.0, 0.0, "", t.clone()),
            Block::Heading(_, t) => (12.5, true, 10.0, 0.0, "", t.clone()),
            Block::Paragraph(t) => (10.5, false, 4.0, 0.0, "", t.clone()),
            Block::Bullet(t) => (10.5, false, 2.0, 14.0, "•", t.clone()),
            Block::Row(cells) => (9.5, false, 1.0, 0.0, "", cells.join("  ·  ")),
        };
        let leading = size * 1.35;
        let lines = wrap(&text, size, bold, width - indent);
        // Keep a heading with at least two lines after it.
        let needed = before + leading * (lines.len().min(3) as f64);
        if y - needed < BOTTOM && pages.last().is_some_and(|p| !p.is_empty()) {
            pages.push(Vec::new());
            y = PAGE_HEIGHT - MARGIN;
        } else if pages.last().is_some_and(|p| !p.is_empty()) {
            y -= before;
        }
        for (i, line) in lines.into_iter().enumerate() {
            if y - leading < BOTTOM {
                pages.push(Vec::new());
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= leading;
            if let Some(page) = pages.last_mut() {
                if i == 0 && !prefix.is_empty() {
                    page.push(Line {
                        x: MARGIN + 2.0,
                        y,
                        size,
                        bold,
                        text: prefix.to_string(),
                    });
                }
                page.push(Line {
                    x: MARGIN + indent,
                    y,
                    size,
                    bold,
                    text: line,
                });
            }
        }
    }
    pages
}

/// Writes the blocks as a PDF document with `title` in its metadata and page footers.
pub fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    let pages = layout(blocks);
    let count = pages.len();
    // Objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, then page and content per page.
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {count} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .into(),
    );
    objects.push(format!(
        "<< /Title {} /Producer (Versnellingsmonitor) >>",
        pdf_string(title)
    ));
    for (number, page) in pages.iter().enumerate() {
        let mut content = String::new();
        for line in page {
            let _ = writeln!(
                content,
                "BT /{} {:.1} Tf {:.2} {:.2} Td {} Tj ET",
                if line.bold { "F2" } else { "F1" },
                line.size,
                line.x,
                line.y,
                pdf_string(&line.text)
            );
        }
        let footer = format!("Pagina {} van {count}", number + 1);
        let _ = writeln!(
            content,
            "BT /F1 8.5 Tf {:.2} 30 Td {} Tj ET",
            PAGE_WIDTH - MARGIN - text_width(&footer, 8.5, false),
            pdf_string(&footer)
        );
        let _ = writeln!(
            content,
            "BT /F1 8.5 Tf {MARGIN:.2} 30 Td {} Tj ET",
            pdf_string(title)
        );
        let content_id = 7 + 2 * number;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_id} 0 R >>"
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut trailer = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(trailer, "{offset:010} 00000 n ");
    }
    let _ = write!(
        trailer,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(trailer.as_bytes());
    out
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
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.ends_with("%%EOF\n"));
        assert!(text.contains("Frysl\\342n"), "â is WinAnsi 0xE2");
        assert!(text.contains("\\(met haakjes\\)"));
        assert!(text.contains("Pagina 1 van 1"));
    }

    #[test]
    fn long_documents_wrap_and_break_into_numbered_pages() {
        let blocks: Vec<Block> = (0..200)
            .map(|i| Block::Paragraph(format!("Alinea {i}: {}", "woord ".repeat(40))))
            .collect();
        let pdf = String::from_utf8_lossy(&render("Lang", &blocks)).to_string();
        let pages = pdf.matches("/Type /Page ").count();
        assert!(pages > 5, "{pages}");
        assert!(pdf.contains(&format!("Pagina {pages} van {pages}")));
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
}
