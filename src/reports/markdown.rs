//! The report as Markdown (CommonMark with pipe tables). Charts appear as their numbers.

use std::fmt::Write as _;

use super::document::{Doc, Item, Table};

/// Escapes text so Markdown shows it as written (`*`, `_`, `|`, `#`, … are literal).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, table: &Table) {
    if let Some(caption) = &table.caption {
        let _ = writeln!(out, "**{}**\n", escape(caption));
    }
    let header: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            if c.header.is_empty() {
                " ".to_string()
            } else {
                escape(&c.header)
            }
        })
        .collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let rule: Vec<&str> = table
        .columns
        .iter()
        .map(|c| if c.numeric { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// Renders the document as Markdown.
pub fn render(doc: &Doc) -> Vec<u8> {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", escape(&doc.title), escape(&doc.subtitle));
    for line in &doc.cover {
        let _ = writeln!(out, "{}  ", escape(line));
    }
    out.push('\n');
    out.push_str("## Inhoud\n\n");
    for item in &doc.items {
        if let Item::Heading(h) = item
            && h.level <= 2
        {
            let indent = if h.level == 1 { "" } else { "  " };
            let _ = writeln!(out, "{indent}- {}", escape(&h.text()));
        }
    }
    out.push('\n');
    for item in &doc.items {
        match item {
            Item::Heading(h) => {
                let hashes = "#".repeat(usize::from(h.level) + 1);
                let _ = writeln!(out, "{hashes} {}\n", escape(&h.text()));
            }
            Item::Paragraph(text) => {
                let _ = writeln!(out, "{}\n", escape(text));
            }
            Item::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", escape(item));
                }
                out.push('\n');
            }
            Item::Table(t) => table(&mut out, t),
            Item::Chart(chart, numbers) => {
                let _ = writeln!(out, "**Figuur: {}**\n", escape(&chart.title));
                table(&mut out, numbers);
            }
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_user_text_is_shown_literally() {
        assert_eq!(escape("a|b *c* #1 _x_"), "a\\|b \\*c\\* \\#1 \\_x\\_");
        assert_eq!(escape("regel\neen"), "regel een");
    }
}
