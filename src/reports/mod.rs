//! The periodic progress reports: a model built from the database as of the period's cut-off
//! ([`build`]), laid out once as a document ([`document`]) and rendered per format; plus the PDF
//! writer the consultation note shares.

pub mod build;
pub mod csv;
pub mod document;
pub mod html;
pub mod markdown;
pub mod model;
pub mod pdf;
pub mod xlsx;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use model::ReportModel;

/// The formats a report is written in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    Xlsx,
    Csv,
    Md,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Html,
        Format::Xlsx,
        Format::Csv,
        Format::Md,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Md => "md",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
        }
    }

    /// `voortgangsrapportage-voorjaar-2021.pdf`.
    pub fn file_name(self, period: &str) -> String {
        format!("voortgangsrapportage-{period}.{}", self.as_str())
    }

    /// Parses a comma-separated list (`pdf,html`), naming an unknown format.
    pub fn parse_list(text: &str) -> std::result::Result<Vec<Format>, String> {
        let mut formats = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let format = part.parse::<Format>()?;
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        if formats.is_empty() {
            return Err("name at least one format: pdf, html, xlsx, csv, md".into());
        }
        Ok(formats)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(value: &str) -> std::result::Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == value.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown format `{value}`; use pdf, html, xlsx, csv or md"))
    }
}

/// The canonical snapshot of a model: compact JSON in the model's field order (every list in
/// the model has a fixed order and there are no maps), and its SHA-256.
pub fn snapshot(model: &ReportModel) -> Result<(String, String)> {
    let json = serde_json::to_string(model).map_err(Error::internal)?;
    let hash = hex::encode(Sha256::digest(json.as_bytes()));
    Ok((json, hash))
}

/// The version of the renderers: raised whenever a format draws the same model differently, so
/// `report --verify` draws a stored report again only with the renderers that drew it. Stored
/// with each report (`reports.renderer_version`); reports made before it was stored were drawn
/// by version 1.
///
/// - 2 (issue 21): the CSV for Dutch Excel (`;`, a byte order mark, decimal commas, column names
///   in words, theme names beside codes); charts in stoplicht colours people recognise, marked
///   for colour blindness too, with text of at least 13 px; the map says what a colour means.
pub const RENDERER_VERSION: i32 = 2;

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Renders one format from the model. CPU-bound: call it off the async workers.
pub fn render(model: &ReportModel, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Csv => csv::render(model),
        Format::Xlsx => xlsx::render(model),
        Format::Md => Ok(markdown::render(&document::outline(model))),
        Format::Html => html::render(&document::outline(model)),
        Format::Pdf => pdf::render_report(
            &document::outline(model),
            &pdf::Meta {
                title: format!("{}: {}", model.title, model.period.name),
                footer: format!("{} — {}", model.title, model.period.name),
                author: "Programmabureau versnellingsacties (BZK)".into(),
                subject: format!(
                    "Stand per {}",
                    crate::domain::Lang::Nl.date(model.as_of_date)
                ),
                created: Some(model.as_of),
            },
        ),
    }
}
