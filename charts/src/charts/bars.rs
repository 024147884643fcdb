//! Stacked bars of action counts per status: horizontal for the areas (long names read best as
//! rows), vertical for the ministries (few, short names).

use plotters::prelude::DrawingBackend;

use crate::axes::{Scale, draw_value_axis_left, draw_x_ticks, nice_ticks, x_tick_height};
use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::error::ChartError;
use crate::frame::{Fonts, Frame, fonts, no_data};
use crate::lang::{Lang, Noun, fill};
use crate::legend::{LegendItem, Marker};
use crate::marks::{status_label, status_rect};
use crate::model::{Status, StatusCounts};
use crate::palette::{AXIS, MUTED_TEXT, WHITE};
use crate::text::{counted, number, wrap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Orientation {
    /// One row per category, bars growing to the right.
    Horizontal,
    /// One column per category, bars growing upwards.
    Vertical,
}

pub(crate) struct StackedBars<'a> {
    pub title: &'a str,
    /// What a category is, for the subtitle ("gebied", "gebieden").
    pub category: Noun,
    pub orientation: Orientation,
    pub rows: Vec<(&'a str, StatusCounts)>,
    pub lang: Lang,
}

fn legend(lang: Lang) -> Vec<LegendItem> {
    Status::DISPLAY_ORDER
        .iter()
        .map(|status| LegendItem::new(Marker::Status(*status), status.legend(lang)))
        .collect()
}

impl Draw for StackedBars<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let grand_total: u64 = self.rows.iter().map(|(_, counts)| counts.total()).sum();
        if self.rows.is_empty() || grand_total == 0 {
            return no_data(canvas, self.title, self.lang);
        }
        let (lang, words) = (self.lang, self.lang.words());
        let actions = usize::try_from(grand_total).unwrap_or(usize::MAX);
        let subtitle = fill(
            words.counts_summary,
            &[
                ("actions", &counted(actions, words.action, lang)),
                ("categories", &counted(self.rows.len(), self.category, lang)),
            ],
        );
        let legend = legend(lang);
        let plot = Frame::new(self.title)
            .subtitle(&subtitle)
            .legend(&legend)
            .draw(canvas)?;
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

    /// A row per category: its name (on two lines where it is long), its stacked bar and its
    /// total.
    fn draw_horizontal<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
    ) -> Result<(), ChartError> {
        let layout = self.horizontal_layout(canvas, plot);
        draw_horizontal_axis(canvas, plot, &layout, self.lang)?;
        let (fonts, gap, bars) = (layout.fonts, layout.gap, layout.bars);
        let row_height = f64::from(bars.height()) / self.rows.len() as f64;
        let line_height = fonts.label.line_height();
        // As many lines of a name as the row holds (two at most); rows thinner than a line of
        // text get no names rather than overlapping ones: ask for a taller chart.
        let name_lines = ((row_height * 0.95) / line_height).floor().min(2.0) as usize;
        let thickness = (row_height * 0.66).min(fonts.label.px * 2.2).max(1.0);
        let total_font = fonts.label.with_color(MUTED_TEXT);
        for (index, (name, counts)) in self.rows.iter().enumerate() {
            let center_y = (f64::from(bars.y0) + row_height * (index as f64 + 0.5)).round() as i32;
            let top = center_y - (thickness / 2.0).round() as i32;
            let bottom = top + thickness.round().max(1.0) as i32;
            if name_lines > 0 {
                let room = layout.label_column - gap;
                let lines = wrap(canvas, name, fonts.label, room, name_lines);
                let first = center_y - (line_height * (lines.len() as f64 - 1.0) / 2.0) as i32;
                for (line_index, line) in lines.iter().enumerate() {
                    let line_y = first + (line_height * line_index as f64).round() as i32;
                    canvas.text_centered(line, bars.x0 - gap, line_y, fonts.label, Align::Right)?;
                }
            }
            let band = Band { top, bottom };
            let cumulative = draw_bar_segments(canvas, &layout, counts, band)?;
            if f64::from(bottom - top) + 2.0 >= total_font.cap_height() {
                canvas.text_centered(
                    &number(cumulative as f64, 0, self.lang),
                    layout.scale.map(cumulative as f64) + gap / 2,
                    center_y,
                    total_font,
                    Align::Left,
                )?;
            }
        }
        Ok(())
    }

    /// The horizontal bars' layout: the names' column on the left (at most two fifths of the
    /// width; longer names wrap), room for the totals on the right, the value ticks below.
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
        let label_column = (widest_name + gap).min(plot.width() * 2 / 5);
        let max_total = self.max_total();
        let total_column =
            canvas.text_width(&number(max_total, 0, self.lang), fonts.label) + 2 * gap;
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
        draw_vertical_axis(canvas, plot, &layout, self.lang)?;
        let (fonts, gap, bars) = (layout.fonts, layout.gap, layout.bars);
        let line_height = fonts.label.line_height().round() as i32;
        let slot_width = f64::from(bars.width()) / self.rows.len() as f64;
        let bar_width = (slot_width * 0.6).min(fonts.label.px * 7.0).max(1.0);
        let total_font = fonts.label.with_color(MUTED_TEXT);
        for (index, ((_, counts), lines)) in self.rows.iter().zip(&layout.names).enumerate() {
            let center_x = (f64::from(bars.x0) + slot_width * (index as f64 + 0.5)).round() as i32;
            let left = center_x - (bar_width / 2.0).round() as i32;
            let right = left + bar_width.round().max(1.0) as i32;
            let column = Column { left, right };
            let cumulative = draw_column_segments(canvas, &layout, counts, column)?;
            let total = number(cumulative as f64, 0, self.lang);
            if f64::from(canvas.text_width(&total, total_font)) <= slot_width {
                let baseline = layout.scale.map(cumulative as f64) - gap / 2;
                canvas.text(&total, center_x, baseline, total_font, Align::Center)?;
            }
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
        // The tick labels' width depends on the ticks, which depend on the height: measure the
        // widest possible label first.
        let tick_width =
            canvas.text_width(&number(max_total * 2.0, 0, self.lang), fonts.small) + gap * 2;
        let slot_width = f64::from(plot.width() - tick_width) / self.rows.len() as f64;
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

        let top = plot.y0 + axis_title_height + total_label_height;
        let bottom = plot.y1 - category_height;
        let max_ticks = (f64::from(bottom - top) / (fonts.small.px * 3.0)).max(2.0) as usize;
        let ticks = nice_ticks(0.0, max_total, max_ticks.min(10), true);
        let axis_end = ticks.last().copied().unwrap_or(max_total);
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

/// A horizontal bar's top and bottom.
#[derive(Clone, Copy)]
struct Band {
    top: i32,
    bottom: i32,
}

/// A vertical bar's left and right edges.
#[derive(Clone, Copy)]
struct Column {
    left: i32,
    right: i32,
}

/// The value ticks under the horizontal bars, the axis line and the axis title (centred under
/// the bars, but kept inside the chart).
fn draw_horizontal_axis<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    plot: Rect,
    layout: &HorizontalLayout,
    lang: Lang,
) -> Result<(), ChartError> {
    let (fonts, bars) = (layout.fonts, layout.bars);
    let tick_labels: Vec<(i32, String)> = layout
        .ticks
        .iter()
        .map(|value| (layout.scale.map(*value), number(*value, 0, lang)))
        .collect();
    draw_x_ticks(canvas, bars, &tick_labels)?;
    canvas.line(&[(bars.x0, bars.y0), (bars.x0, bars.y1)], AXIS, 1)?;
    let title = lang.words().actions_axis;
    let half = canvas.text_width(title, fonts.small) / 2;
    let center_x = bars
        .center_x()
        .clamp(plot.x0 + half, (plot.x1 - half).max(plot.x0 + half));
    canvas.text(
        title,
        center_x,
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
    lang: Lang,
) -> Result<(), ChartError> {
    let (fonts, bars) = (layout.fonts, layout.bars);
    draw_value_axis_left(canvas, bars, &layout.scale, &layout.ticks, None, lang)?;
    canvas.line(&[(bars.x0, bars.y1), (bars.x1, bars.y1)], AXIS, 1)?;
    canvas.text(
        lang.words().actions_axis,
        plot.x0,
        plot.y0 + fonts.small.cap_height().round() as i32,
        fonts.small,
        Align::Left,
    )
}

/// A status segment's count, in the middle of the segment where it fits.
fn draw_count<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    segment: Rect,
    count: u32,
    status: Status,
    font: Font,
) -> Result<(), ChartError> {
    let label = count.to_string();
    if canvas.text_width(&label, font) + 4 <= segment.width()
        && font.cap_height() + 4.0 <= f64::from(segment.height())
    {
        let center = (segment.center_x(), segment.center_y());
        status_label(canvas, status, &label, center, font, segment)?;
    }
    Ok(())
}

/// One horizontal bar's segments, a status each, with its count where it fits; returns the
/// bar's total.
fn draw_bar_segments<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    layout: &HorizontalLayout,
    counts: &StatusCounts,
    band: Band,
) -> Result<u64, ChartError> {
    let Band { top, bottom } = band;
    let mut cumulative = 0u64;
    for status in Status::DISPLAY_ORDER {
        let count = counts.get(status);
        if count == 0 {
            continue;
        }
        let x0 = layout.scale.map(cumulative as f64);
        cumulative += u64::from(count);
        let x1 = layout.scale.map(cumulative as f64);
        let segment = Rect::new(x0, top, x1, bottom);
        status_rect(canvas, segment, status)?;
        // A white hairline between segments, so neighbours never merge into one colour.
        if x0 > layout.bars.x0 {
            canvas.line(&[(x0, top), (x0, bottom - 1)], WHITE, 1)?;
        }
        draw_count(canvas, segment, count, status, layout.fonts.small)?;
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
    let Column { left, right } = column;
    let mut cumulative = 0u64;
    for status in Status::DISPLAY_ORDER {
        let count = counts.get(status);
        if count == 0 {
            continue;
        }
        let y_bottom = layout.scale.map(cumulative as f64);
        cumulative += u64::from(count);
        let y_top = layout.scale.map(cumulative as f64);
        let segment = Rect::new(left, y_top, right, y_bottom);
        status_rect(canvas, segment, status)?;
        if y_bottom < layout.bars.y1 {
            canvas.line(&[(left, y_bottom), (right - 1, y_bottom)], WHITE, 1)?;
        }
        draw_count(canvas, segment, count, status, layout.fonts.small)?;
    }
    Ok(cumulative)
}
