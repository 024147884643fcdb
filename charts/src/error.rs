//! The one error type of the crate: every renderer returns it instead of panicking.

/// Why a chart could not be rendered.
///
/// Empty data is *not* an error: it renders a chart that says "Geen gegevens voor deze selectie".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// The requested size is outside [`crate::Size::WIDTH_RANGE`] × [`crate::Size::HEIGHT_RANGE`].
    #[error(
        "chart size {width}×{height} is outside the allowed range (width {min_width}..={max_width}, height {min_height}..={max_height})",
        min_width = crate::Size::WIDTH_RANGE.start(),
        max_width = crate::Size::WIDTH_RANGE.end(),
        min_height = crate::Size::HEIGHT_RANGE.start(),
        max_height = crate::Size::HEIGHT_RANGE.end()
    )]
    InvalidSize {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
    },
    /// The data cannot be drawn as given (a number that is not finite, a coordinate off the
    /// globe, a matrix row with more cells than there are themes).
    #[error("invalid chart data: {0}")]
    InvalidData(String),
    /// The bundled font could not be registered with plotters.
    #[error("the bundled font could not be registered")]
    Font,
    /// plotters reported an error while drawing.
    #[error("drawing failed: {0}")]
    Drawing(String),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encoding(String),
}
