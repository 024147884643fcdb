//! Value and time axes: linear scales with round tick values, date ticks with month names in
//! the chart's language, grid lines and tick labels.

use chrono::{Datelike, NaiveDate};
use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Font, Rect};
use crate::error::ChartError;
use crate::frame::{fonts, padding};
use crate::lang::Lang;
use crate::palette::{AXIS, GRID};
use crate::text::{self, month_abbr};

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
/// whichever gives at most about `max_count` labels ("mrt 2021", "2022").
fn date_ticks(start: f64, end: f64, max_count: usize, lang: Lang) -> Vec<(f64, String)> {
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
                    format!("{} {}", date.day(), month_abbr(date.month(), lang)),
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
                format!("{} {year}", month_abbr(month_of_year, lang))
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
    lang: Lang,
) -> Result<(), ChartError> {
    let font = fonts(canvas).small;
    let decimals = text::decimals_for_step(tick_step(ticks));
    let gap = (font.px * 0.5).round() as i32;
    for value in ticks {
        let y = scale.map(*value);
        canvas.line(&[(plot.x0, y), (plot.x1, y)], GRID, 1)?;
        let label = text::with_unit(*value, decimals, unit, lang);
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

/// The time axis under `chart` from day `start` to day `end`: as many date labels as fit,
/// and more of them when they are years, which are shorter than months.
pub(crate) fn draw_date_axis<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    chart: Rect,
    scale: &Scale,
    (start, end): (f64, f64),
    lang: Lang,
) -> Result<(), ChartError> {
    let font = fonts(canvas).small;
    let spacing = (font.px * 1.5).round() as i32;
    let fitting = |sample: &str| {
        (chart.width() / (canvas.text_width(sample, font) + spacing).max(1)).max(2) as usize
    };
    let is_years = |ticks: &[(f64, String)]| ticks.iter().all(|(_, label)| !label.contains(' '));
    let mut ticks = date_ticks(start, end, fitting("sep 2021"), lang);
    if is_years(&ticks) {
        let more = date_ticks(start, end, fitting("2021"), lang);
        if is_years(&more) {
            ticks = more;
        }
    }
    let ticks: Vec<(i32, String)> = ticks
        .into_iter()
        .map(|(day, label)| (scale.map(day), label))
        .collect();
    draw_x_ticks(canvas, chart, &ticks)
}

/// Space the tick labels under a plot need.
pub(crate) fn x_tick_height<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> i32 {
    (fonts(canvas).small.px * 2.0).round() as i32
}

/// A label beside a vertical marker line at `x` (the cut-off, a target date): right of it where
/// it fits in the chart, else left of it, else as far right as it fits.
pub(crate) fn draw_line_label<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    label: &str,
    font: Font,
    (x, baseline): (i32, i32),
    gap: i32,
) -> Result<(), ChartError> {
    let pad = padding(canvas);
    let width = canvas.text_width(label, font);
    let left = if x + gap + width <= canvas.width - pad {
        x + gap
    } else if x - gap - width >= pad {
        x - gap - width
    } else {
        (canvas.width - pad - width).max(pad)
    };
    canvas.text(label, left, baseline, font, Align::Left)
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
        let ticks = date_ticks(day(2020, 10, 8), day(2021, 10, 1), 4, Lang::Nl);
        let labels: Vec<_> = ticks.iter().map(|(_, label)| label.as_str()).collect();
        assert_eq!(labels, ["jan 2021", "apr 2021", "jul 2021", "okt 2021"]);
        let ticks = date_ticks(day(2015, 3, 1), day(2025, 1, 1), 6, Lang::Nl);
        assert!(ticks.iter().all(|(_, label)| label.len() == 4), "{ticks:?}");
    }

    #[test]
    fn date_ticks_use_days_for_a_few_weeks() {
        let day = |y, m, d| day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
        let ticks = date_ticks(day(2021, 3, 1), day(2021, 3, 29), 6, Lang::En);
        assert_eq!(
            ticks.first().map(|(_, label)| label.as_str()),
            Some("1 Mar")
        );
        assert!(ticks.len() <= 6);
    }
}
