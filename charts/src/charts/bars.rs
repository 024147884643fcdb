//! Stacked bars of action counts per status: horizontal for the areas (long names read best as
//! rows), vertical for the ministries (few, short names).

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::error::ChartError;
use crate::frame::{
    Fonts, LegendItem, Marker, Scale, draw_value_axis_left, draw_x_ticks, fonts, frame, nice_ticks,
    no_data, x_tick_height,
};
use crate::model::{Status, StatusCounts};
use crate::palette::{AXIS, MUTED_TEXT, WHITE, status_color, text_on};
use crate::text::{counted, ellipsize, number_nl, wrap};

const VALUE_AXIS_TITLE: &str = "Aantal versnellingsacties";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Orientation {
    /// One row per category, bars growing to the right.
    Horizontal,
    /// One column per category, bars growing upwards.
    Vertical,
}

pub(crate) struct StackedBars<'a> {
    pub title: &'a str,
    /// What a category is, singular and plural, for the subtitle ("gebied", "gebieden").
    pub category_noun: (&'a str, &'a str),
    pub orientation: Orientation,
    pub rows: Vec<(&'a str, StatusCounts)>,
}

fn legend() -> Vec<LegendItem> {
    Status::DISPLAY_ORDER
        .iter()
        .map(|status| LegendItem::new(Marker::Swatch, status_color(*status), status.legend_nl()))
        .collect()
}

impl Draw for StackedBars<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let grand_total: u64 = self.rows.iter().map(|(_, counts)| counts.total()).sum();
        if self.rows.is_empty() || grand_total == 0 {
            return no_data(canvas, self.title);
        }
        let actions = usize::try_from(grand_total).unwrap_or(usize::MAX);
        let subtitle = format!(
            "{} in {}",
            counted(actions, "versnellingsactie", "versnellingsacties"),
            counted(self.rows.len(), self.category_noun.0, self.category_noun.1)
        );
        let plot = frame(canvas, self.title, Some(&subtitle), &legend())?;
        match self.orientation {
            Orientation::Horizontal => self.draw_horizontal(canvas, plot),
            Orientation::Vertical => self.draw_vertical(canvas, plot),
        }
    }
}

impl StackedBars<'_> {
    fn max_total(&self) -> f64 {
        self.rows
            .iter()
            .map(|(_, counts)| counts.total())
            .max()
            .unwrap_or(0)
            .max(1) as f64
    }

    /// A row per category: its name, its stacked bar and its total.
    fn draw_horizontal<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
    ) -> Result<(), ChartError> {
        let layout = self.horizontal_layout(canvas, plot);
        draw_horizontal_axis(canvas, plot, &layout)?;
        let (fonts, gap, bars) = (layout.fonts, layout.gap, layout.bars);
        let row_height = f64::from(bars.height()) / self.rows.len() as f64;
        let name_font = fonts.label.with_px(fonts.label.px.min(row_height * 0.75));
        let count_font = fonts.small.with_px(fonts.small.px.min(row_height * 0.6));
        let thickness = (row_height * 0.66).max(1.0);
        for (index, (name, counts)) in self.rows.iter().enumerate() {
            let center_y = (f64::from(bars.y0) + row_height * (index as f64 + 0.5)).round() as i32;
            let top = center_y - (thickness / 2.0).round() as i32;
            let bottom = top + thickness.round().max(1.0) as i32;
            let name = ellipsize(canvas, name, name_font, layout.label_column - gap);
            canvas.text_centered(&name, bars.x0 - gap, center_y, name_font, Align::Right)?;
            let band = Band {
                top,
                bottom,
                center_y,
            };
            let cumulative = draw_bar_segments(canvas, &layout, counts, band, count_font)?;
            canvas.text_centered(
                &number_nl(cumulative as f64, 0),
                layout.scale.map(cumulative as f64) + gap / 2,
                center_y,
                name_font.with_color(MUTED_TEXT),
                Align::Left,
            )?;
        }
        Ok(())
    }

    /// The horizontal bars' layout: the names' column on the left, room for the totals on
    /// the right, the value ticks below.
    fn horizontal_layout<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
    ) -> HorizontalLayout {
        let fonts = fonts(canvas);
        let gap = (fonts.label.px * 0.6).round() as i32;
        let widest_name = self
            .rows
            .iter()
            .map(|(name, _)| canvas.text_width(name, fonts.label))
            .max()
            .unwrap_or(0);
        let label_column = (widest_name + gap).min(plot.width() * 38 / 100);
        let max_total = self.max_total();
        let total_column = canvas.text_width(&number_nl(max_total, 0), fonts.label) + 2 * gap;
        let axis_title_height = fonts.small.line_height().round() as i32;
        let bars = Rect::new(
            plot.x0 + label_column,
            plot.y0,
            plot.x1 - total_column,
            plot.y1 - x_tick_height(canvas) - axis_title_height,
        );
        let max_ticks = (bars.width() as f64 / (fonts.small.px * 4.0)).max(2.0) as usize;
        let ticks = nice_ticks(0.0, max_total, max_ticks.min(10), true);
        let axis_end = ticks.last().copied().unwrap_or(max_total);
        HorizontalLayout {
            fonts,
            gap,
            label_column,
            bars,
            scale: Scale::new((0.0, axis_end), (bars.x0, bars.x1)),
            ticks,
        }
    }

    /// A column per category: its stacked bar, its total above and its name below.
    fn draw_vertical<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
    ) -> Result<(), ChartError> {
        let layout = self.vertical_layout(canvas, plot);
        draw_vertical_axis(canvas, plot, &layout)?;
        let (fonts, gap, bars) = (layout.fonts, layout.gap, layout.bars);
        let line_height = fonts.label.line_height().round() as i32;
        let slot_width = f64::from(bars.width()) / self.rows.len() as f64;
        let bar_width = (slot_width * 0.6).min(fonts.label.px * 7.0).max(1.0);
        for (index, ((_, counts), lines)) in self.rows.iter().zip(&layout.names).enumerate() {
            let center_x = (f64::from(bars.x0) + slot_width * (index as f64 + 0.5)).round() as i32;
            let left = center_x - (bar_width / 2.0).round() as i32;
            let right = left + bar_width.round().max(1.0) as i32;
            let column = Column {
                left,
                right,
                center_x,
            };
            let cumulative = draw_column_segments(canvas, &layout, counts, column)?;
            canvas.text(
                &number_nl(cumulative as f64, 0),
                center_x,
                layout.scale.map(cumulative as f64) - gap / 2,
                fonts.label.with_color(MUTED_TEXT),
                Align::Center,
            )?;
            for (line_index, line) in lines.iter().enumerate() {
                let baseline = bars.y1 + gap + line_height * (line_index as i32 + 1)
                    - (line_height - fonts.label.cap_height().round() as i32) / 2;
                canvas.text(line, center_x, baseline, fonts.label, Align::Center)?;
            }
        }
        Ok(())
    }

    /// The vertical bars' layout: the names (wrapped to three lines) under the bars, the value
    /// ticks on the left.
    fn vertical_layout<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
    ) -> VerticalLayout {
        let fonts = fonts(canvas);
        let gap = (fonts.label.px * 0.5).round() as i32;
        let max_total = self.max_total();
        let slot_width = f64::from(plot.width()) / self.rows.len() as f64;
        let names: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|(name, _)| wrap(canvas, name, fonts.label, (slot_width * 0.95) as i32, 3))
            .collect();
        let line_count = names.iter().map(Vec::len).max().unwrap_or(1) as i32;
        let line_height = fonts.label.line_height().round() as i32;
        let category_height = line_count * line_height + gap;
        let axis_title_height = fonts.small.line_height().round() as i32;
        let total_label_height = fonts.label.line_height().round() as i32;

        // The tick labels' width depends on the ticks, which depend on the height: measure the
        // widest possible label first.
        let top = plot.y0 + axis_title_height + total_label_height;
        let bottom = plot.y1 - category_height;
        let max_ticks = (f64::from(bottom - top) / (fonts.small.px * 3.0)).max(2.0) as usize;
        let ticks = nice_ticks(0.0, max_total, max_ticks.min(10), true);
        let axis_end = ticks.last().copied().unwrap_or(max_total);
        let tick_width = canvas.text_width(&number_nl(axis_end, 0), fonts.small) + gap * 2;
        let bars = Rect::new(plot.x0 + tick_width, top, plot.x1, bottom);
        VerticalLayout {
            fonts,
            gap,
            bars,
            scale: Scale::new((0.0, axis_end), (bars.y1, bars.y0)),
            ticks,
            names,
        }
    }
}

/// Where horizontal bars go: the bars' area, the value scale along them and the ticks.
struct HorizontalLayout {
    fonts: Fonts,
    gap: i32,
    /// The width of the names' column left of the bars.
    label_column: i32,
    bars: Rect,
    scale: Scale,
    ticks: Vec<f64>,
}

/// Where vertical bars go: the bars' area, the value scale up them and the names under them.
struct VerticalLayout {
    fonts: Fonts,
    gap: i32,
    bars: Rect,
    scale: Scale,
    ticks: Vec<f64>,
    /// Each category's name, wrapped.
    names: Vec<Vec<String>>,
}

/// A horizontal bar's top, bottom and middle.
#[derive(Clone, Copy)]
struct Band {
    top: i32,
    bottom: i32,
    center_y: i32,
}

/// A vertical bar's left and right edges and its middle.
#[derive(Clone, Copy)]
struct Column {
    left: i32,
    right: i32,
    center_x: i32,
}

/// The value ticks under the horizontal bars, the axis line and the axis title.
fn draw_horizontal_axis<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    plot: Rect,
    layout: &HorizontalLayout,
) -> Result<(), ChartError> {
    let (fonts, bars) = (layout.fonts, layout.bars);
    let tick_labels: Vec<(i32, String)> = layout
        .ticks
        .iter()
        .map(|value| (layout.scale.map(*value), number_nl(*value, 0)))
        .collect();
    draw_x_ticks(canvas, bars, &tick_labels)?;
    canvas.line(&[(bars.x0, bars.y0), (bars.x0, bars.y1)], AXIS, 1)?;
    canvas.text(
        VALUE_AXIS_TITLE,
        bars.center_x(),
        plot.y1 - (fonts.small.px * 0.3).round() as i32,
        fonts.small,
        Align::Center,
    )
}

/// The value axis left of the vertical bars, the base line and the axis title.
fn draw_vertical_axis<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    plot: Rect,
    layout: &VerticalLayout,
) -> Result<(), ChartError> {
    let (fonts, bars) = (layout.fonts, layout.bars);
    draw_value_axis_left(canvas, bars, &layout.scale, &layout.ticks, None)?;
    canvas.line(&[(bars.x0, bars.y1), (bars.x1, bars.y1)], AXIS, 1)?;
    canvas.text(
        VALUE_AXIS_TITLE,
        plot.x0,
        plot.y0 + fonts.small.cap_height().round() as i32,
        fonts.small,
        Align::Left,
    )
}

/// One horizontal bar's segments, a status each, with its count where it fits; returns the
/// bar's total.
fn draw_bar_segments<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    layout: &HorizontalLayout,
    counts: &StatusCounts,
    band: Band,
    count_font: Font,
) -> Result<u64, ChartError> {
    let Band {
        top,
        bottom,
        center_y,
    } = band;
    let mut cumulative = 0u64;
    for status in Status::DISPLAY_ORDER {
        let count = counts.get(status);
        if count == 0 {
            continue;
        }
        let x0 = layout.scale.map(cumulative as f64);
        cumulative += u64::from(count);
        let x1 = layout.scale.map(cumulative as f64);
        let color = status_color(status);
        let segment = Rect::new(x0, top, x1, bottom);
        canvas.rect(segment, color)?;
        // A white hairline between segments, so neighbours never merge into one colour.
        if x0 > layout.bars.x0 {
            canvas.line(&[(x0, top), (x0, bottom - 1)], WHITE, 1)?;
        }
        let label = count.to_string();
        let font = count_font.with_color(text_on(color));
        if canvas.text_width(&label, font) + 4 <= segment.width()
            && font.cap_height() + 2.0 <= f64::from(segment.height())
        {
            canvas.text_centered(&label, segment.center_x(), center_y, font, Align::Center)?;
        }
    }
    Ok(cumulative)
}

/// One vertical bar's segments, a status each, with its count where it fits; returns the
/// bar's total.
fn draw_column_segments<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    layout: &VerticalLayout,
    counts: &StatusCounts,
    column: Column,
) -> Result<u64, ChartError> {
    let Column {
        left,
        right,
        center_x,
    } = column;
    let mut cumulative = 0u64;
    for status in Status::DISPLAY_ORDER {
        let count = counts.get(status);
        if count == 0 {
            continue;
        }
        let y_bottom = layout.scale.map(cumulative as f64);
        cumulative += u64::from(count);
        let y_top = layout.scale.map(cumulative as f64);
        let color = status_color(status);
        let segment = Rect::new(left, y_top, right, y_bottom);
        canvas.rect(segment, color)?;
        if y_bottom < layout.bars.y1 {
            canvas.line(&[(left, y_bottom), (right - 1, y_bottom)], WHITE, 1)?;
        }
        let label = count.to_string();
        let font = layout.fonts.small.with_color(text_on(color));
        if canvas.text_width(&label, font) + 4 <= segment.width()
            && font.cap_height() + 4.0 <= f64::from(segment.height())
        {
            canvas.text_centered(&label, center_x, segment.center_y(), font, Align::Center)?;
        }
    }
    Ok(cumulative)
}
