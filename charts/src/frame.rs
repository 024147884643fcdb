//! What all charts share: font sizes, the title, the legend, the "no data" chart, linear scales
//! with round tick values, and date ticks with Dutch month names.

use chrono::{Datelike, NaiveDate};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

use crate::canvas::{Align, Canvas, Font, Rect};
use crate::error::ChartError;
use crate::palette::{self, AXIS, GRID, MUTED_TEXT, TEXT};
use crate::text::{self, ellipsize, month_abbr};

/// The sentence an empty chart shows.
pub const NO_DATA_TEXT: &str = "Geen gegevens voor deze selectie";

/// Font sizes scaled to the canvas.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fonts {
    pub title: Font,
    pub subtitle: Font,
    pub label: Font,
    pub small: Font,
}

pub(crate) fn fonts<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> Fonts {
    let scale = canvas.scale();
    Fonts {
        title: Font::new(20.0 * scale, TEXT).bold(),
        subtitle: Font::new(13.0 * scale, MUTED_TEXT),
        label: Font::new(13.0 * scale, TEXT),
        small: Font::new(11.5 * scale, MUTED_TEXT),
    }
}

/// The outer margin of every chart.
pub(crate) fn padding<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> i32 {
    (16.0 * canvas.scale()).round() as i32
}

/// How a legend entry shows its colour.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Marker {
    /// A filled square, for bars and cells.
    Swatch,
    /// A filled box with a short code in it, for matrix cells.
    CodeSwatch(&'static str),
    /// A solid line.
    Line,
    /// A solid line with a dot on it, for measured series.
    LineWithDot,
    /// A dashed line, for reference lines.
    Dashed,
    /// A dot with a dark ring and a short code in it, for map points.
    CodeDot(&'static str),
}

/// One legend entry: colour and shape plus the text that says what they mean.
#[derive(Clone, Debug)]
pub(crate) struct LegendItem {
    pub marker: Marker,
    pub color: RGBColor,
    pub label: String,
}

impl LegendItem {
    pub fn new(marker: Marker, color: RGBColor, label: impl Into<String>) -> LegendItem {
        LegendItem {
            marker,
            color,
            label: label.into(),
        }
    }
}

/// Title on top, optional subtitle under it, legend at the bottom; returns the space between.
pub(crate) fn frame<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    title: &str,
    subtitle: Option<&str>,
    legend: &[LegendItem],
) -> Result<Rect, ChartError> {
    frame_with_legend_at(canvas, title, subtitle, legend, LegendPlacement::Bottom)
}

/// Where the legend goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LegendPlacement {
    /// Rows under the chart, wrapping as needed.
    Bottom,
    /// One entry per line in a column at the bottom right, for tall charts on wide canvases.
    Right,
}

/// [`frame`] with a choice of legend placement.
pub(crate) fn frame_with_legend_at<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    title: &str,
    subtitle: Option<&str>,
    legend: &[LegendItem],
    placement: LegendPlacement,
) -> Result<Rect, ChartError> {
    let fonts = fonts(canvas);
    let pad = padding(canvas);
    let inner_width = canvas.width - 2 * pad;

    let mut top = pad;
    let title_text = ellipsize(canvas, title, fonts.title, inner_width);
    let title_baseline = top + fonts.title.cap_height().round() as i32;
    canvas.text(&title_text, pad, title_baseline, fonts.title, Align::Left)?;
    top = title_baseline + (fonts.title.px * 0.45).round() as i32;
    if let Some(subtitle) = subtitle {
        let line = ellipsize(canvas, subtitle, fonts.subtitle, inner_width);
        let baseline = top + fonts.subtitle.line_height().round() as i32;
        canvas.text(&line, pad, baseline, fonts.subtitle, Align::Left)?;
        top = baseline + (fonts.subtitle.px * 0.4).round() as i32;
    }
    top += (fonts.label.px * 0.9).round() as i32;

    let mut bottom = canvas.height - pad;
    if placement == LegendPlacement::Right && !legend.is_empty() {
        let legend_width = legend
            .iter()
            .map(|item| item_width(canvas, item))
            .max()
            .unwrap_or(0)
            .min(inner_width / 2);
        let rows: Vec<Vec<usize>> = (0..legend.len()).map(|index| vec![index]).collect();
        let legend_height = legend_row_height(canvas) * rows.len() as i32;
        let left = canvas.width - pad - legend_width;
        draw_legend(canvas, legend, &rows, left, bottom - legend_height)?;
        let right = left - (fonts.label.px * 1.5).round() as i32;
        return Ok(Rect::new(pad, top, right.max(pad + 1), bottom));
    }
    if !legend.is_empty() {
        let rows = legend_rows(canvas, legend, inner_width);
        let row_height = legend_row_height(canvas);
        let legend_height = row_height * rows.len() as i32;
        let legend_top = bottom - legend_height;
        draw_legend(canvas, legend, &rows, pad, legend_top)?;
        bottom = legend_top - (fonts.label.px * 0.8).round() as i32;
    }
    Ok(Rect::new(pad, top, canvas.width - pad, bottom.max(top + 1)))
}

/// The chart an empty selection gets: the title and the Dutch "no data" sentence.
pub(crate) fn no_data<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    title: &str,
) -> Result<(), ChartError> {
    let plot = frame(canvas, title, None, &[])?;
    let fonts = fonts(canvas);
    canvas.rect_outline(plot, GRID, canvas.stroke(1.0))?;
    let font = fonts
        .label
        .with_px(fonts.label.px * 1.25)
        .with_color(MUTED_TEXT);
    let message = ellipsize(canvas, NO_DATA_TEXT, font, plot.width() - 8);
    canvas.text_centered(
        &message,
        plot.center_x(),
        plot.center_y(),
        font,
        Align::Center,
    )
}

fn legend_row_height<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> i32 {
    (fonts(canvas).label.px * 1.7).round() as i32
}

fn marker_width<DB: DrawingBackend>(canvas: &Canvas<'_, DB>, marker: &Marker) -> i32 {
    let px = fonts(canvas).label.px;
    let ems = match marker {
        Marker::Swatch => 1.0,
        Marker::CodeSwatch(_) => 1.6,
        Marker::CodeDot(_) => 1.3,
        Marker::Line | Marker::LineWithDot | Marker::Dashed => 2.4,
    };
    (px * ems).round() as i32
}

fn item_width<DB: DrawingBackend>(canvas: &Canvas<'_, DB>, item: &LegendItem) -> i32 {
    let font = fonts(canvas).label;
    let gap = (font.px * 0.45).round() as i32;
    marker_width(canvas, &item.marker) + gap + canvas.text_width(&item.label, font)
}

/// Splits the legend into rows that fit `width`; each row is a list of item indices.
fn legend_rows<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    legend: &[LegendItem],
    width: i32,
) -> Vec<Vec<usize>> {
    let spacing = (fonts(canvas).label.px * 1.5).round() as i32;
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut used = 0;
    for (index, item) in legend.iter().enumerate() {
        let item_width = item_width(canvas, item);
        let needed = if current.is_empty() {
            item_width
        } else {
            used + spacing + item_width
        };
        if !current.is_empty() && needed > width {
            rows.push(std::mem::take(&mut current));
            used = item_width;
        } else {
            used = needed;
        }
        current.push(index);
    }
    if !current.is_empty() {
        rows.push(current);
    }
    rows
}

fn draw_legend<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    legend: &[LegendItem],
    rows: &[Vec<usize>],
    left: i32,
    top: i32,
) -> Result<(), ChartError> {
    let font = fonts(canvas).label;
    let row_height = legend_row_height(canvas);
    let spacing = (font.px * 1.5).round() as i32;
    let gap = (font.px * 0.45).round() as i32;
    let max_text = canvas.width - padding(canvas) - left;
    for (row_index, row) in rows.iter().enumerate() {
        let center_y = top + row_height * row_index as i32 + row_height / 2;
        let mut x = left;
        for &index in row {
            let Some(item) = legend.get(index) else {
                continue;
            };
            let width = marker_width(canvas, &item.marker);
            draw_marker(canvas, item, x, center_y, width)?;
            let text_x = x + width + gap;
            let label = ellipsize(canvas, &item.label, font, max_text - (text_x - left));
            canvas.text_centered(&label, text_x, center_y, font, Align::Left)?;
            x = text_x + canvas.text_width(&label, font) + spacing;
        }
    }
    Ok(())
}

fn draw_marker<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    item: &LegendItem,
    x: i32,
    center_y: i32,
    width: i32,
) -> Result<(), ChartError> {
    let font = fonts(canvas).label;
    let half = (font.px * 0.5).round() as i32;
    let stroke = canvas.stroke(2.5);
    match &item.marker {
        Marker::Swatch => canvas.rect(
            Rect::new(x, center_y - half, x + width, center_y + half),
            item.color,
        ),
        Marker::CodeSwatch(code) => {
            let cell = Rect::new(x, center_y - half - 1, x + width, center_y + half + 1);
            canvas.rect(cell, item.color)?;
            if item.color == palette::EMPTY_CELL {
                canvas.rect_outline(cell, palette::EMPTY_CELL_BORDER, 1)?;
            }
            let code_font = font
                .with_px(font.px * 0.85)
                .bold()
                .with_color(palette::text_on(item.color));
            canvas.text_centered(code, cell.center_x(), center_y, code_font, Align::Center)
        }
        Marker::Line => canvas.line(&[(x, center_y), (x + width, center_y)], item.color, stroke),
        Marker::LineWithDot => {
            canvas.line(&[(x, center_y), (x + width, center_y)], item.color, stroke)?;
            canvas.circle(
                (x + width / 2, center_y),
                (font.px * 0.3).round() as i32,
                item.color,
                None,
            )
        }
        Marker::Dashed => {
            let dash = (font.px * 0.45).round() as i32;
            canvas.dashed_line(
                &[(x, center_y), (x + width, center_y)],
                item.color,
                stroke,
                dash,
                dash / 2 + 1,
            )
        }
        Marker::CodeDot(code) => {
            let radius = (font.px * 0.62).round() as i32;
            let center = (x + width / 2, center_y);
            canvas.circle(center, radius, item.color, Some(palette::TEXT))?;
            let code_font = font
                .with_px(f64::from(radius) * 1.15)
                .bold()
                .with_color(palette::text_on(item.color));
            canvas.text_centered(code, center.0, center_y, code_font, Align::Center)
        }
    }
}

/// Round tick values from `min` to `max`, at most about `max_count` of them; the first is at or
/// below `min` and the last at or above `max`. With `integers` the step is a whole number.
pub(crate) fn nice_ticks(min: f64, max: f64, max_count: usize, integers: bool) -> Vec<f64> {
    let (min, max) = if min.is_finite() && max.is_finite() && max > min {
        (min, max)
    } else if min.is_finite() {
        (min - 1.0, min + 1.0)
    } else {
        (0.0, 1.0)
    };
    let max_count = max_count.clamp(2, 20) as f64;
    let raw_step = (max - min) / max_count;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let multipliers: &[f64] = if integers {
        &[1.0, 2.0, 5.0, 10.0]
    } else {
        &[1.0, 2.0, 2.5, 5.0, 10.0]
    };
    let mut step = multipliers
        .iter()
        .map(|multiplier| multiplier * magnitude)
        .find(|step| *step >= raw_step)
        .unwrap_or(10.0 * magnitude);
    if integers {
        step = step.max(1.0).round();
    }
    let first = (min / step).floor();
    let last = (max / step).ceil();
    let count = (last - first).clamp(1.0, 200.0) as usize;
    (0..=count)
        .map(|index| {
            let value = (first + index as f64) * step;
            // Snap away float noise such as 0.30000000000000004.
            (value / step).round() * step
        })
        .collect()
}

/// The step between consecutive ticks (1 when there is only one).
pub(crate) fn tick_step(ticks: &[f64]) -> f64 {
    match ticks {
        [first, second, ..] => second - first,
        _ => 1.0,
    }
}

/// Maps a value range linearly onto a pixel range (which may run backwards, as y does).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    domain_start: f64,
    domain_end: f64,
    pixel_start: f64,
    pixel_end: f64,
}

impl Scale {
    pub fn new(domain: (f64, f64), pixels: (i32, i32)) -> Scale {
        let (mut start, mut end) = domain;
        if !(end - start).is_normal() {
            start -= 0.5;
            end += 0.5;
        }
        Scale {
            domain_start: start,
            domain_end: end,
            pixel_start: f64::from(pixels.0),
            pixel_end: f64::from(pixels.1),
        }
    }

    pub fn map(&self, value: f64) -> i32 {
        let fraction = (value - self.domain_start) / (self.domain_end - self.domain_start);
        let pixel = self.pixel_start + fraction * (self.pixel_end - self.pixel_start);
        // Bounded, so that pixel arithmetic on the result cannot overflow (NaN becomes 0).
        pixel.clamp(-1_000_000.0, 1_000_000.0).round() as i32
    }
}

/// Day number of a date, as the x value of time axes.
pub(crate) fn day_number(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

fn date_of_day(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Ticks for a time axis from day `start` to day `end`: days, weeks, months, quarters or years,
/// whichever gives at most about `max_count` labels. Labels are Dutch ("mrt 2021", "2022").
pub(crate) fn date_ticks(start: f64, end: f64, max_count: usize) -> Vec<(f64, String)> {
    let max_count = max_count.max(2) as i64;
    let (Some(first), Some(last)) = (
        date_of_day(start.ceil() as i64),
        date_of_day(end.floor() as i64),
    ) else {
        return Vec::new();
    };
    let span_days = i64::from(last.num_days_from_ce() - first.num_days_from_ce());
    if span_days < 0 {
        return Vec::new();
    }
    if span_days <= 62 {
        let stride = [1i64, 2, 7, 14, 31]
            .into_iter()
            .find(|stride| span_days / stride < max_count)
            .unwrap_or(31);
        return (0..=span_days / stride)
            .filter_map(|index| date_of_day(i64::from(first.num_days_from_ce()) + index * stride))
            .map(|date| {
                (
                    day_number(date),
                    format!("{} {}", date.day(), month_abbr(date.month())),
                )
            })
            .collect();
    }
    let month_index = |date: NaiveDate| i64::from(date.year()) * 12 + i64::from(date.month0());
    let first_month = month_index(first) + i64::from(first.day() != 1);
    let last_month = month_index(last);
    let months = (last_month - first_month).max(0);
    let stride = [1i64, 2, 3, 6, 12, 24, 60, 120, 600, 1200]
        .into_iter()
        .find(|stride| months / stride < max_count)
        .unwrap_or(12_000);
    let aligned_first = first_month + (stride - first_month.rem_euclid(stride)) % stride;
    let mut ticks = Vec::new();
    let mut month = aligned_first;
    while month <= last_month && ticks.len() < 64 {
        let year = i32::try_from(month.div_euclid(12)).ok();
        let month_of_year = u32::try_from(month.rem_euclid(12) + 1).ok();
        if let (Some(year), Some(month_of_year)) = (year, month_of_year)
            && let Some(date) = NaiveDate::from_ymd_opt(year, month_of_year, 1)
        {
            let label = if stride >= 12 {
                format!("{year}")
            } else {
                format!("{} {year}", month_abbr(month_of_year))
            };
            ticks.push((day_number(date), label));
        }
        month += stride;
    }
    ticks
}

/// Horizontal grid lines and the value labels left of `plot`.
pub(crate) fn draw_value_axis_left<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    plot: Rect,
    scale: &Scale,
    ticks: &[f64],
    unit: Option<&str>,
) -> Result<(), ChartError> {
    let font = fonts(canvas).small;
    let decimals = text::decimals_for_step(tick_step(ticks));
    let gap = (font.px * 0.5).round() as i32;
    for value in ticks {
        let y = scale.map(*value);
        canvas.line(&[(plot.x0, y), (plot.x1, y)], GRID, 1)?;
        let label = text::with_unit(*value, decimals, unit);
        canvas.text_centered(&label, plot.x0 - gap, y, font, Align::Right)?;
    }
    canvas.line(&[(plot.x0, plot.y0), (plot.x0, plot.y1)], AXIS, 1)
}

/// Vertical grid lines and the labels under `plot`, skipping labels that would collide.
pub(crate) fn draw_x_ticks<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    plot: Rect,
    ticks: &[(i32, String)],
) -> Result<(), ChartError> {
    let font = fonts(canvas).small;
    let baseline = plot.y1 + (font.px * 1.4).round() as i32;
    let min_gap = (font.px * 0.8).round() as i32;
    let mut last_right = i32::MIN;
    for (x, label) in ticks {
        if *x < plot.x0 || *x > plot.x1 {
            continue;
        }
        canvas.line(&[(*x, plot.y0), (*x, plot.y1)], GRID, 1)?;
        canvas.line(&[(*x, plot.y1), (*x, plot.y1 + 4)], AXIS, 1)?;
        let width = canvas.text_width(label, font);
        let left = (*x - width / 2).max(0);
        let right = left + width;
        if left >= last_right.saturating_add(min_gap) && right <= canvas.width {
            canvas.text(label, left + width / 2, baseline, font, Align::Center)?;
            last_right = right;
        }
    }
    canvas.line(&[(plot.x0, plot.y1), (plot.x1, plot.y1)], AXIS, 1)
}

/// Space the tick labels under a plot need.
pub(crate) fn x_tick_height<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> i32 {
    (fonts(canvas).small.px * 2.0).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_the_range_with_round_steps() {
        assert_eq!(
            nice_ticks(0.0, 17.0, 6, true),
            vec![0.0, 5.0, 10.0, 15.0, 20.0]
        );
        assert_eq!(nice_ticks(0.0, 3.0, 10, true), vec![0.0, 1.0, 2.0, 3.0]);
        let ticks = nice_ticks(0.3, 0.9, 6, false);
        assert_eq!(ticks.first().copied(), Some(0.2));
        assert_eq!(ticks.last().copied(), Some(1.0));
    }

    #[test]
    fn nice_ticks_survive_degenerate_ranges() {
        assert!(!nice_ticks(5.0, 5.0, 5, false).is_empty());
        assert!(!nice_ticks(f64::NAN, f64::INFINITY, 5, true).is_empty());
    }

    #[test]
    fn date_ticks_use_months_for_a_year_and_years_for_a_decade() {
        let day = |y, m, d| day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
        let ticks = date_ticks(day(2020, 10, 8), day(2021, 10, 1), 4);
        let labels: Vec<_> = ticks.iter().map(|(_, label)| label.as_str()).collect();
        assert_eq!(labels, ["jan 2021", "apr 2021", "jul 2021", "okt 2021"]);
        let ticks = date_ticks(day(2015, 3, 1), day(2025, 1, 1), 6);
        assert!(ticks.iter().all(|(_, label)| label.len() == 4), "{ticks:?}");
    }

    #[test]
    fn date_ticks_use_days_for_a_few_weeks() {
        let day = |y, m, d| day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
        let ticks = date_ticks(day(2021, 3, 1), day(2021, 3, 29), 6);
        assert_eq!(
            ticks.first().map(|(_, label)| label.as_str()),
            Some("1 mrt")
        );
        assert!(ticks.len() <= 6);
    }
}
