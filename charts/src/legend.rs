//! The legend: a sentence on what the marks mean (where colour alone would not say it), then one
//! entry per mark, flowing into rows and wrapping long labels onto more lines on narrow charts.

use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

use crate::canvas::{Align, Canvas, Font, Rect};
use crate::error::ChartError;
use crate::frame::{Fonts, fonts};
use crate::marks::{status_dot, status_dot_label, status_label, status_rect};
use crate::model::Status;
use crate::palette::{self, EMPTY_CELL, EMPTY_CELL_BORDER, MUTED_TEXT, TEXT};
use crate::text::wrap;

/// How a legend entry shows its mark.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Marker {
    /// A status swatch with its colour and pattern, for bars.
    Status(Status),
    /// A status swatch with its letter in it, for grid cells.
    StatusCode(Status, &'static str),
    /// A status dot with its letter in it and a dark ring, for map points.
    StatusDot(Status, &'static str),
    /// A light cell with a mark in it, for "no action".
    EmptyCode(&'static str),
    /// A light dot with a mark in it and a dark ring, for "no actions yet".
    EmptyDot(&'static str),
    /// A solid line.
    Line(RGBColor),
    /// A solid line with a dot on it, for measured series.
    LineWithDot(RGBColor),
    /// A dashed line, for reference lines.
    Dashed(RGBColor),
    /// A number, for the numbered lists that stand in for names on narrow charts.
    Number(String),
    /// A number and a status swatch with its letter (or an empty one with a mark), for the
    /// list of a map's numbered dots.
    NumberedStatus(String, Option<Status>, &'static str),
}

/// One legend entry: a mark and the text that says what it means.
#[derive(Clone, Debug)]
pub(crate) struct LegendItem {
    pub marker: Marker,
    pub label: String,
}

impl LegendItem {
    pub fn new(marker: Marker, label: impl Into<String>) -> LegendItem {
        LegendItem {
            marker,
            label: label.into(),
        }
    }
}

/// The radius of a dot that holds a status letter, on the map and in its legend.
pub(crate) fn code_dot_radius(fonts: &Fonts) -> i32 {
    (fonts.code.px * 0.85).round() as i32
}

/// A legend laid out in a width: the note's lines, and rows of entries with their labels'
/// lines.
pub(crate) struct Legend<'a> {
    items: &'a [LegendItem],
    note: Vec<String>,
    /// Each entry's label, wrapped.
    labels: Vec<Vec<String>>,
    /// Entry indices per row.
    rows: Vec<Vec<usize>>,
    font: Font,
}

impl<'a> Legend<'a> {
    /// Lays out `items` (and the `note` above them) in `width`; with `one_per_row` each entry
    /// gets a row of its own.
    pub fn lay_out<DB: DrawingBackend>(
        canvas: &Canvas<'_, DB>,
        items: &'a [LegendItem],
        note: Option<&str>,
        width: i32,
        one_per_row: bool,
    ) -> Legend<'a> {
        let fonts = fonts(canvas);
        let font = fonts.label;
        let gap = marker_gap(font);
        let note = note
            .map(|note| wrap(canvas, note, font.with_color(MUTED_TEXT), width, 4))
            .unwrap_or_default();
        let labels: Vec<Vec<String>> = items
            .iter()
            .map(|item| {
                let room = width - marker_size(&fonts, &item.marker).0 - gap;
                wrap(canvas, &item.label, font, room.max(1), 3)
            })
            .collect();
        let mut legend = Legend {
            items,
            note,
            labels,
            rows: Vec::new(),
            font,
        };
        legend.rows = legend.flow(canvas, width, one_per_row);
        legend
    }

    /// Splits the entries into rows that fit `width`.
    fn flow<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        width: i32,
        one_per_row: bool,
    ) -> Vec<Vec<usize>> {
        let spacing = (self.font.px * 1.5).round() as i32;
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut used = 0;
        for index in 0..self.items.len() {
            let item_width = self.item_width(canvas, index);
            let needed = if current.is_empty() {
                item_width
            } else {
                used + spacing + item_width
            };
            if !current.is_empty() && (one_per_row || needed > width) {
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

    /// The widest entry (or note line), for a legend in a column of its own.
    pub fn width<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> i32 {
        let note = self
            .note
            .iter()
            .map(|line| canvas.text_width(line, self.font))
            .max()
            .unwrap_or(0);
        (0..self.items.len())
            .map(|index| self.item_width(canvas, index))
            .max()
            .unwrap_or(0)
            .max(note)
    }

    fn item_width<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>, index: usize) -> i32 {
        let fonts = fonts(canvas);
        let text = self.labels[index]
            .iter()
            .map(|line| canvas.text_width(line, self.font))
            .max()
            .unwrap_or(0);
        marker_size(&fonts, &self.items[index].marker).0 + marker_gap(self.font) + text
    }

    fn line_height(&self) -> i32 {
        self.font.line_height().round() as i32
    }

    /// A row's height: its tallest entry, plus a little air.
    fn row_height<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>, row: &[usize]) -> i32 {
        let fonts = fonts(canvas);
        let line_height = self.line_height();
        // The mark and the first line share a middle; the other lines follow below.
        let tallest = row
            .iter()
            .map(|index| {
                let marker = marker_size(&fonts, &self.items[*index].marker).1;
                let lines = self.labels[*index].len().max(1) as i32;
                marker.max(line_height) / 2 + line_height * (lines - 1) + line_height / 2
            })
            .max()
            .unwrap_or(0);
        tallest + (self.font.px * 0.45).round() as i32
    }

    fn note_height(&self) -> i32 {
        match self.note.len() {
            0 => 0,
            lines => lines as i32 * self.line_height() + (self.font.px * 0.3).round() as i32,
        }
    }

    /// The height the legend takes.
    pub fn height<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> i32 {
        let rows: i32 = self
            .rows
            .iter()
            .map(|row| self.row_height(canvas, row))
            .sum();
        self.note_height() + rows
    }

    /// Draws the note and the entries from the top left corner of `area`.
    pub fn draw<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        area: Rect,
    ) -> Result<(), ChartError> {
        let fonts = fonts(canvas);
        let (font, line_height) = (self.font, self.line_height());
        let note_font = font.with_color(MUTED_TEXT);
        for (index, line) in self.note.iter().enumerate() {
            let center_y = area.y0 + line_height * index as i32 + line_height / 2;
            canvas.text_centered(line, area.x0, center_y, note_font, Align::Left)?;
        }
        let spacing = (font.px * 1.5).round() as i32;
        let gap = marker_gap(font);
        let mut top = area.y0 + self.note_height();
        for row in &self.rows {
            let row_height = self.row_height(canvas, row);
            let mut x = area.x0;
            for &index in row {
                let (marker_width, marker_height) = marker_size(&fonts, &self.items[index].marker);
                // The mark beside the label's first line (or in the middle of a tall mark).
                let first_line = top + marker_height.max(line_height) / 2;
                draw_marker(canvas, &fonts, &self.items[index].marker, (x, first_line))?;
                let text_x = x + marker_width + gap;
                let mut widest = 0;
                for (line_index, line) in self.labels[index].iter().enumerate() {
                    let center_y = first_line + line_height * line_index as i32;
                    canvas.text_centered(line, text_x, center_y, font, Align::Left)?;
                    widest = widest.max(canvas.text_width(line, font));
                }
                x = text_x + widest + spacing;
            }
            top += row_height;
        }
        Ok(())
    }
}

fn marker_gap(font: Font) -> i32 {
    (font.px * 0.45).round() as i32
}

/// A marker's width and height.
fn marker_size(fonts: &Fonts, marker: &Marker) -> (i32, i32) {
    let px = fonts.label.px;
    let ems = |width: f64, height: f64| ((px * width).round() as i32, (px * height).round() as i32);
    match marker {
        Marker::Number(number) => (number_width(fonts, number), ems(0.0, 1.0).1),
        Marker::NumberedStatus(number, ..) => {
            let (swatch_width, swatch_height) = code_swatch(fonts);
            (number_width(fonts, number) + swatch_width, swatch_height)
        }
        Marker::Status(_) => ems(1.6, 1.1),
        Marker::StatusCode(..) | Marker::EmptyCode(_) => code_swatch(fonts),
        Marker::StatusDot(..) | Marker::EmptyDot(_) => {
            let diameter = 2 * code_dot_radius(fonts) + 1;
            (diameter, diameter)
        }
        Marker::Line(_) | Marker::LineWithDot(_) | Marker::Dashed(_) => ems(2.4, 1.0),
    }
}

/// The room for a number in a list: two digits at least, so that one- and two-digit numbers
/// line up.
fn number_width(fonts: &Fonts, number: &str) -> i32 {
    let font = fonts.label.bold();
    let width = font.text_width(number).max(font.text_width("00"));
    width + (font.px * 0.4).round() as i32
}

/// A swatch big enough for a status letter, the size of a small grid cell.
fn code_swatch(fonts: &Fonts) -> (i32, i32) {
    let code = fonts.code.px;
    ((code * 1.9).round() as i32, (code * 1.4).round() as i32)
}

fn draw_marker<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    fonts: &Fonts,
    marker: &Marker,
    (x, center_y): (i32, i32),
) -> Result<(), ChartError> {
    let (width, height) = marker_size(fonts, marker);
    let box_at = Rect::new(
        x,
        center_y - height / 2,
        x + width,
        center_y - height / 2 + height,
    );
    let stroke = canvas.stroke(2.5);
    let middle = (x + width / 2, center_y);
    match marker {
        Marker::Status(status) => status_rect(canvas, box_at, *status),
        Marker::StatusCode(status, code) => {
            code_swatch_mark(canvas, fonts, box_at, Some(*status), code)
        }
        Marker::EmptyCode(mark) => code_swatch_mark(canvas, fonts, box_at, None, mark),
        Marker::StatusDot(status, code) => {
            let radius = code_dot_radius(fonts);
            status_dot(canvas, middle, radius, *status, Some(TEXT))?;
            status_dot_label(canvas, *status, code, middle, radius, fonts.code)
        }
        Marker::EmptyDot(mark) => {
            canvas.circle(middle, code_dot_radius(fonts), EMPTY_CELL, Some(TEXT))?;
            let font = fonts.code.with_color(palette::BLACK);
            canvas.text_centered(mark, middle.0, center_y, font, Align::Center)
        }
        Marker::Line(color) => canvas.line(&[(x, center_y), (x + width, center_y)], *color, stroke),
        Marker::LineWithDot(color) => {
            canvas.line(&[(x, center_y), (x + width, center_y)], *color, stroke)?;
            canvas.circle(middle, (fonts.label.px * 0.3).round() as i32, *color, None)
        }
        Marker::Number(number) => {
            let font = fonts.label.bold();
            canvas.text_centered(number, x, center_y, font, Align::Left)
        }
        Marker::NumberedStatus(number, status, code) => {
            let font = fonts.label.bold();
            canvas.text_centered(number, x, center_y, font, Align::Left)?;
            let left = x + number_width(fonts, number);
            let swatch = Rect::new(left, box_at.y0, x + width, box_at.y1);
            code_swatch_mark(canvas, fonts, swatch, *status, code)
        }
        Marker::Dashed(color) => {
            let dash = (fonts.label.px * 0.45).round() as i32;
            canvas.dashed_line(
                &[(x, center_y), (x + width, center_y)],
                *color,
                stroke,
                dash,
                dash / 2 + 1,
            )
        }
    }
}

/// A swatch with a status letter in it, or a light one with a mark for no status.
fn code_swatch_mark<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    fonts: &Fonts,
    swatch: Rect,
    status: Option<Status>,
    code: &str,
) -> Result<(), ChartError> {
    let middle = (swatch.center_x(), swatch.center_y());
    match status {
        Some(status) => {
            status_rect(canvas, swatch, status)?;
            status_label(canvas, status, code, middle, fonts.code, swatch)
        }
        None => {
            canvas.rect(swatch, EMPTY_CELL)?;
            canvas.rect_outline(swatch, EMPTY_CELL_BORDER, 1)?;
            let font = fonts.code.with_color(MUTED_TEXT);
            canvas.text_centered(code, middle.0, middle.1, font, Align::Center)
        }
    }
}
