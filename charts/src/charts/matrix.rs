//! The area × theme grid: one cell per area and theme, filled with its stoplicht colour and
//! pattern and labelled with the word (or, where the word does not fit, its one-letter code).
//! Where the themes' names do not fit over their columns (narrow charts), the columns are
//! numbered and the names listed under the grid.

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::error::ChartError;
use crate::frame::{Fonts, Frame, fonts, no_data};
use crate::lang::Lang;
use crate::legend::{Legend, LegendItem, Marker};
use crate::marks::{status_label, status_rect};
use crate::model::{AreaThemeMatrix, MatrixRow, Status};
use crate::palette::{EMPTY_CELL, EMPTY_CELL_BORDER, MUTED_TEXT};
use crate::text::{counted, wrap};

/// Shown in cells of areas without an action in that theme.
const NO_ACTION_MARK: &str = "–";

pub(crate) struct Matrix<'a> {
    pub data: &'a AreaThemeMatrix,
    pub lang: Lang,
}

impl Matrix<'_> {
    /// Rejects rows with more cells than there are themes: a shifted row would put every
    /// stoplicht under the wrong theme.
    pub fn validate(&self) -> Result<(), ChartError> {
        let themes = self.data.themes.len();
        match self.data.rows.iter().find(|row| row.cells.len() > themes) {
            Some(row) => Err(ChartError::InvalidData(format!(
                "matrix row {:?} has {} cells for {} themes",
                row.area,
                row.cells.len(),
                themes
            ))),
            None => Ok(()),
        }
    }

    fn title(&self) -> &str {
        self.data
            .title
            .as_deref()
            .unwrap_or(self.lang.words().matrix_title)
    }
}

fn legend(lang: Lang) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = Status::DISPLAY_ORDER
        .iter()
        .map(|status| {
            LegendItem::new(
                Marker::StatusCode(*status, status.code(lang)),
                status.legend(lang),
            )
        })
        .collect();
    items.push(LegendItem::new(
        Marker::EmptyCode(NO_ACTION_MARK),
        lang.words().no_action_in_theme,
    ));
    items
}

impl Draw for Matrix<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let (data, lang) = (self.data, self.lang);
        if data.themes.is_empty() || data.rows.is_empty() {
            return no_data(canvas, self.title(), lang);
        }
        let words = lang.words();
        let subtitle = format!(
            "{} × {}. {}",
            counted(data.rows.len(), words.area, lang),
            counted(data.themes.len(), words.theme, lang),
            words.matrix_note
        );
        let legend = legend(lang);
        let plot = Frame::new(self.title())
            .subtitle(&subtitle)
            .legend(&legend)
            .draw(canvas)?;
        let grid = self.grid(canvas, plot);
        self.draw_headers(canvas, &grid)?;
        self.draw_key(canvas, &grid)?;
        for (row_index, row) in data.rows.iter().enumerate() {
            self.draw_row(canvas, &grid, row_index, row)?;
        }
        Ok(())
    }
}

/// Where the grid goes: the areas' column, the theme columns with their wrapped headers (or
/// numbers and a key under the grid), and the rows.
struct Grid {
    fonts: Fonts,
    plot: Rect,
    /// The space between a name and the grid.
    gap: i32,
    label_column: i32,
    column_width: f64,
    header_font: Font,
    /// Each theme's header, wrapped to at most three lines, or its number.
    headers: Vec<Vec<String>>,
    /// The most lines a header has.
    header_lines: i32,
    line_height: i32,
    /// The numbered themes' names for the list under the grid; empty when the headers are names.
    key: Vec<LegendItem>,
    key_height: i32,
    grid_top: i32,
    row_height: f64,
    /// Lines of an area's name that fit in a row (0 when rows are thinner than a line).
    name_lines: usize,
    cell_gap: i32,
    /// The smallest cell's width and height: whether a word fits is decided on it, so that
    /// rounding never gives one row words and the next letters.
    cell_size: (i32, i32),
}

impl Matrix<'_> {
    /// Lays out the grid in the plot: a column for the area names (wrapping onto two lines),
    /// the themes' headers, numbered when their words do not fit, rows no taller than needed.
    fn grid<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>, plot: Rect) -> Grid {
        let data = self.data;
        let fonts = fonts(canvas);
        let gap = (fonts.label.px * 0.6).round() as i32;
        let widest_area = data
            .rows
            .iter()
            .map(|row| canvas.text_width(&row.area, fonts.label))
            .max()
            .unwrap_or(0);
        let label_column = (widest_area + gap).min(plot.width() * 2 / 5);
        let column_width = f64::from(plot.width() - label_column) / data.themes.len() as f64;

        let header_font = fonts.label.bold();
        let header_room = (column_width - 6.0).max(1.0) as i32;
        let words_fit = data
            .themes
            .iter()
            .flat_map(|theme| theme.split_whitespace())
            .all(|word| canvas.text_width(word, header_font) <= header_room);
        let (headers, key): (Vec<Vec<String>>, Vec<LegendItem>) = if words_fit {
            let headers = data
                .themes
                .iter()
                .map(|theme| wrap(canvas, theme, header_font, header_room, 3))
                .collect();
            (headers, Vec::new())
        } else {
            let numbers = (1..=data.themes.len()).map(|number| number.to_string());
            let key = numbers
                .clone()
                .zip(&data.themes)
                .map(|(number, theme)| LegendItem::new(Marker::Number(number), theme.as_str()))
                .collect();
            (numbers.map(|number| vec![number]).collect(), key)
        };
        let header_lines = headers.iter().map(Vec::len).max().unwrap_or(1) as i32;
        let line_height = header_font.line_height().round() as i32;
        let header_height = header_lines * line_height + gap / 2;
        let key_height = if key.is_empty() {
            0
        } else {
            Self::key_legend(canvas, &key, plot).height(canvas) + gap
        };

        let grid_top = plot.y0 + header_height;
        let available = f64::from(plot.y1 - key_height - grid_top);
        // Rows no taller than needed, so a few areas do not become giant tiles.
        let row_height = (available / data.rows.len() as f64).min(fonts.label.px * 3.2);
        let name_lines = lines_that_fit(row_height, fonts.label);
        let cell_gap = canvas.stroke(2.0) as i32;
        Grid {
            fonts,
            plot,
            gap,
            label_column,
            column_width,
            header_font,
            headers,
            header_lines,
            line_height,
            key,
            key_height,
            grid_top,
            row_height,
            name_lines,
            cell_gap,
            cell_size: (
                column_width.floor() as i32 - cell_gap,
                row_height.floor() as i32 - cell_gap,
            ),
        }
    }

    /// The numbered themes' list, flowing in rows under the grid.
    fn key_legend<'k, DB: DrawingBackend>(
        canvas: &Canvas<'_, DB>,
        key: &'k [LegendItem],
        plot: Rect,
    ) -> Legend<'k> {
        Legend::lay_out(canvas, key, None, plot.width(), false)
    }

    /// The themes' headers over their columns, bottom-aligned on the grid.
    fn draw_headers<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        grid: &Grid,
    ) -> Result<(), ChartError> {
        let (plot, line_height) = (grid.plot, grid.line_height);
        for (index, lines) in grid.headers.iter().enumerate() {
            let center_x =
                plot.x0 + grid.label_column + (grid.column_width * (index as f64 + 0.5)) as i32;
            let first_line = grid.header_lines - lines.len() as i32;
            // Only where it fits: with very many themes on a narrow chart, two-digit numbers
            // would run into each other.
            let fits = lines.iter().all(|line| {
                f64::from(canvas.text_width(line, grid.header_font)) <= grid.column_width - 1.0
            });
            if !fits {
                continue;
            }
            for (line_index, line) in lines.iter().enumerate() {
                let baseline = plot.y0 + line_height * (first_line + line_index as i32 + 1)
                    - (line_height - grid.header_font.cap_height().round() as i32) / 2;
                canvas.text(line, center_x, baseline, grid.header_font, Align::Center)?;
            }
        }
        Ok(())
    }

    /// The numbered themes' list, at the bottom of the plot.
    fn draw_key<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        grid: &Grid,
    ) -> Result<(), ChartError> {
        if grid.key.is_empty() {
            return Ok(());
        }
        let plot = grid.plot;
        let top = plot.y1 - grid.key_height + grid.gap;
        let area = Rect::new(plot.x0, top, plot.x1, plot.y1);
        Self::key_legend(canvas, &grid.key, plot).draw(canvas, area)
    }

    /// One area's row: its name, then a cell per theme.
    fn draw_row<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        grid: &Grid,
        row_index: usize,
        row: &MatrixRow,
    ) -> Result<(), ChartError> {
        let (plot, label_column, column_width) = (grid.plot, grid.label_column, grid.column_width);
        let top = grid.grid_top + (grid.row_height * row_index as f64).round() as i32;
        let bottom = grid.grid_top + (grid.row_height * (row_index + 1) as f64).round() as i32;
        let center_y = (top + bottom) / 2;
        if grid.name_lines > 0 {
            let font = grid.fonts.label;
            let line_height = font.line_height();
            let lines = wrap(
                canvas,
                &row.area,
                font,
                label_column - grid.gap,
                grid.name_lines,
            );
            let first = center_y - (line_height * (lines.len() as f64 - 1.0) / 2.0) as i32;
            for (index, line) in lines.iter().enumerate() {
                let line_y = first + (line_height * index as f64).round() as i32;
                let right = plot.x0 + label_column - grid.gap;
                canvas.text_centered(line, right, line_y, font, Align::Right)?;
            }
        }
        for column in 0..self.data.themes.len() {
            let status = row.cells.get(column).copied().flatten();
            let left = plot.x0 + label_column + (column_width * column as f64).round() as i32;
            let right =
                plot.x0 + label_column + (column_width * (column + 1) as f64).round() as i32;
            let cell = Rect::new(left + grid.cell_gap, top + grid.cell_gap, right, bottom);
            self.draw_cell(canvas, grid, cell, status)?;
        }
        Ok(())
    }

    /// A cell: the status's mark with its word, or its letter where the word does not fit; a
    /// light cell with a dash where the area has no action in the theme.
    fn draw_cell<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        grid: &Grid,
        cell: Rect,
        status: Option<Status>,
    ) -> Result<(), ChartError> {
        let (word, code) = match status {
            Some(status) => {
                status_rect(canvas, cell, status)?;
                (status.label(self.lang), status.code(self.lang))
            }
            None => {
                canvas.rect(cell, EMPTY_CELL)?;
                canvas.rect_outline(cell, EMPTY_CELL_BORDER, 1)?;
                (NO_ACTION_MARK, NO_ACTION_MARK)
            }
        };
        // The word where it fits with its descenders, else the letter (capitals only).
        let (width, height) = grid.cell_size;
        let word_fits = canvas.text_width(word, grid.fonts.label) <= width - 6
            && grid.fonts.label.px * 1.2 <= f64::from(height);
        let (label, font) = if word_fits {
            (word, grid.fonts.label)
        } else {
            (code, grid.fonts.code)
        };
        let fits = canvas.text_width(label, font) <= width - 2
            && font.cap_height() + 2.0 <= f64::from(height);
        let center = (cell.center_x(), cell.center_y());
        match status {
            Some(status) if fits => status_label(canvas, status, label, center, font, cell),
            None if fits => {
                let font = font.with_color(MUTED_TEXT);
                canvas.text_centered(label, center.0, center.1, font, Align::Center)
            }
            _ => Ok(()),
        }
    }
}

/// How many lines of text (two at most) fit in a row of `row_height`: none when the row is
/// thinner than a line, so that names never overlap their neighbours.
fn lines_that_fit(row_height: f64, font: Font) -> usize {
    // A line needs its capitals and descenders; each further line a line height.
    let first = font.px * 1.1;
    if row_height < first {
        0
    } else if row_height < first + font.line_height() {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palette::TEXT;

    #[test]
    fn rows_hold_two_lines_one_line_or_none() {
        let font = Font::new(13.0, TEXT);
        assert_eq!(lines_that_fit(40.0, font), 2);
        assert_eq!(lines_that_fit(20.0, font), 1);
        assert_eq!(lines_that_fit(10.0, font), 0);
    }
}
