//! An indicator over time: measured values as a line with points, the baseline (nulmeting) and
//! the target (doel) as labelled horizontal lines, and the target date marked.

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Rect};
use crate::error::ChartError;
use crate::frame::{
    LegendItem, Marker, Scale, date_ticks, day_number, draw_value_axis_left, draw_x_ticks, fonts,
    frame, nice_ticks, no_data, tick_step, x_tick_height,
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
        let data = self.data;
        if data.values.is_empty() {
            return no_data(canvas, self.title());
        }
        let unit = self.unit();
        let mut values: Vec<DatedValue> = data.values.clone();
        values.sort_by_key(|value| value.date);

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
        let first_date = all_values.clone().map(|value| value.date).min();
        let last_date = all_values.clone().map(|value| value.date).max();
        let (Some(first_date), Some(last_date)) = (first_date, last_date) else {
            return no_data(canvas, self.title());
        };
        let whole_numbers = all_values.clone().all(|value| value.value.fract() == 0.0);

        let fonts = fonts(canvas);
        let gap = (fonts.small.px * 0.5).round() as i32;
        let probe_ticks = nice_ticks(low, high, 6, false);
        let value_decimals = if whole_numbers {
            0
        } else {
            decimals_for_step(tick_step(&probe_ticks)).clamp(1, 2)
        };
        let show = |value: f64| with_unit(value, value_decimals, unit);

        let latest = values.last().copied();
        let mut subtitle = String::new();
        if let Some(latest) = latest {
            subtitle = format!(
                "Laatste meting {}: {}",
                date_nl(latest.date),
                show(latest.value)
            );
        }
        if let Some(baseline) = data.baseline {
            subtitle.push_str(&format!(
                "; nulmeting {}: {}",
                date_nl(baseline.date),
                show(baseline.value)
            ));
        }
        if let Some(target) = data.target {
            subtitle.push_str(&format!(
                "; doel {} vóór {}",
                show(target.value),
                date_nl(target.date)
            ));
        }

        let mut legend = vec![LegendItem::new(Marker::LineWithDot, BLUE, "gemeten waarde")];
        if data.baseline.is_some() {
            legend.push(LegendItem::new(Marker::Dashed, DARK_GREY, "nulmeting"));
        }
        if data.target.is_some() {
            legend.push(LegendItem::new(Marker::Dashed, PURPLE, "doel en doeldatum"));
        }
        let plot = frame(canvas, self.title(), Some(&subtitle), &legend)?;

        let span = day_number(last_date) - day_number(first_date);
        let margin = (span * 0.04).max(10.0);
        let x_start = day_number(first_date) - margin;
        let x_end = day_number(last_date) + margin;

        let axis_title_height = (fonts.small.line_height() * 1.2).round() as i32;
        let top = plot.y0 + axis_title_height + fonts.small.line_height().round() as i32;
        let bottom = plot.y1 - x_tick_height(canvas);
        let max_ticks = (f64::from(bottom - top) / (fonts.small.px * 3.0)).max(2.0) as usize;
        let ticks = nice_ticks(low, high, max_ticks.min(10), false);
        let y_start = ticks.first().copied().unwrap_or(low);
        let y_end = ticks.last().copied().unwrap_or(high);
        let tick_decimals = decimals_for_step(tick_step(&ticks));
        let label_width = ticks
            .iter()
            .map(|tick| canvas.text_width(&with_unit(*tick, tick_decimals, unit), fonts.small))
            .max()
            .unwrap_or(0);
        let chart = Rect::new(plot.x0 + label_width + 2 * gap, top, plot.x1, bottom);
        let x_scale = Scale::new((x_start, x_end), (chart.x0, chart.x1));
        let y_scale = Scale::new((y_start, y_end), (chart.y1, chart.y0));

        let axis_title = match unit {
            Some(unit) => format!("{} ({unit})", data.indicator.trim()),
            None => data.indicator.trim().to_string(),
        };
        let axis_title = ellipsize(canvas, &axis_title, fonts.small, plot.width());
        canvas.text(
            &axis_title,
            plot.x0,
            plot.y0 + fonts.small.cap_height().round() as i32,
            fonts.small,
            Align::Left,
        )?;
        draw_value_axis_left(canvas, chart, &y_scale, &ticks, unit)?;
        let date_label_width = canvas.text_width("sep 2021", fonts.small) + gap * 3;
        let max_labels = (chart.width() / date_label_width.max(1)).max(2) as usize;
        let x_ticks: Vec<(i32, String)> = date_ticks(x_start, x_end, max_labels)
            .into_iter()
            .map(|(day, label)| (x_scale.map(day), label))
            .collect();
        draw_x_ticks(canvas, chart, &x_ticks)?;

        let dash = (fonts.small.px * 0.7).round() as i32;
        let reference_width = canvas.stroke(2.0);
        let label_font = fonts.small.bold();
        let mut baseline_label_box: Option<Rect> = None;
        if let Some(baseline) = data.baseline {
            let y = y_scale.map(baseline.value);
            canvas.dashed_line(
                &[(chart.x0, y), (chart.x1, y)],
                DARK_GREY,
                reference_width,
                dash,
                dash / 2 + 1,
            )?;
            let label = format!("nulmeting: {}", show(baseline.value));
            let font = label_font.with_color(DARK_GREY);
            let x = chart.x0 + gap;
            let text_baseline = y - gap;
            canvas.text(&label, x, text_baseline, font, Align::Left)?;
            baseline_label_box = Some(Rect::new(
                x,
                text_baseline - font.cap_height().round() as i32,
                x + canvas.text_width(&label, font),
                text_baseline,
            ));
        }
        if let Some(target) = data.target {
            let y = y_scale.map(target.value);
            canvas.dashed_line(
                &[(chart.x0, y), (chart.x1, y)],
                PURPLE,
                reference_width,
                dash,
                dash / 2 + 1,
            )?;
            let label = format!("doel: {}", show(target.value));
            let font = label_font.with_color(PURPLE_TEXT);
            let width = canvas.text_width(&label, font);
            // Right-aligned, but clear of the target-date line and its marker when that is near
            // the right edge.
            let target_x = x_scale.map(day_number(target.date));
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
            let collides = baseline_label_box.is_some_and(|other| other.overlaps(&above_box));
            let text_baseline = if collides {
                y + gap + font.cap_height().round() as i32
            } else {
                above
            };
            canvas.text(&label, x, text_baseline, font, Align::Right)?;

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
            let date_label = format!("doeldatum {}", date_nl(target.date));
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
                )?;
            } else {
                canvas.text(
                    &date_label,
                    target_x - gap,
                    date_baseline,
                    date_font,
                    Align::Right,
                )?;
            }
        }

        let points: Vec<(i32, i32)> = values
            .iter()
            .map(|value| {
                (
                    x_scale.map(day_number(value.date)),
                    y_scale.map(value.value),
                )
            })
            .collect();
        canvas.line(&points, BLUE, canvas.stroke(2.5))?;
        let radius = (fonts.small.px * 0.38).round() as i32;
        for point in &points {
            canvas.circle(*point, radius.max(2), BLUE, Some(WHITE))?;
        }
        if let (Some(latest), Some(point)) = (latest, points.last()) {
            let label = show(latest.value);
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

/// The target colour darkened for text, which needs more contrast on white than a line does.
const PURPLE_TEXT: plotters::style::RGBColor = plotters::style::RGBColor(0x9e, 0x3f, 0x7a);
