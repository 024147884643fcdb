//! Burn-up of milestones: cumulative planned (current and original plan) against done, with the
//! report's cut-off date (peildatum) marked.

use chrono::NaiveDate;
use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Rect};
use crate::error::ChartError;
use crate::frame::{
    LegendItem, Marker, Scale, date_ticks, day_number, draw_value_axis_left, draw_x_ticks, fonts,
    frame, nice_ticks, no_data, x_tick_height,
};
use crate::model::MilestonesBurnup;
use crate::palette::{BLUE, DARK_GREY, ORANGE, TEXT, WHITE};
use crate::text::{counted, date_nl};

pub(crate) const DEFAULT_TITLE: &str = "Mijlpalen: gepland en gerealiseerd";

pub(crate) struct Burnup<'a> {
    pub data: &'a MilestonesBurnup,
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
        self.data.title.as_deref().unwrap_or(DEFAULT_TITLE)
    }
}

impl Draw for Burnup<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let data = self.data;
        if data.milestones.is_empty() {
            return no_data(canvas, self.title());
        }
        let cutoff = data.cutoff;
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
            .filter(|date| *date <= cutoff)
            .collect();
        planned.sort_unstable();
        original.sort_unstable();
        done.sort_unstable();
        let has_original = data
            .milestones
            .iter()
            .any(|m| m.original_planned.is_some_and(|date| date != m.planned));

        let due_by_cutoff = planned.iter().filter(|date| **date <= cutoff).count();
        let originally_due = original.iter().filter(|date| **date <= cutoff).count();
        let behind = due_by_cutoff.saturating_sub(done.len());
        let mut subtitle = format!(
            "Peildatum {}: {} van {} gerealiseerd, {} gepland",
            date_nl(cutoff),
            done.len(),
            counted(planned.len(), "mijlpaal", "mijlpalen"),
            due_by_cutoff
        );
        if behind > 0 {
            subtitle.push_str(&format!(" ({behind} achter op planning)"));
        }
        if has_original {
            subtitle.push_str(&format!("; oorspronkelijk {originally_due} gepland"));
        }

        let mut legend = vec![LegendItem::new(
            Marker::Line,
            BLUE,
            "gepland (huidige planning)",
        )];
        if has_original {
            legend.push(LegendItem::new(
                Marker::Dashed,
                DARK_GREY,
                "oorspronkelijk gepland",
            ));
        }
        legend.push(LegendItem::new(Marker::LineWithDot, ORANGE, "gerealiseerd"));
        legend.push(LegendItem::new(Marker::Dashed, TEXT, "peildatum"));
        let plot = frame(canvas, self.title(), Some(&subtitle), &legend)?;
        let fonts = fonts(canvas);
        let gap = (fonts.small.px * 0.5).round() as i32;

        let all_dates = planned
            .iter()
            .chain(&original)
            .chain(&done)
            .chain(std::iter::once(&cutoff));
        let first = all_dates.clone().min().copied().unwrap_or(cutoff);
        let last = all_dates.max().copied().unwrap_or(cutoff);
        let span = day_number(last) - day_number(first);
        let margin = (span * 0.03).max(7.0);
        let x_start = day_number(first) - margin;
        let x_end = day_number(last) + margin;

        let total = planned.len() as f64;
        let axis_title_height = (fonts.small.line_height() * 1.2).round() as i32;
        let top = plot.y0 + axis_title_height + fonts.small.line_height().round() as i32;
        let bottom = plot.y1 - x_tick_height(canvas);
        let max_ticks = (f64::from(bottom - top) / (fonts.small.px * 3.0)).max(2.0) as usize;
        let ticks = nice_ticks(0.0, total, max_ticks.min(10), true);
        let y_end = ticks.last().copied().unwrap_or(total);
        let label_width = canvas.text_width(&crate::text::number_nl(y_end, 0), fonts.small);
        let chart = Rect::new(plot.x0 + label_width + 2 * gap, top, plot.x1, bottom);
        let x_scale = Scale::new((x_start, x_end), (chart.x0, chart.x1));
        let y_scale = Scale::new((0.0, y_end), (chart.y1, chart.y0));

        canvas.text(
            "Aantal mijlpalen (cumulatief)",
            plot.x0,
            plot.y0 + fonts.small.cap_height().round() as i32,
            fonts.small,
            Align::Left,
        )?;
        draw_value_axis_left(canvas, chart, &y_scale, &ticks, None)?;
        let label_width = canvas.text_width("sep 2021", fonts.small) + gap * 3;
        let max_labels = (chart.width() / label_width.max(1)).max(2) as usize;
        let x_ticks: Vec<(i32, String)> = date_ticks(x_start, x_end, max_labels)
            .into_iter()
            .map(|(day, label)| (x_scale.map(day), label))
            .collect();
        draw_x_ticks(canvas, chart, &x_ticks)?;

        let to_pixels = |points: &[(f64, f64)]| -> Vec<(i32, i32)> {
            points
                .iter()
                .map(|(x, y)| (x_scale.map(*x), y_scale.map(*y)))
                .collect()
        };
        let line_width = canvas.stroke(2.5);
        if has_original {
            let dash = (fonts.small.px * 0.7).round() as i32;
            canvas.dashed_line(
                &to_pixels(&steps(&original, x_start, x_end)),
                DARK_GREY,
                line_width,
                dash,
                dash / 2 + 1,
            )?;
        }
        canvas.line(
            &to_pixels(&steps(&planned, x_start, x_end)),
            BLUE,
            line_width,
        )?;
        let done_points = steps(&done, x_start, day_number(cutoff));
        canvas.line(&to_pixels(&done_points), ORANGE, line_width + 1)?;
        let dot_radius = (fonts.small.px * 0.3).round() as i32;
        for (index, point) in done_points.iter().enumerate() {
            // Dots where the count rises: every second point after the start.
            let is_rise = index > 0
                && done_points
                    .get(index - 1)
                    .is_some_and(|previous| previous.1 < point.1);
            if is_rise {
                let (x, y) = (x_scale.map(point.0), y_scale.map(point.1));
                canvas.circle((x, y), dot_radius.max(2), ORANGE, Some(WHITE))?;
            }
        }

        let cutoff_x = x_scale.map(day_number(cutoff));
        let dash = (fonts.small.px * 0.5).round() as i32;
        canvas.dashed_line(
            &[(cutoff_x, chart.y0 - gap), (cutoff_x, chart.y1)],
            TEXT,
            canvas.stroke(1.5),
            dash,
            dash,
        )?;
        let label = format!("peildatum {}", date_nl(cutoff));
        let label_font = fonts.small.with_color(TEXT).bold();
        let width = canvas.text_width(&label, label_font);
        let baseline = chart.y0 - gap - (fonts.small.px * 0.3).round() as i32;
        if cutoff_x + gap + width <= chart.x1 {
            canvas.text(&label, cutoff_x + gap, baseline, label_font, Align::Left)
        } else {
            canvas.text(&label, cutoff_x - gap, baseline, label_font, Align::Right)
        }
    }
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
