//! Progress charts for Versnellingsmonitor: plain data structures in, SVG or PNG bytes out.
//!
//! The monitor follows the cabinet's 2020 versnellingsacties (acceleration actions) in the 16
//! urban renewal areas. This crate draws what its progress reports show: action counts per
//! status for the areas and the ministries, the stoplicht (traffic light) per area and theme,
//! milestones planned against done, an indicator against its baseline and target, and a map of
//! the areas. It does no IO and knows no database or HTTP: callers fill the structs in
//! [`model`] and get the encoded image back.
//!
//! - Labels are Dutch, with the bundled DejaVu Sans font (no system fonts needed, diacritics
//!   such as in "Fryslân" render in PNG too).
//! - Colours are colour-blind safe (Okabe–Ito) and never the only carrier: every chart has a
//!   legend with text, and cells and map dots carry the status letter.
//! - Empty data gives a chart saying "Geen gegevens voor deze selectie", not an error.
//! - The same input gives the same bytes.
//!
//! ```
//! use versnelling_charts::{Format, Size, areas_status, demo};
//!
//! let svg = areas_status(&demo::areas_status(), Format::Svg, Size::DEFAULT)?;
//! assert!(String::from_utf8_lossy(&svg).contains("Rotterdam-Zuid"));
//! # Ok::<(), versnelling_charts::ChartError>(())
//! ```
//!
//! Rendering is synchronous and CPU-bound (a few milliseconds per chart): call it off the
//! async workers of a web server.

mod canvas;
mod charts;
pub mod demo;
mod error;
mod frame;
mod glyphs;
pub mod model;
mod palette;
mod text;

pub use canvas::{Format, Size};
pub use error::ChartError;
pub use frame::NO_DATA_TEXT;
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

/// Default title of [`areas_status`].
pub const AREAS_STATUS_TITLE: &str = "Voortgang versnellingsacties per gebied";
/// Default title of [`ministry_status`].
pub const MINISTRY_STATUS_TITLE: &str = "Voortgang versnellingsacties per ministerie";

/// National overview: one horizontal bar per area, stacked by status, with the total at its end.
pub fn areas_status(data: &AreasStatus, format: Format, size: Size) -> Result<Vec<u8>, ChartError> {
    let chart = StackedBars {
        title: data.title.as_deref().unwrap_or(AREAS_STATUS_TITLE),
        category_noun: ("gebied", "gebieden"),
        orientation: Orientation::Horizontal,
        rows: data
            .areas
            .iter()
            .map(|row| (row.area.as_str(), row.counts))
            .collect(),
    };
    render(&chart, format, size)
}

/// Area × theme grid: each cell filled with its stoplicht colour and labelled with the status
/// word, or its letter where the word does not fit.
///
/// Errors with [`ChartError::InvalidData`] when a row has more cells than there are themes.
pub fn area_theme_matrix(
    data: &AreaThemeMatrix,
    format: Format,
    size: Size,
) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    let chart = Matrix { data };
    chart.validate()?;
    render(&chart, format, size)
}

/// Cumulative milestones over time: planned (and the original plan, where it differs) against
/// done up to the cut-off date, which is marked with a labelled vertical line.
pub fn milestones_burnup(
    data: &MilestonesBurnup,
    format: Format,
    size: Size,
) -> Result<Vec<u8>, ChartError> {
    render(&Burnup { data }, format, size)
}

/// Action counts per ministry: one vertical bar per ministry, stacked by status.
pub fn ministry_status(
    data: &MinistryStatus,
    format: Format,
    size: Size,
) -> Result<Vec<u8>, ChartError> {
    let chart = StackedBars {
        title: data.title.as_deref().unwrap_or(MINISTRY_STATUS_TITLE),
        category_noun: ("ministerie", "ministeries"),
        orientation: Orientation::Vertical,
        rows: data
            .ministries
            .iter()
            .map(|row| (row.ministry.as_str(), row.counts))
            .collect(),
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
) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    let chart = Trend { data };
    chart.validate()?;
    render(&chart, format, size)
}

/// Dot map of the Netherlands: each area at its coordinates, coloured and lettered by status,
/// with its name beside it.
///
/// Errors with [`ChartError::InvalidData`] when a coordinate is not on the globe.
pub fn map(data: &AreaMap, format: Format, size: Size) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    let chart = Map { data };
    chart.validate()?;
    render(&chart, format, size)
}
