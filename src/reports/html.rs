//! The report as one self-contained HTML file: styles and SVG charts inline (each with its
//! numbers as a table), a table of contents, a print stylesheet for A4. Every piece of text goes
//! through [`escape`]; the only markup not written here is the SVG of our own chart renderer.

use std::fmt::Write as _;

use super::document::{Doc, Item, Table};
use super::model::Chart;
use crate::error::{Error, Result};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #c8c8c8; --band: #f3f5f8; --accent: #154273; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 62rem; padding: 1.5rem; line-height: 1.45; font-size: 15px; }
header.cover { border-bottom: 4px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: 1rem; }
header.cover h1 { color: var(--accent); margin: 0 0 .25rem; font-size: 1.9rem; }
header.cover .subtitle { font-size: 1.35rem; margin: 0 0 .75rem; }
header.cover p { margin: .1rem 0; color: var(--muted); }
nav.toc ol { list-style: none; padding-left: 0; }
nav.toc ol ol { padding-left: 1.5rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
h2 { color: var(--accent); border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-top: 1.6rem; }
h4 { margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .85rem; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .4rem; vertical-align: top; text-align: left; }
th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.s-groen { border-left: 6px solid #009E73; }
td.s-oranje { border-left: 6px solid #E69F00; }
td.s-rood { border-left: 6px solid #D55E00; }
td.s-afgerond { border-left: 6px solid #0072B2; }
td.s-gestopt, td.s-niet-gestart { border-left: 6px solid #999999; }
figure { margin: 1rem 0 1.5rem; }
figure .chart svg { width: 100%; height: auto; display: block; }
figcaption { font-weight: bold; margin-bottom: .3rem; }
details summary { cursor: pointer; color: var(--accent); font-size: .85rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule); }
@page { size: A4; margin: 18mm 15mm 20mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav.toc { break-after: page; }
  h2.chapter { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  details summary { display: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The SVG of a chart, checked to be what our renderer writes before it goes inline.
fn inline_svg(bytes: &[u8]) -> Result<&str> {
    let text = std::str::from_utf8(bytes).map_err(Error::internal)?;
    let lower = text.to_ascii_lowercase();
    if !text.starts_with("<svg") || lower.contains("<script") || lower.contains("<foreignobject") {
        return Err(Error::internal("a chart is not plain SVG"));
    }
    Ok(text)
}

fn status_class(text: &str) -> Option<&'static str> {
    match text {
        "groen" => Some("s-groen"),
        "oranje" => Some("s-oranje"),
        "rood" => Some("s-rood"),
        "afgerond" => Some("s-afgerond"),
        "gestopt" => Some("s-gestopt"),
        "niet gestart" => Some("s-niet-gestart"),
        _ => None,
    }
}

fn table(out: &mut String, table: &Table) {
    out.push_str("<table>\n");
    if let Some(caption) = &table.caption {
        let _ = writeln!(out, "<caption>{}</caption>", escape(caption));
    }
    out.push_str("<thead><tr>");
    for column in &table.columns {
        let class = if column.numeric { " class=\"num\"" } else { "" };
        let _ = write!(
            out,
            "<th scope=\"col\"{class}>{}</th>",
            escape(&column.header)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let column = table.columns.get(i);
            let class = match column {
                Some(c) if c.numeric => Some("num"),
                Some(c) if c.header == "Stoplicht" => status_class(cell),
                _ => None,
            };
            match class {
                Some(class) => {
                    let _ = write!(out, "<td class=\"{class}\">{}</td>", escape(cell));
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", escape(cell));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Renders the document as HTML. Draws every chart as SVG.
pub fn render(doc: &Doc) -> Result<Vec<u8>> {
    let mut out = String::with_capacity(1 << 20);
    head_and_cover(&mut out, doc);
    contents(&mut out, doc);
    out.push_str("<main>\n");
    for item in &doc.items {
        body_item(&mut out, item)?;
    }
    let _ = writeln!(
        out,
        "</main>\n<footer><p>{} — {}. Gemaakt door de Versnellingsmonitor uit de gegevens zoals \
         vastgelegd op de peildatum.</p></footer>\n</body>\n</html>",
        escape(&doc.title),
        escape(&doc.subtitle)
    );
    Ok(out.into_bytes())
}

/// The document's head with the styles, and the cover: title, subtitle and cover lines.
fn head_and_cover(out: &mut String, doc: &Doc) {
    let title = format!("{}: {}", doc.title, doc.subtitle);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Versnellingsmonitor\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<header class=\"cover\">\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>",
        escape(&doc.title),
        escape(&doc.subtitle)
    );
    for line in &doc.cover {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str("</header>\n");
}

/// The table of contents: chapters and their sections, as nested lists of links.
fn contents(out: &mut String, doc: &Doc) {
    out.push_str(
        "<nav class=\"toc\" aria-labelledby=\"inhoud\">\n<h2 id=\"inhoud\">Inhoud</h2>\n<ol>\n",
    );
    let mut open_sub = false;
    let mut first = true;
    for item in &doc.items {
        let Item::Heading(h) = item else { continue };
        match h.level {
            1 => {
                if open_sub {
                    out.push_str("</ol>");
                    open_sub = false;
                }
                if !first {
                    out.push_str("</li>\n");
                }
                first = false;
                let _ = write!(
                    out,
                    "<li><a href=\"#{}\">{}</a>",
                    escape(&h.anchor),
                    escape(&h.text())
                );
            }
            2 => {
                if !open_sub {
                    out.push_str("\n<ol>\n");
                    open_sub = true;
                }
                let _ = writeln!(
                    out,
                    "<li><a href=\"#{}\">{}</a></li>",
                    escape(&h.anchor),
                    escape(&h.text())
                );
            }
            _ => {}
        }
    }
    if open_sub {
        out.push_str("</ol>");
    }
    if !first {
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</nav>\n");
}

/// One item of the body: a heading, paragraph, list, table or chart.
fn body_item(out: &mut String, item: &Item) -> Result<()> {
    match item {
        Item::Heading(h) => {
            let (tag, class) = match h.level {
                1 => ("h2", " class=\"chapter\""),
                2 => ("h3", ""),
                _ => ("h4", ""),
            };
            let _ = writeln!(
                out,
                "<{tag} id=\"{}\"{class}>{}</{tag}>",
                escape(&h.anchor),
                escape(&h.text())
            );
        }
        Item::Paragraph(text) => {
            let _ = writeln!(out, "<p>{}</p>", escape(text));
        }
        Item::Bullets(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", escape(item));
            }
            out.push_str("</ul>\n");
        }
        Item::Table(t) => table(out, t),
        Item::Chart(chart, numbers) => figure(out, chart, numbers)?,
    }
    Ok(())
}

/// A chart as a figure: its SVG inline, and its numbers as a table to unfold.
fn figure(out: &mut String, chart: &Chart, numbers: &Table) -> Result<()> {
    let svg = chart.data.render(
        versnelling_charts::Format::Svg,
        versnelling_charts::Size {
            width: chart.width,
            height: chart.height,
        },
        // Reports are Dutch.
        versnelling_charts::Lang::Nl,
    )?;
    let id = escape(&format!("fig-{}", chart.id));
    let _ = writeln!(
        out,
        "<figure id=\"{id}\" aria-labelledby=\"{id}-t\">\n<figcaption id=\"{id}-t\">{}</figcaption>\n\
         <div class=\"chart\" role=\"img\" aria-label=\"{}\">{}</div>\n\
         <details><summary>De cijfers bij deze figuur</summary>",
        escape(&chart.title),
        escape(&chart.title),
        inline_svg(&svg)?
    );
    table(out, numbers);
    out.push_str("</details>\n</figure>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn only_plain_svg_goes_inline() {
        assert!(inline_svg(b"<svg width=\"1\"></svg>").is_ok());
        assert!(inline_svg(b"<svg><script>x</script></svg>").is_err());
        assert!(inline_svg(b"<html>").is_err());
    }
}
