//! What all charts share around their plot: font sizes, the title and subtitle (wrapped on
//! narrow charts), the legend's place, and the "no data" chart.

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Font, Rect};
use crate::error::ChartError;
use crate::lang::Lang;
use crate::legend::{Legend, LegendItem};
use crate::palette::{GRID, MUTED_TEXT, TEXT};
use crate::text::wrap;

/// Font sizes scaled to the canvas, none below [`crate::canvas::MIN_TEXT_PX`]: on small
/// canvases text keeps its size and the layouts make room for it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fonts {
    pub title: Font,
    pub subtitle: Font,
    pub label: Font,
    pub small: Font,
    /// Status letters in cells and dots.
    pub code: Font,
}

pub(crate) fn fonts<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> Fonts {
    let scale = canvas.scale();
    let small = Font::new(13.0 * scale, MUTED_TEXT);
    Fonts {
        title: Font::new((20.0 * scale).max(16.0), TEXT).bold(),
        subtitle: Font::new(14.0 * scale, MUTED_TEXT),
        label: Font::new(14.0 * scale, TEXT),
        small,
        code: small.bold(),
    }
}

/// The outer margin of every chart.
pub(crate) fn padding<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> i32 {
    (16.0 * canvas.scale()).round() as i32
}

/// Where the legend goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LegendPlacement {
    /// Rows under the chart, wrapping as needed.
    Bottom,
    /// One entry per line in a column at the bottom right, for tall charts on wide canvases.
    Right,
}

/// The frame around a chart's plot: title on top, optional subtitle under it, the legend (with
/// an optional note above its entries) at the bottom or on the right.
#[derive(Clone, Copy)]
pub(crate) struct Frame<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    legend: &'a [LegendItem],
    note: Option<&'a str>,
    placement: LegendPlacement,
}

impl<'a> Frame<'a> {
    pub fn new(title: &'a str) -> Frame<'a> {
        Frame {
            title,
            subtitle: None,
            legend: &[],
            note: None,
            placement: LegendPlacement::Bottom,
        }
    }

    pub fn subtitle(self, subtitle: &'a str) -> Frame<'a> {
        Frame {
            subtitle: Some(subtitle),
            ..self
        }
    }

    pub fn legend(self, legend: &'a [LegendItem]) -> Frame<'a> {
        Frame { legend, ..self }
    }

    /// A sentence above the legend's entries on what the marks mean beyond their colour.
    pub fn note(self, note: &'a str) -> Frame<'a> {
        Frame {
            note: Some(note),
            ..self
        }
    }

    pub fn placement(self, placement: LegendPlacement) -> Frame<'a> {
        Frame { placement, ..self }
    }

    /// Draws the title, subtitle and legend; returns the space left for the plot.
    pub fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<Rect, ChartError> {
        let layout = self.lay_out(canvas);
        layout.draw(canvas)?;
        Ok(layout.plot)
    }

    /// Where everything goes, without drawing: for charts that try more than one layout.
    pub fn lay_out<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> FrameLayout<'a> {
        let fonts = fonts(canvas);
        let pad = padding(canvas);
        let inner_width = canvas.width - 2 * pad;
        let title = wrap(canvas, self.title, fonts.title, inner_width, 2);
        let subtitle = self
            .subtitle
            .map(|subtitle| wrap(canvas, subtitle, fonts.subtitle, inner_width, 4))
            .unwrap_or_default();
        let mut top = pad + lines_height(title.len(), fonts.title);
        top += (fonts.title.px * 0.2).round() as i32;
        top += lines_height(subtitle.len(), fonts.subtitle);
        top += (fonts.label.px * 0.7).round() as i32;
        let bottom = canvas.height - pad;
        let one_per_row = self.placement == LegendPlacement::Right;
        let column = if one_per_row {
            inner_width * 2 / 5
        } else {
            inner_width
        };
        let legend = Legend::lay_out(canvas, self.legend, self.note, column, one_per_row);
        let (legend_area, plot) = if self.legend.is_empty() && self.note.is_none() {
            (
                None,
                Rect::new(pad, top, canvas.width - pad, bottom.max(top + 1)),
            )
        } else if one_per_row {
            let width = legend.width(canvas).min(column);
            let left = canvas.width - pad - width;
            let legend_top = (bottom - legend.height(canvas)).max(top);
            let right = left - (fonts.label.px * 1.5).round() as i32;
            (
                Some(Rect::new(left, legend_top, left + width, bottom)),
                Rect::new(pad, top, right.max(pad + 1), bottom),
            )
        } else {
            let legend_top = bottom - legend.height(canvas);
            let plot_bottom = legend_top - (fonts.label.px * 0.8).round() as i32;
            (
                Some(Rect::new(pad, legend_top, pad + inner_width, bottom)),
                Rect::new(pad, top, canvas.width - pad, plot_bottom.max(top + 1)),
            )
        };
        FrameLayout {
            title,
            subtitle,
            legend,
            legend_area,
            plot,
        }
    }
}

/// A laid-out frame: the title's and subtitle's lines, the legend and its place, and the space
/// left for the plot.
pub(crate) struct FrameLayout<'a> {
    title: Vec<String>,
    subtitle: Vec<String>,
    legend: Legend<'a>,
    /// Where the legend goes, if there is one.
    pub legend_area: Option<Rect>,
    pub plot: Rect,
}

impl FrameLayout<'_> {
    pub fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let fonts = fonts(canvas);
        let pad = padding(canvas);
        let mut top = pad;
        draw_lines(canvas, &self.title, fonts.title, (pad, top))?;
        top += lines_height(self.title.len(), fonts.title) + (fonts.title.px * 0.2).round() as i32;
        draw_lines(canvas, &self.subtitle, fonts.subtitle, (pad, top))?;
        match self.legend_area {
            Some(area) => self.legend.draw(canvas, area),
            None => Ok(()),
        }
    }
}

/// The height of `count` lines of text, from the first line's capitals to under the last
/// line's descenders.
fn lines_height(count: usize, font: Font) -> i32 {
    if count == 0 {
        return 0;
    }
    let line_height = font.line_height().round() as i32;
    font.cap_height().round() as i32
        + line_height * (count as i32 - 1)
        + (font.px * 0.35).round() as i32
}

/// Lines of text, the first line's capitals starting at `top`.
fn draw_lines<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    lines: &[String],
    font: Font,
    (left, top): (i32, i32),
) -> Result<(), ChartError> {
    let line_height = font.line_height().round() as i32;
    let mut baseline = top + font.cap_height().round() as i32;
    for line in lines {
        canvas.text(line, left, baseline, font, Align::Left)?;
        baseline += line_height;
    }
    Ok(())
}

/// The chart an empty selection gets: the title and the "no data" sentence.
pub(crate) fn no_data<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    title: &str,
    lang: Lang,
) -> Result<(), ChartError> {
    let plot = Frame::new(title).draw(canvas)?;
    let fonts = fonts(canvas);
    canvas.rect_outline(plot, GRID, canvas.stroke(1.0))?;
    let font = fonts
        .label
        .with_px(fonts.label.px * 1.25)
        .with_color(MUTED_TEXT);
    let lines = wrap(canvas, lang.words().no_data, font, plot.width() - 8, 3);
    let line_height = font.line_height().round() as i32;
    let first = plot.center_y() - line_height * (lines.len() as i32 - 1) / 2;
    for (index, line) in lines.iter().enumerate() {
        let center_y = first + line_height * index as i32;
        canvas.text_centered(line, plot.center_x(), center_y, font, Align::Center)?;
    }
    Ok(())
}
