//! The area × theme grid: one cell per area and theme, filled with its stoplicht colour and
//! labelled with the word (or, where the word does not fit, its one-letter code).

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::error::ChartError;
use crate::frame::{Fonts, LegendItem, Marker, fonts, frame, no_data};
use crate::model::{AreaThemeMatrix, MatrixRow, Status};
use crate::palette::{EMPTY_CELL, EMPTY_CELL_BORDER, MUTED_TEXT, status_color, text_on};
use crate::text::{counted, ellipsize, wrap};

pub(crate) const DEFAULT_TITLE: &str = "Stoplicht per gebied en thema";
/// Shown in cells of areas without an action in that theme.
const NO_ACTION_MARK: &str = "–";

pub(crate) struct Matrix<'a> {
    pub data: &'a AreaThemeMatrix,
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
        self.data.title.as_deref().unwrap_or(DEFAULT_TITLE)
    }
}

fn legend() -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = Status::DISPLAY_ORDER
        .iter()
        .map(|status| {
            LegendItem::new(
                Marker::CodeSwatch(status.code()),
                status_color(*status),
                status.legend_nl(),
            )
        })
        .collect();
    items.push(LegendItem::new(
        Marker::CodeSwatch(NO_ACTION_MARK),
        EMPTY_CELL,
        "geen actie in dit thema",
    ));
    items
}

impl Draw for Matrix<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let data = self.data;
        if data.themes.is_empty() || data.rows.is_empty() {
            return no_data(canvas, self.title());
        }
        let subtitle = format!(
            "{} × {}",
            counted(data.rows.len(), "gebied", "gebieden"),
            counted(data.themes.len(), "thema", "thema's")
        );
        let plot = frame(canvas, self.title(), Some(&subtitle), &legend())?;
        let grid = self.grid(canvas, plot);
        self.draw_headers(canvas, &grid)?;
        let name_font = grid
            .fonts
            .label
            .with_px(grid.fonts.label.px.min(grid.row_height * 0.7));
        let cell_font = grid
            .fonts
            .label
            .with_px(grid.fonts.label.px.min(grid.row_height * 0.6));
        for (row_index, row) in data.rows.iter().enumerate() {
            self.draw_row(canvas, &grid, row_index, row, (name_font, cell_font))?;
        }
        Ok(())
    }
}

/// Where the grid goes: the areas' column, the theme columns with their wrapped headers,
/// and the rows below them.
struct Grid {
    fonts: Fonts,
    plot: Rect,
    /// The space between a name and the grid.
    gap: i32,
    label_column: i32,
    column_width: f64,
    header_font: Font,
    /// Each theme's header, wrapped to at most three lines.
    headers: Vec<Vec<String>>,
    /// The most lines a header has.
    header_lines: i32,
    line_height: i32,
    grid_top: i32,
    row_height: f64,
    cell_gap: i32,
}

impl Matrix<'_> {
    /// Lays out the grid in the plot: a column for the area names, the themes' headers
    /// shrunk until their longest word fits, rows no taller than needed.
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
        let label_column = (widest_area + gap).min(plot.width() * 35 / 100);
        let column_width = f64::from(plot.width() - label_column) / data.themes.len() as f64;

        // Shrink the headers (to 75 % at most) until the longest single word fits its column;
        // wrap breaks only between words.
        let header_room = (column_width - 6.0).max(1.0);
        let widest_word = data
            .themes
            .iter()
            .flat_map(|theme| theme.split_whitespace())
            .map(|word| canvas.text_width(word, fonts.label.bold()))
            .max()
            .unwrap_or(0);
        let shrink = (header_room / f64::from(widest_word.max(1))).clamp(0.75, 1.0);
        let header_font = fonts.label.bold().with_px(fonts.label.px * shrink);
        let headers: Vec<Vec<String>> = data
            .themes
            .iter()
            .map(|theme| wrap(canvas, theme, header_font, header_room as i32, 3))
            .collect();
        let header_lines = headers.iter().map(Vec::len).max().unwrap_or(1) as i32;
        let line_height = header_font.line_height().round() as i32;
        let header_height = header_lines * line_height + gap / 2;

        let grid_top = plot.y0 + header_height;
        let available = f64::from(plot.y1 - grid_top);
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
            grid_top,
            // Rows no taller than needed, so a few areas do not become giant tiles.
            row_height: (available / data.rows.len() as f64).min(fonts.label.px * 3.2),
            cell_gap: canvas.stroke(2.0) as i32,
        }
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
            for (line_index, line) in lines.iter().enumerate() {
                let baseline = plot.y0 + line_height * (first_line + line_index as i32 + 1)
                    - (line_height - grid.header_font.cap_height().round() as i32) / 2;
                canvas.text(line, center_x, baseline, grid.header_font, Align::Center)?;
            }
        }
        Ok(())
    }

    /// One area's row: its name, then a cell per theme.
    fn draw_row<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        grid: &Grid,
        row_index: usize,
        row: &MatrixRow,
        (name_font, cell_font): (Font, Font),
    ) -> Result<(), ChartError> {
        let (plot, label_column, column_width) = (grid.plot, grid.label_column, grid.column_width);
        let top = grid.grid_top + (grid.row_height * row_index as f64).round() as i32;
        let bottom = grid.grid_top + (grid.row_height * (row_index + 1) as f64).round() as i32;
        let center_y = (top + bottom) / 2;
        let name = ellipsize(canvas, &row.area, name_font, label_column - grid.gap);
        canvas.text_centered(
            &name,
            plot.x0 + label_column - grid.gap,
            center_y,
            name_font,
            Align::Right,
        )?;
        for column in 0..self.data.themes.len() {
            let status = row.cells.get(column).copied().flatten();
            let left = plot.x0 + label_column + (column_width * column as f64).round() as i32;
            let right =
                plot.x0 + label_column + (column_width * (column + 1) as f64).round() as i32;
            let cell = Rect::new(left + grid.cell_gap, top + grid.cell_gap, right, bottom);
            self.draw_cell(canvas, cell, status, cell_font)?;
        }
        Ok(())
    }

    fn draw_cell<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        cell: Rect,
        status: Option<Status>,
        font: Font,
    ) -> Result<(), ChartError> {
        let (fill, word, code) = match status {
            Some(status) => (status_color(status), status.label_nl(), status.code()),
            None => (EMPTY_CELL, NO_ACTION_MARK, NO_ACTION_MARK),
        };
        canvas.rect(cell, fill)?;
        if status.is_none() {
            canvas.rect_outline(cell, EMPTY_CELL_BORDER, 1)?;
        }
        let text_color = if status.is_some() {
            text_on(fill)
        } else {
            MUTED_TEXT
        };
        let font = font.with_color(text_color);
        let room = cell.width() - 6;
        let label = if canvas.text_width(word, font) <= room {
            word
        } else {
            code
        };
        if canvas.text_width(label, font) <= cell.width()
            && font.cap_height() <= f64::from(cell.height())
        {
            let font = if label == code && status.is_some() {
                font.bold()
            } else {
                font
            };
            canvas.text_centered(label, cell.center_x(), cell.center_y(), font, Align::Center)?;
        }
        Ok(())
    }
}
