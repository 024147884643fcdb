//! Burn-up of milestones: cumulative planned (current and original plan) against done, with the
//! report's cut-off date (peildatum) marked.

use chrono::NaiveDate;
use plotters::prelude::DrawingBackend;

use crate::axes::{
    Scale, day_number, draw_date_axis, draw_line_label, draw_value_axis_left, nice_ticks,
    x_tick_height,
};
use crate::canvas::{Align, Canvas, Draw, Rect};
use crate::error::ChartError;
use crate::frame::{Fonts, Frame, fonts, no_data};
use crate::lang::{Lang, fill};
use crate::legend::{LegendItem, Marker};
use crate::model::MilestonesBurnup;
use crate::palette::{BLUE, DARK_GREY, ORANGE, TEXT, WHITE};
use crate::text::{counted, date, ellipsize, number};

pub(crate) struct Burnup<'a> {
    pub data: &'a MilestonesBurnup,
    pub lang: Lang,
}

/// A cumulative step line from `start` to `end` rising at each of the sorted `dates` (by the
/// number of milestones on that day).
fn steps(dates: &[NaiveDate], start: f64, end: f64) -> Vec<(f64, f64)> {
    let mut points = vec![(start, 0.0)];
    let mut count = 0.0;
    for (index, date) in dates.iter().enumerate() {
        let is_first_of_day = index == 0 || dates.get(index - 1) != Some(date);
        let x = day_number(*date);
        if is_first_of_day {
            points.push((x, count));
        }
        count += 1.0;
        let is_last_of_day = dates.get(index + 1) != Some(date);
        if is_last_of_day {
            points.push((x, count));
        }
    }
    points.push((end, count));
    points
}

impl Burnup<'_> {
    fn title(&self) -> &str {
        self.data
            .title
            .as_deref()
            .unwrap_or(self.lang.words().burnup_title)
    }
}

impl Draw for Burnup<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        if self.data.milestones.is_empty() {
            return no_data(canvas, self.title(), self.lang);
        }
        let dates = self.dates();
        let subtitle = self.subtitle(&dates);
        let legend = legend(dates.has_original, self.lang);
        let plot = Frame::new(self.title())
            .subtitle(&subtitle)
            .legend(&legend)
            .draw(canvas)?;
        let axes = self.draw_axes(canvas, plot, &dates)?;
        draw_lines(canvas, &axes, &dates, self.data.cutoff)?;
        self.draw_cutoff(canvas, &axes)
    }
}

/// The milestones' dates, each list sorted: planned now, planned originally, and done by the
/// cut-off.
struct Dates {
    planned: Vec<NaiveDate>,
    original: Vec<NaiveDate>,
    done: Vec<NaiveDate>,
    /// Some milestone was re-planned, so the original plan is a line of its own.
    has_original: bool,
}

/// The plot area with its scales, and what every drawing step needs to know.
struct Axes {
    fonts: Fonts,
    /// The space between a mark and its label.
    gap: i32,
    chart: Rect,
    /// Day numbers from the start to the end of the time axis.
    days: (f64, f64),
    x_scale: Scale,
    y_scale: Scale,
}

impl Axes {
    /// Points (day number, count) to pixels.
    fn to_pixels(&self, points: &[(f64, f64)]) -> Vec<(i32, i32)> {
        points
            .iter()
            .map(|(x, y)| (self.x_scale.map(*x), self.y_scale.map(*y)))
            .collect()
    }
}

/// The legend: current plan, original plan where it differs, done, and the cut-off.
fn legend(has_original: bool, lang: Lang) -> Vec<LegendItem> {
    let words = lang.words();
    let mut legend = vec![LegendItem::new(Marker::Line(BLUE), words.planned_current)];
    if has_original {
        legend.push(LegendItem::new(
            Marker::Dashed(DARK_GREY),
            words.planned_original,
        ));
    }
    legend.push(LegendItem::new(Marker::LineWithDot(ORANGE), words.achieved));
    legend.push(LegendItem::new(Marker::Dashed(TEXT), words.cutoff));
    legend
}

impl Burnup<'_> {
    /// The milestones' dates, sorted.
    fn dates(&self) -> Dates {
        let data = self.data;
        let mut planned: Vec<NaiveDate> = data.milestones.iter().map(|m| m.planned).collect();
        let mut original: Vec<NaiveDate> = data
            .milestones
            .iter()
            .map(|m| m.original_planned.unwrap_or(m.planned))
            .collect();
        // A report knows nothing after its cut-off date.
        let mut done: Vec<NaiveDate> = data
            .milestones
            .iter()
            .filter_map(|m| m.done)
            .filter(|date| *date <= data.cutoff)
            .collect();
        planned.sort_unstable();
        original.sort_unstable();
        done.sort_unstable();
        let has_original = data
            .milestones
            .iter()
            .any(|m| m.original_planned.is_some_and(|date| date != m.planned));
        Dates {
            planned,
            original,
            done,
            has_original,
        }
    }

    /// The subtitle: done and planned by the cut-off, how far behind, and the original plan.
    fn subtitle(&self, dates: &Dates) -> String {
        let cutoff = self.data.cutoff;
        let due_by_cutoff = dates.planned.iter().filter(|date| **date <= cutoff).count();
        let originally_due = dates
            .original
            .iter()
            .filter(|date| **date <= cutoff)
            .count();
        let behind = due_by_cutoff.saturating_sub(dates.done.len());
        let (lang, words) = (self.lang, self.lang.words());
        let whole = |count: usize| number(count as f64, 0, lang);
        let mut subtitle = fill(
            words.burnup_summary,
            &[
                ("date", &date(cutoff, lang)),
                ("done", &whole(dates.done.len())),
                (
                    "milestones",
                    &counted(dates.planned.len(), words.milestone, lang),
                ),
                ("due", &whole(due_by_cutoff)),
            ],
        );
        if behind > 0 {
            subtitle.push_str(&fill(words.burnup_behind, &[("behind", &whole(behind))]));
        }
        if dates.has_original {
            subtitle.push_str(&fill(
                words.burnup_original,
                &[("due", &whole(originally_due))],
            ));
        }
        subtitle
    }

    /// Lays out and draws the axes: time across every date and the cut-off, counts up to all
    /// milestones.
    fn draw_axes<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        plot: Rect,
        dates: &Dates,
    ) -> Result<Axes, ChartError> {
        let cutoff = self.data.cutoff;
        let fonts = fonts(canvas);
        let gap = (fonts.small.px * 0.5).round() as i32;
        let all_dates = dates
            .planned
            .iter()
            .chain(&dates.original)
            .chain(&dates.done)
            .chain(std::iter::once(&cutoff));
        let first = all_dates.clone().min().copied().unwrap_or(cutoff);
        let last = all_dates.max().copied().unwrap_or(cutoff);
        let span = day_number(last) - day_number(first);
        let margin = (span * 0.03).max(7.0);
        let x_start = day_number(first) - margin;
        let x_end = day_number(last) + margin;

        let total = dates.planned.len() as f64;
        let axis_title_height = (fonts.small.line_height() * 1.2).round() as i32;
        let top = plot.y0 + axis_title_height + fonts.small.line_height().round() as i32;
        let bottom = plot.y1 - x_tick_height(canvas);
        let max_ticks = (f64::from(bottom - top) / (fonts.small.px * 3.0)).max(2.0) as usize;
        let ticks = nice_ticks(0.0, total, max_ticks.min(10), true);
        let y_end = ticks.last().copied().unwrap_or(total);
        let label_width = canvas.text_width(&number(y_end, 0, self.lang), fonts.small);
        let chart = Rect::new(plot.x0 + label_width + 2 * gap, top, plot.x1, bottom);
        let x_scale = Scale::new((x_start, x_end), (chart.x0, chart.x1));
        let y_scale = Scale::new((0.0, y_end), (chart.y1, chart.y0));

        canvas.text(
            &ellipsize(
                canvas,
                self.lang.words().burnup_axis,
                fonts.small,
                plot.width(),
            ),
            plot.x0,
            plot.y0 + fonts.small.cap_height().round() as i32,
            fonts.small,
            Align::Left,
        )?;
        draw_value_axis_left(canvas, chart, &y_scale, &ticks, None, self.lang)?;
        draw_date_axis(canvas, chart, &x_scale, (x_start, x_end), self.lang)?;
        Ok(Axes {
            fonts,
            gap,
            chart,
            days: (x_start, x_end),
            x_scale,
            y_scale,
        })
    }

    /// The cut-off as a dashed vertical line, labelled above the plot.
    fn draw_cutoff<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        axes: &Axes,
    ) -> Result<(), ChartError> {
        let (fonts, gap, chart) = (axes.fonts, axes.gap, axes.chart);
        let cutoff = self.data.cutoff;
        let cutoff_x = axes.x_scale.map(day_number(cutoff));
        let dash = (fonts.small.px * 0.5).round() as i32;
        canvas.dashed_line(
            &[(cutoff_x, chart.y0 - gap), (cutoff_x, chart.y1)],
            TEXT,
            canvas.stroke(1.5),
            dash,
            dash,
        )?;
        let label = fill(
            self.lang.words().cutoff_label,
            &[("date", &date(cutoff, self.lang))],
        );
        let label_font = fonts.small.with_color(TEXT).bold();
        let baseline = chart.y0 - gap - (fonts.small.px * 0.3).round() as i32;
        draw_line_label(canvas, &label, label_font, (cutoff_x, baseline), gap)
    }
}

/// The step lines: the original plan (dashed, where it differs), the current plan, and done up
/// to the cut-off with a dot at every rise.
fn draw_lines<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    axes: &Axes,
    dates: &Dates,
    cutoff: NaiveDate,
) -> Result<(), ChartError> {
    let (x_start, x_end) = axes.days;
    let line_width = canvas.stroke(2.5);
    if dates.has_original {
        let dash = (axes.fonts.small.px * 0.7).round() as i32;
        canvas.dashed_line(
            &axes.to_pixels(&steps(&dates.original, x_start, x_end)),
            DARK_GREY,
            line_width,
            dash,
            dash / 2 + 1,
        )?;
    }
    canvas.line(
        &axes.to_pixels(&steps(&dates.planned, x_start, x_end)),
        BLUE,
        line_width,
    )?;
    let done_points = steps(&dates.done, x_start, day_number(cutoff));
    canvas.line(&axes.to_pixels(&done_points), ORANGE, line_width + 1)?;
    let dot_radius = (axes.fonts.small.px * 0.3).round() as i32;
    for (index, point) in done_points.iter().enumerate() {
        // Dots where the count rises: every second point after the start.
        let is_rise = index > 0
            && done_points
                .get(index - 1)
                .is_some_and(|previous| previous.1 < point.1);
        if is_rise {
            let (x, y) = (axes.x_scale.map(point.0), axes.y_scale.map(point.1));
            canvas.circle((x, y), dot_radius.max(2), ORANGE, Some(WHITE))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_rise_by_one_per_milestone_and_merge_same_day_rises() {
        let day = |d| NaiveDate::from_ymd_opt(2021, 1, d).unwrap_or_default();
        let dates = [day(5), day(5), day(9)];
        let points = steps(&dates, day_number(day(1)), day_number(day(20)));
        let counts: Vec<f64> = points.iter().map(|(_, count)| *count).collect();
        assert_eq!(counts, [0.0, 0.0, 2.0, 2.0, 3.0, 3.0]);
    }

    #[test]
    fn steps_without_dates_stay_flat_at_zero() {
        let points = steps(&[], 0.0, 10.0);
        assert_eq!(points, [(0.0, 0.0), (10.0, 0.0)]);
    }
}
