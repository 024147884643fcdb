//! Progress charts for Versnellingsmonitor: plain data structures in, SVG or PNG bytes out.
//!
//! The monitor follows the cabinet's 2020 versnellingsacties (acceleration actions) in the 16
//! urban renewal areas. This crate draws what its progress reports show: action counts per
//! status for the areas and the ministries, the stoplicht (traffic light) per area and theme,
//! milestones planned against done, an indicator against its baseline and target, and a map of
//! the areas. It does no IO and knows no database or HTTP: callers fill the structs in
//! [`model`] and get the encoded image back.
//!
//! - Labels are Dutch or English ([`Lang`], a render argument like the format and the size:
//!   the data stay the same in either language), with the bundled DejaVu Sans font (no system
//!   fonts needed, diacritics such as in "Fryslân" render in PNG too).
//! - Text is never smaller than [`MIN_TEXT_PX`] at the chart's own size; narrow charts (300 px)
//!   wrap titles, names and legends instead of shrinking them.
//! - The stoplicht colours are a real red, orange and green, told apart without colour too:
//!   they differ in lightness, rood is hatched and oranje dotted on every mark and legend swatch,
//!   and cells and map dots carry the status word or letter. Every mark stands out 3:1 from the
//!   white background.
//! - Empty data gives a chart saying "Geen gegevens voor deze selectie", not an error.
//! - The same input gives the same bytes.
//!
//! ```
//! use versnelling_charts::{Format, Lang, Size, areas_status, demo};
//!
//! let svg = areas_status(&demo::areas_status(), Format::Svg, Size::DEFAULT, Lang::Nl)?;
//! assert!(String::from_utf8_lossy(&svg).contains("Rotterdam-Zuid"));
//! # Ok::<(), versnelling_charts::ChartError>(())
//! ```
//!
//! Rendering is synchronous and CPU-bound (a few milliseconds per chart): call it off the
//! async workers of a web server.

mod axes;
mod canvas;
mod charts;
pub mod demo;
mod error;
mod frame;
mod glyphs;
mod lang;
mod legend;
mod marks;
pub mod model;
mod palette;
mod place;
mod text;

pub use canvas::{Format, MIN_TEXT_PX, Size};
pub use error::ChartError;
pub use lang::{Lang, Noun, StatusWords, Words};
pub use model::{
    AreaCounts, AreaMap, AreaThemeMatrix, AreasStatus, DatedValue, IndicatorTrend, MapArea,
    MatrixRow, Milestone, MilestonesBurnup, MinistryCounts, MinistryStatus, Status, StatusCounts,
};

use canvas::render;
use charts::bars::{Orientation, StackedBars};
use charts::burnup::Burnup;
use charts::map::Map;
use charts::matrix::Matrix;
use charts::trend::Trend;

/// The width in pixels of `text` in the bundled DejaVu Sans at `px` pixels per em, as the charts
/// measure it: for laying out around a chart, and for checking one.
pub fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    glyphs::text_width(text, px, bold)
}

/// National overview: one horizontal bar per area, stacked by status, with the total at its end.
pub fn areas_status(
    data: &AreasStatus,
    format: Format,
    size: Size,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    let words = lang.words();
    let chart = StackedBars {
        title: data.title.as_deref().unwrap_or(words.areas_status_title),
        category: words.area,
        orientation: Orientation::Horizontal,
        rows: data
            .areas
            .iter()
            .map(|row| (row.area.as_str(), row.counts))
            .collect(),
        lang,
    };
    render(&chart, format, size)
}

/// Area × theme grid: each cell filled with its stoplicht colour and pattern and labelled with
/// the status word, or its letter where the word does not fit.
///
/// Errors with [`ChartError::InvalidData`] when a row has more cells than there are themes.
pub fn area_theme_matrix(
    data: &AreaThemeMatrix,
    format: Format,
    size: Size,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    let chart = Matrix { data, lang };
    chart.validate()?;
    render(&chart, format, size)
}

/// Cumulative milestones over time: planned (and the original plan, where it differs) against
/// done up to the cut-off date, which is marked with a labelled vertical line.
pub fn milestones_burnup(
    data: &MilestonesBurnup,
    format: Format,
    size: Size,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    render(&Burnup { data, lang }, format, size)
}

/// Action counts per ministry: one vertical bar per ministry, stacked by status.
pub fn ministry_status(
    data: &MinistryStatus,
    format: Format,
    size: Size,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    let words = lang.words();
    let chart = StackedBars {
        title: data.title.as_deref().unwrap_or(words.ministry_status_title),
        category: words.ministry,
        orientation: Orientation::Vertical,
        rows: data
            .ministries
            .iter()
            .map(|row| (row.ministry.as_str(), row.counts))
            .collect(),
        lang,
    };
    render(&chart, format, size)
}

/// An indicator's values over time as a line with points, with its baseline (nulmeting) and
/// target (doel) as labelled horizontal lines and the target date marked.
///
/// Errors with [`ChartError::InvalidData`] when a value is NaN or infinite.
pub fn indicator_trend(
    data: &IndicatorTrend,
    format: Format,
    size: Size,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    let chart = Trend { data, lang };
    chart.validate()?;
    render(&chart, format, size)
}

/// Dot map of the Netherlands: each area at its coordinates, coloured, patterned and lettered by
/// its worst status, with its name beside it (or, where names do not fit, a number beside it and
/// the names listed under the map).
///
/// Errors with [`ChartError::InvalidData`] when a coordinate is not on the globe.
pub fn map(data: &AreaMap, format: Format, size: Size, lang: Lang) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    let chart = Map { data, lang };
    chart.validate()?;
    render(&chart, format, size)
}
