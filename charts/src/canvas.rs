//! Output formats, sizes and the thin drawing layer over plotters that every chart uses: pixel
//! coordinates, the bundled font and text placed by its baseline, identically in SVG and PNG.

use std::str::FromStr;
use std::sync::OnceLock;

use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor, register_font};
use serde::{Deserialize, Serialize};

use crate::error::ChartError;
use crate::glyphs;

/// The output format of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Scalable vector graphics, UTF-8 text (`image/svg+xml`).
    Svg,
    /// A PNG image, 8-bit RGB (`image/png`).
    Png,
}

impl Format {
    /// The MIME type to send with the bytes.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    /// Parses "svg" or "png" (any case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "svg" => Ok(Format::Svg),
            "png" => Ok(Format::Png),
            _ => Err(format!(
                "unknown chart format {text:?}: expected svg or png"
            )),
        }
    }
}

/// The size of a chart in pixels. Any values can be built (so it deserialises straight from a
/// query string); renderers reject sizes outside the allowed ranges with
/// [`ChartError::InvalidSize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Size {
    /// Allowed widths.
    pub const WIDTH_RANGE: std::ops::RangeInclusive<u32> = 200..=4000;
    /// Allowed heights.
    pub const HEIGHT_RANGE: std::ops::RangeInclusive<u32> = 150..=4000;
    /// A good default for a report page: 1000 × 650.
    pub const DEFAULT: Size = Size {
        width: 1000,
        height: 650,
    };

    /// A checked size.
    pub fn new(width: u32, height: u32) -> Result<Size, ChartError> {
        let size = Size { width, height };
        size.validate()?;
        Ok(size)
    }

    /// `Ok` when both sides are within the allowed ranges.
    pub fn validate(self) -> Result<(), ChartError> {
        if Self::WIDTH_RANGE.contains(&self.width) && Self::HEIGHT_RANGE.contains(&self.height) {
            Ok(())
        } else {
            Err(ChartError::InvalidSize {
                width: self.width,
                height: self.height,
            })
        }
    }
}

impl Default for Size {
    fn default() -> Self {
        Size::DEFAULT
    }
}

/// The family name the bundled DejaVu Sans is registered under with plotters. SVG output writes
/// it verbatim into `font-family`, so it is a CSS list: DejaVu Sans where the viewer has it
/// (the layout was measured with it), else Verdana (near-identical widths), else any sans.
const FONT_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// Registers DejaVu Sans with plotters once per process. plotters' `ab_glyph` text engine has no
/// fonts of its own, and even SVG output measures text with it.
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FONT_FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FONT_FAMILY, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError>;
}

/// Validates the size, draws `chart` on a fresh white canvas and returns the encoded bytes.
pub(crate) fn render(chart: &impl Draw, format: Format, size: Size) -> Result<Vec<u8>, ChartError> {
    size.validate()?;
    ensure_font()?;
    let dimensions = (size.width, size.height);
    match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, dimensions).into_drawing_area();
                let canvas = Canvas::new(&area, format);
                canvas.fill(WHITE)?;
                chart.draw(&canvas)?;
                area.present().map_err(drawing_error)?;
            }
            Ok(svg.into_bytes())
        }
        Format::Png => {
            let pixels = size.width as usize * size.height as usize;
            let mut rgb = vec![255u8; pixels * 3];
            {
                let backend =
                    BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, dimensions)
                        .map_err(|error| ChartError::Drawing(error.to_string()))?;
                let area = backend.into_drawing_area();
                let canvas = Canvas::new(&area, format);
                chart.draw(&canvas)?;
                area.present().map_err(drawing_error)?;
            }
            encode_png(&rgb, size)
        }
    }
}

fn encode_png(rgb: &[u8], size: Size) -> Result<Vec<u8>, ChartError> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    // Charts are flat colours: unfiltered rows deflate better than the adaptive filter's (a
    // third smaller) and encode faster. `CompressionType::Fast` with the adaptive filter would
    // encode about 4× faster but give files 1.6× larger (see bench/RESULTS.md, Charts).
    PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::NoFilter)
        .write_image(rgb, size.width, size.height, image::ColorType::Rgb8)
        .map_err(|error| ChartError::Encoding(error.to_string()))?;
    Ok(png)
}

fn drawing_error<E: std::error::Error + Send + Sync>(error: DrawingAreaErrorKind<E>) -> ChartError {
    ChartError::Drawing(error.to_string())
}

/// Horizontal alignment of text relative to its x coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// The smallest text a chart draws, in pixels per em at the chart's own size. Pages show the
/// narrow charts (300 px) at about 288 CSS pixels, so text never shows below 12 px there.
pub const MIN_TEXT_PX: f64 = 13.0;

/// Text appearance: size in pixels per em, weight and colour.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Font {
    pub px: f64,
    pub bold: bool,
    pub color: RGBColor,
}

impl Font {
    /// A font of `px` pixels, but never smaller than [`MIN_TEXT_PX`]: layouts make room for
    /// text rather than shrink it (rounded to a tenth, so the SVG says 15.4, not 15.3846…).
    pub fn new(px: f64, color: RGBColor) -> Font {
        Font {
            px: (px.max(MIN_TEXT_PX) * 10.0).round() / 10.0,
            bold: false,
            color,
        }
    }

    pub fn bold(self) -> Font {
        Font { bold: true, ..self }
    }

    pub fn with_color(self, color: RGBColor) -> Font {
        Font { color, ..self }
    }

    pub fn with_px(self, px: f64) -> Font {
        Font {
            px: Font::new(px, self.color).px,
            ..self
        }
    }

    /// Width of `text` in pixels, the same for both formats.
    pub fn text_width(self, text: &str) -> i32 {
        glyphs::text_width(text, self.px, self.bold).ceil() as i32
    }

    /// Height of capital letters above the baseline (DejaVu Sans: 0.73 em).
    pub fn cap_height(self) -> f64 {
        self.px * 0.73
    }

    /// A comfortable distance between two baselines.
    pub fn line_height(self) -> f64 {
        self.px * 1.3
    }

    fn style(self) -> FontStyle {
        if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        }
    }
}

/// An axis-aligned rectangle in pixels; `x1`/`y1` are exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    pub fn width(&self) -> i32 {
        (self.x1 - self.x0).max(0)
    }

    pub fn height(&self) -> i32 {
        (self.y1 - self.y0).max(0)
    }

    pub fn center_x(&self) -> i32 {
        (self.x0 + self.x1) / 2
    }

    pub fn center_y(&self) -> i32 {
        (self.y0 + self.y1) / 2
    }

    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    pub fn contains(&self, other: &Rect) -> bool {
        self.x0 <= other.x0 && self.y0 <= other.y0 && other.x1 <= self.x1 && other.y1 <= self.y1
    }
}

/// Drawing in pixel coordinates on one plotters drawing area.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    format: Format,
    pub width: i32,
    pub height: i32,
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    fn new(area: &'a DrawingArea<DB, Shift>, format: Format) -> Self {
        let (width, height) = area.dim_in_pixel();
        Canvas {
            area,
            format,
            width: i32::try_from(width).unwrap_or(i32::MAX),
            height: i32::try_from(height).unwrap_or(i32::MAX),
        }
    }

    /// How much larger than the 1000 × 650 reference size the canvas is; fonts and strokes scale
    /// with it so small thumbnails and large print images look alike.
    pub fn scale(&self) -> f64 {
        let by_width = f64::from(self.width) / 1000.0;
        let by_height = f64::from(self.height) / 650.0;
        by_width.min(by_height).clamp(0.55, 3.0)
    }

    /// A stroke width scaled with the canvas, at least one pixel.
    pub fn stroke(&self, reference: f64) -> u32 {
        (reference * self.scale()).round().max(1.0) as u32
    }

    pub fn fill(&self, color: RGBColor) -> Result<(), ChartError> {
        self.area.fill(&color).map_err(drawing_error)
    }

    pub fn rect(&self, rect: Rect, color: RGBColor) -> Result<(), ChartError> {
        if rect.width() == 0 || rect.height() == 0 {
            return Ok(());
        }
        self.area
            .draw(&Rectangle::new(self.corners(rect), color.filled()))
            .map_err(drawing_error)
    }

    /// Keeps a point within a few canvas sizes of the canvas. plotters' bitmap rasteriser does not
    /// clip: a line to a far-away point (from a wild data value) would loop over every pixel on
    /// the way or overflow.
    fn clamp(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (
            x.clamp(-2 * self.width, 3 * self.width),
            y.clamp(-2 * self.height, 3 * self.height),
        )
    }

    fn clamp_all(&self, points: &[(i32, i32)]) -> Vec<(i32, i32)> {
        points.iter().map(|point| self.clamp(*point)).collect()
    }

    /// plotters' SVG backend takes the lower-right corner as exclusive, the bitmap backend as
    /// inclusive; this gives both the same `rect`.
    fn corners(&self, rect: Rect) -> [(i32, i32); 2] {
        let exclusive = match self.format {
            Format::Svg => 0,
            Format::Png => 1,
        };
        [
            self.clamp((rect.x0, rect.y0)),
            self.clamp((rect.x1 - exclusive, rect.y1 - exclusive)),
        ]
    }

    pub fn rect_outline(&self, rect: Rect, color: RGBColor, width: u32) -> Result<(), ChartError> {
        self.area
            .draw(&Rectangle::new(
                self.corners(rect),
                color.stroke_width(width),
            ))
            .map_err(drawing_error)
    }

    pub fn line(
        &self,
        points: &[(i32, i32)],
        color: RGBColor,
        width: u32,
    ) -> Result<(), ChartError> {
        if points.len() < 2 {
            return Ok(());
        }
        self.area
            .draw(&PathElement::new(
                self.clamp_all(points),
                color.stroke_width(width),
            ))
            .map_err(drawing_error)
    }

    pub fn dashed_line(
        &self,
        points: &[(i32, i32)],
        color: RGBColor,
        width: u32,
        dash: i32,
        gap: i32,
    ) -> Result<(), ChartError> {
        if points.len() < 2 {
            return Ok(());
        }
        let element = plotters::element::DashedPathElement::new(
            self.clamp_all(points),
            dash.max(1),
            gap.max(1),
            color.stroke_width(width),
        );
        self.area.draw(&element).map_err(drawing_error)
    }

    pub fn circle(
        &self,
        center: (i32, i32),
        radius: i32,
        fill: RGBColor,
        outline: Option<RGBColor>,
    ) -> Result<(), ChartError> {
        let radius = radius.clamp(1, self.width.max(self.height));
        let center = self.clamp(center);
        self.area
            .draw(&Circle::new(center, radius, fill.filled()))
            .map_err(drawing_error)?;
        match outline {
            Some(outline) => self.ring(center, radius, outline),
            None => Ok(()),
        }
    }

    /// A one-pixel circle line, nothing inside.
    pub fn ring(&self, center: (i32, i32), radius: i32, color: RGBColor) -> Result<(), ChartError> {
        let radius = radius.clamp(1, self.width.max(self.height));
        self.area
            .draw(&Circle::new(
                self.clamp(center),
                radius,
                color.stroke_width(1),
            ))
            .map_err(drawing_error)
    }

    pub fn polygon(
        &self,
        points: &[(i32, i32)],
        fill: RGBColor,
        outline: Option<(RGBColor, u32)>,
    ) -> Result<(), ChartError> {
        if points.len() < 3 {
            return Ok(());
        }
        self.area
            .draw(&Polygon::new(self.clamp_all(points), fill.filled()))
            .map_err(drawing_error)?;
        if let Some((color, width)) = outline {
            let mut closed = points.to_vec();
            closed.push(points[0]);
            self.line(&closed, color, width)?;
        }
        Ok(())
    }

    /// The plotters text style for `font`, `size_factor` converting our pixels per em into
    /// what the backend takes as a font size.
    fn text_style(&self, font: Font, size_factor: f64, align: Align) -> TextStyle<'static> {
        let h_pos = match align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        let color: RGBAColor = font.color.to_rgba();
        let desc = FontDesc::new(
            FontFamily::Name(FONT_FAMILY),
            font.px * size_factor,
            font.style(),
        );
        TextStyle {
            font: desc,
            color: color.to_backend_color(),
            pos: Pos::new(h_pos, VPos::Top),
        }
    }

    /// Width of `text` in pixels, the same for both formats.
    pub fn text_width(&self, text: &str, font: Font) -> i32 {
        font.text_width(text)
    }

    /// Draws one line of text with its baseline at `baseline`.
    pub fn text(
        &self,
        text: &str,
        x: i32,
        baseline: i32,
        font: Font,
        align: Align,
    ) -> Result<(), ChartError> {
        if text.is_empty() {
            return Ok(());
        }
        match self.format {
            Format::Svg => {
                // plotters writes `size / 1.24` as the CSS font size and places the baseline
                // 0.76 em below a top-anchored position (dy="0.76em").
                let style = self.text_style(font, 1.24, align);
                let top = baseline - (font.px * 0.76).round() as i32;
                self.area
                    .draw_text(text, &style, (x, top))
                    .map_err(drawing_error)
            }
            Format::Png => {
                let width = glyphs::text_width(text, font.px, font.bold);
                let left = match align {
                    Align::Left => f64::from(x),
                    Align::Center => f64::from(x) - width / 2.0,
                    Align::Right => f64::from(x) - width,
                };
                let pixels = glyphs::rasterize(text, font.px, font.bold, left, f64::from(baseline))
                    .ok_or(ChartError::Font)?;
                for (px, py, coverage) in pixels {
                    let color = font.color.mix(f64::from(coverage));
                    self.area
                        .draw_pixel((px, py), &color)
                        .map_err(drawing_error)?;
                }
                Ok(())
            }
        }
    }

    /// Draws text vertically centred (by its capital letters) on `center_y`.
    pub fn text_centered(
        &self,
        text: &str,
        x: i32,
        center_y: i32,
        font: Font,
        align: Align,
    ) -> Result<(), ChartError> {
        let baseline = center_y + (font.cap_height() / 2.0).round() as i32;
        self.text(text, x, baseline, font, align)
    }
}
