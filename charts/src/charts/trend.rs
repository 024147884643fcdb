//! An indicator over time: measured values as a line with points, the baseline (nulmeting) and
//! the target (doel) as labelled horizontal lines, and the target date marked.

use chrono::NaiveDate;
use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Rect};
use crate::error::ChartError;
use crate::frame::{
    Fonts, LegendItem, Marker, Scale, date_ticks, day_number, draw_value_axis_left, draw_x_ticks,
    fonts, frame, nice_ticks, no_data, tick_step, x_tick_height,
};
use crate::model::{DatedValue, IndicatorTrend};
use crate::palette::{BLUE, DARK_GREY, PURPLE, WHITE};
use crate::text::{date_nl, decimals_for_step, ellipsize, with_unit};

const FALLBACK_TITLE: &str = "Indicator";

pub(crate) struct Trend<'a> {
    pub data: &'a IndicatorTrend,
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
            (None, "") => FALLBACK_TITLE,
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
            return no_data(canvas, self.title());
        }
        let mut values: Vec<DatedValue> = self.data.values.clone();
        values.sort_by_key(|value| value.date);
        let Some(extent) = self.extent(&values) else {
            return no_data(canvas, self.title());
        };
        let decimals = self.value_decimals(&extent);
        let subtitle = self.subtitle(values.last().copied(), decimals);
        let plot = frame(canvas, self.title(), Some(&subtitle), &self.legend())?;
        let axes = self.axes(canvas, plot, &extent, decimals);
        self.draw_axes(canvas, plot, &axes)?;
        let baseline_label = self.draw_baseline(canvas, &axes)?;
        self.draw_target(canvas, &axes, baseline_label)?;
        self.draw_values(canvas, &axes, &values)
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

impl Trend<'_> {
    /// A value with the decimals the data need and the unit.
    fn show(&self, value: f64, decimals: usize) -> String {
        with_unit(value, decimals, self.unit())
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
        let mut subtitle = String::new();
        if let Some(latest) = latest {
            subtitle = format!(
                "Laatste meting {}: {}",
                date_nl(latest.date),
                self.show(latest.value, decimals)
            );
        }
        if let Some(baseline) = self.data.baseline {
            subtitle.push_str(&format!(
                "; nulmeting {}: {}",
                date_nl(baseline.date),
                self.show(baseline.value, decimals)
            ));
        }
        if let Some(target) = self.data.target {
            subtitle.push_str(&format!(
                "; doel {} vóór {}",
                self.show(target.value, decimals),
                date_nl(target.date)
            ));
        }
        subtitle
    }

    /// The legend: the measured line, and the baseline and target where there are any.
    fn legend(&self) -> Vec<LegendItem> {
        let mut legend = vec![LegendItem::new(Marker::LineWithDot, BLUE, "gemeten waarde")];
        if self.data.baseline.is_some() {
            legend.push(LegendItem::new(Marker::Dashed, DARK_GREY, "nulmeting"));
        }
        if self.data.target.is_some() {
            legend.push(LegendItem::new(Marker::Dashed, PURPLE, "doel en doeldatum"));
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
        let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
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
        draw_value_axis_left(canvas, chart, &axes.y_scale, &axes.ticks, unit)?;
        let date_label_width = canvas.text_width("sep 2021", fonts.small) + gap * 3;
        let max_labels = (chart.width() / date_label_width.max(1)).max(2) as usize;
        let x_ticks: Vec<(i32, String)> = date_ticks(axes.days.0, axes.days.1, max_labels)
            .into_iter()
            .map(|(day, label)| (axes.x_scale.map(day), label))
            .collect();
        draw_x_ticks(canvas, chart, &x_ticks)
    }

    /// The baseline as a dashed line with its label; returns where the label went.
    fn draw_baseline<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
    ) -> Result<Option<Rect>, ChartError> {
        let Some(baseline) = self.data.baseline else {
            return Ok(None);
        };
        let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
        let dash = (fonts.small.px * 0.7).round() as i32;
        let y = axes.y_scale.map(baseline.value);
        canvas.dashed_line(
            &[(chart.x0, y), (chart.x1, y)],
            DARK_GREY,
            canvas.stroke(2.0),
            dash,
            dash / 2 + 1,
        )?;
        let label = format!("nulmeting: {}", self.show(baseline.value, axes.decimals));
        let font = fonts.small.bold().with_color(DARK_GREY);
        let x = chart.x0 + gap;
        let text_baseline = y - gap;
        canvas.text(&label, x, text_baseline, font, Align::Left)?;
        Ok(Some(Rect::new(
            x,
            text_baseline - font.cap_height().round() as i32,
            x + canvas.text_width(&label, font),
            text_baseline,
        )))
    }

    /// The target as a dashed line with its label (clear of the baseline's), and its date.
    fn draw_target<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
        baseline_label: Option<Rect>,
    ) -> Result<(), ChartError> {
        let Some(target) = self.data.target else {
            return Ok(());
        };
        let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
        let dash = (fonts.small.px * 0.7).round() as i32;
        let y = axes.y_scale.map(target.value);
        canvas.dashed_line(
            &[(chart.x0, y), (chart.x1, y)],
            PURPLE,
            canvas.stroke(2.0),
            dash,
            dash / 2 + 1,
        )?;
        let label = format!("doel: {}", self.show(target.value, axes.decimals));
        let font = fonts.small.bold().with_color(PURPLE_TEXT);
        let width = canvas.text_width(&label, font);
        // Right-aligned, but clear of the target-date line and its marker when that is near
        // the right edge.
        let target_x = axes.x_scale.map(day_number(target.date));
        let marker_clearance = (fonts.small.px * 0.6).round() as i32 + gap;
        let x = if target_x > chart.x1 - width - 2 * marker_clearance {
            (target_x - marker_clearance).max(chart.x0 + width)
        } else {
            chart.x1 - gap
        };
        let above = y - gap;
        let above_box = Rect::new(
            x - width,
            above - font.cap_height().round() as i32,
            x,
            above,
        );
        let collides = baseline_label.is_some_and(|other| other.overlaps(&above_box));
        let text_baseline = if collides {
            y + gap + font.cap_height().round() as i32
        } else {
            above
        };
        canvas.text(&label, x, text_baseline, font, Align::Right)?;
        draw_target_date(canvas, axes, target.date, (target_x, y))
    }

    /// The measured values as a line with points, the latest one labelled.
    fn draw_values<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
        values: &[DatedValue],
    ) -> Result<(), ChartError> {
        let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
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
        let radius = (fonts.small.px * 0.38).round() as i32;
        for point in &points {
            canvas.circle(*point, radius.max(2), BLUE, Some(WHITE))?;
        }
        if let (Some(latest), Some(point)) = (values.last(), points.last()) {
            let label = self.show(latest.value, axes.decimals);
            let font = fonts.small.bold().with_color(BLUE);
            let width = canvas.text_width(&label, font);
            let y = point.1 - radius - gap;
            if point.0 + width / 2 <= chart.x1 {
                canvas.text(&label, point.0, y, font, Align::Center)?;
            } else {
                canvas.text(&label, point.0, y, font, Align::Right)?;
            }
        }
        Ok(())
    }
}

/// The target date: a dotted vertical line, a diamond where it meets the target line, and
/// its label above the plot (left of the line when it would not fit right of it).
fn draw_target_date<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    axes: &Axes,
    date: NaiveDate,
    (target_x, y): (i32, i32),
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
    let date_label = format!("doeldatum {}", date_nl(date));
    let date_font = fonts.small.bold().with_color(PURPLE_TEXT);
    let date_width = canvas.text_width(&date_label, date_font);
    let date_baseline = chart.y0 - gap - (fonts.small.px * 0.3).round() as i32;
    if target_x + gap + date_width <= chart.x1 {
        canvas.text(
            &date_label,
            target_x + gap,
            date_baseline,
            date_font,
            Align::Left,
        )
    } else {
        canvas.text(
            &date_label,
            target_x - gap,
            date_baseline,
            date_font,
            Align::Right,
        )
    }
}

/// The target colour darkened for text, which needs more contrast on white than a line does.
const PURPLE_TEXT: plotters::style::RGBColor = plotters::style::RGBColor(0x9e, 0x3f, 0x7a);
