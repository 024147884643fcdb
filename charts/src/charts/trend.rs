//! An indicator over time: measured values as a line with points, the baseline (nulmeting) and
//! the target (doel) as labelled horizontal lines, and the target date marked.

use chrono::NaiveDate;
use plotters::prelude::DrawingBackend;

use crate::axes::{
    Scale, day_number, draw_date_axis, draw_line_label, draw_value_axis_left, nice_ticks,
    tick_step, x_tick_height,
};
use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::error::ChartError;
use crate::frame::{Fonts, Frame, fonts, no_data};
use crate::lang::{Lang, fill};
use crate::legend::{LegendItem, Marker};
use crate::model::{DatedValue, IndicatorTrend};
use crate::palette::{BLUE, DARK_GREY, PURPLE, WHITE};
use crate::place::first_clear;
use crate::text::{date, decimals_for_step, ellipsize, with_unit};

pub(crate) struct Trend<'a> {
    pub data: &'a IndicatorTrend,
    pub lang: Lang,
}

impl Trend<'_> {
    pub fn validate(&self) -> Result<(), ChartError> {
        let data = self.data;
        let reference = data.baseline.iter().chain(data.target.iter());
        match data
            .values
            .iter()
            .chain(reference)
            .find(|value| !value.value.is_finite())
        {
            Some(bad) => Err(ChartError::InvalidData(format!(
                "indicator value on {} is not a finite number",
                bad.date
            ))),
            None => Ok(()),
        }
    }

    fn title(&self) -> &str {
        match (&self.data.title, self.data.indicator.trim()) {
            (Some(title), _) => title,
            (None, "") => self.lang.words().indicator_fallback_title,
            (None, indicator) => indicator,
        }
    }

    fn unit(&self) -> Option<&str> {
        self.data
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|unit| !unit.is_empty())
    }
}

impl Draw for Trend<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        if self.data.values.is_empty() {
            return no_data(canvas, self.title(), self.lang);
        }
        let mut values: Vec<DatedValue> = self.data.values.clone();
        values.sort_by_key(|value| value.date);
        let Some(extent) = self.extent(&values) else {
            return no_data(canvas, self.title(), self.lang);
        };
        let decimals = self.value_decimals(&extent);
        let subtitle = self.subtitle(values.last().copied(), decimals);
        let legend = self.legend();
        let plot = Frame::new(self.title())
            .subtitle(&subtitle)
            .legend(&legend)
            .draw(canvas)?;
        let axes = self.axes(canvas, plot, &extent, decimals);
        self.draw_axes(canvas, plot, &axes)?;
        self.draw_reference_lines(canvas, &axes)?;
        let points = self.draw_values(canvas, &axes, &values)?;
        self.draw_labels(canvas, &axes, &values, &points)
    }
}

/// How far the data reach: the value range (padded) and the first and last date of the
/// values, the baseline and the target.
struct Extent {
    low: f64,
    high: f64,
    first_date: NaiveDate,
    last_date: NaiveDate,
    whole_numbers: bool,
}

/// The plot area with its scales and ticks, and what every drawing step needs to know.
struct Axes {
    fonts: Fonts,
    /// The space between a mark and its label.
    gap: i32,
    /// Decimals of the values in labels.
    decimals: usize,
    chart: Rect,
    /// Day numbers from the start to the end of the time axis.
    days: (f64, f64),
    x_scale: Scale,
    y_scale: Scale,
    ticks: Vec<f64>,
}

impl Axes {
    /// The radius of a measured value's point.
    fn point_radius(&self) -> i32 {
        ((self.fonts.small.px * 0.38).round() as i32).max(2)
    }
}

impl Trend<'_> {
    /// A value with the decimals the data need and the unit.
    fn show(&self, value: f64, decimals: usize) -> String {
        with_unit(value, decimals, self.unit(), self.lang)
    }

    /// The extent of the sorted values with the baseline and the target.
    fn extent(&self, values: &[DatedValue]) -> Option<Extent> {
        let data = self.data;
        let all_values = values
            .iter()
            .chain(data.baseline.iter())
            .chain(data.target.iter());
        let (mut low, mut high) = all_values
            .clone()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| {
                (low.min(value.value), high.max(value.value))
            });
        // Start at zero when the data are positive and zero is not far away, so that small
        // changes are not blown up.
        if low >= 0.0 && low <= high * 0.35 {
            low = 0.0;
        } else {
            low -= (high - low).max(high.abs() * 0.02) * 0.08;
        }
        high += (high - low).max(high.abs() * 0.02) * 0.08;
        let first_date = all_values.clone().map(|value| value.date).min()?;
        let last_date = all_values.clone().map(|value| value.date).max()?;
        Some(Extent {
            low,
            high,
            first_date,
            last_date,
            whole_numbers: all_values.clone().all(|value| value.value.fract() == 0.0),
        })
    }

    /// The decimals of values in labels: none for whole numbers, else as the ticks need (1–2).
    fn value_decimals(&self, extent: &Extent) -> usize {
        let probe_ticks = nice_ticks(extent.low, extent.high, 6, false);
        if extent.whole_numbers {
            0
        } else {
            decimals_for_step(tick_step(&probe_ticks)).clamp(1, 2)
        }
    }

    /// The subtitle: the latest measurement, the baseline and the target.
    fn subtitle(&self, latest: Option<DatedValue>, decimals: usize) -> String {
        let words = self.lang.words();
        let part = |template: &str, value: DatedValue| {
            fill(
                template,
                &[
                    ("date", &date(value.date, self.lang)),
                    ("value", &self.show(value.value, decimals)),
                ],
            )
        };
        let parts: Vec<String> = [
            latest.map(|latest| part(words.latest_summary, latest)),
            self.data
                .baseline
                .map(|baseline| part(words.baseline_summary, baseline)),
            self.data
                .target
                .map(|target| part(words.target_summary, target)),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join("; ")
    }

    /// The legend: the measured line, and the baseline and target where there are any.
    fn legend(&self) -> Vec<LegendItem> {
        let words = self.lang.words();
        let mut legend = vec![LegendItem::new(Marker::LineWithDot(BLUE), words.measured)];
        if self.data.baseline.is_some() {
            legend.push(LegendItem::new(Marker::Dashed(DARK_GREY), words.baseline));
        }
        if self.data.target.is_some() {
            legend.push(LegendItem::new(Marker::Dashed(PURPLE), words.target_legend));
        }
        legend
    }

    /// Lays out the axes in the plot: time across, values up, room for the tick labels.
    fn axes<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
        extent: &Extent,
        decimals: usize,
    ) -> Axes {
        let fonts = fonts(canvas);
        let gap = (fonts.small.px * 0.5).round() as i32;
        let span = day_number(extent.last_date) - day_number(extent.first_date);
        let margin = (span * 0.04).max(10.0);
        let x_start = day_number(extent.first_date) - margin;
        let x_end = day_number(extent.last_date) + margin;

        let axis_title_height = (fonts.small.line_height() * 1.2).round() as i32;
        let top = plot.y0 + axis_title_height + fonts.small.line_height().round() as i32;
        let bottom = plot.y1 - x_tick_height(canvas);
        let max_ticks = (f64::from(bottom - top) / (fonts.small.px * 3.0)).max(2.0) as usize;
        let ticks = nice_ticks(extent.low, extent.high, max_ticks.min(10), false);
        let y_start = ticks.first().copied().unwrap_or(extent.low);
        let y_end = ticks.last().copied().unwrap_or(extent.high);
        let tick_decimals = decimals_for_step(tick_step(&ticks));
        let label_width = ticks
            .iter()
            .map(|tick| canvas.text_width(&self.show(*tick, tick_decimals), fonts.small))
            .max()
            .unwrap_or(0);
        let chart = Rect::new(plot.x0 + label_width + 2 * gap, top, plot.x1, bottom);
        Axes {
            fonts,
            gap,
            decimals,
            chart,
            days: (x_start, x_end),
            x_scale: Scale::new((x_start, x_end), (chart.x0, chart.x1)),
            y_scale: Scale::new((y_start, y_end), (chart.y1, chart.y0)),
            ticks,
        }
    }

    /// The axis title (indicator and unit), the value axis and the date ticks.
    fn draw_axes<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
        axes: &Axes,
    ) -> Result<(), ChartError> {
        let (fonts, chart) = (axes.fonts, axes.chart);
        let unit = self.unit();
        let axis_title = match unit {
            Some(unit) => format!("{} ({unit})", self.data.indicator.trim()),
            None => self.data.indicator.trim().to_string(),
        };
        let axis_title = ellipsize(canvas, &axis_title, fonts.small, plot.width());
        canvas.text(
            &axis_title,
            plot.x0,
            plot.y0 + fonts.small.cap_height().round() as i32,
            fonts.small,
            Align::Left,
        )?;
        draw_value_axis_left(canvas, chart, &axes.y_scale, &axes.ticks, unit, self.lang)?;
        draw_date_axis(canvas, chart, &axes.x_scale, axes.days, self.lang)
    }

    /// The baseline and the target as dashed lines across the plot, and the target date.
    fn draw_reference_lines<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
    ) -> Result<(), ChartError> {
        let (chart, dash) = (axes.chart, (axes.fonts.small.px * 0.7).round() as i32);
        let lines = [(self.data.baseline, DARK_GREY), (self.data.target, PURPLE)];
        for (reference, color) in lines {
            if let Some(reference) = reference {
                let y = axes.y_scale.map(reference.value);
                let points = [(chart.x0, y), (chart.x1, y)];
                canvas.dashed_line(&points, color, canvas.stroke(2.0), dash, dash / 2 + 1)?;
            }
        }
        match self.data.target {
            Some(target) => {
                let x = axes.x_scale.map(day_number(target.date));
                let y = axes.y_scale.map(target.value);
                draw_target_date(canvas, axes, target.date, (x, y), self.lang)
            }
            None => Ok(()),
        }
    }

    /// The measured values as a line with points; returns the points.
    fn draw_values<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
        values: &[DatedValue],
    ) -> Result<Vec<(i32, i32)>, ChartError> {
        let points: Vec<(i32, i32)> = values
            .iter()
            .map(|value| {
                (
                    axes.x_scale.map(day_number(value.date)),
                    axes.y_scale.map(value.value),
                )
            })
            .collect();
        canvas.line(&points, BLUE, canvas.stroke(2.5))?;
        for point in &points {
            canvas.circle(*point, axes.point_radius(), BLUE, Some(WHITE))?;
        }
        Ok(points)
    }

    /// The labels of the baseline, the target and the latest value, each where it covers no
    /// point and no other label, on a white halo over the lines.
    fn draw_labels<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
        values: &[DatedValue],
        points: &[(i32, i32)],
    ) -> Result<(), ChartError> {
        let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
        let radius = axes.point_radius();
        let mut taken: Vec<Rect> = points
            .iter()
            .map(|(x, y)| Rect::new(x - radius, y - radius, x + radius + 1, y + radius + 1))
            .collect();
        let words = self.lang.words();
        let references = [
            (self.data.baseline, words.baseline_label, DARK_GREY),
            (self.data.target, words.target_label, PURPLE_TEXT),
        ];
        for (reference, template, color) in references {
            let Some(reference) = reference else {
                continue;
            };
            let value = self.show(reference.value, axes.decimals);
            let label = Label::new(
                canvas,
                fill(template, &[("value", &value)]),
                fonts.small.bold().with_color(color),
            );
            let y = axes.y_scale.map(reference.value);
            let (above, below) = (y - gap, y + gap + label.cap());
            let (left, right) = (chart.x0 + gap, chart.x1 - gap - label.width);
            let spots = [(left, above), (right, above), (left, below), (right, below)];
            taken.push(label.draw_clear(canvas, &spots, &taken, chart)?);
        }
        let (Some(latest), Some(point)) = (values.last(), points.last()) else {
            return Ok(());
        };
        let label = Label::new(
            canvas,
            self.show(latest.value, axes.decimals),
            fonts.small.bold().with_color(BLUE),
        );
        let centered = point.0 - label.width / 2;
        let above = (centered, point.1 - radius - gap);
        let below = (centered, point.1 + radius + gap + label.cap());
        let right = (point.0 + radius + gap, point.1 + label.cap() / 2);
        let left = (
            point.0 - radius - gap - label.width,
            point.1 + label.cap() / 2,
        );
        // Away from the line: below the last point when the line comes down to it.
        let comes_down = points.len() > 1 && points[points.len() - 2].1 < point.1;
        let spots = if comes_down {
            [below, right, left, above]
        } else {
            [above, right, left, below]
        };
        label.draw_clear(canvas, &spots, &taken, chart).map(|_| ())
    }
}

/// A one-line label to place: its text, font and width.
struct Label {
    text: String,
    font: Font,
    width: i32,
}

impl Label {
    fn new<DB: DrawingBackend>(canvas: &Canvas<'_, DB>, text: String, font: Font) -> Label {
        let width = canvas.text_width(&text, font);
        Label { text, font, width }
    }

    fn cap(&self) -> i32 {
        self.font.cap_height().round() as i32
    }

    /// The box the text covers with its left end and baseline at `spot`.
    fn area(&self, (left, baseline): (i32, i32)) -> Rect {
        let descent = (self.font.px * 0.25).round() as i32;
        Rect::new(
            left - 1,
            baseline - self.cap() - 2,
            left + self.width + 1,
            baseline + descent,
        )
    }

    /// Draws the label at the first of `spots` inside `bounds` and clear of `taken` (or the
    /// first one, if none is), on a white halo; returns its box.
    fn draw_clear<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        spots: &[(i32, i32)],
        taken: &[Rect],
        bounds: Rect,
    ) -> Result<Rect, ChartError> {
        let boxes: Vec<Rect> = spots.iter().map(|spot| self.area(*spot)).collect();
        let chosen = first_clear(&boxes, taken, bounds).unwrap_or(0);
        let (Some(spot), Some(area)) = (spots.get(chosen), boxes.get(chosen)) else {
            return Ok(Rect::new(0, 0, 0, 0));
        };
        canvas.rect(*area, WHITE)?;
        canvas.text(&self.text, spot.0, spot.1, self.font, Align::Left)?;
        Ok(*area)
    }
}

/// The target date: a dotted vertical line, a diamond where it meets the target line, and
/// its label above the plot (left of the line when it would not fit right of it).
fn draw_target_date<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    axes: &Axes,
    day: NaiveDate,
    (target_x, y): (i32, i32),
    lang: Lang,
) -> Result<(), ChartError> {
    let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
    let dot = (fonts.small.px * 0.35).round() as i32;
    canvas.dashed_line(
        &[(target_x, chart.y0 - gap), (target_x, chart.y1)],
        PURPLE,
        canvas.stroke(1.5),
        dot,
        dot,
    )?;
    let size = (fonts.small.px * 0.6).round() as i32;
    let diamond = [
        (target_x, y - size),
        (target_x + size, y),
        (target_x, y + size),
        (target_x - size, y),
    ];
    canvas.polygon(&diamond, PURPLE, Some((WHITE, 1)))?;
    let date_label = fill(
        lang.words().target_date_label,
        &[("date", &date(day, lang))],
    );
    let date_font = fonts.small.bold().with_color(PURPLE_TEXT);
    let date_baseline = chart.y0 - gap - (fonts.small.px * 0.3).round() as i32;
    draw_line_label(
        canvas,
        &date_label,
        date_font,
        (target_x, date_baseline),
        gap,
    )
}

/// The target colour darkened for text, which needs more contrast on white than a line does.
const PURPLE_TEXT: plotters::style::RGBColor = plotters::style::RGBColor(0x9e, 0x3f, 0x7a);
